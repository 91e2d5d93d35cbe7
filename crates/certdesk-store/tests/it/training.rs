//! Training on a real desk file: classes, attendance, online hours, exams and supervision
//! forms, and that the worker becomes eligible exactly when the last requirement is met (and
//! not a moment before), with every change audited and queued for the sync.

use std::path::Path;

use certdesk_domain::training::{ClassInput, SupervisionInput};
use certdesk_domain::training::SupervisionMethod;
use certdesk_domain::{Attendance, ClassMode, Gender, ServiceType, TrainingSettings};
use certdesk_store::{
    AttendanceInput, Desk, ExamInput, SessionUser, TrainingClass,
};

use certdesk_testkit::desk::worker_form;

use crate::common::fresh;

fn enrol(desk: &mut Desk, me: &SessionUser, name: &str, id_number: &str) -> String {
    desk.enrol_worker(me, &worker_form(name, id_number)).unwrap().id
}

fn class(desk: &mut Desk, me: &SessionUser, title: &str, mode: &str, hours: f64) -> TrainingClass {
    desk.create_class(
        me,
        &ClassInput {
            title: title.into(),
            mode: mode.into(),
            starts_at: "2026-01-10 09:00".into(),
            ends_at: "2026-01-10 12:00".into(),
            place: "徐汇区培训中心".into(),
            trainer: "刘老师".into(),
            class_hours: hours,
        },
    )
    .unwrap()
}

fn supervision() -> SupervisionInput {
    SupervisionInput {
        supervisor_name: "陈督导".into(),
        method: "video".into(),
        supervised_at: "2026-01-10 09:30".into(),
        place: "徐汇区培训中心".into(),
        participants_present: 2,
        identity_checked: 2,
        trainer: "刘老师".into(),
        remarks: String::new(),
    }
}

fn mark(attendance: &str, sign_in: Option<&str>, sign_out: Option<&str>) -> AttendanceInput {
    AttendanceInput {
        attendance: Some(attendance.into()),
        sign_in: sign_in.map(str::to_string),
        sign_out: sign_out.map(str::to_string),
        hours_completed: None,
    }
}

fn counts(dir: &Path) -> (i64, i64, i64) {
    let conn = certdesk_store::open_raw(dir).unwrap();
    let q = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    (
        q("SELECT count(*) FROM class_participants") + q("SELECT count(*) FROM exam_results") + q("SELECT count(*) FROM supervision_forms"),
        q("SELECT count(*) FROM audit"),
        q("SELECT count(*) FROM outbox"),
    )
}

fn missing(desk: &Desk, worker: &str) -> Vec<String> {
    desk.worker_eligibility(worker).unwrap().missing.into_iter().map(|m| m.code).collect()
}

#[test]
fn a_worker_becomes_eligible_exactly_when_the_last_requirement_is_met() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let w = enrol(&mut desk, &me, "张三", "11010519491231002X");
    assert_eq!(missing(&desk, &w), ["class_hours_short", "exam_missing"]);

    let c = class(&mut desk, &me, "上门服务规范", "线下", 3.0);
    assert!(c.incomplete, "an offline class without its supervision form is incomplete");
    // Added by the ID number as typed (lower-case x): the worker starts training.
    let p = desk.add_to_class(&me, &c.id, "11010519491231002x").unwrap();
    assert_eq!(p.status, "in_training");

    let p = desk.record_attendance(&me, &c.id, &w, &mark("present", None, None)).unwrap();
    assert_eq!(p.credited_hours, 3.0);
    assert_eq!(p.status, "in_training");
    assert_eq!(missing(&desk, &w), ["exam_missing", "supervision_missing"]);

    let first = desk.record_exam(&me, &ExamInput { worker: w.clone(), exam_date: Some("2026-01-10".into()), score: "55".into(), class_id: Some(c.id.clone()) }).unwrap();
    assert_eq!((first.attempt, first.passed), (1, false));
    assert_eq!(missing(&desk, &w), ["exam_failed", "supervision_missing"]);

    let retake = desk.record_exam(&me, &ExamInput { worker: w.clone(), exam_date: Some("2026-01-17".into()), score: "82.5".into(), class_id: None }).unwrap();
    assert_eq!((retake.attempt, retake.passed), (2, true), "a retake is a new attempt");
    assert_eq!(desk.exam_results(&w).unwrap().len(), 2, "the failed attempt is kept");
    assert_eq!(desk.worker(&w).unwrap().status, "in_training", "the supervision form is still missing");

    let form = desk.file_supervision(&me, &c.id, &supervision()).unwrap();
    assert_eq!(form.method, "video");
    assert_eq!(desk.worker(&w).unwrap().status, "eligible", "the form was the last requirement");
    assert!(desk.worker_eligibility(&w).unwrap().eligible);
    assert!(!desk.class_detail(&c.id).unwrap().class.incomplete);

    let actions: Vec<String> = desk.timeline(certdesk_store::AuditEntity::Worker, &w).unwrap().into_iter().map(|e| e.action.code().to_owned()).collect();
    assert_eq!(actions, ["enrol", "class_join", "status", "attendance", "exam", "exam", "status"]);
    assert!(desk.verify_audit_chain().is_ok());
    let outbox: Vec<String> = desk.pending_outbox(100).unwrap().into_iter().map(|e| e.entity.to_string()).collect();
    for entity in ["training_class", "class_participant", "exam_result", "supervision_form", "worker"] {
        assert!(outbox.iter().any(|e| e == entity), "{entity} is queued for the sync: {outbox:?}");
    }
}

