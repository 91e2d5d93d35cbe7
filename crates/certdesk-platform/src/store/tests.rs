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
}

impl std::ops::Deref for TestStore {
    type Target = Box<dyn Store>;
    fn deref(&self) -> &Box<dyn Store> {
        &self.store
    }
}

/// A fresh store of the backend under test.
pub(crate) fn test_store() -> TestStore {
    if certdesk_testkit::platform::on_postgres() {
        let db = certdesk_testkit::pg::database("store test").expect("CERTDESK_TEST_PG for the PostgreSQL run");
        let store = Box::new(super::postgres::PgStore::open_for_tests(db.url()).unwrap());
        return TestStore { store, _db: Some(db) };
    }
    TestStore { store: Box::new(super::sqlite::SqliteStore::open_in_memory().unwrap()), _db: None }
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

