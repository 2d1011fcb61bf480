//! Scoring configuration: limits, weights and bands, with per-account-category
//! overrides, read from TOML. Every default is explained in the README.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::i18n::Text;
use crate::model::iforest;
use crate::money::Currency;
use crate::vocabulary::DetectorKind;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Seed for the Isolation Forest and k-means: same seed, same scores.
    pub seed: u64,
    /// The currency amounts are printed in; unset, the ledger's own (a
    /// currency column or symbol), else won.
    pub currency: Option<Currency>,
    /// `ledger` or `card` (see `profile`); unset, chosen from the columns.
    pub profile: Option<crate::profile::Profile>,
    pub bands: Bands,
    pub limits: Limits,
    pub weights: Weights,
    pub iforest: iforest::Params,
    pub review: Review,
    pub budget: Budget,
    /// Overrides for accounts whose name contains one of `accounts`.
    #[serde(rename = "category")]
    pub categories: Vec<Category>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Bands {
    /// Scores at or above this are "high". Unset: the top `high_share`.
    pub high: Option<f64>,
    /// Scores at or above this (and below `high`) are "medium". Unset: up
    /// to the top `medium_share`.
    pub medium: Option<f64>,
    /// Share of rows the high band holds when `high` is unset (see
    /// `model::fusion`).
    pub high_share: f64,
    /// Share of rows the high and medium bands hold together.
    pub medium_share: f64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// A single payment at or above this needs a higher approval or a
    /// competitive contract; several just under it to one vendor are a
    /// split. Unset: the limits are found from the ledger (payments
    /// bunched just under a round amount; see `features::limits`).
    pub approval_limit: Option<f64>,
    /// Payments at or under this count as "small" for repeated-small-payment
    /// checks. Unset: at most the account's median payment.
    pub small_payment_limit: Option<f64>,
    /// Same vendor and amount again within this many days is a duplicate.
    pub duplicate_window_days: i64,
    /// Payments to one vendor within this many days are looked at together for splits.
    pub split_window_days: i64,
    /// Parts of a split are at least this share of the limit (smaller ones are ordinary).
    pub split_min_share: f64,
    /// Minimum number of small payments to one vendor in a month worth a look.
    pub small_repeat_min_count: u32,
}

/// How much of each detector's evidence counts, 0..1, keyed in TOML by the
/// detector's code (`[weights] split = 0.5`); a detector not named keeps
/// its default from [`DetectorKind`]. A finding's evidence is its weight
/// times its surprisal in this ledger, and a row's evidence is the sum
/// (see `model::fusion`): 1 takes a detector at its word, 0 silences it.
/// A weight the config names is pinned: reviews do not move it
/// (`learn::weights`); the others are the defaults, which they do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    weight: [f64; DetectorKind::COUNT],
    pinned: [bool; DetectorKind::COUNT],
}

impl Weights {
    pub fn get(&self, kind: DetectorKind) -> f64 {
        self.weight[kind.index()]
    }

    /// Sets and pins `kind`'s weight.
    pub fn set(&mut self, kind: DetectorKind, weight: f64) {
        self.weight[kind.index()] = weight;
        self.pinned[kind.index()] = true;
    }

    /// Whether the config named `kind`'s weight, so reviews leave it be.
    pub fn is_pinned(&self, kind: DetectorKind) -> bool {
        self.pinned[kind.index()]
    }

    /// Every detector with its weight, in [`DetectorKind::ALL`]'s order.
    pub fn iter(&self) -> impl Iterator<Item = (DetectorKind, f64)> + '_ {
        DetectorKind::ALL.iter().map(|&k| (k, self.get(k)))
    }

    /// These weights with `overrides` laid over them.
    fn overlaid(mut self, overrides: &PartialWeights) -> Weights {
        for (&kind, &weight) in &overrides.0 {
            self.set(kind, weight);
        }
        self
    }
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            weight: std::array::from_fn(|i| DetectorKind::ALL[i].default_weight()),
            pinned: [false; DetectorKind::COUNT],
        }
    }
}

/// Written as a table of detector code → weight, in the detectors' order.
impl Serialize for Weights {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(DetectorKind::COUNT))?;
        for (kind, weight) in self.iter() {
            map.serialize_entry(&kind, &weight)?;
        }
        map.end()
    }
}

/// Read as overrides of the defaults; an unknown detector is an unknown
/// field, listed with the known ones (see `WeightKey`).
impl<'de> Deserialize<'de> for Weights {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let overrides = PartialWeights::deserialize(deserializer)?;
        Ok(Weights::default().overlaid(&overrides))
    }
}

/// Some detectors' weights, for a category's overrides.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PartialWeights(pub BTreeMap<DetectorKind, f64>);

