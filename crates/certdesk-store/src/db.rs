//! Opening the desk's SQLite file: the one place every connection is made. Also the embedded,
//! append-only migrations.
//!
//! **Encrypted at rest (issue 15 item 3).** The file is an SQLCipher database under a random
//! 256-bit key (a raw key: no passphrase derivation, so opening costs nothing). The key is kept
//! by `certdesk-secret`: in the OS keyring, or where none answers in `database-key` in the data
//! folder (0600), which the manager is warned about ([`key_kept`]). A plain database written by
//! an older version is encrypted in place on the first start: the key is kept first, the rows
//! are exported into a new encrypted file beside it, which is synced and renamed over the old
//! one, so a crash at any moment leaves either the plain file (encrypted again at the next start)
//! or the encrypted one with its key. An encrypted file whose key cannot be found, or that the
//! key does not open, is refused with a sentence and never overwritten.
//!
//! Never weaken the pragmas: `synchronous=FULL` is what makes "已保存" survive a power cut.

use std::path::{Path, PathBuf};

use certdesk_migrate::{MigrateError, Migration};
use certdesk_secret::{Kept, Preference, Slot};
use rand_core::{OsRng, RngCore};
use rusqlite::{Connection, OpenFlags};

use crate::error::{DeskError, DeskResult};

/// The database file's name inside the data folder.
pub const DB_FILE: &str = "certdesk.db";

/// The key's file, where no keyring answers.
pub const KEY_FILE: &str = "database-key";


/// The embedded migrations, in order. Append only; never edit one that has landed (the test
/// `landed_migrations_are_never_edited` pins each one's SHA-256).
pub const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "init", sql: include_str!("../migrations/0001_init.sql") },
    Migration { version: 2, name: "training", sql: include_str!("../migrations/0002_training.sql") },
    Migration { version: 3, name: "sync", sql: include_str!("../migrations/0003_sync.sql") },
    Migration { version: 4, name: "cards", sql: include_str!("../migrations/0004_cards.sql") },
    Migration { version: 5, name: "health_insurance", sql: include_str!("../migrations/0005_health_insurance.sql") },
    Migration { version: 6, name: "card_activations", sql: include_str!("../migrations/0006_card_activations.sql") },
    Migration { version: 7, name: "service_visits", sql: include_str!("../migrations/0007_service_visits.sql") },
    Migration { version: 8, name: "approved_details", sql: include_str!("../migrations/0008_approved_details.sql") },
    Migration { version: 9, name: "trust_key_algorithm", sql: include_str!("../migrations/0009_trust_key_algorithm.sql") },
    Migration { version: 10, name: "roster_filings", sql: include_str!("../migrations/0010_roster_filings.sql") },
    Migration { version: 11, name: "platform_supervision", sql: include_str!("../migrations/0011_platform_supervision.sql") },
    Migration { version: 12, name: "complaint_answers", sql: include_str!("../migrations/0012_complaint_answers.sql") },
    Migration { version: 13, name: "staff_accounts", sql: include_str!("../migrations/0013_staff_accounts.sql") },
    Migration { version: 14, name: "worker_field_times", sql: include_str!("../migrations/0014_worker_field_times.sql") },
    Migration { version: 15, name: "announce_held_records", sql: include_str!("../migrations/0015_announce_held_records.sql") },
    Migration { version: 16, name: "worker_status_at", sql: include_str!("../migrations/0016_worker_status_at.sql") },
    Migration { version: 17, name: "worker_aliases", sql: include_str!("../migrations/0017_worker_aliases.sql") },
    Migration { version: 18, name: "outbox_pending_entity", sql: include_str!("../migrations/0018_outbox_pending_entity.sql") },
    Migration { version: 19, name: "parked_decisions", sql: include_str!("../migrations/0019_parked_decisions.sql") },
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

