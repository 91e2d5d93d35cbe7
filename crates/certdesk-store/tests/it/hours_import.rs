//! Importing an online class's hours from the online training platform's export (written here
//! with rust_xlsxwriter, or as GBK csv as Excel on Chinese Windows saves it).
//!
//! Every bad row gets a report line with its row, column and code and changes nothing; good
//! rows are recorded in one transaction; re-importing the same file changes nothing.

use std::path::Path;

use certdesk_domain::training::ClassInput;
use certdesk_store::{Desk, ExamInput, HoursImportOptions, HoursImportReport, SessionUser, TrainingClass};
use certdesk_testkit::desk::worker_form;
use certdesk_testkit::id_number;
use rust_xlsxwriter::Workbook;

use crate::common::fresh;

/// A valid ID number for the i-th test person.
fn id(i: usize) -> String {
    id_number(i as u32)
}

fn enrol(desk: &mut Desk, me: &SessionUser, name: &str, i: usize) -> String {
    desk.enrol_worker(me, &worker_form(name, &id(i))).unwrap().id
}

fn class(desk: &mut Desk, me: &SessionUser, mode: &str) -> TrainingClass {
    desk.create_class(
        me,
        &ClassInput {
            title: "线上：家政服务职业道德".into(),
            mode: mode.into(),
            starts_at: "2026-02-10 09:00".into(),
            ends_at: "2026-02-10 12:00".into(),
            place: if mode == "offline" { "徐汇区培训中心".into() } else { String::new() },
            trainer: "刘老师".into(),
            class_hours: 3.0,
        },
    )
    .unwrap()
}

/// A cell to write.
enum C {
    S(String),
    N(f64),
}

fn s(t: impl Into<String>) -> C {
    C::S(t.into())
}

fn write_xlsx(path: &Path, headers: &[&str], rows: &[Vec<C>]) {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            match cell {
                C::S(t) if t.is_empty() => {}
                C::S(t) => {
                    ws.write_string(r as u32 + 1, c as u16, t).unwrap();
                }
                C::N(n) => {
                    ws.write_number(r as u32 + 1, c as u16, *n).unwrap();
                }
            }
        }
    }
    book.save(path).unwrap();
}

/// (workers, audit entries, outbox entries, participant rows) in the desk file.
fn counts(dir: &Path) -> (i64, i64, i64, i64) {
    let conn = certdesk_store::open_raw(dir).unwrap();
    let q = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    (
        q("SELECT count(*) FROM workers"),
        q("SELECT count(*) FROM audit"),
        q("SELECT count(*) FROM outbox"),
        q("SELECT count(*) FROM class_participants"),
    )
}

/// (row, column, code) of every report line.
fn lines(r: &HoursImportReport) -> Vec<(usize, Option<String>, String)> {
    r.issues.iter().map(|i| (i.row, i.column.clone(), i.code.clone())).collect()
}

fn opts(add_missing: bool) -> HoursImportOptions {
    HoursImportOptions { add_missing, preview_rows: 20 }
}

