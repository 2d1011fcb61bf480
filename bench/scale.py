"""Rows per second and peak memory of the three ways to score many
institutions, on the same generated ledgers in one run (docs/BENCHMARKS.md
"Python and Spark"):

- the CLI, `ledgerlens score INSTITUTION.csv -o …xlsx`, one institution after
  another (its own timing line splits read, features, model and write);
- the Python package, `ledgerlens.score(ledgerlens.read(csv))` then the
  scored rows to Parquet, one institution after another, in one process;
- the Spark job (`ledgerlens.spark.main`) on PySpark local[2] over one
  Parquet table of every institution, rows and summaries to Parquet.

Every institution has the same size (ROWS_PER_INSTITUTION), so 1M rows are
20 institutions and 10M are 200. Peak memory is the largest resident set
of the CLI's processes, the Python process's own, and for Spark the sum over
its process tree (the JVM and its Python workers), sampled every 0.2 s.

Usage: python bench/scale.py --cli target-release/release/ledgerlens \
           --python VENV/bin/python --rows 1000000 [--rows 10000000] --work DIR
(the venv has the release wheel: maturin build --release).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROWS_PER_INSTITUTION = 50_000


def tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            pid, ppid = int(entry), int(fields[1])
            children.setdefault(ppid, []).append(pid)
            rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def run_sampled(cmd: list[str], env=None) -> tuple[float, int, str]:
    """Wall seconds, peak resident bytes of the process tree, stderr."""
    started = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    peak = 0
    stop = threading.Event()

    def sample():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(p.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = p.communicate()
    stop.set()
    sampler.join()
    wall = time.perf_counter() - started
    if p.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed:\n{err[-3000:]}")
    return wall, peak, err


def generate(python: str, work: Path, institutions: int) -> None:
    """Each institution's CSV (for the CLI and the package) and one Parquet
    table of all of them with institution and seq columns (for Spark)."""
    code = f"""
import pyarrow as pa, pyarrow.csv as pacsv, pyarrow.parquet as pq, ledgerlens
work = {str(work)!r}
writer = None
for i in range({institutions}):
    name = f"inst-{{i:03d}}"
    t = ledgerlens.demo(rows={ROWS_PER_INSTITUTION}, seed=5000 + i)
    pacsv.write_csv(t, f"{{work}}/csv/{{name}}.csv")
    t = pacsv.read_csv(f"{{work}}/csv/{{name}}.csv")
    t = t.append_column("institution", pa.repeat(pa.scalar(name), t.num_rows))
    t = t.append_column("seq", pa.array(range(t.num_rows), pa.int64()))
    if writer is None:
        writer = pq.ParquetWriter(f"{{work}}/all.parquet", t.schema)
    writer.write_table(t.cast(writer.schema))
writer.close()
"""
    (work / "csv").mkdir(parents=True)
    subprocess.run([python, "-c", code], check=True)


PY_JOB = """
import sys, time, resource, pyarrow.parquet as pq, ledgerlens
from pathlib import Path
out = Path(sys.argv[2]); out.mkdir(exist_ok=True)
read = score = write = 0.0
rows = 0
for csv in sorted(Path(sys.argv[1]).glob("*.csv")):
    t0 = time.perf_counter(); ledger = ledgerlens.read(csv)
    t1 = time.perf_counter(); scored = ledgerlens.score(ledger)
    t2 = time.perf_counter(); pq.write_table(scored, out / (csv.stem + ".parquet"))
    t3 = time.perf_counter()
    read += t1 - t0; score += t2 - t1; write += t3 - t2; rows += scored.num_rows
    del ledger, scored
# The door's other way in, where asked: a pyarrow table (typed by pyarrow's
# CSV reader, not timed) handed over through the C stream interface.
table_score = 0.0
if sys.argv[3] == "table":
    import pyarrow.csv as pacsv
    for csv in sorted(Path(sys.argv[1]).glob("*.csv")):
        table = pacsv.read_csv(csv)
        t0 = time.perf_counter(); scored = ledgerlens.score(table); table_score += time.perf_counter() - t0
        del table, scored
print(f"PY table {table_score:.2f}", file=sys.stderr)
print(f"PY read {read:.2f} score {score:.2f} write {write:.2f} rows {rows} "
      f"maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}", file=sys.stderr)
"""

SPARK_JOB = """
import os, sys
from pyspark.sql import SparkSession
import ledgerlens.spark
spark = (SparkSession.builder.master("local[2]").appName("ledgerlens-bench")
         .config("spark.ui.enabled", "false")
         .config("spark.driver.memory", sys.argv[3])
         .config("spark.sql.shuffle.partitions", "8")
         .getOrCreate())
