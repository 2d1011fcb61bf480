//! The sample workbook: what `sample select` writes for the auditor, and
//! what `sample evaluate` reads back once the audited values are in.
//!
//! Two sheets. "표본 / Sample": one row per selected ledger row, its
//! ledger fields, book value and units selected, and two empty columns for
//! the auditor (audited value, note). "표본 정보 / Sample parameters": one
//! row per parameter, `code | label | value`, so the evaluation uses what
//! the selection used (population, confidence, materiality, method)
//! without the auditor retyping it. Headers are read in either language.

use std::collections::HashMap;
use std::path::Path;

use calamine::{open_workbook_auto, Data, DataType, Reader};
use chrono::NaiveDate;

use super::evaluate::Audited;
use super::select::Selection;
use crate::error::Error;
use crate::i18n::{pick, Lang, Text};
use crate::money::Currency;
use crate::report::laid_out::{self, LaidOutSheet, SheetBuilder, Value};
use crate::vocabulary::{Likelihood, SampleColumn, SelectionMethod};

/// A selected row as the sheet shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRow {
    pub source_file: String,
    pub source_row: u32,
    pub date: NaiveDate,
    pub department: String,
    pub account: String,
    pub vendor: String,
    pub description: String,
    pub book: f64,
    pub hits: u32,
    pub key: String,
}

/// What a sample was drawn with, kept in the workbook for its evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameters {
    pub method: SelectionMethod,
    pub likelihood: Likelihood,
    pub seed: u64,
    pub n: u32,
    pub confidence: f64,
    pub materiality: f64,
    pub population_items: usize,
    pub population_value: f64,
    pub left_out: usize,
    pub currency: Currency,
    /// The ledger the sample was drawn from.
    pub source: String,
}

impl Parameters {
    /// The population an evaluation of this sample projects onto.
    pub fn population(&self) -> super::evaluate::Population {
        super::evaluate::Population {
            items: self.population_items,
            value: self.population_value,
            materiality: self.materiality,
            confidence: self.confidence,
        }
    }

    pub fn from_selection(
        selection: &Selection,
        likelihood: Likelihood,
        confidence: f64,
        materiality: f64,
        currency: Currency,
        source: &str,
    ) -> Parameters {
        Parameters {
            method: selection.method,
            likelihood,
            seed: selection.seed,
            n: selection.n,
            confidence,
            materiality,
            population_items: selection.population_items,
            population_value: selection.population_value,
            left_out: selection.left_out,
            currency,
            source: source.to_string(),
        }
    }
}

const SAMPLE_SHEET: (&str, &str) = ("표본", "Sample");
const PARAMETER_SHEET: (&str, &str) = ("표본 정보", "Sample parameters");

/// Writes the sample workbook to `path`.
pub fn write(
    path: &Path,
    parameters: &Parameters,
    rows: &[SampleRow],
    lang: Lang,
) -> Result<(), Error> {
    let bytes = laid_out::write(&lay_out(parameters, rows, lang))?;
    std::fs::write(path, bytes)
        .map_err(|e| crate::report::workbook::failed(&format!("{}: {e}", path.display())))
}

