//! The desk's store on a real SQLite file: enrolment, duplicates, updates with their audit
//! trail, search, roles, and that a refused change writes nothing at all.

use std::path::Path;

use certdesk_domain::WorkerStatus;
use certdesk_store::{Desk, NewUser, Role, SessionUser, WorkerInput};
use certdesk_testkit::desk::{agency, manager, open_desk, worker_form};
use certdesk_testkit::id_number_from as id_with_check;

fn fresh(dir: &Path) -> (Desk, SessionUser) {
    open_desk(dir)
}

/// The kit's worker with this name, ID number and phone, for cleaning and infant care.
fn input(name: &str, id_number: &str, phone: &str) -> WorkerInput {
    let mut w = worker_form(name, id_number);
    w.form.phone = phone.into();
    w.form.service_types = vec!["保洁".into(), "育婴".into()];
    w
}

/// Rows in the tables a change writes to, to prove a refused change wrote nothing.
fn counts(dir: &Path) -> (i64, i64, i64) {
    let conn = rusqlite_conn(dir);
    let q = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    (q("SELECT count(*) FROM workers"), q("SELECT count(*) FROM audit"), q("SELECT count(*) FROM outbox"))
}

fn rusqlite_conn(dir: &Path) -> rusqlite::Connection {
    certdesk_store::open_raw(dir).unwrap()
}

#[test]
fn an_enrolled_worker_is_in_the_file_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let w = desk.enrol_worker(&me, &input("张三", "11010519491231002x", "+86 138 0013 8000")).unwrap();
    assert_eq!(w.id_number, "11010519491231002X", "a typed lower-case x is stored upper case");
    assert_eq!(w.phone, "13800138000", "the phone is normalised");
    assert_eq!(w.gender, "female", "the 17th digit 2 is even: female");
    assert_eq!(w.birth_date, "1949-12-31");
    assert_eq!(w.status, "enrolled");
    assert_eq!(w.consent_witness, "王经理");
    assert_eq!(uuid::Uuid::parse_str(&w.id).unwrap().get_version_num(), 7, "ids are UUIDv7");
    drop(desk);
    let desk = Desk::open(dir.path()).unwrap();
    assert_eq!(desk.worker(&w.id).unwrap(), w);
    assert_eq!(desk.pending_outbox(10).unwrap().iter().filter(|e| e.entity == "worker").count(), 1);
}

/// Opening the desk a second time in the same process (the window does, as it goes) must keep
/// every save of the desk already open: POSIX locks belong to the process, and closing any
/// descriptor of the database file releases them all. A desk that opened and closed the file
/// outside SQLite let another process (the CLI), believing itself the last connection,
/// checkpoint and delete the write-ahead log under the window, whose later saves went to a
/// deleted file: another process did not see them, and a crash lost them. A child process
/// (this test binary again) plays the CLI.
#[cfg(unix)]
#[test]
fn a_second_open_in_the_same_process_keeps_every_later_save_visible_to_other_processes() {
    const CHILD: &str = "CERTDESK_OTHER_PROCESS";
    const NAME: &str = "desk::a_second_open_in_the_same_process_keeps_every_later_save_visible_to_other_processes";
    if let Ok(dir) = std::env::var(CHILD) {
        let desk = Desk::open(Path::new(&dir)).unwrap();
        let mut names: Vec<String> = desk.search_workers("", None, 10).unwrap().items.into_iter().map(|w| w.name).collect();
        names.sort();
        drop(desk);
        println!("child:{}", names.join("|"));
        return;
    }
    let other_process = |dir: &Path| {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", NAME, "--nocapture"])
            .env(CHILD, dir)
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&out.stdout).into_owned();
        out.lines().find_map(|l| l.strip_prefix("child:")).unwrap_or_else(|| panic!("the child ran: {out}")).to_string()
    };
    let dir = tempfile::tempdir().unwrap();
    let (mut window, me) = fresh(dir.path());
    window.enrol_worker(&me, &input("张三", "11010519491231002X", "13800138000")).unwrap();
    drop(Desk::open(dir.path()).unwrap());
    assert_eq!(other_process(dir.path()), "张三");
    window.enrol_worker(&me, &input("李四", &id_with_check("11010519800101001"), "13800138001")).unwrap();
    assert_eq!(other_process(dir.path()), "张三|李四", "another process sees the window's later save");
}

