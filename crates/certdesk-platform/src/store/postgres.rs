//! The PostgreSQL implementation of the platform's storage ([`PgStore`]), beside
//! [`super::sqlite`]: a pool of connections to one database that any number of platform
//! instances share, its own embedded, append-only migrations (`migrations-pg/`) and the runner
//! that applies them. It implements the repository ([`crate::store::repo::Repo`], in `rows.rs`)
//! and the plain reads and writes of [`Store`]; like SQLite's, it never decides a rule.
//!
//! Transactions ([`crate::store::repo::Repo`]) run one at a time across every instance, as
//! SQLite's single writer runs them: each takes the transaction-level advisory lock
//! [`WRITER_LOCK`] first. So the flows' read-decide-write steps never interleave, change
//! numbers become visible in order (a desk's cursor never skips one), and no two transactions
//! can deadlock on row locks taken in different orders. The reads outside a transaction (the
//! public page, pulls, the trust and revocation lists, the operator pages' lists) never wait
//! for it. Beneath that, the schema holds on its own: the one-claim index (written under a
//! savepoint, so a refused row reads as [`crate::store::repo::WorkerWrite::ClaimTaken`]), the
//! serial counter's row lock, the receipts' keys, and the narrower locks `rows.rs` takes.
//!
//! The migrations run by `certdesk-migrate`'s runner, the one SQLite's use
//! ([`certdesk_migrate::run_on`]), over this module's [`certdesk_migrate::Schema`] of a
//! PostgreSQL client: it only reads and writes the version, kept in the one-row table
//! `schema_version` of the connection's schema, and begins each migration's transaction; the
//! runner keeps the rules (migration `n` is the `n`-th of the list, pinned by SHA-256 with
//! [`certdesk_migrate::check_pins`]; each migration commits with its version in one
//! transaction; a database whose version is above the newest migration this program knows is
//! refused untouched, [`StoreError::SchemaTooNew`]). Several instances may start at once on one
//! database: each migration's transaction holds a transaction-level advisory lock, so exactly
//! one of them applies a migration and the others see it applied.

use std::path::Path;
use std::time::Duration;

use ::postgres::{Client, NoTls};
use certdesk_migrate::{MigrateError, Migration};
use certdesk_protocol::operator::{DeviceInfo, ReviewItem};
use certdesk_protocol::sync::{Change, ChangeBody};
use certdesk_protocol::{RevocationEntry, RevocationList, TrustList, TrustedKey};
use chrono::{DateTime, NaiveDate, Utc};
use r2d2_postgres::PostgresConnectionManager;
use uuid::Uuid;

use super::columns::{algorithm_of, application_kind_of, fits, ts};
use super::{Agency, Device, Store, StoreError, StoreResult};

mod complaints;
mod operators;
mod public;
mod rows;
mod watch;

/// Embedded PostgreSQL migrations, in order. Append only; never edit one that has landed (the
/// test `landed_migrations_are_never_edited` pins each one's SHA-256).
pub const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "init", sql: include_str!("../../migrations-pg/0001_init.sql") },
    Migration { version: 2, name: "record_links", sql: include_str!("../../migrations-pg/0002_record_links.sql") },
    Migration { version: 3, name: "approved_identity", sql: include_str!("../../migrations-pg/0003_approved_identity.sql") },
    Migration { version: 4, name: "operator_roles", sql: include_str!("../../migrations-pg/0004_operator_roles.sql") },
    Migration { version: 5, name: "rating_moderation", sql: include_str!("../../migrations-pg/0005_rating_moderation.sql") },
    Migration { version: 6, name: "feedback_keys", sql: include_str!("../../migrations-pg/0006_feedback_keys.sql") },
    Migration { version: 7, name: "electronic_cards", sql: include_str!("../../migrations-pg/0007_electronic_cards.sql") },
    Migration { version: 8, name: "visits", sql: include_str!("../../migrations-pg/0008_visits.sql") },
    Migration { version: 9, name: "operator_keys_audit", sql: include_str!("../../migrations-pg/0009_operator_keys_audit.sql") },
    Migration { version: 10, name: "details_applications", sql: include_str!("../../migrations-pg/0010_details_applications.sql") },
    Migration { version: 11, name: "key_algorithm", sql: include_str!("../../migrations-pg/0011_key_algorithm.sql") },
    Migration { version: 12, name: "network_requests", sql: include_str!("../../migrations-pg/0012_network_requests.sql") },
    Migration { version: 13, name: "roster_filings", sql: include_str!("../../migrations-pg/0013_roster_filings.sql") },
    Migration { version: 14, name: "complaint_coordination", sql: include_str!("../../migrations-pg/0014_complaint_coordination.sql") },
    Migration { version: 15, name: "worker_aliases", sql: include_str!("../../migrations-pg/0015_worker_aliases.sql") },
    Migration { version: 16, name: "public_notify", sql: include_str!("../../migrations-pg/0016_public_notify.sql") },
    Migration { version: 17, name: "public_notify_records", sql: include_str!("../../migrations-pg/0017_public_notify_records.sql") },
];

/// The advisory lock every transaction holds from its first statement to its end (any
/// constant; the same in every instance).
pub const WRITER_LOCK: i64 = 0x6365_7274_7772_6974; // "certwrit"

