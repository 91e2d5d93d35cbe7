//! A platform data directory written by an earlier certdesk-platform opens with today's:
//! only the newer migrations run, nothing is lost. `tests/fixtures/platform-schema4.sqlite3` was made on
//! 2026-12-03 by the code of that day (`certdesk-platform operator add` on an empty directory:
//! schema version 4 with the operator `li.min`); it is never regenerated.

use std::path::Path;

use certdesk_platform::store::operators::OperatorStore;
use certdesk_platform::store::sqlite::SqliteStore;

/// The schema as SQLite holds it: every table, index and trigger with its SQL.
fn schema(db: &Path) -> Vec<(String, Option<String>)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT name, sql FROM sqlite_master ORDER BY type, name").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

fn version(db: &Path) -> i64 {
    rusqlite::Connection::open(db).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
}

#[test]
fn a_platform_file_from_schema_4_opens_running_only_the_newer_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("platform.sqlite3");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/platform-schema4.sqlite3"), &db).unwrap();
    let before = schema(&db);
    assert_eq!(version(&db), 4);

    let store = SqliteStore::open(dir.path()).expect("today's platform opens the file");
    let operator = store.operator_by_name("li.min").unwrap().expect("the operator of that day is there");
    assert!(operator.password_hash.starts_with("$argon2id$"), "with the password hash it was given");
    drop(store);

    assert_eq!(version(&db), 17, "only migrations 5 (record_links), 6 (approved_identity), 7 (operator_roles), 8 (rating_moderation), 9 (feedback_keys), 10 (electronic_cards), 11 (visits), 12 (operator_keys_audit), 13 (details_applications), 14 (key_algorithm), 15 (roster_filings), 16 (complaint_coordination) and 17 (worker_aliases) ran");
    assert_eq!(operator.role, certdesk_platform::store::operators::OperatorRole::Office, "an operator of that day reviews, as then");
    let after = schema(&db);
    for object in before.iter().filter(|o| !["applications", "certificates", "complaints", "operators", "ratings", "signing_keys"].contains(&o.0.as_str())) {
        assert!(after.contains(object), "no migration of schema 4 ran again: {} is unchanged", object.0);
    }
    let added: Vec<&str> = after.iter().filter(|o| !before.contains(o)).map(|o| o.0.as_str()).collect();
    assert_eq!(
        added,
        [
            "agency_records_class", "agency_records_worker", "complaint_events_complaint", "complaints_reference", "complaints_state",
            "electronic_cards_certificate", "operator_api_keys_operator",
            "operator_audit_operator", "ratings_held", "roster_filings_agency", "sqlite_autoindex_complaint_events_1", "sqlite_autoindex_electronic_cards_1",
            "sqlite_autoindex_electronic_cards_2", "sqlite_autoindex_feedback_keys_1", "sqlite_autoindex_key_action_requests_1",
            "sqlite_autoindex_operator_api_keys_1", "sqlite_autoindex_operator_api_keys_2", "sqlite_autoindex_operator_sign_in_locks_1",
            "sqlite_autoindex_roster_filings_1", "sqlite_autoindex_roster_filings_2", "sqlite_autoindex_roster_filings_3",
            "sqlite_autoindex_roster_filings_4", "sqlite_autoindex_visits_1",
            "sqlite_autoindex_visits_2", "sqlite_autoindex_worker_aliases_1", "visits_certificate", "visits_device", "visits_network", "worker_aliases_worker",
            "applications", "certificates", "complaint_events", "complaints", "electronic_cards", "feedback_keys", "key_action_requests", "operator_api_keys", "operator_audit",
            "operator_sign_in_locks", "operators", "ratings", "roster_filings", "signing_keys", "visits", "worker_aliases",
        ],
        "migration 5 added its two indexes, 6 the approved identity's columns to certificates, 7 the role to operators, 8 the held flag to ratings, 9 the feedback keys, 10 the electronic cards, 11 the visits, 12 the operators' keys, audit, key requests, sign-in locks and second factor, 13 the kind to applications, 14 the algorithm to signing_keys, 15 the roster filings, 16 the complaints' reference, state and events, 17 the merged workers' ids, nothing else"
    );
    let operators = after.iter().find(|o| o.0 == "operators").and_then(|o| o.1.clone()).unwrap();
    assert!(operators.contains("role"), "{operators}");
    let certificates = after.iter().find(|o| o.0 == "certificates").and_then(|o| o.1.clone()).unwrap();
    assert!(certificates.contains("approved_photo_sha256"), "{certificates}");
    let complaints = after.iter().find(|o| o.0 == "complaints").and_then(|o| o.1.clone()).unwrap();
    assert!(complaints.contains("reference") && complaints.contains("state"), "{complaints}");
}
