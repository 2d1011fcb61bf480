//! `ledgerlens history verify` and `history backup` on a real SQLite file.

mod common;

use common::{run, stderr, stdout};
use ledgerlens::store::{NewReview, Store, DATABASE_FILE};

fn reviews(n: usize) -> Vec<NewReview> {
    (0..n)
        .map(|i| NewReview {
            key: format!("key-{i}"),
            status: "normal".into(),
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
    assert!(stderr(&o).contains("breaks at event 3"), "{}", stderr(&o));
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
