"""ledgerlens: finds the abnormal payments in a budget-execution ledger and
says why, in Korean and English.

The same engine as the command line and the Excel agent, for notebooks and
data platforms. For one ledger and one seed it gives the same scores, bands
and keys as ``ledgerlens score`` does on the same rows::

    import ledgerlens
    scored = ledgerlens.score(frame)          # pyarrow, pandas or polars
    scored.to_pandas().sort_values("score", ascending=False).head(20)

``score`` maps the table's columns as the command line maps a sheet's header
(집행일자, 부서명, 계정과목, 거래처, 적요, 집행금액; 사용일, 식당명, 사용금액; Date,
Department, Amount, ...); ``columns={"date": "사용일"}`` names a column where
the header does not say, as ``--map date=사용일`` does. Errors are
:class:`LedgerlensError`, with the CLI's ``code`` and message.

For Apache Spark, see :mod:`ledgerlens.spark`.
"""

from __future__ import annotations

import json
import os
import warnings
from typing import Any, Literal, Mapping, Sequence, Union

import pyarrow as pa

from . import _ledgerlens
from ._ledgerlens import MODEL_VERSION, LedgerlensError, ReadLedger

__all__ = [
    "score",
    "read",
    "demo",
    "summary",
    "quality",
    "LedgerlensError",
    "LedgerlensWarning",
    "ReadLedger",
    "MODEL_VERSION",
    "SCORED_SCHEMA",
]

Lang = Literal["ko", "en"]
PathLike = Union[str, "os.PathLike[str]"]

#: The scored rows' columns, as :func:`score` returns them.
SCORED_SCHEMA = pa.schema(
    [
        pa.field("file", pa.string(), nullable=False),
        pa.field("row", pa.uint32(), nullable=False),
        pa.field("key", pa.string(), nullable=False),
        pa.field("score", pa.float64(), nullable=False),
        pa.field("band", pa.string(), nullable=False),
        pa.field("cluster", pa.uint32(), nullable=False),
        pa.field("cluster_name", pa.string(), nullable=False),
        pa.field(
            "reasons",
            pa.list_(
                pa.field(
                    "item",
                    pa.struct(
                        [
                            pa.field("code", pa.string(), nullable=False),
                            pa.field("text", pa.string(), nullable=False),
                            pa.field("points", pa.float64(), nullable=False),
                        ]
                    ),
                    nullable=False,
                )
            ),
            nullable=False,
        ),
    ]
)


class LedgerlensWarning(UserWarning):
    """Rows the engine could not take (a blank or subtotal row, a date or an
    amount it could not read): they are counted in :func:`quality`, never
    dropped silently."""


def _as_arrow(table: Any) -> Any:
    """Something with ``__arrow_c_stream__``: pyarrow, pandas >= 2.2 and
    polars tables have it; an older pandas frame goes through pyarrow."""
    if isinstance(table, ReadLedger) or hasattr(table, "__arrow_c_stream__"):
        return table
    if type(table).__module__.startswith("pandas"):
        return pa.Table.from_pandas(table, preserve_index=False)
    raise TypeError(
        "표가 아닙니다: pyarrow Table, pandas 또는 polars DataFrame을 주세요 / "
        f"not a table ({type(table).__name__}): pass a pyarrow Table, "
        "a pandas or a polars DataFrame"
    )


def _warn_skipped(report: Mapping[str, Any], lang: Lang) -> None:
    skipped = report.get("rows_read", 0) - report.get("rows_kept", 0)
    if skipped > 0:
        source = report.get("source", "")
        message = (
            f"{source}: {skipped}행을 건너뛰었습니다 (ledgerlens.quality(결과)에 이유)"
            if lang == "ko"
            else f"{source}: {skipped} rows were skipped (why: ledgerlens.quality(result))"
        )
        warnings.warn(message, LedgerlensWarning, stacklevel=3)


