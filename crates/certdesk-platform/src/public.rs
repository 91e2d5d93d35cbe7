//! The public verification page a citizen's phone opens from a card's QR code (查证、验证),
//! and the rating (评价) and complaint (投诉) forms on it.
//!
//! * `GET /c/{payload}`: the verdict (checked against the live trust list and this
//!   certificate's state), and for a valid card the worker's photo, masked name, gender,
//!   service types, the agency and its phone, the validity and the training.
//! * `GET /c/{payload}/photo`: the worker's photo, for a valid card only.
//! * `POST /c/{payload}/rating` and `POST /c/{payload}/complaint`: plain HTML forms (no
//!   script needed) carrying the page's short-lived token ([`token`]); the answer is a page.
//!
//! This module must never show the full name, the ID number, the worker's phone or address,
//! and must never show anything personal for a card whose signature did not verify or that is
//! no longer in force. It reads the payload from the raw path, so no byte a scanner or an
//! attacker puts in the URL can make the extractor fail before the verdict is given.

pub mod complaint;
pub mod ecard;
pub mod html;
pub mod lookup;
pub mod token;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::connect_info::ConnectInfo;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, FromRequestParts, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use certdesk_domain::standing::{Colour, CoverStanding, HealthStanding, Standing};
use certdesk_domain::{mask_for_public, Gender, IdNumber, ServiceType};
use certdesk_protocol::credential::{claimed_certificate_code, verify_at, Verdict};
use certdesk_protocol::{RevocationEntry, RevocationList};
use maud::{html, Markup};
use rand_core::{OsRng, RngCore};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{blob_path, blocking, AppState};
use crate::error::AppError;
use crate::messages::public;
use crate::store::public::{
    Feedback, FeedbackKind, FeedbackLimits, FeedbackOutcome, FeedbackSubmission, PublicCertificate,
};
use html::{page, row, Banner, Tone};
use token::{Binding, TokenError, TokenKey, TOKEN_TTL_MINUTES};

/// Longest rating comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 500;
/// Longest complaint, in characters.
pub const MAX_COMPLAINT_CHARS: usize = 1000;
/// Longest contact a complainant leaves, in characters.
pub const MAX_CONTACT_CHARS: usize = 50;

/// Ratings taken: one per phone and certificate a day; a few per network (phones behind one
/// carrier NAT share an address), and twenty a day per network over all workers (a fresh
/// cookie per request buys no fresh quota); and a ceiling per certificate an hour, city-wide,
/// so no one can bury a worker under ratings from many phones.
pub const RATING_LIMITS: FeedbackLimits = FeedbackLimits {
    per_device_per_day: 1,
    per_network_per_day: 5,
    per_certificate_per_hour: 20,
    per_network_all_certificates_per_day: 20,
    after_visit: true,
};

/// Complaints taken: a little more room than ratings (a citizen may add to a complaint), the
/// same kind of ceilings.
pub const COMPLAINT_LIMITS: FeedbackLimits = FeedbackLimits {
    per_device_per_day: 2,
    per_network_per_day: 5,
    per_certificate_per_hour: 10,
    per_network_all_certificates_per_day: 20,
    after_visit: false,
};

/// Visits confirmed (确认入户): one per phone and certificate a day (a worker comes once a day
/// to a home), a ceiling per certificate an hour, and per network a little above the rating's
/// (so the rating's own limit is the one a household behind a shared address meets).
pub const VISIT_LIMITS: FeedbackLimits = FeedbackLimits {
    per_device_per_day: 1,
    per_network_per_day: 10,
    per_certificate_per_hour: 10,
    per_network_all_certificates_per_day: 40,
    after_visit: false,
};

/// The cookie naming the phone that opened the page.
const DEVICE_COOKIE: &str = "cdv";

/// What the public routes share.
#[derive(Clone)]
struct Public {
    app: AppState,
    tokens: Arc<TokenKey>,
    lookups: Arc<crate::limits::WindowLimiter>,
    activations: Arc<crate::limits::WindowLimiter>,
}

/// The public routes with their documentation, ready to merge into the platform's router.
pub fn routes<S: Clone + Send + Sync + 'static>(app: AppState) -> OpenApiRouter<S> {
    OpenApiRouter::new()
        .routes(routes!(verification_page))
        .routes(routes!(photo))
        .routes(routes!(rate))
        .routes(routes!(complain))
        .routes(routes!(confirm_visit))
        .routes(routes!(lookup::lookup_page))
        .routes(routes!(complaint::complaint_page))
        .routes(routes!(ecard::activation_page, ecard::activate))
        .routes(routes!(ecard::card_page))
        .routes(routes!(ecard::card_state))
        .routes(routes!(ecard::card_photo))
        .routes(routes!(ecard::manifest))
        .routes(routes!(ecard::app_js))
        .routes(routes!(ecard::sw_js))
        .routes(routes!(ecard::icon))
        .with_state(Public {
            tokens: app.page_tokens.clone(),
            app,
            lookups: Arc::new(lookup::lookup_limiter()),
            activations: Arc::new(ecard::activation_limiter()),
        })
}

