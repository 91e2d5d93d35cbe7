//! The one migration runner of certdesk's databases, the desk's and the platform's, SQLite and
//! PostgreSQL alike: each side embeds its own list of SQL files and hands it to [`run`] (a
//! SQLite connection) or [`run_on`] (any [`Schema`]: the platform implements it for its
//! PostgreSQL client, so that driver stays out of this crate).
//!
//! The rules it keeps:
//! - **Append only.** Migration `n` is the `n`-th of the list, numbered from 1 without gaps;
//!   a landed migration is never edited or removed (each side pins its SHA-256 in a test with
//!   [`check_pins`], so an edit fails the build's tests).
//! - **Recorded in the database**: SQLite's `PRAGMA user_version`, the number of the last
//!   migration applied, which is what the desk and the platform have always written (files
//!   made by earlier versions open without anything run again); where a backend keeps it is
//!   the backend's ([`SchemaTx::version`], [`SchemaTx::set_version`]).
//! - **One transaction per migration**: a migration and its version number commit together,
//!   so a crash leaves the database at a whole migration, never half of one. The version is
//!   read again in each migration's transaction, so a backend that locks there (PostgreSQL's
//!   advisory lock) lets several instances start together and apply each migration once.
//! - **Never downgrade**: a database whose version is above the newest migration the program
//!   knows was written by a newer program; it is refused ([`MigrateError::TooNew`]) before
//!   anything is changed, and the caller says so in a sentence.
//!
//! It must never open a database itself (each side has its one function that makes
//! connections and sets the pragmas) nor decide anything about the schema's content.

#![warn(missing_docs)]

use rusqlite::Connection;
use sha2::{Digest, Sha256};

/// One embedded migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Its number, from 1, equal to its place in the list.
    pub version: u32,
    /// A short name (the file's name without number and extension).
    pub name: &'static str,
    /// The SQL, usually `include_str!` of the file.
    pub sql: &'static str,
}

impl Migration {
    /// The SHA-256 of the SQL, in hex: what [`check_pins`] compares.
    pub fn sha256(&self) -> String {
        hex::encode(Sha256::digest(self.sql.as_bytes()))
    }
}

/// Why the schema could not be brought up to date; `E` is the backend's own error (SQLite's
/// by default).
#[derive(Debug, thiserror::Error)]
pub enum MigrateError<E: std::error::Error + 'static = rusqlite::Error> {
    /// The database was written by a newer program.
    #[error("the database is at schema version {found}, newer than this program knows ({known}): upgrade the program before opening it")]
    TooNew {
        /// The database's version.
        found: u32,
        /// The newest migration this program has.
        known: u32,
    },
    /// The database's version is negative or too large (not a certdesk database, or damaged).
    #[error("the database's schema version {0} is not one certdesk writes")]
    BadVersion(i64),
    /// A migration failed; its transaction was rolled back and the database stays at the
    /// version before it.
    #[error("migration {version} ({name}) failed: {source}")]
    Failed {
        /// Its number.
        version: u32,
        /// Its name.
        name: &'static str,
        /// What the database said.
        source: E,
    },
    /// Beginning or committing a transaction, or reading or writing the version, failed.
    #[error("reading the schema version: {0}")]
    Database(E),
}

/// A database whose schema the runner brings up to date: it begins the transactions, one per
/// migration. A backend never decides which migration runs; it only reads and writes.
pub trait Schema {
    /// What the backend's calls fail with.
    type Error: std::error::Error + 'static;
    /// One migration's transaction.
    type Tx<'a>: SchemaTx<Error = Self::Error>
    where
        Self: 'a;

    /// Begins a transaction, holding whatever keeps two programs migrating the same database
    /// apart until it ends. Dropping it uncommitted rolls it back.
    fn begin(&mut self) -> Result<Self::Tx<'_>, Self::Error>;
}

/// The calls the runner makes inside one migration's transaction.
pub trait SchemaTx {
    /// What the backend's calls fail with.
    type Error: std::error::Error + 'static;

    /// The number of the last migration applied (0 for a database none ever was).
    fn version(&mut self) -> Result<i64, Self::Error>;

    /// Runs one migration's SQL (several statements).
    fn execute(&mut self, sql: &str) -> Result<(), Self::Error>;

    /// Records that migration `version` was applied.
    fn set_version(&mut self, version: u32) -> Result<(), Self::Error>;

    /// Commits the migration and its version together.
    fn commit(self) -> Result<(), Self::Error>;
}

/// A SQLite connection as a [`Schema`]: the version is `PRAGMA user_version`.
struct Sqlite<'c>(&'c Connection);

