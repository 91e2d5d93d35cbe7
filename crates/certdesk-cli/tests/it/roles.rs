//! Roles from a terminal: the CLI signs in and goes through the window's own calls
//! (`certdesk-core`), so a clerk asking for a manager's action gets the very error the window
//! gives (`forbidden`, byte for byte in `--json`), and nothing changes.

use std::path::Path;
use std::process::Command;

use certdesk_core::DeskApp;
use certdesk_store::{CancelReason, Desk, DeskError, NewUser, Role};
use certdesk_testkit::desk::{agency, open_desk, worker_form};
use certdesk_testkit::id_number;

const CLERK: &str = "clerk1";
const CLERK_PASSWORD: &str = "clerkpass1";

/// A set-up desk with a clerk and one enrolled worker (the worker's ID number).
pub(crate) fn desk_with_a_clerk(dir: &Path) -> String {
    let (mut desk, me) = open_desk(dir);
    let clerk = NewUser { username: CLERK.into(), display_name: "前台小李".into(), role: Role::Clerk, password: CLERK_PASSWORD.into() };
    desk.add_user(Some(&me), &clerk).expect("the manager adds a clerk");
    let id = id_number(3);
    desk.enrol_worker(&me, &worker_form("王五", &id)).expect("the manager enrols");
    id
}

/// `certdesk --json` as the clerk: the exit code and what it printed on stdout.
pub(crate) fn as_clerk(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    crate::certdesk_json(dir, Some((CLERK, CLERK_PASSWORD)), &[], args)
}

#[test]
fn a_clerk_running_a_managers_command_gets_the_windows_own_refusal_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let id = desk_with_a_clerk(dir.path());

    let agency_updated_at = Desk::open(dir.path()).unwrap().agency().unwrap().unwrap().updated_at;
    // The window: the same calls through certdesk-core with the clerk signed in.
    let app = DeskApp::new(Desk::open(dir.path()).unwrap());
    app.login(CLERK, CLERK_PASSWORD).unwrap();
    let worker = app.signed_in("worker_search", |s| s.resolve_worker(&id)).unwrap();
    let window: Vec<DeskError> = vec![
        app.signed_in("user_list", |s| s.as_manager()?.list_users().map(drop)).unwrap_err(),
        app.signed_in("agency_set", |s| s.as_manager()?.set_agency(&agency()).map(drop)).unwrap_err(),
        app.signed_in("card_cancel", |s| s.as_manager()?.cancel_certificate(&worker, CancelReason::LeftAgency, "").map(drop)).unwrap_err(),
        app.signed_in("training_settings_set", |s| s.training_settings().and_then(|t| s.as_manager()?.set_training_settings(&t)).map(drop)).unwrap_err(),
    ];
    drop(app);

    let a = agency();
    let cli = [
        as_clerk(dir.path(), &["user", "list"]),
        as_clerk(
            dir.path(),
            &["agency", "set", "--name", &a.name, "--credit-code", &a.credit_code, "--district", &a.district, "--address", &a.address, "--phone", &a.phone],
        ),
        as_clerk(dir.path(), &["card", "cancel", "--worker", &id, "--reason", "left_agency"]),
    ];
    for (i, (code, printed)) in cli.iter().enumerate() {
        assert_eq!(*code, Some(2), "a refusal is the clerk's, not an internal error: {printed}");
        assert_eq!(printed, &serde_json::to_value(&window[i]).unwrap(), "the CLI prints the window's own error");
        assert_eq!(printed["code"], "forbidden");
    }
    assert_eq!(window[3], DeskError::forbidden(), "the pass mark is a manager's too");

    // Enrolling the device is refused before any network: the platform address is unreachable.
    let (code, printed) = as_clerk(dir.path(), &["device", "enrol", "--platform", "https://127.0.0.1:9", "--code", "ABCD-EFGH"]);
    assert_eq!((code, printed), (Some(2), serde_json::to_value(DeskError::forbidden()).unwrap()), "enrolment needs a manager");

    let desk = Desk::open(dir.path()).unwrap();
    assert_eq!(desk.worker(&worker).unwrap().status, certdesk_domain::WorkerStatus::Enrolled, "nothing was cancelled");
    assert!(!desk.sync_status().unwrap().enrolled, "nothing was enrolled");
    assert_eq!(desk.agency().unwrap().unwrap().updated_at, agency_updated_at, "the agency was not changed");
}

#[test]
fn a_clerk_does_a_clerks_work_from_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let id = desk_with_a_clerk(dir.path());
    let (code, shown) = as_clerk(dir.path(), &["worker", "show", &id]);
    assert_eq!(code, Some(0), "a clerk reads a worker: {shown}");
    assert_eq!(shown["worker"]["id_number"], id.as_str());
    let (code, status) = as_clerk(dir.path(), &["sync", "status"]);
    assert_eq!(code, Some(0), "a clerk reads the sync status: {status}");
    assert_eq!(status["enrolled"], false);
}

