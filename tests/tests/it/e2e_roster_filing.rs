//! End-to-end through the real window for roster filing (名册备案, issue 14 item 2): the release
//! app under Xvfb, driven by tauri-driver and WebKitWebDriver, with a real platform (HTTPS, dev
//! TLS, everyone passing the watch list) started in this process. Two trained workers are
//! applied for and approved through the real sync before the window opens (the test kit's exams
//! are on 2026-01-10). In the window the manager finds the form on the roster page with the
//! previous month filled in, files January 2026 with Enter, sees the receipt (its number, rows
//! and roster hash are the ones the desk kept), presses 核验回执 and reads 有效; filing the same
//! roster again shows the platform's refusal naming the filing (before it, the filing's funding
//! pack, 项目资金材料, is written from its row and both files exist); one changed byte of the kept
//! receipt makes 核验回执 say the signature does not hold. Screenshots go to
//! tests/screenshots/f-*.png.
//!
//! Run by `scripts/test`; alone:
//! `CERTDESK_APP_BIN=target/release/certdesk-app xvfb-run -a cargo test -p certdesk-tests --test it e2e_roster_filing:: -- --ignored`
//!
//! Its tauri-driver listens on 4452/4453.

use std::path::Path;
use std::time::{Duration, Instant};

use certdesk_store::Desk;
use certdesk_sync::SyncOptions;
use certdesk_testkit::desk::{open_desk, synthetic_worker, train_to_eligibility, MANAGER, MANAGER_PASSWORD};
use certdesk_testkit::enrolled::enrol_params;
use certdesk_testkit::platform::{Options, TestPlatform};
use chrono::Datelike;
use thirtyfour::prelude::*;

use crate::window::*;

/// This file's tauri-driver port (WebKitWebDriver takes the next one).
const DRIVER_PORT: u16 = 4452;

fn sync_now(data: &Path) {
    let mut desk = Desk::open(data).unwrap();
    certdesk_sync::sync_blocking(&mut desk, &SyncOptions::default()).expect("the sync succeeds");
}

