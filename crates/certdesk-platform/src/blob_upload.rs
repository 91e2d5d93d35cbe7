//! Resumable, chunked upload of content-addressed blobs (photos), beside the whole-blob
//! `PUT /api/v1/blobs/{sha256}` that older desks use.
//!
//! `GET` (or `HEAD`) `/api/v1/blobs/{sha256}/upload` says how many bytes the platform holds;
//! `PATCH` with `Content-Range: bytes START-END/TOTAL` appends one chunk, which must start
//! exactly there. When the last byte arrives the whole file is hashed; only a match becomes a
//! visible blob (renamed into place, then recorded for the agency). Partial bytes live in
//! `DATA_DIR/blobs/partial/<agency>/<sha256>`, one file per agency and blob, never larger than
//! [`MAX_BLOB_BYTES`].
//!
//! This module must never make bytes visible before their hash was checked, and must never let
//! one agency's partial upload feed another agency's blob.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path as FsPath, PathBuf};
use std::sync::{Mutex, OnceLock};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_RANGE;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use certdesk_protocol::blob::UploadStatus;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::api::{blob_path, blocking, AppState, DeviceAuth};
use crate::error::AppError;
use crate::messages;

/// The largest blob accepted: a health check report of up to 10 MiB (a card photo is a few
/// hundred KiB).
pub const MAX_BLOB_BYTES: u64 = 10 * 1024 * 1024;

/// Header carrying the bytes received so far on every answer of the upload endpoints.
pub static UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");

pub use certdesk_protocol::blob::is_blob_name;

fn checked_name(sha256: &str) -> Result<(), AppError> {
    if is_blob_name(sha256) {
        Ok(())
    } else {
        Err(messages::blob_name_invalid())
    }
}

fn partial_path(dir: &FsPath, agency: Uuid, sha256: &str) -> PathBuf {
    dir.join("partial").join(agency.to_string()).join(sha256)
}

/// A chunk's place in the blob, from its `Content-Range`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkRange {
    /// First byte's offset.
    pub start: u64,
    /// Bytes in the chunk; 0 for `bytes */TOTAL`.
    pub len: u64,
    /// The whole blob's size.
    pub total: u64,
}

/// Reads a `Content-Range` value: `bytes START-END/TOTAL` (END inclusive) for a chunk, or
/// `bytes */TOTAL` with an empty body to finish an upload whose bytes all arrived before the
/// platform could check them (it stopped in between).
pub fn parse_content_range(value: &str) -> Option<ChunkRange> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let total: u64 = total.trim().parse().ok()?;
    if total == 0 {
        return None;
    }
    if range.trim() == "*" {
        return Some(ChunkRange {
            start: total,
            len: 0,
            total,
        });
    }
    let (start, end) = range.split_once('-')?;
    let (start, end): (u64, u64) = (start.trim().parse().ok()?, end.trim().parse().ok()?);
    (start <= end && end < total).then(|| ChunkRange {
        start,
        len: end - start + 1,
        total,
    })
}

/// Uploads in progress in this process: one writer per partial file at a time.
fn busy() -> &'static Mutex<HashSet<PathBuf>> {
    static BUSY: OnceLock<Mutex<HashSet<PathBuf>>> = OnceLock::new();
    BUSY.get_or_init(Default::default)
}

/// Holds a partial file for one writer; released on drop.
struct Claim(PathBuf);

impl Claim {
    fn take(path: &FsPath) -> Option<Claim> {
        let mut set = busy().lock().unwrap_or_else(|p| p.into_inner());
        set.insert(path.to_owned()).then(|| Claim(path.to_owned()))
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        busy()
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.0);
    }
}

fn status_response(status: StatusCode, body: UploadStatus) -> Response {
    let offset = HeaderValue::from(body.offset);
    (status, [(UPLOAD_OFFSET.clone(), offset)], Json(body)).into_response()
}

fn error_with_offset(error: AppError, offset: u64) -> Response {
    let mut res = error.into_response();
    res.headers_mut()
        .insert(UPLOAD_OFFSET.clone(), HeaderValue::from(offset));
    res
}