/// Attempts are numbered in the order sat, so every desk of an agency numbers them alike: an
/// attempt typed late with an earlier date takes its place before the ones sat after it, and the
/// latest attempt sat is the one that counts.
#[test]
fn an_attempt_typed_late_with_an_earlier_date_is_numbered_in_the_order_sat() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let w = enrol(&mut desk, &me, "张三", "11010519491231002X");
    let c = class(&mut desk, &me, "在线课程", "online", 3.0);
    desk.add_to_class(&me, &c.id, &w).unwrap();
    desk.record_attendance(&me, &c.id, &w, &AttendanceInput { hours_completed: Some(3.0), ..Default::default() }).unwrap();
    desk.record_exam(&me, &ExamInput { worker: w.clone(), score: "85".into(), exam_date: Some("2026-02-10".into()), class_id: None }).unwrap();
    let late = desk.record_exam(&me, &ExamInput { worker: w.clone(), score: "40".into(), exam_date: Some("2026-01-10".into()), class_id: None }).unwrap();
    assert_eq!(late.attempt, 1, "sat first, numbered first");
    let held: Vec<(u32, String)> = desk.exam_results(&w).unwrap().into_iter().map(|e| (e.attempt, e.exam_date)).collect();
    assert_eq!(held, [(1, "2026-01-10".to_string()), (2, "2026-02-10".to_string())]);
    assert_eq!(desk.worker(&w).unwrap().status, "eligible", "the attempt sat last (passed) counts");
}

#[test]
fn a_failed_retake_takes_an_eligible_worker_back_to_training() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let w = enrol(&mut desk, &me, "张三", "11010519491231002X");
    let c = class(&mut desk, &me, "在线课程", "online", 3.0);
    desk.add_to_class(&me, &c.id, &w).unwrap();
    let online = AttendanceInput { hours_completed: Some(3.0), ..Default::default() };
    desk.record_attendance(&me, &c.id, &w, &online).unwrap();
    desk.record_exam(&me, &ExamInput { worker: w.clone(), score: "90".into(), ..Default::default() }).unwrap();
    assert_eq!(desk.worker(&w).unwrap().status, "eligible", "online classes need no supervision form");
    desk.record_exam(&me, &ExamInput { worker: w.clone(), score: "40".into(), ..Default::default() }).unwrap();
    assert_eq!(desk.worker(&w).unwrap().status, "in_training", "only the latest attempt counts");
}

#[test]
fn late_and_early_attendance_credit_the_time_actually_attended() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let a = enrol(&mut desk, &me, "张三", "11010519491231002X");
    let c = class(&mut desk, &me, "上门服务规范", "offline", 3.0);
    desk.add_to_class(&me, &c.id, &a).unwrap();
    let p = desk.record_attendance(&me, &c.id, &a, &mark("迟到", Some("10:00"), None)).unwrap();
    assert_eq!(p.credited_hours, 2.5, "10:00–12:00 is 120 minutes: 2.67 class hours, rounded down to 2.5");
    assert_eq!(p.sign_in.as_deref(), Some("2026-01-10 10:00"));
    let p = desk.record_attendance(&me, &c.id, &a, &mark("left_early", None, Some("10:30"))).unwrap();
    assert_eq!(p.credited_hours, 2.0, "09:00–10:30 is 90 minutes: exactly 2 class hours");

    let before = counts(dir.path());
    let err = desk.record_attendance(&me, &c.id, &a, &mark("late", None, None)).unwrap_err();
    assert_eq!((err.code.as_str(), err.fields[0].code.as_str()), ("validation", "attendance_time_missing"));
    let err = desk.record_attendance(&me, &c.id, &a, &AttendanceInput { hours_completed: Some(1.0), ..Default::default() }).unwrap_err();
    assert_eq!(err.fields[0].code, "attendance_wrong_mode");
    assert_eq!(counts(dir.path()), before, "a refused grid row writes nothing");
}

