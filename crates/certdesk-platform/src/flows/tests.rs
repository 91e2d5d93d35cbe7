//! The flows against the real backend: a SQLite file in a temporary folder, a fixed clock and
//! the counting id source, so every id, time and key a flow makes is known to the test. The
//! bench holds the backend as a `Box<dyn Store>`: a second backend runs every test here by
//! building its bench with [`Bench::on`].

use certdesk_domain::certificate_code::CertificateCode;
use certdesk_domain::{ServiceType, WorkerStatus};
use certdesk_protocol::credential::{verify, Verdict};
use certdesk_protocol::sync::{
    ChangeBody, CheckKind, EntryOutcome, OutboxEntry, ReceivedEntry, RefusalCode, SyncEntity, SyncOp,
    UnknownEntry,
};
use certdesk_protocol::RevocationList;
use chrono::{DateTime, Days, NaiveDate, Utc};
use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use uuid::Uuid;

use super::*;
use crate::ids::CountingIds;
use crate::store::repo::{RecordLink, RepoExt, WorkerRow, WorkerWrite};
use crate::store::sqlite::SqliteStore;
use crate::store::{Agency, Store, StoreError};

const BASE: &str = "https://p.example/c/";

fn now() -> DateTime<Utc> {
    "2026-11-27T02:00:00Z".parse().unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

/// A valid ID number, different for each `n`.
fn id_number(n: u32) -> String {
    let first17 = format!("31010419800101{n:03}");
    format!("{first17}{}", certdesk_domain::check_char(&first17).unwrap())
}

/// The desk's worker record, eligible.
fn worker(id_number: &str) -> Value {
    json!({
        "name": "张三", "id_number": id_number, "phone": "13812345678", "address": "某路1号",
        "service_types": ["cleaning"], "emergency_contact_name": "王五",
        "emergency_contact_phone": "13912345678", "consent_date": "2026-01-01",
        "agency_check_done": true, "status": "eligible"
    })
}

/// A platform store with the counting id source and a signing key.
struct Bench {
    store: Box<dyn Store>,
    ids: CountingIds,
    key: crate::keys::PlatformKey,
    seq: std::cell::Cell<i64>,
    _dir: Option<tempfile::TempDir>,
    _db: Option<certdesk_testkit::pg::TestDatabase>,
}

/// An agency's desk on the bench.
#[derive(Clone, Copy)]
struct Desk {
    agency: Uuid,
    device: Uuid,
}

impl Bench {
    /// SQLite in a temporary folder, or a fresh PostgreSQL schema when the platform's suite
    /// runs on PostgreSQL (`CERTDESK_TEST_PLATFORM_DB=postgres`).
    fn new() -> Bench {
        if certdesk_testkit::platform::on_postgres() {
            let db = certdesk_testkit::pg::database("flows bench").expect("CERTDESK_TEST_PG for the PostgreSQL run");
            let mut bench = Bench::on(Box::new(crate::store::postgres::PgStore::open_for_tests(db.url()).unwrap()));
            bench._db = Some(db);
            return bench;
        }
        let dir = tempfile::tempdir().unwrap();
        let mut bench = Bench::on(Box::new(SqliteStore::open(dir.path()).unwrap()));
        bench._dir = Some(dir);
        bench
    }

    /// Any backend, empty.
    fn on(store: Box<dyn Store>) -> Bench {
        Bench {
            store,
            ids: CountingIds::default(),
            key: crate::keys::PlatformKey::Ed25519(SigningKey::from_bytes(&[7; 32])),
            seq: std::cell::Cell::new(0),
            _dir: None,
            _db: None,
        }
    }

    /// An agency in `district` with one enrolled device. Set-up ids are not the flows': they
    /// are made here, so the flows' ids count from 1.
    fn desk(&self, credit_code: &str, district: &str) -> Desk {
        let agency = Agency {
            id: Uuid::now_v7(),
            name: "机构".into(),
            credit_code: credit_code.into(),
            district: district.into(),
        };
        self.store.create_agency(&agency, now()).unwrap().unwrap();
        let hash = format!("code-{credit_code}");
        assert!(add_enrolment_code(&self.store, agency.id, &hash, now() + chrono::Duration::hours(1))
            .unwrap());
        let device = Uuid::now_v7();
        redeem_enrolment_code(&self.store, &hash, device, "desk", "secret-hash", now())
            .unwrap()
            .unwrap();
        Desk {
            agency: agency.id,
            device,
        }
    }

    fn ctx(&self, desk: Desk, today: NaiveDate) -> PushContext {
        PushContext {
            device_id: desk.device,
            device_name: "desk".into(),
            agency_id: desk.agency,
            now: now(),
            today,
        }
    }

    fn signer(&self) -> Signer<'_> {
        Signer {
            key_id: 1,
            key: &self.key,
            base_url: BASE,
        }
    }

    fn entry(&self, worker_id: Uuid, op: SyncOp, payload: Value) -> OutboxEntry {
        self.seq.set(self.seq.get() + 1);
        OutboxEntry {
            seq: self.seq.get(),
            id: Uuid::now_v7(),
            entity: SyncEntity::Worker,
            entity_id: worker_id,
            op,
            payload,
        }
    }

    /// Pushes `entries` as a desk would: the worker and training records of every
    /// application in them first (the platform checks the training), then the entries.
    fn push_on(&self, desk: Desk, today: NaiveDate, entries: &[OutboxEntry]) -> PushOutcome {
        let training = certdesk_testkit::training::for_applications(entries);
        if !training.is_empty() {
            self.push_untrained(desk, today, &training);
        }
        self.push_untrained(desk, today, entries)
    }

    /// Pushes exactly `entries`.
    fn push_untrained(&self, desk: Desk, today: NaiveDate, entries: &[OutboxEntry]) -> PushOutcome {
        let entries: Vec<ReceivedEntry> = entries.iter().cloned().map(Into::into).collect();
        push(&self.store, &self.ids, &self.ctx(desk, today), &entries, Some(&self.signer()))
            .unwrap()
    }

    fn push(&self, desk: Desk, entries: &[OutboxEntry]) -> Vec<EntryOutcome> {
        self.push_on(desk, today(), entries).outcomes
    }

    /// Applies for a new worker of `desk`; the worker and the application.
    fn apply(&self, desk: Desk, id_number: &str) -> (Uuid, Uuid) {
        let w = Uuid::now_v7();
        let out = self.push_on(desk, today(), &[self.entry(w, SyncOp::Apply, worker(id_number))]);
        assert_eq!(out.outcomes, [EntryOutcome::Applied]);
        (w, out.new_applications[0].application_id)
    }

    fn decide(&self, application: Uuid, decision: &Decision) -> Decided {
        decide(&self.store, application, decision, &self.signer(), today(), 365, now()).unwrap()
    }

    fn approved(&self, desk: Desk, id_number: &str) -> (Uuid, String) {
        let (w, app) = self.apply(desk, id_number);
        let Decided::Approved(code) = self.decide(app, &Decision::Pass) else {
            panic!("a pending application is approved");
        };
        (w, code)
    }

    fn status(&self, worker: Uuid) -> WorkerStatus {
        self.store
            .transaction(|tx| tx.worker(worker))
            .unwrap()
            .expect("the worker is stored")
            .status
    }

    /// The agency's changes but the records relayed to its desks (see [`Bench::relayed`]).
    fn changes(&self, desk: Desk) -> Vec<ChangeBody> {
        self.all_changes(desk).into_iter().filter(|c| !matches!(c, ChangeBody::AgencyRecord { .. })).collect()
    }

    fn all_changes(&self, desk: Desk) -> Vec<ChangeBody> {
        let (changes, more) = self.store.changes_since(desk.agency, 0, 1000).unwrap();
        assert!(!more);
        changes.into_iter().map(|c| c.body).collect()
    }

    /// The worker copies relayed to the agency's desks, in order.
    fn relayed(&self, desk: Desk) -> Vec<serde_json::Value> {
        self.all_changes(desk)
            .into_iter()
            .filter_map(|c| match c {
                ChangeBody::AgencyRecord { entity: SyncEntity::Worker, payload, .. } => Some(payload),
                _ => None,
            })
            .collect()
    }
}

