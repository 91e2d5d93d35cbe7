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
    DeskApp::new(desk)
}

#[test]
fn failed_commands_are_logged_with_their_code_and_never_an_id_number_phone_name_or_password() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_a_worker(dir.path());
    let id = id_number(1);
    tracing::subscriber::with_default(log::subscriber(dir.path()), || {
        let mut form = worker_form(NAME, &id);
        form.form.phone = PHONE.into();
        let e = app.signed_in("worker_enrol", |s| s.enrol_worker(&form)).unwrap_err();
        assert_eq!(e.code, "unauthorized", "nobody is signed in yet");
        let e = app.login(MANAGER, WRONG_PASSWORD).unwrap_err();
        assert_eq!(e.code, "bad_credentials");
        app.login(MANAGER, MANAGER_PASSWORD).expect("the manager signs in");
        let e = app.signed_in("worker_enrol", |s| s.enrol_worker(&form)).unwrap_err();
        assert_eq!(e.code, "duplicate_id_number", "the same ID number is refused: {e:?}");
        // An internal failure whose cause quotes what it was working on: the cause is logged,
        // the numbers in it are not.
        let e = app
            .signed_in("import_run", |_| Err::<(), _>(DeskError::internal(format!("row 2 ({id}, {PHONE}): disk I/O error"))))
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
    let app = DeskApp::new(desk);
    let touched = Cell::new(0);

    let e = app.signed_in("stats", |s| { touched.set(touched.get() + 1); s.stats(12) }).unwrap_err();
    assert_eq!(e.code, "unauthorized", "a read needs a signed-in user too");
    let e = app.manager("user_list", |s| { touched.set(touched.get() + 1); s.list_users() }).unwrap_err();
    assert_eq!(e.code, "unauthorized");
    assert_eq!(touched.get(), 0, "nothing ran without a sign-in");

    app.login("clerk1", "clerkpass1").expect("the clerk signs in");
    app.signed_in("stats", |s| s.stats(12)).expect("a clerk reads the numbers");
    let e = app.manager("user_list", |s| { touched.set(touched.get() + 1); s.list_users() }).unwrap_err();
    assert_eq!(e.code, "forbidden", "a manager's action refuses a clerk");
    assert_eq!(touched.get(), 0, "the manager's action never ran for the clerk");

    app.logout();
    app.login(MANAGER, MANAGER_PASSWORD).expect("the manager signs in");
    let users = app.manager("user_list", |s| s.list_users()).expect("the manager lists users");
    assert_eq!(users.len(), 2);
    app.logout();
    assert_eq!(app.signed_in("stats", |s| s.stats(12)).unwrap_err().code, "unauthorized", "signing out ends the session");
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
        app.signed_in("worker_enrol", |s| s.enrol_worker(&form)).unwrap_err();
        let e = app.signed_in("worker_get", |_| Err::<(), _>(DeskError::internal(format!("no such row {id}")))).unwrap_err();
        assert_eq!(e.code, "internal");
    });
    let out = tempfile::tempdir().unwrap();
    let zip_path = out.path().join("certdesk-diagnostics.zip");
    let program = diagnostics::Program { name: "certdesk-test", version: "9.8.7" };
    let names = app.signed_in("diagnostics_export", |s| s.export_diagnostics(program, &zip_path)).unwrap();

    let entries = zip_entries(&zip_path);
    let listed: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(listed, names, "the bundle says what it wrote");
    assert_eq!(listed, [diagnostics::VERSIONS, diagnostics::DATA_FOLDER, diagnostics::SYNC, "logs/certdesk.log"]);
    let entry = |name: &str| entries.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone()).unwrap();

    let versions: serde_json::Value = serde_json::from_str(&entry(diagnostics::VERSIONS)).unwrap();
    assert_eq!(versions["program"], "certdesk-test");
    assert_eq!(versions["version"], "9.8.7");
    let schema = app.before_sign_in("schema", |l| l.schema_version()).unwrap();
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

/// A desk with its manager, a signed-in clerk ("clerk1") and one enrolled worker; the app with
/// nobody signed in, and the worker's id.
fn app_with_a_clerk(dir: &Path) -> (DeskApp, String) {
    let (mut desk, me) = open_desk(dir);
    let clerk = NewUser { username: "clerk1".into(), display_name: "前台小李".into(), role: Role::Clerk, password: "clerkpass1".into() };
    desk.add_user(Some(&me), &clerk).expect("the manager adds a clerk");
    let worker = desk.enrol_worker(&me, &worker_form(NAME, &id_number(1))).expect("the manager enrols").id;
    (DeskApp::new(desk), worker)
}