/// The previous calendar month of today, as the form should start.
fn previous_month() -> (String, String) {
    let today = certdesk_testkit::shanghai_today();
    let last = today.with_day(1).unwrap() - chrono::Duration::days(1);
    (last.with_day(1).unwrap().to_string(), last.to_string())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built app, tauri-driver and a display: run by scripts/test"]
async fn the_manager_files_the_roster_in_the_window_and_its_receipt_verifies() {
    use futures::FutureExt;
    use std::panic::AssertUnwindSafe;

    // The platform approves every application at once; the operator registers the desk's own
    // agency (same credit code) and issues an enrolment code.
    let mut platform = TestPlatform::start(Options::approving_everyone()).await;
    let code = platform.desk_agency_code().await;

    // The desk: two workers trained (exam on 2026-01-10), enrolled with the platform, applied
    // for and approved through the real sync: the roster of January holds both.
    let data = tempfile::tempdir().unwrap();
    let ids = {
        let (mut desk, me) = open_desk(data.path());
        let ids: Vec<String> = (0..2).map(|i| desk.enrol_worker(&me, &synthetic_worker(7100 + i)).unwrap().id).collect();
        train_to_eligibility(&mut desk, &me, &ids, "88");
        certdesk_sync::enrol(&mut desk, Some(&me), &enrol_params(&platform, &code)).await.expect("the desk enrols");
        desk.apply_all_eligible(&me).unwrap();
        ids
    };
    let started = Instant::now();
    loop {
        let dir = data.path().to_owned();
        tokio::task::spawn_blocking(move || sync_now(&dir)).await.unwrap();
        let desk = Desk::open(data.path()).unwrap();
        if ids.iter().all(|id| desk.worker(id).unwrap().status == "approved") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the applications were not approved");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    let app = app_bin();
    let driver = Driver::start(DRIVER_PORT);
    let d = session(&driver, &app, data.path()).await;
    let outcome = AssertUnwindSafe(file_and_verify(&d, data.path())).catch_unwind().await;
    finish(d, outcome).await;
    platform.stop().await;
}

/// Scrolls the filing section to the top of the window, so a screenshot shows the form, the
/// answer and the list of kept filings together.
async fn show_filing(d: &WebDriver) {
    d.execute("document.querySelector(\"[data-testid='roster-filing']\").scrollIntoView({ block: 'start' });", vec![])
        .await
        .unwrap();
}

async fn file_and_verify(d: &WebDriver, data: &Path) {
    d.set_window_rect(0, 0, 1280, 900).await.ok();
    wait(d, tid("login-form")).await;
    type_into(d, "login_username", MANAGER).await;
    type_into(d, "login_password", MANAGER_PASSWORD).await;
    wait(d, By::Id("login_password")).await.send_keys(Key::Enter).await.unwrap();
    wait(d, tid("worker-table")).await;
    wait(d, tid("nav-roster")).await.click().await.unwrap();
    wait(d, tid("roster-filing")).await;
    wait_text(d, tid("filing-list"), "尚无备案").await;

    // The form starts with the previous calendar month.
    let (first, last) = previous_month();
    assert_eq!((value(d, "filing_from").await, value(d, "filing_to").await), (first, last), "the period defaults to last month");

    // January 2026, submitted with Enter from the last field.
    type_into(d, "filing_from", "2026-01-01").await;
    type_into(d, "filing_to", "2026-01-31").await;
    wait(d, By::Id("filing_to")).await.send_keys(Key::Enter).await.unwrap();
    let done = wait_text(d, tid("filing-done"), "已备案").await;

    // What the window shows is the receipt the desk kept after verifying it.
    let kept = Desk::open(data).unwrap().filings(false).unwrap();
    assert_eq!(kept.len(), 1, "one filing kept");
    let receipt = kept[0].receipt.clone().expect("the desk kept the platform's receipt");
    assert_eq!(receipt.body.rows, 2, "both approved workers sat the exam in January");
    assert_eq!(wait(d, tid("filing-number")).await.text().await.unwrap(), receipt.body.number, "the receipt number shown");
    assert_eq!(wait_text(d, tid("filing-sha256"), &receipt.body.roster_sha256).await, receipt.body.roster_sha256);
    assert!(done.contains("人数2") && done.contains("2026-01-01 ~ 2026-01-31"), "rows and period shown: {done}");
    let row = By::Css(format!("[data-testid='filing-row'][data-number='{}']", receipt.body.number));
    wait_text(d, row.clone(), "未核验").await;

    // 核验回执: checked offline against the synced trust list.
    wait(d, tid("filing-verify")).await.click().await.unwrap();
    wait_text(d, By::Css(format!("[data-testid='filing-row'][data-number='{}'] [data-testid='filing-valid']", receipt.body.number)), "有效").await;
    show_filing(d).await;
    shot(d, "f-01-roster-filed-verified").await;

    // 项目资金材料 (issue 14 item 3): the filing's funding pack, written into the export folder.
    wait(d, tid("pack-write")).await.click().await.unwrap();
    let pack = wait_text(d, tid("pack-done"), "项目资金材料").await;
    assert!(pack.contains(&receipt.body.number) && pack.contains("名册 2 人") && pack.contains("核对无误 2 人"), "what the pack found: {pack}");
    // The two paths, one after the other (the PDF's first).
    let files = wait(d, tid("pack-files")).await.text().await.unwrap();
    let split = files.find(".pack.pdf").map(|i| i + ".pack.pdf".len()).unwrap_or_else(|| panic!("the PDF named: {files}"));
    let (pdf, xlsx) = (files[..split].trim(), files[split..].trim());
    for (path, ext, magic) in [(pdf, ".pack.pdf", &b"%PDF-"[..]), (xlsx, ".pack.xlsx", &b"PK"[..])] {
        assert!(path.ends_with(&format!("{}{ext}", receipt.body.number)), "the file is named after the filing: {path}");
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(bytes.starts_with(magic), "{path} is a real {ext}");
        // The export folder is the user's documents folder: leave nothing of the test there.
        std::fs::remove_file(path).unwrap();
    }
    show_filing(d).await;
    shot(d, "f-02-funding-pack-written").await;

    // 打印回执 PDF: the receipt printed into the export folder, named after the filing.
    wait(d, By::Css(format!("[data-testid='filing-row'][data-number='{}'] [data-testid='receipt-pdf']", receipt.body.number))).await.click().await.unwrap();
    let path = wait(d, tid("receipt-path")).await.text().await.unwrap();
    assert!(path.trim().ends_with(&format!("名册备案回执-{}.pdf", receipt.body.number)), "{path}");
    let bytes = std::fs::read(path.trim()).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(bytes.starts_with(b"%PDF-"), "a real PDF");
    std::fs::remove_file(path.trim()).unwrap();

    // The same roster again: the platform's refusal names the filing, nothing more is kept.
    wait(d, By::Id("filing_to")).await.send_keys(Key::Enter).await.unwrap();
    let refusal = wait_text(d, tid("filing-error"), "未备案").await;
    assert!(refusal.contains(&receipt.body.number) && refusal.contains("已备案"), "the refusal names the filing: {refusal}");
    show_filing(d).await;
    shot(d, "f-03-roster-filed-again-refused").await;
    assert_eq!(Desk::open(data).unwrap().filings(false).unwrap().len(), 1, "a refused filing is not kept");

    // One byte of the kept receipt changed on disk: 核验回执 says the signature does not hold.
    let db = certdesk_store::open_raw(data).unwrap();
    let changed = db.execute("UPDATE roster_filings SET receipt = replace(receipt, '\"rows\":2', '\"rows\":3')", []).unwrap();
    assert_eq!(changed, 1, "the receipt was changed");
    wait(d, tid("filing-verify")).await.click().await.unwrap();
    wait_text(d, row, "回执签名无效").await;
    wait_gone(d, tid("filing-valid")).await;
    show_filing(d).await;
    shot(d, "f-04-receipt-changed").await;
}
