//! The store's side of the sync on a real SQLite file, without a network: recording the
//! platform's answers, applying pulled changes with their cursor, and the indicator's
//! staleness warning under a clock the test moves.

use certdesk_protocol::credential::{RevocationEntry, TrustedKey};
use certdesk_protocol::sync::{Change, ChangeBody, EntryOutcome, EntryResult};
use certdesk_store::{Desk, DeviceRecord, SessionUser};
use certdesk_testkit::desk::{open_desk_with_clock, worker_form, MovableClock};
use certdesk_testkit::id_number_from;
use chrono::{Duration, NaiveDate};

/// A desk on a clock the test moves by hand, the announcement of its manager's account already
/// acknowledged by the platform (the tests here are about the records that follow).
fn fresh(dir: &std::path::Path) -> (Desk, SessionUser, MovableClock) {
    let clock = MovableClock::at("2026-11-27T02:00:00Z");
    let (mut desk, me) = open_desk_with_clock(dir, Box::new(clock.clone()));
    let accounts = desk.pending_sync_entries(10).unwrap();
    assert_eq!(accounts.len(), 1, "the manager's account waits to be announced");
    let applied: Vec<EntryResult> =
        accounts.iter().map(|e| EntryResult { id: e.id.parse().unwrap(), seq: e.seq, outcome: EntryOutcome::Applied }).collect();
    desk.record_push_results(&applied).unwrap();
    (desk, me, clock)
}

fn worker(desk: &mut Desk, me: &SessionUser, name: &str, seq17: &str) -> String {
    desk.enrol_worker(me, &worker_form(name, &id_number_from(seq17))).unwrap().id
}

fn device() -> DeviceRecord {
    DeviceRecord {
        platform_url: "https://platform.example".into(),
        device_id: uuid::Uuid::now_v7().to_string(),
        device_name: "前台1号机".into(),
        agency_id: uuid::Uuid::now_v7().to_string(),
        agency_name: "某家政".into(),
        ca_pem: None,
        secret_store: "file".into(),
        enrolled_at: String::new(),
    }
}

#[test]
fn the_platforms_answers_mark_entries_once_and_refusals_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me, _) = fresh(dir.path());
    worker(&mut desk, &me, "张三", "31010419800101001");
    worker(&mut desk, &me, "李四", "31010419800101002");
    let pending = desk.pending_sync_entries(10).unwrap();
    assert_eq!(pending.len(), 2);
    let answers: Vec<EntryResult> = vec![
        EntryResult { id: pending[0].id.parse().unwrap(), seq: pending[0].seq, outcome: EntryOutcome::Applied },
        EntryResult {
            id: pending[1].id.parse().unwrap(),
            seq: pending[1].seq,
            outcome: EntryOutcome::Rejected { code: "invalid_record".into(), message_zh: "记录有误".into(), message_en: "Wrong".into() },
        },
    ];
    let tally = desk.record_push_results(&answers).unwrap();
    assert_eq!((tally.applied, tally.rejected), (1, 1));
    assert_eq!(desk.pending_outbox_count().unwrap(), 0, "a refused entry is handled, not retried forever");
    let list = desk.sync_rejections(false).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].code.as_str(), list[0].entity_label.as_deref()), ("invalid_record", Some("李四")));

    // The same answers again (a repeated response) change nothing.
    let again = desk.record_push_results(&answers).unwrap();
    assert_eq!((again.applied, again.rejected), (0, 0));
    assert_eq!(desk.sync_rejections(true).unwrap().len(), 1);
}

#[test]
fn a_pulled_page_and_its_cursor_commit_together_and_a_repeated_page_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, _, _) = fresh(dir.path());
    let changes = vec![
        Change {
            seq: 4,
            body: ChangeBody::TrustKey {
                key: TrustedKey {
                    key_id: 1,
                    public_key: "iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w".into(),
                    algorithm: Default::default(),
                    not_before: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                    not_after: None,
                },
            },
        },
        Change {
            seq: 9,
            body: ChangeBody::Revocation {
                entry: RevocationEntry { certificate_code: "SH112026123456J".into(), revoked: true, current_card_version: 1 },
            },
        },
        Change { seq: 11, body: ChangeBody::Deleted { entity: "something_newer".into(), entity_id: "x".into() } },
    ];
    let tally = desk.apply_pulled(&changes, 11, true).unwrap();
    assert_eq!((tally.changes, tally.trust_keys, tally.revocations, tally.deletions), (3, 1, 1, 1));
    assert_eq!(desk.sync_cursor().unwrap(), 11);
    assert_eq!(desk.trust_list().unwrap().keys.len(), 1);
    assert!(desk.revocation_list().unwrap().entries[0].revoked);

    let repeat = desk.apply_pulled(&changes, 11, true).unwrap();
    assert_eq!(repeat.changes, 0, "changes at or below the cursor were applied already");

    let gone = vec![Change { seq: 12, body: ChangeBody::Deleted { entity: "trust_key".into(), entity_id: "1".into() } }];
    desk.apply_pulled(&gone, 12, true).unwrap();
    assert!(desk.trust_list().unwrap().keys.is_empty(), "a withdrawn key leaves the trust list");
}

