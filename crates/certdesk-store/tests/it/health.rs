//! Health checks (体检) and insurance (保险) on a real desk file: recorded with their row, audit
//! entry and outbox entry in one go, the report stored once by its hash, and every refused
//! input (valid before taken, ending before starting, not a PDF or image, over 10 MB, the
//! same record twice) answered with a sentence naming the field and nothing written.

use std::path::Path;

use certdesk_domain::health::{HealthCheckInput, InsuranceInput, MAX_REPORT_BYTES};
use certdesk_protocol::sync::SyncEntity;
use certdesk_store::Desk;
use certdesk_testkit::desk::worker_form;

use crate::common::fresh;

fn check(on: &str) -> HealthCheckInput {
    HealthCheckInput {
        checked_on: on.into(),
        institution: "上海市徐汇区中心医院".into(),
        category: "母婴照护".into(),
        result: "合格".into(),
        valid_until: None,
    }
}

fn policy(number: &str) -> InsuranceInput {
    InsuranceInput {
        insurer: "中国人民财产保险".into(),
        policy_number: number.into(),
        kind: "雇主责任险".into(),
        valid_from: "2026-01-01".into(),
        valid_until: "2026-12-31".into(),
    }
}

/// (health_checks + insurance_policies + report_files rows, audit entries, outbox entries).
fn counts(dir: &Path) -> (i64, i64, i64) {
    let conn = certdesk_store::open_raw(dir).unwrap();
    let q = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    (
        q("SELECT count(*) FROM health_checks") + q("SELECT count(*) FROM insurance_policies") + q("SELECT count(*) FROM report_files"),
        q("SELECT count(*) FROM audit"),
        q("SELECT count(*) FROM outbox"),
    )
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec()
}

#[test]
fn a_health_check_with_its_report_is_stored_audited_and_queued_for_the_platform() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let w = desk.enrol_worker(&me, &worker_form("张三", "11010519491231002X")).unwrap().id;
    let before = counts(dir.path());
    // Found by the ID number as typed, lower-case x included.
    let h = desk.record_health_check(&me, "11010519491231002x", &check("2026-02-20"), Some(&pdf())).unwrap();
    assert_eq!(h.worker_id, w);
    assert_eq!(h.valid_until, "2027-02-20", "one year by default");
    assert_eq!((h.category.code(), h.result.code()), ("maternity_care", "pass"));
    assert_eq!(h.report_mime.as_deref(), Some("application/pdf"));
    assert_eq!(h.recorded_by, "王经理");
    let sha = h.report_sha256.clone().expect("the report is named");
    assert_eq!(desk.report_file(&sha).unwrap().unwrap().1, pdf(), "the bytes come back as stored");
    assert_eq!(desk.blob(&sha).unwrap().unwrap(), pdf(), "the sync finds it as a blob");
    let after = counts(dir.path());
    assert_eq!((after.0 - before.0, after.1 - before.1, after.2 - before.2), (2, 1, 1), "row + report, one audit entry, one outbox entry");

    let entry = desk.pending_outbox(100).unwrap().into_iter().last().unwrap();
    assert_eq!(entry.entity, SyncEntity::HealthCheck);
    assert_eq!(entry.entity_id, h.id);
    assert_eq!(entry.payload["worker_id"], w.as_str(), "the platform checks the worker is the agency's");
    assert_eq!(entry.payload["report_sha256"], sha.as_str(), "the sync uploads the report before the record");
    assert_eq!(entry.payload["valid_until"], "2027-02-20");

    // A second check the next year, another report: newest first.
    desk.record_health_check(&me, &w, &HealthCheckInput { valid_until: Some("2026-08-31".into()), ..check("2026-03-01") }, None).unwrap();
    let list = desk.health_checks(&w).unwrap();
    assert_eq!(list.iter().map(|h| h.checked_on.as_str()).collect::<Vec<_>>(), ["2026-03-01", "2026-02-20"]);
    assert_eq!(list[0].valid_until, "2026-08-31", "a typed end is kept");
}

