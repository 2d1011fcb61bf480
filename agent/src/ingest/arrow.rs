//! Ingest from Arrow: the Python package's and the Spark job's tables (a
//! pyarrow Table, a pandas or polars DataFrame, a Spark partition) become
//! the same [`Grid`] a CSV file becomes, and from there the same ledger.
//!
//! The table's column names are the header row (sheet row 1) and its rows
//! follow from sheet row 2, exactly as the CSV of the same table would be
//! read: so the header mapping, the row numbers and the row keys are the
//! CLI's, and the scores are bit-identical (`pipeline`'s invariant).
//!
//! Typed columns keep their type as a cell: numbers stay numbers, dates and
//! timestamps become date cells, times of day become the text a CSV would
//! hold ("23:10:00"), dictionary (categorical) columns are decoded. A type a
//! ledger cannot hold (lists, structs, binary) is refused naming its column.

use polars_arrow::array::{
    Array, BooleanArray, DictionaryArray, DictionaryKey, PrimitiveArray, StructArray, Utf8Array,
    Utf8ViewArray,
};
use polars_arrow::datatypes::{ArrowDataType, Field, TimeUnit};
use polars_arrow::temporal_conversions as tc;
use polars_error::PolarsResult;

use super::cell::{Cell, Grid};
use super::error::IngestError;
use crate::limits::MAX_COLUMNS;

/// The columns pandas adds for a DataFrame's index (`__index_level_0__`):
/// the index is the frame's, not the ledger's.
fn is_pandas_index(name: &str) -> bool {
    name.starts_with("__index_level_") && name.ends_with("__")
}

/// Reads an Arrow stream of record batches (struct arrays of `field`'s
/// type) into a grid named `source`.
pub fn grid_from_arrow(
    field: &Field,
    batches: impl Iterator<Item = PolarsResult<Box<dyn Array>>>,
    source: &str,
) -> Result<Grid, IngestError> {
    let ArrowDataType::Struct(columns) = &field.dtype else {
        return Err(IngestError::UnreadableTable {
            file: source.into(),
            detail: format!("a stream of {:?}, not of record batches", field.dtype),
        });
    };
    let kept: Vec<usize> = (0..columns.len())
        .filter(|&c| !is_pandas_index(&columns[c].name))
        .collect();
    // The limit every format has, told as a CSV's is: the first column
    // past it, named by its header cell.
    if kept.len() > MAX_COLUMNS {
        return Err(IngestError::FarCell {
            file: source.into(),
            sheet: super::csv::sheet_name(source),
            cell: format!("{}1", super::quality::column_letter(MAX_COLUMNS)),
            beyond: super::error::Beyond::Columns,
        });
    }
    // Types are checked on the schema, before any row is read.
    for &c in &kept {
        check_type(&columns[c], source)?;
    }
    let header: Vec<Cell> = kept
        .iter()
        .map(|&c| Cell::Text(columns[c].name.as_str().into()))
        .collect();
    let mut rows = vec![header];
    for batch in batches {
        let batch = batch.map_err(|e| IngestError::UnreadableTable {
            file: source.into(),
            detail: e.to_string(),
        })?;
        let batch = batch
            .as_any()
            .downcast_ref::<StructArray>()
            .ok_or_else(|| IngestError::UnreadableTable {
                file: source.into(),
                detail: format!("a batch of {:?}, not a record batch", batch.dtype()),
            })?;
        let length = batch.len();
        let start = rows.len();
        rows.extend((0..length).map(|_| Vec::with_capacity(kept.len())));
        for &c in &kept {
            let cells = column_cells(batch.values()[c].as_ref(), &columns[c], source)?;
            for (row, cell) in rows[start..].iter_mut().zip(cells) {
                row.push(cell);
            }
        }
        // A null record batch row (rare: a struct-level null) is a blank row.
        if let Some(validity) = batch.validity() {
            for (row, valid) in rows[start..].iter_mut().zip(validity.iter()) {
                if !valid {
                    row.iter_mut().for_each(|c| *c = Cell::Empty);
                }
            }
        }
    }
    Ok(Grid {
        sheet: super::csv::sheet_name(source),
        first_row: 1,
        rows,
        date1904: false,
    })
}

fn refused(column: &Field, source: &str, dtype: &ArrowDataType) -> IngestError {
    IngestError::ColumnType {
        file: source.into(),
        column: column.name.to_string(),
        dtype: format!("{dtype:?}"),
    }
}

