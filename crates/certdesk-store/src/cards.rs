//! The certificate card at the desk (issue 5): what goes on a card, which cards may be printed,
//! every print recorded, hand-over (发放), lost or damaged cards (挂失/补办), cancellation
//! (注销), printer calibration, citizens' ratings and complaints pulled from the platform, and
//! the offline check of a scanned card.
//!
//! Laying a card out is `certdesk-card`'s job; this module only hands it the facts and records
//! what happened. Every change writes its rows, an outbox entry and an audit entry in one
//! transaction, like every other change of the desk. The platform is the authority for a
//! certificate's status: a replacement card is asked for with a `reissue` entry and printed only
//! once the platform's new credential has been pulled.

use certdesk_domain::standing::Colour;
use chrono::NaiveDate;
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};

use certdesk_protocol::sync::{SyncEntity, SyncOp};
use certdesk_domain::lifecycle::{transition, LifecycleEvent};
use certdesk_domain::{Bilingual, CardLayout, WorkerStatus};
use certdesk_protocol::{Verdict, VerdictKind};

use crate::audit::{AuditAction, AuditEntity, AuditRecord};
use crate::card_events::CardEventBody;
use crate::messages;
use crate::table::{self, card_prints::NewPrint};
use crate::sync::WorkerCertificate;
use crate::{Desk, DeskCode, DeskError, DeskResult, SessionUser};

/// The longest scan the verify box accepts. A real credential URL is at most 151 bytes; a
/// scanner or a paste of anything longer is refused before any decoding.
pub const MAX_SCAN_CHARS: usize = 1024;

/// Largest on-screen signature image kept with a hand-over.
pub const MAX_SIGNATURE_BYTES: usize = 256 * 1024;

/// Whether `png` may be kept as a worker's signature: a PNG within [`MAX_SIGNATURE_BYTES`].
pub(crate) fn signature_ok(png: &[u8]) -> bool {
    png.len() <= MAX_SIGNATURE_BYTES && png.starts_with(b"\x89PNG\r\n\x1a\n")
}

/// Everything a card shows about one worker, as the card renderer needs it.
#[derive(Debug, Clone, Serialize)]
pub struct CardRecord {
    pub worker_id: String,
    pub name: String,
    /// 男 / 女.
    pub gender_zh: String,
    /// Service types as the clerk reads them (Chinese labels).
    pub service_types_zh: Vec<String>,
    pub status: WorkerStatus,
    /// The platform's certificate, when approved.
    pub certificate: Option<WorkerCertificate>,
    pub agency_name: String,
    pub agency_phone: String,
    #[serde(skip)]
    pub photo_jpeg: Option<Vec<u8>>,
    /// True when the worker has no certificate to print: only a 样张 (draft) may be made.
    pub draft: bool,
}

/// One card that went to a printer or into a PDF.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PrintRecord {
    pub id: String,
    pub certificate_code: Option<String>,
    pub card_version: Option<u16>,
    pub draft: bool,
    pub layout: CardLayout,
    pub printer: String,
    pub design_version: String,
    pub printed_by: String,
    pub printed_at: String,
}

/// 发放: a card handed to the worker.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Handover {
    pub certificate_code: String,
    pub card_version: u16,
    pub issued_on: String,
    pub issued_by: String,
    pub has_signature: bool,
    pub created_at: String,
}

/// 电子证激活码: what the hand-over slip prints and the card panel shows for the worker's
/// electronic card.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CardActivation {
    pub certificate_code: String,
    pub card_version: u16,
    /// The code as printed (`ABCD-EFGH`); typed loosely it is the same code.
    pub code: String,
    /// The platform's activation page with the code filled in (the slip's QR code); `None`
    /// until this desk is enrolled with a platform.
    pub url: Option<String>,
    pub created_at: String,
}

/// 挂失/补办: a card reported lost or damaged.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LossReport {
    pub certificate_code: String,
    pub card_version: u16,
    pub kind: LossKind,
    pub note: String,
    pub reported_by: String,
    pub reported_at: String,
}

/// 注销 and why.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Cancellation {
    pub reason: CancelReason,
    pub note: String,
    pub cancelled_by: String,
    pub cancelled_at: String,
}

