//! The scored workbook: the ledger sorted by risk with score, band, cluster
//! and reason columns, review dropdown and note columns and a hidden row
//! key; a summary sheet; and the data-quality sheet.

use std::path::Path;

use rust_xlsxwriter::{
    Color, ConditionalFormat3ColorScale, ConditionalFormatCell, ConditionalFormatCellRule,
    DataValidation, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::error::Error;
use crate::i18n::{pick, thousands, Lang};
use crate::ingest::normalize::excel_serial;
use crate::ingest::{Cell, Field};
use crate::pipeline::ScoredLedger;
use crate::vocabulary::{
    self, css, AddedColumn, Band, DetectorKind, ExecutionWarning, MatchedBy, NextView,
    ReviewReason, ReviewStatus, ScoreKind, SelectionMethod,
};

/// The review choices offered in the dropdown, Korean first as the sheet
/// is read; the English set is used with `--lang en`.
pub fn review_choices(lang: Lang) -> Vec<&'static str> {
    ReviewStatus::ALL.iter().map(|s| s.word(lang)).collect()
}

/// The review reasons offered beside the status, every status's in one
/// list (a sheet's dropdown cannot follow the cell beside it); the pane
/// and the agent check that the one picked fits the status.
pub fn reason_choices(lang: Lang) -> Vec<&'static str> {
    ReviewReason::ALL.iter().map(|r| r.word(lang)).collect()
}

