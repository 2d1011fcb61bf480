//! The PDF report supervisors file (`ledgerlens report --pdf`, the
//! dashboard, the pane): the latest run's summary and bands, the newest
//! month's ten highest risks with their reasons, flags by department ×
//! month as a heat map, trends of flags and spending by month, budget
//! execution and its warnings, and review outcomes. A4, numbered pages,
//! readable in a grey print, the Korean text in an embedded font.
//!
//! One module per step: `fonts` finds and measures the face, `layout`
//! places marks on pages, `charts` draws the figures as marks, `encode`
//! writes the PDF. This file says what the report contains.

mod charts;
mod encode;
mod fonts;
mod layout;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::error::Error;
use crate::i18n::{pick, Lang};
use crate::money::Currency;
use crate::store::History;
use crate::vocabulary::{Band, ExecutionWarning, ReviewStatus};

use charts::Series;
use layout::{Column, Flow, Ink, BODY, SMALL};

/// How many budget lines the execution table lists; the rest are on the
/// scored workbook's 집행률 sheet.
const EXECUTION_LINES: usize = 30;

/// How many months the heat map and the trends span, newest last: a year
/// beside the one before it.
const MONTHS_SHOWN: usize = 24;
/// The departments the heat map and the trend lines name, the most
/// flagged (or spending) first; the trends' total line counts the rest,
/// and the heat map says how many it leaves out.
const HEAT_DEPARTMENTS: usize = 15;
const TREND_DEPARTMENTS: usize = 4;

/// What a report is made from: the store's history and when it was made.
pub struct ReportInput<'a> {
    pub history: &'a History,
    /// When it was made, as printed on every page ("2026-12-03 14:05").
    pub made_at: String,
}

