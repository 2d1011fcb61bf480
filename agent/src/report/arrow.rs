//! Arrow out, for the Python package and Spark: the scored rows (and a read
//! ledger's normalised rows) as record batches, which the package hands to
//! pyarrow, pandas or polars through the Arrow C stream interface.
//!
//! The scored columns are the JSONL's (`pipeline::RowOut`), typed: one
//! shape of a scored row for machines. The run's summary and the quality
//! report ride along as schema metadata (JSON), so nothing the CLI prints
//! about a run is lost on the way to a notebook.

use polars_arrow::array::{
    Array, ListArray, MutableUtf8Array, PrimitiveArray, StructArray, Utf8Array,
};
use polars_arrow::datatypes::{ArrowDataType, Field, Metadata, TimeUnit};
use polars_arrow::offset::OffsetsBuffer;

use crate::i18n::Lang;
use crate::ingest::Ledger;
use crate::pipeline::ScoredLedger;

/// Rows per record batch: small enough that no text column's 32-bit
/// offsets can overflow (2 GiB per batch), large enough that per-batch
/// costs vanish.
pub const BATCH_ROWS: usize = 65_536;

/// Schema metadata keys.
pub const SUMMARY_KEY: &str = "ledgerlens.summary";
pub const QUALITY_KEY: &str = "ledgerlens.quality";

/// Record batches of one schema: `field` is a struct whose children are
/// the columns (the C stream interface's shape of a table).
pub struct Batches {
    pub field: Field,
    pub batches: Vec<Box<dyn Array>>,
}

fn utf8<'a>(values: impl Iterator<Item = &'a str>) -> Box<dyn Array> {
    let out: Utf8Array<i32> = MutableUtf8Array::<i32>::from_iter(values.map(Some)).into();
    out.boxed()
}

fn dates(values: impl Iterator<Item = chrono::NaiveDate>) -> Box<dyn Array> {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
    let days = values.map(|d| (d - epoch).num_days() as i32).collect();
    PrimitiveArray::<i32>::from_vec(days)
        .to(ArrowDataType::Date32)
        .boxed()
}

fn values<T: polars_arrow::types::NativeType>(values: impl Iterator<Item = T>) -> Box<dyn Array> {
    PrimitiveArray::<T>::from_vec(values.collect()).boxed()
}

/// The reasons of some rows: list<struct<code, text, points>>.
fn reasons_column<'a>(
    rows: impl Iterator<Item = &'a [crate::model::Reason]>,
    lang: Lang,
) -> Box<dyn Array> {
    let mut offsets = vec![0i32];
    let (mut codes, mut texts, mut points) = (Vec::new(), Vec::new(), Vec::new());
    for reasons in rows {
        for r in reasons {
            codes.push(r.kind.code());
            texts.push(r.text.get(lang));
            points.push(r.points);
        }
        offsets.push(codes.len() as i32);
    }
    let item = ArrowDataType::Struct(vec![
        Field::new("code".into(), ArrowDataType::Utf8, false),
        Field::new("text".into(), ArrowDataType::Utf8, false),
        Field::new("points".into(), ArrowDataType::Float64, false),
    ]);
    let reasons = StructArray::new(
        item.clone(),
        codes.len(),
        vec![
            utf8(codes.into_iter()),
            utf8(texts.into_iter()),
            PrimitiveArray::<f64>::from_vec(points).boxed(),
        ],
        None,
    );
    let offsets = OffsetsBuffer::try_from(offsets).expect("offsets only grow");
    let list = ArrowDataType::List(Box::new(Field::new("item".into(), item, false)));
    ListArray::<i32>::new(list, offsets, reasons.boxed(), None).boxed()
}

/// One column of a table of `R`s: its name and how a chunk of rows becomes
/// its values. The schema is read off what `build` makes, so a column's
/// name, type and values are stated in one place.
struct Column<'a, R> {
    name: &'static str,
    nullable: bool,
    build: Build<'a, R>,
}

type Build<'a, R> = Box<dyn Fn(&[R]) -> Box<dyn Array> + 'a>;

fn column<'a, R>(name: &'static str, build: impl Fn(&[R]) -> Box<dyn Array> + 'a) -> Column<'a, R> {
    Column {
        name,
        nullable: false,
        build: Box::new(build),
    }
}

