//! What the ledger spent against each budget line, by fiscal month: a
//! payment counts against the line of its department and its budget item
//! (예산과목, where the ledger has that column), else its account; a line
//! with no department takes its item's payments from every department.
//! The fiscal year is the calendar year of the ledger's latest payment
//! (Korean public bodies' year); payments of other years, and payments no
//! line matches, are counted apart, never dropped silently.

use std::collections::HashMap;

use chrono::Datelike;

use super::execution::{BudgetLine, MONTHS};
use crate::ingest::Ledger;

/// Each line's spending by fiscal month, and what no line took.
#[derive(Debug, Clone, PartialEq)]
pub struct Spent {
    pub year: i32,
    /// The latest month with a payment (1 to 12): the rates run to it.
    pub through: usize,
    /// In the budget's line order.
    pub by_line: Vec<[f64; MONTHS]>,
    /// Payments of the year no line matched: how many, how much.
    pub unmatched: (usize, f64),
    /// Payments of other years: how many, how much.
    pub other_years: (usize, f64),
}

fn key(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Sums the ledger's payments onto `lines`.
pub fn spent(ledger: &Ledger, lines: &[BudgetLine]) -> Spent {
    let year = ledger
        .transactions
        .iter()
        .map(|t| t.date)
        .max()
        .map_or(0, |d| d.year());
    let mut by_both: HashMap<(String, String), usize> = HashMap::new();
    let mut by_item: HashMap<String, usize> = HashMap::new();
    for (i, line) in lines.iter().enumerate() {
        if line.department.is_empty() {
            by_item.entry(key(&line.item)).or_insert(i);
        } else {
            by_both
                .entry((key(&line.department), key(&line.item)))
                .or_insert(i);
        }
    }
    let mut out = Spent {
        year,
        through: 0,
        by_line: vec![[0.0; MONTHS]; lines.len()],
        unmatched: (0, 0.0),
        other_years: (0, 0.0),
    };
    for t in &ledger.transactions {
        if t.date.year() != year {
            out.other_years.0 += 1;
            out.other_years.1 += t.amount;
            continue;
        }
        let item = match t.budget_item {
            Some(id) => ledger.others.name(id),
            None => ledger.accounts.name(t.account),
        };
        let (department, item) = (key(ledger.departments.name(t.department)), key(item));
        let line = by_both
            .get(&(department, item.clone()))
            .or_else(|| by_item.get(&item));
        let month = t.date.month() as usize;
        out.through = out.through.max(month);
        match line {
            Some(&i) => out.by_line[i][month - 1] += t.amount,
            None => {
                out.unmatched.0 += 1;
                out.unmatched.1 += t.amount;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::execution::Thresholds;
    use crate::ingest::cell::Grid;
    use crate::vocabulary::ExecutionWarning;

    fn grid(rows: &[[&str; 5]]) -> Grid {
        let rows: Vec<&[&str]> = rows.iter().map(|r| r.as_slice()).collect();
        crate::ingest::cell::text_grid("원장", &rows)
    }

    /// A ledger and a budget small enough to check by hand.
    #[test]
    fn a_ledger_against_its_budget_by_hand() {
        let ledger = crate::ingest::ledger_from_grid(
            grid(&[
                ["집행일자", "부서명", "계정과목", "거래처", "집행금액"],
                ["2026-01-10", "총무과", "업무추진비", "식당A", "1,000,000"],
                ["2026-02-05", "총무과", "업무추진비", "식당B", "500,000"],
                ["2026-03-03", "총무과", "업무추진비", "식당A", "3,500,000"],
                ["2026-03-10", "시설과", "시설비", "건설", "2,000,000"],
                ["2026-02-01", "인사과", "교육비", "학원", "300,000"],
                ["2025-12-30", "총무과", "업무추진비", "식당C", "100,000"],
            ]),
            "원장.xlsx",
            &Default::default(),
        )
        .unwrap();
        let lines = vec![
            BudgetLine {
                department: "총무과".into(),
                item: "업무추진비".into(),
                allocation: 12_000_000.0,
                monthly: None,
            },
            BudgetLine {
                department: "".into(),
                item: "시설비".into(),
                allocation: 24_000_000.0,
                monthly: None,
            },
        ];
        let s = spent(&ledger, &lines);
        assert_eq!((s.year, s.through), (2026, 3));
        assert_eq!(&s.by_line[0][..3], &[1_000_000.0, 500_000.0, 3_500_000.0]);
        assert_eq!(
            s.by_line[1][2], 2_000_000.0,
            "a line without a department takes every department's"
        );
        assert_eq!(s.unmatched, (1, 300_000.0));
        assert_eq!(s.other_years, (1, 100_000.0));
        let t = Thresholds {
            over_rate: 1.0,
            under_rate: 0.8,
        };
        let rows = lines[0].execution(&s.by_line[0], s.through, t);
        // March: 5,000,000 of 12,000,000 with 3/12 planned → 5/3 at year end.
        assert_eq!(rows[2].cumulative, 5_000_000.0);
        assert!((rows[2].projected.unwrap() - 5.0 / 3.0).abs() < 1e-12);
        assert_eq!(rows[2].warning, Some(ExecutionWarning::Over));
        // 시설비: 2,000,000 of 24,000,000 by March against 6,000,000 planned.
        let rows = lines[1].execution(&s.by_line[1], s.through, t);
        assert!((rows[2].projected.unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(rows[2].warning, Some(ExecutionWarning::Under));
    }
}