/// Issue 10 items 3 and 6: an account another desk of the agency holds arrives in the pull and
/// signs in here; a later change of it merges in, an older one changes nothing; one that does
/// not read, or whose username another user here holds, is refused and counted while the rest
/// of the page applies.
#[test]
fn an_account_from_another_desk_signs_in_here_and_a_bad_or_clashing_one_is_refused_and_counted() {
    use certdesk_protocol::staff::StaffAccount;
    use certdesk_protocol::sync::SyncEntity;
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me, _) = fresh(dir.path());
    // The hash of "password1", as the other desk made it.
    let (elsewhere, _li_na, _other) = another_desk_with_clerk();
    let announced = elsewhere.pending_sync_entries(10).unwrap().into_iter().find(|e| e.entity == SyncEntity::User && e.payload["username"] == "li.na").unwrap();
    let account: StaffAccount = serde_json::from_value(announced.payload.clone()).unwrap();
    let record = |seq, payload: serde_json::Value| Change {
        seq,
        body: ChangeBody::AgencyRecord { entity: SyncEntity::User, entity_id: account.id, payload },
    };
    let clash = StaffAccount { id: uuid::Uuid::now_v7(), ..account.clone() };
    let mine = StaffAccount { id: uuid::Uuid::now_v7(), username: me.username().to_uppercase(), ..account.clone() };
    let page = vec![
        record(1, serde_json::json!({"id": account.id, "username": "x"})),
        record(2, announced.payload.clone()),
        record(3, serde_json::to_value(&mine).unwrap()),
        record(4, serde_json::to_value(&clash).unwrap()),
    ];
    let tally = desk.apply_pulled(&page, 4, true).unwrap();
    assert_eq!((tally.staff_accounts, tally.refused), (1, 3), "one kept; the unreadable one and two clashes refused");
    desk.login("li.na", "password1").expect("the other desk's clerk signs in here");
    assert_eq!(desk.sync_cursor().unwrap(), 4, "the page applied with its cursor");

    // Disabled later on another desk: disabled here; the older record again changes nothing.
    let disabled = StaffAccount { disabled: true, status_at: account.status_at + Duration::hours(1), ..account.clone() };
    let tally = desk.apply_pulled(&[record(5, serde_json::to_value(&disabled).unwrap()), record(6, announced.payload.clone())], 6, true).unwrap();
    assert_eq!(tally.staff_accounts, 1, "the disabling changed the account; the older record nothing");
    assert_eq!(desk.login("li.na", "password1").unwrap_err().code, "bad_credentials");
    assert!(desk.list_users().unwrap().iter().any(|u| u.username == "li.na" && u.disabled));
}

/// Issue 10 item 6: a page from a broken or hostile platform with one change that does not read
/// (an approval naming no worker id) and one that does: the broken one is refused and counted,
/// nothing of it written; the other applies and the cursor moves past both, so the next sync
/// does not stumble on it again.
#[test]
fn a_pulled_change_that_does_not_read_is_refused_and_counted_and_the_rest_of_the_page_applies() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, _, _) = fresh(dir.path());
    let page: certdesk_protocol::sync::PullResponse = serde_json::from_value(serde_json::json!({
        "changes": [
            {"seq": 3, "kind": "approval", "certificate_code": "SH112026123456J", "worker_id": 17},
            {"seq": 4, "kind": "revocation", "entry": {"certificate_code": "SH112026123456J", "revoked": true, "current_card_version": 1}}
        ],
        "next_cursor": 4,
        "has_more": false
    }))
    .expect("the page reads, the broken change with it");
    let tally = desk.apply_pulled(&page.changes, page.next_cursor, true).unwrap();
    assert_eq!((tally.changes, tally.refused, tally.revocations, tally.approvals), (2, 1, 1, 0));
    assert_eq!(desk.sync_cursor().unwrap(), 4);
    assert!(desk.revocation_list().unwrap().entries[0].revoked);
}

#[test]
fn nothing_synced_for_more_than_three_days_raises_the_stale_warning() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, _, clock) = fresh(dir.path());
    assert!(!desk.sync_status().unwrap().stale_warning, "an unenrolled desk has nothing to be late with");
    desk.save_sync_device(None, &device()).unwrap();
    clock.advance(Duration::days(3) - Duration::minutes(1));
    assert!(!desk.sync_status().unwrap().stale_warning);
    clock.advance(Duration::minutes(2));
    assert!(desk.sync_status().unwrap().stale_warning, "counted from enrolment when never synced");
    desk.record_sync_success().unwrap();
    let status = desk.sync_status().unwrap();
    assert!(!status.stale_warning && status.last_error.is_none());
    desk.record_sync_failure("network", "无法连接平台", "Cannot reach the platform").unwrap();
    clock.advance(Duration::days(4));
    let status = desk.sync_status().unwrap();
    assert!(status.stale_warning, "failures do not reset the clock");
    assert_eq!(status.last_error.unwrap().code, "network");
}

