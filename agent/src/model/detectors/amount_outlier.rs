//! A payment large for what it is: the robust z of its log amount against
//! the median and spread of its department and account, or of its vendor,
//! whichever finds it stranger (a 3,000,000원 dinner at a place whose
//! median is 80,000원; a vendor paid 20× its usual invoice in a ledger
//! without departments).

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

/// The norm that finds row `i` strangest, among those with enough
/// payments to be a norm.
fn strangest(cx: &Context<'_>, i: usize) -> Option<(Norm, Deviation)> {
    let f = cx.features;
    let candidates = [
        (Norm::DepartmentAccount, f.dept_account[i]),
        (Norm::Vendor, f.vendor_norm[i]),
    ];
    candidates
        .into_iter()
        .filter(|(_, d)| d.group_size >= MIN_GROUP)
        .max_by(|a, b| a.1.z.total_cmp(&b.1.z))
}

impl Detector for AmountOutlier {
    fn kind(&self) -> DetectorKind {
        DetectorKind::AmountOutlier
    }

    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        // Every payment with a norm is in the population; only the large
        // ones end up rare.
        strangest(cx, i).map(|(_, d)| Finding::magnitude(d.z))
    }

    fn rarity(&self, _cx: &Context<'_>) -> Rarity {
        Rarity::Magnitude
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let (norm, d) = strangest(cx, i).expect("a finding has its norm");
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
