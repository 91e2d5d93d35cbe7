//! 备份: the manager's backup plan and "back up now" (thin commands over certdesk-core), and the
//! background job that writes the daily backup while the window runs.

use std::time::Duration;

use certdesk_core::backup::{BackupPlan, BackupWritten};
use certdesk_core::Lobby;
use certdesk_store::Desk;
use tauri::{Manager, State};

use crate::{AppData, CmdResult};

/// How often the background job looks whether a backup is due (one a day).
const CHECK_EVERY: Duration = Duration::from_secs(10 * 60);

#[tauri::command]
pub(crate) fn backup_plan_get(app: State<'_, AppData>) -> CmdResult<BackupPlan> {
    app.core.manager("backup_plan_get", |s| s.backup_plan())
}

#[tauri::command]
pub(crate) fn backup_plan_set(app: State<'_, AppData>, folder: String, keep: u32, passphrase: Option<String>) -> CmdResult<BackupPlan> {
    app.core.manager("backup_plan_set", |s| s.set_backup_plan(&folder, keep, passphrase.as_deref()))
}

#[tauri::command]
pub(crate) fn backup_now(app: State<'_, AppData>) -> CmdResult<BackupWritten> {
    app.core.manager("backup_now", |s| s.backup_now())
}

/// Start the background job: shortly after start, then every few minutes, a backup when one is
/// due (a folder and passphrase set, the last one a day old). A failure is logged; the home
/// screen's age of the last backup says the rest.
pub fn start_background(handle: tauri::AppHandle) {
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(60));
        loop {
            let dir = handle.state::<AppData>().core.data_dir();
            match Desk::open(&dir).and_then(|mut d| Lobby::new(&mut d).backup_if_due()) {
                Ok(Some(w)) => tracing::info!(bytes = w.bytes, "daily backup written"),
                Ok(None) => {}
                Err(e) => tracing::warn!(code = e.code.as_str(), "daily backup failed"),
            }
            std::thread::sleep(CHECK_EVERY);
        }
    });
}