impl<'a> ReportInput<'a> {
    /// `history`'s report made now, in this machine's time.
    pub fn now(history: &'a History) -> ReportInput<'a> {
        ReportInput {
            history,
            made_at: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
        }
    }
}

/// A made report and what a caller should know of how.
pub struct Made {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// The font family the text is in.
    pub font: String,
    /// Characters of the ledger's text the font has no glyph for (shown
    /// as empty boxes), each once.
    pub missing: Vec<char>,
}

impl Made {
    /// The missing characters, each as itself and its code point
    /// ("丶 U+4E36"): one may be invisible.
    pub fn missing_text(&self) -> String {
        self.missing
            .iter()
            .map(|c| format!("{c} U+{:04X}", *c as u32))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The report as PDF bytes, in `font` (a file) or the system's best face
/// with Hangul.
pub fn write(input: &ReportInput<'_>, lang: Lang, font: Option<&Path>) -> Result<Made, Error> {
    let fonts = fonts::Fonts::find(font)?;
    let title = pick(lang, "ledgerlens 점검 보고서", "ledgerlens review report");
    let mut flow = Flow::new(&fonts);
    contents(&mut flow, input, lang, title);
    let pages = flow.finish();
    let mut missing = BTreeSet::new();
    for mark in pages.iter().flatten() {
        if let layout::Mark::Text { text, bold, .. } = mark {
            let face = if *bold { &fonts.bold } else { &fonts.regular };
            missing.extend(face.missing(text));
        }
    }
    let head = format!("{title} · {}", input.made_at);
    let bytes = encode::pdf(&pages, &fonts, &head, title, lang.code())?;
    Ok(Made {
        bytes,
        pages: pages.len(),
        font: fonts.family.clone(),
        missing: missing.into_iter().collect(),
    })
}

fn contents(flow: &mut Flow<'_>, input: &ReportInput<'_>, lang: Lang, title: &str) {
    let history = input.history;
    let latest = newest_complete(history);
    let currency = latest.map_or(Currency::default(), |r| r.currency);
    flow.heading(title, 60.0);
    summary(flow, input, lang);
    let Some(run) = latest else {
        flow.paragraph(
            pick(
                lang,
                "기록된 실행이 없습니다. 원장을 점수화하면 이 보고서가 채워집니다.",
                "No run is recorded yet. Score a ledger and this report fills in.",
            ),
            BODY,
            Ink::BLACK,
        );
        return;
    };

    // Bands of the latest run.
    flow.heading(
        pick(lang, "위험 등급 (최근 실행)", "Risk bands (latest run)"),
        70.0,
    );
    let total = run.rows.max(1) as f64;
    let items: Vec<(String, f64, Ink, String)> = [
        (Band::High, run.high),
        (Band::Medium, run.medium),
        (Band::Low, run.low),
    ]
    .into_iter()
    .map(|(band, n)| {
        let shown = format!(
            "{n} {} ({:.1}%)",
            pick(lang, "건", "rows"),
            100.0 * n as f64 / total
        );
        (
            band.word(lang).to_string(),
            n as f64,
            Ink::from_rgb(band.colours().0),
            shown,
        )
    })
    .collect();
    flow.figure(60.0, |fonts, area| charts::bars(fonts, area, &items));

    top_ten(flow, history, currency, lang);
    heat_map(flow, history, lang);
    trends(flow, history, currency, lang);
    execution(flow, history, currency, lang);
    outcomes(flow, history, lang);
    runs(flow, history, lang);
}

/// The newest run whose rows are all recorded: a run a crash cut off
/// (`interrupted`) has counts of rows that never reached the store.
fn newest_complete(history: &History) -> Option<&crate::store::RunRecord> {
    history.runs.iter().rev().find(|r| r.complete)
}

fn summary(flow: &mut Flow<'_>, input: &ReportInput<'_>, lang: Lang) {
    let history = input.history;
    let mut facts = vec![(pick(lang, "작성", "Made"), input.made_at.clone())];
    if let Some(run) = newest_complete(history) {
        facts.push((
            pick(lang, "최근 실행", "Latest run"),
            format!(
                "{} · {} · {} ({})",
                run.workbook,
                run.sheet,
                minute(&run.started_at),
                run.actor
            ),
        ));
        facts.push((
            pick(lang, "행", "Rows"),
            crate::i18n::thousands(run.rows as f64),
        ));
        facts.push((pick(lang, "모델", "Model"), run.model_version.clone()));
    }
    facts.push((
        pick(lang, "실행 횟수", "Runs"),
        history.runs.len().to_string(),
    ));
    facts.push((
        pick(lang, "감사 기록", "Audit chain"),
        format!(
            "{} {} · {}",
            history.anchor.events,
            pick(lang, "건", "events"),
            history
                .anchor
                .head
                .get(..16)
                .unwrap_or(&history.anchor.head)
        ),
    ));
    flow.facts(&facts);
}

/// The newest month's ten highest risks, with why and how reviewed.
fn top_ten(flow: &mut Flow<'_>, history: &History, currency: Currency, lang: Lang) {
    let Some((month, rows)) = history.top_by_month.last() else {
        return;
    };
    flow.heading(
        &format!(
            "{month} {}",
            pick(lang, "위험 상위 10건", "ten highest risks")
        ),
        80.0,
    );
    let columns = [
        Column::figure("#", 0.035),
        Column::text(pick(lang, "일자", "Date"), 0.1),
        Column::text(pick(lang, "부서", "Department"), 0.11),
        Column::text(pick(lang, "거래처", "Vendor"), 0.13),
        Column::figure(pick(lang, "금액", "Amount"), 0.11),
        Column::figure(pick(lang, "점수", "Score"), 0.06),
        Column::text(pick(lang, "검토", "Review"), 0.08),
        Column::text(pick(lang, "사유", "Reasons"), 0.375),
    ];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                (i + 1).to_string(),
                r.date.get(..10).unwrap_or(&r.date).to_string(),
                r.department.clone(),
                r.vendor.clone(),
                currency.shown(r.amount, lang),
                format!("{:.1}", r.score),
                ReviewStatus::word_or_open(r.review, lang).to_string(),
                super::history::reasons_text(&r.reasons, lang),
            ]
        })
        .collect();
    flow.table(&columns, &cells);
}

/// A stored time ("2026-12-03T12:03:52.28Z") to the minute, as people
/// read it ("2026-12-03 12:03 UTC").
fn minute(at: &str) -> String {
    match (at.get(..10), at.get(11..16)) {
        (Some(day), Some(time)) if at.ends_with('Z') => format!("{day} {time} UTC"),
        (Some(day), Some(time)) => format!("{day} {time}"),
        _ => at.to_string(),
    }
}

/// The newest `MONTHS_SHOWN` months of `months`, oldest first.
fn newest_months(months: impl Iterator<Item = String>) -> Vec<String> {
    let all: BTreeSet<String> = months.collect();
    let skip = all.len().saturating_sub(MONTHS_SHOWN);
    all.into_iter().skip(skip).collect()
}