/// The sample and its parameters as two sheets, for the command line's
/// workbook and the pane's `sample/select` alike.
pub fn lay_out(p: &Parameters, rows: &[SampleRow], lang: Lang) -> Vec<LaidOutSheet> {
    let mut sample = SheetBuilder::new(pick(lang, SAMPLE_SHEET.0, SAMPLE_SHEET.1));
    let headers: Vec<&str> = SampleColumn::ALL.iter().map(|c| c.word(lang)).collect();
    let widths: Vec<f64> = SampleColumn::ALL
        .iter()
        .map(|c| match c {
            SampleColumn::Description => 36.0,
            SampleColumn::Department | SampleColumn::Account | SampleColumn::Vendor => 16.0,
            SampleColumn::AuditNote => 28.0,
            _ => 13.0,
        })
        .collect();
    sample.header(&headers, &widths);
    let to_fill = [SampleColumn::AuditedValue, SampleColumn::AuditNote];
    for c in to_fill {
        sample.fill(c as usize, laid_out::INPUT_FILL.into());
    }
    let amount = p.currency.excel_format();
    for (i, row) in rows.iter().enumerate() {
        let source_row = f64::from(row.source_row);
        let date = crate::ingest::normalize::excel_serial(row.date);
        let values: Vec<Value<'_>> = SampleColumn::ALL
            .iter()
            .map(|c| match c {
                SampleColumn::Number => Value::Number(i as f64 + 1.0),
                SampleColumn::SourceFile => Value::Text(&row.source_file),
                SampleColumn::SourceRow => Value::Number(source_row),
                SampleColumn::Date => Value::Date(date),
                SampleColumn::Department => Value::Text(&row.department),
                SampleColumn::Account => Value::Text(&row.account),
                SampleColumn::Vendor => Value::Text(&row.vendor),
                SampleColumn::Description => Value::Text(&row.description),
                SampleColumn::BookValue => Value::Formatted(row.book, amount.clone()),
                SampleColumn::Hits => Value::Number(f64::from(row.hits)),
                SampleColumn::AuditedValue | SampleColumn::AuditNote => Value::Text(""),
                SampleColumn::Key => Value::Text(&row.key),
            })
            .collect();
        sample.values(&values);
        for c in to_fill {
            sample.fill(c as usize, laid_out::INPUT_FILL.into());
        }
    }

    let mut info = SheetBuilder::new(pick(lang, PARAMETER_SHEET.0, PARAMETER_SHEET.1));
    info.header(
        &[
            "code",
            pick(lang, "항목", "parameter"),
            pick(lang, "값", "value"),
        ],
        &[20.0, 24.0, 40.0],
    );
    let seed = p.seed.to_string();
    let lines: [(&str, &str, &str, Value<'_>); 11] = [
        (
            "method",
            "선정 방법",
            "selection method",
            Value::Text(p.method.code()),
        ),
        (
            "likelihood",
            "분포",
            "likelihood",
            Value::Text(p.likelihood.code()),
        ),
        // As text: a u64 seed does not survive a double.
        ("seed", "시드", "seed", Value::Text(&seed)),
        (
            "n",
            "표본 크기",
            "sample size",
            Value::Number(f64::from(p.n)),
        ),
        (
            "confidence",
            "신뢰수준",
            "confidence",
            Value::Number(p.confidence),
        ),
        (
            "materiality",
            "중요성 기준 (비율)",
            "materiality (share)",
            Value::Number(p.materiality),
        ),
        (
            "population_items",
            "모집단 행 수",
            "population rows",
            Value::Number(p.population_items as f64),
        ),
        (
            "population_value",
            "모집단 장부 금액",
            "population book value",
            Value::Number(p.population_value),
        ),
        (
            "left_out",
            "금액단위로 뽑을 수 없는 행 (0 이하 금액)",
            "rows no unit reaches (0 or less)",
            Value::Number(p.left_out as f64),
        ),
        (
            "currency",
            "통화",
            "currency",
            Value::Text(p.currency.code()),
        ),
        ("source", "원장", "ledger", Value::Text(&p.source)),
    ];
    for (code, ko, en, value) in lines {
        info.values(&[Value::Text(code), Value::Text(pick(lang, ko, en)), value]);
    }
    vec![sample.finish(), info.finish()]
}

/// An audited sample read back: its parameters and each row's book and
/// audited values.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditedSample {
    pub parameters: Parameters,
    pub rows: Vec<Audited>,
}

/// Reads a sample workbook whose audited values are filled in. Every
/// problem names the file, the sheet, the row and the column.
pub fn read(path: &Path) -> Result<AuditedSample, Error> {
    let file = path.display().to_string();
    let unreadable = |detail: String| {
        Error::invalid(
            "sample_unreadable",
            Text::new(
                format!("{file}: 표본 통합문서를 읽을 수 없습니다 ({detail})"),
                format!("{file}: cannot read the sample workbook ({detail})"),
            ),
        )
    };
    let mut book = open_workbook_auto(path).map_err(|e| unreadable(e.to_string()))?;
    let names = book.sheet_names();
    let find = |(ko, en): (&str, &str)| {
        names
            .iter()
            .find(|n| n.as_str() == ko || n.as_str() == en)
            .cloned()
    };
    let (Some(sample_name), Some(info_name)) = (find(SAMPLE_SHEET), find(PARAMETER_SHEET)) else {
        return Err(unreadable(format!(
            "'{}'·'{}' 시트가 필요합니다 / needs the sheets '{}' and '{}'",
            SAMPLE_SHEET.0, PARAMETER_SHEET.0, SAMPLE_SHEET.1, PARAMETER_SHEET.1
        )));
    };
    let mut grid = |name: &str| -> Result<Vec<Vec<Data>>, Error> {
        let range = book
            .worksheet_range(name)
            .map_err(|e| unreadable(e.to_string()))?;
        Ok(range.rows().map(<[Data]>::to_vec).collect())
    };
    let (sample, info) = (grid(&sample_name)?, grid(&info_name)?);
    read_grids(
        &file,
        Grid {
            name: &sample_name,
            rows: &sample,
        },
        Grid {
            name: &info_name,
            rows: &info,
        },
    )
}

