//! Audit-rule signals: each turns features of one row into a strength in
//! 0..1 and a sentence, in Korean and English, with the numbers that
//! justify it. The ensemble weighs and combines them.

use crate::config::Config;
use crate::features::Features;
use crate::i18n::{won, Text};
use crate::ingest::{Ledger, Transaction};
pub use crate::vocabulary::DetectorKind;

#[derive(Debug, Clone)]
pub struct Signal {
    pub kind: DetectorKind,
    /// 0..1: how strongly the row shows the pattern.
    pub strength: f64,
    pub reason: Text,
}

/// What a rule sees of one row.
struct Row<'a> {
    i: usize,
    t: &'a Transaction,
    ledger: &'a Ledger,
    f: &'a Features,
    config: &'a Config,
    /// The row's Isolation Forest score.
    isolation: f64,
}

/// One audit rule: the signal it gives a row, if any.
type Rule = fn(&Row<'_>) -> Option<Signal>;

/// Every rule, in the order their reasons are listed when they tie.
const RULES: [Rule; DetectorKind::COUNT] = [
    amount_outlier,
    account_outlier,
    duplicate,
    split,
    recurring_jump,
    small_repeat,
    rare_vendor,
    non_working_day,
    year_end,
    round_amount,
    benford,
    isolation,
];

/// A signal of `kind`, if it has any strength.
fn fire(kind: DetectorKind, strength: f64, reason: Text) -> Option<Signal> {
    (strength > 0.0).then(|| Signal {
        kind,
        strength: clamp01(strength),
        reason,
    })
}

fn clamp01(x: f64) -> f64 {
    x.clamp(0.0, 1.0)
}

fn ramp(x: f64, from: f64, to: f64) -> f64 {
    clamp01((x - from) / (to - from))
}

/// All signals that fire for row `i`, given its Isolation Forest score.
pub fn evaluate(
    i: usize,
    ledger: &Ledger,
    f: &Features,
    config: &Config,
    isolation: f64,
) -> Vec<Signal> {
    let row = Row {
        i,
        t: &ledger.transactions[i],
        ledger,
        f,
        config,
        isolation,
    };
    RULES.iter().filter_map(|rule| rule(&row)).collect()
}

/// Amount against the department–account norm.
fn amount_outlier(row: &Row<'_>) -> Option<Signal> {
    let i = row.i;
    let f = row.f;
    let da = f.dept_account[i];
    if da.group_size >= crate::features::MIN_GROUP && da.ratio >= 3.0 {
        return fire(
            DetectorKind::AmountOutlier,
            ramp(da.z, 3.0, 5.5),
            Text::new(
                format!(
                    "금액이 부서·계정 중앙값({}원)의 {:.1}배",
                    won(da.median),
                    da.ratio
                ),
                format!(
                    "Amount is {:.1}× the department–account median ({} KRW)",
                    da.ratio,
                    won(da.median)
                ),
            ),
        );
    }
    None
}

/// Amount against the account-wide norm, which also judges departments
/// whose own history is too thin for the department–account one.
fn account_outlier(row: &Row<'_>) -> Option<Signal> {
    let i = row.i;
    let f = row.f;
    let a = f.account[i];
    if a.group_size >= crate::features::MIN_GROUP && a.ratio >= 3.0 {
        return fire(
            DetectorKind::AccountOutlier,
            ramp(a.z, 3.5, 6.0),
            Text::new(
                format!(
                    "금액이 계정 전체 중앙값({}원)의 {:.1}배",
                    won(a.median),
                    a.ratio
                ),
                format!(
                    "Amount is {:.1}× the account-wide median ({} KRW)",
                    a.ratio,
                    won(a.median)
                ),
            ),
        );
    }
    None
}

/// The same vendor and amount again within the window.
fn duplicate(row: &Row<'_>) -> Option<Signal> {
    let i = row.i;
    let t = row.t;
    let f = row.f;
    let ledger = row.ledger;
    if let Some(d) = f.duplicate[i] {
        let other_row = ledger.transactions[d.of].sheet_row;
        // A price this vendor charges all the time is likelier a standing
        // order than a double payment.
        let base = if d.exact { 1.0 } else { 0.75 };
        let strength = if d.times_seen >= 6 { base * 0.4 } else { base };
        return fire(
            DetectorKind::Duplicate,
            strength,
            Text::new(
                format!(
                    "같은 거래처·같은 금액({}원)이 {}일 내 중복 ({}행)",
                    won(t.amount),
                    d.days_apart,
                    other_row
                ),
                format!(
                    "Same vendor and amount ({} KRW) paid again within {} days (row {})",
                    won(t.amount),
                    d.days_apart,
                    other_row
                ),
            ),
        );
    }
    None
}

/// Payments to one vendor within days, each under the approval limit,
/// together over it.
fn split(row: &Row<'_>) -> Option<Signal> {
    let i = row.i;
    let f = row.f;
    if let Some(s) = f.split[i] {
        // Parts just under the limit, for the same thing, are the signature
        // of a split; two unrelated payments that happen to add up over the
        // limit are weaker evidence.
        let same_thing = if s.same_description { 0.3 } else { 0.0 };
        return fire(
            DetectorKind::Split,
            0.45 + 0.25 * ramp(s.largest_share, 0.6, 0.9) + same_thing,
            Text::new(
                format!(
                    "분할 의심: {}일 내 같은 거래처 {}건 합계 {}원, 건별로는 한도 {}원 미만",
                    s.days.max(1),
                    s.parts,
                    won(s.total),
                    won(s.limit)
                ),
                format!(
                    "Possible split: {} payments to one vendor within {} days total {} KRW, each under the {} KRW limit",
                    s.parts,
                    s.days.max(1),
                    won(s.total),
                    won(s.limit)
                ),
            ),
        );
    }
    None
}

/// A recurring bill well above its usual amount.
fn recurring_jump(row: &Row<'_>) -> Option<Signal> {
    let i = row.i;
    let f = row.f;
    if let Some(r) = f.recurrence[i] {
        if r.ratio >= 1.5 {
            return fire(
                DetectorKind::RecurringJump,
                ramp(r.ratio, 1.4, 2.5),
                Text::new(
                    format!(
                        "정기 지출이 평소 금액({}원)의 {:.1}배",
                        won(r.usual),
                        r.ratio
                    ),
                    format!(
                        "Recurring payment is {:.1}× its usual amount ({} KRW)",
                        r.ratio,
                        won(r.usual)
                    ),
                ),
            );
        }
    }
    None
}

/// Many small payments to one vendor in a month, against its usual count.
fn small_repeat(row: &Row<'_>) -> Option<Signal> {
    let i = row.i;
    let f = row.f;
    let config = row.config;
    if let Some(s) = f.small_repeat[i] {
        let min = f64::from(config.limits.small_repeat_min_count).max(3.0 * s.usual_count);
        let c = f64::from(s.count);
        if c >= min {
            return fire(
                DetectorKind::SmallRepeat,
                ramp(c / min, 0.8, 1.6),
                Text::new(
                    format!(
                        "같은 거래처에 한 달간 소액 {}건, 합계 {}원 (평소 월 {:.1}건)",
                        s.count,
                        won(s.sum),
                        s.usual_count
                    ),
                    format!(
                        "{} small payments to this vendor in one month, {} KRW in total (usually {:.1} a month)",
                        s.count,
                        won(s.sum),
                        s.usual_count
                    ),
                ),
            );
        }
    }
    None
}

/// A vendor this account almost never pays, though others often do.
fn rare_vendor(row: &Row<'_>) -> Option<Signal> {
    let i = row.i;
    let f = row.f;
    let pair = f.vendor_account_count[i];
    let elsewhere = f.vendor_count[i].saturating_sub(pair);
    if f.vendor_known[i] && pair <= 2 && f.account_count[i] >= 50 && elsewhere >= 10 {
        return fire(
            DetectorKind::RareVendor,
            if pair == 1 { 1.0 } else { 0.7 },
            Text::new(
                format!(
                    "이 계정에서 거의 쓰지 않는 거래처: 계정 {}건 중 {}건 (다른 계정에서는 {}건)",
                    f.account_count[i], pair, elsewhere
                ),
                format!(
                    "Vendor rarely used for this account: {} of {} payments (but {} elsewhere)",
                    pair, f.account_count[i], elsewhere
                ),
            ),
        );
    }
    None
}

/// Monthly bills and automatic transfers run on a fixed day whatever the
/// weekday; a person paying on a holiday is what matters.
fn non_working_day(row: &Row<'_>) -> Option<Signal> {
    let i = row.i;
    let t = row.t;
    let f = row.f;
    let ledger = row.ledger;
    let automatic = t.payment_method.is_some_and(|m| {
        let method = ledger.others.name(m).to_lowercase();
        method.contains("자동") || method.contains("auto") || method.contains("direct debit")
    });
    let cal = f.calendar[i];
    if cal.non_working && f.recurrence[i].is_none() && !automatic {
        let (ko, en) = cal.day_name.unwrap_or(("휴일", "holiday"));
        return fire(
            DetectorKind::NonWorkingDay,
            1.0,
            Text::new(
                format!("휴일 집행 ({}, {})", t.date.format("%Y-%m-%d"), ko),
                format!(
                    "Paid on a non-working day ({}, {})",
                    t.date.format("%Y-%m-%d"),
                    en
                ),
            ),
        );
    }
    None
}

/// Late-December payments, large for their group, in a department and
/// account whose year-end fortnight far exceeds its usual half-month.
/// The ordinary December rush is about twice a half-month.
fn year_end(row: &Row<'_>) -> Option<Signal> {
    let i = row.i;
    let f = row.f;
    let da = f.dept_account[i];
    if let Some(y) = f.year_end[i] {
        if da.ratio >= 1.5 && y.ratio >= 2.5 {
            return fire(
                DetectorKind::YearEnd,
                0.5 * ramp(y.ratio, 2.5, 8.0) + 0.5 * ramp(da.ratio, 1.5, 4.0),
                Text::new(
                    format!(
                        "연말 집중: 12월 하순 부서·계정 집행 {}원, 평소 보름치의 {:.1}배 (이 건은 중앙값의 {:.1}배)",
                        won(y.late_december_sum),
                        y.ratio,
                        da.ratio
                    ),
                    format!(
                        "Year-end rush: {} KRW in late December for this department and account, {:.1}× a usual half-month (this payment {:.1}× the median)",
                        won(y.late_december_sum),
                        y.ratio,
                        da.ratio
                    ),
                ),
            );
        }
    }
    None
}

/// A large round amount in an account where round amounts are rare.
fn round_amount(row: &Row<'_>) -> Option<Signal> {
    let i = row.i;
    let t = row.t;
    let f = row.f;
    let da = f.dept_account[i];
    let share = f.account_round_share[i];
    if f.round_level[i] == 2 && share < 0.05 && t.amount >= da.median.max(1.0) {
        return fire(
            DetectorKind::RoundAmount,
            1.0 - share / 0.05,
            Text::new(
                format!(
                    "딱 떨어지는 큰 금액({}원): 이 계정에서는 {:.1}%만 이런 금액",
                    won(t.amount),
                    share * 100.0
                ),
                format!(
                    "Round amount ({} KRW): only {:.1}% of this account's payments are",
                    won(t.amount),
                    share * 100.0
                ),
            ),
        );
    }
    None
}

/// A vendor whose amounts' leading digits depart from what its scale predicts.
fn benford(row: &Row<'_>) -> Option<Signal> {
    let i = row.i;
    let f = row.f;
    if let Some(b) = f.benford_vendor_of_row(i) {
        if b.mad >= 0.05 && b.chi_square >= 40.0 && f.recurrence[i].is_none() {
            return fire(
                DetectorKind::Benford,
                ramp(b.mad, 0.04, 0.12),
                Text::new(
                    format!(
                        "거래처 금액의 첫자리 분포가 비정상: {}(으)로 시작하는 금액이 과다 (규모 보정 MAD {:.3}, 벤포드 MAD {:.3}, {}건)",
                        b.excess_digit, b.mad, b.benford_mad, b.count
                    ),
                    format!(
                        "Vendor's leading digits look invented: too many amounts start with {} (scale-adjusted MAD {:.3}, Benford MAD {:.3}, {} payments)",
                        b.excess_digit, b.mad, b.benford_mad, b.count
                    ),
                ),
            );
        }
    }
    None
}

/// The Isolation Forest finds the row's combination of features rare.
fn isolation(row: &Row<'_>) -> Option<Signal> {
    let isolation = row.isolation;
    if isolation > 0.55 {
        return fire(
            DetectorKind::Isolation,
            ramp(isolation, 0.55, 0.72),
            Text::new(
                format!("여러 특성이 함께 드문 거래 (Isolation Forest 점수 {isolation:.2})"),
                format!("Unusual combination of features (Isolation Forest score {isolation:.2})"),
            ),
        );
    }
    None
}
