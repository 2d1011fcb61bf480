//! Group statistics with polars: robust norms (median and MAD) per group,
//! counts, sums and shares. Groups are identified by one packed `u64` key
//! per row so that every aggregation is a single-key group-by; results come
//! back as hash maps the row-level features look up.

use std::collections::HashMap;

use polars::prelude::*;

/// Median and median absolute deviation of a value within a group, and
/// how far its 90th percentile lies above the median.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RobustStats {
    pub median: f64,
    pub mad: f64,
    /// 90th percentile − median: the upper tail's reach, which the MAD of a
    /// group with a tight core (one usual price) and a long upper tail
    /// does not see.
    pub upper: f64,
    pub count: u32,
}

/// Packs up to three small ids into one group key.
pub fn key2(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// Dense ids 0, 1, 2, … for the distinct keys, in order of first
/// appearance, so that a pair of ids can itself be packed with a third.
pub fn dense_ids(keys: &[u64]) -> Vec<u32> {
    let mut ids: HashMap<u64, u32> = HashMap::new();
    keys.iter()
        .map(|k| {
            let next = ids.len() as u32;
            *ids.entry(*k).or_insert(next)
        })
        .collect()
}

fn frame(keys: &[u64], values: &[f64]) -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(vec![
        Column::new("k".into(), keys),
        Column::new("v".into(), values),
    ])
}

fn read_u64(df: &DataFrame, name: &str) -> PolarsResult<Vec<u64>> {
    Ok(df.column(name)?.u64()?.into_no_null_iter().collect())
}

fn read_f64(df: &DataFrame, name: &str) -> PolarsResult<Vec<f64>> {
    let col = df.column(name)?.cast(&DataType::Float64)?;
    Ok(col.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

/// Median and MAD of `values` per key.
pub fn robust_stats(keys: &[u64], values: &[f64]) -> PolarsResult<HashMap<u64, RobustStats>> {
    let lf = frame(keys, values)?.lazy();
    let medians = lf.clone().group_by([col("k")]).agg([
        col("v").median().alias("med"),
        col("v")
            .quantile(lit(0.9), QuantileMethod::Linear)
            .alias("q90"),
        len().alias("n"),
    ]);
    let out = lf
        .join(
            medians,
            [col("k")],
            [col("k")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column((col("v") - col("med")).abs().alias("dev"))
        .group_by([col("k")])
        .agg([
            col("med").first(),
            col("q90").first(),
            col("dev").median().alias("mad"),
            col("n").first(),
        ])
        .collect()?;
    let k = read_u64(&out, "k")?;
    let med = read_f64(&out, "med")?;
    let mad = read_f64(&out, "mad")?;
    let q90 = read_f64(&out, "q90")?;
    let n = read_f64(&out, "n")?;
    Ok(k.into_iter()
        .enumerate()
        .map(|(i, key)| {
            (
                key,
                RobustStats {
                    median: med[i],
                    mad: mad[i],
                    upper: (q90[i] - med[i]).max(0.0),
                    count: n[i] as u32,
                },
            )
        })
        .collect())
}

/// Count and sum of `values` per key.
pub fn count_and_sum(keys: &[u64], values: &[f64]) -> PolarsResult<HashMap<u64, (u32, f64)>> {
    let out = frame(keys, values)?
        .lazy()
        .group_by([col("k")])
        .agg([len().alias("n"), col("v").sum().alias("s")])
        .collect()?;
    let k = read_u64(&out, "k")?;
    let n = read_f64(&out, "n")?;
    let s = read_f64(&out, "s")?;
    Ok(k.into_iter()
        .enumerate()
        .map(|(i, key)| (key, (n[i] as u32, s[i])))
        .collect())
}

/// Count of rows per key.
pub fn counts(keys: &[u64]) -> PolarsResult<HashMap<u64, u32>> {
    let zeros = vec![0.0; keys.len()];
    Ok(count_and_sum(keys, &zeros)?
        .into_iter()
        .map(|(k, (n, _))| (k, n))
        .collect())
}

/// Mean of `values` per key (a share when the values are 0/1).
pub fn means(keys: &[u64], values: &[f64]) -> PolarsResult<HashMap<u64, f64>> {
    Ok(count_and_sum(keys, values)?
        .into_iter()
        .map(|(k, (n, s))| (k, s / f64::from(n.max(1))))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robust_stats_per_group() {
        let keys = [1, 1, 1, 1, 1, 2, 2];
        let values = [1.0, 2.0, 3.0, 4.0, 100.0, 10.0, 20.0];
        let stats = robust_stats(&keys, &values).unwrap();
        let a = stats[&1];
        assert_eq!(a.median, 3.0);
        assert_eq!(a.mad, 1.0);
        assert_eq!(a.count, 5);
        assert_eq!(stats[&2].median, 15.0);
        assert_eq!(stats[&2].mad, 5.0);
    }

    #[test]
    fn counts_sums_means() {
        let keys = [7, 7, 9];
        let cs = count_and_sum(&keys, &[1.0, 2.0, 5.0]).unwrap();
        assert_eq!(cs[&7], (2, 3.0));
        assert_eq!(counts(&keys).unwrap()[&9], 1);
        assert_eq!(means(&keys, &[1.0, 0.0, 1.0]).unwrap()[&7], 0.5);
    }

    #[test]
    fn keys_pack_without_collisions() {
        assert_ne!(key2(1, 2), key2(2, 1));
        assert_eq!(key2(u32::MAX, 0) >> 32, u64::from(u32::MAX));
        assert_eq!(
            dense_ids(&[key2(9, 70_000), 5, key2(9, 70_000), 7]),
            vec![0, 1, 0, 2]
        );
    }
}