/// Departments by a value summed over `months`, largest first, `keep` of them.
fn biggest(data: &[(String, String, f64)], months: &[String], keep: usize) -> Vec<String> {
    let mut sums: BTreeMap<&str, f64> = BTreeMap::new();
    for (department, month, value) in data {
        if months.binary_search(month).is_ok() {
            *sums.entry(department).or_default() += value;
        }
    }
    let mut ranked: Vec<(&str, f64)> = sums.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    ranked
        .into_iter()
        .take(keep)
        .map(|(d, _)| d.to_string())
        .collect()
}

/// Counts as amounts, for the sums and charts that take either.
fn counted(data: &[(String, String, u64)]) -> Vec<(String, String, f64)> {
    data.iter()
        .map(|(d, m, n)| (d.clone(), m.clone(), *n as f64))
        .collect()
}

fn heat_map(flow: &mut Flow<'_>, history: &History, lang: Lang) {
    let data = &history.flags_by_department_month;
    if data.is_empty() {
        return;
    }
    // The newest 12 months; the history workbook's sheet has every one.
    let all_months: BTreeSet<&str> = data.iter().map(|d| d.1.as_str()).collect();
    let months: Vec<String> = all_months
        .iter()
        .skip(all_months.len().saturating_sub(12))
        .map(|m| m.to_string())
        .collect();
    let departments = biggest(&counted(data), &months, HEAT_DEPARTMENTS);
    let count: HashMap<(&str, &str), u64> = data
        .iter()
        .map(|(d, m, n)| ((d.as_str(), m.as_str()), *n))
        .collect();
    let cells: Vec<Vec<u64>> = departments
        .iter()
        .map(|d| {
            months
                .iter()
                .map(|m| count.get(&(d.as_str(), m.as_str())).copied().unwrap_or(0))
                .collect()
        })
        .collect();
    let height = 30.0 + 16.0 * departments.len() as f32;
    flow.heading(
        pick(
            lang,
            "부서 × 월 플래그 (높음·중간 등급 건수)",
            "Flags by department × month (high and medium rows)",
        ),
        height,
    );
    flow.figure(height, |fonts, area| {
        charts::heat(fonts, area, &departments, &months, &cells)
    });
    flow.paragraph(
        pick(
            lang,
            "진할수록 많음. 칸의 숫자는 그 달 그 부서의 플래그 건수이고, 부서는 이 기간 플래그가 많은 순입니다.",
            "Darker is more. Each cell holds the month's flagged rows of the department; departments by flags over the period.",
        ),
        SMALL,
        Ink::GREY,
    );
    // What the map leaves out, said.
    let all_departments: BTreeSet<&str> = data.iter().map(|d| d.0.as_str()).collect();
    let (more_d, more_m) = (
        all_departments.len() - departments.len(),
        all_months.len() - months.len(),
    );
    if more_d > 0 || more_m > 0 {
        let note = match lang {
            Lang::Ko => format!("이 지도에 없는 부서 {more_d}곳, 이전 달 {more_m}개월은 이력 통합문서의 부서×월 플래그 시트에 있습니다."),
            Lang::En => format!("{more_d} more departments and {more_m} earlier months are on the history workbook's flags sheet."),
        };
        flow.paragraph(&note, SMALL, Ink::GREY);
    }
}