def score(
    table: Any,
    config: PathLike | None = None,
    lang: Lang = "ko",
    *,
    seed: int | None = None,
    currency: str | None = None,
    profile: Literal["ledger", "card"] | None = None,
    columns: Mapping[str, str] | None = None,
    name: str = "table",
) -> pa.Table:
    """Scores a ledger and returns one row per scored transaction.

    Args:
        table: a pyarrow Table, a pandas or polars DataFrame (anything with
            ``__arrow_c_stream__``), or a ledger from :func:`read`. Its column
            names are the header; its first row is the sheet's row 2.
        config: the TOML configuration the command line takes (``--config``).
        lang: the language of reasons, cluster names and errors.
        seed: the models' seed (``--seed``; overrides the config's).
        currency: ``KRW``, ``USD``, ``GBP``, ``EUR`` or ``JPY`` (``--currency``).
        profile: ``ledger`` or ``card`` (``--profile``; default: chosen from
            the columns).
        columns: field -> column name, where the header does not say
            (``--map``): date, department, account, vendor, description,
            amount, voucher, budget_item, payment_method, time, currency.
        name: the table's name in messages and in the ``file`` column.

    Returns:
        A pyarrow Table of :data:`SCORED_SCHEMA`, in the input's order:
        ``row`` is the row's number as a sheet would give it (the header is
        row 1, so input position = ``row - 2``); ``key`` is stable across
        sorting and re-export; ``band`` is ``high``, ``medium`` or ``low``;
        ``reasons`` lists each detector's code, sentence and points.
        :func:`summary` and :func:`quality` read the run's summary and the
        data-quality report from it.

    Raises:
        LedgerlensError: the table cannot be read as a ledger, a column or
            the configuration is wrong; ``e.code`` and the message are the
            command line's.
    """
    if isinstance(table, ReadLedger) and columns:
        raise TypeError(
            "읽은 원장의 열은 read(columns=...)에서 지정합니다 / "
            "a ledger from read() was mapped when read: pass columns= to read()"
        )
    result = pa.table(
        _ledgerlens.score(
            _as_arrow(table),
            name=name,
            config=os.fspath(config) if config is not None else None,
            seed=seed,
            currency=currency,
            profile=profile,
            columns=list(columns.items()) if columns else None,
            lang=lang,
        )
    )
    _warn_skipped(quality(result), lang)
    return result


def read(
    paths: PathLike | Sequence[PathLike],
    *,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    lang: Lang = "ko",
) -> ReadLedger:
    """Reads ledger files as ``ledgerlens score`` does: xlsx, xlsm, xls, ods
    or csv; several files or a folder of them become one ledger.

    The result goes straight to :func:`score` (which then gives the CLI's
    answer for the same files), and converts to Arrow with
    ``pyarrow.table(ledger)``: one row per kept transaction, normalised
    (file, row, key, date, department, account, vendor, description,
    voucher, amount, time). ``ledger.quality_json`` says what was skipped.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    ledger = _ledgerlens.read(
        [os.fspath(p) for p in paths],
        sheet=sheet,
        columns=list(columns.items()) if columns else None,
        lang=lang,
    )
    _warn_skipped(json.loads(ledger.quality_json), lang)
    return ledger


def demo(rows: int = 2000, seed: int = 42) -> pa.Table:
    """The demo generator's ledger (that of ``ledgerlens demo``): a Korean
    public body's five years with about 1% injected anomalies."""
    return pa.table(_ledgerlens.demo(rows=rows, seed=seed))


def _metadata(table: pa.Table, key: str) -> dict[str, Any]:
    metadata = table.schema.metadata or {}
    value = metadata.get(key.encode())
    if value is None:
        raise ValueError(
            f"ledgerlens의 결과가 아닙니다 (메타데이터 {key} 없음) / "
            f"not a ledgerlens result (no {key} metadata)"
        )
    return json.loads(value)


def summary(scored: pa.Table) -> dict[str, Any]:
    """The run's summary, as the command line prints it: rows, bands, how
    the band cut was chosen, the profile, the currency, the detectors that
    stepped aside, the limits, clusters and the model's version."""
    return _metadata(scored, _ledgerlens.SUMMARY_KEY)


def quality(scored: pa.Table) -> dict[str, Any]:
    """The data-quality report: the header row, the mapping chosen and why,
    and every row skipped or repaired with its reason."""
    return _metadata(scored, _ledgerlens.QUALITY_KEY)
