//! The HTTP API under `/api/v1`, health endpoints, and the public credential page
//! `/c/{payload}`. [`routes`] registers every route together with its documentation
//! (`#[utoipa::path]` on each handler, `utoipa_axum::routes!`), so the contract
//! ([`crate::openapi`], committed as `docs/openapi.yaml`) is derived from the router itself;
//! [`app`] serves both. Handlers are thin: they authenticate, call the store or the check
//! providers, and map errors through [`AppError`].
//!
//! A device credential or operator token must never be read from a URL, and no handler may
//! show one agency's records to another: every device-facing query is keyed by the agency of
//! the authenticated device.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json, Router};
use certdesk_domain::{parse_contact_phone, parse_district, parse_required_text, Bilingual, CreditCode};
use certdesk_protocol::operator::{
    AgencyCreated, CreateAgencyRequest, DeviceInfo, EnrolmentCodeIssued, KeyActionRequested, KeyRotated,
    ReviewDecision, ReviewItem, ReviewReport,
};
use certdesk_protocol::sync::{
    EnrolRequest, EnrolResponse, EntryResult, PullQuery, PullResponse, PushRequest, PushResponse,
    ReceivedPush,
};
use certdesk_protocol::{ApiCode, ApiError, RevocationList, TrustList};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use utoipa::OpenApi as _;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
use utoipa_axum::routes;
use uuid::Uuid;

use crate::checks::{parse_results_csv, CheckOutcome, CheckProvider};
use crate::error::AppError;
use crate::flows;
use crate::ids::Ids;
use crate::keys;
use crate::messages;
use crate::operator_pages::access::Area;
use crate::flows::operators::KeyStep;
use crate::flows::roster::FilingContext;
use crate::flows::{Decided, Decision, PushContext, Signer};
use certdesk_protocol::roster::{FilingReceipt, RosterFiling};
use crate::store::{Agency, Store};

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Most entries in one push.
pub const MAX_BATCH: usize = 500;
/// Most changes in one pull.
pub const MAX_PULL: u32 = 1000;
/// How long an enrolment code works.
pub const ENROLMENT_CODE_HOURS: i64 = 72;

/// The current time; passed in so tests can fix it.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The records.
    pub store: Arc<dyn Store>,
    /// Police-comparison providers, asked in order; the first that decides wins, otherwise the
    /// application waits in the manual review queue.
    pub providers: Arc<Vec<Box<dyn CheckProvider>>>,
    /// The clock.
    pub clock: Clock,
    /// Where new ids and signing keys come from.
    pub ids: Arc<dyn Ids>,
    /// Prefix of credential URLs, ending in `/` (e.g. `https://127.0.0.1:8443/c/`).
    pub credential_base_url: Arc<str>,
    /// Days a new certificate is valid.
    pub validity_days: u32,
    /// Where blob bytes live (`DATA_DIR/blobs`).
    pub blob_dir: Arc<std::path::Path>,
    /// What one agency may store.
    pub blob_quota: crate::limits::BlobQuota,
    /// What `/metrics` reports.
    pub metrics: std::sync::Arc<crate::metrics::Metrics>,
    /// Signs and checks the public page's form tokens (the same in every instance).
    pub page_tokens: std::sync::Arc<crate::public::token::TokenKey>,
    /// The desk releases folder, when the platform serves releases.
    pub releases: Option<Arc<crate::releases::Releases>>,
}

impl AppState {
    pub(crate) fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Today in Shanghai: the programme's dates are local dates.
    pub(crate) fn today(&self) -> NaiveDate {
        self.now().with_timezone(&certdesk_domain::shanghai()).date_naive()
    }
}

/// Runs a blocking store call off the async workers.
pub(crate) async fn blocking<T, F>(state: &AppState, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&dyn Store) -> Result<T, crate::store::StoreError> + Send + 'static,
{
    let store = state.store.clone();
    tokio::task::spawn_blocking(move || f(store.as_ref()))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::from)
}

/// Every route of the platform with its documentation: `routes!` registers each handler at
/// the path and methods its `#[utoipa::path]` names and adds that operation to the document,
/// so nothing can be served undocumented or documented unserved. A route registered any
/// other way fails `openapi::tests`.
pub fn routes(state: AppState) -> OpenApiRouter {
    // Each operator route sits behind its area's key check (on the handlers, so a method a path
    // does not serve is still 405).
    let guarded = |area, (schemas, paths, handlers): UtoipaMethodRouter<AppState>| -> UtoipaMethodRouter<AppState> {
        let guard = axum::middleware::from_fn_with_state(ApiGuard { app: state.clone(), area }, api_guard);
        (schemas, paths, handlers.route_layer(guard))
    };
    let api = OpenApiRouter::new()
        .routes(routes!(crate::openapi::contract))
        .routes(routes!(trust_list))
        .routes(routes!(revocations))
        .routes(routes!(enrol))
        .routes(routes!(push))
        .routes(routes!(pull))
        .routes(roster_route())
        .routes(routes!(get_blob, put_blob))
        .routes(routes!(crate::desk_releases::desk_release_check))
        .routes(routes!(crate::desk_releases::desk_release_download))
        .routes(routes!(
            crate::blob_upload::upload_status,
            crate::blob_upload::upload_chunk
        ))
        .routes(guarded(Area::Agencies, routes!(create_agency)))
        .routes(guarded(Area::Agencies, routes!(issue_enrolment_code)))
        .routes(guarded(Area::Devices, routes!(list_devices)))
        .routes(guarded(Area::Devices, routes!(revoke_device)))
        .routes(guarded(Area::Reviews, routes!(list_reviews)))
        .routes(guarded(Area::Reviews, routes!(import_results)))
        .routes(guarded(Area::Reviews, routes!(decide_review)))
        .routes(guarded(Area::Keys, routes!(rotate_key)))
        .routes(guarded(Area::Keys, routes!(withdraw_key)));
    OpenApiRouter::with_openapi(crate::openapi::ApiDoc::openapi())
        .merge(crate::operator_pages::routes(state.clone()))
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .merge(crate::public::routes(state.clone()))
        .nest(certdesk_protocol::API_PREFIX, api)
        .with_state(state)
}

