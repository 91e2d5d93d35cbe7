//! Printing at the desk end to end on real files: a real SQLite desk, credentials signed with
//! a real Ed25519 key, the PDF rendered by poppler (`pdftoppm`), every QR code decoded by
//! `zbarimg`, checked with `qpdf`, and each decoded URL verified offline by the desk.

use std::path::Path;
use std::process::Command;

use certdesk_domain::certificate_code::CertificateCode;
use certdesk_print::{preview, print_cards, Destination};
use certdesk_protocol::credential::{issue_url, CredentialClaims, RevocationEntry, TrustedKey};
use certdesk_protocol::sync::{Change, ChangeBody};
use certdesk_card::Layout;
use certdesk_store::{Desk, LossKind, SessionUser};
use certdesk_testkit::desk::{open_desk_with_clock, worker_form, FixedClock};
use certdesk_testkit::id_number_from;
use chrono::NaiveDate;
use ed25519_dalek::SigningKey;

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn key() -> SigningKey {
    SigningKey::from_bytes(&[3u8; 32])
}

fn fresh(dir: &Path) -> (Desk, SessionUser) {
    open_desk_with_clock(dir, Box::new(FixedClock::at("2026-11-27T02:00:00Z")))
}

fn enrol(desk: &mut Desk, me: &SessionUser, name: &str, seq17: &str) -> String {
    let mut input = worker_form(name, &id_number_from(seq17));
    input.form.service_types = vec!["保洁".into(), "母婴护理".into()];
    input.form.consent_date = Some("2026-11-01".into());
    desk.enrol_worker(me, &input).unwrap().id
}

/// What the platform sends for an approval (or a reissue) of `worker_id`.
fn approve(desk: &mut Desk, worker_id: &str, serial: u32, card_version: u16, seq: i64) -> String {
    let claims = CredentialClaims {
        key_id: 1,
        certificate_code: CertificateCode::new(4, 2026, serial).unwrap(),
        card_version,
        valid_from: date("2026-11-27"),
        valid_until: date("2029-11-26"),
    };
    let url = issue_url("https://zj.example.cn/c/", &claims, &key()).unwrap();
    let code = claims.certificate_code.to_string();
    let changes = [
        ChangeBody::TrustKey { key: TrustedKey::for_signing_key(1, &key(), date("2026-01-01"), None) },
        ChangeBody::Approval {
            worker_id: worker_id.parse().unwrap(),
            certificate_code: code.clone(),
            card_version,
            valid_from: claims.valid_from,
            valid_until: claims.valid_until,
            credential_url: url.clone(),
        },
        ChangeBody::Revocation { entry: RevocationEntry { certificate_code: code, revoked: false, current_card_version: card_version } },
    ];
    let changes: Vec<Change> = changes.into_iter().enumerate().map(|(i, body)| Change { seq: seq + i as i64, body }).collect();
    desk.apply_pulled(&changes, seq + 2, true).unwrap();
    url
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e} (scripts/install-deps installs poppler-utils, zbar-tools, qpdf)"));
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every QR code in the PDF, decoded from poppler's rendering of every page.
fn decode_qr(pdf: &Path) -> Vec<String> {
    run(Command::new("qpdf").arg("--check").arg(pdf));
    let dir = tempfile::tempdir().unwrap();
    run(Command::new("pdftoppm").args(["-r", "300", "-png"]).arg(pdf).arg(dir.path().join("p")));
    let mut pages: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
    pages.sort();
    let mut found = Vec::new();
    for page in pages {
        let out = Command::new("zbarimg").args(["--raw", "-q", "-Sdisable", "-Sqrcode.enable"]).arg(&page).output().unwrap();
        found.extend(String::from_utf8_lossy(&out.stdout).lines().map(str::to_string));
    }
    found
}

