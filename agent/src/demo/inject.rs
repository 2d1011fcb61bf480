//! The anomaly injectors: each adds (or alters) rows of one kind and labels
//! them, the way the pattern shows up in real audits.

use chrono::{Datelike, Duration, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;

use super::catalog::{ACCOUNTS, DEPARTMENTS};
use super::generator::{target, DemoRow, Injector};
use crate::features::holidays::is_non_working_day;
use crate::vocabulary::DetectorKind;

fn account_index(name: &str) -> usize {
    ACCOUNTS
        .iter()
        .position(|a| a.name == name)
        .expect("known account")
}

fn round_to(x: f64, unit: f64) -> f64 {
    ((x / unit).round() * unit).max(unit)
}

/// Injects every kind; `scale` is rows / 100,000.
pub fn inject_all(inj: &mut Injector<'_>, series: &[Vec<usize>], scale: f64) {
    let count = |k: DetectorKind| target(k, scale);
    // Alterations of existing ordinary rows first, before rows are added,
    // so they never pick an injected row.
    let ordinary: Vec<usize> = (0..inj.rows.len())
        .filter(|&i| inj.rows[i].payment_method != "자동이체")
        .collect();
    amount_outliers(inj, &ordinary, count(DetectorKind::AmountOutlier));
    recurring_jumps(inj, series, count(DetectorKind::RecurringJump));
    duplicates(inj, &ordinary, count(DetectorKind::Duplicate));
    splits(inj, count(DetectorKind::Split));
    small_repeats(inj, count(DetectorKind::SmallRepeat));
    rare_vendors(inj, count(DetectorKind::RareVendor));
    non_working_days(inj, count(DetectorKind::NonWorkingDay));
    year_end(inj, count(DetectorKind::YearEnd));
    round_amounts(inj, count(DetectorKind::RoundAmount));
    benford(inj, count(DetectorKind::Benford));
}

/// A payment far beyond what the department pays in that account: at
/// least 12×, and 4.6–6 spreads of the account's amounts above its usual
/// level (a 15× payment is unremarkable where amounts vary a hundredfold).
fn amount_outliers(inj: &mut Injector<'_>, ordinary: &[usize], n: usize) {
    for &i in ordinary.choose_multiple(inj.rng, n) {
        let (dept, account, vendor) = locate(inj, i);
        let spread = (ACCOUNTS[account].sigma.powi(2) + 0.09).sqrt();
        let factor = (spread * inj.rng.gen_range(4.6..6.0)).exp().max(12.0);
        let amount = round_to(inj.typical(account, dept, vendor) * factor, 10.0);
        let row = &mut inj.rows[i];
        row.amount = amount;
        row.label = Some(DetectorKind::AmountOutlier);
    }
}

/// Department, account and vendor indices of an ordinary row.
fn locate(inj: &Injector<'_>, i: usize) -> (usize, usize, usize) {
    let row = &inj.rows[i];
    let dept = DEPARTMENTS
        .iter()
        .position(|d| d.0 == row.department)
        .expect("department");
    let account = account_index(row.account);
    let vendor = (0..inj.vendor_count(account))
        .find(|&v| inj.vendor_name(account, v) == row.vendor)
        .expect("vendor of the account");
    (dept, account, vendor)
}

/// A monthly bill that quietly jumps 2.2–4×.
fn recurring_jumps(inj: &mut Injector<'_>, series: &[Vec<usize>], n: usize) {
    let mut chosen = 0;
    let mut order: Vec<&Vec<usize>> = series.iter().collect();
    order.shuffle(inj.rng);
    'outer: while chosen < n {
        for s in &order {
            if chosen >= n {
                break 'outer;
            }
            // Not in the first months, so the series has a history.
            let pos = inj.rng.gen_range(8..s.len());
            let row = &mut inj.rows[s[pos]];
            if row.label.is_some() {
                continue;
            }
            row.amount = round_to(row.amount * inj.rng.gen_range(2.2..4.0), 10.0);
            row.label = Some(DetectorKind::RecurringJump);
            chosen += 1;
        }
    }
}

/// The same invoice paid again 0–4 business days later under a new voucher.
fn duplicates(inj: &mut Injector<'_>, ordinary: &[usize], n: usize) {
    let candidates: Vec<usize> = ordinary
        .iter()
        .copied()
        .filter(|&i| inj.rows[i].label.is_none() && inj.rows[i].amount >= 50_000.0)
        .collect();
    for &i in candidates.choose_multiple(inj.rng, n) {
        let mut copy = inj.rows[i].clone();
        copy.date = inj.business_day_near(copy.date, 3);
        copy.label = Some(DetectorKind::Duplicate);
        inj.rows.push(copy);
    }
}

