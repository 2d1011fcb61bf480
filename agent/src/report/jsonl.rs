//! One JSON object per scored row, in sheet order, for machines.

use std::io::Write;

use crate::i18n::Lang;
use crate::pipeline::ScoredLedger;

pub fn write(scored: &ScoredLedger, lang: Lang, out: &mut impl Write) -> std::io::Result<()> {
    for row in scored.rows_out(lang) {
        serde_json::to_writer(&mut *out, &row)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
