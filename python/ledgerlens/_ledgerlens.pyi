"""The Rust extension behind :mod:`ledgerlens` (typed stubs)."""

from typing import Any, Sequence

MODEL_VERSION: str
SUMMARY_KEY: str
QUALITY_KEY: str

class LedgerlensError(Exception):
    """An engine error: the command line's code and message."""

    code: str
    """Stable code, as the CLI and the API give it (``missing_columns``, ...)."""
    kind: str
    """Who can act on it: ``invalid``, ``not_found``, ``too_large``, ``internal``, ..."""
    message: str
    """The message in the language asked for (also ``str(e)``)."""
    message_ko: str
    message_en: str

class ArrowStream:
    """Record batches, read through the Arrow C stream interface."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...
    def __len__(self) -> int: ...

class ReadLedger:
    """A ledger read from files as ``ledgerlens score`` reads them."""

    quality_json: str
    files: list[str]
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...
    def __len__(self) -> int: ...

def score(
    table: Any,
    *,
    name: str = "table",
    config: str | None = None,
    config_toml: str | None = None,
    seed: int | None = None,
    currency: str | None = None,
    profile: str | None = None,
    columns: Sequence[tuple[str, str]] | None = None,
    lang: str = "ko",
) -> ArrowStream: ...
def check_config(
    *,
    config: str | None = None,
    config_toml: str | None = None,
    seed: int | None = None,
    currency: str | None = None,
    profile: str | None = None,
    lang: str = "ko",
) -> None: ...
def read(
    paths: Sequence[str],
    *,
    sheet: str | None = None,
    columns: Sequence[tuple[str, str]] | None = None,
    lang: str = "ko",
) -> ReadLedger: ...
def demo(rows: int = 2000, seed: int = 42) -> ArrowStream: ...
