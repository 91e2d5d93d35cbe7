//! A fresh PostgreSQL schema for one test, on the server `CERTDESK_TEST_PG` names
//! (`scripts/test` starts a throwaway one with `scripts/pg-test-server` and sets it).
//!
//! Each call makes its own schema and hands back a URL whose connections see only it (their
//! `search_path`), so tests run in parallel on one server without seeing each other's rows; the
//! schema is dropped when the [`TestDatabase`] is. Without `CERTDESK_TEST_PG` a local run says
//! loudly on stderr that the PostgreSQL variant was skipped; with `CI=true` it fails instead, so
//! CI cannot pass by skipping them.

use std::io::Write;

use postgres::{Client, NoTls};
use uuid::Uuid;

/// The variable that names the test server (a libpq-style URL).
pub const ENV: &str = "CERTDESK_TEST_PG";

/// One test's own schema on the test server; dropped (with everything in it) on drop.
pub struct TestDatabase {
    server: String,
    schema: String,
    url: String,
}

impl TestDatabase {
    /// The URL to connect with: the server's, with this schema as the only `search_path`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The schema's name.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// A plain connection to this schema (for a test that looks at rows or breaks them).
    pub fn connect(&self) -> Client {
        Client::connect(&self.url, NoTls).unwrap_or_else(|e| panic!("connecting to the test schema {}: {e}", self.schema))
    }
}

impl Drop for TestDatabase {
    /// On a thread of its own: the blocking client may not run on an async runtime's thread,
    /// where a test's value is dropped (also while a panic unwinds).
    fn drop(&mut self) {
        // A failed drop leaves a schema on a server that is thrown away anyway; never panic here.
        let (server, schema) = (self.server.clone(), self.schema.clone());
        let _ = std::thread::spawn(move || {
            if let Ok(mut admin) = Client::connect(&server, NoTls) {
                let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
            }
        })
        .join();
    }
}

/// Whether the PostgreSQL variants must run: the server's URL, `None` (after saying so loudly)
/// when none is set on a developer's machine. Panics when `CI=true` and none is set.
pub fn server(test: &str) -> Option<String> {
    match std::env::var(ENV) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{test}: {ENV} is not set and CI=true: the PostgreSQL variant may not be skipped on CI (scripts/test starts the server)")
        }
        _ => {
            // Straight to the process's stderr: the test harness captures eprintln! of a test
            // that passes, and a skip must be seen (on its own line, not inside the harness's).
            let _ = writeln!(
                std::io::stderr(),
                "\n*** SKIPPED (PostgreSQL): {test}: {ENV} is not set; scripts/test starts a throwaway server and sets it ***"
            );
            None
        }
    }
}

/// A fresh schema for `test` on the test server, or `None` when [`server`] says to skip.
pub fn database(test: &str) -> Option<TestDatabase> {
    let server = server(test)?;
    let schema = format!("t_{}", Uuid::now_v7().simple());
    let mut admin = Client::connect(&server, NoTls).unwrap_or_else(|e| panic!("{test}: connecting to {ENV}={server}: {e}"));
    admin.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap_or_else(|e| panic!("{test}: creating schema {schema}: {e}"));
    let url = with_search_path(&server, &schema);
    Some(TestDatabase { server, schema, url })
}

/// `url` with `options=-c search_path=<schema>` added (percent-encoded as a URL query value).
fn with_search_path(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20search_path%3D{schema}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_is_its_own_and_goes_away_when_dropped() {
        let Some(db) = database("testkit::pg::a_schema_is_its_own_and_goes_away_when_dropped") else { return };
        let other = database("testkit::pg (second schema)").expect("the server was there a moment ago");
        let mut c = db.connect();
        c.batch_execute("CREATE TABLE t (x int); INSERT INTO t VALUES (1)").unwrap();
        let mut o = other.connect();
        // The same unqualified name in the other schema is another table.
        o.batch_execute("CREATE TABLE t (x int)").unwrap();
        let n: i64 = o.query_one("SELECT count(*) FROM t", &[]).unwrap().get(0);
        assert_eq!(n, 0);
        let n: i64 = c.query_one("SELECT count(*) FROM t", &[]).unwrap().get(0);
        assert_eq!(n, 1);
        let schema = db.schema().to_string();
        let server = std::env::var(ENV).unwrap();
        drop(c);
        drop(db);
        let mut admin = Client::connect(&server, NoTls).unwrap();
        let left: i64 = admin.query_one("SELECT count(*) FROM pg_namespace WHERE nspname = $1", &[&schema]).unwrap().get(0);
        assert_eq!(left, 0, "the schema is dropped with its TestDatabase");
    }

    #[test]
    fn the_search_path_is_added_as_a_query_value() {
        assert_eq!(with_search_path("postgresql:///postgres?host=/tmp/x", "t_1"), "postgresql:///postgres?host=/tmp/x&options=-c%20search_path%3Dt_1");
        assert_eq!(with_search_path("postgresql://u@h/db", "t_1"), "postgresql://u@h/db?options=-c%20search_path%3Dt_1");
    }
}
