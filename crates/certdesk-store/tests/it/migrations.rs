//! A desk file written by an earlier certdesk opens with today's: only newer migrations run, nothing
//! is lost. `tests/fixtures/desk-schema4.db` was made on 2026-12-03 by the code of that day
//! (schema version 4: the agency, its manager `admin`, four workers enrolled by the crash
//! test's `enrol-loop`, with their audit and outbox entries); it is never regenerated. It is a
//! plain SQLite file, as every desk wrote before encryption at rest (issue 15 item 3): today's
//! desk encrypts it in place on its first start.

use std::path::Path;

use certdesk_store::{Desk, DB_FILE};

/// The schema as SQLite holds it: every table, index and trigger with its SQL.
fn schema_of(conn: &rusqlite::Connection) -> Vec<(String, Option<String>)> {
    let mut stmt = conn.prepare("SELECT name, sql FROM sqlite_master ORDER BY type, name").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

/// The plain fixture's schema.
fn schema(db: &Path) -> Vec<(String, Option<String>)> {
    schema_of(&rusqlite::Connection::open(db).unwrap())
}

fn count(dir: &Path, table: &str) -> i64 {
    let conn = certdesk_store::open_raw(dir).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

#[test]
fn a_desk_file_from_schema_4_opens_running_only_the_newer_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(DB_FILE);
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/desk-schema4.db"), &db).unwrap();
    let before = schema(&db);
    assert_eq!(rusqlite::Connection::open(&db).unwrap().query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).unwrap(), 4);
    let version = |dir: &Path| -> i64 { certdesk_store::open_raw(dir).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap() };

    let desk = Desk::open(dir.path()).expect("today's desk opens the file");
    desk.login("admin", "secret123").expect("the manager of that day signs in");
    let found = desk.search_workers("测试", None, 10).expect("search works on the old rows");
    assert_eq!(found.total, 4, "the four workers of that day are found");
    drop(desk);

    assert_eq!(version(dir.path()), 19, "only the migrations newer than 4 ran (5: health checks and insurance, 6: card activations, 7: service visits, 8: approved details, 9: trust key algorithm, 10: roster filings, 11: platform supervision, 12: complaint answers, 13: staff accounts, 14: the workers' field times, 15: the announcement of what the desk held, 16: when the status was decided, 17: the merged workers' ids, 18: the unsent entries' kinds indexed, 19: decisions kept for their worker)");
    let after = schema_of(&certdesk_store::open_raw(dir.path()).unwrap());
    for object in before.iter().filter(|o| !["trust_keys", "worker_certificates", "supervision_forms", "feedback", "users", "workers"].contains(&o.0.as_str())) {
        assert!(after.contains(object), "no migration of schema 4 ran again: {} is unchanged", object.0);
    }
    let added: Vec<&str> = after.iter().filter(|o| !before.contains(o)).map(|o| o.0.as_str()).collect();
    assert_eq!(
        added,
        ["card_activations_worker", "complaint_answers_complaint", "health_checks_once", "health_checks_valid_until", "insurance_policies_once", "insurance_policies_valid_until",
         "outbox_pending_entity", "parked_decisions_worker", "service_visits_worker", "sqlite_autoindex_card_activations_1", "sqlite_autoindex_complaint_answers_1", "sqlite_autoindex_health_checks_1", "sqlite_autoindex_insurance_policies_1",
         "sqlite_autoindex_report_files_1", "sqlite_autoindex_roster_filings_1", "sqlite_autoindex_roster_filings_2",
         "sqlite_autoindex_service_visits_1", "sqlite_autoindex_worker_aliases_1", "worker_aliases_worker",
         "card_activations", "complaint_answers", "feedback", "health_checks", "insurance_policies", "parked_decisions", "report_files", "roster_filings", "service_visits", "supervision_forms", "trust_keys", "users", "worker_aliases", "worker_certificates", "workers"],
        "migrations 5, 6 and 7 added their tables and indexes, 8 the approved details' columns to worker_certificates, 9 the algorithm to trust_keys, 10 the roster filings, 11 the platform's supervision forms (supervision_forms rebuilt), 12 the complaints' reference, office note and closing to feedback and their answers, 13 the accounts' change times to users, 14 the field times to workers, 16 when the status was decided to workers, 17 the merged workers' ids, 18 the index of unsent entries' kinds, 19 the decisions kept for their worker, nothing else"
    );
    assert_eq!((count(dir.path(), "workers"), count(dir.path(), "audit"), count(dir.path(), "outbox")), (4, 10, 10), "no record lost or added by opening; migration 13 announced the one account, and the first start after 15 the four workers");
    let conn = certdesk_store::open_raw(dir.path()).unwrap();
    let last: Vec<(String, String)> = conn
        .prepare("SELECT entity, payload FROM outbox ORDER BY seq DESC LIMIT 4")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (entity, payload) in &last {
        let worker: certdesk_store::Worker = serde_json::from_str(payload).expect("announced with today's worker payload");
        assert_eq!((entity.as_str(), worker.field_times.len()), ("worker", 9), "{payload}");
        assert_eq!(worker.status_at, worker.updated_at, "migration 16 dates the status by the last change: {payload}");
    }
    let marker: Option<String> = conn.query_row("SELECT value FROM settings WHERE key = 'relay.announce_held'", [], |r| r.get(0)).ok();
    assert_eq!(marker, None, "announced once: the marker is gone");
    drop(conn);
    drop(Desk::open(dir.path()).unwrap());
    assert_eq!(count(dir.path(), "outbox"), 10, "a second start announces nothing");
    let announced: String = certdesk_store::open_raw(dir.path())
        .unwrap()
        .query_row("SELECT payload FROM outbox WHERE entity = 'user' AND op = 'upsert'", [], |r| r.get(0))
        .unwrap();
    let account: certdesk_protocol::staff::StaffAccount = serde_json::from_str(&announced).expect("the announcement is an account");
    assert_eq!((account.username.as_str(), account.disabled, account.changed_at), ("admin", false, account.created_at));
    let sql = after.iter().find(|o| o.0 == "supervision_forms").and_then(|o| o.1.clone()).unwrap();
    assert!(sql.contains("filed_by_platform") && !sql.contains("before_0011"), "rebuilt under its own name: {sql}");
}