#[test]
fn a_legacy_15_digit_number_is_upgraded_and_both_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let w = desk.enrol_worker(&me, &input("李梅", "110105491231002", "13800138000")).unwrap();
    assert_eq!(w.id_number, "11010519491231002X");
    assert_eq!(w.id_number_legacy.as_deref(), Some("110105491231002"));
    // The same person typed with the 18-digit number is the same worker.
    let err = desk.enrol_worker(&me, &input("李梅", "11010519491231002X", "13800138001")).unwrap_err();
    assert_eq!(err.code, "duplicate_id_number");
}

#[test]
fn a_duplicate_id_number_points_to_the_existing_worker_and_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let first = desk.enrol_worker(&me, &input("张三", "11010519491231002X", "13800138000")).unwrap();
    let before = counts(dir.path());
    let err = desk.enrol_worker(&me, &input("张叁", "11010519491231002X", "13800138001")).unwrap_err();
    assert_eq!(err.code, "duplicate_id_number");
    assert_eq!(err.existing_worker_id.as_deref(), Some(first.id.as_str()));
    assert!(err.message_zh.contains("张三"), "the message names the worker already enrolled: {}", err.message_zh);
    assert_eq!(counts(dir.path()), before, "nothing is written twice");
}

#[test]
fn invalid_input_names_every_wrong_field_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let before = counts(dir.path());
    let mut bad = input("张", "110105194912310025", "1380013800");
    bad.form.agency_check_done = false;
    bad.form.consent_date = None;
    let err = desk.enrol_worker(&me, &bad).unwrap_err();
    assert_eq!(err.code, "validation");
    let fields: Vec<&str> = err.fields.iter().map(|f| f.field.as_str()).collect();
    for f in ["name", "id_number", "phone", "consent_date", "agency_check"] {
        assert!(fields.contains(&f), "{f} is reported: {fields:?}");
    }
    let id_err = err.fields.iter().find(|f| f.field == "id_number").unwrap();
    assert!(id_err.message_zh.contains('X'), "the message names the right check character: {}", id_err.message_zh);
    assert_eq!(counts(dir.path()), before);
}

#[test]
fn a_photo_that_does_not_exist_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let mut i = input("张三", "11010519491231002X", "13800138000");
    i.photo_sha256 = Some("00".repeat(32));
    let err = desk.enrol_worker(&me, &i).unwrap_err();
    assert_eq!(err.fields[0].code, "photo_missing");
}

#[test]
fn an_update_keeps_old_and_new_values_and_an_id_change_needs_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let w = desk.enrol_worker(&me, &input("张三", "11010519491231002X", "13800138000")).unwrap();
    let mut changed = input("张三丰", "11010519491231002X", "13900139000");
    let w2 = desk.update_worker(&me, &w.id, &changed, None).unwrap();
    assert_eq!((w2.name.as_str(), w2.phone.as_str(), w2.version), ("张三丰", "13900139000", 2));

    let new_id = id_with_check("31010419800101001");
    changed.form.id_number = new_id.clone();
    let before = counts(dir.path());
    let err = desk.update_worker(&me, &w.id, &changed, Some("   ")).unwrap_err();
    assert_eq!(err.code, "reason_required");
    assert_eq!(counts(dir.path()), before, "a refused update writes nothing");
    let w3 = desk.update_worker(&me, &w.id, &changed, Some("身份证号录入错误，按原件更正")).unwrap();
    assert_eq!(w3.id_number, new_id);
    assert_eq!(w3.gender, "male");

    let timeline = desk.timeline(certdesk_store::AuditEntity::Worker, &w.id).unwrap();
    let actions: Vec<(&str, Option<&str>)> = timeline.iter().map(|e| (e.action.code(), e.field.as_deref())).collect();
    assert_eq!(
        actions,
        vec![("enrol", None), ("update", Some("name")), ("update", Some("phone")), ("update", Some("id_number"))]
    );
    let phone = &timeline[2];
    assert_eq!((phone.old_value.as_deref(), phone.new_value.as_deref()), (Some("13800138000"), Some("13900139000")));
    assert_eq!(phone.user, "王经理");
    assert_eq!(timeline[3].reason.as_deref(), Some("身份证号录入错误，按原件更正"));
    assert_eq!(desk.search_workers("三丰", None, 10).unwrap().total, 1, "the name index follows the new name");
    assert_eq!(desk.search_workers("张三", None, 10).unwrap().total, 1);
    assert!(desk.verify_audit_chain().unwrap() > 0);
}

