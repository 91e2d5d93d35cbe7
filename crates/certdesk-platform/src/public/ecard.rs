//! The worker's electronic card (电子上门服务证, issue 13 item 4), on the worker's own phone.
//!
//! * `GET /e` (`?code=` from the hand-over slip's QR code): the activation form.
//! * `POST /e`: the activation code and the last four characters of the ID number; on success
//!   the phone is sent to its card page, whose address holds a random secret (only its SHA-256
//!   is kept). Wrong digits count against the code ([`MAX_ACTIVATION_ATTEMPTS`]), then it is
//!   locked; tries are also limited per network.
//! * `GET /e/{secret}`: the card: photo, masked name, code, agency, colour, and a QR code
//!   signed with its time ([`issue_electronic_url`]) that the page replaces every
//!   [`ELECTRONIC_REFRESH_SECONDS`] from `GET /e/{secret}/state`, so a screenshot stops
//!   verifying minutes later. The state is what a scan of that code says now ([`verify_at`]):
//!   a replaced or cancelled card says so at the next refresh and shows no code.
//! * The page installs to the home screen (`/e/{secret}/manifest.webmanifest`, `/e/icon.svg`),
//!   and a service worker (`/e/sw.js`) keeps the page, so a phone offline shows the last state
//!   it had, marked offline, without a code.
//!
//! Never shown here: the full name, the ID number, the worker's phone or address.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use certdesk_domain::standing::{Colour, Standing};
use certdesk_domain::mask_for_public;
use certdesk_protocol::credential::{
    issue_electronic_url, verify_at, CredentialClaims, Verdict, VerdictKind, ELECTRONIC_MAX_AGE_SECONDS,
    ELECTRONIC_REFRESH_SECONDS,
};
use certdesk_protocol::{RevocationEntry, RevocationList};
use chrono::{DateTime, Duration, Utc};
use maud::{html, Markup, PreEscaped};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::html::{page_titled, row, Tone};
use super::{answer, banner, certificate_rows, footer, refusal, service_tags, standing_rows, ClientNetwork, Public};
use crate::api::{blocking, AppState};
use crate::error::AppError;
use crate::flows::electronic::{ActivationOutcome, MAX_ACTIVATION_ATTEMPTS};
use crate::limits::WindowLimiter;
use crate::messages::public;
use crate::store::public::PublicCertificate;

/// Activation tries one network may make per [`ACTIVATION_WINDOW_MINUTES`] (a worker mistyping
/// a few times is far below it; guessing codes is far above it).
pub const ACTIVATIONS_PER_WINDOW: u32 = 10;
/// The activation limit's window.
pub const ACTIVATION_WINDOW_MINUTES: i64 = 10;

/// The activation limit: [`ACTIVATIONS_PER_WINDOW`] per network per window.
pub fn activation_limiter() -> WindowLimiter {
    WindowLimiter::new(ACTIVATIONS_PER_WINDOW, Duration::minutes(ACTIVATION_WINDOW_MINUTES))
}

/// What the header says on the electronic card's pages.
const ECARD_TITLE: &str = "电子证 Electronic card";

/// Characters of a card page's secret (32 random bytes, base64url).
const SECRET_CHARS: usize = 43;

/// The script of the card page: refresh the code, keep the last state for offline, register
/// the service worker. Served as a file so the page's policy allows no inline script.
const APP_JS: &str = include_str!("ecard/app.js");
/// The service worker: the page, its script, photo and icon from the network, or from the
/// phone's cache when offline; the live state is never cached.
const SW_JS: &str = include_str!("ecard/sw.js");
/// The home-screen icon.
const ICON_SVG: &str = include_str!("ecard/icon.svg");

