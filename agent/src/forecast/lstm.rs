//! The LSTM forecaster (issue 13.3): one network for every series of the
//! ledger (a global model: a department's few dozen months are too few to
//! train a network on, all of them together are not), reading a window of
//! `w` months and giving the next. Built on rust-lstm (pure Rust, on
//! ndarray; why not candle or burn: docs/ARCHITECTURE.md "Forecasts"),
//! with a linear head on the last hidden state, trained by Adam on the
//! squared error, by backpropagation through the window.
//!
//! Each step's input is the month's spending over the series' scale (its
//! mean on the months fitted on, so that a department of millions and one
//! of thousands share one network) and the calendar month as a point on a
//! circle (sine and cosine), so that a 3-month window still knows it is
//! December.

use ndarray_lstm::Array2;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rust_lstm::{Adam, LSTMNetwork, LinearLayer};

use super::series::{year_month, MonthIndex};
use super::windows::{window, Padding};

/// Inputs per step: the scaled value, the month's sine and cosine.
const FEATURES: usize = 3;

/// The network's size and training, checked once in `ForecastParams`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct LstmParams {
    pub hidden: usize,
    pub epochs: usize,
    /// At most this many windows are trained on (a seeded sample): the
    /// cost stays bounded on a ledger of thousands of series.
    pub max_windows: usize,
    pub batch: usize,
    pub learning_rate: f64,
    pub seed: u64,
}

impl Default for LstmParams {
    fn default() -> Self {
        LstmParams {
            hidden: 12,
            epochs: 40,
            max_windows: 3000,
            batch: 32,
            learning_rate: 0.01,
            seed: 42,
        }
    }
}

/// One series as the network sees it: its values, first month and scale.
#[derive(Debug, Clone, Copy)]
pub struct Scaled<'a> {
    pub values: &'a [f64],
    pub start: MonthIndex,
    pub scale: f64,
}

/// A trained network for windows of `window` months.
pub struct Lstm {
    pub window: usize,
    padding: Padding,
    network: LSTMNetwork,
    head: LinearLayer,
}

/// The steps of one window ending before index `end`: (features, 1) each.
fn steps(s: &Scaled<'_>, end: usize, w: usize, padding: Padding) -> Vec<[f64; FEATURES]> {
    let values = window(s.values, end, w, padding);
    values
        .iter()
        .enumerate()
        .map(|(k, v)| {
            let month = s.start + end as i32 - w as i32 + k as i32;
            let angle = (year_month(month).1 as f64 - 1.0) * std::f64::consts::TAU / 12.0;
            [v / s.scale, angle.sin(), angle.cos()]
        })
        .collect()
}

/// Windows as the network takes a batch: one (features, batch) array a step.
fn batch(windows: &[&Vec<[f64; FEATURES]>], w: usize) -> Vec<Array2<f64>> {
    (0..w)
        .map(|t| Array2::from_shape_fn((FEATURES, windows.len()), |(f, b)| windows[b][t][f]))
        .collect()
}

