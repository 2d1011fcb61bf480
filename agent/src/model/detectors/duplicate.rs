//! The same vendor and amount paid again within days under another
//! voucher.
//!
//! How strong a repeat is comes from how unlikely it is as a coincidence:
//! the chance that, among the vendor's payments at least as close in time
//! as the partner (the same sitting, the same day, within the days apart),
//! one has this exact amount, and (where they match) this description and
//! this department, were the vendor's payments drawn from its own mix:
//! the share of its payments that match on all of these at once (amount,
//! purpose and department go together within a vendor: its parking
//! tickets are one price, one purpose, one office), smoothed by one
//! pseudo-payment drawn from the ledger's mix, so a vendor with few
//! payments borrows the ledger's. A supermarket that charges one price all
//! week repeats amounts by nature; a restaurant bill of 158,250원 billed
//! again the next day with the same purpose does not.
//! That chance is then ranked among every payment of the ledger (a
//! magnitude: `-ln` of it), so the reason says how many of this ledger's
//! payments repeat as improbably; and a repeat is never rated rarer than
//! its own chance of coincidence (where repeats are few, a rank alone
//! would make even a likely coincidence look rare).

use std::collections::HashMap;

use super::{rarity_words, Context, Detector, Fact, Finding, Rarity};
use crate::features::Duplicate as Repeat;
use crate::i18n::Text;
use crate::vocabulary::DetectorKind;

pub(crate) struct Duplicate;

impl Detector for Duplicate {
    fn kind(&self) -> DetectorKind {
        DetectorKind::Duplicate
    }

    fn fact(&self) -> Fact {
        Fact::Bunching
    }

    /// One row alone: the mix is the whole ledger's, so rows are computed
    /// together in [`Detector::compute_all`].
    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        self.compute_all(cx).swap_remove(i)
    }

    fn compute_all(&self, cx: &Context<'_>) -> Vec<Option<Finding>> {
        let mix = Mix::of(cx);
        (0..cx.ledger.len())
            .map(|i| {
                let strength =
                    cx.features.duplicate[i].map_or(0.0, |d| -mix.chance(cx, i, &d).ln());
                Some(Finding::surprisal(strength))
            })
            .collect()
    }

    fn rarity(&self, _cx: &Context<'_>) -> Rarity {
        Rarity::Magnitude
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let d = cx.features.duplicate[i].expect("a finding has its duplicate");
        let (other_ko, other_en) = cx.row_named_from(i, d.of);
        let (ko, en) = cx.money(cx.row(i).amount);
        let (rare_ko, rare_en) = rarity_words(p);
        if swiped_twice(cx, i, d.of) {
            let minutes = minutes_apart(cx, i, d.of).unwrap_or(0);
            return Text::new(
                format!(
                    "같은 날 {minutes}분 간격으로 같은 거래처·같은 금액({ko}) 두 번 결제 ({other_ko}; 이만큼 우연히 겹치는 반복은 결제 {rare_ko})"
                ),
                format!(
                    "Same vendor and amount ({en}) charged twice the same day, {minutes} minutes apart ({other_en}; a repeat this unlikely by chance: {rare_en} payments)"
                ),
            );
        }
        Text::new(
            format!(
                "같은 거래처·같은 금액({ko})이 {}일 내 중복 ({other_ko}; 이만큼 우연히 겹치는 반복은 결제 {rare_ko})",
                d.days_apart
            ),
            format!(
                "Same vendor and amount ({en}) paid again within {} days ({other_en}; a repeat this unlikely by chance: {rare_en} payments)",
                d.days_apart
            ),
        )
    }
}

/// A vendor's payments of one amount, with a description and a department
/// where the pair shares them.
type Joint<'a> = (u32, u64, Option<&'a str>, Option<u32>);

/// Counts of what the ledger's payments look like, per vendor and in all,
/// for the chance of a repeat by coincidence.
struct Mix<'a> {
    rows: f64,
    vendor_rows: HashMap<u32, f64>,
    amount: HashMap<u64, f64>,
    description: HashMap<&'a str, f64>,
    department: HashMap<u32, f64>,
    /// The vendor's payments of one amount, counted with and without the
    /// description and the department: a pair matches on the amount and
    /// on whichever of the two it shares.
    vendor_joint: HashMap<Joint<'a>, f64>,
    /// Each vendor's payments as (day, minute of day), sorted.
    when: HashMap<u32, Vec<(i64, Option<u16>)>>,
}