/// `Strict-Transport-Security` on every answer.
pub const HSTS: &str = "max-age=31536000";

/// HTTPS only, always: a browser that has seen the platform once never tries it over plain HTTP
/// again (a year), so nobody on the way can downgrade a citizen's scan. The server puts it
/// around everything, the limits' own refusals (429, 408) included.
pub(crate) async fn hsts(mut res: axum::response::Response) -> axum::response::Response {
    res.headers_mut().insert(axum::http::header::STRICT_TRANSPORT_SECURITY, axum::http::HeaderValue::from_static(HSTS));
    res
}

/// The router with every endpoint, the body limit and request tracing, serving its own
/// contract at `/api/v1/openapi.yaml`.
pub fn app(state: AppState) -> Router {
    let metrics = state.metrics.clone();
    let (router, doc) = routes(state).split_for_parts();
    router
        .layer(Extension(crate::openapi::Contract::of(&doc)))
        .fallback(|| async { AppError::NotFound("route") })
        .layer(axum::middleware::from_fn_with_state(metrics, crate::metrics::track))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(
            // One INFO line per request (method, path, status, latency); never headers, which
            // carry credentials, nor the query, nor an electronic card's secret path segment.
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<axum::body::Body>| {
                    // The id the request-id layer gave it (or the proxy's), echoed in the answer.
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", id = %id, method = %req.method(), path = %logged_path(req.uri().path()))
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
}

/// The path as logged: an electronic card's page secret (`/e/{secret}/...`) is a bearer secret
/// (whoever holds it can show the worker's live code), so it is replaced by `{secret}`.
pub(crate) fn logged_path(path: &str) -> String {
    match path.strip_prefix("/e/") {
        Some(rest) if !rest.is_empty() && !["app.js", "sw.js", "icon.svg"].contains(&rest) => {
            let tail = rest.find('/').map_or("", |i| &rest[i..]);
            format!("/e/{{secret}}{tail}")
        }
        _ => path.to_owned(),
    }
}

/// `Json` whose refusals answer in the API's error shape (400 malformed, 413 too large).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        Json::<T>::from_request(req, state)
            .await
            .map(|Json(v)| ApiJson(v))
            .map_err(AppError::from)
    }
}

/// An authenticated, unrevoked desk device.
#[derive(Debug, Clone)]
pub struct DeviceAuth {
    /// The device.
    pub device_id: Uuid,
    /// Its agency.
    pub agency_id: Uuid,
    /// The name it was enrolled under.
    pub device_name: String,
}

fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

impl FromRequestParts<AppState> for DeviceAuth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = bearer(&parts.headers).ok_or(AppError::Unauthorized)?;
        let (id, secret) = token.split_once('.').ok_or(AppError::Unauthorized)?;
        let device_id = Uuid::parse_str(id).map_err(|_| AppError::Unauthorized)?;
        let given_hash = keys::sha256_hex(secret);
        let device = blocking(state, move |s| s.device(device_id))
            .await?
            .ok_or(AppError::Unauthorized)?;
        // Comparing hashes, not secrets: a timing difference can reveal at most a prefix of
        // a hash, which does not help to forge the 256-bit secret.
        if device.revoked || device.secret_hash != given_hash {
            tracing::warn!(%device_id, revoked = device.revoked, "device refused");
            return Err(AppError::Unauthorized);
        }
        Ok(DeviceAuth {
            device_id,
            agency_id: device.agency_id,
            device_name: device.name,
        })
    }
}

/// An operator authenticated by one of their own API keys (issue 11 item 6), let into the area
/// of the route by [`api_guard`]. There is no shared operator token.
#[derive(Debug, Clone)]
pub struct OperatorAuth {
    /// The operator's sign-in name.
    pub operator: String,
    /// The key used.
    pub key_id: Uuid,
}

impl FromRequestParts<AppState> for OperatorAuth {
    type Rejection = AppError;

    /// What the route's guard found; a route without a guard lets nobody in.
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, AppError> {
        parts.extensions.get::<OperatorAuth>().cloned().ok_or(AppError::Unauthorized)
    }
}

/// The state of [`api_guard`]: the platform's, and the area guarded.
#[derive(Clone)]
pub struct ApiGuard {
    /// The platform's state.
    pub app: AppState,
    /// The area the routes belong to.
    pub area: Area,
}

/// In front of each operator API route: the bearer must be a live API key (401 otherwise, one
/// answer for missing, unknown, expired and revoked), whose scopes and operator's role cover
/// the area (403 with a sentence otherwise); the call is then audited.
pub async fn api_guard(State(g): State<ApiGuard>, mut req: Request, next: axum::middleware::Next) -> Response {
    let Some(token) = bearer(req.headers()).map(str::to_owned) else {
        return AppError::Unauthorized.into_response();
    };
    let now = g.app.now();
    let key = match blocking(&g.app, move |s| flows::operators::api_key_in_force(s, &token, now)).await {
        Ok(Some(key)) => key,
        Ok(None) => {
            tracing::warn!(area = ?g.area, "operator API call with an unknown, expired or revoked key refused");
            return AppError::Unauthorized.into_response();
        }
        Err(e) => return e.into_response(),
    };
    if !flows::operators::key_may(&key, g.area) {
        tracing::warn!(operator = %key.operator_name, key_id = %key.id, area = ?g.area, "operator API call outside the key's scopes refused");
        return messages::operator::key_scope_refused(g.area.labels()).into_response();
    }
    req.extensions_mut().insert(OperatorAuth { operator: key.operator_name.clone(), key_id: key.id });
    crate::audit::audited(&g.app, key.operator_name, format!("api_key:{}", key.id), req, next).await
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "health", responses(
    (status = OK, description = "ok", content_type = "text/plain", body = String, example = "ok"),
))]
async fn healthz() -> &'static str {
    "ok"
}

