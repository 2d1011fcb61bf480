//! The ledger as monthly series (issue 13.3): one per department ×
//! account, the sum of its payments in each calendar month, from the
//! series' first payment to the ledger's latest month. A month with no
//! payment in between is a real 0, not a gap: nothing was spent.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::ingest::Ledger;

/// A calendar month as a count of months since year 0 (so months
/// subtract): `year * 12 + month - 1`.
pub type MonthIndex = i32;

pub fn month_index(year: i32, month: u32) -> MonthIndex {
    year * 12 + month as i32 - 1
}

/// (year, month 1–12) of a month index.
pub fn year_month(index: MonthIndex) -> (i32, u32) {
    (index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
}

/// "2026-03".
pub fn month_label(index: MonthIndex) -> String {
    let (y, m) = year_month(index);
    format!("{y}-{m:02}")
}

/// One department × account's spending by month.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub department: String,
    pub account: String,
    /// The month of `values[0]`.
    pub start: MonthIndex,
    pub values: Vec<f64>,
}

impl Series {
    /// The month of `values[i]`.
    pub fn month(&self, i: usize) -> MonthIndex {
        self.start + i as i32
    }
}

/// The months a ledger covers, as its series use them.
///
/// **Stray dates.** Real exports carry mistyped years (a 2028 among
/// 2026's rows): the period is the run of months holding most of the rows,
/// where a run is broken by two or more months without a payment. Rows
/// outside it are counted, not used.
///
/// **A partial last month.** An export taken mid-month ends in a month
/// that is not over: its spending is not comparable with a whole month's.
/// The last month is left out as partial when its latest payment is
/// before the month's last day and it holds fewer than half the rows of
/// the period's median month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    pub first: MonthIndex,
    /// The last whole month: the series run to it.
    pub last: MonthIndex,
    /// A month after `last` left out as not over, with its latest date.
    pub partial: Option<(MonthIndex, NaiveDate)>,
    /// Rows dated outside the period: how many, how much.
    pub outside: (usize, f64),
}

/// The period of `ledger`, if it has a row.
pub fn period(ledger: &Ledger) -> Option<Period> {
    let mut counts: BTreeMap<MonthIndex, (usize, NaiveDate)> = BTreeMap::new();
    for t in &ledger.transactions {
        let e = counts
            .entry(month_index(t.date.year(), t.date.month()))
            .or_insert((0, t.date));
        e.0 += 1;
        e.1 = e.1.max(t.date);
    }
    // Runs of months with at most one empty month between them.
    let mut runs: Vec<(MonthIndex, MonthIndex, usize)> = Vec::new();
    for (&m, &(n, _)) in &counts {
        match runs.last_mut() {
            Some(run) if m - run.1 <= 2 => {
                run.1 = m;
                run.2 += n;
            }
            _ => runs.push((m, m, n)),
        }
    }
    let &(first, mut last, _) = runs.iter().max_by_key(|r| (r.2, r.1))?;
    let mut monthly: Vec<usize> = (first..=last)
        .map(|m| counts.get(&m).map_or(0, |c| c.0))
        .collect();
    monthly.sort_unstable();
    let median = monthly[monthly.len() / 2];
    let mut partial = None;
    if last > first {
        let (n, latest) = counts[&last];
        let (y, mo) = year_month(last);
        let month_end = NaiveDate::from_ymd_opt(y, mo, 1)
            .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
            .and_then(|d| d.pred_opt())
            .expect("a calendar month");
        if latest < month_end && 2 * n < median {
            partial = Some((last, latest));
            last -= 1;
        }
    }
    let mut outside = (0, 0.0);
    for t in &ledger.transactions {
        let m = month_index(t.date.year(), t.date.month());
        if m < first || (m > last && partial.is_none_or(|(p, _)| m != p)) {
            outside.0 += 1;
            outside.1 += t.amount;
        }
    }
    Some(Period {
        first,
        last,
        partial,
        outside,
    })
}

/// Every department × account's monthly series over the ledger's
/// [`period`], in department then account order, each running to its
/// last whole month.
pub fn monthly_series(ledger: &Ledger) -> (Option<Period>, Vec<Series>) {
    let Some(p) = period(ledger) else {
        return (None, Vec::new());
    };
    let (first, last) = (p.first, p.last);
    let mut sums: BTreeMap<(&str, &str), BTreeMap<MonthIndex, f64>> = BTreeMap::new();
    for t in &ledger.transactions {
        let m = month_index(t.date.year(), t.date.month());
        if m < first || m > last {
            continue;
        }
        let key = (
            ledger.departments.name(t.department),
            ledger.accounts.name(t.account),
        );
        *sums
            .entry(key)
            .or_default()
            .entry(month_index(t.date.year(), t.date.month()))
            .or_default() += t.amount;
    }
    let series = sums
        .into_iter()
        .map(|((department, account), months)| {
            let start = *months.keys().next().expect("a series has a payment");
            let values = (start..=last)
                .map(|m| months.get(&m).copied().unwrap_or(0.0))
                .collect();
            Series {
                department: department.to_string(),
                account: account.to_string(),
                start,
                values,
            }
        })
        .collect();
    (Some(p), series)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stray_year_and_a_partial_last_month_are_left_out() {
        let mut rows: Vec<[&str; 6]> = vec![[
            "집행일자",
            "부서명",
            "계정과목",
            "거래처",
            "적요",
            "집행금액",
        ]];
        let dates: Vec<String> = (1..=3)
            .flat_map(|m| (1..=20).map(move |d| format!("2026-{m:02}-{d:02}")))
            .chain(["2026-04-02".to_string(), "2028-08-01".to_string()])
            .collect();
        for d in &dates {
            rows.push([
                d.as_str(),
                "총무과",
                "업무추진비",
                "가게",
                "간담회",
                "10000",
            ]);
        }
        let grid_rows: Vec<&[&str]> = rows.iter().map(|r| &r[..]).collect();
        let grid = crate::ingest::cell::text_grid("원장", &grid_rows);
        let ledger =
            crate::ingest::ledger_from_grid(grid, "원장.csv", &Default::default()).unwrap();
        let p = period(&ledger).unwrap();
        assert_eq!(
            (p.first, p.last),
            (month_index(2026, 1), month_index(2026, 3))
        );
        assert_eq!(p.partial.map(|(m, _)| m), Some(month_index(2026, 4)));
        assert_eq!(p.outside, (1, 10_000.0), "the 2028 row");
        let (_, series) = monthly_series(&ledger);
        assert_eq!(series[0].values, [200_000.0; 3]);
    }

    #[test]
    fn months_count_across_years() {
        let m = month_index(2025, 11);
        assert_eq!(year_month(m + 3), (2026, 2));
        assert_eq!(month_label(m + 3), "2026-02");
        assert_eq!(month_index(2026, 1) - month_index(2025, 12), 1);
    }
}