#[test]
fn an_update_with_nothing_changed_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let w = desk.enrol_worker(&me, &input("张三", "11010519491231002X", "13800138000")).unwrap();
    let before = counts(dir.path());
    let same = desk.update_worker(&me, &w.id, &input("张三", "11010519491231002x", "138-0013-8000"), None).unwrap();
    assert_eq!(same.version, 1);
    assert_eq!(counts(dir.path()), before);
}

#[test]
fn search_finds_by_any_part_of_the_name_the_id_number_and_the_phone() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let a = desk.enrol_worker(&me, &input("买买提·艾力", &id_with_check("65010219900101001"), "13800138000")).unwrap();
    let b = desk.enrol_worker(&me, &input("张三", "11010519491231002X", "13912345678")).unwrap();
    let find = |q: &str| -> Vec<String> { desk.search_workers(q, None, 50).unwrap().items.into_iter().map(|w| w.id).collect() };
    assert_eq!(find("艾"), vec![a.id.clone()], "one character of the name");
    assert_eq!(find("提艾"), vec![a.id.clone()], "across the middle dot");
    assert_eq!(find("买买提·艾力"), vec![a.id.clone()]);
    assert_eq!(find("002x"), vec![b.id.clone()], "last 4 of the ID number, lower-case x");
    assert_eq!(find("11010519491231002X"), vec![b.id.clone()], "the whole ID number");
    assert_eq!(find("110105"), vec![b.id.clone()], "the start of the ID number while typing");
    assert_eq!(find("13912345678"), vec![b.id.clone()], "the whole phone");
    assert_eq!(find("5678"), vec![b.id.clone()], "the end of the phone");
    assert_eq!(find("139"), vec![b.id.clone()], "the start of the phone");
    assert_eq!(find("王"), Vec::<String>::new());
    assert_eq!(find(""), vec![b.id.clone(), a.id.clone()], "empty query: newest first");
    assert_eq!(desk.search_workers("", Some(WorkerStatus::Enrolled), 50).unwrap().total, 2);
    assert_eq!(desk.search_workers("", Some(WorkerStatus::Approved), 50).unwrap().total, 0);
}

/// Who may change the agency or add users is certdesk-core's check (its test
/// `a_clerk_is_refused_every_managers_action_in_the_window_and_the_cli`); the store records the
/// actor.
#[test]
fn a_clerk_signs_in_and_enrols_and_the_change_is_recorded_against_the_clerk() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let clerk_info = desk
        .add_user(Some(&me), &NewUser { username: "clerk1".into(), display_name: "小李".into(), role: Role::Clerk, password: "password1".into() })
        .unwrap();
    let clerk = desk.login("clerk1", "password1").unwrap();
    assert_eq!(clerk.id(), clerk_info.id);
    assert_eq!(desk.login("clerk1", "wrong-password").unwrap_err().code, "bad_credentials");
    assert_eq!(desk.login("nobody", "password1").unwrap_err().code, "bad_credentials");
    // A clerk can enrol, and the change is recorded against the clerk.
    let w = desk.enrol_worker(&clerk, &input("张三", "11010519491231002X", "13800138000")).unwrap();
    assert_eq!(desk.timeline(certdesk_store::AuditEntity::Worker, &w.id).unwrap()[0].user, "小李");
}

