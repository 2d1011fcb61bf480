#!/usr/bin/env python3
"""Does a Score wait for the reviews' model to train? (issue 12.2)

    LL=/path/to/ledgerlens python3 bench/training_beside_score.py [--rows 100000]
        [--reviews 60000] [--score-rows 20000] [--repeat 3]

Starts the real agent on a fresh data folder, scores a demo ledger of
--rows rows, posts --reviews reviews of its rows (answered from the demo's
labels), and at once times POST score of a --score-rows ledger while the
training thread runs (GET model/report says `training: true` before and
after it); then, with training done, times the same Score again. Repeated
--repeat times, each round with reviews the model has not seen yet.
"""

import argparse
import json
import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


class Agent:
    def __init__(self, ll, data):
        self.proc = subprocess.Popen([ll, "serve", "--port", "0", "--no-tray", "--data-dir", data],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for line in self.proc.stdout:
            if line.strip().startswith("url: "):
                self.url = line.strip()[5:].rstrip("/")
                break
        self.token = open(os.path.join(data, "token")).read().strip()
        self.ctx = ssl.create_default_context(cafile=os.path.join(data, "ca.pem"))

    def call(self, path, body=None, content_type="application/json"):
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        req = urllib.request.Request(f"{self.url}/api/v1/{path}", data=data, method="POST" if data else "GET",
                                     headers={"Authorization": f"Bearer {self.token}", "Content-Type": content_type})
        with urllib.request.urlopen(req, context=self.ctx, timeout=600) as r:
            return json.loads(r.read())

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def demo(ll, rows, seed, out):
    subprocess.run([ll, "demo", "--rows", str(rows), "--seed", str(seed), "--generate-only", "--out-dir", out],
                   check=True, capture_output=True)
    labels = set()
    with open(os.path.join(out, "demo_labels.csv")) as f:
        next(f)
        for line in f:
            labels.add(int(line.split(",")[0]))
    return open(os.path.join(out, "demo_ledger.xlsx"), "rb").read(), labels


def timed_score(agent, book):
    t = time.perf_counter()
    agent.call("score?workbook=timed.xlsx", book, XLSX)
    return time.perf_counter() - t


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--reviews", type=int, default=60_000)
    ap.add_argument("--score-rows", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    ll = os.environ.get("LL", os.path.join(ROOT, "target", "release", "ledgerlens"))
    with tempfile.TemporaryDirectory() as tmp:
        big, labels = demo(ll, args.rows, 1, os.path.join(tmp, "big"))
        small, _ = demo(ll, args.score_rows, 2, os.path.join(tmp, "small"))
        agent = Agent(ll, os.path.join(tmp, "data"))
        try:
            scored = agent.call("score?workbook=big.xlsx", big, XLSX)["results"]
            during, idle, trained_s = [], [], []
            per_round = args.reviews // args.repeat
            for k in range(args.repeat):
                part = scored[k * per_round:(k + 1) * per_round]
                reviews = [{"key": r["key"], "status": "confirmed" if r["row"] in labels else "normal"}
                           for r in part]
                t0 = time.perf_counter()
                agent.call("reviews", {"reviews": reviews})
                before = agent.call("model/status")["training"]
                s = timed_score(agent, small)
                after = agent.call("model/status")["training"]
                while agent.call("model/status")["training"]:
                    time.sleep(0.05)
                trained_s.append(time.perf_counter() - t0)
                if before and after:
                    during.append(s)
                else:
                    print(f"round {k + 1}: training not running throughout the Score "
                          f"(before={before}, after={after}); not counted", file=sys.stderr)
                idle.append(timed_score(agent, small))
            report = agent.call("model/status")
        finally:
            agent.stop()
    fmt = lambda xs: f"{statistics.median(xs):.2f} s (of {len(xs)}: {', '.join(f'{x:.2f}' for x in xs)})" if xs else "-"
    print(f"| Score of {args.score_rows:,} rows | median |")
    print("|---|---|")
    print(f"| while the model trains | {fmt(during)} |")
    print(f"| with no training | {fmt(idle)} |")
    print(f"\ntraining after each round of {per_round:,} reviews (from POST reviews to done): {fmt(trained_s)}; "
          f"model in use: version {report['in_use'] and report['in_use']['version']}, "
          f"{report['in_use'] and report['in_use']['trees']} trees")


if __name__ == "__main__":
    main()