/// Rows as record batches of at most [`BATCH_ROWS`], with `metadata`
/// (key, JSON) on the schema.
fn batches<R>(rows: &[R], columns: Vec<Column<'_, R>>, metadata: &[(&str, String)]) -> Batches {
    let fields = columns
        .iter()
        .map(|c| Field::new(c.name.into(), (c.build)(&[]).dtype().clone(), c.nullable))
        .collect();
    let metadata: Metadata = metadata
        .iter()
        .map(|(key, value)| ((*key).into(), value.as_str().into()))
        .collect();
    let field = Field::new("".into(), ArrowDataType::Struct(fields), false).with_metadata(metadata);
    let batches = rows
        .chunks(BATCH_ROWS)
        .map(|chunk| {
            let values = columns.iter().map(|c| (c.build)(chunk)).collect();
            StructArray::new(field.dtype.clone(), chunk.len(), values, None).boxed()
        })
        .collect();
    Batches { field, batches }
}

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).expect("a summary or a report serialises")
}

/// The scored rows, in ledger order: file, row, key, score, band, cluster,
/// cluster_name, reasons (code, text in `lang`, points).
pub fn scored(scored: &ScoredLedger, lang: Lang) -> Batches {
    use crate::ingest::Transaction;
    use crate::pipeline::ScoredRow;
    // A row's place and key are its transaction's, its verdict the
    // model's: the table is of the two side by side.
    type Row<'a> = (&'a Transaction, &'a ScoredRow);
    let files = &scored.ledger.files;
    let clusters = &scored.summary.clusters;
    let columns = vec![
        column("file", |rows: &[Row]| {
            utf8(
                rows.iter()
                    .map(|(t, _)| files[usize::from(t.file)].as_str()),
            )
        }),
        column("row", |rows: &[Row]| {
            values(rows.iter().map(|(t, _)| t.sheet_row))
        }),
        column("key", |rows: &[Row]| {
            utf8(rows.iter().map(|(t, _)| t.key.as_str()))
        }),
        column("score", |rows: &[Row]| {
            values(rows.iter().map(|(_, r)| r.score))
        }),
        column("band", |rows: &[Row]| {
            utf8(rows.iter().map(|(_, r)| r.band.code()))
        }),
        column("cluster", |rows: &[Row]| {
            values(rows.iter().map(|(_, r)| r.cluster))
        }),
        column("cluster_name", |rows: &[Row]| {
            utf8(
                rows.iter()
                    .map(|(_, r)| clusters[r.cluster as usize].name.get(lang)),
            )
        }),
        column("reasons", |rows: &[Row]| {
            reasons_column(rows.iter().map(|(_, r)| r.reasons.as_slice()), lang)
        }),
    ];
    let rows: Vec<Row> = scored
        .ledger
        .transactions
        .iter()
        .zip(&scored.rows)
        .collect();
    batches(
        &rows,
        columns,
        &[
            (SUMMARY_KEY, json(&scored.summary)),
            (QUALITY_KEY, json(&scored.ledger.quality)),
        ],
    )
}

/// A ledger as read, one row per kept transaction, its values normalised:
/// file, row, key, date, department, account, vendor, description,
/// voucher, amount, time (of use, where the ledger has one).
pub fn ledger(ledger: &Ledger) -> Batches {
    use crate::ingest::{Dictionary, Transaction as Row};
    fn names<'a>(
        name: &'static str,
        pick: fn(&Row) -> u32,
        names: &'a Dictionary,
    ) -> Column<'a, Row> {
        column(name, move |rows: &[Row]| {
            utf8(rows.iter().map(|t| names.name(pick(t))))
        })
    }
    let columns = vec![
        column("file", |rows: &[Row]| {
            utf8(
                rows.iter()
                    .map(|t| ledger.files[usize::from(t.file)].as_str()),
            )
        }),
        column("row", |rows: &[Row]| {
            values(rows.iter().map(|t| t.sheet_row))
        }),
        column("key", |rows: &[Row]| {
            utf8(rows.iter().map(|t| t.key.as_str()))
        }),
        column("date", |rows: &[Row]| dates(rows.iter().map(|t| t.date))),
        names("department", |t| t.department, &ledger.departments),
        names("account", |t| t.account, &ledger.accounts),
        names("vendor", |t| t.vendor, &ledger.vendors),
        column("description", |rows: &[Row]| {
            utf8(rows.iter().map(|t| &*t.description))
        }),
        column("voucher", |rows: &[Row]| {
            utf8(rows.iter().map(|t| &*t.voucher))
        }),
        column("amount", |rows: &[Row]| {
            values(rows.iter().map(|t| t.amount))
        }),
        Column {
            nullable: true,
            ..column("time", |rows: &[Row]| {
                PrimitiveArray::<i32>::from_iter(
                    rows.iter().map(|t| t.time.map(|m| i32::from(m) * 60)),
                )
                .to(ArrowDataType::Time32(TimeUnit::Second))
                .boxed()
            })
        },
    ];
    batches(
        &ledger.transactions,
        columns,
        &[(QUALITY_KEY, json(&ledger.quality))],
    )
}

