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

fn utf8<'a>(values: impl Iterator<Item = Option<&'a str>>) -> Box<dyn Array> {
    let out: Utf8Array<i32> = MutableUtf8Array::<i32>::from_iter(values).into();
    out.boxed()
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
            codes.push(Some(r.kind.code()));
            texts.push(Some(r.text.get(lang)));
            points.push(r.points);
        }
        offsets.push(codes.len() as i32);
    }
    let item = reason_type();
    let ArrowDataType::Struct(fields) = &item else {
        unreachable!("a reason is a struct")
    };
    let values = StructArray::new(
        item.clone(),
        codes.len(),
        vec![
            utf8(codes.into_iter()),
            utf8(texts.into_iter()),
            PrimitiveArray::<f64>::from_vec(points).boxed(),
        ],
        None,
    );
    debug_assert_eq!(fields.len(), 3);
    let offsets = OffsetsBuffer::try_from(offsets).expect("offsets only grow");
    ListArray::<i32>::new(list_of(item), offsets, values.boxed(), None).boxed()
}

fn reason_type() -> ArrowDataType {
    ArrowDataType::Struct(vec![
        Field::new("code".into(), ArrowDataType::Utf8, false),
        Field::new("text".into(), ArrowDataType::Utf8, false),
        Field::new("points".into(), ArrowDataType::Float64, false),
    ])
}

fn list_of(item: ArrowDataType) -> ArrowDataType {
    ArrowDataType::List(Box::new(Field::new("item".into(), item, false)))
}

fn table(columns: Vec<Field>, metadata: Metadata) -> Field {
    Field::new("".into(), ArrowDataType::Struct(columns), false).with_metadata(metadata)
}

fn batch(field: &Field, length: usize, values: Vec<Box<dyn Array>>) -> Box<dyn Array> {
    StructArray::new(field.dtype.clone(), length, values, None).boxed()
}

/// The scored rows, in ledger order: file, row, key, score, band, cluster,
/// cluster_name, reasons (code, text in `lang`, points).
pub fn scored(scored: &ScoredLedger, lang: Lang) -> Batches {
    use ArrowDataType as T;
    let columns = vec![
        Field::new("file".into(), T::Utf8, false),
        Field::new("row".into(), T::UInt32, false),
        Field::new("key".into(), T::Utf8, false),
        Field::new("score".into(), T::Float64, false),
        Field::new("band".into(), T::Utf8, false),
        Field::new("cluster".into(), T::UInt32, false),
        Field::new("cluster_name".into(), T::Utf8, false),
        Field::new("reasons".into(), list_of(reason_type()), false),
    ];
    let mut metadata = Metadata::new();
    metadata.insert(
        SUMMARY_KEY.into(),
        serde_json::to_string(&scored.summary)
            .expect("a summary serialises")
            .into(),
    );
    metadata.insert(
        QUALITY_KEY.into(),
        serde_json::to_string(&scored.ledger.quality)
            .expect("a quality report serialises")
            .into(),
    );
    let field = table(columns, metadata);
    let files = &scored.ledger.files;
    let batches = scored
        .rows
        .chunks(BATCH_ROWS)
        .map(|rows| {
            let values = vec![
                utf8(
                    rows.iter()
                        .map(|r| Some(files[usize::from(r.file)].as_str())),
                ),
                PrimitiveArray::<u32>::from_vec(rows.iter().map(|r| r.row).collect()).boxed(),
                utf8(rows.iter().map(|r| Some(r.key.as_str()))),
                PrimitiveArray::<f64>::from_vec(rows.iter().map(|r| r.score).collect()).boxed(),
                utf8(rows.iter().map(|r| Some(r.band.code()))),
                PrimitiveArray::<u32>::from_vec(rows.iter().map(|r| r.cluster).collect()).boxed(),
                utf8(rows.iter().map(|r| Some(r.cluster_name.get(lang)))),
                reasons_column(rows.iter().map(|r| r.reasons.as_slice()), lang),
            ];
            batch(&field, rows.len(), values)
        })
        .collect();
    Batches { field, batches }
}

