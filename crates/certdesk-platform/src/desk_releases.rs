//! The desk releases' routes (issue 15 item 2): the update check Tauri's updater plugin makes
//! (`GET /api/v1/desk-releases/{target}/{arch}/{bundle}/{current_version}`) and the package's
//! download (`GET /api/v1/desk-releases/{version}/{file}`), both for an enrolled, unrevoked
//! device only. What is offered and which file may be read is decided in [`crate::releases`];
//! these handlers authenticate, parse the path and answer.
//!
//! A download must never read a file its release does not list, and is streamed from disk,
//! never read whole into memory.

use axum::extract::{Path, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use certdesk_domain::Code;
use certdesk_protocol::release::{DeskArch, DeskBundle, DeskTarget, UpdateOffer};
use certdesk_protocol::ApiError;

use crate::api::{AppState, DeviceAuth};
use crate::error::AppError;
use crate::messages;
use crate::releases::Releases;

/// What every release route answers when the platform was started without `--releases`.
const NONE_PUBLISHED: &str = "no releases published";

fn releases(state: &AppState) -> Result<std::sync::Arc<Releases>, AppError> {
    state.releases.clone().ok_or(AppError::NotFound(NONE_PUBLISHED))
}

fn closed<T: Code>(what: &str, given: &str) -> Result<T, AppError> {
    T::from_code(given).ok_or_else(|| messages::releases::system_unknown(what, given, &T::ALL.iter().map(Code::code).collect::<Vec<_>>()))
}

/// The host the desk reached the platform by (`Host`, or the authority of an HTTP/2 request),
/// which a reverse proxy forwards unchanged: the download address is on the same host, so it
/// is reached the same way. Only a host name or address with an optional port is taken.
fn request_host(parts: &Parts) -> Result<String, AppError> {
    let host = parts
        .headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| parts.uri.authority().map(|a| a.as_str()))
        .ok_or_else(messages::releases::host_invalid)?;
    let plain = !host.is_empty()
        && host.len() <= 255
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if !plain {
        return Err(messages::releases::host_invalid());
    }
    Ok(host.to_owned())
}

/// A path segment with everything but unreserved characters percent-encoded.
fn segment(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Whether a newer desk release is published for this system (Tauri's updater plugin).
///
/// Answers the newest published release whose version is greater (semver) than
/// `current_version` and that has a signed package for this target, arch and bundle, in the
/// shape of a Tauri updater "dynamic server"; 204 when there is none. `signature` is the
/// package's `.sig` file as it is (the desk verifies it with the release key it was built with,
/// and requires the signed version to be `version`); `url` is the download route on the host
/// the request came to, over HTTPS.
#[utoipa::path(get, path = "/desk-releases/{target}/{arch}/{bundle}/{current_version}", tag = "desk",
    security(("device" = [])),
    params(
        ("target" = DeskTarget, Path, description = "the desk's operating system"),
        ("arch" = DeskArch, Path, description = "the desk's processor"),
        ("bundle" = DeskBundle, Path, description = "how the desk was installed"),
        ("current_version" = String, Path, description = "the desk's version (semver), e.g. `0.1.0`"),
    ),
    responses(
    (status = OK, description = "a newer release", body = UpdateOffer),
    (status = NO_CONTENT, description = "no newer release for this system"),
    (status = BAD_REQUEST, description = "`invalid_field`: the version is not semver, or the target, arch or bundle is not one of the set", body = ApiError),
    (status = UNAUTHORIZED, description = "missing, wrong or revoked device credential", body = ApiError),
    (status = NOT_FOUND, description = "the platform publishes no releases", body = ApiError),
))]
pub(crate) async fn desk_release_check(
    State(state): State<AppState>,
    auth: DeviceAuth,
    Path((target, arch, bundle, current)): Path<(String, String, String, String)>,
    parts: Parts,
) -> Result<Response, AppError> {
    let releases = releases(&state)?;
    let target: DeskTarget = closed("target", &target)?;
    let arch: DeskArch = closed("arch", &arch)?;
    let bundle: DeskBundle = closed("bundle", &bundle)?;
    let current = semver::Version::parse(&current).map_err(|_| messages::releases::current_version_invalid(&current))?;
    let host = request_host(&parts)?;
    let asked = current.clone();
    let offered = tokio::task::spawn_blocking(move || releases.newest_for(&asked, target, arch, bundle))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let Some(offered) = offered else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    tracing::info!(device_id = %auth.device_id, %current, offered = %offered.manifest.version, %target, %arch, %bundle, "desk release offered");
    let url = format!(
        "https://{host}{}{}/{}/{}",
        certdesk_protocol::API_PREFIX,
        certdesk_protocol::release::DESK_RELEASES_PATH,
        segment(&offered.manifest.version),
        segment(&offered.package.file)
    );
    Ok(Json(UpdateOffer {
        version: offered.manifest.version,
        notes: offered.manifest.notes,
        pub_date: offered.manifest.pub_date,
        url,
        signature: offered.signature,
    })
    .into_response())
}

/// Download a desk release's package.
///
/// Only a file its version's `release.json` lists as a package is served; anything else
/// (the manifest, a signature, another file, a name with a folder part) answers 404.
#[utoipa::path(get, path = "/desk-releases/{version}/{file}", tag = "desk", security(("device" = [])),
    params(
        ("version" = String, Path, description = "the release's version"),
        ("file" = String, Path, description = "the package's file name, as the update check's `url` gives it"),
    ),
    responses(
    (status = OK, description = "the package's bytes", content(("application/octet-stream")),
        headers(("Content-Length" = u64, description = "the package's size"))),
    (status = UNAUTHORIZED, description = "missing, wrong or revoked device credential", body = ApiError),
    (status = NOT_FOUND, description = "no such package, or the platform publishes no releases", body = ApiError),
))]
pub(crate) async fn desk_release_download(
    State(state): State<AppState>,
    auth: DeviceAuth,
    Path((version, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let releases = releases(&state)?;
    let (v, f) = (version.clone(), file.clone());
    let path = tokio::task::spawn_blocking(move || releases.package_file(&v, &f))
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound("release package"))?;
    let opened = tokio::fs::File::open(&path).await.map_err(AppError::internal)?;
    let size = opened.metadata().await.map_err(AppError::internal)?.len();
    tracing::info!(device_id = %auth.device_id, %version, %file, size, "desk release downloaded");
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::with_capacity(opened, 64 * 1024));
    Ok(([(CONTENT_TYPE, "application/octet-stream".to_owned()), (CONTENT_LENGTH, size.to_string())], body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_download_address_encodes_each_segment() {
        assert_eq!(segment("certdesk_0.1.1_amd64.deb"), "certdesk_0.1.1_amd64.deb");
        assert_eq!(segment("0.1.1+build 2"), "0.1.1%2Bbuild%202");
        assert_eq!(segment("a/b"), "a%2Fb");
    }

    #[test]
    fn only_a_plain_host_builds_a_download_address() {
        let parts = |host: &str| axum::http::Request::builder().uri("/x").header(HOST, host).body(()).unwrap().into_parts().0;
        assert_eq!(request_host(&parts("cert.example.cn")).unwrap(), "cert.example.cn");
        assert_eq!(request_host(&parts("127.0.0.1:8443")).unwrap(), "127.0.0.1:8443");
        assert_eq!(request_host(&parts("[::1]:8443")).unwrap(), "[::1]:8443");
        for hostile in ["evil.example/x?", "a@b", "a b", ""] {
            assert!(request_host(&parts(hostile)).is_err(), "{hostile:?} must not become part of a URL");
        }
    }
}