/// The policy of the card page: its own script, its own state, nothing else.
const ECARD_CSP: &str = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The card page's secret as it is in the path (never decoded), when it has the right shape.
fn secret_of(uri: &Uri) -> Option<&str> {
    let rest = uri.path().strip_prefix("/e/")?;
    let s = rest.split('/').next()?;
    (s.len() == SECRET_CHARS && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')).then_some(s)
}

/// What the activation form sends.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ActivationForm {
    /// The activation code from the hand-over slip (spaces, a dash and lower case are fine).
    #[serde(default)]
    code: String,
    /// The last four characters of the worker's ID number.
    #[serde(default)]
    id_last4: String,
}

/// The code the slip's QR code fills in.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivationQuery {
    /// The activation code.
    code: Option<String>,
}

fn activation_form(code: &str) -> Markup {
    html! {
        section {
            form method="post" action="/e" {
                label class="f" for="code" { "激活码 " small { "Activation code (on the hand-over slip)" } }
                input type="text" id="code" name="code" value=(code) maxlength="20" autocomplete="off" autocapitalize="characters" placeholder="ABCD-EFGH" required;
                label class="f" for="id_last4" { "身份证号后四位 " small { "Last four characters of your ID number" } }
                input type="text" id="id_last4" name="id_last4" maxlength="4" autocomplete="off" autocapitalize="characters" inputmode="text" required;
                button type="submit" { "激活电子证 Activate" }
            }
            p class="note" {
                "激活码只能使用一次；连续输错 " (MAX_ACTIVATION_ATTEMPTS) " 次将被锁定，需到所属机构重新领取。\
                 The code works once; after " (MAX_ACTIVATION_ATTEMPTS) " wrong tries it is locked and the agency gives a new one."
            }
        }
    }
}

/// Activate an electronic card: the form (`GET /e`, `?code=` filled in from the slip's QR code).
#[utoipa::path(get, path = "/e", tag = "public", operation_id = "activation_page",
    params(ActivationQuery),
    responses((status = OK, description = "the activation form", content_type = "text/html", body = String)))]
pub(super) async fn activation_page(
    State(p): State<Public>,
    query: Result<Query<ActivationQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let code = query.ok().and_then(|Query(q)| q.code).unwrap_or_default();
    let code: String = code.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(20).collect();
    let banner = refusal("activation", Tone::Ok, public::activation());
    answer(StatusCode::OK, "no-store", page_titled(&banner, activation_form(&code), footer(&p.app), ECARD_TITLE))
}

