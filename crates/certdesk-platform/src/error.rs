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

use crate::messages;
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
    /// The caller is known but may not do this; 403.
    #[error("forbidden")]
    Forbidden {
        /// Chinese sentence.
        zh: String,
        /// English sentence.
        en: String,
    },
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
        messages::malformed_json(r.body_text())
    }
}

impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        messages::malformed_query(r.body_text())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, zh, en) = match self {
            AppError::BadRequest { code, zh, en } => (StatusCode::BAD_REQUEST, code, zh, en),
            AppError::Unauthorized => {
                let (zh, en) = messages::unauthorized();
                (StatusCode::UNAUTHORIZED, ApiCode::Unauthorized, zh.into(), en.into())
            }
            AppError::NotFound(what) => {
                let (zh, en) = messages::not_found(what);
                (StatusCode::NOT_FOUND, ApiCode::NotFound, zh, en)
            }
            AppError::Conflict { code, zh, en } => (StatusCode::CONFLICT, code, zh, en),
            AppError::Forbidden { zh, en } => (StatusCode::FORBIDDEN, ApiCode::Forbidden, zh, en),
            AppError::PayloadTooLarge => {
                let (zh, en) = messages::payload_too_large();
                (StatusCode::PAYLOAD_TOO_LARGE, ApiCode::PayloadTooLarge, zh.into(), en.into())
            }
            AppError::NotReady(cause) => {
                tracing::warn!(%cause, "not ready");
                let (zh, en) = messages::not_ready();
                (StatusCode::SERVICE_UNAVAILABLE, ApiCode::NotReady, zh.into(), en.into())
            }
            AppError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                let (zh, en) = messages::internal();
                (StatusCode::INTERNAL_SERVER_ERROR, ApiCode::Internal, zh.into(), en.into())
            }
        };
        let body = ApiError::new(code, zh, en);
        (status, Json(body)).into_response()
    }
}
