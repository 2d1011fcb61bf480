//! A realistic ERP budget-execution ledger with labelled anomalies.
//!
//! Ordinary spending: twelve departments, eleven expense accounts with
//! log-normal amounts around their own medians, vendors drawn from a
//! long-tailed (Zipf) pool per account, each with its own price level,
//! seasonality with a legitimate December surge, monthly bills paid by
//! automatic transfer on a fixed day (weekends included), business trips
//! now and then on a weekend. Then every kind of anomaly ledgerlens looks
//! for is injected, and each injected row is labelled with its kind.

use chrono::{Datelike, Duration, NaiveDate};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, LogNormal, Normal};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::catalog::{AccountSpec, ACCOUNTS, CORP_FORMS, DEPARTMENTS, NAME_STEMS, RECURRING};
use crate::features::holidays::is_non_working_day;
use crate::vocabulary::DetectorKind;

/// The kinds the demo injects and labels: every detector's pattern but the
/// two views that only see what the others inject (the account-wide
/// outlier and the Isolation Forest).
pub const INJECTED: [DetectorKind; 10] = [
    DetectorKind::AmountOutlier,
    DetectorKind::Duplicate,
    DetectorKind::Split,
    DetectorKind::RecurringJump,
    DetectorKind::SmallRepeat,
    DetectorKind::RareVendor,
    DetectorKind::NonWorkingDay,
    DetectorKind::YearEnd,
    DetectorKind::RoundAmount,
    DetectorKind::Benford,
];

/// How many rows of `kind` to inject into a ledger of `scale` × 100,000
/// rows (at least six, so small demos show every kind).
pub(super) fn target(kind: DetectorKind, scale: f64) -> usize {
    ((per_100k(kind) as f64 * scale).round() as usize).max(6)
}

/// Injected rows of a kind per 100,000 rows.
fn per_100k(kind: DetectorKind) -> usize {
    match kind {
        DetectorKind::AmountOutlier => 120,
        DetectorKind::Duplicate => 100,
        DetectorKind::Split => 100,
        DetectorKind::RecurringJump => 50,
        DetectorKind::SmallRepeat => 100,
        DetectorKind::RareVendor => 70,
        DetectorKind::NonWorkingDay => 80,
        DetectorKind::YearEnd => 60,
        DetectorKind::RoundAmount => 60,
        DetectorKind::Benford => 90,
        // The demo ledger is an ERP export without times or venues.
        DetectorKind::AccountOutlier
        | DetectorKind::Isolation
        | DetectorKind::LateNight
        | DetectorKind::Entertainment => 0,
    }
}

#[derive(Debug, Clone)]
pub struct DemoRow {
    pub date: NaiveDate,
    pub department: &'static str,
    pub account: &'static str,
    pub vendor: String,
    pub description: String,
    pub amount: f64,
    pub voucher: String,
    pub budget_item: &'static str,
    pub payment_method: &'static str,
    pub label: Option<DetectorKind>,
}

#[derive(Debug, Clone)]
pub struct DemoLedger {
    /// Sorted by date, as an ERP exports them.
    pub rows: Vec<DemoRow>,
    pub seed: u64,
}

pub const FIRST_YEAR: i32 = 2020;
pub const LAST_YEAR: i32 = 2024;
/// The approval limit the split injections dodge (the config default).
const APPROVAL_LIMIT: f64 = 20_000_000.0;

/// Relative volume per month: slow January, a December rush.
const MONTH_WEIGHT: [f64; 12] = [
    0.7, 0.85, 1.0, 1.0, 1.0, 1.0, 0.95, 0.9, 1.0, 1.0, 1.05, 1.45,
];

struct Vendor {
    name: String,
    /// This vendor's price level against the account median.
    price: f64,
}

struct Gen {
    rng: Xoshiro256PlusPlus,
    /// Vendors per account, most popular first.
    vendors: Vec<Vec<Vendor>>,
    zipf_cdf: Vec<Vec<f64>>,
    /// Per department and account: the department's price level.
    dept_price: Vec<Vec<f64>>,
    rows: Vec<DemoRow>,
}

fn round_to(x: f64, unit: f64) -> f64 {
    ((x / unit).round() * unit).max(unit)
}