/// Activate an electronic card with the code and the last four characters of the ID number.
///
/// A plain form post. On success, `303` to the card's page `/e/{secret}` (the phone keeps that
/// address; add it to the home screen). Wrong digits count against the code and lock it after
/// five; tries are limited per network.
#[utoipa::path(post, path = "/e", tag = "public", operation_id = "activate",
    request_body(content = inline(ActivationForm), content_type = "application/x-www-form-urlencoded"),
    responses(
    (status = SEE_OTHER, description = "activated: `Location` is the card's page"),
    (status = BAD_REQUEST, description = "the form is incomplete", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "wrong ID digits (the page says how many tries are left)", content_type = "text/html", body = String),
    (status = NOT_FOUND, description = "no such code (or the agency has not synced it yet)", content_type = "text/html", body = String),
    (status = CONFLICT, description = "the code was used, or its card was replaced or cancelled", content_type = "text/html", body = String),
    (status = LOCKED, description = "too many wrong tries: the code is locked", content_type = "text/html", body = String),
    (status = TOO_MANY_REQUESTS, description = "too many tries from this network (`Retry-After`)", content_type = "text/html", body = String),
))]
pub(super) async fn activate(
    State(p): State<Public>,
    ClientNetwork(network): ClientNetwork,
    form: Result<Form<ActivationForm>, FormRejection>,
) -> Result<Response, AppError> {
    let footer = footer(&p.app);
    let Ok(Form(form)) = form else {
        let banner = refusal("form_invalid", Tone::Warn, public::activation_form_invalid());
        return Ok(answer(StatusCode::BAD_REQUEST, "no-store", page_titled(&banner, activation_form(""), footer, ECARD_TITLE)));
    };
    let typed: String = form.code.chars().take(20).collect();
    if form.code.trim().is_empty() || form.id_last4.trim().is_empty() {
        let banner = refusal("form_invalid", Tone::Warn, public::activation_form_invalid());
        return Ok(answer(StatusCode::BAD_REQUEST, "no-store", page_titled(&banner, activation_form(&typed), footer, ECARD_TITLE)));
    }
    if let Err(wait) = p.activations.take(&network, p.app.now()) {
        let banner = refusal("too_many_activations", Tone::Warn, public::activation_too_many());
        let mut res = answer(StatusCode::TOO_MANY_REQUESTS, "no-store", page_titled(&banner, activation_form(&typed), footer, ECARD_TITLE));
        res.headers_mut().insert(RETRY_AFTER, HeaderValue::from(wait));
        return Ok(res);
    }
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    let secret = URL_SAFE_NO_PAD.encode(b);
    let (code, last4, token, now) = (form.code.clone(), form.id_last4.clone(), sha256_hex(&secret), p.app.now());
    let outcome = blocking(&p.app, move |s| crate::flows::electronic::activate(s, &code, &last4, &token, now)).await?;
    let (status, code, tone, notice) = match outcome {
        ActivationOutcome::Activated => {
            let mut res = StatusCode::SEE_OTHER.into_response();
            let to = HeaderValue::from_str(&format!("/e/{secret}")).map_err(AppError::internal)?;
            res.headers_mut().insert(LOCATION, to);
            res.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res.headers_mut().insert("referrer-policy", HeaderValue::from_static("no-referrer"));
            return Ok(res);
        }
        ActivationOutcome::WrongDigits { left } => {
            let banner = refusal("wrong_digits", Tone::Warn, public::activation_wrong_digits(left));
            return Ok(answer(StatusCode::FORBIDDEN, "no-store", page_titled(&banner, activation_form(&typed), footer, ECARD_TITLE)));
        }
        ActivationOutcome::Locked => (StatusCode::LOCKED, "activation_locked", Tone::Bad, public::activation_locked()),
        ActivationOutcome::UnknownCode => (StatusCode::NOT_FOUND, "activation_unknown", Tone::Warn, public::activation_unknown()),
        ActivationOutcome::AlreadyUsed => (StatusCode::CONFLICT, "activation_used", Tone::Warn, public::activation_used()),
        ActivationOutcome::NotCurrent => (StatusCode::CONFLICT, "activation_not_current", Tone::Bad, public::activation_not_current()),
    };
    let banner = refusal(code, tone, notice);
    let again = if status == StatusCode::NOT_FOUND { typed.as_str() } else { "" };
    Ok(answer(status, "no-store", page_titled(&banner, activation_form(again), footer, ECARD_TITLE)))
}

/// What the card page shows now and a scan of its code would say; the page polls it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ElectronicCardState {
    /// The verdict a scan of `qr_url` gives now (`valid`, `replaced`, `revoked`, `expired`).
    #[schema(value_type = String)]
    pub verdict: VerdictKind,
    /// 绿/黄/红 as `green`, `yellow`, `red`.
    #[schema(value_type = String)]
    pub colour: Colour,
    /// The colour in words, Chinese and English (绿 GREEN).
    pub colour_words: String,
    /// The banner's word, Chinese.
    pub title_zh: String,
    /// The banner's word, English.
    pub title_en: String,
    /// What it means, Chinese.
    pub why_zh: String,
    /// What it means, English.
    pub why_en: String,
    /// The signed code to show, only while the card is valid.
    pub qr_url: Option<String>,
    /// The same as an SVG image (dark modules on white), only while the card is valid.
    pub qr_svg: Option<String>,
    /// When the code was signed (RFC 3339).
    pub signed_at: DateTime<Utc>,
    /// Seconds until the page should ask again.
    pub refresh_seconds: i64,
    /// Seconds after signing that a scan stops accepting the code.
    pub max_age_seconds: i64,
}

