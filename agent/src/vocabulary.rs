//! The domain's words, named once: risk bands, review statuses, detector
//! kinds, profiles and the columns ledgerlens adds to a sheet, each a closed set with
//! a stable code (what the store, the API, the JSONL and the config carry)
//! and its Korean and English labels (what people read).
//!
//! Everything else takes these enums: the store reads and writes their
//! codes, the workbooks and history sheets print their labels, the API and
//! `GET layout` serve both, and the pane and the dashboard take them from
//! there rather than spelling them again. Adding a band, a review status or
//! a detector kind is one line in one table here (and, for a detector, its
//! file in `model/detectors/`).

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Text};

/// A closed set of codes with their labels in both languages. Generates the
/// enum (serialised as its code), `ALL` in the table's order, `code`,
/// `from_code`, `label`, `word` and `codes`; a table with a type after its
/// name has one more column, read by a private `extra()`.
macro_rules! vocabulary {
    (@base $(#[$meta:meta])* $name:ident {
        $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $ko:literal, $en:literal; )*
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant, )*
        }

        impl $name {
            /// Every member, in the order the table lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// Every code, in the same order.
            pub const CODES: &'static [&'static str] = &[$($code),*];

            /// The stable code: stored, sent and configured by this.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)* _ => None }
            }

            /// The label in both languages.
            pub fn label(self) -> Text {
                Text::new(self.word(Lang::Ko), self.word(Lang::En))
            }

            /// The label in one language.
            pub fn word(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $( ($name::$variant, Lang::Ko) => $ko, ($name::$variant, Lang::En) => $en, )*
                }
            }

            /// Every code, comma-separated, for messages that list the choices.
            pub fn codes() -> String {
                Self::CODES.join(", ")
            }

            /// A command-line value by its code (clap's `value_parser`).
            pub fn from_arg(code: &str) -> Result<$name, String> {
                Self::from_code(code).ok_or_else(|| format!("one of {}", Self::codes()))
            }
        }
    };
    (
        $(#[$meta:meta])*
        pub enum $name:ident: $extra_ty:ty {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $ko:literal, $en:literal, $extra:expr; )*
        }
    ) => {
        vocabulary!(@base $(#[$meta])* $name { $( $(#[$vmeta])* $variant = $code, $ko, $en; )* });

        impl $name {
            /// The table's own column for this member.
            fn extra(self) -> $extra_ty {
                match self { $($name::$variant => $extra,)* }
            }
        }
    };
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $ko:literal, $en:literal; )*
        }
    ) => {
        vocabulary!(@base $(#[$meta])* $name { $( $(#[$vmeta])* $variant = $code, $ko, $en; )* });
    };
}

/// (fill, font) colours, `0xRRGGBB`.
pub type Colours = (u32, u32);

vocabulary! {
    /// A row's risk band, from its score and the configured cut-offs.
    pub enum Band: Colours {
        // Excel's own bad / neutral / good cell styles.
        High = "high", "높음", "High", (0xFFC7CE, 0x9C0006);
        Medium = "medium", "중간", "Medium", (0xFFEB9C, 0x9C5700);
        Low = "low", "낮음", "Low", (0xC6EFCE, 0x006100);
    }
}

impl Band {
    /// (fill, font) of the band's cells.
    pub fn colours(self) -> Colours {
        self.extra()
    }

    /// High and medium rows are "flagged": they get reasons in the history
    /// and count in the heat map.
    pub fn is_flagged(self) -> bool {
        self != Band::Low
    }
}

vocabulary! {
    /// A reviewer's verdict on a row. Stored append-only; the latest counts.
    pub enum ReviewStatus: Colours {
        Confirmed = "confirmed", "확인된 이상", "Confirmed anomaly", Band::High.colours();
        Normal = "normal", "정상", "Normal", Band::Low.colours();
        NeedsEvidence = "needs_evidence", "증빙 필요", "Needs evidence", Band::Medium.colours();
    }
}

impl ReviewStatus {
    /// (fill, font) a status is shown with: a confirmed anomaly as a high
    /// band, a normal row as a low one, a request for evidence between.
    pub fn colours(self) -> Colours {
        self.extra()
    }

    /// The label of a row's latest review, or "open" when it has none.
    pub fn word_or_open(status: Option<ReviewStatus>, lang: Lang) -> &'static str {
        match status {
            Some(s) => s.word(lang),
            None => crate::i18n::pick(lang, "미검토", "Open"),
        }
    }
}

