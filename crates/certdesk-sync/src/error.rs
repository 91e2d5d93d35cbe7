//! The sync's one error type. Every variant maps to a stable code and a sentence a clerk can
//! act on ([`SyncError::to_desk_error`]), because the sync indicator shows it as it is.
//!
//! No variant may carry the device secret or an `Authorization` header: these errors are
//! printed and stored.

use certdesk_protocol::ApiError;
use certdesk_store::DeskError;

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
    #[error("{message_en}")]
    Config {
        /// Stable code.
        code: &'static str,
        /// Chinese sentence.
        message_zh: String,
        /// English sentence.
        message_en: String,
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
            SyncError::NotEnrolled => DeskError::new(
                "not_enrolled",
                "本机尚未登记到平台。请向平台索取登记码，在“同步”中登记本机后再同步。",
                "This desk is not enrolled with the platform. Ask the platform for an enrolment code and enrol this desk first.",
            ),
            SyncError::Network(detail) => DeskError {
                detail: Some(detail.clone()),
                ..DeskError::new(
                    "network",
                    "无法连接平台，数据已安全保存在本机，联网后会自动同步。",
                    "Cannot reach the platform. Everything is saved on this desk and will sync once online.",
                )
            },
            SyncError::DeviceRefused => DeskError::new(
                "device_refused",
                "平台拒绝了本机的设备凭证（可能已被平台吊销）。数据仍保存在本机；请向平台索取新的登记码，重新登记本机。",
                "The platform refused this desk's credential (it may have been revoked). Your data is safe here; ask the platform for a new enrolment code and enrol this desk again.",
            ),
            SyncError::Refused { error, .. } => {
                DeskError::new(&format!("platform_{}", error.code), error.message_zh.clone(), error.message_en.clone())
            }
            SyncError::Protocol(detail) => DeskError {
                detail: Some(detail.clone()),
                ..DeskError::new(
                    "platform_protocol",
                    "平台的应答不符合接口约定，本次同步未记录任何更改。请联系技术支持。",
                    "The platform answered outside the contract; nothing was recorded. Contact support.",
                )
            },
            SyncError::Config { code, message_zh, message_en } => DeskError::new(code, message_zh.clone(), message_en.clone()),
            SyncError::Secret(detail) => DeskError {
                detail: Some(detail.clone()),
                ..DeskError::new(
                    "device_secret",
                    "无法读取或保存本机的设备凭证。请重新登记本机。",
                    "The device credential cannot be read or stored. Enrol this desk again.",
                )
            },
            SyncError::Desk(e) => e.clone(),
        }
    }
}

impl From<SyncError> for DeskError {
    fn from(e: SyncError) -> Self {
        e.to_desk_error()
    }
}
