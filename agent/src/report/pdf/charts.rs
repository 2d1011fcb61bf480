//! The report's figures as marks: bars with their values written beside
//! them, trend lines told apart by dash as well as colour and named at
//! their ends, and a heat map on one dark-to-light ramp with its counts in
//! the cells. Printed in grey, every figure still reads: nothing is said
//! by hue alone.

use super::fonts::Fonts;
use super::layout::{text, Ink, Mark, SMALL};

/// A box on the page: left, top, width, height.
pub(crate) type Area = (f32, f32, f32, f32);

/// Horizontal bars, one per item: its label, the bar, the value's text.
pub(crate) fn bars(fonts: &Fonts, area: Area, items: &[(String, f64, Ink, String)]) -> Vec<Mark> {
    let (x, y, w, h) = area;
    let label_width = items
        .iter()
        .map(|(l, ..)| fonts.regular.width(l, SMALL + 1.0))
        .fold(0.0, f32::max)
        + 8.0;
    let value_width = items
        .iter()
        .map(|(.., v)| fonts.regular.width(v, SMALL + 1.0))
        .fold(0.0, f32::max)
        + 8.0;
    let max = items.iter().map(|i| i.1).fold(0.0, f64::max);
    let row = h / items.len().max(1) as f32;
    let mut marks = Vec::new();
    for (i, (label, value, ink, shown)) in items.iter().enumerate() {
        let top = y + i as f32 * row;
        let bar_height = row * 0.62;
        let baseline = top + row / 2.0 + (SMALL + 1.0) / 3.0;
        marks.push(text(x, baseline, SMALL + 1.0, false, Ink::BLACK, label));
        let room = w - label_width - value_width;
        let length = if max > 0.0 {
            (value / max) as f32 * room
        } else {
            0.0
        };
        marks.push(Mark::Rect {
            x: x + label_width,
            y: top + (row - bar_height) / 2.0,
            w: length.max(0.5),
            h: bar_height,
            fill: Some(*ink),
            stroke: Some(Ink::GREY),
        });
        marks.push(text(
            x + label_width + length + 4.0,
            baseline,
            SMALL + 1.0,
            false,
            Ink::BLACK,
            shown,
        ));
    }
    marks
}

/// A series of a line chart.
pub(crate) struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

/// Line styles, each different in colour, lightness, dash and width, so
/// that a grey print tells them apart.
const STYLES: &[(u32, Option<&[f32]>, f32)] = &[
    (0x1F3864, None, 1.6),
    (0xC55A11, Some(&[5.0, 2.0]), 1.3),
    (0x548235, Some(&[1.2, 1.8]), 1.5),
    (0x7030A0, Some(&[6.0, 2.0, 1.2, 2.0]), 1.2),
    (0x7F7F7F, Some(&[3.0, 3.0]), 1.0),
];

/// Round steps for an axis from 0 to `max`: 1, 2 or 5 times a power of ten.
fn ticks(max: f64, wanted: usize) -> Vec<f64> {
    if max <= 0.0 || !max.is_finite() {
        return vec![0.0, 1.0];
    }
    let raw = max / wanted as f64;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power);
    let count = (max / step).ceil() as usize;
    (0..=count).map(|i| i as f64 * step).collect()
}

/// Months along the bottom, one line per series, a legend on top.
pub(crate) fn lines(
    fonts: &Fonts,
    area: Area,
    months: &[String],
    series: &[Series],
    tick_text: impl Fn(f64) -> String,
) -> Vec<Mark> {
    let (x, y, w, h) = area;
    let mut marks = Vec::new();
    // The legend: a sample of each line and its name.
    let mut lx = x;
    for (s, &(rgb, dash, width)) in series.iter().zip(STYLES) {
        let ink = Ink::from_rgb(rgb);
        marks.push(Mark::Line {
            points: vec![(lx, y + 5.0), (lx + 18.0, y + 5.0)],
            width,
            ink,
            dash: dash.map(<[f32]>::to_vec),
        });
        marks.push(text(lx + 22.0, y + 7.5, SMALL, false, Ink::BLACK, &s.name));
        lx += 30.0 + fonts.regular.width(&s.name, SMALL);
    }
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0, f64::max);
    let steps = ticks(max, 4);
    let top_value = *steps.last().unwrap_or(&1.0);
    let axis_width = steps
        .iter()
        .map(|v| fonts.regular.width(&tick_text(*v), SMALL))
        .fold(0.0, f32::max)
        + 6.0;
    let (px, py, pw, ph) = (x + axis_width, y + 18.0, w - axis_width - 4.0, h - 34.0);
    let at_y = |v: f64| py + ph - (v / top_value) as f32 * ph;
    for v in &steps {
        let gy = at_y(*v);
        marks.push(Mark::Line {
            points: vec![(px, gy), (px + pw, gy)],
            width: 0.4,
            ink: Ink::RULE,
            dash: None,
        });
        let label = tick_text(*v);
        let lw = fonts.regular.width(&label, SMALL);
        marks.push(text(
            px - lw - 4.0,
            gy + SMALL / 3.0,
            SMALL,
            false,
            Ink::GREY,
            &label,
        ));
    }
    let n = months.len().max(1);
    let at_x = |i: usize| {
        if n == 1 {
            px + pw / 2.0
        } else {
            px + pw * i as f32 / (n - 1) as f32
        }
    };
    // A month label every few months, as many as fit.
    let label_width = fonts.regular.width("2024-12", SMALL) + 6.0;
    let every = ((n as f32 * label_width / pw).ceil() as usize).max(1);
    // Counted back from the newest, which is always labelled.
    for (i, m) in months.iter().enumerate() {
        if (n - 1 - i).is_multiple_of(every) {
            let lw = fonts.regular.width(m, SMALL);
            marks.push(text(
                at_x(i) - lw / 2.0,
                py + ph + SMALL + 4.0,
                SMALL,
                false,
                Ink::GREY,
                m,
            ));
        }
    }
    for (s, &(rgb, dash, width)) in series.iter().zip(STYLES) {
        let points: Vec<(f32, f32)> = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| (at_x(i), at_y(*v)))
            .collect();
        let ink = Ink::from_rgb(rgb);
        marks.push(Mark::Line {
            points: points.clone(),
            width,
            ink,
            dash: dash.map(<[f32]>::to_vec),
        });
        // A dot on every month: a single month still shows.
        for (cx, cy) in points {
            marks.push(Mark::Rect {
                x: cx - 1.3,
                y: cy - 1.3,
                w: 2.6,
                h: 2.6,
                fill: Some(ink),
                stroke: None,
            });
        }
    }
    marks
}

