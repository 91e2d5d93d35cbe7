//! The signed QR credential printed on every card: a URL to the platform's public page whose
//! last path segment is a compact, Ed25519-signed payload (format in
//! `docs/credential-format.md`).
//!
//! The desk verifies a scanned card offline with [`verify`], against its synced trust list and
//! revocation list; the platform signs with [`issue_url`]. This module must never put personal
//! data (names, ID numbers, photos) in a payload, and must never report a field of a payload
//! whose signature it has not checked.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use certdesk_domain::certificate_code::CertificateCode;
use certdesk_domain::shanghai;
use chrono::{DateTime, Days, NaiveDate, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

/// Version byte of the only format so far.
pub const FORMAT_VERSION: u8 = 1;
/// Bytes covered by the signature: version, key id, code, card version, two dates.
pub const BODY_LEN: usize = 15;
/// Whole payload: body plus the 64-byte Ed25519 signature.
pub const PAYLOAD_LEN: usize = BODY_LEN + 64;
/// Characters of the base64url (unpadded) payload in the URL.
pub const PAYLOAD_CHARS: usize = (PAYLOAD_LEN * 4).div_ceil(3);
/// Most bytes a QR code of version 10 holds in byte mode at error correction Q (ISO/IEC 18004
/// table 7). A card's URL must fit, so the code stays readable at about 20 mm.
pub const QR_V10_Q_BYTES: usize = 151;
/// Longest platform base URL (including its trailing `/`) that still fits.
pub const MAX_BASE_URL_LEN: usize = QR_V10_Q_BYTES - PAYLOAD_CHARS;

/// Version byte of the worker's electronic card (电子上门服务证): the printed format's body
/// followed by the moment it was signed, so that a screenshot stops verifying minutes later.
pub const ELECTRONIC_VERSION: u8 = 2;
/// Bytes covered by an electronic card's signature: the printed body and four bytes of time.
pub const ELECTRONIC_BODY_LEN: usize = BODY_LEN + 4;
/// An electronic card's whole payload.
pub const ELECTRONIC_PAYLOAD_LEN: usize = ELECTRONIC_BODY_LEN + 64;
/// Characters of an electronic card's base64url payload.
pub const ELECTRONIC_PAYLOAD_CHARS: usize = (ELECTRONIC_PAYLOAD_LEN * 4).div_ceil(3);
/// How often the electronic card's page asks for a new QR code, in seconds.
pub const ELECTRONIC_REFRESH_SECONDS: i64 = 60;
/// How old an electronic card's QR code may be when scanned: three refreshes, so a phone a
/// little behind still verifies, and a screenshot stops verifying minutes later.
pub const ELECTRONIC_MAX_AGE_SECONDS: i64 = 180;
/// How far ahead of the verifier's clock a signing time may be (clocks disagree a little);
/// further ahead is not a time the platform signed.
pub const ELECTRONIC_MAX_AHEAD_SECONDS: i64 = 30;

/// Version byte of a printed card signed with SM2 (GB/T 32918 with SM3, issue 11 item 3): the
/// same body and a 64-byte signature (r ‖ s), so the same QR size.
pub const SM2_FORMAT_VERSION: u8 = 3;
/// Version byte of an electronic card's code signed with SM2.
pub const SM2_ELECTRONIC_VERSION: u8 = 4;
/// The distinguishing identifier of every SM2 signature here: GB/T 35276's default, so that any
/// conforming SM2 implementation verifies them.
pub const SM2_DISTID: &str = "1234567812345678";

/// Which signature a platform key makes: chosen per key, named by the credential's version
/// byte, and in the trust list beside the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum KeyAlgorithm {
    /// Ed25519 (RFC 8032); a 32-byte public key.
    #[default]
    Ed25519,
    /// SM2 with SM3 (GB/T 32918, GB/T 35276); a 65-byte uncompressed SEC1 public key.
    Sm2,
}

impl KeyAlgorithm {
    /// Every algorithm.
    pub const ALL: [KeyAlgorithm; 2] = [KeyAlgorithm::Ed25519, KeyAlgorithm::Sm2];

    /// The stable code (`ed25519`, `sm2`), as serialised.
    pub fn code(&self) -> &'static str {
        match self {
            KeyAlgorithm::Ed25519 => "ed25519",
            KeyAlgorithm::Sm2 => "sm2",
        }
    }

    /// Whether this is Ed25519 (the trust list leaves the field out then, as before).
    pub fn is_ed25519(&self) -> bool {
        *self == KeyAlgorithm::Ed25519
    }

    /// The version byte of a printed card, or of an electronic card's code, signed so.
    pub fn version(self, electronic: bool) -> u8 {
        match (self, electronic) {
            (KeyAlgorithm::Ed25519, false) => FORMAT_VERSION,
            (KeyAlgorithm::Ed25519, true) => ELECTRONIC_VERSION,
            (KeyAlgorithm::Sm2, false) => SM2_FORMAT_VERSION,
            (KeyAlgorithm::Sm2, true) => SM2_ELECTRONIC_VERSION,
        }
    }

    /// The algorithm a version byte names, and whether it is an electronic card's.
    pub fn of_version(version: u8) -> Option<(KeyAlgorithm, bool)> {
        KeyAlgorithm::ALL
            .into_iter()
            .flat_map(|a| [(a, false), (a, true)])
            .find(|(a, electronic)| a.version(*electronic) == version)
    }
}

/// A private key that signs credentials: Ed25519 ([`SigningKey`]) or SM2 ([`Sm2SigningKey`]).
pub trait CredentialSigner {
    /// Which signature it makes.
    fn algorithm(&self) -> KeyAlgorithm;
    /// The 64-byte signature of `message`; a key held in a token may fail to sign.
    fn sign_message(&self, message: &[u8]) -> Result<[u8; 64], String>;
    /// The public key as the trust list publishes it (before base64url).
    fn public_key_bytes(&self) -> Vec<u8>;
}

impl CredentialSigner for SigningKey {
    fn algorithm(&self) -> KeyAlgorithm {
        KeyAlgorithm::Ed25519
    }

    fn sign_message(&self, message: &[u8]) -> Result<[u8; 64], String> {
        Ok(self.sign(message).to_bytes())
    }

    fn public_key_bytes(&self) -> Vec<u8> {
        self.verifying_key().to_bytes().to_vec()
    }
}

/// An SM2 signing key (GB/T 32918, SM3, distinguishing identifier [`SM2_DISTID`]).
#[derive(Clone)]
pub struct Sm2SigningKey(sm2::dsa::SigningKey);

impl std::fmt::Debug for Sm2SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sm2SigningKey(…)")
    }
}