/// Connections of one instance for transactions, apart from the readers' pool: enough that
/// the next transactions are already queued at the lock when one commits.
pub const WRITERS: u32 = 4;

/// Connections the readers' pool keeps at most, per instance.
pub const DEFAULT_POOL_SIZE: u32 = 16;

/// The platform's records in one PostgreSQL database, shared by every instance.
pub struct PgStore {
    /// The readers' connections: the public page, pulls, the lists, the operator pages' lists.
    /// Always `Some` but while dropping (see the `Drop` impl).
    pool: Option<r2d2::Pool<PostgresConnectionManager<NoTls>>>,
    /// The transactions' connections, apart: transactions wait their turn for [`WRITER_LOCK`],
    /// and must not hold every connection while they wait, or a citizen's scan would wait
    /// behind a desk's push ([`WRITERS`] per instance).
    writers: Option<r2d2::Pool<PreparingManager>>,
    /// Seals the signing keys at rest (the key file every instance is given).
    vault: crate::keys::KeyVault,
    /// What the public page read, while nothing it reads has changed.
    watch: std::sync::Arc<watch::Watch>,
}

/// One open PostgreSQL transaction, with the key vault its key rows need and its
/// connection's prepared statements.
pub(super) struct PgTx<'a, 'c> {
    pub(super) tx: &'a mut ::postgres::Transaction<'c>,
    pub(super) vault: &'a crate::keys::KeyVault,
    pub(super) statements: &'a mut Statements,
    /// The advisory locks this transaction took through [`PgTx::lock`].
    pub(super) held: std::collections::HashSet<String>,
}

/// A transaction-level advisory lock: by number, or by a name hashed by `hashtextextended`.
pub(super) enum Advisory<'k> {
    Id(i64),
    Named(&'k str),
}

type Params<'p> = [&'p (dyn ::postgres::types::ToSql + Sync)];

/// The statements `execute` and the `query` family run are prepared once per connection
/// ([`Statements`]): a statement then costs one round trip to the server instead of two (parse,
/// then bind and execute), and no parsing or planning there. Transactions hold [`WRITER_LOCK`]
/// for as long as their round trips take, so this is what a push waits for (issue 12's load).
///
/// The readers' pool does not keep statements, on purpose: tried in session 32, PostgreSQL
/// settled after five runs on one generic plan for a pull's `seq > $1 AND (agency_id = $2 OR
/// agency_id IS NULL)` that walked the whole change log (8 ms instead of 0.07), and forcing a
/// plan per run (`plan_cache_mode`) gained the pulls nothing measurable while costing the
/// transactions their planning again (push p50 26 ms → 0.6 s).
impl PgTx<'_, '_> {
    fn prepared(&mut self, sql: &str) -> Result<::postgres::Statement, ::postgres::Error> {
        self.statements.get(&mut *self.tx, sql)
    }

    /// Takes `lock` until the transaction ends; a lock it already holds costs no round trip
    /// (a push of a hundred entries asked for the change log's lock a hundred times).
    pub(super) fn lock(&mut self, lock: Advisory<'_>) -> Result<(), ::postgres::Error> {
        let name = match &lock {
            Advisory::Id(id) => id.to_string(),
            Advisory::Named(name) => format!("named:{name}"),
        };
        if self.held.contains(&name) {
            return Ok(());
        }
        match lock {
            Advisory::Id(id) => self.execute("SELECT pg_advisory_xact_lock($1)", &[&id])?,
            Advisory::Named(key) => self.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", &[&key])?,
        };
        self.held.insert(name);
        Ok(())
    }

    pub(super) fn execute(&mut self, sql: &str, params: &Params<'_>) -> Result<u64, ::postgres::Error> {
        let statement = self.prepared(sql)?;
        self.tx.execute(&statement, params)
    }

    pub(super) fn query(&mut self, sql: &str, params: &Params<'_>) -> Result<Vec<::postgres::Row>, ::postgres::Error> {
        let statement = self.prepared(sql)?;
        self.tx.query(&statement, params)
    }

    pub(super) fn query_one(&mut self, sql: &str, params: &Params<'_>) -> Result<::postgres::Row, ::postgres::Error> {
        let statement = self.prepared(sql)?;
        self.tx.query_one(&statement, params)
    }

    pub(super) fn query_opt(&mut self, sql: &str, params: &Params<'_>) -> Result<Option<::postgres::Row>, ::postgres::Error> {
        let statement = self.prepared(sql)?;
        self.tx.query_opt(&statement, params)
    }
}

/// One connection's prepared statements, by their text.
#[derive(Default)]
pub(super) struct Statements(std::collections::HashMap<String, ::postgres::Statement>);

/// Statements one connection keeps prepared at most; past it they are all closed and prepared
/// again as needed (the platform's transactions run well under a hundred different ones).
const MAX_STATEMENTS: usize = 256;

impl Statements {
    fn get(&mut self, client: &mut impl ::postgres::GenericClient, sql: &str) -> Result<::postgres::Statement, ::postgres::Error> {
        if let Some(statement) = self.0.get(sql) {
            return Ok(statement.clone());
        }
        let statement = client.prepare(sql)?;
        if self.0.len() >= MAX_STATEMENTS {
            self.0.clear();
        }
        self.0.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }
}

/// A connection for transactions with its prepared statements.
pub(super) struct Prepared {
    client: Client,
    statements: Statements,
}

