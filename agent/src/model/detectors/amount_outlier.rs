//! A payment large for what it is: the robust z of its log amount against
//! the median and spread of its department and account, or, in a ledger
//! that names neither (a vendor-payment file), of its vendor (a vendor
//! paid 20× its usual invoice). Where departments or accounts exist they
//! are the norm: a vendor's own payments are often one price, whose tiny
//! spread would make an ordinary second helping look extreme.

use super::{rarity_words, Context, Detector, Finding, Rarity};
use crate::features::{Deviation, MIN_GROUP};
use crate::i18n::Text;
use crate::vocabulary::DetectorKind;

pub(crate) struct AmountOutlier;

/// Which norm judged the row.
enum Norm {
    DepartmentAccount,
    Vendor,
}

/// The norm row `i` is judged by, if its group has enough payments.
fn norm_of(cx: &Context<'_>, i: usize) -> Option<(Norm, Deviation)> {
    use crate::ingest::Field;
    let f = cx.features;
    let columns = &cx.ledger.columns;
    let structured =
        columns.contains_key(&Field::Department) || columns.contains_key(&Field::Account);
    let (norm, d) = if structured {
        (Norm::DepartmentAccount, f.dept_account[i])
    } else {
        (Norm::Vendor, f.vendor_norm[i])
    };
    (d.group_size >= MIN_GROUP).then_some((norm, d))
}

impl Detector for AmountOutlier {
    fn kind(&self) -> DetectorKind {
        DetectorKind::AmountOutlier
    }

    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        // Every payment with a norm is in the population; only the large
        // ones end up rare.
        norm_of(cx, i).map(|(_, d)| Finding::magnitude(d.z))
    }

    fn rarity(&self, _cx: &Context<'_>) -> Rarity {
        Rarity::Magnitude
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let (norm, d) = norm_of(cx, i).expect("a finding has its norm");
        let (ko, en) = cx.money(d.median);
        let (rare_ko, rare_en) = rarity_words(p);
        let (of_ko, of_en) = match norm {
            Norm::DepartmentAccount => ("부서·계정", "the department–account"),
            Norm::Vendor => ("이 거래처", "this vendor's"),
        };
        Text::new(
            format!("금액이 {of_ko} 중앙값({ko})의 {:.1}배 ({rare_ko})", d.ratio),
            format!("Amount is {:.1}× {of_en} median ({en}; {rare_en})", d.ratio),
        )
    }
}
