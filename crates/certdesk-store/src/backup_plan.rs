//! 备份计划: where the manager wants the desk's backups (a folder, a USB drive), how many to keep,
//! and when the last one was written. The backups themselves are written by certdesk-core; the
//! passphrase is kept by certdesk-secret, never here.

use serde::Serialize;

use crate::audit::{AuditAction, AuditEntity, AuditRecord};
use crate::{messages, table, Desk, DeskError, DeskResult, SessionUser};

const FOLDER: &str = "backup.folder";
const KEEP: &str = "backup.keep";
const LAST_AT: &str = "backup.last_at";
const LAST_FILE: &str = "backup.last_file";

/// Backups kept in the folder unless the manager says otherwise.
pub const DEFAULT_KEEP: u32 = 7;
/// The most a manager may keep.
pub const MAX_KEEP: u32 = 365;
/// After this many days without a backup the home screen warns the manager.
pub const STALE_AFTER_DAYS: i64 = 7;

/// The plan as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupSettings {
    /// The folder daily backups go to; none until a manager chooses one.
    pub folder: Option<String>,
    /// How many backups to keep there (older ones written by certdesk are deleted).
    pub keep: u32,
    /// When the last backup was written (RFC 3339), if ever.
    pub last_at: Option<String>,
    /// Its file.
    pub last_file: Option<String>,
}

impl Desk {
    /// The backup plan.
    pub fn backup_settings(&self) -> DeskResult<BackupSettings> {
        let get = |k: &str| table::settings::get(&self.conn, k);
        Ok(BackupSettings {
            folder: get(FOLDER)?.filter(|f| !f.is_empty()),
            keep: get(KEEP)?.and_then(|k| k.parse().ok()).unwrap_or(DEFAULT_KEEP),
            last_at: get(LAST_AT)?,
            last_file: get(LAST_FILE)?,
        })
    }

    /// Sets where backups go and how many to keep (`certdesk-core` checks the manager); the
    /// folder must be an absolute path; audited.
    pub fn set_backup_settings(&mut self, actor: &SessionUser, folder: &str, keep: u32) -> DeskResult<BackupSettings> {
        let folder = folder.trim();
        let mut wrong = Vec::new();
        if !std::path::Path::new(folder).is_absolute() {
            wrong.push(messages::backup_folder_invalid());
        }
        if !(1..=MAX_KEEP).contains(&keep) {
            wrong.push(messages::backup_keep_invalid(MAX_KEEP));
        }
        if !wrong.is_empty() {
            return Err(DeskError::validation(wrong));
        }
        let old = self.backup_settings()?;
        let tx = self.conn.unchecked_transaction()?;
        table::settings::put(&tx, FOLDER, folder)?;
        table::settings::put(&tx, KEEP, &keep.to_string())?;
        self.append_audit(
            &tx,
            &AuditRecord {
                user_id: Some(&actor.id),
                entity: AuditEntity::Settings,
                entity_id: FOLDER,
                action: AuditAction::Update,
                field: Some("backup"),
                old_value: old.folder.map(|f| format!("{f} ({})", old.keep)).as_deref(),
                new_value: Some(&format!("{folder} ({keep})")),
                reason: None,
            },
        )?;
        tx.commit()?;
        self.backup_settings()
    }

    /// Records a backup just written.
    pub fn record_backup(&mut self, file: &str) -> DeskResult<()> {
        let now = self.now_text();
        let tx = self.conn.unchecked_transaction()?;
        table::settings::put(&tx, LAST_AT, &now)?;
        table::settings::put(&tx, LAST_FILE, file)?;
        tx.commit()?;
        Ok(())
    }

    /// Whole days since the last backup (`None`: never), on the desk's clock.
    pub fn days_since_backup(&self) -> DeskResult<Option<i64>> {
        Ok(self
            .backup_settings()?
            .last_at
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| (self.clock.now() - t.with_timezone(&chrono::Utc)).num_days()))
    }
}