impl Sm2SigningKey {
    /// A new random key.
    pub fn generate() -> Sm2SigningKey {
        let secret = sm2::SecretKey::random(&mut rand_core::OsRng);
        Sm2SigningKey(sm2::dsa::SigningKey::new(SM2_DISTID, &secret).expect("a random SM2 key signs"))
    }

    /// The key of a 32-byte secret scalar; `None` for one that is not a key (zero, or past the
    /// curve's order).
    pub fn from_bytes(secret: &[u8; 32]) -> Option<Sm2SigningKey> {
        let secret = sm2::SecretKey::from_slice(secret).ok()?;
        sm2::dsa::SigningKey::new(SM2_DISTID, &secret).ok().map(Sm2SigningKey)
    }

    /// The 32-byte secret scalar.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes().into()
    }
}

impl CredentialSigner for Sm2SigningKey {
    fn algorithm(&self) -> KeyAlgorithm {
        KeyAlgorithm::Sm2
    }

    fn sign_message(&self, message: &[u8]) -> Result<[u8; 64], String> {
        let signature: sm2::dsa::Signature = sm2::dsa::signature::Signer::sign(&self.0, message);
        Ok(signature.to_bytes())
    }

    fn public_key_bytes(&self) -> Vec<u8> {
        self.0.verifying_key().to_sec1_bytes().to_vec()
    }
}

/// Whether `signature` is `public_key`'s (of `algorithm`) over `message`.
pub(crate) fn signature_holds(algorithm: KeyAlgorithm, public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    match algorithm {
        KeyAlgorithm::Ed25519 => {
            let (Ok(bytes), Ok(sig)) = (<[u8; 32]>::try_from(public_key), Signature::from_slice(signature)) else {
                return false;
            };
            VerifyingKey::from_bytes(&bytes).is_ok_and(|k| k.verify(message, &sig).is_ok())
        }
        KeyAlgorithm::Sm2 => {
            let (Ok(key), Ok(sig)) =
                (sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DISTID, public_key), sm2::dsa::Signature::from_slice(signature))
            else {
                return false;
            };
            sm2::dsa::signature::Verifier::verify(&key, message, &sig).is_ok()
        }
    }
}

/// Signed messages are prefixed with this, so an Ed25519 key used here can never be tricked
/// into signing something that reads as a credential elsewhere, or the reverse.
const SIGNING_CONTEXT: &[u8] = b"certdesk/credential/v1\0";

/// Day 0 of the compact date encoding.
fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).expect("a real date")
}

/// Why a credential could not be made. These are the platform's own mistakes (bad key id,
/// dates out of range, a base URL too long for the QR code), never a clerk's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// A date before 2000-01-01 or after 2179.
    #[error("date {0} cannot be encoded in a credential")]
    DateOutOfRange(NaiveDate),
    /// valid_until before valid_from.
    #[error("validity ends before it starts")]
    EmptyValidity,
    /// The URL would not fit a QR code of version 10 at error correction Q.
    #[error(
        "credential URL would be {0} bytes; at most {QR_V10_Q_BYTES} fit a version-10 Q QR code"
    )]
    TooLong(usize),
    /// The base URL must be https and end with `/`.
    #[error("base URL must start with https:// and end with /")]
    BadBaseUrl,
    /// The key could not sign (a hardware key's token refused or is gone).
    #[error("signing failed: {0}")]
    Signer(String),
}

/// What a credential says, all of it signed. Deliberately no personal data: the public page
/// looks the rest up live by `certificate_code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialClaims {
    /// The platform key that signed it (see the trust list).
    pub key_id: u16,
    /// The certificate.
    pub certificate_code: CertificateCode,
    /// Which printed card: reissuing a card increments it and replaces the older ones.
    pub card_version: u16,
    /// First day the card is valid.
    pub valid_from: NaiveDate,
    /// Last day the card is valid.
    pub valid_until: NaiveDate,
}

fn encode_date(d: NaiveDate) -> Result<[u8; 2], CredentialError> {
    let days = d.signed_duration_since(epoch()).num_days();
    u16::try_from(days)
        .map(u16::to_be_bytes)
        .map_err(|_| CredentialError::DateOutOfRange(d))
}

fn decode_date(b: [u8; 2]) -> NaiveDate {
    epoch() + Days::new(u64::from(u16::from_be_bytes(b)))
}

impl CredentialClaims {
    /// The 15 signed bytes, with the version byte `version`.
    fn body(&self, version: u8) -> Result<[u8; BODY_LEN], CredentialError> {
        if self.valid_until < self.valid_from {
            return Err(CredentialError::EmptyValidity);
        }
        let mut b = [0u8; BODY_LEN];
        b[0] = version;
        b[1..3].copy_from_slice(&self.key_id.to_be_bytes());
        b[3] = self.certificate_code.district();
        b[4..6].copy_from_slice(&self.certificate_code.year().to_be_bytes());
        b[6..9].copy_from_slice(&self.certificate_code.serial().to_be_bytes()[1..]);
        b[9..11].copy_from_slice(&self.card_version.to_be_bytes());
        b[11..13].copy_from_slice(&encode_date(self.valid_from)?);
        b[13..15].copy_from_slice(&encode_date(self.valid_until)?);
        Ok(b)
    }

    /// Reads the body; `None` when it cannot be a credential of a known format.
    fn from_body(b: &[u8]) -> Option<Self> {
        if b.len() != BODY_LEN || b[0] != FORMAT_VERSION {
            return None;
        }
        let serial = u32::from_be_bytes([0, b[6], b[7], b[8]]);
        let code = CertificateCode::new(b[3], u16::from_be_bytes([b[4], b[5]]), serial).ok()?;
        let valid_from = decode_date([b[11], b[12]]);
        let valid_until = decode_date([b[13], b[14]]);
        if valid_until < valid_from {
            return None;
        }
        Some(CredentialClaims {
            key_id: u16::from_be_bytes([b[1], b[2]]),
            certificate_code: code,
            card_version: u16::from_be_bytes([b[9], b[10]]),
            valid_from,
            valid_until,
        })
    }
}

/// The 19 signed bytes of an electronic card: the printed body with the electronic version
/// byte, and the signing time in seconds since 1970 (UTC, big-endian).
fn electronic_body(
    claims: &CredentialClaims,
    signed_at: DateTime<Utc>,
    algorithm: KeyAlgorithm,
) -> Result<[u8; ELECTRONIC_BODY_LEN], CredentialError> {
    let printed = claims.body(algorithm.version(true))?;
    let secs = u32::try_from(signed_at.timestamp())
        .map_err(|_| CredentialError::DateOutOfRange(signed_at.with_timezone(&shanghai()).date_naive()))?;
    let mut b = [0u8; ELECTRONIC_BODY_LEN];
    b[..BODY_LEN].copy_from_slice(&printed);
    b[BODY_LEN..].copy_from_slice(&secs.to_be_bytes());
    Ok(b)
}

