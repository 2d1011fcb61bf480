"""Scoring every institution of a ministry on Apache Spark, with the engine
the accountants run in Excel.

A ledger is scored against itself: a payment is large for *its* department
and account, a vendor is rare in *its* books, a bill jumps against *its* own
history, a limit is found from *its* payments bunched under it. So the unit
of scoring is one institution's ledger, and the job groups by institution
(``GroupedData.applyInArrow``): each group reaches one Python worker whole,
as one Arrow table, and is scored as ``ledgerlens score`` scores that
institution's file. Scoring all institutions as one ledger would compare a
hospital's payments with a school's; scoring arbitrary partitions would
compare a ledger with a random part of itself.

Group by institution × year only when one institution's ledger does not fit
an executor: the features stay local to the key, but detectors that need
history (recurring bills, a vendor's usual month, the year-end pattern) then
see one year at a time and step aside where a year is too short (the
summary says which).

Rows within a group arrive in no particular order, and the models sample by
position, so each group is put in order first: by ``order_by`` (the source
row number, to match the CLI on the institution's file) or, without it, by
every column, so that the answer never depends on how Spark shuffled.

Run as a job: ``spark-submit python/examples/score_agencies.py --help``
(docs/SCALE.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Callable, Literal, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from . import _ledgerlens
from . import SCORED_SCHEMA, LedgerlensError

__all__ = ["score_by_institution", "summaries", "main", "SUMMARY_COLUMN"]

#: The column that carries each institution's run summary (JSON), on its
#: first scored row only; :func:`summaries` reads it.
SUMMARY_COLUMN = "ledgerlens_summary"


def _scored_columns() -> pa.Schema:
    """The scored columns a group gives back (all but ``file``, which is
    the institution), as Spark can hold them: no unsigned integers, and
    nullable, for the one row that carries a recorded error."""
    return pa.schema(
        [
            f.with_type(pa.int64() if pa.types.is_unsigned_integer(f.type) else f.type)
            .with_nullable(True)
            for f in SCORED_SCHEMA
            if f.name != "file"
        ]
    )



def _ordered(table: pa.Table, order_by: Sequence[str]) -> pa.Table:
    keys = list(order_by) or table.column_names
    return table.sort_by([(c, "ascending") for c in keys])


def _score_group(
    institution: Sequence[str],
    order_by: Sequence[str],
    options: dict[str, Any],
    on_error: str,
    out_schema: pa.Schema,
) -> Callable[[tuple, pa.Table], pa.Table]:
    def score(key: tuple, group: pa.Table) -> pa.Table:
        group = _ordered(group, order_by)
        name = "/".join(str(k.as_py()) for k in key)
        ledger = group.drop_columns([*institution, *order_by])
        try:
            scored = pa.table(_ledgerlens.score(ledger, name=name, **options))
            metadata = scored.schema.metadata
            summary = json.loads(metadata[_ledgerlens.SUMMARY_KEY.encode()])
            quality = json.loads(metadata[_ledgerlens.QUALITY_KEY.encode()])
            # Rows the engine could not take are counted, by reason, in the
            # institution's summary: none is dropped unsaid.
            summary["rows_skipped"] = quality["rows_read"] - quality["rows_kept"]
            summary["quality_counts"] = quality["counts"]
            summary = json.dumps(summary, ensure_ascii=False)
            n = scored.num_rows
        except LedgerlensError as e:
            if on_error == "raise":
                raise
            # One row with no verdict carries the error to the summary.
            scored = pa.table(
                {f.name: pa.nulls(1, f.type) for f in SCORED_SCHEMA}, schema=SCORED_SCHEMA
            )
            summary = json.dumps(
                {"error": {"code": e.code, "message": e.message}}, ensure_ascii=False
            )
            n = 1
        columns: dict[str, pa.Array] = {}
        for k, value in zip(institution, key):
            columns[k] = pa.repeat(value, n)
        # The ordering columns of each scored row (its position in the
        # ordered group is row - 2): the way back to the source row.
        rows = scored.column("row")
        for c in order_by:
            columns[c] = (
                group.column(c).take(pc.subtract(rows.cast(pa.int64()), 2))
                if rows.null_count == 0
                else pa.nulls(n, group.schema.field(c).type)
            )
        for f in _scored_columns():
            columns[f.name] = scored.column(f.name)
        columns[SUMMARY_COLUMN] = pa.array([summary] + [None] * (n - 1), pa.string())
        return pa.table(columns).cast(out_schema)

    return score


def score_by_institution(
    df: Any,
    institution: str | Sequence[str] = "institution",
    *,
    order_by: str | Sequence[str] | None = None,
    config: str | os.PathLike[str] | None = None,
    lang: Literal["ko", "en"] = "ko",
    seed: int | None = None,
    currency: str | None = None,
    profile: Literal["ledger", "card"] | None = None,
    columns: dict[str, str] | None = None,
    on_error: Literal["raise", "record"] = "raise",
) -> Any:
    """Scores each institution's ledger in ``df`` (a Spark DataFrame) with
    the ledgerlens engine and returns the scored rows.

    Args:
        df: one row per payment; the ledger's columns as a sheet would have
            them, plus the ``institution`` column(s).
        institution: the column (or columns, e.g. institution and year)
            whose values make one ledger.
        order_by: the column(s) giving the rows' order in the source (the
            row number); without, rows are ordered by every column.
        config: the TOML configuration the command line takes; read here,
            on the driver, and shipped to the executors as text.
        lang, seed, currency, profile, columns: as :func:`ledgerlens.score`.
        on_error: ``raise`` fails the job on the first ledger that cannot be
            scored; ``record`` gives that institution one row with no verdict
            and its error in the summary (:func:`summaries`).

    Returns:
        A DataFrame: the institution and ``order_by`` columns, then row, key,
        score, band, cluster, cluster_name, reasons, and
        :data:`SUMMARY_COLUMN` (each institution's run summary as JSON, on
        its first row).
    """
    from pyspark.sql.types import StructField, StringType, StructType
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema

    institution = [institution] if isinstance(institution, str) else list(institution)
    order_by = [order_by] if isinstance(order_by, str) else list(order_by or [])
    config_toml = None
    if config is not None:
        with open(config, encoding="utf-8") as f:
            config_toml = f.read()
    options = dict(
        config_toml=config_toml, seed=seed, currency=currency, profile=profile, lang=lang,
        columns=list(columns.items()) if columns else None,
    )
    # A bad configuration is told now, on the driver, not by every executor.
    _ledgerlens.check_config(
        config_toml=config_toml, seed=seed, currency=currency, profile=profile, lang=lang
    )
    schema = StructType(
        [
            *(df.schema[c] for c in [*institution, *order_by]),
            *from_arrow_schema(_scored_columns()).fields,
            StructField(SUMMARY_COLUMN, StringType(), True),
        ]
    )
    out_schema = to_arrow_schema(schema)
    return df.groupBy(*institution).applyInArrow(
        _score_group(institution, order_by, options, on_error, out_schema), schema
    )


def summaries(scored: Any, institution: str | Sequence[str] = "institution") -> Any:
    """One row per institution from :func:`score_by_institution`'s result:
    rows scored, rows skipped (why: ``summary_json``'s quality_counts),
    high, medium, low, profile, currency, how the bands were cut, the
    model's version, and the error where one could not be scored."""
    from pyspark.sql import functions as F

    institution = [institution] if isinstance(institution, str) else list(institution)
    s = F.col(SUMMARY_COLUMN)
    j = lambda path: F.get_json_object(s, path)  # noqa: E731
    return scored.where(s.isNotNull()).select(
        *institution,
        j("$.rows").cast("long").alias("rows"),
        j("$.rows_skipped").cast("long").alias("rows_skipped"),
        j("$.bands.high").cast("long").alias("high"),
        j("$.bands.medium").cast("long").alias("medium"),
        j("$.bands.low").cast("long").alias("low"),
        j("$.profile").alias("profile"),
        j("$.currency").alias("currency"),
        j("$.band_cut.ko").alias("band_cut_ko"),
        j("$.band_cut.en").alias("band_cut_en"),
        j("$.model_version").alias("model_version"),
        j("$.error.code").alias("error_code"),
        j("$.error.message").alias("error_message"),
        s.alias("summary_json"),
    )


def main(argv: Sequence[str] | None = None, spark: Any = None) -> int:
    """The job: read a table of payments (Parquet or CSV), score every
    institution, write the scored rows and one summary row per institution
    as Parquet. Returns 1 if any institution could not be scored (with
    ``--keep-going``, after the others are written). Given a ``spark``
    session it uses it and leaves it running; otherwise it starts its own
    (spark-submit's) and stops it."""
    p = argparse.ArgumentParser(
        prog="score_agencies",
        description="기관별로 원장을 채점해 Parquet으로 / Score every institution's ledger to Parquet",
    )
    p.add_argument("input", help="Parquet folder or file, or CSV (with a header row)")
    p.add_argument("output", help="folder for rows/ and summary/ (Parquet)")
    p.add_argument("--institution", action="append", help="column(s) naming the ledger (default: institution)")
    p.add_argument("--order-by", action="append", help="column(s) giving the source order")
    p.add_argument("--config", help="the same TOML file as `ledgerlens score --config`")
    p.add_argument("--seed", type=int)
    p.add_argument("--currency")
    p.add_argument("--profile", choices=["ledger", "card"])
    p.add_argument("--lang", choices=["ko", "en"], default="ko")
    p.add_argument("--keep-going", action="store_true", help="record a ledger that cannot be scored and go on")
    args = p.parse_args(argv)

    from pyspark import StorageLevel
    from pyspark.sql import SparkSession

    own = spark is None
    if own:
        spark = SparkSession.builder.appName("ledgerlens").getOrCreate()
    if args.input.endswith(".csv"):
        # Every column as text, as the CLI reads a CSV: the engine parses
        # dates and amounts itself, the same way.
        df = spark.read.option("header", True).option("inferSchema", False).csv(args.input)
    else:
        df = spark.read.parquet(args.input)
    institution = args.institution or ["institution"]
    scored = score_by_institution(
        df, institution, order_by=args.order_by, config=args.config, lang=args.lang,
        seed=args.seed, currency=args.currency, profile=args.profile,
        on_error="record" if args.keep_going else "raise",
    ).persist(StorageLevel.MEMORY_AND_DISK)
    scored.where("key is not null").drop(SUMMARY_COLUMN).write.mode("overwrite").parquet(
        os.path.join(args.output, "rows")
    )
    summary = summaries(scored, institution)
    summary.write.mode("overwrite").parquet(os.path.join(args.output, "summary"))
    failed = summary.where("error_code is not null").count()
    total = summary.count()
    print(
        f"기관 {total}곳 채점, 실패 {failed}곳 / {total} institutions scored, {failed} failed",
        file=sys.stderr,
    )
    scored.unpersist()
    if own:
        spark.stop()
    return 1 if failed else 0