/// The payload segment as it is in the URL, never percent-decoded: a genuine payload is
/// base64url and needs no decoding, and anything else is simply not a certificate.
fn raw_payload(uri: &Uri) -> &str {
    let rest = uri.path().strip_prefix("/c/").unwrap_or("");
    rest.split('/').next().unwrap_or("")
}

/// The page's code for a correctly signed certificate the platform does not hold.
pub const UNKNOWN_CERTIFICATE_CODE: &str = "unknown_certificate";

/// A verdict and, when the card is genuine, the certificate's record.
struct Checked {
    verdict: Verdict,
    record: Option<PublicCertificate>,
    /// How old an electronic card's code was when checked, in seconds.
    electronic_age: Option<i64>,
}

/// Verifies the payload against the live trust list and this one certificate's state. The
/// record is fetched by the code the payload claims, but nothing of it is used unless the
/// signature verifies.
async fn check(app: &AppState, raw: &str) -> Result<Checked, AppError> {
    let now = app.now();
    let code = claimed_certificate_code(raw).map(|c| c.to_string());
    let held = code.as_deref().and_then(|c| app.store.held_public(c));
    let (trust, record) = match held {
        Some(held) => held,
        None => {
            blocking(app, move |s| {
                let record = match &code {
                    Some(c) => s.public_certificate(c)?,
                    None => None,
                };
                Ok((s.trust_list()?, record))
            })
            .await?
        }
    };
    let revocations = RevocationList {
        entries: record
            .iter()
            .map(|r| RevocationEntry {
                certificate_code: r.certificate_code.clone(),
                revoked: r.revoked,
                current_card_version: r.current_card_version,
            })
            .collect(),
    };
    let checked = verify_at(raw, &trust, &revocations, now);
    let electronic_age = checked.age_seconds(now);
    let verdict = checked.verdict;
    let record = match verdict {
        Verdict::Valid(_)
        | Verdict::Replaced { .. }
        | Verdict::Revoked(_)
        | Verdict::Expired(_)
        | Verdict::Stale(_) => record,
        _ => None,
    };
    Ok(Checked { verdict, record, electronic_age })
}

/// The client's network, for the flood limits ([`crate::limits::network_of`]).
pub(crate) struct ClientNetwork(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for ClientNetwork {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
        Ok(ClientNetwork(crate::limits::network_of(peer)))
    }
}

/// The page's device cookie, if the request carries a well-formed one.
fn device_cookie(jar: &CookieJar) -> Option<String> {
    jar.get(DEVICE_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() == 22 && URL_SAFE_NO_PAD.decode(v).is_ok())
}

/// The device cookie for a phone that has none: a year, HTTPS only, unreadable by script,
/// sent only to the public pages and with top-level navigations from elsewhere (a scan).
fn new_device_cookie(device: String) -> Cookie<'static> {
    Cookie::build((DEVICE_COOKIE, device))
        .path("/c")
        .max_age(cookie::time::Duration::seconds(31_536_000))
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax)
        .build()
}

fn new_device_id() -> String {
    let mut b = [0u8; 16];
    OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// Random bytes for a complaint's reference.
fn random_letters() -> [u8; certdesk_protocol::complaint::REFERENCE_LEN] {
    let mut b = [0u8; certdesk_protocol::complaint::REFERENCE_LEN];
    OsRng.fill_bytes(&mut b);
    b
}

/// Headers every public answer carries: the URL holds the payload, so it must not leak
/// through a referrer; no script runs; nothing frames the page.
fn answer(status: StatusCode, cache: &'static str, html_text: String) -> Response {
    let mut res = (status, html_text).into_response();
    let h = res.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    res
}

fn footer(app: &AppState) -> Markup {
    let at = app.now().with_timezone(&certdesk_domain::shanghai()).format("%Y-%m-%d %H:%M");
    html! {
        "查验时间 Checked " (at) " (北京时间 UTC+8)" br;
        a href="/lookup" { "没有相机？输入证号查询 No camera? Type the code" } br;
        "上海市家政上门服务证平台 · 谁发证谁负责"
    }
}

/// The banner for a verdict, in the certificate's colour: green for a valid card whose health
/// check and insurance are in date, yellow for a valid card whose are not, red for every other
/// verdict (replaced, revoked, expired, forged, unknown).
fn banner(verdict: &Verdict, standing: Option<&Standing>) -> Banner<'static> {
    let in_force = matches!(verdict, Verdict::Valid(_));
    let colour = match standing {
        Some(s) => s.colour(in_force),
        None if in_force => Colour::Yellow,
        None => Colour::Red,
    };
    let tone = match colour {
        Colour::Green => Tone::Ok,
        Colour::Yellow => Tone::Warn,
        Colour::Red => Tone::Bad,
    };
    let notice = match colour {
        Colour::Yellow => public::valid_not_in_date(),
        _ => public::verdict(verdict.kind()),
    };
    Banner { colour: Some(colour), ..refusal(verdict.code(), tone, notice) }
}

