//! A payment large for what it is. Its log amount is set against each norm
//! it belongs to: its department and account (the budget line), and its
//! vendor in that account (what this vendor is usually paid for this kind
//! of spending). Each gives a robust z against
//! the group's moderated spread (`features::spread`: a small group borrows
//! the ledger's typical spread) and a tail probability under Student's t
//! with the spread's degrees of freedom. The payment is as unusual as the
//! *less* surprised of its norms: a monthly bill thirteen times its budget
//! line's median but exactly what its vendor always charges is ordinary,
//! and an ordinary second helping at a fixed-price vendor is not large for
//! the budget line. In a ledger that names neither department nor account
//! (a vendor-payment file) the vendor is the only norm. The tail
//! probability is then ranked among every payment of the ledger.

use super::{rarity_words, Context, Detector, Fact, Finding, Rarity};
use crate::features::{Deviation, MIN_GROUP};
use crate::i18n::Text;
use crate::model::calibrate::t_tail;
use crate::vocabulary::DetectorKind;

pub(crate) struct AmountOutlier;

/// The norms row `i` is judged by: the budget line's (where the ledger
/// names departments or accounts) and the vendor's, each where its group
/// has enough payments.
struct Norms {
    line: Option<Deviation>,
    vendor: Option<Deviation>,
}

fn norms_of(cx: &Context<'_>, i: usize) -> Norms {
    use crate::ingest::Field;
    let f = cx.features;
    let columns = &cx.ledger.columns;
    let structured =
        columns.contains_key(&Field::Department) || columns.contains_key(&Field::Account);
    let enough = |d: Deviation| (d.group_size >= MIN_GROUP).then_some(d);
    Norms {
        line: enough(f.dept_account(i)).filter(|_| structured),
        vendor: enough(f.vendor_norm(i)).filter(|_| f.vendor_known[i]),
    }
}

impl Norms {
    /// The tail probability of the less surprised norm.
    fn tail(&self) -> Option<f64> {
        let p = |d: &Deviation| t_tail(d.z, d.freedom);
        match (&self.line, &self.vendor) {
            (Some(l), Some(v)) => Some(p(l).max(p(v))),
            (Some(l), None) => Some(p(l)),
            (None, Some(v)) => Some(p(v)),
            (None, None) => None,
        }
    }
}

impl Detector for AmountOutlier {
    fn kind(&self) -> DetectorKind {
        DetectorKind::AmountOutlier
    }

    fn fact(&self) -> Fact {
        Fact::Size
    }

    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        // Every payment with a norm is in the population; only the large
        // ones end up rare.
        let p = norms_of(cx, i).tail()?;
        Some(Finding::magnitude(-p.max(f64::MIN_POSITIVE).ln()))
    }

    fn rarity(&self, _cx: &Context<'_>) -> Rarity {
        Rarity::Magnitude
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let norms = norms_of(cx, i);
        let (rare_ko, rare_en) = rarity_words(p);
        let line = norms.line.map(|d| {
            let (ko, en) = cx.money(d.median);
            (
                format!("부서·계정 중앙값({ko})의 {:.1}배", d.ratio),
                format!("{:.1}× the department–account median ({en})", d.ratio),
            )
        });
        let vendor = norms.vendor.map(|d| {
            let (ko, en) = cx.money(d.median);
            (
                format!("이 거래처·계정 중앙값({ko})의 {:.1}배", d.ratio),
                format!("{:.1}× this vendor's median in the account ({en})", d.ratio),
            )
        });
        let (ko, en) = match (line, vendor) {
            (Some(l), Some(v)) => (format!("{}, {}", l.0, v.0), format!("{} and {}", l.1, v.1)),
            (Some(one), None) | (None, Some(one)) => one,
            (None, None) => unreachable!("a finding has a norm"),
        };
        Text::new(
            format!("금액이 {ko} ({rare_ko})"),
            format!("Amount is {en} ({rare_en})"),
        )
    }
}
