"""The Spark job against the command line and the agent: a generated
ledger of 20 institutions scored by PySpark in local mode gives every row
the verdict `ledgerlens score` gives it on that institution's own file; for
one institution the agent, the Python package and Spark all agree with the
CLI bit for bit."""

from __future__ import annotations

import json
import os
import re
import ssl
import subprocess
import sys
import urllib.request
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import ledgerlens
from conftest import cli_score, verdicts, write_csv

pyspark = pytest.importorskip("pyspark")

INSTITUTIONS = 20


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # Small and local: two cores, two shuffle partitions, no UI; the
    # workers run this interpreter, where ledgerlens is installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("ledgerlens-test")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def agencies(tmp_path_factory, ledgerlens_bin):
    """20 institutions of different sizes and worlds: each one's CSV (as
    it would export it) and CLI verdicts, and all of them in one Parquet
    table with an institution and a source-order column."""
    root = tmp_path_factory.mktemp("agencies")
    parts, cli = [], {}
    for i in range(INSTITUTIONS):
        name = f"기관-{i:02d}"
        table = ledgerlens.demo(rows=400 + 53 * i, seed=1000 + i)
        csv = write_csv(table, root / f"{name}.csv")
        cli[name] = cli_score(ledgerlens_bin, csv)
        # The Parquet copy is typed as pyarrow reads the CSV (dates,
        # numbers), not text: the engine must see the same ledger.
        typed = pacsv.read_csv(csv)
        typed = typed.append_column("institution", pa.repeat(pa.scalar(name), typed.num_rows))
        typed = typed.append_column("seq", pa.array(range(typed.num_rows), pa.int64()))
        parts.append(typed)
    all_rows = pa.concat_tables(parts, promote_options="permissive")
    pq.write_table(all_rows, root / "all.parquet")
    return root, cli


def test_every_row_of_every_institution_is_the_cli_s(spark, agencies):
    from ledgerlens.spark import score_by_institution, summaries

    root, cli = agencies
    df = spark.read.parquet(str(root / "all.parquet"))
    # Shuffled on purpose: the job must not depend on the order rows arrive in.
    df = df.repartition(3)
    scored = score_by_institution(df, "institution", order_by="seq").cache()
    rows = scored.drop("ledgerlens_summary").toArrow()
    assert rows.num_rows == sum(len(v) for v in cli.values())
    got: dict[str, list] = {}
    for r in rows.to_pylist():
        got.setdefault(r["institution"], []).append(r)
    assert sorted(got) == sorted(cli)
    for name, want in cli.items():
        assert verdicts(got[name]) == verdicts(want), name
        # seq is the way back to the source row: row = seq + 2.
        assert all(r["row"] == r["seq"] + 2 for r in got[name])

    per = {r["institution"]: r for r in summaries(scored).collect()}
    assert len(per) == INSTITUTIONS
    for name, want in cli.items():
        assert per[name]["rows"] == len(want)
        assert per[name]["high"] == sum(r["band"] == "high" for r in want)
        assert per[name]["profile"] == "ledger" and per[name]["error_code"] is None
        assert per[name]["rows_skipped"] == 0


def test_the_job_writes_rows_and_summaries_and_records_a_bad_ledger(spark, agencies, tmp_path):
    from ledgerlens.spark import main

    root, cli = agencies
    table = pq.read_table(root / "all.parquet")
    # One more institution whose export lost its amounts: in one table
    # the column is there, empty, so no row can be taken.
    broken = table.filter(pc.equal(table["institution"], "기관-00"))
    broken = broken.set_column(
        broken.column_names.index("institution"), "institution",
        pa.repeat(pa.scalar("기관-깨짐"), broken.num_rows),
    )
    broken = broken.set_column(
        broken.column_names.index("집행금액"), "집행금액",
        pa.nulls(broken.num_rows, table.schema.field("집행금액").type),
    )
    # And one that lost every tenth amount: those rows are counted, not lost.
    holed = table.filter(pc.equal(table["institution"], "기관-01"))
    holed = holed.set_column(
        holed.column_names.index("institution"), "institution",
        pa.repeat(pa.scalar("기관-구멍"), holed.num_rows),
    )
    amounts = holed.column("집행금액").to_pylist()
    holes = [None if i % 10 == 0 else a for i, a in enumerate(amounts)]
    holed = holed.set_column(
        holed.column_names.index("집행금액"), "집행금액",
        pa.array(holes, table.schema.field("집행금액").type),
    )
    both = pa.concat_tables([table, broken, holed])
    pq.write_table(both, tmp_path / "in.parquet")
    status = main(
        [str(tmp_path / "in.parquet"), str(tmp_path / "out"), "--order-by", "seq", "--keep-going"],
        spark=spark,
    )
    assert status == 1, "a ledger that failed makes the job fail, after the others are written"
    rows = pq.read_table(tmp_path / "out" / "rows")
    skipped = sum(1 for a in holes if a is None)
    assert rows.num_rows == sum(len(v) for v in cli.values()) + len(holes) - skipped
    summary = pq.read_table(tmp_path / "out" / "summary").to_pylist()
    holed_summary = [s for s in summary if s["institution"] == "기관-구멍"][0]
    assert holed_summary["rows_skipped"] == skipped
    assert json.loads(holed_summary["summary_json"])["quality_counts"]["missing_amount"] == skipped
    failed = [s for s in summary if s["error_code"]]
    assert [s["institution"] for s in failed] == ["기관-깨짐"]
    assert failed[0]["error_code"] == "no_rows"
    assert "기관-깨짐" in failed[0]["error_message"]


def _agent_scores(ledgerlens_bin: str, csv: Path, data_dir: Path) -> list[dict]:
    """POST the CSV to a real agent over HTTPS, trusting only its own CA."""
    agent = subprocess.Popen(
        [ledgerlens_bin, "serve", "--port", "0", "--no-tray", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        url = None
        for line in agent.stdout:
            m = re.match(r"\s*url: (\S+)", line)
            if m:
                url = m.group(1).rstrip("/")
                break
        assert url, "the agent prints its url"
        token = (data_dir / "token").read_text().strip()
        context = ssl.create_default_context(cafile=str(data_dir / "ca.pem"))
        request = urllib.request.Request(
            f"{url}/api/v1/score", data=csv.read_bytes(), method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
        )
        with urllib.request.urlopen(request, context=context, timeout=120) as reply:
            return json.load(reply)["results"]
    finally:
        agent.terminate()
        agent.wait(timeout=30)


def test_one_institution_through_every_door(spark, agencies, ledgerlens_bin, tmp_path):
    from ledgerlens.spark import score_by_institution

    root, cli = agencies
    name = "기관-07"
    want = verdicts(cli[name])
    agent = _agent_scores(ledgerlens_bin, root / f"{name}.csv", tmp_path / "agent")
    python = ledgerlens.score(pacsv.read_csv(root / f"{name}.csv")).to_pylist()
    df = spark.read.parquet(str(root / "all.parquet")).where(f"institution = '{name}'")
    on_spark = score_by_institution(df, order_by="seq").toArrow().to_pylist()
    assert verdicts(agent) == want
    assert verdicts(python) == want
    assert verdicts(on_spark) == want
