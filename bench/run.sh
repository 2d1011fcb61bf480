#!/usr/bin/env bash
# Reproduces every figure in docs/BENCHMARKS.md, side by side with the
# peers, in one run on one machine. Needs a release build of ledgerlens and
# the Python peers:
#   cargo build --release
#   pip install -r bench/requirements.txt
#   bench/run.sh [adbench|pipeline|million|monitoring|scale|agent|all]
# The agent section also needs curl and wrk (Debian packages).
# Prints Markdown table rows.
set -euo pipefail
cd "$(dirname "$0")/.."
LL=${LL:-${CARGO_TARGET_DIR:-target}/release/ledgerlens}
OUT=${OUT:-/tmp/ledgerlens-bench}
DATA=${DATA:-../shared/datasets/adbench}
mkdir -p "$OUT"
what=${1:-all}

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" | tail -1; }

adbench() {
    echo "| set | rows | ledgerlens AUROC (5 seeds) | sklearn AUROC (5 seeds) | ledgerlens fit+score s | sklearn fit+score s | speed-up |"
    echo "|---|---|---|---|---|---|---|"
    for f in "$DATA"/*.csv; do
        name=$(basename "$f" .csv)
        ours=$("$LL" bench iforest "$f" --seeds 5 | tail -1)
        theirs=$(python3 bench/sklearn_iforest.py "$f" --seeds 5 2>/dev/null | tail -1)
        oa=$(echo "$ours" | field auroc_mean); ta=$(echo "$theirs" | field auroc_mean)
        ot=$(echo "$ours" | awk '{split($2,a,"=");split($3,b,"=");print a[2]+b[2]}')
        tt=$(echo "$theirs" | awk '{split($2,a,"=");split($3,b,"=");print a[2]+b[2]}')
        rows=$(($(wc -l < "$f") - 1))
        printf "| %s | %s | %s | %s | %.4f | %.4f | %.1f× |\n" "$name" "$rows" "$oa" "$ta" "$ot" "$tt" "$(awk "BEGIN{print $tt / $ot}")"
    done
}

timed() { # label, command...
    local label=$1; shift
    local out
    out=$(bench/peak_rss.sh "$@" 2>&1 | tail -1)
    echo "$label $(echo "$out" | field wall_s) $(echo "$out" | field peak_rss_mb)"
}

pipeline() {
    "$LL" demo --rows 100000 --seed 1 --out-dir "$OUT/100k" --generate-only > /dev/null
    local in="$OUT/100k/demo_ledger.xlsx"
    echo "| pipeline, 100k-row ledger, file to file | wall s | peak RSS MB | ratio to ledgerlens |"
    echo "|---|---|---|---|"
    read -r _ ll_s ll_m < <(timed ll "$LL" score "$in" -o "$OUT/100k/ours.xlsx")
    read -r _ pd_s pd_m < <(timed pd python3 bench/peer_pipeline.py "$in" "$OUT/100k/peer.xlsx" --header 3)
    read -r _ pc_s pc_m < <(timed pc python3 bench/peer_pipeline.py "$in" "$OUT/100k/peer_calamine.xlsx" --header 3 --engine calamine)
    printf "| ledgerlens score | %s | %s | 1.0× |\n" "$ll_s" "$ll_m"
    printf "| pandas (default reader: openpyxl) + scikit-learn + openpyxl | %s | %s | %.1f× |\n" "$pd_s" "$pd_m" "$(awk "BEGIN{print $pd_s / $ll_s}")"
    printf "| pandas (calamine reader) + scikit-learn + openpyxl | %s | %s | %.1f× |\n" "$pc_s" "$pc_m" "$(awk "BEGIN{print $pc_s / $ll_s}")"
}

million() {
    "$LL" demo --rows 1000000 --seed 1 --out-dir "$OUT/1m" --generate-only > /dev/null
    local in="$OUT/1m/demo_ledger.xlsx"
    echo "| 1M-row ledger, file to file | wall s | peak RSS MB |"
    echo "|---|---|---|"
    read -r _ s m < <(timed ll "$LL" score "$in" -o "$OUT/1m/ours.xlsx")
    printf "| ledgerlens score (%s) | %s | %s |\n" "$(du -h "$in" | cut -f1)" "$s" "$m"
}

# Monitoring's cost at 1M rows (issue 13): the same ledger scored without
# and with --forecast (the monthly forecasts and their sheet), and with a
# budget of its department × budget-item lines too.
monitoring() {
    "$LL" demo --rows 1000000 --seed 1 --out-dir "$OUT/1m" --generate-only > /dev/null
    local in="$OUT/1m/demo_ledger.xlsx"
    python3 - "$OUT/1m/demo_ledger.xlsx" "$OUT/1m/budget.csv" <<'PY'
import sys, collections, openpyxl
# One line per department × budget item of the newest year, at its spending.
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
rows = wb.active.iter_rows(min_row=5, values_only=True)
spent = collections.Counter()
for r in rows:
    if r[0] is not None and r[0].year == 2024:
        spent[(r[1], r[3])] += r[6]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write("부서명,예산과목,예산액\n")
    for (d, i), v in sorted(spent.items()):
        f.write(f"{d},{i},{v:.0f}\n")
PY
    echo "| 1M-row ledger, file to file | wall s | peak RSS MB |"
    echo "|---|---|---|"
    read -r _ s m < <(timed ll "$LL" score "$in" -o "$OUT/1m/plain.xlsx")
    printf "| ledgerlens score | %s | %s |\n" "$s" "$m"
    read -r _ s2 m2 < <(timed ll "$LL" score "$in" -o "$OUT/1m/forecast.xlsx" --forecast)
    printf "| ledgerlens score --forecast | %s | %s |\n" "$s2" "$m2"
    read -r _ s3 m3 < <(timed ll "$LL" score "$in" -o "$OUT/1m/both.xlsx" --forecast --budget "$OUT/1m/budget.csv")
    printf "| ledgerlens score --forecast --budget | %s | %s |\n" "$s3" "$m3"
    printf "| overhead of monitoring | %s%% | |\n" "$(awk "BEGIN{printf \"%.1f\", 100 * ($s3 - $s) / $s}")"
}

# The agent: POST score with the JSON body the add-in sends (100k and 200k
# rows, three runs each; server time from the Server-Timing header), the
# agent's peak memory, then many concurrent small requests with wrk.
agent() {
    local n dir port token pid body headers
    for n in 100000 200000; do
        "$LL" demo --rows "$n" --seed 1 --out-dir "$OUT/agent$n" --generate-only > /dev/null
        python3 bench/office_json.py "$OUT/agent$n/demo_ledger.xlsx" > "$OUT/agent$n/body.json"
    done
    dir=$(mktemp -d)
    "$LL" serve --port 0 --no-tray --data-dir "$dir" > "$dir/stdout" 2> "$dir/stderr" &
    pid=$!
    until [ -s "$dir/agent.json" ]; do sleep 0.2; done
    port=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['port'])" "$dir/agent.json")
    token=$(cat "$dir/token")
    echo "| POST /api/v1/score, JSON body | body MB | status | server s (Server-Timing) | client wall s |"
    echo "|---|---|---|---|---|"
    for n in 100000 200000; do
        body="$OUT/agent$n/body.json"
        for run in 1 2 3; do
            headers="$dir/headers"
            read -r code wall < <(curl -s -o /dev/null -D "$headers" -w '%{http_code} %{time_total}\n' \
                --cacert "$dir/ca.pem" -H "Authorization: Bearer $token" \
                -H 'Content-Type: application/json' --data-binary "@$body" \
                "https://localhost:$port/api/v1/score")
            server_ms=$(sed -n 's/.*[Ss]erver-[Tt]iming: total;dur=\([0-9.]*\).*/\1/p' "$headers")
            # The run's scored rows are written just after the answer (about
            # 0.4 s at 100k); a user's next Score comes far later than that.
            sleep 1
            printf "| %s rows, run %s | %.1f | %s | %.2f | %.2f |\n" "$n" "$run" \
                "$(awk "BEGIN{print $(stat -c %s "$body") / 1048576}")" "$code" \
                "$(awk "BEGIN{print $server_ms / 1000}")" "$wall"
        done
    done
    echo
    echo "agent peak RSS after the six runs: $(awk '/VmHWM/{printf "%.0f MB", $2/1024}' "/proc/$pid/status")"
    echo
    echo "wrk, GET /api/v1/health and GET /api/v1/runs, 64 connections, 2 threads, 10 s each:"
    for path in health runs; do
        wrk -t2 -c64 -d10s --latency -H "Authorization: Bearer $token" \
            "https://localhost:$port/api/v1/$path" | grep -E "Requests/sec|Non-2xx|Socket errors|requests in|99%"
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$dir"
}

# The CLI, the Python package and Spark local[2] on the same 1M- and
# 10M-row sets of institutions (bench/scale.py): a release wheel in a
# fresh venv that sees the machine's pyarrow and PySpark
# (pip install -r python/requirements-dev.txt; Java 17).
scale() {
    maturin build --release --locked -m python/Cargo.toml --out "$OUT/wheel" >/dev/null
    rm -rf "$OUT/venv"
    python3 -m venv --system-site-packages "$OUT/venv"
    "$OUT/venv/bin/pip" install --quiet --no-index --find-links "$OUT/wheel" ledgerlens
    python3 bench/scale.py --cli "$LL" --python "$OUT/venv/bin/python" \
        --rows "${SCALE_ROWS_1:-1000000}" --rows "${SCALE_ROWS_2:-10000000}" --work "$OUT/scale"
}

case "$what" in
    adbench) adbench ;;
    pipeline) pipeline ;;
    million) million ;;
    agent) agent ;;
    monitoring) monitoring ;;
    scale) scale ;;
    all) adbench; echo; pipeline; echo; million; echo; agent ;;
    *) echo "usage: $0 [adbench|pipeline|million|monitoring|scale|agent|all]" >&2; exit 2 ;;
esac