#[test]
fn printed_cards_scan_and_verify_and_a_replacement_replaces_the_lost_card() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let a = enrol(&mut desk, &me, "张三", "31010419800101001");
    let b = enrol(&mut desk, &me, "阿依古丽·买买提", "31010419800101002");
    let url_a1 = approve(&mut desk, &a, 501, 1, 1);
    let url_b1 = approve(&mut desk, &b, 502, 1, 10);

    // An A4 sheet with both approved cards.
    let sheet = dir.path().join("sheet.pdf");
    let mut seen = Vec::new();
    let ids = vec![a.clone(), b.clone()];
    let outcome =
        print_cards(&mut desk, &me, &ids, Layout::A4Sheet, &Destination::Pdf(sheet.clone()), &mut |d, t| seen.push((d, t))).unwrap();
    assert_eq!(outcome.cards, 2);
    assert_eq!(seen.last(), Some(&(2, 2)), "progress reaches the end");
    let mut codes = decode_qr(&sheet);
    codes.sort();
    let mut want = vec![url_a1.clone(), url_b1.clone()];
    want.sort();
    assert_eq!(codes, want, "both QR codes on the sheet decode to the signed URLs");
    for url in &codes {
        assert_eq!(desk.verify_scan(url).unwrap().verdict, "valid");
    }
    assert_eq!(desk.worker(&a).unwrap().status, "printed");
    let prints = desk.card_state(&a).unwrap().prints;
    assert_eq!((prints.len(), prints[0].printer.as_str(), prints[0].layout.as_str()), (1, "pdf:sheet.pdf", "a4"));

    // Hand-over, loss, the platform's new version, the replacement printed as a single card.
    desk.issue_card(&me, &a, None, None).unwrap();
    let err = print_cards(&mut desk, &me, std::slice::from_ref(&a), Layout::Cr80, &Destination::Pdf(dir.path().join("x.pdf")), &mut |_, _| {})
        .unwrap_err();
    assert_eq!(err.code, "already_issued");
    assert!(!dir.path().join("x.pdf").exists(), "a refused print writes nothing");
    desk.report_card_loss(&me, &a, LossKind::Lost, "").unwrap();
    let url_a2 = approve(&mut desk, &a, 501, 2, 20);
    let single = dir.path().join("replacement.pdf");
    print_cards(&mut desk, &me, std::slice::from_ref(&a), Layout::Cr80, &Destination::Pdf(single.clone()), &mut |_, _| {}).unwrap();
    assert_eq!(decode_qr(&single), vec![url_a2.clone()]);
    assert_eq!(desk.verify_scan(&url_a2).unwrap().verdict, "valid");
    let old = desk.verify_scan(&url_a1).unwrap();
    assert_eq!((old.verdict.code(), old.current_card_version), ("replaced", Some(2)));
    let pages = run(Command::new("pdfinfo").arg(&single));
    let count = pages.lines().find_map(|l| l.strip_prefix("Pages:")).map(|n| n.trim().to_string());
    assert_eq!(count.as_deref(), Some("2"), "front and back: {pages}");
}

#[test]
fn a_preview_of_an_unapproved_worker_is_a_draft_without_qr_and_is_not_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let w = enrol(&mut desk, &me, "李四", "31010419800101003");
    let pdf = preview(&desk, &w, Layout::Cr80).unwrap();
    let file = dir.path().join("draft.pdf");
    std::fs::write(&file, &pdf).unwrap();
    assert!(decode_qr(&file).is_empty(), "a draft has no QR code");
    let text = run(Command::new("pdftotext").arg(&file).arg("-"));
    assert!(text.contains("样张"), "watermarked: {text}");
    assert!(desk.card_state(&w).unwrap().prints.is_empty(), "a preview is not a print");
    let err = print_cards(&mut desk, &me, std::slice::from_ref(&w), Layout::Cr80, &Destination::Pdf(dir.path().join("y.pdf")), &mut |_, _| {})
        .unwrap_err();
    assert_eq!(err.code, "not_approved");
    assert_eq!(desk.worker(&w).unwrap().status, "enrolled");
}