status = ledgerlens.spark.main([sys.argv[1], sys.argv[2], "--order-by", "seq"], spark=spark)
rows = spark.read.parquet(sys.argv[2] + "/rows").count()
print(f"SPARK rows {rows}", file=sys.stderr)
spark.stop()
sys.exit(status)
"""


def bench(cli: str, python: str, rows: int, work: Path, driver_memory: str) -> dict:
    institutions = rows // ROWS_PER_INSTITUTION
    work = work / f"{rows}"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    t = time.perf_counter()
    generate(python, work, institutions)
    print(f"generated {institutions} institutions in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    result: dict = {"rows": rows, "institutions": institutions}

    # The CLI, one institution after another.
    wall = peak = 0.0
    parts = {"read": 0.0, "features": 0.0, "model": 0.0, "write": 0.0}
    scored_rows = 0
    (work / "cli").mkdir()
    for csv in sorted((work / "csv").glob("*.csv")):
        w, p, err = run_sampled(
            [cli, "--lang", "en", "score", str(csv), "-o", str(work / "cli" / (csv.stem + ".xlsx"))]
        )
        wall += w
        peak = max(peak, p)
        m = re.search(r"read ([\d.]+) · features ([\d.]+) · model ([\d.]+) · write ([\d.]+)", err)
        for k, v in zip(parts, m.groups()):
            parts[k] += float(v)
        scored_rows += int(re.search(r"rows scored: (\d+)", err).group(1))
    result["cli"] = {"wall_s": wall, "peak_bytes": peak, "rows": scored_rows, **{f"{k}_s": v for k, v in parts.items()}}

    # The Python package, in one process.
    also_table = "table" if rows <= 1_000_000 else "-"
    w, p, err = run_sampled([python, "-c", PY_JOB, str(work / "csv"), str(work / "py"), also_table])
    table_s = float(re.search(r"PY table ([\d.]+)", err).group(1))
    m = re.search(r"PY read ([\d.]+) score ([\d.]+) write ([\d.]+) rows (\d+) maxrss (\d+)", err)
    result["python"] = {
        "wall_s": w, "peak_bytes": int(m.group(5)), "read_s": float(m.group(1)),
        "score_s": float(m.group(2)), "write_s": float(m.group(3)), "rows": int(m.group(4)),
        "table_score_s": table_s,
    }
    # The table pass is not part of the job's wall time.
    result["python"]["wall_s"] -= table_s

    # Spark local[2].
    # Two tasks at once, one engine thread each (docs/SCALE.md: the
    # engine's threads = spark.task.cpus).
    env = dict(os.environ, PYSPARK_PYTHON=python, SPARK_LOCAL_IP="127.0.0.1", RAYON_NUM_THREADS="1")
    w, p, err = run_sampled(
        [python, "-c", SPARK_JOB, str(work / "all.parquet"), str(work / "spark"), driver_memory], env=env
    )
    m = re.search(r"SPARK rows (\d+)", err)
    result["spark"] = {"wall_s": w, "peak_bytes": p, "rows": int(m.group(1))}
    shutil.rmtree(work / "cli")
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--rows", type=int, action="append", required=True)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--driver-memory", default="4g")
    args = ap.parse_args()
    for rows in args.rows:
        r = bench(args.cli, args.python, rows, args.work, args.driver_memory)
        print(json.dumps(r))
        c, p, s = r["cli"], r["python"], r["spark"]
        engine_cli = c["read_s"] + c["features_s"] + c["model_s"]
        engine_py = p["read_s"] + p["score_s"]
        print(
            f"{rows:>10,} rows / {r['institutions']} institutions\n"
            f"  CLI      {c['rows'] / c['wall_s']:>9,.0f} rows/s  wall {c['wall_s']:7.1f} s  peak {c['peak_bytes'] / 2**20:6.0f} MiB"
            f"  (read+features+model {engine_cli:.1f} s, write xlsx {c['write_s']:.1f} s)\n"
            f"  Python   {p['rows'] / p['wall_s']:>9,.0f} rows/s  wall {p['wall_s']:7.1f} s  peak {p['peak_bytes'] / 2**20:6.0f} MiB"
            f"  (read+score {engine_py:.1f} s = {100 * (engine_py / engine_cli - 1):+.1f}% vs the CLI's; write Parquet {p['write_s']:.1f} s)\n"
            + (f"  Python from a pyarrow table: score {p['table_score_s']:.1f} s = {100 * (p['table_score_s'] / engine_cli - 1):+.1f}% vs the CLI's read+features+model\n" if p['table_score_s'] else "")
            + f"  Spark    {s['rows'] / s['wall_s']:>9,.0f} rows/s  wall {s['wall_s']:7.1f} s  peak {s['peak_bytes'] / 2**20:6.0f} MiB (JVM + workers)",
            flush=True,
        )


if __name__ == "__main__":
    main()