/// Moved here from the store's tests (the store no longer checks roles): a clerk may not
/// change the agency, add or list users, change the pass mark, cancel a certificate or enrol
/// the device; each is `forbidden` from the one check in certdesk-core, and nothing changed.
#[test]
fn a_clerk_is_refused_every_managers_action_in_the_window_and_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let (app, worker) = app_with_a_clerk(dir.path());
    app.login("clerk1", "clerkpass1").expect("the clerk signs in");
    let audit_before = app.before_sign_in("audit", |l| l.verify_audit_chain()).unwrap();
    let mut agency = certdesk_testkit::desk::agency();
    agency.name = "别家家政".into();
    let strict = certdesk_domain::TrainingSettings { class_hour_minutes: 40, pass_mark: 70.0 };
    let enrol = certdesk_sync::EnrolParams {
        platform_url: "https://127.0.0.1:9".into(),
        code: "ABCD-EFGH".into(),
        ca_pem: None,
        device_name: "前台".into(),
        secret: certdesk_sync::SecretPreference::File,
    };
    let new_manager = NewUser { username: "x2".into(), display_name: "某".into(), role: Role::Manager, password: "password1".into() };
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let pack_dir = dir.path().join("pack");
    let refusals = [
        ("agency_set", app.manager("agency_set", |s| s.set_agency(&agency).map(drop)).unwrap_err()),
        ("user_add", app.manager("user_add", |s| s.add_user(&new_manager).map(drop)).unwrap_err()),
        ("user_list", app.manager("user_list", |s| s.list_users().map(drop)).unwrap_err()),
        ("training_settings_set", app.manager("training_settings_set", |s| s.set_training_settings(&strict).map(drop)).unwrap_err()),
        (
            "card_cancel",
            app.manager("card_cancel", |s| s.cancel_certificate(&worker, certdesk_store::CancelReason::LeftAgency, "").map(drop)).unwrap_err(),
        ),
        ("device_enrol", app.manager("device_enrol", |s| s.enrol_device(enrol).map(drop)).unwrap_err()),
        (
            "roster_pack",
            app.manager("roster_pack", |s| s.funding_pack(day(2026, 1, 1), day(2026, 1, 31), &pack_dir).map(drop)).unwrap_err(),
        ),
    ];
    for (command, e) in &refusals {
        assert_eq!(e.code, "forbidden", "{command}: a clerk is refused a manager's action: {e:?}");
        assert_eq!(e, &DeskError::forbidden(), "{command}: the one refusal, the same sentence everywhere");
    }
    assert_eq!(app.before_sign_in("audit", |l| l.verify_audit_chain()).unwrap(), audit_before, "no refused action wrote anything");
    assert!(!pack_dir.exists(), "a refused funding pack writes no file, not even its folder");
    app.signed_in("check", |s| {
        assert_eq!(s.agency()?.unwrap().name, certdesk_testkit::desk::agency().name, "the agency is unchanged");
        assert_eq!(s.training_settings()?, certdesk_domain::TrainingSettings::default(), "the pass mark is unchanged");
        assert_eq!(s.worker(&worker)?.status, certdesk_domain::WorkerStatus::Enrolled, "the worker is not cancelled");
        assert!(!s.sync_status()?.enrolled, "the device is not enrolled");
        Ok(())
    })
    .unwrap();

    // The same calls as a manager go through.
    app.logout();
    app.login(MANAGER, MANAGER_PASSWORD).unwrap();
    app.manager("training_settings_set", |s| s.set_training_settings(&strict)).expect("a manager changes the pass mark");
    app.manager("user_add", |s| s.add_user(&new_manager)).expect("a manager adds a user");
    let state = app
        .manager("card_cancel", |s| s.cancel_certificate(&worker, certdesk_store::CancelReason::LeftAgency, ""))
        .expect("a manager cancels");
    assert_eq!(state.status, "cancelled");
}

#[test]
fn a_clerk_still_does_a_clerks_work_recorded_against_the_clerk() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = app_with_a_clerk(dir.path());
    let clerk = app.login("clerk1", "clerkpass1").unwrap();
    assert_eq!((clerk.username(), clerk.display_name(), clerk.role()), ("clerk1", "前台小李", Role::Clerk));
    assert!(!clerk.is_manager());
    let w = app.signed_in("worker_enrol", |s| s.enrol_worker(&worker_form("李梅", &id_number(2)))).expect("a clerk enrols");
    let detail = app.signed_in("worker_get", |s| s.worker_detail(&w.id)).unwrap();
    assert_eq!(detail.timeline[0].user, "前台小李", "the change is recorded against the clerk");
}

