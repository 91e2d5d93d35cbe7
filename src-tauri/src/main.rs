//! The certdesk window. Everything it does lives in `certdesk-store`; this binary only finds
//! the data folder, checks that there is a display to draw on, and starts Tauri.

// Without this a Windows build would open a console beside the window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    std::process::exit(certdesk_app::run());
}
