//! `certdesk roster file`, `roster receipts --verify` and `roster receipt` from a terminal
//! (issue 14 item 2) against the real platform over TLS: the manager files the roster of a
//! period, the receipt is kept and verifies offline (exit 0), a byte changed in the kept receipt
//! makes `--verify` fail with the desk's sentence (exit 2), and the receipt prints as a PDF that
//! says so.

use std::path::Path;

use certdesk_sync::{sync, SyncOptions};
use certdesk_testkit::desk::{train_to_eligibility, worker_form, MANAGER, MANAGER_PASSWORD};
use certdesk_testkit::enrolled::enrolled_desk;
use certdesk_testkit::id_number;
use certdesk_testkit::platform::{Options, TestPlatform};

/// `certdesk --json` as the manager, run off the async runtime: the exit code and what it printed.
async fn as_manager(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let (dir, args): (std::path::PathBuf, Vec<String>) = (dir.to_owned(), args.iter().map(|a| (*a).to_owned()).collect());
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        crate::certdesk_json(&dir, Some((MANAGER, MANAGER_PASSWORD)), &[], &args)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_manager_files_the_roster_from_a_terminal_and_its_receipts_verify_offline_until_a_byte_changes() {
    let p = TestPlatform::start(Options::approving_everyone()).await;
    let mut d = enrolled_desk(&p, 1).await;
    let me = d.me.clone();
    let ids: Vec<String> = (1..=2).map(|n| d.desk.enrol_worker(&me, &worker_form("张三", &id_number(n))).unwrap().id).collect();
    train_to_eligibility(&mut d.desk, &me, &ids, "88");
    d.desk.apply_all_eligible(&me).unwrap();
    sync(&mut d.desk, &SyncOptions::default()).await.unwrap();
    let dir = d.dir.path().to_owned();
    drop(d.desk);

    // The test kit's exams are on 2026-01-10. The command syncs first, so the approvals arrive.
    let (code, filed) = as_manager(&dir, &["roster", "file", "--from", "2026-01-01", "--to", "2026-01-31"]).await;
    assert_eq!(code, Some(0), "{filed}");
    let number = filed["receipt"]["number"].as_str().expect("the receipt's number").to_owned();
    assert_eq!(filed["receipt"]["rows"], 2, "{filed}");

    let (code, kept) = as_manager(&dir, &["roster", "receipts", "--verify"]).await;
    assert_eq!(code, Some(0), "{kept}");
    assert_eq!((kept[0]["receipt"]["number"].as_str(), &kept[0]["problem"]), (Some(number.as_str()), &serde_json::Value::Null), "verifies offline: {kept}");
    let pdf = dir.join("receipt.pdf");
    let (code, _) = as_manager(&dir, &["roster", "receipt", &number, "-o", pdf.to_str().unwrap()]).await;
    assert_eq!(code, Some(0));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"), "printed as a PDF");

    // One byte of the kept receipt changed on disk: --verify fails with the desk's sentence.
    let db = certdesk_store::open_raw(&dir).unwrap();
    assert_eq!(db.execute("UPDATE roster_filings SET receipt = replace(receipt, '\"rows\":2', '\"rows\":3')", []).unwrap(), 1);
    drop(db);
    let (code, refused) = as_manager(&dir, &["roster", "receipts", "--verify"]).await;
    assert_eq!(code, Some(2), "{refused}");
    assert_eq!(refused["code"], "receipt_invalid", "{refused}");
    assert!(refused["message_zh"].as_str().unwrap_or_default().contains("回执"), "{refused}");
    // Without --verify the list is shown as kept, and nothing was changed by the check.
    let (code, listed) = as_manager(&dir, &["roster", "receipts"]).await;
    assert_eq!((code, listed.as_array().map(Vec::len)), (Some(0), Some(1)), "{listed}");
}
