//! Several desks of one agency (issue 10) against the real platform over TLS, each on its own
//! SQLite file, synced by the real engine. So far the staff accounts (item 3): a user added on
//! one desk signs in on every desk of the agency, a manager disabling a user disables them
//! everywhere at the next sync, two offline changes of one account end the same on every desk,
//! and another agency never sees any of it.

use certdesk_store::{Desk, NewUser, Role, SessionUser};
use certdesk_sync::{enrol, sync, SyncOptions, SyncReport};
use certdesk_testkit::desk::agency;
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
