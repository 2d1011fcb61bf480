//! How many to sample: the smallest sample whose upper bound on the error
//! rate, were the expected errors found, stays below materiality.
//!
//! As the jfa package and the AICPA Audit Sampling guide compute it:
//!
//! - **Poisson** (monetary units): the bound is the `confidence` quantile of
//!   a gamma with shape `1 + x` and rate `n`, where `x` is the expected
//!   errors in the sample, fractional where the expectation is a rate
//!   (`x = n · rate`). With `x = 0` this is `n ≥ ln(1/(1−c)) / m`, the
//!   guide's confidence factor 3.0 at 95% over materiality.
//! - **Binomial** (items): the bound is the Clopper–Pearson upper limit,
//!   the `confidence` quantile of a beta with `1 + x` and `n − x`, with
//!   `x = ⌈n · rate⌉` whole errors. This reproduces the guide's attribute
//!   sample-size table (Table A-1; `tests`).
//!
//! Whether a size suffices is decided on the distribution function at
//! materiality (`F(m) ≥ confidence`), not on an inverted quantile: the
//! size is a whole number and must not flip on a quantile's last digits.

use serde::Serialize;
use statrs::distribution::{Beta, ContinuousCDF, Gamma};

use crate::error::Error;
use crate::i18n::{pick, Lang, Text};
use crate::vocabulary::Likelihood;

/// The largest sample a plan may ask for (as jfa's default `max`).
pub const MAX_SAMPLE: u32 = 5000;

/// What a plan is asked for, before it is checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanParams {
    /// 0.95 for 95%.
    pub confidence: f64,
    /// The tolerable misstatement as a share of the population (0.05).
    pub materiality: f64,
    /// Below 1: the expected error rate (0.01); 1 or more: the number of
    /// errors expected in the sample (2). Jfa reads it the same way.
    pub expected: f64,
    pub likelihood: Likelihood,
}

/// Parameters that passed [`PlanParams::check`]: the only kind `plan` takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckedPlan(PlanParams);

impl PlanParams {
    /// Refuses what no sample could satisfy, naming the value.
    pub fn check(self) -> Result<CheckedPlan, Error> {
        let bad = |what_ko: &str, what_en: &str, value: f64, rule_ko: &str, rule_en: &str| {
            Error::invalid(
                "bad_sampling_parameter",
                Text::new(
                    format!("{what_ko} {value}: {rule_ko}"),
                    format!("{what_en} {value}: {rule_en}"),
                ),
            )
        };
        let p = self;
        if !(p.confidence > 0.0 && p.confidence < 1.0) {
            return Err(bad(
                "신뢰수준",
                "confidence",
                p.confidence,
                "0과 1 사이여야 합니다 (예: 0.95)",
                "must be between 0 and 1 (e.g. 0.95)",
            ));
        }
        if !(p.materiality > 0.0 && p.materiality < 1.0) {
            return Err(bad(
                "중요성 기준",
                "materiality",
                p.materiality,
                "0과 1 사이의 비율이어야 합니다 (예: 0.05)",
                "must be a share between 0 and 1 (e.g. 0.05)",
            ));
        }
        if !(p.expected >= 0.0 && p.expected.is_finite()) {
            return Err(bad(
                "예상 오류",
                "expected errors",
                p.expected,
                "0 이상이어야 합니다",
                "must be 0 or more",
            ));
        }
        if p.expected < 1.0 && p.expected >= p.materiality {
            return Err(bad(
                "예상 오류율",
                "expected error rate",
                p.expected,
                "중요성 기준보다 작아야 합니다: 예상대로 오류가 나오면 어떤 표본으로도 결론을 낼 수 없습니다",
                "must be below materiality: if the errors come as expected, no sample could conclude",
            ));
        }
        if p.expected >= 1.0 && p.expected.fract() != 0.0 {
            return Err(bad(
                "예상 오류 수",
                "expected number of errors",
                p.expected,
                "1 이상이면 정수여야 합니다 (비율은 1보다 작게)",
                "must be whole when 1 or more (a rate is below 1)",
            ));
        }
        Ok(CheckedPlan(p))
    }
}

/// A planned sample.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub n: u32,
    /// The errors the plan allows in the sample (fractional for a Poisson
    /// rate).
    pub expected_errors: f64,
    /// The upper bound on the error rate at `n` with those errors.
    pub bound: f64,
    pub confidence: f64,
    pub materiality: f64,
    pub likelihood: Likelihood,
}

