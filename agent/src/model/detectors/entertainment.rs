//! A merchant whose name says entertainment or gambling: business cards
//! (업무추진비, 클린카드) may not be used at 유흥주점, 단란주점, 노래방,
//! 골프장, 카지노 and the like. Read from the merchant's name, not the
//! description (one that mentions 노래 or golf is about something else).
//! Rated ledger-wide: where such venues are ordinary (a ledger of a sports
//! body), they weigh little.

use super::{rarity_words, Context, Detector, Finding, Rarity};
use crate::i18n::Text;
use crate::vocabulary::DetectorKind;

pub(crate) struct Entertainment;

/// Parts of Korean business names that mark a venue the card rules
/// restrict (a name is one word, so these are found inside it).
const KOREAN_VENUE_PARTS: [&str; 17] = [
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
];

/// English words card exports use for such venues, matched as whole
/// words ("pub", not "public").
const ENGLISH_VENUE_WORDS: [&str; 9] = [
    "bar",
    "pub",
    "casino",
    "golf",
    "karaoke",
    "nightclub",
    "lounge",
    "betting",
    "bookmaker",
];

impl Detector for Entertainment {
    fn kind(&self) -> DetectorKind {
        DetectorKind::Entertainment
    }

    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        venue_word(cx.ledger.vendors.name(cx.row(i).vendor)).map(|_| Finding::event(1))
    }

    fn compute_all(&self, cx: &Context<'_>) -> Vec<Option<Finding>> {
        // Once per merchant, not once per row.
        let venue: Vec<bool> = (0..cx.ledger.vendors.len() as u32)
            .map(|v| venue_word(cx.ledger.vendors.name(v)).is_some())
            .collect();
        cx.ledger
            .transactions
            .iter()
            .map(|t| venue[t.vendor as usize].then(|| Finding::event(1)))
            .collect()
    }

    fn rarity(&self, cx: &Context<'_>) -> Rarity {
        Rarity::Event {
            group_of: vec![0; cx.ledger.len()],
        }
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let vendor = cx.ledger.vendors.name(cx.row(i).vendor);
        let word = venue_word(vendor).unwrap_or_default();
        let (rare_ko, rare_en) = rarity_words(p);
        Text::new(
            format!("유흥·사행 업소로 보이는 사용처 '{vendor}' ('{word}'; {rare_ko})"),
            format!(
                "Merchant '{vendor}' looks like an entertainment or gambling venue ('{word}'; {rare_en})"
            ),
        )
    }
}

/// The first venue word in a merchant's name.
fn venue_word(name: &str) -> Option<&'static str> {
    let text = name.to_lowercase();
    KOREAN_VENUE_PARTS
        .into_iter()
        .find(|w| text.contains(w))
        .or_else(|| {
            let words: Vec<&str> = text
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            ENGLISH_VENUE_WORDS.into_iter().find(|w| words.contains(w))
        })
}

#[cfg(test)]
mod tests {
    use super::venue_word;

    #[test]
    fn venues_by_name() {
        assert_eq!(venue_word("OO단란주점"), Some("단란"));
        assert_eq!(venue_word("The Red Lion Pub"), Some("pub"));
        assert_eq!(venue_word("Public Health Supplies"), None);
        assert_eq!(venue_word("Barclays"), None);
        assert_eq!(venue_word("대성중화요리"), None);
    }
}
