//! Roster filing (名册备案, issue 14 item 2): an agency files its roster of certified staff for
//! a period with the platform, which checks every row against the records it holds and answers
//! with a **signed receipt** the desk keeps and verifies offline against the synced trust list.
//!
//! # The canonical roster
//! The receipt carries the SHA-256 of the roster's canonical bytes ([`canonical_roster`]): the
//! rows sorted by certificate code, as compact JSON in the field order of [`RosterRow`]. Both
//! sides compute it with this one function, so a desk that kept its rows can show that the
//! receipt is for exactly them.
//!
//! # The signature
//! Over [`RECEIPT_CONTEXT`] followed by the compact JSON of [`ReceiptBody`] (every field of the
//! receipt but the signature, in declaration order), by the platform's current signing key
//! (Ed25519 or SM2, the key of the trust list named by `key_id`). The context differs from the
//! credentials', so no receipt signature can ever read as a card's, nor the reverse.
//!
//! A filing is never changed: a correction is a new filing that names the one it replaces.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::credential::{signature_holds, CredentialSigner, TrustList};

/// Prefix of every receipt's signed message.
pub const RECEIPT_CONTEXT: &[u8] = b"certdesk/roster-receipt/v1\0";

/// Most rows in one filing (an agency of this programme has a few thousand workers at most).
pub const MAX_ROSTER_ROWS: usize = 20_000;

/// One row of the roster as filed: what the commerce commission asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RosterRow {
    /// 姓名.
    pub name: String,
    /// 身份证号 (canonical, upper-case X).
    pub id_number: String,
    /// 上门服务证编码.
    pub certificate_code: String,
    /// 机构名称, as the agency is registered.
    pub agency_name: String,
    /// First day of training (the first class the worker was credited for).
    pub training_from: Option<NaiveDate>,
    /// Last day of training.
    pub training_to: Option<NaiveDate>,
    /// Class hours credited, in half hours (7 = 3.5 class hours).
    pub half_hours: u32,
    /// The latest exam's score.
    pub exam_score: Option<f64>,
    /// The latest exam's date.
    pub exam_date: Option<NaiveDate>,
}

/// A filing as the desk sends it: `POST /api/v1/roster/filings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterFiling {
    /// Made by the desk once per filing: sending it again (a lost answer) gets the same
    /// receipt and files nothing twice.
    pub filing_id: Uuid,
    /// First day of the period (exam dates on or after it).
    pub period_from: NaiveDate,
    /// Last day of the period; not after today.
    pub period_to: NaiveDate,
    /// The filing number this one corrects, if it is a correction.
    #[serde(default)]
    pub replaces: Option<String>,
    /// The rows, in any order.
    pub rows: Vec<RosterRow>,
}

/// Every field of a receipt but its signature: what the platform signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReceiptBody {
    /// The filing number (备案号), e.g. `BA2026-000001`.
    pub number: String,
    /// The desk's id of the filing.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub filing_id: Uuid,
    /// The agency that filed.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub agency_id: Uuid,
    /// Its registered name.
    pub agency_name: String,
    /// First day of the period.
    pub period_from: NaiveDate,
    /// Last day of the period.
    pub period_to: NaiveDate,
    /// Rows filed.
    pub rows: u32,
    /// SHA-256 (hex) of the canonical roster.
    pub roster_sha256: String,
    /// The filing this one corrects.
    pub replaces: Option<String>,
    /// When the platform took it.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub filed_at: DateTime<Utc>,
    /// The trust list's key that signed.
    pub key_id: u16,
}

/// The platform's signed receipt of a filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FilingReceipt {
    /// What was signed.
    #[serde(flatten)]
    pub body: ReceiptBody,
    /// base64url (no padding) of the 64-byte signature over [`RECEIPT_CONTEXT`] and the body.
    pub signature: String,
}

/// The canonical bytes of a roster: sorted by certificate code, compact JSON.
pub fn canonical_roster(rows: &[RosterRow]) -> Vec<u8> {
    let mut sorted: Vec<&RosterRow> = rows.iter().collect();
    sorted.sort_by(|a, b| a.certificate_code.cmp(&b.certificate_code).then_with(|| a.id_number.cmp(&b.id_number)));
    serde_json::to_vec(&sorted).expect("rows always serialise")
}