#[test]
fn the_same_legacy_and_new_id_number_is_one_participant() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    enrol(&mut desk, &me, "李梅", "110105491231002");
    let c = class(&mut desk, &me, "上门服务规范", "offline", 3.0);
    desk.add_to_class(&me, &c.id, "11010519491231002X").unwrap();
    let err = desk.add_to_class(&me, &c.id, "110105491231002").unwrap_err();
    assert_eq!(err.code, "already_in_class");
}

#[test]
fn adding_by_an_unknown_or_mistyped_id_number_says_what_is_wrong_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let c = class(&mut desk, &me, "上门服务规范", "offline", 3.0);
    let before = counts(dir.path());
    let err = desk.add_to_class(&me, &c.id, "11010519491231002X").unwrap_err();
    assert_eq!(err.code, "worker_not_enrolled");
    let err = desk.add_to_class(&me, &c.id, "110105194912310025").unwrap_err();
    assert_eq!(err.fields[0].code, "id_check", "a scan or typo with a wrong check character is named");
    assert_eq!(counts(dir.path()), before);
}

#[test]
fn exam_scores_outside_0_to_100_and_future_dates_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let w = enrol(&mut desk, &me, "张三", "11010519491231002X");
    let before = counts(dir.path());
    let err = desk.record_exam(&me, &ExamInput { worker: w.clone(), score: "101".into(), exam_date: Some("2026-04-01".into()), class_id: None }).unwrap_err();
    let codes: Vec<&str> = err.fields.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["score_invalid", "date_future"]);
    assert_eq!(counts(dir.path()), before);
}

#[test]
/// That only a manager changes it is certdesk-core's check (its test
/// `a_clerk_is_refused_every_managers_action_in_the_window_and_the_cli`).
fn the_pass_mark_setting_is_the_agencys() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    assert_eq!(desk.training_settings().unwrap(), TrainingSettings::default());
    let strict = TrainingSettings { class_hour_minutes: 40, pass_mark: 70.0 };
    desk.set_training_settings(&me, &strict).unwrap();
    let w = enrol(&mut desk, &me, "张三", "11010519491231002X");
    let r = desk.record_exam(&me, &ExamInput { worker: w.clone(), score: "65".into(), ..Default::default() }).unwrap();
    assert!(!r.passed, "65 is below the agency's 70");
    assert_eq!(desk.worker_eligibility(&w).unwrap().pass_mark, 70.0);
}

#[test]
fn supervision_forms_belong_to_offline_classes_and_are_validated() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let online = class(&mut desk, &me, "在线课程", "online", 1.0);
    assert_eq!(desk.file_supervision(&me, &online.id, &supervision()).unwrap_err().code, "supervision_online_class");
    let offline = class(&mut desk, &me, "上门服务规范", "offline", 3.0);
    let bad = SupervisionInput { identity_checked: 5, participants_present: 3, ..supervision() };
    let err = desk.file_supervision(&me, &offline.id, &bad).unwrap_err();
    assert_eq!(err.fields[0].code, "identity_checked_exceeds_present");
    // A correction replaces the form and keeps the old one in the audit trail.
    desk.file_supervision(&me, &offline.id, &supervision()).unwrap();
    let fixed = desk.file_supervision(&me, &offline.id, &SupervisionInput { remarks: "补记".into(), ..supervision() }).unwrap();
    assert_eq!(desk.class_detail(&offline.id).unwrap().supervision.unwrap(), fixed);
    let t = desk.timeline(certdesk_store::AuditEntity::TrainingClass, &offline.id).unwrap();
    assert_eq!(t.iter().filter(|e| e.action == "supervision").count(), 2);
    assert!(t.last().unwrap().old_value.is_some());
}

