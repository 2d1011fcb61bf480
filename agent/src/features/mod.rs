//! Features: Ledger -> per-row facts the models and rules read.
//!
//! Group norms and frequencies come from polars group-bys ([`groups`]);
//! time-ordered patterns from scans ([`sequences`]); calendar facts from
//! [`calendar`] and the holiday table; first-digit tests from [`benford`].
//! Every feature keeps the numbers a reason will quote.

pub mod benford;
pub mod calendar;
pub mod groups;
pub mod holidays;
pub mod limits;
pub mod sequences;
pub mod spread;

use std::collections::HashMap;

use chrono::Datelike;
use polars::prelude::PolarsResult;

use crate::config::{Config, Resolved};
use crate::ingest::{Ledger, Transaction};
use crate::money::Currency;
use crate::profile::Profile;
use benford::DigitCounts;
use calendar::CalendarFacts;
use groups::{dense_ids, key2, RobustStats};
pub use limits::FoundLimit;
pub use sequences::{Duplicate, Limit, LimitSource, Recurrence, Split};

/// A row's amount against a group's typical amount.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Deviation {
    /// The group's median amount in won.
    pub median: f64,
    /// amount / median.
    pub ratio: f64,
    /// Robust z of log(amount): (log a − median) / the group's moderated
    /// spread ([`spread`]).
    pub z: f64,
    /// Degrees of freedom of that z (Student's t).
    pub freedom: f64,
    pub group_size: u32,
}

/// Many small payments to one vendor from one department in one month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SmallRepeat {
    pub count: u32,
    pub sum: f64,
    /// The pair's usual number of small payments per month (mean over the
    /// ledger's other months, zeros included).
    pub usual_count: f64,
    /// How many other months that mean is over.
    pub other_months: f64,
    /// The variance of the pair's count over those months.
    pub variance: f64,
}

/// Spending of a department and account in the last fortnight of a fiscal
/// year against that pair's usual half-month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YearEnd {
    pub late_december_sum: f64,
    /// late_december_sum / (the pair's average spending per half month).
    pub ratio: f64,
}

/// First-digit statistics of a group of payments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BenfordStat {
    /// MAD against plain Benford, the figure auditors know.
    pub benford_mad: f64,
    /// MAD and chi-square against the scale-adjusted expectation (see
    /// [`benford`]): what the signal judges by.
    pub mad: f64,
    pub chi_square: f64,
    pub count: u32,
    pub excess_digit: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Features {
    pub len: usize,
    /// Each row's amount, as the ledger gives it.
    pub amount: Vec<f64>,
    pub log_amount: Vec<f64>,
    /// Each row's amount against its department–account norm
    /// ([`Features::dept_account`]).
    dept_account: Norms,
    /// Against its account's ([`Features::account`]).
    account: Norms,
    /// Against the vendor's own payments in the row's account
    /// ([`Features::vendor_norm`]).
    vendor_norm: Norms,
    pub vendor_count: Vec<u32>,
    /// Payments to this vendor from this account.
    pub vendor_account_count: Vec<u32>,
    /// This vendor's share of the department's payments.
    pub vendor_dept_share: Vec<f64>,
    /// For small payments: the department's small payments this month
    /// against its usual month (0 for other rows).
    pub dept_small_month_ratio: Vec<f64>,
    /// Share of the department's spending this month paid in the month's
    /// last three days.
    pub month_end_share: Vec<f64>,
    pub recurrence: Vec<Option<Recurrence>>,
    /// At most the small-payment limit (configured, else the account's
    /// median payment).
    pub small: Vec<bool>,
    /// For every payment counted for repeats (not only repeated ones): how
    /// its vendor and department's month compares with their usual month.
    pub small_repeat: Vec<Option<SmallRepeat>>,
    pub duplicate: Vec<Option<Duplicate>>,
    pub split: Vec<Option<Split>>,
    /// 0: not round; 1: a multiple of 100,000; 2: of 1,000,000.
    pub round_level: Vec<u8>,
    /// Share of this account's payments that are multiples of 1,000,000.
    pub account_round_share: Vec<f64>,
    pub calendar: Vec<CalendarFacts>,
    pub year_end: Vec<Option<YearEnd>>,
    /// Per vendor id; None when the vendor has too few payments to judge.
    pub benford_vendor: Vec<Option<BenfordStat>>,
    /// Per department id.
    pub benford_department: Vec<Option<BenfordStat>>,
    /// Vendor id of each row, to look up per-vendor statistics.
    pub vendor_of: Vec<u32>,
    /// False when the row names no vendor.
    pub vendor_known: Vec<bool>,
    /// Department id of each row.
    pub department_of: Vec<u32>,
    /// Settings in force for each account id.
    pub account_settings: Vec<Resolved>,
    /// The per-payment limit of each account id, configured or found.
    pub account_limits: Vec<Option<Limit>>,
}