#[test]
fn moving_to_another_platform_sends_everything_again() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me, _) = fresh(dir.path());
    worker(&mut desk, &me, "张三", "31010419800101001");
    desk.save_sync_device(None, &device()).unwrap();
    let pending = desk.pending_sync_entries(10).unwrap();
    let answers: Vec<EntryResult> =
        pending.iter().map(|e| EntryResult { id: e.id.parse().unwrap(), seq: e.seq, outcome: EntryOutcome::Applied }).collect();
    desk.record_push_results(&answers).unwrap();
    desk.apply_pulled(&[], 42, true).unwrap();
    assert_eq!(desk.pending_outbox_count().unwrap(), 0);

    let mut same_place = device();
    same_place.agency_id = desk.sync_device().unwrap().unwrap().agency_id;
    desk.save_sync_device(None, &same_place).unwrap();
    assert_eq!((desk.pending_outbox_count().unwrap(), desk.sync_cursor().unwrap()), (0, 42), "a new device of the same agency keeps going");

    desk.save_sync_device(None, &DeviceRecord { platform_url: "https://other.example".into(), ..device() }).unwrap();
    assert_eq!(desk.pending_outbox_count().unwrap(), 2, "the new platform has none of the records (the manager's account and the worker)");
    assert_eq!(desk.sync_cursor().unwrap(), 0);
}

#[test]
fn enrolling_the_device_writes_an_audit_entry_naming_who_and_the_platform() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me, _) = fresh(dir.path());
    let entries = desk.verify_audit_chain().unwrap();
    let first = device();
    desk.save_sync_device(Some(&me), &first).unwrap();
    let timeline = desk.timeline(certdesk_store::AuditEntity::Device, &first.device_id).unwrap();
    assert_eq!(timeline.len(), 1, "one entry for the enrolment: {timeline:?}");
    let e = &timeline[0];
    assert_eq!((e.action.code(), e.field.as_deref()), ("enrol", Some("platform_url")));
    assert_eq!((e.old_value.as_deref(), e.new_value.as_deref()), (None, Some(first.platform_url.as_str())), "a first enrolment");
    assert_eq!(e.user, me.display_name(), "recorded against the manager who enrolled");

    let moved = DeviceRecord { device_id: uuid::Uuid::now_v7().to_string(), platform_url: "https://other.example".into(), ..device() };
    desk.save_sync_device(None, &moved).unwrap();
    let e = desk.timeline(certdesk_store::AuditEntity::Device, &moved.device_id).unwrap().pop().expect("the re-enrolment is audited too");
    assert_eq!((e.old_value.as_deref(), e.new_value.as_deref()), (Some(first.platform_url.as_str()), Some("https://other.example")));
    assert_eq!(desk.verify_audit_chain().unwrap(), entries + 2, "both entries are in the hash chain, which stays intact");
}

/// Another desk of the agency (its own file and clock) with a clerk, 李娜 (`li.na`), who writes
/// the records relayed from it; the folder is kept while the desk lives.
fn another_desk_with_clerk() -> (Desk, SessionUser, tempfile::TempDir) {
    let other = tempfile::tempdir().unwrap();
    let (mut elsewhere, boss) = open_desk_with_clock(other.path(), Box::new(MovableClock::at("2026-11-27T03:00:00Z")));
    let clerk = certdesk_store::NewUser { username: "li.na".into(), display_name: "李娜".into(), role: certdesk_store::Role::Clerk, password: "password1".into() };
    elsewhere.add_user(Some(&boss), &clerk).unwrap();
    let li_na = elsewhere.login("li.na", "password1").unwrap();
    (elsewhere, li_na, other)
}

/// [`another_desk_with_clerk`], where 李娜 has enrolled 王芳.
fn another_desk_with_worker() -> (Desk, SessionUser, certdesk_store::Worker, tempfile::TempDir) {
    let (mut elsewhere, li_na, other) = another_desk_with_clerk();
    let w = elsewhere.enrol_worker(&li_na, &worker_form("王芳", "11010519491231002X")).unwrap();
    (elsewhere, li_na, w, other)
}

/// A record another desk of the agency pushed, as the platform relays it at `seq` (a fresh id each).
fn record(seq: i64, entity: certdesk_protocol::sync::SyncEntity, payload: serde_json::Value) -> Change {
    Change { seq, body: ChangeBody::AgencyRecord { entity, entity_id: uuid::Uuid::now_v7(), payload } }
}

/// The latest payload of `entity` among another desk's pending entries, as the platform relays
/// it (the clerk's account for `user`).
fn relayed_payload(pending: &[certdesk_store::OutboxEntry], entity: certdesk_protocol::sync::SyncEntity) -> serde_json::Value {
    let wanted = |e: &&certdesk_store::OutboxEntry| e.entity == entity && (entity != certdesk_protocol::sync::SyncEntity::User || e.payload["username"] == "li.na");
    pending.iter().rev().find(wanted).expect("the other desk queued it").payload.clone()
}