#[test]
fn a_class_that_does_not_fit_its_hours_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let err = desk
        .create_class(
            &me,
            &ClassInput {
                title: "x".into(),
                mode: "offline".into(),
                starts_at: "2026-01-10 09:00".into(),
                ends_at: "2026-01-10 10:00".into(),
                place: "p".into(),
                trainer: "t".into(),
                class_hours: 3.0,
            },
        )
        .unwrap_err();
    assert_eq!(err.fields[0].code, "class_hours_exceed_duration");
    assert!(desk.list_classes(None, None, 10).unwrap().is_empty());
}

#[test]
fn stats_count_stages_and_trainings_and_passes_per_month() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let a = enrol(&mut desk, &me, "张三", "11010519491231002X");
    enrol(&mut desk, &me, "李梅", "310104198001010017");
    let c = class(&mut desk, &me, "在线课程", "online", 3.0);
    desk.add_to_class(&me, &c.id, &a).unwrap();
    desk.record_attendance(&me, &c.id, &a, &AttendanceInput { hours_completed: Some(3.0), ..Default::default() }).unwrap();
    desk.record_exam(&me, &ExamInput { worker: a.clone(), score: "50".into(), exam_date: Some("2026-01-10".into()), class_id: None }).unwrap();
    desk.record_exam(&me, &ExamInput { worker: a.clone(), score: "80".into(), exam_date: Some("2026-02-10".into()), class_id: None }).unwrap();
    let s = desk.stats(3).unwrap();
    assert_eq!((s.stages.enrolled, s.stages.eligible, s.stages.total), (1, 1, 2));
    let months: Vec<(&str, u64, u64, u64, u64)> =
        s.months.iter().map(|m| (m.month.as_str(), m.classes, m.trained, m.exams, m.passed)).collect();
    assert_eq!(months, [("2026-01", 1, 1, 1, 0), ("2026-02", 0, 0, 1, 1), ("2026-03", 0, 0, 0, 0)]);
}

#[test]
fn a_worker_leaves_a_class_freely_until_something_is_recorded_then_only_when_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let w = enrol(&mut desk, &me, "张三", "11010519491231002X");
    let c = class(&mut desk, &me, "上门服务规范", "offline", 3.0);
    desk.add_to_class(&me, &c.id, &w).unwrap();
    desk.remove_from_class(&me, &c.id, &w, false).unwrap();
    assert_eq!(desk.class_detail(&c.id).unwrap().participants.len(), 0);
    // Training once started is not undone by a removal: the status stays in_training.
    assert_eq!(desk.worker(&w).unwrap().status, "in_training");
    desk.add_to_class(&me, &c.id, &w).unwrap();
    desk.record_attendance(&me, &c.id, &w, &mark("present", None, None)).unwrap();
    desk.record_exam(&me, &ExamInput { worker: w.clone(), score: "88".into(), exam_date: Some("2026-01-10".into()), class_id: Some(c.id.clone()) }).unwrap();
    let outbox_before = desk.pending_outbox(1_000_000).unwrap().len();
    let refused = desk.remove_from_class(&me, &c.id, &w, false).unwrap_err();
    assert_eq!(refused.code, "records_in_class");
    assert!(refused.message_zh.contains("张三") && refused.message_zh.contains("考试成绩"), "the sentence names the worker and what is recorded: {}", refused.message_zh);
    assert_eq!(desk.class_detail(&c.id).unwrap().participants.len(), 1, "a refusal changes nothing");
    assert_eq!(desk.pending_outbox(1_000_000).unwrap().len(), outbox_before, "and queues nothing");

    desk.remove_from_class(&me, &c.id, &w, true).unwrap();
    assert!(desk.class_detail(&c.id).unwrap().participants.is_empty());
    assert_eq!(desk.exam_results(&w).unwrap().len(), 1, "exam attempts are never deleted");
    let t = desk.worker_training(&w).unwrap();
    assert_eq!(t.eligibility.credited_hours.as_hours(), 0.0, "the hours credited in the class went with it");
    let timeline = desk.timeline(certdesk_store::AuditEntity::Worker, &w).unwrap();
    let leave = timeline.iter().rev().find(|e| e.action == "class_leave").unwrap();
    assert!(leave.old_value.as_deref().unwrap_or("").contains("present"), "the audit keeps what was recorded: {:?}", leave.old_value);
    assert!(desk.pending_outbox(1_000_000).unwrap().len() > outbox_before, "the removal is queued for the platform");
}