async fn partial_len(path: &FsPath) -> Result<u64, AppError> {
    match tokio::fs::metadata(path).await {
        Ok(m) => Ok(m.len()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(AppError::internal(e)),
    }
}

/// Where this agency's resumable upload of the blob stands (HEAD works too).
///
/// `offset` is how many bytes the platform holds; the next chunk must start there. `complete`
/// is true once the blob is whole, matched its hash and is visible (then `offset` is its size).
/// Every answer also carries the offset in an `Upload-Offset` header. One agency's partial
/// upload is invisible to every other agency.
#[utoipa::path(get, path = "/blobs/{sha256}/upload", tag = "desk",
    security(("device" = [])),
    params(("sha256" = String, Path, pattern = "^[0-9a-f]{64}$",
        description = "the blob's SHA-256, lower-case hex")),
    responses(
    (status = OK, description = "the upload's state", body = UploadStatus,
        headers(("Upload-Offset" = u64, description = "bytes held so far"))),
    (status = BAD_REQUEST, description = "not a lower-case hex SHA-256", body = certdesk_protocol::ApiError),
    (status = UNAUTHORIZED, description = "missing, wrong or revoked device credential", body = certdesk_protocol::ApiError),
))]
pub async fn upload_status(
    State(state): State<AppState>,
    auth: DeviceAuth,
    Path(sha256): Path<String>,
) -> Result<Response, AppError> {
    checked_name(&sha256)?;
    let (agency, sha) = (auth.agency_id, sha256.clone());
    if blocking(&state, move |s| s.has_blob(agency, &sha)).await? {
        let size = tokio::fs::metadata(blob_path(&state.blob_dir, &sha256))
            .await
            .map_err(AppError::internal)?
            .len();
        return Ok(status_response(
            StatusCode::OK,
            UploadStatus {
                sha256,
                offset: size,
                complete: true,
                max_size: MAX_BLOB_BYTES,
            },
        ));
    }
    let offset = partial_len(&partial_path(&state.blob_dir, auth.agency_id, &sha256)).await?;
    Ok(status_response(
        StatusCode::OK,
        UploadStatus {
            sha256,
            offset,
            complete: false,
            max_size: MAX_BLOB_BYTES,
        },
    ))
}

/// Append one chunk (at most 1 MiB; desks send 64 KiB) at the current offset.
///
/// `Content-Range: bytes START-END/TOTAL` (END inclusive) is required; START must equal the
/// current offset, the body must be END-START+1 bytes and TOTAL at most `max_size` (10 MiB). A
/// chunk that overlaps bytes already received or leaves a gap is refused with
/// `409 upload_offset_mismatch` and changes nothing: ask with GET and continue from the
/// offset. When the last byte arrives the whole blob is hashed: a match answers `201` and the
/// blob becomes visible (`GET /blobs/{sha256}`); a mismatch answers `400 blob_hash_mismatch`,
/// discards the partial bytes and nothing becomes visible. Acknowledged bytes are on disk, so
/// an upload survives a platform restart. If every byte arrived but the platform stopped
/// before checking them (offset equals the size, `complete` false), an empty PATCH with
/// `Content-Range: bytes */TOTAL` finishes it. The whole-blob `PUT /blobs/{sha256}` stays for
/// older desks.
#[utoipa::path(patch, path = "/blobs/{sha256}/upload", tag = "desk", security(("device" = [])),
    params(
        ("sha256" = String, Path, pattern = "^[0-9a-f]{64}$",
            description = "the blob's SHA-256, lower-case hex"),
        ("Content-Range" = String, Header, example = "bytes 65536-131071/300000",
            description = "`bytes START-END/TOTAL`, or `bytes */TOTAL` with an empty body to finish"),
    ),
    request_body(content(("application/octet-stream"))),
    responses(
    (status = OK, description = "chunk appended; more to come", body = UploadStatus,
        headers(("Upload-Offset" = u64, description = "bytes held so far"))),
    (status = CREATED, description = "last chunk; the blob matched its hash and is visible",
        body = UploadStatus, headers(("Upload-Offset" = u64, description = "the blob's size"))),
    (status = BAD_REQUEST, description = "bad name or Content-Range, too large, or the bytes did not hash to the name (discarded)",
        body = certdesk_protocol::ApiError),
    (status = UNAUTHORIZED, description = "missing, wrong or revoked device credential", body = certdesk_protocol::ApiError),
    (status = CONFLICT, description = "the chunk does not start at the offset (`Upload-Offset` says where), or another request is uploading this blob",
        body = certdesk_protocol::ApiError),
    (status = PAYLOAD_TOO_LARGE, description = "the chunk is over 1 MiB", body = certdesk_protocol::ApiError),
))]
pub async fn upload_chunk(
    State(state): State<AppState>,
    auth: DeviceAuth,
    Path(sha256): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, AppError> {
    checked_name(&sha256)?;
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            messages::body_unreadable()
        }
    })?;
    let range = headers
        .get(CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_content_range)
        .ok_or_else(messages::content_range_missing)?;
    if range.len != body.len() as u64 {
        return Err(messages::content_range_length());
    }
    if range.total > MAX_BLOB_BYTES {
        return Err(messages::blob_too_large(MAX_BLOB_BYTES));
    }
    let partial = partial_path(&state.blob_dir, auth.agency_id, &sha256);
    let Some(claim) = Claim::take(&partial) else {
        return Err(messages::upload_busy());
    };
    let offset = partial_len(&partial).await?;
    if range.start != offset {
        return Ok(error_with_offset(messages::upload_offset_mismatch(offset, range.start < offset), offset));
    }
    if offset == 0 {
        // A new upload: within the agency's storage and its number of unfinished uploads.
        crate::api::within_quota(&state, auth.agency_id, range.total).await?;
        let folder = partial.parent().expect("partial paths have a parent").to_owned();
        let unfinished = tokio::task::spawn_blocking(move || std::fs::read_dir(folder).map(|d| d.count()).unwrap_or(0))
            .await
            .map_err(AppError::internal)?;
        if unfinished >= state.blob_quota.partial_uploads_per_agency {
            return Err(messages::partial_uploads_quota(state.blob_quota.partial_uploads_per_agency));
        }
    }
    let final_path = blob_path(&state.blob_dir, &sha256);
    let next = range.start + range.len;
    let last = next == range.total;
    let name = sha256.clone();
    let verdict = tokio::task::spawn_blocking(move || -> std::io::Result<Option<bool>> {
        if !body.is_empty() {
            append(&partial, &body)?;
        }
        if !last {
            return Ok(None);
        }
        finish(&partial, &name, &final_path).map(Some)
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)?;
    match verdict {
        None => Ok(status_response(
            StatusCode::OK,
            UploadStatus {
                sha256,
                offset: next,
                complete: false,
                max_size: MAX_BLOB_BYTES,
            },
        )),
        Some(false) => {
            tracing::warn!(agency_id = %auth.agency_id, "resumable upload did not match its hash; discarded");
            Ok(error_with_offset(
                messages::resumable_hash_mismatch(),
                0,
            ))
        }
        Some(true) => {
            // The bytes are in place before the record says the agency holds them, as with PUT.
            let (agency, now, size, name) =
                (auth.agency_id, (state.clock)(), range.total, sha256.clone());
            blocking(&state, move |s| s.add_blob(agency, &name, size, now)).await?;
            drop(claim);
            Ok(status_response(
                StatusCode::CREATED,
                UploadStatus {
                    sha256,
                    offset: range.total,
                    complete: true,
                    max_size: MAX_BLOB_BYTES,
                },
            ))
        }
    }
}