fn rejected_code(outcome: &EntryOutcome) -> &str {
    match outcome {
        EntryOutcome::Rejected { code, .. } | EntryOutcome::Conflict { code, .. } => code,
        other => panic!("a refusal, not {other:?}"),
    }
}

#[test]
fn a_worker_corrected_on_two_desks_keeps_each_fields_later_write_and_is_relayed_to_its_agency_only() {
    let b = Bench::new();
    let d = b.desk("A", "黄浦区");
    let other = b.desk("B", "黄浦区");
    let w = Uuid::now_v7();
    let stamped = |phone: &str, phone_at: &str, address: &str, address_at: &str| {
        let mut p = worker(&id_number(1));
        p["phone"] = json!(phone);
        p["address"] = json!(address);
        p["field_times"] = json!({"phone": phone_at, "address": address_at});
        p
    };
    // The second desk's copy (a later address) reaches the platform before the first desk's (a
    // later phone): the platform keeps both later writes, whatever the order.
    let later_address = stamped("13812345678", "2026-11-01T02:00:00.000Z", "新地址1号", "2026-11-03T02:00:00.000Z");
    let later_phone = stamped("13987654321", "2026-11-02T02:00:00.000Z", "某路1号", "2026-11-01T02:00:00.000Z");
    assert_eq!(b.push(d, &[b.entry(w, SyncOp::Upsert, later_address)]), [EntryOutcome::Applied]);
    assert_eq!(b.push(d, &[b.entry(w, SyncOp::Upsert, later_phone)]), [EntryOutcome::Applied]);
    let relayed = b.relayed(d);
    assert_eq!(relayed.len(), 2, "each push relays the copy kept");
    let kept = relayed.last().unwrap();
    assert_eq!((kept["phone"].as_str(), kept["address"].as_str()), (Some("13987654321"), Some("新地址1号")));
    assert_eq!(kept["status"], "eligible", "with the status the platform keeps");
    assert_eq!(kept["relayed_from"], "desk", "naming the desk whose entry it merged");
    assert!(kept.get("lost_writes").is_none(), "nothing lost: each desk's write was the later one");
    assert!(b.relayed(other).is_empty(), "another agency receives nothing of it");
    // A desk saves a phone written before the kept one (its clock, offline): the write loses,
    // and the relayed copy says so, with who wrote it and when; the kept copy does not.
    let mut late = stamped("13600001111", "2026-11-01T12:00:00.000Z", "某路1号", "2026-11-01T02:00:00.000Z");
    late["updated_at"] = json!("2026-11-01T12:00:00.000Z");
    late["field_authors"] = json!({"phone": "u-li"});
    assert_eq!(b.push(d, &[b.entry(w, SyncOp::Upsert, late)]), [EntryOutcome::Applied]);
    let told = b.relayed(d).pop().unwrap();
    assert_eq!(told["phone"], "13987654321", "the later phone stays");
    assert_eq!(told["lost_writes"], json!([{"field": "phone", "value": "13600001111", "at": "2026-11-01T12:00:00.000Z", "by": "u-li"}]), "only the phone it wrote, not the address it carried");
    let stored = b.store.transaction(|tx| tx.live_payloads(d.agency, SyncEntity::Worker, RecordLink::Id(&w.to_string()))).unwrap();
    assert!(stored[0].get("lost_writes").is_none() && stored[0].get("relayed_from").is_none(), "never kept in the copy: {}", stored[0]);
    // A copy that stamps no fields (a desk before field times) replaces the kept one, as before.
    let mut plain = worker(&id_number(1));
    plain["phone"] = json!("13700001111");
    b.push(d, &[b.entry(w, SyncOp::Upsert, plain)]);
    assert_eq!(b.relayed(d).last().unwrap()["address"], "某路1号");
}