/// A ledger as read, one row per kept transaction, its values normalised:
/// file, row, key, date, department, account, vendor, description,
/// voucher, amount, time (of use, where the ledger has one).
pub fn ledger(ledger: &Ledger) -> Batches {
    use ArrowDataType as T;
    let columns = vec![
        Field::new("file".into(), T::Utf8, false),
        Field::new("row".into(), T::UInt32, false),
        Field::new("key".into(), T::Utf8, false),
        Field::new("date".into(), T::Date32, false),
        Field::new("department".into(), T::Utf8, false),
        Field::new("account".into(), T::Utf8, false),
        Field::new("vendor".into(), T::Utf8, false),
        Field::new("description".into(), T::Utf8, false),
        Field::new("voucher".into(), T::Utf8, false),
        Field::new("amount".into(), T::Float64, false),
        Field::new("time".into(), T::Time32(TimeUnit::Second), true),
    ];
    let mut metadata = Metadata::new();
    metadata.insert(
        QUALITY_KEY.into(),
        serde_json::to_string(&ledger.quality)
            .expect("a quality report serialises")
            .into(),
    );
    let field = table(columns, metadata);
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
    let batches = ledger
        .transactions
        .chunks(BATCH_ROWS)
        .map(|rows| {
            let names = |dictionary: &'_ crate::ingest::Dictionary,
                         pick: fn(&crate::ingest::Transaction) -> u32| {
                let names: Vec<&str> = rows.iter().map(|t| dictionary.name(pick(t))).collect();
                utf8(names.into_iter().map(Some))
            };
            let values = vec![
                utf8(
                    rows.iter()
                        .map(|t| Some(ledger.files[usize::from(t.file)].as_str())),
                ),
                PrimitiveArray::<u32>::from_vec(rows.iter().map(|t| t.sheet_row).collect()).boxed(),
                utf8(rows.iter().map(|t| Some(t.key.as_str()))),
                PrimitiveArray::<i32>::from_vec(
                    rows.iter()
                        .map(|t| (t.date - epoch).num_days() as i32)
                        .collect(),
                )
                .to(T::Date32)
                .boxed(),
                names(&ledger.departments, |t| t.department),
                names(&ledger.accounts, |t| t.account),
                names(&ledger.vendors, |t| t.vendor),
                utf8(rows.iter().map(|t| Some(&*t.description))),
                utf8(rows.iter().map(|t| Some(&*t.voucher))),
                PrimitiveArray::<f64>::from_vec(rows.iter().map(|t| t.amount).collect()).boxed(),
                PrimitiveArray::<i32>::from_iter(
                    rows.iter().map(|t| t.time.map(|m| i32::from(m) * 60)),
                )
                .to(T::Time32(TimeUnit::Second))
                .boxed(),
            ];
            batch(&field, rows.len(), values)
        })
        .collect();
    Batches { field, batches }
}

/// The demo generator's ledger as a table, its columns as the demo
/// workbook's header names them (`demo::HEADERS`), typed: dates, amounts,
/// text.
pub fn demo(demo: &crate::demo::DemoLedger) -> Batches {
    use ArrowDataType as T;
    let headers = crate::demo::HEADERS;
    let columns = headers
        .iter()
        .enumerate()
        .map(|(c, h)| {
            let dtype = match c {
                0 => T::Date32,
                6 => T::Float64,
                _ => T::Utf8,
            };
            Field::new((*h).into(), dtype, false)
        })
        .collect();
    let field = table(columns, Metadata::new());
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
    let batches = demo
        .rows
        .chunks(BATCH_ROWS)
        .map(|rows| {
            let text =
                |pick: fn(&crate::demo::DemoRow) -> &str| utf8(rows.iter().map(|r| Some(pick(r))));
            let values = vec![
                PrimitiveArray::<i32>::from_vec(
                    rows.iter()
                        .map(|r| (r.date - epoch).num_days() as i32)
                        .collect(),
                )
                .to(T::Date32)
                .boxed(),
                text(|r| r.department),
                text(|r| r.account),
                text(|r| r.budget_item),
                text(|r| &r.vendor),
                text(|r| &r.description),
                PrimitiveArray::<f64>::from_vec(rows.iter().map(|r| r.amount).collect()).boxed(),
                text(|r| r.payment_method),
                text(|r| &r.voucher),
            ];
            batch(&field, rows.len(), values)
        })
        .collect();
    Batches { field, batches }
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
