//! Windows of a series' recent months, the LSTM's input (issue 13.3):
//! the `w` months before a target month, padded backwards where the
//! series is younger than `w` months. Backfill padding repeats the
//! series' first month (a bank's team in this field found it beat zero
//! padding, which tells the model "nothing was spent" before the series
//! began; `bench/forecast` measures both here).

/// How a window reaching before a series' first month is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Padding {
    /// The first month's value, repeated.
    Backfill,
    /// Zeros.
    Zero,
}

/// The `w` values before index `end` of `values` (`end` ≥ 1), oldest
/// first, padded as `padding` says where `end < w`.
pub fn window(values: &[f64], end: usize, w: usize, padding: Padding) -> Vec<f64> {
    debug_assert!(end >= 1 && end <= values.len());
    let pad = match padding {
        Padding::Backfill => values[0],
        Padding::Zero => 0.0,
    };
    (0..w)
        .map(|k| {
            let i = end as isize - w as isize + k as isize;
            if i < 0 {
                pad
            } else {
                values[i as usize]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_history_is_padded_backwards() {
        let v = [5.0, 6.0, 7.0, 8.0];
        assert_eq!(window(&v, 4, 3, Padding::Backfill), [6.0, 7.0, 8.0]);
        assert_eq!(window(&v, 2, 4, Padding::Backfill), [5.0, 5.0, 5.0, 6.0]);
        assert_eq!(window(&v, 2, 4, Padding::Zero), [0.0, 0.0, 5.0, 6.0]);
    }
}