/// The card behind a phone's secret, with a code signed now and what a scan of it says.
struct Live {
    record: PublicCertificate,
    verdict: Verdict,
    url: String,
    now: DateTime<Utc>,
}

async fn live(app: &AppState, secret: &str) -> Result<Option<Live>, AppError> {
    let token = sha256_hex(secret);
    let (now, today, ids) = (app.now(), app.today(), app.ids.clone());
    let base = app.credential_base_url.clone();
    let found = blocking(app, move |s| {
        let Some(card) = crate::flows::electronic::electronic_card(s, &token)? else {
            return Ok(None);
        };
        let Some(record) = s.public_certificate(&card.certificate_code)? else {
            return Ok(None);
        };
        let (key_id, key) = crate::flows::current_signing_key(s, ids.as_ref(), today, now)?;
        Ok(Some((card, record, key_id, key, s.trust_list()?)))
    })
    .await?;
    let Some((card, record, key_id, key, trust)) = found else {
        return Ok(None);
    };
    let code = certdesk_domain::certificate_code::CertificateCode::parse(&record.certificate_code)
        .map_err(|e| AppError::internal(e.message_en))?;
    let date = |s: &str| s.parse::<chrono::NaiveDate>().map_err(AppError::internal);
    let claims = CredentialClaims {
        key_id,
        certificate_code: code,
        card_version: card.card_version,
        valid_from: date(&record.valid_from)?.min(date(&record.valid_until)?),
        valid_until: date(&record.valid_until)?,
    };
    let url = issue_electronic_url(&base, &claims, now, &key).map_err(AppError::internal)?;
    let revocations = RevocationList {
        entries: vec![RevocationEntry {
            certificate_code: record.certificate_code.clone(),
            revoked: record.revoked,
            current_card_version: record.current_card_version,
        }],
    };
    let verdict = verify_at(&url, &trust, &revocations, now).verdict;
    Ok(Some(Live { record, verdict, url, now }))
}

/// The QR code of `text` as a small SVG (error correction M, a quiet zone of four modules).
fn qr_svg(text: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).map_err(AppError::internal)?;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 8;
    let mut path = String::new();
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (x, y) = (i % width + 4, i / width + 4);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"{label}\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>",
        label = public::ECARD_QR_LABEL
    ))
}

fn state_of(live: &Live, today: chrono::NaiveDate) -> Result<ElectronicCardState, AppError> {
    let standing = Standing::of(&live.record.health_checks, &live.record.insurance, today);
    let b = banner(&live.verdict, Some(&standing));
    let valid = matches!(live.verdict, Verdict::Valid(_));
    let colour = b.colour.unwrap_or(Colour::Red);
    // The page's JSON keeps its four fields; the banner's sentences are split only here.
    let ((title_zh, title_en), (why_zh, why_en)) = (b.title.into_pair(), b.why.into_pair());
    Ok(ElectronicCardState {
        verdict: live.verdict.kind(),
        colour,
        colour_words: format!("{} {}", colour.word_zh(), colour.word_en()),
        title_zh,
        title_en,
        why_zh,
        why_en,
        qr_url: valid.then(|| live.url.clone()),
        qr_svg: if valid { Some(qr_svg(&live.url)?) } else { None },
        signed_at: live.now,
        refresh_seconds: ELECTRONIC_REFRESH_SECONDS,
        max_age_seconds: ELECTRONIC_MAX_AGE_SECONDS,
    })
}

fn not_found(app: &AppState) -> Response {
    let banner = refusal("electronic_card_unknown", Tone::Bad, public::electronic_card_unknown());
    answer(StatusCode::NOT_FOUND, "no-store", page_titled(&banner, html! {}, footer(app), ECARD_TITLE))
}

fn with_csp(mut res: Response) -> Response {
    res.headers_mut().insert("content-security-policy", HeaderValue::from_static(ECARD_CSP));
    res
}