impl Lstm {
    /// Trains on every month of `series` that has at least one month
    /// before it (windows padded as `padding` says), sampled down to
    /// `params.max_windows`.
    pub fn train(series: &[Scaled<'_>], w: usize, padding: Padding, params: &LstmParams) -> Lstm {
        let mut samples: Vec<(Vec<[f64; FEATURES]>, f64)> = series
            .iter()
            .flat_map(|s| {
                (1..s.values.len())
                    .map(move |end| (steps(s, end, w, padding), s.values[end] / s.scale))
            })
            .collect();
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(params.seed);
        samples.shuffle(&mut rng);
        samples.truncate(params.max_windows);
        // rust-lstm draws its initial weights from a per-thread generator.
        rust_lstm::seed(params.seed);
        let mut network = LSTMNetwork::new(FEATURES, params.hidden, 1);
        let mut head = LinearLayer::new(params.hidden, 1);
        let mut adam = Adam::new(params.learning_rate);
        network.train();
        for _ in 0..params.epochs {
            samples.shuffle(&mut rng);
            for chunk in samples.chunks(params.batch) {
                let inputs: Vec<&Vec<[f64; FEATURES]>> = chunk.iter().map(|(x, _)| x).collect();
                let sequence = batch(&inputs, w);
                let (outputs, caches) = network.forward_sequence_with_cache(&sequence);
                let last = &outputs[w - 1].0;
                let predicted = head.forward(last);
                let n = chunk.len() as f64;
                let d_predicted = Array2::from_shape_fn((1, chunk.len()), |(_, b)| {
                    2.0 * (predicted[[0, b]] - chunk[b].1) / n
                });
                let (head_gradients, d_last) = head.backward(&d_predicted);
                let mut d_outputs: Vec<Array2<f64>> = (0..w)
                    .map(|_| Array2::zeros((params.hidden, chunk.len())))
                    .collect();
                d_outputs[w - 1] = d_last;
                let (mut gradients, _) = network.backward_sequence(&d_outputs, &caches);
                rust_lstm::training::clip_global_norm(&mut gradients, 1.0);
                network.update_parameters(&gradients, &mut adam);
                head.update_parameters(&head_gradients, &mut adam, "head");
            }
        }
        network.eval();
        Lstm {
            window: w,
            padding,
            network,
            head,
        }
    }

    /// The forecast of the month after `history` (`history` a prefix of
    /// the series `s`, at least one month).
    pub fn next(&mut self, s: &Scaled<'_>, history: usize) -> f64 {
        let x = steps(s, history, self.window, self.padding);
        let sequence = batch(&[&x], self.window);
        let outputs = self.network.forward_sequence(&sequence);
        let predicted = self.head.forward(&outputs[self.window - 1]);
        predicted[[0, 0]] * s.scale
    }

    /// Every weight, in the order [`Lstm::from_weights`] takes them: the
    /// cell's input, recurrent and two bias matrices, then the head's
    /// weight and bias. What the store keeps: exact `f64`s, so that a
    /// model read back forecasts to the bit what it did when trained.
    pub fn weights(&self) -> Vec<f64> {
        let cell = &self.network.get_cells()[0];
        [
            &cell.w_ih,
            &cell.w_hh,
            &cell.b_ih,
            &cell.b_hh,
            &self.head.weight,
            &self.head.bias,
        ]
        .iter()
        .flat_map(|a| a.iter().copied())
        .collect()
    }

    /// How many weights a network of `hidden` units has.
    pub fn weight_count(hidden: usize) -> usize {
        let gates = 4 * hidden;
        gates * FEATURES + gates * hidden + 2 * gates + hidden + 1
    }

    /// The network [`Lstm::weights`] gave `weights` for; `None` when their
    /// number does not fit `hidden`.
    pub fn from_weights(
        window: usize,
        padding: Padding,
        hidden: usize,
        weights: &[f64],
    ) -> Option<Lstm> {
        if weights.len() != Lstm::weight_count(hidden) {
            return None;
        }
        let gates = 4 * hidden;
        let mut rest = weights;
        let mut take = |rows: usize, cols: usize| {
            let (head, tail) = rest.split_at(rows * cols);
            rest = tail;
            Array2::from_shape_vec((rows, cols), head.to_vec()).expect("the length was checked")
        };
        let mut network = LSTMNetwork::new(FEATURES, hidden, 1);
        {
            let cell = &mut network.get_cells_mut()[0];
            cell.w_ih = take(gates, FEATURES);
            cell.w_hh = take(gates, hidden);
            cell.b_ih = take(gates, 1);
            cell.b_hh = take(gates, 1);
        }
        let mut head = LinearLayer::new(hidden, 1);
        head.weight = take(1, hidden);
        head.bias = take(1, 1);
        network.eval();
        Some(Lstm {
            window,
            padding,
            network,
            head,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_learns_a_seasonal_pattern_shared_by_series() {
        // Twenty series of one shape at different scales: the network
        // learns the shape, the scale carries the size.
        let shape: Vec<f64> = (0..48)
            .map(|m| 1.0 + 0.5 * ((m % 12) as f64 * std::f64::consts::TAU / 12.0).sin())
            .collect();
        let data: Vec<Vec<f64>> = (1..=20)
            .map(|k| shape.iter().map(|v| v * k as f64 * 1000.0).collect())
            .collect();
        let series: Vec<Scaled<'_>> = data
            .iter()
            .map(|v| Scaled {
                values: &v[..],
                start: super::super::series::month_index(2022, 1),
                scale: v.iter().sum::<f64>() / v.len() as f64,
            })
            .collect();
        let params = LstmParams {
            epochs: 60,
            ..Default::default()
        };
        let mut lstm = Lstm::train(&series, 6, Padding::Backfill, &params);
        let s = &series[4];
        let predicted = lstm.next(s, 40);
        let actual = s.values[40];
        assert!(
            (predicted - actual).abs() / actual < 0.15,
            "{predicted} vs {actual}"
        );
        // Read back from its weights, it forecasts to the bit the same.
        let weights = lstm.weights();
        assert_eq!(weights.len(), Lstm::weight_count(params.hidden));
        let mut again = Lstm::from_weights(6, Padding::Backfill, params.hidden, &weights).unwrap();
        assert_eq!(again.next(s, 40).to_bits(), predicted.to_bits());
        assert!(Lstm::from_weights(6, Padding::Backfill, params.hidden + 1, &weights).is_none());
    }
}
