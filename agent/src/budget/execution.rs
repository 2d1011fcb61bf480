//! Execution rates (issue 13.2): per budget line (department × item) and
//! month of the fiscal year, what was spent, the cumulative execution rate,
//! the pace the plan called for by then, the deviation, and where the year
//! will end at this pace; a line heading over or under its budget is
//! warned as soon as the projection says so.
//!
//! **Planned pace.** The share of the year's allocation the plan meant to
//! have spent by the end of month `m`: the monthly allocations' running sum
//! over the year's, where the budget gives them (배정액 by month), else
//! linear, `m / 12`.
//!
//! **Projection.** The year-end rate if the rest of the year keeps the
//! pace of the year so far against the plan: `rate / planned`. Spending at
//! exactly the planned pace ends at 100%; half the planned pace ends at
//! 50%. With linear pace this is the run rate, `rate × 12 / m`. A line
//! with nothing planned yet has no projection (its spending, if any, is
//! already ahead of a plan of zero, and the rate says so).
//!
//! **Warnings.** Over-execution when the projection passes
//! `[budget] over_rate` (1.0: the year would end over its budget) or the
//! rate already has; under-execution when the projection is below
//! `[budget] under_rate` (0.8). Both from the config: what counts as
//! under-spent is an institution's rule, not a statistic.

use serde::{Deserialize, Serialize};

use crate::vocabulary::ExecutionWarning;

/// Months in a fiscal year.
pub const MONTHS: usize = 12;

/// One line of a budget: what a department may spend on an item in the
/// year.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetLine {
    pub department: String,
    pub item: String,
    /// The year's allocation, revisions included (예산현액).
    pub allocation: f64,
    /// The allocation by fiscal month (배정액), where the budget gives it.
    pub monthly: Option<[f64; MONTHS]>,
}

/// The thresholds a line is warned at (`[budget]` in the config).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub over_rate: f64,
    pub under_rate: f64,
}

/// One budget line in one month of the fiscal year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Execution {
    pub department: String,
    pub item: String,
    /// 1 to 12, the fiscal year's month.
    pub month: usize,
    pub allocation: f64,
    /// Spent in this month.
    pub spent: f64,
    /// Spent from the year's start to this month's end.
    pub cumulative: f64,
    /// `cumulative / allocation` (`None` for a line with no allocation).
    pub rate: Option<f64>,
    /// The share of the allocation the plan meant spent by now.
    pub planned: f64,
    /// `rate − planned`.
    pub deviation: Option<f64>,
    /// The year-end rate at this pace (`None` while nothing is planned).
    pub projected: Option<f64>,
    pub warning: Option<ExecutionWarning>,
}

impl BudgetLine {
    /// The share of the allocation planned to be spent by the end of
    /// fiscal month `month` (1-based).
    pub fn planned_by(&self, month: usize) -> f64 {
        match &self.monthly {
            Some(by_month) => {
                let year: f64 = by_month.iter().sum();
                if year > 0.0 {
                    by_month[..month].iter().sum::<f64>() / year
                } else {
                    month as f64 / MONTHS as f64
                }
            }
            None => month as f64 / MONTHS as f64,
        }
    }