/// The heat map's ramp: white to a dark blue, lightness falling evenly.
pub(crate) fn heat_ink(share: f64) -> Ink {
    let t = share.clamp(0.0, 1.0) as f32;
    let (r, g, b) = (0x1F as f32, 0x38 as f32, 0x64 as f32);
    let fade = |full: f32| (255.0 - (255.0 - full) * t).round() as u8;
    Ink(fade(r), fade(g), fade(b))
}

/// Rows (departments) × columns (months), each cell shaded by its count
/// against the largest, with the count in it.
pub(crate) fn heat(
    fonts: &Fonts,
    area: Area,
    rows: &[String],
    columns: &[String],
    cells: &[Vec<u64>],
) -> Vec<Mark> {
    let (x, y, w, h) = area;
    let mut marks = Vec::new();
    let label_width = rows
        .iter()
        .map(|r| fonts.regular.width(r, SMALL))
        .fold(0.0, f32::max)
        .min(w * 0.3)
        + 6.0;
    let head = SMALL * 2.0 + 6.0;
    let cw = (w - label_width) / columns.len().max(1) as f32;
    let ch = ((h - head) / rows.len().max(1) as f32).min(16.0);
    let max = cells.iter().flatten().copied().max().unwrap_or(0);
    // Month labels in two lines (year over month) so that 12 columns fit.
    let mut last_year = "";
    for (j, c) in columns.iter().enumerate() {
        let (year, month) = c.split_once('-').unwrap_or(("", c));
        let cx = x + label_width + j as f32 * cw;
        if year != last_year {
            marks.push(text(cx + 1.0, y + SMALL, SMALL, false, Ink::GREY, year));
            last_year = year;
        }
        let mw = fonts.regular.width(month, SMALL);
        marks.push(text(
            cx + (cw - mw) / 2.0,
            y + 2.0 * SMALL + 2.0,
            SMALL,
            false,
            Ink::BLACK,
            month,
        ));
    }
    for (i, (row, counts)) in rows.iter().zip(cells).enumerate() {
        let top = y + head + i as f32 * ch;
        let mut label = row.clone();
        while fonts.regular.width(&label, SMALL) > label_width - 6.0 && label.chars().count() > 2 {
            label.pop();
        }
        marks.push(text(
            x,
            top + ch / 2.0 + SMALL / 3.0,
            SMALL,
            false,
            Ink::BLACK,
            &label,
        ));
        for (j, &count) in counts.iter().enumerate() {
            let share = if max == 0 {
                0.0
            } else {
                count as f64 / max as f64
            };
            let fill = heat_ink(share);
            let cx = x + label_width + j as f32 * cw;
            marks.push(Mark::Rect {
                x: cx,
                y: top,
                w: cw,
                h: ch,
                fill: Some(fill),
                stroke: Some(Ink::WHITE),
            });
            if count > 0 {
                let shown = count.to_string();
                let sw = fonts.regular.width(&shown, SMALL);
                if sw < cw - 2.0 {
                    let ink = if fill.lightness() < 0.5 {
                        Ink::WHITE
                    } else {
                        Ink::BLACK
                    };
                    marks.push(text(
                        cx + (cw - sw) / 2.0,
                        top + ch / 2.0 + SMALL / 3.0,
                        SMALL,
                        false,
                        ink,
                        &shown,
                    ));
                }
            }
        }
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(ticks(37.0, 4), vec![0.0, 10.0, 20.0, 30.0, 40.0]);
        assert_eq!(
            ticks(1_850_000.0, 4),
            vec![0.0, 500_000.0, 1_000_000.0, 1_500_000.0, 2_000_000.0]
        );
        assert_eq!(ticks(0.0, 4), vec![0.0, 1.0]);
    }

    #[test]
    fn the_heat_ramp_darkens_evenly_so_grey_prints_keep_the_order() {
        let shades: Vec<f32> = (0..=10)
            .map(|i| heat_ink(i as f64 / 10.0).lightness())
            .collect();
        assert!(shades.windows(2).all(|w| w[1] < w[0] - 0.03), "{shades:?}");
        assert!(shades[0] > 0.99 && shades[10] < 0.25, "{shades:?}");
    }

    #[test]
    fn every_line_style_has_its_own_dash() {
        for (i, a) in STYLES.iter().enumerate() {
            for b in &STYLES[i + 1..] {
                assert_ne!(a.1, b.1, "{a:?} {b:?}");
            }
        }
    }
}
