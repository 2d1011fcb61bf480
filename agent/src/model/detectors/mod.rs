//! The detectors: one file each, behind one trait, registered in
//! [`ALL`]. A detector computes what it sees at a row (a [`Finding`]),
//! says how that is calibrated against the ledger (a magnitude ranked
//! ledger-wide, or an event rated within a comparable group; see
//! [`super::calibrate`]), and explains a finding in both languages,
//! quoting the numbers and how rare the pattern is here.
//!
//! Adding a detector: a file here, a line in [`ALL`], a line in
//! `DetectorKind`'s table (its code, labels and default weight). The
//! config's weights, the reason codes and the API's enum follow the kind.

mod account_outlier;
mod amount_outlier;
mod benford;
mod duplicate;
mod entertainment;
mod isolation;
mod late_night;
mod non_working_day;
mod rare_vendor;
mod recurring_jump;
mod round_amount;
mod small_repeat;
mod split;
mod year_end;

use crate::config::Checked;
use crate::features::Features;
use crate::i18n::Text;
use crate::ingest::{Ledger, Transaction};
use crate::money::Currency;
use crate::vocabulary::DetectorKind;

pub(crate) use super::calibrate::Finding;

/// Everything a detector may read.
pub(crate) struct Context<'a> {
    pub ledger: &'a Ledger,
    pub features: &'a Features,
    pub config: &'a Checked,
    /// Each row's Isolation Forest score.
    pub isolation: &'a [f64],
    pub currency: Currency,
    /// Calendar months from the ledger's first payment to its last.
    pub months: u32,
}

impl Context<'_> {
    pub fn row(&self, i: usize) -> &Transaction {
        &self.ledger.transactions[i]
    }

    /// The amount as the Korean and the English sentence quote it.
    pub fn money(&self, amount: f64) -> (String, String) {
        (self.currency.ko(amount), self.currency.en(amount))
    }

    /// Row `other` as a reason on row `i` names it: its row number, and its
    /// file's name where that is another file than `i`'s.
    pub fn row_named_from(&self, i: usize, other: usize) -> (String, String) {
        let (t, o) = (self.row(i), self.row(other));
        if t.file == o.file {
            return (format!("{}행", o.sheet_row), format!("row {}", o.sheet_row));
        }
        let path = std::path::Path::new(&self.ledger.files[usize::from(o.file)]);
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        (
            format!("{name} {}행", o.sheet_row),
            format!("{name} row {}", o.sheet_row),
        )
    }
}

/// How a detector's findings are calibrated.
pub(crate) enum Rarity {
    /// Ranked among the rows where the statistic is defined.
    Magnitude,
    /// Rated within the comparable group each row belongs to.
    Event { group_of: Vec<u32> },
    /// A robust z against the row's own history, under Student's t with
    /// `freedom[i]` degrees of freedom.
    OwnHistory { freedom: Vec<u32> },
}

/// What a detector's finding is about. Detectors that read one fact of a
/// row are counted once, by the strongest of them (`fusion::total`): a
/// bill ten times its usual is large for its budget line and a jump in its
/// series, one fact seen twice; a restaurant bill charged twice is a
/// repeat, two payments bunched within days, and a busy month at the
/// place, one fact seen three times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fact {
    /// A fact only this detector reads.
    Own,
    /// The payment's size against what it is usually paid.
    Size,
    /// Payments bunched at one vendor.
    Bunching,
}

/// One detector. See the module documentation.
pub(crate) trait Detector: Sync {
    fn kind(&self) -> DetectorKind;

    /// The fact its findings are about.
    fn fact(&self) -> Fact {
        Fact::Own
    }

    /// Calendar months of history the detector needs (0: none).
    fn months_needed(&self) -> u32 {
        0
    }

    /// None when the detector can judge this ledger; else why it steps
    /// aside (too little history, no time of use, …), for the data-quality
    /// sheet.
    fn steps_aside(&self, cx: &Context<'_>) -> Option<Text> {
        needs_months(cx, self.months_needed())
    }

    /// What the detector sees at row `i`, if the row shows its pattern.
    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding>;

