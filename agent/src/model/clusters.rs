//! Spending profiles with k-means (linfa-clustering): rows are grouped by
//! size, vendor familiarity, regularity and timing; k is chosen by the
//! silhouette on a sample; each cluster is named from its centroid in
//! Korean and English, so the column reads "소액 반복 지출", not "3".

use linfa::prelude::*;
use linfa_clustering::KMeans;
use ndarray::{Array2, Axis};
use rand::seq::index::sample;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

use crate::features::Features;
use crate::i18n::Text;

/// Columns of the profile, in this order.
const PROFILE: [&str; 7] = [
    "log_amount",
    "log_vendor_count",
    "recurring",
    "small",
    "non_working",
    "late_december",
    "small_repeat_intensity",
];
/// A cluster whose small payments run at this many times their vendor's
/// usual month is "repeated small payments", not just "small payments".
const REPEAT_INTENSITY: f64 = 3.0;
const K_RANGE: std::ops::RangeInclusive<usize> = 3..=7;
const SILHOUETTE_SAMPLE: usize = 1500;
const FIT_SAMPLE: usize = 20_000;

#[derive(Debug, Clone)]
pub struct Clusters {
    /// Cluster id of each row, 0-based, ordered by typical amount.
    pub labels: Vec<u32>,
    pub names: Vec<Text>,
    pub silhouette: f64,
}

fn profile_matrix(f: &Features) -> Array2<f64> {
    let n = f.len;
    let mut m = Array2::<f64>::zeros((n, PROFILE.len()));
    for i in 0..n {
        let small = f.small[i];
        let row = [
            f.log_amount[i],
            f64::from(f.vendor_count[i].max(1)).ln(),
            f64::from(f.recurrence[i].is_some()),
            f64::from(small),
            f64::from(f.calendar[i].non_working),
            f64::from(f.calendar[i].late_december),
            // The intensity of small payments only, as the profile's name says.
            f.small_repeat[i]
                .filter(|_| small)
                .map_or(0.0, |s| f64::from(s.count) / s.usual_count.max(1.0)),
        ];
        for (j, v) in row.into_iter().enumerate() {
            m[[i, j]] = v;
        }
    }
    m
}

fn standardise(m: &Array2<f64>) -> Array2<f64> {
    let mean = m.mean_axis(Axis(0)).expect("rows");
    let std = m
        .std_axis(Axis(0), 0.0)
        .mapv(|s| if s > 1e-9 { s } else { 1.0 });
    (m - &mean) / &std
}

fn rows_of(m: &Array2<f64>, rows: &[usize]) -> Array2<f64> {
    m.select(Axis(0), rows)
}

fn fit(
    x: &Array2<f64>,
    k: usize,
    seed: u64,
) -> Option<linfa_clustering::KMeans<f64, linfa_nn::distance::L2Dist>> {
    let rng = Xoshiro256Plus::seed_from_u64(seed);
    KMeans::params_with_rng(k, rng)
        .n_runs(3)
        .max_n_iterations(100)
        .tolerance(1e-4)
        .fit(&DatasetBase::from(x.clone()))
        .ok()
}

/// Mean silhouette of a labelled sample (exact, O(n²)).
fn silhouette(x: &Array2<f64>, labels: &[usize], k: usize) -> f64 {
    let n = x.nrows();
    let mut total = 0.0;
    for i in 0..n {
        let mut sums = vec![0.0; k];
        let mut counts = vec![0usize; k];
        for j in 0..n {
            if i == j {
                continue;
            }
            let d: f64 = x
                .row(i)
                .iter()
                .zip(x.row(j).iter())
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
                .sqrt();
            sums[labels[j]] += d;
            counts[labels[j]] += 1;
        }
        let own = labels[i];
        if counts[own] == 0 {
            continue;
        }
        let a = sums[own] / counts[own] as f64;
        let b = (0..k)
            .filter(|&c| c != own && counts[c] > 0)
            .map(|c| sums[c] / counts[c] as f64)
            .fold(f64::INFINITY, f64::min);
        if b.is_finite() {
            total += (b - a) / a.max(b).max(1e-12);
        }
    }
    total / n as f64
}

fn sample_rows(n: usize, size: usize, seed: u64) -> Vec<usize> {
    if n <= size {
        return (0..n).collect();
    }
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let mut rows = sample(&mut rng, n, size).into_vec();
    rows.sort_unstable();
    rows
}

