//! `ledgerlens report --pdf`: the supervisors' PDF from a real store (two
//! runs and reviews through the real agent), read back with poppler
//! (pdfinfo, pdffonts, pdftotext, pdftoppm) as a person's viewer reads it:
//! A4, numbered, the font embedded, the Korean text there to search and,
//! rendered to pixels, ink where the words are.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::Datelike;
use std::process::Command;

use serde_json::json;

use crate::common::agent::{demo_score_request, Agent};
use crate::common::{run, stderr, stdout};

/// A poppler tool's output; a clear failure when poppler is missing
/// (`.ci/run` installs Debian's poppler-utils).
fn poppler(tool: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} (Debian package poppler-utils) cannot run: {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The words of page `page` with their boxes (`pdftotext -bbox`), in points.
fn words(pdf: &Path, page: usize) -> Vec<(String, [f32; 4])> {
    let p = page.to_string();
    let html = String::from_utf8(poppler(
        "pdftotext",
        &["-bbox", "-f", &p, "-l", &p, pdf.to_str().unwrap(), "-"],
    ))
    .unwrap();
    let number = |tag: &str, key: &str| -> f32 {
        let at = tag.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
        tag[at..].split('"').next().unwrap().parse().unwrap()
    };
    html.split("<word ")
        .skip(1)
        .map(|w| {
            let (tag, rest) = w.split_once('>').unwrap();
            let text = rest.split("</word>").next().unwrap().to_string();
            let b = ["xMin", "yMin", "xMax", "yMax"].map(|k| number(tag, k));
            (text, b)
        })
        .collect()
}

/// The share of dark pixels in a box of page 1, rendered in grey at
/// 144 dpi (`pdftoppm -gray`, a binary PGM).
fn ink_in(pdf: &Path, [x0, y0, x1, y1]: [f32; 4]) -> f64 {
    let scale = 2.0; // 144 dpi ÷ 72 points per inch
    let (x, y) = ((x0 * scale) as i64, (y0 * scale) as i64);
    let (w, h) = (
        ((x1 - x0) * scale).ceil() as i64,
        ((y1 - y0) * scale).ceil() as i64,
    );
    let pgm = poppler(
        "pdftoppm",
        &[
            "-gray",
            "-r",
            "144",
            "-f",
            "1",
            "-l",
            "1",
            "-x",
            &x.to_string(),
            "-y",
            &y.to_string(),
            "-W",
            &w.to_string(),
            "-H",
            &h.to_string(),
            pdf.to_str().unwrap(),
        ],
    );
    // "P5\n<w> <h>\n255\n" then one byte per pixel.
    let mut fields = 0;
    let mut at = 0;
    while fields < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields += 1;
    }
    let pixels = &pgm[at + 1..];
    assert_eq!(pixels.len() as i64, w * h, "a {w}×{h} grey image");
    pixels.iter().filter(|&&p| p < 128).count() as f64 / pixels.len() as f64
}

