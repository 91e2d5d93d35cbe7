//! The desk's application layer, what the window and the CLI share above the store: every call
//! as the signed-in user ([`Session`], reached through [`DeskApp`] in the window), what needs
//! nobody signed in ([`Lobby`]), the role checks, the desk's log ([`log`]) and the support
//! bundle ([`diagnostics`]).
//!
//! Both front ends go through here, so "must be signed in", "only a manager may" and "every
//! failure is logged" are written once; the store below only stores. This crate never knows a
//! window or a terminal: it takes values in and returns the desk's own [`DeskError`].

pub mod backup;
pub mod diagnostics;
pub mod log;
pub mod messages;
mod session;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use certdesk_store::{Agency, Desk, DeskError, DeskResult, IdPreview, NewUser, SessionUser, UserInfo};
use certdesk_sync::{EnrolParams, Enrolment, SyncOptions, SyncReport};

pub use session::{ManagerSession, Session, DEFAULT_DEVICE_NAME};

/// The open desk and who is signed in to it: what the window holds for its whole life.
///
/// A call reaches the desk only through [`DeskApp::signed_in`], [`DeskApp::manager`] (a
/// [`Session`]) or [`DeskApp::before_sign_in`] (a [`Lobby`]); the first two refuse before the
/// desk is touched when nobody (or a clerk) is signed in, and all three log a failure with the
/// command's name.
pub struct DeskApp {
    desk: Mutex<Desk>,
    user: Mutex<Option<SessionUser>>,
}