/// The words and colours of the added columns, in both languages, as
/// `GET layout` serves them to the pane and the dashboard: one definition
/// (`vocabulary.rs`) for the command line's workbook and the add-in's sheet.
pub fn layout() -> serde_json::Value {
    use serde_json::{json, Map, Value};
    fn by_code<V: Into<Value>>(
        items: impl Iterator<Item = (&'static str, V)>,
    ) -> Map<String, Value> {
        items
            .map(|(code, v)| (code.to_string(), v.into()))
            .collect()
    }
    let words = |lang: Lang| {
        json!({
            "columns": by_code(AddedColumn::in_pane().map(|c| (c.code(), c.word(lang)))),
            "bands": by_code(Band::ALL.iter().map(|b| (b.code(), b.word(lang)))),
            "reviews": review_choices(lang),
            "review_reasons": reason_choices(lang),
            "open": ReviewStatus::word_or_open(None, lang),
            "matched_by": by_code(MatchedBy::ALL.iter().map(|m| (m.code(), m.word(lang)))),
            "detectors": by_code(DetectorKind::ALL.iter().map(|k| (k.code(), k.word(lang)))),
            "score_kinds": by_code(ScoreKind::ALL.iter().map(|k| (k.code(), k.word(lang)))),
            "next_views": by_code(NextView::ALL.iter().map(|v| (v.code(), v.word(lang)))),
            "execution_warnings": by_code(ExecutionWarning::ALL.iter().map(|w| (w.code(), w.word(lang)))),
            "selection_methods": SelectionMethod::ALL.iter().map(|m| m.word(lang)).collect::<Vec<_>>(),
            // The audit sample's two sheets: the sample, its parameters.
            "sample_sheets": crate::sampling::sheet::SHEET_NAMES.map(|names| pick(lang, names.0, names.1)),
        })
    };
    let colours =
        |(fill, font): vocabulary::Colours| json!({ "fill": css(fill), "font": css(font) });
    json!({
        "ko": words(Lang::Ko),
        "en": words(Lang::En),
        "columns": AddedColumn::in_pane().map(AddedColumn::code).collect::<Vec<_>>(),
        "band_codes": Band::CODES,
        "review_codes": ReviewStatus::CODES,
        "review_reason_codes": ReviewReason::CODES,
        "selection_method_codes": SelectionMethod::CODES,
        "next_view_codes": NextView::CODES,
        // The status each reason explains, in the same order.
        "review_reason_status": ReviewReason::ALL.iter().map(|r| r.status().code()).collect::<Vec<_>>(),
        "band_colours": by_code(Band::ALL.iter().map(|b| (b.code(), colours(b.colours())))),
        "review_colours": by_code(ReviewStatus::ALL.iter().map(|s| (s.code(), colours(s.colours())))),
        "cluster_palette": CLUSTER_PALETTE.iter().map(|&c| css(c)).collect::<Vec<_>>(),
        "header_fill": css(vocabulary::HEADER_FILL),
        "added_header_fill": css(vocabulary::ADDED_HEADER_FILL),
        "header_scan_rows": vocabulary::HEADER_SCAN_ROWS,
    })
}

/// "확인된 이상 / 정상 / 증빙 필요 중에서 고르세요", "Choose A, B or C".
fn choose_one_of(choices: &[&str], lang: Lang) -> String {
    match (lang, choices) {
        (Lang::Ko, _) => format!("{} 중에서 고르세요", choices.join(" / ")),
        (Lang::En, [first @ .., last]) if !first.is_empty() => {
            format!("Choose {} or {last}", first.join(", "))
        }
        (Lang::En, _) => format!("Choose {}", choices.join("")),
    }
}

/// "정상: 규정상 허용 / …; 확인된 이상: 중복 / …": which reasons go with
/// which status, as the reason cell's input message.
fn reason_hint(lang: Lang) -> String {
    ReviewStatus::ALL
        .iter()
        .filter_map(|&status| {
            let reasons: Vec<&str> = ReviewReason::for_status(status)
                .map(|r| r.word(lang))
                .collect();
            (!reasons.is_empty()).then(|| format!("{}: {}", status.word(lang), reasons.join(" / ")))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Excel's cell text limit; longer text is cut rather than failing the file.
const MAX_CELL_TEXT: usize = 32_000;

/// Ledger text in the summary and data-quality sheets: shown, never obeyed
/// (bidirectional controls written out, see `i18n::visible_controls`). The
/// copy of the ledger on the first sheet keeps the user's text as it was.
fn shown(s: &str) -> String {
    cell_text(&crate::i18n::visible_controls(s)).to_string()
}

fn cell_text(s: &str) -> &str {
    if s.len() <= MAX_CELL_TEXT {
        return s;
    }
    let mut end = MAX_CELL_TEXT;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

struct Formats {
    header: Format,
    added_header: Format,
    date: Format,
    datetime: Format,
    amount: Format,
    score: Format,
    title: Format,
}

impl Formats {
    /// The formats of a sheet whose amounts are in `currency` (its
    /// decimals: none for won, two for pounds, dollars and euros).
    fn new(currency: crate::money::Currency) -> Formats {
        let header = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(vocabulary::HEADER_FILL))
            .set_font_color(Color::White)
            .set_border_bottom(FormatBorder::Thin)
            .set_align(FormatAlign::Center);
        Formats {
            added_header: header
                .clone()
                .set_background_color(Color::RGB(vocabulary::ADDED_HEADER_FILL)),
            header,
            date: Format::new().set_num_format("yyyy-mm-dd"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            amount: Format::new().set_num_format(currency.excel_format()),
            score: Format::new().set_num_format("0.0").set_bold(),
            title: Format::new().set_bold().set_font_size(14),
        }
    }
}

fn band_format(band: Band) -> Format {
    let (bg, fg) = band.colours();
    Format::new()
        .set_background_color(Color::RGB(bg))
        .set_font_color(Color::RGB(fg))
}

/// Soft, distinguishable fills for up to eight clusters.
const CLUSTER_PALETTE: [u32; 8] = [
    0xDDEBF7, 0xFCE4D6, 0xE2EFDA, 0xFFF2CC, 0xEDE1F5, 0xD9F2F2, 0xF8D7E3, 0xE7E6E6,
];

/// Writes the scored workbook to `path`. rust_xlsxwriter's constant-memory
/// mode panics when its temporary files cannot be written (a full disk);
/// that panic is caught here and reported as the write error it is,
/// without the panic's own message on stderr.
/// `extra`: sheets laid out for the pane too (the 집행률 and 예측 sheets),
/// after the scored workbook's own.
pub fn write(
    scored: &ScoredLedger,
    extra: &[super::laid_out::LaidOutSheet],
    lang: Lang,
    path: &Path,
) -> Result<(), Error> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(|| save(scored, extra, lang, path));
    std::panic::set_hook(hook);
    match result {
        Ok(saved) => saved.map_err(|e| failed(&e)),
        Err(panic) => {
            let detail = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("the workbook writer stopped");
            Err(failed(&detail))
        }
    }
}

/// A workbook writer's failure as the error contract's `write_failed`.
pub(crate) fn failed(detail: &dyn std::fmt::Display) -> Error {
    Error::new(
        crate::error::Kind::Internal,
        "write_failed",
        crate::i18n::Text::new(detail.to_string(), detail.to_string()),
    )
}

fn save(
    scored: &ScoredLedger,
    extra: &[super::laid_out::LaidOutSheet],
    lang: Lang,
    path: &Path,
) -> Result<(), XlsxError> {
    let mut workbook = Workbook::new();
    // Deflate level 3 instead of 6: a 100k-row sheet saves in 1.07 s
    // instead of 1.43 s for a file 9% larger (measured; level 1 saves
    // another 0.2 s but the file grows by 58%).
    workbook.set_zip_compression_level(3);
    let fmt = Formats::new(scored.summary.currency);
    // Ranked once: both sheets list rows by it, and at 1M rows a sort is
    // a few tenths of a second.
    let order = scored.ranking();
    write_scored_sheet(&mut workbook, scored, &order, lang, &fmt)?;
    write_summary_sheet(workbook.add_worksheet(), scored, &order, lang, &fmt)?;
    write_quality_sheet(workbook.add_worksheet(), scored, lang, &fmt)?;
    for laid_out in extra {
        write_laid_out(workbook.add_worksheet(), laid_out, &fmt)?;
    }
    workbook.save(path)
}

/// A sheet laid out for the pane too (`laid_out`), written here into the
/// scored workbook, so the command line's sheet and the pane's are one
/// layout. Headers take the scored workbook's own header format.
fn write_laid_out(
    sheet: &mut Worksheet,
    laid_out: &super::laid_out::LaidOutSheet,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    use super::laid_out::CellValue;
    sheet.set_name(&laid_out.name)?;
    for (r, row) in laid_out.rows.iter().enumerate() {
        for (c, cell) in row.cells.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            let format = if row.header {
                fmt.header.clone()
            } else {
                let mut format = Format::new();
                if let Some(fill) = &cell.fill {
                    let rgb = u32::from_str_radix(fill, 16).unwrap_or(0xFFFFFF);
                    format = format.set_background_color(Color::RGB(rgb));
                }
                if let Some(code) = &cell.number_format {
                    format = format.set_num_format(code);
                }
                format
            };
            match &cell.value {
                CellValue::Text(t) if t.is_empty() && cell.fill.is_none() => {}
                CellValue::Text(t) => {
                    sheet.write_string_with_format(r, c, cell_text(t), &format)?;
                }
                CellValue::Number(n) => {
                    sheet.write_number_with_format(r, c, *n, &format)?;
                }
            }
        }
    }
    for (c, w) in laid_out.widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    if let Some(columns) = laid_out.filter_columns {
        let last_row = laid_out.rows.len().saturating_sub(1) as u32;
        sheet.autofilter(0, 0, last_row, columns.saturating_sub(1) as u16)?;
    }
    Ok(())
}

/// Widths of the added columns, in characters.
fn added_width(column: AddedColumn) -> f64 {
    match column {
        AddedColumn::SourceFile => 16.0,
        AddedColumn::SourceRow => 8.0,
        AddedColumn::Score | AddedColumn::Band => 9.0,
        AddedColumn::Cluster => 18.0,
        AddedColumn::Reasons => 70.0,
        AddedColumn::Review => 14.0,
        AddedColumn::ReviewReason => 20.0,
        AddedColumn::Note => 28.0,
        AddedColumn::Key => 20.0,
    }
}

fn write_scored_sheet(
    workbook: &mut Workbook,
    scored: &ScoredLedger,
    order: &[usize],
    lang: Lang,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    let ledger = &scored.ledger;
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name(pick(lang, "점수 결과", "Scored"))?;
    // Original columns up to the last named header, or the last with data
    // in it: an unnamed column of notes is the user's data too.
    let with_data = ledger
        .original
        .iter()
        .map(|r| r.iter().rposition(|c| !c.is_empty()).map_or(0, |p| p + 1))
        .max()
        .unwrap_or(0);
    let width = ledger
        .headers
        .iter()
        .rposition(|h| !h.is_empty())
        .map_or(0, |p| p + 1)
        .max(ledger.columns.values().max().map_or(0, |m| m + 1))
        .max(with_data);
    let date_col = ledger.columns.get(&Field::Date).copied();
    let amount_col = ledger.columns.get(&Field::Amount).copied();
    for c in 0..width {
        let h = ledger.headers.get(c).map(String::as_str).unwrap_or("");
        sheet.write_string_with_format(0, c as u16, cell_text(h), &fmt.header)?;
        let w = match Some(c) {
            x if x == date_col => 12.0,
            x if x == amount_col => 14.0,
            _ => 16.0,
        };
        sheet.set_column_width(c as u16, w)?;
        // The date and amount columns carry their format, so their cells
        // are written bare: a format given per cell is looked up per cell
        // (a hash of the whole format), two million times at 1M rows.
        if Some(c) == date_col {
            sheet.set_column_format(c as u16, &fmt.date)?;
        } else if Some(c) == amount_col {
            sheet.set_column_format(c as u16, &fmt.amount)?;
        }
    }
    // The added columns follow the ledger's, in the vocabulary's order.
    // The source file is a column only where the ledger was read from
    // several files: one file's name is on the summary sheet, and a
    // million copies of it would be a million cells to write.
    let several_files = ledger.files.len() > 1;
    let added: Vec<AddedColumn> = AddedColumn::ALL
        .iter()
        .copied()
        .filter(|&c| several_files || c != AddedColumn::SourceFile)
        .collect();
    let base = width as u16;
    let at = |column: AddedColumn| {
        let place = added.iter().position(|&c| c == column).unwrap_or(0);
        base + place as u16
    };
    for &column in &added {
        sheet.write_string_with_format(0, at(column), column.word(lang), &fmt.added_header)?;
        sheet.set_column_width(at(column), added_width(column))?;
    }
    sheet.set_column_format(at(AddedColumn::Score), &fmt.score)?;
    let (c_file, c_row, c_score, c_band, c_cluster, c_reason, c_review, c_key) = (
        at(AddedColumn::SourceFile),
        at(AddedColumn::SourceRow),
        at(AddedColumn::Score),
        at(AddedColumn::Band),
        at(AddedColumn::Cluster),
        at(AddedColumn::Reasons),
        at(AddedColumn::Review),
        at(AddedColumn::Key),
    );
    sheet.set_column_hidden(c_key)?;

    for (out_row, &i) in order.iter().enumerate() {
        let r = out_row as u32 + 1;
        let t = &ledger.transactions[i];
        let cells = &ledger.original[i];
        for c in 0..width {
            let col = c as u16;
            if Some(c) == date_col {
                sheet.write_number(r, col, excel_serial(t.date))?;
                continue;
            }
            if Some(c) == amount_col {
                sheet.write_number(r, col, t.amount)?;
                continue;
            }
            match cells.get(c).unwrap_or(&Cell::Empty) {
                Cell::Empty => {}
                Cell::Number(n) => {
                    sheet.write_number(r, col, *n)?;
                }
                // Written as a string cell, never as a formula, whatever it starts with.
                Cell::Text(s) | Cell::Error(s) => {
                    sheet.write_string(r, col, cell_text(s))?;
                }
                Cell::Bool(b) => {
                    sheet.write_boolean(r, col, *b)?;
                }
                Cell::DateTime(dt) => {
                    let serial = excel_serial(dt.date())
                        + f64::from(chrono::Timelike::num_seconds_from_midnight(dt)) / 86_400.0;
                    sheet.write_number_with_format(r, col, serial, &fmt.datetime)?;
                }
            }
        }
        let s = &scored.rows[i];
        if let Some(file) = scored.file_of(i) {
            sheet.write_string(r, c_file, cell_text(file))?;
        }
        sheet.write_number(r, c_row, f64::from(t.sheet_row))?;
        sheet.write_number(r, c_score, s.score)?;
        sheet.write_string(r, c_band, s.band.label().get(lang))?;
        sheet.write_string(r, c_cluster, scored.cluster_name(i, lang))?;
        if !s.reasons.is_empty() {
            let reasons: Vec<&str> = s.reasons.iter().map(|x| x.text.get(lang)).collect();
            sheet.write_string(r, c_reason, cell_text(&reasons.join(" · ")))?;
        }
        sheet.write_string(r, c_key, &t.key)?;
    }
    let last = order.len() as u32;
    let last_col = c_key;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last.max(1), last_col)?;
    print_setup(sheet);
    sheet.set_repeat_rows(0, 0)?;
    if last == 0 {
        return Ok(());
    }

    // One conditional format per band and per cluster, not a fill per cell:
    // colours follow the values if the user edits or re-sorts.
    for &band in Band::ALL {
        let cf = ConditionalFormatCell::new()
            .set_rule(ConditionalFormatCellRule::EqualTo(band.label().get(lang)))
            .set_format(band_format(band));
        sheet.add_conditional_format(1, c_band, last, c_band, &cf)?;
    }
    let scale = ConditionalFormat3ColorScale::new()
        .set_minimum_color(Color::RGB(0x63BE7B))
        .set_midpoint_color(Color::RGB(0xFFEB84))
        .set_maximum_color(Color::RGB(0xF8696B));
    sheet.add_conditional_format(1, c_score, last, c_score, &scale)?;
    for (id, c) in scored.summary.clusters.iter().enumerate() {
        let color = CLUSTER_PALETTE[id % CLUSTER_PALETTE.len()];
        let cf = ConditionalFormatCell::new()
            .set_rule(ConditionalFormatCellRule::EqualTo(c.name.get(lang)))
            .set_format(Format::new().set_background_color(Color::RGB(color)));
        sheet.add_conditional_format(1, c_cluster, last, c_cluster, &cf)?;
    }
    let dv = DataValidation::new()
        .allow_list_strings(&review_choices(lang))?
        .set_input_title(pick(lang, "검토 결과", "Review"))?
        .set_input_message(choose_one_of(&review_choices(lang), lang))?;
    sheet.add_data_validation(1, c_review, last, c_review, &dv)?;
    let c_review_reason = at(AddedColumn::ReviewReason);
    let dv = DataValidation::new()
        .allow_list_strings(&reason_choices(lang))?
        .set_input_title(AddedColumn::ReviewReason.word(lang))?
        .set_input_message(reason_hint(lang))?;
    sheet.add_data_validation(1, c_review_reason, last, c_review_reason, &dv)?;
    Ok(())
}

/// Sheets are printed and filed as audit evidence: landscape, every column
/// on one page width.
fn print_setup(sheet: &mut Worksheet) {
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
}

fn write_row(
    sheet: &mut Worksheet,
    row: u32,
    values: &[&str],
    format: &Format,
) -> Result<(), XlsxError> {
    for (c, v) in values.iter().enumerate() {
        sheet.write_string_with_format(row, c as u16, cell_text(v), format)?;
    }
    Ok(())
}

fn write_summary_sheet(
    sheet: &mut Worksheet,
    scored: &ScoredLedger,
    order: &[usize],
    lang: Lang,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    let s = &scored.summary;
    let ledger = &scored.ledger;
    sheet.set_name(pick(lang, "요약", "Summary"))?;
    sheet.write_string_with_format(0, 0, pick(lang, "위험 요약", "Risk summary"), &fmt.title)?;
    sheet.write_string(
        1,
        0,
        format!(
            "{}: {} [{}] · {} {}",
            pick(lang, "원본", "Source"),
            ledger.source,
            ledger.sheet,
            s.rows,
            pick(lang, "건", "rows")
        ),
    )?;

    let mut r = 3;
    write_row(
        sheet,
        r,
        &[
            pick(lang, "위험등급", "Band"),
            pick(lang, "건수", "Rows"),
            pick(lang, "비율", "Share"),
        ],
        &fmt.header,
    )?;
    for &band in Band::ALL {
        let n = s.bands.get(band);
        r += 1;
        sheet.write_string_with_format(r, 0, band.label().get(lang), &band_format(band))?;
        sheet.write_number(r, 1, n as f64)?;
        sheet.write_number_with_format(
            r,
            2,
            n as f64 / s.rows.max(1) as f64,
            &Format::new().set_num_format("0.0%"),
        )?;
    }

    r += 2;
    sheet.write_string_with_format(
        r,
        0,
        pick(lang, "위험 상위 20건", "Top 20 risks"),
        &fmt.title,
    )?;
    r += 1;
    let several_files = ledger.files.len() > 1;
    let top_headers = [
        pick(lang, "원본 행", "Row"),
        pick(lang, "위험점수", "Score"),
        pick(lang, "집행일자", "Date"),
        pick(lang, "부서명", "Department"),
        pick(lang, "계정과목", "Account"),
        pick(lang, "거래처", "Vendor"),
        pick(lang, "집행금액", "Amount"),
        pick(lang, "사유", "Reasons"),
    ];
    write_row(sheet, r, &top_headers, &fmt.header)?;
    if several_files {
        sheet.write_string_with_format(r, 8, pick(lang, "원본 파일", "File"), &fmt.header)?;
    }
    for &i in order.iter().take(20) {
        r += 1;
        let row = &scored.rows[i];
        let t = &ledger.transactions[i];
        sheet.write_number(r, 0, f64::from(t.sheet_row))?;
        sheet.write_number_with_format(r, 1, row.score, &fmt.score)?;
        sheet.write_number_with_format(r, 2, excel_serial(t.date), &fmt.date)?;
        sheet.write_string(r, 3, shown(ledger.departments.name(t.department)))?;
        sheet.write_string(r, 4, shown(ledger.accounts.name(t.account)))?;
        sheet.write_string(r, 5, shown(ledger.vendors.name(t.vendor)))?;
        sheet.write_number_with_format(r, 6, t.amount, &fmt.amount)?;
        let reasons: Vec<&str> = row.reasons.iter().map(|x| x.text.get(lang)).collect();
        sheet.write_string(r, 7, cell_text(&reasons.join(" · ")))?;
        if let Some(file) = scored.file_of(i) {
            sheet.write_string(r, 8, shown(file))?;
        }
    }

    r += 2;
    sheet.write_string_with_format(r, 0, pick(lang, "부서별", "By department"), &fmt.title)?;
    r += 1;
    write_row(
        sheet,
        r,
        &[
            pick(lang, "부서명", "Department"),
            pick(lang, "건수", "Rows"),
            pick(lang, "높음", "High"),
            pick(lang, "중간", "Medium"),
            pick(lang, "높음 비율", "High share"),
        ],
        &fmt.header,
    )?;
    let mut departments: Vec<_> = s.by_department.iter().collect();
    departments.sort_by(|a, b| b.1.high.cmp(&a.1.high).then(a.0.cmp(b.0)));
    for (name, counts) in departments {
        r += 1;
        sheet.write_string(r, 0, shown(name))?;
        sheet.write_number(r, 1, counts.total() as f64)?;
        sheet.write_number(r, 2, counts.high as f64)?;
        sheet.write_number(r, 3, counts.medium as f64)?;
        sheet.write_number_with_format(
            r,
            4,
            counts.high as f64 / counts.total().max(1) as f64,
            &Format::new().set_num_format("0.0%"),
        )?;
    }

    r += 2;
    sheet.write_string_with_format(r, 0, pick(lang, "군집", "Clusters"), &fmt.title)?;
    r += 1;
    write_row(
        sheet,
        r,
        &[pick(lang, "군집", "Cluster"), pick(lang, "건수", "Rows")],
        &fmt.header,
    )?;
    for c in &s.clusters {
        r += 1;
        sheet.write_string(r, 0, c.name.get(lang))?;
        sheet.write_number(r, 1, c.rows as f64)?;
    }
    print_setup(sheet);
    sheet.set_column_width(0, 16)?;
    sheet.set_column_width(1, 10)?;
    sheet.set_column_width(2, 12)?;
    sheet.set_column_width(3, 14)?;
    sheet.set_column_width(4, 14)?;
    sheet.set_column_width(5, 18)?;
    sheet.set_column_width(6, 14)?;
    sheet.set_column_width(7, 80)?;
    Ok(())
}

/// For a ledger read from several files: how each was read (its header
/// row, its rows, its own mapping) and what a folder held that was not
/// read. Returns the last row written.
fn write_files_read(
    sheet: &mut Worksheet,
    mut r: u32,
    q: &crate::ingest::QualityReport,
    lang: Lang,
    fmt: &Formats,
) -> Result<u32, XlsxError> {
    if q.files.is_empty() && q.not_read.is_empty() {
        return Ok(r);
    }
    r += 2;
    write_row(
        sheet,
        r,
        &[
            pick(lang, "파일", "File"),
            pick(lang, "시트", "Sheet"),
            pick(lang, "머리글 행", "Header row"),
            pick(lang, "읽은 행", "Rows read"),
            pick(lang, "점수 매긴 행", "Rows scored"),
            pick(lang, "건너뛴 행", "Rows skipped"),
            pick(lang, "열 대응", "Columns"),
        ],
        &fmt.header,
    )?;
    for f in &q.files {
        r += 1;
        let mapping: Vec<String> = f
            .mapping
            .iter()
            .map(|m| format!("{}={} ({})", m.field.label().get(lang), m.header, m.column))
            .collect();
        sheet.write_string(r, 0, shown(&f.file))?;
        sheet.write_string(r, 1, shown(&f.sheet))?;
        sheet.write_number(r, 2, f64::from(f.header_row))?;
        sheet.write_number(r, 3, f.rows_read as f64)?;
        sheet.write_number(r, 4, f.rows_kept as f64)?;
        sheet.write_number(r, 5, f.rows_skipped as f64)?;
        sheet.write_string(r, 6, cell_text(&mapping.join(" · ")))?;
    }
    for n in &q.not_read {
        r += 1;
        sheet.write_string(r, 0, shown(&n.file))?;
        sheet.write_string(
            r,
            6,
            format!(
                "{}: {}",
                pick(lang, "읽지 않음", "Not read"),
                n.why.get(lang)
            ),
        )?;
    }
    Ok(r)
}

fn write_quality_sheet(
    sheet: &mut Worksheet,
    scored: &ScoredLedger,
    lang: Lang,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    let q = &scored.ledger.quality;
    sheet.set_name(pick(lang, "데이터 품질", "Data quality"))?;
    sheet.write_string_with_format(
        0,
        0,
        pick(lang, "데이터 품질 보고", "Data-quality report"),
        &fmt.title,
    )?;
    let facts = [
        (pick(lang, "파일", "File"), q.source.clone()),
        (pick(lang, "시트", "Sheet"), q.sheet.clone()),
        (
            pick(lang, "머리글 행", "Header row"),
            q.header_row.to_string(),
        ),
        (
            pick(lang, "읽은 행", "Rows read"),
            thousands(q.rows_read as f64),
        ),
        (
            pick(lang, "점수 매긴 행", "Rows scored"),
            thousands(q.rows_kept as f64),
        ),
        (
            pick(lang, "건너뛴 행", "Rows skipped"),
            thousands(q.rows_skipped() as f64),
        ),
        (
            pick(lang, "날짜 순서", "Date order"),
            q.date_order.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            pick(lang, "프로필", "Profile"),
            scored.summary.profile.label().get(lang).to_string(),
        ),
        (
            pick(lang, "통화", "Currency"),
            scored.summary.currency.code().to_string(),
        ),
        (
            pick(lang, "등급 기준", "Bands"),
            scored.summary.band_cut.get(lang).to_string(),
        ),
    ];
    let mut r = 1;
    for (k, v) in facts {
        r += 1;
        sheet.write_string_with_format(r, 0, k, &Format::new().set_bold())?;
        sheet.write_string(r, 1, shown(&v))?;
    }

    r += 2;
    write_row(
        sheet,
        r,
        &[
            pick(lang, "항목", "Field"),
            pick(lang, "열", "Column"),
            pick(lang, "머리글", "Header"),
            pick(lang, "찾은 방법", "Found"),
        ],
        &fmt.header,
    )?;
    for m in &q.mapping {
        r += 1;
        sheet.write_string(r, 0, m.field.label().get(lang))?;
        sheet.write_string(r, 1, &m.column)?;
        sheet.write_string(r, 2, shown(&m.header))?;
        sheet.write_string(r, 3, m.matched_by.word(lang))?;
    }
    r = write_files_read(sheet, r, q, lang, fmt)?;

    r += 2;
    write_row(
        sheet,
        r,
        &[
            pick(lang, "탐지기", "Detector"),
            pick(lang, "판단", "Judged"),
            pick(lang, "이유", "Why not"),
        ],
        &fmt.header,
    )?;
    for &kind in DetectorKind::ALL {
        r += 1;
        let aside = scored.summary.stepped_aside.iter().find(|a| a.code == kind);
        sheet.write_string(r, 0, kind.word(lang))?;
        sheet.write_string(
            r,
            1,
            if aside.is_some() {
                pick(lang, "아니오", "No")
            } else {
                pick(lang, "예", "Yes")
            },
        )?;
        if let Some(a) = aside {
            sheet.write_string(r, 2, a.reason.get(lang))?;
        }
    }
    for limit in &scored.summary.limits {
        r += 1;
        sheet.write_string(r, 0, pick(lang, "건별 한도", "Per-payment limit"))?;
        sheet.write_string(r, 2, limit.describe(scored.summary.currency).get(lang))?;
    }

    r += 2;
    write_row(
        sheet,
        r,
        &[pick(lang, "문제", "Issue"), pick(lang, "건수", "Rows")],
        &fmt.header,
    )?;
    if q.counts.is_empty() {
        r += 1;
        sheet.write_string(r, 0, pick(lang, "문제 없음", "No issues"))?;
    }
    for (kind, n) in &q.counts {
        r += 1;
        sheet.write_string(r, 0, kind.describe().get(lang))?;
        sheet.write_number(r, 1, *n as f64)?;
    }

    r += 2;
    write_row(
        sheet,
        r,
        &[
            pick(lang, "행", "Row"),
            pick(lang, "열", "Column"),
            pick(lang, "머리글", "Header"),
            pick(lang, "값", "Value"),
            pick(lang, "문제", "Issue"),
        ],
        &fmt.header,
    )?;
    if !q.files.is_empty() {
        sheet.write_string_with_format(r, 5, pick(lang, "파일", "File"), &fmt.header)?;
    }
    for issue in &q.examples {
        r += 1;
        sheet.write_number(r, 0, f64::from(issue.row))?;
        sheet.write_string(r, 1, issue.column.as_deref().unwrap_or(""))?;
        sheet.write_string(r, 2, shown(issue.header.as_deref().unwrap_or("")))?;
        sheet.write_string(r, 3, shown(&issue.value))?;
        sheet.write_string(r, 4, issue.kind.describe().get(lang))?;
        if let Some(file) = &issue.file {
            sheet.write_string(r, 5, shown(file))?;
        }
    }
    print_setup(sheet);
    sheet.set_column_width(0, 22)?;
    sheet.set_column_width(1, 40)?;
    sheet.set_column_width(2, 20)?;
    sheet.set_column_width(3, 24)?;
    sheet.set_column_width(4, 36)?;
    Ok(())
}
