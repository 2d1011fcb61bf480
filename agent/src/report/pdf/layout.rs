//! Pages as lists of marks (text, boxes, lines), laid out top to bottom on
//! A4 by a `Flow`: headings kept with what follows, paragraphs wrapped to
//! the measured width, tables that carry their header onto the next page,
//! figures that start a page rather than be cut. `encode.rs` turns the
//! marks into PDF; nothing here knows PDF, so the layout is tested alone.

use super::fonts::Fonts;

/// A4 in points (210 × 297 mm).
pub(crate) const PAGE_WIDTH: f32 = 595.28;
pub(crate) const PAGE_HEIGHT: f32 = 841.89;
pub(crate) const MARGIN: f32 = 48.0;
/// Where the body starts and must end: room for the running head and the
/// page number.
pub(crate) const TOP: f32 = 64.0;
pub(crate) const BOTTOM: f32 = PAGE_HEIGHT - 60.0;
pub(crate) const WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

pub(crate) const BODY: f32 = 9.0;
pub(crate) const SMALL: f32 = 7.5;
const HEADING: f32 = 13.0;
const LINE: f32 = 1.35;

/// A colour. Every one the report uses is told apart by its lightness too,
/// so a grey print keeps what colour says (`charts.rs`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Ink(pub u8, pub u8, pub u8);

impl Ink {
    pub(crate) const BLACK: Ink = Ink(0x20, 0x20, 0x20);
    pub(crate) const GREY: Ink = Ink(0x6B, 0x6B, 0x6B);
    pub(crate) const RULE: Ink = Ink(0xBF, 0xBF, 0xBF);
    pub(crate) const SHADE: Ink = Ink(0xF2, 0xF2, 0xF2);
    pub(crate) const WHITE: Ink = Ink(0xFF, 0xFF, 0xFF);

    pub(crate) fn from_rgb(rgb: u32) -> Ink {
        Ink((rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8)
    }

    /// Relative luminance (Rec. 709), 0 black to 1 white.
    pub(crate) fn lightness(self) -> f32 {
        let c = |v: u8| v as f32 / 255.0;
        0.2126 * c(self.0) + 0.7152 * c(self.1) + 0.0722 * c(self.2)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Mark {
    /// Text from its baseline's left end.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        ink: Ink,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Ink>,
        stroke: Option<Ink>,
    },
    Line {
        points: Vec<(f32, f32)>,
        width: f32,
        ink: Ink,
        /// On and off lengths; none for a solid line.
        dash: Option<Vec<f32>>,
    },
}

pub(crate) type Page = Vec<Mark>;

/// Text as the report draws it, and measures it: bidirectional controls
/// written out (a right-to-left override in a vendor's name is shown,
/// never obeyed), tabs and carriage returns as spaces (they have no glyph).
pub(crate) fn shown(text: &str) -> String {
    crate::i18n::visible_controls(text).replace(['\t', '\r'], " ")
}

/// Text from `(x, y)`, its baseline's left end.
pub(crate) fn text(x: f32, y: f32, size: f32, bold: bool, ink: Ink, text: &str) -> Mark {
    Mark::Text {
        x,
        y,
        size,
        bold,
        ink,
        text: shown(text),
    }
}

/// A table's cell padding, points.
const CELL_PAD: f32 = 3.0;

/// A table row's kind: the header (bold, shaded), or a body row, every
/// second one lightly shaded to guide the eye across.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Row {
    Header,
    Even,
    Odd,
}

impl Row {
    fn bold(self) -> bool {
        self == Row::Header
    }

    fn shade(self) -> Option<Ink> {
        match self {
            Row::Header => Some(Ink::SHADE),
            Row::Odd => Some(Ink(0xF8, 0xF8, 0xF8)),
            Row::Even => None,
        }
    }
}

/// Where text sits in its cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Align {
    Left,
    Right,
}

pub(crate) struct Column<'a> {
    pub title: &'a str,
    /// Its share of the table's width.
    pub share: f32,
    pub align: Align,
}