#[test]
fn refused_health_checks_name_the_field_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let w = desk.enrol_worker(&me, &worker_form("张三", "11010519491231002X")).unwrap().id;
    desk.record_health_check(&me, &w, &check("2026-02-20"), None).unwrap();
    let before = counts(dir.path());

    let backwards = HealthCheckInput { valid_until: Some("2026-02-19".into()), ..check("2026-02-21") };
    let e = desk.record_health_check(&me, &w, &backwards, None).unwrap_err();
    assert_eq!(e.code, "validation");
    assert_eq!((e.fields[0].field.as_str(), e.fields[0].code.as_str()), ("valid_until", "health_valid_before_taken"));

    let e = desk.record_health_check(&me, &w, &check("2026-02-22"), Some(b"just text, named report.pdf")).unwrap_err();
    assert_eq!((e.fields[0].field.as_str(), e.fields[0].code.as_str()), ("report", "report_format"));

    let mut big = pdf();
    big.resize(MAX_REPORT_BYTES + 1, b'\n');
    let e = desk.record_health_check(&me, &w, &check("2026-02-23"), Some(&big)).unwrap_err();
    assert_eq!((e.fields[0].field.as_str(), e.fields[0].code.as_str()), ("report", "report_too_large"));

    let both = HealthCheckInput { category: "特级".into(), ..check("2026-02-24") };
    let e = desk.record_health_check(&me, &w, &both, Some(b"GIF89a")).unwrap_err();
    let fields: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["category", "report"], "every wrong field at once");

    let e = desk.record_health_check(&me, &w, &check("2026-02-20"), None).unwrap_err();
    assert_eq!(e.code, "already_recorded", "{}", e.message_zh);
    assert!(e.message_zh.contains("2026-02-20"), "{}", e.message_zh);

    let e = desk.record_health_check(&me, "11010519491231003", &check("2026-02-20"), None).unwrap_err();
    assert!(e.code == "validation" || e.code == "worker_not_enrolled", "an unknown worker: {e:?}");

    assert_eq!(counts(dir.path()), before, "nothing refused was written");
}

#[test]
fn a_policy_is_stored_and_a_backwards_or_repeated_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let w = desk.enrol_worker(&me, &worker_form("张三", "11010519491231002X")).unwrap().id;
    let p = desk.record_insurance(&me, &w, &policy("pa-2026-01")).unwrap();
    assert_eq!(p.policy_number, "PA-2026-01");
    assert_eq!(p.kind.code(), "employer_liability");
    let entry = desk.pending_outbox(100).unwrap().into_iter().last().unwrap();
    assert_eq!((entry.entity, entry.payload["worker_id"].as_str()), (SyncEntity::Insurance, Some(w.as_str())));
    let before = counts(dir.path());

    let backwards = InsuranceInput { valid_from: "2026-07-01".into(), valid_until: "2026-06-30".into(), ..policy("PA-2") };
    let e = desk.record_insurance(&me, &w, &backwards).unwrap_err();
    assert_eq!((e.fields[0].field.as_str(), e.fields[0].code.as_str()), ("valid_until", "insurance_ends_before_start"));
    let e = desk.record_insurance(&me, &w, &policy("PA-2026-01")).unwrap_err();
    assert_eq!(e.code, "already_recorded");
    assert_eq!(counts(dir.path()), before, "nothing refused was written");

    desk.record_insurance(&me, &w, &InsuranceInput { valid_from: "2027-01-01".into(), valid_until: "2027-12-31".into(), ..policy("PA-2027") }).unwrap();
    let list: Vec<String> = desk.insurance_policies(&w).unwrap().into_iter().map(|p| p.policy_number).collect();
    assert_eq!(list, ["PA-2027", "PA-2026-01"], "the latest cover first");
}

#[test]
fn the_report_is_stored_once_whoever_attaches_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let a = desk.enrol_worker(&me, &worker_form("张三", "11010519491231002X")).unwrap().id;
    let b = desk.enrol_worker(&me, &worker_form("李四", &certdesk_testkit::ids::id_number(7))).unwrap().id;
    let x = desk.record_health_check(&me, &a, &check("2026-02-20"), Some(&pdf())).unwrap();
    let y = desk.record_health_check(&me, &b, &check("2026-02-20"), Some(&pdf())).unwrap();
    assert_eq!(x.report_sha256, y.report_sha256);
    let conn = certdesk_store::open_raw(dir.path()).unwrap();
    let n: i64 = conn.query_row("SELECT count(*) FROM report_files", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
    let _: &Desk = &desk;
}