impl<'de> Deserialize<'de> for PartialWeights {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let by_key = BTreeMap::<WeightKey, f64>::deserialize(deserializer)?;
        Ok(PartialWeights(
            by_key.into_iter().map(|(k, w)| (k.0, w)).collect(),
        ))
    }
}

/// A key of a `[weights]` table: a detector's code. Anything else is an
/// unknown field, said as for any other table, with the known ones listed.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct WeightKey(DetectorKind);

impl<'de> Deserialize<'de> for WeightKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        DetectorKind::from_code(&code)
            .map(WeightKey)
            .ok_or_else(|| serde::de::Error::unknown_field(&code, DetectorKind::CODES))
    }
}

/// Per-category overrides; unset fields fall back to the global values.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Category {
    pub name: String,
    /// Substrings of account names that belong to this category.
    pub accounts: Vec<String>,
    pub approval_limit: Option<f64>,
    pub small_payment_limit: Option<f64>,
    pub bands: Option<Bands>,
    pub weights: Option<PartialWeights>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 42,
            currency: None,
            profile: None,
            bands: Bands::default(),
            limits: Limits::default(),
            weights: Weights::default(),
            iforest: iforest::Params::default(),
            review: Review::default(),
            budget: Budget::default(),
            categories: Vec::new(),
        }
    }
}

impl Default for Bands {
    fn default() -> Self {
        // A reviewer works through the high band; 2% of a year's ledger
        // is a few days' work, and the medium band is the next look.
        Bands {
            high: None,
            medium: None,
            high_share: 0.02,
            medium_share: 0.08,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            approval_limit: None,
            small_payment_limit: None,
            duplicate_window_days: 5,
            split_window_days: 7,
            split_min_share: 0.25,
            small_repeat_min_count: 8,
        }
    }
}

/// What the reviewers are told of (issue 12.5).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Review {
    /// A Score that holds unreviewed rows the reviews' model gives at
    /// least this chance of being confirmed says so: a banner in the pane,
    /// a notification from the tray (`learn::next`). The pane can ask for
    /// another per Score.
    pub alert_confidence: f64,
}

impl Default for Review {
    fn default() -> Self {
        // Nine chances in ten: worth interrupting someone for, and rare
        // enough that the alert is not noise once the reviews are many.
        Review {
            alert_confidence: 0.9,
        }
    }
}

/// When a budget line's execution is warned of (`budget::execution`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Budget {
    /// Heading over: the year-end projection (or the rate already) above
    /// this share of the allocation.
    pub over_rate: f64,
    /// Under-spending: the year-end projection below this share.
    pub under_rate: f64,
}

impl Default for Budget {
    fn default() -> Self {
        // Over: the year would end past its budget. Under: a fifth of it
        // unspent at this pace, where Korean public bodies' 집행 부진
        // reviews commonly start; an institution's own rule belongs here.
        Budget {
            over_rate: 1.0,
            under_rate: 0.8,
        }
    }
}

impl Budget {
    pub fn thresholds(&self) -> crate::budget::execution::Thresholds {
        crate::budget::execution::Thresholds {
            over_rate: self.over_rate,
            under_rate: self.under_rate,
        }
    }
}

/// Whether `v` can be an alert's confidence: a chance above 0, at most 1.
pub fn is_confidence(v: f64) -> bool {
    v.is_finite() && v > 0.0 && v <= 1.0
}

fn bad_config(message: Text) -> Error {
    Error::invalid("bad_config", message)
}

/// A configuration that passed [`Config::check`]; only this module makes
/// one, so holding one means every value is in range.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    config: Config,
    forest: iforest::Checked,
}

impl Checked {
    /// The Isolation Forest's checked parameters.
    pub fn forest(&self) -> iforest::Checked {
        self.forest
    }
}

impl std::ops::Deref for Checked {
    type Target = Config;

    fn deref(&self) -> &Config {
        &self.config
    }
}

impl Default for Checked {
    fn default() -> Self {
        Config::default()
            .check()
            .expect("the default configuration is valid")
    }
}

/// The settings in force for one account, after category overrides.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolved {
    pub approval_limit: Option<f64>,
    pub small_payment_limit: Option<f64>,
    pub bands: Bands,
    pub weights: Weights,
}

/// What a door may lay over the configuration file: the command line's
/// `--seed`, `--currency` and `--profile`, the Python package's keywords.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub seed: Option<u64>,
    pub currency: Option<Currency>,
    pub profile: Option<crate::profile::Profile>,
}

/// The configuration a door names: the TOML file at `path` (or the
/// defaults), `overrides` laid over it, then checked once. Every door loads
/// its configuration here, so a file means the same everywhere.
pub fn load(path: Option<&std::path::Path>, overrides: &Overrides) -> Result<Checked, Error> {
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Error::file(
                    Text::new(
                        "설정 파일을 읽을 수 없습니다",
                        "cannot read the configuration",
                    ),
                    path,
                    e,
                )
            })?;
            load_text(Some(&text), overrides).map_err(|e| e.of_file(path))
        }
        None => load_text(None, overrides),
    }
}