/// Below this many payments a group's median says little.
pub const MIN_GROUP: u32 = 8;
/// Benford needs enough amounts: Nigrini suggests a few hundred for a
/// full test; 40 non-recurring payments is the least we judge a vendor on.
pub const MIN_BENFORD_VENDOR: u32 = 40;
pub const MIN_BENFORD_DEPARTMENT: u32 = 300;
/// Floor on the spread of log amounts: without it a fixed-price group
/// (MAD 0) would make a one-won difference infinitely unusual.
pub(crate) const MIN_LOG_MAD: f64 = 0.1;

impl Features {
    /// The row's amount against its department–account norm.
    pub fn dept_account(&self, i: usize) -> Deviation {
        self.dept_account
            .deviation(i, self.amount[i], self.log_amount[i])
    }

    /// The row's amount against its account's norm.
    pub fn account(&self, i: usize) -> Deviation {
        self.account
            .deviation(i, self.amount[i], self.log_amount[i])
    }

    /// How many (non-zero) payments the row's account has.
    pub fn account_count(&self, i: usize) -> u32 {
        self.account.group(i).map_or(0, |g| g.count)
    }

    /// The row's amount against what its vendor is usually paid in the
    /// row's account (the default where the row names no vendor).
    pub fn vendor_norm(&self, i: usize) -> Deviation {
        self.vendor_norm
            .deviation(i, self.amount[i], self.log_amount[i])
    }

    /// The Benford statistic of the row's vendor, if it has enough payments.
    pub fn benford_vendor_of_row(&self, i: usize) -> Option<BenfordStat> {
        self.benford_vendor[self.vendor_of[i] as usize].filter(|_| self.vendor_known[i])
    }

    /// The Benford statistic of the row's department, if it has enough payments.
    pub fn benford_department_of_row(&self, i: usize) -> Option<BenfordStat> {
        self.benford_department[self.department_of[i] as usize]
    }
}

/// Groups' amount norms, each kept once, and each row's group: a row's
/// [`Deviation`] is made from the two when asked. Three norms held as
/// deviations per row were 120 bytes a row, the largest part of a million
/// rows' features.
#[derive(Debug, Clone, Default)]
struct Norms {
    groups: Vec<GroupNorm>,
    /// Each row's place in `groups`, or [`Norms::NONE`].
    of_row: Vec<u32>,
}

/// One group's norm: the median and moderated spread of its log amounts.
#[derive(Debug, Clone, Copy)]
struct GroupNorm {
    log_median: f64,
    median: f64,
    sd: f64,
    freedom: f64,
    count: u32,
}

impl Norms {
    const NONE: u32 = u32::MAX;

    /// The norms of `stats` for rows keyed by `keys`; rows `judged` rejects
    /// have none.
    fn new(
        stats: &HashMap<u64, RobustStats>,
        keys: &[u64],
        judged: impl Fn(usize) -> bool,
    ) -> Norms {
        let spreads = spread::moderated(stats);
        let mut place: HashMap<u64, u32> = HashMap::with_capacity(stats.len());
        let mut groups = Vec::with_capacity(stats.len());
        let mut of_row = Vec::with_capacity(keys.len());
        for (i, k) in keys.iter().enumerate() {
            let norm = stats.get(k).zip(spreads.get(k)).filter(|_| judged(i));
            of_row.push(match norm {
                None => Self::NONE,
                Some((s, spread)) => *place.entry(*k).or_insert_with(|| {
                    groups.push(GroupNorm {
                        log_median: s.median,
                        median: s.median.exp(),
                        sd: spread.sd.max(1.4826 * MIN_LOG_MAD),
                        freedom: spread.freedom,
                        count: s.count,
                    });
                    (groups.len() - 1) as u32
                }),
            });
        }
        Norms { groups, of_row }
    }