/// Issue 10 item 2: two desks of one agency enrolled the same person offline. The record that
/// reaches the platform second is merged into the first (each field by its later write), every
/// desk of the agency is told, and every later entry naming it (a correction, the training, the
/// application) reaches the kept record. Another agency's record of the person stays its own.
#[test]
fn two_desks_enrolling_one_person_offline_end_with_one_worker_and_later_entries_reach_it() {
    let b = Bench::new();
    let first = b.desk("A", "黄浦区");
    assert!(add_enrolment_code(&b.store, first.agency, "code-A2", now() + chrono::Duration::hours(1)).unwrap());
    let second = Desk { agency: first.agency, device: Uuid::now_v7() };
    redeem_enrolment_code(&b.store, "code-A2", second.device, "desk 2", "secret-hash", now()).unwrap().unwrap();
    let other = b.desk("B", "黄浦区");
    let person = id_number(7);
    let (kept, merged) = (Uuid::now_v7(), Uuid::now_v7());
    let mut typed_first = worker(&person);
    typed_first["status"] = json!("enrolled");
    typed_first["field_times"] = json!({"phone": "2026-11-01T02:00:00.000Z", "address": "2026-11-01T02:00:00.000Z"});
    let mut typed_second = typed_first.clone();
    typed_second["address"] = json!("第二工作台填写的地址");
    typed_second["field_times"]["address"] = json!("2026-11-02T02:00:00.000Z");
    typed_second["phone"] = json!("13700000000");
    typed_second["field_times"]["phone"] = json!("2026-10-01T02:00:00.000Z");
    assert_eq!(b.push(first, &[b.entry(kept, SyncOp::Upsert, typed_first)]), [EntryOutcome::Applied]);
    assert_eq!(b.push(second, &[b.entry(merged, SyncOp::Upsert, typed_second.clone())]), [EntryOutcome::Applied]);
    assert!(b.store.transaction(|tx| tx.worker(merged)).unwrap().is_none(), "no second record of the person");
    let told: Vec<_> = b.changes(first).into_iter().filter(|c| matches!(c, ChangeBody::WorkerMerged { .. })).collect();
    assert_eq!(told, [ChangeBody::WorkerMerged { worker_id: kept, merged_id: merged, at: now() }]);
    let relayed_ids: Vec<Uuid> = b
        .all_changes(first)
        .into_iter()
        .filter_map(|c| match c {
            ChangeBody::AgencyRecord { entity: SyncEntity::Worker, entity_id, .. } => Some(entity_id),
            _ => None,
        })
        .collect();
    assert_eq!(relayed_ids, [kept, kept], "only the kept record travels");
    let copy = b.relayed(first).last().unwrap().clone();
    assert_eq!((copy["address"].as_str(), copy["phone"].as_str()), (Some("第二工作台填写的地址"), Some("13812345678")), "each field's later write");
    // The second desk's later entries name its own id: they reach the kept record.
    let mut corrected = typed_second;
    corrected["name"] = json!("张三丰");
    corrected["field_times"]["name"] = json!("2026-11-03T02:00:00.000Z");
    assert_eq!(b.push(second, &[b.entry(merged, SyncOp::Upsert, corrected)]), [EntryOutcome::Applied]);
    assert_eq!(b.relayed(first).last().unwrap()["name"], "张三丰");
    let training = certdesk_testkit::training::complete(merged);
    let outcomes = b.push(second, &training);
    assert!(outcomes.iter().all(|o| *o == EntryOutcome::Applied), "{outcomes:?}");
    let participants: Vec<_> = b
        .store
        .transaction(|tx| tx.live_payloads(first.agency, SyncEntity::ClassParticipant, RecordLink::All))
        .unwrap();
    assert_eq!(participants.len(), 1);
    assert_eq!(participants[0]["worker_id"], kept.to_string(), "the attendance is the kept worker's");
    let mut applying = worker(&person);
    applying["name"] = json!("张三丰");
    let out = b.push_untrained(second, today(), &[b.entry(merged, SyncOp::Apply, applying)]);
    assert_eq!(out.outcomes, [EntryOutcome::Applied], "the training the second desk sent carries the application");
    assert_eq!(b.status(kept), WorkerStatus::Applied);
    assert_eq!(told.len(), b.changes(first).iter().filter(|c| matches!(c, ChangeBody::WorkerMerged { .. })).count(), "merged once");
    // Another agency's record of the person is its own: never merged across agencies.
    let theirs = Uuid::now_v7();
    assert_eq!(b.push(other, &[b.entry(theirs, SyncOp::Upsert, worker(&person))]), [EntryOutcome::Applied]);
    assert!(b.store.transaction(|tx| tx.worker(theirs)).unwrap().is_some());
    assert!(b.changes(other).iter().all(|c| !matches!(c, ChangeBody::WorkerMerged { .. })));
}

/// Issue 10 item 2 on the platform: a training stage is kept from the copy that decided it
/// later, not from whichever desk pushed last. The second desk records a failed retake (in
/// training, decided later); the first, which has not seen it, then pushes a phone correction
/// still saying eligible: the platform keeps the phone and in training, and relays them.
#[test]
fn a_training_stage_is_kept_from_the_copy_that_decided_it_later_not_the_last_pushed() {
    let b = Bench::new();
    let d = b.desk("A", "黄浦区");
    let w = Uuid::now_v7();
    let copy = |status: &str, status_at: &str, phone: &str, phone_at: &str| {
        let mut p = worker(&id_number(1));
        p["status"] = json!(status);
        p["status_at"] = json!(status_at);
        p["phone"] = json!(phone);
        p["field_times"] = json!({"phone": phone_at});
        p
    };
    let eligible = copy("eligible", "2026-11-01T02:00:00.000Z", "13812345678", "2026-11-01T02:00:00.000Z");
    let failed_retake = copy("in_training", "2026-11-02T02:00:00.000Z", "13812345678", "2026-11-01T02:00:00.000Z");
    let stale_with_phone = copy("eligible", "2026-11-01T02:00:00.000Z", "13987654321", "2026-11-03T02:00:00.000Z");
    for payload in [eligible, failed_retake, stale_with_phone] {
        assert_eq!(b.push(d, &[b.entry(w, SyncOp::Upsert, payload)]), [EntryOutcome::Applied]);
    }
    assert_eq!(b.status(w), WorkerStatus::InTraining, "the later decision stands");
    let kept = b.relayed(d).pop().unwrap();
    assert_eq!((kept["status"].as_str(), kept["status_at"].as_str()), (Some("in_training"), Some("2026-11-02T02:00:00.000Z")));
    assert_eq!(kept["phone"], "13987654321", "the later phone is taken all the same");
    // The retake passed later on either desk: a stage decided later still moves it.
    let passed = copy("eligible", "2026-11-04T02:00:00.000Z", "13987654321", "2026-11-03T02:00:00.000Z");
    b.push(d, &[b.entry(w, SyncOp::Upsert, passed)]);
    assert_eq!(b.status(w), WorkerStatus::Eligible);
}

#[test]
fn an_application_takes_its_id_from_the_injected_source_and_passes_the_platform_check() {
    let b = Bench::new();
    let desk = b.desk("A", "黄浦区");
    let (worker_id, application) = b.apply(desk, &id_number(1));
    assert_eq!(application, CountingIds::nth(1), "the flow's first id is the application's");
    assert_eq!(b.status(worker_id), WorkerStatus::Applied);
    let queue = b.store.pending_reviews().unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!((queue[0].application_id, queue[0].applied_at.as_str()), (application, "2026-11-27T02:00:00.000Z"));
    assert_eq!(
        b.changes(desk),
        [ChangeBody::CheckResult {
            worker_id,
            check: CheckKind::PlatformCheck,
            passed: true,
            reason_zh: String::new(),
            reason_en: String::new(),
        }]
    );
}