/// The outbox payloads of a worker through training, with ids replaced by their role, so that
/// two runs (and two versions of the desk) compare.
fn training_payloads() -> Vec<(String, String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let w = enrol(&mut desk, &me, "张三", "11010519491231002X");
    let c = class(&mut desk, &me, "上门服务规范", "线下", 3.0);
    desk.add_to_class(&me, &c.id, &w).unwrap();
    desk.record_attendance(&me, &c.id, &w, &mark("late", Some("09:30"), None)).unwrap();
    let exam = desk.record_exam(&me, &ExamInput { worker: w.clone(), exam_date: Some("2026-01-10".into()), score: "82.5".into(), class_id: Some(c.id.clone()) }).unwrap();
    let form = desk.file_supervision(&me, &c.id, &supervision()).unwrap();
    let roles = [(w.as_str(), "WORKER"), (c.id.as_str(), "CLASS"), (exam.id.as_str(), "EXAM"), (form.id.as_str(), "FORM"), (me.id(), "MANAGER")];
    desk.pending_outbox(100)
        .unwrap()
        .into_iter()
        // The manager's account (announced since desk migration 13) is not a training record.
        .filter(|e| e.entity != certdesk_protocol::sync::SyncEntity::User)
        .map(|e| {
            let mut text = e.payload.to_string();
            for (id, role) in roles {
                text = text.replace(id, role);
            }
            (e.entity.to_string(), e.op.to_string(), text)
        })
        .collect()
}

/// What the desk wrote into the outbox before its closed sets became enums (captured from the
/// version that stored them as strings): the same records must still be written byte for byte.
const PAYLOADS_AS_WRITTEN: &str = r#"agency upsert {"address":"上海市徐汇区漕溪北路1号","credit_code":"91310104MA1FL8L970","district":"徐汇区","name":"上海好帮手家政服务有限公司","phone":"021-64870000","updated_at":"2026-03-02T02:00:00.000Z"}
worker upsert {"address":"上海市徐汇区漕溪北路2号","agency_check_at":"2026-03-02T02:00:00.000Z","agency_check_by":"王经理","agency_check_done":true,"birth_date":"1949-12-31","certificate_code":null,"consent_date":"2026-01-05","consent_witness":"王经理","created_at":"2026-03-02T02:00:00.000Z","emergency_contact_name":"李四","emergency_contact_phone":"13900000000","gender":"female","id":"WORKER","id_number":"11010519491231002X","id_number_legacy":null,"name":"张三","phone":"13800138000","photo_sha256":null,"service_types":["cleaning"],"status":"enrolled","updated_at":"2026-03-02T02:00:00.000Z","version":1}
training_class upsert {"class_hours":3.0,"created_at":"2026-03-02T02:00:00.000Z","ends_at":"2026-01-10 12:00","id":"CLASS","incomplete":true,"mode":"offline","participant_count":0,"place":"徐汇区培训中心","starts_at":"2026-01-10 09:00","supervision_filed":false,"title":"上门服务规范","trainer":"刘老师","version":1}
class_participant upsert {"attendance":null,"class_id":"CLASS","credited_hours":0.0,"hours_completed":null,"sign_in":null,"sign_out":null,"worker_id":"WORKER"}
worker upsert {"address":"上海市徐汇区漕溪北路2号","agency_check_at":"2026-03-02T02:00:00.000Z","agency_check_by":"王经理","agency_check_done":true,"birth_date":"1949-12-31","certificate_code":null,"consent_date":"2026-01-05","consent_witness":"王经理","created_at":"2026-03-02T02:00:00.000Z","emergency_contact_name":"李四","emergency_contact_phone":"13900000000","gender":"female","id":"WORKER","id_number":"11010519491231002X","id_number_legacy":null,"name":"张三","phone":"13800138000","photo_sha256":null,"service_types":["cleaning"],"status":"in_training","updated_at":"2026-03-02T02:00:00.000Z","version":2}
class_participant upsert {"attendance":"late","class_id":"CLASS","credited_hours":3.0,"hours_completed":null,"sign_in":"2026-01-10 09:30","sign_out":null,"worker_id":"WORKER"}
exam_result upsert {"attempt":1,"class_id":"CLASS","exam_date":"2026-01-10","id":"EXAM","passed":true,"recorded_at":"2026-03-02T02:00:00.000Z","score":82.5,"worker_id":"WORKER"}
supervision_form upsert {"class_id":"CLASS","id":"FORM","identity_checked":2,"method":"video","participants_present":2,"place":"徐汇区培训中心","recorded_at":"2026-03-02T02:00:00.000Z","recorded_by":"王经理","remarks":"","supervised_at":"2026-01-10 09:30","supervisor_name":"陈督导","trainer":"刘老师"}
worker upsert {"address":"上海市徐汇区漕溪北路2号","agency_check_at":"2026-03-02T02:00:00.000Z","agency_check_by":"王经理","agency_check_done":true,"birth_date":"1949-12-31","certificate_code":null,"consent_date":"2026-01-05","consent_witness":"王经理","created_at":"2026-03-02T02:00:00.000Z","emergency_contact_name":"李四","emergency_contact_phone":"13900000000","gender":"female","id":"WORKER","id_number":"11010519491231002X","id_number_legacy":null,"name":"张三","phone":"13800138000","photo_sha256":null,"service_types":["cleaning"],"status":"eligible","updated_at":"2026-03-02T02:00:00.000Z","version":3}"#;