/// What the worker page's card panel shows and which buttons it offers.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CardState {
    pub status: WorkerStatus,
    pub certificate: Option<WorkerCertificate>,
    pub prints: Vec<PrintRecord>,
    pub handovers: Vec<Handover>,
    pub losses: Vec<LossReport>,
    pub cancellation: Option<Cancellation>,
    /// A loss was reported and the platform's new card version has not arrived yet.
    pub awaiting_replacement: bool,
    /// Why a (non-draft) print is refused now; `None` when it may be printed.
    pub print_refusal: Option<DeskError>,
    pub can_issue: bool,
    pub can_report_loss: bool,
    pub can_cancel: bool,
    /// The electronic card's activation code of the current card, once handed over.
    pub activation: Option<CardActivation>,
}

/// Printer offsets and scale, applied to every page sent to that printer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Calibration {
    pub offset_x_mm: f32,
    pub offset_y_mm: f32,
    pub scale: f32,
}

impl Default for Calibration {
    fn default() -> Self {
        Calibration { offset_x_mm: 0.0, offset_y_mm: 0.0, scale: 1.0 }
    }
}

pub use certdesk_domain::{CancelReason, LossKind};

/// Reads a cancellation reason: its code or the Chinese label (离职, 违规, 其他).
pub fn parse_cancel_reason(s: &str) -> DeskResult<CancelReason> {
    match s.trim() {
        "left_agency" | "离职" => Ok(CancelReason::LeftAgency),
        "misconduct" | "违规" => Ok(CancelReason::Misconduct),
        "other" | "其他" => Ok(CancelReason::Other),
        other => Err(messages::cancel_reason_invalid(other)),
    }
}

/// Reads lost or damaged: its code or the Chinese label (遗失, 损坏).
pub fn parse_loss_kind(s: &str) -> DeskResult<LossKind> {
    match s.trim() {
        "lost" | "遗失" => Ok(LossKind::Lost),
        "damaged" | "损坏" => Ok(LossKind::Damaged),
        other => Err(messages::loss_kind_invalid(other)),
    }
}

/// What a citizen sent about a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum FeedbackKind {
    /// 评价: stars and a comment.
    Rating,
    /// 投诉: a complaint the agency follows up.
    Complaint,
}

certdesk_domain::closed_set!(FeedbackKind, "feedback kind", {
    Rating => "rating",
    Complaint => "complaint",
});

/// A citizen's rating or complaint, as pulled from the platform.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Feedback {
    pub id: String,
    pub kind: FeedbackKind,
    pub worker_id: String,
    /// The worker's name, when this desk has the record.
    pub worker_name: Option<String>,
    pub certificate_code: String,
    pub stars: Option<u8>,
    pub text: String,
    pub contact: String,
    pub created_at: String,
    /// A complaint: when the agency last answered it (cleared when the office asks again).
    pub handled_at: Option<String>,
    /// A complaint's reference (投诉编号), for complaints pulled since complaint coordination.
    pub reference: Option<String>,
    /// The programme office's latest request (督办) or its conclusion (办结).
    pub office_note: Option<String>,
    /// When the office closed the complaint (办结).
    pub closed_at: Option<String>,
    /// What the agency last answered (处理情况).
    pub answer: Option<String>,
}

/// A worker's ratings at a glance.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FeedbackSummary {
    pub ratings: u32,
    pub average_stars: Option<f32>,
    pub open_complaints: u32,
    pub items: Vec<Feedback>,
    /// Visits households confirmed after scanning the card (确认入户): how many in all.
    pub visits: u32,
    /// When the latest (up to 20) were confirmed, newest first (RFC 3339).
    pub recent_visits: Vec<String>,
}

/// The verify screen's answer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScanReport {
    pub verdict: VerdictKind,
    pub verdict_zh: String,
    pub verdict_en: String,
    /// Only when the signature verified.
    pub certificate_code: Option<String>,
    pub card_version: Option<u16>,
    pub current_card_version: Option<u16>,
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
    pub key_id: Option<u16>,
    /// How old the trust list and the revocation list are (the last complete pull).
    pub lists_checked_at: Option<String>,
    pub lists_age_seconds: Option<i64>,
    pub trust_keys: u64,
    /// This agency's worker holding that certificate, when the card is ours.
    pub local_worker: Option<LocalWorker>,
    /// 绿/黄/红: green only for a valid card whose health check and insurance are in date by
    /// this desk's records (`certdesk_domain::standing`), red for every other verdict.
    pub colour: Colour,
    /// Why a valid card is not green: what is missing or lapsed, or that this desk holds no
    /// records of another agency's worker (ask the platform).
    pub cover_notes: Vec<Bilingual>,
    /// For a worker's electronic card (shown on a phone): how old its code was when scanned,
    /// in seconds; `None` for a printed card.
    pub electronic_age_seconds: Option<i64>,
}