/// [`load`] for a configuration already read (Spark ships the driver's
/// file to its executors as text).
pub fn load_text(text: Option<&str>, overrides: &Overrides) -> Result<Checked, Error> {
    let lay_over = |mut config: Config| {
        if let Some(seed) = overrides.seed {
            config.seed = seed;
        }
        if overrides.currency.is_some() {
            config.currency = overrides.currency;
        }
        if overrides.profile.is_some() {
            config.profile = overrides.profile;
        }
        config
    };
    match text {
        Some(text) => Config::parse(text).and_then(|c| lay_over(c).check()),
        None => lay_over(Config::default()).check(),
    }
}

impl Config {
    /// Reads a TOML configuration; [`Config::check`] must pass before the
    /// pipeline takes it.
    pub fn parse(text: &str) -> Result<Config, Error> {
        toml::from_str(text).map_err(|e| {
            bad_config(Text::new(
                format!("설정 파일 오류: {e}"),
                format!("configuration error: {e}"),
            ))
        })
    }

    /// Checks every value once, before anything is fitted (linfa's params →
    /// checked params): the pipeline takes only a [`Checked`] config.
    pub fn check(self) -> Result<Checked, Error> {
        self.problems().map_err(bad_config)?;
        let forest = self.iforest.check()?;
        Ok(Checked {
            config: self,
            forest,
        })
    }