fn trends(flow: &mut Flow<'_>, history: &History, currency: Currency, lang: Lang) {
    let total_name = pick(lang, "전체", "All").to_string();
    let series_of = |data: &[(String, String, f64)],
                     months: &[String],
                     departments: &[String]|
     -> Vec<Series> {
        let sum = |pick: &dyn Fn(&str) -> bool| -> Vec<f64> {
            months
                .iter()
                .map(|m| {
                    data.iter()
                        .filter(|(d, mm, _)| mm == m && pick(d))
                        .map(|x| x.2)
                        .sum()
                })
                .collect()
        };
        let mut series = vec![Series {
            name: total_name.clone(),
            values: sum(&|_| true),
        }];
        for d in departments {
            series.push(Series {
                name: d.clone(),
                values: sum(&|x| x == d),
            });
        }
        series
    };
    let flags = counted(&history.flags_by_department_month);
    // Spending in the latest run's currency only: amounts in two
    // currencies do not add up. The others are named below the chart.
    let spending: Vec<(String, String, f64)> = history
        .spending_by_department_month
        .iter()
        .filter(|s| s.2 == currency)
        .map(|(d, m, _, v)| (d.clone(), m.clone(), *v))
        .collect();
    let others: BTreeSet<&str> = history
        .spending_by_department_month
        .iter()
        .filter(|s| s.2 != currency)
        .map(|s| s.2.code())
        .collect();
    let months = newest_months(
        spending
            .iter()
            .map(|d| d.1.clone())
            .chain(flags.iter().map(|d| d.1.clone())),
    );
    if months.is_empty() {
        return;
    }
    flow.heading(pick(lang, "월별 추세", "Trends by month"), 190.0);
    flow.paragraph(
        pick(
            lang,
            "플래그 건수 (전체와 플래그가 많은 부서)",
            "Flagged rows (all, and the most flagged departments)",
        ),
        BODY,
        Ink::BLACK,
    );
    let departments = biggest(&flags, &months, TREND_DEPARTMENTS);
    let series = series_of(&flags, &months, &departments);
    flow.figure(170.0, |fonts, area| {
        charts::lines(fonts, area, &months, &series, crate::i18n::thousands)
    });
    flow.paragraph(
        pick(
            lang,
            "지출 (전체와 지출이 큰 부서)",
            "Spending (all, and the departments spending most)",
        ),
        BODY,
        Ink::BLACK,
    );
    let departments = biggest(&spending, &months, TREND_DEPARTMENTS);
    let series = series_of(&spending, &months, &departments);
    flow.figure(170.0, |fonts, area| {
        charts::lines(fonts, area, &months, &series, |v| currency.shown(v, lang))
    });
    if !others.is_empty() {
        let others = others.into_iter().collect::<Vec<_>>().join(", ");
        let note = match lang {
            Lang::Ko => format!("{} 금액만 보입니다. 다른 통화({others})로 기록된 실행의 지출은 더하지 않았습니다.", currency.code()),
            Lang::En => format!("Amounts in {} only: runs recorded in other currencies ({others}) are not added in.", currency.code()),
        };
        flow.paragraph(&note, SMALL, Ink::GREY);
    }
}

/// The newest budgeted run's lines where they stand now: the warned
/// first, then the furthest from their plan.
fn execution(flow: &mut Flow<'_>, history: &History, currency: Currency, lang: Lang) {
    let percent = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{:.1}%", v * 100.0));
    let Some((at, record)) = &history.execution else {
        flow.heading(pick(lang, "예산 집행", "Budget execution"), 30.0);
        flow.paragraph(
            pick(
                lang,
                "예산과 함께 점수화한 실행이 없습니다 (작업창의 예산 시트, 또는 예산 시트를 지정한 POST score).",
                "No run was scored with a budget (the pane's budget sheet, or POST score with a budget sheet).",
            ),
            BODY,
            Ink::GREY,
        );
        return;
    };
    let mut lines: Vec<_> = record.latest().collect();
    lines.sort_by(|a, b| {
        let distance = |e: &crate::budget::execution::Execution| e.deviation.map_or(0.0, f64::abs);
        (a.warning.is_none(), a.warning)
            .cmp(&(b.warning.is_none(), b.warning))
            .then(distance(b).total_cmp(&distance(a)))
            .then_with(|| (&a.department, &a.item).cmp(&(&b.department, &b.item)))
    });
    let warned = |w: ExecutionWarning| lines.iter().filter(|e| e.warning == Some(w)).count();
    // The rates run to the ledger's latest month, the first while the
    // year has no payment yet (as `ExecutionRecord::latest`).
    let through = record.through.max(1);
    let title = match lang {
        Lang::Ko => format!("예산 집행 ({}년 {through}월까지)", record.year),
        Lang::En => format!("Budget execution ({} to month {through})", record.year),
    };
    flow.heading(&title, 80.0);
    let counts = ExecutionWarning::ALL
        .iter()
        .map(|&w| format!("{} {}", w.word(lang), warned(w)))
        .collect::<Vec<_>>()
        .join(" · ");
    let (when, sheet, n) = (minute(at), &record.sheet, lines.len());
    let said = match lang {
        Lang::Ko => format!("{when} 실행, 예산 '{sheet}' 기준: 예산 {n}개 항목 중 {counts}."),
        Lang::En => {
            format!("The run of {when} against the budget '{sheet}': of {n} lines, {counts}.")
        }
    };
    flow.paragraph(&said, BODY, Ink::BLACK);
    let columns = [
        Column::text(pick(lang, "부서", "Department"), 0.14),
        Column::text(pick(lang, "예산과목", "Budget item"), 0.14),
        Column::figure(pick(lang, "예산현액", "Allocation"), 0.13),
        Column::figure(pick(lang, "누계 집행", "Spent to date"), 0.13),
        Column::figure(pick(lang, "집행률", "Rate"), 0.08),
        Column::figure(pick(lang, "계획", "Planned"), 0.08),
        Column::figure(pick(lang, "편차", "Deviation"), 0.08),
        Column::figure(pick(lang, "연말 예상", "Year-end"), 0.09),
        Column::text(pick(lang, "경고", "Warning"), 0.13),
    ];
    let cells: Vec<Vec<String>> = lines
        .iter()
        .take(EXECUTION_LINES)
        .map(|e| {
            vec![
                e.department.clone(),
                e.item.clone(),
                currency.shown(e.allocation, lang),
                currency.shown(e.cumulative, lang),
                percent(e.rate),
                percent(Some(e.planned)),
                percent(e.deviation),
                percent(e.projected),
                e.warning.map_or("", |w| w.word(lang)).to_string(),
            ]
        })
        .collect();
    flow.table(&columns, &cells);
    if lines.len() > EXECUTION_LINES {
        let rest = lines.len() - EXECUTION_LINES;
        let note = match lang {
            Lang::Ko => format!("외 {rest}개 항목은 점수화한 통합문서의 집행률 시트에 있습니다."),
            Lang::En => format!("{rest} more lines are on the scored workbook's Execution sheet."),
        };
        flow.paragraph(&note, SMALL, Ink::GREY);
    }
}