/// The process can reach its store.
#[utoipa::path(get, path = "/readyz", tag = "health", responses(
    (status = OK, description = "ready", content_type = "text/plain", body = String, example = "ready"),
    (status = SERVICE_UNAVAILABLE, description = "the store cannot be reached", body = ApiError),
))]
async fn readyz(State(state): State<AppState>) -> Result<&'static str, AppError> {
    let store = state.store.clone();
    tokio::task::spawn_blocking(move || store.ready())
        .await
        .map_err(AppError::internal)?
        .map_err(|e| AppError::NotReady(e.to_string()))?;
    Ok("ready")
}

/// A list every verifier polls, as JSON with a strong `ETag` (the SHA-256 of the body): a
/// request whose `If-None-Match` names it is answered 304 with no body (issue 12 item 3), so a
/// city of desks and phones re-downloads a list only when it changed.
fn conditional_json<T: serde::Serialize>(headers: &axum::http::HeaderMap, value: &T) -> Result<Response, AppError> {
    use axum::http::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
    let body = serde_json::to_vec(value).map_err(AppError::internal)?;
    let etag = format!("\"{}\"", &keys::sha256_bytes_hex(&body)[..32]);
    let matches = headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| { let tag = tag.trim(); tag == etag || tag == "*" }));
    let common = [(ETAG, etag), (CACHE_CONTROL, "no-cache".to_owned())];
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    Ok((common, [(CONTENT_TYPE, "application/json")], body).into_response())
}

/// Public keys that sign credentials, with their service periods.
///
/// Answers a strong `ETag`; send it back as `If-None-Match` to get 304 while the list is the same.
#[utoipa::path(get, path = "/trust-list", tag = "public",
    params(("If-None-Match" = Option<String>, Header, description = "the ETag of the list the caller holds")),
    responses(
    (status = OK, description = "the trust list", body = TrustList,
        headers(("ETag" = String, description = "the list's version"))),
    (status = NOT_MODIFIED, description = "the caller's list is current (no body)"),
))]
async fn trust_list(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Result<Response, AppError> {
    let (today, now, ids) = (state.today(), state.now(), state.ids.clone());
    // Make sure a key exists before anyone asks for it.
    blocking(&state, move |s| flows::current_signing_key(s, ids.as_ref(), today, now)).await?;
    conditional_json(&headers, &blocking(&state, |s| s.trust_list()).await?)
}

/// Cancelled certificates and replaced cards, city-wide (no personal data).
///
/// Answers a strong `ETag`; send it back as `If-None-Match` to get 304 while the list is the same.
#[utoipa::path(get, path = "/revocations", tag = "public",
    params(("If-None-Match" = Option<String>, Header, description = "the ETag of the list the caller holds")),
    responses(
    (status = OK, description = "the revocation list", body = RevocationList,
        headers(("ETag" = String, description = "the list's version"))),
    (status = NOT_MODIFIED, description = "the caller's list is current (no body)"),
))]
async fn revocations(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Result<Response, AppError> {
    conditional_json(&headers, &blocking(&state, |s| s.revocations()).await?)
}

/// Trade a one-time enrolment code for the device's own credential.
///
/// The code works once and expires after 72 hours. An unknown, used or expired code answers
/// 401.
#[utoipa::path(post, path = "/devices/enrol", tag = "desk", request_body = EnrolRequest, responses(
    (status = OK, description = "the device credential; the secret is shown only now", body = EnrolResponse),
    (status = BAD_REQUEST, description = "malformed request or device name", body = ApiError),
    (status = UNAUTHORIZED, description = "unknown, used or expired code", body = ApiError),
    (status = PAYLOAD_TOO_LARGE, description = "the body is over 1 MiB", body = ApiError),
))]
async fn enrol(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<EnrolRequest>,
) -> Result<Json<EnrolResponse>, AppError> {
    let device_name = parse_required_text(&req.device_name, "device_name", 60).map_err(|e| {
        AppError::BadRequest {
            code: ApiCode::DeviceNameInvalid,
            message: Bilingual::new(e.message_zh, e.message_en),
        }
    })?;
    let code_hash = keys::sha256_hex(&keys::normalise_enrolment_code(&req.code));
    let device_id = state.ids.id();
    let secret = keys::device_secret();
    let secret_hash = keys::sha256_hex(&secret);
    let now = state.now();
    let agency = blocking(&state, move |s| {
        flows::redeem_enrolment_code(s, &code_hash, device_id, &device_name, &secret_hash, now)
    })
    .await?
    .ok_or(AppError::Unauthorized)?;
    tracing::info!(%device_id, agency_id = %agency.id, "device enrolled");
    Ok(Json(EnrolResponse {
        device_id,
        device_secret: secret,
        agency_id: agency.id,
        agency_name: agency.name,
        agency_credit_code: Some(agency.credit_code),
        agency_district: Some(agency.district),
    }))
}

