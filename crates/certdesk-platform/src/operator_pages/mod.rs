//! The operator pages under `/operator/`: server-rendered HTML for platform staff to register
//! agencies and issue enrolment codes, work the review queue (the worker's data and photo,
//! approve or reject, import a police results file), and see revocations and devices.
//!
//! They call the same store methods and the same decision path as the JSON operator API
//! (`/api/v1/operator`, which stays for scripts). Every handler but sign-in takes a
//! [`auth::Session`]; every POST handler takes an [`auth::Posted`] form, which is the CSRF
//! check. No page loads a script or anything from another origin.

pub mod access;
pub mod auth;
pub mod html;
mod audit;
mod filings;
mod supervision;
mod complaints;
mod stats;

use axum::extract::{Form, FromRequest, Path, Query, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use certdesk_domain::{parse_contact_phone, parse_district, parse_required_text, Bilingual, CreditCode};
use chrono::DateTime;
use maud::{html, Markup};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
use utoipa_axum::routes;
use uuid::Uuid;

use self::access::Area;
use self::auth::{CsrfForm, CsrfOnly, Posted, Session};
use self::html::{bilingual, csrf_field, csrf_form, page};
use crate::api::{apply_results_csv, blob_path, blocking, decide, AppState, ENROLMENT_CODE_HOURS};
use crate::error::AppError;
use crate::keys;
use crate::messages::{self, operator};
use crate::store::operators::ReviewDetail;
use crate::store::repo::ApplicationStatus;
use crate::flows::{Decided, Decision};
use crate::store::Agency;

/// The longest rejection reason, in characters.
pub const MAX_REASON_CHARS: usize = 200;
/// Most applications listed on the queue page at once (oldest first).
pub const QUEUE_PAGE: usize = 200;

/// The operator pages' routes with their documentation (merged into the platform's router).
/// Each area's handlers sit behind its role [`access::guard`] (on the handlers themselves, so a
/// method a path does not serve is still answered 405 by the router).
pub fn routes(state: AppState) -> OpenApiRouter<AppState> {
    let guarded = |area, (schemas, paths, handlers): UtoipaMethodRouter<AppState>| -> UtoipaMethodRouter<AppState> {
        let guard = axum::middleware::from_fn_with_state(access::Guard { app: state.clone(), area }, access::guard);
        (schemas, paths, handlers.route_layer(guard))
    };
    OpenApiRouter::new()
        .routes(routes!(home))
        .routes(routes!(sign_in_page, sign_in))
        .routes(routes!(sign_out))
        .routes(guarded(Area::Agencies, routes!(agencies_page, create_agency)))
        .routes(guarded(Area::Agencies, routes!(issue_enrolment_code)))
        .routes(guarded(Area::Reviews, routes!(reviews_page)))
        .routes(guarded(Area::Reviews, routes!(import_results)))
        .routes(guarded(Area::Reviews, routes!(review_page)))
        .routes(guarded(Area::Reviews, routes!(photo)))
        .routes(guarded(Area::Reviews, routes!(approve)))
        .routes(guarded(Area::Reviews, routes!(reject)))
        .routes(guarded(Area::Reviews, routes!(held_ratings_page)))
        .routes(guarded(Area::Reviews, routes!(release_rating)))
        .routes(guarded(Area::Reviews, routes!(discard_rating)))
        .routes(guarded(Area::Revocations, routes!(revocations_page)))
        .routes(guarded(Area::Stats, routes!(stats::stats_page)))
        .routes(guarded(Area::Stats, routes!(stats::stats_csv)))
        .routes(guarded(Area::Filings, routes!(filings::filings_page)))
        .routes(guarded(Area::Filings, routes!(filings::filing_file)))
        .routes(guarded(Area::Supervision, routes!(supervision::supervision_page)))
        .routes(guarded(Area::Complaints, routes!(complaints::complaints_page)))
        .routes(guarded(Area::Complaints, routes!(complaints::complaint_page, complaints::act_on_complaint)))
        .routes(guarded(Area::Supervision, routes!(supervision::supervision_form, supervision::file_supervision_form)))
        .routes(guarded(Area::Devices, routes!(devices_page)))
        .routes(guarded(Area::Devices, routes!(revoke_device)))
        .routes(guarded(Area::Audit, routes!(audit::audit_page)))
        .layer(axum::middleware::map_response(security_headers))
}

/// The operator pages start at the signed-in role's first page (the review queue for the
/// programme office).
#[utoipa::path(get, path = "/operator", tag = "operator_pages", operation_id = "operator_home",
    responses((status = SEE_OTHER, description = "to the role's first page (`/operator/reviews` for the office)")))]
async fn home(session: Session) -> Redirect {
    Redirect::to(access::home_of(session.role))
}

/// Pages hold personal data: never cached, never framed, no script, nothing from elsewhere,
/// no address sent to another site.
async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Nothing goes to another site; our own forms keep their origin (with `no-referrer`
    // browsers post them with `Origin: null`).
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    res
}

/// A failure on a page, answered as HTML. A 5xx shows a generic sentence; the cause is logged.
pub struct PageError(AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, why) = match self.0 {
            AppError::NotFound(what) => (StatusCode::NOT_FOUND, messages::not_found(what)),
            AppError::BadRequest { message, .. } | AppError::Conflict { message, .. } => (StatusCode::BAD_REQUEST, message),
            other => {
                tracing::error!(error = %other, "operator page failed");
                (StatusCode::INTERNAL_SERVER_ERROR, messages::internal())
            }
        };
        let body = html::bare_page(
            "出错了 Error",
            html! {
                h1 { "出错了 " small { "Error" } }
                p class="error" { (why.zh) br; span class="en" { (why.en) } }
                p { a href="/operator" { "返回 Back" } }
            },
        );
        (status, body).into_response()
    }
}

pub(crate) type PageResult = Result<Response, PageError>;

pub(super) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// A time as Shanghai local time, the way staff read it.
pub(super) fn local_time(rfc3339: &str) -> String {
    let shanghai = certdesk_domain::shanghai();
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            t.with_timezone(&shanghai)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| rfc3339.to_owned())
}

/// What the page says after a POST redirected to it. Only fixed sentences: nothing from the
/// query string is echoed but an escaped certificate code.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct Notice {
    /// What was just done: `approved`, `rejected`, `agency_created`, `device_revoked` or
    /// `signed_out`; anything else shows nothing.
    #[serde(default, deserialize_with = "known_done")]
    #[param(value_type = Option<String>)]
    done: Option<Done>,
    /// The certificate code just assigned (with `done=approved`).
    code: Option<String>,
}

/// What a POST just did, as its redirect names it in `?done=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Done {
    Approved,
    Rejected,
    AgencyCreated,
    DeviceRevoked,
    RatingReleased,
    RatingDiscarded,
    SignedOut,
}