    /// Row `i`'s group norm, if it has one.
    fn group(&self, i: usize) -> Option<&GroupNorm> {
        self.groups.get(self.of_row[i] as usize)
    }

    fn deviation(&self, i: usize, amount: f64, log_amount: f64) -> Deviation {
        let Some(g) = self.group(i) else {
            return Deviation::default();
        };
        Deviation {
            median: g.median,
            ratio: if g.median > 0.0 {
                amount / g.median
            } else {
                1.0
            },
            z: (log_amount - g.log_median) / g.sd,
            freedom: g.freedom,
            group_size: g.count,
        }
    }
}

/// First-digit statistics per group id, for groups with at least `min`
/// non-recurring payments of 10 won or more.
fn digit_stats(
    group_of: impl Iterator<Item = u32>,
    groups: usize,
    amount: &[f64],
    recurrence: &[Option<Recurrence>],
    min: u32,
) -> Vec<Option<BenfordStat>> {
    let mut digits = vec![DigitCounts::default(); groups];
    // Sums of ln(amount) and its square, for the group's log-normal scale.
    let mut moments = vec![(0.0f64, 0.0f64, 0u32); groups];
    for (i, g) in group_of.enumerate() {
        if recurrence[i].is_some() || benford::first_digit(amount[i]).is_none() {
            continue;
        }
        digits[g as usize].add(amount[i]);
        let l = amount[i].abs().ln();
        let m = &mut moments[g as usize];
        *m = (m.0 + l, m.1 + l * l, m.2 + 1);
    }
    let plain = benford::benford_shares();
    digits
        .iter()
        .zip(&moments)
        .map(|(c, &(s, ss, n))| {
            if c.total() < min {
                return None;
            }
            let n = f64::from(n);
            let mu = s / n;
            let sigma = (ss / n - mu * mu).max(0.0).sqrt();
            let expected = benford::expected_lognormal(mu, sigma);
            Some(BenfordStat {
                benford_mad: c.mad(&plain),
                mad: c.mad(&expected),
                chi_square: c.chi_square(&expected),
                count: c.total(),
                excess_digit: c.most_excess_digit(&expected),
            })
        })
        .collect()
}

/// Each row's spending (refunds count as nothing) where `keep` holds, else 0.
fn spent_where(amount: &[f64], keep: impl Fn(usize) -> bool) -> Vec<f64> {
    amount
        .iter()
        .enumerate()
        .map(|(i, a)| if keep(i) { a.max(0.0) } else { 0.0 })
        .collect()
}

/// For each dense group id, the number of calendar months from its first
/// payment to its last (at least 1).
fn month_spans(group: &[u32], month: &[u32]) -> Vec<u32> {
    let groups = group.iter().max().map_or(0, |m| *m as usize + 1);
    let mut first = vec![u32::MAX; groups];
    let mut last = vec![0u32; groups];
    for (&g, &m) in group.iter().zip(month) {
        first[g as usize] = first[g as usize].min(m);
        last[g as usize] = last[g as usize].max(m);
    }
    first
        .iter()
        .zip(&last)
        .map(|(f, l)| l.saturating_sub(*f) + 1)
        .collect()
}

/// The per-row keys the feature groups share.
struct Keys {
    /// Department × account.
    dept_account: Vec<u64>,
    account: Vec<u64>,
    vendor: Vec<u64>,
    vendor_account: Vec<u64>,
    department: Vec<u32>,
    /// Vendor × department, as dense ids.
    vendor_dept: Vec<u32>,
    /// Months since the ledger's epoch (`calendar::month_index`).
    month: Vec<u32>,
}

impl Keys {
    fn of(tx: &[Transaction]) -> Keys {
        Keys {
            dept_account: tx.iter().map(|t| key2(t.department, t.account)).collect(),
            account: tx.iter().map(|t| u64::from(t.account)).collect(),
            vendor: tx.iter().map(|t| u64::from(t.vendor)).collect(),
            vendor_account: tx.iter().map(|t| key2(t.vendor, t.account)).collect(),
            department: tx.iter().map(|t| t.department).collect(),
            vendor_dept: dense_ids(
                &tx.iter()
                    .map(|t| key2(t.vendor, t.department))
                    .collect::<Vec<_>>(),
            ),
            month: tx.iter().map(|t| calendar::month_index(t.date)).collect(),
        }
    }
}