/// The health check and insurance rows of a valid card: in date until when, or what is not.
fn standing_rows(s: &Standing) -> Markup {
    let health = match s.health {
        HealthStanding::InDate { until } => html! { "有效至 " (until) small { "In date until " (until) } },
        _ => html! {},
    };
    let insurance = match s.insurance {
        CoverStanding::InDate { until } => html! { "有效至 " (until) small { "Covered until " (until) } },
        _ => html! {},
    };
    let lapses = s.lapses();
    let mut lapse = lapses.iter();
    let mut next = |ok: Markup, lapsed: bool| -> Markup {
        match (lapsed, lapse.next()) {
            (true, Some(b)) => html! { span class="lapse" { (b.zh) } small { (b.en) } },
            _ => ok,
        }
    };
    let h = next(health, !matches!(s.health, HealthStanding::InDate { .. }));
    let i = next(insurance, !matches!(s.insurance, CoverStanding::InDate { .. }));
    html! {
        (row("体检", "Health check", h))
        (row("保险", "Insurance", i))
    }
}

/// The details list everyone may see of a genuine card: code, agency, agency phone.
fn certificate_rows(code: &str, record: Option<&PublicCertificate>) -> Markup {
    html! {
        (row("证件编码", "Certificate code", html! { span class="mono" { (code) } }))
        @if let Some(r) = record {
            (row("服务机构", "Agency", html! { (r.agency_name) }))
            @if let Some(phone) = &r.agency_phone {
                @let dial: String = phone
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == '+')
                    .collect();
                (row("机构电话", "Agency phone", html! { a href={ "tel:" (dial) } { (phone) } }))
            }
        }
    }
}

fn service_tags(types: &[ServiceType]) -> Markup {
    html! {
        @for t in types {
            span class="tag" { (t.label_zh()) " " (t.label_en()) }
        }
    }
}

