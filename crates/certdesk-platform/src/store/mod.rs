//! The platform's storage contract, and the records that cross it. A backend implements the
//! repository ([`repo::Repo`]: row-level reads and writes in one transaction) and the plain
//! reads and writes of [`Store`]; the rules over them (applying a push, approval, reissue,
//! cancellation, keys) are written once in [`crate::flows`]. Two backends implement it: SQLite
//! ([`sqlite::SqliteStore`], one file in the data folder: a first run, the tests, a small
//! deployment) and PostgreSQL ([`postgres::PgStore`], one database any number of instances
//! share). [`Location`] says which one a process opens; nothing outside this module names
//! rusqlite or postgres.
//!
//! The rules that must hold across agencies (one claim per person, one receipt per entry,
//! unique certificate codes) are decided inside one transaction, so they hold under
//! concurrency too, with the schema's unique keys as backstops. The methods are blocking; the
//! HTTP layer calls them from `spawn_blocking`. A store must never talk to the network, sign
//! with a key, or make up an id or a time: they arrive as arguments.

pub(crate) mod columns;
pub mod complaints;
pub mod electronic;
pub mod move_to_postgres;
pub mod operators;
pub mod postgres;
pub mod public;
pub mod repo;
pub mod sqlite;
#[cfg(test)]
pub(crate) mod tests;

use certdesk_protocol::operator::{DeviceInfo, ReviewItem};
use certdesk_protocol::sync::Change;
use certdesk_protocol::{RevocationList, TrustList};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Where a platform process keeps its records: the SQLite file `platform.sqlite3` in the data
/// folder, or the PostgreSQL database `database` names. The signing keys' key file is
/// `key_file`, or `DATA_DIR/signing-kek`; instances sharing a PostgreSQL database must be given
/// the same key file.
#[derive(Debug, Clone)]
pub struct Location {
    /// The data folder (blobs, dev TLS, and SQLite's file).
    pub data_dir: std::path::PathBuf,
    /// The signing keys' key file, when not in the data folder.
    pub key_file: Option<std::path::PathBuf>,
    /// A PostgreSQL URL (`postgres://…` or `postgresql://…`, or libpq's key=value form);
    /// `None`: SQLite in the data folder.
    pub database: Option<String>,
    /// Connections the PostgreSQL pool keeps at most.
    pub pool_size: u32,
}

impl Location {
    /// SQLite in `data_dir`, with the key file there.
    pub fn sqlite(data_dir: &std::path::Path) -> Location {
        Location { data_dir: data_dir.to_path_buf(), key_file: None, database: None, pool_size: postgres::DEFAULT_POOL_SIZE }
    }

    /// The key file's path.
    pub fn key_file(&self) -> std::path::PathBuf {
        self.key_file.clone().unwrap_or_else(|| self.data_dir.join(crate::keys::KeyVault::FILE))
    }

    /// Whether records were ever kept here: the SQLite file exists, or a database is named
    /// (whose schema the open makes or checks).
    pub fn exists(&self) -> bool {
        self.database.is_some() || self.data_dir.join(sqlite::FILE).exists()
    }

    /// Opens the store (running its pending migrations), reaching the signing keys held in
    /// `hsm` too.
    pub fn open(&self, hsm: Option<std::sync::Arc<crate::hsm::Hsm>>) -> StoreResult<Box<dyn Store>> {
        Ok(match &self.database {
            None => Box::new(sqlite::SqliteStore::open_with(&self.data_dir, self.key_file.as_deref(), hsm)?),
            Some(url) => Box::new(postgres::PgStore::open(url, &self.key_file(), hsm, self.pool_size)?),
        })
    }
}

/// Storage failures. None of them is the caller's fault; they answer 500.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused.
    #[error("database: {0}")]
    Database(String),
    /// Stored data that cannot be read back (a bug or tampering).
    #[error("corrupt record: {0}")]
    Corrupt(String),
    /// A credential could not be signed.
    #[error("signing: {0}")]
    Signing(String),
    /// The database file was written by a newer platform; nothing was changed in it.
    #[error("the database is at schema version {found}, newer than this platform knows ({known}): upgrade certdesk-platform before starting it on this data directory")]
    SchemaTooNew {
        /// The file's schema version.
        found: u32,
        /// The newest migration this program has.
        known: u32,
    },
}