/// Issue 15 item 3: the plain file of an earlier version is encrypted in place at the first start
/// of today's, with nothing lost; afterwards the file reads as noise without its key, the key is
/// kept (here, with no keyring, in `database-key`, owner-only), a copy of the file without the key
/// is refused with a sentence and left as it was, and the old plain bytes are nowhere in the folder.
#[test]
fn a_plain_desk_file_is_encrypted_in_place_and_reads_only_with_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(DB_FILE);
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/desk-schema4.db"), &db).unwrap();
    let plain = std::fs::read(&db).unwrap();
    assert!(plain.starts_with(b"SQLite format 3\0"));
    let name_in_plain = "测试".as_bytes();
    assert!(plain.windows(name_in_plain.len()).any(|w| w == name_in_plain), "the fixture holds the workers' names in clear");

    // The older desk was killed with a save still only in its write-ahead log.
    let old_desk = rusqlite::Connection::open(&db).unwrap();
    old_desk.execute_batch("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;").unwrap();
    old_desk.execute("UPDATE workers SET name = '测试改名' WHERE rowid = (SELECT min(rowid) FROM workers)", []).unwrap();
    std::mem::forget(old_desk);
    assert!(std::fs::metadata(dir.path().join(format!("{DB_FILE}-wal"))).unwrap().len() > 0, "the save is in the log only");

    let desk = Desk::open(dir.path()).unwrap();
    assert_eq!(desk.search_workers("测试", None, 10).unwrap().total, 4, "every worker is still there");
    drop(desk);
    let renamed: i64 = certdesk_store::open_raw(dir.path()).unwrap().query_row("SELECT count(*) FROM workers WHERE name = '测试改名'", [], |r| r.get(0)).unwrap();
    assert_eq!(renamed, 1, "with the save that was only in the log");

    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap_or_default();
        assert!(!bytes.starts_with(b"SQLite format 3"), "{} is not a plain database", path.display());
        assert!(!bytes.windows(name_in_plain.len()).any(|w| w == name_in_plain), "{} shows no name in clear", path.display());
    }
    let without_key = rusqlite::Connection::open(&db).unwrap();
    assert!(without_key.query_row("SELECT count(*) FROM workers", [], |r| r.get::<_, i64>(0)).is_err(), "unreadable without the key");
    drop(without_key);
    if certdesk_store::key_kept(dir.path()) == Some(certdesk_secret::Kept::File) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(certdesk_store::KEY_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // The file copied to another folder without its key: refused, nothing changed.
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::copy(&db, elsewhere.path().join(DB_FILE)).unwrap();
        let before = std::fs::read(elsewhere.path().join(DB_FILE)).unwrap();
        let e = Desk::open(elsewhere.path()).err().expect("no key, no desk");
        assert_eq!(e.code, "database_key");
        assert!(e.message_zh.contains("找不到它的密钥"), "{}", e.message_zh);
        assert_eq!(std::fs::read(elsewhere.path().join(DB_FILE)).unwrap(), before, "the encrypted file is left as it was");
        // A wrong key is refused the same way.
        std::fs::write(elsewhere.path().join(certdesk_store::KEY_FILE), format!("certdesk-database-key\n{}\n", "ab".repeat(32))).unwrap();
        assert_eq!(Desk::open(elsewhere.path()).err().expect("a wrong key opens nothing").code, "database_key");
        assert_eq!(std::fs::read(elsewhere.path().join(DB_FILE)).unwrap(), before);
    }
    let desk = Desk::open(dir.path()).unwrap();
    desk.login("admin", "secret123").expect("opens again with its key");
}