/// Computes every feature of a ledger, group by group.
pub fn build(
    ledger: &Ledger,
    config: &Config,
    currency: Currency,
    profile: Profile,
) -> PolarsResult<Features> {
    let tx = &ledger.transactions;
    let n = tx.len();
    let account_settings: Vec<Resolved> = (0..ledger.accounts.len() as u32)
        .map(|a| config.resolve(ledger.accounts.name(a)))
        .collect();
    let keys = Keys::of(tx);

    // Log of the positive part: refunds and corrections (negative) are
    // judged by size, not sign.
    let amount: Vec<f64> = tx.iter().map(|t| t.amount).collect();
    let log_amount: Vec<f64> = amount.iter().map(|a| a.abs().max(1.0).ln()).collect();

    // Rows whose vendor the ledger does not name (no vendor column, or a
    // blank cell) are left out of every vendor-based pattern.
    let vendor_known: Vec<bool> = tx
        .iter()
        .map(|t| !ledger.vendors.name(t.vendor).is_empty())
        .collect();
    let (dept_account, account, vendor_norm) =
        amount_norms(&keys, &amount, &log_amount, &vendor_known)?;
    let (round_level, round_share) = round_amounts(&keys, &amount)?;
    let holidays = calendar::Holidays::of(currency);
    let calendar: Vec<CalendarFacts> = tx
        .iter()
        .map(|t| calendar::facts(t.date, holidays))
        .collect();

    // Time-ordered patterns.
    let payments: Vec<sequences::Payment> = tx
        .iter()
        .zip(&vendor_known)
        .map(|(t, &vendor_known)| sequences::Payment {
            day: i64::from(t.date.num_days_from_ce()),
            amount: t.amount,
            vendor: t.vendor,
            vendor_known,
            department: t.department,
            account: t.account,
            voucher: &t.voucher,
            description: &t.description,
        })
        .collect();
    let account_limits = account_limits(ledger, &account_settings, profile.known_limit(currency));
    let limits = &config.limits;
    let duplicate = sequences::duplicates(&payments, limits.duplicate_window_days);
    let split = sequences::splits(
        &payments,
        limits.split_window_days,
        limits.split_min_share,
        |p| account_limits[p.account as usize],
    );
    let recurrence = sequences::recurrences(&payments);

    // Small is the configured limit, else at most the account's median
    // payment: a ledger's own scale, whatever its currency.
    let small: Vec<bool> = (0..n)
        .map(|i| {
            let limit = account_settings[tx[i].account as usize]
                .small_payment_limit
                .unwrap_or_else(|| account.group(i).map_or(0.0, |g| g.median));
            amount[i] > 0.0 && amount[i] <= limit
        })
        .collect();
    let counted = |i: usize| vendor_known[i] && amount[i] > 0.0 && recurrence[i].is_none();
    let small_idx: Vec<usize> = (0..n).filter(|&i| counted(i) && small[i]).collect();
    // Repeats are counted among the small payments where a small-payment
    // limit is configured; else among all of them, since what repeats to
    // stay under a limit is "small" only against a limit nobody named.
    let repeat_idx: Vec<usize> = (0..n)
        .filter(|&i| {
            counted(i)
                && (small[i]
                    || account_settings[tx[i].account as usize]
                        .small_payment_limit
                        .is_none())
        })
        .collect();
    let small_repeat = small_repeats(&keys, &amount, &repeat_idx)?;
    let dept_small_month_ratio = department_small_months(&keys, &small_idx)?;
    let vendor_dept_share = vendor_department_share(&keys)?;
    let positive_amounts = spent_where(&amount, |_| true);
    let month_end_share = month_end_share(&keys, &amount, &positive_amounts, &calendar)?;
    let year_end = year_end(tx, &keys, &amount, &positive_amounts, &calendar)?;

    // First digits per vendor and department, on non-recurring payments
    // (a fixed monthly bill has one digit by nature).
    let benford_vendor = digit_stats(
        tx.iter().map(|t| t.vendor),
        ledger.vendors.len(),
        &amount,
        &recurrence,
        MIN_BENFORD_VENDOR,
    );
    let benford_department = digit_stats(
        tx.iter().map(|t| t.department),
        ledger.departments.len(),
        &amount,
        &recurrence,
        MIN_BENFORD_DEPARTMENT,
    );

    let v_counts = groups::counts(&keys.vendor)?;
    let va_counts = groups::counts(&keys.vendor_account)?;
    let lookup = |map: &HashMap<u64, u32>, k: u64| map.get(&k).copied().unwrap_or(0);
    Ok(Features {
        len: n,
        vendor_count: keys.vendor.iter().map(|&k| lookup(&v_counts, k)).collect(),
        vendor_account_count: keys
            .vendor_account
            .iter()
            .map(|&k| lookup(&va_counts, k))
            .collect(),
        vendor_dept_share,
        dept_small_month_ratio,
        month_end_share,
        account_round_share: keys
            .account
            .iter()
            .map(|k| round_share.get(k).copied().unwrap_or(0.0))
            .collect(),
        amount,
        log_amount,
        dept_account,
        account,
        vendor_norm,
        recurrence,
        small,
        small_repeat,
        duplicate,
        split,
        round_level,
        calendar,
        year_end,
        benford_vendor,
        benford_department,
        vendor_of: tx.iter().map(|t| t.vendor).collect(),
        vendor_known,
        department_of: tx.iter().map(|t| t.department).collect(),
        account_settings,
        account_limits,
    })
}

