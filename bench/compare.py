#!/usr/bin/env python3
"""Two runs of bench/quality.py side by side: per bed (seeds averaged),
ledgerlens's top-100 precision and each kind's recall in the top 2%, before
and after, so a change is judged on every bed at once.

    python3 bench/compare.py BEFORE/quality.json AFTER/quality.json
"""

import collections
import json
import statistics
import sys


def by_bed(path):
    beds = collections.defaultdict(list)
    for b in json.load(open(path))["beds"]:
        if "ll_p100" in b:
            beds[b["bg"]].append(b)
    return beds


def mean(xs):
    return statistics.mean(xs) if xs else float("nan")


def main():
    before, after = (by_bed(p) for p in sys.argv[1:3])
    kinds = sorted({k for bs in after.values() for b in bs for k in b["ll_recall"]})
    print("| bed | P@100 before | P@100 after | peer | " + " | ".join(kinds) + " |")
    print("|---|---|---|---|" + "---|" * len(kinds))
    for bed in after:
        old, new = before.get(bed, []), after[bed]
        cells = []
        for k in kinds:
            o = [b["ll_recall"][k] for b in old if k in b["ll_recall"]]
            n = [b["ll_recall"][k] for b in new if k in b["ll_recall"]]
            cells.append(f"{mean(o):.2f}→{mean(n):.2f}" if n else "")
        print(
            f"| {bed} | {mean([b['ll_p100'] for b in old]):.2f} | "
            f"{mean([b['ll_p100'] for b in new]):.2f} | "
            f"{mean([b['peer_p100'] for b in new]):.2f} | " + " | ".join(cells) + " |"
        )


if __name__ == "__main__":
    main()