/// One purchase over the approval limit paid as 2–4 parts, each under it,
/// to one vendor within a few days.
fn splits(inj: &mut Injector<'_>, n: usize) {
    let limit = inj.approval_limit();
    let accounts = ["자산취득비", "용역비", "시설유지비"];
    let mut made = 0;
    while made < n {
        let account = account_index(accounts.choose(inj.rng).expect("accounts"));
        let dept = inj.rng.gen_range(0..DEPARTMENTS.len());
        let vendor = inj.rng.gen_range(0..inj.vendor_count(account).min(12));
        let parts = inj.rng.gen_range(2..=4usize).min(n - made).max(2);
        let start = inj.random_business_day();
        let description = ACCOUNTS[account]
            .items
            .choose(inj.rng)
            .expect("items")
            .to_string();
        for p in 0..parts {
            let amount = round_to(limit * inj.rng.gen_range(0.62..0.98), 10_000.0);
            let date = inj.business_day_near(start + Duration::days(p as i64 * 2), 1);
            push(
                inj,
                date,
                dept,
                account,
                vendor,
                amount,
                DetectorKind::Split,
            );
            // One purchase, cut into parts: the parts say the same thing.
            inj.rows.last_mut().expect("just pushed").description = description.clone();
        }
        made += parts;
    }
}

fn push(
    inj: &mut Injector<'_>,
    date: NaiveDate,
    dept: usize,
    account: usize,
    vendor: usize,
    amount: f64,
    kind: DetectorKind,
) {
    let vendor = inj.vendor_name(account, vendor).to_string();
    push_named(inj, date, dept, account, vendor, amount, kind);
}

/// Adds a labelled row paid to a vendor given by name.
fn push_named(
    inj: &mut Injector<'_>,
    date: NaiveDate,
    dept: usize,
    account: usize,
    vendor: String,
    amount: f64,
    kind: DetectorKind,
) {
    let spec = &ACCOUNTS[account];
    let description = spec.items.choose(inj.rng).expect("items").to_string();
    inj.rows.push(DemoRow {
        date,
        department: DEPARTMENTS[dept].0,
        account: spec.name,
        vendor,
        description,
        amount,
        voucher: String::new(),
        budget_item: spec.budget_item,
        payment_method: if amount < 500_000.0 {
            "법인카드"
        } else {
            "계좌이체"
        },
        label: Some(kind),
    });
}

/// Many small card payments to one shop in one month that add up.
fn small_repeats(inj: &mut Injector<'_>, n: usize) {
    let accounts = ["소모품비", "사무용품비", "회의비"];
    let mut made = 0;
    while made < n {
        let account = account_index(accounts.choose(inj.rng).expect("accounts"));
        let dept = inj.rng.gen_range(0..DEPARTMENTS.len());
        // A mid-popularity shop: not the department's everyday supplier.
        let vendor = inj.rng.gen_range(5..inj.vendor_count(account));
        let k = inj.rng.gen_range(14..=22usize);
        let month_start = inj.random_business_day().with_day(1).expect("day 1");
        for _ in 0..k {
            let date = inj.business_day_near(month_start, 26);
            let date = if date.month() != month_start.month() {
                month_start + Duration::days(inj.rng.gen_range(0..20))
            } else {
                date
            };
            let date = skip_to_business(date);
            let amount = round_to(inj.rng.gen_range(280_000.0..490_000.0), 100.0);
            push(
                inj,
                date,
                dept,
                account,
                vendor,
                amount,
                DetectorKind::SmallRepeat,
            );
        }
        made += k;
    }
}

fn skip_to_business(mut d: NaiveDate) -> NaiveDate {
    while is_non_working_day(d) {
        d += Duration::days(1);
    }
    d
}

/// A vendor well known in one account paid from an unrelated one: a
/// construction firm from the entertainment budget, a restaurant from
/// equipment purchases.
fn rare_vendors(inj: &mut Injector<'_>, n: usize) {
    for _ in 0..n {
        let from = inj.rng.gen_range(0..ACCOUNTS.len());
        let mut to = inj.rng.gen_range(0..ACCOUNTS.len());
        while to == from {
            to = inj.rng.gen_range(0..ACCOUNTS.len());
        }
        let dept = inj.rng.gen_range(0..DEPARTMENTS.len());
        // A busy vendor of the other account (top five).
        let vendor_index = inj.rng.gen_range(0..5);
        let vendor = inj.vendor_name(from, vendor_index).to_string();
        let amount = round_to(inj.typical(to, dept, 0) * inj.rng.gen_range(1.0..2.5), 10.0);
        let date = inj.random_business_day();
        push_named(
            inj,
            date,
            dept,
            to,
            vendor,
            amount,
            DetectorKind::RareVendor,
        );
    }
}