/// `?done=` read leniently: a word the pages do not know (an old bookmark, a typed address)
/// shows nothing rather than refusing the page.
fn known_done<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Done>, D::Error> {
    let word: Option<String> = Option::deserialize(d)?;
    Ok(word.and_then(|w| Done::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(&w)).ok()))
}

/// A sentence of the messages module, as a page shows it (Chinese, English beside it).
fn said(m: Bilingual) -> Markup {
    bilingual(&m.zh, &m.en)
}

impl Notice {
    fn sentence(&self) -> Option<Markup> {
        let s = match self.done? {
            Done::Approved => html! {
                "已批准，证件编码 " b { (self.code.as_deref().unwrap_or("")) } "。机构下次同步即可收到。"
                span class="en" { "Approved; the agency receives it at its next sync." }
            },
            Done::Rejected => said(operator::rejected()),
            Done::AgencyCreated => said(operator::agency_created()),
            Done::DeviceRevoked => said(operator::device_revoked()),
            Done::RatingReleased => said(operator::rating_released()),
            Done::RatingDiscarded => said(operator::rating_discarded()),
            Done::SignedOut => said(operator::signed_out()),
        };
        Some(s)
    }
}

// ---- sign-in ------------------------------------------------------------------------------

/// The sign-in form.
#[derive(Debug, Deserialize, ToSchema)]
struct SignInForm {
    /// The pre-session token of the sign-in page (the same as its cookie).
    #[serde(default)]
    csrf: String,
    /// The operator's sign-in name.
    #[serde(default)]
    user: String,
    /// The operator's password.
    #[serde(default)]
    password: String,
    /// The six-digit code of their authenticator app, when their second factor is on.
    #[serde(default)]
    code: String,
}

/// The sign-in page, with a fresh pre-session token (cookie and hidden field).
fn sign_in_form(status: StatusCode, message: Option<Markup>, user: &str) -> Response {
    let token = keys::device_secret();
    let body = html::bare_page(
        "登录 Sign in",
        html! {
            h1 { "运营人员登录 " small { "Operator sign-in" } }
            @if let Some(m) = message {
                p class="error" { (m) }
            }
            form method="post" action="/operator/sign-in" class="card" {
                input type="hidden" name="csrf" value=(token);
                label { "用户名 " small { "Name" } br; input name="user" value=(user) autocomplete="username" required autofocus; }
                label { "密码 " small { "Password" } br; input name="password" type="password" autocomplete="current-password" required; }
                label { "动态验证码（已开启两步验证时填写） " small { "Code, when two-step sign-in is on" } br;
                    input name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="7" pattern="[0-9 ]*"; }
                p { button { "登录 Sign in" } }
            }
        },
    );
    let jar = CookieJar::new().add(auth::operator_cookie(
        auth::SIGN_IN_COOKIE,
        Some(token),
        Some(chrono::Duration::minutes(30)),
    ));
    (status, jar, body).into_response()
}

/// The sign-in page.
///
/// Sets a short-lived pre-session cookie whose value the form carries back (double submit). A
/// signed-in operator goes on to the review queue.
#[utoipa::path(get, path = "/operator/sign-in", tag = "operator_pages",
    operation_id = "operator_sign_in_page", params(Notice), responses(
    (status = OK, description = "the sign-in form", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "already signed in: to `/operator` (the role's first page)"),
))]
async fn sign_in_page(
    session: Result<Session, Response>,
    Query(notice): Query<Notice>,
) -> Response {
    if session.is_ok() {
        return see_other("/operator");
    }
    sign_in_form(StatusCode::OK, notice.sentence(), "")
}

/// Sign in with a name, password and (when the account has it on) the authenticator's code.
///
/// Five failures in a row from one network lock the account there for 15 minutes, doubling
/// with each further one up to 4 hours; other networks are not locked out. A wrong name, a wrong
/// password, a wrong code and a locked account get the same answer, and an unknown name costs
/// the same time as a known one. Every attempt is in the audit.
#[utoipa::path(post, path = "/operator/sign-in", tag = "operator_pages",
    operation_id = "operator_sign_in",
    request_body(content = inline(SignInForm), content_type = "application/x-www-form-urlencoded"),
    responses(
    (status = SEE_OTHER, description = "signed in: the session cookie is set; to the role's first page (`/operator/reviews` for the office)"),
    (status = BAD_REQUEST, description = "the form could not be read", content_type = "text/html", body = String),
    (status = UNAUTHORIZED, description = "wrong name, password or code, or the account is locked from this network (one answer for all)", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "another origin, or the token does not match the cookie; nothing changed", content_type = "text/html", body = String),
))]
async fn sign_in(State(state): State<AppState>, network: crate::public::ClientNetwork, req: Request) -> PageResult {
    let network = network.0;
    let (parts, body) = req.into_parts();
    if !auth::same_origin(&parts) {
        return Ok(auth::forbidden());
    }
    let pre = auth::cookie(&parts, auth::SIGN_IN_COOKIE);
    let Ok(Form(form)) =
        Form::<SignInForm>::from_request(Request::from_parts(parts, body), &state).await
    else {
        return Ok(sign_in_form(StatusCode::BAD_REQUEST, None, ""));
    };
    if !auth::tokens_match(&form.csrf, &pre) {
        return Ok(auth::forbidden());
    }
    let now = (state.clock)();
    let name = form.user.trim().to_owned();
    let audit = crate::store::operators::AuditLine {
        seq: 0,
        at: now,
        operator: name.chars().take(64).collect(),
        via: "sign_in".into(),
        network: network.clone(),
        action: "sign_in".into(),
        target: String::new(),
        outcome: None,
    };
    let seq = blocking(&state, move |s| crate::flows::operators::audit_begin(s, &audit)).await?;
    let lookup = name.clone();
    let account = blocking(&state, move |s| s.operator_by_name(&lookup)).await?;
    let locked = match &account {
        Some(a) => {
            let (id, net) = (a.id, network.clone());
            blocking(&state, move |s| crate::flows::operators::sign_in_locked(s, id, &net, now)).await?
        }
        None => None,
    };
    let hash = account.as_ref().map_or_else(
        || auth::decoy_hash().to_owned(),
        |a| a.password_hash.clone(),
    );
    let password = form.password;
    // At most a few argon2 checks at once: a sign-in flood waits here, the syncs go on. A locked
    // account is checked too, so that time does not tell it apart.
    let matches = crate::limits::password_check(move || auth::verify_password(&hash, &password))
        .await
        .map_err(AppError::internal)?;
    let factor = match (&account, matches && locked.is_none()) {
        (Some(a), true) => {
            let (a, code) = (a.clone(), form.code);
            blocking(&state, move |s| crate::flows::operators::second_factor_passes(s, &a, &code, now)).await?
        }
        _ => false,
    };
    let account = match account {
        Some(a) if factor => a,
        unmatched => {
            let outcome = if locked.is_some() { crate::audit::REFUSED_LOCKED } else { crate::audit::REFUSED };
            tracing::warn!(user = %name, outcome, "operator sign-in refused");
            if let (Some(a), None) = (&unmatched, locked) {
                let (id, net) = (a.id, network.clone());
                blocking(&state, move |s| crate::flows::operators::sign_in_failed(s, id, &net, now)).await?;
            }
            blocking(&state, move |s| crate::flows::operators::audit_end(s, seq, outcome)).await?;
            return Ok(sign_in_form(StatusCode::UNAUTHORIZED, Some(said(operator::sign_in_refused())), &name));
        }
    };
    let session_id = keys::device_secret();
    let id_hash = keys::sha256_hex(&session_id);
    let csrf = keys::device_secret();
    let expires = now + auth::IDLE_TIMEOUT;
    let operator_id = account.id;
    let home = access::home_of(account.role);
    blocking(&state, move |s| {
        crate::flows::open_session(s, operator_id, &network, &id_hash, &csrf, now, expires)?;
        crate::flows::operators::audit_end(s, seq, crate::audit::SIGNED_IN)
    })
    .await?;
    tracing::info!(user = %name, "operator signed in");
    let jar = CookieJar::new()
        .add(auth::operator_cookie(
            auth::SESSION_COOKIE,
            Some(session_id),
            None,
        ))
        .add(auth::operator_cookie(auth::SIGN_IN_COOKIE, None, None));
    Ok((jar, see_other(home)).into_response())
}

