#!/usr/bin/env python3
"""Peer baseline for docs/BENCHMARKS.md: scikit-learn IsolationForest accuracy
and speed on a labelled CSV (e.g. the ADBench sets in /work/shared/datasets).

    python3 bench/sklearn_iforest.py FILE.csv [--seeds N]

Features are every column except `label` (1 = anomaly). For each seed 0..N-1
the forest is fitted on the full data and the same data is scored, the usual
unsupervised ADBench protocol. AUROC uses -score_samples as the anomaly score
(sklearn's score_samples is higher for *normal* points).

The last stdout line is machine-readable:
    auroc_mean=<x> fit_s=<x> score_s=<x>
where fit_s / score_s are mean seconds per seed, timed around fit() and
score_samples() only (no CSV parsing, no AUROC).
"""

import argparse
import sys
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv")
    ap.add_argument("--seeds", type=int, default=10, help="number of seeds, 0..N-1 (default 10)")
    args = ap.parse_args(argv)
    if args.seeds < 1:
        ap.error("--seeds must be >= 1")

    df = pd.read_csv(args.csv)
    if "label" not in df.columns:
        raise SystemExit(f"{args.csv}: no 'label' column")
    y = df["label"].to_numpy()
    X = df.drop(columns="label").to_numpy(dtype=np.float64)
    print(f"# {args.csv}: n={X.shape[0]} d={X.shape[1]} anomalies={int(y.sum())}", file=sys.stderr)

    aurocs, fit_times, score_times = [], [], []
    for seed in range(args.seeds):
        model = IsolationForest(n_estimators=100, max_samples=256, random_state=seed, n_jobs=1)
        t0 = time.perf_counter()
        model.fit(X)
        t1 = time.perf_counter()
        s = model.score_samples(X)
        t2 = time.perf_counter()
        auc = roc_auc_score(y, -s)
        aurocs.append(auc)
        fit_times.append(t1 - t0)
        score_times.append(t2 - t1)
        print(f"seed={seed} auroc={auc:.4f} fit_s={t1 - t0:.4f} score_s={t2 - t1:.4f}")

    print(f"auroc_mean={np.mean(aurocs):.4f} fit_s={np.mean(fit_times):.4f} "
          f"score_s={np.mean(score_times):.4f}")


if __name__ == "__main__":
    main()
