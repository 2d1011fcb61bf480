#!/usr/bin/env bash
# Checks that two builds of ledgerlens give the same outputs: the JSONL
# byte for byte, the scored workbook's sheets, styles and strings part by
# part (the zip's timestamps aside), in both languages, and the same
# message and exit status for a set of bad inputs. For restructurings that
# must not change behaviour (issue 10):
#   bench/same_outputs.sh /path/to/old/ledgerlens /path/to/new/ledgerlens
set -euo pipefail
OLD=$1 NEW=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
"$NEW" demo --rows 20000 --seed 3 --out-dir demo --generate-only > /dev/null
in=demo/demo_ledger.xlsx
status=0
for lang in ko en; do
    for v in OLD NEW; do
        "${!v}" --lang $lang score "$in" -o "$v-$lang.xlsx" --jsonl "$v-$lang.jsonl" 2> /dev/null
    done
    if cmp -s "OLD-$lang.jsonl" "NEW-$lang.jsonl"; then echo "same: JSONL ($lang)"; else echo "DIFFERENT: JSONL ($lang)"; status=1; fi
    python3 - "OLD-$lang.xlsx" "NEW-$lang.xlsx" <<'PY' || status=1
import sys, zipfile
a, b = (zipfile.ZipFile(p) for p in sys.argv[1:3])
parts = [n for n in a.namelist() if n.startswith("xl/worksheets/") or n in ("xl/styles.xml", "xl/sharedStrings.xml", "xl/workbook.xml")]
bad = [n for n in parts if a.read(n) != b.read(n)]
print(("DIFFERENT: " + ", ".join(bad)) if bad else f"same: {len(parts)} workbook parts ({sys.argv[1]})")
sys.exit(1 if bad else 0)
PY
done
printf 'a,b\n1,2\n' > bad.csv
echo x > notes.txt
printf '[bands]\nhigh = 10\nmedium = 50\n' > bands.toml
printf '[weights]\nsplitz = 1\n' > weights.toml
printf '[[category]]\nname="x"\naccounts=["x"]\nweights = { splitz = 0.5 }\n' > category.toml
cases=("score bad.csv" "score notes.txt" "score nope.xlsx" "score $in -o $in" "score $in --map foo"
       "score $in --config bands.toml -o o.xlsx" "score $in --config weights.toml -o o.xlsx"
       "score $in --config category.toml -o o.xlsx" "score $in --config none.toml"
       "score $in --sheet Nope -o o.xlsx" "--lang en score bad.csv" "--lang en score $in --config weights.toml -o o.xlsx"
       "history verify --data-dir $dir/none" "report -o bad.csv --data-dir $dir/none"
       "history remove-run x --data-dir $dir/none")
for c in "${cases[@]}"; do
    # shellcheck disable=SC2086
    a=$("$OLD" $c 2>&1; echo "exit $?"); b=$("$NEW" $c 2>&1; echo "exit $?")
    if [ "$a" == "$b" ]; then echo "same: ledgerlens $c ($(echo "$a" | tail -1))"; else echo "DIFFERENT: ledgerlens $c"; echo "  old: $a"; echo "  new: $b"; status=1; fi
done
exit $status
