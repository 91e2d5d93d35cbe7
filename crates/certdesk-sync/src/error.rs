//! The sync's one error type. Every variant maps to a stable code and a sentence a clerk can
//! act on ([`SyncError::to_desk_error`]), because the sync indicator shows it as it is.
//!
//! No variant may carry the device secret or an `Authorization` header: these errors are
//! printed and stored.

use certdesk_domain::Bilingual;
use certdesk_protocol::ApiError;
use certdesk_store::{DeskCode, DeskError};

use crate::messages;

/// Why a sync, an enrolment or a platform call failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SyncError {
    /// The desk has no device credential yet.
    #[error("this desk is not enrolled with a platform")]
    NotEnrolled,
    /// The platform could not be reached (after the retries), or the connection broke.
    #[error("network: {0}")]
    Network(String),
    /// The platform refused the device's credential (unknown, wrong or revoked device).
    #[error("the platform refused this device's credential")]
    DeviceRefused,
    /// The platform refused the request with its own code and sentence.
    #[error("the platform refused ({status}): {}", error.code)]
    Refused {
        /// HTTP status.
        status: u16,
        /// The platform's answer.
        error: ApiError,
    },
    /// The platform answered something that does not follow the contract.
    #[error("unexpected answer from the platform: {0}")]
    Protocol(String),
    /// A setting given by the user is unusable (URL, CA file, enrolment code).
    #[error("{}", message.en)]
    Config {
        /// Stable code.
        code: DeskCode,
        /// The sentence, from [`crate::messages`].
        message: Bilingual,
    },
    /// The device secret could not be stored or read.
    #[error("device secret: {0}")]
    Secret(String),
    /// The local store refused.
    #[error("{0}")]
    Desk(#[from] DeskError),
}

impl SyncError {
    /// Whether trying again later may succeed without anyone changing anything.
    pub fn is_transient(&self) -> bool {
        matches!(self, SyncError::Network(_)) || matches!(self, SyncError::Refused { status, .. } if *status >= 500)
    }

    /// The error as the desk shows it: stable code, Chinese and English sentences.
    pub fn to_desk_error(&self) -> DeskError {
        match self {
            SyncError::NotEnrolled => DeskError::new(DeskCode::NotEnrolled, messages::not_enrolled()),
            SyncError::Network(detail) => {
                DeskError { detail: Some(detail.clone()), ..DeskError::new(DeskCode::Network, messages::network()) }
            }
            SyncError::DeviceRefused => DeskError::new(DeskCode::DeviceRefused, messages::device_refused()),
            SyncError::Refused { error, .. } => DeskError::new(
                DeskCode::platform(&error.code),
                Bilingual::new(error.message_zh.clone(), error.message_en.clone()),
            ),
            SyncError::Protocol(detail) => DeskError {
                detail: Some(detail.clone()),
                ..DeskError::new(DeskCode::PlatformProtocol, messages::platform_protocol())
            },
            SyncError::Config { code, message } => DeskError::new(code.clone(), message.clone()),
            SyncError::Secret(detail) => {
                DeskError { detail: Some(detail.clone()), ..DeskError::new(DeskCode::DeviceSecret, messages::device_secret()) }
            }
            SyncError::Desk(e) => e.clone(),
        }
    }
}

impl From<SyncError> for DeskError {
    fn from(e: SyncError) -> Self {
        e.to_desk_error()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes the sync indicator, the CLI and stored sync errors knew as strings before the
    /// codes were an enum: each kind of failure keeps its own.
    #[test]
    fn every_failure_keeps_the_code_string_it_had_before() {
        let refused = ApiError { code: "already_certified".into(), message_zh: "已持证".into(), message_en: "certified".into() };
        let config = SyncError::Config { code: DeskCode::PlatformUrlInvalid, message: messages::platform_url_invalid("x") };
        for (e, before) in [
            (SyncError::NotEnrolled, "not_enrolled"),
            (SyncError::Network("timeout".into()), "network"),
            (SyncError::DeviceRefused, "device_refused"),
            (SyncError::Refused { status: 409, error: refused }, "platform_already_certified"),
            (SyncError::Protocol("bad json".into()), "platform_protocol"),
            (config, "platform_url_invalid"),
            (SyncError::Secret("locked".into()), "device_secret"),
        ] {
            let shown = e.to_desk_error();
            assert_eq!(serde_json::to_value(&shown).unwrap()["code"], before, "{e:?}");
        }
    }

    #[test]
    fn a_platform_refusal_is_shown_in_the_platforms_own_words() {
        let error = ApiError { code: "upload_busy".into(), message_zh: "稍后重试".into(), message_en: "try again".into() };
        let shown = SyncError::Refused { status: 409, error }.to_desk_error();
        assert_eq!((shown.message_zh.as_str(), shown.message_en.as_str()), ("稍后重试", "try again"));
    }
}