/// Apply a batch of outbox entries, idempotently.
///
/// Entries are applied in order, in one transaction, each keyed by (device, entry id). An
/// entry received before with the same content answers `duplicate` (or its earlier refusal
/// again) and changes nothing; the same id with different content answers `conflict`
/// (`entry_id_reused`); the order of a payload's keys is not content.
/// At most 500 entries per batch. An entry naming an entity or operation this platform does not
/// know (a newer desk's) is answered `unsupported_entry` on its own; the others apply.
///
/// Entities and operations: `worker` with `upsert` (create or update the record), `apply`
/// (申领: the payload is the worker record, re-validated with the domain's rules; the status
/// must allow applying, and the person must not hold or be applying for a certificate
/// anywhere else), `cancel` (注销: revokes the certificate), `reissue` (补发: a new card for an
/// approved, printed or issued worker; an `approval` change with card version + 1 follows,
/// and older cards verify as replaced). Rejection codes include `invalid_record`,
/// `status_transition`, `certificate_held_elsewhere`, `certificate_held_by_other_record`,
/// `unknown_record`, `certificate_expired`, `unsupported_entry`; conflict codes
/// `entry_id_reused`, `record_id_taken`, `id_number_locked`.
#[utoipa::path(post, path = "/sync/push", tag = "desk", security(("device" = [])),
    request_body = PushRequest, responses(
    (status = OK, description = "one result per entry, in request order", body = PushResponse),
    (status = BAD_REQUEST, description = "malformed request, another device's id, or more than 500 entries", body = ApiError),
    (status = UNAUTHORIZED, description = "missing, wrong or revoked device credential", body = ApiError),
    (status = PAYLOAD_TOO_LARGE, description = "the body is over 1 MiB", body = ApiError),
))]
async fn push(
    State(state): State<AppState>,
    auth: DeviceAuth,
    ApiJson(req): ApiJson<ReceivedPush>,
) -> Result<Json<PushResponse>, AppError> {
    if req.device_id != auth.device_id {
        return Err(messages::device_mismatch());
    }
    if req.entries.len() > MAX_BATCH {
        return Err(messages::batch_too_large(MAX_BATCH));
    }
    let ctx = PushContext {
        device_id: auth.device_id,
        device_name: auth.device_name.clone(),
        agency_id: auth.agency_id,
        now: state.now(),
        today: state.today(),
    };
    let entries = req.entries;
    let base = state.credential_base_url.clone();
    let ids = state.ids.clone();
    let (outcome, entries) = blocking(&state, move |s| {
        // Only a reissue signs inside the push; fetch the key only then.
        let key = if entries
            .iter()
            .any(|e| e.known().is_some_and(|e| e.op == certdesk_protocol::sync::SyncOp::Reissue))
        {
            Some(flows::current_signing_key(s, ids.as_ref(), ctx.today, ctx.now)?)
        } else {
            None
        };
        let signer = key.as_ref().map(|(key_id, key)| Signer {
            key_id: *key_id,
            key,
            base_url: &base,
        });
        let out = flows::push(s, ids.as_ref(), &ctx, &entries, signer.as_ref())?;
        Ok((out, entries))
    })
    .await?;
    // The push is committed; now ask the providers. If the platform stops here, the
    // applications simply wait in the manual review queue.
    for app in &outcome.new_applications {
        run_providers(&state, app.application_id, &app.id_number).await?;
    }
    let results = entries
        .iter()
        .zip(outcome.outcomes)
        .inspect(|(e, outcome)| state.metrics.entry(e.known().map(|k| k.entity), outcome))
        .map(|(e, outcome)| EntryResult {
            id: e.id(),
            seq: e.seq(),
            outcome,
        })
        .collect();
    Ok(Json(PushResponse { results }))
}

/// The largest roster filing's body: [`certdesk_protocol::roster::MAX_ROSTER_ROWS`] rows.
pub const MAX_ROSTER_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The filing route, with a body limit of its own (a roster is longer than a push).
fn roster_route() -> UtoipaMethodRouter<AppState> {
    let (schemas, paths, handlers) = routes!(file_roster);
    (schemas, paths, handlers.route_layer(DefaultBodyLimit::max(MAX_ROSTER_BODY_BYTES)))
}

/// File the agency's roster of certified staff for a period (名册备案, issue 14 item 2).
///
/// Every row is checked against the platform's records: the certificate exists and is this
/// agency's, the name and ID number are its holder's, the agency name is the registered one,
/// the class hours and the latest exam are what the synced training records give, and the exam
/// falls in the period. A refusal names every row that does not hold, and nothing is filed.
/// The answer is the receipt signed with the platform's current key (see
/// `certdesk_protocol::roster` for the canonical roster and what is signed); the desk verifies
/// it against the trust list. Sending the same `filing_id` again answers the same receipt.
#[utoipa::path(post, path = "/roster/filings", tag = "desk", security(("device" = [])),
    request_body = RosterFiling, responses(
    (status = CREATED, description = "filed: the signed receipt", body = FilingReceipt),
    (status = OK, description = "this filing id was filed before: its receipt again", body = FilingReceipt),
    (status = BAD_REQUEST, description = "`period_invalid`, `roster_invalid` (each row that does not hold is named), or a malformed body", body = ApiError),
    (status = UNAUTHORIZED, description = "missing, wrong or revoked device credential", body = ApiError),
    (status = CONFLICT, description = "`filing_exists`: the same roster was filed for the period, the replaced filing was corrected already, or the id was used for another filing", body = ApiError),
    (status = PAYLOAD_TOO_LARGE, description = "the body is over 8 MiB", body = ApiError),
))]
async fn file_roster(
    State(state): State<AppState>,
    auth: DeviceAuth,
    ApiJson(filing): ApiJson<RosterFiling>,
) -> Result<(StatusCode, Json<FilingReceipt>), AppError> {
    let ctx = FilingContext { device_id: auth.device_id, agency_id: auth.agency_id, now: state.now(), today: state.today() };
    let ids = state.ids.clone();
    let filed = blocking(&state, move |s| {
        let (key_id, key) = flows::current_signing_key(s, ids.as_ref(), ctx.today, ctx.now)?;
        flows::roster::file_roster(s, &ctx, &filing, key_id, &key)
    })
    .await?;
    match filed {
        Ok((receipt, new)) => {
            tracing::info!(number = %receipt.body.number, rows = receipt.body.rows, new, "roster filed");
            Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, Json(receipt)))
        }
        Err(why) => Err(messages::filing_refused(&why)),
    }
}

/// Asks the providers in order; the first that decides wins, otherwise the application stays
/// in the manual review queue.
pub(crate) async fn run_providers(
    state: &AppState,
    application_id: Uuid,
    id_number: &str,
) -> Result<(), AppError> {
    let decided = state
        .providers
        .iter()
        .map(|p| p.check(id_number))
        .find_map(|o| match o {
            CheckOutcome::Decided(d) => Some(d),
            CheckOutcome::Pending => None,
        });
    if let Some(decision) = decided {
        decide(state, application_id, decision).await?;
    }
    Ok(())
}

