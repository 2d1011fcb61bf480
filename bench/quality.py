#!/usr/bin/env python3
"""Detection quality on REAL backgrounds with injected, labelled anomalies
(issue 11, first piece). Prints Markdown tables.

    LL=/path/to/ledgerlens python3 bench/quality.py [--seeds 1 2 3] [--out DIR]
        [--backgrounds FILE ...] [--kinds K ...] [--config FILE]

For each background x seed:
  1. bench/inject_real.py BACKGROUND OUT/<name>/seed<N> --seed N
     (ledger.csv + labels.csv; the injector is independent of ledgerlens's demo)
  2. $LL --lang en score ledger.csv -o x.xlsx --jsonl x.jsonl
  3. bench/peer_real.py ledger.csv peer.csv (pandas + scikit-learn peer of
     bench/peer_pipeline.py, headers mapped, one score per row)
and judges both rankings the same way:
  P@100       share of the 100 highest-scored rows that are injected
  R@2% <kind> share of a kind's injected rows within the top 2% of data rows
  high share  ledgerlens only: share of scored rows in the high band (also on
              the background alone, and among the injected rows)
Ties at the cut are counted fractionally (the expected value under a random
order of the tied rows). Rows ledgerlens skips (damaged dates) have no score
and are never in its top k; the peer scores every row. If ledgerlens refuses a
file, its error text is reported instead.

--config FILE passes a TOML to every ledgerlens run (e.g. bench/quality_kr.toml, a
sensitivity run). Defaults: LL=target/release/ledgerlens, REAL=../shared/datasets/real,
OUT=/tmp/ledgerlens-quality; backgrounds: the three Korean 업무추진비 files and
vendor-payments/corporate.payment.csv.
"""

import argparse
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

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
KINDS = ["amount_outlier", "duplicate", "split", "non_working_day", "late_night", "rare_vendor"]
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
MEDIAN = re.compile(r"median \(([\d,.]+) KRW\)")


def ll_score(ll, ledger, out_dir, tag, config=None):
    xlsx, jsonl = os.path.join(out_dir, f"{tag}.xlsx"), os.path.join(out_dir, f"{tag}.jsonl")
    extra = ["--config", config] if config else []
    p, secs = run([ll, "--lang", "en", "score", ledger, "-o", xlsx, "--jsonl", jsonl] + extra)
    if p.returncode != 0:
        return None, (p.stderr.strip() or p.stdout.strip()), secs
    return read_jsonl(jsonl), None, secs


# ---------------------------------------------------------------------- main


def fmt(x, nd=2):
    if x is None:
        return "–"
    if isinstance(x, float) and math.isnan(x):
        return "n/a"
    return f"{x:.{nd}f}"


