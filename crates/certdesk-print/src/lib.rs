//! Printing certificate cards at the desk (制作): the store's facts about a worker laid out by
//! `certdesk-card`, sent to a PDF file or to a system printer ([`system`]: CUPS on Linux and
//! macOS, the print spooler on Windows) with that
//! printer's calibration, and recorded in the store only once the output exists.
//!
//! The window and the CLI both call [`print_cards`], [`preview`], [`test_page`] and
//! [`printers`]; nothing here knows about either of them.

use std::io::Write;
use std::path::{Path, PathBuf};

use certdesk_card::{CardCode, CardData, CardError, Layout, RenderOptions, CARD_DESIGN_VERSION};
use certdesk_store::{Calibration, CardRecord, Desk, DeskCode, DeskError, DeskResult, SessionUser};
use serde::Serialize;

pub mod messages;
pub mod system;

/// The calibration name used for "save as PDF".
pub const PDF_PRINTER: &str = "pdf";

/// Where printed cards go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Save as a PDF file (written whole, then renamed into place).
    Pdf(PathBuf),
    /// A system printer (a CUPS queue, a Windows printer), by name.
    Printer(String),
}

impl Destination {
    /// The name the print record and the calibration use.
    pub fn record_name(&self) -> String {
        match self {
            Destination::Pdf(p) => format!("pdf:{}", p.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()),
            Destination::Printer(name) => name.clone(),
        }
    }

    fn calibration_name(&self) -> &str {
        match self {
            Destination::Pdf(_) => PDF_PRINTER,
            Destination::Printer(name) => name,
        }
    }
}

/// What a print run produced.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PrintOutcome {
    /// Cards printed.
    pub cards: usize,
    /// Size of the PDF.
    pub bytes: usize,
    /// The PDF file (for a PDF destination).
    pub path: Option<PathBuf>,
    /// The printer (for a printer destination).
    pub printer: Option<String>,
    /// The job id the system answered with, when printed (CUPS gives one).
    pub job: Option<String>,
}

/// A system printer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PrinterInfo {
    pub name: String,
    pub is_default: bool,
}

/// The card renderer's refusal, as the desk's error (each card code has its desk code).
pub fn card_error(e: CardError) -> DeskError {
    let code = match e.code {
        CardCode::GlyphMissing => DeskCode::GlyphMissing,
        CardCode::QrTooLong => DeskCode::QrTooLong,
        CardCode::PhotoInvalid => DeskCode::PhotoInvalid,
        CardCode::CredentialMissing => DeskCode::CredentialMissing,
        CardCode::CalibrationInvalid => DeskCode::CalibrationInvalid,
        CardCode::NoCards => DeskCode::NoCards,
        CardCode::FontBroken => DeskCode::FontBroken,
    };
    DeskError::new(code, e.message)
}

/// The card for a worker's record. A draft record (no approved certificate) becomes a 样张.
pub fn card_data(record: &CardRecord) -> CardData {
    let cert = record.certificate.as_ref().filter(|_| !record.draft);
    CardData {
        name: record.name.clone(),
        gender_zh: record.gender_zh.clone(),
        service_types_zh: record.service_types_zh.clone(),
        certificate_code: cert.map(|c| c.certificate_code.clone()).unwrap_or_default(),
        agency_name: record.agency_name.clone(),
        agency_phone: record.agency_phone.clone(),
        valid_until: cert.and_then(|c| c.valid_until.parse().ok()),
        credential_url: cert.map(|c| c.credential_url.clone()),
        photo_jpeg: record.photo_jpeg.clone(),
        card_version: cert.map(|c| c.card_version).unwrap_or(1),
        draft: record.draft,
    }
}

fn options(layout: Layout, calibration: Calibration) -> RenderOptions {
    RenderOptions {
        layout,
        calibration: certdesk_card::Calibration {
            offset_x_mm: calibration.offset_x_mm,
            offset_y_mm: calibration.offset_y_mm,
            scale: calibration.scale,
        },
        ..RenderOptions::default()
    }
}

/// 打印预览: the worker's card as a PDF, not recorded. A worker without an approved
/// certificate gets the 样张 (draft) watermark and no QR code.
pub fn preview(desk: &Desk, worker_id: &str, layout: Layout) -> DeskResult<Vec<u8>> {
    let record = desk.card_record(worker_id)?;
    certdesk_card::render(&[card_data(&record)], &options(layout, Calibration::default()), &mut |_, _| {})
        .map_err(card_error)
}

