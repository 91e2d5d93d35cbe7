//! `certdesk health` and `certdesk insurance` from a terminal, as a clerk: recorded with the
//! report file, listed back in `--json`, and every bad input (valid before taken, ending before
//! starting, a report that is not a PDF or image or is over 10 MB, an unknown category, a
//! worker that does not exist) refused with the domain's sentence naming the field, nothing
//! written.

use crate::roles::{as_clerk, desk_with_a_clerk};

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec()
}

fn health_add<'a>(worker: &'a str, date: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["health", "add", "--worker", worker, "--date", date, "--institution", "上海市徐汇区中心医院", "--category", "养老照护", "--result", "合格"];
    args.extend_from_slice(extra);
    args
}

/// The field a refusal names, and its code.
fn refused(printed: &serde_json::Value) -> (String, String) {
    let f = &printed["fields"][0];
    (f["field"].as_str().unwrap_or_default().to_owned(), f["code"].as_str().unwrap_or_default().to_owned())
}

#[test]
fn a_clerk_records_a_health_check_with_its_report_and_a_policy_and_lists_them() {
    let dir = tempfile::tempdir().unwrap();
    let id = desk_with_a_clerk(dir.path());
    let report = dir.path().join("体检报告.pdf");
    std::fs::write(&report, pdf()).unwrap();

    let (code, h) = as_clerk(dir.path(), &health_add(&id, "2026-03-02", &["--report", report.to_str().unwrap()]));
    assert_eq!(code, Some(0), "{h}");
    assert_eq!((h["category"].as_str(), h["result"].as_str()), (Some("elder_care"), Some("pass")));
    assert_eq!(h["valid_until"], "2027-03-02", "one year by default");
    assert_eq!(h["report_mime"], "application/pdf");

    let (code, p) = as_clerk(
        dir.path(),
        &["insurance", "add", "--worker", &id, "--insurer", "中国平安", "--policy", "pa-2026-77", "--kind", "雇主责任险", "--from", "2026-01-01", "--until", "2026-12-31"],
    );
    assert_eq!(code, Some(0), "{p}");
    assert_eq!((p["kind"].as_str(), p["policy_number"].as_str()), (Some("employer_liability"), Some("PA-2026-77")));

    let (_, list) = as_clerk(dir.path(), &["health", "list", "--worker", &id]);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    let (_, list) = as_clerk(dir.path(), &["insurance", "list", "--worker", &id]);
    assert_eq!(list[0]["insurer"], "中国平安");

    // Typed twice: refused, still one of each.
    let (code, again) = as_clerk(dir.path(), &health_add(&id, "2026-03-02", &[]));
    assert_eq!((code, again["code"].as_str()), (Some(2), Some("already_recorded")), "{again}");
    let (_, list) = as_clerk(dir.path(), &["health", "list", "--worker", &id]);
    assert_eq!(list.as_array().map(Vec::len), Some(1));
}

#[test]
fn bad_health_checks_and_policies_are_refused_naming_the_field_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let id = desk_with_a_clerk(dir.path());
    let text = dir.path().join("report.pdf");
    std::fs::write(&text, "not a pdf, only named like one").unwrap();
    let huge = dir.path().join("huge.pdf");
    let mut big = pdf();
    big.resize(11 * 1024 * 1024, b' ');
    std::fs::write(&huge, big).unwrap();

    let cases: Vec<(Vec<&str>, (&str, &str))> = vec![
        (health_add(&id, "2026-03-02", &["--valid-until", "2026-01-01"]), ("valid_until", "health_valid_before_taken")),
        (health_add(&id, "2026-03-02", &["--report", text.to_str().unwrap()]), ("report", "report_format")),
        (health_add(&id, "2026-03-02", &["--report", huge.to_str().unwrap()]), ("report", "report_too_large")),
        (
            vec!["health", "add", "--worker", &id, "--date", "2026-03-02", "--institution", "医院", "--category", "体检", "--result", "合格"],
            ("category", "health_category_invalid"),
        ),
        (
            vec!["insurance", "add", "--worker", &id, "--insurer", "中国平安", "--policy", "P1", "--kind", "意外险", "--from", "2026-06-01", "--until", "2026-05-31"],
            ("valid_until", "insurance_ends_before_start"),
        ),
    ];
    for (args, (field, code)) in cases {
        let (exit, printed) = as_clerk(dir.path(), &args);
        assert_eq!(exit, Some(2), "{args:?}: {printed}");
        assert_eq!(refused(&printed), (field.to_owned(), code.to_owned()), "{args:?}: {printed}");
        assert!(printed["message_zh"].as_str().is_some_and(|m| !m.is_empty()), "a sentence for the clerk: {printed}");
    }
    let (exit, printed) = as_clerk(dir.path(), &health_add("110105194912310099", "2026-03-02", &[]));
    assert_eq!(exit, Some(2), "an unknown worker is refused: {printed}");

    for what in ["health", "insurance"] {
        let (_, list) = as_clerk(dir.path(), &[what, "list", "--worker", &id]);
        assert_eq!(list, serde_json::json!([]), "nothing was written by a refusal");
    }
}

