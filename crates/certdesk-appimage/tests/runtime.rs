//! The runtime as a desk meets it: an AppImage built with the real runtime binary around a tiny
//! AppDir whose `AppRun` reports what it was given. A start runs `AppRun` from the cache with the
//! arguments and the variables AppImage runtimes set; `--appimage-offset` and
//! `--appimage-extract` answer as AppImage's own runtime does; a damaged file is a sentence on
//! stderr and a failure, with nothing run.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// An AppImage in `dir` whose `AppRun` prints its arguments and the runtime's variables.
fn appimage(dir: &Path) -> PathBuf {
    let appdir = dir.join("AppDir");
    std::fs::create_dir_all(appdir.join("usr/bin")).unwrap();
    let app_run = appdir.join("AppRun");
    std::fs::write(
        &app_run,
        "#!/bin/sh\necho \"args=$*\"\necho \"APPIMAGE=$APPIMAGE\"\necho \"APPDIR=$APPDIR\"\necho \"ARGV0=$ARGV0\"\necho \"OWD=$OWD\"\necho \"here=$(dirname \"$(readlink -f \"$0\")\")\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&app_run, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = dir.join("test.AppImage");
    let built = Command::new(env!("CARGO_BIN_EXE_certdesk-appimage"))
        .arg("--runtime")
        .arg(env!("CARGO_BIN_EXE_certdesk-appimage-runtime"))
        .arg("--appdir")
        .arg(&appdir)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(built.status.success(), "{built:?}");
    out
}

fn said(out: &Output, key: &str) -> String {
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().find_map(|l| l.strip_prefix(&format!("{key}="))).unwrap_or_else(|| panic!("no {key} in {text}")).to_owned()
}

#[test]
fn a_start_runs_app_run_from_the_cache_with_the_arguments_and_the_appimage_variables() {
    let dir = tempfile::tempdir().unwrap();
    let file = appimage(dir.path());
    let cache = dir.path().join("cache");
    let owd = dir.path().join("elsewhere");
    std::fs::create_dir(&owd).unwrap();
    let out = Command::new(&file).args(["--data-dir", "/x y"]).current_dir(&owd).env("XDG_CACHE_HOME", &cache).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(said(&out, "args"), "--data-dir /x y");
    assert_eq!(said(&out, "APPIMAGE"), file.display().to_string(), "the .AppImage's absolute path");
    let appdir = said(&out, "APPDIR");
    assert!(appdir.starts_with(&cache.join("certdesk-appimage").display().to_string()), "{appdir}");
    assert_eq!(said(&out, "here"), appdir, "AppRun runs from APPDIR");
    assert_eq!(said(&out, "ARGV0"), file.display().to_string());
    assert_eq!(said(&out, "OWD"), owd.display().to_string());
    assert_eq!(std::fs::metadata(cache.join("certdesk-appimage")).unwrap().permissions().mode() & 0o777, 0o700);

    // The image's own tools.
    let offset = Command::new(&file).arg("--appimage-offset").output().unwrap();
    let offset: u64 = String::from_utf8_lossy(&offset.stdout).trim().parse().unwrap();
    assert_eq!(offset, std::fs::metadata(env!("CARGO_BIN_EXE_certdesk-appimage-runtime")).unwrap().len());
    let extracted = Command::new(&file).arg("--appimage-extract").current_dir(&owd).output().unwrap();
    assert!(extracted.status.success(), "{extracted:?}");
    assert!(owd.join("squashfs-root/AppRun").is_file());
}

#[test]
fn a_damaged_appimage_says_so_and_runs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = appimage(dir.path());
    let mut bytes = std::fs::read(&file).unwrap();
    // Cut inside the image: the superblock is there, the tables it points at are not.
    let offset = std::fs::metadata(env!("CARGO_BIN_EXE_certdesk-appimage-runtime")).unwrap().len() as usize;
    bytes.truncate(offset + 200);
    let damaged = dir.path().join("damaged.AppImage");
    std::fs::write(&damaged, &bytes).unwrap();
    std::fs::set_permissions(&damaged, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cache = dir.path().join("cache");
    let out = Command::new(&damaged).env("XDG_CACHE_HOME", &cache).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(stderr.contains("安装包可能已损坏") && stderr.contains("may be damaged"), "a sentence in both languages: {stderr}");
    assert!(out.stdout.is_empty(), "AppRun never ran");
    let left: Vec<_> = std::fs::read_dir(cache.join("certdesk-appimage")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "no folder is left to run: {left:?}");

    // Without the magic (the runtime alone, say), nothing is extracted either.
    let out = Command::new(env!("CARGO_BIN_EXE_certdesk-appimage-runtime")).env("XDG_CACHE_HOME", &cache).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not an AppImage"), "{out:?}");
}