fn outcomes(flow: &mut Flow<'_>, history: &History, lang: Lang) {
    if history.outcomes_by_department.is_empty() {
        return;
    }
    flow.heading(
        pick(
            lang,
            "검토 결과 (플래그된 행)",
            "Review outcomes (flagged rows)",
        ),
        60.0,
    );
    let table =
        |flow: &mut Flow<'_>, group: &str, rows: &[crate::store::Outcomes], with_open: bool| {
            let mut columns = vec![Column::text(group, 0.3)];
            for s in ReviewStatus::ALL {
                columns.push(Column::figure(s.word(lang), 0.14));
            }
            if with_open {
                columns.push(Column::figure(pick(lang, "미검토", "Open"), 0.14));
            }
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|o| {
                    let mut row = vec![o.group.clone()];
                    row.extend(
                        ReviewStatus::ALL
                            .iter()
                            .map(|s| o.reviewed.get(s).copied().unwrap_or(0).to_string()),
                    );
                    if with_open {
                        row.push(o.open.to_string());
                    }
                    row
                })
                .collect();
            flow.table(&columns, &cells);
        };
    table(
        flow,
        pick(lang, "부서", "Department"),
        &history.outcomes_by_department,
        true,
    );
    if !history.outcomes_by_reviewer.is_empty() {
        table(
            flow,
            pick(lang, "검토자", "Reviewer"),
            &history.outcomes_by_reviewer,
            false,
        );
    }
}

/// The newest runs, newest first: what the report was made from.
fn runs(flow: &mut Flow<'_>, history: &History, lang: Lang) {
    flow.heading(
        pick(lang, "실행 이력 (최근 10회)", "Runs (the newest 10)"),
        60.0,
    );
    let columns = [
        Column::text(pick(lang, "시작", "Started"), 0.22),
        Column::text(pick(lang, "통합문서 · 시트", "Workbook · sheet"), 0.34),
        Column::figure(pick(lang, "행", "Rows"), 0.11),
        Column::figure(Band::High.word(lang), 0.11),
        Column::figure(Band::Medium.word(lang), 0.11),
        Column::figure(Band::Low.word(lang), 0.11),
    ];
    let cells: Vec<Vec<String>> = history
        .runs
        .iter()
        .rev()
        .take(10)
        .map(|r| {
            vec![
                minute(&r.started_at),
                format!("{} · {}", r.workbook, r.sheet),
                crate::i18n::thousands(r.rows as f64),
                r.high.to_string(),
                r.medium.to_string(),
                r.low.to_string(),
            ]
        })
        .collect();
    flow.table(&columns, &cells);
}
