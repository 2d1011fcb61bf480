#!/usr/bin/env python3
"""Detection quality on beds with injected, labelled anomalies: REAL
backgrounds (issue 11, first piece) and synthetic WORLDS. Prints Markdown tables.

    LL=/path/to/ledgerlens python3 bench/quality.py [--seeds 1 2 3] [--out DIR]
        [--backgrounds FILE ...] [--worlds NAME ... | all] [--rows N]
        [--kinds K ...] [--config FILE]

Which beds: with neither --backgrounds nor --worlds, the real backgrounds (the
behaviour this bench always had). --worlds alone runs only those worlds (`all`
= every world in bench/worlds.py); give --backgrounds as well to run both.
A world is a parameter set (currency, headers, vendor concentration, holiday
habits, history length, amount granularity, anomaly rate) so ledgerlens is
judged on ledgers it was not built on; see `python3 bench/worlds.py --list`.

For each bed x seed:
  1. real:  bench/inject_real.py BACKGROUND OUT/<name>/seed<N> --seed N
     world: bench/worlds.py WORLD OUT/<world>/seed<N> --seed N --rows N --background
     (ledger.csv + labels.csv; both generators are independent of ledgerlens's demo)
  2. $LL --lang en score ledger.csv -o x.xlsx --jsonl x.jsonl
  3. bench/peer_real.py ledger.csv peer.csv (pandas + scikit-learn peer of
     bench/peer_pipeline.py, headers mapped, one score per row)
and judges both rankings the same way:
  P@100       share of the 100 highest-scored rows that are injected
  R@2% <kind> share of a kind's injected rows within the top 2% of data rows
  high share  ledgerlens only: share of scored rows in the high band (also on
              the background alone -- the real file, or the world before
              injection -- and among the injected rows)
Ties at the cut are counted fractionally (the expected value under a random
order of the tied rows). Rows ledgerlens skips (damaged dates) have no score
and are never in its top k; the peer scores every row. If ledgerlens refuses a
file, its error text is reported instead. Labels are matched to ledgerlens's
JSONL by sheet row (`row`: the header is row 1).

--config FILE passes a TOML to every ledgerlens run (e.g. bench/quality_kr.toml, a
sensitivity run). --kinds restricts what is injected (each generator gets the
kinds it knows). Defaults: LL=target/release/ledgerlens,
REAL=../shared/datasets/real, OUT=/tmp/ledgerlens-quality, --rows 30000;
backgrounds: the three Korean 업무추진비 files and vendor-payments/corporate.payment.csv.
Optional held-out background, never in the default list (keep it out of tuning):
us-pcard/purchasing.cards.2010.csv (a US government body's purchase cards, 2010;
inject_real.py's us-pcard schema, dd/mm/yyyy dates and "$1.234,56" amounts), e.g.
--backgrounds $REAL/us-pcard/purchasing.cards.2010.csv.
"""

import argparse
import bisect
import collections
import csv
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no bench/__pycache__ from importing the generators
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import inject_real  # noqa: E402
import worlds  # noqa: E402

ROOT = os.path.dirname(HERE)
KINDS = ["amount_outlier", "duplicate", "split", "recurring_jump", "non_working_day", "late_night",
         "year_end", "small_repeat", "rare_vendor"]
TOP_N = 100
TOP_SHARE = 0.02


def run(cmd, **kw):
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return p, time.perf_counter() - t


# -------------------------------------------------------------------- metrics


def cut(scores, k):
    """(rows strictly above the k-th score, rows tied at it, weight of a tied row)."""
    if k <= 0 or not scores:
        return set(), set(), 0.0
    vals = sorted(scores.values(), reverse=True)
    if k >= len(vals):
        return set(scores), set(), 0.0
    s_k = vals[k - 1]
    above = {r for r, s in scores.items() if s > s_k}
    tied = {r for r, s in scores.items() if s == s_k}
    return above, tied, (k - len(above)) / len(tied)


def hits(rows, top):
    above, tied, w = top
    return len(rows & above) + w * len(rows & tied)


def members(top):
    """Rows in the top k, each with its weight (1, or the tie weight)."""
    above, tied, w = top
    return [(r, 1.0) for r in above] + [(r, w) for r in tied]


def rank_percentile(ascending, s):
    """Share of scores above s, ties at mid-rank (0 = the top)."""
    n = len(ascending)
    lo, hi = bisect.bisect_left(ascending, s), bisect.bisect_right(ascending, s)
    above, tied = n - hi, hi - lo
    return (above + (tied - 1) / 2) / n