fn signed_message(body: &[u8]) -> Vec<u8> {
    [SIGNING_CONTEXT, body].concat()
}

/// Signs the claims and returns the payload as base64url without padding
/// ([`PAYLOAD_CHARS`] characters). `claims.key_id` must be the id of `key` in the trust list.
pub fn sign_payload(
    claims: &CredentialClaims,
    key: &(impl CredentialSigner + ?Sized),
) -> Result<String, CredentialError> {
    let body = claims.body(key.algorithm().version(false))?;
    let signature = key.sign_message(&signed_message(&body)).map_err(CredentialError::Signer)?;
    let mut payload = Vec::with_capacity(PAYLOAD_LEN);
    payload.extend_from_slice(&body);
    payload.extend_from_slice(&signature);
    Ok(URL_SAFE_NO_PAD.encode(payload))
}

/// The URL printed as the card's QR code: `base_url` (e.g. `https://cert.example.cn/c/`)
/// followed by the signed payload. Refuses a URL that would not fit a version-10 Q QR code.
pub fn issue_url(
    base_url: &str,
    claims: &CredentialClaims,
    key: &(impl CredentialSigner + ?Sized),
) -> Result<String, CredentialError> {
    if !base_url.starts_with("https://") || !base_url.ends_with('/') {
        return Err(CredentialError::BadBaseUrl);
    }
    let url = format!("{base_url}{}", sign_payload(claims, key)?);
    if url.len() > QR_V10_Q_BYTES {
        return Err(CredentialError::TooLong(url.len()));
    }
    Ok(url)
}

/// The QR code of a worker's electronic card at `signed_at`: `base_url` (the same `/c/` as
/// the printed card's) followed by an electronic payload ([`ELECTRONIC_PAYLOAD_CHARS`]
/// characters). Shown on a phone, not printed, so it is not held to the printed size.
pub fn issue_electronic_url(
    base_url: &str,
    claims: &CredentialClaims,
    signed_at: DateTime<Utc>,
    key: &(impl CredentialSigner + ?Sized),
) -> Result<String, CredentialError> {
    if !base_url.starts_with("https://") || !base_url.ends_with('/') {
        return Err(CredentialError::BadBaseUrl);
    }
    let body = electronic_body(claims, signed_at, key.algorithm())?;
    let signature = key.sign_message(&signed_message(&body)).map_err(CredentialError::Signer)?;
    let mut payload = Vec::with_capacity(ELECTRONIC_PAYLOAD_LEN);
    payload.extend_from_slice(&body);
    payload.extend_from_slice(&signature);
    Ok(format!("{base_url}{}", URL_SAFE_NO_PAD.encode(payload)))
}

/// One platform public key, as served in the trust list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrustedKey {
    /// Id carried in every credential the key signed.
    pub key_id: u16,
    /// The public key, base64url without padding: 32 bytes for Ed25519, 65 (uncompressed SEC1)
    /// for SM2.
    pub public_key: String,
    /// Which signature the key makes; left out for Ed25519 (as before SM2 existed).
    #[serde(default, skip_serializing_if = "KeyAlgorithm::is_ed25519")]
    pub algorithm: KeyAlgorithm,
    /// First day the key signed credentials.
    pub not_before: NaiveDate,
    /// Last day the key may have signed credentials (set when it is rotated out); `None` while
    /// it is the current key. Credentials it signed before then stay valid.
    pub not_after: Option<NaiveDate>,
}

impl TrustedKey {
    /// The trust-list entry for a signing key.
    pub fn for_signing_key(
        key_id: u16,
        key: &(impl CredentialSigner + ?Sized),
        not_before: NaiveDate,
        not_after: Option<NaiveDate>,
    ) -> Self {
        TrustedKey {
            key_id,
            public_key: URL_SAFE_NO_PAD.encode(key.public_key_bytes()),
            algorithm: key.algorithm(),
            not_before,
            not_after,
        }
    }

    /// Whether the key was in service on `day`.
    pub(crate) fn covers(&self, day: NaiveDate) -> bool {
        day >= self.not_before && self.not_after.is_none_or(|end| day <= end)
    }
}

/// The platform keys a verifier trusts, served at `/api/v1/trust-list` and synced to desks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrustList {
    /// Every key whose credentials may still be valid.
    pub keys: Vec<TrustedKey>,
}

/// The current state of one certificate that is no longer plainly valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevocationEntry {
    /// The certificate.
    pub certificate_code: String,
    /// The certificate was cancelled (注销): every card of it is revoked.
    pub revoked: bool,
    /// The newest card; cards with a lower `card_version` were replaced.
    pub current_card_version: u16,
}

/// Certificates that are cancelled or have replaced cards, city-wide. Holds no personal data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevocationList {
    /// One entry per certificate.
    pub entries: Vec<RevocationEntry>,
}

/// The outcome of checking a scanned card. Only the variants that carry claims have had their
/// signature verified; nothing else may be shown as coming from the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Not a credential of any known format (another QR code, a truncated scan...).
    NotACertificate,
    /// Made by a key the verifier does not trust, or outside that key's service period.
    UnknownKey {
        /// The key id the payload claims.
        key_id: u16,
    },
    /// The signature does not match: forged or altered.
    BadSignature,
    /// Genuine, but the certificate was cancelled.
    Revoked(CredentialClaims),
    /// Genuine, but a newer card of the same certificate exists.
    Replaced {
        /// What the scanned card says.
        claims: CredentialClaims,
        /// The card version now in use.
        current_card_version: u16,
    },
    /// Genuine, but `today` is outside its validity period.
    Expired(CredentialClaims),
    /// A genuine electronic card's QR code, but too old (a screenshot) or dated ahead: it
    /// proves nothing about the phone showing it now.
    Stale(CredentialClaims),
    /// Genuine and in force.
    Valid(CredentialClaims),
}

/// A scan checked at a moment ([`verify_at`]): the verdict and, for an electronic card whose
/// signature verified, when its QR code was signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The verdict.
    pub verdict: Verdict,
    /// When the electronic card's QR code was signed; `None` for a printed card, or when the
    /// signature did not verify.
    pub signed_at: Option<DateTime<Utc>>,
}

