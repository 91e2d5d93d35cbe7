//! The one error type of the HTTP layer, [`AppError`], and how each kind answers: a status and
//! a JSON body `{code, message_zh, message_en}`.
//!
//! A 5xx must never reveal its cause to the caller: it answers a generic sentence and the
//! cause goes to the log.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use certdesk_protocol::{ApiCode, ApiError};

use crate::store::StoreError;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request is malformed or breaks a rule; 400.
    #[error("bad request: {code}")]
    BadRequest {
        /// Stable code.
        code: ApiCode,
        /// Chinese sentence.
        zh: String,
        /// English sentence.
        en: String,
    },
    /// Missing, malformed, unknown or revoked credential; 401. Deliberately one answer for all
    /// so a caller cannot tell which.
    #[error("unauthorized")]
    Unauthorized,
    /// The named thing does not exist (for this caller); 404.
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// The request clashes with the current state; 409.
    #[error("conflict: {code}")]
    Conflict {
        /// Stable code.
        code: ApiCode,
        /// Chinese sentence.
        zh: String,
        /// English sentence.
        en: String,
    },
    /// The body is over the size limit; 413.
    #[error("payload too large")]
    PayloadTooLarge,
    /// The store is not reachable; 503.
    #[error("not ready: {0}")]
    NotReady(String),
    /// Anything else; 500 with a generic sentence, cause logged.
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    /// A 400 with both sentences.
    pub fn bad_request(code: ApiCode, zh: impl Into<String>, en: impl Into<String>) -> Self {
        AppError::BadRequest {
            code,
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// A 500 whose cause is only logged.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        AppError::Internal(cause.to_string())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return AppError::PayloadTooLarge;
        }
        AppError::bad_request(
            ApiCode::MalformedJson,
            "请求内容不是有效的 JSON 或缺少字段",
            format!(
                "The request body is not valid JSON for this endpoint: {}",
                r.body_text()
            ),
        )
    }
}

impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        AppError::bad_request(
            ApiCode::MalformedQuery,
            "请求参数有误",
            format!("Malformed query parameters: {}", r.body_text()),
        )
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, zh, en) = match self {
            AppError::BadRequest { code, zh, en } => (StatusCode::BAD_REQUEST, code, zh, en),
            AppError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                ApiCode::Unauthorized,
                "身份验证失败：设备凭证无效或已被吊销，请联系平台重新登记设备".into(),
                "Authentication failed: the credential is invalid or revoked".into(),
            ),
            AppError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                ApiCode::NotFound,
                "找不到所请求的记录".into(),
                format!("Not found: {what}"),
            ),
            AppError::Conflict { code, zh, en } => (StatusCode::CONFLICT, code, zh, en),
            AppError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ApiCode::PayloadTooLarge,
                "请求内容过大，请分批同步".into(),
                "The request body is too large; send smaller batches".into(),
            ),
            AppError::NotReady(cause) => {
                tracing::warn!(%cause, "not ready");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    ApiCode::NotReady,
                    "平台暂时不可用，请稍后重试".into(),
                    "The platform is not ready; try again later".into(),
                )
            }
            AppError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ApiCode::Internal,
                    "平台内部错误，请稍后重试".into(),
                    "Internal error on the platform; try again later".into(),
                )
            }
        };
        let body = ApiError::new(code, zh, en);
        (status, Json(body)).into_response()
    }
}
