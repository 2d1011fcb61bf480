//! Calibration: how surprising a detector's finding is in *this* ledger.
//!
//! A detector says what it sees at a row (a magnitude such as a robust z,
//! or an event such as "paid on a holiday"); calibration turns that into a
//! tail probability `p`, the chance that a comparable row of this ledger
//! shows the pattern at least as strongly. Nothing here knows a data
//! source: every number comes from the ledger being scored.
//!
//! - **Magnitudes** are ranked among the rows where the statistic is
//!   defined (every payment of a large enough group for an amount's z, the
//!   late-December rows for the year-end rush): `p` is the empirical
//!   survival function, `#{rows at least as extreme} / (n + 1)`. Above the 90th
//!   percentile of the rows that show the pattern, where a handful of rows
//!   decide the ranking, the survival function is continued by an
//!   exponential tail fitted to the excesses (peaks over threshold with a
//!   generalised Pareto of shape 0, whose maximum-likelihood scale is the
//!   mean excess). So a 40× payment is rarer than a 12× one even when each
//!   is the only one of its size, and a ledger whose amounts are naturally
//!   heavy-tailed stretches its own tail.
//! - **Events** are rated within their comparable group (the vendor, the
//!   department, the account): `p` is the posterior rate of the event in
//!   the group, leaving the row itself out, under a beta prior centred on
//!   the ledger-wide rate whose strength is fitted to how much groups
//!   differ (empirical Bayes, method of moments). A pattern this group
//!   shows all the time is weak; one it never shows, in a ledger where it
//!   is rare, is strong; a group with few rows borrows the ledger's rate.
//!   Graded events (an exact duplicate over a same-amount one) are rated as
//!   "this grade or stronger".
//! - **Z scores against a row's own history** (a recurring bill against
//!   its series' past payments) take Student's t tail with the history's
//!   length less one degrees of freedom: the comparable rows are the series
//!   itself, and ranking the jumps against one another would call them
//!   common in a ledger where many bills jump.

/// What a detector reports for a row that shows its pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Finding {
    /// Larger is stranger. For an event, its grade (1, 2, …).
    pub value: f64,
    /// How many rows make up one occurrence of an event (the parts of a
    /// split): an occurrence is counted once, and a row's own occurrence
    /// is what is left out when it is rated.
    pub rows: u32,
    /// The least tail probability calibration may give it: for a surprisal,
    /// the chance its own model gives (0: no bound).
    pub floor: f64,
}

impl Finding {
    pub fn magnitude(value: f64) -> Finding {
        Finding {
            value,
            rows: 1,
            floor: 0.0,
        }
    }

    /// A magnitude that is itself a surprisal, `−ln` of the chance of the
    /// row's statistic under the detector's own model of an ordinary row
    /// (a negative binomial for a month's count, a coincidence for a
    /// repeat, the account mix for a vendor new to an account). Ranked like
    /// any magnitude, so a pattern that many rows of this ledger show is
    /// weak, but never rarer than that chance: ranking alone makes the
    /// most extreme row of any ledger look rare, even where its own model
    /// finds it ordinary.
    pub fn surprisal(value: f64) -> Finding {
        Finding {
            floor: (-value).exp(),
            ..Finding::magnitude(value)
        }
    }

    pub fn event(grade: u32) -> Finding {
        Finding {
            value: f64::from(grade),
            rows: 1,
            floor: 0.0,
        }
    }

    /// An event that spans `rows` rows.
    pub fn spanning(self, rows: u32) -> Finding {
        Finding {
            rows: rows.max(1),
            ..self
        }
    }
}

/// Share of the rows showing a magnitude above which the exponential tail
/// takes over from the empirical one.
const TAIL_SHARE: f64 = 0.10;
/// Fewest rows showing a magnitude for a tail to be fitted at all.
const MIN_TAIL_ROWS: usize = 10;

/// Tail probabilities of magnitudes among the rows that have one: rows
/// without a finding get 1.
pub(crate) fn magnitudes(findings: &[Option<Finding>]) -> Vec<f64> {
    let mut values: Vec<f64> = findings
        .iter()
        .flatten()
        .map(|f| f.value)
        .filter(|v| v.is_finite())
        .collect();
    values.sort_unstable_by(|a, b| b.total_cmp(a)); // descending
    let denominator = values.len() as f64 + 1.0;
    // How many values are at least v: the first index holding a value < v.
    let at_least = |v: f64| values.partition_point(|&x| x >= v) as f64;
    // The rows that show the pattern at all: a statistic that is 0
    // wherever the pattern is absent (no repeat, no burst) has most rows
    // at its floor, and they are no part of its tail.
    let floor = values.last().copied().unwrap_or(0.0);
    let showing = values.partition_point(|&x| x > floor);
    let tail = (showing >= MIN_TAIL_ROWS).then(|| {
        let above = ((showing as f64 * TAIL_SHARE).ceil() as usize).max(MIN_TAIL_ROWS / 2);
        let threshold = values[above.min(showing - 1)];
        let excesses: Vec<f64> = values
            .iter()
            .take_while(|&&v| v > threshold)
            .map(|v| v - threshold)
            .collect();
        let scale = excesses.iter().sum::<f64>() / excesses.len().max(1) as f64;
        (threshold, scale, excesses.len() as f64 / denominator)
    });
    findings
        .iter()
        .map(|f| {
            let Some(f) = f.filter(|f| f.value.is_finite()) else {
                return 1.0;
            };
            let ranked = match tail {
                Some((threshold, scale, p_threshold)) if f.value > threshold && scale > 0.0 => {
                    p_threshold * (-(f.value - threshold) / scale).exp()
                }
                _ => at_least(f.value) / denominator,
            };
            ranked.max(f.floor)
        })
        .collect()
}