#[test]
fn setup_happens_once_and_a_bad_credit_code_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut desk = Desk::open(dir.path()).unwrap();
    let mut bad = agency();
    bad.credit_code = "91310104MA1FL8L97X".into();
    let m = manager();
    let err = desk.setup(&bad, &m).unwrap_err();
    assert_eq!(err.fields[0].field, "credit_code");
    assert!(err.fields[0].message_zh.contains('0'), "names the expected check character: {}", err.fields[0].message_zh);
    assert!(!desk.has_users().unwrap(), "a refused setup creates no user");
    desk.setup(&agency(), &m).unwrap();
    assert_eq!(desk.setup(&agency(), &m).unwrap_err().code, "already_set_up");
}

#[test]
fn the_audit_trail_cannot_be_edited_and_tampering_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    desk.enrol_worker(&me, &input("张三", "11010519491231002X", "13800138000")).unwrap();
    let n = desk.verify_audit_chain().unwrap();
    assert!(n >= 3);
    let conn = rusqlite_conn(dir.path());
    assert!(conn.execute("UPDATE audit SET new_value = '李四' WHERE action = 'enrol'", []).is_err(), "UPDATE is refused");
    assert!(conn.execute("DELETE FROM audit", []).is_err(), "DELETE is refused");
    // Someone with the file and sqlite3 can drop the trigger; the chain still tells.
    conn.execute_batch("DROP TRIGGER audit_no_update; UPDATE audit SET new_value = '李四' WHERE action = 'enrol';").unwrap();
    assert_eq!(desk.verify_audit_chain().unwrap_err().code, "audit_broken");
}

