//! The HTTPS client for the platform's `/api/v1`: enrolment, push, pull and photo blobs, with
//! retries (exponential backoff with jitter) for the calls that are safe to repeat.
//!
//! HTTPS only, rustls only; with a CA given at enrolment only that CA is trusted, otherwise the
//! system roots. The device secret travels only in the `Authorization` header, which is marked
//! sensitive; it must never be put in a URL, an error or a log line.

use std::time::Duration;

use certdesk_protocol::blob::UploadStatus;
use certdesk_protocol::sync::{EnrolRequest, EnrolResponse, PullResponse, PushRequest, PushResponse};
use certdesk_protocol::{ApiCode, ApiError, TrustList, API_PREFIX};
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_RANGE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::messages;
use crate::SyncError;
use certdesk_store::DeskCode;

/// How often and how patiently a call is repeated after a network failure or a 5xx.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all (1 = no retry).
    pub max_attempts: u32,
    /// Delay before the second attempt; doubled for each later one.
    pub base_delay: Duration,
    /// The longest delay between two attempts.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_attempts: 6, base_delay: Duration::from_millis(250), max_delay: Duration::from_secs(15) }
    }
}

impl RetryPolicy {
    /// The pause before attempt `attempt + 1` (attempt counts from 1): exponential, capped,
    /// with "equal jitter" (between half and all of it) so desks that lost the network
    /// together do not come back in lockstep.
    pub fn delay(&self, attempt: u32) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let capped = exp.min(self.max_delay);
        let half = capped / 2;
        half + half.mul_f64(jitter())
    }
}

/// A number in [0, 1) that differs between calls; good enough for spreading retries, not for
/// anything secret.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos());
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// What a blob upload did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BlobUpload {
    /// Bytes the platform already held when this upload started (a cut upload resumes there).
    pub resumed_from: u64,
    /// Bytes sent by this upload.
    pub bytes_sent: u64,
}

/// How many times an upload re-asks where it stands (after an overlapping chunk, say) before
/// giving up for this sync.
const MAX_UPLOAD_REALIGNS: u32 = 8;

/// A client for one platform, optionally acting as one enrolled device.
#[derive(Clone)]
pub struct PlatformClient {
    http: reqwest::Client,
    base: String,
    auth: Option<HeaderValue>,
    retry: RetryPolicy,
}

/// One failed attempt: may it be tried again?
enum Attempt {
    Retry(String),
    Fail(SyncError),
}

/// A platform base URL as stored: `https://host[:port]`, no trailing slash.
pub fn normalise_platform_url(url: &str) -> Result<String, SyncError> {
    let url = url.trim().trim_end_matches('/');
    let parsed = reqwest::Url::parse(url).ok().filter(|u| u.scheme() == "https" && u.host().is_some());
    match parsed {
        Some(_) => Ok(url.to_owned()),
        None => Err(SyncError::Config { code: DeskCode::PlatformUrlInvalid, message: messages::platform_url_invalid(url) }),
    }
}

/// The largest answer the desk reads from the platform (a pull page of the largest size is a
/// few MiB); a longer one is refused as a protocol error without being held whole.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// A body that broke off, or one over [`MAX_RESPONSE_BYTES`].
enum BodyError {
    Network(reqwest::Error),
    TooLarge(usize),
}

