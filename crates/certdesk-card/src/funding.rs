//! The funding pack printed and as a workbook (项目资金材料, issue 14 item 3): the report an
//! agency hands in with its application for programme funds, one A4 report (the filing it is
//! based on, the totals, one line per worker of the roster, then every problem with the worker
//! and what is missing; as many pages as it takes) and the same as an .xlsx of two sheets
//! (人员: the workers with their hours, exam and problems; 问题: one line per problem).
//!
//! The pack itself, and the rule that found its problems, are the domain's
//! ([`certdesk_domain::funding`]); this module lays out what it is given and decides nothing.

use certdesk_domain::funding::{FundingPack, PackWorker};
use certdesk_sheet::{SheetTable, WriteCell};

use crate::canvas::{Align, Canvas, Doc, Rgb, Text, BLACK};
use crate::messages::funding as say;
use crate::sheet::{A4_H, A4_W};
use crate::{Calibration, CardError};

const BLUE: Rgb = Rgb(0.043, 0.29, 0.545);
const MUTED: Rgb = Rgb(0.42, 0.45, 0.5);
const GREEN: Rgb = Rgb(0.09, 0.47, 0.2);
const RED: Rgb = Rgb(0.75, 0.1, 0.1);
const RULE: Rgb = Rgb(0.85, 0.87, 0.9);
const STRIPE: Rgb = Rgb(0.96, 0.97, 0.98);

const LEFT: f32 = 15.0;
const RIGHT: f32 = A4_W - 15.0;
const BOTTOM: f32 = 20.0;

/// Who made the pack, as the report says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackSource {
    /// The agency's desk, from its own records.
    Desk,
    /// The platform (the programme office), from the records the agency synced.
    Platform,
}

/// When and where a printed pack was made (Shanghai time, `YYYY-MM-DD HH:MM`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackMade {
    /// When.
    pub at: String,
    /// By whom.
    pub source: PackSource,
}

/// The table's columns: left edge, header (Chinese, English), alignment.
const COLUMNS: [(f32, &str, &str); 9] = [
    (LEFT, "序号", "No."),
    (LEFT + 9.0, "姓名", "Name"),
    (LEFT + 32.0, "上门服务证编码", "Certificate"),
    (LEFT + 67.0, "备案课时", "Filed h"),
    (LEFT + 83.0, "认定课时", "Credited h"),
    (LEFT + 99.0, "考试成绩", "Score"),
    (LEFT + 115.0, "考试", "Exam"),
    (LEFT + 130.0, "线下督导单", "Supervised"),
    (LEFT + 150.0, "核对结论", "Result"),
];

/// What goes on the pages, in order.
#[derive(Debug, Clone, Copy)]
enum Item {
    TableHead,
    Row(usize),
    ProblemsHead,
    Problem(usize, usize),
    NoProblems,
}

impl Item {
    fn height(self) -> f32 {
        match self {
            Item::TableHead => 9.0,
            Item::Row(_) => 6.2,
            Item::ProblemsHead => 14.0,
            Item::Problem(..) => 9.5,
            Item::NoProblems => 8.0,
        }
    }
}

/// Height of page 1's heading (band, fields, totals).
const FIRST_HEAD: f32 = 100.0;
/// Height of a later page's heading.
const NEXT_HEAD: f32 = 18.0;

/// The items of the report, cut into pages.
fn paginate(pack: &FundingPack) -> Vec<Vec<Item>> {
    let mut items = vec![Item::TableHead];
    items.extend((0..pack.workers.len()).map(Item::Row));
    items.push(Item::ProblemsHead);
    let before = items.len();
    for (w, worker) in pack.workers.iter().enumerate() {
        items.extend((0..worker.problems.len()).map(|p| Item::Problem(w, p)));
    }
    if items.len() == before {
        items.push(Item::NoProblems);
    }
    let mut pages = vec![Vec::new()];
    let mut room = A4_H - FIRST_HEAD - BOTTOM;
    for item in items {
        if item.height() > room {
            pages.push(Vec::new());
            room = A4_H - NEXT_HEAD - BOTTOM;
            // A table cut by a page goes on under its header again.
            if matches!(item, Item::Row(_)) {
                pages.last_mut().expect("just pushed").push(Item::TableHead);
                room -= Item::TableHead.height();
            }
        }
        room -= item.height();
        pages.last_mut().expect("never empty").push(item);
    }
    pages
}