/// The demo generator's ledger as a table, its columns as the demo
/// workbook's header names them (`demo::HEADERS`), typed: dates, amounts,
/// text.
pub fn demo(demo: &crate::demo::DemoLedger) -> Batches {
    use crate::demo::DemoRow as Row;
    let text = |name: &'static str, pick: fn(&Row) -> &str| {
        column(name, move |rows: &[Row]| utf8(rows.iter().map(pick)))
    };
    let [date, department, account, budget_item, vendor, description, amount, payment_method, voucher] =
        crate::demo::HEADERS;
    let columns = vec![
        column(date, |rows: &[Row]| dates(rows.iter().map(|r| r.date))),
        text(department, |r| r.department),
        text(account, |r| r.account),
        text(budget_item, |r| r.budget_item),
        text(vendor, |r| &r.vendor),
        text(description, |r| &r.description),
        column(amount, |rows: &[Row]| values(rows.iter().map(|r| r.amount))),
        text(payment_method, |r| r.payment_method),
        text(voucher, |r| &r.voucher),
    ];
    batches(&demo.rows, columns, &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{self, IngestOptions};

    #[test]
    fn scored_rows_come_out_as_the_jsonl_gives_them() {
        let demo = crate::demo::generate(1_500, 3);
        let ledger =
            ingest::ledger_from_grid(demo.to_grid(), "demo", &IngestOptions::default()).unwrap();
        let scored =
            crate::pipeline::score(ledger, &crate::config::Checked::default(), None).unwrap();
        let out = super::scored(&scored, Lang::En);
        let rows: usize = out.batches.iter().map(|b| b.len()).sum();
        assert_eq!(rows, scored.rows.len());
        assert!(out
            .field
            .metadata
            .as_ref()
            .unwrap()
            .contains_key(SUMMARY_KEY));
        let first = out.batches[0]
            .as_any()
            .downcast_ref::<StructArray>()
            .unwrap();
        let keys = first.values()[2]
            .as_any()
            .downcast_ref::<Utf8Array<i32>>()
            .unwrap();
        let scores = first.values()[3]
            .as_any()
            .downcast_ref::<PrimitiveArray<f64>>()
            .unwrap();
        let reasons = first.values()[7]
            .as_any()
            .downcast_ref::<ListArray<i32>>()
            .unwrap();
        let jsonl: Vec<_> = scored.rows_out(Lang::En).collect();
        for (i, row) in jsonl.iter().enumerate().take(first.len()) {
            assert_eq!(keys.value(i), row.key);
            assert_eq!(scores.value(i).to_bits(), row.score.to_bits());
            assert_eq!(reasons.value(i).len(), row.reasons.len());
        }
        let flagged = jsonl.iter().position(|r| !r.reasons.is_empty()).unwrap();
        let first_reason = reasons.value(flagged);
        let first_reason = first_reason.as_any().downcast_ref::<StructArray>().unwrap();
        let codes = first_reason.values()[0]
            .as_any()
            .downcast_ref::<Utf8Array<i32>>()
            .unwrap();
        assert_eq!(codes.value(0), jsonl[flagged].reasons[0].code);
    }

    #[test]
    fn a_read_ledger_comes_out_normalised() {
        let grid = crate::ingest::cell::text_grid(
            "s",
            &[
                &[
                    "집행일자",
                    "부서명",
                    "계정과목",
                    "거래처",
                    "적요",
                    "집행금액",
                    "사용시간",
                ],
                &[
                    "2024-03-05",
                    "총무과",
                    "사무용품비",
                    "가나상사",
                    "복사지",
                    "1,200",
                    "23:10",
                ],
            ],
        );
        let ledger = ingest::ledger_from_grid(grid, "l.csv", &IngestOptions::default()).unwrap();
        let out = super::ledger(&ledger);
        let batch = out.batches[0]
            .as_any()
            .downcast_ref::<StructArray>()
            .unwrap();
        let date = batch.values()[3]
            .as_any()
            .downcast_ref::<PrimitiveArray<i32>>()
            .unwrap();
        assert_eq!(date.value(0), 19_787, "2024-03-05");
        let amount = batch.values()[9]
            .as_any()
            .downcast_ref::<PrimitiveArray<f64>>()
            .unwrap();
        assert_eq!(amount.value(0), 1200.0);
        let time = batch.values()[10]
            .as_any()
            .downcast_ref::<PrimitiveArray<i32>>()
            .unwrap();
        assert_eq!(time.value(0), 23 * 3600 + 10 * 60);
    }
}