impl Checked {
    /// How old the electronic card's QR code was at `now`, in whole seconds (never negative).
    pub fn age_seconds(&self, now: DateTime<Utc>) -> Option<i64> {
        self.signed_at.map(|t| (now - t).num_seconds().max(0))
    }
}

/// Which [`Verdict`] it is, without its claims: what a verify screen reports and matches on.
/// The serde name is the verdict's stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum VerdictKind {
    /// Genuine and in force.
    Valid,
    /// Genuine, but a newer card of the same certificate exists.
    Replaced,
    /// Genuine, but the certificate was cancelled.
    Revoked,
    /// Genuine, but outside its validity period.
    Expired,
    /// A genuine electronic card's QR code that is too old to prove anything (a screenshot).
    Stale,
    /// Forged or altered.
    BadSignature,
    /// Made by a key the verifier does not trust.
    UnknownKey,
    /// Not a credential of any known format.
    NotACertificate,
}

impl VerdictKind {
    /// Every kind.
    pub const ALL: [VerdictKind; 8] = [
        VerdictKind::Valid,
        VerdictKind::Replaced,
        VerdictKind::Revoked,
        VerdictKind::Expired,
        VerdictKind::Stale,
        VerdictKind::BadSignature,
        VerdictKind::UnknownKey,
        VerdictKind::NotACertificate,
    ];

    /// Stable code for UIs and logs (same as the serde name).
    pub fn code(&self) -> &'static str {
        match self {
            VerdictKind::NotACertificate => "not_a_certificate",
            VerdictKind::UnknownKey => "unknown_key",
            VerdictKind::BadSignature => "bad_signature",
            VerdictKind::Revoked => "revoked",
            VerdictKind::Replaced => "replaced",
            VerdictKind::Expired => "expired",
            VerdictKind::Stale => "stale",
            VerdictKind::Valid => "valid",
        }
    }
}

impl certdesk_domain::Code for VerdictKind {
    const ALL: &'static [Self] = &VerdictKind::ALL;
    const WHAT: &'static str = "verdict";
    fn code(&self) -> &'static str {
        VerdictKind::code(self)
    }
}

/// A kind equals its stable code (`verdict == "valid"`).
impl PartialEq<&str> for VerdictKind {
    fn eq(&self, other: &&str) -> bool {
        self.code() == *other
    }
}

/// Shows the stable code.
impl std::fmt::Display for VerdictKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Verdict {
    /// Which verdict this is.
    pub fn kind(&self) -> VerdictKind {
        match self {
            Verdict::NotACertificate => VerdictKind::NotACertificate,
            Verdict::UnknownKey { .. } => VerdictKind::UnknownKey,
            Verdict::BadSignature => VerdictKind::BadSignature,
            Verdict::Revoked(_) => VerdictKind::Revoked,
            Verdict::Replaced { .. } => VerdictKind::Replaced,
            Verdict::Expired(_) => VerdictKind::Expired,
            Verdict::Stale(_) => VerdictKind::Stale,
            Verdict::Valid(_) => VerdictKind::Valid,
        }
    }

    /// Stable code for UIs and logs.
    pub fn code(&self) -> &'static str {
        self.kind().code()
    }

    /// What a citizen or clerk reads, in Chinese.
    pub fn label_zh(&self) -> &'static str {
        crate::messages::verdict(self.kind()).0
    }

    /// The same in English.
    pub fn label_en(&self) -> &'static str {
        crate::messages::verdict(self.kind()).1
    }

    /// The claims, for a verdict whose signature verified.
    pub fn claims(&self) -> Option<&CredentialClaims> {
        match self {
            Verdict::Valid(c) | Verdict::Expired(c) | Verdict::Revoked(c) | Verdict::Stale(c) => Some(c),
            Verdict::Replaced { claims, .. } => Some(claims),
            Verdict::NotACertificate | Verdict::UnknownKey { .. } | Verdict::BadSignature => None,
        }
    }
}

/// Extracts the payload from what the camera read: the full URL, or the bare payload.
fn payload_bytes(scanned: &str) -> Option<Vec<u8>> {
    let s = scanned.trim();
    let s = s.split(['?', '#']).next().unwrap_or(s);
    let last = s.rsplit('/').next().unwrap_or(s);
    if last.len() != PAYLOAD_CHARS && last.len() != ELECTRONIC_PAYLOAD_CHARS {
        return None;
    }
    URL_SAFE_NO_PAD
        .decode(last)
        .ok()
        .filter(|b| {
            matches!(KeyAlgorithm::of_version(b[0]), Some((_, electronic))
                if b.len() == if electronic { ELECTRONIC_PAYLOAD_LEN } else { PAYLOAD_LEN })
        })
}

/// Whether a scanned text has the shape of an electronic card's payload (not verified).
pub fn looks_electronic(scanned: &str) -> bool {
    payload_bytes(scanned).is_some_and(|b| KeyAlgorithm::of_version(b[0]).is_some_and(|(_, electronic)| electronic))
}

/// The certificate code a payload *claims*, before anything is verified: a verifier that
/// looks certificates up by code (the platform's public page) uses it to fetch the one record
/// it needs and then calls [`verify`]. It must never be shown or trusted on its own.
pub fn claimed_certificate_code(scanned: &str) -> Option<CertificateCode> {
    let payload = payload_bytes(scanned)?;
    let serial = u32::from_be_bytes([0, payload[6], payload[7], payload[8]]);
    CertificateCode::new(
        payload[3],
        u16::from_be_bytes([payload[4], payload[5]]),
        serial,
    )
    .ok()
}

/// Checks a scanned printed card offline. Order matters: the signature is checked before any
/// field is believed; a cancelled certificate is reported as revoked even when it has also
/// expired. An electronic card's QR code needs the time of day to be judged: without it
/// (here) a genuine one is [`Verdict::Stale`]; use [`verify_at`].
pub fn verify(
    scanned: &str,
    trust: &TrustList,
    revocations: &RevocationList,
    today: NaiveDate,
) -> Verdict {
    check(scanned, trust, revocations, today, None).verdict
}

/// Checks a scanned card, printed or electronic, at `now` (the day is Shanghai's): as
/// [`verify`], and an electronic card's QR code is [`Verdict::Stale`] once it is older than
/// [`ELECTRONIC_MAX_AGE_SECONDS`] or dated more than [`ELECTRONIC_MAX_AHEAD_SECONDS`] ahead.
pub fn verify_at(
    scanned: &str,
    trust: &TrustList,
    revocations: &RevocationList,
    now: DateTime<Utc>,
) -> Checked {
    check(scanned, trust, revocations, now.with_timezone(&shanghai()).date_naive(), Some(now))
}