fn append(path: &FsPath, bytes: &[u8]) -> std::io::Result<()> {
    crate::files::create_dir(path.parent().expect("partial paths have a parent"))?;
    let mut f = crate::files::open(std::fs::OpenOptions::new().create(true).append(true), path)?;
    f.write_all(bytes)?;
    // Acknowledged bytes survive a power cut: the offset a desk is told is on disk.
    f.sync_data()
}

/// Hashes the complete partial file; on a match moves it into place (unless the same bytes
/// are already there), otherwise deletes it. Either way the partial file is gone.
fn finish(partial: &FsPath, sha256: &str, final_path: &FsPath) -> std::io::Result<bool> {
    let mut hasher = Sha256::new();
    let mut f = std::fs::File::open(partial)?;
    std::io::copy(&mut f, &mut hasher)?;
    if hex::encode(hasher.finalize()) != sha256 {
        std::fs::remove_file(partial)?;
        return Ok(false);
    }
    if final_path.exists() {
        std::fs::remove_file(partial)?;
    } else {
        crate::files::create_dir(final_path.parent().expect("blob paths have a parent"))?;
        std::fs::rename(partial, final_path)?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges_are_read_strictly() {
        let r = |v| parse_content_range(v);
        assert_eq!(
            r("bytes 0-65535/300000"),
            Some(ChunkRange {
                start: 0,
                len: 65536,
                total: 300000
            })
        );
        assert_eq!(
            r("bytes */300000"),
            Some(ChunkRange {
                start: 300000,
                len: 0,
                total: 300000
            }),
            "finish an upload whose bytes all arrived"
        );
        for bad in [
            "bytes 10-5/100",
            "bytes 0-100/100",
            "bytes 0-0/0",
            "bytes */0",
            "bytes 0-1",
            "items 0-1/2",
            "bytes -1-2/3",
            "bytes a-b/c",
        ] {
            assert_eq!(r(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_lower_case_sha256_hex_names_a_blob() {
        assert!(is_blob_name(&"a".repeat(64)));
        assert!(!is_blob_name(&"A".repeat(64)));
        assert!(!is_blob_name(&"a".repeat(63)));
        assert!(!is_blob_name(&format!("../{}", "a".repeat(61))));
    }
}