impl Schema for Sqlite<'_> {
    type Error = rusqlite::Error;
    type Tx<'a>
        = rusqlite::Transaction<'a>
    where
        Self: 'a;

    fn begin(&mut self) -> Result<rusqlite::Transaction<'_>, rusqlite::Error> {
        // The caller owns the connection and nothing else runs on it while it opens; an
        // unchecked transaction lets both sides keep passing `&Connection`.
        self.0.unchecked_transaction()
    }
}

impl SchemaTx for rusqlite::Transaction<'_> {
    type Error = rusqlite::Error;

    fn version(&mut self) -> Result<i64, rusqlite::Error> {
        self.query_row("PRAGMA user_version", [], |r| r.get(0))
    }

    fn execute(&mut self, sql: &str) -> Result<(), rusqlite::Error> {
        self.execute_batch(sql)
    }

    fn set_version(&mut self, version: u32) -> Result<(), rusqlite::Error> {
        self.pragma_update(None, "user_version", version)
    }

    fn commit(self) -> Result<(), rusqlite::Error> {
        rusqlite::Transaction::commit(self)
    }
}

/// The file's schema version (`user_version`).
pub fn version(conn: &Connection) -> Result<u32, MigrateError> {
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(MigrateError::Database)?;
    u32::try_from(v).map_err(|_| MigrateError::BadVersion(v))
}

/// Applies every migration newer than the SQLite file's version, in order, each in its own
/// transaction; returns the versions applied (empty when the file was up to date).
///
/// Panics if the list is not numbered 1, 2, 3, … (a programming error, caught by any test that
/// opens a database).
pub fn run(conn: &Connection, migrations: &[Migration]) -> Result<Vec<u32>, MigrateError> {
    run_on(&mut Sqlite(conn), migrations)
}

/// Applies every migration newer than the database's version, in order, each in its own
/// transaction in which the version is read again; returns the versions this call applied
/// (empty when the database was up to date, or when another program applied them first).
///
/// Panics if the list is not numbered 1, 2, 3, … (a programming error, caught by any test that
/// opens a database).
pub fn run_on<S: Schema>(schema: &mut S, migrations: &[Migration]) -> Result<Vec<u32>, MigrateError<S::Error>> {
    for (i, m) in migrations.iter().enumerate() {
        assert_eq!(m.version as usize, i + 1, "migration {} ({}) is out of place: migrations are numbered from 1 without gaps", m.version, m.name);
    }
    let known = migrations.len() as u32;
    let mut applied = Vec::new();
    loop {
        let mut tx = schema.begin().map_err(MigrateError::Database)?;
        let v = tx.version().map_err(MigrateError::Database)?;
        let found = u32::try_from(v).map_err(|_| MigrateError::BadVersion(v))?;
        if found > known {
            // Dropping the transaction rolls back whatever beginning it did.
            return Err(MigrateError::TooNew { found, known });
        }
        if found == known {
            tx.commit().map_err(MigrateError::Database)?;
            return Ok(applied);
        }
        let m = &migrations[found as usize];
        tx.execute(m.sql).map_err(|source| MigrateError::Failed { version: m.version, name: m.name, source })?;
        tx.set_version(m.version).map_err(MigrateError::Database)?;
        tx.commit().map_err(MigrateError::Database)?;
        applied.push(m.version);
    }
}