/// One-sided tail probabilities of robust z scores against each row's own
/// history (a bill against its last few payments): Student's t with
/// `freedom[i]` degrees of freedom (the history's length less one), since
/// the comparable rows are the row's own past, not the rest of the ledger,
/// and a spread read off three to six payments is itself uncertain (the
/// normal tail would call a jump against a near-constant bill a
/// one-in-10^29 event).
pub(crate) fn student_t(findings: &[Option<Finding>], freedom: &[u32]) -> Vec<f64> {
    findings
        .iter()
        .zip(freedom)
        .map(|(f, &nu)| match f {
            Some(f) if f.value.is_finite() => t_tail(f.value, f64::from(nu.max(1))),
            _ => 1.0,
        })
        .collect()
}

/// P(T ≥ z) for Student's t with `freedom` degrees of freedom (the
/// normal's where they are unbounded).
pub(crate) fn t_tail(z: f64, freedom: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    // A z that is not a number is no evidence (its surprisal would
    // otherwise be the largest there is).
    if z.is_nan() {
        return 1.0;
    }
    if !freedom.is_finite() || freedom > 1e6 {
        return 0.5 * libm::erfc(z / std::f64::consts::SQRT_2);
    }
    StudentsT::new(0.0, 1.0, freedom.max(0.5)).map_or(1.0, |t| t.sf(z))
}

/// Posterior rates of events within their groups. `group_of[i]` is row
/// i's comparable group (a dense id: a department, vendor or account),
/// whether or not it shows the event.
pub(crate) fn events(findings: &[Option<Finding>], group_of: &[u32]) -> Vec<f64> {
    let n = findings.len();
    if n == 0 {
        return Vec::new();
    }
    let grade_of = |f: &Finding| f.value.round().max(1.0) as u32;
    let mut grades: Vec<u32> = findings.iter().flatten().map(grade_of).collect();
    grades.sort_unstable();
    grades.dedup();
    let groups = group_of.iter().max().map_or(0, |g| *g as usize + 1);
    let mut sizes = vec![0u32; groups];
    for &g in group_of {
        sizes[g as usize] += 1;
    }
    // One prior per grade: the rate of "this grade or stronger", counted
    // in occurrences (a row of a k-row event counts 1/k).
    let mut p = vec![1.0; n];
    for &grade in &grades {
        let shows = |i: usize| findings[i].filter(|f| grade_of(f) >= grade);
        let mut hits = vec![0.0f64; groups];
        let mut total_hits = 0.0;
        for (i, &group) in group_of.iter().enumerate() {
            if let Some(f) = shows(i) {
                let share = 1.0 / f64::from(f.rows.max(1));
                hits[group as usize] += share;
                total_hits += share;
            }
        }
        let prior = BetaPrior::fit(&sizes, &hits, total_hits, n);
        for (i, &group) in group_of.iter().enumerate() {
            let Some(f) = shows(i) else { continue };
            // Leave the row's own occurrence out: it is what is judged.
            let k = (hits[group as usize] - 1.0).max(0.0);
            let m = (f64::from(sizes[group as usize]) - f64::from(f.rows.max(1))).max(0.0);
            let rate = (k + prior.strength * prior.mean) / (m + prior.strength);
            // A finding of a higher grade keeps the rarest rate it earns.
            p[i] = rate.min(p[i]);
        }
    }
    p
}

/// A beta prior on a group's event rate: mean and strength (pseudo-rows).
#[derive(Debug, Clone, Copy, PartialEq)]
struct BetaPrior {
    mean: f64,
    strength: f64,
}

