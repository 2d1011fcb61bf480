//! The 예측 / Forecast sheet (`forecast::run`), laid out once for the
//! scored workbook (and the pane after it): the months that left their
//! forecast range, furthest first, with why; every model's error on the
//! validation and test months; then each series' model and next month.

use crate::forecast::run::{Errors, Forecasts};
use crate::forecast::series::month_label;
use crate::forecast::watch::{ModelUse, Watch};
use crate::i18n::{pick, Lang};
use crate::money::Currency;
use crate::vocabulary::ForecastModel;

use super::laid_out::{LaidOutSheet, SheetBuilder, Value};

pub fn sheet_name(lang: Lang) -> &'static str {
    pick(lang, "예측", "Forecast")
}

pub fn sheet(w: &Watch, currency: Currency, lang: Lang) -> LaidOutSheet {
    let (f, period) = (&w.forecasts, w.period.as_ref());
    let amount = |v: f64| Value::money(v, currency);
    let mut sheet = SheetBuilder::new(sheet_name(lang));
    sheet.header(
        &[
            pick(lang, "부서", "Department"),
            pick(lang, "계정과목", "Account"),
            pick(lang, "월", "Month"),
            pick(lang, "지출", "Spent"),
            pick(lang, "예측", "Forecast"),
            pick(lang, "예측 하한", "Range low"),
            pick(lang, "예측 상한", "Range high"),
            pick(lang, "벗어남", "Outside"),
            pick(lang, "모델", "Model"),
            pick(lang, "사유", "Reason"),
        ],
        &[18.0, 18.0, 9.0, 14.0, 14.0, 14.0, 14.0, 16.0, 18.0, 70.0],
    );
    for flag in &f.flags {
        let reason = flag.reason(currency);
        sheet.values(&[
            Value::Text(&flag.department),
            Value::Text(&flag.account),
            Value::Text(&flag.month),
            amount(flag.actual),
            amount(flag.forecast),
            amount(flag.low),
            amount(flag.high),
            Value::Text(flag.side.word(lang)),
            Value::Text(flag.model.word(lang)),
            Value::Text(reason.get(lang)),
        ]);
    }
    if f.flags.is_empty() {
        sheet.values(&[Value::Text(pick(
            lang,
            "최근 달 중 예측 범위를 벗어난 달이 없습니다",
            "No recent month left its forecast range",
        ))]);
    }
    sheet.blank();
    sheet.header(
        &[
            pick(lang, "모델", "Model"),
            pick(lang, "검증 달 수", "Validation months"),
            pick(lang, "검증 RMSE", "Validation RMSE"),
            pick(lang, "검증 MAPE (%)", "Validation MAPE (%)"),
            pick(lang, "시험 달 수", "Test months"),
            pick(lang, "시험 RMSE", "Test RMSE"),
            pick(lang, "시험 MAPE (%)", "Test MAPE (%)"),
            pick(lang, "선택된 계열", "Series chosen for"),
        ],
        &[],
    );
    let chosen_for = |m: Option<ForecastModel>| match m {
        Some(m) => f.chosen.iter().find(|(c, _)| *c == m).map_or(0, |c| c.1),
        None => f.chosen.iter().map(|c| c.1).sum(),
    };
    for ((model, validation), (_, test)) in f.validation_errors.iter().zip(&f.errors) {
        let name = model.map_or(pick(lang, "계열별 선택", "Each series' choice"), |m| {
            m.word(lang)
        });
        let mape = |e: &Errors| {
            e.mape
                .map_or(Value::Text("-"), |v| Value::Formatted(v, "0.0".into()))
        };
        sheet.values(&[
            Value::Text(name),
            Value::Number(validation.months as f64),
            amount(validation.rmse),
            mape(validation),
            Value::Number(test.months as f64),
            amount(test.rmse),
            mape(test),
            Value::Number(chosen_for(*model) as f64),
        ]);
    }
    next_months(&mut sheet, f, currency, lang);
    sheet.blank();
    model_use(&mut sheet, &w.model, lang);
    if let Some(p) = period {
        sheet.blank();
        let covered = format!("{} – {}", month_label(p.first), month_label(p.last));
        sheet.labelled(pick(lang, "기간", "Period"), &[Value::Text(&covered)]);
        if let Some((month, latest)) = p.partial {
            let text = format!(
                "{} ({} {})",
                month_label(month),
                pick(lang, "마지막 지급", "last payment"),
                latest
            );
            sheet.labelled(
                pick(lang, "진행 중인 달 (제외)", "Month not over (left out)"),
                &[Value::Text(&text)],
            );
        }
        sheet.labelled(
            pick(
                lang,
                "기간 밖 날짜 (건, 금액)",
                "Rows dated outside it (rows, amount)",
            ),
            &[Value::Number(p.outside.0 as f64), amount(p.outside.1)],
        );
    }
    sheet.finish()
}

/// Each series' model and its forecast of the month after the ledger's
/// latest, with the range it is expected in.
fn next_months(sheet: &mut SheetBuilder, f: &Forecasts, currency: Currency, lang: Lang) {
    let amount = |v: f64| Value::money(v, currency);
    sheet.blank();
    sheet.header(
        &[
            pick(lang, "부서", "Department"),
            pick(lang, "계정과목", "Account"),
            pick(lang, "다음 달", "Next month"),
            pick(lang, "예측", "Forecast"),
            pick(lang, "예측 하한", "Range low"),
            pick(lang, "예측 상한", "Range high"),
            pick(lang, "개월 수", "Months"),
            pick(lang, "모델", "Model"),
            pick(lang, "검증으로 선택", "Chosen on validation"),
        ],
        &[],
    );
    for s in &f.series {
        let Some(next) = s.forecasts.last() else {
            continue;
        };
        let (low, high) = match next.interval {
            Some((low, high)) => (amount(low), amount(high)),
            None => (Value::Text("-"), Value::Text("-")),
        };
        let chosen = if s.chosen_on_validation {
            pick(lang, "예", "yes")
        } else {
            pick(lang, "아니오 (짧은 계열)", "no (short series)")
        };
        sheet.values(&[
            Value::Text(&s.department),
            Value::Text(&s.account),
            Value::Text(&next.month),
            amount(next.forecast),
            low,
            high,
            Value::Number(s.months as f64),
            Value::Text(s.model.word(lang)),
            Value::Text(chosen),
        ]);
    }
}

/// The model the run forecast with: its version, whether it was trained
/// now and why, and the drift measured against the kept one.
fn model_use(sheet: &mut SheetBuilder, m: &ModelUse, lang: Lang) {
    sheet.labelled(
        pick(lang, "예측 모델", "Forecast model"),
        &[Value::Text(m.describe().get(lang))],
    );
    for (psi, ko, en) in [
        (
            &m.features,
            "지출 분포 PSI (우연 한계)",
            "Spending PSI (chance)",
        ),
        (
            &m.scores,
            "위험 점수 분포 PSI (우연 한계)",
            "Risk-score PSI (chance)",
        ),
    ] {
        if let Some(p) = psi {
            sheet.labelled(
                pick(lang, ko, en),
                &[
                    Value::Formatted(p.value, "0.000".into()),
                    Value::Formatted(p.chance, "0.000".into()),
                ],
            );
        }
    }
}
