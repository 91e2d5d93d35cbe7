//! 读身份证 (issue 15 item 4): the ID-card reader's commands, thin over `certdesk-core`. A read
//! waits on the serial port for up to a few seconds, so it runs on a blocking thread with a
//! connection of its own and never holds the window's `Desk` lock meanwhile.

use certdesk_idcard::CardText;
use certdesk_store::Desk;
use tauri::State;

use crate::sync::blocking;
use crate::{AppData, CmdResult};

/// Reads the card on the reader at the port chosen in the settings: its text fields to fill
/// enrolment with, or why not (nothing filled).
#[tauri::command]
pub(crate) async fn idcard_read(app: State<'_, AppData>) -> CmdResult<CardText> {
    let user = app.core.user("idcard_read")?;
    let dir = app.core.data_dir();
    blocking(move || {
        let mut desk = Desk::open(&dir)?;
        certdesk_core::as_user("idcard_read", &mut desk, &user, |s| s.read_idcard(None))
    })
    .await
}

/// The reader's port, if chosen.
#[tauri::command]
pub(crate) fn idcard_port_get(app: State<'_, AppData>) -> CmdResult<Option<String>> {
    app.core.signed_in("idcard_port_get", |s| s.idcard_port())
}

/// Chooses the reader's port (manager, audited); answers the port kept.
#[tauri::command]
pub(crate) fn idcard_port_set(app: State<'_, AppData>, port: String) -> CmdResult<Option<String>> {
    app.core.signed_in("idcard_port_set", |s| {
        s.as_manager()?.set_idcard_port(&port)?;
        s.idcard_port()
    })
}