/// The local record behind a scanned card of this agency.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LocalWorker {
    pub id: String,
    pub name: String,
    pub status: WorkerStatus,
    pub card_version: u16,
}

/// A refused lifecycle move, keeping the lifecycle's code (`status_transition`) and sentence.
pub(crate) fn lifecycle_error(e: certdesk_domain::FieldError) -> DeskError {
    DeskError { fields: vec![e.clone()], ..DeskError::new(DeskCode::StatusTransition, e.message()) }
}


/// The changed card details by name, Chinese and English (`姓名、照片`, `name and photo`).
fn details_labels(changed: &[String]) -> (String, String) {
    let label = |f: &str| match f {
        "name" => ("姓名", "name"),
        "photo" => ("照片", "photo"),
        _ => ("服务类型", "service types"),
    };
    let zh: Vec<&str> = changed.iter().map(|f| label(f).0).collect();
    let en: Vec<&str> = changed.iter().map(|f| label(f).1).collect();
    (zh.join("、"), en.join(" and "))
}

impl Desk {
    /// The facts a card shows for this worker. A worker without an approved certificate gets a
    /// draft record (样张): never printable as a real card.
    pub fn card_record(&self, worker_id: &str) -> DeskResult<CardRecord> {
        let w = self.worker(worker_id)?;
        let status = w.status;
        let certificate = self.platform_view(worker_id)?.certificate;
        let agency = self.agency()?.ok_or_else(messages::no_agency)?;
        let photo_jpeg = match &w.photo_sha256 {
            Some(sha) => self.photo(sha)?,
            None => None,
        };
        let service_types_zh = w
            .service_types
            .iter()
            .map(|t| t.label_zh().to_string())
            .collect();
        let printable = matches!(status, WorkerStatus::Approved | WorkerStatus::Printed | WorkerStatus::Issued);
        Ok(CardRecord {
            worker_id: w.id,
            name: w.name,
            gender_zh: w.gender.label_zh().to_string(),
            service_types_zh,
            status: w.status,
            draft: !(printable && certificate.is_some()),
            certificate,
            agency_name: agency.name,
            agency_phone: agency.phone,
            photo_jpeg,
        })
    }

    /// Workers whose certificate is approved and whose first card is not printed yet, for the
    /// batch print (批量制作), oldest approval first.
    pub fn approved_unprinted(&self) -> DeskResult<Vec<String>> {
        Ok(table::workers::ids_with_certificate(&self.conn, WorkerStatus::Approved)?)
    }

    /// Why a real (non-draft) card of this worker may not be printed now, if it may not.
    pub fn print_refusal(&self, worker_id: &str) -> DeskResult<Option<DeskError>> {
        let w = self.worker(worker_id)?;
        let status = w.status;
        let Some(cert) = self.platform_view(worker_id)?.certificate else {
            return Ok(Some(messages::not_approved(&w.name, &Bilingual::new(status.label_zh(), status.label_en()))));
        };
        if let Err(e) = transition(status, LifecycleEvent::Print) {
            return Ok(Some(DeskError::new(DeskCode::StatusTransition, e.message())));
        }
        if cert.valid_until.as_str() < self.today().to_string().as_str() {
            return Ok(Some(messages::certificate_expired(&cert.certificate_code, &cert.valid_until)));
        }
        if let Some(review) = self.details_review(worker_id)? {
            if !review.changed.is_empty() {
                let fields = details_labels(&review.changed);
                return Ok(Some(messages::details_under_review((&fields.0, &fields.1), review.rejection.as_ref())));
            }
        }
        let version = cert.card_version;
        if self.loss_reported_for(worker_id, version)? {
            return Ok(Some(messages::awaiting_replacement(version)));
        }
        if status == WorkerStatus::Issued && self.handed_over(worker_id, version)? {
            return Ok(Some(messages::already_issued(version)));
        }
        Ok(None)
    }

    fn loss_reported_for(&self, worker_id: &str, card_version: u16) -> DeskResult<bool> {
        Ok(table::card_losses::any_since(&self.conn, worker_id, card_version)?)
    }

    fn handed_over(&self, worker_id: &str, card_version: u16) -> DeskResult<bool> {
        Ok(table::card_handovers::any_since(&self.conn, worker_id, card_version)?)
    }

