//! `ledgerlens history verify` and `history backup` on a real SQLite file.

use crate::common::{run, stderr, stdout};
use ledgerlens::store::{NewReview, Store, DATABASE_FILE};

fn reviews(n: usize) -> Vec<NewReview> {
    (0..n)
        .map(|i| NewReview {
            key: format!("key-{i}"),
            status: ledgerlens::vocabulary::ReviewStatus::Normal,
            reason: None,
            note: format!("메모 {i}"),
            reviewer: "검토자".into(),
        })
        .collect()
}

#[test]
fn verify_finds_tampering_and_backup_copies() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let db = dir.path().join(DATABASE_FILE);
    {
        let mut store = Store::open(&db).unwrap();
        store.add_reviews(&reviews(5)).unwrap();
    }

    let o = run(&["history", "verify", "--data-dir", data]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("integrity_check: ok"));
    assert!(stdout(&o).contains("감사 기록 5건"), "{}", stdout(&o));

    let backup = dir.path().join("backup.sqlite");
    let backup_in = |lang: &str| {
        run(&[
            "history",
            "backup",
            backup.to_str().unwrap(),
            "--data-dir",
            data,
            "--lang",
            lang,
        ])
    };
    let o = backup_in("ko");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        Store::open(&backup)
            .unwrap()
            .latest_reviews()
            .unwrap()
            .len(),
        5
    );
    let o = backup_in("en");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("never overwrite"), "{}", stderr(&o));

    // Rewrite one review's audit event behind the store's back.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE audit_events SET detail_json = '{\"key\":\"key-2\",\"status\":\"confirmed\"}' WHERE id = 3",
        [],
    )
    .unwrap();
    drop(conn);
    let o = run(&["history", "verify", "--data-dir", data, "--lang", "en"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("breaks at audit event 3"),
        "{}",
        stderr(&o)
    );
}

/// A history report filed away is evidence outside the database: with the
/// events, the reviews and the anchor file all wiped, verifying against the
/// report still finds it.
#[test]
fn a_filed_report_finds_a_cut_or_wiped_trail() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let db = dir.path().join(DATABASE_FILE);
    Store::open(&db).unwrap().add_reviews(&reviews(4)).unwrap();
    let report = dir.path().join("filed.xlsx");
    let o = run(&["report", "-o", report.to_str().unwrap(), "--data-dir", data]);
    assert!(o.status.success(), "{}", stderr(&o));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&report).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "a report is the user's only");
    }
    let verify_against = || {
        run(&[
            "history",
            "verify",
            "--data-dir",
            data,
            "--against",
            report.to_str().unwrap(),
            "--lang",
            "en",
        ])
    };
    let o = verify_against();
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("checked against"), "{}", stdout(&o));

    // A later review is fine: the filed anchor is still in the chain.
    Store::open(&db).unwrap().add_reviews(&reviews(1)).unwrap();
    assert!(verify_against().status.success());

    // Cutting off the last two events and their reviews: the anchor file
    // beside the database finds it.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DELETE FROM audit_events WHERE id > 3; DELETE FROM reviews WHERE id > 3")
        .unwrap();
    drop(conn);
    let o = run(&["history", "verify", "--data-dir", data, "--lang", "en"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("anchored 5 audit events"),
        "{}",
        stderr(&o)
    );

    // Everything wiped, the anchor file too: only the filed report can tell.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DELETE FROM audit_events; DELETE FROM reviews")
        .unwrap();
    drop(conn);
    std::fs::remove_file(dir.path().join("audit.anchor")).unwrap();
    let o = verify_against();
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("filed.xlsx anchored 4 audit events, but the chain now holds 0"),
        "{}",
        stderr(&o)
    );
    // A file that is not a history report is refused, naming it.
    let o = run(&[
        "history",
        "verify",
        "--data-dir",
        data,
        "--against",
        "/nonexistent.xlsx",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nonexistent.xlsx"), "{}", stderr(&o));
}

#[test]
fn verify_without_a_database_says_where_it_looked() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&[
        "history",
        "verify",
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(DATABASE_FILE) && stderr(&o).contains("데이터베이스가 없습니다"),
        "{}",
        stderr(&o)
    );
}
