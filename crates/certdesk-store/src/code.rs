//! The stable codes a [`crate::DeskError`] carries: one closed set for the whole desk, so the
//! window, the CLI and the tests match a code the compiler knows, never a sentence or a string
//! typed by hand. The window gets the same set as a generated TypeScript type
//! (`ui/src/bindings/DeskCode.ts`).
//!
//! Each code is written once, here, with the string it crosses the IPC as. A code is a contract
//! with the window: never rename one (the test below pins every string). Codes raised by a crate
//! above the store (sync, print, card, core, CLI) are listed too, because they travel in the
//! same error; their sentences stay in that crate's `messages` module.

use std::fmt;

use certdesk_protocol::VerdictKind;
use serde::Serialize;

/// Prefix of a code the platform refused with, forwarded as it came (`platform_` + its code).
pub const PLATFORM_PREFIX: &str = "platform_";

macro_rules! desk_codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $code:literal, )*) => {
        /// Every code a desk error carries. Serialized as its snake_case string.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub enum DeskCode {
            $( $(#[doc = $doc])* #[serde(rename = $code)] $variant, )*
            /// The platform refused with its own code; holds the whole forwarded code,
            /// `platform_` + the platform's ([`DeskCode::platform`]).
            #[serde(untagged)]
            Platform(#[cfg_attr(feature = "ts", ts(type = "`platform_${string}`"))] String),
        }

        impl DeskCode {
            /// Every fixed code (all but [`DeskCode::Platform`]), in declaration order.
            pub const FIXED: &'static [DeskCode] = &[$(DeskCode::$variant),*];

            /// The code as it crosses the IPC and reaches the log.
            pub fn as_str(&self) -> &str {
                match self {
                    $(DeskCode::$variant => $code,)*
                    DeskCode::Platform(code) => code,
                }
            }
        }
    };
}

desk_codes! {
    // ---- Any operation (store) ----
    /// Invalid input; `fields` says which.
    Validation = "validation",
    /// Not the clerk's fault; the detail goes to the log.
    Internal = "internal",
    /// The named record does not exist.
    NotFound = "not_found",
    /// Nobody is signed in; the window goes back to the sign-in page.
    Unauthorized = "unauthorized",
    /// Only a manager may do this.
    Forbidden = "forbidden",
    // ---- The data folder, set-up, users (store) ----
    /// The data folder or the database cannot be opened.
    DataDir = "data_dir",
    /// The database was written by a newer program.
    SchemaTooNew = "schema_too_new",
    /// The desk is already set up.
    AlreadySetUp = "already_set_up",
    /// The first user must be a manager.
    FirstUserManager = "first_user_manager",
    /// Wrong username or password.
    BadCredentials = "bad_credentials",
    /// The agency is not set up yet.
    NoAgency = "no_agency",
    /// The audit chain does not verify.
    AuditBroken = "audit_broken",
    // ---- Workers (store) ----
    /// The ID number is already enrolled; `existing_worker_id` says by whom.
    DuplicateIdNumber = "duplicate_id_number",
    /// Changing an ID number needs a reason; the window asks for one.
    ReasonRequired = "reason_required",
    /// A status filter that is not a status.
    StatusInvalid = "status_invalid",
    /// A lifecycle move the worker's status does not allow.
    StatusTransition = "status_transition",
    /// The worker does not meet the conditions to apply yet.
    NotEligible = "not_eligible",
    /// The worker is cancelled.
    WorkerCancelled = "worker_cancelled",
    // ---- Training (store) ----
    /// Removing this participant would delete records; the window asks to confirm.
    RecordsInClass = "records_in_class",
    /// The worker is not in this class.
    NotInClass = "not_in_class",
    /// The worker is already in this class.
    AlreadyInClass = "already_in_class",
    /// Hours completed outside the class's hours (an online class's import).
    HoursCompletedInvalid = "hours_completed_invalid",
    /// An online class has no supervision form.
    SupervisionOnlineClass = "supervision_online_class",
    // ---- Health checks and insurance (store) ----
    /// The same health check or policy is already recorded for this worker.
    AlreadyRecorded = "already_recorded",
    // ---- Files: imports, exports, photos (store) ----
    /// A chosen file cannot be read.
    FileUnreadable = "file_unreadable",
    /// A chosen file is too large.
    FileTooLarge = "file_too_large",
    /// A file cannot be written.
    FileWrite = "file_write",
    /// A file's format is not the one expected.
    FormatInvalid = "format_invalid",
    /// A spreadsheet to import is empty.
    ImportEmpty = "import_empty",
    /// A spreadsheet to import lacks required columns.
    ImportHeadersMissing = "import_headers_missing",
    /// An import needs the consent date.
    ImportNeedsConsentDate = "import_needs_consent_date",
    /// An import needs the in-person check confirmed.
    ImportNeedsAgencyCheck = "import_needs_agency_check",
    /// The file is not a spreadsheet.
    NotASpreadsheet = "not_a_spreadsheet",
    /// An old `.xls` file.
    XlsUnsupported = "xls_unsupported",
    /// Too many rows to import.
    TooManyRows = "too_many_rows",
    /// An hours import for a class that is not online.
    HoursImportOfflineClass = "hours_import_offline_class",
    // ---- Cards (store) ----
    /// The worker has no certificate card.
    NoCard = "no_card",
    /// The certificate is not approved yet.
    NotApproved = "not_approved",
    /// The card is not printed yet.
    NotPrinted = "not_printed",
    /// The card is already handed over.
    AlreadyIssued = "already_issued",
    /// The loss is already reported.
    AlreadyReported = "already_reported",
    /// The card awaits its replacement.
    AwaitingReplacement = "awaiting_replacement",
    /// The certificate has expired.
    CertificateExpired = "certificate_expired",
    /// The worker is not enrolled on the platform.
    WorkerNotEnrolled = "worker_not_enrolled",
    /// A scan too long to be a card's QR code.
    ScanTooLong = "scan_too_long",
    /// Field `issued_on`: the hand-over date.
    IssuedOn = "issued_on",
    /// Field `note`.
    Note = "note",
    /// Field `printer`, or a printer name `lp` must not get.
    Printer = "printer",
    /// Field `signature`.
    Signature = "signature",
    /// Field `offset_x_mm`: out of range.
    OffsetXMm = "offset_x_mm",
    /// Field `offset_y_mm`: out of range.
    OffsetYMm = "offset_y_mm",
    /// Field `scale`: out of range.
    Scale = "scale",
    /// Field `reason`: not a cancel reason.
    CancelReason = "cancel_reason",
    /// Field `kind`: not a kind of loss.
    LossKind = "loss_kind",
    /// A card layout that does not exist.
    LayoutUnknown = "layout_unknown",
    // ---- The sync (certdesk-sync) ----
    /// The desk has no device credential yet.
    NotEnrolled = "not_enrolled",
    /// The platform could not be reached.
    Network = "network",
    /// The platform refused the device's credential.
    DeviceRefused = "device_refused",
    /// The platform answered outside the contract.
    PlatformProtocol = "platform_protocol",
    /// The device secret could not be stored or read.
    DeviceSecret = "device_secret",
    /// The platform address is not an https URL.
    PlatformUrlInvalid = "platform_url_invalid",
    /// The platform CA file is unusable.
    PlatformCaInvalid = "platform_ca_invalid",
    /// The enrolment code is blank, unknown, used or expired.
    EnrolmentCodeInvalid = "enrolment_code_invalid",
    // ---- Card faces (certdesk-card, through certdesk-print) ----
    /// A character the embedded font has no glyph for.
    GlyphMissing = "glyph_missing",
    /// The credential URL does not fit the QR code.
    QrTooLong = "qr_too_long",
    /// The photo is not a JPEG.
    PhotoInvalid = "photo_invalid",
    /// A real card without the platform's code and signed credential.
    CredentialMissing = "credential_missing",
    /// The printer calibration is out of range.
    CalibrationInvalid = "calibration_invalid",
    /// Nothing to print.
    NoCards = "no_cards",
    /// The embedded font cannot be read.
    FontBroken = "font_broken",
    // ---- Printing (certdesk-print) ----
    /// A PDF cannot be written.
    WriteFailed = "write_failed",
    /// The system print command cannot be run.
    NoCups = "no_cups",
    /// The system print command failed.
    PrintFailed = "print_failed",
    // ---- The application layer (certdesk-core) ----
    /// The diagnostics bundle cannot be written.
    DiagnosticsWrite = "diagnostics_write",
    // ---- The CLI (certdesk-cli) ----
    /// The photo file cannot be read.
    PhotoFile = "photo_file",
    /// A date argument that is not a date.
    Date = "date",
    /// A file argument cannot be read.
    ReadFailed = "read_failed",
    /// The scan on stdin cannot be read.
    ScanUnreadable = "scan_unreadable",
    /// Arguments that do not say what to do.
    Usage = "usage",
    /// A scanned card that is not valid: replaced.
    VerdictReplaced = "verdict_replaced",
    /// A scanned card that is not valid: revoked.
    VerdictRevoked = "verdict_revoked",
    /// A scanned card that is not valid: expired.
    VerdictExpired = "verdict_expired",
    /// A new electronic-card activation code for a card not handed over.
    ActivationNeedsHandover = "activation_needs_handover",
    /// A scanned electronic card's code that is too old (a screenshot).
    VerdictStale = "verdict_stale",
    /// A scanned card that is not valid: forged or altered.
    VerdictBadSignature = "verdict_bad_signature",
    /// A scanned card that is not valid: an untrusted key.
    VerdictUnknownKey = "verdict_unknown_key",
    /// A scan that is not a certificate at all.
    VerdictNotACertificate = "verdict_not_a_certificate",
    /// A certified worker's name, photo or service types changed and wait for the platform's
    /// review: no card prints them yet.
    DetailsUnderReview = "details_under_review",
    /// A roster filing would list nobody: no certified worker's latest exam is in the period.
    RosterEmpty = "roster_empty",
    /// A filing receipt does not verify (changed, forged, or for other rows).
    ReceiptInvalid = "receipt_invalid",
    /// The ID-card reader did not give a whole card (no reader, no card, a card moved, a
    /// damaged frame); nothing was filled.
    IdCardReader = "idcard_reader",
    /// The encrypted database's key is missing, or does not open it.
    DatabaseKey = "database_key",
    /// Too many wrong passwords: sign-in waits.
    SignInThrottled = "sign_in_throttled",
    /// A backup that is damaged or not a certdesk backup.
    BackupDamaged = "backup_damaged",
    /// A restore into a data folder that holds a desk.
    RestoreTargetTaken = "restore_target_taken",
    /// A backup's passphrase is missing, too short or wrong.
    BackupPassphrase = "backup_passphrase",
    /// A manager tried to disable their own account, or the agency's last enabled manager.
    UserKeep = "user_keep",
    // ---- Signed updates (the window's updater) ----
    /// This build carries no update key, so it cannot take updates.
    UpdateNotConfigured = "update_not_configured",
    /// A release whose signature does not hold (tampered, unsigned, another key, another
    /// version): refused, nothing installed.
    UpdateSignature = "update_signature",
    /// The release could not be fetched or read (network, platform, format).
    UpdateUnavailable = "update_unavailable",
    /// The package manager did not install the verified release.
    UpdateInstall = "update_install",
}

impl DeskCode {
    /// A refusal the platform answered with its own `code`.
    pub fn platform(code: &str) -> DeskCode {
        DeskCode::Platform(format!("{PLATFORM_PREFIX}{code}"))
    }
}

impl DeskCode {
    /// The code a scanned card that is not valid is refused with (`None` for a valid card).
    pub fn refused_verdict(verdict: VerdictKind) -> Option<DeskCode> {
        Some(match verdict {
            VerdictKind::Valid => return None,
            VerdictKind::Replaced => DeskCode::VerdictReplaced,
            VerdictKind::Revoked => DeskCode::VerdictRevoked,
            VerdictKind::Expired => DeskCode::VerdictExpired,
            VerdictKind::Stale => DeskCode::VerdictStale,
            VerdictKind::BadSignature => DeskCode::VerdictBadSignature,
            VerdictKind::UnknownKey => DeskCode::VerdictUnknownKey,
            VerdictKind::NotACertificate => DeskCode::VerdictNotACertificate,
        })
    }
}

impl fmt::Display for DeskCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for DeskCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for DeskCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The strings every code crossed the IPC as before the codes were an enum, written out by
    /// hand: the window, the CLI's scripts and stored sync errors know them, so none may change.
    const BEFORE: &[&str] = &[
        "validation", "internal", "not_found", "unauthorized", "forbidden", "data_dir", "schema_too_new",
        "already_set_up", "first_user_manager", "bad_credentials", "no_agency", "audit_broken",
        "duplicate_id_number", "reason_required", "status_invalid", "status_transition", "not_eligible",
        "worker_cancelled", "records_in_class", "not_in_class", "already_in_class", "hours_completed_invalid",
        "supervision_online_class", "already_recorded",
        "file_unreadable", "file_too_large", "file_write", "format_invalid", "import_empty",
        "import_headers_missing", "import_needs_consent_date", "import_needs_agency_check", "not_a_spreadsheet",
        "xls_unsupported", "too_many_rows", "hours_import_offline_class", "no_card", "not_approved",
        "not_printed", "already_issued", "already_reported", "awaiting_replacement", "certificate_expired",
        "worker_not_enrolled", "scan_too_long", "issued_on", "note", "printer", "signature", "offset_x_mm",
        "offset_y_mm", "scale", "cancel_reason", "loss_kind", "layout_unknown", "not_enrolled", "network",
        "device_refused", "platform_protocol", "device_secret", "platform_url_invalid", "platform_ca_invalid",
        "enrolment_code_invalid", "glyph_missing", "qr_too_long", "photo_invalid", "credential_missing",
        "calibration_invalid", "no_cards", "font_broken", "write_failed", "no_cups", "print_failed",
        "diagnostics_write", "photo_file", "date", "read_failed", "scan_unreadable", "usage",
        "verdict_replaced", "verdict_revoked", "verdict_expired", "activation_needs_handover", "verdict_stale", "verdict_bad_signature", "verdict_unknown_key",
        "verdict_not_a_certificate", "details_under_review", "roster_empty", "receipt_invalid", "idcard_reader",
        "database_key", "sign_in_throttled", "backup_damaged", "restore_target_taken", "backup_passphrase",
        "user_keep", "update_not_configured", "update_signature", "update_unavailable", "update_install",
    ];

    #[test]
    fn every_code_serializes_to_the_string_it_had_before() {
        assert_eq!(DeskCode::FIXED.len(), BEFORE.len(), "a code was added or dropped: add its string to BEFORE");
        for (code, before) in DeskCode::FIXED.iter().zip(BEFORE) {
            assert_eq!(serde_json::to_string(code).unwrap(), format!("\"{before}\""), "{code:?} must cross the IPC unchanged");
            assert_eq!(code.as_str(), *before, "{code:?}: the log and the CLI print the same string");
        }
    }

    #[test]
    fn a_platform_refusal_keeps_the_platforms_code_behind_the_prefix() {
        let code = DeskCode::platform("already_certified");
        assert_eq!(serde_json::to_string(&code).unwrap(), r#""platform_already_certified""#);
        assert_eq!(code, "platform_already_certified");
    }

    #[test]
    fn a_refused_verdict_is_verdict_and_the_verdicts_code() {
        for kind in VerdictKind::ALL {
            match DeskCode::refused_verdict(kind) {
                None => assert_eq!(kind, VerdictKind::Valid),
                Some(code) => assert_eq!(code.as_str(), format!("verdict_{}", kind.code()), "the CLI's exit code names the verdict"),
            }
        }
    }

    #[test]
    fn no_two_codes_share_a_string() {
        let mut seen = std::collections::BTreeSet::new();
        for code in DeskCode::FIXED {
            assert!(seen.insert(code.as_str()), "{code:?} repeats a string");
        }
    }
}