#[test]
fn deadlines_list_what_ends_within_30_days_from_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let id = desk_with_a_clerk(dir.path());
    let (_, empty) = as_clerk(dir.path(), &["deadlines"]);
    assert_eq!(empty, serde_json::json!([]));
    let today = certdesk_testkit::shanghai_today();
    let (checked, until) = ((today - chrono::Duration::days(340)).to_string(), (today + chrono::Duration::days(20)).to_string());
    let (code, _) = as_clerk(dir.path(), &health_add(&id, &checked, &["--valid-until", &until]));
    assert_eq!(code, Some(0));
    let (code, list) = as_clerk(dir.path(), &["deadlines"]);
    assert_eq!(code, Some(0));
    assert_eq!((list[0]["kind"].as_str(), list[0]["due"].as_str(), list[0]["urgency"].as_str()), (Some("health_check"), Some(until.as_str()), Some("upcoming")), "{list}");
}

/// Issue 13 item 7 from a terminal: a staff sheet without addresses or emergency contacts is
/// imported as 待补全, `certdesk to-complete` lists what each worker lacks, and a correction
/// with the address takes the worker off the list.
#[test]
fn a_staff_sheet_without_addresses_goes_in_to_be_completed_and_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    desk_with_a_clerk(dir.path());
    let (_, empty) = as_clerk(dir.path(), &["to-complete"]);
    assert_eq!(empty, serde_json::json!([]), "a desk enrolled through the form has nothing to complete");
    let sheet = dir.path().join("staff.csv");
    let id = certdesk_testkit::id_number(11);
    std::fs::write(&sheet, format!("姓名,身份证号,手机号,服务类型\n赵敏,{id},13800138011,保洁\n")).unwrap();
    let (code, report) = as_clerk(dir.path(), &["import", "workers", sheet.to_str().unwrap(), "--consent-date", "2026-01-05", "--agency-checked"]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!((report["imported"].as_u64(), report["to_complete"].as_u64()), (Some(1), Some(1)), "{report}");
    let (_, list) = as_clerk(dir.path(), &["to-complete"]);
    assert_eq!(list[0]["name"], "赵敏");
    assert_eq!(list[0]["missing"], serde_json::json!(["address", "emergency_contact_name", "emergency_contact_phone"]));
}

/// Issue 13 item 1 from a terminal: `certdesk import health` and `import insurance` with a
/// dry run that writes nothing, then the import, the report naming each bad row.
#[test]
fn health_checks_and_policies_are_imported_from_a_spreadsheet() {
    let dir = tempfile::tempdir().unwrap();
    let id = desk_with_a_clerk(dir.path());
    let sheet = dir.path().join("体检.csv");
    std::fs::write(&sheet, format!("姓名,身份证号,体检日期,体检机构,体检类别,体检结论\n王五,{id},2026-02-20,上海市徐汇区中心医院,一般,合格\n王五,{id},2099-01-01,某医院,一般,合格\n")).unwrap();
    let (code, preview) = as_clerk(dir.path(), &["import", "health", sheet.to_str().unwrap(), "--dry-run"]);
    assert_eq!((code, preview["valid_rows"].as_u64(), preview["invalid_rows"].as_u64()), (Some(0), Some(1), Some(1)), "{preview}");
    let (_, list) = as_clerk(dir.path(), &["health", "list", "--worker", &id]);
    assert_eq!(list, serde_json::json!([]), "a dry run writes nothing");
    let (code, done) = as_clerk(dir.path(), &["import", "health", sheet.to_str().unwrap()]);
    assert_eq!((code, done["imported"].as_u64()), (Some(0), Some(1)), "{done}");
    assert_eq!(done["issues"][0]["row"], 3);
    assert_eq!(done["issues"][0]["field"], "checked_on", "a check dated in the future: {done}");
    let (_, list) = as_clerk(dir.path(), &["health", "list", "--worker", &id]);
    assert_eq!(list[0]["institution"], "上海市徐汇区中心医院");

    let policies = dir.path().join("保险.csv");
    std::fs::write(&policies, format!("身份证号,保险公司,保单号,险种,保险起期,保险止期\n{id},中国平安,PA-1,意外险,2026-01-01,2026-12-31\n")).unwrap();
    let (code, done) = as_clerk(dir.path(), &["import", "insurance", policies.to_str().unwrap()]);
    assert_eq!((code, done["imported"].as_u64()), (Some(0), Some(1)), "{done}");
    let (_, again) = as_clerk(dir.path(), &["import", "insurance", policies.to_str().unwrap()]);
    assert_eq!((again["imported"].as_u64(), again["already_recorded"].as_u64()), (Some(0), Some(1)), "{again}");
}