/// The worker's electronic card on the phone that activated it.
///
/// The photo, masked name, service types, certificate code, agency and colour, and a QR code
/// signed with its time that the page's script replaces every minute from
/// `/e/{secret}/state`; a screenshot stops verifying three minutes later. A replaced or
/// cancelled card says so at the next refresh. Installs to the home screen; offline it shows
/// the last state it had, marked offline, and no code.
#[utoipa::path(get, path = "/e/{secret}", tag = "public", operation_id = "electronic_card",
    params(("secret" = String, Path, description = "the card page's secret, made at activation")),
    responses(
    (status = OK, description = "the card", content_type = "text/html", body = String),
    (status = NOT_FOUND, description = "no such card", content_type = "text/html", body = String),
))]
pub(super) async fn card_page(State(p): State<Public>, uri: Uri) -> Result<Response, AppError> {
    let Some(secret) = secret_of(&uri) else {
        return Ok(not_found(&p.app));
    };
    let Some(live) = live(&p.app, secret).await? else {
        return Ok(not_found(&p.app));
    };
    let today = p.app.today();
    let state = state_of(&live, today)?;
    let r = &live.record;
    let b = banner(&live.verdict, Some(&Standing::of(&r.health_checks, &r.insurance, today)));
    let body = html! {
        section class="ecard" data-ecard data-state={ "/e/" (secret) "/state" } {
            div class="who" {
                @if r.photo_sha256.is_some() && matches!(live.verdict, Verdict::Valid(_)) {
                    img src={ "/e/" (secret) "/photo" } width="108" height="133" alt="持证人照片 Photo of the holder";
                } @else {
                    div class="nophoto" { "暂无照片" br; "No photo" }
                }
                div {
                    p class="name" data-field="name" { (mask_for_public(&r.worker_name)) }
                    p { (service_tags(&r.service_types)) }
                }
            }
            div class="qr" id="qr" {
                @if let Some(svg) = &state.qr_svg {
                    (PreEscaped(svg))
                }
            }
            p class="note" id="qr-note" data-signed-at=(state.signed_at.to_rfc3339()) {
                @if state.qr_url.is_some() {
                    "二维码每分钟自动更新，截图无效。The code changes every minute; a screenshot does not verify."
                } @else {
                    "此卡当前无效，不显示二维码。This card is not valid now; no code is shown."
                }
            }
            p class="offline" id="offline" hidden {}
            dl {
                (certificate_rows(&r.certificate_code, Some(r)))
                (row("有效期至", "Valid until", html! { (r.valid_until) }))
                (standing_rows(&Standing::of(&r.health_checks, &r.insurance, today)))
            }
        }
    };
    let mut html_text = page_titled(&b, body, footer(&p.app), ECARD_TITLE);
    // The manifest, the script and the code's size: the page's head is shared with the check
    // pages, so they are added here.
    html_text = html_text.replacen(
        "</head>",
        &format!(
            "<link rel=\"manifest\" href=\"/e/{secret}/manifest.webmanifest\"><meta name=\"theme-color\" content=\"#0b4a8b\"><link rel=\"icon\" href=\"/e/icon.svg\"><style>.qr{{display:flex;justify-content:center;margin:8px 0}}.qr svg{{width:240px;height:240px}}.offline{{background:#fff5e6;color:#a0520a;border-radius:8px;padding:8px;font-weight:600}}</style><script src=\"/e/app.js\" defer></script></head>"
        ),
        1,
    );
    Ok(with_csp(answer(StatusCode::OK, "no-store", html_text)))
}