/// The printed receipt of the roster filing numbered `number` (名册备案回执): what the platform
/// signed, checked again against the synced trust list as it is printed (a receipt that does
/// not verify prints with the sentence saying why, never as valid).
pub fn roster_receipt(desk: &Desk, number: &str) -> DeskResult<Vec<u8>> {
    let filings = desk.filings(true)?;
    let kept = filings
        .iter()
        .find(|f| f.receipt.as_ref().is_some_and(|r| r.body.number == number.trim()))
        .ok_or_else(|| certdesk_store::messages::receipt_unknown(number))?;
    let r = kept.receipt.as_ref().expect("found by its receipt");
    let shanghai = certdesk_domain::shanghai();
    let algorithm = desk
        .trust_list()?
        .keys
        .iter()
        .find(|k| k.key_id == r.body.key_id)
        .map(|k| if k.algorithm.is_ed25519() { "Ed25519" } else { "SM2" })
        .unwrap_or("?");
    let data = certdesk_card::ReceiptData {
        number: r.body.number.clone(),
        agency: r.body.agency_name.clone(),
        period: format!("{} 至 {}", r.body.period_from, r.body.period_to),
        rows: r.body.rows,
        filed_at: r.body.filed_at.with_timezone(&shanghai).format("%Y-%m-%d %H:%M:%S").to_string(),
        replaces: r.body.replaces.clone(),
        roster_sha256: r.body.roster_sha256.clone(),
        key: format!("{} ({algorithm})", r.body.key_id),
        signature: r.signature.clone(),
        verified: match kept.problem {
            None => Ok(()),
            Some(p) => {
                let (zh, en) = p.sentence();
                Err((zh.to_owned(), en.to_owned()))
            }
        },
        printed_on: desk.today().to_string(),
    };
    certdesk_card::roster_receipt(&data).map_err(card_error)
}

/// The funding pack's two files as written (项目资金材料, issue 14 item 3).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PackFiles {
    /// The filing it is based on.
    pub number: String,
    /// The PDF report.
    pub pdf: String,
    /// The workbook.
    pub xlsx: String,
    /// Its counts.
    pub totals: certdesk_domain::funding::PackTotals,
}

/// The printed receipt of filing `number` ([`roster_receipt`]) written into `dir` as
/// `名册备案回执-{number}.pdf` (the folder made if missing); its path.
pub fn roster_receipt_file(desk: &Desk, number: &str, dir: &Path) -> DeskResult<String> {
    let pdf = roster_receipt(desk, number)?;
    std::fs::create_dir_all(dir).map_err(|e| messages::write_failed(dir, e))?;
    let path = dir.join(messages::receipt_file_name(number.trim()));
    write_atomically(&path, &pdf)?;
    Ok(path.display().to_string())
}

/// The funding pack of `[from, to]` written into `dir` as `{number}.pack.pdf` and
/// `{number}.pack.xlsx` (the folder made if missing), and the export audited: the pack holds ID
/// numbers. The pack is computed before anything is written, so a period in the future, one
/// with no answered filing or a receipt that no longer verifies writes nothing.
pub fn funding_pack(desk: &Desk, actor: &SessionUser, (from, to): (chrono::NaiveDate, chrono::NaiveDate), dir: &Path) -> DeskResult<PackFiles> {
    let pack = desk.funding_pack(from, to)?;
    let made = certdesk_card::PackMade { at: desk.now_local_minute(), source: certdesk_card::PackSource::Desk };
    let pdf = certdesk_card::funding_pack_pdf(&pack, &made).map_err(card_error)?;
    let xlsx = certdesk_card::funding_pack_xlsx(&pack).map_err(DeskError::internal)?;
    std::fs::create_dir_all(dir).map_err(|e| messages::write_failed(dir, e))?;
    let (pdf_path, xlsx_path) = (dir.join(format!("{}.pdf", pack.file_stem())), dir.join(format!("{}.xlsx", pack.file_stem())));
    write_atomically(&pdf_path, &pdf)?;
    write_atomically(&xlsx_path, &xlsx)?;
    let files = PackFiles {
        number: pack.filing.number.clone(),
        pdf: pdf_path.display().to_string(),
        xlsx: xlsx_path.display().to_string(),
        totals: pack.totals,
    };
    desk.audit_pack_export(actor, &files.number, &format!("{} rows, {} and {}", pack.totals.workers, files.pdf, files.xlsx))?;
    Ok(files)
}