/// SHA-256 (lower-case hex) of [`canonical_roster`].
pub fn roster_sha256(rows: &[RosterRow]) -> String {
    Sha256::digest(canonical_roster(rows)).iter().map(|b| format!("{b:02x}")).collect()
}

fn signed_message(body: &ReceiptBody) -> Vec<u8> {
    [RECEIPT_CONTEXT, &serde_json::to_vec(body).expect("a receipt always serialises")].concat()
}

impl FilingReceipt {
    /// Signs `body` with `key` (whose trust-list id must be `body.key_id`).
    pub fn sign(body: ReceiptBody, key: &(impl CredentialSigner + ?Sized)) -> Result<FilingReceipt, String> {
        let signature = key.sign_message(&signed_message(&body))?;
        Ok(FilingReceipt { body, signature: URL_SAFE_NO_PAD.encode(signature) })
    }

    /// Checks the signature against `trust` (offline); `Ok` when a key of the list, in
    /// service on the filing's day, signed exactly this receipt.
    pub fn verify(&self, trust: &TrustList) -> Result<(), ReceiptProblem> {
        let key = trust.keys.iter().find(|k| k.key_id == self.body.key_id).ok_or(ReceiptProblem::UnknownKey)?;
        // The key's days are Shanghai's, and so is the filing's day.
        if !key.covers(self.body.filed_at.with_timezone(&certdesk_domain::shanghai()).date_naive()) {
            return Err(ReceiptProblem::UnknownKey);
        }
        let public_key = URL_SAFE_NO_PAD.decode(&key.public_key).map_err(|_| ReceiptProblem::UnknownKey)?;
        let signature = URL_SAFE_NO_PAD.decode(&self.signature).map_err(|_| ReceiptProblem::BadSignature)?;
        if !signature_holds(key.algorithm, &public_key, &signed_message(&self.body), &signature) {
            return Err(ReceiptProblem::BadSignature);
        }
        Ok(())
    }

    /// [`FilingReceipt::verify`], and that the receipt is for exactly `rows`.
    pub fn verify_for(&self, trust: &TrustList, rows: &[RosterRow]) -> Result<(), ReceiptProblem> {
        self.verify(trust)?;
        if self.body.roster_sha256 != roster_sha256(rows) || self.body.rows as usize != rows.len() {
            return Err(ReceiptProblem::OtherRoster);
        }
        Ok(())
    }
}

impl From<&RosterRow> for certdesk_domain::funding::FiledRow {
    /// A filed row as the funding pack reads it (the agency name is the filing's).
    fn from(r: &RosterRow) -> Self {
        certdesk_domain::funding::FiledRow {
            name: r.name.clone(),
            id_number: r.id_number.clone(),
            certificate_code: r.certificate_code.clone(),
            training_from: r.training_from,
            training_to: r.training_to,
            hours: certdesk_domain::HalfHours(r.half_hours),
            exam_score: r.exam_score,
            exam_date: r.exam_date,
        }
    }
}

impl From<&ReceiptBody> for certdesk_domain::funding::PackFiling {
    /// The filing a funding pack is for, from what the platform signed.
    fn from(b: &ReceiptBody) -> Self {
        certdesk_domain::funding::PackFiling {
            number: b.number.clone(),
            agency_name: b.agency_name.clone(),
            period_from: b.period_from,
            period_to: b.period_to,
            filed_at: b.filed_at,
            replaces: b.replaces.clone(),
        }
    }
}

/// Why a receipt does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ReceiptProblem {
    /// No key of the trust list (in service on the filing's day) has its id.
    UnknownKey,
    /// The signature does not hold: the receipt was changed or forged.
    BadSignature,
    /// Genuine, but for other rows than the ones kept with it.
    OtherRoster,
}