#[test]
fn one_person_holds_one_certificate_city_wide_until_it_is_cancelled() {
    let b = Bench::new();
    let (a, other) = (b.desk("A", "黄浦区"), b.desk("B", "徐汇区"));
    let person = id_number(2);
    let (first, _) = b.apply(a, &person);

    let elsewhere = b.push(other, &[b.entry(Uuid::now_v7(), SyncOp::Apply, worker(&person))]);
    assert_eq!(rejected_code(&elsewhere[0]), RefusalCode::ClaimedElsewhere.as_str());
    let EntryOutcome::Rejected { message_zh, .. } = &elsewhere[0] else { unreachable!() };
    assert!(message_zh.contains("其他家政服务机构"), "{message_zh}");
    // A second record of the person at the same agency, with its training: merged into the
    // first at its first entry, so its application is the one the first made.
    let here = b.push(a, &[b.entry(Uuid::now_v7(), SyncOp::Apply, worker(&person))]);
    assert_eq!(here, [EntryOutcome::Applied]);
    // A record that only applies, never sent before, is not merged: the claim refuses it.
    let alone = b.push_untrained(a, today(), &[b.entry(Uuid::now_v7(), SyncOp::Apply, worker(&person))]).outcomes;
    assert_eq!(rejected_code(&alone[0]), RefusalCode::ClaimedHere.as_str());
    assert_eq!(b.store.pending_reviews().unwrap().len(), 1, "only the first claim is queued");

    // An upsert (not an application) of the person elsewhere is a record, not a claim.
    let kept = Uuid::now_v7();
    assert_eq!(b.push(other, &[b.entry(kept, SyncOp::Upsert, worker(&person))]), [EntryOutcome::Applied]);

    assert_eq!(b.push(a, &[b.entry(first, SyncOp::Cancel, json!({}))]), [EntryOutcome::Applied]);
    assert_eq!(b.status(first), WorkerStatus::Cancelled);
    assert!(b.store.pending_reviews().unwrap().is_empty(), "the pending application was withdrawn");
    assert_eq!(
        b.push(other, &[b.entry(kept, SyncOp::Apply, worker(&person))]),
        [EntryOutcome::Applied],
        "after the cancellation the other agency may apply"
    );
}

#[test]
fn the_schemas_one_claim_backstop_is_reported_as_a_value_and_writes_nothing() {
    let b = Bench::new();
    let (a, other) = (b.desk("A", "黄浦区"), b.desk("B", "徐汇区"));
    let person = id_number(3);
    b.apply(a, &person);
    let record = crate::rules::read_worker(&worker(&person), today()).unwrap().valid;
    let second = Uuid::now_v7();
    let write = b
        .store
        .transaction(|tx| {
            tx.put_worker(
                &WorkerRow {
                    id: second,
                    agency_id: other.agency,
                    record: &record,
                    status: WorkerStatus::Applied,
                    photo_sha256: None,
                },
                now(),
            )
        })
        .unwrap();
    assert_eq!(write, WorkerWrite::ClaimTaken);
    assert!(b.store.transaction(|tx| tx.worker(second)).unwrap().is_none(), "nothing was written");
}

#[test]
fn an_id_number_is_locked_once_the_person_applied() {
    let b = Bench::new();
    let desk = b.desk("A", "黄浦区");
    let (w, _) = b.apply(desk, &id_number(4));
    let got = b.push(desk, &[b.entry(w, SyncOp::Upsert, worker(&id_number(5)))]);
    assert_eq!(rejected_code(&got[0]), RefusalCode::IdNumberLocked.as_str());
}

#[test]
fn approval_takes_the_next_serial_of_the_district_and_year_and_signs_a_credential_for_the_period() {
    let b = Bench::new();
    let (huangpu, xuhui) = (b.desk("A", "黄浦区"), b.desk("B", "徐汇区"));
    let (w1, c1) = b.approved(huangpu, &id_number(10));
    let (_, c2) = b.approved(huangpu, &id_number(11));
    let (_, c3) = b.approved(xuhui, &id_number(12));
    let parsed: Vec<CertificateCode> =
        [&c1, &c2, &c3].iter().map(|c| CertificateCode::parse(c).unwrap()).collect();
    assert_eq!(parsed.iter().map(|c| c.serial()).collect::<Vec<_>>(), [1, 2, 1], "serials count per district");
    assert_eq!(parsed[0].district(), CertificateCode::district_number("黄浦区").unwrap());
    assert_eq!(parsed[2].district(), CertificateCode::district_number("徐汇区").unwrap());
    assert!(parsed.iter().all(|c| c.year() == 2026));
    assert_eq!(b.status(w1), WorkerStatus::Approved);

    let changes = b.changes(huangpu);
    let approval = changes
        .iter()
        .find_map(|c| match c {
            ChangeBody::Approval { worker_id, certificate_code, card_version, valid_from, valid_until, credential_url }
                if *worker_id == w1 =>
            {
                Some((certificate_code.clone(), *card_version, *valid_from, *valid_until, credential_url.clone()))
            }
            _ => None,
        })
        .expect("the agency pulls the approval");
    let last_day = today().checked_add_days(Days::new(364)).unwrap();
    assert_eq!((approval.0.as_str(), approval.1, approval.2, approval.3), (c1.as_str(), 1, today(), last_day), "365 days from today, today included");
    assert!(approval.4.starts_with(BASE));
    let trust = certdesk_protocol::TrustList {
        keys: vec![certdesk_protocol::TrustedKey::for_signing_key(1, &b.key, today(), None)],
    };
    match verify(&approval.4, &trust, &RevocationList::default(), today()) {
        Verdict::Valid(claims) => {
            assert_eq!(claims.certificate_code.to_string(), c1);
            assert_eq!((claims.valid_from, claims.valid_until, claims.card_version), (today(), last_day, 1));
        }
        other => panic!("the credential verifies: {other:?}"),
    }
    assert!(changes.iter().any(|c| matches!(c, ChangeBody::CheckResult { worker_id, check: CheckKind::PoliceCheck, passed: true, .. } if *worker_id == w1)));
}