fn hours(h: Option<certdesk_domain::HalfHours>) -> String {
    h.map(|h| h.to_string()).unwrap_or_else(|| "—".into())
}

fn score(s: Option<f64>) -> String {
    s.map(|s| s.to_string()).unwrap_or_else(|| "—".into())
}

fn first_head(c: &mut Canvas, pack: &FundingPack, made: &PackMade) -> Result<(), CardError> {
    let white = Rgb(1.0, 1.0, 1.0);
    c.fill_rect(0.0, A4_H - 28.0, A4_W, 28.0, BLUE);
    c.text("项目资金申报材料 · 持证人员名册核对报告", Text::at(A4_W / 2.0, A4_H - 14.0, 6.2).bold().color(white).align(Align::Center))?;
    c.text("Funding pack: the filed roster checked against the training records", Text::at(A4_W / 2.0, A4_H - 22.0, 3.4).color(white).align(Align::Center))?;
    let f = &pack.filing;
    let filing = match &f.replaces {
        Some(old) => say::filing_correcting(&f.number, old),
        None => f.number.clone(),
    };
    let shanghai = certdesk_domain::shanghai();
    let fields = [
        ("机构名称", "Agency", f.agency_name.clone()),
        ("备案号", "Filing", filing),
        ("备案期间", "Period", say::period(f.period_from, f.period_to)),
        ("备案时间", "Filed", f.filed_at.with_timezone(&shanghai).format("%Y-%m-%d %H:%M").to_string()),
        ("核对规则", "Rule", say::rule(&pack.settings).zh),
        ("生成", "Made", say::made(made).zh),
    ];
    let mut y = A4_H - 38.0;
    for (zh, en, value) in &fields {
        let w = c.text(zh, Text::at(LEFT, y, 3.6).color(MUTED))?;
        c.text(en, Text::at(LEFT + w + 1.0, y, 2.4).color(MUTED))?;
        c.text(value, Text::at(LEFT + 30.0, y, 3.6).color(BLACK).max(RIGHT - LEFT - 30.0))?;
        y -= 7.0;
    }
    let t = &pack.totals;
    let colour = if t.workers_with_problems == 0 { GREEN } else { RED };
    let top = y - 1.0;
    c.stroke_rect(LEFT, top - 15.0, RIGHT - LEFT, 15.0, colour, 0.5);
    let totals = say::totals(t);
    c.text(&totals.zh, Text::at(LEFT + 4.0, top - 6.5, 4.2).bold().color(colour).max(RIGHT - LEFT - 8.0))?;
    c.text(&totals.en, Text::at(LEFT + 4.0, top - 12.0, 2.8).color(colour).max(RIGHT - LEFT - 8.0))?;
    Ok(())
}

fn next_head(c: &mut Canvas, pack: &FundingPack) -> Result<(), CardError> {
    let y = A4_H - 12.0;
    c.text("项目资金申报材料 Funding pack", Text::at(LEFT, y, 3.4).bold().color(BLUE))?;
    let right = format!("{} · {}", pack.filing.agency_name, pack.filing.number);
    c.text(&right, Text::at(RIGHT, y, 3.0).color(MUTED).align(Align::Right).max(100.0))?;
    c.line(LEFT, y - 3.0, RIGHT, y - 3.0, BLUE, 0.4);
    Ok(())
}