/// Sign out: the session ends at once.
#[utoipa::path(post, path = "/operator/sign-out", tag = "operator_pages",
    operation_id = "operator_sign_out", security(("operator_session" = [])),
    request_body(content = inline(CsrfOnly), content_type = "application/x-www-form-urlencoded"),
    responses(
    (status = SEE_OTHER, description = "to `/operator/sign-in?done=signed_out`, the cookie cleared; without a live session, to `/operator/sign-in`"),
    (status = FORBIDDEN, description = "another origin, or a missing or wrong token; nothing changed", content_type = "text/html", body = String),
))]
async fn sign_out(State(state): State<AppState>, posted: Posted<CsrfOnly>) -> PageResult {
    let id_hash = posted.session.id_hash.clone();
    blocking(&state, move |s| s.close_session(&id_hash)).await?;
    tracing::info!(user = %posted.session.operator_name, "operator signed out");
    let jar = CookieJar::new().add(auth::operator_cookie(auth::SESSION_COOKIE, None, None));
    Ok((jar, see_other("/operator/sign-in?done=signed_out")).into_response())
}

// ---- agencies -----------------------------------------------------------------------------

/// The form that registers an agency.
#[derive(Debug, Default, Deserialize, ToSchema)]
struct AgencyForm {
    /// The session's CSRF token.
    #[serde(default)]
    csrf: String,
    /// Registered name, at most 100 characters.
    #[serde(default)]
    name: String,
    /// 18-character unified social credit code.
    #[serde(default)]
    credit_code: String,
    /// Shanghai district.
    #[serde(default)]
    district: String,
    /// The agency's phone (mobile or landline), shown on the public verification page.
    #[serde(default)]
    phone: String,
}

impl CsrfForm for AgencyForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

async fn agencies_body(
    state: &AppState,
    session: &Session,
    form: &AgencyForm,
    error: Option<Markup>,
) -> Result<Markup, PageError> {
    let agencies = blocking(state, |s| s.agencies()).await?;
    Ok(html! {
        h1 { "家政服务机构 " small { "Agencies" } }
        table {
            tr {
                th { "名称 " small { "Name" } }
                th { "统一社会信用代码 " small { "Credit code" } }
                th { "区 " small { "District" } }
                th { "电话 " small { "Phone" } }
                th { "设备（有效/全部） " small { "Devices (active/all)" } }
                th { "登记时间 " small { "Registered" } }
                th { "登记码 " small { "Enrolment" } }
            }
            @for a in &agencies {
                tr {
                    td { (a.agency.name) }
                    td { (a.agency.credit_code) }
                    td { (a.agency.district) }
                    td { (a.phone.as_deref().unwrap_or("—")) }
                    td { (a.active_devices) " / " (a.devices) }
                    td { (local_time(&a.created_at)) }
                    td {
                        (csrf_form(
                            session,
                            &format!("/operator/agencies/{}/enrolment-codes", a.agency.id),
                            html! { button { "发登记码 Issue enrolment code" } },
                        ))
                    }
                }
            }
            @if agencies.is_empty() {
                tr { td colspan="7" { "尚无机构 " small { "No agencies yet" } } }
            }
        }
        h2 { "登记新机构 " small { "Register an agency" } }
        @if let Some(e) = error {
            p class="error" { (e) }
        }
        form method="post" action="/operator/agencies" class="card" {
            (csrf_field(session))
            label { "机构名称 " small { "Name" } br; input name="name" value=(form.name) required maxlength="100"; }
            label { "统一社会信用代码 " small { "Unified social credit code" } br; input name="credit_code" value=(form.credit_code) required maxlength="18"; }
            label {
                "所在区 " small { "District" } br;
                select name="district" required {
                    option value="" { "请选择 Choose" }
                    @for d in certdesk_domain::DISTRICTS.iter().map(|d| d.to_string()) {
                        option selected[d == form.district] { (d) }
                    }
                }
            }
            label { "联系电话 " small { "Phone" } br; input name="phone" value=(form.phone) required; }
            p { button { "登记 Register" } }
        }
    })
}

/// The registered agencies, with the form to register one and a button per agency to issue an
/// enrolment code.
#[utoipa::path(get, path = "/operator/agencies", tag = "operator_pages",
    operation_id = "operator_agencies_page", security(("operator_session" = [])),
    params(Notice), responses(
    (status = OK, description = "the page", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
))]
async fn agencies_page(
    State(state): State<AppState>,
    session: Session,
    Query(notice): Query<Notice>,
) -> PageResult {
    let body = agencies_body(&state, &session, &AgencyForm::default(), None).await?;
    Ok(page(&session, "机构 Agencies", notice.sentence(), body).into_response())
}

fn field_message(e: certdesk_domain::FieldError) -> Markup {
    html! { (e.message_zh) br; span class="en" { (e.message_en) } }
}

/// The agencies page again, with the form as typed and why it was refused.
async fn refuse_agency(
    state: &AppState,
    session: &Session,
    form: &AgencyForm,
    message: Markup,
) -> PageResult {
    let body = agencies_body(state, session, form, Some(message)).await?;
    Ok((
        StatusCode::BAD_REQUEST,
        page(session, "机构 Agencies", None, body),
    )
        .into_response())
}

