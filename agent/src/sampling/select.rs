//! Which rows to audit: `n` drawn from a population of book values, by
//! monetary units or by items, from a seed, so the same call draws the
//! same sample on any machine (xoshiro256++, as `rand_xoshiro` defines it).
//!
//! - **Fixed interval** (`interval`): the population's value is cut into
//!   `n` intervals of `J = total / n`; one random start in the first, then
//!   every `J`th unit. A row is selected when one of those units falls in
//!   its amount, so a row larger than `J` is certain to be selected (and
//!   may hold several units: its `hits`).
//! - **Cell** (`cell`): one random unit within each interval, drawn on its
//!   own; no two units are closer than chance makes them.
//! - **Items** (`items`): `n` rows at random, each as likely as the next.
//!
//! Monetary units need a positive amount: rows of zero or negative book
//! value cannot be reached by a unit and are counted in `left_out`, to be
//! audited another way (the sample sheet says so).

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;

use crate::error::Error;
use crate::i18n::{Lang, Text};
use crate::money::Currency;
use crate::vocabulary::SelectionMethod;

/// One selected row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Picked {
    /// Its position in the population given.
    pub index: usize,
    pub book: f64,
    /// How many monetary units fell in it (1 for an item sample).
    pub hits: u32,
    /// The first unit that selected it (its place in the population's
    /// cumulative value), or none for an item sample.
    pub unit: Option<f64>,
}

/// A drawn sample, with what it was drawn from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Selection {
    pub method: SelectionMethod,
    pub seed: u64,
    /// The sample size asked for (monetary units or items).
    pub n: u32,
    /// The rows of the population and their total positive book value.
    pub population_items: usize,
    pub population_value: f64,
    /// The interval between units (monetary-unit methods).
    pub interval: Option<f64>,
    /// The random start (fixed interval).
    pub start: Option<f64>,
    /// In population order.
    pub picked: Vec<Picked>,
    /// Rows a monetary unit cannot reach (zero or negative book value).
    pub left_out: usize,
}

impl Selection {
    /// What was drawn from what, in a sentence: the population (the rows
    /// not flagged; `flagged` rows were left to the reviewers), the method,
    /// the seed, and the rows no monetary unit could reach.
    pub fn describe(&self, flagged: usize, currency: Currency) -> Text {
        let mut ko = format!(
            "모집단: 플래그되지 않은 행 {}건 ({}; 높음·중간 {flagged}건은 검토 대상이라 제외) · {} · 시드 {} · 뽑은 행 {}건",
            self.population_items,
            currency.ko(self.population_value),
            self.method.word(Lang::Ko),
            self.seed,
            self.picked.len()
        );
        let mut en = format!(
            "population: {} rows not flagged ({}; the {flagged} high or medium rows are the reviewers' and left out) · {} · seed {} · {} rows drawn",
            self.population_items,
            currency.en(self.population_value),
            self.method.word(Lang::En),
            self.seed,
            self.picked.len()
        );
        if self.left_out > 0 {
            ko.push_str(&format!(
                "\n금액이 0 이하인 행 {}건은 금액단위로 뽑을 수 없어 제외했습니다: 따로 검토하세요",
                self.left_out
            ));
            en.push_str(&format!(
                "\n{} rows of zero or negative amount cannot be reached by a monetary unit and are left out: review them apart",
                self.left_out
            ));
        }
        Text::new(ko, en)
    }
}