/// Fewest payments an account needs for its own limit to be looked for;
/// smaller accounts take the one found over the whole ledger.
const MIN_LIMIT_ROWS: usize = 200;

/// Each account's per-payment limit: the configured one (its category's or
/// the global), else the profile's, else the one its amounts show, else
/// the one the whole ledger's amounts show.
fn account_limits(
    ledger: &Ledger,
    settings: &[Resolved],
    profile_limit: Option<f64>,
) -> Vec<Option<Limit>> {
    let mut by_account: Vec<Vec<f64>> = vec![Vec::new(); settings.len()];
    for t in &ledger.transactions {
        if t.amount > 0.0 {
            by_account[t.account as usize].push(t.amount);
        }
    }
    let all: Vec<f64> = by_account.iter().flatten().copied().collect();
    let ledger_limit = limits::find(&all);
    let found = |f: FoundLimit| Limit {
        amount: f.amount,
        source: LimitSource::Found,
    };
    settings
        .iter()
        .zip(&by_account)
        .map(|(s, amounts)| {
            if let Some(amount) = s.approval_limit {
                return Some(Limit {
                    amount,
                    source: LimitSource::Configured,
                });
            }
            if let Some(amount) = profile_limit {
                return Some(Limit {
                    amount,
                    source: LimitSource::Profile,
                });
            }
            let own = (amounts.len() >= MIN_LIMIT_ROWS)
                .then(|| limits::find(amounts))
                .flatten();
            own.or(ledger_limit).map(found)
        })
        .collect()
}

/// The norms each amount is judged against: its department–account's, its
/// account's and (where the row names its vendor) its vendor's.
fn amount_norms(
    keys: &Keys,
    amount: &[f64],
    log_amount: &[f64],
    vendor_known: &[bool],
) -> PolarsResult<(Norms, Norms, Norms)> {
    // A zero amount (a cancelled or placeholder line) is not a payment: it
    // says nothing about what a group usually pays, and left in, a ledger
    // with many of them would put a group's median at 1 won and make every
    // real payment an outlier. The norms are of the non-zero amounts.
    let paid: Vec<usize> = (0..amount.len()).filter(|&i| amount[i] != 0.0).collect();
    let norm = |group: &[u64]| {
        let keys: Vec<u64> = paid.iter().map(|&i| group[i]).collect();
        let values: Vec<f64> = paid.iter().map(|&i| log_amount[i]).collect();
        groups::robust_stats(&keys, &values)
    };
    let da_stats = norm(&keys.dept_account)?;
    let a_stats = norm(&keys.account)?;
    let v_stats = norm(&keys.vendor_account)?;
    Ok((
        Norms::new(&da_stats, &keys.dept_account, |_| true),
        Norms::new(&a_stats, &keys.account, |_| true),
        Norms::new(&v_stats, &keys.vendor_account, |i| vendor_known[i]),
    ))
}