/// Register an agency.
#[utoipa::path(post, path = "/operator/agencies", tag = "operator_pages",
    operation_id = "operator_page_create_agency", security(("operator_session" = [])),
    request_body(content = inline(AgencyForm), content_type = "application/x-www-form-urlencoded"),
    responses(
    (status = SEE_OTHER, description = "registered: to `/operator/agencies?done=agency_created`; without a live session, to `/operator/sign-in`"),
    (status = BAD_REQUEST, description = "a field is invalid or the credit code is registered: the page again, with why", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "another origin, or a missing or wrong token; nothing changed", content_type = "text/html", body = String),
))]
async fn create_agency(State(state): State<AppState>, posted: Posted<AgencyForm>) -> PageResult {
    let Posted { session, form } = posted;
    let parsed = (|| {
        Ok::<_, certdesk_domain::FieldError>((
            parse_required_text(&form.name, "agency_name", 100)?,
            CreditCode::parse(&form.credit_code)?.as_str().to_owned(),
            parse_district(&form.district)?,
            parse_contact_phone(&form.phone, "phone")?,
        ))
    })();
    let (name, credit_code, district, phone) = match parsed {
        Ok(p) => p,
        Err(e) => return refuse_agency(&state, &session, &form, field_message(e)).await,
    };
    let agency = Agency {
        id: state.ids.id(),
        name,
        credit_code,
        district,
    };
    let now = (state.clock)();
    let created = blocking(&state, move |s| {
        s.create_agency_with_phone(&agency, Some(&phone), now)
    })
    .await?;
    if created.is_none() {
        return refuse_agency(
            &state,
            &session,
            &form,
            said(operator::agency_exists()),
        )
        .await;
    }
    tracing::info!(operator = %session.operator_name, "agency registered");
    Ok(see_other("/operator/agencies?done=agency_created"))
}

/// Issue a one-time enrolment code for one desk of the agency; the page shows it once.
#[utoipa::path(post, path = "/operator/agencies/{agency_id}/enrolment-codes",
    tag = "operator_pages", operation_id = "operator_page_issue_enrolment_code",
    security(("operator_session" = [])),
    params(("agency_id" = Uuid, Path, description = "the agency")),
    request_body(content = inline(CsrfOnly), content_type = "application/x-www-form-urlencoded"),
    responses(
    (status = CREATED, description = "the code, valid 72 hours for one device", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
    (status = FORBIDDEN, description = "another origin, or a missing or wrong token; nothing changed", content_type = "text/html", body = String),
    (status = NOT_FOUND, description = "no such agency", content_type = "text/html", body = String),
))]
async fn issue_enrolment_code(
    State(state): State<AppState>,
    Path(agency_id): Path<Uuid>,
    posted: Posted<CsrfOnly>,
) -> PageResult {
    let agencies = blocking(&state, |s| s.agencies()).await?;
    let Some(agency) = agencies.into_iter().find(|a| a.agency.id == agency_id) else {
        return Err(AppError::NotFound("agency").into());
    };
    let code = keys::enrolment_code();
    let hash = keys::sha256_hex(&keys::normalise_enrolment_code(&code));
    let expires_at = (state.clock)() + chrono::Duration::hours(ENROLMENT_CODE_HOURS);
    blocking(&state, move |s| {
        crate::flows::add_enrolment_code(s, agency_id, &hash, expires_at)
    })
    .await?;
    tracing::info!(operator = %posted.session.operator_name, %agency_id, "enrolment code issued");
    let until = local_time(&expires_at.to_rfc3339());
    let body = html! {
        h1 { "设备登记码 " small { "Enrolment code" } }
        p { "机构 " small { "Agency" } "：" b { (agency.agency.name) } }
        p class="code" { (code) }
        p {
            "此码只显示这一次，请现在抄下或告知机构；有效期至 " (until) "，只能登记一台设备。" br;
            span class="en" {
                "This code is shown only once: note it or pass it to the agency now. \
                 It works for one device until " (until) " (Shanghai time)."
            }
        }
        p { a href="/operator/agencies" { "返回机构列表 Back to agencies" } }
    };
    Ok((
        StatusCode::CREATED,
        page(&posted.session, "登记码 Enrolment code", None, body),
    )
        .into_response())
}

// ---- review queue -------------------------------------------------------------------------

/// The review queue: applications waiting for the police comparison, oldest first (200 at a
/// time), and the form to import a police results file.
#[utoipa::path(get, path = "/operator/reviews", tag = "operator_pages",
    operation_id = "operator_reviews_page", security(("operator_session" = [])),
    params(Notice), responses(
    (status = OK, description = "the page", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
))]
async fn reviews_page(
    State(state): State<AppState>,
    session: Session,
    Query(notice): Query<Notice>,
) -> PageResult {
    let pending = blocking(&state, |s| s.pending_reviews()).await?;
    let total = pending.len();
    let mut listed = Vec::with_capacity(total.min(QUEUE_PAGE));
    for item in pending.into_iter().take(QUEUE_PAGE) {
        let id = item.application_id;
        let detail = blocking(&state, move |s| s.review_detail(id)).await?;
        let has_photo = detail.and_then(|d| d.photo_sha256).is_some();
        listed.push((item, has_photo));
    }
    let body = html! {
        h1 { "审核队列 " small { "Review queue" } " (" (total) ")" }
        p { a href="/operator/ratings" { "待核评价 " small { "Held ratings" } } }
        p {
            "平台核验已在申领时自动完成；此处记录公安比对结果。" br;
            span class="en" { "The platform check ran when the agency applied; record the police comparison here." }
        }
        table {
            tr {
                th { "申领时间 " small { "Applied" } }
                th { "机构 " small { "Agency" } }
                th { "姓名 " small { "Name" } }
                th { "身份证号 " small { "ID number" } }
                th { "照片 " small { "Photo" } }
                th {}
            }
            @for (item, has_photo) in &listed {
                @let id = item.application_id;
                tr {
                    td { (local_time(&item.applied_at)) }
                    td { (item.agency_name) }
                    td {
                        (item.name)
                        @if item.kind == crate::store::repo::ApplicationKind::Details.code() {
                            " " span class="tag" { "信息变更 " small { "updated details" } }
                        }
                    }
                    td { (item.id_number) }
                    td {
                        @if *has_photo {
                            img class="photo" style="max-width:60px" src={ "/operator/reviews/" (id) "/photo" } alt="照片 photo";
                        } @else {
                            "无照片 " small { "none" }
                        }
                    }
                    td { a href={ "/operator/reviews/" (id) } { "审核 Review" } }
                }
            }
            @if total == 0 {
                tr { td colspan="6" { "没有待审核的申请 " small { "Nothing waits for review" } } }
            }
        }
        @if total > QUEUE_PAGE {
            p {
                "另有 " (total - QUEUE_PAGE) " 条未列出，请先处理以上申请。"
                span class="en" { (total - QUEUE_PAGE) " more not listed; work through these first." }
            }
        }
        h2 { "导入公安比对结果 " small { "Import police results (CSV)" } }
        form method="post" action="/operator/reviews/import" class="card" {
            (csrf_field(&session))
            p {
                "每行：身份证号,结果（通过/不通过）,原因。"
                span class="en" { "One line each: ID number, result (pass/fail), reason." }
            }
            textarea name="csv" rows="8" cols="80" required {}
            p { button { "导入 Import" } }
        }
    };
    Ok(page(&session, "审核队列 Reviews", notice.sentence(), body).into_response())
}

