//! Features that depend on the order of payments in time within a group:
//! duplicates, split purchases and recurring bills. Each works on the rows
//! of one group sorted by date, which is a scan, not a group-by.

use std::collections::HashMap;

/// The compact view of a transaction these scans need.
#[derive(Debug, Clone, Copy)]
pub struct Payment<'a> {
    /// Days since the Common Era, for date arithmetic.
    pub day: i64,
    pub amount: f64,
    pub vendor: u32,
    /// False when the ledger names no vendor for the row: vendor-based
    /// patterns (duplicates, splits, series) cannot be judged then.
    pub vendor_known: bool,
    pub department: u32,
    pub account: u32,
    pub voucher: &'a str,
    pub description: &'a str,
}

/// Row indices of payments with a known vendor grouped by `key`, each group
/// sorted by day (then by row, so that ties keep file order and the scan
/// is deterministic).
fn grouped_by<K: std::hash::Hash + Eq>(
    payments: &[Payment<'_>],
    key: impl Fn(&Payment<'_>) -> K,
) -> Vec<Vec<usize>> {
    let mut groups: HashMap<K, Vec<usize>> = HashMap::new();
    for (i, p) in payments.iter().enumerate().filter(|(_, p)| p.vendor_known) {
        groups.entry(key(p)).or_default().push(i);
    }
    let mut out: Vec<Vec<usize>> = groups.into_values().collect();
    for g in &mut out {
        g.sort_by_key(|&i| (payments[i].day, i));
    }
    // HashMap order is random; sort groups so results never depend on it.
    out.sort_by_key(|g| g[0]);
    out
}

/// The later payment of a pair with the same vendor and amount.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Duplicate {
    /// Row index of the earlier payment.
    pub of: usize,
    pub days_apart: i64,
    /// Same department and description too: the same invoice paid twice.
    pub exact: bool,
}

/// Marks payments that repeat an earlier one to the same vendor for the
/// same amount within `window_days`, under another voucher.
pub fn duplicates(payments: &[Payment<'_>], window_days: i64) -> Vec<Option<Duplicate>> {
    let mut out = vec![None; payments.len()];
    let groups = grouped_by(payments, |p| (p.vendor, p.amount.to_bits()));
    for group in groups {
        if group.len() < 2 {
            continue;
        }
        for w in 1..group.len() {
            let later = group[w];
            let p = &payments[later];
            if p.amount <= 0.0 {
                continue;
            }
            // The nearest earlier payment in the window with another voucher.
            let earlier = group[..w].iter().rev().copied().find(|&e| {
                let q = &payments[e];
                p.day - q.day <= window_days && (p.voucher.is_empty() || p.voucher != q.voucher)
            });
            let Some(e) = earlier else { continue };
            let q = &payments[e];
            if p.day - q.day > window_days {
                continue;
            }
            out[later] = Some(Duplicate {
                of: e,
                days_apart: p.day - q.day,
                exact: p.department == q.department && p.description == q.description,
            });
        }
    }
    out
}

/// Where the limit a split dodges comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LimitSource {
    /// No limit is known: the parts sit just under the same round amount.
    RoundAmount,
    /// Read off the ledger's amounts ([`super::limits`]).
    Found,
    /// Known for this kind of ledger in its currency (`profile`).
    Profile,
    /// Named by the configuration.
    Configured,
}

/// A per-payment limit and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    pub amount: f64,
    pub source: LimitSource,
}

/// A payment that is part of a purchase split to stay under a limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Split {
    pub parts: u32,
    pub total: f64,
    pub days: i64,
    pub limit: Limit,
    /// Every part has the same description: one purchase cut into pieces.
    pub same_description: bool,
    /// Every part sits just under the limit (within [`super::limits::BIN_WIDTH`]
    /// on the log scale): as close to it as the splitter dared.
    pub just_under: bool,
}