/// Round amounts (2: whole millions, 1: whole hundred-thousands), and the
/// share of whole millions in each account.
fn round_amounts(keys: &Keys, amount: &[f64]) -> PolarsResult<(Vec<u8>, HashMap<u64, f64>)> {
    let round_level: Vec<u8> = amount
        .iter()
        .map(|&a| {
            let a = a.abs();
            if a >= 1_000_000.0 && a % 1_000_000.0 == 0.0 {
                2
            } else if a >= 100_000.0 && a % 100_000.0 == 0.0 {
                1
            } else {
                0
            }
        })
        .collect();
    let is_million: Vec<f64> = round_level.iter().map(|&r| f64::from(r == 2)).collect();
    let round_share = groups::means(&keys.account, &is_million)?;
    Ok((round_level, round_share))
}

/// Small payments per vendor, department and month, against the pair's
/// usual month.
fn small_repeats(
    keys: &Keys,
    amount: &[f64],
    small_idx: &[usize],
) -> PolarsResult<Vec<Option<SmallRepeat>>> {
    let vendor_dept_span = month_spans(&keys.vendor_dept, &keys.month);
    let k_vdm: Vec<u64> = small_idx
        .iter()
        .map(|&i| key2(keys.vendor_dept[i], keys.month[i]))
        .collect();
    let small_amounts: Vec<f64> = small_idx.iter().map(|&i| amount[i]).collect();
    let monthly = groups::count_and_sum(&k_vdm, &small_amounts)?;
    let pair_of_small: Vec<u64> = small_idx
        .iter()
        .map(|&i| u64::from(keys.vendor_dept[i]))
        .collect();
    let small_per_pair = groups::counts(&pair_of_small)?;
    // Sum of squared monthly counts per pair, for the spread of its months.
    let mut squares: HashMap<u64, f64> = HashMap::new();
    for (&key, &(count, _)) in &monthly {
        *squares.entry(key >> 32).or_default() += f64::from(count).powi(2);
    }
    let mut small_repeat = vec![None; amount.len()];
    for (j, &i) in small_idx.iter().enumerate() {
        let (count, sum) = monthly[&k_vdm[j]];
        // The usual month: the pair's small payments in its other months,
        // spread over every month from its first payment to its last
        // (months without any count as zero). A median over only the
        // months with payments would let one burst set its own baseline.
        let total = small_per_pair[&pair_of_small[j]];
        let other_months = f64::from(vendor_dept_span[keys.vendor_dept[i] as usize]) - 1.0;
        let others = f64::from(total - count);
        let usual_count = others / other_months.max(1.0);
        // The other months' variance, zero months included: pairs whose
        // months swing widely (a vendor paid in batches) are judged by
        // their own swing, not by a Poisson's.
        let other_squares = squares[&pair_of_small[j]] - f64::from(count).powi(2);
        let variance = if other_months >= 2.0 {
            ((other_squares - others * others / other_months) / (other_months - 1.0)).max(0.0)
        } else {
            usual_count
        };
        small_repeat[i] = Some(SmallRepeat {
            count,
            sum,
            usual_count,
            other_months,
            variance,
        });
    }
    Ok(small_repeat)
}

/// The same pattern for a whole department: its small payments this month
/// against its usual month.
fn department_small_months(keys: &Keys, small_idx: &[usize]) -> PolarsResult<Vec<f64>> {
    let dept_ids = &keys.department;
    let month = &keys.month;
    let dept_span = month_spans(dept_ids, month);
    let k_dept_month_small: Vec<u64> = small_idx
        .iter()
        .map(|&i| key2(dept_ids[i], month[i]))
        .collect();
    let dept_monthly_small = groups::counts(&k_dept_month_small)?;
    let dept_small_total = counts_of(small_idx.iter().map(|&i| dept_ids[i]))?;
    let mut dept_small_month_ratio = vec![0.0; dept_ids.len()];
    for &i in small_idx {
        // As for vendors: the usual month is the other months' average.
        let this_month = f64::from(dept_monthly_small[&key2(dept_ids[i], month[i])]);
        let total = f64::from(dept_small_total[&u64::from(dept_ids[i])]);
        let other_months = f64::from(dept_span[dept_ids[i] as usize]) - 1.0;
        let usual = (total - this_month) / other_months.max(1.0);
        dept_small_month_ratio[i] = this_month / usual.max(1.0);
    }
    Ok(dept_small_month_ratio)
}

