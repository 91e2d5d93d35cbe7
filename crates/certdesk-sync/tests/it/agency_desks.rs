//! Several desks of one agency (issue 10) against the real platform over TLS, each on its own
//! SQLite file, synced by the real engine. The staff accounts (item 3): a user added on one desk
//! signs in on every desk of the agency, a manager disabling a user disables them everywhere at
//! the next sync, two offline changes of one account end the same on every desk. The workers
//! (items 1 and 2): enrolled on one desk, on every desk with their photo; corrected on two desks
//! offline, each field keeps its later write everywhere; the status only moves forward. Their
//! training records (classes, attendance, exams, supervision forms) travel too, and each desk
//! judges eligibility on them. Another agency never sees any of it.

use certdesk_domain::health::{HealthCheckInput, InsuranceInput};
use certdesk_domain::WorkerStatus;
use certdesk_store::{Desk, NewUser, Role, SessionUser};
use certdesk_sync::{enrol, sync, SyncOptions, SyncReport};
use certdesk_testkit::desk::{agency, train_to_eligibility, worker_form};
use certdesk_testkit::id_number;
use certdesk_testkit::enrolled::{enrol_params, enrolled_desk, TestDesk};
use certdesk_testkit::platform::{Options, TestPlatform};

/// A second desk of `first`'s agency, set up with a first manager of its own (`boss.b`), as a
/// branch office's new PC is, and enrolled with a code of the same agency.
async fn second_desk(p: &TestPlatform, first: &TestDesk) -> TestDesk {
    another_desk(p, first, "boss.b").await
}