/// Business-entertainment card spending on weekends and public holidays.
fn non_working_days(inj: &mut Injector<'_>, n: usize) {
    let account = account_index("업무추진비");
    for _ in 0..n {
        let mut date = inj.random_business_day();
        while !is_non_working_day(date) {
            date += Duration::days(1);
        }
        let dept = inj.rng.gen_range(0..DEPARTMENTS.len());
        let vendor = inj.rng.gen_range(0..inj.vendor_count(account));
        let amount = round_to(
            inj.typical(account, dept, vendor) * inj.rng.gen_range(0.8..1.8),
            100.0,
        );
        push(
            inj,
            date,
            dept,
            account,
            vendor,
            amount,
            DetectorKind::NonWorkingDay,
        );
    }
}

/// Budget burned in the last ten days of a fiscal year: a department buys
/// in bulk what it buys in trickles all year.
fn year_end(inj: &mut Injector<'_>, n: usize) {
    let accounts = ["소모품비", "사무용품비", "자산취득비", "인쇄비"];
    let mut made = 0;
    while made < n {
        let account = account_index(accounts.choose(inj.rng).expect("accounts"));
        let dept = inj.rng.gen_range(0..DEPARTMENTS.len());
        let year = inj
            .rng
            .gen_range(super::generator::FIRST_YEAR..=super::generator::LAST_YEAR);
        let k = inj.rng.gen_range(8..=12usize);
        for _ in 0..k {
            let day = inj.rng.gen_range(20..=30);
            let date = skip_to_business(NaiveDate::from_ymd_opt(year, 12, day).expect("valid"));
            let date = if date.year() != year {
                NaiveDate::from_ymd_opt(year, 12, 28).expect("valid")
            } else {
                date
            };
            let vendor = inj.rng.gen_range(0..8);
            let amount = round_to(
                inj.typical(account, dept, vendor) * inj.rng.gen_range(5.0..10.0),
                10.0,
            );
            push(
                inj,
                date,
                dept,
                account,
                vendor,
                amount,
                DetectorKind::YearEnd,
            );
        }
        made += k;
    }
}

/// Large, perfectly round payments in accounts where amounts are never round.
fn round_amounts(inj: &mut Injector<'_>, n: usize) {
    let accounts = ["사무용품비", "소모품비", "인쇄비", "교육훈련비", "회의비"];
    for _ in 0..n {
        let account = account_index(accounts.choose(inj.rng).expect("accounts"));
        let dept = inj.rng.gen_range(0..DEPARTMENTS.len());
        let vendor = inj.rng.gen_range(0..inj.vendor_count(account));
        let typical = inj.typical(account, dept, vendor);
        let millions = (typical * inj.rng.gen_range(4.0..12.0) / 1_000_000.0)
            .ceil()
            .max(1.0);
        let date = inj.random_business_day();
        push(
            inj,
            date,
            dept,
            account,
            vendor,
            millions * 1_000_000.0,
            DetectorKind::RoundAmount,
        );
    }
}

/// A made-up vendor whose invented invoices start with 7, 8 and 9 far more
/// than real amounts do.
fn benford(inj: &mut Injector<'_>, n: usize) {
    let accounts = ["소모품비", "시설유지비", "인쇄비"];
    let fakes = ["(주)대명종합상사", "한결유통(주)", "(주)오성기획"];
    let per_vendor = (n / 2).max(45);
    let mut made = 0;
    let mut f = 0;
    while made < n {
        let name = fakes[f % fakes.len()].to_string();
        f += 1;
        let dept = inj.rng.gen_range(0..DEPARTMENTS.len());
        let k = per_vendor;
        for _ in 0..k {
            let account = account_index(accounts.choose(inj.rng).expect("accounts"));
            let lead = *[7.0, 8.0, 8.0, 9.0, 9.0, 9.0, 6.0]
                .choose(inj.rng)
                .expect("digits");
            let magnitude = *[100_000.0, 1_000_000.0]
                .choose(inj.rng)
                .expect("magnitudes");
            let amount = round_to((lead + inj.rng.gen_range(0.0..0.99)) * magnitude, 1000.0);
            let date = inj.random_business_day();
            push_named(
                inj,
                date,
                dept,
                account,
                name.clone(),
                amount,
                DetectorKind::Benford,
            );
        }
        made += k;
    }
}