/// A payload with its object keys in sorted order. The payloads are `serde_json::Value`s, whose
/// key order depends on serde_json's `preserve_order` feature: off in `cargo test -p
/// certdesk-store` (sorted keys), on in a workspace build and in the window (tauri turns it on;
/// keys in field order). Both orders are the same record to every reader, so the comparison is
/// made in one order; every key, value, number form (3.0, not 3) and string stays compared byte
/// for byte.
fn canonical(text: &str) -> String {
    fn sorted(v: serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => {
                let mut entries: Vec<(String, serde_json::Value)> = m.into_iter().map(|(k, v)| (k, sorted(v))).collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                serde_json::Value::Object(entries.into_iter().collect())
            }
            serde_json::Value::Array(a) => serde_json::Value::Array(a.into_iter().map(sorted).collect()),
            other => other,
        }
    }
    let v: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("a stored payload must be JSON ({e}): {text}"));
    sorted(v).to_string()
}

/// What a worker's payload gained since [`PAYLOADS_AS_WRITTEN`] (issue 10 items 1 and 2: the
/// ids of the users it names, each detail's time and author, for the agency's other desks, and
/// when the status was decided, for the platform);
/// an older payload without them still reads.
const WORKER_KEYS_ADDED: [&str; 7] = ["consent_witness_id", "agency_check_by_id", "created_by_id", "updated_by_id", "field_times", "field_authors", "status_at"];

/// What the training records' payloads gained since, for the same reason: the users they name,
/// and a participant's row its times; each with the value this run writes (values apart by `|`
/// when the payloads differ: this desk's clock stands still, so the row's second write is
/// stamped a millisecond after its first).
const TRAINING_KEYS_ADDED: &[(&str, &str, &str)] = &[
    ("training_class", "created_by_id", "\"MANAGER\""),
    ("class_participant", "added_at", "\"2026-03-02T02:00:00.000Z\""),
    ("class_participant", "added_by_id", "\"MANAGER\""),
    ("class_participant", "updated_at", "\"2026-03-02T02:00:00.000Z\"|\"2026-03-02T02:00:00.001Z\""),
    ("class_participant", "updated_by_id", "\"MANAGER\""),
    ("exam_result", "pass_mark", "60.0"),
    ("exam_result", "recorded_by_id", "\"MANAGER\""),
    ("supervision_form", "recorded_by_id", "\"MANAGER\""),
];

/// A written payload has the added keys as expected for the manager's writes; the payload
/// without them, to compare with the one written before.
fn without_added_keys(entity: &str, text: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
    if entity != "worker" {
        for (_, key, value) in TRAINING_KEYS_ADDED.iter().filter(|(e, _, _)| *e == entity) {
            let found = v.as_object_mut().unwrap().remove(*key).unwrap_or_else(|| panic!("{entity} has {key}"));
            let found = found.to_string();
            assert!(value.split('|').any(|v| v == found), "{entity}.{key}: {found} is not {value}");
        }
        return v.to_string();
    }
    let fields = v.as_object_mut().unwrap();
    for key in &WORKER_KEYS_ADDED[..4] {
        assert_eq!(fields.remove(*key).unwrap(), "MANAGER", "{key} names the manager's id");
    }
    assert_eq!(fields.remove("status_at").unwrap(), "2026-03-02T02:00:00.000Z", "when the status was decided");
    let (times, authors) = (fields.remove("field_times").unwrap(), fields.remove("field_authors").unwrap());
    let details = certdesk_protocol::worker_record::DETAIL_FIELDS;
    assert_eq!(times.as_object().unwrap().len(), details.len(), "every detail has its time: {times}");
    for (field, _) in details {
        assert_eq!((times[*field].as_str(), authors[*field].as_str()), (Some("2026-03-02T02:00:00.000Z"), Some("MANAGER")), "{field}");
    }
    v.to_string()
}