/// An outbox row naming an entity or operation outside the sync vocabulary (a corrupt file, or
/// one written by a newer desk) is refused with an error naming the set and the value, never
/// guessed, never sent and never a panic.
#[test]
fn an_outbox_row_with_an_unknown_entity_or_operation_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    desk.enrol_worker(&me, &input("张三", "11010519491231002X", "13800138000")).unwrap();
    let conn = rusqlite_conn(dir.path());
    conn.execute("UPDATE outbox SET op = 'purge' WHERE entity = 'worker'", []).unwrap();
    let err = format!("{:?}", desk.pending_outbox(10).unwrap_err());
    assert!(err.contains(r#"unknown sync operation \"purge\""#) || err.contains(r#"unknown sync operation "purge""#), "{err}");
    assert!(desk.pending_sync_entries(10).is_err(), "the sync never sends what it cannot name");
    conn.execute("UPDATE outbox SET op = 'upsert', entity = 'Worker' WHERE op = 'purge'", []).unwrap();
    let err = format!("{:?}", desk.pending_outbox(10).unwrap_err());
    assert!(err.contains("unknown sync entity"), "names are exact: {err}");
}

/// Issue 15 item 3: sign-in is throttled after wrong passwords. Five wrong tries in a row for one
/// username cost nothing; the sixth waits 30 seconds (even the right password is refused, with
/// how long is left), the next wrong one 60, and so on up to 15 minutes; the wait holds across
/// a restart of the program; a right password once the wait is over clears it. A username that
/// does not exist is throttled the same way, so the answer never tells which exist.
#[test]
fn wrong_passwords_make_sign_in_wait_longer_each_time_and_a_restart_does_not_reset_it() {
    use certdesk_testkit::desk::{open_desk_with_clock, MovableClock};
    let dir = tempfile::tempdir().unwrap();
    let clock = MovableClock::at("2026-12-04T02:00:00Z");
    let (mut desk, me) = open_desk_with_clock(dir.path(), Box::new(clock.clone()));
    desk.add_user(Some(&me), &NewUser { username: "clerk1".into(), display_name: "小李".into(), role: Role::Clerk, password: "password1".into() })
        .unwrap();
    for _ in 0..certdesk_store::FREE_ATTEMPTS {
        assert_eq!(desk.login("clerk1", "wrong").unwrap_err().code, "bad_credentials");
    }
    let e = desk.login("clerk1", "password1").unwrap_err();
    assert_eq!(e.code, "sign_in_throttled");
    assert!(e.message_zh.contains("30 秒"), "{}", e.message_zh);
    // A restart keeps the count.
    drop(desk);
    let desk = Desk::open_with_clock(dir.path(), Box::new(clock.clone())).unwrap();
    clock.advance(chrono::Duration::seconds(20));
    assert!(desk.login("clerk1", "password1").unwrap_err().message_zh.contains("10 秒"));
    clock.advance(chrono::Duration::seconds(10));
    assert_eq!(desk.login("clerk1", "wrong").unwrap_err().code, "bad_credentials", "the wait is over; this one is wrong");
    clock.advance(chrono::Duration::seconds(59));
    assert_eq!(desk.login("clerk1", "password1").unwrap_err().code, "sign_in_throttled", "the next wait is 60 s");
    clock.advance(chrono::Duration::seconds(1));
    desk.login("clerk1", "password1").expect("the right password after the wait");
    assert_eq!(desk.login("clerk1", "wrong").unwrap_err().code, "bad_credentials", "the count started again");
    assert!(desk.login("clerk1", "password1").is_ok());

    // An unknown username is throttled the same way; the wait never exceeds 15 minutes.
    for _ in 0..30 {
        let _ = desk.login("nobody", "x");
        clock.advance(chrono::Duration::minutes(20));
    }
    let _ = desk.login("nobody", "x");
    let e = desk.login("nobody", "x").unwrap_err();
    assert_eq!(e.code, "sign_in_throttled");
    assert!(e.message_zh.contains("900 秒"), "{}", e.message_zh);
}

/// Issue 15 item 3: the window's idle time is the manager's setting, 15 minutes until set, 1 to
/// 480, audited; a refused value names its field and changes nothing.
#[test]
fn the_idle_lock_time_is_fifteen_minutes_until_a_manager_sets_another() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    assert_eq!(desk.idle_lock_minutes().unwrap(), 15);
    for bad in [0, 481] {
        let e = desk.set_idle_lock_minutes(&me, bad).unwrap_err();
        assert_eq!((e.code.as_str(), e.fields[0].field.as_str()), ("validation", "idle_lock_minutes"));
    }
    assert_eq!(desk.idle_lock_minutes().unwrap(), 15, "nothing changed");
    desk.set_idle_lock_minutes(&me, 5).unwrap();
    drop(desk);
    let desk = Desk::open(dir.path()).unwrap();
    assert_eq!(desk.idle_lock_minutes().unwrap(), 5);
    let audit = desk.timeline(certdesk_store::AuditEntity::Settings, "window.idle_lock_minutes").unwrap();
    assert_eq!((audit[0].old_value.as_deref(), audit[0].new_value.as_deref()), (Some("15"), Some("5")));
}