/// Issue 10 items 1 and 6: a worker another desk of the agency enrolled arrives in the pull with
/// its photo and is kept as that desk wrote it, naming that desk's clerk; a copy naming a user
/// this desk does not hold or carrying a wrong ID number is refused and counted, and a photo
/// that is not what its name says (a swapped photo) or not a photo at all is never kept.
#[test]
fn a_worker_from_another_desk_is_kept_with_its_photo_and_a_hostile_copy_or_photo_is_refused() {
    use certdesk_protocol::sync::SyncEntity;
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, _me, _) = fresh(dir.path());
    let (mut elsewhere, li_na, _other) = another_desk_with_clerk();
    let jpeg_of = |desk: &mut Desk, shade: u8| {
        let img = image::RgbImage::from_pixel(200, 240, image::Rgb([shade, 90, 160]));
        let mut png = std::io::Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(img).write_to(&mut png, image::ImageFormat::Png).unwrap();
        let sha = desk.prepare_photo(png.get_ref()).unwrap().sha256;
        (desk.photo(&sha).unwrap().unwrap(), sha)
    };
    let (photo, sha) = jpeg_of(&mut elsewhere, 10);
    let (swapped, _) = jpeg_of(&mut elsewhere, 200);
    let mut form = worker_form("王芳", "11010519491231002X");
    form.photo_sha256 = Some(sha.clone());
    let w = elsewhere.enrol_worker(&li_na, &form).unwrap();
    let pending = elsewhere.pending_sync_entries(20).unwrap();
    let payload = |entity: SyncEntity| relayed_payload(&pending, entity);
    let (account, worker) = (payload(SyncEntity::User), payload(SyncEntity::Worker));

    // The photos first, as the engine fetches them: only the true one is kept.
    assert!(!desk.keep_relayed_photo(&sha, &swapped).unwrap(), "another photo under this photo's name");
    let junk = b"not a photo at all".to_vec();
    assert!(!desk.keep_relayed_photo(&hex::encode(sha2::Sha256::digest(&junk)), &junk).unwrap(), "bytes that are no desk's photo");
    assert!(!desk.holds_blob(&sha).unwrap());
    assert!(desk.keep_relayed_photo(&sha, &photo).unwrap());

    let mut stranger = worker.clone();
    stranger["created_by_id"] = serde_json::json!(uuid::Uuid::now_v7().to_string());
    let mut wrong_id = worker.clone();
    wrong_id["id_number"] = serde_json::json!("110105194912310021");
    let page = vec![record(1, SyncEntity::User, account), record(2, SyncEntity::Worker, stranger), record(3, SyncEntity::Worker, wrong_id), record(4, SyncEntity::Worker, worker.clone())];
    let tally = desk.apply_pulled(&page, 4, true).unwrap();
    assert_eq!((tally.staff_accounts, tally.workers, tally.refused), (1, 1, 2), "{tally:?}");
    let kept = desk.worker(&w.id).unwrap();
    assert_eq!((kept.name.as_str(), kept.id_number.as_str(), kept.photo_sha256.as_deref()), ("王芳", "11010519491231002X", Some(sha.as_str())));
    assert_eq!((kept.consent_witness.as_str(), kept.created_at.as_str()), ("李娜", w.created_at.as_str()), "as the other desk wrote it");
    assert_eq!(desk.pending_outbox_count().unwrap(), 0, "nothing is sent back: the record is the agency's already");
    // The same copy again changes nothing.
    let again = desk.apply_pulled(&[record(5, SyncEntity::Worker, worker)], 5, true).unwrap();
    assert_eq!((again.workers, again.refused), (0, 0));
}