/// The smallest sufficient sample, or an error when none up to
/// [`MAX_SAMPLE`] is.
pub fn plan(params: &CheckedPlan) -> Result<Plan, Error> {
    let p = params.0;
    for n in 1..=MAX_SAMPLE {
        let x = errors_allowed(p, n);
        if let Some(reach) = reaches(p.likelihood, n, x, p.materiality) {
            if reach >= p.confidence {
                return Ok(Plan {
                    n,
                    expected_errors: x,
                    bound: upper_bound(p.likelihood, n, x, p.confidence),
                    confidence: p.confidence,
                    materiality: p.materiality,
                    likelihood: p.likelihood,
                });
            }
        }
    }
    Err(Error::invalid(
        "sample_too_large",
        Text::new(
            format!(
                "신뢰수준 {}·중요성 기준 {}·예상 오류 {}로는 {MAX_SAMPLE}건 이하의 표본이 없습니다: 중요성 기준을 높이거나 예상 오류를 낮추세요",
                p.confidence, p.materiality, p.expected
            ),
            format!(
                "no sample of {MAX_SAMPLE} or fewer reaches confidence {} at materiality {} with {} expected: raise materiality or lower the expected errors",
                p.confidence, p.materiality, p.expected
            ),
        ),
    ))
}

/// The errors a sample of `n` is planned to allow.
fn errors_allowed(p: PlanParams, n: u32) -> f64 {
    let x = if p.expected >= 1.0 {
        p.expected
    } else {
        f64::from(n) * p.expected
    };
    match p.likelihood {
        Likelihood::Poisson => x,
        Likelihood::Binomial => x.ceil(),
    }
}

/// The distribution function of the error rate's posterior-free bound at
/// `m`: the confidence with which `n` items and `x` errors put the rate
/// below `m`. None where the binomial has no room (`x ≥ n`).
fn reaches(likelihood: Likelihood, n: u32, x: f64, m: f64) -> Option<f64> {
    let n = f64::from(n);
    match likelihood {
        Likelihood::Poisson => Some(Gamma::new(1.0 + x, n).ok()?.cdf(m)),
        Likelihood::Binomial => Some(Beta::new(1.0 + x, n - x).ok()?.cdf(m)),
    }
}

/// The `confidence` upper bound on the error rate with `x` errors in `n`.
pub(crate) fn upper_bound(likelihood: Likelihood, n: u32, x: f64, confidence: f64) -> f64 {
    let n = f64::from(n);
    match likelihood {
        Likelihood::Poisson => Gamma::new(1.0 + x, n).map_or(1.0, |g| g.inverse_cdf(confidence)),
        Likelihood::Binomial => {
            Beta::new(1.0 + x, n - x).map_or(1.0, |b| b.inverse_cdf(confidence))
        }
    }
}

impl Plan {
    /// The plan in a sentence, for the CLI, the API and the pane.
    pub fn explain(&self, lang: Lang) -> String {
        let pct = |x: f64, places| format!("{}%", crate::i18n::trim_number(x * 100.0, places));
        let errors = crate::i18n::trim_number(self.expected_errors, 2);
        let (bound, confidence, materiality) = (
            pct(self.bound, 3),
            pct(self.confidence, 2),
            pct(self.materiality, 2),
        );
        match lang {
            Lang::Ko => format!(
                "표본 {}건 ({} 분포): 표본에서 {} 신뢰수준 {confidence}에서 오류율의 상한이 {bound}로 중요성 기준 {materiality}보다 작습니다",
                self.n,
                self.likelihood.word(lang),
                if self.expected_errors == 0.0 {
                    "오류가 없으면".to_string()
                } else {
                    format!("오류가 {errors}건 이하로 나오면")
                },
            ),
            Lang::En => format!(
                "a sample of {} ({}): if it holds {}, the error rate's upper bound at {confidence} confidence is {bound}, below the materiality of {materiality}",
                self.n,
                self.likelihood.word(lang),
                if self.expected_errors == 0.0 {
                    "no errors".to_string()
                } else if self.expected_errors == 1.0 {
                    "1 error or none".to_string()
                } else {
                    format!("{errors} errors or fewer")
                },
            ),
        }
    }

    /// The plan's heading word in the language chosen.
    pub fn title(lang: Lang) -> &'static str {
        pick(lang, "표본 계획", "Sample plan")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(confidence: f64, materiality: f64, expected: f64, likelihood: Likelihood) -> (u32, f64) {
        let p = PlanParams {
            confidence,
            materiality,
            expected,
            likelihood,
        };
        let plan = plan(&p.check().unwrap()).unwrap();
        (plan.n, plan.expected_errors)
    }

    /// The jfa package's reference sizes (../shared/datasets/real/README.md).
    #[test]
    fn sizes_match_jfa() {
        use Likelihood::*;
        assert_eq!(n(0.95, 0.05, 0.0, Poisson).0, 60);
        assert_eq!(n(0.95, 0.01, 0.0, Poisson).0, 300);
        assert_eq!(n(0.95, 0.05, 0.0, Binomial).0, 59);
        assert_eq!(n(0.95, 0.01, 0.0, Binomial).0, 299);
        let (size, x) = n(0.95, 0.05, 0.025, Poisson);
        assert_eq!(size, 231);
        assert!((x - 5.775).abs() < 1e-9, "x = {x} (jfa prints 5.78)");
        assert_eq!(n(0.95, 0.05, 0.025, Binomial).0, 234);
        assert_eq!(n(0.95, 0.05, 2.0, Poisson).0, 126);
    }