/// Issue 10 item 3: a manager disables and enables a user and resets a password; each change is
/// audited and announced in the outbox as the whole account (its hash, never the password), so
/// that every desk of the agency holds the same. A disabled user cannot sign in; a manager
/// cannot disable themself or the last enabled manager; an unknown user or a short password is
/// refused and changes nothing.
#[test]
fn a_manager_disables_enables_and_resets_users_and_each_change_is_announced_to_the_agency() {
    use certdesk_protocol::staff::StaffAccount;
    use certdesk_protocol::sync::SyncEntity;
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    desk.add_user(Some(&me), &NewUser { username: "clerk1".into(), display_name: "小李".into(), role: Role::Clerk, password: "password1".into() })
        .unwrap();
    let accounts = |desk: &Desk| -> Vec<StaffAccount> {
        desk.pending_outbox(100)
            .unwrap()
            .into_iter()
            .filter(|e| e.entity == SyncEntity::User)
            .map(|e| serde_json::from_value(e.payload).expect("a staff account"))
            .collect()
    };
    let announced = accounts(&desk);
    assert_eq!(announced.iter().map(|a| a.username.as_str()).collect::<Vec<_>>(), [me.username(), "clerk1"], "the manager and the clerk");
    assert!(announced.iter().all(|a| a.password_hash.starts_with("$argon2") && !a.password_hash.contains("password1")));

    let u = desk.set_user_disabled(&me, "CLERK1", true).unwrap();
    assert!(u.disabled);
    assert_eq!(desk.login("clerk1", "password1").unwrap_err().code, "bad_credentials", "a disabled user cannot sign in");
    assert!(accounts(&desk).last().unwrap().disabled);
    desk.set_user_disabled(&me, "clerk1", false).unwrap();
    desk.login("clerk1", "password1").expect("enabled again");

    let before = accounts(&desk).len();
    assert_eq!(desk.set_user_disabled(&me, me.username(), true).unwrap_err().code, "user_keep", "not yourself");
    assert_eq!(desk.set_user_disabled(&me, "nobody", true).unwrap_err().code, "not_found");
    assert_eq!(desk.reset_password(&me, "clerk1", "short").unwrap_err().code, "validation");
    assert_eq!(accounts(&desk).len(), before, "a refusal announces nothing");

    desk.reset_password(&me, "clerk1", "new-password-2").unwrap();
    assert_eq!(desk.login("clerk1", "password1").unwrap_err().code, "bad_credentials");
    desk.login("clerk1", "new-password-2").expect("the new password");
    let last = accounts(&desk).pop().unwrap();
    assert!(last.changed_at > last.created_at && !last.disabled);

    // The last enabled manager stays: a second manager may be disabled, then not the first.
    desk.add_user(Some(&me), &NewUser { username: "boss2".into(), display_name: "王经理".into(), role: Role::Manager, password: "password2".into() })
        .unwrap();
    let boss2 = desk.login("boss2", "password2").unwrap();
    desk.set_user_disabled(&me, "boss2", true).unwrap();
    desk.set_user_disabled(&me, "boss2", false).unwrap();
    desk.set_user_disabled(&boss2, me.username(), true).unwrap();
    assert_eq!(desk.set_user_disabled(&me, "boss2", true).unwrap_err().code, "user_keep", "the last enabled manager");
    let actions: Vec<String> = desk.timeline(certdesk_store::AuditEntity::User, &u.id).unwrap().into_iter().map(|e| e.action.code().to_owned()).collect();
    assert!(["create", "disable", "enable", "reset_password"].iter().all(|a| actions.iter().any(|x| x == a)), "{actions:?}");
}

/// Issue 10 item 2: each field keeps its later write on every desk, a tie between equal times
/// going by the value. Two saves of a record within one millisecond (this desk's clock stands
/// still) are stamped one after the other, so the second is the later write everywhere.
#[test]
fn each_save_of_a_worker_is_stamped_after_the_one_before_on_a_stopped_clock() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = crate::common::fresh(dir.path());
    let mut form = certdesk_testkit::desk::worker_form("张三", "11010519491231002X");
    let w = desk.enrol_worker(&me, &form).unwrap();
    form.form.phone = "13912345678".into();
    let first = desk.update_worker(&me, &w.id, &form, None).unwrap();
    form.form.phone = "13712345678".into();
    let second = desk.update_worker(&me, &w.id, &form, None).unwrap();
    let (a, b, c) = (&w.field_times["phone"], &first.field_times["phone"], &second.field_times["phone"]);
    assert!(a < b && b < c, "each save later than the one before: {a} {b} {c}");
    assert_eq!(second.updated_at, *c, "the save's time is the field's: a relayed copy tells what this save wrote");
}