#[test]
fn outbox_payloads_are_written_as_before_and_parse_into_the_typed_records() {
    let written: Vec<String> = training_payloads().into_iter().map(|(e, o, t)| format!("{e} {o} {}", canonical(&without_added_keys(&e, &t)))).collect();
    let before: Vec<String> = PAYLOADS_AS_WRITTEN
        .lines()
        .map(|l| {
            let mut parts = l.splitn(3, ' ');
            let (e, o, t) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
            format!("{e} {o} {}", canonical(t))
        })
        .collect();
    assert_eq!(written, before, "the enums serialise to the strings stored before");
    for line in PAYLOADS_AS_WRITTEN.lines() {
        let mut parts = line.splitn(3, ' ');
        let (entity, text) = (parts.next().unwrap(), parts.nth(1).unwrap());
        match entity {
            "worker" => {
                let w: certdesk_store::Worker = serde_json::from_str(text).expect("an older worker payload still reads");
                let again = serde_json::to_string(&w).unwrap();
                assert_eq!(canonical(&strip(&again, &WORKER_KEYS_ADDED)), canonical(text), "and is written back as it was, plus the added keys");
                assert_eq!((w.gender, w.service_types), (Gender::Female, vec![ServiceType::Cleaning]));
            }
            "training_class" => assert_eq!(reads_back::<TrainingClass>(entity, text).mode, ClassMode::Offline),
            "exam_result" => assert!(reads_back::<certdesk_store::ExamResult>(entity, text).passed),
            "supervision_form" => assert_eq!(reads_back::<certdesk_store::SupervisionForm>(entity, text).method, SupervisionMethod::Video),
            "class_participant" => {
                let v: serde_json::Value = serde_json::from_str(text).unwrap();
                let attendance: Option<Attendance> = serde_json::from_value(v["attendance"].clone()).unwrap();
                assert!(matches!(attendance, None | Some(Attendance::Late)), "{attendance:?}");
            }
            _ => {}
        }
    }
    // A cancellation's payload (cards.rs) carries its reason's code.
    let cancel: serde_json::Value = serde_json::from_str(r#"{"note":"离职","reason":"left_agency"}"#).unwrap();
    let reason: certdesk_store::CancelReason = serde_json::from_value(cancel["reason"].clone()).unwrap();
    assert_eq!(reason, certdesk_store::CancelReason::LeftAgency);
}

/// What the platform reads of a class, an exam result, a supervision form and a participant's
/// row is declared in certdesk-protocol (`records`): every payload the desk writes today, and
/// every one an older desk wrote, reads as it.
#[test]
fn every_training_payload_reads_as_the_protocols_record() {
    use certdesk_protocol::records::{ClassRecord, ExamRecord, ParticipantRecord, SupervisionRecord};
    fn reads<T: serde::de::DeserializeOwned>(text: &str) -> T {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("the protocol's record must read the payload ({e}): {text}"))
    }
    let now = training_payloads();
    let before: Vec<(String, String, String)> = PAYLOADS_AS_WRITTEN
        .lines()
        .map(|l| {
            let mut parts = l.splitn(3, ' ');
            (parts.next().unwrap().to_string(), parts.next().unwrap().to_string(), parts.next().unwrap().to_string())
        })
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    for (entity, op, text) in now.iter().chain(&before) {
        match (entity.as_str(), op.as_str()) {
            ("training_class", "upsert") => assert_eq!(reads::<ClassRecord>(text).mode, ClassMode::Offline),
            ("exam_result", "upsert") => assert_eq!(reads::<ExamRecord>(text).attempt, 1),
            ("supervision_form", "upsert") => assert_eq!(reads::<SupervisionRecord>(text).method, SupervisionMethod::Video),
            ("class_participant", "upsert") => assert_eq!(reads::<ParticipantRecord>(text).class_id, "CLASS"),
            _ => continue,
        }
        seen.insert(entity.clone());
    }
    assert_eq!(seen.len(), 4, "every kind was read: {seen:?}");
}

/// An older training payload reads into its typed record and is written back as it was, plus the
/// keys added since.
fn reads_back<T: serde::Serialize + serde::de::DeserializeOwned>(entity: &str, text: &str) -> T {
    let typed: T = serde_json::from_str(text).unwrap_or_else(|e| panic!("a stored payload must parse ({e}): {text}"));
    let added: Vec<&str> = TRAINING_KEYS_ADDED.iter().filter(|(e, _, _)| *e == entity).map(|(_, k, _)| *k).collect();
    assert_eq!(canonical(&strip(&serde_json::to_string(&typed).unwrap(), &added)), canonical(text), "a stored payload is written back as it was");
    typed
}

