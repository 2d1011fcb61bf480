#!/usr/bin/env python3
"""POST score to two agents in turn, 3 s apart, so that no request overlaps
another's work (the previous run's rows are written after its answer):
the server time (Server-Timing) of each build, alternating which goes first.

    bench/agent_alone.py BODY.json ROUNDS NAME=BINARY NAME=BINARY

BODY.json is a score request (bench/office_json.py makes one). Prints a
Markdown row per build: median, min, max and count of the server seconds.
"""
import json, os, ssl, statistics, subprocess, sys, tempfile, time, urllib.request

body = open(sys.argv[1], "rb").read()
rounds = int(sys.argv[2])
builds = dict(arg.split("=", 1) for arg in sys.argv[3:])
agents = {}
for name, binary in builds.items():
    folder = tempfile.mkdtemp()
    process = subprocess.Popen([binary, "serve", "--port", "0", "--no-tray", "--data-dir", folder],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    info = os.path.join(folder, "agent.json")
    while not os.path.exists(info) or os.path.getsize(info) == 0:
        time.sleep(0.2)
    time.sleep(0.5)
    port = json.load(open(info))["port"]
    token = open(os.path.join(folder, "token")).read().strip()
    agents[name] = (process, port, token)
# The agents' certificates are their own CA's; this only measures time.
insecure = ssl.create_default_context()
insecure.check_hostname = False
insecure.verify_mode = ssl.CERT_NONE
seconds = {name: [] for name in builds}
order = list(builds)
for r in range(rounds):
    for name in order if r % 2 == 0 else order[::-1]:
        _, port, token = agents[name]
        request = urllib.request.Request(f"https://localhost:{port}/api/v1/score", data=body,
                                         headers={"Authorization": "Bearer " + token,
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, context=insecure) as response:
            timing = response.headers["Server-Timing"]
            response.read()
        seconds[name].append(float(timing.split("dur=")[1]) / 1000)
        time.sleep(3)
for name, s in seconds.items():
    print(f"| {name} | {statistics.median(s):.3f} | {min(s):.3f} | {max(s):.3f} | {len(s)} |")
for process, _, _ in agents.values():
    process.terminate()