/// Whether a column's type is one a ledger cell can hold.
fn check_type(column: &Field, source: &str) -> Result<(), IngestError> {
    use ArrowDataType as T;
    match &column.dtype {
        T::Null
        | T::Boolean
        | T::Int8
        | T::Int16
        | T::Int32
        | T::Int64
        | T::UInt8
        | T::UInt16
        | T::UInt32
        | T::UInt64
        | T::Float32
        | T::Float64
        | T::Date32
        | T::Date64
        | T::Time32(_)
        | T::Time64(_)
        | T::Utf8
        | T::LargeUtf8
        | T::Utf8View
        | T::Decimal(..)
        | T::Decimal32(..)
        | T::Decimal64(..) => Ok(()),
        T::Timestamp(_, zone) => match zone {
            Some(zone) if offset_of(zone.as_str()).is_none() => Err(IngestError::ZonedColumn {
                file: source.into(),
                column: column.name.to_string(),
                zone: zone.to_string(),
            }),
            _ => Ok(()),
        },
        T::Dictionary(_, values, _) => check_type(
            &Field::new(column.name.clone(), values.as_ref().clone(), true),
            source,
        ),
        other => Err(refused(column, source, other)),
    }
}

/// A time zone's offset from UTC in seconds, where it is fixed: "UTC",
/// "+09:00". A named zone ("Asia/Seoul") has no one offset and is refused
/// rather than guessed (its rules would need a time-zone database).
fn offset_of(zone: &str) -> Option<i32> {
    match zone {
        "UTC" | "Etc/UTC" | "Z" | "utc" => Some(0),
        _ => tc::parse_offset(zone).ok().map(|o| o.local_minus_utc()),
    }
}

/// One column's cells, in row order.
fn column_cells(array: &dyn Array, column: &Field, source: &str) -> Result<Vec<Cell>, IngestError> {
    use ArrowDataType as T;
    let any = array.as_any();
    let cells = match array.dtype() {
        T::Null => vec![Cell::Empty; array.len()],
        T::Boolean => opt_cells(
            any.downcast_ref::<BooleanArray>().unwrap().iter(),
            Cell::Bool,
        ),
        T::Int8 => numbers::<i8>(any, |v| v as f64),
        T::Int16 => numbers::<i16>(any, |v| v as f64),
        T::Int32 => numbers::<i32>(any, |v| v as f64),
        T::Int64 => numbers::<i64>(any, |v| v as f64),
        T::UInt8 => numbers::<u8>(any, |v| v as f64),
        T::UInt16 => numbers::<u16>(any, |v| v as f64),
        T::UInt32 => numbers::<u32>(any, |v| v as f64),
        T::UInt64 => numbers::<u64>(any, |v| v as f64),
        T::Float32 => floats::<f32>(any),
        T::Float64 => floats::<f64>(any),
        T::Decimal32(_, scale) => {
            let unit = 10f64.powi(*scale as i32);
            numbers::<i32>(any, |v| v as f64 / unit)
        }
        T::Decimal64(_, scale) => {
            let unit = 10f64.powi(*scale as i32);
            numbers::<i64>(any, |v| v as f64 / unit)
        }
        T::Decimal(_, scale) => {
            let unit = 10f64.powi(*scale as i32);
            numbers::<i128>(any, |v| v as f64 / unit)
        }
        T::Date32 => dates::<i32>(any, tc::date32_to_datetime_opt),
        T::Date64 => dates::<i64>(any, tc::timestamp_ms_to_datetime_opt),
        T::Timestamp(unit, zone) => {
            // The instant in UTC, then the zone's fixed offset: the wall
            // clock the ledger's people saw.
            let offset =
                chrono::TimeDelta::seconds(zone.as_deref().and_then(offset_of).unwrap_or(0).into());
            let in_utc = match unit {
                TimeUnit::Second => tc::timestamp_s_to_datetime_opt,
                TimeUnit::Millisecond => tc::timestamp_ms_to_datetime_opt,
                TimeUnit::Microsecond => tc::timestamp_us_to_datetime_opt,
                TimeUnit::Nanosecond => tc::timestamp_ns_to_datetime_opt,
            };
            dates::<i64>(any, |v| in_utc(v).map(|t| t + offset))
        }
        T::Time32(unit) => times::<i32>(any, |v| match unit {
            TimeUnit::Second => Some(tc::time32s_to_time(v)),
            _ => Some(tc::time32ms_to_time(v)),
        }),
        T::Time64(unit) => times::<i64>(any, |v| match unit {
            TimeUnit::Nanosecond => tc::time64ns_to_time_opt(v),
            _ => tc::time64us_to_time_opt(v),
        }),
        T::Utf8 => opt_cells(
            any.downcast_ref::<Utf8Array<i32>>().unwrap().iter(),
            Cell::text,
        ),
        T::LargeUtf8 => opt_cells(
            any.downcast_ref::<Utf8Array<i64>>().unwrap().iter(),
            Cell::text,
        ),
        T::Utf8View => opt_cells(
            any.downcast_ref::<Utf8ViewArray>().unwrap().iter(),
            Cell::text,
        ),
        T::Dictionary(keys, ..) => polars_arrow::match_integer_type!(keys, |$K| {
            dictionary::<$K>(any, column, source)?
        }),
        other => return Err(refused(column, source, other)),
    };
    Ok(cells)
}