/// Labels of the worker record's fields, in the order the page shows them.
const FIELDS: &[(&str, &str, &str)] = &[
    ("name", "姓名", "Name"),
    ("id_number", "身份证号", "ID number"),
    ("phone", "手机", "Mobile"),
    ("address", "住址", "Address"),
    ("service_types", "服务类别", "Services"),
    ("emergency_contact_name", "紧急联系人", "Emergency contact"),
    ("emergency_contact_phone", "紧急联系电话", "Emergency phone"),
    ("consent_date", "征信授权日期", "Consent signed"),
    ("agency_check_done", "企业核实", "Agency check"),
];

fn show_value(v: &serde_json::Value) -> Markup {
    match v {
        serde_json::Value::String(s) => html! { (s) },
        serde_json::Value::Bool(true) => html! { "是 Yes" },
        serde_json::Value::Bool(false) => html! { "否 No" },
        serde_json::Value::Array(items) => html! {
            @for (i, item) in items.iter().enumerate() {
                @if i > 0 { "、" }
                (show_value(item))
            }
        },
        serde_json::Value::Null => html! { "—" },
        other => html! { (other.to_string()) },
    }
}

/// An application for updated details: what the certificate shows now beside what the agency
/// asks for, the two photos side by side.
fn details_comparison(detail: &ReviewDetail) -> Markup {
    let id = detail.item.application_id;
    let Some(approved) = &detail.approved else {
        return html! {};
    };
    // The pushed record was validated when it arrived: its service types are codes.
    let requested_types: Vec<certdesk_domain::ServiceType> = detail
        .record
        .get("service_types")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|t| t.as_str().and_then(<certdesk_domain::ServiceType as certdesk_domain::Code>::from_code)).collect())
        .unwrap_or_default();
    let requested = certdesk_domain::PublicIdentity {
        name: detail.item.name.clone(),
        photo_sha256: detail.photo_sha256.clone(),
        service_types: requested_types,
    };
    let changed = requested.changed_from(approved);
    let types = |types: &[certdesk_domain::ServiceType]| -> String {
        types.iter().map(|t| t.label_zh()).collect::<Vec<_>>().join("、")
    };
    // A changed row stands out.
    let mark = |field: &str| changed.contains(&field).then_some("background:#fff4d6");
    html! {
        h2 { "信息变更 " small { "Updated details" } }
        p {
            "该人员已持证。机构修改了证件显示的信息；批准前，公众查验页仍显示原已核准的信息。请核对照片是否为同一人。"
            br; span class="en" { "This worker holds a certificate. The agency changed what it shows; until approved, the public page keeps the approved details. Check that both photos show the same person." }
        }
        table {
            tr { th {} th { "已核准（现显示） " small { "Approved (shown)" } } th { "申请变更为 " small { "Requested" } } }
            tr style=[mark("photo")] {
                th { "照片 " small { "Photo" } }
                td { @if approved.photo_sha256.is_some() { img class="photo" src={ "/operator/reviews/" (id) "/photo?approved=1" } alt="已核准照片 approved photo"; } }
                td { @if detail.photo_sha256.is_some() { img class="photo" src={ "/operator/reviews/" (id) "/photo" } alt="新照片 new photo"; } }
            }
            tr style=[mark("name")] {
                th { "姓名 " small { "Name" } } td { (approved.name) } td { (requested.name) }
            }
            tr style=[mark("service_types")] {
                th { "服务类型 " small { "Service types" } } td { (types(&approved.service_types)) } td { (types(&requested.service_types)) }
            }
        }
    }
}

fn review_body(detail: &ReviewDetail, session: &Session, error: Option<Markup>) -> Markup {
    let id = detail.item.application_id;
    let pending = detail.status == ApplicationStatus::Pending;
    let details = detail.item.kind == crate::store::repo::ApplicationKind::Details.code();
    html! {
        @if details {
            h1 { "审核信息变更 " small { "Review updated details" } }
        } @else {
            h1 { "审核申请 " small { "Review an application" } }
            p {
                "平台核验 " small { "Platform check" } "：通过 passed · 公安比对 " small { "Police comparison" } "："
                @if pending { "待审核 pending" } @else { "已处理 decided" }
            }
        }
        @if details { (details_comparison(detail)) }
        div style="display:flex;gap:1.5em;flex-wrap:wrap" {
            // An application for updated details shows both photos above.
            div hidden[details] {
                @if detail.photo_sha256.is_some() {
                    img class="photo" src={ "/operator/reviews/" (id) "/photo" } alt="照片 photo";
                } @else {
                    p { "机构未上传照片。" span class="en" { "The agency sent no photo." } }
                }
            }
            table style="flex:1;width:auto" {
                tr { th { "机构 " small { "Agency" } } td { (detail.item.agency_name) } }
                tr { th { "申领时间 " small { "Applied" } } td { (local_time(&detail.item.applied_at)) } }
                @for (key, zh, en) in FIELDS {
                    @if let Some(v) = detail.record.get(*key) {
                        tr { th { (zh) " " small { (en) } } td { (show_value(v)) } }
                    }
                }
            }
        }
        @if pending {
            h2 { "公安比对结果 " small { "Police comparison" } }
            @if let Some(e) = error {
                p class="error" { (e) }
            }
            div class="card" {
                (csrf_form(
                    session,
                    &format!("/operator/reviews/{id}/approve"),
                    html! {
                        // Approval binds to the record as shown here.
                        input type="hidden" name="version" value=(detail.version);
                        @if details {
                            button { "核对无误，批准变更 Approve the new details" } " "
                            small { "批准后公众查验页与新制卡片显示新信息，证件编码不变。The public page and new cards then show them; the code stays." }
                        } @else {
                            button { "比对通过，批准 Pass and approve" } " "
                            small { "批准后平台分配证件编码并签发电子凭证。Approval assigns the code and signs the credential." }
                        }
                    },
                ))
            }
            form method="post" action={ "/operator/reviews/" (id) "/reject" } class="card" {
                (csrf_field(session))
                label {
                    "驳回原因（中文，机构将看到） " small { "Reason, in Chinese; the agency reads it" } br;
                    textarea name="reason_zh" rows="3" cols="60" maxlength=(MAX_REASON_CHARS) required {}
                }
                label {
                    "英文说明（可选） " small { "English (optional)" } br;
                    input name="reason_en" maxlength=(MAX_REASON_CHARS);
                }
                p { button class="danger" { "不通过，驳回 Fail and reject" } }
            }
        } @else {
            p class="notice" {
                "此申请已处理：" (detail.status) "。"
                span class="en" { "This application is no longer pending." }
            }
        }
        p { a href="/operator/reviews" { "返回队列 Back to the queue" } }
    }
}

