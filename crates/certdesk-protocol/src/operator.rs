//! The operator API's messages (platform staff's tools under `/api/v1/operator`): agencies,
//! enrolment codes, devices, the manual review queue and key rotation.
//!
//! This module must never carry a device's secret or an operator token: it only shapes the
//! requests and answers.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `POST /api/v1/operator/agencies`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateAgencyRequest {
    /// Registered name.
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub name: String,
    /// 18-character unified social credit code.
    #[cfg_attr(feature = "openapi", schema(min_length = 18, max_length = 18))]
    pub credit_code: String,
    /// Shanghai district (short forms accepted).
    #[cfg_attr(feature = "openapi", schema(example = "浦东"))]
    pub district: String,
    /// The agency's phone (mobile or landline), shown to citizens on the public verification
    /// page; absent, the page shows no phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "021-63001234"))]
    pub phone: Option<String>,
}

/// A registered agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyCreated {
    /// The agency's id.
    pub agency_id: Uuid,
    /// Registered name.
    pub name: String,
    /// Official district name.
    #[cfg_attr(feature = "openapi", schema(example = "浦东新区"))]
    pub district: String,
}

/// `POST /api/v1/operator/agencies/{agency_id}/enrolment-codes`: a one-time code for one desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolmentCodeIssued {
    /// Give this to the agency; it works once.
    pub code: String,
    /// RFC 3339 time after which it no longer works.
    pub expires_at: String,
}

/// One application waiting for the police comparison result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewItem {
    /// The application.
    pub application_id: Uuid,
    /// The worker record it is for.
    pub worker_id: Uuid,
    /// The agency that applied.
    pub agency_name: String,
    /// Worker's name (operators see it in full).
    pub name: String,
    /// Worker's ID number (operators see it in full).
    pub id_number: String,
    /// RFC 3339 time of the application.
    pub applied_at: String,
    /// `certificate` (an application for the certificate: the police comparison) or `details`
    /// (updated name, photo or service types of a certificate already held: an operator
    /// compares them with the approved ones).
    #[serde(default = "certificate_kind")]
    pub kind: ApplicationKind,
}

fn certificate_kind() -> ApplicationKind {
    ApplicationKind::Certificate
}

/// What an application asks for. The serde name is the code the platform stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ApplicationKind {
    /// The certificate (申领): the police comparison decides.
    Certificate,
    /// Updated details of a certificate already held (信息变更, issue 11 item 1): an operator
    /// compares them with the approved ones.
    Details,
}

certdesk_domain::closed_set!(ApplicationKind, "application kind", {
    Certificate => "certificate",
    Details => "details",
});

impl ApplicationKind {
    /// The stable code (the same as [`ApplicationKind::code`]), as a test or a caller reading
    /// the JSON spells it.
    pub fn as_str(&self) -> &'static str {
        self.code()
    }
}

/// A signing key's action that needs two operators. The serde name is the code the platform
/// stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum KeyAction {
    /// Retire the current key and start a new one.
    Rotate,
    /// Take a compromised key out of the trust list.
    Withdraw,
}

certdesk_domain::closed_set!(KeyAction, "key action", {
    Rotate => "rotate",
    Withdraw => "withdraw",
});

impl KeyAction {
    /// The stable code (the same as [`KeyAction::code`]), as a caller reading the JSON spells
    /// it.
    pub fn as_str(&self) -> &'static str {
        self.code()
    }
}

/// `POST /api/v1/operator/reviews/{application_id}`: the police comparison result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewDecision {
    /// Passed?
    pub passed: bool,
    /// Reason shown to the agency when failed.
    #[serde(default)]
    pub reason: String,
}

/// Answer to a review decision or an import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewReport {
    /// Applications approved (code assigned, credential signed).
    pub approved: u32,
    /// Applications rejected.
    pub rejected: u32,
    /// CSV lines naming an ID number with no pending application (line number, ID number).
    pub unmatched: Vec<String>,
    /// CSV lines that could not be read, with why.
    pub errors: Vec<String>,
}

/// A device of an agency, as the operator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceInfo {
    /// Device id.
    pub device_id: Uuid,
    /// Agency.
    pub agency_id: Uuid,
    /// Name given at enrolment.
    pub name: String,
    /// Revoked devices are refused at once.
    pub revoked: bool,
}

/// Answer to `POST /api/v1/operator/keys/rotate` once a second operator confirmed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyRotated {
    /// The new current key's id.
    pub key_id: u16,
}

/// Answer (202) to the first operator's call to rotate or withdraw a signing key: nothing is
/// done until another operator makes the same call within 24 hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyActionRequested {
    /// `rotate` or `withdraw`.
    pub action: KeyAction,
    /// The key, for a withdrawal.
    pub key_id: Option<u16>,
    /// Who asked.
    pub requested_by: String,
    /// When (RFC 3339); the request lapses 24 hours later.
    pub requested_at: String,
    /// What happens next, in Chinese.
    pub message_zh: String,
    /// The same in English.
    pub message_en: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kinds and actions are enums now, but the wire carries the same words: a serde name
    /// is its stored code, and a queue row from a platform before `kind` reads as a certificate.
    #[test]
    fn kinds_and_key_actions_cross_the_wire_as_their_codes() {
        for kind in ApplicationKind::ALL {
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.code()));
        }
        for action in KeyAction::ALL {
            assert_eq!(serde_json::to_string(&action).unwrap(), format!("\"{}\"", action.code()));
        }
        let item = serde_json::json!({
            "application_id": Uuid::nil(), "worker_id": Uuid::nil(), "agency_name": "a",
            "name": "n", "id_number": "i", "applied_at": "2026-01-01T00:00:00.000Z",
        });
        let read: ReviewItem = serde_json::from_value(item.clone()).unwrap();
        assert_eq!(read.kind, ApplicationKind::Certificate, "an item without a kind is a certificate's");
        let mut expected = item;
        expected["kind"] = "certificate".into();
        assert_eq!(serde_json::to_value(&read).unwrap(), expected);
    }
}
