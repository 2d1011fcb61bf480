//! `ledgerlens demo`: generate a realistic ledger with labelled anomalies,
//! write it as an ERP-style workbook, score it, and measure how well the
//! injected anomalies were found.

pub(crate) mod catalog;
pub(crate) mod evaluate;
pub(crate) mod generator;
pub(crate) mod inject;

use std::path::Path;

use crate::ingest::normalize::excel_serial;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::vocabulary::DetectorKind;
pub use evaluate::{evaluate, Evaluation};
pub use generator::{generate, DemoLedger, DemoRow, INJECTED};

use crate::ingest::{Cell, Grid};

/// Rows above the header in the demo workbook: a title and a period line,
/// then a blank row, as ERP report exports have.
pub const TITLE_ROWS: u32 = 3;

pub const HEADERS: [&str; 9] = [
    "집행일자",
    "부서명",
    "계정과목",
    "예산과목",
    "거래처",
    "적요",
    "집행금액",
    "결제수단",
    "전표번호",
];

impl DemoLedger {
    /// The 1-based sheet row of data row `i`.
    pub fn sheet_row(i: usize) -> u32 {
        TITLE_ROWS + 2 + i as u32
    }

    pub fn title(&self) -> String {
        format!(
            "{}–{} 예산 집행 내역 (데모, seed {})",
            generator::FIRST_YEAR,
            generator::LAST_YEAR,
            self.seed
        )
    }

    /// The ledger as the grid of cells a reader would produce.
    pub fn to_grid(&self) -> Grid {
        let mut rows: Vec<Vec<Cell>> = Vec::with_capacity(self.rows.len() + 4);
        rows.push(vec![Cell::text(&self.title())]);
        rows.push(vec![Cell::text("출력일: 2025-01-06 · 단위: 원")]);
        rows.push(vec![]);
        rows.push(HEADERS.iter().map(|h| Cell::text(h)).collect());
        for r in &self.rows {
            rows.push(vec![
                Cell::DateTime(r.date.and_time(chrono::NaiveTime::MIN)),
                Cell::text(r.department),
                Cell::text(r.account),
                Cell::text(r.budget_item),
                Cell::text(&r.vendor),
                Cell::text(&r.description),
                Cell::Number(r.amount),
                Cell::text(r.payment_method),
                Cell::text(&r.voucher),
            ]);
        }
        Grid {
            sheet: "집행내역".into(),
            first_row: 1,
            rows,
            date1904: false,
        }
    }

    /// Labels by sheet row (None for ordinary rows).
    pub fn labels(&self) -> Vec<(u32, DetectorKind)> {
        self.rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.label.map(|k| (Self::sheet_row(i), k)))
            .collect()
    }

    pub fn write_xlsx(&self, path: &Path) -> Result<(), XlsxError> {
        let mut wb = Workbook::new();
        let sheet = wb.add_worksheet_with_constant_memory()?;
        sheet.set_name("집행내역")?;
        let bold = Format::new().set_bold();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let amount = Format::new().set_num_format("#,##0");
        sheet.write_string_with_format(0, 0, self.title(), &bold)?;
        sheet.write_string(1, 0, "출력일: 2025-01-06 · 단위: 원")?;
        let header_row = TITLE_ROWS;
        for (c, h) in HEADERS.iter().enumerate() {
            sheet.write_string_with_format(header_row, c as u16, *h, &bold)?;
        }
        for (i, r) in self.rows.iter().enumerate() {
            let row = header_row + 1 + i as u32;
            sheet.write_number_with_format(row, 0, excel_serial(r.date), &date)?;
            sheet.write_string(row, 1, r.department)?;
            sheet.write_string(row, 2, r.account)?;
            sheet.write_string(row, 3, r.budget_item)?;
            sheet.write_string(row, 4, &r.vendor)?;
            sheet.write_string(row, 5, &r.description)?;
            sheet.write_number_with_format(row, 6, r.amount, &amount)?;
            sheet.write_string(row, 7, r.payment_method)?;
            sheet.write_string(row, 8, &r.voucher)?;
        }
        sheet.set_column_width(0, 12)?;
        sheet.set_column_width(4, 20)?;
        sheet.set_column_width(5, 22)?;
        sheet.set_column_width(6, 14)?;
        wb.save(path)
    }

    /// The sheet as Office.js `range.values` gives a used range: a
    /// rectangle from A1, dates as serial numbers, blanks as "". The
    /// add-in's browser tests load it into their stand-in workbook.
    pub fn write_office_json(&self, path: &Path) -> std::io::Result<()> {
        let width = HEADERS.len();
        let padded = |first: serde_json::Value| {
            let mut row = vec![serde_json::Value::from(""); width];
            row[0] = first;
            row
        };
        let mut rows: Vec<Vec<serde_json::Value>> = Vec::with_capacity(self.rows.len() + 4);
        rows.push(padded(self.title().into()));
        rows.push(padded("출력일: 2025-01-06 · 단위: 원".into()));
        rows.push(padded("".into()));
        rows.push(HEADERS.iter().map(|h| (*h).into()).collect());
        for r in &self.rows {
            rows.push(vec![
                excel_serial(r.date).into(),
                r.department.into(),
                r.account.into(),
                r.budget_item.into(),
                r.vendor.as_str().into(),
                r.description.as_str().into(),
                r.amount.into(),
                r.payment_method.into(),
                r.voucher.as_str().into(),
            ]);
        }
        let file = std::io::BufWriter::new(std::fs::File::create(path)?);
        serde_json::to_writer(file, &rows).map_err(std::io::Error::other)
    }

    /// `row,voucher,kind` for every injected row.
    pub fn write_labels(&self, path: &Path) -> std::io::Result<()> {
        let mut out = String::from("row,voucher,kind\n");
        for (i, r) in self.rows.iter().enumerate() {
            if let Some(k) = r.label {
                out.push_str(&format!(
                    "{},{},{}\n",
                    Self::sheet_row(i),
                    r.voucher,
                    k.code()
                ));
            }
        }
        std::fs::write(path, out)
    }
}