/// The body of a valid card's page: the person, the certificate, the forms.
fn valid_body(
    raw: &str,
    (claims_until, electronic_age): (chrono::NaiveDate, Option<i64>),
    code: &str,
    r: &PublicCertificate,
    token: &str,
    today: chrono::NaiveDate,
) -> Markup {
    let gender = IdNumber::parse(&r.id_number, today).map(|id| {
        let g = id.gender();
        let en = match g {
            Gender::Male => "Male",
            Gender::Female => "Female",
        };
        (g.label_zh(), en)
    });
    html! {
        section {
            div class="who" {
                @if r.photo_sha256.is_some() {
                    img src={ "/c/" (raw) "/photo" } width="108" height="133" alt="持证人照片 Photo of the holder";
                } @else {
                    div class="nophoto" { "暂无照片" br; "No photo" }
                }
                div {
                    p class="name" data-field="name" { (mask_for_public(&r.worker_name)) }
                    @if let Ok((zh, en)) = gender {
                        p { (zh) " " (en) }
                    }
                    p { (service_tags(&r.service_types)) }
                }
            }
            dl {
                (certificate_rows(code, Some(r)))
                @if let Some(age) = electronic_age {
                    (row("电子证", "Electronic card", html! {
                        span data-electronic-age=(age) { (age) " 秒前生成" }
                        small { "code made " (age) " s ago" }
                    }))
                }
                (row("有效期至", "Valid until", html! { (claims_until) }))
                (row("培训考核", "Training", html! {
                    "已完成岗前培训与考核" small { "Pre-service training and exam completed" }
                }))
                (standing_rows(&Standing::of(&r.health_checks, &r.insurance, today)))
            }
            p class="note" {
                "为保护个人信息，姓名已部分隐藏，不显示身份证号与手机号。\
                 Name partly hidden; ID number and phone are never shown."
            }
        }
        section {
            h2 { "确认入户 " small { "Confirm the visit" } }
            form method="post" action={ "/c/" (raw) "/visit" } {
                input type="hidden" name="token" value=(token);
                button type="submit" class="visit" { "此人今天到我家服务 This worker came to my home today" }
            }
            p class="note" { (public::VISIT_NOTE) }
        }
        section {
            h2 { "评价服务 " small { "Rate the service" } }
            form method="post" action={ "/c/" (raw) "/rating" } {
                input type="hidden" name="token" value=(token);
                div class="stars" role="radiogroup" aria-label="星级 Stars" {
                    @for n in (1..=5).rev() {
                        input type="radio" name="stars" id={ "s" (n) } value=(n) required;
                        label for={ "s" (n) } title={ (n) " 星 " (n) " star" @if n > 1 { "s" } } { "★" }
                    }
                }
                label class="f" for="comment" { (public::COMMENT_LABEL) }
                textarea id="comment" name="comment" maxlength=(MAX_COMMENT_CHARS) rows="3" {}
                button type="submit" { "提交评价 Submit rating" }
            }
        }
        details class="complain" {
            summary { "投诉 File a complaint" }
            form method="post" action={ "/c/" (raw) "/complaint" } {
                input type="hidden" name="token" value=(token);
                label class="f" for="text" { "发生了什么 What happened" }
                textarea id="text" name="text" maxlength=(MAX_COMPLAINT_CHARS) rows="4" required {}
                label class="f" for="contact" { (public::CONTACT_LABEL) }
                input type="text" id="contact" name="contact" maxlength=(MAX_CONTACT_CHARS) autocomplete="tel";
                button type="submit" { "提交投诉 Send complaint" }
            }
            p class="note" {
                "投诉将转交持证人所属机构处理。The complaint goes to the worker's agency. \
                 表单 " (TOKEN_TTL_MINUTES) " 分钟内有效 Forms work for " (TOKEN_TTL_MINUTES) " minutes."
            }
        }
    }
}