vocabulary! {
    /// Why a reviewer gave a status: a short list that fits each status
    /// (the table's last column), picked beside it. Optional: a review
    /// without one, and every review stored before reasons existed, stays
    /// valid. A label holds no comma, since a sheet's dropdown list is
    /// comma-separated.
    pub enum ReviewReason: ReviewStatus {
        AllowedByRules = "allowed_by_rules", "규정상 허용", "Allowed by the rules", ReviewStatus::Normal;
        ApprovedException = "approved_exception", "승인된 예외", "Approved exception", ReviewStatus::Normal;
        FalseAlarm = "false_alarm", "오탐(데이터 특성)", "False alarm (a trait of the data)", ReviewStatus::Normal;
        Duplicate = "duplicate", "중복", "Duplicate", ReviewStatus::Confirmed;
        Split = "split", "분할", "Split", ReviewStatus::Confirmed;
        MissingEvidence = "missing_evidence", "증빙 부족", "Insufficient evidence", ReviewStatus::Confirmed;
        OffPurpose = "off_purpose", "목적 외 사용", "Used outside its purpose", ReviewStatus::Confirmed;
        Other = "other", "기타", "Other", ReviewStatus::Confirmed;
    }
}

impl ReviewReason {
    /// The status this reason explains.
    pub fn status(self) -> ReviewStatus {
        self.extra()
    }

    /// The reasons that fit `status`, in the table's order.
    pub fn for_status(status: ReviewStatus) -> impl Iterator<Item = ReviewReason> {
        ReviewReason::ALL
            .iter()
            .copied()
            .filter(move |r| r.status() == status)
    }

    /// Whether this reason may be given with `status`, and if not, why, in
    /// both languages ("검토 사유 '중복'은(는) '확인된 이상'의 사유이지 …"),
    /// naming the reasons that would fit. The store and the API both refuse
    /// a misfit with it.
    pub fn fits(self, status: ReviewStatus) -> Result<(), Text> {
        if self.status() == status {
            return Ok(());
        }
        let fitting = |lang| {
            let words: Vec<&str> = ReviewReason::for_status(status)
                .map(|r| r.word(lang))
                .collect();
            if words.is_empty() {
                crate::i18n::pick(lang, "없음", "none").to_string()
            } else {
                words.join(" / ")
            }
        };
        let (explains, given) = (self.status(), status);
        Err(Text::new(
            format!(
                "검토 사유 '{}'은(는) '{}'의 사유이지 '{}'의 사유가 아닙니다 ('{}'에 맞는 사유: {})",
                self.word(Lang::Ko),
                explains.word(Lang::Ko),
                given.word(Lang::Ko),
                given.word(Lang::Ko),
                fitting(Lang::Ko)
            ),
            format!(
                "review reason '{}' explains '{}', not '{}' (reasons for '{}': {})",
                self.word(Lang::En),
                explains.word(Lang::En),
                given.word(Lang::En),
                given.word(Lang::En),
                fitting(Lang::En)
            ),
        ))
    }
}

vocabulary! {
    /// What a reason is about: one per detector (`model/detectors/`). The
    /// number is the detector's default weight: how much of its evidence
    /// counts (see `config::Weights` and `model::fusion`). The Isolation
    /// Forest reads the other detectors' features, so half its evidence
    /// would count twice.
    pub enum DetectorKind: f64 {
        AmountOutlier = "amount_outlier", "부서·계정 대비 고액", "Large for department and account", 1.0;
        AccountOutlier = "account_outlier", "계정 대비 고액", "Large for the account", 1.0;
        Duplicate = "duplicate", "중복 지급", "Duplicate payment", 1.0;
        Split = "split", "분할 집행", "Split purchase", 1.0;
        RecurringJump = "recurring_jump", "정기 지출 급증", "Recurring bill jump", 1.0;
        SmallRepeat = "small_repeat", "소액 반복", "Repeated small payments", 1.0;
        RareVendor = "rare_vendor", "드문 거래처·계정", "Rare vendor for the account", 1.0;
        NonWorkingDay = "non_working_day", "휴일 집행", "Paid on a non-working day", 1.0;
        LateNight = "late_night", "심야 사용", "Late-night use", 1.0;
        Entertainment = "entertainment", "유흥·사행 업소", "Entertainment venue", 1.0;
        YearEnd = "year_end", "연말 집중", "Year-end concentration", 1.0;
        RoundAmount = "round_amount", "큰 정액", "Large round amount", 1.0;
        Benford = "benford", "벤포드 이탈", "Benford deviation", 1.0;
        Isolation = "isolation", "다변량 이상치", "Multivariate outlier", 0.5;
    }
}

