//! Tests of the storage contract that hold for every backend: each runs on SQLite (in memory),
//! or on a fresh PostgreSQL schema when the platform's suite runs on PostgreSQL
//! (`CERTDESK_TEST_PLATFORM_DB=postgres`, as `scripts/test` runs it a second time).

use chrono::{DateTime, Utc};

use super::repo::RepoExt;
use super::Store;
use crate::flows;
use crate::ids::SystemIds;

/// An empty store of the backend under test, and the PostgreSQL schema it lives in (dropped
/// with it).
pub(crate) struct TestStore {
    store: Box<dyn Store>,
    _db: Option<certdesk_testkit::pg::TestDatabase>,
    _dir: Option<tempfile::TempDir>,
}

impl std::ops::Deref for TestStore {
    type Target = Box<dyn Store>;
    fn deref(&self) -> &Box<dyn Store> {
        &self.store
    }
}

/// A fresh store of the backend under test (SQLite on a file, as the platform runs it).
pub(crate) fn test_store() -> TestStore {
    if certdesk_testkit::platform::on_postgres() {
        let db = certdesk_testkit::pg::database("store test").expect("CERTDESK_TEST_PG for the PostgreSQL run");
        let store = Box::new(super::postgres::PgStore::open_for_tests(db.url()).unwrap());
        return TestStore { store, _db: Some(db), _dir: None };
    }
    let dir = tempfile::tempdir().unwrap();
    TestStore { store: Box::new(super::sqlite::SqliteStore::open(dir.path()).unwrap()), _db: None, _dir: Some(dir) }
}

fn now() -> DateTime<Utc> {
    "2026-11-27T02:00:00Z".parse().unwrap()
}

#[test]
fn a_new_password_lifts_the_lockout_and_ends_old_sessions() {
    let store = test_store();
    assert!(flows::set_operator(&*store, &SystemIds, "li", "hash-1", None, now()).unwrap());
    let op = store.operator_by_name("li").unwrap().unwrap();
    store
        .transaction(|tx| tx.set_sign_in_lock(op.id, "203.0.113.0/24", 5, Some(now() + chrono::Duration::minutes(15))))
        .unwrap();
    assert_eq!(
        store.transaction(|tx| tx.sign_in_lock(op.id, "203.0.113.0/24")).unwrap(),
        (5, Some(now() + chrono::Duration::minutes(15))),
        "the lock reads back as written"
    );
    flows::open_session(&*store, op.id, "198.51.100.0/24", "sess", "csrf", now(), now() + chrono::Duration::hours(1)).unwrap();
    assert!(flows::session(&*store, "sess", now()).unwrap().is_some(), "the session is live before the new password");
    assert!(!flows::set_operator(&*store, &SystemIds, "li", "hash-2", None, now()).unwrap());
    let op = store.operator_by_name("li").unwrap().unwrap();
    assert_eq!(op.password_hash, "hash-2");
    assert_eq!(store.transaction(|tx| tx.sign_in_lock(op.id, "203.0.113.0/24")).unwrap(), (0, None), "the lock is lifted");
    assert!(flows::session(&*store, "sess", now()).unwrap().is_none());
}

#[test]
fn an_expired_session_is_not_found_and_is_removed() {
    let store = test_store();
    flows::set_operator(&*store, &SystemIds, "li", "h", None, now()).unwrap();
    let op = store.operator_by_name("li").unwrap().unwrap();
    let expiry = now() + chrono::Duration::minutes(30);
    flows::open_session(&*store, op.id, "203.0.113.0/24", "s", "c", now(), expiry).unwrap();
    assert!(flows::session(&*store, "s", expiry - chrono::Duration::seconds(1)).unwrap().is_some());
    assert!(flows::session(&*store, "s", expiry).unwrap().is_none(), "dead at its expiry instant");
    store.touch_session("s", expiry + chrono::Duration::hours(1)).unwrap();
    assert!(flows::session(&*store, "s", now()).unwrap().is_none(), "and gone for good");
    assert!(store.ready().is_ok());
}


/// Issue 12 item 3: what verifiers and desks read (the trust and revocation lists, pulls, the
/// public page) is answered while a push holds the writer, from the last commit: a busy
/// writer never makes a citizen's scan wait, and nothing uncommitted is seen.
#[test]
fn reads_are_answered_from_the_last_commit_while_a_writer_holds_its_transaction() {
    use std::sync::mpsc;
    use std::time::Duration;
    let store = test_store();
    let agency = uuid::Uuid::now_v7();
    let change = certdesk_protocol::sync::ChangeBody::TrustKey {
        key: certdesk_protocol::TrustedKey {
            key_id: 9,
            public_key: "AAAA".into(),
            algorithm: certdesk_protocol::credential::KeyAlgorithm::Ed25519,
            not_before: now().date_naive(),
            not_after: None,
        },
    };
    let (started, writing) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let (store_ref, change) = (&*store, &change);
    std::thread::scope(|s| {
        let writer = s.spawn(move || {
            store_ref
                .transaction(|tx| {
                    tx.add_change(None, change, now())?;
                    started.send(()).unwrap();
                    released.recv().unwrap();
                    Ok(())
                })
                .unwrap();
        });
        writing.recv().unwrap();
        let (answered, answer) = mpsc::channel();
        s.spawn(move || {
            let store = store_ref;
            let seen = (store.trust_list().unwrap(), store.revocations().unwrap(), store.changes_since(agency, 0, 100).unwrap(), store.public_certificate("310101202612345").unwrap());
            answered.send(seen).unwrap();
        });
        // Not a speed test: a read that waited for the writer would wait for ever (the writer
        // goes on only when released), so a minute is only a bound on a broken build.
        let (trust, revoked, (changes, _), certificate) =
            answer.recv_timeout(Duration::from_secs(60)).expect("the reads answer while the writer holds its transaction");
        assert!(trust.keys.is_empty() && revoked.entries.is_empty() && certificate.is_none());
        assert!(changes.is_empty(), "nothing uncommitted is seen");
        release.send(()).unwrap();
        writer.join().unwrap();
    });
    assert_eq!(store.changes_since(agency, 0, 100).unwrap().0.len(), 1, "and the commit is seen once it is made");
}