/// Reads a whole body, chunk by chunk, stopping at [`MAX_RESPONSE_BYTES`] (a declared length
/// over it is refused before reading).
async fn read_capped(mut res: reqwest::Response) -> Result<Vec<u8>, BodyError> {
    if let Some(declared) = res.content_length().filter(|n| *n > MAX_RESPONSE_BYTES as u64) {
        return Err(BodyError::TooLarge(declared as usize));
    }
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(BodyError::Network)? {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(BodyError::TooLarge(body.len() + chunk.len()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

impl PlatformClient {
    /// A client for the platform at `base_url`, trusting only `ca_pem` when given.
    pub fn new(base_url: &str, ca_pem: Option<&str>, timeout: Duration, retry: RetryPolicy) -> Result<Self, SyncError> {
        let base = normalise_platform_url(base_url)?;
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .https_only(true)
            // A redirect is never followed: the desk talks to the platform it was enrolled
            // with and nothing else (a 3xx is a protocol error naming where it pointed).
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .timeout(timeout)
            .user_agent(concat!("certdesk/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = ca_pem {
            let cert = reqwest::Certificate::from_pem(pem.as_bytes()).map_err(|e| bad_ca(&e.to_string()))?;
            builder = builder.tls_built_in_root_certs(false).add_root_certificate(cert);
        }
        let http = builder.build().map_err(|e| bad_ca(&e.to_string()))?;
        Ok(PlatformClient { http, base, auth: None, retry })
    }

    /// The same client, authenticated as a device.
    pub fn with_device(mut self, device_id: Uuid, secret: &str) -> Result<Self, SyncError> {
        let mut value = HeaderValue::from_str(&certdesk_protocol::sync::device_authorization(device_id, secret))
            .map_err(|_| SyncError::Secret("the stored secret is not a valid header value".into()))?;
        value.set_sensitive(true);
        self.auth = Some(value);
        Ok(self)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{API_PREFIX}{path}", self.base)
    }

    /// Sends one request (built afresh for each attempt), repeating it after network errors
    /// and 5xx answers when `idempotent`, and returns the status and whole body.
    async fn send(
        &self,
        idempotent: bool,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<(StatusCode, Vec<u8>), SyncError> {
        let mut attempt = 1;
        loop {
            let mut req = build(&self.http);
            if let Some(auth) = &self.auth {
                req = req.header(AUTHORIZATION, auth.clone());
            }
            let outcome = match req.send().await {
                Err(e) => {
                    // Only a refused connection proves the request never left; anything later
                    // may have reached the platform, which only idempotent calls may repeat.
                    if idempotent || e.is_connect() {
                        Attempt::Retry(describe(&e))
                    } else {
                        Attempt::Fail(SyncError::Network(describe(&e)))
                    }
                }
                Ok(res) if res.status().is_redirection() => {
                    let to = res.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned();
                    Attempt::Fail(SyncError::Protocol(format!("the platform answered {} redirecting to {to}; redirects are not followed", res.status())))
                }
                Ok(res) => {
                    let status = res.status();
                    match read_capped(res).await {
                        Ok(body) if status.is_server_error() && idempotent => {
                            Attempt::Retry(format!("{status}: {}", String::from_utf8_lossy(&body)))
                        }
                        Ok(body) => return Ok((status, body)),
                        Err(BodyError::TooLarge(n)) => Attempt::Fail(SyncError::Protocol(format!(
                            "the platform's answer is over {MAX_RESPONSE_BYTES} bytes ({n} read or declared); not read further"
                        ))),
                        Err(BodyError::Network(e)) if idempotent => Attempt::Retry(describe(&e)),
                        Err(BodyError::Network(e)) => Attempt::Fail(SyncError::Network(describe(&e))),
                    }
                }
            };
            match outcome {
                Attempt::Fail(e) => return Err(e),
                Attempt::Retry(why) if attempt >= self.retry.max_attempts => return Err(SyncError::Network(why)),
                Attempt::Retry(why) => {
                    let pause = self.retry.delay(attempt);
                    tracing::info!(attempt, ?pause, reason = %why, "platform call failed; retrying");
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
            }
        }
    }

    /// Sends and reads a JSON answer; refusals become [`SyncError`]s. A 2xx body that does not
    /// parse (a response cut short) is retried like a network error when `idempotent`.
    async fn json<T: DeserializeOwned>(
        &self,
        idempotent: bool,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<T, SyncError> {
        let mut attempt = 1;
        loop {
            let (status, body) = self.send(idempotent, &build).await?;
            if !status.is_success() {
                return Err(refusal(status, &body));
            }
            match serde_json::from_slice(&body) {
                Ok(v) => return Ok(v),
                Err(e) if idempotent && attempt < self.retry.max_attempts => {
                    tracing::info!(attempt, error = %e, "unreadable answer; retrying");
                    tokio::time::sleep(self.retry.delay(attempt)).await;
                    attempt += 1;
                }
                Err(e) => return Err(SyncError::Protocol(format!("{status}: {e}"))),
            }
        }
    }

    /// `POST /devices/enrol`. Not repeated once sent: a code works once, so a lost answer
    /// needs a new code from the operator.
    pub async fn enrol(&self, req: &EnrolRequest) -> Result<EnrolResponse, SyncError> {
        let url = self.url("/devices/enrol");
        self.json(false, |c| c.post(&url).json(req)).await.map_err(|e| match e {
            SyncError::DeviceRefused => SyncError::Config {
                code: DeskCode::EnrolmentCodeInvalid,
                message: messages::enrolment_code_refused(),
            },
            other => other,
        })
    }

    /// `POST /sync/push`: safe to repeat (the platform keys entries by device and entry id).
    pub async fn push(&self, req: &PushRequest) -> Result<PushResponse, SyncError> {
        let url = self.url("/sync/push");
        self.json(true, |c| c.post(&url).json(req)).await
    }

    /// `GET /sync/pull?since=&limit=`.
    pub async fn pull(&self, since: i64, limit: u32) -> Result<PullResponse, SyncError> {
        let url = self.url(&format!("/sync/pull?since={since}&limit={limit}"));
        self.json(true, |c| c.get(&url)).await
    }

    /// `POST /roster/filings` (名册备案): safe to repeat (the platform answers the same receipt
    /// for the same filing id).
    pub async fn file_roster(&self, filing: &certdesk_protocol::roster::RosterFiling) -> Result<certdesk_protocol::roster::FilingReceipt, SyncError> {
        let url = self.url("/roster/filings");
        self.json(true, |c| c.post(&url).json(filing)).await
    }

    /// `GET /trust-list`: every key a verifier should trust.
    pub async fn trust_list(&self) -> Result<TrustList, SyncError> {
        let url = self.url("/trust-list");
        self.json(true, |c| c.get(&url)).await
    }

    /// `HEAD /blobs/{sha256}`: whether the platform already holds this agency's blob.
    pub async fn blob_exists(&self, sha256: &str) -> Result<bool, SyncError> {
        let url = self.url(&format!("/blobs/{sha256}"));
        let (status, body) = self.send(true, |c| c.request(Method::HEAD, &url)).await?;
        match status {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            s => Err(refusal(s, &body)),
        }
    }

    /// `GET /blobs/{sha256}`: a blob of the agency (a photo another desk uploaded); `None` when
    /// the platform does not hold it.
    pub async fn get_blob(&self, sha256: &str) -> Result<Option<Vec<u8>>, SyncError> {
        let url = self.url(&format!("/blobs/{sha256}"));
        let (status, body) = self.send(true, |c| c.get(&url)).await?;
        match status {
            s if s.is_success() => Ok(Some(body)),
            StatusCode::NOT_FOUND => Ok(None),
            s => Err(refusal(s, &body)),
        }
    }

    /// `GET /blobs/{sha256}/upload`: how many bytes of this blob the platform holds. `None`
    /// from a platform that predates resumable uploads.
    pub async fn upload_status(&self, sha256: &str) -> Result<Option<UploadStatus>, SyncError> {
        let url = self.url(&format!("/blobs/{sha256}/upload"));
        let (status, body) = self.send(true, |c| c.get(&url)).await?;
        match status {
            s if s.is_success() => serde_json::from_slice(&body)
                .map(Some)
                .map_err(|e| SyncError::Protocol(format!("upload status: {e}"))),
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => Ok(None),
            s => Err(refusal(s, &body)),
        }
    }

    /// Uploads a blob resumably in chunks of `chunk` bytes: asks where the platform stands,
    /// sends the rest chunk by chunk (`PATCH` with `Content-Range`), and after a cut or an
    /// overlapping chunk asks again and goes on from there, never from 0. Falls back to one
    /// whole `PUT` on a platform without resumable uploads.
    pub async fn upload_blob(&self, sha256: &str, bytes: &[u8], chunk: usize) -> Result<BlobUpload, SyncError> {
        let total = bytes.len() as u64;
        let status = if total == 0 { None } else { self.upload_status(sha256).await? };
        let Some(mut status) = status else {
            self.put_blob(sha256, bytes).await?;
            return Ok(BlobUpload { resumed_from: 0, bytes_sent: total });
        };
        let url = self.url(&format!("/blobs/{sha256}/upload"));
        let chunk = chunk.max(1) as u64;
        let mut report = BlobUpload { resumed_from: status.offset, bytes_sent: 0 };
        let mut realigns = 0;
        while !status.complete {
            let start = status.offset;
            if start > total {
                return Err(SyncError::Protocol(format!("the platform holds {start} bytes of a {total}-byte blob")));
            }
            let end = (start + chunk).min(total);
            // Every byte arrived but the platform stopped before checking them: an empty
            // `bytes */TOTAL` asks it to finish.
            let range = if start == total { format!("bytes */{total}") } else { format!("bytes {start}-{}/{total}", end - 1) };
            let piece = &bytes[start as usize..end as usize];
            // Repeating a chunk is harmless: a repeat that arrives twice is refused as
            // overlapping, and the upload asks where it stands.
            let (code, body) =
                self.send(true, |c| c.patch(&url).header(CONTENT_RANGE, range.as_str()).body(piece.to_vec())).await?;
            if code.is_success() {
                status = serde_json::from_slice(&body).map_err(|e| SyncError::Protocol(format!("upload chunk: {e}")))?;
                report.bytes_sent += end - start;
                continue;
            }
            let realign = code == StatusCode::CONFLICT
                && serde_json::from_slice::<ApiError>(&body)
                    .is_ok_and(|e| e.is(ApiCode::UploadOffsetMismatch) || e.is(ApiCode::UploadBusy));
            if !realign || realigns >= MAX_UPLOAD_REALIGNS {
                return Err(refusal(code, &body));
            }
            realigns += 1;
            tokio::time::sleep(self.retry.delay(realigns)).await;
            status = self
                .upload_status(sha256)
                .await?
                .ok_or_else(|| SyncError::Protocol("resumable upload vanished mid-way".into()))?;
        }
        Ok(report)
    }

    /// `PUT /blobs/{sha256}`: idempotent; the platform checks the bytes against the name.
    pub async fn put_blob(&self, sha256: &str, bytes: &[u8]) -> Result<(), SyncError> {
        let url = self.url(&format!("/blobs/{sha256}"));
        let (status, body) = self.send(true, |c| c.put(&url).body(bytes.to_vec())).await?;
        if status.is_success() {
            Ok(())
        } else {
            Err(refusal(status, &body))
        }
    }
}

fn bad_ca(detail: &str) -> SyncError {
    SyncError::Config { code: DeskCode::PlatformCaInvalid, message: messages::platform_ca_unusable(detail) }
}

/// A network error's description, with its causes (TLS failures hide in the chain).
fn describe(e: &reqwest::Error) -> String {
    // URLs never hold the secret, so the message may keep them.
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}

fn refusal(status: StatusCode, body: &[u8]) -> SyncError {
    if status == StatusCode::UNAUTHORIZED {
        return SyncError::DeviceRefused;
    }
    match serde_json::from_slice::<ApiError>(body) {
        Ok(error) => SyncError::Refused { status: status.as_u16(), error },
        Err(_) => SyncError::Protocol(format!("{status} without an error body")),
    }
}
