//! Several desks of one agency (issue 10) against the real platform over TLS, each on its own
//! SQLite file, synced by the real engine. The staff accounts (item 3): a user added on one desk
//! signs in on every desk of the agency, a manager disabling a user disables them everywhere at
//! the next sync, two offline changes of one account end the same on every desk. The workers
//! (items 1 and 2): enrolled on one desk, on every desk with their photo; corrected on two desks
//! offline, each field keeps its later write everywhere; the status only moves forward. Another
//! agency never sees any of it.

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
    let agency_id = first.desk.sync_device().unwrap().expect("enrolled").agency_id;
    let code = p.enrolment_code(agency_id.parse().unwrap()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut desk = Desk::open(dir.path()).unwrap();
    let boss = NewUser { username: "boss.b".into(), display_name: "分店经理".into(), role: Role::Manager, password: "password-b".into() };
    let me = desk.setup(&agency(), &boss).unwrap();
    let mut d = TestDesk { desk, me, dir };
    enrol(&mut d.desk, Some(&d.me), &enrol_params(p, &code)).await.expect("the second desk enrols");
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
/// who wrote it and when, and the status (not the local version counter or the last local
/// change time).
fn canonical(d: &TestDesk, id: &str) -> serde_json::Value {
    let mut w = serde_json::to_value(d.desk.worker(id).expect("the desk holds the worker")).unwrap();
    let fields = w.as_object_mut().unwrap();
    for local in ["version", "updated_at", "updated_by_id"] {
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
    assert_eq!((report.pulled.workers, report.photos_fetched, report.pulled.refused), (1, 1, 0), "{report:?}");
    assert_eq!(canonical(&a2, &w.id), canonical(&a1, &w.id), "the second desk holds the worker as the first wrote it");
    let sha = w.photo_sha256.clone().unwrap();
    assert_eq!(a2.desk.photo(&sha).unwrap(), a1.desk.photo(&sha).unwrap(), "with the same photo");
    let enrolled_there = a2.desk.timeline("worker", &w.id).unwrap();
    assert!(enrolled_there.iter().any(|e| e.action == "relay_enrol" && e.user == me1.display_name()), "{enrolled_there:?}");
    assert_eq!(a2.desk.search_workers("张三", None, 10).unwrap().total, 1, "found by name on the second desk");
    synced(&mut a1).await;
    assert!(a1.desk.timeline("worker", &w.id).unwrap().iter().all(|e| !e.action.starts_with("relay")), "its own record's echo changes nothing on the first desk");

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
    let changed_here = a1.desk.timeline("worker", &w.id).unwrap();
    assert!(
        changed_here.iter().any(|e| e.action == "relay_update" && e.field.as_deref() == Some("phone") && e.user == me2.display_name()),
        "{changed_here:?}"
    );

    // The status moves forward on the other desk: trained to eligibility on the first.
    train_to_eligibility(&mut a1.desk, &me1, std::slice::from_ref(&w.id), "90");
    synced(&mut a1).await;
    synced(&mut a2).await;
    assert_eq!(a2.desk.worker(&w.id).unwrap().status, WorkerStatus::Eligible);

    // The same person enrolled offline on the second desk as a new record: the platform keeps
    // both records, and the first desk refuses the second one (it holds the person) and says so.
    a2.desk.enrol_worker(&me2, &worker_form("李梅", &id_number(2))).unwrap();
    a1.desk.enrol_worker(&me1, &worker_form("李梅", &id_number(2))).unwrap();
    synced(&mut a2).await;
    let both = synced(&mut a1).await;
    assert_eq!(both.pulled.refused, 1, "{both:?}");
    assert_eq!(a1.desk.search_workers("李梅", None, 10).unwrap().total, 1, "one record of the person on the first desk");
}