/// The public page a card's QR code opens (查证、验证), for a phone.
///
/// Verifies the payload against the live trust list and the certificate's state and shows the
/// verdict first: valid 有效, replaced 已换发新卡, revoked 已注销, expired 已过期, or not a
/// genuine certificate 非有效证件 (not a certificate, bad signature, unknown key). Only a valid
/// card shows the holder: photo, masked name (张*三), gender, service types, certificate code,
/// agency name and phone, valid until, training completed; never the ID number or the
/// worker's phone. A valid page embeds the rating and complaint forms with a token bound to
/// this card and this phone (valid 30 minutes) and sets the `cdv` device cookie. One small
/// self-contained HTML page: inline CSS, no script.
#[utoipa::path(get, path = "/c/{payload}", tag = "public", operation_id = "verification_page",
    params(("payload" = String, Path, min_length = 106, max_length = 111,
        description = "the signed payload of the card's QR code: 106 characters printed, 111 on an electronic card (see `docs/credential-format.md`)")),
    responses(
    (status = OK, description = "a page with the verdict (valid, expired, revoked, replaced, unknown key, bad signature)",
        content_type = "text/html", body = String),
    (status = NOT_FOUND, description = "not a certificate", content_type = "text/html", body = String),
))]
async fn verification_page(
    State(p): State<Public>,
    uri: Uri,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let raw = raw_payload(&uri);
    let checked = check(&p.app, raw).await?;
    let standing = checked.record.as_ref().map(|r| Standing::of(&r.health_checks, &r.insurance, p.app.today()));
    let footer = footer(&p.app);
    // Signed by a key the platform trusts, but a certificate it never issued: red, "ask".
    let genuine = matches!(
        checked.verdict,
        Verdict::Valid(_) | Verdict::Replaced { .. } | Verdict::Revoked(_) | Verdict::Expired(_) | Verdict::Stale(_)
    );
    if genuine && checked.record.is_none() {
        let banner = Banner {
            colour: Some(Colour::Red),
            ..refusal(UNKNOWN_CERTIFICATE_CODE, Tone::Bad, public::unknown_certificate())
        };
        let body = html! {
            section { p class="note" { "请勿接受。Do not accept." } }
        };
        return Ok(answer(StatusCode::OK, "no-store", page(&banner, body, footer)));
    }
    let banner = banner(&checked.verdict, standing.as_ref());
    match (&checked.verdict, &checked.record) {
        (Verdict::Valid(claims), Some(record)) => {
            let (device, new_cookie) = match device_cookie(&jar) {
                Some(d) => (d, false),
                None => (new_device_id(), true),
            };
            let code = claims.certificate_code.to_string();
            let token = p.tokens.issue(
                p.app.now(),
                &Binding {
                    certificate_code: &code,
                    card_version: claims.card_version,
                    device_id: &device,
                },
            );
            let body = valid_body(
                raw,
                (claims.valid_until, checked.electronic_age),
                &code,
                record,
                &token,
                p.app.today(),
            );
            // Each view carries its own token and the status is live: never stored.
            let res = answer(StatusCode::OK, "no-store", page(&banner, body, footer));
            if new_cookie {
                return Ok((jar.add(new_device_cookie(device)), res).into_response());
            }
            Ok(res)
        }
        (
            Verdict::Valid(c)
            | Verdict::Replaced { claims: c, .. }
            | Verdict::Revoked(c)
            | Verdict::Expired(c)
            | Verdict::Stale(c),
            record,
        ) => {
            let b = html! {
                section {
                    dl {
                        (certificate_rows(&c.certificate_code.to_string(), record.as_ref()))
                        @if matches!(checked.verdict, Verdict::Expired(_)) {
                            (row("有效期", "Valid", html! { (c.valid_from) " — " (c.valid_until) }))
                        }
                    }
                    @if matches!(checked.verdict, Verdict::Stale(_)) {
                        p class="note" {
                            "截图或旧二维码不能证明上门人员的身份，请勿开门，直到扫到有效的电子证或实体卡。\
                             A screenshot or an old code proves nothing about the person at your door; do not open until a fresh code or the card scans valid."
                        }
                    } @else {
                        p class="note" {
                            "此证当前无效，不能评价；如有疑问请联系所属机构。\
                             This card is not valid now and cannot be rated; call the agency with any question."
                        }
                    }
                }
            };
            Ok(answer(StatusCode::OK, "no-cache", page(&banner, b, footer)))
        }
        // Not genuine: nothing but the verdict.
        (verdict, _) => {
            let status = if matches!(verdict, Verdict::NotACertificate) {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::OK
            };
            let b = html! {
                section {
                    p {
                        "如有人凭此证要求上门服务，请勿开门，并向其所属机构或平台核实。\
                         If someone asks to work in your home with this card, do not let them in; check with the agency or the platform."
                    }
                }
            };
            Ok(answer(status, "no-cache", page(&banner, b, footer)))
        }
    }
}

/// The holder's photo, for a card that verifies as valid only.
///
/// Only a photo the worker's own agency uploaded.
#[utoipa::path(get, path = "/c/{payload}/photo", tag = "public", operation_id = "public_photo",
    params(("payload" = String, Path, description = "the signed payload of the card's QR code")),
    responses(
    (status = OK, description = "the photo", content(("image/jpeg"))),
    (status = NOT_FOUND, description = "not a valid card, or no photo", body = certdesk_protocol::ApiError),
))]
async fn photo(State(p): State<Public>, uri: Uri) -> Result<Response, AppError> {
    let raw = raw_payload(&uri);
    let checked = check(&p.app, raw).await?;
    let (Verdict::Valid(_), Some(record)) = (&checked.verdict, &checked.record) else {
        return Err(AppError::NotFound("photo"));
    };
    photo_answer(&p.app, record).await
}

/// The holder's photo as JPEG, for a card already found valid (the scanned card or the
/// electronic card). The lookup names a photo only when the worker's own agency holds the blob.
pub(crate) async fn photo_answer(app: &AppState, record: &PublicCertificate) -> Result<Response, AppError> {
    let Some(sha) = record.photo_sha256.as_deref() else {
        return Err(AppError::NotFound("photo"));
    };
    let bytes = tokio::fs::read(blob_path(&app.blob_dir, sha))
        .await
        .map_err(AppError::internal)?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    h.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    Ok(res)
}

/// The rating form.
#[derive(Debug, Deserialize, ToSchema)]
struct RatingForm {
    /// The page's token (bound to this card and the `cdv` cookie, 30 minutes, once).
    #[serde(default)]
    token: String,
    /// 1 to 5.
    #[serde(default)]
    #[schema(example = "5")]
    stars: String,
    /// At most 500 characters.
    #[serde(default)]
    comment: String,
}

