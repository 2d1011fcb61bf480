//! The 집행률 / Execution sheet (`budget::monitor`), laid out once: the
//! command line writes it into the scored workbook, the agent sends it to
//! the pane, which writes it beside the ledger. Every budget line's months
//! to the ledger's latest, then what of the budget and the ledger was not
//! matched, so nothing is left out unsaid.

use crate::budget::Monitoring;
use crate::i18n::{pick, Lang};
use crate::money::Currency;
use crate::vocabulary::ExecutionWarning;

use super::laid_out::{LaidOutSheet, SheetBuilder, Value};

const PERCENT: &str = "0.0%";

/// Fill of a warned month ("RRGGBB"): the band colours' light red and amber.
fn warning_fill(w: ExecutionWarning) -> String {
    match w {
        ExecutionWarning::Over => "F8CBAD",
        ExecutionWarning::Under => "FFE699",
    }
    .to_string()
}

/// The sheet's name in `lang`.
pub fn sheet_name(lang: Lang) -> &'static str {
    pick(lang, "집행률", "Execution")
}

/// The execution sheet of `m`, its amounts in `currency`.
pub fn sheet(m: &Monitoring, currency: Currency, lang: Lang) -> LaidOutSheet {
    let amount = |v: f64| Value::money(v, currency);
    let percent = |v: Option<f64>| match v {
        Some(v) => Value::Formatted(v, PERCENT.into()),
        None => Value::Text(""),
    };
    let mut w = SheetBuilder::new(sheet_name(lang));
    w.header(
        &[
            pick(lang, "부서", "Department"),
            pick(lang, "예산과목", "Budget item"),
            pick(lang, "월", "Month"),
            pick(lang, "예산현액", "Allocation"),
            pick(lang, "월 집행액", "Spent in month"),
            pick(lang, "누적 집행액", "Spent to date"),
            pick(lang, "집행률", "Execution rate"),
            pick(lang, "계획 진도율", "Planned pace"),
            pick(lang, "편차", "Deviation"),
            pick(lang, "연말 예상 집행률", "Projected year-end rate"),
            pick(lang, "경고", "Warning"),
        ],
        &[
            18.0, 18.0, 6.0, 14.0, 14.0, 14.0, 11.0, 11.0, 11.0, 14.0, 16.0,
        ],
    );
    for e in &m.rows {
        w.values(&[
            Value::Text(&e.department),
            Value::Text(&e.item),
            Value::Number(e.month as f64),
            amount(e.allocation),
            amount(e.spent),
            amount(e.cumulative),
            percent(e.rate),
            percent(Some(e.planned)),
            percent(e.deviation),
            percent(e.projected),
            Value::Text(e.warning.map_or("", |w| w.word(lang))),
        ]);
        if let Some(warning) = e.warning {
            w.fill(10, warning_fill(warning));
        }
    }
    w.blank();
    let s = &m.spent;
    let file = format!(
        "{} [{}], {} {}",
        m.budget.source,
        m.budget.sheet,
        pick(lang, "머리글 행", "header row"),
        m.budget.header_row
    );
    let year = format!("{} (1–{}{})", s.year, s.through, pick(lang, "월", ""));
    w.labelled(
        pick(lang, "예산 파일", "Budget file"),
        &[Value::Text(&file)],
    );
    w.labelled(pick(lang, "회계연도", "Fiscal year"), &[Value::Text(&year)]);
    // What the ledger paid that no line took: rows, then the amount.
    for (label, (rows, paid)) in [
        (
            pick(
                lang,
                "예산에 없는 지급 (건, 금액)",
                "Payments no budget line took (rows, amount)",
            ),
            s.unmatched,
        ),
        (
            pick(
                lang,
                "다른 해의 지급 (건, 금액)",
                "Payments of other years (rows, amount)",
            ),
            s.other_years,
        ),
    ] {
        w.labelled(label, &[Value::Number(rows as f64), amount(paid)]);
    }
    for skipped in &m.budget.skipped {
        let (cell, value) = skipped.cell.clone().unwrap_or_default();
        let at = if cell.is_empty() {
            String::new()
        } else {
            format!(" ({cell})")
        };
        let held = if value.is_empty() {
            String::new()
        } else {
            format!(": {value:?}")
        };
        let text = format!(
            "{} {}{at}: {}{held}",
            pick(lang, "건너뛴 예산 행", "Budget row skipped"),
            skipped.row,
            skipped.why.get(lang),
        );
        w.values(&[Value::Text(&text)]);
    }
    w.finish()
}