/// Rows per id.
fn counts_of(ids: impl Iterator<Item = u32>) -> PolarsResult<HashMap<u64, u32>> {
    groups::counts(&ids.map(u64::from).collect::<Vec<_>>())
}

/// How rare the vendor is for this department: its share of the
/// department's payments.
fn vendor_department_share(keys: &Keys) -> PolarsResult<Vec<f64>> {
    let vendor_dept_counts = counts_of(keys.vendor_dept.iter().copied())?;
    let dept_counts = counts_of(keys.department.iter().copied())?;
    Ok((0..keys.department.len())
        .map(|i| {
            f64::from(vendor_dept_counts[&u64::from(keys.vendor_dept[i])])
                / f64::from(dept_counts[&u64::from(keys.department[i])])
        })
        .collect())
}

/// Month-end concentration: the share of a department's spending in a
/// month that fell in its last three days.
fn month_end_share(
    keys: &Keys,
    amount: &[f64],
    positive_amounts: &[f64],
    calendar: &[CalendarFacts],
) -> PolarsResult<Vec<f64>> {
    let k_dept_month: Vec<u64> = (0..amount.len())
        .map(|i| key2(keys.department[i], keys.month[i]))
        .collect();
    let month_end_amounts = spent_where(amount, |i| calendar[i].month_end);
    let month_end_sums = groups::count_and_sum(&k_dept_month, &month_end_amounts)?;
    let month_sums = groups::count_and_sum(&k_dept_month, positive_amounts)?;
    Ok(k_dept_month
        .iter()
        .map(|k| month_end_sums[k].1 / month_sums[k].1.max(1.0))
        .collect())
}

