//! The desk as an AppImage (issue 15 items 1 and 2), the file `scripts/package` builds with our
//! own runtime (crates/certdesk-appimage): it says where its image starts, extracts with
//! `--appimage-extract` to what the .deb carries (the window marked for the updater as an
//! AppImage's, the CLI, the desktop entry under 上门证工作台, the icons), and started as the
//! file it is (under Xvfb, through tauri-driver) shows the first screen; the first start extracts
//! into the cache, later ones reuse it (both timed).
//!
//! Then the update: the AppImage of this version, copied into a folder of its own, enrolled with
//! a real platform that serves the next version (its .deb and its AppImage, each signed for it). The manager checks and
//! installs; the file at that path is now the next version's, byte for byte, and 立即重启 and the
//! next start run it. A tampered release and one signed with another key are refused with the
//! sentence, the file stays as it was, and the window keeps working.
//!
//! Run by `scripts/test` after `scripts/package` (both versions), with `CERTDESK_APPIMAGE`,
//! `CERTDESK_APPIMAGE_NEXT` and `CERTDESK_UPDATE_KEY_FILE`; without them the tests say so and
//! pass, except under `CI=true`, where they fail.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use certdesk_testkit::desk::open_desk;
use certdesk_testkit::enrolled::enrol_params;
use certdesk_testkit::platform::{Options, TestPlatform};
use futures::FutureExt;
use std::panic::AssertUnwindSafe;

use crate::package::DESKTOP_LINES;
use crate::update::{processes_under, publish_all, sign_in_to_updates, stop, version_of, Refusals};
use crate::window::*;

const DRIVER_PORT: u16 = 4460;
const UPDATE_DRIVER_PORT: u16 = 4462;

/// The paths the variables `names` give, or `None` after saying the test is skipped (a failure
/// under `CI=true`).
fn inputs(names: &[&str]) -> Option<Vec<PathBuf>> {
    let found: Option<Vec<PathBuf>> = names.iter().map(|n| std::env::var_os(n).map(PathBuf::from)).collect();
    if found.is_none() {
        assert!(std::env::var("CI").is_err(), "CI=true: {names:?} must be set (scripts/test sets them after scripts/package)");
        eprintln!("{names:?} not all set: the AppImage test is skipped (scripts/test sets them)");
    }
    found
}

