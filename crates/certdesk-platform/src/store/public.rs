//! What the public verification page (`/c/{payload}`) needs from storage: a certificate's
//! public record by code, and the ratings (评价) and complaints (投诉) citizens leave there.
//!
//! [`PublicRecords`] is part of the [`super::Store`] contract; storing feedback within its
//! limits is a flow ([`crate::flows::add_feedback`]) over the repository's rows. It must never
//! hand the page a worker's phone, address or emergency contact: [`PublicCertificate`] carries
//! only what the page shows (after masking) or needs to decide what to show.

use certdesk_domain::standing::{CoverFact, HealthFact};
use certdesk_domain::ServiceType;
use certdesk_protocol::sync::SyncEntity;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreResult;

/// The synced records a public page shows (a worker's health checks and policies, for the
/// colour): every other entity an agency syncs is none of the page's business. PostgreSQL's
/// cache is dropped only by a write of these (migration-pg `0017_public_notify_records`, whose
/// trigger a test holds to this list).
pub const PUBLIC_RECORDS: [SyncEntity; 2] = [SyncEntity::HealthCheck, SyncEntity::Insurance];

/// A certificate as the public page may know it, looked up by its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicCertificate {
    /// The certificate code.
    pub certificate_code: String,
    /// The worker holding it.
    pub worker_id: Uuid,
    /// The agency that applied for it (谁发证谁负责).
    pub agency_id: Uuid,
    /// The newest card; older cards are replaced.
    pub current_card_version: u16,
    /// Cancelled (注销).
    pub revoked: bool,
    /// The agency's registered name.
    pub agency_name: String,
    /// The agency's phone, when the operator recorded one.
    pub agency_phone: Option<String>,
    /// The worker's full name: the page shows it masked, never as it is.
    pub worker_name: String,
    /// The worker's ID number: the page derives the gender from it and never shows it.
    pub id_number: String,
    /// The service types the certificate shows, in the order the record lists them.
    pub service_types: Vec<ServiceType>,
    /// SHA-256 of the worker's photo, when the record names one and the agency has uploaded
    /// it (a photo still on its way is not announced, so the page shows no broken image).
    pub photo_sha256: Option<String>,
    /// The worker's health checks as the agency synced them (for the colour).
    pub health_checks: Vec<HealthFact>,
    /// The worker's insurance policies as the agency synced them (for the colour).
    pub insurance: Vec<CoverFact>,
    /// The certificate's last valid day (`YYYY-MM-DD`), as issued.
    pub valid_until: String,
    /// The current card's first valid day (`YYYY-MM-DD`).
    pub valid_from: String,
}

/// What anyone may learn of a registered agency (the public lookup): never its staff.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicAgency {
    /// Its registered name.
    pub name: String,
    /// Its district.
    pub district: String,
    /// Its phone, when the operator recorded one.
    pub phone: Option<String>,
    /// Workers holding a certificate in force through it.
    pub certified: u64,
    /// Ratings its workers received.
    pub ratings: u64,
    /// Their average (1–5), when there are any.
    pub average_stars: Option<f64>,
}

/// What a citizen leaves on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feedback {
    /// 评价.
    Rating {
        /// 1 to 5.
        stars: u8,
        /// At most 500 characters, may be empty.
        comment: String,
    },
    /// 投诉.
    Complaint {
        /// What happened, at most 1000 characters.
        text: String,
        /// How to reach the citizen, at most 50 characters, may be empty.
        contact: String,
        /// 投诉编号: what the citizen looks it up by (`TS` and 12 letters).
        reference: String,
    },
    /// 确认入户: the worker came into the home today.
    Visit,
}

impl Feedback {
    /// Which kind it is.
    pub fn kind(&self) -> FeedbackKind {
        match self {
            Feedback::Rating { .. } => FeedbackKind::Rating,
            Feedback::Complaint { .. } => FeedbackKind::Complaint,
            Feedback::Visit => FeedbackKind::Visit,
        }
    }
}

/// The two kinds of feedback; each is limited and stored on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackKind {
    /// 评价.
    Rating,
    /// 投诉.
    Complaint,
    /// 确认入户.
    Visit,
}