# ---------------------------------------------------------------------- read


def read_labels(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_jsonl(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            out[o["row"]] = o
    return out


def read_peer(path):
    with open(path, encoding="utf-8") as f:
        return {int(r["row"]): r for r in csv.DictReader(f)}


def data_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def read_records(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


DUP_ROW = re.compile(r"\(row (\d+)\)")
# the won median in an amount_outlier reason: "(₩103,981; 1 in 31)" (or "103,981 KRW")
MEDIAN = re.compile(r"median \((?:₩([\d,.]+)|([\d,.]+) KRW)")
PROFILE = re.compile(r"profile: (.+?) · currency: (\w+)")


def ll_score(ll, ledger, out_dir, tag, config=None):
    """ledgerlens on one file: (rows by sheet row, error, seconds, 'profile · currency')."""
    xlsx, jsonl = os.path.join(out_dir, f"{tag}.xlsx"), os.path.join(out_dir, f"{tag}.jsonl")
    extra = ["--config", config] if config else []
    p, secs = run([ll, "--lang", "en", "score", ledger, "-o", xlsx, "--jsonl", jsonl] + extra)
    if p.returncode != 0:
        return None, (p.stderr.strip() or p.stdout.strip()), secs, None
    m = PROFILE.search(p.stdout + p.stderr)
    return read_jsonl(jsonl), None, secs, (f"{m.group(1)} · {m.group(2)}" if m else "?")


def high_share(rows):
    return sum(o["band"] == "high" for o in rows.values()) / len(rows)


# ---------------------------------------------------------------------- beds


def make_real(bg_path, seed, out, kinds):
    """Inject into a copy of a real background; the bed's files and notes."""
    name = os.path.basename(bg_path).replace("_expense_raw.csv", "").replace(".csv", "")
    d = os.path.join(out, name, f"seed{seed}")
    cmd = [sys.executable, os.path.join(HERE, "inject_real.py"), bg_path, d, "--seed", str(seed)]
    if kinds:
        cmd += ["--kinds"] + kinds
    p, secs = run(cmd)
    if p.returncode != 0:
        raise SystemExit(f"inject_real failed on {bg_path}: {p.stderr}")
    return dict(bg=name, source="real", seed=seed, dir=d, background=bg_path,
                background_dir=os.path.join(out, name), notes=p.stderr.strip().splitlines(),
                t_inject=secs)


def make_world(world, seed, out, rows, kinds):
    """Generate a world (and its clean background.csv); the bed's files and notes."""
    d = os.path.join(out, world, f"seed{seed}")
    cmd = [sys.executable, os.path.join(HERE, "worlds.py"), world, d, "--seed", str(seed),
           "--rows", str(rows), "--background"]
    if kinds:
        cmd += ["--kinds"] + kinds
    p, secs = run(cmd)
    if p.returncode != 0:
        raise SystemExit(f"worlds.py failed on {world}: {p.stderr}")
    with open(os.path.join(d, "meta.json"), encoding="utf-8") as f:
        meta = json.load(f)
    return dict(bg=world, source="world", seed=seed, dir=d, background=os.path.join(d, "background.csv"),
                background_dir=d, notes=p.stderr.strip().splitlines(), t_inject=secs,
                window=meta["window"], skipped=meta["skipped"], about=meta["world"]["about"])


def bed_specs(args):
    """(maker, arguments) per bed x seed, in print order: real first, then worlds."""
    specs = []
    real_kinds = [k for k in args.kinds if k in inject_real.ALL_KINDS] if args.kinds else None
    world_kinds = [k for k in args.kinds if k in worlds.ALL_KINDS] if args.kinds else None
    if real_kinds != []:
        for path in args.backgrounds:
            specs += [(make_real, (path, s, args.out, real_kinds)) for s in args.seeds]
    if world_kinds != []:
        for w in args.worlds:
            specs += [(make_world, (w, s, args.out, args.rows, world_kinds)) for s in args.seeds]
    return specs


# --------------------------------------------------------------------- judge


class Tally:
    """What the tables beyond P@100 and recall need, summed over seeds per bed."""

    def __init__(self):
        d = collections.defaultdict
        self.fp_codes = d(collections.Counter)  # bed -> strongest code of LL top-100 FPs
        self.fp_any = d(collections.Counter)    # bed -> any code of LL top-100 FPs
        self.fp_n = collections.Counter()
        self.fp_dup_orig = collections.Counter()  # FPs that are an injected duplicate's original
        self.fp_twin = collections.Counter()  # FPs whose duplicate partner is an identical record
        self.fp_zero_med = collections.Counter()  # FPs flagged amount_outlier against a won median <= 1,000
        self.p100_twin = d(list)                # P@100 counting identical twins as hits
        self.peer_fp = d(collections.Counter)   # bed -> peer reason feature of its FPs
        self.inj_codes = d(collections.Counter)  # (bed, kind) -> codes firing on injected rows
        self.inj_n = collections.Counter()
        self.inj_high = collections.Counter()
        self.inj_rank = d(list)                 # (bed, kind) -> rank percentile (LL)


def judge_peer(bed, peer_rows, lab_rows, by_kind, tally):
    scores = {r: float(o["score"]) for r, o in peer_rows.items()}
    top, top2 = cut(scores, TOP_N), cut(scores, bed["k2"])
    bed["peer_p100"] = hits(lab_rows, top) / TOP_N
    bed["peer_recall"] = {k: hits(v, top2) / len(v) for k, v in by_kind.items()}
    for r, w in members(top):
        if r not in lab_rows:
            tally.peer_fp[bed["bg"]][peer_rows[r]["reason"].split(" (")[0]] += w


def judge_ll(bed, ll_rows, labels, lab_rows, by_kind, ledger, tally):
    """P@100, recall by kind, high bands, and what fills the top 100 instead."""
    name = bed["bg"]
    dup_orig = {int(l["orig_row"]) for l in labels if l["orig_row"]}
    scores = {r: o["score"] for r, o in ll_rows.items()}
    top, top2 = cut(scores, TOP_N), cut(scores, bed["k2"])
    bed["ll_scored"] = len(ll_rows)
    bed["ll_p100"] = hits(lab_rows, top) / TOP_N
    bed["ll_recall"] = {k: hits(v, top2) / len(v) for k, v in by_kind.items()}
    bed["ll_high"] = high_share(ll_rows)
    scored_inj = [r for r in lab_rows if r in ll_rows]
    bed["ll_high_inj"] = sum(ll_rows[r]["band"] == "high" for r in scored_inj) / max(1, len(lab_rows))
    bed["ll_p100_with_dup_orig"] = hits(lab_rows | dup_orig, top) / TOP_N

    recs = read_records(ledger)
    skip = {i for i, h in enumerate(recs[0]) if h == "source_file"}

    def identical(a, b):
        ra, rb = recs[a - 1], recs[b - 1]
        return all(x == y for i, (x, y) in enumerate(zip(ra, rb)) if i not in skip)

    twins = set()
    for r, w in members(top):
        if r in lab_rows:
            continue
        tally.fp_n[name] += w
        if r in dup_orig:
            tally.fp_dup_orig[name] += w
        rs = ll_rows[r]["reasons"]
        for x in rs:
            if x["code"] == "duplicate":
                m = DUP_ROW.search(x["text"])
                if m and identical(r, int(m.group(1))):
                    twins.add(r)
                    tally.fp_twin[name] += w
                    break
        for x in rs:
            m = MEDIAN.search(x["text"]) if x["code"] == "amount_outlier" else None
            if m and float((m.group(1) or m.group(2)).replace(",", "")) <= 1000:
                tally.fp_zero_med[name] += w
                break
        tally.fp_codes[name][rs[0]["code"] if rs else "(none)"] += w
        for c in {x["code"] for x in rs}:
            tally.fp_any[name][c] += w
    tally.p100_twin[name].append(hits(lab_rows | twins, top) / TOP_N)

    ascending = sorted(scores.values())
    for k, v in by_kind.items():
        for r in v:
            tally.inj_n[(name, k)] += 1
            o = ll_rows.get(r)
            if o is None:
                tally.inj_codes[(name, k)]["(not scored)"] += 1
                continue
            tally.inj_high[(name, k)] += o["band"] == "high"
            tally.inj_rank[(name, k)].append(rank_percentile(ascending, o["score"]))
            for c in {x["code"] for x in o["reasons"]} or {"(none)"}:
                tally.inj_codes[(name, k)][c] += 1


def score_bed(bed, ll, config, bg_high, tally):
    """Score one bed with ledgerlens and the peer, judge both into bed/tally."""
    ledger = os.path.join(bed["dir"], "ledger.csv")
    labels = read_labels(os.path.join(bed["dir"], "labels.csv"))
    bed["rows"] = data_rows(ledger)
    bed["k2"] = math.ceil(TOP_SHARE * bed["rows"])
    lab_rows = {int(l["row"]) for l in labels}
    by_kind = collections.defaultdict(set)
    for l in labels:
        by_kind[l["kind"]].add(int(l["row"]))
    bed["injected"] = len(lab_rows)
    bed["counts"] = {k: len(v) for k, v in by_kind.items()}

    # the background alone (once per file): ledgerlens's high share before injection
    if bed["background"] not in bg_high:
        os.makedirs(bed["background_dir"], exist_ok=True)
        res, _err, _s, _p = ll_score(ll, bed["background"], bed["background_dir"], "background", config)
        bg_high[bed["background"]] = high_share(res) if res else None
    bed["ll_high_bg"] = bg_high[bed["background"]]

    ll_rows, err, bed["t_ll"], bed["ll_profile"] = ll_score(ll, ledger, bed["dir"], "x", config)
    p, bed["t_peer"] = run([sys.executable, os.path.join(HERE, "peer_real.py"), ledger,
                            os.path.join(bed["dir"], "peer.csv")])
    if p.returncode != 0:
        raise SystemExit(f"peer_real failed on {ledger}: {p.stderr}")
    judge_peer(bed, read_peer(os.path.join(bed["dir"], "peer.csv")), lab_rows, by_kind, tally)
    if ll_rows is None:
        bed["ll_error"] = err
    else:
        judge_ll(bed, ll_rows, labels, lab_rows, by_kind, ledger, tally)


# ---------------------------------------------------------------------- print


def fmt(x, nd=2):
    if x is None:
        return "–"
    if isinstance(x, float) and math.isnan(x):
        return "n/a"
    return f"{x:.{nd}f}"


def mean(vals):
    vals = [v for v in vals if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return statistics.fmean(vals) if vals else None


def pct(x, nd=1):
    return "–" if x is None else f"{fmt(100 * x, nd)}%"


def bed_word(beds):
    kinds = {b["source"] for b in beds}
    return {"real": "background", "world": "world"}.get(kinds.pop()) if len(kinds) == 1 else \
        "background / world"


def print_worlds_table(beds):
    """What each world is, what it skips, and what ledgerlens took it for."""
    ws = [b for b in beds if b["source"] == "world"]
    if not ws:
        return
    print("### The synthetic worlds (bench/worlds.py)\n")
    print("| world | what it is | window | kinds skipped (why) | ledgerlens profile · currency |")
    print("|---|---|---|---|---|")
    for nm in dict.fromkeys(b["bg"] for b in ws):
        b = next(x for x in ws if x["bg"] == nm)
        sk = "; ".join(f"{k}: {v}" for k, v in b["skipped"].items()) or "none"
        print(f"| {nm} | {b['about']} | {b['window'][0]} – {b['window'][1]} | {sk} | "
              f"{b.get('ll_profile') or 'refused'} |")
    print()


def print_precision(beds, names, kinds):
    word = bed_word(beds)
    title = {"background": "Real backgrounds", "world": "Synthetic worlds"}.get(
        word, "Real backgrounds and synthetic worlds")
    print(f"### {title}, injected anomalies: top-100 precision and high band\n")
    print(f"| {word} | seed | data rows | ledgerlens scored | injected (by kind) | "
          "ledgerlens P@100 | peer P@100 | ledgerlens high share | ledgerlens high share, background alone | "
          "injected rows in ledgerlens high band |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for b in beds:
        ck = " · ".join(f"{k} {b['counts'][k]}" for k in kinds if k in b["counts"])
        if "ll_error" in b:
            print(f"| {b['bg']} | {b['seed']} | {b['rows']:,} | refused | {b['injected']} ({ck}) | "
                  f"refused | {fmt(b['peer_p100'])} | – | – | – |")
        else:
            print(f"| {b['bg']} | {b['seed']} | {b['rows']:,} | {b['ll_scored']:,} | {b['injected']} ({ck}) | "
                  f"{fmt(b['ll_p100'])} | {fmt(b['peer_p100'])} | {pct(b['ll_high'])} | "
                  f"{pct(b['ll_high_bg'])} | {pct(b['ll_high_inj'], 0)} |")
    for nm in names:
        bs = [b for b in beds if b["bg"] == nm]
        ok = [b for b in bs if "ll_error" not in b]
        peer = fmt(mean(b["peer_p100"] for b in bs))
        if not ok:
            print(f"| **{nm} mean** | {len(bs)} seeds | | | | refused | **{peer}** | | | |")
        else:
            print(f"| **{nm} mean** | {len(bs)} seeds | | | | **{fmt(mean(b['ll_p100'] for b in ok))}** | "
                  f"**{peer}** | {pct(mean(b['ll_high'] for b in ok))} | "
                  f"{pct(mean(b['ll_high_bg'] for b in ok))} | {pct(mean(b['ll_high_inj'] for b in ok), 0)} |")


def print_recall(beds, names, kinds):
    print("\n### Recall in the top 2% of rows, by kind (ledgerlens / peer)\n")
    print(f"| {bed_word(beds)} | seed | top 2% = rows | " + " | ".join(kinds) + " |")
    print("|---|---|---|" + "---|" * len(kinds))

    def rc(b, k):
        if k not in b["counts"]:
            return "n/a"
        llv = "refused" if "ll_error" in b else fmt(b["ll_recall"][k])
        return f"{llv} / {fmt(b['peer_recall'][k])}"

    for b in beds:
        print(f"| {b['bg']} | {b['seed']} | {b['k2']} | " + " | ".join(rc(b, k) for k in kinds) + " |")
    for nm in names:
        bs = [b for b in beds if b["bg"] == nm]
        cells = []
        for k in kinds:
            have = [b for b in bs if k in b["counts"]]
            if not have:
                cells.append("n/a")
                continue
            ok = [b for b in have if "ll_error" not in b]
            llv = fmt(mean(b["ll_recall"][k] for b in ok)) if ok else "refused"
            cells.append(f"**{llv} / {fmt(mean(b['peer_recall'][k] for b in have))}**")
        print(f"| **{nm} mean** | {len(bs)} seeds | | " + " | ".join(cells) + " |")


def print_false_positives(beds, names, tally):
    if not tally.fp_n:
        return
    print("\n### What fills ledgerlens's top 100 instead: non-injected rows by strongest reason code "
          "(all seeds)\n")
    print(f"| {bed_word(beds)} | non-injected rows in top 100 (per seed) | of them: an injected duplicate's original | "
          "a duplicate whose partner is an identical record (every column but source_file) | "
          "amount_outlier against a department–account median ≤ 1,000 | P@100 counting those identical "
          "records as hits | strongest reason code (share of those rows) | any reason code (share) |")
    print("|---|---|---|---|---|---|---|---|")
    for nm in names:
        tot = tally.fp_n[nm]
        if not tot:
            continue
        ns = sum(1 for b in beds if b["bg"] == nm)
        s1 = ", ".join(f"{c} {100 * v / tot:.0f}%" for c, v in tally.fp_codes[nm].most_common(6))
        s2 = ", ".join(f"{c} {100 * v / tot:.0f}%" for c, v in tally.fp_any[nm].most_common(6))
        print(f"| {nm} | {tot / ns:.1f} | {tally.fp_dup_orig[nm] / ns:.1f} | {tally.fp_twin[nm] / ns:.1f} | "
              f"{tally.fp_zero_med[nm] / ns:.1f} | {fmt(mean(tally.p100_twin[nm]))} | {s1} | {s2} |")


def print_injected(beds, names, kinds, tally):
    if not tally.inj_n:
        return
    print("\n### How ledgerlens sees the injected rows (all seeds)\n")
    print(f"| {bed_word(beds)} | kind | rows | in high band | median rank percentile (0 = top) | "
          "reason codes on them (share of rows) |")
    print("|---|---|---|---|---|---|")
    for nm in names:
        for k in kinds:
            n = tally.inj_n[(nm, k)]
            if not n:
                continue
            rk = tally.inj_rank[(nm, k)]
            codes = ", ".join(f"{c} {100 * v / n:.0f}%" for c, v in tally.inj_codes[(nm, k)].most_common(5))
            print(f"| {nm} | {k} | {n} | {100 * tally.inj_high[(nm, k)] / n:.0f}% | "
                  f"{fmt(100 * statistics.median(rk), 1) + '%' if rk else '–'} | {codes} |")


def print_peer_fp(beds, names, tally):
    print("\n### The peer's top-100 non-injected rows by its largest-|z| feature (all seeds)\n")
    print(f"| {bed_word(beds)} | feature (share) |")
    print("|---|---|")
    for nm in names:
        tot = sum(tally.peer_fp[nm].values())
        if tot:
            print(f"| {nm} | " + ", ".join(f"{c} {100 * v / tot:.0f}%"
                                           for c, v in tally.peer_fp[nm].most_common(6)) + " |")


# ---------------------------------------------------------------------- main


def parse_args(argv):
    real = os.environ.get("REAL", os.path.join(ROOT, "..", "shared", "datasets", "real"))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--out", default=os.environ.get("OUT", "/tmp/ledgerlens-quality"))
    ap.add_argument("--backgrounds", nargs="+", default=None,
                    help="real background CSVs (default: the four real files, unless --worlds is given)")
    ap.add_argument("--worlds", nargs="+", default=None, metavar="NAME",
                    help=f"synthetic worlds, or `all` ({', '.join(worlds.WORLDS)})")
    ap.add_argument("--rows", type=int, default=30_000, help="rows per world (default 30,000)")
    ap.add_argument("--kinds", nargs="+", default=None, choices=sorted(set(inject_real.ALL_KINDS) |
                                                                       set(worlds.ALL_KINDS)),
                    help="passed to inject_real.py / worlds.py (each gets the kinds it knows)")
    ap.add_argument("--config", default=None,
                    help="TOML passed to ledgerlens score --config (a sensitivity run; "
                         "default: none, ledgerlens's built-in settings)")
    args = ap.parse_args(argv)
    if args.worlds == ["all"]:
        args.worlds = list(worlds.WORLDS)
    for w in args.worlds or []:
        if w not in worlds.WORLDS:
            ap.error(f"unknown world {w!r}; worlds: {', '.join(worlds.WORLDS)}")
    if args.backgrounds is None:
        args.backgrounds = [] if args.worlds else [
            os.path.join(real, "korean-expense", f"{n}_expense_raw.csv") for n in ("ep", "mapo", "sdm")
        ] + [os.path.join(real, "vendor-payments", "corporate.payment.csv")]
    args.worlds = args.worlds or []
    return args


def main(argv=None):
    args = parse_args(argv)
    ll = os.environ.get("LL", os.path.join(ROOT, "target", "release", "ledgerlens"))
    t_start = time.perf_counter()
    if args.config:
        print(f"_ledgerlens run with --config {args.config} (sensitivity run)_\n")

    beds, tally, bg_high = [], Tally(), {}
    for maker, margs in bed_specs(args):
        bed = maker(*margs)
        score_bed(bed, ll, args.config, bg_high, tally)
        beds.append(bed)
        print(f"[{time.perf_counter() - t_start:6.1f}s] {bed['bg']} seed {bed['seed']}: rows={bed['rows']} "
              f"injected={bed['injected']} ll={bed['t_ll']:.2f}s peer={bed['t_peer']:.2f}s", file=sys.stderr)
    if not beds:
        raise SystemExit("no beds: --kinds left nothing to inject")

    kinds = [k for k in KINDS if any(k in b["counts"] for b in beds)]
    names = list(dict.fromkeys(b["bg"] for b in beds))
    print_worlds_table(beds)
    print_precision(beds, names, kinds)
    print_recall(beds, names, kinds)
    print_false_positives(beds, names, tally)
    print_injected(beds, names, kinds, tally)
    print_peer_fp(beds, names, tally)

    errors = {b["bg"]: b["ll_error"] for b in beds if "ll_error" in b}
    if errors:
        print("\n### ledgerlens refused\n")
        for nm, e in errors.items():
            print(f"- **{nm}**: `{e}`")
    notes = sorted({n for b in beds for n in b["notes"] if n.startswith("note:")})
    if notes:
        print("\nInjector notes: " + "; ".join(notes))
    total = time.perf_counter() - t_start
    print(f"\n(total {total:.0f} s; ledgerlens {sum(b['t_ll'] for b in beds):.1f} s, "
          f"peer {sum(b['t_peer'] for b in beds):.1f} s; outputs in {args.out})")
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "quality.json"), "w", encoding="utf-8") as f:
        json.dump(dict(beds=beds, background_alone_high=bg_high, errors=errors), f,
                  ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
