"""Shared fixtures of the Python package's tests: the real CLI binary the
package is compared with, and CSV files written as an export would be."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def ledgerlens_bin() -> str:
    path = os.environ.get("LEDGERLENS_BIN") or str(
        Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "debug" / "ledgerlens"
    )
    assert Path(path).is_file(), f"the CLI binary the package is compared with: {path}"
    return path


def write_csv(table: pa.Table, path: Path) -> Path:
    """A table as an ERP's CSV export: a header row, dates as YYYY-MM-DD."""
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))
    return path


def cli_score(ledgerlens_bin: str, csv: Path, *args: str) -> list[dict]:
    """`ledgerlens score` on a file: its JSONL rows."""
    out = csv.with_suffix(".jsonl")
    done = subprocess.run(
        [ledgerlens_bin, "score", str(csv), "-o", str(csv.with_suffix(".scored.xlsx")),
         "--jsonl", str(out), *args],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def cli_error(ledgerlens_bin: str, csv: Path, *args: str) -> str:
    """The message `ledgerlens score` prints when it refuses a file."""
    done = subprocess.run(
        [ledgerlens_bin, *args, "score", str(csv), "-o", str(csv.with_suffix(".scored.xlsx"))],
        capture_output=True, text=True,
    )
    assert done.returncode != 0
    return done.stderr.strip().splitlines()[-1]


def verdicts(rows) -> dict:
    """row -> (key, score bits, band, cluster): what must be bit-identical."""
    return {
        int(r["row"]): (r["key"], float(r["score"]).hex(), r["band"], int(r["cluster"]))
        for r in rows
    }
