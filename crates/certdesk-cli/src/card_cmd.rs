//! `certdesk card ...`, `certdesk verify` and `certdesk feedback ...`: printing certificate
//! cards (制作), hand-over (发放), lost or damaged cards (挂失/补办), cancellation (注销),
//! printer calibration, the offline check of a scanned card, and citizens' ratings and
//! complaints. Thin adapters over `certdesk-core`, as the signed-in user.

use std::io::Read;
use std::path::PathBuf;

use certdesk_card::Layout;
use certdesk_core::Session;
use certdesk_print::{write_atomically, Destination};
use certdesk_store::{Calibration, DeskCode, DeskError, LossKind};
use clap::{Args, Subcommand};

use crate::messages::report;
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
    /// 电子证激活码: the activation URL and code of the card handed over (printed on the
    /// hand-over slip); `--new` makes a new one (the worker changed phone, or the code locked).
    Activation {
        /// Worker id or ID number.
        #[arg(long)]
        worker: String,
        /// Make a new code (the platform accepts it after the next sync).
        #[arg(long)]
        new: bool,
        /// Also save the hand-over slip (A6 PDF with the code and its QR code) to this file.
        #[arg(long)]
        slip: Option<PathBuf>,
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
    /// 处理情况: answer a complaint (sent to the platform at the next sync, where the
    /// programme office reviews it).
    Answer {
        /// The complaint's id or its reference (投诉编号, TS…).
        id: String,
        /// What was done.
        #[arg(long)]
        action: String,
        /// The day it was done, YYYY-MM-DD (default: today).
        #[arg(long)]
        done_on: Option<String>,
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
                    eprintln!("{}", report::printing(done, all));
                }
            })?;
            out.print(&outcome, || report::printed(total, &outcome));
        }
        CardCommand::Preview { worker, layout: l, output } => {
            let id = s.resolve_worker(&worker)?;
            let pdf = s.card_preview(&id, layout(&l)?)?;
            write_atomically(&output, &pdf)?;
            let draft = s.card_is_draft(&id)?;
            out.print(&serde_json::json!({ "path": output, "draft": draft, "bytes": pdf.len() }), || report::preview_saved(&output, draft));
        }
        CardCommand::Issue { worker, date: d, signature } => {
            let id = s.resolve_worker(&worker)?;
            let on = d.as_deref().map(date).transpose()?;
            let png = signature.as_ref().map(read_file).transpose()?;
            let state = s.issue_card(&id, on, png)?;
            out.print(&state, report::card_issued);
        }
        CardCommand::Lost { worker, damaged, note } => {
            let id = s.resolve_worker(&worker)?;
            let state = s.report_card_loss(&id, if damaged { LossKind::Damaged } else { LossKind::Lost }, &note)?;
            out.print(&state, report::card_lost);
        }
        CardCommand::Cancel { worker, reason, note } => {
            let id = s.resolve_worker(&worker)?;
            let state = s.as_manager()?.cancel_certificate(&id, certdesk_store::parse_cancel_reason(&reason)?, &note)?;
            out.print(&state, report::certificate_cancelled);
        }
        CardCommand::Activation { worker, new, slip } => {
            let id = s.resolve_worker(&worker)?;
            if new {
                s.renew_card_activation(&id)?;
            }
            let a = s.card_activation(&id)?;
            if let Some(path) = &slip {
                write_atomically(path, &s.activation_slip(&id)?)?;
            }
            out.print(&a, || report::card_activation(&a, new, slip.as_deref()));
        }
        CardCommand::Status { worker } => {
            let id = s.resolve_worker(&worker)?;
            let s = s.card_state(&id)?;
            out.print(&s, || report::card_state(&s));
        }
        CardCommand::Calibrate { printer, offset_x, offset_y, scale } => {
            let c = Calibration { offset_x_mm: offset_x, offset_y_mm: offset_y, scale };
            s.set_printer_calibration(&printer, c)?;
            out.print(&c, || report::calibrated(&printer, offset_x, offset_y, scale));
        }
        CardCommand::TestPage { printer, layout: l, output } => {
            s.save_test_page(&printer, layout(&l)?, &output)?;
            out.print(&serde_json::json!({ "path": output }), || report::test_page_saved(&output));
        }
        CardCommand::Printers => {
            let list = certdesk_print::printers();
            out.print(&list, || report::printers(&list));
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
    out.print(&r, || report::scan(&r));
    let Some(code) = DeskCode::refused_verdict(r.verdict) else { return Ok(()) };
    Err(DeskError::new(code, certdesk_domain::Bilingual::new(r.verdict_zh, r.verdict_en)))
}

/// `certdesk feedback ...`.
pub fn feedback(s: &mut Session<'_>, cmd: FeedbackCommand, out: &Out) -> Result<(), DeskError> {
    match cmd {
        FeedbackCommand::List { worker: Some(w) } => {
            let id = s.resolve_worker(&w)?;
            let s = s.worker_feedback(&id)?;
            out.print(&s, || report::worker_feedback(&s));
        }
        FeedbackCommand::List { worker: None } => {
            let list = s.open_complaints()?;
            out.print(&list, || report::open_complaints(&list));
        }
        FeedbackCommand::Answer { id, action, done_on } => {
            let done_on = done_on.unwrap_or_else(|| s.today().to_string());
            s.answer_complaint(&id, &action, &done_on)?;
            out.print(&serde_json::json!({ "answered": id }), report::complaint_answered);
        }
    }
    Ok(())
}