/// The home screen's list: a health check ending within 30 days and a policy that ended are
/// listed for their worker (most pressing first); one far off, or of a cancelled worker, is not.
#[test]
fn health_checks_and_policies_ending_within_30_days_or_ended_are_listed() {
    use certdesk_domain::deadlines::{DeadlineKind, Urgency};
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let today = desk.today();
    let ymd = |offset: i64| (today + chrono::Duration::days(offset)).to_string();
    let a = desk.enrol_worker(&me, &worker_form("张三", "11010519491231002X")).unwrap().id;
    let b = desk.enrol_worker(&me, &worker_form("李四", &certdesk_testkit::id_number(8))).unwrap().id;
    let soon = HealthCheckInput { valid_until: Some(ymd(25)), ..check(&ymd(-340)) };
    desk.record_health_check(&me, &a, &soon, None).unwrap();
    desk.record_insurance(&me, &a, &InsuranceInput { valid_from: ymd(-368), valid_until: ymd(-3), ..policy("P-OLD") }).unwrap();
    desk.record_health_check(&me, &b, &check(&ymd(-10)), None).unwrap();
    desk.record_insurance(&me, &b, &InsuranceInput { valid_from: ymd(-10), valid_until: ymd(300), ..policy("P-B") }).unwrap();

    let list = desk.deadlines().unwrap();
    let seen: Vec<(&str, DeadlineKind, i64, Urgency)> = list.iter().map(|d| (d.worker_id.as_str(), d.kind, d.days_left, d.urgency)).collect();
    assert_eq!(
        seen,
        [(a.as_str(), DeadlineKind::Insurance, -3, Urgency::Overdue), (a.as_str(), DeadlineKind::HealthCheck, 25, Urgency::Upcoming)],
        "李四's are far off; the ended policy comes first"
    );
    assert_eq!(list[1].due, ymd(25));

    // A new policy covering today takes it off the list.
    desk.record_insurance(&me, &a, &InsuranceInput { valid_from: ymd(-2), valid_until: ymd(363), ..policy("P-NEW") }).unwrap();
    assert_eq!(desk.deadlines().unwrap().len(), 1);
}

/// The window sends the report as base64 (or a data URL): decoded and stored like a file; one
/// over the limit is refused before it is decoded, and text that is not base64 is refused as
/// not a report; nothing is written either way.
#[test]
fn a_report_sent_as_base64_by_the_window_is_checked_like_a_file() {
    use base64::Engine as _;
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let w = desk.enrol_worker(&me, &worker_form("张三", "11010519491231002X")).unwrap().id;
    let before = counts(dir.path());
    let huge = "A".repeat(MAX_REPORT_BYTES / 3 * 4 + 400);
    let err = desk.record_health_check_b64(&me, &w, &check("2026-02-20"), Some(&huge)).unwrap_err();
    assert_eq!((err.fields[0].field.as_str(), err.fields[0].code.as_str()), ("report", "report_too_large"));
    let err = desk.record_health_check_b64(&me, &w, &check("2026-02-20"), Some("这不是base64!")).unwrap_err();
    assert_eq!(err.fields[0].field, "report");
    assert_eq!(counts(dir.path()), before, "nothing written");
    let url = format!("data:application/pdf;base64,{}", base64::engine::general_purpose::STANDARD.encode(pdf()));
    let h = desk.record_health_check_b64(&me, &w, &check("2026-02-20"), Some(&url)).unwrap();
    assert_eq!(desk.report_file(h.report_sha256.as_deref().unwrap()).unwrap().unwrap().1, pdf());
}