/// Whose stored submissions a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackFrom<'a> {
    /// Everyone's.
    Anyone,
    /// One device cookie's (its keyed hashes under today's and yesterday's secrets).
    Device(&'a [String]),
    /// One client network's (its keyed hashes).
    Network(&'a [String]),
    /// One client network's, about any certificate (the code is not looked at).
    NetworkAnyCertificate(&'a [String]),
}

/// One submission, already checked by the page's rules (token, lengths).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackSubmission {
    /// The new record's id (also the change's id the agency pulls).
    pub id: Uuid,
    /// The nonce of the page token: one rating and one complaint per page view.
    pub token_nonce: String,
    /// The certificate of the scanned card.
    pub certificate_code: String,
    /// The scanned card's version; it must still be the current card.
    pub card_version: u16,
    /// The page's device cookie, as sent: stored only as a keyed hash (see
    /// [`crate::flows::feedback`]).
    pub device: String,
    /// The client's network, as seen: stored only as a keyed hash.
    pub network: String,
    /// The rating or complaint.
    pub feedback: Feedback,
    /// Now.
    pub now: DateTime<Utc>,
}

/// How many submissions of one kind are taken; counted over stored submissions, so they hold
/// across restarts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedbackLimits {
    /// Per device cookie and certificate, over the last 24 hours.
    pub per_device_per_day: u32,
    /// Per client network and certificate, over the last 24 hours (several phones may share
    /// one address behind a carrier's NAT, so this is above the device limit).
    pub per_network_per_day: u32,
    /// Per certificate city-wide, over the last hour.
    pub per_certificate_per_hour: u32,
    /// Per client network over every certificate, over the last 24 hours: a fresh cookie per
    /// request (a new "device" each time) does not buy a fresh quota across workers either.
    pub per_network_all_certificates_per_day: u32,
    /// Taken only from a phone that confirmed a visit (确认入户) of the certificate within the
    /// last 24 hours (ratings), so that a flood costs a visit each.
    pub after_visit: bool,
}

/// What became of a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackOutcome {
    /// Stored, and queued for the worker's agency in the sync pull.
    Stored,
    /// This page view's token was already used for this kind.
    TokenUsed,
    /// Over a limit; nothing stored.
    Limited,
    /// The certificate is unknown, cancelled, or the card is no longer the current one.
    NotCurrent,
    /// A rating over its certificate's hourly ceiling: stored but held for the programme
    /// office to release or discard; not sent to the agency.
    Held,
    /// A rating from a phone that confirmed no visit of this certificate within a day.
    NoVisit,
}

/// A rating held for moderation, as the operator page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldRating {
    /// The rating.
    pub id: Uuid,
    /// The worker rated.
    pub worker_id: Uuid,
    /// Their agency.
    pub agency_id: Uuid,
    /// The certificate scanned.
    pub certificate_code: String,
    /// 1 to 5.
    pub stars: u8,
    /// The comment.
    pub comment: String,
    /// When it was given.
    pub created_at: DateTime<Utc>,
}

/// Storage for the public verification page.
pub trait PublicRecords {
    /// The certificate with this code, with its worker and agency; `None` if unknown.
    fn public_certificate(&self, code: &str) -> StoreResult<Option<PublicCertificate>>;

    /// The trust list and the certificate `code` as [`Store::trust_list`](super::Store::trust_list)
    /// and [`PublicRecords::public_certificate`] would answer them, when both are held in memory
    /// and nothing either shows has moved since: answered without waiting for anything, so a
    /// scan needs no thread of the blocking pool (issue 12's load). `None`: ask those two.
    fn held_public(&self, _code: &str) -> Option<(certdesk_protocol::TrustList, Option<PublicCertificate>)> {
        None
    }

    /// The agency registered under this exact unified social credit code or full name, with
    /// its workers in force on `today` (`YYYY-MM-DD`) and its ratings; `None` if none is.
    fn public_agency(&self, key: &str, today: &str) -> StoreResult<Option<PublicAgency>>;

    /// Ratings held for moderation, oldest first.
    fn held_ratings(&self) -> StoreResult<Vec<HeldRating>>;

    /// The state of the complaint with this reference (canonical, see
    /// `certdesk_protocol::complaint::parse_reference`); `None` if there is none.
    fn complaint_status(&self, reference: &str) -> StoreResult<Option<crate::store::complaints::ComplaintStatus>>;
}