    /// Every row's finding. A detector whose work is per vendor (or per
    /// any group) does it once per group here instead.
    fn compute_all(&self, cx: &Context<'_>) -> Vec<Option<Finding>> {
        (0..cx.ledger.len()).map(|i| self.compute(cx, i)).collect()
    }

    /// How its findings are calibrated.
    fn rarity(&self, cx: &Context<'_>) -> Rarity;

    /// The reason shown for a finding at row `i` whose tail probability in
    /// this ledger is `p`.
    fn explain(&self, cx: &Context<'_>, i: usize, finding: &Finding, p: f64) -> Text;

    /// Tail probabilities of every row's finding (1 where none).
    fn calibrate(&self, cx: &Context<'_>, findings: &[Option<Finding>]) -> Vec<f64> {
        match self.rarity(cx) {
            Rarity::Magnitude => super::calibrate::magnitudes(findings),
            Rarity::Event { group_of } => super::calibrate::events(findings, &group_of),
            Rarity::OwnHistory { freedom } => super::calibrate::student_t(findings, &freedom),
        }
    }
}

/// Every detector, in the order their reasons are listed when they tie.
pub(crate) static ALL: [&dyn Detector; DetectorKind::COUNT] = [
    &amount_outlier::AmountOutlier,
    &account_outlier::AccountOutlier,
    &duplicate::Duplicate,
    &split::Split,
    &recurring_jump::RecurringJump,
    &small_repeat::SmallRepeat,
    &rare_vendor::RareVendor,
    &non_working_day::NonWorkingDay,
    &late_night::LateNight,
    &entertainment::Entertainment,
    &year_end::YearEnd,
    &round_amount::RoundAmount,
    &benford::Benford,
    &isolation::Isolation,
];

/// "1 in 240 comparable rows" / "1 in 240": how rare a finding is here.
pub(crate) fn rarity_words(p: f64) -> (String, String) {
    let one_in = (1.0 / p.max(1e-12)).round();
    let shown = if one_in >= 1e6 {
        "1,000,000+".to_string()
    } else {
        crate::i18n::thousands(one_in)
    };
    (format!("{shown}건 중 1건꼴"), format!("1 in {shown}"))
}

/// Why a detector that needs `need` months of history steps aside, if
/// the ledger covers fewer.
pub(crate) fn needs_months(cx: &Context<'_>, need: u32) -> Option<Text> {
    let months = cx.months;
    (months < need).then(|| {
        Text::new(
            format!("원장 기간이 {months}개월뿐이라 판단하지 않음 ({need}개월 이상 필요)"),
            format!("not judged: the ledger covers {months} month(s), this needs {need} or more"),
        )
    })
}

/// Comparable group of a row by its department.
pub(crate) fn department_groups(cx: &Context<'_>) -> Vec<u32> {
    cx.ledger
        .transactions
        .iter()
        .map(|t| t.department)
        .collect()
}

/// Comparable group of a row by who used the card within its department,
/// where the ledger says (card records name a person, a title such as
/// 구청장 or 주무관, or a card number), else by its department: when a
/// card is used is its holder's habit, and a title shared across
/// departments is not one holder.
pub(crate) fn holder_groups(cx: &Context<'_>) -> Vec<u32> {
    if !cx
        .ledger
        .columns
        .contains_key(&crate::ingest::Field::CardHolder)
    {
        return department_groups(cx);
    }
    let mut ids: std::collections::HashMap<(u32, Option<u32>), u32> =
        std::collections::HashMap::new();
    cx.ledger
        .transactions
        .iter()
        .map(|t| {
            let next = ids.len() as u32;
            *ids.entry((t.department, t.card_holder)).or_insert(next)
        })
        .collect()
}

/// Comparable group of a row by its vendor.
pub(crate) fn vendor_groups(cx: &Context<'_>) -> Vec<u32> {
    cx.ledger.transactions.iter().map(|t| t.vendor).collect()
}

/// Comparable group of a row by its account.
pub(crate) fn account_groups(cx: &Context<'_>) -> Vec<u32> {
    cx.ledger.transactions.iter().map(|t| t.account).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_detector_in_order() {
        for (i, d) in ALL.iter().enumerate() {
            assert_eq!(
                d.kind(),
                DetectorKind::ALL[i],
                "ALL is in DetectorKind's order"
            );
        }
    }
}