/// Finds runs of payments from one department to one vendor, in one
/// account, within `window_days` where each is under a limit but together
/// they exceed it:
/// - under the account's known limit (`limit_of`: configured or found),
///   parts of at least `min_share` of it;
/// - where no limit is known, or besides it, parts under the same round
///   amount (the smallest one above each of them), together over it.
///
/// A payment in several runs keeps the one with the best-known limit, then
/// the largest total.
pub fn splits(
    payments: &[Payment<'_>],
    window_days: i64,
    min_share: f64,
    limit_of: impl Fn(&Payment<'_>) -> Option<Limit>,
) -> Vec<Option<Split>> {
    let mut out: Vec<Option<Split>> = vec![None; payments.len()];
    let groups = grouped_by(payments, |p| (p.vendor, p.department, p.account));
    for group in groups {
        if group.len() < 2 {
            continue;
        }
        if let Some(limit) = limit_of(&payments[group[0]]) {
            let eligible: Vec<usize> = group
                .iter()
                .copied()
                .filter(|&i| {
                    let a = payments[i].amount;
                    a < limit.amount && a >= min_share * limit.amount
                })
                .collect();
            runs_over(payments, &eligible, limit, window_days, &mut out);
        }
        // Parts under one round amount, bucketed by that amount.
        let mut by_ceiling: HashMap<u64, Vec<usize>> = HashMap::new();
        for &i in &group {
            let a = payments[i].amount;
            if a > 0.0 {
                let ceiling = super::limits::round_ceiling(a);
                by_ceiling.entry(ceiling.to_bits()).or_default().push(i);
            }
        }
        let mut buckets: Vec<(u64, Vec<usize>)> = by_ceiling.into_iter().collect();
        buckets.sort_by_key(|(_, rows)| rows[0]);
        for (ceiling, rows) in buckets {
            let limit = Limit {
                amount: f64::from_bits(ceiling),
                source: LimitSource::RoundAmount,
            };
            runs_over(payments, &rows, limit, window_days, &mut out);
        }
    }
    out
}

/// Marks every window of `eligible` (day-sorted rows of one group) of two
/// or more payments within `window_days` whose total exceeds `limit`.
fn runs_over(
    payments: &[Payment<'_>],
    eligible: &[usize],
    limit: Limit,
    window_days: i64,
    out: &mut [Option<Split>],
) {
    if eligible.len() < 2 {
        return;
    }
    let mut start = 0;
    let mut sum = 0.0;
    for end in 0..eligible.len() {
        let pe = &payments[eligible[end]];
        sum += pe.amount;
        while pe.day - payments[eligible[start]].day > window_days {
            sum -= payments[eligible[start]].amount;
            start += 1;
        }
        let parts = end - start + 1;
        if parts < 2 || sum <= limit.amount {
            continue;
        }
        let window = &eligible[start..=end];
        let days = pe.day - payments[window[0]].day;
        let first_description = payments[window[0]].description;
        let same_description = !first_description.is_empty()
            && window
                .iter()
                .all(|&i| payments[i].description == first_description);
        let just_under = window
            .iter()
            .all(|&i| (limit.amount / payments[i].amount).ln() <= super::limits::BIN_WIDTH);
        // Equal parts under a round amount nobody named are a repeated
        // payment, which the duplicate scan judges; one fact is not two.
        let first_amount = payments[window[0]].amount;
        let equal_parts = window.iter().all(|&i| payments[i].amount == first_amount);
        if equal_parts && limit.source == LimitSource::RoundAmount {
            continue;
        }
        for &i in window {
            let better = out[i].is_none_or(|s| (limit.source, sum) > (s.limit.source, s.total));
            if better {
                out[i] = Some(Split {
                    parts: parts as u32,
                    total: sum,
                    days,
                    limit,
                    same_description,
                    just_under,
                });
            }
        }
    }
}

/// A payment in a recurring series (same vendor, account and department,
/// about monthly) and how it compares with the series' usual amount.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Recurrence {
    /// Median of the previous (up to six) payments of the series.
    pub usual: f64,
    /// amount / usual.
    pub ratio: f64,
    /// Median absolute deviation of the log amounts of those payments.
    pub log_spread: f64,
    /// How many payments the usual amount and spread were taken from.
    pub window: u32,
    pub payments: u32,
}

/// Most of a bill's payments within a quarter of its median (the median
/// absolute deviation of the log amounts at most ln 1.25).
pub(crate) const BILL_SPREAD: f64 = 0.223_143_551_314_209_7;

fn is_stable(amounts: &[f64]) -> bool {
    let mut positive: Vec<f64> = amounts.iter().copied().filter(|a| *a > 0.0).collect();
    if positive.len() < 3 {
        return false;
    }
    let center = median(&mut positive);
    let mut deviations: Vec<f64> = positive.iter().map(|a| (a / center).ln().abs()).collect();
    median(&mut deviations) <= BILL_SPREAD
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Recognises monthly series: at least six payments whose typical gap is
/// 25–35 days, with most gaps between 20 and 40.
pub fn recurrences(payments: &[Payment<'_>]) -> Vec<Option<Recurrence>> {
    let mut out = vec![None; payments.len()];
    let groups = grouped_by(payments, |p| (p.vendor, p.account, p.department));
    for group in groups {
        if group.len() < 6 {
            continue;
        }
        let mut gaps: Vec<f64> = group
            .windows(2)
            .map(|w| (payments[w[1]].day - payments[w[0]].day) as f64)
            .collect();
        let monthly_gaps = gaps.iter().filter(|g| (20.0..=40.0).contains(*g)).count();
        let typical = median(&mut gaps);
        if !(25.0..=35.0).contains(&typical) || (monthly_gaps as f64) < 0.6 * gaps.len() as f64 {
            continue;
        }
        let amounts: Vec<f64> = group.iter().map(|&i| payments[i].amount).collect();
        // A bill is a stable amount: a vendor paid monthly whatever it is
        // owed is a regular vendor, not a series with a usual amount.
        if !is_stable(&amounts) {
            continue;
        }
        for (pos, &i) in group.iter().enumerate() {
            // The usual amount is what came before (so a jump stands out
            // against history), or the following payments for the first few.
            let mut window: Vec<f64> = if pos >= 3 {
                amounts[pos.saturating_sub(6)..pos].to_vec()
            } else {
                amounts[pos + 1..(pos + 7).min(amounts.len())].to_vec()
            };
            let usual = median(&mut window);
            if usual > 0.0 {
                let mut deviations: Vec<f64> = window
                    .iter()
                    .filter(|a| **a > 0.0)
                    .map(|a| (a / usual).ln().abs())
                    .collect();
                out[i] = Some(Recurrence {
                    usual,
                    ratio: payments[i].amount / usual,
                    log_spread: if deviations.is_empty() {
                        0.0
                    } else {
                        median(&mut deviations)
                    },
                    window: window.len() as u32,
                    payments: group.len() as u32,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pay(day: i64, amount: f64, vendor: u32, voucher: &'static str) -> Payment<'static> {
        Payment {
            day,
            amount,
            vendor,
            vendor_known: true,
            department: 0,
            account: 0,
            voucher,
            description: "",
        }
    }

    #[test]
    fn duplicate_within_window_under_another_voucher() {
        let p = [
            pay(0, 500_000.0, 1, "V1"),
            pay(2, 500_000.0, 1, "V2"),
            pay(40, 500_000.0, 1, "V3"),
            pay(41, 500_000.0, 2, "V4"),
            pay(1, 700_000.0, 1, "V5"),
        ];
        let d = duplicates(&p, 5);
        assert_eq!(d[0], None);
        let dup = d[1].unwrap();
        assert_eq!((dup.of, dup.days_apart, dup.exact), (0, 2, true));
        assert_eq!(d[2], None, "40 days later is not a duplicate");
        assert_eq!(d[3], None, "another vendor");
        assert_eq!(d[4], None);
    }

    #[test]
    fn unknown_vendors_are_never_duplicates_or_splits() {
        let mut p = [pay(0, 15_000_000.0, 0, "a"), pay(1, 15_000_000.0, 0, "b")];
        for q in &mut p {
            q.vendor_known = false;
        }
        assert_eq!(duplicates(&p, 5), vec![None, None]);
        let limit = Limit {
            amount: 20_000_000.0,
            source: LimitSource::Configured,
        };
        assert_eq!(splits(&p, 7, 0.25, |_| Some(limit)), vec![None, None]);
    }

    #[test]
    fn same_voucher_lines_are_not_duplicates() {
        let p = [pay(0, 100.0, 1, "V1"), pay(0, 100.0, 1, "V1")];
        assert_eq!(duplicates(&p, 5), vec![None, None]);
    }

    #[test]
    fn parts_just_under_one_round_amount_are_a_split_without_a_limit() {
        let p = [
            pay(0, 480_000.0, 1, "a"),
            pay(0, 490_000.0, 1, "b"),
            pay(0, 20_000.0, 1, "c"),
            pay(10, 470_000.0, 1, "d"),
        ];
        let s = splits(&p, 3, 0.25, |_| None);
        let first = s[0].expect("480,000 + 490,000 under 500,000");
        assert_eq!(first.limit.amount, 500_000.0);
        assert_eq!(first.limit.source, LimitSource::RoundAmount);
        assert_eq!(first.parts, 2);
        assert!(first.just_under);
        assert!(s[2].is_none() && s[3].is_none());
    }

    #[test]
    fn split_under_limit_found() {
        let limit = Limit {
            amount: 20_000_000.0,
            source: LimitSource::Configured,
        };
        let p = [
            pay(0, 19_000_000.0, 1, "a"),
            pay(3, 18_500_000.0, 1, "b"),
            pay(30, 19_000_000.0, 1, "c"),
            pay(0, 1_000_000.0, 2, "d"),
            pay(1, 25_000_000.0, 2, "e"),
        ];
        let s = splits(&p, 7, 0.15, |_| Some(limit));
        let first = s[0].unwrap();
        assert_eq!(first.parts, 2);
        assert_eq!(first.total, 37_500_000.0);
        assert!(s[1].is_some());
        assert!(s[2].is_none(), "a month later is its own purchase");
        assert!(
            s[3].is_none() && s[4].is_none(),
            "over-limit payments are not splits"
        );
    }

    #[test]
    fn monthly_bill_jump() {
        let mut p: Vec<Payment> = (0..12)
            .map(|m| pay(m * 30, 100_000.0 + m as f64, 1, ""))
            .collect();
        p[10].amount = 400_000.0;
        let r = recurrences(&p);
        assert!(r.iter().all(Option::is_some));
        let jump = r[10].unwrap();
        assert!((jump.ratio - 4.0).abs() < 0.1, "{jump:?}");
        assert!((r[5].unwrap().ratio - 1.0).abs() < 0.01);
        // Irregular payments are not a series.
        let irregular: Vec<Payment> = [0, 3, 90, 91, 200, 400, 401]
            .iter()
            .map(|&d| pay(d, 1.0, 1, ""))
            .collect();
        assert!(recurrences(&irregular).iter().all(Option::is_none));
        // Monthly payments of whatever is owed are not a bill.
        let varying: Vec<Payment> = (0..12)
            .map(|m| pay(m * 30, [100.0, 900.0, 40.0, 2500.0][m as usize % 4], 1, ""))
            .collect();
        assert!(recurrences(&varying).iter().all(Option::is_none));
    }
}