#[test]
fn the_platforms_xlsx_in_minutes_is_previewed_reported_per_row_and_imported_once() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let c = class(&mut desk, &me, "online");
    let a = enrol(&mut desk, &me, "张三", 1);
    let b = enrol(&mut desk, &me, "李梅", 2);
    let outsider = enrol(&mut desk, &me, "王芳", 3);
    let h = enrol(&mut desk, &me, "赵六", 4);
    let sun = enrol(&mut desk, &me, "孙七", 5);
    for w in [&a, &b, &h, &sun] {
        desk.add_to_class(&me, &c.id, w).unwrap();
    }
    desk.record_exam(&me, &ExamInput { worker: a.clone(), score: "90".into(), exam_date: Some("2026-02-10".into()), class_id: None }).unwrap();

    let file = dir.path().join("平台导出.xlsx");
    write_xlsx(
        &file,
        &["序号", "学员姓名", "身份证号", "学习时长(分钟)", "完成状态"],
        &[
            vec![C::N(1.0), s("张三"), s(id(1)), C::N(135.0), s("已完成")], // row 2: 3 class hours
            vec![C::N(2.0), s("李梅"), s(id(2)), s("2小时"), s("学习中")], // row 3: 120 min = 2.67 → 2.5 credited
            vec![C::N(3.0), s("王芳"), s(id(3)), C::N(90.0), s("学习中")], // row 4: not in the class
            vec![C::N(4.0), s("陌生人"), s(id(9)), C::N(135.0), s("已完成")], // row 5: nobody enrolled
            vec![C::N(5.0), s("赵六"), s(id(4)), s("三小时"), s("已完成")], // row 6: not a number
            vec![C::N(6.0), s("张三"), s(id(1)), C::N(135.0), s("已完成")], // row 7: repeats row 2
            vec![C::N(7.0), s("某人"), C::N(310104198501021e3), C::N(60.0), s("")], // row 8: Excel's 1.10105E+17
            vec![C::N(8.0), s("李四"), s(id(5)), C::N(45.0), s("")], // row 9: the name is not 孙七's
            vec![s(""), s(""), s(""), s(""), s("")], // row 10: blank
        ],
    );
    let bytes = std::fs::read(&file).unwrap();

    let before = counts(dir.path());
    let preview = desk.preview_hours_import(&c.id, &bytes, &opts(false)).unwrap();
    assert_eq!(counts(dir.path()), before, "a preview writes nothing");
    assert_eq!(preview.unit, "minutes", "时长(分钟) holds minutes");
    assert_eq!((preview.total_rows, preview.to_record, preview.not_in_class, preview.invalid_rows), (8, 2, 1, 5));
    assert_eq!(
        lines(&preview),
        [
            (4, Some("C".into()), "not_in_class".into()),
            (5, Some("C".into()), "unknown_id_number".into()),
            (6, Some("D".into()), "hours_invalid".into()),
            (7, Some("C".into()), "duplicate_in_file".into()),
            (8, Some("C".into()), "id_number_as_number".into()),
            (9, Some("B".into()), "name_mismatch".into()),
        ],
        "each bad row says its row, column and what is wrong"
    );
    assert!(!preview.issues.iter().any(|i| i.message_zh.contains(&id(9))), "the report never holds a full ID number");
    let statuses: Vec<&str> = preview.preview.iter().map(|p| p.status.code()).collect();
    assert_eq!(statuses, ["ok", "ok", "not_in_class", "unknown_id_number", "invalid", "duplicate_in_file", "invalid", "invalid"]);
    assert_eq!(preview.preview[0].hours, Some(3.0));
    assert_eq!((preview.preview[1].hours, preview.preview[1].credited_hours), (Some(2.67), Some(2.5)));

    let done = desk.import_hours(&me, &c.id, &bytes, &opts(false)).unwrap();
    assert_eq!((done.recorded, done.added, done.dry_run), (2, 0, false));
    let detail = desk.class_detail(&c.id).unwrap();
    let hours = |w: &str| detail.participants.iter().find(|p| p.worker_id == w).map(|p| (p.hours_completed, p.credited_hours));
    assert_eq!(hours(&a), Some((Some(3.0), 3.0)));
    assert_eq!(hours(&b), Some((Some(2.67), 2.5)));
    assert_eq!(hours(&h), Some((None, 0.0)), "a row with a bad number changes nothing");
    assert_eq!(hours(&sun), Some((None, 0.0)), "a row with a wrong name changes nothing");
    assert_eq!(desk.worker(&a).unwrap().status, "eligible", "3 class hours online and a pass: eligible, in the same transaction");
    let actions: Vec<String> = desk.timeline(certdesk_store::AuditEntity::Worker, &a).unwrap().into_iter().map(|e| e.action.code().to_owned()).collect();
    assert!(actions.contains(&"attendance".to_string()), "the import is audited like a typed row: {actions:?}");

    // The same file again: nothing changes.
    let after_first = counts(dir.path());
    let again = desk.import_hours(&me, &c.id, &bytes, &opts(false)).unwrap();
    assert_eq!((again.recorded, again.unchanged, again.to_record), (0, 2, 0));
    assert_eq!(counts(dir.path()), after_first, "re-importing writes no row, audit or outbox entry");

    // The clerk chooses to add the worker who is not in the class: once.
    let added = desk.import_hours(&me, &c.id, &bytes, &opts(true)).unwrap();
    assert_eq!((added.added, added.recorded), (1, 1));
    assert_eq!(desk.class_detail(&c.id).unwrap().participants.len(), 5);
    assert_eq!(desk.worker(&outsider).unwrap().status, "in_training");
    let settled = counts(dir.path());
    let thrice = desk.import_hours(&me, &c.id, &bytes, &opts(true)).unwrap();
    assert_eq!((thrice.added, thrice.recorded, thrice.unchanged), (0, 0, 3));
    assert_eq!(counts(dir.path()), settled);
}

