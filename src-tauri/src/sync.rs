//! The window's side of the sync (issue 4): thin commands over `certdesk-core` (which drives
//! `certdesk-sync`), and the background job that syncs every few minutes while the app runs.
//!
//! A sync may wait on a poor line for many seconds, so it never holds the window's `Desk`
//! lock: it opens its own connection (SQLite WAL lets both write) on a blocking thread.
//! Only one sync runs at a time. Roster filing (名册备案) is here too: it syncs first and then
//! waits on the platform's answer, so it runs the same way and never beside a sync.

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use certdesk_core::Lobby;
use certdesk_store::{Desk, DeskError, KeptFiling, SessionUser, Worker};
use certdesk_sync::{EnrolParams, Enrolment, ProgressSink, SecretPreference, SyncOptions, SyncProgress, SyncReport};
use tauri::{Emitter, Manager, State};

use crate::{AppData, CmdResult};

/// How often the background job syncs.
const BACKGROUND_EVERY: Duration = Duration::from_secs(300);

/// Held while a sync runs: the background job and "sync now" never overlap.
fn running() -> &'static Mutex<()> {
    static RUNNING: OnceLock<Mutex<()>> = OnceLock::new();
    RUNNING.get_or_init(|| Mutex::new(()))
}

/// One sync on its own connection, as `user` ("sync now") or unattended (the background job);
/// tells the window that the status changed.
fn sync_once(dir: &std::path::Path, user: Option<&SessionUser>, handle: &tauri::AppHandle) -> CmdResult<SyncReport> {
    let _one = running().lock().unwrap_or_else(|p| p.into_inner());
    let mut desk = Desk::open(dir)?;
    let options = told(handle);
    let result = match user {
        Some(user) => certdesk_core::as_user("sync_now", &mut desk, user, |s| s.sync(&options)),
        None => certdesk_core::logged("sync", Lobby::new(&mut desk).sync_unattended(&options)),
    };
    let _ = handle.emit("sync_changed", ());
    result
}

/// Sync options that tell the window where a long sync stands (`sync_progress`, after each
/// pushed batch and each applied page): a joining PC's restore, a week of work sent at once.
fn told(handle: &tauri::AppHandle) -> SyncOptions {
    let window = handle.clone();
    let sink = ProgressSink::new(move |p| {
        // A window that closed meanwhile shows nothing; the sync goes on.
        let _ = window.emit("sync_progress", SyncProgress { ..*p });
    });
    SyncOptions { progress: Some(sink), ..SyncOptions::default() }
}

pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> CmdResult<T> + Send + 'static) -> CmdResult<T> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(DeskError::internal)?
}

/// Asked as the window opens and after every sync: off the window's thread (`async`), so a
/// slow read never holds up painting (it did, for 1.9 s at 200,000 unsent entries).
#[tauri::command(async)]
pub fn sync_status(app: State<'_, AppData>) -> CmdResult<certdesk_store::SyncStatus> {
    app.core.signed_in("sync_status", |s| s.sync_status())
}

#[tauri::command]
pub async fn sync_now(app: State<'_, AppData>, handle: tauri::AppHandle) -> CmdResult<SyncReport> {
    let user = app.core.user("sync_now")?;
    let dir = app.core.data_dir();
    blocking(move || sync_once(&dir, Some(&user), &handle)).await
}

#[tauri::command]
pub async fn device_enrol(
    app: State<'_, AppData>,
    handle: tauri::AppHandle,
    platform_url: String,
    code: String,
    ca_pem: Option<String>,
    device_name: Option<String>,
) -> CmdResult<Enrolment> {
    let user = app.core.user("device_enrol")?;
    let dir = app.core.data_dir();
    blocking(move || {
        let mut desk = Desk::open(&dir)?;
        let params = EnrolParams { platform_url, code, ca_pem, device_name: device_name.unwrap_or_default(), secret: SecretPreference::Auto };
        let enrolment = certdesk_core::as_user("device_enrol", &mut desk, &user, |s| s.as_manager()?.enrol_device(params))?;
        let _ = handle.emit("sync_changed", ());
        Ok(enrolment)
    })
    .await
}