fn opt_cells<V>(values: impl Iterator<Item = Option<V>>, cell: impl Fn(V) -> Cell) -> Vec<Cell> {
    values.map(|v| v.map_or(Cell::Empty, &cell)).collect()
}

/// A primitive column's cells: `cell` turns each value into one (or into
/// none, for a value no calendar holds), a null is an empty cell.
fn primitive<T: polars_arrow::types::NativeType>(
    any: &dyn std::any::Any,
    cell: impl Fn(T) -> Option<Cell>,
) -> Vec<Cell> {
    let array = any.downcast_ref::<PrimitiveArray<T>>().unwrap();
    array
        .iter()
        .map(|v| v.and_then(|v| cell(*v)).unwrap_or(Cell::Empty))
        .collect()
}

fn numbers<T: polars_arrow::types::NativeType>(
    any: &dyn std::any::Any,
    to_f64: impl Fn(T) -> f64,
) -> Vec<Cell> {
    primitive(any, |v: T| Some(Cell::Number(to_f64(v))))
}

/// Floats, with NaN as an empty cell: pandas writes a missing number as NaN.
fn floats<T: polars_arrow::types::NativeType + Into<f64>>(any: &dyn std::any::Any) -> Vec<Cell> {
    primitive(any, |v: T| {
        let v: f64 = v.into();
        (!v.is_nan()).then_some(Cell::Number(v))
    })
}

fn dates<T: polars_arrow::types::NativeType>(
    any: &dyn std::any::Any,
    to_datetime: impl Fn(T) -> Option<chrono::NaiveDateTime>,
) -> Vec<Cell> {
    primitive(any, |v: T| to_datetime(v).map(Cell::DateTime))
}

/// A time of day as the text a CSV would hold, which the time column's
/// reader takes.
fn times<T: polars_arrow::types::NativeType>(
    any: &dyn std::any::Any,
    to_time: impl Fn(T) -> Option<chrono::NaiveTime>,
) -> Vec<Cell> {
    primitive(any, |v: T| {
        to_time(v).map(|t| Cell::Text(t.format("%H:%M:%S").to_string().into()))
    })
}

/// A dictionary-encoded (categorical) column, decoded.
fn dictionary<K: DictionaryKey>(
    any: &dyn std::any::Any,
    column: &Field,
    source: &str,
) -> Result<Vec<Cell>, IngestError> {
    let array = any.downcast_ref::<DictionaryArray<K>>().unwrap();
    let values = column_cells(array.values().as_ref(), column, source)?;
    Ok(array
        .keys_iter()
        .map(|k| k.map_or(Cell::Empty, |k| values[k].clone()))
        .collect())
}

#[cfg(test)]
mod tests {
    use polars_arrow::array::{MutableUtf8Array, Utf8Array};
    use polars_arrow::datatypes::IntegerType;

    use super::*;

    fn table(columns: Vec<(&str, Box<dyn Array>)>) -> (Field, Box<dyn Array>) {
        let fields: Vec<Field> = columns
            .iter()
            .map(|(n, a)| Field::new((*n).into(), a.dtype().clone(), true))
            .collect();
        let length = columns[0].1.len();
        let dtype = ArrowDataType::Struct(fields);
        let values = columns.into_iter().map(|(_, a)| a).collect();
        let array = StructArray::new(dtype.clone(), length, values, None);
        (Field::new("".into(), dtype, false), array.boxed())
    }

