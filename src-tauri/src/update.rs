//! 软件更新 (issue 15 item 2): the desk takes signed releases of itself from the platform it is
//! enrolled with, through Tauri's updater plugin, whose signature check is the one that holds.
//!
//! The public key is built into the binary (`CERTDESK_UPDATE_PUBKEY` when it is compiled:
//! `scripts/build-release` sets it); a build without one never takes an update. A release must be
//! signed by that key *for its own version* (`requireSignedVersion`), so neither a changed package
//! nor an older signed package announced as a newer version installs. The manager checks, reads
//! what changed, and installs on request; the download's progress reaches the window; the package
//! is verified before the package manager sees it, and a refusal leaves the running version as it
//! was. The new version runs from the next start ("重启").
//!
//! Installed from the .deb, the updater runs dpkg (the bundler marked the program so). Run from
//! the AppImage (scripts/package, crates/certdesk-appimage), the program is marked as an
//! AppImage's and the update replaces the `.AppImage` file itself, never the copy the runtime
//! extracted and runs: see [`running_appimage`].

use std::path::PathBuf;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Mutex;
use std::time::Duration;

use certdesk_core::messages;
use certdesk_store::DeskError;
use serde::Serialize;
use tauri::{Emitter, State};
use tauri_plugin_updater::{Error as UpdaterError, Update, UpdaterExt};

use crate::{AppData, CmdResult};

/// The release signing key this build trusts (the base64 `.pub` file `tauri signer generate`
/// writes), if it was built with one.
pub(crate) const PUBKEY: Option<&str> = option_env!("CERTDESK_UPDATE_PUBKEY");

/// How long asking for, or downloading, a release may take.
const TIMEOUT: Duration = Duration::from_secs(300);

/// The release a check found, kept for the install the manager asks for next.
#[derive(Default)]
pub(crate) struct Pending(Mutex<Option<Update>>);

/// This desk's version and whether it can take updates at all.
#[derive(Serialize, ts_rs::TS)]
pub(crate) struct UpdateStatus {
    /// The running version.
    current_version: String,
    /// Whether this build carries the release key (without it, no update installs).
    signed_updates: bool,
}

/// A newer release the platform offers.
#[derive(Serialize, ts_rs::TS)]
pub(crate) struct AvailableUpdate {
    version: String,
    /// What changed, as the release says it.
    notes: String,
    /// When it was published (RFC 3339), if said.
    date: Option<String>,
}

/// Where an install stands, for the progress bar.
#[derive(Serialize, ts_rs::TS, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub(crate) enum UpdatePhase {
    Downloading,
    Verifying,
    Installing,
}

#[derive(Serialize, ts_rs::TS, Clone, Copy)]
pub(crate) struct UpdateProgress {
    phase: UpdatePhase,
    /// Bytes downloaded so far.
    downloaded: u64,
    /// The package's size, when the platform said it.
    total: Option<u64>,
}

/// The version now installed, which runs from the next start.
#[derive(Serialize, ts_rs::TS)]
pub(crate) struct InstalledUpdate {
    version: String,
}

#[tauri::command]
pub(crate) fn update_status(handle: tauri::AppHandle) -> UpdateStatus {
    UpdateStatus { current_version: handle.package_info().version.to_string(), signed_updates: PUBKEY.is_some() }
}

/// Asks the platform for a release newer than this one (manager): `None` when this is the
/// newest.
#[tauri::command]
pub(crate) async fn update_check(
    app: State<'_, AppData>,
    pending: State<'_, Pending>,
    handle: tauri::AppHandle,
) -> CmdResult<Option<AvailableUpdate>> {
    let pubkey = PUBKEY.ok_or_else(messages::update_not_configured)?;
    let source = app.core.manager("update_check", |s| s.update_source())?;
    let mut builder = handle
        .updater_builder()
        .pubkey(pubkey)
        .timeout(TIMEOUT)
        .endpoints(vec![source.endpoint.parse().map_err(messages::update_unavailable)?])
        .and_then(|b| b.header("Authorization", source.authorization))
        .map_err(unavailable)?;
    if let Some(appimage) = running_appimage() {
        // Without this the updater would replace the extracted program in the runtime's cache.
        builder = builder.executable_path(appimage);
    }
    if let Some(pem) = source.ca_pem {
        // Only the platform's own CA, as the sync trusts it (parsed again here: the updater has
        // a TLS client of its own).
        let certs = reqwest013::Certificate::from_pem_bundle(pem.as_bytes()).map_err(messages::update_unavailable)?;
        builder = builder.configure_client(move |client| client.tls_certs_only(certs.clone()));
    }
    let found = builder.build().map_err(unavailable)?.check().await;
    let found = certdesk_core::logged("update_check", found.map_err(unavailable))?;
    let offer = found.as_ref().map(|u| AvailableUpdate {
        version: u.version.clone(),
        notes: u.body.clone().unwrap_or_default(),
        date: u.date.and_then(|d| d.format(&time::format_description::well_known::Rfc3339).ok()),
    });
    *pending.0.lock().unwrap_or_else(|p| p.into_inner()) = found;
    Ok(offer)
}

