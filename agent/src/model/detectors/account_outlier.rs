//! A payment large for its account, for departments whose own history in
//! the account is too thin to judge it by (where it is not, the
//! department–account detector already has; counting both would count one
//! fact twice).

use super::{rarity_words, Context, Detector, Fact, Finding, Rarity};
use crate::features::MIN_GROUP;
use crate::i18n::Text;
use crate::vocabulary::DetectorKind;

pub(crate) struct AccountOutlier;

impl Detector for AccountOutlier {
    fn kind(&self) -> DetectorKind {
        DetectorKind::AccountOutlier
    }

    fn fact(&self) -> Fact {
        Fact::Size
    }

    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        let f = cx.features;
        let a = f.account(i);
        (f.dept_account(i).group_size < MIN_GROUP && a.group_size >= MIN_GROUP)
            .then_some(Finding::magnitude(a.z))
    }

    fn rarity(&self, _cx: &Context<'_>) -> Rarity {
        Rarity::Magnitude
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let a = cx.features.account(i);
        let (ko, en) = cx.money(a.median);
        let (rare_ko, rare_en) = rarity_words(p);
        Text::new(
            format!(
                "금액이 계정 전체 중앙값({ko})의 {:.1}배 ({rare_ko})",
                a.ratio
            ),
            format!(
                "Amount is {:.1}× the account-wide median ({en}; {rare_en})",
                a.ratio
            ),
        )
    }
}