/// Records a police-comparison result, signing with the current key on a pass.
pub(crate) async fn decide(
    state: &AppState,
    application_id: Uuid,
    decision: Decision,
) -> Result<Decided, AppError> {
    let (today, now, ids) = (state.today(), state.now(), state.ids.clone());
    let base = state.credential_base_url.clone();
    let days = state.validity_days;
    let decided = blocking(state, move |s| {
        let (key_id, key) = flows::current_signing_key(s, ids.as_ref(), today, now)?;
        let signer = Signer {
            key_id,
            key: &key,
            base_url: &base,
        };
        flows::decide(s, application_id, &decision, &signer, today, days, now)
    })
    .await?;
    tracing::info!(%application_id, ?decided, "application decided");
    Ok(decided)
}

/// The agency's changes after a cursor.
///
/// Changes are numbered by one monotonic sequence. A device sees its own agency's changes and
/// the city-wide, person-free ones (trust keys, revocations). Store the changes and
/// `next_cursor` in one transaction, then pull again while `has_more`.
#[utoipa::path(get, path = "/sync/pull", tag = "desk", security(("device" = [])),
    params(PullQuery), responses(
    (status = OK, description = "changes, oldest first", body = PullResponse),
    (status = BAD_REQUEST, description = "malformed query", body = ApiError),
    (status = UNAUTHORIZED, description = "missing, wrong or revoked device credential", body = ApiError),
))]
async fn pull(
    State(state): State<AppState>,
    auth: DeviceAuth,
    query: Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<PullResponse>, AppError> {
    let Query(q) = query?;
    if q.since < 0 {
        return Err(messages::cursor_invalid());
    }
    let limit = q.limit.unwrap_or(MAX_PULL).clamp(1, MAX_PULL);
    let agency = auth.agency_id;
    let (changes, has_more, remaining) = blocking(&state, move |s| {
        let (changes, has_more) = s.changes_since(agency, q.since, limit)?;
        // Counted only while a desk catches up; a desk up to date pays nothing for it.
        let remaining = match changes.last() {
            Some(last) if has_more => s.changes_after(agency, last.seq)?,
            _ => 0,
        };
        Ok((changes, has_more, remaining))
    })
    .await?;
    let next_cursor = changes.last().map_or(q.since, |c| c.seq);
    state.metrics.pull(changes.len(), has_more);
    Ok(Json(PullResponse {
        changes,
        next_cursor,
        has_more,
        remaining,
    }))
}

fn field_to_bad_request(e: certdesk_domain::FieldError) -> AppError {
    AppError::BadRequest {
        code: ApiCode::InvalidField,
        message: Bilingual::new(e.message_zh, e.message_en),
    }
}

/// Register an agency.
#[utoipa::path(post, path = "/operator/agencies", tag = "operator", security(("operator" = [])),
    request_body = CreateAgencyRequest, responses(
    (status = CREATED, description = "registered", body = AgencyCreated),
    (status = BAD_REQUEST, description = "a field is missing or invalid", body = ApiError),
    (status = UNAUTHORIZED, description = "missing, unknown, expired or revoked API key", body = ApiError),
    (status = FORBIDDEN, description = "the key's scopes or its operator's role do not cover this call", body = ApiError),
    (status = CONFLICT, description = "an agency with this credit code is already registered", body = ApiError),
))]
async fn create_agency(
    State(state): State<AppState>,
    _op: OperatorAuth,
    ApiJson(req): ApiJson<CreateAgencyRequest>,
) -> Result<(StatusCode, Json<AgencyCreated>), AppError> {
    let agency = Agency {
        id: state.ids.id(),
        name: parse_required_text(&req.name, "agency_name", 100).map_err(field_to_bad_request)?,
        credit_code: CreditCode::parse(&req.credit_code)
            .map_err(field_to_bad_request)?
            .as_str()
            .to_owned(),
        district: parse_district(&req.district).map_err(field_to_bad_request)?,
    };
    let phone = match req.phone.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() => {
            Some(parse_contact_phone(p, "agency_phone").map_err(field_to_bad_request)?)
        }
        _ => None,
    };
    let now = state.now();
    let stored = agency.clone();
    blocking(&state, move |s| {
        s.create_agency_with_phone(&stored, phone.as_deref(), now)
    })
    .await?
    .ok_or_else(messages::agency_exists)?;
    Ok((
        StatusCode::CREATED,
        Json(AgencyCreated {
            agency_id: agency.id,
            name: agency.name,
            district: agency.district,
        }),
    ))
}

/// Issue a one-time enrolment code for one desk of the agency.
#[utoipa::path(post, path = "/operator/agencies/{agency_id}/enrolment-codes", tag = "operator",
    security(("operator" = [])), params(("agency_id" = Uuid, Path, description = "the agency")),
    responses(
    (status = CREATED, description = "the code (only its hash is kept)", body = EnrolmentCodeIssued),
    (status = UNAUTHORIZED, description = "missing, unknown, expired or revoked API key", body = ApiError),
    (status = FORBIDDEN, description = "the key's scopes or its operator's role do not cover this call", body = ApiError),
    (status = NOT_FOUND, description = "no such agency", body = ApiError),
))]
async fn issue_enrolment_code(
    State(state): State<AppState>,
    _op: OperatorAuth,
    Path(agency_id): Path<Uuid>,
) -> Result<(StatusCode, Json<EnrolmentCodeIssued>), AppError> {
    let code = keys::enrolment_code();
    let hash = keys::sha256_hex(&keys::normalise_enrolment_code(&code));
    let expires_at = state.now() + Duration::hours(ENROLMENT_CODE_HOURS);
    let known = blocking(&state, move |s| {
        flows::add_enrolment_code(s, agency_id, &hash, expires_at)
    })
    .await?;
    if !known {
        return Err(AppError::NotFound("agency"));
    }
    Ok((
        StatusCode::CREATED,
        Json(EnrolmentCodeIssued {
            code,
            expires_at: expires_at.to_rfc3339(),
        }),
    ))
}