/// The program the runtime extracted into `cache` and runs: every process of it.
fn cached_processes(cache: &Path) -> Vec<(u32, String)> {
    processes_under(&cache.display().to_string())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the AppImage (scripts/package), tauri-driver and a display: run by scripts/test"]
async fn the_appimage_extracts_what_the_deb_carries_and_starts_at_its_first_screen() {
    let Some(found) = inputs(&["CERTDESK_APPIMAGE"]) else { return };
    let appimage = &found[0];
    let work = tempfile::tempdir().unwrap();

    // The format: the magic in the ELF header, the squashfs image where the runtime says.
    let out = Command::new(appimage).arg("--appimage-offset").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let offset: usize = String::from_utf8_lossy(&out.stdout).trim().parse().expect("an offset");
    let bytes = std::fs::read(appimage).unwrap();
    assert_eq!(&bytes[8..11], b"AI\x02", "AppImage type 2 magic");
    assert_eq!(&bytes[offset..offset + 4], b"hsqs", "a squashfs superblock at the offset");

    // What it carries, as the .deb carries it.
    let out = Command::new(appimage).arg("--appimage-extract").current_dir(work.path()).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let root = work.path().join("squashfs-root");
    for want in ["AppRun", "certdesk.desktop", "certdesk-app.png", ".DirIcon", "usr/bin/certdesk-app", "usr/bin/certdesk", "usr/share/applications/certdesk.desktop"] {
        assert!(root.join(want).exists(), "the AppImage carries {want}");
    }
    assert!(root.join("usr/share/icons/hicolor/128x128/apps/certdesk-app.png").is_file());
    let desktop = std::fs::read_to_string(root.join("certdesk.desktop")).unwrap();
    for line in DESKTOP_LINES {
        assert!(desktop.lines().any(|l| l == line), "the desktop entry has {line}:\n{desktop}");
    }
    let program = std::fs::read(root.join("usr/bin/certdesk-app")).unwrap();
    let has = |marker: &[u8]| program.windows(marker.len()).any(|w| w == marker);
    assert!(
        has(b"__TAURI_BUNDLE_TYPE_VAR_APP") && !has(b"__TAURI_BUNDLE_TYPE_VAR_DEB"),
        "the window is marked as an AppImage's, so its updater replaces the file instead of running dpkg"
    );
    let cli = Command::new(root.join("usr/bin/certdesk")).arg("--version").output().unwrap();
    assert!(cli.status.success() && String::from_utf8_lossy(&cli.stdout).contains(env!("CARGO_PKG_VERSION")), "{cli:?}");
    // A second extraction does not write over the first: a sentence and a failure.
    let again = Command::new(appimage).arg("--appimage-extract").current_dir(work.path()).output().unwrap();
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("已存在"), "{again:?}");

    // Started as the .AppImage it is, twice: the first start extracts, the second reuses.
    let cache = work.path().join("cache");
    let data = work.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let driver = Driver::start_with_env(DRIVER_PORT, &[("XDG_CACHE_HOME", &cache)]);
    let mut timings = Vec::new();
    for start in ["first", "second"] {
        let started = Instant::now();
        let d = session(&driver, appimage, &data).await;
        let outcome = AssertUnwindSafe(async {
            wait(&d, tid("setup-form")).await;
            timings.push((start, started.elapsed()));
            assert_eq!(d.title().await.unwrap(), "上门证工作台");
            assert!(!cached_processes(&cache).is_empty(), "the window runs from the extracted folder in the cache");
            if start == "first" {
                d.set_window_rect(0, 0, 1280, 800).await.ok();
                shot(&d, "a-01-appimage-first-screen").await;
            }
        })
        .catch_unwind()
        .await;
        finish(d, outcome).await;
    }
    drop(driver);
    let folders: Vec<_> = std::fs::read_dir(cache.join("certdesk-appimage")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(folders.len(), 1, "one folder for one image: {folders:?}");
    eprintln!(
        "AppImage: {} bytes; to the first screen: {}",
        bytes.len(),
        timings.iter().map(|(s, t)| format!("{s} start {:.2} s", t.as_secs_f64())).collect::<Vec<_>>().join(", ")
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs both AppImage versions (scripts/package), tauri-driver and a display: run by scripts/test"]
async fn the_appimage_updates_its_own_file_to_a_signed_release_and_refuses_a_tampered_or_foreign_one() {
    let Some(found) = inputs(&["CERTDESK_APPIMAGE", "CERTDESK_APPIMAGE_NEXT", "CERTDESK_UPDATE_KEY_FILE"]) else { return };
    let (current_package, next, key) = (&found[0], &found[1], &found[2]);
    let current = env!("CARGO_PKG_VERSION");
    let next_version = version_of(next);
    assert_ne!(next_version, current, "CERTDESK_APPIMAGE_NEXT must be another version: {}", next.display());
    let platform_bin = app_bin().with_file_name("certdesk-platform");

    // The platform, serving the next version as scripts/package builds it: its .deb and its
    // AppImage, one publication. The desk run from the AppImage must be offered the AppImage.
    let work = tempfile::tempdir().unwrap();
    let releases = work.path().join("releases");
    std::fs::create_dir(&releases).unwrap();
    let next_deb = next.with_extension("deb");
    publish_all(&platform_bin, &releases, &next_version, &[&next_deb, next]);
    let mut platform = TestPlatform::start(Options::default().with_releases(&releases)).await;
    let code = platform.desk_agency_code().await;
    let data = work.path().join("data");
    std::fs::create_dir(&data).unwrap();
    {
        let (mut desk, me) = open_desk(&data);
        certdesk_sync::enrol(&mut desk, Some(&me), &enrol_params(&platform, &code)).await.expect("the desk enrols");
    }

    // This version's AppImage where an agency keeps it (a folder of its own, as downloaded).
    let apps = work.path().join("apps");
    std::fs::create_dir(&apps).unwrap();
    let appimage = apps.join(current_package.file_name().unwrap());
    std::fs::copy(current_package, &appimage).unwrap();
    let next_bytes = std::fs::read(next).unwrap();
    let cache = work.path().join("cache");

    let driver = Driver::start_with_env(UPDATE_DRIVER_PORT, &[("XDG_CACHE_HOME", &cache)]);
    let d = session(&driver, &appimage, &data).await;
    let outcome = AssertUnwindSafe(async {
        sign_in_to_updates(&d).await;
        wait_text(&d, tid("update-current"), &format!("当前版本 {current}")).await;
        wait(&d, tid("update-check")).await.click().await.unwrap();
        wait_text(&d, tid("update-version"), &format!("可更新到 {next_version}")).await;
        shot(&d, "a-02-appimage-update-offered").await;
        wait(&d, tid("update-install")).await.click().await.unwrap();
        wait_text(&d, tid("update-installed"), &format!("已安装 {next_version}")).await;
        assert!(std::fs::read(&appimage).unwrap() == next_bytes, "the .AppImage file itself is now the next version's, byte for byte");
        // 立即重启: this process gives way to the AppImage file, which now holds the next version.
        let before = cached_processes(&cache);
        let _ = wait(&d, tid("update-restart")).await.click().await;
        let started = Instant::now();
        let restarted = loop {
            let now = cached_processes(&cache);
            if let Some((pid, exe)) = now.iter().find(|(pid, _)| !before.iter().any(|(b, _)| b == pid)) {
                // The next version's image is extracted into a folder of its own: a restart of
                // the extracted program would run the version before.
                assert!(before.iter().all(|(_, old)| old != exe), "立即重启 runs the .AppImage file, now the next version, not the extracted program before: {exe}");
                break *pid;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "no new process from {} after 立即重启: {now:?}", cache.display());
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        stop(restarted).await;
    })
    .catch_unwind()
    .await;
    finish(d, outcome).await;

    // The next start runs the next version, and refuses both.
    let d = session(&driver, &appimage, &data).await;
    let refused = Refusals { platform_bin: &platform_bin, releases: &releases, key, next, work: work.path(), ext: "AppImage" };
    let outcome = AssertUnwindSafe(refused.check(&d, &next_version, "a-03-appimage-tampered-refused", |which| {
        assert!(std::fs::read(&appimage).unwrap() == next_bytes, "the {which} release changed nothing")
    }))
    .catch_unwind()
    .await;
    finish(d, outcome).await;
    drop(driver);
    platform.stop().await;
}