/// `text` without `keys` (empty, as an older payload reads them).
fn strip(text: &str, keys: &[&str]) -> String {
    let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
    for key in keys {
        v.as_object_mut().unwrap().remove(*key);
    }
    v.to_string()
}

/// Every field a refusal names is a key of the input the window sent, so the window puts the
/// sentence beside that field (the grid's cell, the exam form's box, the user form's box).
fn assert_fields_of(input: &impl serde::Serialize, err: &certdesk_store::DeskError, what: &str) {
    let json = serde_json::to_value(input).unwrap();
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    assert_fields_in(&keys, err, what);
}

fn assert_fields_in(keys: &[&str], err: &certdesk_store::DeskError, what: &str) {
    assert!(!err.fields.is_empty(), "{what}: a refused input names its field ({err:?})");
    for f in &err.fields {
        assert!(keys.contains(&f.field.as_str()), "{what}: `{}` ({}) is no field of {keys:?}", f.field, f.code);
    }
}

#[test]
fn refused_attendance_exam_and_user_inputs_name_a_field_of_their_form() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let w = enrol(&mut desk, &me, "张三", "11010519491231002X");
    let offline = class(&mut desk, &me, "上门服务规范", "offline", 3.0);
    let online = class(&mut desk, &me, "在线课程", "online", 3.0);
    desk.add_to_class(&me, &offline.id, &w).unwrap();
    desk.add_to_class(&me, &online.id, &w).unwrap();
    for (class_id, input, what) in [
        (&offline.id, mark("x", None, None), "an attendance mark that is none"),
        (&offline.id, mark("late", None, None), "late without a sign-in"),
        (&offline.id, mark("left_early", None, None), "left early without a sign-out"),
        (&offline.id, mark("present", Some("11:00"), Some("10:00")), "sign-out before sign-in"),
        (&offline.id, mark("late", Some("soon"), None), "an unreadable sign-in"),
        (&offline.id, AttendanceInput { hours_completed: Some(1.0), ..Default::default() }, "hours on an offline class"),
        (&online.id, AttendanceInput { hours_completed: Some(9.0), ..Default::default() }, "more hours than the class"),
        (&online.id, AttendanceInput::default(), "an online class without hours"),
    ] {
        let err = desk.record_attendance(&me, class_id, &w, &input).unwrap_err();
        assert_fields_of(&input, &err, what);
    }
    let exam = ExamInput { worker: w.clone(), score: "101".into(), exam_date: Some("someday".into()), class_id: None };
    assert_fields_of(&exam, &desk.record_exam(&me, &exam).unwrap_err(), "a wrong exam");
    let user = certdesk_store::NewUser { username: "a".into(), display_name: String::new(), role: certdesk_store::Role::Clerk, password: "1".into() };
    // NewUser is read, never written (it carries a password): its fields, as `ui/src/bindings/NewUser.ts` has them.
    assert_fields_in(&["username", "display_name", "role", "password"], &desk.add_user(Some(&me), &user).unwrap_err(), "a wrong user");
}

/// Issue 10: a desk takes a relayed attendance row only when it was written later than its
/// own, so each write of a row is stamped later than the one before, even within one
/// millisecond or on a clock that stands still (this desk's clock is stopped): the agency's
/// other desks then keep the last write, not the first.
#[test]
fn each_write_of_an_attendance_row_is_stamped_later_than_the_one_before_on_a_stopped_clock() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let c = class(&mut desk, &me, "母婴护理入门", "offline", 3.0);
    let w = enrol(&mut desk, &me, "张三", "11010519491231002X");
    desk.add_to_class(&me, &c.id, &w).unwrap();
    desk.record_attendance(&me, &c.id, &w, &mark("present", None, None)).unwrap();
    desk.record_attendance(&me, &c.id, &w, &mark("absent", None, None)).unwrap();
    let conn = certdesk_store::open_raw(dir.path()).unwrap();
    let stamps: Vec<String> = conn
        .prepare("SELECT json_extract(payload, '$.updated_at') FROM outbox WHERE entity = 'class_participant' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(stamps.len(), 3, "joined, present, absent: {stamps:?}");
    assert!(stamps.windows(2).all(|w| w[0] < w[1]), "each later than the one before: {stamps:?}");
}