impl DetectorKind {
    /// How many kinds there are (the length of per-kind arrays).
    pub const COUNT: usize = DetectorKind::ALL.len();

    /// The weight this kind has unless the config says otherwise.
    pub fn default_weight(self) -> f64 {
        self.extra()
    }

    /// The kind's position in [`DetectorKind::ALL`], for per-kind arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

vocabulary! {
    /// The scores the model report judges (`learn::report`).
    pub enum ScoreKind {
        /// The detectors' fused evidence.
        Unsupervised = "unsupervised", "비지도 점수", "unsupervised score";
        /// The detectors' evidence under the weights learnt from the
        /// earlier reviews (`learn::weights`).
        Weighted = "weighted", "학습된 가중치 점수 (앞 검토로 학습)", "score with learnt weights (from the earlier reviews)";
        /// The reviews' model alone, its probability × 100.
        Supervised = "supervised", "지도 모델 (앞 검토로 학습)", "supervised model (trained on the earlier reviews)";
        /// The unsupervised evidence updated by the model.
        Blend = "blend", "혼합 점수", "blended score";
    }
}

vocabulary! {
    /// What a budget line's execution is warned of (`budget::execution`).
    pub enum ExecutionWarning {
        Over = "over", "초과 집행 우려", "heading over budget";
        Under = "under", "집행 부진", "under-spending";
    }
}

vocabulary! {
    /// The models a monthly series is forecast with (`forecast/`): the
    /// seasonal-naive baseline, exponential smoothing, and the LSTM over
    /// windows of 3, 6 and 12 months; each series takes the one with the
    /// least error on its validation months.
    pub enum ForecastModel {
        SeasonalNaive = "seasonal_naive", "계절 단순", "seasonal naive";
        Smoothing = "smoothing", "지수평활", "exponential smoothing";
        Lstm3 = "lstm_3", "LSTM (3개월 창)", "LSTM (3-month window)";
        Lstm6 = "lstm_6", "LSTM (6개월 창)", "LSTM (6-month window)";
        Lstm12 = "lstm_12", "LSTM (12개월 창)", "LSTM (12-month window)";
    }
}

vocabulary! {
    /// Why a run trained its forecaster afresh rather than reuse the one
    /// kept from an earlier run (`forecast/watch.rs`).
    pub enum ForecastRefit {
        NoModel = "no_model", "보관된 예측 모델 없음", "no forecast model kept";
        ParamsChanged = "params_changed", "예측 설정 변경", "the forecast settings changed";
        SawHoldout = "saw_holdout", "보관 모델이 이번 검증·시험 달을 학습함", "the kept model was trained on this run's validation or test months";
        FeaturesDrifted = "features_drifted", "최근 달 지출 분포 변화 (PSI)", "the newest months' spending drifted (PSI)";
        ScoresDrifted = "scores_drifted", "최근 달 위험 점수 분포 변화 (PSI)", "the newest months' risk scores drifted (PSI)";
    }
}

vocabulary! {
    /// Which side of its forecast interval a month fell (`forecast/run.rs`).
    pub enum ForecastSide {
        Above = "above", "예측 범위 초과", "above the forecast range";
        Below = "below", "예측 범위 미달", "below the forecast range";
    }
}

vocabulary! {
    /// The two orders the rows not reviewed yet are listed in
    /// (`learn::next`).
    pub enum NextView {
        Sure = "sure", "확인 가능성 높은 순", "most likely confirmed";
        Teach = "teach", "학습 효과 큰 순", "would teach the model most";
    }
}

vocabulary! {
    /// Which reviewed rows a score's figures are on (`learn::report`):
    /// every review, or the newest third a model trained on the earlier
    /// reviews is judged on.
    pub enum ReviewSet {
        All = "all", "전체", "all";
        Later = "later", "나중 1/3", "newest third";
    }
}

vocabulary! {
    /// The distribution an audit sample is planned and evaluated with
    /// (`sampling/`): Poisson for monetary units (the AICPA's confidence
    /// factors), binomial for items (its attribute tables).
    pub enum Likelihood {
        Poisson = "poisson", "포아송", "Poisson";
        Binomial = "binomial", "이항", "binomial";
    }
}

vocabulary! {
    /// How a sample is drawn from the rows not flagged (`sampling::select`).
    pub enum SelectionMethod {
        /// One monetary unit every interval from a random start.
        Interval = "interval", "고정 간격 금액단위", "fixed-interval monetary units";
        /// One random monetary unit within each interval.
        Cell = "cell", "셀 금액단위", "cell monetary units";
        /// Items drawn at random, each as likely as the next.
        Items = "items", "무작위 항목", "random items";
    }
}

impl SelectionMethod {
    /// The likelihood a sample drawn this way is planned and evaluated
    /// with unless one is named: Poisson for monetary units, binomial for
    /// items.
    pub fn likelihood(self) -> Likelihood {
        match self {
            SelectionMethod::Items => Likelihood::Binomial,
            SelectionMethod::Interval | SelectionMethod::Cell => Likelihood::Poisson,
        }
    }

