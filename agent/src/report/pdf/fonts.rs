//! The report's font: one face with Hangul and Latin (and its bold, where
//! the family has one), found among the system's fonts or named by the
//! user, embedded in the PDF as a subset (krilla) and measured here for
//! layout (ttf-parser).
//!
//! Why a system font and not one built in: a CJK face is 10–20 MB, and
//! every machine the report is made on already has one (맑은 고딕 on every
//! Windows since Vista, Apple SD Gothic Neo on macOS, Noto Sans CJK on
//! Linux desktops). A machine without one gets an error that says how to
//! name or install one, never a PDF of empty boxes.

use std::path::Path;
use std::sync::Arc;

use crate::error::Error;
use crate::i18n::Text;

/// Families tried first, in order: the ones Korean offices' machines have.
/// After them, any face that has Hangul.
const PREFERRED: &[&str] = &[
    "Malgun Gothic",
    "맑은 고딕",
    "Noto Sans CJK KR",
    "Noto Sans KR",
    "Source Han Sans K",
    "Source Han Sans KR",
    "Apple SD Gothic Neo",
    "NanumGothic",
    "나눔고딕",
    "Noto Sans CJK JP",
];

/// The characters a face must have to write a Korean and English report.
const MUST_HAVE: &str = "가한글원AZaz09%";

/// One face: its bytes for the PDF and for measuring.
#[derive(Clone)]
pub(crate) struct Face {
    data: Arc<Vec<u8>>,
    index: u32,
    pub(crate) pdf: krilla::text::Font,
}

impl Face {
    fn load(data: Arc<Vec<u8>>, index: u32) -> Option<Face> {
        let parsed = ttf_parser::Face::parse(&data, index).ok()?;
        if !MUST_HAVE.chars().all(|c| parsed.glyph_index(c).is_some()) {
            return None;
        }
        let pdf = krilla::text::Font::new(krilla::Data::from(data.clone()), index)?;
        Some(Face { data, index, pdf })
    }

    fn parsed(&self) -> ttf_parser::Face<'_> {
        // Parsed (and checked) once in `load`: cannot fail here.
        ttf_parser::Face::parse(&self.data, self.index).expect("a face that parsed once")
    }

    /// The width of `text` at `size` points (advances; Hangul and Latin
    /// need no shaping beyond them).
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        let text = super::layout::shown(text);
        let face = self.parsed();
        let per_em = face.units_per_em() as f32;
        let units: f32 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    // A character the face lacks is drawn as its empty
                    // box, about half an em wide.
                    .unwrap_or((per_em / 2.0) as u16) as f32
            })
            .sum();
        units / per_em * size
    }

    /// The characters of `text` this face has no glyph for.
    pub(crate) fn missing(&self, text: &str) -> Vec<char> {
        let face = self.parsed();
        text.chars()
            .filter(|&c| !c.is_control() && face.glyph_index(c).is_none())
            .collect()
    }
}

/// The report's faces and the family they came from.
#[derive(Clone)]
pub(crate) struct Fonts {
    pub(crate) regular: Face,
    pub(crate) bold: Face,
    pub(crate) family: String,
}

impl Fonts {
    /// The face named by `path` (its first face with Hangul, for a
    /// collection), else the system's best (see `PREFERRED`).
    pub(crate) fn find(path: Option<&Path>) -> Result<Fonts, Error> {
        match path {
            Some(path) => Fonts::from_file(path),
            None => Fonts::from_system(),
        }
    }

    fn from_file(path: &Path) -> Result<Fonts, Error> {
        let bytes = std::fs::read(path).map_err(|e| {
            Error::file(
                Text::new("글꼴 파일을 읽을 수 없습니다", "cannot read the font file"),
                path,
                e,
            )
        })?;
        let data = Arc::new(bytes);
        let faces = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
        let face = (0..faces)
            .find_map(|i| Face::load(data.clone(), i))
            .ok_or_else(|| {
                Error::invalid(
                    "font_without_hangul",
                    Text::new(
                        format!(
                            "{}: 한글이 있는 글꼴(.ttf, .otf, .ttc)이 아닙니다",
                            path.display()
                        ),
                        format!(
                            "{}: not a font (.ttf, .otf, .ttc) with Hangul",
                            path.display()
                        ),
                    ),
                )
            })?;
        Ok(Fonts {
            regular: face.clone(),
            bold: face,
            family: path.display().to_string(),
        })
    }

    fn from_system() -> Result<Fonts, Error> {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        let load = |id: fontdb::ID| -> Option<Face> {
            db.with_face_data(id, |data, index| (data.to_vec(), index))
                .and_then(|(data, index)| Face::load(Arc::new(data), index))
        };
        let query = |family: &str, weight: fontdb::Weight| {
            let families = [fontdb::Family::Name(family)];
            let id = db.query(&fontdb::Query {
                families: &families,
                weight,
                ..Default::default()
            })?;
            // fontdb answers with the nearest face of the family; a family
            // it does not have gives none.
            load(id)
        };
        for family in PREFERRED {
            if let Some(regular) = query(family, fontdb::Weight::NORMAL) {
                let bold = query(family, fontdb::Weight::BOLD).unwrap_or_else(|| regular.clone());
                return Ok(Fonts {
                    regular,
                    bold,
                    family: family.to_string(),
                });
            }
        }
        // Any face with Hangul, the same one on every run (by name).
        let mut faces: Vec<_> = db
            .faces()
            .filter(|f| f.weight == fontdb::Weight::NORMAL)
            .map(|f| (f.post_script_name.clone(), f.id))
            .collect();
        faces.sort();
        for (name, id) in faces {
            if let Some(face) = load(id) {
                return Ok(Fonts {
                    regular: face.clone(),
                    bold: face,
                    family: name,
                });
            }
        }
        Err(Error::invalid(
            "no_report_font",
            Text::new(
                "PDF에 쓸 한글 글꼴을 찾지 못했습니다: --font로 글꼴 파일(.ttf, .otf, .ttc)을 지정하거나 \
                 한글 글꼴(예: Noto Sans CJK, Debian의 fonts-noto-cjk)을 설치하세요",
                "no font with Hangul found for the PDF: name a font file (.ttf, .otf, .ttc) with --font, \
                 or install one (e.g. Noto Sans CJK, Debian's fonts-noto-cjk)",
            ),
        ))
    }
}