/// The database key's place: `database-key` bound to this data folder, the keyring entry named
/// after the folder (one desk's key is never another data folder's).
fn with_key_slot<T>(data_dir: &Path, f: impl FnOnce(&Slot<'_>) -> T) -> T {
    let user = format!("database-{}", certdesk_secret::folder_tag(data_dir));
    f(&Slot { dir: data_dir, file: KEY_FILE, keyring_user: &user, binding: "certdesk-database-key" })
}

/// Where this data folder's database key is kept (`None` before the database exists). The
/// window warns the manager when it is a file.
pub fn key_kept(data_dir: &Path) -> Option<Kept> {
    with_key_slot(data_dir, certdesk_secret::find).map(|(_, kept)| kept)
}

/// A new random key, kept before any data is written under it.
fn new_key(data_dir: &Path) -> DeskResult<String> {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let key = hex::encode(bytes);
    with_key_slot(data_dir, |slot| certdesk_secret::keep(slot, &key, Preference::from_env()))
        .map_err(|e| crate::messages::database_key_not_kept(data_dir, e))?;
    Ok(key)
}

/// SQLCipher's form of a raw 256-bit key.
fn key_pragma(key: &str) -> String {
    format!("x'{key}'")
}

/// What is in the file now.
enum Found {
    /// Nothing yet (a new desk).
    Empty,
    /// A plain SQLite database (written by a version before encryption).
    Plain,
    /// Anything else: an encrypted database.
    Encrypted,
}

/// What the file holds, found without opening a descriptor of it outside SQLite: closing any
/// descriptor of a database file releases the process's POSIX locks on it, which another
/// connection of this process (the window opens the desk again as it goes) relies on.
fn found(path: &Path) -> DeskResult<Found> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Empty),
        Err(e) => return Err(crate::messages::database_open(path, e)),
        Ok(m) if m.len() == 0 => return Ok(Found::Empty),
        Ok(_) => {}
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| crate::messages::database_open(path, e))?;
    // Without a key SQLCipher reads a plain file; an encrypted one is "not a database".
    Ok(if crate::table::database::schema_objects(&conn).is_ok() { Found::Plain } else { Found::Encrypted })
}

/// Encrypts a plain database in place under a new key (see the module's documentation).
fn encrypt_in_place(data_dir: &Path, path: &Path) -> DeskResult<String> {
    let fail = |e: &dyn std::fmt::Display| crate::messages::database_open(path, e);
    let next = path.with_extension("db.encrypting");
    let _ = std::fs::remove_file(&next);
    let key = new_key(data_dir)?;
    {
        let plain = Connection::open(path).map_err(|e| fail(&e))?;
        plain.busy_timeout(std::time::Duration::from_secs(5)).map_err(|e| fail(&e))?;
        // Everything in the main file, nothing left only in the write-ahead log.
        let (busy, log, done): (i64, i64, i64) =
            plain.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).map_err(|e| fail(&e))?;
        if busy != 0 || log != done {
            // Another program still has the old file open: nothing is changed, the next start
            // tries again.
            return Err(crate::messages::database_busy(path));
        }
        certdesk_files::create_database_file(&next).map_err(|e| fail(&e))?;
        crate::table::database::export_encrypted(&plain, &next, &key_pragma(&key)).map_err(|e| fail(&e))?;
    }
    std::fs::File::open(&next).and_then(|f| f.sync_all()).map_err(|e| fail(&e))?;
    // The plain file's log and index must not be read as the encrypted file's.
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        match std::fs::remove_file(&side) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(fail(&e)),
            _ => {}
        }
    }
    std::fs::rename(&next, path).map_err(|e| fail(&e))?;
    #[cfg(unix)]
    std::fs::File::open(data_dir).and_then(|d| d.sync_all()).map_err(|e| fail(&e))?;
    Ok(key)
}

/// The key to open the database in `data_dir` with: a new one for a new database, the kept one
/// for an encrypted one, and for a plain one the key it was just encrypted under.
fn key_for(data_dir: &Path, path: &Path) -> DeskResult<String> {
    match found(path)? {
        Found::Empty => match with_key_slot(data_dir, certdesk_secret::find) {
            Some((key, _)) => Ok(key),
            None => new_key(data_dir),
        },
        Found::Plain => encrypt_in_place(data_dir, path),
        Found::Encrypted => with_key_slot(data_dir, certdesk_secret::find)
            .map(|(key, _)| key)
            .ok_or_else(|| crate::messages::database_key_missing(path)),
    }
}

/// 备份: a consistent plain copy of the database in `data_dir` at `to` (a new file, which the
/// caller keeps in a private folder, encrypts under the backup's passphrase and deletes), taken
/// in one read transaction while the window keeps working.
pub fn snapshot_plain(data_dir: &Path, to: &Path) -> DeskResult<()> {
    let conn = open_raw(data_dir)?;
    certdesk_files::create_database_file(to).map_err(|e| crate::messages::database_open(to, e))?;
    crate::table::database::export_encrypted(&conn, to, "").map_err(|e| crate::messages::database_open(to, e))?;
    Ok(())
}

