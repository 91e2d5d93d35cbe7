//! The application layer the window and the CLI share, driven the way they drive it: sign-in
//! and the manager check are refused before the desk is touched, every failure lands in the
//! desk's log without personal data, and the diagnostics bundle holds what support needs and
//! nothing personal.

use std::cell::Cell;
use std::io::Read;
use std::path::Path;

use certdesk_core::{diagnostics, log, DeskApp};
use certdesk_store::{DeskError, NewUser, Role};
use certdesk_testkit::desk::{open_desk, worker_form, MANAGER, MANAGER_PASSWORD};
use certdesk_testkit::id_number;

const NAME: &str = "张晓燕";
const PHONE: &str = "13912345678";
const WRONG_PASSWORD: &str = "Wrong-Pass-7731";

fn log_text(dir: &Path) -> String {
    std::fs::read_to_string(log::log_dir(dir).join(log::LOG_FILE)).expect("the log file exists")
}

/// A desk set up with one worker ([`NAME`], `id_number(1)`, [`PHONE`]); nobody signed in.
fn app_with_a_worker(dir: &Path) -> DeskApp {
    let (mut desk, me) = open_desk(dir);
    let mut form = worker_form(NAME, &id_number(1));
    form.form.phone = PHONE.into();
    desk.enrol_worker(&me, &form).expect("the first enrolment succeeds");
    DeskApp::new(desk, None)
}

#[test]
fn failed_commands_are_logged_with_their_code_and_never_an_id_number_phone_name_or_password() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_a_worker(dir.path());
    let id = id_number(1);
    tracing::subscriber::with_default(log::subscriber(dir.path()), || {
        let mut form = worker_form(NAME, &id);
        form.form.phone = PHONE.into();
        let e = app.signed_in("worker_enrol", |d, u| d.enrol_worker(u, &form)).unwrap_err();
        assert_eq!(e.code, "unauthorized", "nobody is signed in yet");
        let e = app.login(MANAGER, WRONG_PASSWORD).unwrap_err();
        assert_eq!(e.code, "bad_credentials");
        app.login(MANAGER, MANAGER_PASSWORD).expect("the manager signs in");
        let e = app.signed_in("worker_enrol", |d, u| d.enrol_worker(u, &form)).unwrap_err();
        assert_eq!(e.code, "duplicate_id_number", "the same ID number is refused: {e:?}");
        // An internal failure whose cause quotes what it was working on: the cause is logged,
        // the numbers in it are not.
        let e = app
            .signed_in("import_run", |_, _| Err::<(), _>(DeskError::internal(format!("row 2 ({id}, {PHONE}): disk I/O error"))))
            .unwrap_err();
        assert_eq!(e.code, "internal");
    });
    let text = log_text(dir.path());
    for expected in ["worker_enrol", "unauthorized", "login", "bad_credentials", "duplicate_id_number", "import_run", "disk I/O error"] {
        assert!(text.contains(expected), "the log names every failure and its cause ({expected}):\n{text}");
    }
    for secret in [id.as_str(), &id[id.len() - 11..], PHONE, NAME, WRONG_PASSWORD, MANAGER_PASSWORD] {
        assert!(!text.contains(secret), "the log must not hold {secret:?}:\n{text}");
    }
    assert!(text.contains(log::MASK), "the quoted numbers were masked, not dropped with their line");
}

#[test]
fn nobody_and_a_clerk_are_refused_before_the_desk_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = open_desk(dir.path());
    let clerk = NewUser { username: "clerk1".into(), display_name: "前台小李".into(), role: Role::Clerk, password: "clerkpass1".into() };
    desk.add_user(Some(&me), &clerk).expect("the manager adds a clerk");
    let app = DeskApp::new(desk, None);
    let touched = Cell::new(0);

    let e = app.signed_in("stats", |d, _| { touched.set(touched.get() + 1); d.stats(12) }).unwrap_err();
    assert_eq!(e.code, "unauthorized", "a read needs a signed-in user too");
    let e = app.manager("user_list", |d, u| { touched.set(touched.get() + 1); d.list_users(u) }).unwrap_err();
    assert_eq!(e.code, "unauthorized");
    assert_eq!(touched.get(), 0, "nothing ran without a sign-in");

    app.login("clerk1", "clerkpass1").expect("the clerk signs in");
    app.signed_in("stats", |d, _| d.stats(12)).expect("a clerk reads the numbers");
    let e = app.manager("user_list", |d, u| { touched.set(touched.get() + 1); d.list_users(u) }).unwrap_err();
    assert_eq!(e.code, "forbidden", "a manager's action refuses a clerk");
    assert_eq!(touched.get(), 0, "the manager's action never ran for the clerk");

    app.logout();
    app.login(MANAGER, MANAGER_PASSWORD).expect("the manager signs in");
    let users = app.manager("user_list", |d, u| d.list_users(u)).expect("the manager lists users");
    assert_eq!(users.len(), 2);
    app.logout();
    assert_eq!(app.signed_in("stats", |d, _| d.stats(12)).unwrap_err().code, "unauthorized", "signing out ends the session");
}