/// Result of store calls.
pub type StoreResult<T> = Result<T, StoreError>;

/// A registered agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    /// Id.
    pub id: Uuid,
    /// Registered name.
    pub name: String,
    /// Unified social credit code.
    pub credit_code: String,
    /// Official district name.
    pub district: String,
}

/// A desk device as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Id.
    pub id: Uuid,
    /// The agency it acts for.
    pub agency_id: Uuid,
    /// The name it was enrolled under (前台1号机), which the agency's other desks see.
    pub name: String,
    /// SHA-256 (hex) of its secret.
    pub secret_hash: String,
    /// Revoked devices are refused.
    pub revoked: bool,
}

/// The storage contract of the platform: the repository, plus plain reads and writes that no
/// flow needs (registrations, devices, the queue, the change log, blobs, trust and revocation
/// lists), the operator pages' and the public page's storage.
pub trait Store:
    repo::Repo + operators::OperatorStore + public::PublicRecords + Send + Sync + 'static
{
    /// Whether the store answers (for `/readyz`).
    fn ready(&self) -> StoreResult<()>;

    /// Whether requests without credentials are counted here ([`Store::count_request`]), for
    /// every instance sharing the store; `false`: each process counts them in memory.
    fn counts_requests(&self) -> bool {
        false
    }

    /// Counts `requests` without credentials from `network` in the window starting at
    /// `window_start`; the count so far, these included. Only for a store that
    /// [`Store::counts_requests`].
    fn count_request(&self, network: &str, window_start: DateTime<Utc>, requests: u32) -> StoreResult<u32> {
        let _ = (network, window_start, requests);
        Err(StoreError::Database("this store does not count requests".into()))
    }

    /// Connections of the pool, open and idle (`/metrics`); `None` without a pool.
    fn pool_state(&self) -> Option<(u32, u32)> {
        None
    }

    /// Registers an agency; `None` when its credit code is already registered.
    fn create_agency(&self, agency: &Agency, now: DateTime<Utc>) -> StoreResult<Option<()>>;

    /// A device by id.
    fn device(&self, id: Uuid) -> StoreResult<Option<Device>>;

    /// Every device, for operators.
    fn devices(&self) -> StoreResult<Vec<DeviceInfo>>;

    /// Applications waiting for the police comparison, oldest first.
    fn pending_reviews(&self) -> StoreResult<Vec<ReviewItem>>;

    /// Pending applications of a person (for results files keyed by ID number).
    fn pending_for_id_number(&self, id_number: &str) -> StoreResult<Vec<Uuid>>;

    /// The changes an agency may see after `since`, at most `limit`; and whether more wait.
    fn changes_since(
        &self,
        agency_id: Uuid,
        since: i64,
        limit: u32,
    ) -> StoreResult<(Vec<Change>, bool)>;

    /// How many changes the agency may see after `seq` (for the pull's progress figure).
    fn changes_after(&self, agency_id: Uuid, seq: i64) -> StoreResult<u64>;

    /// Records that the agency holds the blob (its bytes are already stored by the caller).
    fn add_blob(
        &self,
        agency_id: Uuid,
        sha256: &str,
        size: u64,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Whether the agency holds the blob. Another agency's blobs are never reported.
    fn has_blob(&self, agency_id: Uuid, sha256: &str) -> StoreResult<bool>;

    /// Bytes of the blobs the agency holds (its storage quota counts them).
    fn blob_bytes(&self, agency_id: Uuid) -> StoreResult<u64>;

    /// Every key a verifier should trust.
    fn trust_list(&self) -> StoreResult<TrustList>;

    /// Cancelled certificates and replaced cards, city-wide.
    fn revocations(&self) -> StoreResult<RevocationList>;
}
