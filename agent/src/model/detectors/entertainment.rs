//! A merchant whose name says entertainment or gambling: business cards
//! (업무추진비, 클린카드) may not be used at 유흥주점, 단란주점, 노래방,
//! 골프장, 카지노 and the like. Read from the vendor's name and the
//! description. Rated ledger-wide: where such venues are ordinary (a
//! ledger of a sports body), they weigh little.

use super::{rarity_words, Context, Detector, Finding, Rarity};
use crate::i18n::Text;
use crate::vocabulary::DetectorKind;

pub(crate) struct Entertainment;

/// Words in a merchant's name that mark a venue the card rules restrict
/// (Korean business names, and the English ones card exports use).
const VENUE_WORDS: [&str; 24] = [
    "유흥",
    "단란",
    "주점",
    "룸살롱",
    "룸싸롱",
    "나이트",
    "클럽",
    "노래",
    "가라오케",
    "카지노",
    "골프",
    "안마",
    "마사지",
    "스파",
    "경마",
    "경륜",
    "복권",
    "bar ",
    "pub",
    "casino",
    "golf",
    "karaoke",
    "nightclub",
    "lounge",
];

impl Detector for Entertainment {
    fn kind(&self) -> DetectorKind {
        DetectorKind::Entertainment
    }

    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        venue_word(cx, i).map(|_| Finding::event(1))
    }

    fn rarity(&self, cx: &Context<'_>) -> Rarity {
        Rarity::Event {
            group_of: vec![0; cx.ledger.len()],
        }
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let word = venue_word(cx, i).unwrap_or_default();
        let vendor = cx.ledger.vendors.name(cx.row(i).vendor);
        let (rare_ko, rare_en) = rarity_words(p);
        Text::new(
            format!("유흥·사행 업소로 보이는 사용처 '{vendor}' ('{word}'; {rare_ko})"),
            format!("Merchant '{vendor}' looks like an entertainment or gambling venue ('{word}'; {rare_en})"),
        )
    }
}

/// The first venue word in the row's vendor name or description.
fn venue_word(cx: &Context<'_>, i: usize) -> Option<&'static str> {
    let t = cx.row(i);
    let text = format!("{} {} ", cx.ledger.vendors.name(t.vendor), t.description).to_lowercase();
    VENUE_WORDS.into_iter().find(|w| text.contains(w))
}