/// 恢复: puts the plain database `from` (a decrypted backup) into `data_dir`, which must hold no
/// desk yet. The file is checked first (a desk database of a schema this program knows, passing
/// SQLite's integrity check) and copied whole (synced, then renamed into place); the next open
/// encrypts it under a new key. A refusal writes nothing into `data_dir`.
pub fn restore_plain(from: &Path, data_dir: &Path) -> DeskResult<()> {
    let damaged = || crate::messages::backup_damaged(from);
    {
        let conn = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|_| damaged())?;
        let (ok, version) = crate::table::database::integrity(&conn).map_err(|_| damaged())?;
        let has_workers = crate::table::database::schema_objects(&conn).is_ok_and(|n| n > 0);
        if !ok || !has_workers || version < 1 {
            return Err(damaged());
        }
        if version > MIGRATIONS.len() as i64 {
            return Err(crate::messages::schema_too_new(version, MIGRATIONS.len()));
        }
    }
    let path = data_dir.join(DB_FILE);
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > 0) {
        return Err(crate::messages::restore_target_taken(data_dir));
    }
    certdesk_files::prepare_data_dir(data_dir).map_err(|e| crate::messages::data_dir_create(data_dir, e))?;
    let partial = path.with_extension("db.restoring");
    let write = || -> std::io::Result<()> {
        let mut src = std::fs::File::open(from)?;
        let mut dst = certdesk_files::open(std::fs::OpenOptions::new().write(true).create(true).truncate(true), &partial)?;
        std::io::copy(&mut src, &mut dst)?;
        dst.sync_all()?;
        // A key left by an earlier desk in this folder is not this database's.
        let _ = std::fs::remove_file(data_dir.join(KEY_FILE));
        std::fs::rename(&partial, &path)?;
        #[cfg(unix)]
        std::fs::File::open(data_dir)?.sync_all()?;
        Ok(())
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        crate::messages::data_dir_create(data_dir, e)
    })
}

/// The database in `data_dir` as it is, key applied, no migration: for tests and tools that
/// look at the rows themselves.
pub fn open_raw(data_dir: &Path) -> DeskResult<Connection> {
    let path = data_dir.join(DB_FILE);
    let key = key_for(data_dir, &path)?;
    let conn = Connection::open(&path).map_err(|e| crate::messages::database_open(&path, e))?;
    apply_key(&conn, &path, &key)?;
    Ok(conn)
}

/// Applies the key and proves it opens the file.
fn apply_key(conn: &Connection, path: &Path, key: &str) -> DeskResult<()> {
    conn.pragma_update(None, "key", key_pragma(key)).map_err(|e| crate::messages::database_open(path, e))?;
    crate::table::database::schema_objects(conn).map_err(|_| crate::messages::database_key_wrong(path))?;
    Ok(())
}

/// Open (creating if needed) the database in `data_dir` with the desk's pragmas and its key
/// (encrypting a plain one first), and bring its schema up to date.
pub fn open_connection(data_dir: &Path) -> DeskResult<Connection> {
    open_with(data_dir, true)
}

/// [`open_connection`] without encryption: only for `certdesk bench --plain`, which measures
/// what encryption costs against the same rows. A plain file left by it is encrypted in place by
/// the next ordinary open; an encrypted one is refused here (no key is applied).
pub(crate) fn open_plain_connection(data_dir: &Path) -> DeskResult<Connection> {
    open_with(data_dir, false)
}

fn open_with(data_dir: &Path, encrypted: bool) -> DeskResult<Connection> {
    // The folder holds every ID number and photo: owner-only (0700, files 0600 on Unix), what
    // an older version left looser tightened, and the database created 0600 before SQLite
    // opens it (so its -wal and -shm files follow its mode).
    certdesk_files::prepare_data_dir(data_dir).map_err(|e| crate::messages::data_dir_create(data_dir, e))?;
    let path = data_dir.join(DB_FILE);
    let key = if encrypted { Some(key_for(data_dir, &path)?) } else { None };
    certdesk_files::create_database_file(&path).map_err(|e| crate::messages::data_dir_create(data_dir, e))?;
    let conn = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| crate::messages::database_open(&path, e))?;
    match key {
        Some(key) => apply_key(&conn, &path, &key)?,
        None => {
            crate::table::database::schema_objects(&conn).map_err(|_| crate::messages::database_key_wrong(&path))?;
        }
    }
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