    /// The estimator such a sample is evaluated with unless one is named:
    /// Stringer's bound for monetary units, the difference estimator for
    /// items.
    pub fn estimator(self) -> Estimator {
        match self {
            SelectionMethod::Items => Estimator::Difference,
            SelectionMethod::Interval | SelectionMethod::Cell => Estimator::Stringer,
        }
    }
}

vocabulary! {
    /// How an audited sample is projected onto its population
    /// (`sampling::evaluate`).
    pub enum Estimator {
        Stringer = "stringer", "스트링거 상한", "Stringer bound";
        Difference = "difference", "차이 추정", "difference estimator";
        Direct = "direct", "직접 추정", "direct estimator";
    }
}

vocabulary! {
    /// The columns of a sample sheet (`sampling/sheet.rs`), in order: the
    /// auditor fills the audited value (and a note) and `sample evaluate`
    /// reads them back by these headers, in either language.
    pub enum SampleColumn {
        Number = "number", "표본 번호", "Sample no.";
        SourceFile = "source_file", "원본 파일", "Source file";
        SourceRow = "source_row", "원본 행", "Source row";
        Date = "date", "집행일자", "Date";
        Department = "department", "부서명", "Department";
        Account = "account", "계정과목", "Account";
        Vendor = "vendor", "거래처", "Vendor";
        Description = "description", "적요", "Description";
        BookValue = "book_value", "장부 금액", "Book value";
        Hits = "hits", "선정 단위 수", "Units selected";
        AuditedValue = "audited_value", "감사 금액", "Audited value";
        AuditNote = "audit_note", "감사 메모", "Audit note";
        Key = "key", "행 키", "Row key";
    }
}

vocabulary! {
    /// How a field's column was chosen, for the data-quality sheet and the
    /// pane's mapping preview.
    pub enum MatchedBy {
        /// `--map` or the pane's choice.
        Mapping = "mapping", "지정한 대로", "as mapped";
        /// Its header is one of the field's names.
        Name = "name", "머리글 이름으로", "by its header";
        /// Its header contains one of the field's longer names.
        PartOfName = "part_of_name", "머리글 일부로", "by part of its header";
        /// No header named the field; its values look like it.
        Values = "values", "값을 보고 (이름으로 찾지 못함)", "by its values (no header named it)";
    }
}

vocabulary! {
    /// The built-in profiles, each what a kind of ledger is known to mean
    /// (`profile.rs`: how one is chosen, the limit each knows).
    pub enum Profile {
        /// An ERP budget-execution ledger.
        Ledger = "ledger", "예산 집행 원장", "budget-execution ledger";
        /// Card-expense records.
        Card = "card", "카드 사용 내역(업무추진비 등)", "card-expense records";
    }
}

vocabulary! {
    /// The columns ledgerlens adds to the right of a ledger, in order. The
    /// command line's workbook starts with the source file (when it read
    /// several) and row; the pane's sheet keeps its rows where they are
    /// and starts at the score.
    pub enum AddedColumn {
        SourceFile = "source_file", "원본 파일", "Source file";
        SourceRow = "source_row", "원본 행", "Source row";
        Score = "score", "위험점수", "Risk score";
        Band = "band", "위험등급", "Risk band";
        Cluster = "cluster", "군집", "Cluster";
        Reasons = "reasons", "사유", "Reasons";
        Review = "review", "검토 결과", "Review";
        ReviewReason = "review_reason", "검토 사유", "Review reason";
        Note = "note", "검토 메모", "Review note";
        Key = "key", "행 키", "Row key";
    }
}

impl AddedColumn {
    /// The columns the pane writes beside a sheet (all but the source file
    /// and row: the pane's rows are where they were).
    pub fn in_pane() -> impl Iterator<Item = AddedColumn> {
        AddedColumn::ALL
            .iter()
            .copied()
            .filter(|c| !matches!(c, AddedColumn::SourceFile | AddedColumn::SourceRow))
    }
}

/// The ledger's own header cells: dark blue, white bold text.
pub const HEADER_FILL: u32 = 0x1F3864;
/// The header cells of the columns ledgerlens adds: purple, so they stand
/// apart from the ledger's own.
pub const ADDED_HEADER_FILL: u32 = 0x7030A0;
/// How far down a sheet the header row (and the added columns' header) is
/// looked for: ERP exports put titles, dates and filters above it.
pub const HEADER_SCAN_ROWS: usize = 40;

/// `#RRGGBB`, as Office.js and CSS take a colour.
pub fn css(colour: u32) -> String {
    format!("#{colour:06X}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for &b in Band::ALL {
            assert_eq!(Band::from_code(b.code()), Some(b));
            assert_eq!(serde_json::to_value(b).unwrap(), b.code());
        }
        for &s in ReviewStatus::ALL {
            assert_eq!(ReviewStatus::from_code(s.code()), Some(s));
            let back: ReviewStatus = serde_json::from_value(s.code().into()).unwrap();
            assert_eq!(back, s);
        }
        for (i, &k) in DetectorKind::ALL.iter().enumerate() {
            assert_eq!(k.index(), i, "ALL is in declaration order");
            assert_eq!(DetectorKind::from_code(k.code()), Some(k));
            assert!((0.0..=1.0).contains(&k.default_weight()));
        }
        for &p in Profile::ALL {
            let back: Profile = serde_json::from_value(p.code().into()).unwrap();
            assert_eq!(back, p);
        }
        for (i, &column) in AddedColumn::ALL.iter().enumerate() {
            assert_eq!(column as usize, i, "a column's place is its discriminant");
        }
        assert_eq!(Band::from_code("nope"), None);
        assert_eq!(ReviewStatus::codes(), "confirmed, normal, needs_evidence");
    }

    #[test]
    fn review_reasons_fit_their_status_and_list_in_a_dropdown() {
        let of = |s| {
            ReviewReason::for_status(s)
                .map(ReviewReason::code)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            of(ReviewStatus::Normal),
            ["allowed_by_rules", "approved_exception", "false_alarm"]
        );
        assert_eq!(
            of(ReviewStatus::Confirmed),
            [
                "duplicate",
                "split",
                "missing_evidence",
                "off_purpose",
                "other"
            ]
        );
        assert!(of(ReviewStatus::NeedsEvidence).is_empty());
        for &r in ReviewReason::ALL {
            assert_eq!(ReviewReason::from_code(r.code()), Some(r));
            for lang in [Lang::Ko, Lang::En] {
                assert!(
                    !r.word(lang).contains(','),
                    "{:?} would split the dropdown",
                    r
                );
            }
        }
    }
}