#[test]
fn without_a_sign_in_a_command_is_refused_as_unauthorized() {
    let dir = tempfile::tempdir().unwrap();
    desk_with_a_clerk(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_certdesk"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--json", "worker", "list"])
        .env_remove("CERTDESK_USER")
        .env_remove("CERTDESK_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["code"], "unauthorized", "a read needs a sign-in too: {printed}");
}

#[test]
fn a_clerk_cannot_export_the_roster_from_the_terminal_either() {
    let dir = tempfile::tempdir().unwrap();
    desk_with_a_clerk(dir.path());
    let out = dir.path().join("roster.csv");
    let (code, printed) = as_clerk(dir.path(), &["roster", "export", "--format", "csv", "-o", out.to_str().unwrap(), "--status", "all"]);
    assert_eq!((code, printed), (Some(2), serde_json::to_value(DeskError::forbidden()).unwrap()), "the roster is a manager's");
    assert!(!out.exists(), "nothing was written");
}

/// 名册备案 is a manager's: a clerk may neither file nor read the receipts from the terminal.
#[test]
fn a_clerk_cannot_file_the_roster_or_read_its_receipts() {
    let dir = tempfile::tempdir().unwrap();
    desk_with_a_clerk(dir.path());
    for args in [&["roster", "file", "--from", "2026-01-01", "--to", "2026-01-31"][..], &["roster", "receipts", "--verify"][..]] {
        let (code, printed) = as_clerk(dir.path(), args);
        assert_eq!((code, printed), (Some(2), serde_json::to_value(DeskError::forbidden()).unwrap()), "{args:?}");
    }
}

/// `certdesk card activation` for a worker whose card was not handed over: the store's sentence
/// naming the worker, a non-zero exit, and no code made (nothing queued for the platform).
#[test]
fn an_activation_code_before_hand_over_is_refused_with_a_sentence_and_nothing_is_queued() {
    let dir = tempfile::tempdir().unwrap();
    let id = desk_with_a_clerk(dir.path());
    let queued = |d: &Path| Desk::open(d).unwrap().pending_outbox(1000).unwrap().len();
    let before = queued(dir.path());
    for args in [vec!["card", "activation", "--worker", &id], vec!["card", "activation", "--worker", &id, "--new"]] {
        let (code, printed) = as_clerk(dir.path(), &args);
        assert_ne!(code, Some(0), "{args:?}");
        assert_eq!(printed["code"], "activation_needs_handover", "{printed}");
        assert!(printed["message_zh"].as_str().unwrap().contains("王五"), "{printed}");
    }
    assert_eq!(queued(dir.path()), before);
}

/// The ID-card reader from the terminal: choosing its port is a manager's; reading with no port
/// chosen, or from a port where no reader answers, is refused with the reader's sentence and a
/// non-zero exit (the reader itself is tested against a simulated one in certdesk-idcard).
#[test]
fn the_id_card_reader_needs_its_port_and_says_why_it_read_nothing() {
    let dir = tempfile::tempdir().unwrap();
    desk_with_a_clerk(dir.path());
    let (code, printed) = as_clerk(dir.path(), &["idcard", "port", "/dev/ttyUSB0"]);
    assert_eq!((code, printed), (Some(2), serde_json::to_value(DeskError::forbidden()).unwrap()), "the port is a manager's setting");
    let (code, printed) = as_clerk(dir.path(), &["idcard", "read"]);
    assert_eq!(code, Some(2));
    assert_eq!(printed["code"], "idcard_reader");
    assert!(printed["message_zh"].as_str().unwrap().contains("尚未设置读卡器端口"), "{printed}");
    let (code, printed) = as_clerk(dir.path(), &["idcard", "read", "--port", "/dev/certdesk-no-such-reader"]);
    assert_eq!((code, printed["code"].as_str()), (Some(2), Some("idcard_reader")));
    assert!(printed["message_zh"].as_str().unwrap().contains("无法连接读卡器"), "{printed}");
    // A card on a (simulated, Unix pseudo-terminal) reader at the port given reads whole, its
    // sex the number's.
    #[cfg(unix)]
    {
        let id = certdesk_testkit::id_number_from("31010419850312013");
        let card = certdesk_idcard::CardText {
            name: "张三".into(),
            gender: certdesk_domain::Gender::Male,
            ethnicity: "汉".into(),
            birth_date: chrono::NaiveDate::from_ymd_opt(1985, 3, 12).unwrap(),
            address: "上海市徐汇区漕溪北路1号".into(),
            id_number: id.clone(),
            authority: "上海市公安局徐汇分局".into(),
            valid_from: chrono::NaiveDate::from_ymd_opt(2020, 5, 1).unwrap(),
            valid_until: None,
        };
        let (port, _reader) = certdesk_idcard::simulator::start(card, "01", certdesk_idcard::simulator::Behaviour::Card).unwrap();
        let (code, printed) = as_clerk(dir.path(), &["idcard", "read", "--port", &port]);
        assert_eq!(code, Some(0), "{printed}");
        assert_eq!(
            (printed["name"].as_str(), printed["gender"].as_str(), printed["id_number"].as_str(), printed["valid_until"].as_null()),
            (Some("张三"), Some("male"), Some(id.as_str()), Some(())),
            "{printed}"
        );
    }
}