/// Issue 10 items 1 and 6: a health check (with its report) and an insurance policy another desk
/// of the agency recorded are kept as it wrote them, naming its clerk; a report that is not what
/// its name says or not a report is never kept; a copy naming a worker or user this desk lacks,
/// or with dates the rules refuse, is refused and counted; the same check typed on both desks
/// is kept once.
#[test]
fn a_health_check_and_a_policy_from_another_desk_are_kept_with_the_report_and_a_hostile_copy_or_file_is_refused() {
    use certdesk_domain::health::{HealthCheckInput, InsuranceInput};
    use certdesk_protocol::sync::SyncEntity;
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me, _) = fresh(dir.path());
    let (mut elsewhere, li_na, w, _other) = another_desk_with_worker();
    let report = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let sha = hex::encode(sha2::Sha256::digest(&report));
    let check = HealthCheckInput { checked_on: "2026-11-20".into(), institution: "上海市徐汇区中心医院".into(), category: "母婴照护".into(), result: "合格".into(), valid_until: None };
    elsewhere.record_health_check(&li_na, &w.id, &check, Some(&report)).unwrap();
    let policy = InsuranceInput { insurer: "中国人民财产保险".into(), policy_number: "PICC-1".into(), kind: "雇主责任险".into(), valid_from: "2026-01-01".into(), valid_until: "2026-12-31".into() };
    elsewhere.record_insurance(&li_na, &w.id, &policy).unwrap();
    let pending = elsewhere.pending_sync_entries(20).unwrap();
    let payload = |entity: SyncEntity| relayed_payload(&pending, entity);
    let (account, worker, health, cover) = (payload(SyncEntity::User), payload(SyncEntity::Worker), payload(SyncEntity::HealthCheck), payload(SyncEntity::Insurance));
    assert_eq!(health["recorded_by_id"], serde_json::json!(li_na.id()), "the payload names its author by id");

    // The report first, as the engine fetches it: only the true one is kept.
    let swapped = b"%PDF-1.4\n% another worker's report\n%%EOF\n".to_vec();
    assert!(!desk.keep_relayed_report(&sha, &swapped).unwrap(), "another report under this report's name");
    let junk = b"MZ\x90\x00 not a report".to_vec();
    assert!(!desk.keep_relayed_report(&hex::encode(sha2::Sha256::digest(&junk)), &junk).unwrap(), "bytes that are no report");
    assert!(!desk.holds_blob(&sha).unwrap());
    assert!(desk.keep_relayed_report(&sha, &report).unwrap());

    let mut orphan = health.clone();
    orphan["id"] = serde_json::json!(uuid::Uuid::now_v7().to_string());
    orphan["worker_id"] = serde_json::json!(uuid::Uuid::now_v7().to_string());
    let mut stranger = cover.clone();
    stranger["recorded_by_id"] = serde_json::json!(uuid::Uuid::now_v7().to_string());
    let mut backwards = cover.clone();
    backwards["id"] = serde_json::json!(uuid::Uuid::now_v7().to_string());
    backwards["valid_until"] = serde_json::json!("2025-12-31");
    let mut future = health.clone();
    future["id"] = serde_json::json!(uuid::Uuid::now_v7().to_string());
    future["checked_on"] = serde_json::json!("2099-01-01");
    let page = vec![
        record(1, SyncEntity::User, account),
        record(2, SyncEntity::Worker, worker),
        record(3, SyncEntity::HealthCheck, orphan),
        record(4, SyncEntity::Insurance, stranger),
        record(5, SyncEntity::Insurance, backwards),
        record(6, SyncEntity::HealthCheck, future),
        record(7, SyncEntity::HealthCheck, health.clone()),
        record(8, SyncEntity::Insurance, cover.clone()),
    ];
    let tally = desk.apply_pulled(&page, 8, true).unwrap();
    assert_eq!((tally.workers, tally.health_records, tally.refused), (1, 2, 4), "{tally:?}");
    let checks = desk.health_checks(&w.id).unwrap();
    assert_eq!(checks, elsewhere.health_checks(&w.id).unwrap(), "kept as the other desk wrote it");
    assert_eq!(desk.report_file(&sha).unwrap().unwrap().1, report, "with its report");
    assert_eq!(desk.insurance_policies(&w.id).unwrap(), elsewhere.insurance_policies(&w.id).unwrap());
    let timeline = desk.timeline(certdesk_store::AuditEntity::Worker, &w.id).unwrap();
    assert!(timeline.iter().any(|e| e.action == "relay_health_check" && e.user == li_na.display_name()), "{timeline:?}");
    assert!(timeline.iter().any(|e| e.action == "relay_insurance"), "{timeline:?}");
    assert_eq!(desk.pending_outbox_count().unwrap(), 0, "nothing is sent back");

    // The same check typed on this desk too (another id): kept once.
    let mut twin = health;
    twin["id"] = serde_json::json!(uuid::Uuid::now_v7().to_string());
    let again = desk.apply_pulled(&[record(9, SyncEntity::HealthCheck, twin), record(10, SyncEntity::Insurance, cover)], 10, true).unwrap();
    assert_eq!((again.health_records, again.refused), (0, 0), "{again:?}");
    assert_eq!(desk.health_checks(&w.id).unwrap().len(), 1);
    let _ = me;
}

