//! The SQLite implementation of the platform's storage: one file in the data directory, WAL,
//! synchronous FULL, embedded append-only migrations recorded in `user_version`. It implements
//! the repository ([`crate::store::repo::Repo`], in `rows.rs`) and the plain reads and writes
//! of [`Store`].
//!
//! One connection behind a mutex: the platform's writes are small and SQLite serialises
//! writers anyway, and it makes every transaction a plain one. This module must never decide a
//! business rule: it reads and writes rows, and the flows in [`crate::flows`] decide.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use certdesk_migrate::{MigrateError, Migration};
use certdesk_protocol::operator::{DeviceInfo, ReviewItem};
use certdesk_protocol::sync::{Change, ChangeBody};
use certdesk_protocol::{RevocationEntry, RevocationList, TrustList, TrustedKey};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::columns::{algorithm_of, application_kind_of, status_of, ts};
use super::{Agency, Device, Store, StoreError, StoreResult};

mod complaints;
mod operator_keys;
mod operators;
mod public;
mod rows;

/// Embedded migrations, in order. Append only; never edit one that has landed (the test
/// `landed_migrations_are_never_edited` pins each one's SHA-256).
pub const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "init", sql: include_str!("../../migrations/0001_init.sql") },
    Migration { version: 2, name: "operator_pages", sql: include_str!("../../migrations/0002_operator_pages.sql") },
    Migration { version: 3, name: "agency_records", sql: include_str!("../../migrations/0003_agency_records.sql") },
    Migration { version: 4, name: "public_feedback", sql: include_str!("../../migrations/0004_public_feedback.sql") },
    Migration { version: 5, name: "record_links", sql: include_str!("../../migrations/0005_record_links.sql") },
    Migration { version: 6, name: "approved_identity", sql: include_str!("../../migrations/0006_approved_identity.sql") },
    Migration { version: 7, name: "operator_roles", sql: include_str!("../../migrations/0007_operator_roles.sql") },
    Migration { version: 8, name: "rating_moderation", sql: include_str!("../../migrations/0008_rating_moderation.sql") },
    Migration { version: 9, name: "feedback_keys", sql: include_str!("../../migrations/0009_feedback_keys.sql") },
    Migration { version: 10, name: "electronic_cards", sql: include_str!("../../migrations/0010_electronic_cards.sql") },
    Migration { version: 11, name: "visits", sql: include_str!("../../migrations/0011_visits.sql") },
    Migration { version: 12, name: "operator_keys_audit", sql: include_str!("../../migrations/0012_operator_keys_audit.sql") },
    Migration { version: 13, name: "details_applications", sql: include_str!("../../migrations/0013_details_applications.sql") },
    Migration { version: 14, name: "key_algorithm", sql: include_str!("../../migrations/0014_key_algorithm.sql") },
    Migration { version: 15, name: "roster_filings", sql: include_str!("../../migrations/0015_roster_filings.sql") },
    Migration { version: 16, name: "complaint_coordination", sql: include_str!("../../migrations/0016_complaint_coordination.sql") },
    Migration { version: 17, name: "worker_aliases", sql: include_str!("../../migrations/0017_worker_aliases.sql") },
];

/// Seals every signing key still stored plain (written before sealing), in one transaction, and
/// destroys the private part of every retired or withdrawn key (an older platform kept them):
/// only the current key ever signs.
fn seal_plain_keys(conn: &Connection, vault: &crate::keys::KeyVault) -> StoreResult<()> {
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "UPDATE signing_keys SET secret = X'' WHERE (not_after IS NOT NULL OR withdrawn_at IS NOT NULL) AND length(secret) > 0",
        [],
    )?;
    let plain: Vec<(u16, Vec<u8>)> = {
        let mut stmt = tx.prepare("SELECT key_id, secret FROM signing_keys WHERE length(secret) = 32")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (key_id, secret) in plain {
        let key = vault.open(key_id, &secret).ok_or_else(|| StoreError::Corrupt(format!("signing key {key_id}")))?;
        tx.execute("UPDATE signing_keys SET secret = ?2 WHERE key_id = ?1", params![key_id, vault.seal(key_id, &key)])?;
    }
    tx.commit()?;
    Ok(())
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Database(e.to_string())
    }
}

/// The database file's name in the data folder.
pub const FILE: &str = "platform.sqlite3";