fn row(c: &mut Canvas, i: usize, w: &PackWorker, y: f32) -> Result<(), CardError> {
    if i % 2 == 1 {
        c.fill_rect(LEFT, y - 1.8, RIGHT - LEFT, 6.2, STRIPE);
    }
    let exam = match (w.latest_score, w.exam_passed) {
        (None, _) => "—",
        (Some(_), true) => "通过",
        (Some(_), false) => "未通过",
    };
    let cells = [
        (i + 1).to_string(),
        w.filed.name.clone(),
        w.filed.certificate_code.clone(),
        w.filed.hours.to_string(),
        hours(w.held_hours),
        score(w.latest_score),
        exam.to_string(),
        format!("{}/{}", w.offline_supervised, w.offline_classes),
    ];
    for (k, text) in cells.iter().enumerate() {
        let width = COLUMNS.get(k + 1).map_or(RIGHT, |n| n.0) - COLUMNS[k].0 - 1.5;
        c.text(text, Text::at(COLUMNS[k].0, y, 3.1).color(BLACK).max(width))?;
    }
    let (verdict, colour) = if w.problems.is_empty() { (say::clear(), GREEN) } else { (say::problem_count(w.problems.len()), RED) };
    c.text(&verdict, Text::at(COLUMNS[8].0, y, 3.1).color(colour).max(RIGHT - COLUMNS[8].0))?;
    Ok(())
}

fn draw(c: &mut Canvas, pack: &FundingPack, item: Item, y: f32) -> Result<(), CardError> {
    match item {
        Item::TableHead => {
            for (k, (x, zh, en)) in COLUMNS.iter().enumerate() {
                let width = COLUMNS.get(k + 1).map_or(RIGHT, |n| n.0) - x - 1.0;
                c.text(zh, Text::at(*x, y - 1.0, 2.9).bold().color(BLACK).max(width))?;
                c.text(en, Text::at(*x, y - 4.6, 2.1).color(MUTED).max(width))?;
            }
            c.line(LEFT, y - 6.6, RIGHT, y - 6.6, BLACK, 0.3);
        }
        Item::Row(i) => row(c, i, &pack.workers[i], y - 3.6)?,
        Item::ProblemsHead => {
            c.text("问题清单", Text::at(LEFT, y - 8.0, 4.6).bold().color(BLUE))?;
            c.text("Problems, each with the worker and what is missing", Text::at(LEFT + 22.0, y - 8.0, 2.8).color(MUTED))?;
            c.line(LEFT, y - 11.0, RIGHT, y - 11.0, BLUE, 0.3);
        }
        Item::Problem(w, p) => {
            let worker = &pack.workers[w];
            let sentence = worker.problems[p].sentence();
            c.text(&format!("{}. {}", w + 1, worker.filed.name), Text::at(LEFT, y - 3.5, 3.0).bold().color(BLACK).max(24.0))?;
            c.text(&worker.filed.certificate_code, Text::at(LEFT + 25.0, y - 3.5, 2.8).color(MUTED).max(30.0))?;
            c.text(&sentence.zh, Text::at(LEFT + 57.0, y - 3.5, 3.0).color(RED).max(RIGHT - LEFT - 57.0))?;
            c.text(&sentence.en, Text::at(LEFT + 57.0, y - 7.4, 2.2).color(MUTED).max(RIGHT - LEFT - 57.0))?;
            c.line(LEFT, y - 9.2, RIGHT, y - 9.2, RULE, 0.15);
        }
        Item::NoProblems => {
            let (zh, en) = say::no_problems();
            c.text(zh, Text::at(LEFT, y - 4.0, 3.4).color(GREEN))?;
            c.text(en, Text::at(LEFT + 60.0, y - 4.0, 2.6).color(MUTED))?;
        }
    }
    Ok(())
}