/// Another desk of `first`'s agency whose first manager is `manager`.
async fn another_desk(p: &TestPlatform, first: &TestDesk, manager: &str) -> TestDesk {
    let agency_id = first.desk.sync_device().unwrap().expect("enrolled").agency_id;
    let code = p.enrolment_code(agency_id.parse().unwrap()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut desk = Desk::open(dir.path()).unwrap();
    let boss = NewUser { username: manager.into(), display_name: format!("分店经理{manager}"), role: Role::Manager, password: "password-b".into() };
    let me = desk.setup(&agency(), &boss).unwrap();
    let mut d = TestDesk { desk, me, dir };
    let params = certdesk_sync::EnrolParams { device_name: format!("分店{manager}"), ..enrol_params(p, &code) };
    enrol(&mut d.desk, Some(&d.me), &params).await.expect("the second desk enrols");
    d
}

async fn synced(d: &mut TestDesk) -> SyncReport {
    sync(&mut d.desk, &SyncOptions::default()).await.expect("the sync succeeds")
}

fn clerk(username: &str, password: &str) -> NewUser {
    NewUser { username: username.into(), display_name: "李娜".into(), role: Role::Clerk, password: password.into() }
}

fn usernames(d: &TestDesk) -> Vec<String> {
    let mut names: Vec<String> = d.desk.list_users().unwrap().into_iter().map(|u| u.username).collect();
    names.sort();
    names
}

fn signs_in(d: &TestDesk, username: &str, password: &str) -> Result<SessionUser, String> {
    d.desk.login(username, password).map_err(|e| e.code.to_string())
}

#[tokio::test]
async fn a_user_added_on_one_desk_signs_in_on_every_desk_of_the_agency_and_a_disabled_one_on_none() {
    let p = TestPlatform::start(Options::default()).await;
    let mut a1 = enrolled_desk(&p, 1).await;
    let mut a2 = second_desk(&p, &a1).await;
    let mut b = enrolled_desk(&p, 2).await;
    let (me1, me2) = (a1.me.clone(), a2.me.clone());

    a1.desk.add_user(Some(&me1), &clerk("li.na", "password1")).unwrap();
    synced(&mut a1).await;
    let report = synced(&mut a2).await;
    assert_eq!(report.pulled.staff_accounts, 2, "the first desk's manager and its clerk");
    signs_in(&a2, "li.na", "password1").expect("the clerk signs in on the second desk");
    synced(&mut a1).await;
    assert!(usernames(&a1).contains(&"boss.b".to_string()), "the second desk's manager reached the first");
    assert_eq!(usernames(&a1), usernames(&a2), "both desks hold the same accounts");

    // Another agency holds nothing of them (its own manager has the same username as a1's, and
    // the platform keeps each agency's accounts apart).
    synced(&mut b).await;
    assert_eq!(usernames(&b), vec![b.me.username().to_string()]);
    assert_eq!(signs_in(&b, "li.na", "password1").unwrap_err(), "bad_credentials");

    // A manager of the second desk disables the clerk: at the first desk's next sync the clerk
    // can no longer sign in there either.
    a2.desk.set_user_disabled(&me2, "li.na", true).unwrap();
    synced(&mut a2).await;
    synced(&mut a1).await;
    assert_eq!(signs_in(&a1, "li.na", "password1").unwrap_err(), "bad_credentials");

    // Offline on both desks: the first gives the clerk a new password, then the second enables
    // the clerk. Whatever order they sync in, both end with the clerk enabled and holding the
    // new password.
    a1.desk.reset_password(&me1, "li.na", "password-new").unwrap();
    a2.desk.set_user_disabled(&me2, "li.na", false).unwrap();
    synced(&mut a2).await;
    synced(&mut a1).await;
    synced(&mut a2).await;
    for d in [&a1, &a2] {
        signs_in(d, "li.na", "password-new").expect("enabled, with the new password");
        assert_eq!(signs_in(d, "li.na", "password1").unwrap_err(), "bad_credentials");
    }

    // Two desks add the same username offline: the one that reaches the platform first keeps
    // it; the other is refused with a sentence the clerk reads, stays on its own desk only, and
    // the first desk's account is not taken in there.
    a1.desk.add_user(Some(&me1), &clerk("wang", "password-a")).unwrap();
    a2.desk.add_user(Some(&me2), &clerk("wang", "password-b")).unwrap();
    synced(&mut a1).await;
    let second = synced(&mut a2).await;
    assert_eq!(second.pulled.refused, 1, "the first desk's wang is not taken in over the second's");
    let refusals = a2.desk.sync_rejections(false).unwrap();
    let refusal = refusals.iter().find(|r| r.entity == "user").expect("the second wang is refused");
    assert_eq!(refusal.code, "username_taken");
    assert!(refusal.message_zh.contains("wang"), "{}", refusal.message_zh);
    signs_in(&a2, "wang", "password-b").expect("the second desk's wang still signs in there");
    synced(&mut a1).await;
    signs_in(&a1, "wang", "password-a").expect("the first desk's wang signs in there");
    assert_eq!(signs_in(&a1, "wang", "password-b").unwrap_err(), "bad_credentials");
}

/// What must be the same on every desk of the agency for one worker: every field a clerk wrote,
/// who wrote it and when, and the status (not the local version counter, the last local
/// change time or when this desk decided the status).
pub(crate) fn canonical(d: &TestDesk, id: &str) -> serde_json::Value {
    let mut w = serde_json::to_value(d.desk.worker(id).expect("the desk holds the worker")).unwrap();
    let fields = w.as_object_mut().unwrap();
    for local in ["version", "updated_at", "updated_by_id", "status_at"] {
        fields.remove(local);
    }
    w
}

#[tokio::test]
async fn a_worker_enrolled_on_one_desk_is_on_every_desk_of_the_agency_with_its_photo_and_each_field_keeps_its_later_write() {
    let p = TestPlatform::start(Options::default()).await;
    let mut a1 = enrolled_desk(&p, 1).await;
    let mut a2 = second_desk(&p, &a1).await;
    let mut b = enrolled_desk(&p, 2).await;
    let (me1, me2) = (a1.me.clone(), a2.me.clone());

    let mut form = worker_form("张三", &id_number(1));
    form.photo_sha256 = Some(a1.desk.prepare_photo(&crate::sync::png(7)).unwrap().sha256);
    let w = a1.desk.enrol_worker(&me1, &form).unwrap();
    synced(&mut a1).await;
    let report = synced(&mut a2).await;
    assert_eq!((report.pulled.workers, report.files_fetched, report.pulled.refused), (1, 1, 0), "{report:?}");
    assert_eq!(canonical(&a2, &w.id), canonical(&a1, &w.id), "the second desk holds the worker as the first wrote it");
    let sha = w.photo_sha256.clone().unwrap();
    assert_eq!(a2.desk.photo(&sha).unwrap(), a1.desk.photo(&sha).unwrap(), "with the same photo");
    let enrolled_there = a2.desk.timeline(certdesk_store::AuditEntity::Worker, &w.id).unwrap();
    assert!(enrolled_there.iter().any(|e| e.action == "relay_enrol" && e.user == me1.display_name()), "{enrolled_there:?}");
    assert_eq!(a2.desk.search_workers("张三", None, 10).unwrap().total, 1, "found by name on the second desk");
    synced(&mut a1).await;
    assert!(a1.desk.timeline(certdesk_store::AuditEntity::Worker, &w.id).unwrap().iter().all(|e| !e.action.code().starts_with("relay")), "its own record's echo changes nothing on the first desk");

    // Another agency holds nothing of it.
    let other = synced(&mut b).await;
    assert_eq!(other.pulled.workers, 0);
    assert!(b.desk.worker(&w.id).is_err());

    // Offline on both desks: the second corrects the phone, then the first the address. Each
    // field keeps its later write on both desks, whatever order they sync in; the first desk's
    // timeline says the second desk's manager changed the phone.
    let mut on_a2 = form.clone();
    on_a2.form.phone = "13912345678".into();
    a2.desk.update_worker(&me2, &w.id, &on_a2, None).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let mut on_a1 = form.clone();
    on_a1.form.address = "上海市黄浦区南京东路1号".into();
    a1.desk.update_worker(&me1, &w.id, &on_a1, None).unwrap();
    synced(&mut a1).await;
    synced(&mut a2).await;
    synced(&mut a1).await;
    let held = a1.desk.worker(&w.id).unwrap();
    assert_eq!((held.phone.as_str(), held.address.as_str()), ("13912345678", "上海市黄浦区南京东路1号"));
    assert_eq!(canonical(&a1, &w.id), canonical(&a2, &w.id), "both desks end with the same record");
    let changed_here = a1.desk.timeline(certdesk_store::AuditEntity::Worker, &w.id).unwrap();
    assert!(
        changed_here.iter().any(|e| e.action == "relay_update"
            && e.field.as_deref() == Some("phone")
            && e.user == me2.display_name()
            && e.reason.as_deref() == Some("分店boss.b")),
        "who changed it and on which desk: {changed_here:?}"
    );

    // Both desks change the same field offline; the later write (the first desk's) reaches the
    // platform first, so the second desk's earlier one loses there. Both desks end with the
    // later value, and both timelines keep the value that lost, who wrote it and on which desk.
    let mut earlier = form_of(&a2.desk.worker(&w.id).unwrap());
    earlier.form.emergency_contact_name = "王五".into();
    a2.desk.update_worker(&me2, &w.id, &earlier, None).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let mut later = form_of(&a1.desk.worker(&w.id).unwrap());
    later.form.emergency_contact_name = "赵六".into();
    a1.desk.update_worker(&me1, &w.id, &later, None).unwrap();
    synced(&mut a1).await;
    synced(&mut a2).await;
    synced(&mut a1).await;
    for (d, name) in [(&a1, "first"), (&a2, "second")] {
        assert_eq!(d.desk.worker(&w.id).unwrap().emergency_contact_name, "赵六", "the later write on the {name} desk");
        let timeline = d.desk.timeline(certdesk_store::AuditEntity::Worker, &w.id).unwrap();
        let lost: Vec<_> = timeline.iter().filter(|e| e.action == "relay_lost").collect();
        assert_eq!(lost.len(), 1, "the {name} desk keeps the value that lost once: {timeline:?}");
        assert_eq!(
            (lost[0].field.as_deref(), lost[0].new_value.as_deref(), lost[0].user.as_str(), lost[0].reason.as_deref()),
            (Some("emergency_contact_name"), Some("王五"), me2.display_name(), Some("分店boss.b")),
            "on the {name} desk"
        );
    }
    let replaced = a2.desk.timeline(certdesk_store::AuditEntity::Worker, &w.id).unwrap();
    assert!(
        replaced.iter().any(|e| e.action == "relay_update"
            && e.field.as_deref() == Some("emergency_contact_name")
            && e.old_value.as_deref() == Some("王五")
            && e.reason.as_deref() == Some("前台1号机")),
        "the second desk's clerk sees the first desk changed it: {replaced:?}"
    );

    // The status moves forward on the other desk: trained to eligibility on the first.
    // The training records travel too: the second desk holds the class, the attendance, the exam
    // and the supervision form, and judges the worker eligible on them.
    let mut settings = a1.desk.training_settings().unwrap();
    settings.pass_mark = 70.0;
    a1.desk.set_training_settings(&me1, &settings).unwrap();
    train_to_eligibility(&mut a1.desk, &me1, std::slice::from_ref(&w.id), "90");
    synced(&mut a1).await;
    let trained = synced(&mut a2).await;
    assert_eq!(a2.desk.training_settings().unwrap().pass_mark, 70.0, "the agency's training settings too");
    assert!(trained.pulled.training_records >= 5 && trained.pulled.refused == 0, "{trained:?}");
    assert_eq!(a2.desk.worker(&w.id).unwrap().status, WorkerStatus::Eligible);
    let there = a2.desk.worker_training(&w.id).unwrap();
    assert_eq!((there.classes.len(), there.exams.len(), there.eligibility.eligible), (1, 1, true), "{there:?}");
    let class_id = &there.classes[0].class_id;
    assert!(a2.desk.class_detail(class_id).unwrap().supervision.is_some(), "with its supervision form");

    // A failed retake recorded on the second desk undoes eligibility there, and on the first
    // desk once the attempt reaches it (the training rules decide on the agency's records).
    // Meanwhile the first desk, still seeing the worker eligible, corrects the phone: its copy
    // (saying eligible) must not make the second desk eligible again.
    let retake = certdesk_store::ExamInput { worker: w.id.clone(), exam_date: None, score: "30".into(), class_id: None };
    a2.desk.record_exam(&me2, &retake).unwrap();
    assert_eq!(a2.desk.worker(&w.id).unwrap().status, WorkerStatus::InTraining);
    let mut phone = form_of(&a1.desk.worker(&w.id).unwrap());
    phone.form.phone = "13712345678".into();
    a1.desk.update_worker(&me1, &w.id, &phone, None).unwrap();
    synced(&mut a2).await;
    synced(&mut a1).await;
    synced(&mut a2).await;
    for d in [&a1, &a2] {
        assert_eq!(d.desk.worker(&w.id).unwrap().status, WorkerStatus::InTraining, "training reopened on both desks");
    }
    assert_eq!(a1.desk.exam_results(&w.id).unwrap().len(), 2);
    // Both desks record a further retake offline, each numbering it 3: the first a pass, then
    // the second a fail. Both desks end with the four attempts numbered alike in the order sat
    // (before, the second desk's was refused on the first), and judge the worker alike on the
    // latest.
    a1.desk.record_exam(&me1, &certdesk_store::ExamInput { score: "95".into(), ..retake.clone() }).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    a2.desk.record_exam(&me2, &certdesk_store::ExamInput { score: "40".into(), ..retake.clone() }).unwrap();
    let numbers = |d: &TestDesk| -> Vec<(String, u32, String)> {
        d.desk.exam_results(&w.id).unwrap().into_iter().map(|e| (e.id, e.attempt, e.score.to_string())).collect()
    };
    assert_eq!(numbers(&a1).last().map(|e| e.1), Some(3));
    assert_eq!(numbers(&a2).last().map(|e| e.1), Some(3), "the same number on both desks, offline");
    synced(&mut a1).await;
    let crossed = synced(&mut a2).await;
    synced(&mut a1).await;
    assert_eq!(crossed.pulled.refused, 0, "the second desk keeps the first desk's attempt: {crossed:?}");
    assert_eq!(numbers(&a1), numbers(&a2), "numbered alike on both desks");
    let held = numbers(&a1);
    assert_eq!(held.iter().map(|e| (e.1, e.2.as_str())).collect::<Vec<_>>(), [(1, "90"), (2, "30"), (3, "95"), (4, "40")]);
    for d in [&a1, &a2] {
        assert_eq!(d.desk.worker(&w.id).unwrap().status, WorkerStatus::InTraining, "the latest attempt failed, on both desks");
    }
    // The worker leaves the class on the first desk: gone from it on the second too.
    a1.desk.remove_from_class(&me1, class_id, &w.id, true).unwrap();
    synced(&mut a1).await;
    synced(&mut a2).await;
    assert!(a2.desk.worker_training(&w.id).unwrap().classes.is_empty(), "the removal reached the second desk");

    // The same person enrolled offline on both desks as two records, each with an exam attempt:
    // the platform merges the record that reached it second into the first, and both desks end
    // with one worker under one id, with both attempts, every field alike, and the clerks told.
    let on_second = a2.desk.enrol_worker(&me2, &worker_form("李梅", &id_number(2))).unwrap();
    let exam_of = |worker: &str, score: &str| certdesk_store::ExamInput { worker: worker.into(), exam_date: None, score: score.into(), class_id: None };
    a2.desk.record_exam(&me2, &exam_of(&on_second.id, "50")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let mut typed = worker_form("李梅", &id_number(2));
    typed.form.address = "第一工作台登记的地址".into();
    let on_first = a1.desk.enrol_worker(&me1, &typed).unwrap();
    a1.desk.record_exam(&me1, &exam_of(&on_first.id, "88")).unwrap();
    synced(&mut a2).await;
    let merged_here = synced(&mut a1).await;
    assert_eq!((merged_here.pulled.workers_merged, merged_here.pulled.refused), (1, 0), "{merged_here:?}");
    let told_there = synced(&mut a2).await;
    assert_eq!((told_there.pulled.workers_merged, told_there.pulled.refused), (1, 0), "{told_there:?}");
    for d in [&a1, &a2] {
        let found = d.desk.search_workers("李梅", None, 10).unwrap();
        assert_eq!(found.total, 1, "one worker of the person");
        assert_eq!(found.items[0].id, on_second.id, "the record that reached the platform first is kept");
        let scores: Vec<String> = d.desk.exam_results(&on_second.id).unwrap().into_iter().map(|e| format!("{}:{}", e.attempt, e.score)).collect();
        assert_eq!(scores, ["1:50", "2:88"], "both attempts, numbered in the order sat");
    }
    assert_eq!(canonical(&a1, &on_second.id), canonical(&a2, &on_second.id), "every field alike");
    assert_eq!(a2.desk.worker(&on_second.id).unwrap().address, "第一工作台登记的地址", "the later write of each field");
    // The first desk's page opened on its own record before the merge finds the kept one, and
    // its timeline keeps what was written under the merged id and says what happened.
    let detail = a1.desk.worker_detail(&on_first.id).unwrap();
    assert_eq!(detail.worker.id, on_second.id);
    let actions: Vec<&str> = detail.timeline.iter().map(|e| e.action.code()).collect();
    assert!(actions.contains(&"enrol") && actions.contains(&"relay_merged"), "{actions:?}");
    // Nothing more to do: a second round moves nothing, and every entry was taken.
    for d in [&mut a1, &mut a2] {
        let again = synced(d).await;
        assert_eq!((again.pulled.workers_merged, again.pulled.refused, again.pushed.rejected), (0, 0, 0), "{again:?}");
    }
}

/// The form that would write `w` again, for a correction of some of its fields.
pub(crate) fn form_of(w: &certdesk_store::Worker) -> certdesk_store::WorkerInput {
    let mut form = worker_form(&w.name, &w.id_number);
    form.form.phone = w.phone.clone();
    form.form.address = w.address.clone();
    form.form.service_types = w.service_types.iter().map(|t| t.code().to_string()).collect();
    form.form.emergency_contact_name = w.emergency_contact_name.clone();
    form.form.emergency_contact_phone = w.emergency_contact_phone.clone();
    form.form.consent_date = Some(w.consent_date.clone());
    form.photo_sha256 = w.photo_sha256.clone();
    form
}

/// Every worker a desk holds, as it must be the same on every desk of the agency.
fn dump(d: &TestDesk) -> Vec<serde_json::Value> {
    let all = d.desk.search_workers("", None, 10_000).unwrap();
    let mut ids: Vec<String> = all.items.into_iter().map(|w| w.id).collect();
    ids.sort();
    ids.iter().map(|id| canonical(d, id)).collect()
}

/// Issue 10's faults: three desks of agency A and one of agency B; random enrolments (some with
/// a photo; some of a person another desk enrolled already, unknown to this one) and
/// corrections of the same workers on each desk while offline, and syncs in random order, half
/// of them the `sync-once` process killed with SIGKILL at a random moment (mid-push, mid-upload,
/// mid-pull). At the end every desk of A holds identical workers, one per person (every field,
/// photo, who wrote each field and when, and the status), each field with the value last written
/// to it on any desk, every record id any desk made finds its worker, nothing waits or was
/// refused, and B holds none of them.
/// `CERTDESK_AGENCY_ROUNDS` sets the rounds (60 here; the documented long run takes 1,000) and
/// `CERTDESK_AGENCY_SEED` the seed.
#[tokio::test]
async fn three_desks_of_one_agency_end_with_identical_workers_whatever_the_order_of_their_offline_changes_and_syncs() {
    use crate::sync::{env_number, png, Rng};
    let rounds = env_number("CERTDESK_AGENCY_ROUNDS", 60);
    let seed = env_number("CERTDESK_AGENCY_SEED", 0x5eed);
    let mut rng = Rng(seed | 1);
    let p = TestPlatform::start(Options::default()).await;
    let a1 = enrolled_desk(&p, 1).await;
    let a2 = another_desk(&p, &a1, "boss.b").await;
    let a3 = another_desk(&p, &a1, "boss.c").await;
    let mut b = enrolled_desk(&p, 2).await;
    let mut desks = [a1, a2, a3];
    // The window the kills fall in: one uninterrupted sync-once run on this machine.
    let first_dir = desks[0].dir.path().to_owned();
    let idle = tokio::task::spawn_blocking(move || crate::sync::sync_once_duration(&first_dir)).await.unwrap();
    // A run with work to do takes longer than an idle one (start-up and handshake): the kills
    // fall over twice that.
    let window = idle * 2;
    let mut killed = 0;
    // The people enrolled (the number of each ID number), and every record id a desk made.
    let mut persons: Vec<u32> = Vec::new();
    let mut known: Vec<String> = Vec::new();
    let mut enrolled_twice = 0;
    // The last value written to each (person, field), on whichever desk: what every desk must end with.
    let mut latest: std::collections::HashMap<(String, &str), String> = std::collections::HashMap::new();
    let streets = ["漕溪北路", "南京东路", "淮海中路", "四川北路"];
    let contacts = ["李四", "王五", "赵六", "钱七"];
    for _ in 0..rounds {
        let d = &mut desks[(rng.next() % 3) as usize];
        let me = d.me.clone();
        match rng.next() % 5 {
            0 => {
                // Now and then a person another desk enrolled is typed again on this one, which
                // does not hold them yet (offline, or not synced since): the platform merges the
                // two records, and this enrolment is a later write of every field.
                let unknown_here: Vec<u32> = persons.iter().copied().filter(|n| d.desk.search_workers(&id_number(*n), None, 1).unwrap().total == 0).collect();
                let again = !unknown_here.is_empty() && rng.next().is_multiple_of(2);
                let n = if again {
                    unknown_here[(rng.next() % unknown_here.len() as u64) as usize]
                } else {
                    persons.push(101 + persons.len() as u32);
                    *persons.last().unwrap()
                };
                let mut form = worker_form("陈静", &id_number(n));
                if rng.next().is_multiple_of(2) {
                    form.photo_sha256 = Some(d.desk.prepare_photo(&png((n % 251) as u8)).unwrap().sha256);
                }
                std::thread::sleep(std::time::Duration::from_millis(2));
                let w = d.desk.enrol_worker(&me, &form).unwrap();
                enrolled_twice += u32::from(again);
                for (field, value) in [("phone", &form.form.phone), ("address", &form.form.address), ("emergency_contact_name", &form.form.emergency_contact_name)] {
                    latest.insert((w.id_number.clone(), field), value.clone());
                }
                known.push(w.id);
            }
            1 | 2 => {
                let held: Vec<&String> = known.iter().filter(|id| d.desk.worker(id).is_ok()).collect();
                if held.is_empty() {
                    continue;
                }
                // A record merged into another is found under its old id too: the kept one.
                let w = d.desk.worker(held[(rng.next() % held.len() as u64) as usize]).unwrap();
                let id = w.id.clone();
                let mut form = form_of(&w);
                let n = rng.next();
                let (field, value) = match n % 3 {
                    0 => ("phone", format!("139{:08}", n % 100_000_000)),
                    1 => ("address", format!("上海市{}{}号", streets[(n / 3 % 4) as usize], n % 999 + 1)),
                    _ => ("emergency_contact_name", contacts[(n / 3 % 4) as usize].to_string()),
                };
                let slot = match field {
                    "phone" => &mut form.form.phone,
                    "address" => &mut form.form.address,
                    _ => &mut form.form.emergency_contact_name,
                };
                // Saving the value the desk already shows writes nothing (no new time for the
                // field), so it is no later write: another desk's earlier change may stand.
                if *slot == value {
                    continue;
                }
                *slot = value.clone();
                // Each write a moment after the one before, so that "later" is the order here.
                std::thread::sleep(std::time::Duration::from_millis(2));
                d.desk.update_worker(&me, &id, &form, None).unwrap();
                latest.insert((w.id_number, field), value);
            }
            3 => {
                synced(d).await;
            }
            _ => {
                let dir = d.dir.path().to_owned();
                let after = std::time::Duration::from_micros(rng.next() % window.as_micros().max(1) as u64);
                if tokio::task::spawn_blocking(move || crate::sync::sync_once_killed_after(&dir, after)).await.unwrap() {
                    killed += 1;
                }
            }
        }
    }
    eprintln!("three desks: {killed} sync-once runs killed mid-way, within {window:?}; {enrolled_twice} people enrolled on a second desk (seed {seed})");
    // Everyone syncs until nothing moves: twice round.
    for _ in 0..2 {
        for d in desks.iter_mut() {
            synced(d).await;
        }
    }
    for (i, d) in desks.iter().enumerate() {
        assert_eq!(d.desk.pending_outbox_count().unwrap(), 0, "desk {} sent everything", i + 1);
        assert!(d.desk.sync_rejections(true).unwrap().is_empty(), "desk {}: nothing refused (seed {seed})", i + 1);
    }
    let first = dump(&desks[0]);
    assert_eq!(first.len(), persons.len(), "every person enrolled on any desk is on the first, once");
    for (i, d) in desks.iter().enumerate().skip(1) {
        let other = dump(d);
        for (x, y) in first.iter().zip(&other) {
            assert_eq!(x, y, "desk {} differs from the first (seed {seed})", i + 1);
        }
        assert_eq!(first.len(), other.len(), "desk {} holds as many workers as the first", i + 1);
    }
    for ((person, field), value) in &latest {
        let w = first.iter().find(|w| w["id_number"] == person.as_str()).unwrap();
        assert_eq!(w[*field].as_str(), Some(value.as_str()), "{field} of {person} keeps its last write (seed {seed})");
    }
    for d in &desks {
        for id in &known {
            assert!(d.desk.worker(id).is_ok(), "every record id made on any desk finds its worker on every desk");
        }
    }
    let photos = first.iter().filter_map(|w| w["photo_sha256"].as_str()).collect::<Vec<_>>();
    for d in &desks {
        for sha in &photos {
            assert!(d.desk.photo(sha).unwrap().is_some(), "every desk holds every photo");
        }
    }
    synced(&mut b).await;
    assert_eq!(b.desk.search_workers("", None, 10).unwrap().total, 0, "agency B holds nothing of A's");
}

/// Issue 10 item 4: a new or replaced PC of an agency joins it with the agency profile and a
/// one-time code, with no manager of its own; its first sync restores the agency's accounts,
/// workers with their photos, training records, health checks with their reports and
/// insurance, and the clerks sign in with the accounts they
/// have. A PC whose agency has announced no account yet is told so and may still be set up as
/// usual; a desk that holds an account cannot join.
#[tokio::test]
async fn a_new_pc_joins_its_agency_without_a_manager_of_its_own_and_restores_its_records() {
    use certdesk_sync::join;
    use certdesk_testkit::desk::{manager, MANAGER, MANAGER_PASSWORD};
    let p = TestPlatform::start(Options::default()).await;
    let mut a1 = enrolled_desk(&p, 1).await;
    let me1 = a1.me.clone();
    a1.desk.add_user(Some(&me1), &clerk("li.na", "password1")).unwrap();
    let mut form = worker_form("张三", &id_number(1));
    form.photo_sha256 = Some(a1.desk.prepare_photo(&crate::sync::png(3)).unwrap().sha256);
    let w = a1.desk.enrol_worker(&me1, &form).unwrap();
    train_to_eligibility(&mut a1.desk, &me1, std::slice::from_ref(&w.id), "88");
    let report = "%PDF-1.4\n% health report of 张三\n%%EOF\n".as_bytes().to_vec();
    let day = |from_today: i64| (chrono::Utc::now().date_naive() + chrono::Duration::days(from_today)).to_string();
    let check = HealthCheckInput { checked_on: day(-14), institution: "上海市徐汇区中心医院".into(), category: "母婴照护".into(), result: "合格".into(), valid_until: None };
    a1.desk.record_health_check(&me1, &w.id, &check, Some(&report)).unwrap();
    let policy = InsuranceInput { insurer: "中国人民财产保险".into(), policy_number: "PICC-7".into(), kind: "雇主责任险".into(), valid_from: day(-30), valid_until: day(335) };
    a1.desk.record_insurance(&me1, &w.id, &policy).unwrap();
    synced(&mut a1).await;

    let agency_id = a1.desk.sync_device().unwrap().expect("enrolled").agency_id;
    let code = p.enrolment_code(agency_id.parse().unwrap()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = Desk::open(dir.path()).unwrap();
    let joined = join(&mut fresh, &agency(), &enrol_params(&p, &code), &SyncOptions::default()).await.expect("the new PC joins");
    assert!(joined.enrolment.is_some());
    // The clerk typed the test kit's profile; the code is agency 1's, whose register the PC takes
    // (the platform is the authority on agencies), saying what it corrected.
    let corrected: Vec<(&str, &str)> = joined.corrected.iter().map(|c| (c.field.as_str(), c.registered.as_str())).collect();
    let code_1 = certdesk_testkit::credit_code(1);
    assert_eq!(corrected, [("name", "第1家政服务有限公司"), ("credit_code", code_1.as_str()), ("district", "黄浦区")], "{joined:?}");
    let profile = fresh.agency().unwrap().unwrap();
    assert_eq!((profile.name.as_str(), profile.credit_code.as_str(), profile.district.as_str(), profile.address.as_str()), ("第1家政服务有限公司", code_1.as_str(), "黄浦区", agency().address.as_str()), "the address stays as typed");
    let pulled = &joined.sync.pulled;
    assert_eq!((joined.accounts, pulled.workers, pulled.health_records, joined.sync.files_fetched), (2, 1, 2, 2), "{joined:?}");
    let clerk_here = fresh.login("li.na", "password1").expect("the clerk signs in on the new PC");
    fresh.login(MANAGER, MANAGER_PASSWORD).expect("and the manager");
    let b = TestDesk { desk: fresh, me: clerk_here, dir };
    assert_eq!(canonical(&b, &w.id), canonical(&a1, &w.id), "the worker as the first desk holds it");
    let training = b.desk.worker_training(&w.id).unwrap();
    assert_eq!((training.status, training.classes.len(), training.exams.len()), (WorkerStatus::Eligible, 1, 1));
    let checks = b.desk.health_checks(&w.id).unwrap();
    assert_eq!(checks, a1.desk.health_checks(&w.id).unwrap(), "the health check as the first desk holds it");
    let sha = checks[0].report_sha256.as_deref().expect("with its report");
    assert_eq!(b.desk.report_file(sha).unwrap().map(|(_, bytes)| bytes), Some(report), "the report's bytes");
    assert_eq!(b.desk.insurance_policies(&w.id).unwrap(), a1.desk.insurance_policies(&w.id).unwrap(), "and the policy");
    assert!(b.desk.standing(&w.id).unwrap().in_date(), "the worker may serve on the new PC too");
    // Run again on the joined PC, the join only syncs: nothing new, the profile and the
    // enrolment as they were.
    let mut b = b;
    let device = b.desk.sync_device().unwrap();
    let again = join(&mut b.desk, &agency(), &enrol_params(&p, &code), &SyncOptions::default()).await.expect("a joined PC goes on");
    assert_eq!((again.enrolment.is_none(), again.corrected.len(), again.sync.pulled.workers), (true, 0, 0), "{again:?}");
    assert_eq!((b.desk.sync_device().unwrap(), b.desk.agency().unwrap()), (device, Some(profile)));
    // A PC set up with a manager of its own and never enrolled is not joined over.
    let dir = tempfile::tempdir().unwrap();
    let mut own = Desk::open(dir.path()).unwrap();
    own.setup(&agency(), &manager()).unwrap();
    let refused = join(&mut own, &agency(), &enrol_params(&p, &code), &SyncOptions::default()).await.unwrap_err();
    assert_eq!(refused.to_desk_error().code, "already_set_up", "a desk with accounts signs in instead");
    assert!(own.sync_device().unwrap().is_none(), "and is not enrolled");

    // An agency none of whose desks has synced an account yet: the PC is enrolled and told to
    // wait; it can still be set up as a new desk with a manager of its own.
    let lonely = p.agency_in(3, "黄浦区").await;
    let code = p.enrolment_code(lonely).await;
    let dir = tempfile::tempdir().unwrap();
    let mut early = Desk::open(dir.path()).unwrap();
    let waiting = join(&mut early, &agency(), &enrol_params(&p, &code), &SyncOptions::default()).await.unwrap();
    assert_eq!(waiting.accounts, 0);
    early.setup(&agency(), &manager()).expect("set up as usual after all");
}

/// Issue 10 item 4: a join the network cuts again and again, also after the agency's accounts
/// have arrived, is run again each time and goes on where it stopped, until the PC holds the
/// agency as the first desk does. Through the loopback proxy that cuts the platform's answers
/// after more and more bytes, one retry per call, so each cut ends the join.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_join_cut_by_the_network_after_the_accounts_arrived_goes_on_when_run_again() {
    use crate::sync::{fault_proxy, Fault};
    use certdesk_sync::{join, RetryPolicy};
    let p = TestPlatform::start(Options::default()).await;
    let mut a1 = enrolled_desk(&p, 1).await;
    let me1 = a1.me.clone();
    a1.desk.add_user(Some(&me1), &clerk("li.na", "password1")).unwrap();
    let mut ids = Vec::new();
    for n in 0..8 {
        let mut form = worker_form("张三", &id_number(n));
        form.photo_sha256 = Some(a1.desk.prepare_photo(&crate::sync::png(n as u8 + 40)).unwrap().sha256);
        ids.push(a1.desk.enrol_worker(&me1, &form).unwrap().id);
    }
    synced(&mut a1).await;

    // The enrolment passes; then every connection is cut, each later than the one before.
    let plan = std::iter::once(Fault::Pass).chain((1..40).map(|n| Fault::CutAfter(1_500 * n))).collect();
    let (proxy, cuts) = fault_proxy(p.server().addr, plan).await;
    let agency_id = a1.desk.sync_device().unwrap().expect("enrolled").agency_id;
    let code = p.enrolment_code(agency_id.parse().unwrap()).await;
    let params = certdesk_sync::EnrolParams { platform_url: format!("https://{proxy}"), ..enrol_params(&p, &code) };
    let opts = || SyncOptions { pull_limit: 2, retry: RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }, ..SyncOptions::default() };
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = Desk::open(dir.path()).unwrap();
    let (mut failed_with_accounts, mut attempts) = (0, 0);
    let joined = loop {
        attempts += 1;
        assert!(attempts <= 40, "the join never completed");
        match join(&mut fresh, &agency(), &params, &opts()).await {
            Ok(report) => break report,
            Err(e) => {
                assert!(e.is_transient(), "only the cut line: {e:?}");
                failed_with_accounts += usize::from(fresh.has_users().unwrap());
            }
        }
    };
    assert!(failed_with_accounts >= 2, "cut after the accounts arrived {failed_with_accounts} times in {attempts} attempts ({} cuts)", cuts.load(std::sync::atomic::Ordering::SeqCst));
    assert!(joined.enrolment.is_none(), "enrolled once, by the first attempt");
    fresh.login("li.na", "password1").expect("the clerk signs in on the new PC");
    let b = TestDesk { desk: fresh, me: me1.clone(), dir };
    for id in &ids {
        assert_eq!(canonical(&b, id), canonical(&a1, id), "the worker as the first desk holds it");
        let sha = a1.desk.worker(id).unwrap().photo_sha256.expect("with a photo");
        assert_eq!(b.desk.photo(&sha).unwrap(), a1.desk.photo(&sha).unwrap(), "and its photo's bytes");
    }
    assert_eq!(b.desk.sync_status().unwrap().pending, 0, "and nothing of its own to send");
}

/// Issue 10 item 4: a joining PC is told how far its restore has come after each page (the
/// window's progress bar, the CLI's line): the pulled count only grows, the platform says how
/// many changes still wait, and the last figure is the whole restore.
#[tokio::test]
async fn a_joining_pc_is_told_how_far_its_restore_has_come_page_by_page() {
    use certdesk_sync::{join, ProgressSink, SyncProgress};
    use std::sync::{Arc, Mutex};
    let p = TestPlatform::start(Options::default()).await;
    let mut a1 = enrolled_desk(&p, 1).await;
    let me1 = a1.me.clone();
    for n in 0..6 {
        let mut form = worker_form("张三", &id_number(n));
        form.photo_sha256 = Some(a1.desk.prepare_photo(&crate::sync::png(n as u8 + 20)).unwrap().sha256);
        a1.desk.enrol_worker(&me1, &form).unwrap();
    }
    synced(&mut a1).await;

    let agency_id = a1.desk.sync_device().unwrap().expect("enrolled").agency_id;
    let code = p.enrolment_code(agency_id.parse().unwrap()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = Desk::open(dir.path()).unwrap();
    let told: Arc<Mutex<Vec<SyncProgress>>> = Arc::default();
    let sink = {
        let told = told.clone();
        ProgressSink::new(move |p| told.lock().unwrap().push(*p))
    };
    let opts = SyncOptions { pull_limit: 3, progress: Some(sink), ..SyncOptions::default() };
    let joined = join(&mut fresh, &agency(), &enrol_params(&p, &code), &opts).await.expect("the new PC joins");
    let told = told.lock().unwrap().clone();
    let pages = joined.sync.pulled.changes.div_ceil(3) as usize;
    assert_eq!(told.len(), pages, "one figure per page: {told:?}");
    assert!(told.windows(2).all(|w| w[0].pulled < w[1].pulled && w[0].files <= w[1].files), "{told:?}");
    assert_eq!(told[0].pull_total, joined.sync.pulled.changes, "the first page already knows the whole restore: {told:?}");
    let last = told.last().unwrap();
    assert_eq!((last.pulled, last.pull_total, last.files), (joined.sync.pulled.changes, joined.sync.pulled.changes, 6), "{told:?}");
    assert_eq!((last.pushed, last.push_total), (0, 0), "a joining PC has nothing to send");
}

/// Issue 10 item 1: a card's history travels between the desks of an agency. A card printed at
/// one desk is handed over at the other (which needs the print), with the worker's signature;
/// the first desk then holds the hand-over and the second desk's answer to a complaint, and a
/// loss reported there is known on the second;
/// each desk's timeline names who did it on the other. Another agency holds none of it.
#[tokio::test]
async fn a_card_printed_at_one_desk_is_handed_over_at_another_and_its_history_and_complaint_answers_are_the_same_on_both() {
    use certdesk_domain::CardLayout;
    use certdesk_store::LossKind;
    let p = TestPlatform::start(Options::approving_everyone()).await;
    let mut a1 = enrolled_desk(&p, 1).await;
    let mut a2 = second_desk(&p, &a1).await;
    let mut b = enrolled_desk(&p, 2).await;
    let (me1, me2) = (a1.me.clone(), a2.me.clone());
    let w = a1.desk.enrol_worker(&me1, &worker_form("张三", &id_number(1))).unwrap();
    train_to_eligibility(&mut a1.desk, &me1, std::slice::from_ref(&w.id), "88");
    a1.desk.apply_worker(&me1, &w.id).unwrap();
    synced(&mut a1).await;
    synced(&mut a1).await;
    assert_eq!(a1.desk.worker(&w.id).unwrap().status, WorkerStatus::Approved);
    synced(&mut a2).await;
    assert!(a2.desk.platform_view(&w.id).unwrap().certificate.is_some(), "the second desk holds the approval");

    a1.desk.record_prints(&me1, std::slice::from_ref(&w.id), CardLayout::Cr80, "pdf:cards.pdf", "2026.1", false).unwrap();
    synced(&mut a1).await;
    let report = synced(&mut a2).await;
    assert_eq!((report.pulled.card_events, report.pulled.refused), (1, 0), "{report:?}");
    assert_eq!(a2.desk.worker(&w.id).unwrap().status, WorkerStatus::Printed);
    a2.desk.issue_card(&me2, &w.id, None, Some(crate::sync::png(5))).expect("the card printed on the first desk is handed over on the second");
    synced(&mut a2).await;
    synced(&mut a1).await;

    // A citizen complains on the card's page; the second desk answers; the first desk holds the
    // answer and no longer lists the complaint as waiting for one.
    let url = a1.desk.platform_view(&w.id).unwrap().certificate.expect("approved").credential_url;
    let (reference, _) = p.file_complaint(&url, "上门迟到一小时", "13800000000").await;
    synced(&mut a1).await;
    synced(&mut a2).await;
    assert_eq!(a1.desk.open_complaints().unwrap().len(), 1);
    let today = chrono::Utc::now().with_timezone(&certdesk_domain::shanghai()).date_naive().to_string();
    a2.desk.answer_complaint(&me2, &reference, "已与服务人员谈话并向客户致歉", &today).unwrap();
    synced(&mut a2).await;
    let answered = synced(&mut a1).await;
    assert_eq!((answered.pulled.complaint_answers, answered.pulled.refused), (1, 0), "{answered:?}");
    assert!(a1.desk.open_complaints().unwrap().is_empty(), "answered on the other desk");
    let held = a1.desk.worker_feedback(&w.id).unwrap().items.into_iter().find(|f| f.reference.as_deref() == Some(reference.as_str())).unwrap();
    assert_eq!(held.answer.as_deref(), Some("已与服务人员谈话并向客户致歉"), "{held:?}");
    // A citizen rates the service: every desk of the agency holds the rating, once.
    p.rate(&url, 4, "阿姨很细心").await;
    synced(&mut a1).await;
    synced(&mut a2).await;
    synced(&mut a2).await;
    for d in [&a1, &a2] {
        let ratings: Vec<_> = d.desk.worker_feedback(&w.id).unwrap().items.into_iter().filter(|f| f.stars.is_some()).map(|f| (f.stars, f.text)).collect();
        assert_eq!(ratings, [(Some(4), "阿姨很细心".to_owned())], "the rating on both desks");
    }

    a1.desk.report_card_loss(&me1, &w.id, LossKind::Lost, "公交车上遗失").unwrap();
    synced(&mut a1).await;
    synced(&mut a2).await;
    synced(&mut a1).await;

    let history = |d: &TestDesk| {
        let s = d.desk.card_state(&w.id).unwrap();
        serde_json::json!({ "prints": s.prints, "handovers": s.handovers, "losses": s.losses, "status": s.status })
    };
    let on_a1 = history(&a1);
    assert_eq!(on_a1, history(&a2), "both desks hold the same card history");
    assert_eq!((on_a1["prints"].as_array().unwrap().len(), on_a1["handovers"].as_array().unwrap().len(), on_a1["losses"].as_array().unwrap().len()), (1, 1, 1), "{on_a1}");
    assert_eq!(on_a1["handovers"][0]["has_signature"], true, "with the worker's signature");
    let timeline = a1.desk.timeline(certdesk_store::AuditEntity::Worker, &w.id).unwrap();
    assert!(timeline.iter().any(|e| e.action == "relay_card_issue" && e.user == me2.display_name()), "{timeline:?}");
    let there = a2.desk.timeline(certdesk_store::AuditEntity::Worker, &w.id).unwrap();
    assert!(there.iter().any(|e| e.action == "relay_card_print" && e.user == me1.display_name()), "{there:?}");
    assert!(there.iter().any(|e| e.action == "relay_card_loss"), "{there:?}");

    let other = synced(&mut b).await;
    assert_eq!(other.pulled.card_events, 0, "another agency holds none of it");
}

/// Issue 10 items 1 and 4: a desk upgraded from a version whose records did not travel
/// announces every record it holds once (desk migration 15), so a new PC of the agency restores
/// them too, not only what was written since: here the desk's records were all sent before (the
/// outbox marked pushed, as an older version left it, the accounts aside), and without the
/// announcement the joining PC would restore none of them.
#[tokio::test]
async fn records_written_before_they_travelled_are_announced_once_and_a_new_pc_restores_them() {
    use certdesk_domain::CardLayout;
    use certdesk_sync::join;
    let p = TestPlatform::start(Options::default()).await;
    let mut a1 = enrolled_desk(&p, 1).await;
    let me1 = a1.me.clone();
    let mut form = worker_form("张三", &id_number(1));
    form.photo_sha256 = Some(a1.desk.prepare_photo(&crate::sync::png(9)).unwrap().sha256);
    let w = a1.desk.enrol_worker(&me1, &form).unwrap();
    train_to_eligibility(&mut a1.desk, &me1, std::slice::from_ref(&w.id), "88");
    let report = "%PDF-1.4\n% 张三的体检报告\n%%EOF\n".as_bytes().to_vec();
    let day = (chrono::Utc::now().date_naive() - chrono::Duration::days(7)).to_string();
    let check = HealthCheckInput { checked_on: day, institution: "上海市徐汇区中心医院".into(), category: "母婴照护".into(), result: "合格".into(), valid_until: None };
    a1.desk.record_health_check(&me1, &w.id, &check, Some(&report)).unwrap();
    a1.desk.record_prints(&me1, std::slice::from_ref(&w.id), CardLayout::Cr80, "pdf:draft.pdf", "2026.1", true).unwrap();

    // As an older version left it: every record sent long ago, none kept in a form the platform
    // relays; the accounts were announced by migration 13 and still wait.
    let path = a1.dir.path().to_owned();
    let raw = certdesk_store::open_raw(&path).unwrap();
    raw.execute("UPDATE outbox SET pushed_at = '2026-01-01T00:00:00.000Z' WHERE entity <> 'user'", []).unwrap();
    raw.execute("INSERT INTO settings (key, value) VALUES ('relay.announce_held', '1')", []).unwrap();
    drop(raw);
    let waiting = a1.desk.pending_outbox_count().unwrap();
    a1.desk = Desk::open(&path).unwrap();
    let announced = a1.desk.pending_outbox_count().unwrap() - waiting;
    // The worker, the class, the participant's row, the exam, the supervision form, the health
    // check and the print.
    assert_eq!(announced, 7, "each record once");
    a1.desk = Desk::open(&path).unwrap();
    assert_eq!(a1.desk.pending_outbox_count().unwrap() - waiting, 7, "and only once");
    let sent = synced(&mut a1).await;
    assert_eq!((sent.pushed.rejected, sent.pushed.conflict), (0, 0), "the platform takes every announced record: {sent:?}");

    let agency_id = a1.desk.sync_device().unwrap().expect("enrolled").agency_id;
    let code = p.enrolment_code(agency_id.parse().unwrap()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = Desk::open(dir.path()).unwrap();
    let joined = join(&mut fresh, &agency(), &enrol_params(&p, &code), &SyncOptions::default()).await.expect("the new PC joins");
    let pulled = &joined.sync.pulled;
    assert_eq!((pulled.workers, pulled.training_records, pulled.health_records, pulled.card_events, pulled.refused), (1, 4, 1, 1, 0), "{joined:?}");
    assert_eq!(joined.sync.files_fetched, 2, "the photo and the report");
    let me_there = fresh.login(me1.username(), certdesk_testkit::desk::MANAGER_PASSWORD).expect("the manager signs in on the new PC");
    let b = TestDesk { desk: fresh, me: me_there, dir };
    assert_eq!(canonical(&b, &w.id), canonical(&a1, &w.id), "the worker as the first desk holds it");
    assert_eq!(b.desk.worker_training(&w.id).unwrap().status, WorkerStatus::Eligible, "with the training that made it eligible");
    assert_eq!(b.desk.health_checks(&w.id).unwrap(), a1.desk.health_checks(&w.id).unwrap());
    assert_eq!(b.desk.card_state(&w.id).unwrap().prints.len(), 1, "and the card's history");
}

/// Issue 10 item 4: the platform's decisions on a record announced after them (an agency whose
/// desks ran a version that did not relay workers) reach a joining PC before the worker does;
/// they are kept until the worker arrives and then applied, so the new PC holds the approval,
/// its certificate and the checks as the first desk does.
#[tokio::test]
async fn decisions_that_reach_a_joining_pc_before_their_worker_are_applied_when_it_arrives() {
    use certdesk_sync::join;
    let p = TestPlatform::start(Options::approving_everyone()).await;
    let mut a1 = enrolled_desk(&p, 1).await;
    let me1 = a1.me.clone();
    let w = a1.desk.enrol_worker(&me1, &worker_form("张三", &id_number(1))).unwrap();
    train_to_eligibility(&mut a1.desk, &me1, std::slice::from_ref(&w.id), "88");
    a1.desk.apply_worker(&me1, &w.id).unwrap();
    synced(&mut a1).await;
    synced(&mut a1).await;
    let view = a1.desk.platform_view(&w.id).unwrap();
    assert!(view.certificate.is_some() && !view.checks.is_empty(), "approved: {view:?}");

    // As an older platform and desk left it: the decisions in the change log, the worker and
    // its training never relayed (the accounts were); the desk then announces what it held.
    let platform_db = rusqlite::Connection::open(p.dir().join("platform.sqlite3")).unwrap();
    platform_db.execute("DELETE FROM agency_records WHERE entity <> 'user'", []).unwrap();
    let dropped = platform_db
        .execute("DELETE FROM changes WHERE json_extract(body, '$.kind') = 'agency_record' AND json_extract(body, '$.entity') <> 'user'", [])
        .unwrap();
    assert!(dropped >= 5, "the worker, the class, the participant, the exam, the supervision form: {dropped}");
    drop(platform_db);
    let path = a1.dir.path().to_owned();
    let raw = certdesk_store::open_raw(&path).unwrap();
    raw.execute("INSERT INTO settings (key, value) VALUES ('relay.announce_held', '1')", []).unwrap();
    drop(raw);
    a1.desk = Desk::open(&path).unwrap();
    synced(&mut a1).await;

    let agency_id = a1.desk.sync_device().unwrap().expect("enrolled").agency_id;
    let code = p.enrolment_code(agency_id.parse().unwrap()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = Desk::open(dir.path()).unwrap();
    let joined = join(&mut fresh, &agency(), &enrol_params(&p, &code), &SyncOptions::default()).await.expect("the new PC joins");
    assert_eq!((joined.sync.pulled.workers, joined.sync.pulled.approvals, joined.sync.pulled.refused), (1, 1, 0), "{joined:?}");
    assert_eq!(fresh.worker(&w.id).unwrap().status, WorkerStatus::Approved);
    assert_eq!(fresh.platform_view(&w.id).unwrap(), view, "the certificate and the checks as the first desk holds them");
    let left: i64 = certdesk_store::open_raw(dir.path()).unwrap().query_row("SELECT count(*) FROM parked_decisions", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0, "nothing waits any more");
}
