//! Opening the desk's SQLite file: the one place every connection is made, so that turning on
//! encryption at rest later (SQLCipher, key from the OS keyring) is a change here and nowhere
//! else. Also the embedded, append-only migrations.
//!
//! Never weaken the pragmas: `synchronous=FULL` is what makes "已保存" survive a power cut.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use crate::error::{DeskError, DeskResult};

/// The database file's name inside the data folder.
pub const DB_FILE: &str = "certdesk.db";

/// The embedded migrations, in order. Append only; never edit one that has landed.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/0001_init.sql")),
    (2, "training", include_str!("../migrations/0002_training.sql")),
    (3, "sync", include_str!("../migrations/0003_sync.sql")),
    (4, "cards", include_str!("../migrations/0004_cards.sql")),
];

/// The data folder: `--data-dir` / `CERTDESK_DATA_DIR` when given, else the OS's app-data
/// folder (on Linux `~/.local/share/certdesk`).
pub fn resolve_data_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os("CERTDESK_DATA_DIR").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    directories::ProjectDirs::from("cn", "certdesk", "certdesk")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".certdesk"))
}

/// Open (creating if needed) the database in `data_dir` with the desk's pragmas, and bring
/// its schema up to date.
pub fn open_connection(data_dir: &Path) -> DeskResult<Connection> {
    std::fs::create_dir_all(data_dir).map_err(|e| {
        DeskError::new(
            "data_dir",
            format!("无法创建数据目录 {}：{e}", data_dir.display()),
            format!("Cannot create the data folder {}: {e}", data_dir.display()),
        )
    })?;
    let path = data_dir.join(DB_FILE);
    let conn = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| {
        DeskError::new(
            "data_dir",
            format!("无法打开数据库 {}：{e}", path.display()),
            format!("Cannot open the database {}: {e}", path.display()),
        )
    })?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -32000;",
    )?;
    migrate(&conn)?;
    Ok(conn)
}

/// Apply every migration newer than the file's `user_version`, each in its own transaction.
fn migrate(conn: &Connection) -> DeskResult<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let newest = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    if current > newest {
        return Err(DeskError::new(
            "schema_too_new",
            format!("数据库版本（{current}）比本程序新（{newest}），请升级 certdesk。"),
            format!("The database (schema {current}) is newer than this program ({newest}): please upgrade certdesk."),
        ));
    }
    for (version, _name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_twice_applies_migrations_once_and_sets_durable_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        drop(open_connection(dir.path()).unwrap());
        let conn = open_connection(dir.path()).unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, MIGRATIONS.last().unwrap().0);
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal", "WAL keeps readers and the writer apart");
        let sync: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
        assert_eq!(sync, 2, "synchronous=FULL (2) so a saved enrolment survives power loss");
        let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
    }

    #[test]
    fn a_database_from_a_newer_program_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open_connection(dir.path()).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
        drop(conn);
        let err = open_connection(dir.path()).unwrap_err();
        assert_eq!(err.code, "schema_too_new");
    }
}