/// The complaint form.
#[derive(Debug, Deserialize, ToSchema)]
struct ComplaintForm {
    /// The page's token (bound to this card and the `cdv` cookie, 30 minutes, once).
    #[serde(default)]
    token: String,
    /// What happened, 1 to 1000 characters.
    #[serde(default)]
    text: String,
    /// How to reach the citizen (optional), at most 50 characters.
    #[serde(default)]
    contact: String,
}

/// A refusal or a thank-you, as a page with a way back.
fn outcome_page(p: &Public, raw: &str, status: StatusCode, banner: &Banner<'_>) -> Response {
    let payload_like = (raw.len() == certdesk_protocol::credential::PAYLOAD_CHARS || raw.len() == certdesk_protocol::credential::ELECTRONIC_PAYLOAD_CHARS)
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let back = html! {
        @if payload_like {
            section { a href={ "/c/" (raw) } { "返回查验结果 Back to the check" } }
        }
    };
    let mut res = answer(status, "no-store", page(banner, back, footer(&p.app)));
    if status == StatusCode::TOO_MANY_REQUESTS {
        res.headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from_static("3600"));
    }
    res
}

fn refusal(code: &'static str, tone: Tone, notice: public::Notice) -> Banner<'static> {
    Banner {
        code,
        tone,
        title: notice.title,
        why: notice.why,
        colour: None,
    }
}

/// Keeps line breaks, drops other control characters, trims.
fn clean_text(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect::<String>()
        .trim()
        .to_owned()
}

/// What both forms do before storing: the card must be valid now, the token genuine, fresh
/// and bound to this card and phone.
async fn admit(
    p: &Public,
    raw: &str,
    jar: &CookieJar,
    token: &str,
) -> Result<Result<(String, u16, String, String), Response>, AppError> {
    let checked = check(&p.app, raw).await?;
    let claims = match &checked.verdict {
        Verdict::Valid(c) if checked.record.is_some() => *c,
        Verdict::Valid(_)
        | Verdict::NotACertificate
        | Verdict::BadSignature
        | Verdict::UnknownKey { .. } => {
            return Ok(Err(outcome_page(p, raw, StatusCode::NOT_FOUND, &refusal("not_rateable", Tone::Bad, public::not_genuine()))));
        }
        _ => {
            return Ok(Err(outcome_page(p, raw, StatusCode::CONFLICT, &refusal("not_rateable", Tone::Bad, public::not_in_force()))));
        }
    };
    let code = claims.certificate_code.to_string();
    let device = device_cookie(jar).unwrap_or_default();
    let binding = Binding {
        certificate_code: &code,
        card_version: claims.card_version,
        device_id: &device,
    };
    match p.tokens.check(token, p.app.now(), &binding) {
        Ok(nonce) => Ok(Ok((code, claims.card_version, nonce, device))),
        Err(e) => {
            let notice = match e {
                TokenError::Expired => public::token_expired(),
                TokenError::Invalid => public::token_invalid(),
            };
            Ok(Err(outcome_page(p, raw, StatusCode::FORBIDDEN, &refusal("token_refused", Tone::Warn, notice))))
        }
    }
}

/// A form of the verification page, carrying the page's token.
trait PageForm {
    fn token(&self) -> &str;
}

impl PageForm for RatingForm {
    fn token(&self) -> &str {
        &self.token
    }
}

impl PageForm for ComplaintForm {
    fn token(&self) -> &str {
        &self.token
    }
}

impl PageForm for VisitForm {
    fn token(&self) -> &str {
        &self.token
    }
}

/// What every form of the page does first: read it (an unreadable one is 400) and [`admit`] it.
async fn admit_form<F: PageForm>(
    p: &Public,
    raw: &str,
    jar: &CookieJar,
    form: Result<Form<F>, FormRejection>,
) -> Result<Result<(F, (String, u16, String, String)), Response>, AppError> {
    let Ok(Form(form)) = form else {
        return Ok(Err(bad_form(p, raw, public::form_unreadable())));
    };
    Ok(admit(p, raw, jar, form.token()).await?.map(|admitted| (form, admitted)))
}

async fn store_feedback(
    p: &Public,
    raw: &str,
    network: &str,
    admitted: (String, u16, String, String),
    feedback: Feedback,
    limits: FeedbackLimits,
) -> Result<Response, AppError> {
    let (certificate_code, card_version, token_nonce, device) = admitted;
    let kind = feedback.kind();
    let reference = match &feedback {
        Feedback::Complaint { reference, .. } => reference.clone(),
        _ => String::new(),
    };
    let submission = FeedbackSubmission {
        id: p.app.ids.id(),
        token_nonce,
        certificate_code,
        card_version,
        device,
        network: network.to_owned(),
        feedback,
        now: p.app.now(),
    };
    let outcome = blocking(&p.app, move |s| crate::flows::add_feedback(s, &submission, &limits)).await?;
    if matches!(outcome, FeedbackOutcome::Limited | FeedbackOutcome::Held) {
        p.app.metrics.limited(crate::metrics::Limit::Feedback);
    }
    let (status, banner) = match (outcome, kind) {
        (FeedbackOutcome::Stored, FeedbackKind::Rating) => (StatusCode::OK, refusal("rating_received", Tone::Ok, public::rating_received())),
        (FeedbackOutcome::Stored, FeedbackKind::Complaint) => (StatusCode::OK, refusal("complaint_received", Tone::Ok, public::complaint_received())),
        (FeedbackOutcome::Stored, FeedbackKind::Visit) => (StatusCode::OK, refusal("visit_confirmed", Tone::Ok, public::visit_confirmed())),
        (FeedbackOutcome::NoVisit, _) => (StatusCode::CONFLICT, refusal("visit_first", Tone::Warn, public::visit_first())),
        (FeedbackOutcome::TokenUsed, _) => (StatusCode::CONFLICT, refusal("already_sent", Tone::Warn, public::already_sent())),
        (FeedbackOutcome::Limited, _) => (StatusCode::TOO_MANY_REQUESTS, refusal("too_many", Tone::Warn, public::too_many())),
        (FeedbackOutcome::NotCurrent, _) => (StatusCode::CONFLICT, refusal("not_rateable", Tone::Bad, public::not_current())),
        (FeedbackOutcome::Held, _) => (StatusCode::ACCEPTED, refusal("rating_held", Tone::Ok, public::rating_held())),
    };
    if (outcome, kind) == (FeedbackOutcome::Stored, FeedbackKind::Complaint) {
        let body = html! {
            section {
                dl { (row("投诉编号", "Reference", html! { b class="mono" id="reference" { (reference) } })) }
                p class="note" { a href={ "/complaint?ref=" (reference) } { "查询处理进度 Check its progress" } }
            }
        };
        return Ok(answer(status, "no-store", page(&banner, body, footer(&p.app))));
    }
    Ok(outcome_page(p, raw, status, &banner))
}

fn bad_form(p: &Public, raw: &str, why: (&'static str, &'static str)) -> Response {
    outcome_page(p, raw, StatusCode::BAD_REQUEST, &refusal("form_invalid", Tone::Warn, public::form_invalid(why)))
}

/// A citizen rates the service (评价) from the verification page.
///
/// A plain HTML form post; the answer is a page. Taken only for a card valid now, with the
/// page's token (bound to this card and the `cdv` cookie, 30 minutes, once). Limits: one
/// rating per phone and certificate a day, five per client network and certificate a day,
/// twenty per certificate an hour city-wide. The rating reaches the worker's agency as a
/// `rating` change in its pull.
#[utoipa::path(post, path = "/c/{payload}/rating", tag = "public", operation_id = "rate",
    params(("payload" = String, Path, description = "the signed payload of the card's QR code")),
    request_body(content = inline(RatingForm), content_type = "application/x-www-form-urlencoded"),
    responses(
    (status = OK, description = "thank-you page", content_type = "text/html", body = String),
    (status = BAD_REQUEST, description = "the form is incomplete or too long", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "missing, forged, foreign or expired token; scan again", content_type = "text/html", body = String),
    (status = NOT_FOUND, description = "not a genuine certificate", content_type = "text/html", body = String),
    (status = CONFLICT, description = "token already used, or the card is revoked, replaced or expired", content_type = "text/html", body = String),
    (status = TOO_MANY_REQUESTS, description = "over a limit; nothing stored (Retry-After)", content_type = "text/html", body = String),
))]
async fn rate(
    State(p): State<Public>,
    uri: Uri,
    jar: CookieJar,
    ClientNetwork(network): ClientNetwork,
    form: Result<Form<RatingForm>, FormRejection>,
) -> Result<Response, AppError> {
    let raw = raw_payload(&uri).to_owned();
    let (form, admitted) = match admit_form(&p, &raw, &jar, form).await? {
        Ok(admitted) => admitted,
        Err(refused) => return Ok(refused),
    };
    let Some(stars) = form
        .stars
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|s| (1..=5).contains(s))
    else {
        return Ok(bad_form(&p, &raw, public::stars_invalid()));
    };
    let comment = clean_text(&form.comment);
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Ok(bad_form(&p, &raw, public::comment_too_long()));
    }
    store_feedback(
        &p,
        &raw,
        &network,
        admitted,
        Feedback::Rating { stars, comment },
        RATING_LIMITS,
    )
    .await
}