impl<'a> Column<'a> {
    /// Text, read from the left.
    pub(crate) fn text(title: &'a str, share: f32) -> Column<'a> {
        Column {
            title,
            share,
            align: Align::Left,
        }
    }

    /// A figure, aligned right so its digits line up.
    pub(crate) fn figure(title: &'a str, share: f32) -> Column<'a> {
        Column {
            title,
            share,
            align: Align::Right,
        }
    }
}

/// Marks placed page after page.
pub(crate) struct Flow<'f> {
    pub(crate) fonts: &'f Fonts,
    pages: Vec<Page>,
    y: f32,
}

impl<'f> Flow<'f> {
    pub(crate) fn new(fonts: &'f Fonts) -> Flow<'f> {
        Flow {
            fonts,
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    pub(crate) fn finish(self) -> Vec<Page> {
        self.pages
    }

    fn marks(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a flow always has a page")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` more fits on this one.
    fn room_for(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    /// A section's title, kept on the page of what follows it (`keep`
    /// points of it).
    pub(crate) fn heading(&mut self, title: &str, keep: f32) {
        self.room_for(HEADING * 2.2 + keep);
        if self.y > TOP {
            self.y += HEADING;
        }
        self.y += HEADING;
        let (y, ink) = (self.y, Ink::BLACK);
        let mark = text(MARGIN, y, HEADING, true, ink, title);
        self.marks().push(mark);
        self.y += 4.0;
        self.marks().push(Mark::Line {
            points: vec![(MARGIN, y + 4.0), (MARGIN + WIDTH, y + 4.0)],
            width: 0.6,
            ink: Ink::GREY,
            dash: None,
        });
        self.y += HEADING * 0.6;
    }

    /// Wrapped text across the page.
    pub(crate) fn paragraph(&mut self, words: &str, size: f32, ink: Ink) {
        for line in wrap(self.fonts, words, size, false, WIDTH) {
            self.room_for(size * LINE);
            self.y += size * LINE;
            let y = self.y - size * (LINE - 1.0);
            let mark = text(MARGIN, y, size, false, ink, &line);
            self.marks().push(mark);
        }
        self.y += size * 0.5;
    }

    /// `label   value` lines, the labels in one column.
    pub(crate) fn facts(&mut self, facts: &[(&str, String)]) {
        let label_width = facts
            .iter()
            .map(|(l, _)| self.fonts.bold.width(l, BODY))
            .fold(0.0, f32::max)
            + 12.0;
        for (label, value) in facts {
            let lines = wrap(self.fonts, value, BODY, false, WIDTH - label_width);
            self.room_for(BODY * LINE * lines.len() as f32);
            let top = self.y;
            let mark = text(MARGIN, top + BODY, BODY, true, Ink::BLACK, label);
            self.marks().push(mark);
            for (i, line) in lines.iter().enumerate() {
                let y = top + BODY + i as f32 * BODY * LINE;
                let mark = text(MARGIN + label_width, y, BODY, false, Ink::BLACK, line);
                self.marks().push(mark);
            }
            self.y = top + BODY * LINE * lines.len().max(1) as f32;
        }
        self.y += BODY * 0.5;
    }

    /// A table the width of the page: cells wrapped, rows shaded in turn,
    /// the header repeated on every page the table reaches.
    pub(crate) fn table(&mut self, columns: &[Column<'_>], rows: &[Vec<String>]) {
        let total: f32 = columns.iter().map(|c| c.share).sum();
        let widths: Vec<f32> = columns.iter().map(|c| WIDTH * c.share / total).collect();
        let header: Vec<String> = columns.iter().map(|c| c.title.to_string()).collect();
        let first = rows
            .first()
            .map_or(0.0, |r| self.row_height(r, &widths, Row::Even));
        self.room_for(self.row_height(&header, &widths, Row::Header) + first);
        self.table_row(columns, &widths, &header, Row::Header);
        for (i, row) in rows.iter().enumerate() {
            if self.y + self.row_height(row, &widths, Row::Even) > BOTTOM {
                self.new_page();
                self.table_row(columns, &widths, &header, Row::Header);
            }
            let kind = if i % 2 == 1 { Row::Odd } else { Row::Even };
            self.table_row(columns, &widths, row, kind);
        }
        let y = self.y;
        self.marks().push(Mark::Line {
            points: vec![(MARGIN, y), (MARGIN + WIDTH, y)],
            width: 0.5,
            ink: Ink::RULE,
            dash: None,
        });
        self.y += BODY;
    }

    fn row_height(&self, cells: &[String], widths: &[f32], kind: Row) -> f32 {
        let lines = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| {
                wrap(self.fonts, c, SMALL, kind.bold(), w - 2.0 * CELL_PAD)
                    .len()
                    .max(1)
            })
            .max()
            .unwrap_or(1);
        lines as f32 * SMALL * LINE + 2.0 * CELL_PAD
    }

    fn table_row(&mut self, columns: &[Column<'_>], widths: &[f32], cells: &[String], kind: Row) {
        let (bold, size) = (kind.bold(), SMALL);
        let height = self.row_height(cells, widths, kind);
        let top = self.y;
        if let Some(fill) = kind.shade() {
            self.marks().push(Mark::Rect {
                x: MARGIN,
                y: top,
                w: WIDTH,
                h: height,
                fill: Some(fill),
                stroke: None,
            });
        }
        let face = if bold {
            &self.fonts.bold
        } else {
            &self.fonts.regular
        };
        let mut x = MARGIN;
        let mut marks = Vec::new();
        for ((cell, width), column) in cells.iter().zip(widths).zip(columns) {
            for (i, line) in wrap(self.fonts, cell, size, bold, width - 2.0 * CELL_PAD)
                .iter()
                .enumerate()
            {
                let at = match column.align {
                    Align::Left => x + CELL_PAD,
                    Align::Right => x + width - CELL_PAD - face.width(line, size),
                };
                let y = top + CELL_PAD + size + i as f32 * size * LINE;
                marks.push(text(at, y, size, bold, Ink::BLACK, line));
            }
            x += width;
        }
        self.marks().extend(marks);
        self.y = top + height;
    }

    /// A figure of `height` points, drawn by `draw` into the box it is
    /// given (x, y, width, height); moved whole to the next page if it
    /// does not fit on this one.
    pub(crate) fn figure(
        &mut self,
        height: f32,
        draw: impl FnOnce(&Fonts, (f32, f32, f32, f32)) -> Vec<Mark>,
    ) {
        self.room_for(height);
        let marks = draw(self.fonts, (MARGIN, self.y, WIDTH, height));
        self.marks().extend(marks);
        self.y += height + BODY;
    }
}

/// `text` in lines no wider than `width`: at spaces where it can, inside
/// a word (Korean runs, long numbers) where a word alone is too wide;
/// the text's own line breaks kept.
pub(crate) fn wrap(fonts: &Fonts, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
    let face = if bold { &fonts.bold } else { &fonts.regular };
    let text = shown(text);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if face.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone: split it where it overflows.
            for c in word.chars() {
                line.push(c);
                if face.width(&line, size) > width && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::replace(&mut line, c.to_string()));
                }
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The system's font, as the report finds it (CI installs Noto Sans CJK).
    fn fonts() -> Fonts {
        Fonts::find(None).expect("a font with Hangul (Debian: fonts-noto-cjk)")
    }

    #[test]
    fn wrapped_lines_fit_and_keep_every_character() {
        let fonts = fonts();
        let text = "여러 특성이 함께 드문 거래 (Isolation Forest 점수 0.62; 242건 중 1건꼴) · 부서·계정 중앙값(462,018원)의 2.9배\n둘째 줄 ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let lines = wrap(&fonts, text, SMALL, false, 120.0);
        assert!(lines.len() > 4, "{lines:?}");
        for line in &lines {
            assert!(fonts.regular.width(line, SMALL) <= 120.0, "{line}");
        }
        let kept: String = lines.concat().split_whitespace().collect();
        let given: String = text.split_whitespace().collect();
        assert_eq!(kept, given);
        // Ledger text is measured as it is drawn: a bidi override written
        // out, a tab a space, and still inside the width.
        let lines = wrap(
            &fonts,
            "Evil \u{202E}Corp\t(주)한국전력공사 용역비",
            SMALL,
            false,
            60.0,
        );
        assert!(lines.concat().contains("[U+202E]Corp"), "{lines:?}");
        assert!(
            lines
                .iter()
                .all(|l| !l.contains('\t') && fonts.regular.width(l, SMALL) <= 60.0),
            "{lines:?}"
        );
    }

    #[test]
    fn a_long_table_carries_its_header_onto_every_page_and_stays_inside_the_body() {
        let fonts = fonts();
        let mut flow = Flow::new(&fonts);
        flow.heading("표", 40.0);
        let columns = [
            Column {
                title: "부서",
                share: 1.0,
                align: Align::Left,
            },
            Column {
                title: "금액",
                share: 1.0,
                align: Align::Right,
            },
        ];
        let rows: Vec<Vec<String>> = (0..200)
            .map(|i| vec![format!("부서 {i}"), format!("{i},000원")])
            .collect();
        flow.table(&columns, &rows);
        let pages = flow.finish();
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let texts = |page: &Page| -> Vec<(f32, String)> {
            page.iter()
                .filter_map(|m| match m {
                    Mark::Text { y, text, .. } => Some((*y, text.clone())),
                    _ => None,
                })
                .collect()
        };
        let mut seen = Vec::new();
        for (n, page) in pages.iter().enumerate() {
            let texts = texts(page);
            let first_cell = texts.iter().find(|(_, t)| t != "표").unwrap();
            assert_eq!(first_cell.1, "부서", "page {n} starts with the header");
            for (y, _) in &texts {
                assert!(*y > TOP && *y < BOTTOM, "page {n}: a line at {y}");
            }
            seen.extend(
                texts
                    .into_iter()
                    .map(|(_, t)| t)
                    .filter(|t| t.starts_with("부서 ")),
            );
        }
        let expected: Vec<String> = (0..200).map(|i| format!("부서 {i}")).collect();
        assert_eq!(seen, expected, "every row once, in order");
    }
}