impl BetaPrior {
    /// The ledger's rate as the mean; the strength from the spread of the
    /// groups' rates beyond what binomial noise explains. Groups that all
    /// behave alike give a strong prior (a group's own count matters
    /// little); groups that differ give a weak one.
    fn fit(sizes: &[u32], hits: &[f64], total_hits: f64, n: usize) -> Self {
        // Leave-one-out keeps a lone event from counting as its own
        // evidence: the ledger rate is that of the other rows.
        let mean = ((total_hits - 1.0).max(0.0) + 0.5) / (n as f64 + 1.0);
        let (mut weighted_sq, mut rows, mut groups) = (0.0, 0.0, 0.0);
        for (&size, &hit) in sizes.iter().zip(hits) {
            if size == 0 {
                continue;
            }
            let size = f64::from(size);
            let rate = hit / size;
            weighted_sq += size * (rate - mean).powi(2);
            rows += size;
            groups += 1.0;
        }
        let binomial = mean * (1.0 - mean);
        let between = ((weighted_sq - groups * binomial) / rows).max(binomial / rows);
        let strength = (binomial / between - 1.0).clamp(1.0, rows);
        BetaPrior { mean, strength }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn magnitude(v: f64) -> Option<Finding> {
        Some(Finding::magnitude(v))
    }

    #[test]
    fn a_larger_magnitude_is_rarer_even_past_the_last_rank() {
        let mut f: Vec<Option<Finding>> =
            (0..1000).map(|i| magnitude(f64::from(i) / 100.0)).collect();
        f.push(magnitude(20.0));
        f.push(magnitude(40.0));
        f.push(None);
        let p = magnitudes(&f);
        // The population is the rows with a value: 1002 of them.
        assert!(
            p[1001] < p[1000] && p[1000] < p[999],
            "{} {} {}",
            p[1001],
            p[1000],
            p[999]
        );
        assert_eq!(p[1002], 1.0);
        // The median row is unremarkable.
        assert!((p[500] - 0.5).abs() < 0.05, "{}", p[500]);
    }

    #[test]
    fn a_jump_against_a_short_history_is_judged_by_t_not_the_normal() {
        let f = [magnitude(11.0), magnitude(11.0), magnitude(-1.0), None];
        let p = student_t(&f, &[5, 50, 5, 5]);
        // Five degrees of freedom: about 5e-5, not the normal's 2e-28.
        assert!(p[0] > 1e-5 && p[0] < 1e-4, "{}", p[0]);
        assert!(p[1] < p[0] / 100.0, "more history, more certain: {}", p[1]);
        assert!(p[2] > 0.5 && p[3] == 1.0);
    }

    #[test]
    fn far_tails_stay_finite_and_ordered() {
        for nu in [1.0, 3.7, 40.0, 1045.0, 1e5, f64::INFINITY] {
            let (a, b) = (t_tail(16.0, nu), t_tail(30.0, nu));
            assert!(a.is_finite() && b.is_finite(), "{nu}: {a} {b}");
            assert!(b < a && a < 0.03, "{nu}: {a} {b}");
        }
    }

    #[test]
    fn a_surprisal_is_never_rarer_than_its_own_chance() {
        // 1,000 rows, two repeats: one a 1-in-1,000 coincidence, one a
        // 9-in-10. Ranked alone both would be about 1 in 500.
        let mut findings = vec![Some(Finding::surprisal(0.0)); 1000];
        findings[3] = Some(Finding::surprisal(-(1e-3f64).ln()));
        findings[7] = Some(Finding::surprisal(-(0.9f64).ln()));
        let p = magnitudes(&findings);
        assert!((p[7] - 0.9).abs() < 1e-12, "{}", p[7]);
        assert!(p[3] < 0.01, "{}", p[3]);
        assert!(p[0] > 0.99, "{}", p[0]);
        // A plain magnitude ranked alone is as rare as its rank.
        findings[7] = Some(Finding::magnitude(-(0.9f64).ln()));
        assert!(magnitudes(&findings)[7] < 0.01);
    }

    #[test]
    fn rows_at_the_threshold_are_not_in_the_tail() {
        // 990 rows without the pattern (0) and ten with it: the strongest
        // is about 1 in 1,000, not 1 in 3.
        let mut f: Vec<Option<Finding>> = (0..990).map(|_| magnitude(0.0)).collect();
        f.extend((1..=10).map(|i| magnitude(f64::from(i))));
        let p = magnitudes(&f);
        assert!(p[999] < 2.0 / 1000.0, "{}", p[999]);
        assert!(p[0] > 0.9, "{}", p[0]);
    }

    #[test]
    fn an_event_common_in_its_group_is_weak_and_a_rare_one_strong() {
        // Group 1 pays on holidays a third of the time; group 2 never but once.
        let mut findings = Vec::new();
        let mut groups = Vec::new();
        for i in 0..300 {
            findings.push((i % 3 == 0).then_some(Finding::event(1)));
            groups.push(1);
        }
        for i in 0..300 {
            findings.push((i == 7).then_some(Finding::event(1)));
            groups.push(2);
        }
        let p = events(&findings, &groups);
        assert!(p[0] > 0.2, "common: {}", p[0]);
        assert!(p[307] < 0.02, "rare: {}", p[307]);
        assert_eq!(p[1], 1.0);
    }

    #[test]
    fn a_higher_grade_is_rated_by_its_own_rarity() {
        let findings: Vec<Option<Finding>> = (0..200)
            .map(|i| match i {
                0 => Some(Finding::event(2)),
                i if i % 4 == 0 => Some(Finding::event(1)),
                _ => None,
            })
            .collect();
        let p = events(&findings, &vec![0; 200]);
        assert!(p[0] < p[4] / 5.0, "{} vs {}", p[0], p[4]);
    }
}