/// The platform's records in one SQLite file.
pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// A second, read-only connection for what verifiers and desks read (the public page, the
    /// trust and revocation lists, pulls): WAL lets it read the last commit while a push holds
    /// the writer, so a busy writer never blocks a citizen's scan. `None` in memory.
    reader: Option<Mutex<Connection>>,
    /// Seals the signing keys at rest (`DATA_DIR/signing-kek`).
    vault: crate::keys::KeyVault,
}

fn uuid_of(s: String) -> StoreResult<Uuid> {
    Uuid::parse_str(&s).map_err(|_| StoreError::Corrupt(format!("uuid {s}")))
}

fn date_of(s: &str) -> StoreResult<NaiveDate> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("date {s}")))
}

/// A device row (read in or out of a transaction).
fn device_row(conn: &Connection, id: Uuid) -> StoreResult<Option<Device>> {
    let row = conn
        .query_row(
            "SELECT agency_id, secret_hash, revoked_at IS NOT NULL, name FROM devices WHERE id = ?1",
            [id.to_string()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, String>(3)?,
                ))
            },
        )
        .optional()?;
    row.map(|(agency, secret_hash, revoked, name)| {
        Ok(Device {
            id,
            agency_id: uuid_of(agency)?,
            name,
            secret_hash,
            revoked,
        })
    })
    .transpose()
}

impl SqliteStore {
    /// Opens (creating if needed) `platform.sqlite3` in `data_dir` and runs pending migrations,
    /// with the signing keys' key file in the data folder.
    pub fn open(data_dir: &Path) -> StoreResult<Self> {
        Self::open_with_key_file(data_dir, None)
    }

    /// [`SqliteStore::open`] with the signing keys' key file at `key_file` (another volume, a
    /// mounted secret) instead of `DATA_DIR/signing-kek`.
    pub fn open_with_key_file(data_dir: &Path, key_file: Option<&Path>) -> StoreResult<Self> {
        Self::open_with(data_dir, key_file, None)
    }

    /// [`SqliteStore::open_with_key_file`], reaching the signing keys held in `hsm` (a PKCS#11
    /// token) too.
    pub fn open_with(data_dir: &Path, key_file: Option<&Path>, hsm: Option<std::sync::Arc<crate::hsm::Hsm>>) -> StoreResult<Self> {
        // Owner-only before SQLite opens it: its -wal and -shm files take the database's mode.
        let path = data_dir.join(FILE);
        crate::files::prepare_data_dir(data_dir)
            .and_then(|()| crate::files::create_database_file(&path))
            .map_err(|e| StoreError::Database(format!("{}: {e}", path.display())))?;
        let kek = key_file.map_or_else(|| data_dir.join(crate::keys::KeyVault::FILE), Path::to_path_buf);
        let vault = crate::keys::KeyVault::load_or_create(&kek)
            .map_err(|e| StoreError::Database(format!("{}: {e}", kek.display())))?
            .with_hsm(hsm);
        let conn = Connection::open(&path)?;
        let mut store = Self::setup(conn, vault)?;
        let reader = Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        reader.busy_timeout(std::time::Duration::from_secs(5))?;
        store.reader = Some(Mutex::new(reader));
        Ok(store)
    }

    /// An in-memory store, for unit tests.
    pub fn open_in_memory() -> StoreResult<Self> {
        Self::setup(Connection::open_in_memory()?, crate::keys::KeyVault::generate())
    }

