//! `certdesk bench import` and `certdesk bench roster`: the spreadsheet figures issue 3 names
//! (a 10,000-row .xlsx imported in one transaction; the roster of 200,000 workers exported),
//! measured on real files and a real database.
//!
//! Nothing here asserts a time: a slow machine prints slow figures, it does not fail.

use std::time::Instant;

use certdesk_core::{Lobby, Session};
use certdesk_store::{Agency, Desk, ImportOptions, NewUser, Role, RosterFilter, RosterFormat, SessionUser};
use rust_xlsxwriter::Workbook;

use crate::bench::{synthetic_input, Rng};

fn e(err: certdesk_store::DeskError) -> anyhow::Error {
    anyhow::anyhow!("{} ({})", err.message_en, err.detail.unwrap_or_default())
}

/// Write a `rows`-row worker spreadsheet the way an agency would (Chinese headers, ID numbers
/// as text), import it into a fresh desk, and print the times.
pub fn import(rows: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("workers.xlsx");
    let t = Instant::now();
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    let headers = ["姓名", "身份证号", "手机号", "住址", "服务类型", "紧急联系人", "紧急联系人电话", "征信授权日期", "企业核实"];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for i in 0..rows {
        let w = synthetic_input(i, &mut rng).form;
        let r = i as u32 + 1;
        let cells = [
            w.name,
            w.id_number,
            w.phone,
            w.address,
            w.service_types.join("、"),
            w.emergency_contact_name,
            w.emergency_contact_phone,
            w.consent_date.unwrap_or_default(),
            "是".into(),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(r, c as u16, v)?;
        }
    }
    book.save(&file)?;
    let size = std::fs::metadata(&file)?.len();
    println!("generated {rows}-row .xlsx ({:.1} MB) in {:.2} s", size as f64 / 1e6, t.elapsed().as_secs_f64());

    let data = dir.path().join("desk");
    let mut desk = Desk::open(&data).map_err(e)?;
    let actor = setup(&mut Lobby::new(&mut desk))?;
    let mut app = Session::new(&mut desk, &actor);
    let bytes = std::fs::read(&file)?;
    let options = ImportOptions::default();

    let t = Instant::now();
    let preview = app.preview_import(&bytes, &options).map_err(e)?;
    println!(
        "preview (read, map, validate, duplicate check; nothing written): {:.2} s  ({} valid, {} issues)",
        t.elapsed().as_secs_f64(),
        preview.valid_rows,
        preview.issues.len()
    );

    let t = Instant::now();
    let report = app.import_workers(&bytes, &options, &mut |_, _| {}).map_err(e)?;
    println!(
        "import (read, validate, {} workers + audit + outbox in ONE transaction, fsync): {:.2} s",
        report.imported,
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let again = app.import_workers(&bytes, &options, &mut |_, _| {}).map_err(e)?;
    println!(
        "re-import of the same file ({} already enrolled, {} imported): {:.2} s",
        again.already_enrolled,
        again.imported,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Export every worker of the seeded desk as .xlsx and .csv; a share of them get a class and
/// an exam first so the roster's joins have rows to find.
pub fn roster(app: &mut Session<'_>) -> anyhow::Result<()> {
    let total = app.search_workers("", None, 1).map_err(e)?.total;
    let classes = app.list_classes(None, None, 1).map_err(e)?;
    if classes.is_empty() {
        let t = Instant::now();
        let c = app
            .create_class(
                &certdesk_domain::training::ClassInput {
                    title: "上门服务规范（基准）".into(),
                    mode: "online".into(),
                    starts_at: "2026-01-10 09:00".into(),
                    ends_at: "2026-01-10 12:00".into(),
                    place: String::new(),
                    trainer: "刘老师".into(),
                    class_hours: 3.0,
                },
            )
            .map_err(e)?;
        let sample = app.search_workers("", Some(certdesk_domain::WorkerStatus::Enrolled), 500).map_err(e)?.items;
        for w in &sample {
            app.add_to_class(&c.id, &w.id).map_err(e)?;
            app.record_attendance(&c.id, &w.id, &certdesk_store::AttendanceInput { hours_completed: Some(3.0), ..Default::default() })
                .map_err(e)?;
            app.record_exam(&certdesk_store::ExamInput { worker: w.id.clone(), score: "88".into(), exam_date: Some("2026-01-10".into()), class_id: None })
                .map_err(e)?;
        }
        println!("trained and examined {} workers (3 transactions each) in {:.1} s", sample.len(), t.elapsed().as_secs_f64());
    }
    let dir = tempfile::tempdir()?;
    let all = RosterFilter::everyone();
    for format in [RosterFormat::Xlsx, RosterFormat::Csv] {
        let path = dir.path().join(if format == RosterFormat::Xlsx { "roster.xlsx" } else { "roster.csv" });
        let t = Instant::now();
        let out = app.as_manager().map_err(e)?.export_roster(&path, format, &all, None).map_err(e)?;
        let size = std::fs::metadata(&path)?.len();
        println!(
            "roster export {:?}: {} of {} workers in {:.2} s ({:.1} MB)",
            format,
            out.rows,
            total,
            t.elapsed().as_secs_f64(),
            size as f64 / 1e6
        );
    }
    let t = Instant::now();
    let s = app.stats(12).map_err(e)?;
    println!("stats (stages + 12 months): {:.1} ms  (total {})", t.elapsed().as_secs_f64() * 1000.0, s.stages.total);
    Ok(())
}

fn setup(lobby: &mut Lobby<'_>) -> anyhow::Result<SessionUser> {
    let first17 = "91310104MA1FL0000";
    let c = certdesk_domain::credit_check_char(first17).ok_or_else(|| anyhow::anyhow!("credit code charset"))?;
    lobby.setup(
        &Agency {
            name: "上海基准家政服务有限公司".into(),
            credit_code: format!("{first17}{c}"),
            district: "徐汇区".into(),
            address: "上海市徐汇区".into(),
            phone: "021-64870000".into(),
            updated_at: String::new(),
        },
        &NewUser { username: "bench".into(), display_name: "基准".into(), role: Role::Manager, password: "bench-password".into() },
    )
    .map_err(e)
}
