//! `ledgerlens._ledgerlens`: the Python door onto the one pipeline.
//!
//! Like the command line and the agent, this door only parses its request
//! (an Arrow table through the C stream interface, keyword arguments) and
//! hands back the result (Arrow again); reading, scoring and the error
//! contract are the engine's (`ledgerlens::pipeline`, `ledgerlens::error`).
//! The typed, documented face is the Python package around it
//! (`ledgerlens/__init__.py`, `_ledgerlens.pyi`).
//!
//! The engine runs with the GIL released (`Python::detach`): a notebook's
//! other threads, and Spark's Arrow feeder thread, keep going while it
//! scores.

use std::ffi::CStr;
use std::path::PathBuf;

use ledgerlens::config::{self, Checked, Overrides};
use ledgerlens::error::Error;
use ledgerlens::i18n::{Lang, Text};
use ledgerlens::ingest::{self, IngestOptions, Ledger};
use ledgerlens::pipeline::{self, Source};
use ledgerlens::report::arrow::{self as arrow_out, Batches};
use polars_arrow::ffi::{export_iterator, ArrowArrayStream, ArrowArrayStreamReader};
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

// Named as the package exports it (`ledgerlens.LedgerlensError`), so that
// pickling finds the class by reference: Spark ships the scoring function
// to its workers with cloudpickle, which would otherwise copy the class and
// `except LedgerlensError` would no longer match what the engine raises.
pyo3::create_exception!(
    ledgerlens,
    LedgerlensError,
    PyException,
    "An error of the ledgerlens engine: `code` (stable, as the CLI and the API give it), `kind`, and the message in Korean (`message_ko`) and English (`message_en`); `str(e)` is the message in the language asked for."
);

/// The capsule name the Arrow PyCapsule interface gives a C stream.
const STREAM: &CStr = c"arrow_array_stream";

/// An engine error as the Python exception, in `lang`: the same code and
/// message the command line prints.
fn raise(py: Python<'_>, error: Error, lang: Lang) -> PyErr {
    let err = LedgerlensError::new_err(error.get(lang).to_string());
    let value = err.value(py);
    let attributes = [
        ("code", error.code),
        ("kind", error.kind.code()),
        ("message", error.get(lang)),
        ("message_ko", error.message.ko.as_str()),
        ("message_en", error.message.en.as_str()),
    ];
    for (name, text) in attributes {
        if let Err(e) = value.setattr(name, text) {
            return e;
        }
    }
    err
}

fn language(code: &str) -> Result<Lang, Error> {
    Lang::from_code(code).ok_or_else(|| {
        Error::invalid(
            "bad_language",
            Text::new(
                format!("알 수 없는 언어입니다: '{code}' (가능: ko, en)"),
                format!("unknown language '{code}' (known: ko, en)"),
            ),
        )
    })
}

/// `columns={"date": "사용일", …}`: the command line's `--map FIELD=HEADER`.
fn ingest_options(
    sheet: Option<String>,
    columns: Option<Vec<(String, String)>>,
) -> Result<IngestOptions, Error> {
    let overrides = columns
        .unwrap_or_default()
        .into_iter()
        .map(|(field, header)| {
            ingest::parse_override(&format!("{field}={header}")).map_err(Error::from)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(IngestOptions { sheet, overrides })
}

/// Arrow record batches a Python consumer reads through the C stream
/// interface (`pyarrow.table(s)`, `polars.from_arrow(s)`): exported afresh
/// at each call, so it can be read more than once.
#[pyclass(frozen, module = "ledgerlens._ledgerlens")]
struct ArrowStream {
    batches: Batches,
}

#[pymethods]
impl ArrowStream {
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        // A requested schema may be ignored (the interface's rule); the
        // caller casts if it wants other types.
        let _ = requested_schema;
        export(py, &self.batches)
    }

    fn __len__(&self) -> usize {
        self.batches.batches.iter().map(|b| b.len()).sum()
    }
}

fn export<'py>(py: Python<'py>, batches: &Batches) -> PyResult<Bound<'py, PyCapsule>> {
    let arrays = batches.batches.clone();
    let stream = export_iterator(Box::new(arrays.into_iter().map(Ok)), batches.field.clone());
    PyCapsule::new_with_value(py, stream, STREAM)
}