    fn setup(conn: Connection, vault: crate::keys::KeyVault) -> StoreResult<Self> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // What is deleted or overwritten (a retired key's private part) is zeroed in the file.
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        certdesk_migrate::run(&conn, MIGRATIONS).map_err(|e| match e {
            MigrateError::TooNew { found, known } => StoreError::SchemaTooNew { found, known },
            other => StoreError::Database(other.to_string()),
        })?;
        seal_plain_keys(&conn, &vault)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            reader: None,
            vault,
        })
    }

    fn vault(&self) -> &crate::keys::KeyVault {
        &self.vault
    }

    /// The read-only connection (the writer's, in memory).
    fn reader(&self) -> MutexGuard<'_, Connection> {
        match &self.reader {
            Some(reader) => reader.lock().unwrap_or_else(|p| p.into_inner()),
            None => self.conn(),
        }
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves no half transaction behind (rusqlite rolls
        // back on drop), so the connection is still sound.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Store for SqliteStore {
    fn ready(&self) -> StoreResult<()> {
        self.conn().query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }

    fn create_agency(&self, agency: &Agency, now: DateTime<Utc>) -> StoreResult<Option<()>> {
        let n = self.conn().execute(
            "INSERT INTO agencies (id, name, credit_code, district, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (credit_code) DO NOTHING",
            params![agency.id.to_string(), agency.name, agency.credit_code, agency.district, ts(now)],
        )?;
        Ok((n == 1).then_some(()))
    }

    fn device(&self, id: Uuid) -> StoreResult<Option<Device>> {
        device_row(&self.conn(), id)
    }

    fn devices(&self) -> StoreResult<Vec<DeviceInfo>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, agency_id, name, revoked_at IS NOT NULL FROM devices ORDER BY created_at",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })?;
        rows.map(|r| {
            let (id, agency, name, revoked) = r?;
            Ok(DeviceInfo {
                device_id: uuid_of(id)?,
                agency_id: uuid_of(agency)?,
                name,
                revoked,
            })
        })
        .collect()
    }

    fn pending_reviews(&self) -> StoreResult<Vec<ReviewItem>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT a.id, a.worker_id, g.name, w.name, a.id_number, a.applied_at, a.kind
             FROM applications a JOIN workers w ON w.id = a.worker_id JOIN agencies g ON g.id = a.agency_id
             WHERE a.status = 'pending' ORDER BY a.applied_at, a.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?;
        rows.map(|r| {
            let (app, worker, agency_name, name, id_number, applied_at, kind): (_, _, _, _, _, _, String) = r?;
            Ok(ReviewItem {
                application_id: uuid_of(app)?,
                worker_id: uuid_of(worker)?,
                agency_name,
                name,
                id_number,
                applied_at,
                kind: application_kind_of(&kind)?,
            })
        })
        .collect()
    }

    fn pending_for_id_number(&self, id_number: &str) -> StoreResult<Vec<Uuid>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id FROM applications WHERE status = 'pending' AND id_number = ?1 AND kind = 'certificate' ORDER BY applied_at",
        )?;
        let rows = stmt.query_map([id_number], |r| r.get::<_, String>(0))?;
        rows.map(|r| uuid_of(r?)).collect()
    }

    fn changes_since(
        &self,
        agency_id: Uuid,
        since: i64,
        limit: u32,
    ) -> StoreResult<(Vec<Change>, bool)> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT seq, body FROM changes WHERE seq > ?1 AND (agency_id = ?2 OR agency_id IS NULL)
             ORDER BY seq LIMIT ?3",
        )?;
        let rows = stmt.query_map(
            params![since, agency_id.to_string(), i64::from(limit) + 1],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
        )?;
        let mut changes = Vec::new();
        for row in rows {
            let (seq, body) = row?;
            let body: ChangeBody = serde_json::from_str(&body)
                .map_err(|e| StoreError::Corrupt(format!("change {seq}: {e}")))?;
            changes.push(Change { seq, body });
        }
        let more = changes.len() > limit as usize;
        changes.truncate(limit as usize);
        Ok((changes, more))
    }

    fn changes_after(&self, agency_id: Uuid, seq: i64) -> StoreResult<u64> {
        // Two index ranges (changes_agency), the agency's and the city-wide ones.
        let count: i64 = self.reader().prepare_cached(
            "SELECT (SELECT count(*) FROM changes WHERE agency_id = ?1 AND seq > ?2)
                  + (SELECT count(*) FROM changes WHERE agency_id IS NULL AND seq > ?2)",
        )?.query_row(params![agency_id.to_string(), seq], |r| r.get(0))?;
        Ok(count as u64)
    }

    fn add_blob(
        &self,
        agency_id: Uuid,
        sha256: &str,
        size: u64,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO blobs (agency_id, sha256, size, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO NOTHING",
            params![agency_id.to_string(), sha256, size as i64, ts(now)],
        )?;
        Ok(())
    }

    fn blob_bytes(&self, agency_id: Uuid) -> StoreResult<u64> {
        Ok(self.conn().query_row(
            "SELECT COALESCE(SUM(size), 0) FROM blobs WHERE agency_id = ?1",
            [agency_id.to_string()],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    fn has_blob(&self, agency_id: Uuid, sha256: &str) -> StoreResult<bool> {
        Ok(self
            .conn()
            .query_row(
                "SELECT 1 FROM blobs WHERE agency_id = ?1 AND sha256 = ?2",
                params![agency_id.to_string(), sha256],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    fn trust_list(&self) -> StoreResult<TrustList> {
        let conn = self.reader();
        let mut stmt = conn.prepare(
            "SELECT key_id, public_key, not_before, not_after, algorithm FROM signing_keys
             WHERE withdrawn_at IS NULL ORDER BY key_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, u16>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let keys = rows
            .map(|r| {
                let (key_id, public_key, nb, na, algorithm) = r?;
                Ok(TrustedKey {
                    key_id,
                    public_key,
                    algorithm: algorithm_of(&algorithm)?,
                    not_before: date_of(&nb)?,
                    not_after: na.as_deref().map(date_of).transpose()?,
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok(TrustList { keys })
    }

    fn revocations(&self) -> StoreResult<RevocationList> {
        let conn = self.reader();
        let mut stmt = conn.prepare(
            "SELECT code, revoked_at IS NOT NULL, card_version FROM certificates
             WHERE revoked_at IS NOT NULL OR card_version > 1 ORDER BY code",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(RevocationEntry {
                certificate_code: r.get(0)?,
                revoked: r.get(1)?,
                current_card_version: r.get(2)?,
            })
        })?;
        Ok(RevocationList {
            entries: rows.collect::<Result<_, _>>()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::{Decided, Decision, PushContext, Signer};
    use certdesk_domain::certificate_code::CertificateCode;
    use certdesk_protocol::sync::{EntryOutcome, OutboxEntry, SyncEntity, SyncOp};
    use rusqlite::params;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2026-11-27T02:00:00Z".parse().unwrap()
    }

    /// The SHA-256 of every landed migration. A landed migration is never edited: a change to
    /// the schema is a new migration, appended with its own pin here.
    const PINNED: &[(u32, &str)] = &[
        (1, "a7882fd160598dec3e62a6810eb62e3cc92ecd13289a2d1115c2ba6f301909fe"),
        (2, "cc353070b01a3b6be14532d9a7e41a6650d09e325bb551e673e4ecc3ff4b8619"),
        (3, "dd748bf28fb4b241fd1585666a5c4f155b8626b5a0f04352b54cb48f662ef287"),
        (4, "57b40f69727f3dc1ac2627c10f4dac25a0d7dab023a2d14e2384dc36c26fec9d"),
        (5, "220ebae932be865e5e189e0fd86ab34ea4c2da4395c91aebb3d345434050a521"),
        (6, "8d34661ced2f95b24b95ff59fa8db1deca21ed63692b646d7a6213dab94ca51f"),
        (7, "e5f1ae3358888d751e67ac18796a6dda9ab755d23b4cacf887b5a1f99ab6f6b8"),
        (8, "ccbda124b22293b3c0d3ebb6fd9c429a7cf6431d7e95e59fc2ae582f949f17da"),
        (9, "7566f0148f6917731a11f8a4a05b1a2ef1800d7e77fd188f831ff5c703657a1d"),
        (10, "d0405d51a4926c3b122b56ba9c1e4c9440eaef82aa281e21ba7bdbf451246321"),
        (11, "d22995e178de8d1f52a790f01a9b851987dce392efc964a819441843c0050c53"),
        (12, "34ab3b9b0dce6d9c36fbcc9f68941305bcb1e7129ba8067e310447748ed7fe04"),
        (13, "d8263764eb35dd59cec5e610fef82f71763af2db8c506604184992ac326272d4"),
        (14, "f8f9494127608cc465d51a719a2a2d328f7be72cb01690286657afd4963ef7e7"),
        (15, "94afa51b4ef1d158aad72599549a9b48a9d1e98120cab72f24aaab06f6ba922a"),
        (16, "7266761f0e7f41d95e62d3ba6ae6247ca7df8768a2fa514ef74dbea3608ceee7"),
        (17, "c240e4d1aa0d8984652d69ebda0eeaef8e3080800f11d108c2fbf896e1d3c1fe"),
    ];

    #[test]
    fn landed_migrations_are_never_edited() {
        let problems = certdesk_migrate::check_pins(MIGRATIONS, PINNED);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// Issue 11 item 3 (part): the signing keys are sealed at rest under `DATA_DIR/signing-kek`.
    /// A copy of the database without its key file cannot sign (a sentence says why, and no new
    /// key is made behind the operator's back); a key stored plain by an older platform is sealed
    /// when the file is opened, and still signs.
    #[test]
    fn a_database_copied_without_its_key_file_cannot_sign_and_plain_keys_are_sealed_on_open() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let now: DateTime<Utc> = "2026-12-04T02:00:00Z".parse().unwrap();
        let ids = crate::ids::SystemIds;
        let original = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(original.path()).unwrap();
        let (key_id, key) = crate::flows::current_signing_key(&store, &ids, today, now).unwrap();
        drop(store);
        let raw = |dir: &Path| -> Vec<u8> {
            Connection::open(dir.join("platform.sqlite3")).unwrap()
                .query_row("SELECT secret FROM signing_keys WHERE key_id = ?1", [key_id], |r| r.get(0)).unwrap()
        };
        let sealed = raw(original.path());
        assert!(!sealed.windows(32).any(|w| w == key.secret().unwrap()), "the database never holds the key plain");

        let copy = tempfile::tempdir().unwrap();
        std::fs::copy(original.path().join("platform.sqlite3"), copy.path().join("platform.sqlite3")).unwrap();
        let stolen = SqliteStore::open(copy.path()).unwrap();
        let err = crate::flows::current_signing_key(&stolen, &ids, today, now).unwrap_err();
        assert!(err.to_string().contains("signing-kek"), "{err}");
        assert_eq!(stolen.trust_list().unwrap().keys.len(), 1, "no new key was made");

        // A plain key from before sealing: sealed on open, and it still signs as itself.
        let reopened = SqliteStore::open(original.path()).unwrap();
        drop(reopened);
        let plain = crate::keys::generate();
        Connection::open(original.path().join("platform.sqlite3")).unwrap()
            .execute("UPDATE signing_keys SET secret = ?2 WHERE key_id = ?1", params![key_id, plain.to_bytes().to_vec()]).unwrap();
        let store = SqliteStore::open(original.path()).unwrap();
        assert_ne!(raw(original.path()).len(), 32, "sealed on open");
        let (_, opened) = crate::flows::current_signing_key(&store, &ids, today, now).unwrap();
        assert_eq!(opened.secret().unwrap(), plain.to_bytes());
    }

    /// Issue 11 item 3: `serve --key-file` keeps the signing keys' key file outside the data
    /// folder (owner-only; a looser copy is tightened); the data folder then holds no key file,
    /// and the database opened without it cannot sign.
    #[test]
    fn the_key_file_can_live_outside_the_data_folder() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let now: DateTime<Utc> = "2026-12-04T02:00:00Z".parse().unwrap();
        let ids = crate::ids::SystemIds;
        let data = tempfile::tempdir().unwrap();
        let secrets = tempfile::tempdir().unwrap();
        let kek = secrets.path().join("platform.kek");
        let store = SqliteStore::open_with_key_file(data.path(), Some(&kek)).unwrap();
        let (_, key) = crate::flows::current_signing_key(&store, &ids, today, now).unwrap();
        drop(store);
        assert!(kek.exists() && !data.path().join(crate::keys::KeyVault::FILE).exists(), "no key file in the data folder");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&kek, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        let store = SqliteStore::open_with_key_file(data.path(), Some(&kek)).unwrap();
        assert_eq!(crate::flows::current_signing_key(&store, &ids, today, now).unwrap().1.secret(), key.secret());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&kek).unwrap().permissions().mode() & 0o777, 0o600, "tightened");
        }
        drop(store);
        let without = SqliteStore::open(data.path()).unwrap();
        let err = crate::flows::current_signing_key(&without, &ids, today, now).unwrap_err();
        assert!(err.to_string().contains("does not open"), "{err}");
    }

    /// Issue 11 item 3: a retired key's private part is destroyed at rotation (and a withdrawn
    /// key's at withdrawal), zeroed in the file, and an older platform's retired keys lose theirs
    /// when the file opens; the current key still signs.
    #[test]
    fn a_retired_keys_private_part_is_destroyed_at_rotation_and_at_open() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let now: DateTime<Utc> = "2026-12-04T02:00:00Z".parse().unwrap();
        let ids = crate::ids::SystemIds;
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let (_, first) = crate::flows::current_signing_key(&store, &ids, today, now).unwrap();
        let sealed_first: Vec<u8> = store.conn().query_row("SELECT secret FROM signing_keys WHERE key_id = 1", [], |r| r.get(0)).unwrap();
        let second = crate::keys::PlatformKey::Ed25519(crate::keys::generate());
        crate::flows::rotate_signing_key(&store, &second, today, now).unwrap();
        let lengths = |s: &SqliteStore| -> Vec<(u16, i64)> {
            let conn = s.conn();
            let mut q = conn.prepare("SELECT key_id, length(secret) FROM signing_keys ORDER BY key_id").unwrap();
            q.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
        };
        assert_eq!(lengths(&store)[0], (1, 0), "key 1's private part is gone");
        let (id, current) = crate::flows::current_signing_key(&store, &ids, today, now).unwrap();
        assert_eq!((id, current.secret()), (2, second.secret()), "the new key signs");
        drop(store);
        let mut file = std::fs::read(dir.path().join("platform.sqlite3")).unwrap();
        if let Ok(wal) = std::fs::read(dir.path().join("platform.sqlite3-wal")) {
            file.extend(wal);
        }
        assert!(!file.windows(sealed_first.len()).any(|w| w == sealed_first.as_slice()), "not even sealed, anywhere in the file");
        assert!(!file.windows(32).any(|w| w == first.secret().unwrap()));

        // An older platform kept its retired keys: the next open destroys them.
        let conn = Connection::open(dir.path().join("platform.sqlite3")).unwrap();
        conn.execute("UPDATE signing_keys SET secret = ?1 WHERE key_id = 1", [&sealed_first]).unwrap();
        drop(conn);
        let store = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(lengths(&store), [(1, 0), (2, lengths(&store)[1].1)]);
        assert!(lengths(&store)[1].1 > 0, "the current key is kept");
    }

    #[test]
    fn a_database_from_a_newer_platform_is_refused_with_a_sentence_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        drop(SqliteStore::open(dir.path()).unwrap());
        let file = dir.path().join("platform.sqlite3");
        Connection::open(&file).unwrap().pragma_update(None, "user_version", 99).unwrap();
        let err = SqliteStore::open(dir.path()).err().expect("a newer file is refused");
        let known = MIGRATIONS.len() as u32;
        assert!(matches!(err, StoreError::SchemaTooNew { found: 99, known: k } if k == known), "{err}");
        assert_eq!(
            err.to_string(),
            format!("the database is at schema version 99, newer than this platform knows ({known}): upgrade certdesk-platform before starting it on this data directory")
        );
        let v: i64 = Connection::open(&file).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, 99, "the file is left as it was");
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn agency(store: &SqliteStore, credit: &str) -> Uuid {
        let a = Agency {
            id: Uuid::now_v7(),
            name: "机构".into(),
            credit_code: credit.into(),
            district: "黄浦区".into(),
        };
        store.create_agency(&a, now()).unwrap().unwrap();
        a.id
    }

    fn device(store: &SqliteStore, agency: Uuid) -> Uuid {
        let hash = format!("code-{}", Uuid::now_v7());
        assert!(crate::flows::add_enrolment_code(store, agency, &hash, now() + chrono::Duration::hours(1))
            .unwrap());
        let id = Uuid::now_v7();
        crate::flows::redeem_enrolment_code(store, &hash, id, "desk", "secret-hash", now())
            .unwrap()
            .unwrap();
        id
    }

    #[test]
    fn reopening_the_file_runs_no_migration_twice_and_keeps_records() {
        let dir = tempfile::tempdir().unwrap();
        let id = {
            let store = SqliteStore::open(dir.path()).unwrap();
            agency(&store, "91310000MA1FL8L971")
        };
        let store = SqliteStore::open(dir.path()).unwrap();
        let version: usize = store
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len());
        let mode: String = store
            .conn()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let a = Agency {
            id: Uuid::now_v7(),
            name: "again".into(),
            credit_code: "91310000MA1FL8L971".into(),
            district: "黄浦区".into(),
        };
        assert_eq!(
            store.create_agency(&a, now()).unwrap(),
            None,
            "{id} is still registered"
        );
    }

    #[test]
    fn an_enrolment_code_creates_exactly_one_device_and_expires() {
        let store = SqliteStore::open_in_memory().unwrap();
        let a = agency(&store, "A");
        crate::flows::add_enrolment_code(&store, a, "h", now() + chrono::Duration::seconds(1))
            .unwrap();
        let d1 = Uuid::now_v7();
        assert!(crate::flows::redeem_enrolment_code(&store, "h", d1, "x", "s", now())
            .unwrap()
            .is_some());
        assert!(crate::flows::redeem_enrolment_code(&store, "h", Uuid::now_v7(), "x", "s", now())
            .unwrap()
            .is_none());
        crate::flows::add_enrolment_code(&store, a, "late", now()).unwrap();
        assert!(
            crate::flows::redeem_enrolment_code(&store, "late", Uuid::now_v7(), "x", "s", now())
                .unwrap()
                .is_none(),
            "a code is dead at its expiry instant"
        );
        assert_eq!(store.devices().unwrap().len(), 1);
    }

    #[test]
    fn the_database_itself_refuses_a_second_claim_on_one_person() {
        let store = SqliteStore::open_in_memory().unwrap();
        let a = agency(&store, "A");
        let b = agency(&store, "B");
        let id_number = "11010519491231002X";
        for (agency_id, status) in [(a, "applied"), (b, "applied")] {
            let result = store.conn().execute(
                "INSERT INTO workers (id, agency_id, id_number, name, status, record, version, updated_at)
                 VALUES (?1, ?2, ?3, 'x', ?4, '{}', 1, 'now')",
                params![Uuid::now_v7().to_string(), agency_id.to_string(), id_number, status],
            );
            if agency_id == b {
                assert!(
                    result.is_err(),
                    "the partial unique index is the backstop of the rule"
                );
            } else {
                result.unwrap();
            }
        }
    }

    #[test]
    fn serials_count_up_per_district_and_year_so_codes_never_repeat() {
        let store = SqliteStore::open_in_memory().unwrap();
        let a = agency(&store, "A");
        let dev = device(&store, a);
        let ctx = PushContext {
            device_id: dev,
            device_name: "desk".into(),
            agency_id: a,
            now: now(),
            today: today(),
        };
        let key = crate::keys::PlatformKey::Ed25519(crate::keys::generate());
        let signer = Signer {
            key_id: 1,
            key: &key,
            base_url: "https://p.example/c/",
        };
        let mut codes = Vec::new();
        for n in 0..3u32 {
            let first17 = format!("3101041980010{}{:03}", 1 + n, 100 + n);
            let id = format!(
                "{first17}{}",
                certdesk_domain::check_char(&first17).unwrap()
            );
            let payload = json!({
                "name": "张三", "id_number": id, "phone": "13812345678", "address": "某路1号",
                "service_types": ["cleaning"], "emergency_contact_name": "王五",
                "emergency_contact_phone": "13912345678", "consent_date": "2026-01-01",
                "agency_check_done": true, "status": "eligible"
            });
            let entry = OutboxEntry {
                seq: i64::from(n),
                id: Uuid::now_v7(),
                entity: SyncEntity::Worker,
                entity_id: Uuid::now_v7(),
                op: SyncOp::Apply,
                payload,
            };
            // The worker and its training first, as a desk sends them.
            let training: Vec<_> = certdesk_testkit::training::for_applications(std::slice::from_ref(&entry)).into_iter().map(Into::into).collect();
            crate::flows::push(&store, &crate::ids::SystemIds, &ctx, &training, None).unwrap();
            let out = crate::flows::push(&store, &crate::ids::SystemIds, &ctx, &[entry.into()], None).unwrap();
            assert_eq!(out.outcomes, [EntryOutcome::Applied]);
            let app = out.new_applications[0].application_id;
            match crate::flows::decide(&store, app, &Decision::Pass, &signer, today(), 365, now())
                .unwrap()
            {
                Decided::Approved(code) => codes.push(code),
                other => panic!("{other:?}"),
            }
        }
        let serials: Vec<u32> = codes
            .iter()
            .map(|c| CertificateCode::parse(c).unwrap().serial())
            .collect();
        assert_eq!(serials, [1, 2, 3]);
    }
}