/// Issue 13 item 1: health checks and policies imported from a spreadsheet like workers are: a
/// preview that writes nothing, every good row recorded (row, audit, outbox) in one go, a
/// per-row report naming the column for each bad row (unknown ID number, another person's
/// name, valid before taken, ending before starting, the same record twice), and a second
/// import of the same file skipping everything.
#[test]
fn health_checks_and_policies_are_imported_from_a_sheet_with_a_report_per_row() {
    use certdesk_store::CoverKind;
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let zhang = "11010519491231002X";
    let li = certdesk_testkit::id_number(21);
    let w = desk.enrol_worker(&me, &worker_form("张三", zhang)).unwrap().id;
    let w2 = desk.enrol_worker(&me, &worker_form("李四", &li)).unwrap().id;
    let stranger = certdesk_testkit::id_number(22);
    let health = format!(
        "姓名,身份证号,体检日期,体检机构,体检类别,体检结论,有效期至\n\
         张三,{zhang},2026/2/20,上海市徐汇区中心医院,母婴照护,合格,\n\
         李四,{li},2026-02-21,上海市黄浦区妇幼保健院,一般,合格,2027-02-21\n\
         王五,{li},2026-02-22,某医院,一般,合格,\n\
         路人,{stranger},2026-02-22,某医院,一般,合格,\n\
         张三,{zhang},2026-02-25,某医院,一般,合格,2026-02-01\n\
         张三,{zhang},2026/2/20,上海市徐汇区中心医院,一般,合格,\n"
    );
    let before = counts(dir.path());
    let preview = desk.preview_cover_import(CoverKind::Health, health.as_bytes()).unwrap();
    assert_eq!((preview.total_rows, preview.valid_rows, preview.invalid_rows), (6, 2, 4));
    assert_eq!(counts(dir.path()), before, "a preview writes nothing");

    let report = desk.import_cover(&me, CoverKind::Health, health.as_bytes()).unwrap();
    assert_eq!((report.imported, report.already_recorded, report.invalid_rows), (2, 0, 4));
    let lines: Vec<(usize, Option<&str>, &str)> = report.issues.iter().map(|i| (i.row, i.column.as_deref(), i.code.as_str())).collect();
    assert_eq!(
        lines,
        [
            (4, Some("A"), "name_mismatch"),
            (5, Some("B"), "unknown_id_number"),
            (6, Some("G"), "health_valid_before_taken"),
            (7, Some("B"), "duplicate_in_file"),
        ]
    );
    assert!(report.issues[1].message_zh.contains("***********") && !report.issues[1].message_zh.contains(&stranger), "no ID number in the report: {}", report.issues[1].message_zh);
    let h = &desk.health_checks(&w).unwrap()[0];
    assert_eq!((h.checked_on.as_str(), h.valid_until.as_str(), h.category.code()), ("2026-02-20", "2027-02-20", "maternity_care"), "an Excel date, one year by default");
    assert_eq!(desk.health_checks(&w2).unwrap()[0].valid_until, "2027-02-21");
    let after = counts(dir.path());
    assert_eq!((after.0 - before.0, after.1 - before.1, after.2 - before.2), (2, 2, 2), "each record with its audit and outbox entries");

    let again = desk.import_cover(&me, CoverKind::Health, health.as_bytes()).unwrap();
    assert_eq!((again.imported, again.already_recorded), (0, 2), "a second import duplicates nothing");
    assert_eq!(counts(dir.path()), after);

    let insurance = format!(
        "被保险人,身份证号,保险公司,保单号,险种,保险起期,保险止期\n\
         张三,{zhang},中国平安,pa-2026-01,意外险,2026-01-01,2026-12-31\n\
         李四,{li},中国人保,PICC-9,雇主责任险,2026-06-01,2026-05-31\n\
         李四,{li},中国人保,PICC-10,车险,2026-01-01,2026-12-31\n"
    );
    let report = desk.import_cover(&me, CoverKind::Insurance, insurance.as_bytes()).unwrap();
    assert_eq!((report.imported, report.invalid_rows), (1, 2));
    let lines: Vec<(usize, &str, &str)> = report.issues.iter().map(|i| (i.row, i.field.as_deref().unwrap(), i.code.as_str())).collect();
    assert_eq!(lines, [(3, "valid_until", "insurance_ends_before_start"), (4, "kind", "insurance_kind_invalid")]);
    assert_eq!(desk.insurance_policies(&w).unwrap()[0].policy_number, "PA-2026-01");

    // A file without the columns a record needs is refused naming them, writing nothing.
    let before = counts(dir.path());
    let err = desk.import_cover(&me, CoverKind::Insurance, health.as_bytes()).unwrap_err();
    assert_eq!(err.code, "import_headers_missing");
    let missing: Vec<&str> = err.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(missing, ["insurer", "policy_number", "kind", "valid_from", "valid_until"]);
    assert!(err.message_zh.contains("保险公司"), "{}", err.message_zh);
    assert_eq!(counts(dir.path()), before);
}