/// What the card page shows now, with a freshly signed code while the card is valid.
#[utoipa::path(get, path = "/e/{secret}/state", tag = "public", operation_id = "electronic_card_state",
    params(("secret" = String, Path, description = "the card page's secret")),
    responses(
    (status = OK, description = "the card's state now", body = ElectronicCardState),
    (status = NOT_FOUND, description = "no such card", body = certdesk_protocol::ApiError),
))]
pub(super) async fn card_state(State(p): State<Public>, uri: Uri) -> Result<Response, AppError> {
    let secret = secret_of(&uri).ok_or(AppError::NotFound("electronic card"))?;
    let live = live(&p.app, secret).await?.ok_or(AppError::NotFound("electronic card"))?;
    let state = state_of(&live, p.app.today())?;
    let mut res = Json(state).into_response();
    res.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res.headers_mut().insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    Ok(res)
}

/// The holder's photo on the electronic card, while the card is valid.
#[utoipa::path(get, path = "/e/{secret}/photo", tag = "public", operation_id = "electronic_card_photo",
    params(("secret" = String, Path, description = "the card page's secret")),
    responses(
    (status = OK, description = "the photo", content(("image/jpeg"))),
    (status = NOT_FOUND, description = "no such card, not valid, or no photo", body = certdesk_protocol::ApiError),
))]
pub(super) async fn card_photo(State(p): State<Public>, uri: Uri) -> Result<Response, AppError> {
    let secret = secret_of(&uri).ok_or(AppError::NotFound("photo"))?;
    let live = live(&p.app, secret).await?.ok_or(AppError::NotFound("photo"))?;
    if !matches!(live.verdict, Verdict::Valid(_)) {
        return Err(AppError::NotFound("photo"));
    }
    super::photo_answer(&p.app, &live.record).await
}

/// The web app manifest: the card installs to the home screen and opens on its own page.
#[utoipa::path(get, path = "/e/{secret}/manifest.webmanifest", tag = "public", operation_id = "electronic_card_manifest",
    params(("secret" = String, Path, description = "the card page's secret")),
    responses((status = OK, description = "the manifest", content_type = "application/manifest+json", body = String),
    (status = NOT_FOUND, description = "not a card page's secret", body = certdesk_protocol::ApiError)))]
pub(super) async fn manifest(uri: Uri) -> Result<Response, AppError> {
    let secret = secret_of(&uri).ok_or(AppError::NotFound("electronic card"))?;
    let body = serde_json::json!({
        "name": "电子上门服务证",
        "short_name": "上门服务证",
        "description": public::ECARD_DESCRIPTION,
        "lang": "zh-CN",
        "start_url": format!("/e/{secret}"),
        "scope": "/e/",
        "display": "standalone",
        "background_color": "#f2f4f7",
        "theme_color": "#0b4a8b",
        "icons": [{"src": "/e/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    });
    Ok(static_file("application/manifest+json", "no-cache", body.to_string()))
}

fn static_file(content_type: &'static str, cache: &'static str, body: String) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    res
}

/// The card page's script.
#[utoipa::path(get, path = "/e/app.js", tag = "public", operation_id = "electronic_card_script",
    responses((status = OK, description = "the script", content_type = "text/javascript", body = String)))]
pub(super) async fn app_js() -> Response {
    static_file("text/javascript; charset=utf-8", "no-cache", APP_JS.to_owned())
}

/// The card page's service worker (scope `/e/`): offline, the last page it had.
#[utoipa::path(get, path = "/e/sw.js", tag = "public", operation_id = "electronic_card_service_worker",
    responses((status = OK, description = "the service worker", content_type = "text/javascript", body = String)))]
pub(super) async fn sw_js() -> Response {
    let mut res = static_file("text/javascript; charset=utf-8", "no-cache", SW_JS.to_owned());
    res.headers_mut().insert("service-worker-allowed", HeaderValue::from_static("/e/"));
    res
}

/// The home-screen icon.
#[utoipa::path(get, path = "/e/icon.svg", tag = "public", operation_id = "electronic_card_icon",
    responses((status = OK, description = "the icon", content_type = "image/svg+xml", body = String)))]
pub(super) async fn icon() -> Response {
    static_file("image/svg+xml", "public, max-age=86400", ICON_SVG.to_owned())
}
