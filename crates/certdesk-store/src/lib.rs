//! The desk's local store and the operations a front desk performs on it.
//!
//! [`Desk`] is the one surface the Tauri shell, the CLI and the tests call. Every change it
//! makes writes its rows, an outbox entry (for the sync) and an audit entry in one SQLite
//! transaction, so a crash can never leave one without the others. It never talks to the
//! network and never depends on a window.
//!
//! The area modules (`workers`, `training`, `cards`, `sync`, ...) hold the steps and rules of
//! each operation; every SQL statement lives in `table/<table>.rs`, one file per table.

mod agency;
mod announce;
mod audit;
mod backup_plan;
mod card_events;
mod cards;
mod code;
mod cover_import;
mod column;
mod db;
mod deadlines;
mod error;
mod health;
mod hours_import;
mod import;
pub mod messages;
mod outbox;
mod relayed;
mod photo;
mod roster;
mod roster_filing;
mod search;
mod stats;
mod sync;
mod table;
mod training;
mod users;
mod workers;

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use rusqlite::Connection;

pub use agency::Agency;
pub use card_events::{CardEvent, CardEventBody};
pub use audit::{AuditAction, AuditEntity, AuditEntry};
pub use cards::{
    parse_cancel_reason, parse_loss_kind, CancelReason, Calibration, Cancellation, CardActivation, CardRecord, CardState, Feedback, FeedbackKind, FeedbackSummary, Handover, LocalWorker,
    LossKind, LossReport, PrintRecord, ScanReport, MAX_SCAN_CHARS, MAX_SIGNATURE_BYTES,
};
pub use code::{DeskCode, PLATFORM_PREFIX};
pub use backup_plan::{BackupSettings, DEFAULT_KEEP as BACKUP_DEFAULT_KEEP, STALE_AFTER_DAYS as BACKUP_STALE_AFTER_DAYS};
pub use db::{key_kept, open_raw, resolve_data_dir, restore_plain, snapshot_plain, DB_FILE, KEY_FILE};
pub use deadlines::Deadline;
pub use error::{DeskError, DeskResult};
pub use health::{HealthCheck, InsurancePolicy};
pub use cover_import::{CoverImportReport, CoverKind};
pub use hours_import::{write_hours_report, HoursImportOptions, HoursImportReport, HoursPreviewRow, HoursRowStatus, HoursUnit};
pub use import::{
    read_import_file, write_import_report, write_issues_report, ColumnMapping, FileKind, ImportIssue, ImportOptions, ImportReport, IssueSeverity,
    PreviewRow, PreviewStatus,
    MAX_IMPORT_BYTES, MAX_IMPORT_ROWS,
};
pub use outbox::OutboxEntry;
pub use photo::{PreparedPhoto, MAX_PHOTO_BYTES};
pub use roster::{RosterExport, RosterFilter, RosterFormat, ROSTER_HEADERS};
pub use roster_filing::KeptFiling;
pub use search::{SearchResult, WorkerSummary};
pub use sync::{
    ApplyAllReport, DeviceRecord, PlatformView, PullTally, PushOutcome, PushTally, SyncErrorInfo, SyncRejection, SyncStatus,
    WorkerCertificate, STALE_AFTER_DAYS, SYNCED_ENTITIES,
};
pub use stats::{DeskStats, MonthStats, StageCounts};
pub use training::{
    AttendanceInput, ClassDetail, ExamInput, ExamResult, Participant, SupervisionForm, TrainingClass, WorkerTraining,
};
pub use users::{parse_role, NewUser, Role, SessionUser, UserInfo, FREE_ATTEMPTS};
pub use workers::{DetailsReview, IdPreview, Worker, WorkerDetail, WorkerInput, WorkerToComplete};

/// Where time comes from. Passed in so tests need no sleeping and no patching.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The machine's clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Shanghai is UTC+8 all year: "today" for an agency there.
fn shanghai() -> FixedOffset {
    certdesk_domain::shanghai()
}

/// The desk: one open SQLite file and a clock.
pub struct Desk {
    conn: Connection,
    clock: Box<dyn Clock>,
    data_dir: PathBuf,
}

impl Desk {
    /// Open the desk's database in `data_dir` (created when missing) with the system clock.
    pub fn open(data_dir: &Path) -> DeskResult<Desk> {
        Desk::open_with_clock(data_dir, Box::new(SystemClock))
    }

    /// A desk on a plain (unencrypted) database: only for `certdesk bench --plain`, which
    /// measures what encryption costs. The next ordinary [`Desk::open`] encrypts the file in
    /// place.
    #[doc(hidden)]
    pub fn open_plain_for_benchmark(data_dir: &Path) -> DeskResult<Desk> {
        let conn = db::open_plain_connection(data_dir)?;
        Ok(Desk { conn, clock: Box::new(SystemClock), data_dir: data_dir.to_path_buf() })
    }

    /// Open with a given clock (tests, benchmarks).
    pub fn open_with_clock(data_dir: &Path, clock: Box<dyn Clock>) -> DeskResult<Desk> {
        let conn = db::open_connection(data_dir)?;
        let mut desk = Desk { conn, clock, data_dir: data_dir.to_path_buf() };
        desk.announce_held_records()?;
        Ok(desk)
    }

    /// The folder holding the database.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Now, as stored: RFC 3339 in UTC with milliseconds.
    fn now_text(&self) -> String {
        self.clock.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }

    /// A new stamp for a row last written at `held`: now, or a millisecond after `held` when
    /// the clock has not moved past it (two writes within one millisecond, a clock set back).
    /// A desk takes a relayed row only when it was written later than its own, so a write
    /// stamped like the one before would be lost on the agency's other desks.
    fn now_after(&self, held: &str) -> String {
        let now = self.clock.now();
        let after = DateTime::parse_from_rfc3339(held).ok().map(|t| t.with_timezone(&Utc) + chrono::Duration::milliseconds(1));
        after.filter(|a| *a > now).unwrap_or(now).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }

    /// Now on the desk's clock, RFC 3339 in UTC (for reports such as the diagnostics bundle).
    pub fn now_rfc3339(&self) -> String {
        self.now_text()
    }

    /// The database's schema version: the number of the last migration applied.
    pub fn schema_version(&self) -> DeskResult<u32> {
        certdesk_migrate::version(&self.conn).map_err(DeskError::internal)
    }

    /// Now in Shanghai, to the minute (`YYYY-MM-DD HH:MM`), as printed documents say it.
    pub fn now_local_minute(&self) -> String {
        self.clock.now().with_timezone(&shanghai()).format("%Y-%m-%d %H:%M").to_string()
    }

    /// Today's date in Shanghai.
    pub fn today(&self) -> NaiveDate {
        self.clock.now().with_timezone(&shanghai()).date_naive()
    }

    /// A new id: UUIDv7, time-ordered, made on this device.
    fn new_id(&self) -> String {
        let now = self.clock.now();
        let ts = uuid::Timestamp::from_unix(
            uuid::NoContext,
            now.timestamp() as u64,
            now.timestamp_subsec_nanos(),
        );
        uuid::Uuid::new_v7(ts).to_string()
    }
}