/// Every enrolled device.
#[utoipa::path(get, path = "/operator/devices", tag = "operator", security(("operator" = [])),
    responses(
    (status = OK, description = "devices", body = Vec<DeviceInfo>),
    (status = UNAUTHORIZED, description = "missing, unknown, expired or revoked API key", body = ApiError),
    (status = FORBIDDEN, description = "the key's scopes or its operator's role do not cover this call", body = ApiError),
))]
async fn list_devices(
    State(state): State<AppState>,
    _op: OperatorAuth,
) -> Result<Json<Vec<DeviceInfo>>, AppError> {
    Ok(Json(blocking(&state, |s| s.devices()).await?))
}

/// Revoke a device; its next request is refused (401).
#[utoipa::path(post, path = "/operator/devices/{device_id}/revoke", tag = "operator",
    security(("operator" = [])), params(("device_id" = Uuid, Path, description = "the device")),
    responses(
    (status = NO_CONTENT, description = "revoked"),
    (status = UNAUTHORIZED, description = "missing, unknown, expired or revoked API key", body = ApiError),
    (status = FORBIDDEN, description = "the key's scopes or its operator's role do not cover this call", body = ApiError),
    (status = NOT_FOUND, description = "no such device", body = ApiError),
))]
async fn revoke_device(
    State(state): State<AppState>,
    _op: OperatorAuth,
    Path(device_id): Path<Uuid>,
) -> Result<StatusCode, AppError> {
    let now = state.now();
    if blocking(&state, move |s| flows::revoke_device(s, device_id, now)).await? {
        tracing::info!(%device_id, "device revoked");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound("device"))
    }
}

/// Applications waiting for the police comparison (manual review queue).
#[utoipa::path(get, path = "/operator/reviews", tag = "operator", security(("operator" = [])),
    responses(
    (status = OK, description = "oldest first", body = Vec<ReviewItem>),
    (status = UNAUTHORIZED, description = "missing, unknown, expired or revoked API key", body = ApiError),
    (status = FORBIDDEN, description = "the key's scopes or its operator's role do not cover this call", body = ApiError),
))]
async fn list_reviews(
    State(state): State<AppState>,
    _op: OperatorAuth,
) -> Result<Json<Vec<ReviewItem>>, AppError> {
    Ok(Json(blocking(&state, |s| s.pending_reviews()).await?))
}

fn decision_of(d: ReviewDecision) -> Decision {
    if d.passed {
        Decision::Pass
    } else {
        let reason = if d.reason.trim().is_empty() {
            messages::police_check_failed_reason().to_owned()
        } else {
            d.reason.trim().to_owned()
        };
        Decision::Fail {
            reason: Bilingual::new(reason.clone(), reason),
        }
    }
}

/// Record the police comparison result of one application.
///
/// A pass assigns the certificate code and signs the credential; a fail rejects with the
/// reason.
#[utoipa::path(post, path = "/operator/reviews/{application_id}", tag = "operator",
    security(("operator" = [])),
    params(("application_id" = Uuid, Path, description = "the application")),
    request_body = ReviewDecision, responses(
    (status = OK, description = "decided", body = ReviewReport),
    (status = BAD_REQUEST, description = "malformed request", body = ApiError),
    (status = UNAUTHORIZED, description = "missing, unknown, expired or revoked API key", body = ApiError),
    (status = FORBIDDEN, description = "the key's scopes or its operator's role do not cover this call", body = ApiError),
    (status = CONFLICT, description = "the application is not waiting for review", body = ApiError),
))]
async fn decide_review(
    State(state): State<AppState>,
    _op: OperatorAuth,
    Path(application_id): Path<Uuid>,
    ApiJson(req): ApiJson<ReviewDecision>,
) -> Result<Json<ReviewReport>, AppError> {
    match decide(&state, application_id, decision_of(req)).await? {
        Decided::Approved(_) => Ok(Json(ReviewReport {
            approved: 1,
            ..Default::default()
        })),
        Decided::Rejected => Ok(Json(ReviewReport {
            rejected: 1,
            ..Default::default()
        })),
        Decided::NotPending => Err(messages::not_pending()),
        Decided::RecordChanged(version) => Err(messages::operator::record_changed(version)),
    }
}

/// Import a police results file.
///
/// UTF-8 CSV, one line per person: `id_number,result,reason`; an optional header line;
/// `result` is `pass`/`通过`/`1` or `fail`/`不通过`/`0`. Every pending application of that
/// person is decided.
#[utoipa::path(post, path = "/operator/reviews/import", tag = "operator",
    security(("operator" = [])),
    request_body(content = String, content_type = "text/csv", description = "the results file"),
    responses(
    (status = OK, description = "what was decided, unmatched and unreadable lines", body = ReviewReport),
    (status = BAD_REQUEST, description = "the file is not UTF-8 text", body = ApiError),
    (status = UNAUTHORIZED, description = "missing, unknown, expired or revoked API key", body = ApiError),
    (status = FORBIDDEN, description = "the key's scopes or its operator's role do not cover this call", body = ApiError),
    (status = PAYLOAD_TOO_LARGE, description = "the body is over 1 MiB", body = ApiError),
))]
async fn import_results(
    State(state): State<AppState>,
    _op: OperatorAuth,
    body: Result<String, axum::extract::rejection::StringRejection>,
) -> Result<Json<ReviewReport>, AppError> {
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            messages::results_file_unreadable()
        }
    })?;
    Ok(Json(apply_results_csv(&state, &body).await?))
}

/// Applies a police results file (CSV) to the pending applications it names; shared by the
/// JSON API and the operator pages.
pub(crate) async fn apply_results_csv(
    state: &AppState,
    body: &str,
) -> Result<ReviewReport, AppError> {
    let (lines, errors) = parse_results_csv(body);
    let mut report = ReviewReport {
        errors,
        ..Default::default()
    };
    for line in lines {
        let id = line.id_number.clone();
        let pending = blocking(state, move |s| s.pending_for_id_number(&id)).await?;
        if pending.is_empty() {
            report.unmatched.push(messages::checks::unmatched(line.line, &line.id_number));
        }
        for app in pending {
            match decide(state, app, line.decision.clone()).await? {
                Decided::Approved(_) => report.approved += 1,
                Decided::Rejected => report.rejected += 1,
                Decided::NotPending | Decided::RecordChanged(_) => {}
            }
        }
    }
    Ok(report)
}