/// Year-end concentration per department, account and fiscal year,
/// against the pair's own average half-month over its active span.
fn year_end(
    tx: &[Transaction],
    keys: &Keys,
    amount: &[f64],
    positive_amounts: &[f64],
    calendar: &[CalendarFacts],
) -> PolarsResult<Vec<Option<YearEnd>>> {
    let k_da = &keys.dept_account;
    let dept_account_id = dense_ids(k_da);
    let dept_account_span = month_spans(&dept_account_id, &keys.month);
    let k_dept_account_year: Vec<u64> = (0..amount.len())
        .map(|i| key2(dept_account_id[i], tx[i].date.year() as u32))
        .collect();
    let late_amounts = spent_where(amount, |i| calendar[i].late_december);
    let late_sums = groups::count_and_sum(&k_dept_account_year, &late_amounts)?;
    let pair_totals = groups::count_and_sum(k_da, positive_amounts)?;
    Ok((0..amount.len())
        .map(|i| {
            if !calendar[i].late_december {
                return None;
            }
            let late = late_sums[&k_dept_account_year[i]].1;
            let half_months = 2.0 * f64::from(dept_account_span[dept_account_id[i] as usize]);
            let per_half_month = pair_totals[&k_da[i]].1 / half_months;
            (per_half_month > 0.0).then(|| YearEnd {
                late_december_sum: late,
                ratio: late / per_half_month,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{ledger_from_grid, Cell, Grid, IngestOptions};

    /// A ledger from (date, department, account, vendor, amount) rows.
    fn ledger(rows: &[(&str, &str, &str, &str, f64)]) -> crate::ingest::Ledger {
        let mut cells = vec![["집행일자", "부서명", "계정과목", "거래처", "집행금액"]
            .iter()
            .map(|h| Cell::text(h))
            .collect::<Vec<_>>()];
        for (d, dept, acct, vendor, amount) in rows {
            cells.push(vec![
                Cell::text(d),
                Cell::text(dept),
                Cell::text(acct),
                Cell::text(vendor),
                Cell::Number(*amount),
            ]);
        }
        let grid = Grid {
            sheet: "t".into(),
            first_row: 1,
            rows: cells,
            date1904: false,
        };
        ledger_from_grid(grid, "t.csv", &IngestOptions::default()).unwrap()
    }

    #[test]
    fn a_burst_of_small_payments_does_not_set_its_own_baseline() {
        let mut rows = Vec::new();
        // One payment a month for a year, then twenty in one month.
        let dates: Vec<String> = (1..=12).map(|m| format!("2023-{m:02}-10")).collect();
        for d in &dates {
            rows.push((d.as_str(), "총무과", "소모품비", "상사", 100_000.0));
        }
        let burst: Vec<String> = (1..=20).map(|d| format!("2024-01-{d:02}")).collect();
        for d in &burst {
            rows.push((d.as_str(), "총무과", "소모품비", "상사", 300_000.0));
        }
        let l = ledger(&rows);
        let mut config = Config::default();
        config.limits.small_payment_limit = Some(500_000.0);
        let f = build(&l, &config, Currency::Krw, Profile::Ledger).unwrap();
        let last = f.small_repeat[l.len() - 1].unwrap();
        assert_eq!(last.count, 20);
        assert!(last.usual_count <= 1.0, "{last:?}");
        assert!(f.dept_small_month_ratio[l.len() - 1] > 10.0);
    }

    /// A ledger with many zero-amount lines (cancellations, placeholders)
    /// keeps its norms from the payments: an ordinary payment stays
    /// ordinary, and a tenfold one is ten times the median.
    #[test]
    fn zero_amounts_do_not_set_the_norm() {
        let days: Vec<String> = (1..=28).map(|d| format!("2024-03-{d:02}")).collect();
        let mut rows = Vec::new();
        for d in &days[..20] {
            rows.push((d.as_str(), "총무과", "업무추진비", "식당", 0.0));
        }
        for d in &days[20..27] {
            rows.push((d.as_str(), "총무과", "업무추진비", "식당", 80_000.0));
        }
        rows.push((days[27].as_str(), "총무과", "업무추진비", "식당", 800_000.0));
        let l = ledger(&rows);
        let f = build(&l, &Config::default(), Currency::Krw, Profile::Ledger).unwrap();
        let ordinary = f.dept_account(20);
        assert!((ordinary.median - 80_000.0).abs() < 1.0, "{ordinary:?}");
        assert!((ordinary.ratio - 1.0).abs() < 1e-9, "{ordinary:?}");
        assert_eq!(ordinary.group_size, 8, "the payments, not the zero lines");
        assert!((f.dept_account(27).ratio - 10.0).abs() < 1e-6);
    }

    #[test]
    fn a_named_limit_wins_over_the_profile() {
        let l = ledger(&[("2024-03-05", "총무과", "업무추진비", "식당", 80_000.0)]);
        let of = |config: &Config, currency| {
            build(&l, config, currency, Profile::Card)
                .unwrap()
                .account_limits[0]
        };
        let profile = of(&Config::default(), Currency::Krw).unwrap();
        assert_eq!(
            (profile.amount, profile.source),
            (500_000.0, LimitSource::Profile)
        );
        let mut named = Config::default();
        named.limits.approval_limit = Some(1_000.0);
        let configured = of(&named, Currency::Krw).unwrap();
        assert_eq!(
            (configured.amount, configured.source),
            (1_000.0, LimitSource::Configured)
        );
        assert_eq!(
            of(&Config::default(), Currency::Gbp),
            None,
            "no amount assumed in pounds"
        );
    }

    #[test]
    fn vendor_share_and_month_end_share() {
        let l = ledger(&[
            ("2024-03-05", "총무과", "여비", "코레일", 100.0),
            ("2024-03-06", "총무과", "여비", "코레일", 100.0),
            ("2024-03-07", "총무과", "여비", "코레일", 100.0),
            ("2024-03-30", "총무과", "여비", "버스", 300.0),
        ]);
        let f = build(&l, &Config::default(), Currency::Krw, Profile::Ledger).unwrap();
        assert_eq!(f.vendor_dept_share[0], 0.75);
        assert_eq!(f.vendor_dept_share[3], 0.25);
        assert!(
            (f.month_end_share[0] - 0.5).abs() < 1e-9,
            "{}",
            f.month_end_share[0]
        );
        assert!(f.calendar[3].month_end && !f.calendar[0].month_end);
    }

    #[test]
    fn blank_vendors_are_not_a_vendor() {
        let l = ledger(&[
            ("2024-03-05", "총무과", "용역비", "", 15_000_000.0),
            ("2024-03-06", "총무과", "용역비", "", 15_000_000.0),
        ]);
        let f = build(&l, &Config::default(), Currency::Krw, Profile::Ledger).unwrap();
        assert!(f.duplicate.iter().all(Option::is_none));
        assert!(f.split.iter().all(Option::is_none));
        assert!(!f.vendor_known[0]);
    }
}