async fn review_detail(state: &AppState, id: Uuid) -> Result<ReviewDetail, PageError> {
    blocking(state, move |s| s.review_detail(id))
        .await?
        .ok_or_else(|| AppError::NotFound("application").into())
}

/// One application: the worker's record and photo, with the forms to approve or reject it.
#[utoipa::path(get, path = "/operator/reviews/{application_id}", tag = "operator_pages",
    operation_id = "operator_review_page", security(("operator_session" = [])),
    params(("application_id" = Uuid, Path, description = "the application")), responses(
    (status = OK, description = "the page", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
    (status = NOT_FOUND, description = "no such application", content_type = "text/html", body = String),
))]
async fn review_page(
    State(state): State<AppState>,
    session: Session,
    Path(application_id): Path<Uuid>,
) -> PageResult {
    let detail = review_detail(&state, application_id).await?;
    let body = review_body(&detail, &session, None);
    Ok(page(&session, "审核 Review", None, body).into_response())
}

/// Which photo of an application.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PhotoQuery {
    /// Present: the photo the worker's certificate shows now (an application for updated
    /// details compares it with the new one); absent: the photo the record names.
    approved: Option<String>,
}

/// The worker's photo, for signed-in operators only, and only a photo the applying agency
/// itself uploaded.
#[utoipa::path(get, path = "/operator/reviews/{application_id}/photo", tag = "operator_pages",
    operation_id = "operator_review_photo", security(("operator_session" = [])),
    params(("application_id" = Uuid, Path, description = "the application"), PhotoQuery), responses(
    (status = OK, description = "the photo (`image/jpeg` or `image/png`; anything else as `application/octet-stream`)",
        content(("image/jpeg"), ("image/png"), ("application/octet-stream"))),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
    (status = NOT_FOUND, description = "no such application, or it has no photo", content_type = "text/html", body = String),
))]
async fn photo(
    State(state): State<AppState>,
    _session: Session,
    Path(application_id): Path<Uuid>,
    Query(which): Query<PhotoQuery>,
) -> PageResult {
    let detail = review_detail(&state, application_id).await?;
    let shown = if which.approved.is_some() {
        detail.approved.and_then(|a| a.photo_sha256)
    } else {
        detail.photo_sha256
    };
    let Some(sha) = shown else {
        return Err(AppError::NotFound("photo").into());
    };
    let (agency, owned) = (detail.agency_id, sha.clone());
    if !blocking(&state, move |s| s.has_blob(agency, &owned)).await? {
        return Err(AppError::NotFound("photo").into());
    }
    let bytes = tokio::fs::read(blob_path(&state.blob_dir, &sha))
        .await
        .map_err(AppError::internal)?;
    let content_type = match bytes.get(..4) {
        Some([0xff, 0xd8, 0xff, _]) => "image/jpeg",
        Some([0x89, b'P', b'N', b'G']) => "image/png",
        // Not an image we show inline: never let a browser guess.
        _ => "application/octet-stream",
    };
    Ok(([(CONTENT_TYPE, content_type)], bytes).into_response())
}

/// The police comparison passed: approve, which assigns the certificate code and signs the
/// credential.
#[utoipa::path(post, path = "/operator/reviews/{application_id}/approve", tag = "operator_pages",
    operation_id = "operator_approve", security(("operator_session" = [])),
    params(("application_id" = Uuid, Path, description = "the application")),
    request_body(content = inline(ApproveForm), content_type = "application/x-www-form-urlencoded"),
    responses(
    (status = SEE_OTHER, description = "approved: to `/operator/reviews?done=approved&code=…`; without a live session, to `/operator/sign-in`"),
    (status = BAD_REQUEST, description = "the application is not waiting for review, or its record changed since the page showed it (or no version was posted): nothing decided", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "another origin, or a missing or wrong token; nothing changed", content_type = "text/html", body = String),
))]
async fn approve(
    State(state): State<AppState>,
    Path(application_id): Path<Uuid>,
    posted: Posted<ApproveForm>,
) -> PageResult {
    // A form without the version it was shown with cannot bind to anything: refused.
    let Some(version) = posted.form.version else {
        return Err(operator::record_changed(0).into());
    };
    match decide(&state, application_id, Decision::PassAsSeen { version }).await? {
        Decided::Approved(code) => {
            tracing::info!(operator = %posted.session.operator_name, %application_id, "approved from the operator pages");
            Ok(see_other(&format!(
                "/operator/reviews?done=approved&code={code}"
            )))
        }
        Decided::RecordChanged(now_at) => {
            tracing::info!(operator = %posted.session.operator_name, %application_id, seen = version, now_at, "approval refused: the record changed");
            Err(operator::record_changed(now_at).into())
        }
        _ => Err(not_pending()),
    }
}

/// The approve form: the token and the record version the page showed.
#[derive(Debug, Deserialize, ToSchema)]
struct ApproveForm {
    /// The session's CSRF token.
    #[serde(default)]
    csrf: String,
    /// The worker record's version shown on the review page.
    #[serde(default)]
    version: Option<i64>,
}

impl CsrfForm for ApproveForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

fn not_pending() -> PageError {
    operator::not_pending().into()
}

/// The form that rejects an application.
#[derive(Debug, Deserialize, ToSchema)]
struct RejectForm {
    /// The session's CSRF token.
    #[serde(default)]
    csrf: String,
    /// Why, in Chinese (the agency's clerk reads it), at most 200 characters.
    #[serde(default)]
    reason_zh: String,
    /// The same in English (optional), at most 200 characters.
    #[serde(default)]
    reason_en: String,
}

impl CsrfForm for RejectForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// The reason an agency's clerk will read: Chinese, not empty, not too long.
fn rejection_reason(zh: &str, en: &str) -> Result<Bilingual, Markup> {
    let zh = zh.trim();
    let en = en.trim();
    let has_chinese = zh
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c));
    if !has_chinese {
        return Err(said(operator::reason_not_chinese()));
    }
    if zh.chars().count() > MAX_REASON_CHARS || en.chars().count() > MAX_REASON_CHARS {
        return Err(said(operator::reason_too_long(MAX_REASON_CHARS)));
    }
    let en = if en.is_empty() { zh } else { en };
    Ok(Bilingual::new(zh, en))
}

