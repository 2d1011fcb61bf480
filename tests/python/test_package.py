"""The Python package against the command line: the same rows give
bit-identical verdicts, from a pyarrow, a pandas or a polars table and from
`ledgerlens.read`; errors carry the CLI's code and message."""

from __future__ import annotations

import warnings

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import ledgerlens
from conftest import cli_error, cli_score, verdicts, write_csv


@pytest.fixture(scope="module")
def demo_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "ledger.csv"
    return write_csv(ledgerlens.demo(rows=3000, seed=11), path)


@pytest.fixture(scope="module")
def cli_rows(ledgerlens_bin, demo_csv):
    return cli_score(ledgerlens_bin, demo_csv)


def test_a_pyarrow_table_scores_as_the_cli_scores_its_csv(demo_csv, cli_rows):
    table = pacsv.read_csv(demo_csv)
    # pyarrow types the columns (dates, numbers): the cells differ from
    # the CSV's text, the ledger does not.
    assert pa.types.is_date(table.schema.field("집행일자").type) or pa.types.is_timestamp(
        table.schema.field("집행일자").type
    )
    scored = ledgerlens.score(table)
    assert scored.schema.equals(ledgerlens.SCORED_SCHEMA, check_metadata=False)
    assert scored.num_rows == len(cli_rows) > 3000
    assert verdicts(scored.to_pylist()) == verdicts(cli_rows)
    # The reasons are the CLI's, code and sentence.
    by_row = {r["row"]: r for r in cli_rows}
    for r in scored.to_pylist():
        want = by_row[r["row"]]["reasons"]
        assert [(x["code"], x["text"]) for x in r["reasons"]] == [
            (x["code"], x["text"]) for x in want
        ]


def test_pandas_and_polars_frames_give_the_same_verdicts(demo_csv, cli_rows):
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    want = verdicts(cli_rows)
    frame = pd.read_csv(demo_csv, dtype={"전표번호": str})
    assert verdicts(ledgerlens.score(frame).to_pylist()) == want
    # polars hands over string views and a date column.
    polars_frame = pl.read_csv(demo_csv, try_parse_dates=True)
    assert verdicts(ledgerlens.score(polars_frame).to_pylist()) == want


def test_read_then_score_is_the_cli(demo_csv, cli_rows):
    ledger = ledgerlens.read(demo_csv)
    assert len(ledger) == len(cli_rows)
    normalised = pa.table(ledger)
    assert normalised.column_names[:4] == ["file", "row", "key", "date"]
    scored = ledgerlens.score(ledger)
    assert verdicts(scored.to_pylist()) == verdicts(cli_rows)
    assert scored.column("file")[0].as_py() == str(demo_csv)


def test_the_summary_and_the_quality_report_ride_along(demo_csv):
    scored = ledgerlens.score(pacsv.read_csv(demo_csv), lang="en")
    summary = ledgerlens.summary(scored)
    assert summary["rows"] == scored.num_rows
    assert summary["profile"] == "ledger"
    assert summary["currency"] == "KRW"
    assert summary["bands"]["high"] == sum(b == "high" for b in scored.column("band").to_pylist())
    quality = ledgerlens.quality(scored)
    assert {m["field"] for m in quality["mapping"]} >= {"date", "amount", "department"}


def test_skipped_rows_are_warned_of_and_counted(tmp_path):
    table = pa.table(
        {
            "집행일자": ["2024-01-05", "2024-01-06", "not a date", "2024-01-08"] * 50,
            "부서명": ["총무과", "재무과", "총무과", "기획과"] * 50,
            "계정과목": ["사무용품비"] * 200,
            "거래처": ["가나상사", "다라상사", "가나상사", "마바상사"] * 50,
            "적요": ["복사지"] * 200,
            "집행금액": [12000, 15000, 9000, 30000] * 50,
        }
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scored = ledgerlens.score(table, lang="en")
    assert scored.num_rows == 150
    assert any(issubclass(w.category, ledgerlens.LedgerlensWarning) for w in caught)
    assert ledgerlens.quality(scored)["counts"]["bad_date"] == 50


def test_errors_carry_the_cli_code_and_message(ledgerlens_bin, tmp_path):
    table = pa.table({"날짜": ["2024-01-05"], "금액의합": [1000]})
    csv = write_csv(table, tmp_path / "table.csv")
    for lang in ("ko", "en"):
        with pytest.raises(ledgerlens.LedgerlensError) as caught:
            ledgerlens.score(pacsv.read_csv(csv), name=str(csv), lang=lang)
        e = caught.value
        assert e.code == "no_header", e.code
        assert e.kind == "invalid"
        printed = cli_error(ledgerlens_bin, csv, "--lang", lang)
        assert printed.split(": ", 1)[1] == str(e) == e.message
        assert e.message == (e.message_ko if lang == "ko" else e.message_en)


def test_a_column_no_ledger_holds_is_refused_by_name(demo_csv):
    table = pacsv.read_csv(demo_csv)
    table = table.append_column("첨부", pa.array([[1, 2]] * table.num_rows))
    with pytest.raises(ledgerlens.LedgerlensError) as caught:
        ledgerlens.score(table)
    assert caught.value.code == "unsupported_column_type"
    assert "첨부" in str(caught.value)


def test_columns_map_as_the_cli_maps_them(ledgerlens_bin, tmp_path):
    table = ledgerlens.demo(rows=1500, seed=5).rename_columns(
        ["처리일", "부서명", "계정과목", "예산과목", "거래처", "적요", "집행금액", "결제수단", "전표번호"]
    )
    csv = write_csv(table, tmp_path / "renamed.csv")
    want = cli_score(ledgerlens_bin, csv, "--map", "date=처리일", "--seed", "7")
    got = ledgerlens.score(pacsv.read_csv(csv), columns={"date": "처리일"}, seed=7)
    assert verdicts(got.to_pylist()) == verdicts(want)
    with pytest.raises(ledgerlens.LedgerlensError) as caught:
        ledgerlens.score(table, columns={"when": "처리일"})
    assert caught.value.code == "bad_mapping"


def test_a_config_file_is_the_cli_s(ledgerlens_bin, tmp_path, demo_csv):
    config = tmp_path / "ledgerlens.toml"
    config.write_text("seed = 3\n", encoding="utf-8")
    want = cli_score(ledgerlens_bin, demo_csv, "--config", str(config))
    got = ledgerlens.score(pacsv.read_csv(demo_csv), config)
    assert verdicts(got.to_pylist()) == verdicts(want)
    config.write_text("seed = -1\n", encoding="utf-8")
    with pytest.raises(ledgerlens.LedgerlensError) as caught:
        ledgerlens.score(pacsv.read_csv(demo_csv), config)
    assert str(config) in str(caught.value)


def test_not_a_table_is_a_type_error():
    with pytest.raises(TypeError):
        ledgerlens.score([1, 2, 3])