    /// The AICPA Audit Sampling guide's Table A-1 (tests of controls, 5%
    /// risk of overreliance): sample size (expected deviations) by expected
    /// deviation rate and tolerable rate, for the cells the guide prints.
    #[test]
    fn sizes_match_the_aicpa_attribute_table() {
        let tolerable = [
            0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10, 0.15, 0.20,
        ];
        // (expected rate, per tolerable rate: size and deviations, or none
        // where the guide prints "*").
        type Row = (f64, [Option<(u32, f64)>; 11]);
        let table: [Row; 4] = [
            (
                0.0,
                [
                    Some((149, 0.0)),
                    Some((99, 0.0)),
                    Some((74, 0.0)),
                    Some((59, 0.0)),
                    Some((49, 0.0)),
                    Some((42, 0.0)),
                    Some((36, 0.0)),
                    Some((32, 0.0)),
                    Some((29, 0.0)),
                    Some((19, 0.0)),
                    Some((14, 0.0)),
                ],
            ),
            (
                0.0025,
                [
                    Some((236, 1.0)),
                    Some((157, 1.0)),
                    Some((117, 1.0)),
                    Some((93, 1.0)),
                    Some((78, 1.0)),
                    Some((66, 1.0)),
                    Some((58, 1.0)),
                    Some((51, 1.0)),
                    Some((46, 1.0)),
                    Some((30, 1.0)),
                    Some((22, 1.0)),
                ],
            ),
            (
                0.0175,
                [
                    None,
                    None,
                    Some((227, 4.0)),
                    Some((153, 3.0)),
                    Some((103, 2.0)),
                    Some((88, 2.0)),
                    Some((77, 2.0)),
                    Some((51, 1.0)),
                    Some((46, 1.0)),
                    Some((30, 1.0)),
                    Some((22, 1.0)),
                ],
            ),
            (
                0.02,
                [
                    None,
                    None,
                    None,
                    Some((181, 4.0)),
                    Some((127, 3.0)),
                    Some((88, 2.0)),
                    Some((77, 2.0)),
                    Some((68, 2.0)),
                    Some((46, 1.0)),
                    Some((30, 1.0)),
                    Some((22, 1.0)),
                ],
            ),
        ];
        for (expected, row) in table {
            for (&rate, cell) in tolerable.iter().zip(row) {
                if let Some(want) = cell {
                    assert_eq!(
                        n(0.95, rate, expected, Likelihood::Binomial),
                        want,
                        "expected {expected}, tolerable {rate}"
                    );
                }
            }
        }
    }

    /// The guide's monetary-unit confidence factors at 95% (3.00, 4.75,
    /// 6.30, 7.76, 9.16, 10.52 for 0–5 errors) are the Poisson bounds,
    /// rounded up to the cent as the guide prints them.
    #[test]
    fn poisson_bounds_are_the_aicpa_confidence_factors() {
        let factors = [3.00, 4.75, 6.30, 7.76, 9.16, 10.52];
        for (k, want) in factors.iter().enumerate() {
            let factor = upper_bound(Likelihood::Poisson, 1, k as f64, 0.95);
            assert_eq!(
                (factor * 100.0).ceil() / 100.0,
                *want,
                "{k} errors: {factor}"
            );
        }
    }

    #[test]
    fn impossible_plans_are_refused_with_the_reason() {
        let p = |confidence, materiality, expected| PlanParams {
            confidence,
            materiality,
            expected,
            likelihood: Likelihood::Poisson,
        };
        assert_eq!(
            p(1.5, 0.05, 0.0).check().unwrap_err().code,
            "bad_sampling_parameter"
        );
        assert_eq!(
            p(0.95, 0.0, 0.0).check().unwrap_err().code,
            "bad_sampling_parameter"
        );
        let err = p(0.95, 0.05, 0.06).check().unwrap_err();
        assert!(
            err.message.en.contains("below materiality"),
            "{}",
            err.message.en
        );
        assert_eq!(
            p(0.95, 0.05, 2.5).check().unwrap_err().code,
            "bad_sampling_parameter"
        );
        let err = plan(&p(0.99, 0.001, 0.0009).check().unwrap()).unwrap_err();
        assert_eq!(err.code, "sample_too_large");
    }

    #[test]
    fn the_plan_reads_in_both_languages() {
        let plan = plan(
            &PlanParams {
                confidence: 0.95,
                materiality: 0.05,
                expected: 0.0,
                likelihood: Likelihood::Poisson,
            }
            .check()
            .unwrap(),
        )
        .unwrap();
        assert!(
            plan.explain(Lang::Ko)
                .starts_with("표본 60건 (포아송 분포)"),
            "{}",
            plan.explain(Lang::Ko)
        );
        assert!(
            plan.explain(Lang::En).contains("if it holds no errors")
                && plan
                    .explain(Lang::Ko)
                    .contains("오류가 없으면 신뢰수준 95%에서 오류율의 상한이 4.993%로"),
            "{}",
            plan.explain(Lang::En)
        );
        assert!((plan.bound - 0.0499).abs() < 0.0002);
    }
}