/// The police comparison failed: reject, with the reason the agency will read.
#[utoipa::path(post, path = "/operator/reviews/{application_id}/reject", tag = "operator_pages",
    operation_id = "operator_reject", security(("operator_session" = [])),
    params(("application_id" = Uuid, Path, description = "the application")),
    request_body(content = inline(RejectForm), content_type = "application/x-www-form-urlencoded"),
    responses(
    (status = SEE_OTHER, description = "rejected: to `/operator/reviews?done=rejected`; without a live session, to `/operator/sign-in`"),
    (status = BAD_REQUEST, description = "no Chinese reason, one too long, or the application is not waiting for review", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "another origin, or a missing or wrong token; nothing changed", content_type = "text/html", body = String),
    (status = NOT_FOUND, description = "no such application", content_type = "text/html", body = String),
))]
async fn reject(
    State(state): State<AppState>,
    Path(application_id): Path<Uuid>,
    posted: Posted<RejectForm>,
) -> PageResult {
    let Posted { session, form } = posted;
    let reason = match rejection_reason(&form.reason_zh, &form.reason_en) {
        Ok(r) => r,
        Err(message) => {
            let detail = review_detail(&state, application_id).await?;
            let body = review_body(&detail, &session, Some(message));
            return Ok((
                StatusCode::BAD_REQUEST,
                page(&session, "审核 Review", None, body),
            )
                .into_response());
        }
    };
    let decision = Decision::Fail { reason };
    match decide(&state, application_id, decision).await? {
        Decided::Rejected => {
            tracing::info!(operator = %session.operator_name, %application_id, "rejected from the operator pages");
            Ok(see_other("/operator/reviews?done=rejected"))
        }
        _ => Err(not_pending()),
    }
}

/// The form that imports a police results file.
#[derive(Debug, Deserialize, ToSchema)]
struct ImportForm {
    /// The session's CSRF token.
    #[serde(default)]
    csrf: String,
    /// The results, one line per person: `id_number,result,reason` (`result`: pass/通过/1 or
    /// fail/不通过/0).
    #[serde(default)]
    csv: String,
}

impl CsrfForm for ImportForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// Import a police results file pasted into the form; every pending application of each
/// person named is decided.
#[utoipa::path(post, path = "/operator/reviews/import", tag = "operator_pages",
    operation_id = "operator_page_import_results", security(("operator_session" = [])),
    request_body(content = inline(ImportForm), content_type = "application/x-www-form-urlencoded"),
    responses(
    (status = OK, description = "the import report: approved, rejected, unmatched and unreadable lines", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
    (status = FORBIDDEN, description = "another origin, or a missing or wrong token; nothing changed", content_type = "text/html", body = String),
))]
async fn import_results(State(state): State<AppState>, posted: Posted<ImportForm>) -> PageResult {
    let Posted { session, form } = posted;
    let report = apply_results_csv(&state, &form.csv).await?;
    tracing::info!(operator = %session.operator_name, approved = report.approved, rejected = report.rejected, "police results imported");
    let list = |title: Markup, items: &[String]| {
        html! {
            @if !items.is_empty() {
                h2 { (title) }
                ul { @for i in items { li { (i) } } }
            }
        }
    };
    let body = html! {
        h1 { "导入结果 " small { "Import report" } }
        p class="notice" {
            "批准 " (report.approved) " 条，驳回 " (report.rejected) " 条。"
            span class="en" { (report.approved) " approved, " (report.rejected) " rejected." }
        }
        (list(html! { "无待审核申请的行 " small { "Lines with no pending application" } }, &report.unmatched))
        (list(html! { "无法读取的行 " small { "Unreadable lines" } }, &report.errors))
        p { a href="/operator/reviews" { "返回队列 Back to the queue" } }
    };
    Ok(page(&session, "导入结果 Import", None, body).into_response())
}

// ---- revocations and devices ---------------------------------------------------------------

/// Cancelled certificates and replaced cards.
#[utoipa::path(get, path = "/operator/revocations", tag = "operator_pages",
    operation_id = "operator_revocations_page", security(("operator_session" = [])), responses(
    (status = OK, description = "the page", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
))]
async fn revocations_page(State(state): State<AppState>, session: Session) -> PageResult {
    let list = blocking(&state, |s| s.revocations()).await?;
    let body = html! {
        h1 { "注销与补发 " small { "Revocations" } }
        p {
            "已注销的证件和被补发替换的旧卡在查验时不再有效。"
            span class="en" { "Cancelled certificates and replaced cards no longer verify." }
        }
        table {
            tr { th { "证件编码 " small { "Certificate code" } } th { "状态 " small { "Status" } } }
            @for e in &list.entries {
                tr {
                    td { (e.certificate_code) }
                    td {
                        @if e.revoked {
                            "已注销 " small { "Cancelled" }
                        } @else {
                            "已补发，现行卡版本 " (e.current_card_version) " "
                            small { "Replaced; current card version " (e.current_card_version) }
                        }
                    }
                }
            }
            @if list.entries.is_empty() {
                tr { td colspan="2" { "没有注销或补发的证件 " small { "No cancelled or replaced certificates" } } }
            }
        }
    };
    Ok(page(&session, "注销与补发 Revocations", None, body).into_response())
}

/// Every enrolled device, with a button to revoke each.
#[utoipa::path(get, path = "/operator/devices", tag = "operator_pages",
    operation_id = "operator_devices_page", security(("operator_session" = [])),
    params(Notice), responses(
    (status = OK, description = "the page", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
))]
async fn devices_page(
    State(state): State<AppState>,
    session: Session,
    Query(notice): Query<Notice>,
) -> PageResult {
    let (devices, agencies) = blocking(&state, |s| Ok((s.devices()?, s.agencies()?))).await?;
    let body = html! {
        h1 { "设备 " small { "Devices" } }
        p {
            "吊销立即生效：该设备的下一次请求即被拒绝。"
            span class="en" { "Revoking takes effect at once: the device's next request is refused." }
        }
        table {
            tr {
                th { "设备名称 " small { "Name" } }
                th { "机构 " small { "Agency" } }
                th { "设备编号 " small { "Device id" } }
                th {}
            }
            @for d in &devices {
                @let agency = agencies
                    .iter()
                    .find(|a| a.agency.id == d.agency_id)
                    .map_or("?", |a| a.agency.name.as_str());
                tr {
                    td { (d.name) }
                    td { (agency) }
                    td { small { (d.device_id) } }
                    td {
                        @if d.revoked {
                            "已吊销 " small { "Revoked" }
                        } @else {
                            (csrf_form(
                                &session,
                                &format!("/operator/devices/{}/revoke", d.device_id),
                                html! { button class="danger" { "吊销 Revoke" } },
                            ))
                        }
                    }
                }
            }
            @if devices.is_empty() {
                tr { td colspan="4" { "尚无设备 " small { "No devices yet" } } }
            }
        }
    };
    Ok(page(&session, "设备 Devices", notice.sentence(), body).into_response())
}