def main(argv=None):
    real = os.environ.get("REAL", os.path.join(ROOT, "..", "shared", "datasets", "real"))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--out", default=os.environ.get("OUT", "/tmp/ledgerlens-quality"))
    ap.add_argument("--backgrounds", nargs="+", default=[
        os.path.join(real, "korean-expense", f"{n}_expense_raw.csv") for n in ("ep", "mapo", "sdm")
    ] + [os.path.join(real, "vendor-payments", "corporate.payment.csv")])
    ap.add_argument("--kinds", nargs="+", default=None, help="passed to inject_real.py")
    ap.add_argument("--config", default=None,
                    help="TOML passed to ledgerlens score --config (a sensitivity run; "
                         "default: none, ledgerlens's built-in settings)")
    args = ap.parse_args(argv)
    ll = os.environ.get("LL", os.path.join(ROOT, "target", "release", "ledgerlens"))
    t_start = time.perf_counter()
    if args.config:
        print(f"_ledgerlens run with --config {args.config} (sensitivity run)_\n")

    beds = []           # one dict per background x seed
    fp_codes = collections.defaultdict(collections.Counter)      # bg -> strongest code of LL top-100 FPs
    fp_any = collections.defaultdict(collections.Counter)        # bg -> any code of LL top-100 FPs
    fp_n = collections.Counter()
    fp_dup_orig = collections.Counter()                          # FPs that are an injected duplicate's original
    fp_twin = collections.Counter()      # FPs whose duplicate partner is an identical record (all but source_file)
    fp_zero_med = collections.Counter()  # FPs flagged amount_outlier against a median <= 1,000
    p100_twin = collections.defaultdict(list)                    # P@100 counting identical twins as hits
    peer_fp = collections.defaultdict(collections.Counter)       # bg -> peer reason feature of its FPs
    inj_codes = collections.defaultdict(collections.Counter)     # (bg, kind) -> codes firing on injected rows
    inj_n = collections.Counter()
    inj_high = collections.Counter()
    inj_rank = collections.defaultdict(list)                     # (bg, kind) -> rank percentile (LL)
    bg_alone = {}
    errors = {}

    for bg_path in args.backgrounds:
        name = os.path.basename(bg_path).replace("_expense_raw.csv", "").replace(".csv", "")
        # the background alone: ledgerlens's own high-band share before injection
        os.makedirs(os.path.join(args.out, name), exist_ok=True)
        res, err, _ = ll_score(ll, bg_path, os.path.join(args.out, name), "background", args.config)
        if res is not None:
            bg_alone[name] = sum(o["band"] == "high" for o in res.values()) / len(res)
        for seed in args.seeds:
            d = os.path.join(args.out, name, f"seed{seed}")
            cmd = [sys.executable, os.path.join(HERE, "inject_real.py"), bg_path, d, "--seed", str(seed)]
            if args.kinds:
                cmd += ["--kinds"] + args.kinds
            p, t_inj = run(cmd)
            if p.returncode != 0:
                raise SystemExit(f"inject_real failed on {bg_path}: {p.stderr}")
            inj_note = p.stderr.strip().splitlines()
            ledger = os.path.join(d, "ledger.csv")
            labels = read_labels(os.path.join(d, "labels.csv"))
            n_rows = data_rows(ledger)
            k2 = math.ceil(TOP_SHARE * n_rows)
            lab_rows = {int(l["row"]) for l in labels}
            by_kind = collections.defaultdict(set)
            for l in labels:
                by_kind[l["kind"]].add(int(l["row"]))
            dup_orig = {int(l["orig_row"]) for l in labels if l["orig_row"]}

            ll_rows, err, t_ll = ll_score(ll, ledger, d, "x", args.config)
            p2, t_peer = run([sys.executable, os.path.join(HERE, "peer_real.py"), ledger,
                              os.path.join(d, "peer.csv")])
            if p2.returncode != 0:
                raise SystemExit(f"peer_real failed on {ledger}: {p2.stderr}")
            peer_rows = read_peer(os.path.join(d, "peer.csv"))
            peer_scores = {r: float(o["score"]) for r, o in peer_rows.items()}

            bed = dict(bg=name, seed=seed, rows=n_rows, injected=len(lab_rows), k2=k2,
                       counts={k: len(v) for k, v in by_kind.items()}, notes=inj_note,
                       t_inject=t_inj, t_ll=t_ll, t_peer=t_peer)
            p_top = cut(peer_scores, TOP_N)
            p_k2 = cut(peer_scores, k2)
            bed["peer_p100"] = hits(lab_rows, p_top) / TOP_N
            bed["peer_recall"] = {k: hits(v, p_k2) / len(v) for k, v in by_kind.items()}
            for r, w in members(p_top):
                if r not in lab_rows:
                    peer_fp[name][peer_rows[r]["reason"].split(" (")[0]] += w
            if ll_rows is None:
                errors[name] = err
                bed["ll_error"] = err
            else:
                ll_scores = {r: o["score"] for r, o in ll_rows.items()}
                top = cut(ll_scores, TOP_N)
                top2 = cut(ll_scores, k2)
                bed["ll_scored"] = len(ll_rows)
                bed["ll_p100"] = hits(lab_rows, top) / TOP_N
                bed["ll_recall"] = {k: hits(v, top2) / len(v) for k, v in by_kind.items()}
                bed["ll_high"] = sum(o["band"] == "high" for o in ll_rows.values()) / len(ll_rows)
                scored_inj = [r for r in lab_rows if r in ll_rows]
                bed["ll_high_inj"] = (sum(ll_rows[r]["band"] == "high" for r in scored_inj)
                                      / max(1, len(lab_rows)))
                bed["ll_p100_with_dup_orig"] = hits(lab_rows | dup_orig, top) / TOP_N
                recs = read_records(ledger)
                hdr = recs[0]
                skip = {i for i, h in enumerate(hdr) if h == "source_file"}

                def identical(a, b):
                    ra, rb = recs[a - 1], recs[b - 1]
                    return all(x == y for i, (x, y) in enumerate(zip(ra, rb)) if i not in skip)

                twins = set()
                for r, w in members(top):
                    if r in lab_rows:
                        continue
                    fp_n[name] += w
                    if r in dup_orig:
                        fp_dup_orig[name] += w
                    rs = ll_rows[r]["reasons"]
                    for x in rs:
                        if x["code"] == "duplicate":
                            m = DUP_ROW.search(x["text"])
                            if m and identical(r, int(m.group(1))):
                                twins.add(r)
                                fp_twin[name] += w
                                break
                    for x in rs:
                        m = MEDIAN.search(x["text"]) if x["code"] == "amount_outlier" else None
                        if m and float(m.group(1).replace(",", "")) <= 1000:
                            fp_zero_med[name] += w
                            break
                    fp_codes[name][rs[0]["code"] if rs else "(none)"] += w
                    for c in {x["code"] for x in rs}:
                        fp_any[name][c] += w
                p100_twin[name].append(hits(lab_rows | twins, top) / TOP_N)
                # rank percentile of each injected row (0 = top), ties mid-rank
                order = sorted(ll_scores.values(), reverse=True)
                n = len(order)
                for k, v in by_kind.items():
                    for r in v:
                        inj_n[(name, k)] += 1
                        o = ll_rows.get(r)
                        if o is None:
                            inj_codes[(name, k)]["(not scored)"] += 1
                            continue
                        inj_high[(name, k)] += o["band"] == "high"
                        s = o["score"]
                        above = sum(1 for x in order if x > s)
                        tied = sum(1 for x in order if x == s)
                        inj_rank[(name, k)].append((above + (tied - 1) / 2) / n)
                        codes = {x["code"] for x in o["reasons"]} or {"(none)"}
                        for c in codes:
                            inj_codes[(name, k)][c] += 1
            beds.append(bed)
            print(f"[{time.perf_counter() - t_start:6.1f}s] {name} seed {seed}: rows={n_rows} "
                  f"injected={len(lab_rows)} ll={t_ll:.2f}s peer={t_peer:.2f}s", file=sys.stderr)

    kinds = [k for k in KINDS if any(k in b["counts"] for b in beds)]
    names = list(dict.fromkeys(b["bg"] for b in beds))

    def mean(vals):
        vals = [v for v in vals if v is not None and not (isinstance(v, float) and math.isnan(v))]
        return statistics.fmean(vals) if vals else None

    # ---- table 1
    print("### Real backgrounds, injected anomalies: top-100 precision and high band\n")
    print("| background | seed | data rows | ledgerlens scored | injected (by kind) | "
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
                  f"{fmt(b['ll_p100'])} | {fmt(b['peer_p100'])} | {fmt(100 * b['ll_high'], 1)}% | "
                  f"{fmt(100 * bg_alone[b['bg']], 1) + '%' if b['bg'] in bg_alone else '–'} | "
                  f"{fmt(100 * b['ll_high_inj'], 0)}% |")
    for nm in names:
        bs = [b for b in beds if b["bg"] == nm]
        if "ll_error" in bs[0]:
            print(f"| **{nm} mean** | {len(bs)} seeds | | | | refused | "
                  f"**{fmt(mean(b['peer_p100'] for b in bs))}** | | | |")
        else:
            print(f"| **{nm} mean** | {len(bs)} seeds | | | | **{fmt(mean(b['ll_p100'] for b in bs))}** | "
                  f"**{fmt(mean(b['peer_p100'] for b in bs))}** | {fmt(100 * mean(b['ll_high'] for b in bs), 1)}% | | "
                  f"{fmt(100 * mean(b['ll_high_inj'] for b in bs), 0)}% |")

    # ---- table 2
    print("\n### Recall in the top 2% of rows, by kind (ledgerlens / peer)\n")
    print("| background | seed | top 2% = rows | " + " | ".join(kinds) + " |")
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
            if k not in bs[0]["counts"]:
                cells.append("n/a")
                continue
            llv = "refused" if "ll_error" in bs[0] else fmt(mean(b["ll_recall"][k] for b in bs))
            cells.append(f"**{llv} / {fmt(mean(b['peer_recall'][k] for b in bs))}**")
        print(f"| **{nm} mean** | {len(bs)} seeds | | " + " | ".join(cells) + " |")

    # ---- table 3
    if fp_n:
        print("\n### What fills ledgerlens's top 100 instead: non-injected rows by strongest reason code "
              "(all seeds)\n")
        print("| background | non-injected rows in top 100 (per seed) | of them: an injected duplicate's original | "
              "a duplicate whose partner is an identical record (every column but source_file) | "
              "amount_outlier against a department–account median ≤ 1,000 | P@100 counting those identical "
              "records as hits | strongest reason code (share of those rows) | any reason code (share) |")
        print("|---|---|---|---|---|---|---|---|")
        for nm in names:
            if not fp_n[nm]:
                continue
            ns = sum(1 for b in beds if b["bg"] == nm)
            tot = fp_n[nm]
            s1 = ", ".join(f"{c} {100 * v / tot:.0f}%" for c, v in fp_codes[nm].most_common(6))
            s2 = ", ".join(f"{c} {100 * v / tot:.0f}%" for c, v in fp_any[nm].most_common(6))
            print(f"| {nm} | {tot / ns:.1f} | {fp_dup_orig[nm] / ns:.1f} | {fp_twin[nm] / ns:.1f} | "
                  f"{fp_zero_med[nm] / ns:.1f} | {fmt(mean(p100_twin[nm]))} | {s1} | {s2} |")

    # ---- table 4
    if inj_n:
        print("\n### How ledgerlens sees the injected rows (all seeds)\n")
        print("| background | kind | rows | in high band | median rank percentile (0 = top) | "
              "reason codes on them (share of rows) |")
        print("|---|---|---|---|---|---|")
        for nm in names:
            for k in kinds:
                n = inj_n[(nm, k)]
                if not n:
                    continue
                rk = inj_rank[(nm, k)]
                codes = ", ".join(f"{c} {100 * v / n:.0f}%" for c, v in inj_codes[(nm, k)].most_common(5))
                print(f"| {nm} | {k} | {n} | {100 * inj_high[(nm, k)] / n:.0f}% | "
                      f"{fmt(100 * statistics.median(rk), 1) + '%' if rk else '–'} | {codes} |")

    # ---- table 5
    print("\n### The peer's top-100 non-injected rows by its largest-|z| feature (all seeds)\n")
    print("| background | feature (share) |")
    print("|---|---|")
    for nm in names:
        tot = sum(peer_fp[nm].values())
        if tot:
            print(f"| {nm} | " + ", ".join(f"{c} {100 * v / tot:.0f}%"
                                           for c, v in peer_fp[nm].most_common(6)) + " |")

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
    with open(os.path.join(args.out, "quality.json"), "w", encoding="utf-8") as f:
        json.dump(dict(beds=beds, background_alone_high=bg_alone, errors=errors), f,
                  ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