/// Compares every migration with its pinned SHA-256 (`(version, hex)` pairs); returns one line
/// per migration that was edited, removed or landed without a pin. Each side's test asserts
/// the list is empty: the only way to change a landed migration's effect is a new migration.
pub fn check_pins(migrations: &[Migration], pins: &[(u32, &str)]) -> Vec<String> {
    let mut problems = Vec::new();
    for m in migrations {
        match pins.iter().find(|(v, _)| *v == m.version) {
            None => problems.push(format!("migration {} ({}) has no pinned checksum: pin {}", m.version, m.name, m.sha256())),
            Some((_, pinned)) if *pinned != m.sha256() => problems.push(format!(
                "migration {} ({}) was edited after it landed (SHA-256 {} instead of {pinned}): write a new migration instead",
                m.version,
                m.name,
                m.sha256()
            )),
            Some(_) => {}
        }
    }
    for (v, _) in pins {
        if !migrations.iter().any(|m| m.version == *v) {
            problems.push(format!("migration {v} was pinned but is gone: landed migrations are never removed"));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &[Migration] = &[
        Migration { version: 1, name: "one", sql: "CREATE TABLE a (x INTEGER);" },
        Migration { version: 2, name: "two", sql: "CREATE TABLE b (y INTEGER);" },
    ];

    #[test]
    fn each_migration_runs_once_and_the_version_follows() {
        let conn = Connection::open_in_memory().unwrap();
        assert_eq!(run(&conn, &TWO[..1]).unwrap(), [1]);
        assert_eq!(run(&conn, TWO).unwrap(), [2], "only the new one runs");
        assert!(run(&conn, TWO).unwrap().is_empty(), "an up-to-date file runs nothing");
        assert_eq!(version(&conn).unwrap(), 2);
    }

    #[test]
    fn a_failing_migration_leaves_the_file_at_the_one_before() {
        let conn = Connection::open_in_memory().unwrap();
        let broken = [TWO[0], Migration { version: 2, name: "broken", sql: "CREATE TABLE c (z INTEGER); THIS IS NOT SQL;" }];
        let err = run(&conn, &broken).unwrap_err();
        assert!(matches!(err, MigrateError::Failed { version: 2, .. }), "{err}");
        assert_eq!(version(&conn).unwrap(), 1);
        let c: i64 = conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'c'", [], |r| r.get(0)).unwrap();
        assert_eq!(c, 0, "the half-run migration was rolled back with its table");
    }

    #[test]
    fn a_file_from_a_newer_program_is_refused_untouched() {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 3).unwrap();
        let err = run(&conn, TWO).unwrap_err();
        assert!(matches!(err, MigrateError::TooNew { found: 3, known: 2 }));
        assert_eq!(
            err.to_string(),
            "the database is at schema version 3, newer than this program knows (2): upgrade the program before opening it"
        );
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).unwrap();
        assert_eq!(tables, 0, "nothing ran");
    }

    /// A backend the test drives by hand: its version lives in a cell another "program" can
    /// move between two transactions, and it records what the runner asked of it.
    struct Fake {
        version: std::rc::Rc<std::cell::Cell<i64>>,
        log: Vec<String>,
        /// Applied by "another program" when the first transaction begins.
        other_applies: Option<i64>,
    }

    struct FakeTx<'a> {
        fake: &'a mut Fake,
        pending: Option<i64>,
    }

    impl Schema for Fake {
        type Error = std::io::Error;
        type Tx<'a> = FakeTx<'a>;

        fn begin(&mut self) -> Result<FakeTx<'_>, std::io::Error> {
            if let Some(v) = self.other_applies.take() {
                self.version.set(v);
            }
            self.log.push("begin".into());
            Ok(FakeTx { fake: self, pending: None })
        }
    }

    impl SchemaTx for FakeTx<'_> {
        type Error = std::io::Error;

        fn version(&mut self) -> Result<i64, std::io::Error> {
            Ok(self.fake.version.get())
        }

        fn execute(&mut self, sql: &str) -> Result<(), std::io::Error> {
            self.fake.log.push(sql.to_owned());
            Ok(())
        }

        fn set_version(&mut self, version: u32) -> Result<(), std::io::Error> {
            self.pending = Some(i64::from(version));
            Ok(())
        }

        fn commit(self) -> Result<(), std::io::Error> {
            if let Some(v) = self.pending {
                self.fake.version.set(v);
            }
            self.fake.log.push("commit".into());
            Ok(())
        }
    }

    #[test]
    fn any_backend_reads_the_version_in_each_transaction_and_runs_only_what_is_left() {
        let version = std::rc::Rc::new(std::cell::Cell::new(0));
        let mut fake = Fake { version: version.clone(), log: Vec::new(), other_applies: Some(1) };
        assert_eq!(run_on(&mut fake, TWO).unwrap(), [2], "another program applied the first one");
        assert_eq!(version.get(), 2);
        assert_eq!(fake.log, ["begin", TWO[1].sql, "commit", "begin", "commit"]);

        let mut newer = Fake { version: std::rc::Rc::new(std::cell::Cell::new(3)), log: Vec::new(), other_applies: None };
        let err = run_on(&mut newer, TWO).unwrap_err();
        assert!(matches!(err, MigrateError::TooNew { found: 3, known: 2 }), "{err}");
        assert_eq!(newer.log, ["begin"], "refused before any SQL ran, and nothing committed");
    }

    #[test]
    #[should_panic(expected = "numbered from 1 without gaps")]
    fn a_gap_in_the_list_is_a_programming_error() {
        let conn = Connection::open_in_memory().unwrap();
        let _ = run(&conn, &[TWO[1]]);
    }

    #[test]
    fn pins_catch_an_edit_a_removal_and_a_missing_pin() {
        let pins = [(1, "0000"), (3, "ffff")];
        let problems = check_pins(TWO, &pins);
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(problems[0].contains("migration 1 (one) was edited"));
        assert!(problems[1].contains("migration 2 (two) has no pinned checksum"));
        assert!(problems[2].contains("migration 3 was pinned but is gone"));
        let good: Vec<(u32, String)> = TWO.iter().map(|m| (m.version, m.sha256())).collect();
        let good: Vec<(u32, &str)> = good.iter().map(|(v, h)| (*v, h.as_str())).collect();
        assert!(check_pins(TWO, &good).is_empty());
    }
}