/// The writers' pool's connections: [`r2d2_postgres`]'s, each with its [`Statements`].
struct PreparingManager(PostgresConnectionManager<NoTls>);

impl r2d2::ManageConnection for PreparingManager {
    type Connection = Prepared;
    type Error = ::postgres::Error;

    fn connect(&self) -> Result<Prepared, ::postgres::Error> {
        Ok(Prepared { client: self.0.connect()?, statements: Statements::default() })
    }

    fn is_valid(&self, conn: &mut Prepared) -> Result<(), ::postgres::Error> {
        self.0.is_valid(&mut conn.client)
    }

    fn has_broken(&self, conn: &mut Prepared) -> bool {
        self.0.has_broken(&mut conn.client)
    }
}

/// A device row (read in or out of a transaction).
fn device_row(c: &mut impl ::postgres::GenericClient, id: Uuid) -> StoreResult<Option<Device>> {
    let row = c.query_opt("SELECT agency_id, secret_hash, revoked_at IS NOT NULL, name FROM devices WHERE id = $1", &[&id])?;
    Ok(row.map(|r| Device { id, agency_id: r.get(0), name: r.get(3), secret_hash: r.get(1), revoked: r.get(2) }))
}

impl PgStore {
    /// Connects to the database at `url` (a libpq-style URL or key=value string), runs pending
    /// migrations, and opens the signing keys' key file `key_file` (every instance must be
    /// given the same one), reaching the keys held in `hsm` (a PKCS#11 token) too.
    pub fn open(
        url: &str,
        key_file: &Path,
        hsm: Option<std::sync::Arc<crate::hsm::Hsm>>,
        pool_size: u32,
    ) -> StoreResult<Self> {
        let vault = crate::keys::KeyVault::load_or_create(key_file)
            .map_err(|e| StoreError::Database(format!("{}: {e}", key_file.display())))?
            .with_hsm(hsm);
        Self::open_with_vault(url, vault, pool_size)
    }