fn zip_entries(path: &Path) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).expect("a valid zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut text = String::new();
            f.read_to_string(&mut text).expect("every entry is text");
            (f.name().to_string(), text)
        })
        .collect()
}

#[test]
fn the_diagnostics_bundle_holds_logs_versions_sizes_and_sync_counts_and_nothing_personal() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_a_worker(dir.path());
    let id = id_number(1);
    tracing::subscriber::with_default(log::subscriber(dir.path()), || {
        app.login(MANAGER, MANAGER_PASSWORD).unwrap();
        let mut form = worker_form(NAME, &id);
        form.form.phone = PHONE.into();
        app.signed_in("worker_enrol", |d, u| d.enrol_worker(u, &form)).unwrap_err();
        let e = app.signed_in("worker_get", |_, _| Err::<(), _>(DeskError::internal(format!("no such row {id}")))).unwrap_err();
        assert_eq!(e.code, "internal");
    });
    let out = tempfile::tempdir().unwrap();
    let zip_path = out.path().join("certdesk-diagnostics.zip");
    let program = diagnostics::Program { name: "certdesk-test", version: "9.8.7" };
    let names = app.signed_in("diagnostics_export", |d, _| diagnostics::write_bundle(d, program, &zip_path)).unwrap();

    let entries = zip_entries(&zip_path);
    let listed: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(listed, names, "the bundle says what it wrote");
    assert_eq!(listed, [diagnostics::VERSIONS, diagnostics::DATA_FOLDER, diagnostics::SYNC, "logs/certdesk.log"]);
    let entry = |name: &str| entries.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone()).unwrap();

    let versions: serde_json::Value = serde_json::from_str(&entry(diagnostics::VERSIONS)).unwrap();
    assert_eq!(versions["program"], "certdesk-test");
    assert_eq!(versions["version"], "9.8.7");
    let schema = app.before_sign_in("schema", |d| d.schema_version()).unwrap();
    assert!(schema > 0);
    assert_eq!(versions["schema_version"], schema, "the database's schema version");
    assert_eq!(versions["os"], std::env::consts::OS);

    let folder: serde_json::Value = serde_json::from_str(&entry(diagnostics::DATA_FOLDER)).unwrap();
    let db = folder.as_array().unwrap().iter().find(|e| e["name"] == certdesk_store::DB_FILE).expect("the database is sized");
    assert!(db["bytes"].as_u64().unwrap() > 0, "the database's size is reported: {folder}");
    let logs = folder.as_array().unwrap().iter().find(|e| e["name"] == log::LOG_DIR).expect("the log folder is sized");
    assert_eq!(logs["kind"], "folder");

    let sync: serde_json::Value = serde_json::from_str(&entry(diagnostics::SYNC)).unwrap();
    assert_eq!(sync["enrolled"], false);
    assert!(sync["pending"].as_u64().unwrap() >= 1, "the enrolled worker waits in the outbox: {sync}");
    assert!(sync.get("last_success_at").is_some(), "the last sync time is reported (null: never)");

    let log_entry = entry("logs/certdesk.log");
    assert!(log_entry.contains("duplicate_id_number") && log_entry.contains("worker_get"), "the log travels: {log_entry}");
    for (name, text) in &entries {
        for secret in [id.as_str(), PHONE, NAME, MANAGER_PASSWORD, certdesk_testkit::desk::agency().name.as_str()] {
            assert!(!text.contains(secret), "{name} must not hold {secret:?}:\n{text}");
        }
        assert!(!name.ends_with(".db") && !name.contains("photo"), "no database or photo in the bundle: {name}");
    }
}
