//! Laid-out pages to PDF bytes (krilla): A4, the running head and "n / N"
//! on every page, the text in the report's font (a subset embedded, with
//! its Unicode map, so the text can be searched and copied).

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::TextDirection;
use krilla::Document;

use super::fonts::Fonts;
use super::layout::{text, Ink, Mark, Page, MARGIN, PAGE_HEIGHT, PAGE_WIDTH, SMALL, WIDTH};
use crate::error::Error;

fn paint(ink: Ink) -> krilla::paint::Paint {
    rgb::Color::new(ink.0, ink.1, ink.2).into()
}

fn fill(ink: Ink) -> Fill {
    Fill {
        paint: paint(ink),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn draw(surface: &mut Surface<'_>, fonts: &Fonts, mark: &Mark) {
    match mark {
        Mark::Text {
            x,
            y,
            size,
            bold,
            ink,
            text,
        } => {
            if text.is_empty() {
                return;
            }
            let face = if *bold { &fonts.bold } else { &fonts.regular };
            surface.set_fill(Some(fill(*ink)));
            surface.set_stroke(None);
            surface.draw_text(
                Point::from_xy(*x, *y),
                face.pdf.clone(),
                *size,
                text,
                false,
                TextDirection::Auto,
            );
        }
        Mark::Rect {
            x,
            y,
            w,
            h,
            fill: inside,
            stroke,
        } => {
            let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else {
                return;
            };
            let mut path = PathBuilder::new();
            path.push_rect(rect);
            let Some(path) = path.finish() else { return };
            surface.set_fill(inside.map(fill));
            surface.set_stroke(stroke.map(|ink| Stroke {
                paint: paint(ink),
                width: 0.4,
                ..Default::default()
            }));
            surface.draw_path(&path);
        }
        Mark::Line {
            points,
            width,
            ink,
            dash,
        } => {
            let mut path = PathBuilder::new();
            let mut points = points.iter();
            let Some(&(x0, y0)) = points.next() else {
                return;
            };
            path.move_to(x0, y0);
            for &(x, y) in points {
                path.line_to(x, y);
            }
            let Some(path) = path.finish() else { return };
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke {
                paint: paint(*ink),
                width: *width,
                dash: dash.as_ref().map(|array| StrokeDash {
                    array: array.clone(),
                    offset: 0.0,
                }),
                ..Default::default()
            }));
            surface.draw_path(&path);
        }
    }
}

/// The PDF of `pages`, each with `head` at its top and its number of the
/// whole at its foot.
pub(crate) fn pdf(
    pages: &[Page],
    fonts: &Fonts,
    head: &str,
    title: &str,
    lang: &str,
) -> Result<Vec<u8>, Error> {
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .language(lang.to_string())
            .creator("ledgerlens".to_string()),
    );
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).expect("A4 is a valid page size");
    let total = pages.len();
    for (n, marks) in pages.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        let number = format!("{} / {total}", n + 1);
        let frame = [
            text(MARGIN, 36.0, SMALL, false, Ink::GREY, head),
            Mark::Line {
                points: vec![(MARGIN, 42.0), (MARGIN + WIDTH, 42.0)],
                width: 0.4,
                ink: Ink::RULE,
                dash: None,
            },
            text(
                PAGE_WIDTH / 2.0 - fonts.regular.width(&number, SMALL) / 2.0,
                PAGE_HEIGHT - 30.0,
                SMALL,
                false,
                Ink::GREY,
                &number,
            ),
        ];
        for mark in frame.iter().chain(marks) {
            draw(&mut surface, fonts, mark);
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| Error::internal(format!("PDF: {e:?}")))
}