    fn open_with_vault(url: &str, vault: crate::keys::KeyVault, pool_size: u32) -> StoreResult<Self> {
        let config: ::postgres::Config =
            url.parse().map_err(|e| StoreError::Database(format!("the database URL does not parse: {e}")))?;
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(1))
            .min_idle(Some(1))
            // Short: a readiness probe must say soon that the database does not answer.
            .connection_timeout(Duration::from_secs(3))
            .test_on_check_out(false)
            .build(PostgresConnectionManager::new(config.clone(), NoTls))
            .map_err(|e| StoreError::Database(format!("connecting to PostgreSQL: {e}")))?;
        let writers = r2d2::Pool::builder()
            .max_size(WRITERS)
            .min_idle(Some(1))
            // A push may wait its turn behind other instances' transactions.
            .connection_timeout(Duration::from_secs(30))
            .test_on_check_out(false)
            .build(PreparingManager(PostgresConnectionManager::new(config.clone(), NoTls)))
            .map_err(|e| StoreError::Database(format!("connecting to PostgreSQL: {e}")))?;
        let store = PgStore { pool: Some(pool), writers: Some(writers), vault, watch: watch::Watch::start(config) };
        migrate(&mut *store.conn()?, MIGRATIONS)?;
        Ok(store)
    }

    /// A store with a fresh key vault (tests).
    #[doc(hidden)]
    pub fn open_for_tests(url: &str) -> StoreResult<Self> {
        Self::open_with_vault(url, crate::keys::KeyVault::generate(), 4)
    }

    /// After a write outside [`Repo::run_transaction`](super::repo::Repo::run_transaction)
    /// that a public page may show: returns once this instance's cache has heard of it.
    fn caught_up(&self) -> StoreResult<()> {
        if let Some((n, payload)) = self.watch.mark() {
            self.conn()?.execute("SELECT pg_notify($1, $2)", &[&watch::CHANNEL, &payload])?;
            self.watch.wait_for(n);
        }
        Ok(())
    }

    /// [`Store::trust_list`] from the database.
    fn read_trust_list(&self) -> StoreResult<TrustList> {
        let rows = self.conn()?.query(
            "SELECT key_id, public_key, not_before, not_after, algorithm FROM signing_keys
             WHERE withdrawn_at IS NULL ORDER BY key_id",
            &[],
        )?;
        let keys = rows
            .iter()
            .map(|r| {
                Ok(TrustedKey {
                    key_id: fits("key id", r.get::<_, i32>(0))?,
                    public_key: r.get(1),
                    algorithm: algorithm_of(r.get(4))?,
                    not_before: r.get::<_, NaiveDate>(2),
                    not_after: r.get::<_, Option<NaiveDate>>(3),
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok(TrustList { keys })
    }

    fn pool(&self) -> &r2d2::Pool<PostgresConnectionManager<NoTls>> {
        self.pool.as_ref().expect("the pool lives as long as the store")
    }

    fn conn(&self) -> StoreResult<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>> {
        self.pool()
            .get().map_err(|e| StoreError::Database(format!("no database connection: {e}")))
    }

    /// A connection for a transaction.
    fn writer(&self) -> StoreResult<r2d2::PooledConnection<PreparingManager>> {
        self.writers
            .as_ref()
            .expect("the pool lives as long as the store")
            .get()
            .map_err(|e| StoreError::Database(format!("no database connection for a transaction: {e}")))
    }
}

impl Drop for PgStore {
    /// Closing a connection blocks (the client runs a runtime of its own), which may not happen
    /// on an async worker, where the server's state is dropped at shutdown: the pool is closed
    /// on a thread of its own.
    fn drop(&mut self) {
        self.watch.stop();
        let pools = (self.pool.take(), self.writers.take());
        let _ = std::thread::spawn(move || drop(pools)).join();
    }
}

impl super::repo::Repo for PgStore {
    fn run_transaction(
        &self,
        f: &mut dyn FnMut(&mut dyn super::repo::Tx) -> StoreResult<()>,
    ) -> StoreResult<()> {
        let mut conn = self.writer()?;
        let conn = &mut *conn;
        let mut tx = conn.client.transaction()?;
        let mut t = PgTx { tx: &mut tx, vault: &self.vault, statements: &mut conn.statements, held: Default::default() };
        t.lock(Advisory::Id(WRITER_LOCK))?;
        // An error drops `tx` uncommitted: the client rolls it back (the statements prepared
        // in it stay: PostgreSQL's prepared statements are not undone with a transaction).
        f(&mut t)?;
        let mark = self.watch.mark();
        if let Some((_, payload)) = &mark {
            t.execute("SELECT pg_notify($1, $2)", &[&watch::CHANNEL, payload])?;
        }
        tx.commit()?;
        if let Some((n, _)) = mark {
            self.watch.wait_for(n);
        }
        Ok(())
    }
}

impl Store for PgStore {
    fn ready(&self) -> StoreResult<()> {
        self.conn()?.query_one("SELECT 1", &[])?;
        Ok(())
    }

    fn counts_requests(&self) -> bool {
        true
    }

    fn count_request(&self, network: &str, window_start: DateTime<Utc>, requests: u32) -> StoreResult<u32> {
        let requests = i32::try_from(requests).unwrap_or(i32::MAX);
        let mut c = self.conn()?;
        let mut tx = c.transaction()?;
        // A count is worth no wait for the disk: one lost in a crash lets a few more requests
        // through in that minute. Without this every citizen's scan waited for a WAL flush on
        // the network's one row (issue 12's load: the public page on PostgreSQL).
        tx.batch_execute("SET LOCAL synchronous_commit TO OFF")?;
        let n: i32 = tx
            .query_one(
                "INSERT INTO network_requests (network, window_start, requests) VALUES ($1, $2, $3)
                 ON CONFLICT (network, window_start) DO UPDATE SET requests = network_requests.requests + $3
                 RETURNING requests",
                &[&network, &window_start, &requests],
            )?
            .get(0);
        if n == requests {
            // A new window of this network: the windows before the current one go.
            tx.execute("DELETE FROM network_requests WHERE window_start < $1", &[&window_start])?;
        }
        tx.commit()?;
        fits("request count", n)
    }

    fn pool_state(&self) -> Option<(u32, u32)> {
        let s = self.pool().state();
        Some((s.connections, s.idle_connections))
    }

    fn create_agency(&self, agency: &Agency, now: DateTime<Utc>) -> StoreResult<Option<()>> {
        let n = self.conn()?.execute(
            "INSERT INTO agencies (id, name, credit_code, district, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (credit_code) DO NOTHING",
            &[&agency.id, &agency.name, &agency.credit_code, &agency.district, &now],
        )?;
        Ok((n == 1).then_some(()))
    }

    fn device(&self, id: Uuid) -> StoreResult<Option<Device>> {
        device_row(&mut *self.conn()?, id)
    }

    fn devices(&self) -> StoreResult<Vec<DeviceInfo>> {
        let rows = self.conn()?.query(
            "SELECT id, agency_id, name, revoked_at IS NOT NULL FROM devices ORDER BY created_at, id",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| DeviceInfo { device_id: r.get(0), agency_id: r.get(1), name: r.get(2), revoked: r.get(3) })
            .collect())
    }

    fn pending_reviews(&self) -> StoreResult<Vec<ReviewItem>> {
        let rows = self.conn()?.query(
            "SELECT a.id, a.worker_id, g.name, w.name, a.id_number, a.applied_at, a.kind
             FROM applications a JOIN workers w ON w.id = a.worker_id JOIN agencies g ON g.id = a.agency_id
             WHERE a.status = 'pending' ORDER BY a.applied_at, a.id",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                Ok(ReviewItem {
                    application_id: r.get(0),
                    worker_id: r.get(1),
                    agency_name: r.get(2),
                    name: r.get(3),
                    id_number: r.get(4),
                    applied_at: ts(r.get(5)),
                    kind: application_kind_of(r.get(6))?,
                })
            })
            .collect()
    }

    fn pending_for_id_number(&self, id_number: &str) -> StoreResult<Vec<Uuid>> {
        let rows = self.conn()?.query(
            "SELECT id FROM applications WHERE status = 'pending' AND id_number = $1 AND kind = 'certificate' ORDER BY applied_at",
            &[&id_number],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn changes_since(&self, agency_id: Uuid, since: i64, limit: u32) -> StoreResult<(Vec<Change>, bool)> {
        let rows = self.conn()?.query(
            "SELECT seq, body FROM changes WHERE seq > $1 AND (agency_id = $2 OR agency_id IS NULL)
             ORDER BY seq LIMIT $3",
            &[&since, &agency_id, &(i64::from(limit) + 1)],
        )?;
        let mut changes = Vec::new();
        for r in &rows {
            let seq: i64 = r.get(0);
            let body: String = r.get(1);
            let body: ChangeBody =
                serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(format!("change {seq}: {e}")))?;
            changes.push(Change { seq, body });
        }
        let more = changes.len() > limit as usize;
        changes.truncate(limit as usize);
        Ok((changes, more))
    }

    fn changes_after(&self, agency_id: Uuid, seq: i64) -> StoreResult<u64> {
        // Two index ranges (changes_agency), the agency's and the city-wide ones.
        let row = self.conn()?.query_one(
            "SELECT (SELECT count(*) FROM changes WHERE agency_id = $1 AND seq > $2)
                  + (SELECT count(*) FROM changes WHERE agency_id IS NULL AND seq > $2)",
            &[&agency_id, &seq],
        )?;
        let count: i64 = row.get(0);
        Ok(count as u64)
    }

    fn add_blob(&self, agency_id: Uuid, sha256: &str, size: u64, now: DateTime<Utc>) -> StoreResult<()> {
        self.conn()?.execute(
            "INSERT INTO blobs (agency_id, sha256, size, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            &[&agency_id, &sha256, &(size as i64), &now],
        )?;
        self.caught_up()
    }

    fn has_blob(&self, agency_id: Uuid, sha256: &str) -> StoreResult<bool> {
        Ok(self
            .conn()?
            .query_opt("SELECT 1 FROM blobs WHERE agency_id = $1 AND sha256 = $2", &[&agency_id, &sha256])?
            .is_some())
    }

    fn blob_bytes(&self, agency_id: Uuid) -> StoreResult<u64> {
        let n: i64 = self
            .conn()?
            .query_one("SELECT COALESCE(SUM(size), 0)::bigint FROM blobs WHERE agency_id = $1", &[&agency_id])?
            .get(0);
        Ok(n as u64)
    }

    fn trust_list(&self) -> StoreResult<TrustList> {
        if let Some(held) = self.watch.trust() {
            return Ok(held);
        }
        let at = self.watch.current();
        let list = self.read_trust_list()?;
        if let Some(at) = at {
            self.watch.keep_trust(at, &list);
        }
        Ok(list)
    }

    fn revocations(&self) -> StoreResult<RevocationList> {
        let rows = self.conn()?.query(
            "SELECT code, revoked_at IS NOT NULL, card_version FROM certificates
             WHERE revoked_at IS NOT NULL OR card_version > 1 ORDER BY code",
            &[],
        )?;
        let entries = rows
            .iter()
            .map(|r| {
                Ok(RevocationEntry {
                    certificate_code: r.get(0),
                    revoked: r.get(1),
                    current_card_version: fits("card version", r.get::<_, i32>(2))?,
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok(RevocationList { entries })
    }
}

/// The advisory lock every migration step holds (any constant; the same in every instance).
const MIGRATION_LOCK: i64 = 0x6365_7274_6d69_6772; // "certmigr"

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        StoreError::Database(e.to_string())
    }
}

/// The schema version of the connection's schema (0 when nothing was ever applied).
pub fn version(client: &mut Client) -> StoreResult<u32> {
    let found: Option<i32> = client
        .query_opt("SELECT version FROM schema_version", &[])
        .or_else(|e| if missing_table(&e) { Ok(None) } else { Err(e) })?
        .map(|row| row.get(0));
    let found = found.unwrap_or(0);
    u32::try_from(found).map_err(|_| StoreError::Corrupt(format!("schema version {found}")))
}

fn missing_table(e: &postgres::Error) -> bool {
    e.code() == Some(&postgres::error::SqlState::UNDEFINED_TABLE)
}

/// A PostgreSQL client as the migration runner's [`certdesk_migrate::Schema`]: each
/// migration's transaction takes [`MIGRATION_LOCK`] and makes sure `schema_version` exists.
struct PgSchema<'c>(&'c mut Client);

/// One migration's transaction on PostgreSQL.
struct PgSchemaTx<'a> {
    tx: postgres::Transaction<'a>,
    /// Whether `schema_version` holds its row yet (as [`PgSchemaTx::version`] read it).
    has_row: bool,
}

