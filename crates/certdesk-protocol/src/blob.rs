//! The resumable upload of content-addressed blobs (photos): what the platform answers about an
//! upload in progress. See `docs/sync.md` ("Photos: resumable upload").

use serde::{Deserialize, Serialize};

/// Bytes a desk sends in one `PATCH` of a resumable upload (64 KiB): small enough that a cut
/// on a poor connection loses little, large enough that a photo is a handful of requests.
pub const UPLOAD_CHUNK_BYTES: usize = 64 * 1024;

/// Whether `s` is a blob name: a SHA-256 in 64 lower-case hex digits. Anything else could
/// escape the blob directory or alias another blob.
pub fn is_blob_name(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Stable code of a chunk that does not start where the upload stands (overlapping, repeated
/// or out of order): the answer's `offset` says where to continue.
pub const UPLOAD_OFFSET_MISMATCH: &str = crate::ApiCode::UploadOffsetMismatch.as_str();

/// Answer to `GET`/`HEAD`/`PATCH /api/v1/blobs/{sha256}/upload`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadStatus {
    /// The blob's name: its SHA-256, lower-case hex.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9a-f]{64}$"))]
    pub sha256: String,
    /// Bytes the platform holds so far; the next chunk must start here.
    pub offset: u64,
    /// Whether the whole blob arrived, matched its hash and is now visible.
    pub complete: bool,
    /// The largest blob the platform accepts, in bytes.
    pub max_size: u64,
}