/// The pack as an A4 PDF report (as many pages as the roster takes).
pub fn funding_pack_pdf(pack: &FundingPack, made: &PackMade) -> Result<Vec<u8>, CardError> {
    let pages = paginate(pack);
    let total = pages.len();
    let mut doc = Doc::new()?;
    for (n, items) in pages.iter().enumerate() {
        doc.page(A4_W, A4_H, &Calibration::default(), |c| {
            let mut y = if n == 0 {
                first_head(c, pack, made)?;
                A4_H - FIRST_HEAD
            } else {
                next_head(c, pack)?;
                A4_H - NEXT_HEAD
            };
            for item in items {
                draw(c, pack, *item, y)?;
                y -= item.height();
            }
            let foot = say::page_foot(n + 1, total, &pack.filing.number, &made.at);
            c.text(&foot, Text::at(A4_W / 2.0, 10.0, 2.6).color(MUTED).align(Align::Center))?;
            Ok(())
        })?;
    }
    doc.finish(&say::document_title(&pack.filing.number))
}

/// The sheet names of [`funding_pack_xlsx`]: the workers, the problems.
pub const PACK_SHEETS: [&str; 2] = ["人员 Workers", "问题 Problems"];

/// The pack as an .xlsx workbook: sheet 1 the workers (as filed, as the records credit them,
/// their problems joined), sheet 2 one line per problem. A failure to write bytes in memory is
/// not the clerk's: its detail comes back as text for the log.
pub fn funding_pack_xlsx(pack: &FundingPack) -> Result<Vec<u8>, String> {
    let text = |s: &str| WriteCell::Text(s.to_owned());
    let opt_num = |v: Option<f64>| v.map_or(WriteCell::Empty, WriteCell::Number);
    let opt_date = |d: Option<chrono::NaiveDate>| d.map_or(WriteCell::Empty, WriteCell::Date);
    let workers = pack
        .workers
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let problems: Vec<String> = w.problems.iter().map(|p| p.sentence().zh).collect();
            vec![
                WriteCell::Number((i + 1) as f64),
                text(&w.filed.name),
                text(&w.filed.id_number),
                text(&w.filed.certificate_code),
                opt_date(w.filed.training_from),
                opt_date(w.filed.training_to),
                WriteCell::Number(w.filed.hours.as_hours()),
                opt_num(w.held_hours.map(|h| h.as_hours())),
                opt_num(w.filed.exam_score),
                opt_date(w.filed.exam_date),
                opt_num(w.latest_score),
                text(if w.exam_passed { "是" } else { "否" }),
                WriteCell::Number(f64::from(w.offline_classes)),
                WriteCell::Number(f64::from(w.offline_supervised)),
                WriteCell::Number(w.problems.len() as f64),
                text(&problems.join("；")),
            ]
        })
        .collect();
    let problems = pack
        .problems()
        .enumerate()
        .map(|(i, (w, p))| {
            let s = p.sentence();
            vec![
                WriteCell::Number((i + 1) as f64),
                text(&w.filed.name),
                text(&w.filed.id_number),
                text(&w.filed.certificate_code),
                text(p.code()),
                text(&s.zh),
                text(&s.en),
            ]
        })
        .collect();
    certdesk_sheet::workbook_bytes(&[
        SheetTable {
            name: PACK_SHEETS[0],
            headers: &[
                "序号", "姓名", "身份证号", "上门服务证编码", "培训开始日期", "培训结束日期", "备案课时", "认定课时", "备案考试成绩",
                "考试日期", "最近考试成绩", "考试通过", "线下培训班", "有督导单", "问题数", "问题",
            ],
            widths: &[6, 10, 20, 18, 12, 12, 9, 9, 12, 12, 12, 9, 10, 9, 8, 60],
            rows: workers,
        },
        SheetTable {
            name: PACK_SHEETS[1],
            headers: &["序号", "姓名", "身份证号", "上门服务证编码", "问题代码", "问题", "Problem"],
            widths: &[6, 10, 20, 18, 22, 60, 60],
            rows: problems,
        },
    ])
}
