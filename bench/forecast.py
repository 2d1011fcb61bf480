#!/usr/bin/env python3
"""The monthly forecasts' models side by side (issue 13.3, docs/BENCHMARKS.md
"Forecasts"): `ledgerlens bench forecast` on demo worlds with a spending
shift injected into some series' newest months, and on the real Korean
card-expense files; with backfill and with zero padding. Prints Markdown.

    LL=target/release/ledgerlens python3 bench/forecast.py
"""
import json
import os
import subprocess
import sys
import tempfile
import time

LL = os.environ.get("LL", "target/release/ledgerlens")
REAL = os.path.join(os.path.dirname(__file__), "../../shared/datasets/real/korean-expense")


def bench(path, *extra):
    out = subprocess.run([LL, "bench", "forecast", path, *extra], capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"{path}: {out.stderr}")
    return json.loads(out.stdout)


def main():
    tmp = tempfile.mkdtemp(prefix="ll-forecast-")
    sources = []
    for rows, seed in [(20000, 3), (60000, 5)]:
        d = os.path.join(tmp, f"demo-{rows}-{seed}")
        subprocess.run([LL, "demo", "--rows", str(rows), "--seed", str(seed), "--out-dir", d, "--generate-only"],
                       check=True, capture_output=True)
        sources.append((f"demo {rows // 1000}k seed {seed}, shift ×2.5 in 10% of series",
                        os.path.join(d, "demo_ledger.xlsx"), ["--shift-share", "0.1"]))
    for name in ["ep", "mapo", "sdm"]:
        sources.append((f"{name}_expense_raw.csv (real)", os.path.join(REAL, f"{name}_expense_raw.csv"), []))
    print("| source | padding | series (choosable) | model | validation RMSE | test RMSE | test MAPE % | chosen for | shifted months flagged | flags | s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for label, path, extra in sources:
        for padding in ["backfill", "zero"]:
            t0 = time.time()
            r = bench(path, "--padding", padding, *extra)
            wall = time.time() - t0
            chosen = r["chosen"]
            for e, v in zip(r["errors"], r["validation_errors"]):
                m = e["model"]
                print("| {} | {} | {} ({}) | {} | {:,.0f} | {:,.0f} | {} | {} | {} | {} | {:.1f} |".format(
                    label, padding, r["series"], r["choosable"], m, v["rmse"], e["rmse"],
                    "-" if e["mape"] is None else f"{e['mape']:.1f}",
                    chosen.get(m, r["choosable"] if m == "chosen" else 0),
                    f"{r['shifted_flagged']}/{r['shifted_months']}" if r["shifted_months"] else "-",
                    r["flags"], wall))


if __name__ == "__main__":
    main()