impl ReceiptProblem {
    /// What the clerk reads, (Chinese, English).
    pub fn sentence(self) -> (&'static str, &'static str) {
        crate::messages::receipt_problem(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::{Sm2SigningKey, TrustedKey};
    use ed25519_dalek::SigningKey;

    fn row(code: &str) -> RosterRow {
        RosterRow {
            name: "张三".into(),
            id_number: "110101199003076518".into(),
            certificate_code: code.into(),
            agency_name: "上海好帮手家政服务有限公司".into(),
            training_from: NaiveDate::from_ymd_opt(2026, 3, 1),
            training_to: NaiveDate::from_ymd_opt(2026, 3, 2),
            half_hours: 7,
            exam_score: Some(86.5),
            exam_date: NaiveDate::from_ymd_opt(2026, 3, 3),
        }
    }

    fn body(rows: &[RosterRow]) -> ReceiptBody {
        ReceiptBody {
            number: "BA2026-000001".into(),
            filing_id: Uuid::nil(),
            agency_id: Uuid::from_u128(7),
            agency_name: "上海好帮手家政服务有限公司".into(),
            period_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            period_to: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
            rows: rows.len() as u32,
            roster_sha256: roster_sha256(rows),
            replaces: None,
            filed_at: "2026-07-01T02:00:00Z".parse().unwrap(),
            key_id: 1,
        }
    }

    fn trust(key: &(impl CredentialSigner + ?Sized)) -> TrustList {
        TrustList { keys: vec![TrustedKey::for_signing_key(1, key, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), None)] }
    }

    #[test]
    fn the_canonical_roster_does_not_depend_on_the_rows_order() {
        let (a, b) = (row("31010126000001"), row("31010126000002"));
        assert_eq!(roster_sha256(&[a.clone(), b.clone()]), roster_sha256(&[b, a.clone()]));
        let mut changed = a.clone();
        changed.half_hours = 8;
        assert_ne!(roster_sha256(&[a]), roster_sha256(&[changed]), "any field changes the hash");
    }

    #[test]
    fn a_signed_receipt_verifies_and_one_changed_byte_does_not() {
        for key in [Box::new(SigningKey::from_bytes(&[9; 32])) as Box<dyn CredentialSigner>, Box::new(Sm2SigningKey::from_bytes(&[9; 32]).unwrap())] {
            let rows = [row("31010126000001")];
            let receipt = FilingReceipt::sign(body(&rows), key.as_ref()).unwrap();
            let trust = trust(key.as_ref());
            assert_eq!(receipt.verify_for(&trust, &rows), Ok(()));
            // Every byte of the stored JSON matters: change one character of each field in turn.
            let json = serde_json::to_string(&receipt).unwrap();
            let mut refused = 0;
            for (i, c) in json.char_indices().filter(|(_, c)| c.is_ascii_digit()) {
                let other = if c == '1' { '2' } else { '1' };
                let tampered = format!("{}{other}{}", &json[..i], &json[i + 1..]);
                if let Ok(t) = serde_json::from_str::<FilingReceipt>(&tampered) {
                    assert!(t.verify(&trust).is_err(), "a receipt with byte {i} changed verified: {tampered}");
                    refused += 1;
                }
            }
            assert!(refused > 20, "the tampering reached the fields ({refused})");
        }
    }

    /// A receipt signed at 17:00 UTC is filed on the next Shanghai day, the first day of a key
    /// made that evening: it verifies (the UTC date would have called the key unknown).
    #[test]
    fn a_receipt_filed_after_16_utc_verifies_with_a_key_in_service_from_shanghais_day() {
        let key = SigningKey::from_bytes(&[5; 32]);
        let rows = [row("31010126000001")];
        let evening = ReceiptBody { filed_at: "2026-07-01T17:00:00Z".parse().unwrap(), ..body(&rows) };
        let receipt = FilingReceipt::sign(evening, &key).unwrap();
        let from_the_second = TrustList {
            keys: vec![TrustedKey::for_signing_key(1, &key, NaiveDate::from_ymd_opt(2026, 7, 2).unwrap(), None)],
        };
        assert_eq!(receipt.verify_for(&from_the_second, &rows), Ok(()));
    }

    #[test]
    fn a_receipt_for_other_rows_or_an_unknown_key_is_refused() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let rows = [row("31010126000001")];
        let receipt = FilingReceipt::sign(body(&rows), &key).unwrap();
        assert_eq!(receipt.verify_for(&trust(&key), &[row("31010126000002")]), Err(ReceiptProblem::OtherRoster));
        assert_eq!(receipt.verify(&TrustList::default()), Err(ReceiptProblem::UnknownKey));
        let other = SigningKey::from_bytes(&[4; 32]);
        assert_eq!(receipt.verify(&trust(&other)), Err(ReceiptProblem::BadSignature), "another key's list");
    }
}