/// A sheet's values from its first row: read from a file, or sent by the
/// pane from the sheets it wrote.
pub struct Grid<'g> {
    pub name: &'g str,
    pub rows: &'g [Vec<Data>],
}

/// The names a sample's two sheets are given, (Korean, English).
pub const SHEET_NAMES: [(&str, &str); 2] = [SAMPLE_SHEET, PARAMETER_SHEET];

/// Reads an audited sample from its two sheets' values; every problem
/// names `file`, the sheet, the row and the column.
pub fn read_grids(file: &str, sample: Grid<'_>, info: Grid<'_>) -> Result<AuditedSample, Error> {
    let info_name = info.name;
    let sample_name = sample.name;
    let values: HashMap<String, Data> = info
        .rows
        .iter()
        .skip(1)
        .filter_map(|r| Some((r.first()?.to_string(), r.get(2)?.clone())))
        .collect();
    let missing = |code: &str| {
        Error::invalid(
            "sample_parameter_missing",
            Text::new(
                format!("{file}, '{info_name}' 시트: '{code}' 값이 없거나 읽을 수 없습니다"),
                format!("{file}, sheet '{info_name}': '{code}' is missing or unreadable"),
            ),
        )
    };
    let number = |code: &str| {
        values
            .get(code)
            .and_then(Data::as_f64)
            .ok_or_else(|| missing(code))
    };
    let text = |code: &str| {
        values
            .get(code)
            .map(|d| d.to_string())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| missing(code))
    };
    let parameters = Parameters {
        method: SelectionMethod::from_code(&text("method")?).ok_or_else(|| missing("method"))?,
        likelihood: Likelihood::from_code(&text("likelihood")?)
            .ok_or_else(|| missing("likelihood"))?,
        seed: text("seed")?.parse().map_err(|_| missing("seed"))?,
        n: number("n")? as u32,
        confidence: number("confidence")?,
        materiality: number("materiality")?,
        population_items: number("population_items")? as usize,
        population_value: number("population_value")?,
        left_out: number("left_out")? as usize,
        currency: Currency::parse(&text("currency")?).ok_or_else(|| missing("currency"))?,
        source: text("source").unwrap_or_default(),
    };

    let mut rows = sample.rows.iter();
    let header: Vec<String> = rows
        .next()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .unwrap_or_default();
    let column = |wanted: SampleColumn| {
        header
            .iter()
            .position(|h| h.trim() == wanted.word(Lang::Ko) || h.trim() == wanted.word(Lang::En))
            .ok_or_else(|| {
                Error::invalid(
                    "sample_column_missing",
                    Text::new(
                        format!(
                            "{file}, '{sample_name}' 시트 1행: '{}' 열이 없습니다",
                            wanted.word(Lang::Ko)
                        ),
                        format!(
                            "{file}, sheet '{sample_name}' row 1: no '{}' column",
                            wanted.word(Lang::En)
                        ),
                    ),
                )
            })
    };
    let (book_col, audited_col) = (
        column(SampleColumn::BookValue)?,
        column(SampleColumn::AuditedValue)?,
    );
    let letter = crate::ingest::quality::column_letter;
    let mut audited = Vec::new();
    let mut not_audited = Vec::new();
    for (i, row) in rows.enumerate() {
        let sheet_row = i + 2;
        let cell = |c: usize| row.get(c).cloned().unwrap_or(Data::Empty);
        let book_value = cell(book_col);
        if matches!(book_value, Data::Empty) && row.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        let not_number = |c: usize, value: &Data, header: SampleColumn| {
            Error::invalid(
                "sample_value_not_a_number",
                Text::new(
                    format!("{file}, '{sample_name}' 시트 {sheet_row}행 {}열 ({}): 숫자가 아닙니다: {value}", letter(c), header.word(Lang::Ko)),
                    format!("{file}, sheet '{sample_name}' row {sheet_row} column {} ({}): not a number: {value}", letter(c), header.word(Lang::En)),
                ),
            )
        };
        let b = book_value
            .as_f64()
            .ok_or_else(|| not_number(book_col, &book_value, SampleColumn::BookValue))?;
        match cell(audited_col) {
            Data::Empty => not_audited.push(sheet_row),
            Data::String(s) if s.trim().is_empty() => not_audited.push(sheet_row),
            value => {
                // A number, or text an auditor typed as one ("60,000", "60,000원").
                let typed = crate::ingest::Cell::Text(value.to_string().into());
                let a = value
                    .as_f64()
                    .or_else(|| crate::ingest::normalize::parse_amount(&typed).map(|p| p.value()))
                    .ok_or_else(|| not_number(audited_col, &value, SampleColumn::AuditedValue))?;
                audited.push(Audited {
                    book: b,
                    audited: a,
                });
            }
        }
    }
    if !not_audited.is_empty() {
        let shown: Vec<String> = not_audited.iter().take(30).map(|r| r.to_string()).collect();
        let more = if not_audited.len() > 30 { " …" } else { "" };
        return Err(Error::invalid(
            "sample_not_audited",
            Text::new(
                format!(
                    "{file}, '{sample_name}' 시트 {}열 ({}): 감사 금액이 빈 행 {}건 ({}행{more}): 표본 전체를 감사한 뒤 평가하세요",
                    letter(audited_col),
                    SampleColumn::AuditedValue.word(Lang::Ko),
                    not_audited.len(),
                    shown.join(", ")
                ),
                format!(
                    "{file}, sheet '{sample_name}' column {} ({}): no audited value in {} row(s) (rows {}{more}); evaluate once the whole sample is audited",
                    letter(audited_col),
                    SampleColumn::AuditedValue.word(Lang::En),
                    not_audited.len(),
                    shown.join(", ")
                ),
            ),
        ));
    }
    Ok(AuditedSample {
        parameters,
        rows: audited,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parameters() -> Parameters {
        Parameters {
            method: SelectionMethod::Interval,
            likelihood: Likelihood::Poisson,
            seed: 42,
            n: 2,
            confidence: 0.95,
            materiality: 0.05,
            population_items: 10,
            population_value: 1_000_000.0,
            left_out: 1,
            currency: Currency::Krw,
            source: "원장.xlsx".into(),
        }
    }

    fn row(book: f64) -> SampleRow {
        SampleRow {
            source_file: "원장.xlsx".into(),
            source_row: 7,
            date: NaiveDate::from_ymd_opt(2024, 3, 5).unwrap(),
            department: "총무과".into(),
            account: "여비".into(),
            vendor: "한빛상사".into(),
            description: "=출장비".into(),
            book,
            hits: 1,
            key: "k".into(),
        }
    }

    /// Writes a sample, fills audited values as an auditor would (through
    /// umya, as Excel would save it), and reads it back.
    fn audited(values: &[Option<&str>]) -> Result<AuditedSample, Error> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sample.xlsx");
        let rows: Vec<SampleRow> = values.iter().map(|_| row(100_000.0)).collect();
        write(&path, &parameters(), &rows, Lang::Ko).unwrap();
        let mut book = umya_spreadsheet::reader::xlsx::read(&path).unwrap();
        let sheet = book.get_sheet_by_name_mut("표본").unwrap();
        let col = SampleColumn::AuditedValue as u32 + 1;
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                sheet.get_cell_mut((col, i as u32 + 2)).set_value(*v);
            }
        }
        umya_spreadsheet::writer::xlsx::write(&book, &path).unwrap();
        read(&path)
    }

    #[test]
    fn a_filled_sample_reads_back_with_its_parameters() {
        let back = audited(&[Some("100000"), Some("60000")]).unwrap();
        assert_eq!(back.parameters, parameters());
        assert_eq!(
            back.rows,
            vec![
                Audited {
                    book: 100_000.0,
                    audited: 100_000.0
                },
                Audited {
                    book: 100_000.0,
                    audited: 60_000.0
                },
            ]
        );
    }

    #[test]
    fn an_unaudited_row_or_a_word_is_named_by_row_and_column() {
        let err = audited(&[Some("100000"), None]).unwrap_err();
        assert_eq!(err.code, "sample_not_audited");
        assert!(
            err.message.en.contains(
                "sheet '표본' column K (Audited value): no audited value in 1 row(s) (rows 3)"
            ),
            "{}",
            err.message.en
        );
        let err = audited(&[Some("확인 중"), Some("1")]).unwrap_err();
        assert_eq!(err.code, "sample_value_not_a_number");
        assert!(
            err.message.ko.contains("'표본' 시트 2행 K열 (감사 금액)"),
            "{}",
            err.message.ko
        );
    }
}