    /// Months 1 to `through` of this line, from what was spent in each
    /// month of the fiscal year.
    pub fn execution(
        &self,
        spent: &[f64; MONTHS],
        through: usize,
        thresholds: Thresholds,
    ) -> Vec<Execution> {
        let mut cumulative = 0.0;
        (1..=through.min(MONTHS))
            .map(|month| {
                let this_month = spent[month - 1];
                cumulative += this_month;
                let planned = self.planned_by(month);
                let rate = (self.allocation > 0.0).then(|| cumulative / self.allocation);
                let projected = rate.filter(|_| planned > 0.0).map(|r| r / planned);
                let warning = match (rate, projected) {
                    (Some(r), _) if r > thresholds.over_rate => Some(ExecutionWarning::Over),
                    (_, Some(p)) if p > thresholds.over_rate => Some(ExecutionWarning::Over),
                    (_, Some(p)) if p < thresholds.under_rate => Some(ExecutionWarning::Under),
                    _ => None,
                };
                Execution {
                    department: self.department.clone(),
                    item: self.item.clone(),
                    month,
                    allocation: self.allocation,
                    spent: this_month,
                    cumulative,
                    rate,
                    planned,
                    deviation: rate.map(|r| r - planned),
                    projected,
                    warning,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Thresholds = Thresholds {
        over_rate: 1.0,
        under_rate: 0.8,
    };

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    /// 12,000,000 for the year, linear: 1,000,000 a month is on plan.
    #[test]
    fn a_linear_budget_by_hand() {
        let line = BudgetLine {
            department: "총무과".into(),
            item: "업무추진비".into(),
            allocation: 12_000_000.0,
            monthly: None,
        };
        let mut spent = [0.0; MONTHS];
        spent[0] = 1_000_000.0; // January: on plan.
        spent[1] = 500_000.0; // February: 1.5M of a planned 2M.
        spent[2] = 3_500_000.0; // March: 5M of a planned 3M.
        let rows = line.execution(&spent, 3, T);
        assert_eq!(rows.len(), 3);
        // January: 1/12 spent, 1/12 planned, ends the year at 100%.
        let jan = &rows[0];
        assert!(close(jan.rate.unwrap(), 1.0 / 12.0));
        assert!(close(jan.planned, 1.0 / 12.0));
        assert!(close(jan.deviation.unwrap(), 0.0));
        assert!(close(jan.projected.unwrap(), 1.0));
        assert_eq!(jan.warning, None, "on plan: neither over nor under");
        // February: 1.5M / 12M = 0.125, planned 2/12; 0.125 × 6 = 0.75 < 0.8.
        let feb = &rows[1];
        assert!(close(feb.cumulative, 1_500_000.0));
        assert!(close(feb.rate.unwrap(), 0.125));
        assert!(close(feb.deviation.unwrap(), 0.125 - 2.0 / 12.0));
        assert!(close(feb.projected.unwrap(), 0.75));
        assert_eq!(feb.warning, Some(ExecutionWarning::Under));
        // March: 5M / 12M, planned 3/12: the year would end at 5/3 = 166.7%.
        let mar = &rows[2];
        assert!(close(mar.spent, 3_500_000.0));
        assert!(close(mar.projected.unwrap(), 5.0 / 3.0));
        assert_eq!(mar.warning, Some(ExecutionWarning::Over));
    }

    /// Monthly allocations: a line planned to spend mostly in the second
    /// half is not under-spent in spring.
    #[test]
    fn monthly_allocations_set_the_pace() {
        let mut by_month = [500_000.0; MONTHS];
        for m in by_month.iter_mut().skip(6) {
            *m = 1_500_000.0;
        }
        // 6 × 0.5M + 6 × 1.5M = 12M.
        let line = BudgetLine {
            department: "시설과".into(),
            item: "시설비".into(),
            allocation: 12_000_000.0,
            monthly: Some(by_month),
        };
        assert!(close(line.planned_by(3), 1_500_000.0 / 12_000_000.0));
        assert!(close(line.planned_by(12), 1.0));
        let mut spent = [0.0; MONTHS];
        spent[0] = 400_000.0;
        spent[1] = 500_000.0;
        spent[2] = 600_000.0;
        let rows = line.execution(&spent, 3, T);
        // 1.5M spent of 1.5M planned by March: 100% at year end, with the
        // linear pace it would have looked like 12.5% of 25% planned.
        let mar = &rows[2];
        assert!(close(mar.rate.unwrap(), 0.125));
        assert!(close(mar.planned, 0.125));
        assert!(close(mar.projected.unwrap(), 1.0));
        // January: 0.4M of 0.5M planned → 80%, just at the under threshold.
        assert!(close(rows[0].projected.unwrap(), 0.8));
        assert_eq!(rows[0].warning, None);
    }

    #[test]
    fn no_allocation_or_nothing_planned_yet_has_no_projection() {
        let none = BudgetLine {
            department: "d".into(),
            item: "i".into(),
            allocation: 0.0,
            monthly: None,
        };
        let rows = none.execution(&[100.0; MONTHS], 2, T);
        assert_eq!(
            (rows[1].rate, rows[1].projected, rows[1].warning),
            (None, None, None)
        );
        let late = BudgetLine {
            monthly: Some([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]),
            allocation: 12.0,
            ..none
        };
        let rows = late.execution(&[1.0; MONTHS], 1, T);
        assert_eq!(rows[0].planned, 0.0);
        assert_eq!(rows[0].projected, None);
        assert!(close(rows[0].rate.unwrap(), 1.0 / 12.0));
        // Spending past the allocation is over whatever the plan.
        let rows = late.execution(&[13.0; MONTHS], 1, T);
        assert_eq!(rows[0].warning, Some(ExecutionWarning::Over));
    }
}
