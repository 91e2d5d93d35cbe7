//! What the window and the CLI share above the store: the one way to call the desk as a
//! signed-in user ([`DeskApp`]), the desk's log ([`log`]) and the support bundle
//! ([`diagnostics`]).
//!
//! Both front ends go through here, so "must be signed in", "only a manager may" and "every
//! failure is logged" are written once. This crate never knows a window or a terminal: it takes
//! values in and returns the desk's own [`DeskError`].

pub mod diagnostics;
pub mod log;
pub mod messages;

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use certdesk_store::{Agency, Desk, DeskError, DeskResult, NewUser, Role, SessionUser};

/// The open desk and who is signed in to it: what the window holds for its whole life.
///
/// A call reaches the desk only through [`DeskApp::signed_in`], [`DeskApp::manager`] or
/// [`DeskApp::before_sign_in`]; the first two refuse before the desk is touched when nobody (or
/// a clerk) is signed in, and all three log a failure with the command's name.
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
    /// An open desk; `user` is who is already signed in (the start-up benchmark), usually nobody.
    pub fn new(desk: Desk, user: Option<SessionUser>) -> DeskApp {
        DeskApp { desk: Mutex::new(desk), user: Mutex::new(user) }
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

    /// Run `call` as the signed-in user; `unauthorized` (and the desk untouched) when nobody is.
    pub fn signed_in<T>(&self, command: &str, call: impl FnOnce(&mut Desk, &SessionUser) -> DeskResult<T>) -> DeskResult<T> {
        let result = match self.session() {
            Some(user) => call(&mut lock(&self.desk), &user),
            None => Err(DeskError::unauthorized()),
        };
        logged(command, result)
    }

    /// Run `call` as the signed-in manager; `unauthorized` when nobody is signed in,
    /// `forbidden` for a clerk, and the desk untouched in both cases.
    pub fn manager<T>(&self, command: &str, call: impl FnOnce(&mut Desk, &SessionUser) -> DeskResult<T>) -> DeskResult<T> {
        let result = match self.session() {
            Some(user) => require_manager(&user).and_then(|()| call(&mut lock(&self.desk), &user)),
            None => Err(DeskError::unauthorized()),
        };
        logged(command, result)
    }

    /// Run `call` whoever is (or is not) signed in: only what the sign-in and set-up screens
    /// need (the agency's name, whether the desk has users, the ID-number preview).
    pub fn before_sign_in<T>(&self, command: &str, call: impl FnOnce(&mut Desk) -> DeskResult<T>) -> DeskResult<T> {
        let result = call(&mut lock(&self.desk));
        logged(command, result)
    }

    /// A read that cannot fail and needs no sign-in (the ID-number preview of the forms).
    pub fn read_before_sign_in<T>(&self, call: impl FnOnce(&Desk) -> T) -> T {
        call(&lock(&self.desk))
    }
}

/// `forbidden` unless `user` is a manager.
pub fn require_manager(user: &SessionUser) -> DeskResult<()> {
    if user.role == Role::Manager {
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