impl<'a> Mix<'a> {
    fn of(cx: &Context<'a>) -> Mix<'a> {
        let mut mix = Mix {
            rows: cx.ledger.len() as f64,
            vendor_rows: HashMap::new(),
            amount: HashMap::new(),
            description: HashMap::new(),
            department: HashMap::new(),
            vendor_joint: HashMap::new(),
            when: HashMap::new(),
        };
        // Only vendors with a repeat need their counts kept, and of those
        // only the amounts repeated: the joint counts are asked for no
        // other (on a 1M-row ledger, counting every row's took 150 MB).
        let repeated: std::collections::HashSet<(u32, u64)> = (0..cx.ledger.len())
            .filter(|&i| cx.features.duplicate[i].is_some())
            .map(|i| (cx.row(i).vendor, cx.row(i).amount.to_bits()))
            .collect();
        let repeating: std::collections::HashSet<u32> = repeated.iter().map(|&(v, _)| v).collect();
        let ledger: &'a crate::ingest::Ledger = cx.ledger;
        for t in &ledger.transactions {
            let a = t.amount.to_bits();
            let d: &'a str = &t.description;
            *mix.amount.entry(a).or_default() += 1.0;
            *mix.description.entry(d).or_default() += 1.0;
            *mix.department.entry(t.department).or_default() += 1.0;
            if !repeating.contains(&t.vendor) {
                continue;
            }
            let v = t.vendor;
            *mix.vendor_rows.entry(v).or_default() += 1.0;
            let day = i64::from(chrono::Datelike::num_days_from_ce(&t.date));
            mix.when.entry(v).or_default().push((day, t.time));
            if !repeated.contains(&(v, a)) {
                continue;
            }
            for description in [None, Some(d)] {
                for department in [None, Some(t.department)] {
                    *mix.vendor_joint
                        .entry((v, a, description, department))
                        .or_default() += 1.0;
                }
            }
        }
        for days in mix.when.values_mut() {
            days.sort_unstable();
        }
        mix
    }

    /// The chance that row `i` repeats its partner by coincidence.
    fn chance(&self, cx: &Context<'_>, i: usize, d: &Repeat) -> f64 {
        let (t, o) = (cx.row(i), cx.row(d.of));
        let v = t.vendor;
        let vendor_rows = self.vendor_rows[&v];
        // The pair itself is what is judged: both are left out of the mix.
        let in_ledger = |count: f64| (count - 2.0).max(0.5) / (self.rows - 2.0).max(1.0);
        let a = t.amount.to_bits();
        // The ledger's share of payments like these (its parts taken as
        // independent: across vendors they nearly are).
        let mut ledger_share = in_ledger(self.amount[&a]);
        let desc: &str = &t.description;
        let description = (!desc.is_empty() && desc == &*o.description).then(|| {
            ledger_share *= in_ledger(self.description[desc]);
            desc
        });
        let departments = cx
            .ledger
            .columns
            .contains_key(&crate::ingest::Field::Department);
        let department = (departments && t.department == o.department).then(|| {
            ledger_share *= in_ledger(self.department[&t.department]);
            t.department
        });
        let in_vendor = self.vendor_joint[&(v, a, description, department)];
        // The vendor's own share, with one pseudo-payment from the ledger.
        let q = ((in_vendor - 2.0).max(0.0) + ledger_share) / ((vendor_rows - 2.0).max(0.0) + 1.0);
        let near = self.payments_as_near(cx, i, d).max(1.0);
        // At least one of the `near` payments matching by chance.
        -(near * (-q).ln_1p()).exp_m1()
    }

    /// The vendor's other payments at least as near row `i` in time as its
    /// partner: within the minutes apart on the same day where both have
    /// a time, else within the days apart.
    fn payments_as_near(&self, cx: &Context<'_>, i: usize, d: &Repeat) -> f64 {
        let t = cx.row(i);
        let day = i64::from(chrono::Datelike::num_days_from_ce(&t.date));
        let days = &self.when[&t.vendor];
        let from = days.partition_point(|&(x, _)| x < day - d.days_apart);
        let to = days.partition_point(|&(x, _)| x <= day + d.days_apart);
        let window = &days[from..to];
        let within = match (d.days_apart, minutes_apart(cx, i, d.of)) {
            (0, Some(gap)) => window
                .iter()
                .filter(|(_, m)| m.is_none_or(|m| t.time.is_none_or(|x| x.abs_diff(m) <= gap)))
                .count(),
            _ => window.len(),
        };
        within.saturating_sub(1) as f64
    }
}

/// Half an hour: a second charge for one bill, not a second meal.
const SAME_SITTING_MINUTES: u16 = 30;

/// Minutes between two same-day uses, when both have a time.
fn minutes_apart(cx: &Context<'_>, a: usize, b: usize) -> Option<u16> {
    let (ra, rb) = (cx.row(a), cx.row(b));
    if ra.date != rb.date {
        return None;
    }
    Some(ra.time?.abs_diff(rb.time?))
}

fn swiped_twice(cx: &Context<'_>, a: usize, b: usize) -> bool {
    minutes_apart(cx, a, b).is_some_and(|m| m <= SAME_SITTING_MINUTES)
}