/// Issue 10 items 1 and 6: card events another desk of the agency recorded are kept once each as
/// the card's history, naming its clerk; an event that does not fit (a draft with a certificate,
/// a signature that is not a PNG or not base64, an unknown worker or clerk, a time that is not
/// one, an over-long note) is refused and counted; a second loss of one card version or a
/// second cancellation is not kept twice.
#[test]
fn card_events_from_another_desk_are_kept_once_and_a_hostile_one_is_refused() {
    use certdesk_domain::CardLayout;
    use certdesk_protocol::sync::SyncEntity;
    use certdesk_store::{CancelReason, CardEvent, CardEventBody, LossKind};
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, _me, _) = fresh(dir.path());
    let (elsewhere, li_na, w, _other) = another_desk_with_worker();
    let pending = elsewhere.pending_sync_entries(20).unwrap();
    let payload = |entity: SyncEntity| relayed_payload(&pending, entity);
    let setup = desk.apply_pulled(&[record(1, SyncEntity::User, payload(SyncEntity::User)), record(2, SyncEntity::Worker, payload(SyncEntity::Worker))], 2, true).unwrap();
    assert_eq!((setup.staff_accounts, setup.workers), (1, 1));

    let event = |body: CardEventBody| CardEvent { id: uuid::Uuid::now_v7().to_string(), worker_id: w.id.clone(), body, at: "2026-11-27T03:10:00.000Z".into(), by_id: li_na.id().to_string() };
    let card = |e: CardEvent| serde_json::to_value(e).unwrap();
    let print = |draft: bool, code: Option<&str>| CardEventBody::Print {
        certificate_code: code.map(str::to_string),
        card_version: code.map(|_| 1),
        draft,
        layout: CardLayout::Cr80,
        printer: "pdf:cards.pdf".into(),
        design_version: "2026.1".into(),
    };
    let handover = |sig: Option<String>| CardEventBody::Handover { certificate_code: "310000202600001".into(), card_version: 1, issued_on: "2026-11-27".into(), signature_png: sig };
    let loss = || CardEventBody::Loss { certificate_code: "310000202600001".into(), card_version: 1, kind: LossKind::Lost, note: "遗失".into() };
    let png = {
        let mut out = std::io::Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(40, 20, image::Rgb([0, 0, 0]))).write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    use base64::Engine as _;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);

    let draft = event(print(true, None));
    let mut stranger = event(print(true, None));
    stranger.by_id = uuid::Uuid::now_v7().to_string();
    let mut orphan = event(print(true, None));
    orphan.worker_id = uuid::Uuid::now_v7().to_string();
    let mut no_time = event(print(true, None));
    no_time.at = "yesterday".into();
    let mut long_note = event(CardEventBody::Cancellation { reason: CancelReason::Other, note: "很".repeat(201) });
    long_note.id = w.id.clone();
    let page = vec![
        record(3, SyncEntity::CardEvent, card(draft.clone())),
        record(4, SyncEntity::CardEvent, card(event(print(true, Some("310000202600001"))))),
        record(5, SyncEntity::CardEvent, card(event(handover(Some(b64(b"GIF89a not a png")))))),
        record(6, SyncEntity::CardEvent, card(event(handover(Some("%%% not base64".into()))))),
        record(7, SyncEntity::CardEvent, card(stranger)),
        record(8, SyncEntity::CardEvent, card(orphan)),
        record(9, SyncEntity::CardEvent, card(no_time)),
        record(10, SyncEntity::CardEvent, card(long_note)),
        record(11, SyncEntity::CardEvent, serde_json::json!({ "id": "x", "worker_id": w.id, "event": "teleport" })),
        record(12, SyncEntity::CardEvent, card(event(handover(Some(b64(&png)))))),
        record(13, SyncEntity::CardEvent, card(event(loss()))),
        record(14, SyncEntity::CardEvent, card(event(loss()))),
        record(15, SyncEntity::CardEvent, card(CardEvent { id: w.id.clone(), ..event(CardEventBody::Cancellation { reason: CancelReason::LeftAgency, note: "离职".into() }) })),
        record(16, SyncEntity::CardEvent, card(CardEvent { id: w.id.clone(), ..event(CardEventBody::Cancellation { reason: CancelReason::Misconduct, note: String::new() }) })),
        record(17, SyncEntity::CardEvent, card(draft)),
    ];
    let tally = desk.apply_pulled(&page, 17, true).unwrap();
    assert_eq!((tally.card_events, tally.refused), (4, 8), "{tally:?}");
    let state = desk.card_state(&w.id).unwrap();
    assert_eq!((state.prints.len(), state.handovers.len(), state.losses.len()), (1, 1, 1));
    assert!(state.handovers[0].has_signature && state.handovers[0].issued_by == "李娜", "{:?}", state.handovers);
    let cancellation = state.cancellation.expect("the cancellation is kept");
    assert_eq!(cancellation.reason, CancelReason::LeftAgency, "the first one; the second is not kept over it");
    let timeline = desk.timeline(certdesk_store::AuditEntity::Worker, &w.id).unwrap();
    assert_eq!(timeline.iter().filter(|e| e.action.code().starts_with("relay_card") || e.action == "relay_cancel").count(), 4, "{timeline:?}");
    assert_eq!(desk.pending_outbox_count().unwrap(), 0, "nothing is sent back");
}

/// Issue 10 item 2: a value another desk wrote that lost to a later write is kept in the
/// timeline once, however often a copy listing it arrives (pulled again, or relayed again after a
/// merge).
#[test]
fn a_lost_write_is_kept_in_the_timeline_once_however_often_it_arrives() {
    use certdesk_protocol::sync::SyncEntity;
    use certdesk_protocol::worker_record::{LOST_WRITES, RELAYED_FROM};
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, _me, _) = fresh(dir.path());
    let (elsewhere, li_na, w, _other) = another_desk_with_worker();
    let pending = elsewhere.pending_sync_entries(20).unwrap();
    let mut worker = relayed_payload(&pending, SyncEntity::Worker);
    worker[RELAYED_FROM] = serde_json::json!("分店前台");
    worker[LOST_WRITES] = serde_json::json!([{"field": "emergency_contact_name", "value": "王五", "at": "2026-11-26T08:00:00Z", "by": li_na.id()}]);
    let account = relayed_payload(&pending, SyncEntity::User);
    desk.apply_pulled(&[record(1, SyncEntity::User, account), record(2, SyncEntity::Worker, worker.clone())], 2, true).unwrap();
    desk.apply_pulled(&[record(3, SyncEntity::Worker, worker.clone()), record(4, SyncEntity::Worker, worker)], 4, true).unwrap();
    let timeline = desk.timeline(certdesk_store::AuditEntity::Worker, &w.id).unwrap();
    let lost: Vec<_> = timeline.iter().filter(|e| e.action == "relay_lost").collect();
    assert_eq!(lost.len(), 1, "{timeline:?}");
    assert_eq!((lost[0].new_value.as_deref(), lost[0].user.as_str(), lost[0].reason.as_deref()), (Some("王五"), "李娜", Some("分店前台")));
}

