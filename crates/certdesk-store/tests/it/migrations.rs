//! A desk file written by an earlier certdesk opens with today's: only newer migrations run, nothing
//! is lost. `tests/fixtures/desk-schema4.db` was made on 2026-12-03 by the code of that day
//! (schema version 4: the agency, its manager `admin`, four workers enrolled by the crash
//! test's `enrol-loop`, with their audit and outbox entries); it is never regenerated.

use std::path::Path;

use certdesk_store::{Desk, DB_FILE};

/// The schema as SQLite holds it: every table, index and trigger with its SQL.
fn schema(db: &Path) -> Vec<(String, Option<String>)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT name, sql FROM sqlite_master ORDER BY type, name").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

fn count(db: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

#[test]
fn a_desk_file_from_schema_4_opens_running_only_the_newer_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(DB_FILE);
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/desk-schema4.db"), &db).unwrap();
    let before = schema(&db);
    let version = |db: &Path| -> i64 { rusqlite::Connection::open(db).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap() };
    assert_eq!(version(&db), 4);

    let desk = Desk::open(dir.path()).expect("today's desk opens the file");
    desk.login("admin", "secret123").expect("the manager of that day signs in");
    let found = desk.search_workers("测试", None, 10).expect("search works on the old rows");
    assert_eq!(found.total, 4, "the four workers of that day are found");
    drop(desk);

    assert_eq!(version(&db), 12, "only the migrations newer than 4 ran (5: health checks and insurance, 6: card activations, 7: service visits, 8: approved details, 9: trust key algorithm, 10: roster filings, 11: platform supervision, 12: complaint answers)");
    let after = schema(&db);
    for object in before.iter().filter(|o| !["trust_keys", "worker_certificates", "supervision_forms", "feedback"].contains(&o.0.as_str())) {
        assert!(after.contains(object), "no migration of schema 4 ran again: {} is unchanged", object.0);
    }
    let added: Vec<&str> = after.iter().filter(|o| !before.contains(o)).map(|o| o.0.as_str()).collect();
    assert_eq!(
        added,
        ["card_activations_worker", "complaint_answers_complaint", "health_checks_once", "health_checks_valid_until", "insurance_policies_once", "insurance_policies_valid_until",
         "service_visits_worker", "sqlite_autoindex_card_activations_1", "sqlite_autoindex_complaint_answers_1", "sqlite_autoindex_health_checks_1", "sqlite_autoindex_insurance_policies_1",
         "sqlite_autoindex_report_files_1", "sqlite_autoindex_roster_filings_1", "sqlite_autoindex_roster_filings_2",
         "sqlite_autoindex_service_visits_1",
         "card_activations", "complaint_answers", "feedback", "health_checks", "insurance_policies", "report_files", "roster_filings", "service_visits", "supervision_forms", "trust_keys", "worker_certificates"],
        "migrations 5, 6 and 7 added their tables and indexes, 8 the approved details' columns to worker_certificates, 9 the algorithm to trust_keys, 10 the roster filings, 11 the platform's supervision forms (supervision_forms rebuilt), 12 the complaints' reference, office note and closing to feedback and their answers, nothing else"
    );
    assert_eq!((count(&db, "workers"), count(&db, "audit"), count(&db, "outbox")), (4, 10, 5), "no record lost or added by opening");
    let sql = after.iter().find(|o| o.0 == "supervision_forms").and_then(|o| o.1.clone()).unwrap();
    assert!(sql.contains("filed_by_platform") && !sql.contains("before_0011"), "rebuilt under its own name: {sql}");
}