impl Gen {
    fn pick_weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.rng.gen::<f64>() * total;
        for (i, w) in weights.iter().enumerate() {
            x -= w;
            if x <= 0.0 {
                return i;
            }
        }
        weights.len() - 1
    }

    fn random_day(&mut self, business_only: bool) -> NaiveDate {
        loop {
            let year = self.rng.gen_range(FIRST_YEAR..=LAST_YEAR);
            let month = self.pick_weighted(&MONTH_WEIGHT) as u32 + 1;
            let first = NaiveDate::from_ymd_opt(year, month, 1).expect("valid");
            let days = crate::features::calendar::days_in_month(first);
            // Later in December, more spending: the legitimate year-end rush.
            let day = if month == 12 && self.rng.gen_bool(0.35) {
                self.rng.gen_range(15..=days)
            } else {
                self.rng.gen_range(1..=days)
            };
            let date = first.with_day(day).expect("valid");
            if !business_only || !is_non_working_day(date) {
                return date;
            }
        }
    }

    fn pick_vendor(&mut self, account: usize) -> usize {
        let x = self.rng.gen::<f64>();
        let cdf = &self.zipf_cdf[account];
        cdf.partition_point(|&c| c < x).min(cdf.len() - 1)
    }

    fn ordinary_amount(&mut self, account: usize, dept: usize, vendor: usize) -> f64 {
        let spec = &ACCOUNTS[account];
        let noise = LogNormal::new(0.0, spec.sigma)
            .expect("sigma")
            .sample(&mut self.rng);
        let raw = spec.median
            * self.dept_price[dept][account]
            * self.vendors[account][vendor].price
            * noise;
        round_to(raw, spec.rounding)
    }

    fn description(&mut self, spec: &AccountSpec) -> String {
        // Real descriptions are more specific than the account's item list.
        const QUALIFIERS: [&str; 6] = ["", " 1차", " 2차", " 추가분", " (긴급)", " 잔금"];
        format!(
            "{}{}",
            spec.items.choose(&mut self.rng).expect("items"),
            QUALIFIERS.choose(&mut self.rng).expect("qualifiers")
        )
    }

    fn push(&mut self, row: DemoRow) {
        self.rows.push(row);
    }

    fn ordinary(&mut self, n: usize) {
        let dept_weights: Vec<f64> = DEPARTMENTS.iter().map(|d| d.1).collect();
        let acct_weights: Vec<f64> = ACCOUNTS.iter().map(|a| a.weight).collect();
        for _ in 0..n {
            let dept = self.pick_weighted(&dept_weights);
            let account = self.pick_weighted(&acct_weights);
            let spec = &ACCOUNTS[account];
            let vendor = self.pick_vendor(account);
            // Business trips sometimes run into a weekend.
            let weekend_trip = spec.name == "국내여비" && self.rng.gen_bool(0.03);
            let date = self.random_day(!weekend_trip);
            let amount = self.ordinary_amount(account, dept, vendor);
            let description = self.description(spec);
            let method = if self.rng.gen_bool(spec.card_share) {
                "법인카드"
            } else {
                "계좌이체"
            };
            self.push(DemoRow {
                date,
                department: DEPARTMENTS[dept].0,
                account: spec.name,
                vendor: self.vendors[account][vendor].name.clone(),
                description,
                amount,
                voucher: String::new(),
                budget_item: spec.budget_item,
                payment_method: method,
                label: None,
            });
        }
    }

    /// Monthly bills for every department, paid by automatic transfer on a
    /// fixed day whatever day of the week it is. Returns the series as
    /// row-index lists for the recurring-jump injection.
    fn recurring(&mut self, scale: f64) -> Vec<Vec<usize>> {
        let mut series = Vec::new();
        for (dept, _) in DEPARTMENTS.iter().enumerate() {
            for spec in &RECURRING {
                // A small demo keeps a share of the series (at least the
                // first two, so recurring jumps can still be injected).
                if scale < 1.0 && series.len() >= 2 && !self.rng.gen_bool(scale.max(0.01)) {
                    continue;
                }
                // Not every department rents or has its own meter.
                if spec.account == "임차료" && !self.rng.gen_bool(0.4) {
                    continue;
                }
                if spec.seasonal && !self.rng.gen_bool(0.7) {
                    continue;
                }
                let vendor = spec
                    .vendors
                    .choose(&mut self.rng)
                    .expect("vendor")
                    .to_string();
                let mut base = self.rng.gen_range(spec.base.0..spec.base.1);
                let pay_day = self.rng.gen_range(10..=25);
                let mut rows = Vec::new();
                for year in FIRST_YEAR..=LAST_YEAR {
                    // Tariffs move once a year.
                    base *= 1.0 + self.rng.gen_range(0.0..0.04);
                    for month in 1..=12u32 {
                        let date = NaiveDate::from_ymd_opt(year, month, pay_day).expect("valid");
                        let season = if spec.seasonal && matches!(month, 1 | 2 | 7 | 8 | 12) {
                            1.3
                        } else {
                            1.0
                        };
                        let wiggle = if spec.rounding >= 100_000.0 {
                            1.0
                        } else {
                            1.0 + Normal::new(0.0, 0.03).expect("sd").sample(&mut self.rng)
                        };
                        rows.push(self.rows.len());
                        self.push(DemoRow {
                            date,
                            department: DEPARTMENTS[dept].0,
                            account: spec.account,
                            vendor: vendor.clone(),
                            description: format!("{}월 {}", month, spec.description),
                            amount: round_to(base * season * wiggle, spec.rounding),
                            voucher: String::new(),
                            budget_item: spec.budget_item,
                            payment_method: "자동이체",
                            label: None,
                        });
                    }
                }
                series.push(rows);
            }
        }
        series
    }
}