/// Apply every migration newer than the file's `user_version`, each in its own transaction
/// (certdesk-migrate); a file from a newer certdesk is refused before anything runs.
fn migrate(conn: &Connection) -> DeskResult<()> {
    match certdesk_migrate::run(conn, MIGRATIONS) {
        Ok(_) => Ok(()),
        Err(MigrateError::TooNew { found, known }) => Err(crate::messages::schema_too_new(found, known)),
        Err(e) => Err(DeskError::internal(e)),
    }
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
        assert_eq!(v, MIGRATIONS.len() as i64);
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal", "WAL keeps readers and the writer apart");
        let sync: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
        assert_eq!(sync, 2, "synchronous=FULL (2) so a saved enrolment survives power loss");
        let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
    }

    /// The desk's data folder is its user's alone (issue 15): a folder and database an older
    /// version left readable by others are tightened at the next start.
    #[cfg(unix)]
    #[test]
    fn the_data_folder_and_its_files_are_owner_only_whatever_an_older_version_left() {
        use std::os::unix::fs::PermissionsExt;
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("data");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        drop(open_connection(&dir).unwrap());
        std::fs::set_permissions(dir.join(DB_FILE), std::fs::Permissions::from_mode(0o644)).unwrap();
        drop(open_connection(&dir).unwrap());
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            assert_eq!(mode(&path), 0o600, "{}", path.display());
        }
    }

    #[test]
    fn a_database_from_a_newer_program_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open_connection(dir.path()).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
        drop(conn);
        let err = open_connection(dir.path()).unwrap_err();
        assert_eq!(err.code, "schema_too_new");
        assert_eq!(err.message_en, format!("The database (schema 999) is newer than this program ({}): please upgrade certdesk.", MIGRATIONS.len()));
    }

    /// The SHA-256 of every landed migration. A landed migration is never edited: a change to
    /// the schema is a new migration, appended with its own pin here.
    const PINNED: &[(u32, &str)] = &[
        (1, "22a1ce5d9ba9e3039d7b00de461fbbbb4b87e339d83ba41ffbf5da93f4d0c3fb"),
        (2, "888285dfe246eebc7df5c56e47c7c6636844c42d92c04db5c6ad2656423c854a"),
        (3, "3bc4edc0138d808cb7e89f849ff3b57b3adc8906439628877c0e9ce82917caf8"),
        (4, "e0eea15125df92e46b8412c28d914368582e71fa3d438b828db6ce72fb03a9e8"),
        (5, "388e59c30ee7992f3e2f41596d12ef8214ba80da72799dedae0a22595973afa0"),
        (6, "f300f4ea1688e5efc3cc7ffcf64a4889415f5c18ec39bf0cbf59d69bbb78d9a6"),
        (7, "8fd21aaf6497e86376e90f83b33225823622434862706029ca9e1445f38333bb"),
        (8, "762a6de6289686b9fb4d0e136a3eb8c25c7cc2b566704f0aa393a939cea00509"),
        (9, "40e14fc403ca904f0b24bd99d929cf7ab8d2e1673ce61c4d84ef5218eb7cd3b8"),
        (10, "25e9191ee97f37329cb18ccadada5985ea6094086914e7db9e31bc31245a97ca"),
        (11, "93ef53e7ca1aedc73ca477b860e8a5853af2453d327bd7f3a1ca0b39da4072a8"),
        (12, "d6392a3122b76f456f1dfa50a4c9edfd901320a86492cf8f4b8ec02dbf45efaa"),
        (13, "5e76e30ec058789c7842f7a702d1519c862e1771c2746e66c208abdc4933dcab"),
        (14, "05e4d760184801fe9da83a457a1879e2c3ff531842456d7f27e58ce6c83ade88"),
        (15, "29453f80e4ffa743a287e75b4f46b87662a1dbff5e0c13b01c54ec901f844b36"),
        (16, "0a9e213c225074da64620058fc973f53f3db9995c6f0f0e0a200be3a7510320e"),
        (17, "751872118ec5e0af72e6728ba0e93769975ad75520e410008f3dd7cf9ae3fc0a"),
        (18, "8198caa5bcae31c311d0748fc44f18ea1edd49ab0d8f99ca18faf6e182c40c2d"),
        (19, "0d9239e3354c2298f04a0fdbdf1229ac1acb6ae5c68fbd3ac35c1ab9ce7237d6"),
    ];

    #[test]
    fn landed_migrations_are_never_edited() {
        let problems = certdesk_migrate::check_pins(MIGRATIONS, PINNED);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