#[test]
fn a_gbk_csv_with_english_headers_in_class_hours_is_read_and_too_many_hours_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let c = class(&mut desk, &me, "online");
    let a = enrol(&mut desk, &me, "张三", 1);
    let b = enrol(&mut desk, &me, "李梅", 2);
    desk.add_to_class(&me, &c.id, &a).unwrap();
    desk.add_to_class(&me, &c.id, &b).unwrap();
    let text = format!("Name,ID Number,Class hours\r\n张三,{},5\r\n李梅,{},\"1.5学时\"\r\n", id(1), id(2).to_lowercase());
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let r = desk.import_hours(&me, &c.id, &gbk, &opts(false)).unwrap();
    assert_eq!((r.file_kind.code(), r.encoding.as_deref(), r.unit.code()), ("csv", Some("gb18030"), "class_hours"));
    assert_eq!(r.recorded, 2);
    assert_eq!(lines(&r), [(2, Some("C".into()), "hours_capped".into())], "5 hours in a 3-hour class are capped, with a note");
    assert_eq!(r.issues[0].severity, "note", "a capped row is still recorded");
    let d = desk.class_detail(&c.id).unwrap();
    let got = |w: &str| d.participants.iter().find(|p| p.worker_id == w).map(|p| (p.hours_completed, p.credited_hours));
    assert_eq!((got(&a), got(&b)), (Some((Some(3.0), 3.0)), Some((Some(1.5), 1.5))));
}

#[test]
fn minutes_follow_the_agencys_class_hour_length() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    desk.set_training_settings(&me, &certdesk_domain::TrainingSettings { class_hour_minutes: 60, pass_mark: 60.0 }).unwrap();
    let c = class(&mut desk, &me, "online");
    let a = enrol(&mut desk, &me, "张三", 1);
    desk.add_to_class(&me, &c.id, &a).unwrap();
    let csv = format!("姓名,身份证号,时长（分钟）\n张三,{},135\n", id(1));
    let r = desk.import_hours(&me, &c.id, csv.as_bytes(), &opts(false)).unwrap();
    assert_eq!(r.class_hour_minutes, 60);
    assert_eq!(desk.class_detail(&c.id).unwrap().participants[0].hours_completed, Some(2.25), "135 minutes at 60 a class hour");
}

#[test]
fn bad_files_and_offline_classes_are_refused_with_a_reason_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let online = class(&mut desk, &me, "online");
    let offline = class(&mut desk, &me, "offline");
    let a = enrol(&mut desk, &me, "张三", 1);
    desk.add_to_class(&me, &online.id, &a).unwrap();
    let before = counts(dir.path());
    let good = format!("姓名,身份证号,完成学时\n张三,{},3\n", id(1));
    let code = |r: Result<HoursImportReport, certdesk_store::DeskError>| r.unwrap_err().code;
    assert_eq!(code(desk.import_hours(&me, &offline.id, good.as_bytes(), &opts(false))), "hours_import_offline_class");
    assert_eq!(code(desk.import_hours(&me, &online.id, b"\x89PNG\r\n\x1a\n\0\0\0", &opts(false))), "not_a_spreadsheet");
    assert_eq!(code(desk.import_hours(&me, &online.id, "姓名,电话\n张三,138\n".as_bytes(), &opts(false))), "import_headers_missing");
    assert_eq!(code(desk.import_hours(&me, &online.id, b"PK\x03\x04garbage", &opts(false))), "not_a_spreadsheet");
    assert_eq!(code(desk.import_hours(&me, "no-such-class", good.as_bytes(), &opts(false))), "not_found");
    assert_eq!(counts(dir.path()), before, "a refused file changes nothing");
}

#[test]
fn duration_and_time_cells_from_excel_are_read_as_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = fresh(dir.path());
    let c = class(&mut desk, &me, "online");
    let a = enrol(&mut desk, &me, "张三", 1);
    let b = enrol(&mut desk, &me, "李梅", 2);
    desk.add_to_class(&me, &c.id, &a).unwrap();
    desk.add_to_class(&me, &c.id, &b).unwrap();
    let file = dir.path().join("durations.xlsx");
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "身份证号").unwrap();
    ws.write_string(0, 1, "学习时长").unwrap();
    ws.write_string(1, 0, id(1)).unwrap();
    // 2:15:00 as Excel stores it: a fraction of a day, shown with a duration format.
    ws.write_number_with_format(1, 1, 135.0 / 1440.0, &rust_xlsxwriter::Format::new().set_num_format("[h]:mm:ss")).unwrap();
    ws.write_string(2, 0, id(2)).unwrap();
    ws.write_number_with_format(2, 1, 90.0 / 1440.0, &rust_xlsxwriter::Format::new().set_num_format("h:mm")).unwrap();
    book.save(&file).unwrap();
    let r = desk.import_hours(&me, &c.id, &std::fs::read(&file).unwrap(), &opts(false)).unwrap();
    assert_eq!(r.recorded, 2, "{:?}", r.issues);
    let d = desk.class_detail(&c.id).unwrap();
    let got = |w: &str| d.participants.iter().find(|p| p.worker_id == w).and_then(|p| p.hours_completed);
    assert_eq!((got(&a), got(&b)), (Some(3.0), Some(2.0)), "2:15 and 1:30 at 45 minutes a class hour");
}