fn make_vendors(
    rng: &mut Xoshiro256PlusPlus,
    spec: &AccountSpec,
    used: &mut std::collections::HashSet<String>,
) -> Vec<Vendor> {
    let price = LogNormal::new(0.0, 0.3).expect("sd");
    let mut out = Vec::with_capacity(spec.vendor_pool);
    while out.len() < spec.vendor_pool {
        let name = format!(
            "{}{}{}",
            CORP_FORMS.choose(rng).expect("forms"),
            NAME_STEMS.choose(rng).expect("stems"),
            spec.suffixes.choose(rng).expect("suffixes")
        );
        if used.insert(name.clone()) {
            out.push(Vendor {
                name,
                price: price.sample(rng),
            });
        }
    }
    out
}

/// Generates a ledger of about `rows` rows (the injected anomalies included).
pub fn generate(rows: usize, seed: u64) -> DemoLedger {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut used = std::collections::HashSet::new();
    let vendors: Vec<Vec<Vendor>> = ACCOUNTS
        .iter()
        .map(|a| make_vendors(&mut rng, a, &mut used))
        .collect();
    let zipf_cdf = vendors
        .iter()
        .map(|v| {
            let w: Vec<f64> = (1..=v.len()).map(|r| 1.0 / (r as f64).powf(1.1)).collect();
            let total: f64 = w.iter().sum();
            let mut acc = 0.0;
            w.iter()
                .map(|x| {
                    acc += x / total;
                    acc
                })
                .collect()
        })
        .collect();
    let dept_price = (0..DEPARTMENTS.len())
        .map(|_| {
            (0..ACCOUNTS.len())
                .map(|_| LogNormal::new(0.0, 0.2).expect("sd").sample(&mut rng))
                .collect()
        })
        .collect();
    let mut g = Gen {
        rng,
        vendors,
        zipf_cdf,
        dept_price,
        rows: Vec::with_capacity(rows + rows / 50),
    };
    let scale = rows as f64 / 100_000.0;
    let series = g.recurring(scale);
    // Amount outliers and recurring jumps alter existing rows; the other
    // kinds add rows, so leave room for them.
    let injected_target: usize = INJECTED
        .iter()
        .filter(|k| !matches!(k, DetectorKind::AmountOutlier | DetectorKind::RecurringJump))
        .map(|&k| target(k, scale))
        .sum();
    let ordinary = rows.saturating_sub(g.rows.len() + injected_target);
    g.ordinary(ordinary);
    super::inject::inject_all(&mut g_inject(&mut g), &series, scale);
    let mut rows = std::mem::take(&mut g.rows);
    rows.sort_by_key(|r| r.date);
    // Voucher numbers run per year in date order, as ERPs number them.
    let mut year = 0;
    let mut seq = 0;
    for r in &mut rows {
        if r.date.year() != year {
            year = r.date.year();
            seq = 0;
        }
        seq += 1;
        r.voucher = format!("{year}-{seq:06}");
    }
    DemoLedger { rows, seed }
}

/// The handle the injectors work through.
pub struct Injector<'a> {
    pub rng: &'a mut Xoshiro256PlusPlus,
    pub rows: &'a mut Vec<DemoRow>,
    vendors: &'a [Vec<Vendor>],
    dept_price: &'a [Vec<f64>],
}

fn g_inject(g: &mut Gen) -> Injector<'_> {
    Injector {
        rng: &mut g.rng,
        rows: &mut g.rows,
        vendors: &g.vendors,
        dept_price: &g.dept_price,
    }
}

impl Injector<'_> {
    pub fn vendor_name(&self, account: usize, index: usize) -> &str {
        &self.vendors[account][index].name
    }

    pub fn vendor_count(&self, account: usize) -> usize {
        self.vendors[account].len()
    }

    /// The usual amount of a department's payment to a vendor in an account.
    pub fn typical(&self, account: usize, dept: usize, vendor: usize) -> f64 {
        ACCOUNTS[account].median
            * self.dept_price[dept][account]
            * self.vendors[account][vendor].price
    }

    pub fn business_day_near(&mut self, date: NaiveDate, max_days: i64) -> NaiveDate {
        let d = date + Duration::days(self.rng.gen_range(0..=max_days));
        let mut d = d;
        while is_non_working_day(d) {
            d += Duration::days(1);
        }
        d
    }

    pub fn random_business_day(&mut self) -> NaiveDate {
        loop {
            let year = self.rng.gen_range(FIRST_YEAR..=LAST_YEAR);
            let ordinal = self.rng.gen_range(1..=365);
            let d = NaiveDate::from_yo_opt(year, ordinal).expect("valid");
            if !is_non_working_day(d) && d.month() != 12 {
                return d;
            }
        }
    }

    pub fn approval_limit(&self) -> f64 {
        APPROVAL_LIMIT
    }
}