/// Issue 10 items 1 and 6: the agency's answer to a complaint, typed on another desk, is kept
/// once and marks the complaint answered here, under that desk's clerk; an answer from an older
/// desk that names no clerk, to a complaint this desk does not hold, or with no action is
/// refused and counted.
#[test]
fn an_answer_to_a_complaint_from_another_desk_is_kept_once_and_a_hostile_one_is_refused() {
    use certdesk_protocol::complaint::ComplaintAnswer;
    use certdesk_protocol::sync::SyncEntity;
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, _me, _) = fresh(dir.path());
    let (elsewhere, li_na, w, _other) = another_desk_with_worker();
    let pending = elsewhere.pending_sync_entries(20).unwrap();
    let complaint_id = uuid::Uuid::now_v7();
    let complaint = ChangeBody::Complaint {
        complaint_id,
        worker_id: w.id.parse().unwrap(),
        certificate_code: "310000202600001".into(),
        text: "上门迟到".into(),
        contact: String::new(),
        created_at: "2026-11-26T08:00:00Z".parse().unwrap(),
        reference: Some("TS-20261126-0001".into()),
    };
    let record = |seq, entity, entity_id, payload| Change { seq, body: ChangeBody::AgencyRecord { entity, entity_id, payload } };
    let setup = vec![
        record(1, SyncEntity::User, uuid::Uuid::now_v7(), relayed_payload(&pending, SyncEntity::User)),
        record(2, SyncEntity::Worker, uuid::Uuid::now_v7(), relayed_payload(&pending, SyncEntity::Worker)),
        Change { seq: 3, body: complaint },
    ];
    desk.apply_pulled(&setup, 3, true).unwrap();
    assert_eq!(desk.open_complaints().unwrap().len(), 1);

    let answer = |complaint_id, action: &str, by: Option<String>| {
        let a = ComplaintAnswer {
            complaint_id,
            action: action.into(),
            done_on: "2026-11-26".parse().unwrap(),
            answered_by: "李娜".into(),
            answered_by_id: by,
            answered_at: Some("2026-11-26T09:00:00Z".parse().unwrap()),
        };
        serde_json::to_value(a).unwrap()
    };
    let clerk = Some(li_na.id().to_string());
    let kept_id = uuid::Uuid::now_v7();
    let page = vec![
        record(4, SyncEntity::ComplaintAnswer, uuid::Uuid::now_v7(), answer(complaint_id, "已致歉", None)),
        record(5, SyncEntity::ComplaintAnswer, uuid::Uuid::now_v7(), answer(uuid::Uuid::now_v7(), "已致歉", clerk.clone())),
        record(6, SyncEntity::ComplaintAnswer, uuid::Uuid::now_v7(), answer(complaint_id, "  ", clerk.clone())),
        record(7, SyncEntity::ComplaintAnswer, uuid::Uuid::now_v7(), answer(complaint_id, "已致歉", Some(uuid::Uuid::now_v7().to_string()))),
        record(8, SyncEntity::ComplaintAnswer, kept_id, answer(complaint_id, "已与服务人员谈话并致歉", clerk.clone())),
        record(9, SyncEntity::ComplaintAnswer, kept_id, answer(complaint_id, "已与服务人员谈话并致歉", clerk)),
    ];
    let tally = desk.apply_pulled(&page, 9, true).unwrap();
    assert_eq!((tally.complaint_answers, tally.refused), (1, 4), "{tally:?}");
    assert!(desk.open_complaints().unwrap().is_empty(), "answered on the other desk");
    let held = desk.worker_feedback(&w.id).unwrap().items.into_iter().next().unwrap();
    assert_eq!((held.answer.as_deref(), held.handled_at.as_deref()), (Some("已与服务人员谈话并致歉"), Some("2026-11-26T09:00:00.000Z")));
    let timeline = desk.timeline(certdesk_store::AuditEntity::Feedback, &complaint_id.to_string()).unwrap();
    assert!(timeline.iter().any(|e| e.action == "relay_answer_complaint" && e.user == "李娜"), "{timeline:?}");
    assert_eq!(desk.pending_outbox_count().unwrap(), 0, "nothing is sent back");
}