    fn problems(&self) -> Result<(), Text> {
        let bad = |ko: String, en: String| Err(Text::new(ko, en));
        let check_bands = |b: &Bands, at: &str| {
            let score = |v: Option<f64>| v.is_none_or(|v| (0.0..=100.0).contains(&v));
            let share = |v: f64| (0.0..=1.0).contains(&v);
            let ok = score(b.medium)
                && score(b.high)
                && b.medium.unwrap_or(0.0) <= b.high.unwrap_or(100.0)
                && share(b.high_share)
                && share(b.medium_share)
                && b.high_share <= b.medium_share;
            if ok {
                Ok(())
            } else {
                bad(
                    format!("{at}bands: 0 ≤ medium ≤ high ≤ 100, 0 ≤ high_share ≤ medium_share ≤ 1 이어야 합니다"),
                    format!("{at}bands: need 0 ≤ medium ≤ high ≤ 100 and 0 ≤ high_share ≤ medium_share ≤ 1"),
                )
            }
        };
        let check_limit = |v: f64, name: &str| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                bad(
                    format!("{name}: 0보다 큰 수여야 합니다"),
                    format!("{name}: must be a positive number"),
                )
            }
        };
        let check_weights = |w: &Weights, at: &str| {
            for (kind, v) in w.iter() {
                let name = kind.code();
                if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
                    return bad(
                        format!("{at}weights.{name}: 0과 1 사이여야 합니다 ({v})"),
                        format!("{at}weights.{name}: must be between 0 and 1 ({v})"),
                    );
                }
            }
            Ok(())
        };
        check_bands(&self.bands, "")?;
        check_weights(&self.weights, "")?;
        let b = &self.budget;
        if !(b.over_rate.is_finite()
            && b.over_rate > 0.0
            && b.under_rate.is_finite()
            && (0.0..=b.over_rate).contains(&b.under_rate))
        {
            return bad(
                format!(
                    "budget: 0 ≤ under_rate ≤ over_rate, over_rate > 0 이어야 합니다 ({}, {})",
                    b.under_rate, b.over_rate
                ),
                format!(
                    "budget: need 0 ≤ under_rate ≤ over_rate and over_rate > 0 ({}, {})",
                    b.under_rate, b.over_rate
                ),
            );
        }
        let alert = self.review.alert_confidence;
        if !is_confidence(alert) {
            return bad(
                format!("review.alert_confidence: 0보다 크고 1 이하여야 합니다 ({alert})"),
                format!("review.alert_confidence: must be above 0 and at most 1 ({alert})"),
            );
        }
        let l = &self.limits;
        if let Some(v) = l.approval_limit {
            check_limit(v, "limits.approval_limit")?;
        }
        if let Some(v) = l.small_payment_limit {
            check_limit(v, "limits.small_payment_limit")?;
        }
        if l.duplicate_window_days < 0 || l.split_window_days < 0 {
            return bad(
                "limits: 기간(일)은 0 이상이어야 합니다".into(),
                "limits: day windows must be 0 or more".into(),
            );
        }
        if !(0.0..1.0).contains(&l.split_min_share) {
            return bad(
                "limits.split_min_share: 0 이상 1 미만이어야 합니다".into(),
                "limits.split_min_share: must be at least 0 and below 1".into(),
            );
        }
        if l.small_repeat_min_count == 0 {
            return bad(
                "limits.small_repeat_min_count: 1 이상이어야 합니다".into(),
                "limits.small_repeat_min_count: must be at least 1".into(),
            );
        }
        for c in &self.categories {
            let at = format!("category '{}': ", c.name);
            if let Some(b) = &c.bands {
                check_bands(b, &at)?;
                if b.high.is_none() || b.medium.is_none() {
                    return bad(
                        format!("{at}bands: 분류별 등급은 high와 medium 점수를 모두 정해야 합니다"),
                        format!("{at}bands: a category's bands need both high and medium scores"),
                    );
                }
            }
            if let Some(w) = &c.weights {
                check_weights(&self.weights.overlaid(w), &at)?;
            }
            if let Some(v) = c.approval_limit {
                check_limit(v, &format!("{at}approval_limit"))?;
            }
            if let Some(v) = c.small_payment_limit {
                check_limit(v, &format!("{at}small_payment_limit"))?;
            }
        }
        Ok(())
    }

    /// The settings for an account name: the first category whose pattern
    /// the name contains, else the globals.
    pub fn resolve(&self, account: &str) -> Resolved {
        let base = Resolved {
            approval_limit: self.limits.approval_limit,
            small_payment_limit: self.limits.small_payment_limit,
            bands: self.bands,
            weights: self.weights,
        };
        let Some(cat) = self.categories.iter().find(|c| {
            c.accounts
                .iter()
                .any(|p| !p.is_empty() && account.contains(p.as_str()))
        }) else {
            return base;
        };
        Resolved {
            approval_limit: cat.approval_limit.or(base.approval_limit),
            small_payment_limit: cat.small_payment_limit.or(base.small_payment_limit),
            bands: cat.bands.unwrap_or(base.bands),
            weights: cat
                .weights
                .as_ref()
                .map_or(base.weights, |w| base.weights.overlaid(w)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(text: &str) -> Result<Checked, Error> {
        Config::parse(text)?.check()
    }

    #[test]
    fn toml_overrides_per_category() {
        let cfg = checked(
            r#"
            seed = 7
            [bands]
            high = 80
            [limits]
            approval_limit = 5000000
            [[category]]
            name = "시설"
            accounts = ["시설", "공사"]
            approval_limit = 20000000
            weights = { split = 0.55 }
            "#,
        )
        .unwrap();
        assert_eq!(cfg.seed, 7);
        assert_eq!(cfg.bands.high, Some(80.0));
        assert_eq!(cfg.bands.medium, None);
        assert_eq!(cfg.bands.high_share, 0.02);
        let office = cfg.resolve("사무용품비");
        assert_eq!(office.approval_limit, Some(5_000_000.0));
        let works = cfg.resolve("시설유지비");
        assert_eq!(works.approval_limit, Some(20_000_000.0));
        assert_eq!(works.weights.get(DetectorKind::Split), 0.55);
        assert!(
            works.weights.is_pinned(DetectorKind::Split),
            "named, so pinned"
        );
        assert!(!works.weights.is_pinned(DetectorKind::Duplicate));
        assert_eq!(
            works.weights.get(DetectorKind::Duplicate),
            Weights::default().get(DetectorKind::Duplicate)
        );
    }

    #[test]
    fn bad_config_is_explained() {
        let err = checked("[bands]\nhigh = 30\nmedium = 50\n").unwrap_err();
        assert!(err.message.en.contains("medium"));
        assert_eq!(err.code, "bad_config");
        let err = checked("[limits]\napproval = 1\n").unwrap_err();
        assert!(err.message.en.contains("approval"), "{}", err.message.en);
    }

    #[test]
    fn nonsense_values_are_refused() {
        for text in [
            "[limits]\nsplit_window_days = -1\n",
            "[iforest]\ntrees = 1000000000\n",
            "[limits]\nsmall_repeat_min_count = 0\n",
            "[limits]\napproval_limit = -5\n",
            "[weights]\nsplit = 1.5\n",
            "[[category]]\nname = \"x\"\naccounts = [\"x\"]\nweights = { split = -0.1 }\n",
            "[[category]]\nname = \"x\"\naccounts = [\"x\"]\nbands = { high = 10, medium = 50 }\n",
            "[[category]]\nname = \"x\"\naccounts = [\"x\"]\nbands = { high = 10 }\n",
            "[bands]\nhigh_share = 0.5\nmedium_share = 0.1\n",
        ] {
            let err = checked(text).unwrap_err();
            assert!(
                !err.message.ko.is_empty() && !err.message.en.is_empty(),
                "{text}"
            );
        }
        assert!(Config::default().check().is_ok());
    }
}