/// Downloads the release the last check found, verifies its signature and installs it
/// (manager); `update_progress` tells the window where it stands. A package that fails the
/// check is refused and nothing is installed.
#[tauri::command]
pub(crate) async fn update_install(
    app: State<'_, AppData>,
    pending: State<'_, Pending>,
    handle: tauri::AppHandle,
) -> CmdResult<InstalledUpdate> {
    // Only a manager installs; the check also made sure, but the session may have changed.
    app.core.manager("update_install", |_| Ok(()))?;
    let update = pending.0.lock().unwrap_or_else(|p| p.into_inner()).take().ok_or_else(messages::update_none_pending)?;
    let version = update.version.clone();
    let tell = |phase, downloaded, total| {
        let _ = handle.emit("update_progress", UpdateProgress { phase, downloaded, total });
    };
    let downloaded = std::sync::atomic::AtomicU64::new(0);
    let bytes = update
        .download(
            |chunk, total| {
                downloaded.fetch_add(chunk as u64, Relaxed);
                tell(UpdatePhase::Downloading, downloaded.load(Relaxed), total);
            },
            || tell(UpdatePhase::Verifying, downloaded.load(Relaxed), None),
        )
        .await
        .map_err(|e| refused(&version, e));
    let bytes = certdesk_core::logged("update_install", bytes)?;
    tell(UpdatePhase::Installing, downloaded.load(Relaxed), None);
    // The package manager takes seconds and may ask for a password: off the async workers.
    let installed = tauri::async_runtime::spawn_blocking(move || {
        let outcome = update.install(&bytes).map_err(|e| refused(&update.version, e));
        (update, outcome)
    })
    .await
    .map_err(DeskError::internal)?;
    let (_, outcome) = installed;
    certdesk_core::logged("update_install", outcome)?;
    tracing::info!(%version, "update installed; it runs from the next start");
    Ok(InstalledUpdate { version })
}

/// Starts the installed version in place of this one (manager).
#[tauri::command]
pub(crate) fn update_restart(app: State<'_, AppData>, handle: tauri::AppHandle) -> CmdResult<()> {
    app.core.manager("update_restart", |_| Ok(()))?;
    handle.restart()
}

/// The `.AppImage` file this desk runs from, when it runs from one: `APPIMAGE` names an existing
/// file carrying the AppImage magic, and this program lies under `APPDIR` (where the runtime
/// extracted it). Anything else (a .deb install, a variable set by hand) is not an AppImage, and
/// the updater keeps its own idea of what to replace.
fn running_appimage() -> Option<PathBuf> {
    let appimage = PathBuf::from(std::env::var_os("APPIMAGE")?);
    let appdir = std::fs::canonicalize(std::env::var_os("APPDIR")?).ok()?;
    let exe = std::env::current_exe().and_then(std::fs::canonicalize).ok()?;
    let head = certdesk_appimage::format::read_head(&appimage).ok()?;
    (appimage.is_absolute() && appimage.is_file() && exe.starts_with(&appdir) && certdesk_appimage::format::has_magic(&head))
        .then_some(appimage)
}

/// An updater error while asking or downloading, as the manager reads it.
fn unavailable(e: UpdaterError) -> DeskError {
    messages::update_unavailable(e)
}

/// An updater error while fetching, verifying or installing `version`: a signature that does not
/// hold is a refusal of its own; the package manager's failure is an install error.
fn refused(version: &str, e: UpdaterError) -> DeskError {
    match e {
        UpdaterError::Minisign(_)
        | UpdaterError::Base64(_)
        | UpdaterError::SignatureUtf8(_)
        | UpdaterError::SignedVersionMismatch { .. }
        | UpdaterError::MissingSignedVersion => {
            tracing::warn!(%version, cause = %e, "update refused: its signature does not hold");
            messages::update_signature(version)
        }
        UpdaterError::InvalidUpdaterFormat
        | UpdaterError::PackageInstallFailed
        | UpdaterError::DebInstallFailed
        | UpdaterError::AuthenticationFailed
        | UpdaterError::TempDirNotFound
        | UpdaterError::Io(_) => messages::update_install(version, e),
        other => messages::update_unavailable(other),
    }
}