fn check(
    scanned: &str,
    trust: &TrustList,
    revocations: &RevocationList,
    today: NaiveDate,
    now: Option<DateTime<Utc>>,
) -> Checked {
    let plain = |verdict| Checked { verdict, signed_at: None };
    let Some(payload) = payload_bytes(scanned) else {
        return plain(Verdict::NotACertificate);
    };
    let Some((algorithm, electronic)) = KeyAlgorithm::of_version(payload[0]) else {
        return plain(Verdict::NotACertificate);
    };
    let body_len = if electronic { ELECTRONIC_BODY_LEN } else { BODY_LEN };
    let (body, sig) = payload.split_at(body_len);
    // The key id is read before the signature is checked only to pick the key; it is not
    // shown as fact unless the signature verifies.
    let key_id = u16::from_be_bytes([body[1], body[2]]);
    let Some(key) = trust.keys.iter().find(|k| k.key_id == key_id) else {
        return plain(Verdict::UnknownKey { key_id });
    };
    let Ok(public_key) = URL_SAFE_NO_PAD.decode(&key.public_key) else {
        return plain(Verdict::UnknownKey { key_id });
    };
    // The version names the algorithm; a key of another algorithm never vouches for it.
    if key.algorithm != algorithm || !signature_holds(algorithm, &public_key, &signed_message(body), sig) {
        return plain(Verdict::BadSignature);
    }
    // A genuine signature over a body that does not parse means the platform signed garbage;
    // refuse it rather than guess.
    let mut printed = [0u8; BODY_LEN];
    printed.copy_from_slice(&body[..BODY_LEN]);
    printed[0] = FORMAT_VERSION;
    let Some(claims) = CredentialClaims::from_body(&printed) else {
        return plain(Verdict::NotACertificate);
    };
    let signed_at = (body_len == ELECTRONIC_BODY_LEN).then(|| {
        let secs = u32::from_be_bytes([body[15], body[16], body[17], body[18]]);
        DateTime::<Utc>::from_timestamp(i64::from(secs), 0).expect("a u32 of seconds is a time")
    });
    let checked = |verdict| Checked { verdict, signed_at };
    // A printed card is signed on its first day; an electronic card's code when it was shown,
    // by the key in service then (a card may outlive the key its printed code was signed by).
    // Keys are in service from a Shanghai day, so the signing time is read as Shanghai's: from
    // 16:00 UTC on, the UTC date is still yesterday and a key made today would not cover it.
    let signed_on = signed_at.map_or(claims.valid_from, |t| t.with_timezone(&shanghai()).date_naive());
    if !key.covers(signed_on) {
        return plain(Verdict::UnknownKey { key_id });
    }
    // Signed, but a validity the programme never grants (longer than three years, or ending
    // before it starts): only a leaked key or a broken signer makes one. Refused as not genuine.
    let days = (claims.valid_until - claims.valid_from).num_days() + 1;
    if days < 1 || days > i64::from(certdesk_domain::certificate_code::MAX_CERTIFICATE_VALIDITY_DAYS) {
        return plain(Verdict::BadSignature);
    }
    let code = claims.certificate_code.to_string();
    if let Some(entry) = revocations
        .entries
        .iter()
        .find(|e| e.certificate_code == code)
    {
        if entry.revoked {
            return checked(Verdict::Revoked(claims));
        }
        if claims.card_version < entry.current_card_version {
            return checked(Verdict::Replaced {
                claims,
                current_card_version: entry.current_card_version,
            });
        }
    }
    if today < claims.valid_from || today > claims.valid_until {
        return checked(Verdict::Expired(claims));
    }
    if let Some(at) = signed_at {
        let fresh = now.is_some_and(|now| {
            let age = (now - at).num_seconds();
            (-ELECTRONIC_MAX_AHEAD_SECONDS..=ELECTRONIC_MAX_AGE_SECONDS).contains(&age)
        });
        if !fresh {
            return checked(Verdict::Stale(claims));
        }
    }
    checked(Verdict::Valid(claims))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://zhengjian.shanghai.example.gov.cn/c/";

    #[test]
    fn verdict_kinds_serialise_as_the_codes_the_verify_screen_has_always_received() {
        let codes: Vec<String> = VerdictKind::ALL.iter().map(|k| serde_json::to_string(k).unwrap()).collect();
        assert_eq!(
            codes.join(","),
            r#""valid","replaced","revoked","expired","stale","bad_signature","unknown_key","not_a_certificate""#
        );
        for k in VerdictKind::ALL {
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.code()));
        }
        assert_eq!(Verdict::BadSignature.kind(), VerdictKind::BadSignature);
        assert_eq!(Verdict::UnknownKey { key_id: 7 }.code(), "unknown_key");
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn claims() -> CredentialClaims {
        CredentialClaims {
            key_id: 7,
            certificate_code: CertificateCode::new(11, 2026, 123_456).unwrap(),
            card_version: 2,
            valid_from: date(2026, 11, 27),
            valid_until: date(2029, 11, 26),
        }
    }

    fn trust() -> TrustList {
        TrustList {
            keys: vec![TrustedKey::for_signing_key(
                7,
                &key(1),
                date(2026, 1, 1),
                None,
            )],
        }
    }

    fn today() -> NaiveDate {
        date(2027, 3, 1)
    }

    fn url() -> String {
        issue_url(BASE, &claims(), &key(1)).unwrap()
    }

    #[test]
    fn the_claimed_code_is_read_without_verifying_and_only_from_a_well_formed_payload() {
        assert_eq!(
            claimed_certificate_code(&url()),
            Some(claims().certificate_code)
        );
        assert_eq!(claimed_certificate_code("https://x/c/short"), None);
        assert_eq!(claimed_certificate_code(&"A".repeat(PAYLOAD_CHARS)), None);
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn electronic(signed_at: &str) -> String {
        issue_electronic_url(BASE, &claims(), at(signed_at), &key(1)).unwrap()
    }

    #[test]
    fn an_electronic_card_verifies_while_fresh_and_is_stale_minutes_later() {
        let url = electronic("2027-03-01T02:00:00Z");
        assert_eq!(url.len() - BASE.len(), ELECTRONIC_PAYLOAD_CHARS);
        assert!(looks_electronic(&url) && !looks_electronic(&super::tests::url()));
        assert_eq!(claimed_certificate_code(&url), Some(claims().certificate_code));
        let none = RevocationList::default();
        let fresh = verify_at(&url, &trust(), &none, at("2027-03-01T02:00:45Z"));
        assert_eq!(fresh.verdict, Verdict::Valid(claims()));
        assert_eq!(fresh.signed_at, Some(at("2027-03-01T02:00:00Z")));
        assert_eq!(fresh.age_seconds(at("2027-03-01T02:00:45Z")), Some(45));
        // At the edge of the window still valid; a second later a screenshot proves nothing.
        let edge = verify_at(&url, &trust(), &none, at("2027-03-01T02:03:00Z"));
        assert_eq!(edge.verdict, Verdict::Valid(claims()));
        let stale = verify_at(&url, &trust(), &none, at("2027-03-01T02:03:01Z"));
        assert_eq!(stale.verdict, Verdict::Stale(claims()));
        assert_eq!(stale.verdict.kind(), VerdictKind::Stale);
        // Dated ahead of the verifier's clock by more than clocks disagree: not accepted.
        let ahead = verify_at(&url, &trust(), &none, at("2027-03-01T01:59:29Z"));
        assert_eq!(ahead.verdict, Verdict::Stale(claims()));
        // Without a clock an electronic code cannot be judged fresh.
        assert_eq!(verify(&url, &trust(), &none, today()), Verdict::Stale(claims()));
        // A printed card checked at a moment carries no signing time.
        let printed = verify_at(&super::tests::url(), &trust(), &none, at("2027-03-01T02:00:00Z"));
        assert_eq!(printed, Checked { verdict: Verdict::Valid(claims()), signed_at: None });
    }

    /// Keys serve from a Shanghai day. From 16:00 UTC Shanghai is already on the next day: a
    /// key made then (in service from that Shanghai day) signs an electronic card that must
    /// verify, though the UTC date of its signing time is still the day before. (CI found this
    /// at 16:07 UTC: every card signed by a key made that evening read as "unknown key".)
    #[test]
    fn a_key_made_after_16_utc_vouches_for_the_electronic_cards_it_signs_that_evening() {
        let evening = "2027-03-01T16:30:00Z";
        let key_from_shanghais_day = TrustList { keys: vec![TrustedKey::for_signing_key(7, &key(1), date(2027, 3, 2), None)] };
        let checked = verify_at(&electronic(evening), &key_from_shanghais_day, &RevocationList::default(), at("2027-03-01T16:30:10Z"));
        assert_eq!(checked.verdict, Verdict::Valid(claims()));
        // And a key retired on a Shanghai day no longer vouches for a code signed after its
        // Shanghai midnight, though that is still the same UTC day.
        let retired = TrustList { keys: vec![TrustedKey::for_signing_key(7, &key(1), date(2026, 1, 1), Some(date(2027, 3, 1)))] };
        let checked = verify_at(&electronic(evening), &retired, &RevocationList::default(), at("2027-03-01T16:30:10Z"));
        assert_eq!(checked.verdict, Verdict::UnknownKey { key_id: 7 });
    }

    #[test]
    fn an_altered_electronic_time_or_a_cancelled_card_is_refused_whatever_the_time() {
        let url = electronic("2027-03-01T02:00:00Z");
        let payload = url.rsplit('/').next().unwrap();
        let mut bytes = URL_SAFE_NO_PAD.decode(payload).unwrap();
        // Move the signing time forward by an hour: the signature no longer matches.
        let secs = u32::from_be_bytes([bytes[15], bytes[16], bytes[17], bytes[18]]) + 3600;
        bytes[15..19].copy_from_slice(&secs.to_be_bytes());
        let forged = format!("{BASE}{}", URL_SAFE_NO_PAD.encode(&bytes));
        let none = RevocationList::default();
        let got = verify_at(&forged, &trust(), &none, at("2027-03-01T03:00:10Z"));
        assert_eq!(got, Checked { verdict: Verdict::BadSignature, signed_at: None });
        // A printed payload relabelled electronic (or the reverse) does not parse as either.
        let mut relabelled = URL_SAFE_NO_PAD.decode(payload).unwrap();
        relabelled[0] = FORMAT_VERSION;
        let relabelled = format!("{BASE}{}", URL_SAFE_NO_PAD.encode(&relabelled));
        assert_eq!(verify_at(&relabelled, &trust(), &none, at("2027-03-01T02:00:10Z")).verdict, Verdict::NotACertificate);
        let revoked = RevocationList {
            entries: vec![RevocationEntry {
                certificate_code: claims().certificate_code.to_string(),
                revoked: true,
                current_card_version: 2,
            }],
        };
        let got = verify_at(&url, &trust(), &revoked, at("2027-03-01T02:00:10Z"));
        assert_eq!(got.verdict, Verdict::Revoked(claims()));
        let replaced = RevocationList {
            entries: vec![RevocationEntry {
                certificate_code: claims().certificate_code.to_string(),
                revoked: false,
                current_card_version: 3,
            }],
        };
        let got = verify_at(&url, &trust(), &replaced, at("2027-03-01T02:00:10Z"));
        assert_eq!(got.verdict.kind(), VerdictKind::Replaced);
    }

    #[test]
    fn a_genuine_card_in_force_is_valid_and_its_claims_round_trip() {
        let got = verify(&url(), &trust(), &RevocationList::default(), today());
        assert_eq!(got, Verdict::Valid(claims()));
    }

    /// The test vector of `docs/credential-format.md`: secret key seed 32 bytes of 0x01, key id
    /// 7, SH112026123456J, card 2, 2026-11-27 to 2029-11-26. Ed25519 is
    /// deterministic, so the URL is fixed; another implementation must produce it exactly.
    #[test]
    fn the_documented_test_vector_is_reproduced() {
        let u = url();
        assert_eq!(u, TEST_VECTOR_URL);
        assert_eq!(claims().certificate_code.to_string(), "SH112026123456J");
    }

    const TEST_VECTOR_URL: &str = "https://zhengjian.shanghai.example.gov.cn/c/AQAHCwfqAeJAAAImYyqqFPf2km0Ui_RkXy1b_pgIzb8FhpqlF435LOoKFKQBMVIgNkYJqRZJGtcoHi9bEIgX7hR1hkM3otRZ4x3mMIXJCw";

    #[test]
    fn the_url_fits_a_version_10_q_qr_code_even_with_the_longest_allowed_base() {
        assert_eq!(
            PAYLOAD_CHARS, 106,
            "the format's size is part of the contract"
        );
        let u = url();
        assert!(u.len() <= QR_V10_Q_BYTES, "{} bytes: {u}", u.len());
        let longest_base = format!("https://{}/", "a".repeat(MAX_BASE_URL_LEN - 9));
        assert_eq!(longest_base.len(), MAX_BASE_URL_LEN);
        let u = issue_url(&longest_base, &claims(), &key(1)).unwrap();
        assert_eq!(u.len(), QR_V10_Q_BYTES);
        let too_long = format!("https://{}/", "a".repeat(MAX_BASE_URL_LEN - 8));
        assert_eq!(
            issue_url(&too_long, &claims(), &key(1)),
            Err(CredentialError::TooLong(QR_V10_Q_BYTES + 1))
        );
    }

    #[test]
    fn the_payload_carries_no_personal_data() {
        // 15 bytes of body: there is no room for a name or an ID number, and the body is
        // exactly the fields listed in the format.
        assert_eq!(BODY_LEN, 1 + 2 + 6 + 2 + 2 + 2);
    }

    #[test]
    fn other_qr_codes_are_not_certificates() {
        for scanned in [
            "",
            "https://weixin.qq.com/r/abcdef",
            "hello",
            &format!("{BASE}{}", "A".repeat(PAYLOAD_CHARS - 1)),
            &format!(
                "{BASE}{}!",
                &url()[BASE.len()..PAYLOAD_CHARS + BASE.len() - 1]
            ),
        ] {
            assert_eq!(
                verify(scanned, &trust(), &RevocationList::default(), today()),
                Verdict::NotACertificate,
                "{scanned:?}"
            );
        }
    }

    #[test]
    fn an_unknown_format_version_is_not_a_certificate() {
        let mut bytes = URL_SAFE_NO_PAD.decode(&url()[BASE.len()..]).unwrap();
        bytes[0] = 2;
        let scanned = format!("{BASE}{}", URL_SAFE_NO_PAD.encode(bytes));
        assert_eq!(
            verify(&scanned, &trust(), &RevocationList::default(), today()),
            Verdict::NotACertificate
        );
    }

    #[test]
    fn a_tampered_payload_is_never_valid() {
        let bytes = URL_SAFE_NO_PAD.decode(&url()[BASE.len()..]).unwrap();
        for i in 0..PAYLOAD_LEN {
            for flip in [0x01u8, 0x80] {
                let mut bad = bytes.clone();
                bad[i] ^= flip;
                let scanned = format!("{BASE}{}", URL_SAFE_NO_PAD.encode(&bad));
                let got = verify(&scanned, &trust(), &RevocationList::default(), today());
                assert!(
                    matches!(
                        got,
                        Verdict::BadSignature
                            | Verdict::UnknownKey { .. }
                            | Verdict::NotACertificate
                    ),
                    "byte {i} flipped by {flip:#x} gave {got:?}"
                );
            }
        }
    }

    #[test]
    fn a_changed_field_with_the_right_key_id_is_a_bad_signature() {
        let mut bytes = URL_SAFE_NO_PAD.decode(&url()[BASE.len()..]).unwrap();
        bytes[14] ^= 0x10; // push valid_until far out
        let scanned = format!("{BASE}{}", URL_SAFE_NO_PAD.encode(&bytes));
        assert_eq!(
            verify(&scanned, &trust(), &RevocationList::default(), today()),
            Verdict::BadSignature
        );
    }

    #[test]
    fn a_card_signed_by_another_key_under_a_trusted_id_is_a_bad_signature() {
        let forged = issue_url(BASE, &claims(), &key(2)).unwrap();
        assert_eq!(
            verify(&forged, &trust(), &RevocationList::default(), today()),
            Verdict::BadSignature
        );
    }

    #[test]
    fn a_card_from_an_untrusted_key_id_is_unknown_key() {
        let mut c = claims();
        c.key_id = 8;
        let u = issue_url(BASE, &c, &key(1)).unwrap();
        assert_eq!(
            verify(&u, &trust(), &RevocationList::default(), today()),
            Verdict::UnknownKey { key_id: 8 }
        );
    }

    #[test]
    fn a_signed_card_claiming_a_validity_the_programme_never_grants_is_refused() {
        // One day past three years, signed by the trusted key itself (the signer refuses a
        // validity that ends before it starts, so only a length can be tried here).
        let too_long = CredentialClaims { valid_until: date(2029, 11, 27), ..claims() };
        let u = issue_url(BASE, &too_long, &key(1)).unwrap();
        assert_eq!(verify(&u, &trust(), &RevocationList::default(), today()), Verdict::BadSignature);
        assert_eq!(verify(&url(), &trust(), &RevocationList::default(), today()), Verdict::Valid(claims()), "three years exactly is valid");
    }

    #[test]
    fn a_card_signed_outside_its_keys_service_period_is_unknown_key() {
        let mut t = trust();
        t.keys[0].not_after = Some(date(2026, 6, 30));
        assert_eq!(
            verify(&url(), &t, &RevocationList::default(), today()),
            Verdict::UnknownKey { key_id: 7 }
        );
        t.keys[0].not_after = Some(date(2026, 12, 31));
        assert_eq!(
            verify(&url(), &t, &RevocationList::default(), today()),
            Verdict::Valid(claims()),
            "a rotated-out key's earlier cards stay valid"
        );
    }

    #[test]
    fn a_card_outside_its_dates_is_expired() {
        for day in [date(2026, 11, 26), date(2029, 11, 27)] {
            assert_eq!(
                verify(&url(), &trust(), &RevocationList::default(), day),
                Verdict::Expired(claims()),
                "{day}"
            );
        }
        for day in [date(2026, 11, 27), date(2029, 11, 26)] {
            assert_eq!(
                verify(&url(), &trust(), &RevocationList::default(), day),
                Verdict::Valid(claims()),
                "{day} is inside the period"
            );
        }
    }

    #[test]
    fn a_cancelled_certificate_is_revoked_even_after_expiry() {
        let list = RevocationList {
            entries: vec![RevocationEntry {
                certificate_code: claims().certificate_code.to_string(),
                revoked: true,
                current_card_version: 2,
            }],
        };
        assert_eq!(
            verify(&url(), &trust(), &list, today()),
            Verdict::Revoked(claims())
        );
        assert_eq!(
            verify(&url(), &trust(), &list, date(2035, 1, 1)),
            Verdict::Revoked(claims())
        );
    }

    #[test]
    fn an_older_card_of_a_reissued_certificate_is_replaced_and_the_newest_is_valid() {
        let list = RevocationList {
            entries: vec![RevocationEntry {
                certificate_code: claims().certificate_code.to_string(),
                revoked: false,
                current_card_version: 3,
            }],
        };
        assert_eq!(
            verify(&url(), &trust(), &list, today()),
            Verdict::Replaced {
                claims: claims(),
                current_card_version: 3
            }
        );
        let mut newer = claims();
        newer.card_version = 3;
        let u = issue_url(BASE, &newer, &key(1)).unwrap();
        assert_eq!(verify(&u, &trust(), &list, today()), Verdict::Valid(newer));
    }

    #[test]
    fn the_bare_payload_and_a_url_with_a_query_are_read_too() {
        let u = url();
        let bare = &u[BASE.len()..];
        let valid = Verdict::Valid(claims());
        assert_eq!(
            verify(bare, &trust(), &RevocationList::default(), today()),
            valid
        );
        let with_query = format!("{u}?from=wechat");
        assert_eq!(
            verify(&with_query, &trust(), &RevocationList::default(), today()),
            valid
        );
    }

    #[test]
    fn bad_inputs_to_issuing_are_refused() {
        let mut c = claims();
        c.valid_until = date(2020, 1, 1);
        assert_eq!(
            issue_url(BASE, &c, &key(1)),
            Err(CredentialError::EmptyValidity)
        );
        let mut c = claims();
        c.valid_from = date(1999, 12, 31);
        assert!(matches!(
            issue_url(BASE, &c, &key(1)),
            Err(CredentialError::DateOutOfRange(_))
        ));
        assert_eq!(
            issue_url("http://insecure.example/c/", &claims(), &key(1)),
            Err(CredentialError::BadBaseUrl)
        );
    }

    #[test]
    fn every_verdict_has_a_distinct_code_and_both_labels() {
        let c = claims();
        let all = [
            Verdict::NotACertificate,
            Verdict::UnknownKey { key_id: 1 },
            Verdict::BadSignature,
            Verdict::Revoked(c),
            Verdict::Replaced {
                claims: c,
                current_card_version: 3,
            },
            Verdict::Expired(c),
            Verdict::Valid(c),
        ];
        let mut codes: Vec<_> = all.iter().map(Verdict::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 7);
        assert!(all
            .iter()
            .all(|v| !v.label_zh().is_empty() && !v.label_en().is_empty()));
    }

    /// Issue 11 item 3: an SM2 key signs printed and electronic cards under their own version
    /// bytes (3 and 4), the trust list names the algorithm, and every verifier checks both kinds.
    #[test]
    fn sm2_cards_verify_beside_ed25519_ones_and_neither_key_vouches_for_the_other() {
        let sm2 = Sm2SigningKey::generate();
        let again = Sm2SigningKey::from_bytes(&sm2.to_bytes()).expect("the secret round-trips");
        assert_eq!(again.public_key_bytes(), sm2.public_key_bytes());
        assert!(Sm2SigningKey::from_bytes(&[0u8; 32]).is_none(), "zero is no key");
        let mut trust = trust();
        trust.keys.push(TrustedKey::for_signing_key(8, &sm2, date(2026, 1, 1), None));
        let sm2_claims = CredentialClaims { key_id: 8, ..claims() };
        let none = RevocationList::default();

        let printed = issue_url(BASE, &sm2_claims, &sm2).unwrap();
        assert_eq!(printed.len() - BASE.len(), PAYLOAD_CHARS, "the same QR size as Ed25519");
        assert_eq!(URL_SAFE_NO_PAD.decode(&printed[BASE.len()..]).unwrap()[0], SM2_FORMAT_VERSION);
        assert_eq!(verify(&printed, &trust, &none, today()), Verdict::Valid(sm2_claims));
        assert_eq!(verify(&url(), &trust, &none, today()), Verdict::Valid(claims()), "Ed25519 cards still verify");

        let shown = issue_electronic_url(BASE, &sm2_claims, at("2027-03-01T02:00:00Z"), &sm2).unwrap();
        assert!(looks_electronic(&shown));
        assert_eq!(verify_at(&shown, &trust, &none, at("2027-03-01T02:00:30Z")).verdict, Verdict::Valid(sm2_claims));

        // Any byte changed: refused.
        let bytes = URL_SAFE_NO_PAD.decode(&printed[BASE.len()..]).unwrap();
        for i in 1..PAYLOAD_LEN {
            let mut t = bytes.clone();
            t[i] ^= 0x01;
            let v = verify(&format!("{BASE}{}", URL_SAFE_NO_PAD.encode(&t)), &trust, &none, today());
            assert!(!matches!(v, Verdict::Valid(_)), "byte {i}: {v:?}");
        }
        // The version byte names the algorithm: relabelled, the same bytes prove nothing.
        let mut relabelled = bytes.clone();
        relabelled[0] = FORMAT_VERSION;
        assert_eq!(verify(&format!("{BASE}{}", URL_SAFE_NO_PAD.encode(&relabelled)), &trust, &none, today()), Verdict::BadSignature);
        // An Ed25519 payload under the SM2 key's id, or the reverse: a bad signature.
        let ed_under_sm2 = issue_url(BASE, &sm2_claims, &key(1)).unwrap();
        assert_eq!(verify(&ed_under_sm2, &trust, &none, today()), Verdict::BadSignature);
        let sm2_under_ed = issue_url(BASE, &claims(), &sm2).unwrap();
        assert_eq!(verify(&sm2_under_ed, &trust, &none, today()), Verdict::BadSignature);
        // Another SM2 key under the trusted id: a bad signature.
        let forged = issue_url(BASE, &sm2_claims, &Sm2SigningKey::generate()).unwrap();
        assert_eq!(verify(&forged, &trust, &none, today()), Verdict::BadSignature);
    }

    #[test]
    fn the_trust_list_names_sm2_keys_and_leaves_ed25519_ones_as_they_were() {
        let ed = serde_json::to_value(&trust().keys[0]).unwrap();
        assert!(ed.get("algorithm").is_none(), "an Ed25519 key serialises as before: {ed}");
        let old: TrustedKey = serde_json::from_value(ed).unwrap();
        assert_eq!(old.algorithm, KeyAlgorithm::Ed25519, "a key without the field is Ed25519");
        let sm2 = serde_json::to_value(TrustedKey::for_signing_key(9, &Sm2SigningKey::generate(), date(2026, 1, 1), None)).unwrap();
        assert_eq!(sm2["algorithm"], "sm2");
        assert_eq!(URL_SAFE_NO_PAD.decode(sm2["public_key"].as_str().unwrap()).unwrap().len(), 65, "uncompressed SEC1");
        for (version, expected) in [(1, Some((KeyAlgorithm::Ed25519, false))), (2, Some((KeyAlgorithm::Ed25519, true))), (3, Some((KeyAlgorithm::Sm2, false))), (4, Some((KeyAlgorithm::Sm2, true))), (5, None), (0, None)] {
            assert_eq!(KeyAlgorithm::of_version(version), expected, "version {version}");
        }
    }
}