/// The hand-over slip of the worker's current card (电子证激活单): the activation code, and its
/// QR code once the desk is enrolled with a platform. Refused before the card is handed over.
pub fn activation_slip(desk: &Desk, worker_id: &str) -> DeskResult<Vec<u8>> {
    let a = desk.handed_over_activation(worker_id)?;
    let worker = desk.worker(worker_id)?;
    let agency = desk.agency()?.map(|g| g.name).unwrap_or_default();
    let slip = certdesk_card::SlipData {
        masked_name: certdesk_domain::mask_for_public(&worker.name),
        certificate_code: a.certificate_code,
        card_version: a.card_version,
        code: a.code,
        url: a.url,
        agency,
        date: a.created_at.chars().take(10).collect(),
    };
    certdesk_card::activation_slip(&slip).map_err(card_error)
}

/// 制作: prints the real cards of `worker_ids` (each must have an approved certificate that may
/// be printed now, or nothing is printed), applying the destination's calibration, then records
/// every card. `progress(done, total)` follows the layout of each card.
pub fn print_cards(
    desk: &mut Desk,
    actor: &SessionUser,
    worker_ids: &[String],
    layout: Layout,
    destination: &Destination,
    progress: &mut dyn FnMut(usize, usize),
) -> DeskResult<PrintOutcome> {
    if worker_ids.is_empty() {
        return Err(messages::no_cards());
    }
    let mut cards = Vec::with_capacity(worker_ids.len());
    for id in worker_ids {
        if let Some(refusal) = desk.print_refusal(id)? {
            return Err(refusal);
        }
        cards.push(card_data(&desk.card_record(id)?));
    }
    let calibration = desk.printer_calibration(destination.calibration_name())?;
    let pdf = certdesk_card::render(&cards, &options(layout, calibration), progress).map_err(card_error)?;
    let mut outcome = PrintOutcome { cards: cards.len(), bytes: pdf.len(), path: None, printer: None, job: None };
    match destination {
        Destination::Pdf(path) => {
            write_atomically(path, &pdf)?;
            outcome.path = Some(path.clone());
        }
        Destination::Printer(name) => {
            outcome.job = Some(send_to_printer(name, &pdf, &format!("certdesk {} cards", cards.len()))?);
            outcome.printer = Some(name.clone());
        }
    }
    desk.record_prints(actor, worker_ids, layout, &destination.record_name(), CARD_DESIGN_VERSION, false)?;
    Ok(outcome)
}

/// A calibration test page for `printer` (its saved calibration applied).
pub fn test_page(desk: &Desk, printer: &str, layout: Layout) -> DeskResult<Vec<u8>> {
    let calibration = desk.printer_calibration(printer)?;
    certdesk_card::test_page(&options(layout, calibration)).map_err(card_error)
}

/// Writes the whole file next to its destination, syncs it, then renames it into place: a
/// crash leaves either the old file or the new one, never half a PDF.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> DeskResult<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let fail = |e: std::io::Error| messages::write_failed(path, e);
    let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// The system's printers (CUPS `lpstat`, or the Windows spooler); empty when the system cannot
/// be asked.
pub fn printers() -> Vec<PrinterInfo> {
    system::system().printers()
}

/// Sends a PDF to a system printer (which refuses a name no system is given before anything is
/// sent); answers the job id.
fn send_to_printer(printer: &str, pdf: &[u8], title: &str) -> DeskResult<String> {
    let file = system::spool_file(pdf)?;
    system::system().print_pdf(printer, file.path(), title)
}

#[cfg(test)]
mod card_code_tests {
    use super::*;

    #[test]
    fn a_card_refusal_keeps_its_code_string_in_the_desks_error() {
        for code in CardCode::ALL {
            let e = card_error(CardError { code, message: certdesk_domain::Bilingual::new("x", "x") });
            assert_eq!(e.code.as_str(), code.as_str(), "the window and the CLI see the card's own code");
        }
    }
}