/// What a key action's first call answers (202).
fn key_action_requested(r: &crate::store::operators::KeyRequest) -> Response {
    let m = messages::operator::key_action_requested(key_action_labels(r.action));
    let body = KeyActionRequested {
        action: r.action,
        key_id: r.key_id,
        requested_by: r.requested_by.clone(),
        requested_at: r.requested_at.to_rfc3339(),
        message_zh: m.zh,
        message_en: m.en,
    };
    (StatusCode::ACCEPTED, Json(body)).into_response()
}

fn key_action_labels(action: crate::store::operators::KeyAction) -> (&'static str, &'static str) {
    match action {
        crate::store::operators::KeyAction::Rotate => ("轮换", "rotation"),
        crate::store::operators::KeyAction::Withdraw => ("撤回", "withdrawal"),
    }
}

/// Retire the current signing key (valid until today) and start a new one: two administrators.
///
/// The first call only asks (202); the same call by another administrator within 24 hours
/// rotates (200). Credentials signed by the retired key stay valid; both keys stay in the trust
/// list.
#[utoipa::path(post, path = "/operator/keys/rotate", tag = "operator", security(("operator" = [])),
    responses(
    (status = OK, description = "a second administrator confirmed: the new key", body = KeyRotated),
    (status = ACCEPTED, description = "asked; another administrator must make the same call within 24 hours", body = KeyActionRequested),
    (status = UNAUTHORIZED, description = "missing, unknown, expired or revoked API key", body = ApiError),
    (status = FORBIDDEN, description = "the key's scopes or its operator's role do not cover this call", body = ApiError),
    (status = CONFLICT, description = "the caller asked already: another administrator must confirm", body = ApiError),
))]
async fn rotate_key(
    State(state): State<AppState>,
    op: OperatorAuth,
) -> Result<Response, AppError> {
    let (today, now, ids) = (state.today(), state.now(), state.ids.clone());
    let key = state.ids.new_signing_key().map_err(AppError::internal)?;
    let who = op.operator.clone();
    match blocking(&state, move |s| flows::operators::rotate_key_by(s, ids.as_ref(), &who, &key, today, now)).await? {
        KeyStep::Done(key_id) => {
            tracing::info!(key_id, operator = %op.operator, "signing key rotated (second operator)");
            Ok(Json(KeyRotated { key_id }).into_response())
        }
        KeyStep::Requested(r) => Ok(key_action_requested(&r)),
        KeyStep::AwaitingOther(r) => Err(messages::operator::second_operator_needed(key_action_labels(r.action), &r.requested_by)),
        KeyStep::UnknownKey => Err(AppError::NotFound("signing key")),
    }
}

/// Withdraw a compromised signing key: two administrators.
///
/// The first call only asks (202); the same call by another administrator within 24 hours
/// withdraws (204). The key then leaves the trust list at once and desks receive a `deleted`
/// marker (`entity: trust_key`); cards it signed verify as `unknown_key` from then on. The next
/// approval signs with a new key.
#[utoipa::path(post, path = "/operator/keys/{key_id}/withdraw", tag = "operator",
    security(("operator" = [])), params(("key_id" = u16, Path, description = "the key's id")),
    responses(
    (status = NO_CONTENT, description = "a second administrator confirmed: withdrawn"),
    (status = ACCEPTED, description = "asked; another administrator must make the same call within 24 hours", body = KeyActionRequested),
    (status = UNAUTHORIZED, description = "missing, unknown, expired or revoked API key", body = ApiError),
    (status = FORBIDDEN, description = "the key's scopes or its operator's role do not cover this call", body = ApiError),
    (status = NOT_FOUND, description = "no such key in the trust list", body = ApiError),
    (status = CONFLICT, description = "the caller asked already: another administrator must confirm", body = ApiError),
))]
async fn withdraw_key(
    State(state): State<AppState>,
    op: OperatorAuth,
    Path(key_id): Path<u16>,
) -> Result<Response, AppError> {
    let (now, ids) = (state.now(), state.ids.clone());
    let who = op.operator.clone();
    match blocking(&state, move |s| flows::operators::withdraw_key_by(s, ids.as_ref(), &who, key_id, now)).await? {
        KeyStep::Done(()) => {
            tracing::warn!(key_id, operator = %op.operator, "signing key withdrawn (second operator)");
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        KeyStep::Requested(r) => Ok(key_action_requested(&r)),
        KeyStep::AwaitingOther(r) => Err(messages::operator::second_operator_needed(key_action_labels(r.action), &r.requested_by)),
        KeyStep::UnknownKey => Err(AppError::NotFound("signing key")),
    }
}

/// A blob's name must be its SHA-256 in lower-case hex; anything else could escape the blob
/// directory or alias another blob.
fn blob_name(sha256: &str) -> Result<&str, AppError> {
    if sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        Ok(sha256)
    } else {
        Err(messages::blob_name_invalid())
    }
}

pub(crate) fn blob_path(dir: &std::path::Path, sha256: &str) -> std::path::PathBuf {
    dir.join(&sha256[..2]).join(sha256)
}

