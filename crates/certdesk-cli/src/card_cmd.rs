//! `certdesk card ...`, `certdesk verify` and `certdesk feedback ...`: printing certificate
//! cards (制作), hand-over (发放), lost or damaged cards (挂失/补办), cancellation (注销),
//! printer calibration, the offline check of a scanned card, and citizens' ratings and
//! complaints. Thin adapters over `certdesk-core`, as the signed-in user.

use std::io::Read;
use std::path::PathBuf;

use certdesk_card::Layout;
use certdesk_core::Session;
use certdesk_print::{write_atomically, Destination};
use certdesk_store::{Calibration, CancelReason, DeskCode, DeskError, LossKind};
use clap::{Args, Subcommand};

use crate::Out;

/// `certdesk card ...`.
#[derive(Subcommand)]
pub enum CardCommand {
    /// 制作: print the cards of approved certificates to a PDF file or a CUPS printer.
    Print {
        /// Worker id or ID number (repeatable).
        #[arg(long = "worker", required_unless_present = "all_approved")]
        workers: Vec<String>,
        /// Every approved certificate whose card is not printed yet (批量制作).
        #[arg(long, conflicts_with = "workers")]
        all_approved: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// 打印预览: one worker's card as a PDF, not recorded; 样张 (draft) unless approved.
    Preview {
        /// Worker id or ID number.
        #[arg(long)]
        worker: String,
        /// cr80 or a4.
        #[arg(long, default_value = "cr80")]
        layout: String,
        /// The PDF file to write.
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// 发放: the printed card was handed to the worker.
    Issue {
        /// Worker id or ID number.
        #[arg(long)]
        worker: String,
        /// Hand-over date YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
        /// The worker's signature as a PNG image.
        #[arg(long)]
        signature: Option<PathBuf>,
    },
    /// 挂失/补办: the worker's card is lost (or damaged); ask the platform for a new card.
    Lost {
        /// Worker id or ID number.
        #[arg(long)]
        worker: String,
        /// Damaged rather than lost.
        #[arg(long)]
        damaged: bool,
        /// A note for the record.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 注销 (manager): cancel the worker's certificate.
    Cancel {
        /// Worker id or ID number.
        #[arg(long)]
        worker: String,
        /// left_agency (离职), misconduct (违规) or other (其他).
        #[arg(long)]
        reason: String,
        /// Required when the reason is other.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// The card's state: certificate, prints, hand-overs, losses, what may be done now.
    Status {
        /// Worker id or ID number.
        #[arg(long)]
        worker: String,
    },
    /// Save a printer's calibration (offsets in mm, scale).
    Calibrate {
        /// The CUPS queue, or "pdf" for saving as PDF.
        #[arg(long)]
        printer: String,
        #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
        offset_x: f32,
        #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
        offset_y: f32,
        #[arg(long, default_value_t = 1.0)]
        scale: f32,
    },
    /// A calibration test page with the printer's saved calibration.
    TestPage {
        /// The CUPS queue, or "pdf".
        #[arg(long, default_value = "pdf")]
        printer: String,
        /// cr80 or a4.
        #[arg(long, default_value = "cr80")]
        layout: String,
        /// The PDF file to write.
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// The system's printers (CUPS).
    Printers,
}

/// Where `card print` sends the cards.
#[derive(Args)]
pub struct OutputArgs {
    /// cr80 (single cards, for card printers) or a4 (sheets of 10 with crop marks).
    #[arg(long, default_value = "cr80")]
    layout: String,
    /// Save as this PDF file.
    #[arg(short = 'o', long, required_unless_present = "printer")]
    output: Option<PathBuf>,
    /// Print on this CUPS queue instead.
    #[arg(long, conflicts_with = "output")]
    printer: Option<String>,
}

/// `certdesk feedback ...`.
#[derive(Subcommand)]
pub enum FeedbackCommand {
    /// Ratings and complaints of one worker, or the open complaints of the agency.
    List {
        /// Worker id or ID number (default: open complaints of every worker).
        #[arg(long)]
        worker: Option<String>,
    },
    /// Mark a complaint followed up.
    Handle {
        /// The complaint's id.
        id: String,
    },
}

fn layout(s: &str) -> Result<Layout, DeskError> {
    s.parse().map_err(|e: certdesk_domain::FieldError| DeskError::new(DeskCode::LayoutUnknown, e.message()))
}

fn date(s: &str) -> Result<chrono::NaiveDate, DeskError> {
    s.trim().parse().map_err(|_| crate::messages::date_invalid(s))
}

fn read_file(path: &PathBuf) -> Result<Vec<u8>, DeskError> {
    std::fs::read(path).map_err(|e| crate::messages::read_failed(path, e))
}

/// `certdesk card ...`.
pub fn card(s: &mut Session<'_>, cmd: CardCommand, out: &Out) -> Result<(), DeskError> {
    match cmd {
        CardCommand::Print { workers, all_approved, output } => {
            let ids = if all_approved {
                s.approved_unprinted()?
            } else {
                workers.iter().map(|w| s.resolve_worker(w)).collect::<Result<Vec<_>, _>>()?
            };
            let destination = match (output.output, output.printer) {
                (_, Some(printer)) => Destination::Printer(printer),
                (Some(path), None) => Destination::Pdf(path),
                (None, None) => unreachable!("clap requires one"),
            };
            let total = ids.len();
            let mut last = 0;
            let outcome = s.print_cards(ids, false, layout(&output.layout)?, &destination, &mut |done, all| {
                // Progress on stderr, a line every 10 %.
                if !out.json && (done * 10 / all.max(1) > last || done == all) {
                    last = done * 10 / all.max(1);
                    eprintln!("制作中 {done}/{all}");
                }
            })?;
            out.print(&outcome, || match (&outcome.path, &outcome.printer) {
                (Some(p), _) => format!("已制作 {total} 张证卡，保存为 {}（{} KB）", p.display(), outcome.bytes / 1024),
                (_, Some(name)) => format!("已将 {total} 张证卡发送到打印机 {name}（任务 {}）", outcome.job.clone().unwrap_or_default()),
                _ => String::new(),
            });
        }
        CardCommand::Preview { worker, layout: l, output } => {
            let id = s.resolve_worker(&worker)?;
            let pdf = s.card_preview(&id, layout(&l)?)?;
            write_atomically(&output, &pdf)?;
            let draft = s.card_is_draft(&id)?;
            out.print(&serde_json::json!({ "path": output, "draft": draft, "bytes": pdf.len() }), || {
                format!("预览已保存为 {}{}", output.display(), if draft { "（样张，未核准，不能使用）" } else { "" })
            });
        }
        CardCommand::Issue { worker, date: d, signature } => {
            let id = s.resolve_worker(&worker)?;
            let on = d.as_deref().map(date).transpose()?;
            let png = signature.as_ref().map(read_file).transpose()?;
            let state = s.issue_card(&id, on, png)?;
            out.print(&state, || "证卡已发放".into());
        }
        CardCommand::Lost { worker, damaged, note } => {
            let id = s.resolve_worker(&worker)?;
            let state = s.report_card_loss(&id, if damaged { LossKind::Damaged } else { LossKind::Lost }, &note)?;
            out.print(&state, || "已挂失。同步后平台将签发新卡（卡版本加一），旧卡随即显示为“已换发新卡”。".into());
        }
        CardCommand::Cancel { worker, reason, note } => {
            let id = s.resolve_worker(&worker)?;
            let state = s.cancel_certificate(&id, CancelReason::parse(&reason)?, &note)?;
            out.print(&state, || "已注销。同步后该证件在任何地方查验都显示为“已注销”。".into());
        }
        CardCommand::Status { worker } => {
            let id = s.resolve_worker(&worker)?;
            let s = s.card_state(&id)?;
            out.print(&s, || {
                let mut lines = vec![format!("状态：{}", s.status)];
                match &s.certificate {
                    Some(c) => lines.push(format!(
                        "证件：{} 第 {} 版，有效期 {} 至 {}",
                        c.certificate_code, c.card_version, c.valid_from, c.valid_until
                    )),
                    None => lines.push("尚未核准".into()),
                }
                for p in &s.prints {
                    lines.push(format!(
                        "制作：{} {} {} {}{}",
                        p.printed_at,
                        p.printed_by,
                        p.printer,
                        p.card_version.map(|v| format!("第{v}版")).unwrap_or_default(),
                        if p.draft { "（样张）" } else { "" }
                    ));
                }
                for h in &s.handovers {
                    lines.push(format!("发放：{} 第{}版 {}", h.issued_on, h.card_version, h.issued_by));
                }
                for l in &s.losses {
                    lines.push(format!("挂失：{} 第{}版 {} {}", l.reported_at, l.card_version, l.kind, l.reported_by));
                }
                if let Some(r) = &s.print_refusal {
                    lines.push(format!("不能制作：{}", r.message_zh));
                }
                lines.join("\n")
            });
        }
        CardCommand::Calibrate { printer, offset_x, offset_y, scale } => {
            let c = Calibration { offset_x_mm: offset_x, offset_y_mm: offset_y, scale };
            s.set_printer_calibration(&printer, c)?;
            out.print(&c, || format!("已保存打印机 {printer} 的校准：右移 {offset_x} 毫米，下移 {offset_y} 毫米，缩放 {scale}"));
        }
        CardCommand::TestPage { printer, layout: l, output } => {
            s.save_test_page(&printer, layout(&l)?, &output)?;
            out.print(&serde_json::json!({ "path": output }), || format!("测试页已保存为 {}", output.display()));
        }
        CardCommand::Printers => {
            let list = certdesk_print::printers();
            out.print(&list, || {
                if list.is_empty() {
                    "没有找到系统打印机（CUPS）；可以保存为 PDF".into()
                } else {
                    list.iter().map(|p| format!("{}{}", p.name, if p.is_default { "（默认）" } else { "" })).collect::<Vec<_>>().join("\n")
                }
            });
        }
    }
    Ok(())
}

/// `certdesk verify SCAN` (`-` reads the scan from stdin, as a USB scanner would type it).
pub fn verify(s: &Session<'_>, scan: &str, out: &Out) -> Result<(), DeskError> {
    let scanned = if scan == "-" {
        let mut s = String::new();
        std::io::stdin().take(64 * 1024).read_to_string(&mut s).map_err(crate::messages::scan_unreadable)?;
        s
    } else {
        scan.to_string()
    };
    let r = s.verify_scan(&scanned)?;
    out.print(&r, || {
        let mut lines = vec![format!("{}（{}）", r.verdict_zh, r.verdict_en)];
        if let (Some(code), Some(v)) = (&r.certificate_code, r.card_version) {
            lines.push(format!("证件编码：{code}  卡版本：{v}"));
        }
        if let (Some(from), Some(until)) = (&r.valid_from, &r.valid_until) {
            lines.push(format!("有效期：{from} 至 {until}"));
        }
        if let Some(w) = &r.local_worker {
            lines.push(format!("本机构人员：{}（{}）", w.name, w.status));
        }
        lines.push(match r.lists_age_seconds {
            Some(age) => format!("信任列表与吊销列表更新于 {} 小时前", age / 3600),
            None => "尚未从平台同步信任列表".into(),
        });
        lines.join("\n")
    });
    let Some(code) = DeskCode::refused_verdict(r.verdict) else { return Ok(()) };
    Err(DeskError::new(code, certdesk_domain::Bilingual::new(r.verdict_zh, r.verdict_en)))
}

/// `certdesk feedback ...`.
pub fn feedback(s: &mut Session<'_>, cmd: FeedbackCommand, out: &Out) -> Result<(), DeskError> {
    match cmd {
        FeedbackCommand::List { worker: Some(w) } => {
            let id = s.resolve_worker(&w)?;
            let s = s.worker_feedback(&id)?;
            out.print(&s, || {
                let mut lines = vec![format!(
                    "评价 {} 条，平均 {} 星；未处理投诉 {} 条",
                    s.ratings,
                    s.average_stars.map(|a| format!("{a:.1}")).unwrap_or_else(|| "—".into()),
                    s.open_complaints
                )];
                for f in &s.items {
                    lines.push(match f.stars {
                        Some(n) => format!("{} {} {}", f.created_at, "★".repeat(n as usize), f.text),
                        None => format!("{} 投诉：{}（{}）", f.created_at, f.text, f.contact),
                    });
                }
                lines.join("\n")
            });
        }
        FeedbackCommand::List { worker: None } => {
            let list = s.open_complaints()?;
            out.print(&list, || {
                if list.is_empty() {
                    "没有未处理的投诉".into()
                } else {
                    list.iter()
                        .map(|f| format!("{} {} {}：{}", f.id, f.created_at, f.worker_name.clone().unwrap_or_default(), f.text))
                        .collect::<Vec<_>>()
                        .join("\n")
                }
            });
        }
        FeedbackCommand::Handle { id } => {
            s.handle_complaint(&id)?;
            out.print(&serde_json::json!({ "handled": id }), || "投诉已标记为已处理".into());
        }
    }
    Ok(())
}
