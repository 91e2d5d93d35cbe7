//! The one error type of the HTTP layer, [`AppError`], and how each kind answers: a status and
//! a JSON body `{code, message_zh, message_en}`.
//!
//! A 5xx must never reveal its cause to the caller: it answers a generic sentence and the
//! cause goes to the log.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use certdesk_domain::Bilingual;
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
        /// What is wrong, in both languages.
        message: Bilingual,
    },
    /// Missing, malformed, unknown or revoked credential; 401. Deliberately one answer for all
    /// so a caller cannot tell which.
    #[error("unauthorized")]
    Unauthorized,
    /// The caller is known but may not do this; 403.
    #[error("forbidden")]
    Forbidden {
        /// Why not, in both languages.
        message: Bilingual,
    },
    /// The named thing does not exist (for this caller); 404.
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// The request clashes with the current state; 409.
    #[error("conflict: {code}")]
    Conflict {
        /// Stable code.
        code: ApiCode,
        /// What it clashes with, in both languages.
        message: Bilingual,
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
    /// A 400 with its sentence.
    pub fn bad_request(code: ApiCode, message: Bilingual) -> Self {
        AppError::BadRequest { code, message }
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
        let (status, code, message) = match self {
            AppError::BadRequest { code, message } => (StatusCode::BAD_REQUEST, code, message),
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, ApiCode::Unauthorized, messages::unauthorized()),
            AppError::NotFound(what) => (StatusCode::NOT_FOUND, ApiCode::NotFound, messages::not_found(what)),
            AppError::Conflict { code, message } => (StatusCode::CONFLICT, code, message),
            AppError::Forbidden { message } => (StatusCode::FORBIDDEN, ApiCode::Forbidden, message),
            AppError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, ApiCode::PayloadTooLarge, messages::payload_too_large()),
            AppError::NotReady(cause) => {
                tracing::warn!(%cause, "not ready");
                (StatusCode::SERVICE_UNAVAILABLE, ApiCode::NotReady, messages::not_ready())
            }
            AppError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, ApiCode::Internal, messages::internal())
            }
        };
        // The wire keeps its two fields (`message_zh`, `message_en`).
        let (zh, en) = message.into_pair();
        let body = ApiError::new(code, zh, en);
        (status, Json(body)).into_response()
    }
}