/// Draws `n` from `books` by `method`, reproducibly from `seed`.
pub fn select(
    books: &[f64],
    n: u32,
    method: SelectionMethod,
    seed: u64,
) -> Result<Selection, Error> {
    if let Some(i) = books.iter().position(|b| !b.is_finite()) {
        return Err(Error::invalid(
            "book_value_not_a_number",
            Text::new(
                format!("모집단 {}번째 행의 장부 금액이 숫자가 아닙니다", i + 1),
                format!("the book value of population row {} is not a number", i + 1),
            ),
        ));
    }
    let reachable = books.iter().filter(|&&b| b > 0.0).count();
    let total: f64 = books.iter().filter(|&&b| b > 0.0).sum();
    let usable = match method {
        SelectionMethod::Items => books.len(),
        _ => reachable,
    };
    if n == 0 || n as usize > usable {
        return Err(Error::invalid(
            "bad_sample_size",
            Text::new(
                format!("표본 {n}건을 뽑을 수 없습니다: 모집단에서 뽑을 수 있는 행은 {usable}건입니다"),
                format!("cannot draw a sample of {n}: the population has {usable} rows that can be drawn"),
            ),
        ));
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut selection = Selection {
        method,
        seed,
        n,
        population_items: books.len(),
        population_value: total,
        interval: None,
        start: None,
        picked: Vec::new(),
        left_out: books.len() - reachable,
    };
    match method {
        SelectionMethod::Items => {
            let mut chosen = rand::seq::index::sample(&mut rng, books.len(), n as usize).into_vec();
            chosen.sort_unstable();
            selection.left_out = 0;
            selection.picked = chosen
                .into_iter()
                .map(|index| Picked {
                    index,
                    book: books[index],
                    hits: 1,
                    unit: None,
                })
                .collect();
        }
        SelectionMethod::Interval | SelectionMethod::Cell => {
            let interval = total / f64::from(n);
            let units: Vec<f64> = if method == SelectionMethod::Interval {
                let start = rng.gen::<f64>() * interval;
                selection.start = Some(start);
                (0..n).map(|k| start + f64::from(k) * interval).collect()
            } else {
                (0..n)
                    .map(|k| (f64::from(k) + rng.gen::<f64>()) * interval)
                    .collect()
            };
            selection.interval = Some(interval);
            selection.picked = by_units(books, &units);
        }
    }
    Ok(selection)
}

/// The rows whose stretch of the cumulative value holds each unit (units
/// ascending); a row holding several units is picked once with its hits.
fn by_units(books: &[f64], units: &[f64]) -> Vec<Picked> {
    let mut picked: Vec<Picked> = Vec::new();
    let last = books.iter().rposition(|&b| b > 0.0).unwrap_or(0);
    let mut next = 0;
    let mut below = 0.0;
    for (index, &book) in books.iter().enumerate() {
        if book <= 0.0 {
            continue;
        }
        let above = below + book;
        let first = next;
        // A unit at exactly a row's upper edge belongs to that row; the
        // last row takes any unit rounding left beyond the total.
        while next < units.len() && (units[next] < above || index == last) {
            next += 1;
        }
        if next > first {
            picked.push(Picked {
                index,
                book,
                hits: (next - first) as u32,
                unit: Some(units[first]),
            });
        }
        below = above;
    }
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_sample() {
        let books: Vec<f64> = (1..=500).map(|i| f64::from(i % 37 + 1) * 1000.0).collect();
        for method in [
            SelectionMethod::Interval,
            SelectionMethod::Cell,
            SelectionMethod::Items,
        ] {
            let a = select(&books, 40, method, 7).unwrap();
            let b = select(&books, 40, method, 7).unwrap();
            let c = select(&books, 40, method, 8).unwrap();
            assert_eq!(a, b, "{method:?}");
            assert_ne!(
                a.picked, c.picked,
                "{method:?}: another seed, another sample"
            );
        }
    }

    #[test]
    fn fixed_interval_units_are_one_interval_apart_and_big_rows_are_certain() {
        // One row worth 40% of the total: with n = 10 it holds four units.
        let mut books = vec![100.0; 61];
        books[30] = 4000.0;
        let s = select(&books, 10, SelectionMethod::Interval, 3).unwrap();
        let interval = s.interval.unwrap();
        assert!((interval - 1000.0).abs() < 1e-9);
        assert!(s.start.unwrap() < interval);
        let big = s
            .picked
            .iter()
            .find(|p| p.index == 30)
            .expect("a row above the interval is certain");
        assert_eq!(big.hits, 4);
        assert_eq!(
            s.picked.iter().map(|p| p.hits).sum::<u32>(),
            10,
            "every unit lands in a row"
        );
    }

    #[test]
    fn cell_sampling_puts_one_unit_in_each_interval() {
        let books: Vec<f64> = (0..1000).map(|i| f64::from(i % 13 + 1)).collect();
        let s = select(&books, 25, SelectionMethod::Cell, 11).unwrap();
        assert_eq!(s.picked.iter().map(|p| p.hits).sum::<u32>(), 25);
        let interval = s.interval.unwrap();
        let mut cells: Vec<u32> = s
            .picked
            .iter()
            .map(|p| (p.unit.unwrap() / interval) as u32)
            .collect();
        cells.dedup();
        assert!(
            cells.windows(2).all(|w| w[0] < w[1]),
            "units in ascending cells"
        );
    }

    #[test]
    fn rows_no_unit_can_reach_are_left_out_and_counted() {
        let books = [100.0, 0.0, -50.0, 200.0, 300.0];
        let s = select(&books, 2, SelectionMethod::Interval, 1).unwrap();
        assert_eq!(s.left_out, 2);
        assert!(s.picked.iter().all(|p| p.book > 0.0));
        assert_eq!(s.population_value, 600.0);
        let err = select(&books, 4, SelectionMethod::Interval, 1).unwrap_err();
        assert_eq!(err.code, "bad_sample_size");
        let items = select(&books, 5, SelectionMethod::Items, 1).unwrap();
        assert_eq!(items.picked.len(), 5, "an item sample may take any row");
    }
}