/// The visit form: the page's token only.
#[derive(Debug, Deserialize, ToSchema)]
struct VisitForm {
    /// The page's token (bound to this card and the `cdv` cookie, 30 minutes, once).
    #[serde(default)]
    token: String,
}

/// A household confirms the visit (确认入户) from the verification page: this worker came into
/// the home today for a service.
///
/// Like the rating form (same token, same answers). The agency receives it as a `visit` change
/// in its pull (a service record on the worker page). A rating is taken only from a phone that
/// confirmed a visit of the certificate within a day. Limits: one per phone and certificate a
/// day, five per network and certificate a day, ten per certificate an hour.
#[utoipa::path(post, path = "/c/{payload}/visit", tag = "public", operation_id = "confirm_visit",
    params(("payload" = String, Path, description = "the signed payload of the card's QR code")),
    request_body(content = inline(VisitForm), content_type = "application/x-www-form-urlencoded"),
    responses(
    (status = OK, description = "confirmed page", content_type = "text/html", body = String),
    (status = BAD_REQUEST, description = "the form is unreadable", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "missing, forged, foreign or expired token; scan again", content_type = "text/html", body = String),
    (status = NOT_FOUND, description = "not a genuine certificate", content_type = "text/html", body = String),
    (status = CONFLICT, description = "token already used, or the card is not valid now", content_type = "text/html", body = String),
    (status = TOO_MANY_REQUESTS, description = "over a limit; nothing stored (Retry-After)", content_type = "text/html", body = String),
))]
async fn confirm_visit(
    State(p): State<Public>,
    uri: Uri,
    jar: CookieJar,
    ClientNetwork(network): ClientNetwork,
    form: Result<Form<VisitForm>, FormRejection>,
) -> Result<Response, AppError> {
    let raw = raw_payload(&uri).to_owned();
    let (_, admitted) = match admit_form(&p, &raw, &jar, form).await? {
        Ok(admitted) => admitted,
        Err(refused) => return Ok(refused),
    };
    store_feedback(&p, &raw, &network, admitted, Feedback::Visit, VISIT_LIMITS).await
}