#[test]
fn a_rejection_records_the_reason_tells_the_agency_and_decides_only_once() {
    let b = Bench::new();
    let desk = b.desk("A", "黄浦区");
    let (w, app) = b.apply(desk, &id_number(20));
    let fail = Decision::Fail { reason: Bilingual::new("比对不一致", "mismatch") };
    assert_eq!(b.decide(app, &fail), Decided::Rejected);
    assert_eq!(b.decide(app, &Decision::Pass), Decided::NotPending, "a decided application stays decided");
    assert_eq!(b.status(w), WorkerStatus::Rejected);
    let changes = b.changes(desk);
    assert!(changes.contains(&ChangeBody::Rejection {
        worker_id: w,
        code: "police_check_failed".into(),
        message_zh: "公安比对未通过：比对不一致".into(),
        message_en: "The police comparison failed: mismatch".into(),
    }));
    assert!(changes.iter().any(|c| matches!(c, ChangeBody::CheckResult { check: CheckKind::PoliceCheck, passed: false, reason_zh, .. } if reason_zh == "比对不一致")));
    assert_eq!(b.store.revocations().unwrap(), RevocationList::default(), "no certificate was made");
    // A rejected person may apply again.
    assert_eq!(b.push(desk, &[b.entry(w, SyncOp::Apply, worker(&id_number(20)))]), [EntryOutcome::Applied]);
}

#[test]
fn a_reissue_signs_the_next_card_and_an_expired_certificate_gets_none() {
    let b = Bench::new();
    let desk = b.desk("A", "黄浦区");
    let (w, code) = b.approved(desk, &id_number(30));
    let mut issued = worker(&id_number(30));
    issued["status"] = json!("issued");
    let reissue = b.entry(w, SyncOp::Reissue, json!({}));

    // Without a signer the push fails whole and nothing of it stays.
    let no_signer = push(&b.store, &b.ids, &b.ctx(desk, today()), &[reissue.clone().into()], None);
    assert!(matches!(no_signer, Err(StoreError::Signing(_))), "{no_signer:?}");

    assert_eq!(b.push(desk, &[b.entry(w, SyncOp::Upsert, issued), reissue]), [EntryOutcome::Applied, EntryOutcome::Applied]);
    assert_eq!(b.status(w), WorkerStatus::Printed);
    let live = b.store.transaction(|tx| tx.live_certificates(w)).unwrap();
    assert_eq!((live[0].code.as_str(), live[0].card_version), (code.as_str(), 2));
    let changes = b.changes(desk);
    assert!(changes.iter().any(|c| matches!(c, ChangeBody::Approval { card_version: 2, valid_from, .. } if *valid_from == today())));
    let revocations = b.store.revocations().unwrap();
    assert_eq!(revocations.entries.len(), 1);
    assert_eq!((revocations.entries[0].revoked, revocations.entries[0].current_card_version), (false, 2), "card 1 verifies as replaced");

    let after_the_end = today().checked_add_days(Days::new(365)).unwrap();
    let late = b.push_on(desk, after_the_end, &[b.entry(w, SyncOp::Reissue, json!({}))]);
    assert_eq!(rejected_code(&late.outcomes[0]), RefusalCode::CertificateExpired.as_str());
    let unknown = b.push(desk, &[b.entry(Uuid::now_v7(), SyncOp::Reissue, json!({}))]);
    assert_eq!(rejected_code(&unknown[0]), RefusalCode::UnknownRecord.as_str());
}

#[test]
fn cancellation_revokes_the_certificate_city_wide() {
    let b = Bench::new();
    let desk = b.desk("A", "黄浦区");
    let (w, code) = b.approved(desk, &id_number(40));
    assert_eq!(b.push(desk, &[b.entry(w, SyncOp::Cancel, json!({}))]), [EntryOutcome::Applied]);
    assert_eq!(b.status(w), WorkerStatus::Cancelled);
    let list = b.store.revocations().unwrap();
    assert_eq!((list.entries[0].certificate_code.as_str(), list.entries[0].revoked), (code.as_str(), true));
    let (everyone, _) = b.store.changes_since(Uuid::now_v7(), 0, 1000).unwrap();
    assert!(
        everyone.iter().any(|c| matches!(&c.body, ChangeBody::Revocation { entry } if entry.revoked && entry.certificate_code == code)),
        "another agency's desks learn of the revocation too"
    );
    let again = b.push(desk, &[b.entry(w, SyncOp::Cancel, json!({}))]);
    assert_eq!(rejected_code(&again[0]), "status_transition", "a cancelled certificate is not cancelled twice");
}

#[test]
fn receipts_make_a_push_idempotent_and_an_unknown_entry_is_refused_alone() {
    let b = Bench::new();
    let desk = b.desk("A", "黄浦区");
    let unknown = ReceivedEntry::Unknown(UnknownEntry {
        seq: 1,
        id: Uuid::now_v7(),
        entity: "health_check".into(),
        entity_id: Uuid::now_v7(),
        op: "upsert".into(),
        payload: json!({}),
    });
    let valid: ReceivedEntry = b.entry(Uuid::now_v7(), SyncOp::Upsert, worker(&id_number(50))).into();
    let invalid: ReceivedEntry = b.entry(Uuid::now_v7(), SyncOp::Upsert, json!({"name": "x"})).into();
    let batch = [unknown, valid.clone(), invalid];
    let ctx = b.ctx(desk, today());
    let first = push(&b.store, &b.ids, &ctx, &batch, None).unwrap().outcomes;
    assert_eq!(rejected_code(&first[0]), RefusalCode::Unsupported.as_str());
    assert_eq!(first[1], EntryOutcome::Applied);
    assert_eq!(rejected_code(&first[2]), RefusalCode::InvalidRecord.as_str());
    let again = push(&b.store, &b.ids, &ctx, &batch, None).unwrap().outcomes;
    assert_eq!(again[0], first[0], "a refusal is answered again on retry");
    assert_eq!(again[1], EntryOutcome::Duplicate);
    assert_eq!(again[2], first[2]);

    let ReceivedEntry::Known(mut reused) = valid else { unreachable!() };
    reused.payload["name"] = json!("李四");
    let got = push(&b.store, &b.ids, &ctx, &[reused.into()], None).unwrap().outcomes;
    assert_eq!(rejected_code(&got[0]), RefusalCode::EntryReused.as_str());
}

