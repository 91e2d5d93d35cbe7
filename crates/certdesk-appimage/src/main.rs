//! The builder `scripts/package` runs: `certdesk-appimage --runtime RUNTIME --appdir APPDIR
//! --output FILE.AppImage [--mark-bundle usr/bin/PROGRAM]` writes the AppImage of the AppDir
//! with the given runtime (see `certdesk_appimage::build`), the program named by
//! `--mark-bundle` marked for Tauri's updater as packaged in an AppImage.

use std::path::PathBuf;
use std::process::ExitCode;

use certdesk_appimage::{build, messages};

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (mut runtime, mut appdir, mut output, mut mark) = (None, None, None, None);
    while let Some(flag) = args.next() {
        let slot = match flag.to_str() {
            Some("--runtime") => &mut runtime,
            Some("--appdir") => &mut appdir,
            Some("--output") => &mut output,
            Some("--mark-bundle") => &mut mark,
            _ => {
                eprintln!("{}", messages::builder_usage(flag.to_string_lossy()));
                return ExitCode::from(2);
            }
        };
        *slot = args.next().map(PathBuf::from);
    }
    let (Some(runtime), Some(appdir), Some(output)) = (runtime, appdir, output) else {
        eprintln!("{}", messages::builder_usage("--runtime, --appdir, --output"));
        return ExitCode::from(2);
    };
    match build::appimage(&runtime, &appdir, &output, mark.as_deref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