/// Revoke a device; its next request is refused.
#[utoipa::path(post, path = "/operator/devices/{device_id}/revoke", tag = "operator_pages",
    operation_id = "operator_page_revoke_device", security(("operator_session" = [])),
    params(("device_id" = Uuid, Path, description = "the device")),
    request_body(content = inline(CsrfOnly), content_type = "application/x-www-form-urlencoded"),
    responses(
    (status = SEE_OTHER, description = "revoked: to `/operator/devices?done=device_revoked`; without a live session, to `/operator/sign-in`"),
    (status = FORBIDDEN, description = "another origin, or a missing or wrong token; nothing changed", content_type = "text/html", body = String),
    (status = NOT_FOUND, description = "no such device", content_type = "text/html", body = String),
))]
async fn revoke_device(
    State(state): State<AppState>,
    Path(device_id): Path<Uuid>,
    posted: Posted<CsrfOnly>,
) -> PageResult {
    let now = (state.clock)();
    if !blocking(&state, move |s| crate::flows::revoke_device(s, device_id, now)).await? {
        return Err(AppError::NotFound("device").into());
    }
    tracing::info!(operator = %posted.session.operator_name, %device_id, "device revoked from the operator pages");
    Ok(see_other("/operator/devices?done=device_revoked"))
}

// ---- ratings held for moderation -----------------------------------------------------------

/// Ratings held for moderation (over a worker's hourly ceiling), each to release or discard.
#[utoipa::path(get, path = "/operator/ratings", tag = "operator_pages",
    operation_id = "operator_held_ratings_page", security(("operator_session" = [])),
    params(Notice), responses(
    (status = OK, description = "the page", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
))]
async fn held_ratings_page(State(state): State<AppState>, session: Session, Query(notice): Query<Notice>) -> PageResult {
    let held = blocking(&state, |s| s.held_ratings()).await?;
    let shanghai = certdesk_domain::shanghai();
    let body = html! {
        h1 { "待核评价 " small { "Held ratings" } }
        p {
            "持证人一小时内收到的评价超过上限时，其后的评价先保存在这里，核实后计入或删除，防止刷评压制真实评价。"
            span class="en" { "Ratings beyond a worker's hourly ceiling wait here: release the genuine ones, discard the rest." }
        }
        table data-table="held-ratings" {
            tr { th { "证件编码 " small { "Certificate" } } th { "星级 " small { "Stars" } } th { "评语 " small { "Comment" } } th { "时间 " small { "When" } } th {} }
            @for r in &held {
                tr {
                    td { (r.certificate_code) }
                    td { (r.stars) }
                    td { (r.comment) }
                    td { (r.created_at.with_timezone(&shanghai).format("%Y-%m-%d %H:%M")) }
                    td {
                        (csrf_form(&session, &format!("/operator/ratings/{}/release", r.id), html! { button { "计入 Release" } }))
                        " "
                        (csrf_form(&session, &format!("/operator/ratings/{}/discard", r.id), html! { button class="danger" { "删除 Discard" } }))
                    }
                }
            }
            @if held.is_empty() {
                tr { td colspan="5" { "没有待核评价 " small { "No held ratings" } } }
            }
        }
    };
    Ok(page(&session, "待核评价 Held ratings", notice.sentence(), body).into_response())
}

/// Release a held rating to its worker's agency.
#[utoipa::path(post, path = "/operator/ratings/{rating_id}/release", tag = "operator_pages",
    operation_id = "operator_release_rating", security(("operator_session" = [])),
    params(("rating_id" = Uuid, Path, description = "the held rating")),
    request_body(content = inline(CsrfOnly), content_type = "application/x-www-form-urlencoded"),
    responses(
    (status = SEE_OTHER, description = "released: to `/operator/ratings?done=rating_released`; without a live session, to `/operator/sign-in`"),
    (status = FORBIDDEN, description = "another origin, a wrong token or role; nothing changed", content_type = "text/html", body = String),
    (status = NOT_FOUND, description = "no such held rating", content_type = "text/html", body = String),
))]
async fn release_rating(State(state): State<AppState>, Path(rating_id): Path<Uuid>, posted: Posted<CsrfOnly>) -> PageResult {
    let now = state.now();
    if !blocking(&state, move |s| crate::flows::release_rating(s, rating_id, now)).await? {
        return Err(AppError::NotFound("held rating").into());
    }
    tracing::info!(operator = %posted.session.operator_name, %rating_id, "held rating released");
    Ok(see_other("/operator/ratings?done=rating_released"))
}

/// Discard a held rating.
#[utoipa::path(post, path = "/operator/ratings/{rating_id}/discard", tag = "operator_pages",
    operation_id = "operator_discard_rating", security(("operator_session" = [])),
    params(("rating_id" = Uuid, Path, description = "the held rating")),
    request_body(content = inline(CsrfOnly), content_type = "application/x-www-form-urlencoded"),
    responses(
    (status = SEE_OTHER, description = "discarded: to `/operator/ratings?done=rating_discarded`; without a live session, to `/operator/sign-in`"),
    (status = FORBIDDEN, description = "another origin, a wrong token or role; nothing changed", content_type = "text/html", body = String),
    (status = NOT_FOUND, description = "no such held rating", content_type = "text/html", body = String),
))]
async fn discard_rating(State(state): State<AppState>, Path(rating_id): Path<Uuid>, posted: Posted<CsrfOnly>) -> PageResult {
    if !blocking(&state, move |s| crate::flows::discard_rating(s, rating_id)).await? {
        return Err(AppError::NotFound("held rating").into());
    }
    tracing::info!(operator = %posted.session.operator_name, %rating_id, "held rating discarded");
    Ok(see_other("/operator/ratings?done=rating_discarded"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejection_reason_must_be_chinese_and_short() {
        assert!(rejection_reason("", "").is_err());
        assert!(
            rejection_reason("ID mismatch", "").is_err(),
            "the clerk reads Chinese"
        );
        assert!(rejection_reason(&"查".repeat(MAX_REASON_CHARS + 1), "").is_err());
        assert_eq!(
            rejection_reason(" 身份证与本人不符 ", "").unwrap(),
            Bilingual::new("身份证与本人不符", "身份证与本人不符")
        );
    }

    #[test]
    fn a_notice_echoes_nothing_but_an_escaped_code() {
        let notice = |query: &str| -> Notice {
            let uri: axum::http::Uri = format!("/operator/reviews?{query}").parse().unwrap();
            Query::<Notice>::try_from_uri(&uri).expect("any ?done= reads").0
        };
        let n = notice("done=%3Cscript%3E");
        assert!(n.sentence().is_none(), "an unknown notice says nothing");
        let n = notice("done=approved&code=%3Cb%3E");
        assert!(n.sentence().unwrap().into_string().contains("&lt;b&gt;"));
    }
}