impl certdesk_migrate::Schema for PgSchema<'_> {
    type Error = postgres::Error;
    type Tx<'a>
        = PgSchemaTx<'a>
    where
        Self: 'a;

    fn begin(&mut self) -> Result<PgSchemaTx<'_>, postgres::Error> {
        let mut tx = self.0.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        // Rolled back with the transaction when the database is refused as too new.
        tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)")?;
        Ok(PgSchemaTx { tx, has_row: false })
    }
}

impl certdesk_migrate::SchemaTx for PgSchemaTx<'_> {
    type Error = postgres::Error;

    fn version(&mut self) -> Result<i64, postgres::Error> {
        let found: Option<i32> = self.tx.query_opt("SELECT version FROM schema_version", &[])?.map(|r| r.get(0));
        self.has_row = found.is_some();
        Ok(i64::from(found.unwrap_or(0)))
    }

    fn execute(&mut self, sql: &str) -> Result<(), postgres::Error> {
        self.tx.batch_execute(sql)
    }

    fn set_version(&mut self, version: u32) -> Result<(), postgres::Error> {
        let version = i32::try_from(version).expect("a migration number fits an integer column");
        if self.has_row {
            self.tx.execute("UPDATE schema_version SET version = $1", &[&version])?;
        } else {
            self.tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&version])?;
            self.has_row = true;
        }
        Ok(())
    }

    fn commit(self) -> Result<(), postgres::Error> {
        self.tx.commit()
    }
}