/// A ledger read from files as the command line reads them
/// (`ledgerlens.read`): scored as it is, it gives the CLI's answer.
#[pyclass(frozen, module = "ledgerlens._ledgerlens")]
struct ReadLedger {
    ledger: Ledger,
}

#[pymethods]
impl ReadLedger {
    /// The kept rows, normalised (file, row, key, date, department,
    /// account, vendor, description, voucher, amount, time).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        export(py, &arrow_out::ledger(&self.ledger))
    }

    fn __len__(&self) -> usize {
        self.ledger.len()
    }

    /// The data-quality report as JSON: the mapping chosen and why, every
    /// row skipped or repaired with its reason.
    #[getter]
    fn quality_json(&self) -> String {
        serde_json::to_string(&self.ledger.quality).unwrap_or_default()
    }

    #[getter]
    fn files(&self) -> Vec<String> {
        self.ledger.files.clone()
    }
}

/// Reads the Arrow table `table` exports into a grid (attached: the
/// producer may be Python code). The engine's errors are raised in `lang`.
fn grid_of(table: &Bound<'_, PyAny>, name: &str, lang: Lang) -> PyResult<ingest::Grid> {
    let py = table.py();
    let capsule = table.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast_into::<PyCapsule>()?;
    let pointer = capsule.pointer_checked(Some(STREAM))?;
    // Moved out of the capsule, which keeps an empty (released) stream: the
    // C stream interface's way to take ownership.
    let stream = unsafe {
        std::ptr::replace(
            pointer.cast::<ArrowArrayStream>().as_ptr(),
            ArrowArrayStream::empty(),
        )
    };
    let fail = |e: ingest::IngestError| raise(py, e.into(), lang);
    // SAFETY: the stream came from an Arrow PyCapsule named
    // "arrow_array_stream", which the interface defines as a valid C stream.
    let mut reader = unsafe { ArrowArrayStreamReader::try_new(Box::new(stream)) }.map_err(|e| {
        fail(ingest::IngestError::UnreadableTable {
            file: name.into(),
            detail: e.to_string(),
        })
    })?;
    let field = reader.field().clone();
    // SAFETY: as above; each array is checked against the schema's type.
    let batches = std::iter::from_fn(|| unsafe { reader.next() });
    ingest::arrow::grid_from_arrow(&field, batches, name).map_err(fail)
}

/// The configuration: a TOML file (`config`, as `--config`), or its text
/// (`config_toml`: Spark's executors get the driver's file as text), with
/// the keywords laid over it.
fn load_config(
    config: Option<PathBuf>,
    config_toml: Option<&str>,
    seed: Option<u64>,
    currency: Option<&str>,
    profile: Option<&str>,
) -> Result<Checked, Error> {
    let overrides = Overrides {
        seed,
        currency: currency
            .map(ledgerlens::money::Currency::from_user)
            .transpose()?,
        profile: profile
            .map(ledgerlens::profile::Profile::from_user)
            .transpose()?,
    };
    match config_toml {
        Some(text) => config::load_text(Some(text), &overrides),
        None => config::load(config.as_deref(), &overrides),
    }
}

/// Checks a configuration without scoring anything (the Spark driver,
/// before a job starts), raising as `score` would.
#[pyfunction]
#[pyo3(signature = (*, config=None, config_toml=None, seed=None, currency=None, profile=None, lang="ko"))]
fn check_config(
    py: Python<'_>,
    config: Option<PathBuf>,
    config_toml: Option<&str>,
    seed: Option<u64>,
    currency: Option<&str>,
    profile: Option<&str>,
    lang: &str,
) -> PyResult<()> {
    let lang = language(lang).map_err(|e| raise(py, e, Lang::Ko))?;
    load_config(config, config_toml, seed, currency, profile)
        .map(|_| ())
        .map_err(|e| raise(py, e, lang))
}