#[test]
fn training_records_need_their_parent_and_belong_to_the_agency_that_sent_them_first() {
    let b = Bench::new();
    let (a, other) = (b.desk("A", "黄浦区"), b.desk("B", "徐汇区"));
    let record = |entity: SyncEntity, id: Uuid, op: SyncOp, payload: Value| OutboxEntry {
        seq: 1,
        id: Uuid::now_v7(),
        entity,
        entity_id: id,
        op,
        payload,
    };
    let (class, participant) = (Uuid::now_v7(), Uuid::now_v7());
    let joins = json!({"class_id": class.to_string()});
    let early = b.push(a, &[record(SyncEntity::ClassParticipant, participant, SyncOp::Upsert, joins.clone())]);
    assert_eq!(rejected_code(&early[0]), RefusalCode::ParentMissing.as_str());
    assert_eq!(
        b.push(a, &[
            record(SyncEntity::TrainingClass, class, SyncOp::Upsert, json!({"mode": "offline"})),
            record(SyncEntity::ClassParticipant, participant, SyncOp::Upsert, joins),
            record(SyncEntity::ClassParticipant, participant, SyncOp::Delete, json!({})),
        ]),
        [EntryOutcome::Applied, EntryOutcome::Applied, EntryOutcome::Applied]
    );
    let taken = b.push(other, &[record(SyncEntity::TrainingClass, class, SyncOp::Upsert, json!({}))]);
    assert_eq!(rejected_code(&taken[0]), RefusalCode::ForeignRecord.as_str());
    let not_object = b.push(a, &[record(SyncEntity::TrainingClass, class, SyncOp::Upsert, json!([1]))]);
    assert_eq!(rejected_code(&not_object[0]), RefusalCode::InvalidRecord.as_str());
    let apply = b.push(a, &[record(SyncEntity::TrainingClass, class, SyncOp::Apply, json!({}))]);
    assert_eq!(rejected_code(&apply[0]), RefusalCode::Unsupported.as_str());
    let worker_of_other = json!({"worker_id": b.apply(other, &id_number(60)).0.to_string()});
    let exam = b.push(a, &[record(SyncEntity::ExamResult, Uuid::now_v7(), SyncOp::Upsert, worker_of_other)]);
    assert_eq!(rejected_code(&exam[0]), RefusalCode::ParentMissing.as_str(), "another agency's worker is no parent");
}

#[test]
fn the_first_key_comes_from_the_injected_source_and_rotation_and_withdrawal_change_the_trust_list() {
    let b = Bench::new();
    let (id, key) = current_signing_key(&b.store, &b.ids, today(), now()).unwrap();
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&1u64.to_be_bytes());
    assert_eq!((id, key.secret().unwrap()), (1, seed), "key 1 is the source's first key");
    let (again, _) = current_signing_key(&b.store, &b.ids, today(), now()).unwrap();
    assert_eq!(again, 1, "made once");

    let tomorrow = today().succ_opt().unwrap();
    assert_eq!(rotate_signing_key(&b.store, &b.ids.new_signing_key().unwrap(), tomorrow, now()).unwrap(), 2);
    let trust = b.store.trust_list().unwrap();
    assert_eq!(trust.keys.iter().map(|k| (k.key_id, k.not_after)).collect::<Vec<_>>(), [(1, Some(tomorrow)), (2, None)]);
    assert_eq!(current_signing_key(&b.store, &b.ids, tomorrow, now()).unwrap().0, 2);

    assert!(withdraw_signing_key(&b.store, 1, now()).unwrap());
    assert!(!withdraw_signing_key(&b.store, 1, now()).unwrap(), "withdrawn once");
    assert!(!withdraw_signing_key(&b.store, 9, now()).unwrap(), "unknown");
    assert_eq!(b.store.trust_list().unwrap().keys.iter().map(|k| k.key_id).collect::<Vec<_>>(), [2]);
    let (changes, _) = b.store.changes_since(Uuid::now_v7(), 0, 1000).unwrap();
    let kinds: Vec<String> = changes
        .iter()
        .map(|c| match &c.body {
            ChangeBody::TrustKey { key } => format!("trust {} {:?}", key.key_id, key.not_after),
            ChangeBody::Deleted { entity, entity_id } => format!("deleted {entity} {entity_id}"),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "trust 1 None".to_owned(),
            format!("trust 1 Some({tomorrow:?})"),
            "trust 2 None".to_owned(),
            "deleted trust_key 1".to_owned(),
        ]
    );
}

#[test]
fn who_may_act_operators_take_injected_ids_codes_need_an_agency_and_revocation_is_idempotent() {
    let b = Bench::new();
    assert!(set_operator(&b.store, &b.ids, "li", "h", None, now()).unwrap());
    assert_eq!(b.store.operator_by_name("li").unwrap().unwrap().id, CountingIds::nth(1));
    assert!(!set_operator(&b.store, &b.ids, "li", "h2", None, now()).unwrap(), "a second call sets the password");
    assert_eq!(b.store.operator_by_name("li").unwrap().unwrap().id, CountingIds::nth(1), "the id stays");

    assert!(!add_enrolment_code(&b.store, Uuid::now_v7(), "x", now()).unwrap(), "an unknown agency gets no code");
    let desk = b.desk("A", "黄浦区");
    assert!(revoke_device(&b.store, desk.device, now()).unwrap());
    assert!(revoke_device(&b.store, desk.device, now()).unwrap(), "known, already revoked");
    assert!(b.store.device(desk.device).unwrap().unwrap().revoked);
    assert!(!revoke_device(&b.store, Uuid::now_v7(), now()).unwrap(), "unknown");
}