/// A new or replaced PC joins its agency before anyone can sign in on it (issue 10 item 4):
/// the agency profile, the one-time code, and the first sync restoring the agency's accounts
/// and records (run again after a dropped network, it goes on).
#[tauri::command]
pub async fn desk_join(
    app: State<'_, AppData>,
    handle: tauri::AppHandle,
    agency: certdesk_store::Agency,
    platform_url: String,
    code: String,
    ca_pem: Option<String>,
) -> CmdResult<certdesk_sync::JoinReport> {
    let dir = app.core.data_dir();
    blocking(move || {
        let _one = running().lock().unwrap_or_else(|p| p.into_inner());
        let mut desk = Desk::open(&dir)?;
        let params = EnrolParams { platform_url, code, ca_pem, device_name: String::new(), secret: SecretPreference::Auto };
        let report = certdesk_core::logged("desk_join", Lobby::new(&mut desk).join_agency(&agency, params, &told(&handle)));
        let _ = handle.emit("sync_changed", ());
        report
    })
    .await
}

#[tauri::command]
pub fn worker_apply(app: State<'_, AppData>, id: String) -> CmdResult<Worker> {
    app.core.signed_in("worker_apply", |s| s.apply_worker(&id))
}

#[tauri::command]
pub fn apply_all_eligible(app: State<'_, AppData>) -> CmdResult<certdesk_store::ApplyAllReport> {
    app.core.signed_in("apply_all_eligible", |s| s.apply_all_eligible())
}

#[tauri::command]
pub fn sync_rejections(app: State<'_, AppData>, include_dismissed: Option<bool>) -> CmdResult<Vec<certdesk_store::SyncRejection>> {
    app.core.signed_in("sync_rejections", |s| s.sync_rejections(include_dismissed.unwrap_or(false)))
}

#[tauri::command]
pub fn sync_rejection_dismiss(app: State<'_, AppData>, entry_id: String) -> CmdResult<()> {
    app.core.signed_in("sync_rejection_dismiss", |s| s.dismiss_sync_rejection(&entry_id))
}

#[tauri::command]
pub fn worker_platform(app: State<'_, AppData>, id: String) -> CmdResult<certdesk_store::PlatformView> {
    app.core.signed_in("worker_platform", |s| s.platform_view(&id))
}

/// 名册备案: the roster for `[from, to]` (correcting filing `replaces`) filed with the platform
/// after a sync, on its own connection; the kept filing with its verified receipt.
#[tauri::command]
pub async fn roster_file(
    app: State<'_, AppData>,
    handle: tauri::AppHandle,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    replaces: Option<String>,
) -> CmdResult<KeptFiling> {
    let user = app.core.user("roster_file")?;
    let dir = app.core.data_dir();
    blocking(move || {
        let _one = running().lock().unwrap_or_else(|p| p.into_inner());
        let mut desk = Desk::open(&dir)?;
        let filed = certdesk_core::as_user("roster_file", &mut desk, &user, |s| s.as_manager()?.file_roster(from, to, replaces.as_deref()));
        let _ = handle.emit("sync_changed", ());
        filed
    })
    .await
}

/// The roster filings kept here, newest first; with `verify`, each receipt checked offline.
#[tauri::command]
pub fn roster_filings(app: State<'_, AppData>, verify: bool) -> CmdResult<Vec<KeptFiling>> {
    app.core.manager("roster_filings", |s| s.roster_filings(verify))
}

/// Start the background job: a first sync shortly after start, then every few minutes.
/// Being offline is normal for a desk; the status shows it, nothing else happens.
/// With the demonstration platform, the desk enrols itself once and syncs every 15 seconds,
/// so that an application going out and its approval coming back can be watched.
pub fn start_background(handle: tauri::AppHandle) {
    let demo = certdesk_core::DemoPlatform::from_env();
    let every = if demo.is_some() { Duration::from_secs(15) } else { BACKGROUND_EVERY };
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(5));
        loop {
            let dir = handle.state::<AppData>().core.data_dir();
            let mut enrolled = Desk::open(&dir).and_then(|mut d| Lobby::new(&mut d).is_enrolled()).unwrap_or(false);
            if let (false, Some(demo)) = (enrolled, &demo) {
                let _one = running().lock().unwrap_or_else(|p| p.into_inner());
                if let Ok(mut desk) = Desk::open(&dir) {
                    enrolled = Lobby::new(&mut desk).enrol_demo(demo).is_ok();
                }
            }
            if enrolled {
                let _ = sync_once(&dir, None, &handle);
            }
            std::thread::sleep(every);
        }
    });
}