/// A citizen files a complaint (投诉) from the verification page.
///
/// Like the rating form (same token, same answers). Limits: two per phone and certificate a
/// day, five per client network and certificate a day, ten per certificate an hour. The
/// complaint reaches the worker's agency as a `complaint` change in its pull.
#[utoipa::path(post, path = "/c/{payload}/complaint", tag = "public", operation_id = "complain",
    params(("payload" = String, Path, description = "the signed payload of the card's QR code")),
    request_body(content = inline(ComplaintForm), content_type = "application/x-www-form-urlencoded"),
    responses(
    (status = OK, description = "received page", content_type = "text/html", body = String),
    (status = BAD_REQUEST, description = "the form is incomplete or too long", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "missing, forged, foreign or expired token; scan again", content_type = "text/html", body = String),
    (status = NOT_FOUND, description = "not a genuine certificate", content_type = "text/html", body = String),
    (status = CONFLICT, description = "token already used, or the card is not valid now", content_type = "text/html", body = String),
    (status = TOO_MANY_REQUESTS, description = "over a limit; nothing stored (Retry-After)", content_type = "text/html", body = String),
))]
async fn complain(
    State(p): State<Public>,
    uri: Uri,
    jar: CookieJar,
    ClientNetwork(network): ClientNetwork,
    form: Result<Form<ComplaintForm>, FormRejection>,
) -> Result<Response, AppError> {
    let raw = raw_payload(&uri).to_owned();
    let (form, admitted) = match admit_form(&p, &raw, &jar, form).await? {
        Ok(admitted) => admitted,
        Err(refused) => return Ok(refused),
    };
    let text = clean_text(&form.text);
    let contact = clean_text(&form.contact).replace('\n', " ");
    if text.is_empty() {
        return Ok(bad_form(&p, &raw, public::complaint_empty()));
    }
    if text.chars().count() > MAX_COMPLAINT_CHARS {
        return Ok(bad_form(&p, &raw, public::complaint_too_long()));
    }
    if contact.chars().count() > MAX_CONTACT_CHARS {
        return Ok(bad_form(&p, &raw, public::contact_too_long()));
    }
    store_feedback(
        &p,
        &raw,
        &network,
        admitted,
        Feedback::Complaint { text, contact, reference: certdesk_protocol::complaint::reference_from(random_letters()) },
        COMPLAINT_LIMITS,
    )
    .await
}
