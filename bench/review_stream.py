#!/usr/bin/env python3
"""Simulated review streams (issue 12): does learning from reviews rank the
later rows better than the unsupervised score? Prints a Markdown table.

    LL=/path/to/ledgerlens python3 bench/review_stream.py [--seeds 1 2 3]
        [--out DIR] [--rows N] [--reviews 100 200 500]

Beds, each with anomalies injected by a generator independent of the scorer:
  - demo: `ledgerlens demo --generate-only` (the project's own generator);
  - real backgrounds through bench/inject_real.py: the three Korean
    업무추진비 files, vendor-payments, and us-pcard (held out of the issue-11
    tuning);
  - every synthetic world of bench/worlds.py.
For each bed x seed, `ledgerlens bench reviews LEDGER --labels labels.csv
--stream-seed SEED` scores the ledger, cuts it in time at its middle row,
has a reviewer work the earlier half from the top score down answering
from the injected labels with 10% of the answers flipped, trains the
supervised model after 100, 200 and 500 reviews, and reports PR-AUC
(average precision) on every row of the later half for the unsupervised
score and for the blend (see agent/src/learn/stream.rs).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import worlds  # noqa: E402


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{p.stderr}")
    return p.stdout


def beds(args, ll, real):
    """(name, group, ledger, labels) per bed x seed."""
    out = []
    for seed in args.seeds:
        d = os.path.join(args.out, "demo", f"seed{seed}")
        run([ll, "demo", "--rows", str(args.rows), "--seed", str(seed), "--generate-only", "--out-dir", d])
        out.append(("demo", "demo", os.path.join(d, "demo_ledger.xlsx"), os.path.join(d, "demo_labels.csv"), seed))
    backgrounds = [os.path.join(real, "korean-expense", f"{n}_expense_raw.csv") for n in ("ep", "mapo", "sdm")]
    backgrounds += [os.path.join(real, "vendor-payments", "corporate.payment.csv"),
                    os.path.join(real, "us-pcard", "purchasing.cards.2010.csv")]
    for bg in backgrounds:
        name = os.path.basename(bg).replace("_expense_raw.csv", "").replace(".csv", "")
        for seed in args.seeds:
            d = os.path.join(args.out, name, f"seed{seed}")
            run([sys.executable, os.path.join(HERE, "inject_real.py"), bg, d, "--seed", str(seed)])
            out.append((name, "real", os.path.join(d, "ledger.csv"), os.path.join(d, "labels.csv"), seed))
    for world in worlds.WORLDS:
        for seed in args.seeds:
            d = os.path.join(args.out, world, f"seed{seed}")
            run([sys.executable, os.path.join(HERE, "worlds.py"), world, d, "--seed", str(seed),
                 "--rows", str(args.rows)])
            out.append((world, "world", os.path.join(d, "ledger.csv"), os.path.join(d, "labels.csv"), seed))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--out", default=os.environ.get("OUT", "/tmp/ledgerlens-reviews"))
    ap.add_argument("--rows", type=int, default=30_000, help="rows of the demo and of each world")
    ap.add_argument("--reviews", type=int, nargs="+", default=[100, 200, 500])
    args = ap.parse_args()
    ll = os.environ.get("LL", os.path.join(ROOT, "target", "release", "ledgerlens"))
    real = os.environ.get("REAL", os.path.join(ROOT, "..", "shared", "datasets", "real"))
    t0 = time.perf_counter()
    results = {}
    for name, group, ledger, labels, seed in beds(args, ll, real):
        lines = run([ll, "bench", "reviews", ledger, "--labels", labels, "--stream-seed", str(seed),
                     "--reviews", ",".join(map(str, args.reviews))]).splitlines()
        points = [json.loads(line) for line in lines]
        results.setdefault((name, group), []).append(points)
        print(f"[{time.perf_counter() - t0:6.1f}s] {name} seed {seed}: "
              + " ".join(f"{p['reviews']}:{p['unsupervised_pr_auc']:.3f}->{p['blend_pr_auc']:.3f}" for p in points),
              file=sys.stderr)

    head = "| bed | kind | later rows (injected) | unsupervised PR-AUC | " + " | ".join(
        f"blend after {n} (confirmed / normal)" for n in args.reviews) + " | lowest gain after 200 |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    wins = {n: 0 for n in args.reviews}
    for (name, group), runs in results.items():
        def mean(key, i):
            return statistics.mean(r[i][key] for r in runs)
        cells = []
        for i, n in enumerate(args.reviews):
            trained = sum(r[i]["trained"] for r in runs)
            note = "" if trained == len(runs) else f" ({len(runs) - trained} of {len(runs)} untrained)"
            cells.append(f"{mean('blend_pr_auc', i):.3f} ({mean('confirmed', i):.0f} / {mean('normal', i):.0f}){note}")
            if all(r[i]["blend_pr_auc"] > r[i]["unsupervised_pr_auc"] for r in runs):
                wins[n] += 1
        at200 = args.reviews.index(200) if 200 in args.reviews else None
        gain = (min(r[at200]["blend_pr_auc"] - r[at200]["unsupervised_pr_auc"] for r in runs)
                if at200 is not None else float("nan"))
        print(f"| {name} | {group} | {mean('later_rows', 0):.0f} ({mean('later_positives', 0):.0f}) | "
              f"{mean('unsupervised_pr_auc', 0):.3f} | " + " | ".join(cells) + f" | {gain:+.3f} |")
    print()
    print("Beds where the blend beat the unsupervised score on every seed: " + ", ".join(
        f"after {n}: {wins[n]} of {len(results)}" for n in args.reviews) + ".")

    # The detectors' learnt weights alone (issue 12.3): the unsupervised
    # score with each detector's weight moved by its reviewed precision.
    print()
    head = "| bed | unsupervised PR-AUC | " + " | ".join(
        f"learnt weights after {n}" for n in args.reviews) + " |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    weight_wins = {n: [0, 0] for n in args.reviews}
    for (name, group), runs in results.items():
        cells = []
        for i, n in enumerate(args.reviews):
            w = statistics.mean(r[i]["weighted_pr_auc"] for r in runs)
            cells.append(f"{w:.3f}")
            better = sum(r[i]["weighted_pr_auc"] > r[i]["unsupervised_pr_auc"] for r in runs)
            worse = sum(r[i]["weighted_pr_auc"] < r[i]["unsupervised_pr_auc"] for r in runs)
            weight_wins[n][0] += better
            weight_wins[n][1] += worse
        print(f"| {name} | {statistics.mean(r[0]['unsupervised_pr_auc'] for r in runs):.3f} | "
              + " | ".join(cells) + " |")
    print()
    print("Bed-seeds where the learnt weights raised / lowered PR-AUC: " + ", ".join(
        f"after {n}: {weight_wins[n][0]} / {weight_wins[n][1]}" for n in args.reviews) + ".")
    print(f"\n(total {time.perf_counter() - t0:.0f} s; {len(args.seeds)} seeds; outputs in {args.out})")
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "review_stream.json"), "w", encoding="utf-8") as f:
        json.dump({f"{k[0]}|{k[1]}": v for k, v in results.items()}, f, indent=1)


if __name__ == "__main__":
    main()