/// Download a blob (photo) this agency uploaded; HEAD asks whether it is there.
///
/// Photos travel apart from records, content-addressed. Before uploading, a desk asks with
/// `HEAD`; a `404` means upload it. Another agency's blobs always answer 404.
#[utoipa::path(get, path = "/blobs/{sha256}", tag = "desk",
    security(("device" = [])), params(("sha256" = String, Path, pattern = "^[0-9a-f]{64}$",
        description = "the blob's SHA-256, lower-case hex")), responses(
    (status = OK, description = "the bytes", content(("application/octet-stream"))),
    (status = BAD_REQUEST, description = "not a lower-case hex SHA-256", body = ApiError),
    (status = UNAUTHORIZED, description = "missing, wrong or revoked device credential", body = ApiError),
    (status = NOT_FOUND, description = "this agency holds no such blob", body = ApiError),
))]
async fn get_blob(
    State(state): State<AppState>,
    auth: DeviceAuth,
    Path(sha256): Path<String>,
) -> Result<Response, AppError> {
    let sha = blob_name(&sha256)?.to_owned();
    let agency = auth.agency_id;
    let owned = sha.clone();
    if !blocking(&state, move |s| s.has_blob(agency, &owned)).await? {
        return Err(AppError::NotFound("blob"));
    }
    let bytes = tokio::fs::read(blob_path(&state.blob_dir, &sha))
        .await
        .map_err(AppError::internal)?;
    Ok(([(CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
}

/// Upload a blob under its SHA-256 (idempotent; at most 1 MiB).
///
/// The bytes must hash to the name (`blob_hash_mismatch` otherwise). A cut upload leaves
/// nothing behind (bytes are written to a temporary file, synced, then renamed); uploading
/// again is harmless, so the desk asks with `HEAD` and uploads what is missing. Kept for older
/// desks: current desks upload resumably in chunks (`/blobs/{sha256}/upload`).
#[utoipa::path(put, path = "/blobs/{sha256}", tag = "desk", security(("device" = [])),
    params(("sha256" = String, Path, pattern = "^[0-9a-f]{64}$",
        description = "the blob's SHA-256, lower-case hex")),
    request_body(content(("application/octet-stream"))), responses(
    (status = CREATED, description = "stored"),
    (status = BAD_REQUEST, description = "not a lower-case hex SHA-256, or the bytes do not hash to it", body = ApiError),
    (status = UNAUTHORIZED, description = "missing, wrong or revoked device credential", body = ApiError),
    (status = PAYLOAD_TOO_LARGE, description = "the body is over 1 MiB", body = ApiError),
))]
async fn put_blob(
    State(state): State<AppState>,
    auth: DeviceAuth,
    Path(sha256): Path<String>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<StatusCode, AppError> {
    let sha = blob_name(&sha256)?.to_owned();
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            messages::body_unreadable()
        }
    })?;
    if keys::sha256_bytes_hex(&body) != sha {
        return Err(messages::blob_hash_mismatch());
    }
    let path = blob_path(&state.blob_dir, &sha);
    let size = body.len() as u64;
    within_quota(&state, auth.agency_id, size).await?;
    tokio::task::spawn_blocking(move || write_atomically(&path, &body))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let (agency, now) = (auth.agency_id, state.now());
    blocking(&state, move |s| s.add_blob(agency, &sha, size, now)).await?;
    Ok(StatusCode::CREATED)
}

/// Refuses a new blob of `size` bytes that would take the agency past its storage quota.
pub(crate) async fn within_quota(state: &AppState, agency: Uuid, size: u64) -> Result<(), AppError> {
    let used = blocking(state, move |s| s.blob_bytes(agency)).await?;
    if used.saturating_add(size) > state.blob_quota.bytes_per_agency {
        tracing::warn!(agency_id = %agency, used, size, "blob refused: the agency's storage quota is reached");
        return Err(messages::storage_quota(state.blob_quota.bytes_per_agency));
    }
    Ok(())
}

fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if path.exists() {
        return Ok(());
    }
    let dir = path.parent().expect("blob paths have a parent");
    crate::files::create_dir(dir)?;
    let tmp = dir.join(format!(".{}.partial", Uuid::now_v7()));
    let mut f = crate::files::open(std::fs::OpenOptions::new().write(true).create_new(true), &tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::sqlite::SqliteStore;
    use axum::body::Body;
    use tower::ServiceExt;

    #[test]
    fn an_electronic_cards_secret_never_reaches_the_request_log() {
        let secret = "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c";
        assert_eq!(logged_path(&format!("/e/{secret}")), "/e/{secret}");
        assert_eq!(logged_path(&format!("/e/{secret}/state")), "/e/{secret}/state");
        assert_eq!(logged_path(&format!("/e/{secret}/manifest.webmanifest")), "/e/{secret}/manifest.webmanifest");
        for kept in ["/e/app.js", "/e/sw.js", "/e/icon.svg", "/e", "/e/", "/c/AQAB", "/api/v1/sync/pull"] {
            assert_eq!(logged_path(kept), kept);
        }
    }

    /// A platform state over an in-memory store, for tests that need only the router.
    pub(crate) fn state() -> AppState {
        AppState {
            store: Arc::new(SqliteStore::open_in_memory().unwrap()),
            providers: Arc::new(Vec::new()),
            clock: Arc::new(|| "2026-11-27T02:00:00Z".parse().unwrap()),
            ids: Arc::new(crate::ids::CountingIds::default()),
            credential_base_url: "https://platform.example/c/".into(),
            validity_days: 365,
            blob_dir: std::env::temp_dir()
                .join("certdesk-platform-unit-blobs")
                .into(),
            blob_quota: Default::default(),
            metrics: crate::metrics::Metrics::new(),
            page_tokens: std::sync::Arc::new(crate::public::token::TokenKey::generate()),
            releases: None,
        }
    }

    #[tokio::test]
    async fn an_unknown_route_answers_404_in_the_error_shape() {
        let req = Request::builder()
            .uri("/api/v2/nothing")
            .body(Body::empty())
            .unwrap();
        let res = app(state()).oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let body = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        let err: certdesk_protocol::ApiError = serde_json::from_slice(&body).unwrap();
        assert_eq!(err.code, "not_found");
    }

    #[tokio::test]
    async fn an_internal_error_answers_a_generic_sentence() {
        let res = AppError::internal("disk I/O error at /secret/path").into_response();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(
            !text.contains("/secret/path"),
            "the cause stays in the log: {text}"
        );
        assert!(text.contains("\"code\":\"internal\""));
    }
}