#[test]
fn the_pdf_report_is_a4_numbered_with_its_korean_text_embedded_and_visible() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let agent = Agent::start(dir.path());
    let first = agent.post_json("/api/v1/score", &demo_score_request(2500, 11));
    first.expect(200);
    let first = first.json();
    let mut ranked: Vec<&serde_json::Value> = first["results"].as_array().unwrap().iter().collect();
    ranked.sort_by(|a, b| {
        b["score"]
            .as_f64()
            .unwrap()
            .total_cmp(&a["score"].as_f64().unwrap())
    });
    let key = |i: usize| ranked[i]["key"].as_str().unwrap().to_string();
    agent
        .post_json(
            "/api/v1/reviews",
            &json!({ "reviews": [
                { "key": key(0), "status": "confirmed", "reviewer": "김검토" },
                { "key": key(1), "status": "normal", "reviewer": "김검토" },
            ]}),
        )
        .expect(200);
    // The second run with a budget: its biggest line of the newest year
    // given half what it spent, so it is warned of at 200%.
    let demo = ledgerlens::demo::generate(2500, 12);
    let year = demo.rows.iter().map(|r| r.date.year()).max().unwrap();
    let through = demo
        .rows
        .iter()
        .filter(|r| r.date.year() == year)
        .map(|r| r.date.month())
        .max()
        .unwrap();
    let mut spent: BTreeMap<(&str, &str), f64> = BTreeMap::new();
    for r in demo.rows.iter().filter(|r| r.date.year() == year) {
        *spent.entry((r.department, r.budget_item)).or_default() += r.amount;
    }
    let (&(department, item), &biggest) = spent.iter().max_by(|a, b| a.1.total_cmp(b.1)).unwrap();
    let mut request = demo_score_request(2500, 12);
    request["budget"] = json!({
        "sheet": "예산",
        "rows": [["부서명", "예산과목", "예산액"], [department, item, biggest / 2.0]],
    });
    agent.post_json("/api/v1/score", &request).expect(200);
    drop(agent);

    let pdf = dir.path().join("보고서.pdf");
    let out = run(&["report", "--pdf", pdf.to_str().unwrap(), "--data-dir", data]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("PDF 보고서 저장:"),
        "{}",
        stdout(&out)
    );
    assert!(
        !stderr(&out).contains("경고"),
        "every character is in the font: {}",
        stderr(&out)
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));

    let info = String::from_utf8(poppler("pdfinfo", &[pdf.to_str().unwrap()])).unwrap();
    assert!(info.contains("(A4)"), "{info}");
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(pages >= 2, "{info}");

    // The font travels with the file: embedded, as a subset, with a
    // Unicode map (so the text can be found and copied).
    let fonts = String::from_utf8(poppler("pdffonts", &[pdf.to_str().unwrap()])).unwrap();
    let faces: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!faces.is_empty(), "{fonts}");
    for face in &faces {
        let columns: Vec<&str> = face.split_whitespace().collect();
        let n = columns.len();
        assert_eq!(
            &columns[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "embedded, subset, Unicode map: {fonts}"
        );
    }

    let text = String::from_utf8(poppler(
        "pdftotext",
        &["-layout", pdf.to_str().unwrap(), "-"],
    ))
    .unwrap();
    for expected in [
        "ledgerlens 점검 보고서",
        "위험 등급 (최근 실행)",
        "위험 상위 10건",
        "부서 × 월 플래그",
        "월별 추세",
        "검토 결과 (플래그된 행)",
        "김검토",
        "실행 이력",
        &format!("예산 집행 ({year}년 {through}월까지)"),
        "초과 집행 우려 1 · 집행 부진",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    // The warned line with its rate, from the run that had the budget.
    let line = text
        .lines()
        .find(|l| l.contains(item) && l.contains("초과 집행 우려"))
        .unwrap_or_else(|| panic!("the line {department} {item} in:\n{text}"));
    assert!(
        line.contains(department) && line.contains("200.0%"),
        "{line}"
    );
    // Every page says which of how many it is (pdftotext drops the thin
    // spaces around the slash).
    let packed: String = text.split_whitespace().collect();
    for n in 1..=pages {
        assert!(
            packed.contains(&format!("{n}/{pages}")),
            "page {n}:\n{text}"
        );
    }

    // Rendered, the Korean title (the largest 점검 of page 1, not the
    // running head's) is ink on the page where pdftotext finds the word.
    let page_one = words(&pdf, 1);
    let title = page_one
        .iter()
        .filter(|(w, _)| w == "점검")
        .max_by(|a, b| (a.1[3] - a.1[1]).total_cmp(&(b.1[3] - b.1[1])))
        .unwrap_or_else(|| panic!("the title's word on page 1: {page_one:?}"));
    let ink = ink_in(&pdf, title.1);
    assert!(
        ink > 0.2,
        "the word 점검 is drawn ({:.0}% ink)",
        ink * 100.0
    );
    // A blank stretch of the same size beside the page's edge is not.
    let [x0, y0, x1, y1] = title.1;
    let blank = ink_in(&pdf, [2.0, y0, 2.0 + (x1 - x0), y1]);
    assert!(
        blank < 0.01,
        "the margin is blank ({:.0}% ink)",
        blank * 100.0
    );

    // In English too, from the same store.
    let english = dir.path().join("report-en.pdf");
    let out = run(&[
        "--lang",
        "en",
        "report",
        "--pdf",
        english.to_str().unwrap(),
        "--data-dir",
        data,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(poppler("pdftotext", &[english.to_str().unwrap(), "-"])).unwrap();
    assert!(
        text.contains("ledgerlens review report") && text.contains("ten highest risks"),
        "{text}"
    );

    // Never over an existing file; a font that is not one is named.
    let again = run(&["report", "--pdf", pdf.to_str().unwrap(), "--data-dir", data]);
    assert!(!again.status.success());
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        bytes,
        "the first report is untouched"
    );
    let not_a_font = dir.path().join("font.ttf");
    std::fs::write(&not_a_font, b"not a font").unwrap();
    let other = dir.path().join("other.pdf");
    let workbook = dir.path().join("other.xlsx");
    let out = run(&[
        "--lang",
        "en",
        "report",
        "-o",
        workbook.to_str().unwrap(),
        "--pdf",
        other.to_str().unwrap(),
        "--font",
        not_a_font.to_str().unwrap(),
        "--data-dir",
        data,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("font.ttf: not a font (.ttf, .otf, .ttc) with Hangul"),
        "{}",
        stderr(&out)
    );
    assert!(
        !other.exists() && !workbook.exists(),
        "nothing written: the workbook waits for the PDF"
    );
    // One file named for both is refused before anything is made.
    let both = dir.path().join("both.pdf");
    let b = both.to_str().unwrap();
    let out = run(&[
        "--lang",
        "en",
        "report",
        "-o",
        b,
        "--pdf",
        b,
        "--data-dir",
        data,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot be the same file"),
        "{}",
        stderr(&out)
    );
    assert!(!both.exists());
}
