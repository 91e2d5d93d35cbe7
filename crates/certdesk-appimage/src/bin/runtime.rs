//! The runtime at the front of the desk's `.AppImage`. `--appimage-offset` prints where the
//! image starts; `--appimage-extract` writes its files into `./squashfs-root`; any other start
//! extracts the image once into this user's cache (see `certdesk_appimage::cache`) and execs
//! its `AppRun` with the arguments given and the variables AppImage runtimes set: `APPIMAGE`
//! (this file's absolute path), `APPDIR`, `ARGV0`, `OWD`. A failure is a sentence on stderr
//! and exit status 1; nothing runs from a folder that is not complete.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use certdesk_appimage::{cache, extract, format, messages};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(sentence) => {
            eprintln!("{sentence}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    // This file, through /proc (argv[0] may be a bare name found on PATH).
    let me = std::fs::canonicalize("/proc/self/exe").map_err(|e| messages::own_path(&e))?;
    let mut args = std::env::args_os();
    let argv0 = args.next().unwrap_or_default();
    let rest: Vec<_> = args.collect();
    match rest.first().and_then(|a| a.to_str()) {
        Some("--appimage-offset") => {
            println!("{}", format::image_offset(&me).map_err(|e| e.to_string())?);
            Ok(())
        }
        Some("--appimage-extract") => {
            extract::extract_appimage(&me, Path::new("squashfs-root")).map_err(|e| e.to_string())?;
            println!("squashfs-root");
            Ok(())
        }
        _ => {
            let env_path = |name| std::env::var_os(name).map(PathBuf::from);
            let root = cache::cache_root(env_path("XDG_CACHE_HOME").as_deref(), env_path("HOME").as_deref()).map_err(|e| e.to_string())?;
            let appdir = cache::prepared(&me, &root).map_err(|e| e.to_string())?;
            let app_run = appdir.join("AppRun");
            let mut command = std::process::Command::new(&app_run);
            command.args(&rest).env("APPIMAGE", &me).env("APPDIR", &appdir).env("ARGV0", &argv0);
            if let Ok(owd) = std::env::current_dir() {
                command.env("OWD", owd);
            }
            // Only returns when the exec failed.
            let e = command.exec();
            Err(messages::exec_failed(&app_run, &e))
        }
    }
}