/// A real CUPS queue (the cups-pdf backend, which writes what it prints as a PDF into the job
/// owner's ~/PDF): the card goes through `lp`, the scheduler and the backend, and what comes
/// out of the "printer" still carries a QR code that verifies. `scripts/install-deps` installs
/// CUPS; this test starts the scheduler if it is not running, which needs root (as in CI).
#[test]
fn a_card_printed_on_a_cups_queue_comes_out_of_the_printer_and_its_qr_verifies() {
    let is_root = Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false);
    if !is_root {
        eprintln!("skipped: adding a CUPS queue needs root (CI runs as root)");
        return;
    }
    if Command::new("pgrep").args(["-x", "cupsd"]).output().map(|o| !o.status.success()).unwrap_or(true) {
        run(&mut Command::new("/usr/sbin/cupsd"));
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    let queue = format!("certdesk-test-{}", std::process::id());
    run(Command::new("lpadmin").args(["-p", &queue, "-E", "-v", "cups-pdf:/", "-P", "/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd"]));
    assert!(certdesk_print::printers().iter().any(|p| p.name == queue), "lpstat lists the new queue");

    let out_dir = Path::new("/root/PDF");
    let before: Vec<_> = std::fs::read_dir(out_dir).map(|d| d.map(|e| e.unwrap().path()).collect()).unwrap_or_default();
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let w = enrol(&mut desk, &me, "王五", "31010419800101009");
    let url = approve(&mut desk, &w, 777, 1, 1);
    let outcome = print_cards(&mut desk, &me, std::slice::from_ref(&w), Layout::Cr80, &Destination::Printer(queue.clone()), &mut |_, _| {});
    let started = std::time::Instant::now();
    let printed = loop {
        let now: Vec<_> = std::fs::read_dir(out_dir).map(|d| d.map(|e| e.unwrap().path()).collect()).unwrap_or_default();
        if let Some(new) = now.into_iter().find(|p| !before.contains(p) && p.extension().is_some_and(|e| e == "pdf")) {
            // cups-pdf writes the file in steps; wait until it is complete.
            std::thread::sleep(std::time::Duration::from_millis(500));
            break Some(new);
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let _ = Command::new("lpadmin").args(["-x", &queue]).status();
    let outcome = outcome.expect("lp accepted the job");
    assert_eq!(outcome.printer.as_deref(), Some(queue.as_str()));
    assert!(outcome.job.as_deref().is_some_and(|j| j.starts_with(&queue)), "the CUPS job id: {:?}", outcome.job);
    let printed = printed.expect("the queue printed the card within a minute");
    let codes = decode_qr(&printed);
    let _ = std::fs::remove_file(&printed);
    assert_eq!(codes, vec![url.clone()], "the printed card's QR code is the credential");
    assert_eq!(desk.verify_scan(&url).unwrap().verdict, "valid");
    let prints = desk.card_state(&w).unwrap().prints;
    assert_eq!(prints[0].printer, queue, "the print record names the queue");
    assert_eq!(desk.worker(&w).unwrap().status, "printed");
}

#[test]
fn a_queue_that_does_not_exist_refuses_the_job_and_nothing_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let w = enrol(&mut desk, &me, "赵六", "31010419800101010");
    approve(&mut desk, &w, 778, 1, 1);
    let err = print_cards(&mut desk, &me, std::slice::from_ref(&w), Layout::Cr80, &Destination::Printer("no-such-queue-here".into()), &mut |_, _| {})
        .unwrap_err();
    assert!(matches!(err.code.as_str(), "print_failed" | "no_cups"), "{err:?}");
    assert!(desk.card_state(&w).unwrap().prints.is_empty(), "a refused job is not recorded");
    assert_eq!(desk.worker(&w).unwrap().status, "approved");
    let err = print_cards(&mut desk, &me, std::slice::from_ref(&w), Layout::Cr80, &Destination::Printer("-d evil".into()), &mut |_, _| {})
        .unwrap_err();
    assert_eq!(err.code, "printer", "an option smuggled in as a queue name is refused");
}
