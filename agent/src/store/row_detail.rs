//! One scored row of a run with what explains it (the dashboard's row
//! page): the amounts of its comparison group (the same department and
//! account in the run, the group the amount detectors measure it in), and
//! its twins, the same vendor's rows within the detector's window (as the
//! run was configured): for a duplicate, those of the same amount (the
//! detector marks only the later payment, so the earlier one is found by
//! what makes it a pair); for a split, those that carry the split reason
//! too (every part of a split is marked).

use rusqlite::{params, OptionalExtension};

use super::history::{run_row, RunRow, RECORD_COLUMNS};
use super::{Store, StoreError};
use crate::vocabulary::DetectorKind;

#[derive(Debug, Clone)]
pub struct RowWithGroup {
    pub row: RunRow,
    /// Every amount of the row's department × account in the run.
    pub group: Vec<f64>,
    pub twins: Vec<RunRow>,
}

impl Store {
    /// `key`'s row in run `id`; `None` for an unknown run or key.
    pub fn row_detail(&self, id: &str, key: &str) -> Result<Option<RowWithGroup>, StoreError> {
        let select = format!(
            "SELECT {RECORD_COLUMNS}, l.row, l.cluster FROM scored_rows l
             LEFT JOIN reviews v ON v.id = (SELECT MAX(id) FROM reviews WHERE key = l.key)"
        );
        let Some(row) = self
            .conn
            .query_row(
                &format!("{select} WHERE l.run_id = ?1 AND l.key = ?2"),
                params![id, key],
                run_row,
            )
            .optional()?
        else {
            return Ok(None);
        };
        let group = self
            .conn
            .prepare_cached(
                "SELECT amount FROM scored_rows WHERE run_id = ?1 AND department = ?2 AND account = ?3",
            )?
            .query_map(
                params![id, row.record.department, row.record.account],
                |r| r.get(0),
            )?
            .collect::<Result<_, _>>()?;
        // The windows the run's detectors used, from the configuration it
        // was scored with (a run recorded before a key existed: the default).
        let config: String = self.conn.query_row(
            "SELECT config_json FROM runs WHERE id = ?1",
            params![id],
            |r| r.get(0),
        )?;
        let limits = serde_json::from_str::<serde_json::Value>(&config)
            .ok()
            .and_then(|c| {
                serde_json::from_value::<crate::config::Limits>(c.get("limits")?.clone()).ok()
            })
            .unwrap_or_default();
        let has = |kind: DetectorKind| {
            row.record
                .reasons
                .as_array()
                .is_some_and(|all| all.iter().any(|r| r["code"] == kind.code()))
        };
        // A duplicate's twin is paired by amount; a split's parts each
        // carry the split reason.
        let pairs: [(DetectorKind, &str, rusqlite::types::Value, i64); 2] = [
            (DetectorKind::Duplicate, "l.amount = ?6", row.record.amount.into(), limits.duplicate_window_days),
            (
                DetectorKind::Split,
                "EXISTS (SELECT 1 FROM json_each(l.reasons_json) WHERE json_extract(value, '$.code') = ?6)",
                DetectorKind::Split.code().to_string().into(),
                limits.split_window_days,
            ),
        ];
        let mut twins = Vec::new();
        for (kind, pairs_by, by, days) in pairs {
            if !has(kind) {
                continue;
            }
            let mut stmt = self.conn.prepare_cached(&format!(
                "{select} WHERE l.run_id = ?1 AND l.key <> ?2 AND l.vendor = ?3
                   AND abs(julianday(substr(l.date, 1, 10)) - julianday(substr(?4, 1, 10))) <= ?5
                   AND {pairs_by}
                 ORDER BY l.date, l.row"
            ))?;
            let found = stmt.query_map(
                params![id, key, row.record.vendor, row.record.date, days, by],
                run_row,
            )?;
            for twin in found {
                let twin = twin?;
                if !twins
                    .iter()
                    .any(|t: &RunRow| t.record.key == twin.record.key)
                {
                    twins.push(twin);
                }
            }
        }
        Ok(Some(RowWithGroup { row, group, twins }))
    }
}