    #[test]
    fn typed_columns_become_the_cells_a_sheet_would_hold() {
        let (field, batch) = table(vec![
            (
                "집행일자",
                PrimitiveArray::<i32>::from([Some(19_724), None])
                    .to(ArrowDataType::Date32)
                    .boxed(),
            ),
            (
                "집행금액",
                PrimitiveArray::<i64>::from([Some(1_200_000), Some(5)]).boxed(),
            ),
            (
                "단가",
                PrimitiveArray::<f64>::from([Some(f64::NAN), Some(2.5)]).boxed(),
            ),
            (
                "거래처",
                Utf8Array::<i32>::from([Some("  가나상사 "), Some("")]).boxed(),
            ),
            (
                "승인일시",
                PrimitiveArray::<i64>::from([Some(1_704_150_000_000_000), None])
                    .to(ArrowDataType::Timestamp(
                        TimeUnit::Microsecond,
                        Some("+09:00".into()),
                    ))
                    .boxed(),
            ),
            (
                "사용시간",
                PrimitiveArray::<i64>::from([Some(83_400_000_000), None])
                    .to(ArrowDataType::Time64(TimeUnit::Microsecond))
                    .boxed(),
            ),
            (
                "__index_level_0__",
                PrimitiveArray::<i64>::from([Some(7), Some(8)]).boxed(),
            ),
        ]);
        let grid = grid_from_arrow(&field, std::iter::once(Ok(batch)), "frame").unwrap();
        assert_eq!(grid.first_row, 1);
        let header: Vec<String> = grid.rows[0].iter().map(Cell::display).collect();
        assert_eq!(
            header,
            [
                "집행일자",
                "집행금액",
                "단가",
                "거래처",
                "승인일시",
                "사용시간"
            ]
        );
        let first: Vec<String> = grid.rows[1].iter().map(Cell::display).collect();
        // 2024-01-02 is day 19,724; 1,704,150,000 s is 2024-01-01 23:00 UTC,
        // 2024-01-02 08:00 at +09:00; 83,400 s is 23:10.
        assert_eq!(
            first,
            [
                "2024-01-02",
                "1200000",
                "",
                "가나상사",
                "2024-01-02 08:00:00",
                "23:10:00"
            ]
        );
        assert_eq!(grid.rows[2][0], Cell::Empty);
        assert_eq!(grid.rows[2][2], Cell::Number(2.5));
        assert_eq!(
            grid.rows[2][3],
            Cell::Empty,
            "an empty string is an empty cell"
        );
    }

    #[test]
    fn categorical_columns_are_decoded() {
        let mut names = MutableUtf8Array::<i32>::new();
        names.push(Some("총무과"));
        names.push(Some("재무과"));
        let values: Utf8Array<i32> = names.into();
        let keys = PrimitiveArray::<u32>::from([Some(1), None, Some(0)]);
        let dtype =
            ArrowDataType::Dictionary(IntegerType::UInt32, Box::new(values.dtype().clone()), false);
        let dictionary = DictionaryArray::<u32>::try_new(dtype, keys, values.boxed()).unwrap();
        let (field, batch) = table(vec![("부서명", dictionary.boxed())]);
        let grid = grid_from_arrow(&field, std::iter::once(Ok(batch)), "frame").unwrap();
        let cells: Vec<String> = grid.rows[1..].iter().map(|r| r[0].display()).collect();
        assert_eq!(cells, ["재무과", "", "총무과"]);
    }

    #[test]
    fn a_column_no_ledger_holds_is_refused_by_name() {
        let list = polars_arrow::array::ListArray::<i64>::new_null(
            ArrowDataType::LargeList(Box::new(Field::new(
                "item".into(),
                ArrowDataType::Int64,
                true,
            ))),
            1,
        );
        let (field, batch) = table(vec![
            ("집행금액", PrimitiveArray::<i64>::from([Some(1)]).boxed()),
            ("첨부", list.boxed()),
        ]);
        let error = grid_from_arrow(&field, std::iter::once(Ok(batch)), "frame").unwrap_err();
        let error = crate::error::Error::from(error);
        assert_eq!(error.code, "unsupported_column_type");
        assert!(error.message.ko.contains("첨부"), "{}", error.message.ko);
        assert!(error.message.en.contains("첨부"), "{}", error.message.en);
    }

    #[test]
    fn columns_past_the_limit_are_refused_as_a_csv_s_are() {
        let columns: Vec<(String, Box<dyn Array>)> = (0..=MAX_COLUMNS)
            .map(|c| {
                (
                    format!("c{c}"),
                    PrimitiveArray::<i64>::from([Some(1)]).boxed(),
                )
            })
            .collect();
        let (field, batch) = table(
            columns
                .iter()
                .map(|(n, a)| (n.as_str(), a.clone()))
                .collect(),
        );
        match grid_from_arrow(&field, std::iter::once(Ok(batch)), "wide").unwrap_err() {
            IngestError::FarCell { cell, .. } => assert_eq!(cell, "IW1"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_named_time_zone_is_refused_not_guessed() {
        let stamps = PrimitiveArray::<i64>::from([Some(0)]).to(ArrowDataType::Timestamp(
            TimeUnit::Second,
            Some("Asia/Seoul".into()),
        ));
        let (field, batch) = table(vec![("승인일시", stamps.boxed())]);
        let error = crate::error::Error::from(
            grid_from_arrow(&field, std::iter::once(Ok(batch)), "frame").unwrap_err(),
        );
        assert_eq!(error.code, "zoned_timestamps");
        assert!(error.message.en.contains("Asia/Seoul"));
    }
}