/// Applies every migration newer than the schema's version, in order, each in its own
/// transaction (certdesk-migrate's runner); returns the versions this call applied (empty when
/// it was up to date, or another instance applied them first).
///
/// Panics if the list is not numbered 1, 2, 3, … (a programming error, caught by any test that
/// opens a database).
pub fn migrate(client: &mut Client, migrations: &[Migration]) -> StoreResult<Vec<u32>> {
    certdesk_migrate::run_on(&mut PgSchema(client), migrations).map_err(|e| match e {
        MigrateError::TooNew { found, known } => StoreError::SchemaTooNew { found, known },
        MigrateError::BadVersion(v) => StoreError::Corrupt(format!("schema version {v}")),
        MigrateError::Database(e) => StoreError::from(e),
        failed @ MigrateError::Failed { .. } => StoreError::Database(failed.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use certdesk_testkit::pg;

    /// The SHA-256 of every landed PostgreSQL migration. A landed migration is never edited: a
    /// change to the schema is a new migration, appended with its own pin here.
    const PINNED: &[(u32, &str)] =
        &[
            (1, "d18ccfe59b1ae67329caa66b89a5e4833f682e8d073a5723b7f1441eb3be942f"),
            (2, "f4f567487a791034c0dabe69ec41e624f46553220d111508ea9269278e2ae016"),
            (3, "fceb54eb9d7f4ac49ff70fb75fb237ae1056a10e8b73a7a836c73169a7c6e440"),
            (4, "2a91cec891542b876075d40c415068aa49b1e7fbdefe869439fc639dc79c5a1a"),
            (5, "a6e838e60cd68e5854d964fb529dd00203d48bab574f46ee045d13705965c207"),
            (6, "a68cb1c36ca326e2fe12083752adfc73e97e32a83edb0f014ff8ecab1b2d3cb9"),
            (7, "67082a6d76219be154dc374541cc68ad68feea43ad6a139683f1156073ab6992"),
            (8, "ff30777da02c8bf5d2e8ae3fa350d46f6c0e74efe87d2d909fb2e3f6323983d1"),
            (9, "e2bb69c5783a334588ca68d03eeb72aa6d16ebcf75182a63111dfd46cebc3b96"),
            (10, "2f58be99a94b51be58a6fbef2e934a5d895a114f29904b20d57debe6d542fc48"),
            (11, "c2396084fb13b8b454beabe8614ea80de22f3eb8807c39b8ea575f74bff2b720"),
            (12, "5ca7f17bf08f4bea5e81b585343feac511fe3bd1f365995b8c9c13c50265fbdd"),
            (13, "66b898e0f36521c9cca83cb499a854dabee0bb3a140a1c460b3aea5499d07226"),
            (14, "e15bf6e93024879d4f9c76f8fee5eb44b0b983abda8c680dcf63f9814804e850"),
            (15, "6690545a27665ce38bcf543920bb9791277a3333bae63158fc5f77c88d90f152"),
            (16, "99099de1d2520ceb3cf7a79fea38a3951be6fcf83579f08b749c7868ffca34f6"),
            (17, "b4b3a0deaf1e31906ab52a2e5e248419d88cee1a7cc1a1dfba4d9ab5e865b0c3"),
        ];

    #[test]
    fn landed_migrations_are_never_edited() {
        let problems = certdesk_migrate::check_pins(MIGRATIONS, PINNED);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// Issue 12 item 3: the public page's reads are kept between changes, and a write by any
    /// instance to a table the page reads makes every instance read again (the notification
    /// arrives in milliseconds; the test allows 5 s).
    #[test]
    fn the_public_pages_cache_is_dropped_when_any_instance_writes_what_it_shows() {
        use crate::store::public::PublicRecords;
        let Some(db) = pg::database("store::postgres::the_public_pages_cache_is_dropped_when_any_instance_writes_what_it_shows") else { return };
        let (one, other) = (PgStore::open_for_tests(db.url()).unwrap(), PgStore::open_for_tests(db.url()).unwrap());
        let soon = |what: &dyn Fn() -> bool| (0..500).any(|_| what() || { std::thread::sleep(Duration::from_millis(10)); false });
        assert!(soon(&|| one.watch.current().is_some()), "the instance listens");
        assert!(one.trust_list().unwrap().keys.is_empty());
        assert_eq!(one.public_certificate("SH112026000001P").unwrap(), None);
        assert!(one.watch.trust().is_some() && one.watch.certificate("SH112026000001P").is_some(), "both kept");
        let trust = one.trust_list().unwrap();
        assert_eq!(one.held_public("SH112026000001P"), Some((trust, None)), "a scan is answered from memory");
        // An agency's write: a certificate that did not exist may now (any agency may approve
        // it); the trust list stays.
        let before = one.watch.current();
        let agency = Agency { id: Uuid::now_v7(), name: "某家政".into(), credit_code: "91310000MA1K000001".into(), district: "黄浦区".into() };
        other.create_agency(&agency, Utc::now()).unwrap().unwrap();
        assert!(soon(&|| one.watch.current() != before), "the other instance's write reached this one");
        assert!(one.watch.certificate("SH112026000001P").is_none(), "nothing old is served");
        assert_eq!(one.held_public("SH112026000001P"), None, "the scan asks the database");
        assert!(one.watch.trust().is_some(), "the signing keys did not move");
        assert_eq!(one.public_certificate("SH112026000001P").unwrap(), None, "read again");
        // This instance's own write is heard before the write returns: no page read after it
        // shows what it replaced, however slow the notification.
        let before = one.watch.current();
        one.add_blob(agency.id, &"a".repeat(64), 1, Utc::now()).unwrap();
        assert_ne!(one.watch.current(), before, "heard before returning");
        assert!(one.watch.certificate("SH112026000001P").is_none());
        // A new signing key: every page reads the trust list again.
        let before = one.watch.current();
        let (key_id, _) = crate::flows::current_signing_key(&other, &crate::ids::CountingIds::default(), Utc::now().date_naive(), Utc::now()).unwrap();
        assert!(soon(&|| one.watch.current() != before));
        assert!(one.watch.trust().is_none());
        assert_eq!(one.trust_list().unwrap().keys.iter().map(|k| k.key_id).collect::<Vec<_>>(), [key_id]);
        one.watch.stop();
        assert!(one.watch.trust().is_none(), "a stopped watch serves nothing from the cache");
    }

    /// Issue 12's load: a desk's classes, attendance, supervision forms and exams are none of the
    /// public page's business, so writing them leaves its agency's cached certificates on every
    /// instance; a health check or an insurance policy (what the page shows) drops them.
    #[test]
    fn only_the_records_a_public_page_shows_drop_its_agencys_cache() {
        use crate::store::public::PUBLIC_RECORDS;
        use crate::store::repo::Repo;
        use certdesk_protocol::sync::SyncEntity;
        let Some(db) = pg::database("store::postgres::only_the_records_a_public_page_shows_drop_its_agencys_cache") else { return };
        let one = PgStore::open_for_tests(db.url()).unwrap();
        let soon = |what: &dyn Fn() -> bool| (0..500).any(|_| what() || { std::thread::sleep(Duration::from_millis(10)); false });
        assert!(soon(&|| one.watch.current().is_some()), "the instance listens");
        let agency = Agency { id: Uuid::now_v7(), name: "某家政".into(), credit_code: "91310000MA1K000001".into(), district: "黄浦区".into() };
        one.create_agency(&agency, Utc::now()).unwrap().unwrap();
        assert!(soon(&|| one.watch.agency_moved(agency.id).is_some()), "the agency's own row moved it");
        let created = one.watch.agency_moved(agency.id);
        // This instance's own transactions: once one returns, every notification of it was heard.
        let write = |entity: SyncEntity, delete: bool| {
            one.run_transaction(&mut |t| {
                let payload = serde_json::json!({ "worker_id": Uuid::now_v7().to_string() });
                if delete {
                    t.delete_record(entity, Uuid::now_v7(), agency.id, &payload, Utc::now())
                } else {
                    t.put_record(entity, Uuid::now_v7(), agency.id, &payload, Utc::now())
                }
            })
            .unwrap();
        };
        for entity in SyncEntity::ALL.into_iter().filter(|e| *e != SyncEntity::Worker && !PUBLIC_RECORDS.contains(e)) {
            write(entity, false);
            write(entity, true);
            assert_eq!(one.watch.agency_moved(agency.id), created, "{entity:?} left the agency's certificates cached");
        }
        for entity in PUBLIC_RECORDS {
            for delete in [false, true] {
                let before = one.watch.agency_moved(agency.id);
                write(entity, delete);
                assert_ne!(one.watch.agency_moved(agency.id), before, "{entity:?} (delete: {delete}) dropped them");
            }
        }
    }

    /// The migration's trigger names exactly the records the page reads ([`PUBLIC_RECORDS`]).
    #[test]
    fn the_public_notify_trigger_names_the_records_the_page_reads() {
        let sql = MIGRATIONS.iter().find(|m| m.name == "public_notify_records").unwrap().sql;
        let wanted = crate::store::public::PUBLIC_RECORDS.map(|e| format!("'{}'", e.as_str())).join(", ");
        let lists: Vec<&str> = sql.lines().filter_map(|l| l.split_once(".entity IN (")).map(|(_, rest)| rest.split_once(')').unwrap().0).collect();
        assert_eq!(lists, [wanted.as_str(), wanted.as_str()], "the trigger's conditions (insert/update, delete)");
    }

    const TWO: &[Migration] = &[
        Migration { version: 1, name: "one", sql: "CREATE TABLE a (x integer);" },
        Migration { version: 2, name: "two", sql: "CREATE TABLE b (y integer);" },
    ];

    fn tables(client: &mut Client) -> Vec<String> {
        client
            .query("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1", &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    }

    #[test]
    fn each_migration_runs_once_and_the_version_follows() {
        let Some(db) = pg::database("store::postgres::each_migration_runs_once_and_the_version_follows") else { return };
        let mut c = db.connect();
        assert_eq!(version(&mut c).unwrap(), 0, "a fresh schema has no version");
        assert_eq!(migrate(&mut c, &TWO[..1]).unwrap(), [1]);
        assert_eq!(migrate(&mut c, TWO).unwrap(), [2], "only the new one runs");
        assert!(migrate(&mut c, TWO).unwrap().is_empty(), "an up-to-date schema runs nothing");
        assert_eq!(version(&mut c).unwrap(), 2);
        assert_eq!(tables(&mut c), ["a", "b", "schema_version"]);
    }

    #[test]
    fn a_failing_migration_leaves_the_schema_at_the_one_before() {
        let Some(db) = pg::database("store::postgres::a_failing_migration_leaves_the_schema_at_the_one_before") else { return };
        let mut c = db.connect();
        let broken = [TWO[0], Migration { version: 2, name: "broken", sql: "CREATE TABLE c (z integer); THIS IS NOT SQL;" }];
        let err = migrate(&mut c, &broken).unwrap_err();
        assert!(err.to_string().contains("migration 2 (broken) failed"), "{err}");
        assert_eq!(version(&mut c).unwrap(), 1);
        assert_eq!(tables(&mut c), ["a", "schema_version"], "the half-run migration was rolled back with its table");
    }

    #[test]
    fn a_database_from_a_newer_platform_is_refused_untouched() {
        let Some(db) = pg::database("store::postgres::a_database_from_a_newer_platform_is_refused_untouched") else { return };
        let mut c = db.connect();
        c.batch_execute("CREATE TABLE schema_version (version integer NOT NULL); INSERT INTO schema_version VALUES (3)").unwrap();
        let err = migrate(&mut c, TWO).unwrap_err();
        assert!(matches!(err, StoreError::SchemaTooNew { found: 3, known: 2 }), "{err}");
        assert_eq!(tables(&mut c), ["schema_version"], "nothing ran");
        assert_eq!(version(&mut c).unwrap(), 3);
    }

    #[test]
    #[should_panic(expected = "numbered from 1 without gaps")]
    fn a_gap_in_the_list_is_a_programming_error() {
        let Some(db) = pg::database("store::postgres::a_gap_in_the_list_is_a_programming_error") else {
            panic!("(skipped) migrations are numbered from 1 without gaps")
        };
        let _ = migrate(&mut db.connect(), &[TWO[1]]);
    }

    #[test]
    fn instances_starting_together_apply_each_migration_once() {
        let Some(db) = pg::database("store::postgres::instances_starting_together_apply_each_migration_once") else { return };
        let applied: Vec<Vec<u32>> = std::thread::scope(|s| {
            let runs: Vec<_> = (0..4).map(|_| s.spawn(|| migrate(&mut db.connect(), MIGRATIONS).unwrap())).collect();
            runs.into_iter().map(|r| r.join().unwrap()).collect()
        });
        // Which instance applied which migration is the race's; that each ran once is not.
        let mut all: Vec<u32> = applied.into_iter().flatten().collect();
        all.sort_unstable();
        assert_eq!(all, (1..=MIGRATIONS.len() as u32).collect::<Vec<_>>(), "every migration ran exactly once between them");
    }

    /// The schema itself keeps the rules two instances could race on: one claim per person
    /// (whatever the flows checked before) and one row per district and year's serial counter,
    /// taken under a row lock.
    #[test]
    fn the_schema_refuses_a_second_claim_and_counts_serials_under_a_row_lock() {
        let Some(db) = pg::database("store::postgres::the_schema_refuses_a_second_claim_and_counts_serials_under_a_row_lock") else { return };
        let mut c = db.connect();
        migrate(&mut c, MIGRATIONS).unwrap();
        c.batch_execute(
            "INSERT INTO agencies (id, name, credit_code, district, created_at)
               VALUES ('00000000-0000-7000-8000-000000000001', 'a', 'cc', '黄浦区', now());
             INSERT INTO workers (id, agency_id, id_number, name, status, record, version, updated_at)
               VALUES ('00000000-0000-7000-8000-000000000011', '00000000-0000-7000-8000-000000000001', '110105194912310011', 'n', 'applied', '{}', 1, now()),
                      ('00000000-0000-7000-8000-000000000012', '00000000-0000-7000-8000-000000000001', '110105194912310011', 'n', 'cancelled', '{}', 1, now());",
        )
        .unwrap();
        let err = c
            .batch_execute("UPDATE workers SET status = 'approved' WHERE id = '00000000-0000-7000-8000-000000000012'")
            .unwrap_err();
        assert_eq!(err.code(), Some(&postgres::error::SqlState::UNIQUE_VIOLATION), "{err}");

        let take = "INSERT INTO serials (district, year, last_serial) VALUES (1, 2026, 1)
                    ON CONFLICT (district, year) DO UPDATE SET last_serial = serials.last_serial + 1 RETURNING last_serial";
        let serials: Vec<i32> = std::thread::scope(|s| {
            let runs: Vec<_> = (0..8)
                .map(|_| {
                    s.spawn(|| {
                        let mut c = db.connect();
                        (0..5).map(|_| c.query_one(take, &[]).unwrap().get::<_, i32>(0)).collect::<Vec<_>>()
                    })
                })
                .collect();
            runs.into_iter().flat_map(|r| r.join().unwrap()).collect()
        });
        let mut sorted = serials.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (1..=40).collect::<Vec<_>>(), "40 takes from 8 connections: each serial once");
    }
}