    /// Records the cards that went to `printer` (a CUPS queue, or `pdf:<file>`), in one
    /// transaction. Real cards move the worker to printed (制作) and tell the platform; each
    /// worker must pass [`Desk::print_refusal`] or nothing is recorded. Drafts are recorded too,
    /// and change no status.
    pub fn record_prints(
        &mut self,
        actor: &SessionUser,
        worker_ids: &[String],
        layout: CardLayout,
        printer: &str,
        design_version: &str,
        draft: bool,
    ) -> DeskResult<()> {
        let mut planned = Vec::with_capacity(worker_ids.len());
        for id in worker_ids {
            let cert = if draft {
                None
            } else {
                if let Some(refusal) = self.print_refusal(id)? {
                    return Err(refusal);
                }
                self.platform_view(id)?.certificate
            };
            planned.push((id, cert));
        }
        let tx = self.conn.unchecked_transaction()?;
        for (id, cert) in planned {
            let (print_id, now) = (self.new_id(), self.now_text());
            let card = cert.as_ref().map(|c| (c.certificate_code.as_str(), c.card_version));
            let print = NewPrint { id: &print_id, worker_id: id, card, draft, layout, printer, design_version };
            table::card_prints::insert(&tx, &print, &actor.id, &now)?;
            let event = CardEventBody::Print {
                certificate_code: card.map(|(code, _)| code.to_string()),
                card_version: card.map(|(_, version)| version),
                draft,
                layout,
                printer: printer.to_string(),
                design_version: design_version.to_string(),
            };
            self.queue_card_event(&tx, (&print_id, id), event, (&actor.id, &now))?;
            let Some(cert) = cert else {
                continue;
            };
            let note = messages::card_audit_note(&cert.certificate_code, cert.card_version, printer);
            self.move_status(&tx, actor, id, (LifecycleEvent::Print, AuditAction::Print), &note)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// 发放: the printed card of the current version goes to the worker, on `issued_on`
    /// (today when `None`), optionally with the worker's signature drawn on screen (PNG).
    pub fn issue_card(
        &mut self,
        actor: &SessionUser,
        worker_id: &str,
        issued_on: Option<NaiveDate>,
        signature_png: Option<Vec<u8>>,
    ) -> DeskResult<()> {
        let from = self.worker(worker_id)?.status;
        // Refused early, before the other checks; the move itself goes through set_status_in.
        transition(from, LifecycleEvent::Issue).map_err(lifecycle_error)?;
        let cert = self.platform_view(worker_id)?.certificate.ok_or_else(|| DeskError::not_found(messages::records::certificate()))?;
        let today = self.today();
        let issued_on = issued_on.unwrap_or(today);
        if issued_on > today {
            return Err(messages::issued_on_future());
        }
        let printed_on = table::card_prints::last_printed_at(&self.conn, worker_id, cert.card_version)?;
        let Some(printed_on) = printed_on else {
            return Err(messages::not_printed(cert.card_version));
        };
        if issued_on.to_string().as_str() < &printed_on[..10.min(printed_on.len())] {
            return Err(messages::issued_on_before_print(&printed_on[..10]));
        }
        if signature_png.as_deref().is_some_and(|png| !signature_ok(png)) {
            return Err(messages::signature_invalid());
        }
        let tx = self.conn.unchecked_transaction()?;
        let handover = (issued_on, signature_png.as_deref());
        let (handover_id, now) = (self.new_id(), self.now_text());
        let card = (cert.certificate_code.as_str(), cert.card_version);
        table::card_handovers::insert(&tx, (&handover_id, worker_id), card, handover, &actor.id, &now)?;
        let event = CardEventBody::Handover {
            certificate_code: cert.certificate_code.clone(),
            card_version: cert.card_version,
            issued_on: issued_on.to_string(),
            signature_png: CardEventBody::signature_text(signature_png.as_deref()),
        };
        self.queue_card_event(&tx, (&handover_id, worker_id), event, (&actor.id, &now))?;
        let note = messages::card_audit_note(&cert.certificate_code, cert.card_version, issued_on);
        self.move_status(&tx, actor, worker_id, (LifecycleEvent::Issue, AuditAction::Issue), &note)?;
        self.add_activation(&tx, actor, worker_id, &cert)?;
        tx.commit()?;
        Ok(())
    }

    /// A new activation code for the card handed over: its SHA-256 goes to the platform with an
    /// `activate` entry, the code stays here for the slip.
    fn add_activation(&self, tx: &Transaction<'_>, actor: &SessionUser, worker_id: &str, cert: &WorkerCertificate) -> DeskResult<()> {
        let mut random = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut random);
        let code = certdesk_protocol::activation::code_from_random(random);
        table::card_activations::insert(tx, (&self.new_id(), worker_id), cert, &code, &actor.id, &self.now_text())?;
        let payload = certdesk_protocol::records::CardActivation {
            certificate_code: cert.certificate_code.clone(),
            card_version: cert.card_version,
            code_sha256: certdesk_protocol::activation::code_sha256(&code),
        };
        self.append_outbox(tx, SyncEntity::Worker, worker_id, SyncOp::Activate, &payload)
    }

    /// The activation code of the worker's current card, once handed over.
    pub fn card_activation(&self, worker_id: &str) -> DeskResult<Option<CardActivation>> {
        let Some(cert) = self.platform_view(worker_id)?.certificate else {
            return Ok(None);
        };
        let Some((code, created_at)) = table::card_activations::latest(&self.conn, worker_id, cert.card_version)? else {
            return Ok(None);
        };
        let platform = self.sync_device()?.map(|d| d.platform_url);
        Ok(Some(CardActivation {
            url: platform.map(|p| certdesk_protocol::activation::activation_url(&p, &code)),
            code: certdesk_protocol::activation::display(&code),
            certificate_code: cert.certificate_code,
            card_version: cert.card_version,
            created_at,
        }))
    }

    /// The activation code of the worker's current card, or why there is none (the card was
    /// not handed over).
    pub fn handed_over_activation(&self, worker_id: &str) -> DeskResult<CardActivation> {
        match self.card_activation(worker_id)? {
            Some(a) => Ok(a),
            None => Err(messages::activation_needs_handover(&self.worker(worker_id)?.name)),
        }
    }

    /// 重新生成激活码: a new code for the card handed over (the worker changed phone, or the
    /// old code was locked after wrong tries); the old code stops mattering once the new one
    /// is used. Only for a card that was handed over.
    pub fn renew_card_activation(&mut self, actor: &SessionUser, worker_id: &str) -> DeskResult<CardActivation> {
        let w = self.worker(worker_id)?;
        let cert = self.platform_view(worker_id)?.certificate;
        let Some(cert) = cert.filter(|c| w.status == WorkerStatus::Issued && self.handed_over(worker_id, c.card_version).unwrap_or(false)) else {
            return Err(messages::activation_needs_handover(&w.name));
        };
        let tx = self.conn.unchecked_transaction()?;
        self.add_activation(&tx, actor, worker_id, &cert)?;
        self.append_audit(
            &tx,
            &AuditRecord {
                user_id: Some(&actor.id),
                entity: AuditEntity::Worker,
                entity_id: worker_id,
                action: AuditAction::RenewCardActivation,
                field: None,
                old_value: None,
                new_value: None,
                reason: Some(&messages::card_audit_note(&cert.certificate_code, cert.card_version, "activation")),
            },
        )?;
        tx.commit()?;
        self.card_activation(worker_id)?.ok_or_else(|| DeskError::internal("the activation just made is missing"))
    }

    /// 挂失/补办: the worker's current card is lost or damaged. The platform is asked for a new
    /// card version (a `reissue` entry); once it is pulled, the replacement may be printed and
    /// the old card verifies as replaced everywhere.
    pub fn report_card_loss(&mut self, actor: &SessionUser, worker_id: &str, kind: LossKind, note: &str) -> DeskResult<()> {
        let w = self.worker(worker_id)?;
        let status = w.status;
        let cert = self.platform_view(worker_id)?.certificate;
        let (Some(cert), WorkerStatus::Printed | WorkerStatus::Issued) = (cert, status) else {
            return Err(messages::no_card(&w.name, &Bilingual::new(status.label_zh(), status.label_en())));
        };
        if self.loss_reported_for(worker_id, cert.card_version)? {
            return Err(messages::already_reported(cert.card_version));
        }
        let note = note.trim();
        if note.chars().count() > 200 {
            return Err(messages::loss_note_too_long());
        }
        let tx = self.conn.unchecked_transaction()?;
        let (loss_id, now) = (self.new_id(), self.now_text());
        table::card_losses::insert(&tx, (&loss_id, worker_id), (&cert.certificate_code, cert.card_version), (kind, note), &actor.id, &now)?;
        let event = CardEventBody::Loss { certificate_code: cert.certificate_code.clone(), card_version: cert.card_version, kind, note: note.to_string() };
        self.queue_card_event(&tx, (&loss_id, worker_id), event, (&actor.id, &now))?;
        let reason = messages::card_audit_note(&cert.certificate_code, cert.card_version, kind.code());
        self.append_audit(
            &tx,
            &AuditRecord {
                user_id: Some(&actor.id),
                entity: AuditEntity::Worker,
                entity_id: worker_id,
                action: AuditAction::ReportCardLoss,
                field: None,
                old_value: None,
                new_value: Some(kind.code()),
                reason: Some(&reason),
            },
        )?;
        let payload = certdesk_protocol::records::CardReissue {
            certificate_code: cert.certificate_code.clone(),
            card_version: cert.card_version,
            kind,
            note: note.to_string(),
        };
        self.append_outbox(&tx, SyncEntity::Worker, worker_id, SyncOp::Reissue, &payload)?;
        tx.commit()?;
        Ok(())
    }

    /// 注销 (a manager's action; `certdesk-core` checks the role): the certificate stops
    /// verifying after the next sync, and the person may later be enrolled by another agency.
    pub fn cancel_certificate(&mut self, actor: &SessionUser, worker_id: &str, reason: CancelReason, note: &str) -> DeskResult<()> {
        let from = self.worker(worker_id)?.status;
        transition(from, LifecycleEvent::Cancel).map_err(lifecycle_error)?;
        let note = note.trim();
        if reason == CancelReason::Other && note.is_empty() {
            return Err(messages::cancel_note_required());
        }
        if note.chars().count() > 200 {
            return Err(messages::cancel_note_too_long());
        }
        let tx = self.conn.unchecked_transaction()?;
        let now = self.now_text();
        table::cancellations::insert(&tx, worker_id, (reason, note), &actor.id, &now)?;
        let why = if note.is_empty() { reason.code().to_string() } else { format!("{}：{note}", reason.code()) };
        self.set_status_in(&tx, worker_id, &[LifecycleEvent::Cancel], (Some(&actor.id), AuditAction::Cancel, Some(&why)))?;
        let payload = certdesk_protocol::records::CertificateCancellation { reason, note: note.to_string() };
        self.append_outbox(&tx, SyncEntity::Worker, worker_id, SyncOp::Cancel, &payload)?;
        let event = CardEventBody::Cancellation { reason, note: note.to_string() };
        self.queue_card_event(&tx, (worker_id, worker_id), event, (&actor.id, &now))?;
        tx.commit()?;
        Ok(())
    }

    /// A status move made by the clerk: the row and its audit entry (as every status move), then
    /// the worker's upsert (the platform keeps printed/issued as the desk reports them).
    fn move_status(
        &self,
        tx: &Transaction<'_>,
        actor: &SessionUser,
        worker_id: &str,
        (event, action): (LifecycleEvent, AuditAction),
        note: &str,
    ) -> DeskResult<()> {
        self.set_status_in(tx, worker_id, &[event], (Some(&actor.id), action, Some(note)))?;
        self.push_worker_outbox(tx, worker_id)
    }

    /// The worker page's card panel.
    pub fn card_state(&self, worker_id: &str) -> DeskResult<CardState> {
        let w = self.worker(worker_id)?;
        let status = w.status;
        let certificate = self.platform_view(worker_id)?.certificate;
        let prints = table::card_prints::of_worker(&self.conn, worker_id)?;
        let handovers = table::card_handovers::of_worker(&self.conn, worker_id)?;
        let losses = table::card_losses::of_worker(&self.conn, worker_id)?;
        let cancellation = table::cancellations::of_worker(&self.conn, worker_id)?;
        let awaiting_replacement = match &certificate {
            Some(c) => self.loss_reported_for(worker_id, c.card_version)?,
            None => false,
        };
        let print_refusal = self.print_refusal(worker_id)?;
        let current_printed = match &certificate {
            Some(c) => prints.iter().any(|p| !p.draft && p.card_version == Some(c.card_version)),
            None => false,
        };
        Ok(CardState {
            status: w.status,
            can_issue: status == WorkerStatus::Printed && current_printed,
            can_report_loss: matches!(status, WorkerStatus::Printed | WorkerStatus::Issued)
                && certificate.is_some()
                && !awaiting_replacement,
            can_cancel: transition(status, LifecycleEvent::Cancel).is_ok(),
            certificate,
            prints,
            handovers,
            losses,
            cancellation,
            awaiting_replacement,
            print_refusal,
            activation: self.card_activation(worker_id)?,
        })
    }

    /// A printer's calibration (the default when never set).
    pub fn printer_calibration(&self, printer: &str) -> DeskResult<Calibration> {
        Ok(table::printers::calibration(&self.conn, printer)?.unwrap_or_default())
    }

    /// Saves a printer's calibration: offsets within ±10 mm, scale 0.90–1.10.
    pub fn set_printer_calibration(&mut self, actor: &SessionUser, printer: &str, c: Calibration) -> DeskResult<()> {
        let printer = printer.trim();
        if printer.is_empty() || printer.chars().count() > 100 {
            return Err(messages::printer_name_invalid());
        }
        for (field, v) in [("offset_x_mm", c.offset_x_mm), ("offset_y_mm", c.offset_y_mm)] {
            if !v.is_finite() || v.abs() > 10.0 {
                return Err(messages::offset_out_of_range(field, v));
            }
        }
        if !c.scale.is_finite() || !(0.9..=1.1).contains(&c.scale) {
            return Err(messages::scale_out_of_range(c.scale));
        }
        let tx = self.conn.unchecked_transaction()?;
        table::printers::put(&tx, printer, &c, &self.now_text())?;
        let value = format!("x={} y={} scale={}", c.offset_x_mm, c.offset_y_mm, c.scale);
        self.append_audit(
            &tx,
            &AuditRecord {
                user_id: Some(&actor.id),
                entity: AuditEntity::Printer,
                entity_id: printer,
                action: AuditAction::Calibrate,
                field: None,
                old_value: None,
                new_value: Some(&value),
                reason: None,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Stores a pulled rating or complaint (a repeat of the same id changes nothing).
    pub(crate) fn store_feedback(&self, tx: &Transaction<'_>, f: &Feedback) -> DeskResult<bool> {
        Ok(table::feedback::insert(tx, f, &self.now_text())?)
    }

    /// A worker's ratings and complaints, newest first, with the average, and the visits
    /// households confirmed.
    pub fn worker_feedback(&self, worker_id: &str) -> DeskResult<FeedbackSummary> {
        let items = table::feedback::of_worker(&self.conn, worker_id)?;
        let (ratings, average) = table::feedback::rating_summary(&self.conn, worker_id)?;
        let open_complaints =
            items.iter().filter(|f| f.kind == FeedbackKind::Complaint && f.handled_at.is_none() && f.closed_at.is_none()).count() as u32;
        let (visits, recent_visits) = table::service_visits::of_worker(&self.conn, worker_id)?;
        Ok(FeedbackSummary { ratings, average_stars: average.map(|a| a as f32), open_complaints, items, visits, recent_visits })
    }

    /// Complaints waiting for the agency's answer (never answered, or asked again by the
    /// programme office), newest first.
    pub fn open_complaints(&self) -> DeskResult<Vec<Feedback>> {
        Ok(table::feedback::open_complaints(&self.conn)?)
    }

    /// 处理情况: answers a complaint the office has not closed: what was done (`action`, at most
    /// 1000 characters) and on which day (`done_on`, between the complaint's day and today).
    /// Kept with the complaint and sent to the platform at the next sync, where the programme
    /// office reviews it; a refused answer changes nothing.
    pub fn answer_complaint(&mut self, actor: &SessionUser, id: &str, action: &str, done_on: &str) -> DeskResult<()> {
        use certdesk_protocol::complaint::{ComplaintAnswer, MAX_COMPLAINT_TEXT};
        // A clerk on the phone with the citizen types the reference (投诉编号).
        let by_reference = certdesk_protocol::complaint::parse_reference(id)
            .map(|r| table::feedback::id_of_reference(&self.conn, &r))
            .transpose()?
            .flatten();
        let id = by_reference.as_deref().unwrap_or(id);
        let Some(filed) = table::feedback::unclosed_complaint(&self.conn, id)? else {
            return Err(DeskError::not_found(messages::records::open_complaint()));
        };
        let action = action.trim();
        let mut wrong = Vec::new();
        if action.is_empty() {
            wrong.push(messages::complaint_action_empty());
        } else if action.chars().count() > MAX_COMPLAINT_TEXT {
            wrong.push(messages::complaint_action_too_long(MAX_COMPLAINT_TEXT));
        }
        let today = self.today();
        let filed_on = chrono::DateTime::parse_from_rfc3339(&filed).map(|t| t.with_timezone(&crate::shanghai()).date_naive()).unwrap_or(today);
        let done = match done_on.trim().parse::<NaiveDate>() {
            Ok(d) if d >= filed_on && d <= today => Some(d),
            Ok(_) => {
                wrong.push(messages::complaint_done_on(filed_on, today));
                None
            }
            Err(_) => {
                wrong.push(messages::date_invalid("done_on", done_on.trim()));
                None
            }
        };
        let (Some(done_on), true) = (done, wrong.is_empty()) else {
            return Err(DeskError::validation(wrong));
        };
        let complaint_id = uuid::Uuid::parse_str(id).map_err(DeskError::internal)?;
        let answer_id = self.new_id();
        let at = self.now_utc();
        let now = at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let answer = ComplaintAnswer {
            complaint_id,
            action: action.to_owned(),
            done_on,
            answered_by: actor.display_name.clone(),
            answered_by_id: Some(actor.id.clone()),
            answered_at: Some(at),
        };
        let tx = self.conn.unchecked_transaction()?;
        table::complaint_answers::insert(&tx, (&answer_id, id), action, &done_on.to_string(), &actor.id, &now)?;
        table::feedback::mark_handled(&tx, id, &now, &actor.id)?;
        self.append_audit(
            &tx,
            &AuditRecord {
                user_id: Some(&actor.id),
                entity: AuditEntity::Feedback,
                entity_id: id,
                action: AuditAction::AnswerComplaint,
                field: Some("action"),
                old_value: None,
                new_value: Some(action),
                reason: None,
            },
        )?;
        let payload = serde_json::to_value(&answer).map_err(DeskError::internal)?;
        self.append_outbox(&tx, SyncEntity::ComplaintAnswer, &answer_id, SyncOp::Upsert, &payload)?;
        tx.commit()?;
        Ok(())
    }

    /// 验证: checks a scanned card offline against the trust list and the revocation list
    /// this desk synced, and finds the local record when the card is this agency's.
    pub fn verify_scan(&self, scanned: &str) -> DeskResult<ScanReport> {
        let scanned = scanned.trim();
        if scanned.chars().count() > MAX_SCAN_CHARS {
            return Err(messages::scan_too_long(scanned.chars().count()));
        }
        let checked = self.check_credential(scanned)?;
        let electronic_age_seconds = checked.age_seconds(self.now_utc());
        let verdict = checked.verdict;
        let checked_at = table::sync_state::trust_checked_at(&self.conn)?;
        let trust_keys = table::trust_keys::count(&self.conn)?;
        let age = checked_at
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| (self.now_utc() - t.with_timezone(&chrono::Utc)).num_seconds().max(0));
        let claims = verdict.claims().copied();
        let current_card_version = match &verdict {
            Verdict::Replaced { current_card_version, .. } => Some(*current_card_version),
            _ => claims.map(|c| c.card_version),
        };
        let local_worker = match &claims {
            Some(c) => table::worker_certificates::local_worker(&self.conn, &c.certificate_code.to_string())?,
            None => None,
        };
        let (colour, cover_notes) = match (&verdict, &local_worker) {
            (Verdict::Valid(_), Some(w)) => {
                let s = self.standing(&w.id)?;
                (s.colour(true), s.lapses())
            }
            // Another agency's worker: this desk holds none of their records.
            (Verdict::Valid(_), None) => (Colour::Yellow, vec![messages::cover_unknown_offline()]),
            _ => (Colour::Red, Vec::new()),
        };
        Ok(ScanReport {
            colour,
            cover_notes,
            electronic_age_seconds,
            verdict: verdict.kind(),
            verdict_zh: verdict.label_zh().to_string(),
            verdict_en: verdict.label_en().to_string(),
            certificate_code: claims.map(|c| c.certificate_code.to_string()),
            card_version: claims.map(|c| c.card_version),
            current_card_version,
            valid_from: claims.map(|c| c.valid_from.to_string()),
            valid_until: claims.map(|c| c.valid_until.to_string()),
            key_id: match &verdict {
                Verdict::UnknownKey { key_id } => Some(*key_id),
                _ => claims.map(|c| c.key_id),
            },
            lists_checked_at: checked_at,
            lists_age_seconds: age,
            trust_keys,
            local_worker,
        })
    }
}