/// A poisoned mutex still holds a usable desk: SQLite's own transactions keep the connection
/// consistent, and a panic in one command must not lock the clerk out.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl DeskApp {
    /// An open desk with nobody signed in yet.
    pub fn new(desk: Desk) -> DeskApp {
        DeskApp { desk: Mutex::new(desk), user: Mutex::new(None) }
    }

    /// Who is signed in, if anyone.
    pub fn session(&self) -> Option<SessionUser> {
        lock(&self.user).clone()
    }

    /// The desk's data folder.
    pub fn data_dir(&self) -> PathBuf {
        lock(&self.desk).data_dir().to_path_buf()
    }

    /// Sign in; later calls run as this user.
    pub fn login(&self, username: &str, password: &str) -> DeskResult<SessionUser> {
        let user = logged("login", lock(&self.desk).login(username, password))?;
        *lock(&self.user) = Some(user.clone());
        Ok(user)
    }

    /// A fresh desk's first run: the agency and its first manager, who is then signed in.
    pub fn setup(&self, agency: &Agency, manager: &NewUser) -> DeskResult<SessionUser> {
        let user = logged("setup", lock(&self.desk).setup(agency, manager))?;
        *lock(&self.user) = Some(user.clone());
        Ok(user)
    }

    /// Sign out.
    pub fn logout(&self) {
        *lock(&self.user) = None;
    }

    /// The signed-in user, for a call that runs on its own connection (a blocking thread:
    /// printing, the sync, device enrolment); `unauthorized`, logged, when nobody is.
    pub fn user(&self, command: &str) -> DeskResult<SessionUser> {
        logged(command, self.session().ok_or_else(DeskError::unauthorized))
    }

    /// Run `call` as the signed-in user; `unauthorized` (and the desk untouched) when nobody is.
    pub fn signed_in<T>(&self, command: &str, call: impl FnOnce(&mut Session<'_>) -> DeskResult<T>) -> DeskResult<T> {
        let result = match self.session() {
            Some(user) => call(&mut Session::new(&mut lock(&self.desk), &user)),
            None => Err(DeskError::unauthorized()),
        };
        logged(command, result)
    }

    /// Run `call` as the signed-in manager; `unauthorized` when nobody is signed in,
    /// `forbidden` for a clerk, and the desk untouched in both cases: `call` gets the
    /// [`ManagerSession`] that [`Session::as_manager`] makes, and runs only for a manager.
    pub fn manager<T>(&self, command: &str, call: impl FnOnce(&mut ManagerSession<'_, '_>) -> DeskResult<T>) -> DeskResult<T> {
        self.signed_in(command, |s| call(&mut s.as_manager()?))
    }

    /// Run `call` whoever is (or is not) signed in: only what the sign-in and set-up screens
    /// need (the agency's name, whether the desk has users, the ID-number preview).
    pub fn before_sign_in<T>(&self, command: &str, call: impl FnOnce(&mut Lobby<'_>) -> DeskResult<T>) -> DeskResult<T> {
        let result = call(&mut Lobby::new(&mut lock(&self.desk)));
        logged(command, result)
    }

    /// A read that cannot fail and needs no sign-in (the ID-number preview of the forms).
    pub fn read_before_sign_in<T>(&self, call: impl FnOnce(&mut Lobby<'_>) -> T) -> T {
        call(&mut Lobby::new(&mut lock(&self.desk)))
    }
}

/// Run `call` as `user` on a connection of its own (a blocking thread's), logging a failure
/// under `command` as [`DeskApp::signed_in`] does.
pub fn as_user<T>(command: &str, desk: &mut Desk, user: &SessionUser, call: impl FnOnce(&mut Session<'_>) -> DeskResult<T>) -> DeskResult<T> {
    logged(command, call(&mut Session::new(desk, user)))
}

/// What the desk answers and does with nobody signed in: the sign-in and set-up screens, the
/// ID-number preview, the schema version, the audit chain's check, and the device's own
/// unattended jobs (the background sync, `certdesk sync`, enrolling with the demonstration
/// platform the environment names).
/// Nothing here reads or changes a worker's record.
pub struct Lobby<'a> {
    desk: &'a mut Desk,
}

impl<'a> Lobby<'a> {
    /// `desk` before anyone signs in.
    pub fn new(desk: &'a mut Desk) -> Lobby<'a> {
        Lobby { desk }
    }

    /// Sign in: the user to make a [`Session`] with.
    pub fn login(&self, username: &str, password: &str) -> DeskResult<SessionUser> {
        self.desk.login(username, password)
    }

    /// A fresh desk's first run: the agency and its first manager, who is signed in.
    pub fn setup(&mut self, agency: &Agency, manager: &NewUser) -> DeskResult<SessionUser> {
        self.desk.setup(agency, manager)
    }

    /// The first user of a desk that has none (must be a manager); `unauthorized` once the desk
    /// has users (then a manager adds them: [`Session::add_user`]).
    pub fn add_first_user(&mut self, user: &NewUser) -> DeskResult<UserInfo> {
        self.desk.add_user(None, user)
    }

    /// The agency profile, if set (the sign-in screen shows its name).
    pub fn agency(&self) -> DeskResult<Option<Agency>> {
        self.desk.agency()
    }

    /// Minutes without a key or a click after which the window locks.
    pub fn idle_lock_minutes(&self) -> DeskResult<u32> {
        self.desk.idle_lock_minutes()
    }

    /// Whether any user exists yet (a fresh desk asks for set-up).
    pub fn has_users(&self) -> DeskResult<bool> {
        self.desk.has_users()
    }

    /// What a typed ID number says (birth date, gender), for the forms.
    pub fn id_preview(&self, typed: &str) -> IdPreview {
        self.desk.id_preview(typed)
    }

    /// The database's schema version.
    pub fn schema_version(&self) -> DeskResult<u32> {
        self.desk.schema_version()
    }

    /// Recompute the audit hash chain; the number of entries.
    pub fn verify_audit_chain(&self) -> DeskResult<usize> {
        self.desk.verify_audit_chain()
    }

    /// The desk's data folder.
    pub fn data_dir(&self) -> &Path {
        self.desk.data_dir()
    }

    /// The automatic daily backup, when a folder and passphrase are set and one is due.
    pub fn backup_if_due(&mut self) -> DeskResult<Option<crate::backup::BackupWritten>> {
        crate::backup::run_if_due(self.desk)
    }

    /// Whether this desk is enrolled with a platform (the background job syncs only then).
    pub fn is_enrolled(&self) -> DeskResult<bool> {
        Ok(self.desk.sync_status()?.enrolled)
    }

    /// The device's own sync, run by no user: the background job and `certdesk sync`.
    pub fn sync_unattended(&mut self, options: &SyncOptions) -> DeskResult<SyncReport> {
        sync_unattended(self.desk, options)
    }

    /// A new or replaced PC joins its agency (issue 10 item 4): the agency profile, the
    /// enrolment with the one-time code (the code is the authority: nobody is signed in on a
    /// fresh desk) and the first sync, which restores the agency's accounts and records. Refused
    /// on a desk that holds an account and is not enrolled; on a desk an earlier attempt
    /// enrolled it goes on with the restore.
    pub fn join_agency(&mut self, agency: &Agency, params: EnrolParams, options: &SyncOptions) -> DeskResult<certdesk_sync::JoinReport> {
        certdesk_sync::join_blocking(self.desk, agency, &session::normalised(params), options).map_err(|e| e.to_desk_error())
    }

    /// Enrol with the demonstration platform the environment names, audited as made by no
    /// user. A person enrols through [`Session::enrol_device`], which needs a manager; this
    /// takes no address or code from a caller, only what [`DemoPlatform::from_env`] read.
    pub fn enrol_demo(&mut self, demo: &DemoPlatform) -> DeskResult<Enrolment> {
        certdesk_sync::enrol_blocking(self.desk, None, &demo.0).map_err(|e| e.to_desk_error())
    }
}

/// The local demonstration platform started by `scripts/start`, as the environment names it
/// (`CERTDESK_DEMO_PLATFORM_URL`, `CERTDESK_DEMO_CODE`, `CERTDESK_DEMO_CA`). Only
/// [`DemoPlatform::from_env`] makes one, so the window's start-up enrolment cannot be pointed
/// anywhere else by a command.
pub struct DemoPlatform(EnrolParams);

impl DemoPlatform {
    /// The demonstration platform, when the environment names one.
    pub fn from_env() -> Option<DemoPlatform> {
        let url = std::env::var("CERTDESK_DEMO_PLATFORM_URL").ok().filter(|v| !v.is_empty())?;
        let code = std::env::var("CERTDESK_DEMO_CODE").ok().filter(|v| !v.is_empty())?;
        let ca_pem = std::env::var("CERTDESK_DEMO_CA").ok().and_then(|p| std::fs::read_to_string(p).ok());
        Some(DemoPlatform(EnrolParams {
            platform_url: url,
            code,
            ca_pem,
            device_name: "演示前台 demo desk".into(),
            secret: certdesk_sync::SecretPreference::Auto,
        }))
    }
}

/// One sync: push the outbox, pull the platform's changes.
pub(crate) fn sync_unattended(desk: &mut Desk, options: &SyncOptions) -> DeskResult<SyncReport> {
    certdesk_sync::sync_blocking(desk, options).map_err(|e| e.to_desk_error())
}

/// A desk on a plain (unencrypted) database, only for `certdesk bench --plain`, which measures
/// what encryption costs (see [`Desk::open_plain_for_benchmark`]).
pub fn open_plain_for_benchmark(data_dir: &Path) -> DeskResult<Desk> {
    Desk::open_plain_for_benchmark(data_dir)
}

/// `forbidden` unless `user` is a manager: the one role check of the desk.
pub fn require_manager(user: &SessionUser) -> DeskResult<()> {
    if user.is_manager() {
        Ok(())
    } else {
        Err(DeskError::forbidden())
    }
}

/// `result`, after logging it when it is an error: the command, the error's code, the fields it
/// names (their names and codes, never the values) and the internal cause. Sentences are not
/// logged: they may quote what the clerk typed.
pub fn logged<T>(command: &str, result: DeskResult<T>) -> DeskResult<T> {
    if let Err(e) = &result {
        log::failure(command, e);
    }
    result
}