/// The split holds by construction: the backends' files read and write rows only (no refusal,
/// no rule, no id or time of their own), and the flows and rules hold no SQL, so a second
/// backend gets every rule by implementing the repository.
#[test]
fn the_backend_decides_no_rule_and_the_flows_hold_no_sql() {
    fn code_of(path: &std::path::Path) -> String {
        let source = std::fs::read_to_string(path).unwrap();
        // Only the code: a file's test module may make up ids and times.
        match source.find("#[cfg(test)]\nmod tests") {
            Some(end) => source[..end].to_owned(),
            None => source,
        }
    }
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut backend = vec![src.join("store/sqlite.rs"), src.join("store/postgres.rs")];
    files(&src.join("store/sqlite"), &mut backend);
    files(&src.join("store/postgres"), &mut backend);
    let mut problems = Vec::new();
    for path in &backend {
        let code = code_of(path);
        for rule in [
            "crate::rules", "rules::", "EntryOutcome::", "Decided::", "FeedbackOutcome::",
            "lifecycle", "claims_certificate", "sign_payload", "CertificateCode", "Uuid::now_v7",
            "Uuid::new_v4", "Utc::now", "keys::generate", "OsRng",
        ] {
            if code.contains(rule) {
                problems.push(format!("{}: the backend uses {rule}", path.display()));
            }
        }
    }
    let mut rules = vec![src.join("rules.rs")];
    files(&src.join("flows"), &mut rules);
    for path in rules.iter().filter(|p| !p.ends_with("tests.rs")) {
        let code = code_of(path);
        for sql in ["rusqlite", "postgres::", "SELECT ", "INSERT ", "UPDATE ", "DELETE FROM", "Utc::now", "Uuid::now_v7"] {
            if code.contains(sql) {
                problems.push(format!("{}: a flow or rule uses {sql}", path.display()));
            }
        }
    }
    assert_eq!(
        backend.len(),
        12,
        "sqlite.rs, sqlite/{{complaints, operator_keys, operators, public, rows}}.rs, postgres.rs and postgres/{{complaints, operators, public, rows, watch}}.rs are all read"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The platform checks the training itself (issue 11): a desk that pushes `eligible` and
/// applies with no training synced, or with a class that could not have taken place, or an
/// offline class without its supervision form, is refused with the domain's sentences and
/// nothing is queued; the same worker with the complete training applies.
#[test]
fn an_application_the_synced_training_does_not_carry_is_refused_and_nothing_is_queued() {
    use certdesk_testkit::training;
    let b = Bench::new();
    let desk = b.desk("A", "黄浦区");
    let record = |entity: SyncEntity, id: Uuid, payload: Value| OutboxEntry {
        seq: 0,
        id: Uuid::now_v7(),
        entity,
        entity_id: id,
        op: SyncOp::Upsert,
        payload,
    };
    let refused = |w: Uuid, n: u32| -> (String, String) {
        let out = b.push_untrained(desk, today(), &[b.entry(w, SyncOp::Apply, worker(&id_number(n)))]);
        assert!(out.new_applications.is_empty(), "nothing queued: {out:?}");
        match &out.outcomes[0] {
            EntryOutcome::Rejected { code, message_zh, .. } => (code.clone(), message_zh.clone()),
            other => panic!("refused, not {other:?}"),
        }
    };

    // The desk's word alone: `eligible` with no class, no exam.
    let w = Uuid::now_v7();
    b.push_untrained(desk, today(), &[b.entry(w, SyncOp::Upsert, worker(&id_number(30)))]);
    let (code, zh) = refused(w, 30);
    assert_eq!(code, RefusalCode::TrainingIncomplete.as_str());
    assert!(zh.contains("已认定 0 课时") && zh.contains("尚未参加考试"), "names the hours and the exam: {zh}");
    assert_eq!(b.status(w), WorkerStatus::Eligible, "the record is kept as the desk reported it, not applied");
    assert!(b.store.pending_reviews().unwrap().is_empty());

    // A class of 30 class hours in one afternoon credits nothing, whatever the desk credited.
    let class = Uuid::now_v7();
    let mut inflated = training::class(class);
    inflated["class_hours"] = json!(30.0);
    let mut claimed = training::present(class, w);
    claimed["credited_hours"] = json!(30.0);
    b.push_untrained(
        desk,
        today(),
        &[
            record(SyncEntity::TrainingClass, class, inflated),
            record(SyncEntity::ClassParticipant, Uuid::now_v7(), claimed),
            record(SyncEntity::SupervisionForm, Uuid::now_v7(), training::supervision(class)),
            record(SyncEntity::ExamResult, Uuid::now_v7(), training::passed_exam(class, w)),
        ],
    );
    let (code, zh) = refused(w, 30);
    assert_eq!((code.as_str(), zh.contains("已认定 0 课时")), (RefusalCode::TrainingIncomplete.as_str(), true), "{zh}");

    // A real class attended, but its supervision form never synced.
    let class = Uuid::now_v7();
    b.push_untrained(
        desk,
        today(),
        &[
            record(SyncEntity::TrainingClass, class, training::class(class)),
            record(SyncEntity::ClassParticipant, Uuid::now_v7(), training::present(class, w)),
        ],
    );
    let (code, zh) = refused(w, 30);
    assert_eq!(code, RefusalCode::TrainingIncomplete.as_str());
    assert!(zh.contains("督导") && !zh.contains("课时不足") && !zh.contains("尚未参加考试"), "only the supervision form is missing: {zh}");

    // The form arrives. A record still 待补全 (no address) is stored, but its application is
    // refused naming the detail, whatever the desk says (issue 13 item 7).
    b.push_untrained(desk, today(), &[record(SyncEntity::SupervisionForm, Uuid::now_v7(), training::supervision(class))]);
    let mut to_complete = worker(&id_number(30));
    to_complete["address"] = json!("");
    let out = b.push_untrained(desk, today(), &[b.entry(w, SyncOp::Upsert, to_complete.clone())]);
    assert_eq!(out.outcomes, [EntryOutcome::Applied], "a record to complete is kept");
    let out = b.push_untrained(desk, today(), &[b.entry(w, SyncOp::Apply, to_complete)]);
    match &out.outcomes[0] {
        EntryOutcome::Rejected { code, message_zh, .. } => {
            assert_eq!(code, RefusalCode::TrainingIncomplete.as_str());
            assert!(message_zh.contains("待补全：缺少住址"), "{message_zh}");
        }
        other => panic!("an incomplete record cannot apply, not {other:?}"),
    }
    assert!(out.new_applications.is_empty());
    // Completed, the same application is taken.
    let out = b.push_untrained(desk, today(), &[b.entry(w, SyncOp::Apply, worker(&id_number(30)))]);
    assert_eq!(out.outcomes, [EntryOutcome::Applied]);
    assert_eq!(b.status(w), WorkerStatus::Applied);
    assert_eq!(b.store.pending_reviews().unwrap().len(), 1);
}

/// Issue 11 item 1: after approval, a changed name, photo or service types of the record go
/// back through review as an application for updated details; the certificate keeps showing the
/// approved snapshot until an operator approves (binding to the record version seen), a
/// rejection keeps it, and a record changed back withdraws the application.
#[test]
fn changed_details_after_approval_go_back_through_review_and_the_approved_snapshot_stays_until_approved() {
    let b = Bench::new();
    let d = b.desk("91310000MA1FL8L971", "黄浦区");
    let (w, code) = b.approved(d, &id_number(1));
    let shown = |b: &Bench| b.store.public_certificate(&code).unwrap().unwrap();
    let queue = |b: &Bench| b.store.pending_reviews().unwrap();
    assert!(queue(&b).is_empty());

    // The agency renames the worker and adds a service type: queued as updated details, and the
    // public page keeps the approved name.
    let mut renamed = worker(&id_number(1));
    renamed["name"] = json!("张三丰");
    renamed["service_types"] = json!(["cleaning", "cooking"]);
    assert_eq!(b.push(d, &[b.entry(w, SyncOp::Upsert, renamed.clone())]), [EntryOutcome::Applied]);
    let pending = queue(&b);
    assert_eq!(pending.len(), 1);
    assert_eq!((pending[0].kind.as_str(), pending[0].worker_id), ("details", w));
    assert_eq!((shown(&b).worker_name.as_str(), shown(&b).service_types.clone()), ("张三", vec![ServiceType::Cleaning]));
    // No police provider decides it: it is not in a results file's reach.
    assert!(b.store.pending_for_id_number(&id_number(1)).unwrap().is_empty());
    // A second push of the same changes does not queue a second application.
    b.push(d, &[b.entry(w, SyncOp::Upsert, renamed.clone())]);
    assert_eq!(queue(&b).len(), 1);

    // Approving binds to the version the operator saw.
    let version = b.store.transaction(|tx| tx.worker(w)).unwrap().unwrap().version;
    assert_eq!(b.decide(pending[0].application_id, &Decision::PassAsSeen { version: version - 1 }), Decided::RecordChanged(version));
    assert_eq!(shown(&b).worker_name, "张三", "nothing decided");
    assert_eq!(b.decide(pending[0].application_id, &Decision::PassAsSeen { version }), Decided::Approved(code.clone()), "the code stays");
    assert_eq!(shown(&b).worker_name, "张三丰");
    assert_eq!(shown(&b).service_types, [ServiceType::Cleaning, ServiceType::Cooking]);
    assert_eq!(b.status(w), WorkerStatus::Approved, "the status does not move");
    assert!(b.changes(d).iter().any(|c| matches!(c, ChangeBody::ApprovedDetails { worker_id, name, .. } if *worker_id == w && name == "张三丰")));

    // Rejected: the approved details stay, and the agency is told why.
    let mut again = renamed.clone();
    again["name"] = json!("李四");
    b.push(d, &[b.entry(w, SyncOp::Upsert, again)]);
    let app = queue(&b)[0].application_id;
    let fail = Decision::Fail { reason: Bilingual::new("与身份证姓名不符", "not the name on the ID card") };
    assert_eq!(b.decide(app, &fail), Decided::Rejected);
    assert_eq!(shown(&b).worker_name, "张三丰");
    assert!(b.changes(d).iter().any(|c| matches!(c, ChangeBody::DetailsRejected { worker_id, message_zh, .. } if *worker_id == w && message_zh.contains("与身份证姓名不符"))));

    // Changed again, then back to the approved details: the application is withdrawn.
    let mut third = renamed.clone();
    third["name"] = json!("王五");
    b.push(d, &[b.entry(w, SyncOp::Upsert, third)]);
    assert_eq!(queue(&b).len(), 1);
    b.push(d, &[b.entry(w, SyncOp::Upsert, renamed)]);
    assert!(queue(&b).is_empty(), "back to what was approved: nothing to review");
    // The first approval told the desk its details too.
    assert!(matches!(
        b.changes(d).iter().find(|c| matches!(c, ChangeBody::ApprovedDetails { .. })),
        Some(ChangeBody::ApprovedDetails { name, .. }) if name == "张三"
    ));
}

/// Issue 11 item 3: the algorithm is chosen per key. A platform whose new keys are SM2
/// (`serve --key-algorithm sm2`) rotates from Ed25519 to SM2: the trust list names each key's
/// algorithm, the SM2 key survives being sealed and reopened, an approval signs a format-3
/// credential, and both kinds verify against the published list.
#[test]
fn a_platform_rotates_to_an_sm2_key_and_both_kinds_of_card_verify() {
    use certdesk_protocol::credential::{CredentialSigner, KeyAlgorithm, SM2_FORMAT_VERSION};
    let b = Bench::new();
    let d = b.desk("91310000MA1FL8L971", "黄浦区");
    let (_, ed) = current_signing_key(&b.store, &b.ids, today(), now()).unwrap();
    assert_eq!(ed.algorithm(), KeyAlgorithm::Ed25519);
    let sm2_source = crate::ids::Sm2Keys(CountingIds::default());
    let tomorrow = today().succ_opt().unwrap();
    assert_eq!(rotate_signing_key(&b.store, &sm2_source.new_signing_key().unwrap(), today(), now()).unwrap(), 2);
    let (key_id, sm2) = current_signing_key(&b.store, &b.ids, tomorrow, now()).unwrap();
    assert_eq!((key_id, sm2.algorithm()), (2, KeyAlgorithm::Sm2), "sealed, stored and reopened as SM2");
    let trust = b.store.trust_list().unwrap();
    assert_eq!(trust.keys.iter().map(|k| (k.key_id, k.algorithm)).collect::<Vec<_>>(), [(1, KeyAlgorithm::Ed25519), (2, KeyAlgorithm::Sm2)]);

    let (w, app) = b.apply(d, &id_number(1));
    let signer = Signer { key_id, key: &sm2, base_url: "https://p.example/c/" };
    assert!(matches!(decide(&b.store, app, &Decision::Pass, &signer, today(), 365, now()).unwrap(), Decided::Approved(_)));
    let url = b
        .changes(d)
        .into_iter()
        .find_map(|c| match c {
            ChangeBody::Approval { worker_id, credential_url, .. } if worker_id == w => Some(credential_url),
            _ => None,
        })
        .expect("an approval");
    let payload = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, url.rsplit('/').next().unwrap()).unwrap();
    assert_eq!(payload[0], SM2_FORMAT_VERSION);
    assert!(matches!(verify(&url, &trust, &RevocationList::default(), today()), Verdict::Valid(c) if c.key_id == 2));
    // A fresh platform of SM2 keys makes its first key SM2.
    let fresh = Bench::new();
    let (_, first) = current_signing_key(&fresh.store, &crate::ids::Sm2Keys(CountingIds::default()), today(), now()).unwrap();
    assert_eq!(first.algorithm(), KeyAlgorithm::Sm2);
}