/// Scores a table (anything with `__arrow_c_stream__`) or a ledger from
/// `read`, and returns the scored rows.
#[pyfunction]
#[pyo3(signature = (table, *, name="table", config=None, config_toml=None, seed=None, currency=None, profile=None, columns=None, lang="ko"))]
#[allow(clippy::too_many_arguments)]
fn score(
    py: Python<'_>,
    table: &Bound<'_, PyAny>,
    name: &str,
    config: Option<PathBuf>,
    config_toml: Option<&str>,
    seed: Option<u64>,
    currency: Option<&str>,
    profile: Option<&str>,
    columns: Option<Vec<(String, String)>>,
    lang: &str,
) -> PyResult<ArrowStream> {
    let lang = language(lang).map_err(|e| raise(py, e, Lang::Ko))?;
    let fail = |e: Error| raise(py, e, lang);
    let checked = load_config(config, config_toml, seed, currency, profile).map_err(fail)?;
    let scored = if let Ok(read) = table.cast::<ReadLedger>() {
        let ledger = read.get().ledger.clone();
        py.detach(|| pipeline::score(ledger, &checked, None))
    } else {
        let options = ingest_options(None, columns).map_err(fail)?;
        let grid = grid_of(table, name, lang)?;
        py.detach(|| {
            pipeline::run(
                Source::Grid { grid, name },
                &options,
                &checked,
                None,
                &mut |_| Ok(()),
            )
            .map(|run| run.scored)
        })
    }
    .map_err(fail)?;
    let batches = py.detach(|| arrow_out::scored(&scored, lang));
    Ok(ArrowStream { batches })
}

/// Reads ledger files (one, several, or folders of them, as one ledger)
/// exactly as `ledgerlens score` reads them.
#[pyfunction]
#[pyo3(signature = (paths, *, sheet=None, columns=None, lang="ko"))]
fn read(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    sheet: Option<String>,
    columns: Option<Vec<(String, String)>>,
    lang: &str,
) -> PyResult<ReadLedger> {
    let lang = language(lang).map_err(|e| raise(py, e, Lang::Ko))?;
    let fail = |e: Error| raise(py, e, lang);
    let options = ingest_options(sheet, columns).map_err(fail)?;
    let ledger = py
        .detach(|| ingest::read_paths(&paths, &options).map_err(Error::from))
        .map_err(fail)?;
    Ok(ReadLedger { ledger })
}

/// The demo generator's ledger (`ledgerlens demo`'s), as a table.
#[pyfunction]
#[pyo3(signature = (rows=2000, seed=42))]
fn demo(py: Python<'_>, rows: usize, seed: u64) -> ArrowStream {
    let batches = py.detach(|| arrow_out::demo(&ledgerlens::demo::generate(rows, seed)));
    ArrowStream { batches }
}

#[pymodule]
fn _ledgerlens(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(score, m)?)?;
    m.add_function(wrap_pyfunction!(read, m)?)?;
    m.add_function(wrap_pyfunction!(demo, m)?)?;
    m.add_function(wrap_pyfunction!(check_config, m)?)?;
    m.add_class::<ArrowStream>()?;
    m.add_class::<ReadLedger>()?;
    m.add("LedgerlensError", m.py().get_type::<LedgerlensError>())?;
    m.add("MODEL_VERSION", pipeline::MODEL_VERSION)?;
    m.add("SUMMARY_KEY", arrow_out::SUMMARY_KEY)?;
    m.add("QUALITY_KEY", arrow_out::QUALITY_KEY)?;
    Ok(())
}
