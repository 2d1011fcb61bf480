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
    /// How many times this vendor was paid this exact amount in the whole
    /// ledger: a standard price paid often is a weaker sign.
    pub times_seen: u32,
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
        let times_seen = group.len() as u32;
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
                times_seen,
            });
        }
    }
    out
}

/// A payment that is part of a purchase split to stay under a limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Split {
    pub parts: u32,
    pub total: f64,
    pub days: i64,
    pub limit: f64,
    /// The largest part as a share of the limit: splitters stay just under it.
    pub largest_share: f64,
    /// Every part has the same description: one purchase cut into pieces.
    pub same_description: bool,
}

/// Finds runs of payments from one department to one vendor, in one account, within
/// `window_days` where each is under the limit (and at least
/// `min_share` of it) but together they exceed it. `limit_of` gives the
/// approval limit of a payment's account.
pub fn splits(
    payments: &[Payment<'_>],
    window_days: i64,
    min_share: f64,
    limit_of: impl Fn(&Payment<'_>) -> f64,
) -> Vec<Option<Split>> {
    let mut out: Vec<Option<Split>> = vec![None; payments.len()];
    let groups = grouped_by(payments, |p| (p.vendor, p.department, p.account));
    for group in groups {
        let eligible: Vec<usize> = group
            .into_iter()
            .filter(|&i| {
                let p = &payments[i];
                let limit = limit_of(p);
                p.amount < limit && p.amount >= min_share * limit
            })
            .collect();
        if eligible.len() < 2 {
            continue;
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
            let limit = limit_of(pe);
            let parts = end - start + 1;
            if parts >= 2 && sum > limit {
                let window = &eligible[start..=end];
                let days = pe.day - payments[window[0]].day;
                let largest = window
                    .iter()
                    .map(|&i| payments[i].amount)
                    .fold(0.0, f64::max);
                let first_description = payments[window[0]].description;
                let same_description = !first_description.is_empty()
                    && window
                        .iter()
                        .all(|&i| payments[i].description == first_description);
                for &i in window {
                    // Keep the largest split a payment belongs to.
                    let better = out[i].is_none_or(|s| s.total < sum);
                    if better {
                        out[i] = Some(Split {
                            parts: parts as u32,
                            total: sum,
                            days,
                            limit,
                            largest_share: largest / limit,
                            same_description,
                        });
                    }
                }
            }
        }
    }
    out
}

/// A payment in a recurring series (same vendor, account and department,
/// about monthly) and how it compares with the series' usual amount.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Recurrence {
    /// Median of the previous (up to six) payments of the series.
    pub usual: f64,
    /// amount / usual.
    pub ratio: f64,
    pub payments: u32,
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
                out[i] = Some(Recurrence {
                    usual,
                    ratio: payments[i].amount / usual,
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
        assert_eq!(splits(&p, 7, 0.25, |_| 20_000_000.0), vec![None, None]);
    }

    #[test]
    fn same_voucher_lines_are_not_duplicates() {
        let p = [pay(0, 100.0, 1, "V1"), pay(0, 100.0, 1, "V1")];
        assert_eq!(duplicates(&p, 5), vec![None, None]);
    }

    #[test]
    fn split_under_limit_found() {
        let limit = 20_000_000.0;
        let p = [
            pay(0, 19_000_000.0, 1, "a"),
            pay(3, 18_500_000.0, 1, "b"),
            pay(30, 19_000_000.0, 1, "c"),
            pay(0, 1_000_000.0, 2, "d"),
            pay(1, 25_000_000.0, 2, "e"),
        ];
        let s = splits(&p, 7, 0.15, |_| limit);
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
    }
}