/// Clusters the rows and names the clusters.
pub fn cluster(f: &Features, seed: u64) -> Clusters {
    let n = f.len;
    let single = || Clusters {
        labels: vec![0; n],
        names: vec![Text::new("일반 지출", "Routine spending")],
        silhouette: 0.0,
    };
    if n < 20 {
        return single();
    }
    let raw = profile_matrix(f);
    let x = standardise(&raw);

    // Choose k by the silhouette on a small sample.
    let probe = rows_of(&x, &sample_rows(n, SILHOUETTE_SAMPLE, seed));
    let mut best: Option<(usize, f64)> = None;
    for k in K_RANGE {
        if probe.nrows() < k * 5 {
            break;
        }
        let Some(model) = fit(&probe, k, seed) else {
            continue;
        };
        let labels: Vec<usize> = model.predict(&probe).to_vec();
        let s = silhouette(&probe, &labels, k);
        if best.is_none_or(|(_, bs)| s > bs + 1e-9) {
            best = Some((k, s));
        }
    }
    let Some((k, silhouette)) = best else {
        return single();
    };
    let Some(model) = fit(&rows_of(&x, &sample_rows(n, FIT_SAMPLE, seed)), k, seed) else {
        return single();
    };
    let raw_labels: Vec<usize> = model.predict(&x).to_vec();

    // Order clusters by their typical amount so ids read small -> large.
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (i, &l) in raw_labels.iter().enumerate() {
        members[l].push(i);
    }
    let mut order: Vec<usize> = (0..k).filter(|&c| !members[c].is_empty()).collect();
    let profiles_raw: Vec<[f64; 7]> = (0..k).map(|c| mean_profile(&raw, &members[c])).collect();
    order.sort_by(|&a, &b| profiles_raw[a][0].total_cmp(&profiles_raw[b][0]));
    let mut new_id = vec![0u32; k];
    for (new, &old) in order.iter().enumerate() {
        new_id[old] = new as u32;
    }
    let labels = raw_labels.iter().map(|&l| new_id[l]).collect();
    let profiles: Vec<[f64; 7]> = order.iter().map(|&c| profiles_raw[c]).collect();
    let overall = mean_profile(&raw, &(0..n).collect::<Vec<_>>());
    let names = name_clusters(&profiles, &overall);
    Clusters {
        labels,
        names,
        silhouette,
    }
}

fn mean_profile(raw: &Array2<f64>, rows: &[usize]) -> [f64; 7] {
    let mut out = [0.0; 7];
    if rows.is_empty() {
        return out;
    }
    for &r in rows {
        for (j, slot) in out.iter_mut().enumerate() {
            *slot += raw[[r, j]];
        }
    }
    out.map(|v| v / rows.len() as f64)
}

/// Names each cluster by what sets its centroid apart from the whole.
fn name_clusters(profiles: &[[f64; 7]], overall: &[f64; 7]) -> Vec<Text> {
    // "Small" is relative to the ledger: below its typical (log-mean) amount.
    let small_limit = overall[0].exp();
    let base: Vec<(&str, &str)> = profiles
        .iter()
        .map(|p| {
            let typical_amount = p[0].exp();
            let (ko, en) = if p[2] > 0.5 {
                ("정기 지출", "Recurring bills")
            } else if p[4] > 0.5 {
                ("휴일 지출", "Holiday and weekend spending")
            } else if p[5] > 0.5 {
                ("연말 지출", "Year-end spending")
            } else if p[3] > 0.5 && typical_amount <= small_limit && p[6] >= REPEAT_INTENSITY {
                ("소액 반복 지출", "Small repeated payments")
            } else if p[3] > 0.5 && typical_amount <= small_limit {
                ("소액 지출", "Small payments")
            } else if p[0] > overall[0] + 1.0 {
                ("고액 지출", "High-value payments")
            } else if p[1] < overall[1] - 1.0 {
                ("비정기 거래처 지출", "Occasional vendors")
            } else {
                ("일반 지출", "Routine spending")
            };
            (ko, en)
        })
        .collect();
    // Clusters sharing a profile name are told apart by their typical
    // amount (ids are already ordered by it): "정기 지출 (소액)" and
    // "정기 지출 (고액)"; beyond three, numbered in that order.
    base.iter()
        .enumerate()
        .map(|(i, &(ko, en))| {
            let same: Vec<usize> = (0..base.len()).filter(|&j| base[j] == (ko, en)).collect();
            let rank = same.iter().position(|&j| j == i).unwrap_or(0);
            let qualifier = match (same.len(), rank) {
                (1, _) => None,
                (2, 0) | (3, 0) => Some(("소액", "smaller")),
                (2, _) | (3, 2) => Some(("고액", "larger")),
                (3, _) => Some(("중간", "mid-sized")),
                (_, r) => return Text::new(format!("{ko} {}", r + 1), format!("{en} {}", r + 1)),
            };
            match qualifier {
                None => Text::new(ko, en),
                Some((qk, qe)) => Text::new(format!("{ko} ({qk})"), format!("{en} ({qe})")),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_profiles_and_are_unique() {
        let overall = [12.0, 3.0, 0.1, 0.3, 0.01, 0.05, 1.0];
        let names = name_clusters(
            &[
                [11.0, 4.0, 0.0, 0.9, 0.0, 0.0, 6.0],
                [12.0, 3.0, 0.9, 0.0, 0.0, 0.0, 0.0],
                [14.5, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                [12.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                [12.1, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                [11.5, 4.0, 0.0, 0.9, 0.0, 0.0, 1.1],
            ],
            &overall,
        );
        assert_eq!(names[0].ko, "소액 반복 지출");
        assert_eq!(names[1].en, "Recurring bills");
        assert_eq!(names[2].ko, "고액 지출");
        assert_eq!(names[3].ko, "일반 지출 (소액)");
        assert_eq!(names[4].ko, "일반 지출 (고액)");
        assert_eq!(names[4].en, "Routine spending (larger)");
        assert_eq!(names[5].ko, "소액 지출");
    }
}
