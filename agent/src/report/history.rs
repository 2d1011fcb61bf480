//! The supervisors' history workbook (umya-spreadsheet): runs over time,
//! flags by department × month as a heat map, review outcomes, each month's
//! ten highest risks, and transactions flagged again in later runs.
//! Laid out once (`laid_out.rs`), written as xlsx or sent to the pane.

use crate::error::Error;
use crate::i18n::{pick, Lang, Text};
use crate::store::{History, Outcomes, TransactionRecord};
use crate::vocabulary::{AddedColumn, ReviewStatus};

use super::laid_out::{
    self, ChartKind, ChartSeries, LaidOutSheet, SheetBuilder, SheetChart, Value,
};
use super::workbook::review_choices;
use crate::learn::report::ModelReport;
use crate::learn::weights::{self, ShownWeight};

/// The reasons of a stored row, one per line, in the chosen language.
pub(crate) fn reasons_text(reasons: &serde_json::Value, lang: Lang) -> String {
    let key = lang.code();
    reasons
        .as_array()
        .map(|all| {
            all.iter()
                .filter_map(|r| r.get("text")?.get(key)?.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// Heat colour ("RRGGBB") from white (0) to deep red (the maximum).
fn heat_colour(count: u64, max: u64) -> String {
    let t = if max == 0 {
        0.0
    } else {
        count as f64 / max as f64
    };
    let fade = |full: f64| (255.0 - (255.0 - full) * t).round() as u8;
    format!(
        "{:02X}{:02X}{:02X}",
        fade(0xF8 as f64),
        fade(0x69 as f64),
        fade(0x6B as f64)
    )
}

/// The history sheets, laid out in the chosen language.
pub fn sheets(history: &History, model: &ModelReport, lang: Lang) -> Vec<LaidOutSheet> {
    vec![
        runs_sheet(pick(lang, "실행 이력", "Runs"), history, lang),
        heat_sheet(
            pick(lang, "부서×월 플래그", "Flags by dept x month"),
            history,
            lang,
        ),
        outcomes_sheet(pick(lang, "검토 결과", "Review outcomes"), history, lang),
        top_sheet(pick(lang, "월별 상위 10", "Top 10 by month"), history, lang),
        repeats_sheet(pick(lang, "반복 플래그", "Flagged again"), history, lang),
        model_sheet(pick(lang, "모델 품질", "Model quality"), model, lang),
        anchor_sheet(anchor_sheet_name(lang), history, lang),
    ]
}

/// How well the score separates what reviewers confirmed from what they
/// called normal (`learn::report`): the figures on every review and on the
/// newest third, then each one's threshold table.
fn model_sheet(name: &str, report: &ModelReport, lang: Lang) -> LaidOutSheet {
    let mut w = SheetBuilder::new(name);
    w.header(
        &[
            pick(lang, "점수", "Score"),
            pick(lang, "검토", "Reviews"),
            pick(lang, "행", "Rows"),
            pick(lang, "확인된 이상", "Confirmed"),
            "AUC",
            "PR-AUC",
            "KS",
            pick(lang, "KS 위치 (점수)", "KS at score"),
            "Gini",
        ],
        &[18.0, 14.0, 8.0, 12.0, 9.0, 9.0, 9.0, 14.0, 9.0],
    );
    let on = |judged: &crate::learn::report::Judged| judged.on.word(lang);
    for (kind, judged) in report.judged() {
        let mut values = vec![
            Value::Text(kind.word(lang)),
            Value::Text(on(judged)),
            Value::Number(judged.rows as f64),
        ];
        match (&judged.figures, &judged.missing) {
            (Some(f), _) => values.extend([
                Value::Number(f.positives as f64),
                Value::Number(f.auc),
                Value::Number(f.pr_auc),
                Value::Number(f.ks),
                Value::Number(f.ks_at),
                Value::Number(f.gini),
            ]),
            (None, Some(why)) => values.push(Value::Text(why.get(lang))),
            (None, None) => {}
        }
        w.values(&values);
    }
    w.blank();
    w.values(&[Value::Text(&match lang {
        Lang::Ko => format!(
            "증빙 필요 {}건은 결과가 아직 없어, 점수가 없는 검토 {}건은 판단할 점수가 없어 제외했습니다.",
            report.needs_evidence, report.unscored
        ),
        Lang::En => format!(
            "Left out: {} needing evidence (no outcome yet) and {} without a score.",
            report.needs_evidence, report.unscored
        ),
    })]);
    if let Some(why) = &report.learning {
        w.values(&[Value::Text(why.get(lang))]);
    }
    // Every detector's weight as the reviews moved it, with the counts
    // behind it (`learn::weights`).
    w.blank();
    let mut columns: Vec<&str> = weights::SHOWN_COLUMNS
        .iter()
        .map(|&(ko, en)| pick(lang, ko, en))
        .collect();
    columns.insert(1, weights::shown_title(lang));
    w.header(&columns, &[]);
    for shown in &report.weights {
        w.values(&[
            Value::Text(shown.kind.word(lang)),
            Value::Text(if shown.pinned {
                ShownWeight::pinned_word(lang)
            } else {
                ""
            }),
            Value::Number(shown.configured),
            Value::Number(f64::from(shown.reviewed)),
            Value::Number(f64::from(shown.confirmed)),
            Value::Number(shown.factor),
            Value::Number(shown.weight),
        ]);
    }
    for (kind, judged) in report.judged() {
        let Some(f) = &judged.figures else { continue };
        let title = format!("{} · {}", kind.word(lang), on(judged));
        w.blank();
        w.header(
            &[
                pick(lang, "기준 점수 ≥", "Score ≥"),
                &title,
                pick(lang, "플래그", "Flagged"),
                pick(lang, "정확도", "Accuracy"),
                pick(lang, "정밀도", "Precision"),
                pick(lang, "재현율", "Recall"),
                "F1",
            ],
            &[],
        );
        for t in &f.thresholds {
            w.values(&[
                Value::Number(t.threshold),
                Value::Text(""),
                Value::Number(t.flagged as f64),
                Value::Number(t.accuracy),
                Value::Number(t.precision),
                Value::Number(t.recall),
                Value::Number(t.f1),
            ]);
        }
    }
    w.finish()
}

fn anchor_sheet_name(lang: Lang) -> &'static str {
    pick(lang, "감사 앵커", "Audit anchor")
}

/// Where the anchor sheet keeps the anchor itself: row 4 (below the header,
/// the event count and the hash), column B.
const ANCHOR_CELL: (u32, u32) = (3, 1);

/// The audit chain's head as it stood when this workbook was made. Filed
/// with the workbook, it is evidence outside the database: `ledgerlens
/// history verify --against FILE` finds the anchored event still there.
fn anchor_sheet(name: &str, history: &History, lang: Lang) -> LaidOutSheet {
    let mut w = SheetBuilder::new(name);
    w.header(
        &[pick(lang, "항목", "Item"), pick(lang, "값", "Value")],
        &[26.0, 100.0],
    );
    let events = history.anchor.events.to_string();
    let mark = history.anchor.to_mark();
    for (label, value) in [
        (pick(lang, "감사 기록 수", "Audit events"), events.as_str()),
        (
            pick(lang, "마지막 기록의 해시", "Last event's hash"),
            history.anchor.head.as_str(),
        ),
        (pick(lang, "앵커", "Anchor"), mark.as_str()),
        (
            pick(lang, "확인 방법", "How to check"),
            pick(
                lang,
                "ledgerlens history verify --against 이_파일.xlsx",
                "ledgerlens history verify --against this_file.xlsx",
            ),
        ),
    ] {
        w.values(&[Value::Text(label), Value::Text(value)]);
    }
    w.finish()
}

/// The anchor a filed history workbook carries.
pub fn read_anchor(path: &std::path::Path) -> Result<crate::store::Anchor, Error> {
    use calamine::Reader;
    let unreadable = |e: &dyn std::fmt::Display| {
        Error::invalid(
            "unreadable_report",
            Text::new(
                format!("{}: 이력 보고서를 읽을 수 없습니다: {e}", path.display()),
                format!("{}: cannot read the history report: {e}", path.display()),
            ),
        )
    };
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).map_err(|e| unreadable(&e))?;
    // Only the anchor sheet's own cell counts: ledger text elsewhere in the
    // workbook (a vendor named like an anchor) must not stand in for it.
    for lang in [Lang::Ko, Lang::En] {
        let Ok(range) = book.worksheet_range(anchor_sheet_name(lang)) else {
            continue;
        };
        if let Some(calamine::Data::String(text)) = range.get_value(ANCHOR_CELL) {
            if let Some(anchor) = crate::store::Anchor::from_mark(text) {
                return Ok(anchor);
            }
        }
    }
    Err(Error::invalid(
        "no_anchor",
        Text::new(
            format!(
                "{}: 감사 앵커가 없는 파일입니다 (ledgerlens 이력 보고서가 아님)",
                path.display()
            ),
            format!(
                "{}: no audit anchor in this file (not a ledgerlens history report)",
                path.display()
            ),
        ),
    ))
}

/// Builds the history workbook and returns its xlsx bytes.
pub fn write(history: &History, model: &ModelReport, lang: Lang) -> Result<Vec<u8>, Error> {
    laid_out::write(&sheets(history, model, lang))
}

fn runs_sheet(name: &str, history: &History, lang: Lang) -> LaidOutSheet {
    let mut w = SheetBuilder::new(name);
    w.header(
        &[
            pick(lang, "시작 시각(UTC)", "Started (UTC)"),
            pick(lang, "실행자", "By"),
            pick(lang, "통합문서", "Workbook"),
            pick(lang, "시트", "Sheet"),
            pick(lang, "행 수", "Rows"),
            pick(lang, "높음", "High"),
            pick(lang, "중간", "Medium"),
            pick(lang, "낮음", "Low"),
            pick(lang, "읽기(초)", "Read (s)"),
            pick(lang, "점수화(초)", "Scoring (s)"),
            pick(lang, "모델 버전", "Model version"),
            pick(lang, "입력 SHA-256", "Input SHA-256"),
            pick(lang, "실행 ID", "Run id"),
        ],
        &[
            22.0, 12.0, 28.0, 14.0, 10.0, 8.0, 8.0, 10.0, 9.0, 10.0, 28.0, 20.0, 26.0,
        ],
    );
    for r in &history.runs {
        w.values(&[
            Value::Text(&r.started_at),
            Value::Text(&r.actor),
            Value::Text(&r.workbook),
            Value::Text(&r.sheet),
            Value::Amount(r.rows as f64),
            Value::Amount(r.high as f64),
            Value::Amount(r.medium as f64),
            Value::Amount(r.low as f64),
            Value::Number((r.ingest_s * 100.0).round() / 100.0),
            Value::Number((r.score_s * 100.0).round() / 100.0),
            Value::Text(&r.model_version),
            Value::Text(&r.input_sha256),
            Value::Text(&r.id),
        ]);
    }
    w.filter(13);
    // Each band's rows run after run, beside the table (columns F–H).
    let last = history.runs.len() as u32 + 1;
    if last > 1 {
        w.chart(SheetChart {
            kind: ChartKind::Line,
            title: pick(lang, "실행별 등급 건수", "Rows by band, run by run").into(),
            from: "O2".into(),
            to: "X20".into(),
            categories: format!("A2:A{last}"),
            series: ["F", "G", "H"]
                .iter()
                .map(|c| ChartSeries {
                    name: format!("{c}1"),
                    values: format!("{c}2:{c}{last}"),
                })
                .collect(),
        });
    }
    w.finish()
}

fn heat_sheet(name: &str, history: &History, lang: Lang) -> LaidOutSheet {
    let mut months: Vec<&str> = history
        .flags_by_department_month
        .iter()
        .map(|(_, m, _)| m.as_str())
        .collect();
    months.sort_unstable();
    months.dedup();
    let mut departments: Vec<&str> = history
        .flags_by_department_month
        .iter()
        .map(|(d, _, _)| d.as_str())
        .collect();
    departments.dedup(); // the query orders by department
    let max = history
        .flags_by_department_month
        .iter()
        .map(|(_, _, n)| *n)
        .max()
        .unwrap_or(0);

    let mut headers = vec![pick(lang, "부서", "Department")];
    headers.extend(months.iter().copied());
    headers.push(pick(lang, "합계", "Total"));
    let mut widths = vec![20.0];
    widths.extend(std::iter::repeat_n(9.0, months.len() + 1));
    let mut w = SheetBuilder::new(name);
    w.header(&headers, &widths);
    let flags: std::collections::HashMap<(&str, &str), u64> = history
        .flags_by_department_month
        .iter()
        .map(|(d, m, n)| ((d.as_str(), m.as_str()), *n))
        .collect();
    for &dept in &departments {
        let counts: Vec<u64> = months
            .iter()
            .map(|&m| flags.get(&(dept, m)).copied().unwrap_or(0))
            .collect();
        let mut values = vec![Value::Text(dept)];
        values.extend(counts.iter().map(|&n| Value::Number(n as f64)));
        values.push(Value::Number(counts.iter().sum::<u64>() as f64));
        w.values(&values);
        for (i, &n) in counts.iter().enumerate() {
            w.fill(i + 1, heat_colour(n, max));
        }
    }
    if departments.is_empty() {
        w.values(&[Value::Text(pick(
            lang,
            "아직 플래그된 거래가 없습니다",
            "No flagged transactions yet",
        ))]);
    } else {
        // Every department's month summed, and charted below the table.
        let totals: Vec<u64> = months
            .iter()
            .map(|&m| {
                departments
                    .iter()
                    .map(|&d| flags.get(&(d, m)).copied().unwrap_or(0))
                    .sum()
            })
            .collect();
        let at = w.next_row();
        let mut values: Vec<Value> = totals.iter().map(|&n| Value::Number(n as f64)).collect();
        values.push(Value::Number(totals.iter().sum::<u64>() as f64));
        w.labelled(pick(lang, "합계", "Total"), &values);
        let last = umya_spreadsheet::helper::coordinate::string_from_column_index(
            &(months.len() as u32 + 1),
        );
        w.chart(SheetChart {
            kind: ChartKind::Column,
            title: pick(
                lang,
                "월별 플래그 (전 부서)",
                "Flags by month (all departments)",
            )
            .into(),
            from: format!("A{}", at + 2),
            to: format!("L{}", at + 20),
            categories: format!("B1:{last}1"),
            series: vec![ChartSeries {
                name: format!("A{at}"),
                values: format!("B{at}:{last}{at}"),
            }],
        });
    }
    w.finish()
}

fn outcomes_sheet(name: &str, history: &History, lang: Lang) -> LaidOutSheet {
    let choices = review_choices(lang);
    let mut w = SheetBuilder::new(name);
    let section = |w: &mut SheetBuilder, title: &str, rows: &[Outcomes], with_open: bool| {
        let mut headers = vec![title];
        headers.extend(&choices);
        if with_open {
            headers.push(pick(lang, "미검토", "Open"));
        }
        headers.push(pick(lang, "합계", "Total"));
        w.header(&headers, &[20.0, 16.0, 10.0, 12.0, 10.0, 10.0]);
        for o in rows {
            let count = |s: &ReviewStatus| o.reviewed.get(s).copied().unwrap_or(0);
            let mut values = vec![Value::Text(&o.group)];
            values.extend(
                ReviewStatus::ALL
                    .iter()
                    .map(|s| Value::Number(count(s) as f64)),
            );
            if with_open {
                values.push(Value::Number(o.open as f64));
            }
            let total = ReviewStatus::ALL.iter().map(count).sum::<u64>() + o.open;
            values.push(Value::Number(total as f64));
            w.values(&values);
        }
    };
    section(
        &mut w,
        pick(lang, "부서", "Department"),
        &history.outcomes_by_department,
        true,
    );
    w.blank();
    section(
        &mut w,
        pick(lang, "검토자", "Reviewer"),
        &history.outcomes_by_reviewer,
        false,
    );
    w.finish()
}

/// Columns shared by the top-risk and flagged-again sheets.
fn record_headers(lang: Lang) -> [&'static str; 12] {
    [
        AddedColumn::Score.word(lang),
        AddedColumn::Band.word(lang),
        pick(lang, "집행일자", "Date"),
        pick(lang, "부서명", "Department"),
        pick(lang, "계정과목", "Account"),
        pick(lang, "거래처", "Vendor"),
        pick(lang, "적요", "Description"),
        pick(lang, "집행금액", "Amount"),
        AddedColumn::Reasons.word(lang),
        AddedColumn::Review.word(lang),
        AddedColumn::ReviewReason.word(lang),
        AddedColumn::Key.word(lang),
    ]
}

const RECORD_WIDTHS: [f64; 12] = [
    10.0, 9.0, 11.0, 14.0, 14.0, 18.0, 24.0, 14.0, 60.0, 14.0, 20.0, 18.0,
];

fn record_values<'r>(r: &'r TransactionRecord, reasons: &'r str, lang: Lang) -> Vec<Value<'r>> {
    vec![
        Value::Number((r.score * 10.0).round() / 10.0),
        Value::Text(r.band.word(lang)),
        Value::Text(&r.date),
        Value::Text(&r.department),
        Value::Text(&r.account),
        Value::Text(&r.vendor),
        Value::Text(&r.description),
        Value::Amount(r.amount),
        Value::Text(reasons),
        Value::Text(ReviewStatus::word_or_open(r.review, lang)),
        Value::Text(r.review_reason.map_or("", |reason| reason.word(lang))),
        Value::Text(&r.key),
    ]
}

fn top_sheet(name: &str, history: &History, lang: Lang) -> LaidOutSheet {
    let mut headers = vec![pick(lang, "월", "Month"), pick(lang, "순위", "Rank")];
    headers.extend(record_headers(lang));
    let mut widths = vec![9.0, 6.0];
    widths.extend(RECORD_WIDTHS);
    let mut w = SheetBuilder::new(name);
    w.header(&headers, &widths);
    for (month, rows) in &history.top_by_month {
        for (rank, r) in rows.iter().enumerate() {
            let reasons = reasons_text(&r.reasons, lang);
            let rank = (rank + 1) as f64;
            let mut values = vec![Value::Text(month), Value::Number(rank)];
            values.extend(record_values(r, &reasons, lang));
            w.values(&values);
        }
    }
    w.filter(headers.len() as u32);
    w.finish()
}

fn repeats_sheet(name: &str, history: &History, lang: Lang) -> LaidOutSheet {
    let mut headers = vec![
        pick(lang, "플래그된 실행 수", "Runs flagged"),
        pick(lang, "나타난 실행 수", "Runs seen"),
        pick(lang, "처음 플래그(UTC)", "First flagged (UTC)"),
        pick(lang, "마지막 실행(UTC)", "Last seen (UTC)"),
    ];
    headers.extend(record_headers(lang));
    let mut widths = vec![12.0, 12.0, 22.0, 22.0];
    widths.extend(RECORD_WIDTHS);
    let mut w = SheetBuilder::new(name);
    w.header(&headers, &widths);
    for r in &history.repeats {
        let reasons = reasons_text(&r.record.reasons, lang);
        let mut values = vec![
            Value::Number(r.runs_flagged as f64),
            Value::Number(r.runs_seen as f64),
            Value::Text(&r.first_flagged),
            Value::Text(&r.last_seen),
        ];
        values.extend(record_values(&r.record, &reasons, lang));
        w.values(&values);
    }
    w.filter(headers.len() as u32);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::RunRecord;
    use calamine::{Data, Reader, Xlsx};

    fn run(id: &str, high: u64, medium: u64, low: u64) -> RunRecord {
        RunRecord {
            id: id.into(),
            started_at: format!("2026-01-0{}T09:00:00Z", id.len()),
            actor: "감사".into(),
            workbook: "a.xlsx".into(),
            sheet: "원장".into(),
            input_sha256: "00".into(),
            rows: high + medium + low,
            currency: crate::money::Currency::Krw,
            high,
            medium,
            low,
            model_version: "m".into(),
            ingest_s: 0.1,
            score_s: 0.2,
            complete: true,
            interrupted: false,
        }
    }

    /// Each chart's series in a written workbook: (name, categories,
    /// values) formulas, chart by chart, read from its drawing XML.
    fn chart_series(bytes: &[u8]) -> Vec<Vec<[String; 3]>> {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut names: Vec<String> = zip
            .file_names()
            .map(|n| n.unwrap().into_owned())
            .filter(|n| n.starts_with("xl/charts/chart") && n.ends_with(".xml"))
            .collect();
        names.sort();
        let inside = |xml: &str, tag: &str| -> String {
            let part = xml
                .split(&format!("<c:{tag}>"))
                .nth(1)
                .unwrap_or_else(|| panic!("<c:{tag}> in {xml}"));
            let f = part.split("<c:f>").nth(1).unwrap();
            f.split("</c:f>").next().unwrap().replace("&apos;", "'")
        };
        names
            .iter()
            .map(|name| {
                let mut xml = String::new();
                std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut xml).unwrap();
                xml.split("<c:ser>")
                    .skip(1)
                    .map(|ser| [inside(ser, "tx"), inside(ser, "cat"), inside(ser, "val")])
                    .collect()
            })
            .collect()
    }

    /// The cells a chart formula ("'실행 이력'!$F$2:$F$4") points at, as text.
    fn cells(book: &mut Xlsx<std::io::Cursor<Vec<u8>>>, formula: &str) -> Vec<String> {
        let (sheet, range) = formula.rsplit_once('!').unwrap();
        let sheet = sheet.trim_matches('\'').replace("''", "'");
        let data = book.worksheet_range(&sheet).unwrap();
        let at = |cell: &str| {
            let cell = cell.replace('$', "");
            let split = cell.find(|c: char| c.is_ascii_digit()).unwrap();
            let col = cell[..split]
                .bytes()
                .fold(0u32, |n, b| n * 26 + (b - b'A' + 1) as u32)
                - 1;
            (cell[split..].parse::<u32>().unwrap() - 1, col)
        };
        let (from, to) = range.split_once(':').unwrap_or((range, range));
        let ((r0, c0), (r1, c1)) = (at(from), at(to));
        let mut out = Vec::new();
        for r in r0..=r1 {
            for c in c0..=c1 {
                out.push(
                    data.get_value((r, c))
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                );
            }
        }
        out
    }

    #[test]
    fn the_history_charts_point_at_the_runs_and_the_monthly_totals() {
        let history = History {
            runs: vec![
                run("a", 5, 10, 85),
                run("bb", 7, 12, 81),
                run("ccc", 3, 9, 88),
            ],
            flags_by_department_month: vec![
                ("기획과".into(), "2024-02".into(), 2),
                ("총무과".into(), "2024-01".into(), 4),
                ("총무과".into(), "2024-02".into(), 1),
            ],
            ..Default::default()
        };
        let model =
            crate::learn::report::report(&history.reviewed, &crate::config::Checked::default());
        let bytes = write(&history, &model, Lang::Ko).unwrap();
        let charts = chart_series(&bytes);
        assert_eq!(charts.len(), 2, "{charts:?}");
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();

        // Runs: one line per band, named by its header, over the run times.
        let runs = &charts[0];
        assert_eq!(runs.len(), 3);
        let starts: Vec<String> = history.runs.iter().map(|r| r.started_at.clone()).collect();
        for (series, (band, counts)) in runs.iter().zip([
            ("높음", ["5", "7", "3"]),
            ("중간", ["10", "12", "9"]),
            ("낮음", ["85", "81", "88"]),
        ]) {
            assert_eq!(cells(&mut book, &series[0]), [band], "{series:?}");
            assert_eq!(cells(&mut book, &series[1]), starts, "{series:?}");
            assert_eq!(cells(&mut book, &series[2]), counts, "{series:?}");
        }

        // Flags by month: the total row, over the month headers.
        let [name, months, totals] = &charts[1][0];
        assert_eq!(cells(&mut book, name), ["합계"]);
        assert_eq!(cells(&mut book, months), ["2024-01", "2024-02"]);
        assert_eq!(cells(&mut book, totals), ["4", "3"]);
    }

    fn record(vendor: &str) -> TransactionRecord {
        TransactionRecord {
            key: "k1".into(),
            date: "2024-03-05".into(),
            department: "총무과".into(),
            account: "여비".into(),
            vendor: vendor.into(),
            description: "@SUM(A1)".into(),
            amount: 1_500_000.0,
            score: 91.2,
            band: crate::vocabulary::Band::High,
            reasons: serde_json::json!([{ "code": "amount_outlier", "text": { "ko": "금액이 중앙값의 14.2배", "en": "14.2× the median" } }]),
            review: Some(ReviewStatus::Confirmed),
            review_reason: Some(crate::vocabulary::ReviewReason::Split),
        }
    }

    #[test]
    fn the_anchor_is_read_from_its_own_cell_only() {
        let real = crate::store::Anchor {
            events: 7,
            head: "ab".repeat(32),
        };
        let forged = crate::store::Anchor {
            events: 0,
            head: "00".repeat(32),
        };
        // A ledger whose vendor is named like an anchor, in a sheet before
        // the anchor sheet.
        let history = History {
            top_by_month: vec![("2024-03".into(), vec![record(&forged.to_mark())])],
            anchor: real.clone(),
            ..Default::default()
        };
        let dir = tempfile::tempdir().unwrap();
        for lang in [Lang::Ko, Lang::En] {
            let path = dir.path().join(format!("{lang:?}.xlsx"));
            std::fs::write(
                &path,
                write(
                    &history,
                    &crate::learn::report::report(
                        &history.reviewed,
                        &crate::config::Checked::default(),
                    ),
                    lang,
                )
                .unwrap(),
            )
            .unwrap();
            assert_eq!(read_anchor(&path).unwrap(), real);
        }
        // A workbook without the anchor sheet has no anchor, whatever its
        // cells say.
        let book = std::fs::read(dir.path().join("Ko.xlsx")).unwrap();
        let mut other =
            umya_spreadsheet::reader::xlsx::read_reader(std::io::Cursor::new(book), true).unwrap();
        other
            .remove_sheet_by_name(anchor_sheet_name(Lang::Ko))
            .unwrap();
        let path = dir.path().join("cut.xlsx");
        umya_spreadsheet::writer::xlsx::write(&other, &path).unwrap();
        assert!(read_anchor(&path).is_err());
    }

    #[test]
    fn bidi_controls_in_ledger_text_are_shown_not_obeyed() {
        let history = History {
            top_by_month: vec![("2024-03".into(), vec![record("Evil \u{202E}Corp")])],
            ..Default::default()
        };
        let bytes = write(
            &history,
            &crate::learn::report::report(&history.reviewed, &crate::config::Checked::default()),
            Lang::En,
        )
        .unwrap();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let top = book.worksheet_range("Top 10 by month").unwrap();
        assert_eq!(
            top.get_value((1, 7)),
            Some(&Data::String("Evil [U+202E]Corp".into()))
        );
    }

    #[test]
    fn ledger_text_is_written_as_text_never_as_a_formula() {
        let history = History {
            runs: vec![RunRecord {
                id: "r1".into(),
                started_at: "2026-01-01T00:00:00Z".into(),
                actor: "=cmd|'/c calc'!A1".into(),
                workbook: "a.xlsx".into(),
                sheet: "원장".into(),
                input_sha256: "00".into(),
                rows: 1,
                currency: crate::money::Currency::Krw,
                high: 1,
                medium: 0,
                low: 0,
                model_version: "m".into(),
                ingest_s: 0.1,
                score_s: 0.2,
                complete: true,
                interrupted: false,
            }],
            flags_by_department_month: vec![("총무과".into(), "2024-03".into(), 1)],
            top_by_month: vec![("2024-03".into(), vec![record("=HYPERLINK(\"http://x\")")])],
            ..Default::default()
        };
        let bytes = write(
            &history,
            &crate::learn::report::report(&history.reviewed, &crate::config::Checked::default()),
            Lang::Ko,
        )
        .unwrap();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let top = book.worksheet_range("월별 상위 10").unwrap();
        assert_eq!(
            top.get_value((1, 7)),
            Some(&Data::String("=HYPERLINK(\"http://x\")".into()))
        );
        assert_eq!(
            top.get_value((1, 10)),
            Some(&Data::String("금액이 중앙값의 14.2배".into()))
        );
        assert_eq!(
            top.get_value((1, 11)),
            Some(&Data::String("확인된 이상".into()))
        );
        assert_eq!(top.get_value((1, 12)), Some(&Data::String("분할".into())));
        assert_eq!(
            top.get_value((0, 12)),
            Some(&Data::String("검토 사유".into()))
        );
        for sheet in book.sheet_names() {
            let formulas = book.worksheet_formula(&sheet).unwrap();
            assert!(
                formulas.used_cells().all(|(_, _, f)| f.is_empty()),
                "{sheet} has formulas"
            );
        }
        let runs = book.worksheet_range("실행 이력").unwrap();
        assert_eq!(
            runs.get_value((1, 1)),
            Some(&Data::String("=cmd|'/c calc'!A1".into()))
        );
    }
}
