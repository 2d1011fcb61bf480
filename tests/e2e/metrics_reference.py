#!/usr/bin/env python3
"""The reference figures for tests/e2e/metrics_sklearn.rs: reads JSON cases
{"name", "scores", "positive"} from stdin and prints, per case, scikit-learn's
roc_auc_score and average_precision_score and SciPy's two-sample KS statistic
(positives' scores against negatives'), as JSON."""

import json
import sys

import numpy as np
from scipy.stats import ks_2samp
from sklearn.metrics import average_precision_score, roc_auc_score

out = []
for case in json.load(sys.stdin):
    s = np.asarray(case["scores"], dtype=float)
    y = np.asarray(case["positive"], dtype=bool)
    out.append({
        "name": case["name"],
        "auc": float(roc_auc_score(y, s)),
        "ap": float(average_precision_score(y, s)),
        "ks": float(ks_2samp(s[y], s[~y]).statistic),
    })
json.dump(out, sys.stdout)