#[test]
fn the_first_user_of_a_fresh_desk_needs_nobody_signed_in_and_later_users_need_a_manager() {
    let dir = tempfile::tempdir().unwrap();
    let app = DeskApp::new(certdesk_store::Desk::open(dir.path()).unwrap());
    let clerk = NewUser { username: "clerk1".into(), display_name: "前台小李".into(), role: Role::Clerk, password: "clerkpass1".into() };
    let e = app.before_sign_in("user_add", |l| l.add_first_user(&clerk)).unwrap_err();
    assert_eq!(e.code, "first_user_manager", "the first user must be a manager: {e:?}");
    app.before_sign_in("user_add", |l| l.add_first_user(&certdesk_testkit::desk::manager())).expect("the first manager");
    let e = app.before_sign_in("user_add", |l| l.add_first_user(&clerk)).unwrap_err();
    assert_eq!(e.code, "unauthorized", "once the desk has users, adding one needs a signed-in manager");
}

/// The window's and the CLI's sources (less comments), file by file.
fn front_end_sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in ["src-tauri/src", "crates/certdesk-cli/src"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("the front end's sources are beside this crate") {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let code: Vec<&str> = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect();
                files.push((format!("{dir}/{}", path.file_name().unwrap().to_string_lossy()), code.join("\n")));
            }
        }
    }
    assert!(files.len() >= 10, "the window's and the CLI's files were found: {}", files.len());
    files
}

/// The window and the CLI reach the desk only through this crate: they open a `Desk` and hand
/// it to a `Session` (with a signed-in user), a `Lobby` or a `DeskApp`, and never call a store
/// method on it themselves, nor pass a `Desk` around; so no command can skip the sign-in or a
/// role check by calling the store directly.
#[test]
fn the_window_and_the_cli_never_call_the_store_past_the_application_layer() {
    for (file, code) in front_end_sources() {
        for forbidden in ["desk.", ": &Desk", ": &mut Desk", "&*desk", "SessionUser {"] {
            assert!(
                !code.contains(forbidden),
                "{file} holds `{forbidden}`: call certdesk-core (Session, Lobby, DeskApp) instead of the store"
            );
        }
        for (i, _) in code.match_indices("Desk::") {
            assert!(code[i..].starts_with("Desk::open("), "{file}: the only store call on Desk is opening it");
        }
    }
}

/// The roster carries every listed worker's ID number and phone out of the desk: a clerk is
/// refused before a file is written, and a manager's export leaves an audit entry saying who,
/// how many rows and where to.
#[test]
fn the_roster_export_is_a_managers_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = app_with_a_clerk(dir.path());
    let out = dir.path().join("名册.csv");
    let all = certdesk_store::RosterFilter::everyone();
    app.login("clerk1", "clerkpass1").unwrap();
    let audit_before = app.before_sign_in("audit", |l| l.verify_audit_chain()).unwrap();
    let e = app.manager("roster_export", |s| s.export_roster(&out, certdesk_store::RosterFormat::Csv, &all, None)).unwrap_err();
    assert_eq!(e, DeskError::forbidden());
    assert!(!out.exists(), "nothing was written");
    assert_eq!(app.before_sign_in("audit", |l| l.verify_audit_chain()).unwrap(), audit_before, "a refusal is not audited");

    app.logout();
    app.login(MANAGER, MANAGER_PASSWORD).unwrap();
    let export = app.manager("roster_export", |s| s.export_roster(&out, certdesk_store::RosterFormat::Csv, &all, None)).unwrap();
    assert_eq!(export.rows, 1);
    assert!(out.exists());
    assert_eq!(app.before_sign_in("audit", |l| l.verify_audit_chain()).unwrap(), audit_before + 1, "one audit entry");
    let conn = rusqlite_open(dir.path());
    let (user, action, what): (String, String, String) = conn
        .query_row("SELECT u.display_name, a.action, a.new_value FROM audit a JOIN users u ON u.id = a.user_id WHERE a.entity = 'roster'", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!((user.as_str(), action.as_str()), ("王经理", "export"));
    assert!(what.starts_with("1 rows, csv, statuses all") && what.contains("名册.csv"), "{what}");
}

fn rusqlite_open(dir: &Path) -> rusqlite::Connection {
    certdesk_store::open_raw(dir).unwrap()
}