/// Issue 10 item 2: the platform merged another desk's record of a person into the one it kept.
/// A desk holding the merged record moves it, with its training, to the kept id: the old id
/// still finds the worker, the timeline keeps what was written under it and says what happened,
/// and nothing is sent back. A desk holding both records (one still with an older ID number)
/// ends with the kept one holding every exam attempt, numbered in the order sat. A merge of a
/// record into itself is refused and changes nothing.
#[test]
fn a_record_the_platform_merged_into_another_moves_with_everything_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me, clock) = fresh(dir.path());
    let exam = |worker: &str, score: &str| certdesk_store::ExamInput { worker: worker.into(), exam_date: None, score: score.into(), class_id: None };
    let held = worker(&mut desk, &me, "王芳", "11010519491231002");
    desk.record_exam(&me, &exam(&held, "40")).unwrap();
    let queued = desk.pending_outbox_count().unwrap();
    let kept = uuid::Uuid::now_v7();
    let merged = |seq, worker_id: uuid::Uuid, merged_id: &str| Change {
        seq,
        body: ChangeBody::WorkerMerged { worker_id, merged_id: merged_id.parse().unwrap(), at: "2026-11-27T02:30:00Z".parse().unwrap() },
    };
    let itself = desk.apply_pulled(&[merged(1, held.parse().unwrap(), &held)], 1, true).unwrap();
    assert_eq!((itself.workers_merged, itself.refused), (0, 1), "{itself:?}");
    let tally = desk.apply_pulled(&[merged(2, kept, &held)], 2, true).unwrap();
    assert_eq!(tally.workers_merged, 1, "{tally:?}");
    let w = desk.worker(&held).expect("the old id finds the kept worker");
    assert_eq!(w.id, kept.to_string());
    assert_eq!(desk.search_workers("王芳", None, 10).unwrap().total, 1);
    assert_eq!(desk.exam_results(&w.id).unwrap().len(), 1, "the exam moved with the worker");
    let actions: Vec<String> = desk.worker_detail(&w.id).unwrap().timeline.into_iter().map(|e| e.action.code().to_owned()).collect();
    assert!(actions.contains(&"enrol".to_string()) && actions.last().map(String::as_str) == Some("relay_merged"), "{actions:?}");
    assert_eq!(desk.pending_outbox_count().unwrap(), queued, "nothing sent back");
    // Again: nothing more happens.
    let again = desk.apply_pulled(&[merged(3, kept, &held)], 3, true).unwrap();
    assert_eq!(again.workers_merged, 0);

    // Both records held: the kept one under an older ID number, the other with an attempt of
    // its own (both numbered 1 here).
    let older = worker(&mut desk, &me, "李梅", "11010519600101002");
    let other = worker(&mut desk, &me, "李梅", "11010519600101003");
    desk.record_exam(&me, &exam(&older, "55")).unwrap();
    clock.advance(Duration::minutes(1));
    desk.record_exam(&me, &exam(&other, "91")).unwrap();
    let both = desk.apply_pulled(&[merged(4, older.parse().unwrap(), &other)], 4, true).unwrap();
    assert_eq!(both.workers_merged, 1, "{both:?}");
    assert_eq!(desk.worker(&other).unwrap().id, older);
    let attempts: Vec<(u32, String)> = desk.exam_results(&older).unwrap().into_iter().map(|e| (e.attempt, e.score.to_string())).collect();
    assert_eq!(attempts, [(1, "55".to_string()), (2, "91".to_string())]);
    assert_eq!(desk.search_workers("李梅", None, 10).unwrap().total, 1);
}

/// Issue 10 item 6: training records another desk of the agency wrote, pulled before their
/// parents (an attendance row, an exam and a supervision form naming a class this desk does not
/// hold, an attendance row naming a worker it does not hold), are each refused and counted, and
/// nothing of them is half-applied: the rest of the page and its cursor apply, and once the
/// parents have come the same records are kept.
#[test]
fn training_records_naming_an_unknown_class_or_worker_are_refused_and_counted_and_nothing_is_half_applied() {
    use certdesk_protocol::sync::SyncEntity;
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, _me, _) = fresh(dir.path());
    let (mut elsewhere, li_na, w, _other) = another_desk_with_worker();
    certdesk_testkit::desk::complete_training(&mut elsewhere, &li_na, std::slice::from_ref(&w.id), "88");
    let pending = elsewhere.pending_sync_entries(50).unwrap();
    let payload = |entity: SyncEntity| relayed_payload(&pending, entity);
    let (account, worker, class) = (payload(SyncEntity::User), payload(SyncEntity::Worker), payload(SyncEntity::TrainingClass));
    let (participant, mut exam, supervision) = (payload(SyncEntity::ClassParticipant), payload(SyncEntity::ExamResult), payload(SyncEntity::SupervisionForm));
    // The exam taken in that class (an exam may name none; this one names it).
    exam["class_id"] = class["id"].clone();

    // The account and the worker arrive; the class does not (yet): its children are refused.
    let early = vec![
        record(1, SyncEntity::User, account),
        record(2, SyncEntity::Worker, worker.clone()),
        record(3, SyncEntity::ClassParticipant, participant.clone()),
        record(4, SyncEntity::ExamResult, exam.clone()),
        record(5, SyncEntity::SupervisionForm, supervision.clone()),
    ];
    let tally = desk.apply_pulled(&early, 5, false).unwrap();
    assert_eq!((tally.workers, tally.training_records, tally.refused), (1, 0, 3), "{tally:?}");
    assert_eq!(desk.sync_cursor().unwrap(), 5, "the page and its cursor applied");
    let training = desk.worker_training(&w.id).unwrap();
    assert!(training.classes.is_empty() && training.exams.is_empty(), "nothing half-applied: {training:?}");

    // An attendance row naming a worker this desk does not hold, once its class is here.
    let mut stranger = participant.clone();
    stranger["worker_id"] = serde_json::json!(uuid::Uuid::now_v7().to_string());
    let tally = desk.apply_pulled(&[record(6, SyncEntity::TrainingClass, class), record(7, SyncEntity::ClassParticipant, stranger)], 7, false).unwrap();
    assert_eq!((tally.training_records, tally.refused), (1, 1), "the class kept, the stranger's row refused: {tally:?}");
    assert!(desk.worker_training(&w.id).unwrap().classes.is_empty());

    // The same records again, now that their parents are here: kept, and the worker eligible.
    let late = vec![record(8, SyncEntity::ClassParticipant, participant), record(9, SyncEntity::SupervisionForm, supervision), record(10, SyncEntity::ExamResult, exam)];
    let tally = desk.apply_pulled(&late, 10, true).unwrap();
    assert_eq!((tally.training_records, tally.refused), (3, 0), "{tally:?}");
    assert_eq!(desk.worker(&w.id).unwrap().status, certdesk_domain::WorkerStatus::Eligible);
}
