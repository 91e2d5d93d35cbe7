//! Lookup without a camera (查询, issue 13 item 5): `/lookup` takes a certificate code typed by
//! hand (an elderly household reading the card to a relative on the phone) or an agency's full
//! name or credit code, and answers from the platform's records with the same verdict, colour
//! and masked details as the QR page: a certificate in force shows the masked name, gender,
//! service types, agency, validity and the health-check and insurance rows; a cancelled or
//! expired one only its code and agency, in red. The photo is never shown here: a typed code
//! could be guessed in sequence, a QR payload cannot. Lookups are limited per network
//! ([`LOOKUPS_PER_WINDOW`]); each answer is a small page with the forms again.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use certdesk_domain::standing::{Colour, Standing};
use certdesk_domain::certificate_code::CertificateCode;
use certdesk_domain::{mask_for_public, Bilingual, Gender, IdNumber};
use certdesk_protocol::VerdictKind;
use chrono::Duration;
use maud::{html, Markup};
use serde::Deserialize;
use utoipa::IntoParams;

use super::html::{page, row, Banner, Tone};
use super::{answer, certificate_rows, footer, refusal, service_tags, standing_rows, ClientNetwork, Public};
use crate::api::blocking;
use crate::error::AppError;
use crate::limits::WindowLimiter;
use crate::messages::public;
use crate::store::public::{PublicAgency, PublicCertificate};

/// Lookups one network may make per [`LOOKUP_WINDOW_MINUTES`] (a family looking up a few
/// workers is far below it; walking the code sequence is far above it).
pub const LOOKUPS_PER_WINDOW: u32 = 30;
/// The lookup limit's window.
pub const LOOKUP_WINDOW_MINUTES: i64 = 10;
/// The longest code or agency text read (anything longer is cut, then judged).
const MAX_QUERY_CHARS: usize = 100;

/// The lookup's own limit: [`LOOKUPS_PER_WINDOW`] per network per [`LOOKUP_WINDOW_MINUTES`].
pub fn lookup_limiter() -> WindowLimiter {
    WindowLimiter::new(LOOKUPS_PER_WINDOW, Duration::minutes(LOOKUP_WINDOW_MINUTES))
}

/// What the lookup forms send.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookupQuery {
    /// A certificate code as typed (spaces, dashes and lower case are fine).
    code: Option<String>,
    /// An agency's full registered name or unified social credit code.
    agency: Option<String>,
}

fn cut(s: &str) -> String {
    s.trim().chars().take(MAX_QUERY_CHARS).collect()
}

/// The two forms, with what was typed in them.
fn forms(code: &str, agency: &str) -> Markup {
    html! {
        section {
            form method="get" action="/lookup" {
                label class="f" for="code" { "上门服务证编码 " small { "Certificate code" } }
                input type="text" id="code" name="code" value=(code) maxlength="40" autocomplete="off" autocapitalize="characters" placeholder="SH0120260000012";
                button type="submit" { "查询 Look up" }
            }
        }
        section {
            form method="get" action="/lookup" {
                label class="f" for="agency" { "机构全称或统一社会信用代码 " small { "Agency name or credit code" } }
                input type="text" id="agency" name="agency" value=(agency) maxlength="100" autocomplete="off";
                button type="submit" { "查询机构 Look up the agency" }
            }
        }
    }
}

/// Look up a certificate by its code, or an agency, without a camera.
///
/// `GET /lookup` shows the forms; `?code=CODE` answers for the certificate (verdict, colour and
/// masked details, as the QR page, without the photo); `?agency=NAME_OR_CREDIT_CODE` says
/// whether the agency is registered, its district and phone, how many workers hold a
/// certificate in force through it and their average rating. Limited per network.
#[utoipa::path(get, path = "/lookup", tag = "public", operation_id = "lookup_page",
    params(LookupQuery),
    responses(
    (status = OK, description = "the forms, or the answer", content_type = "text/html", body = String),
    (status = BAD_REQUEST, description = "not a certificate code (the page says why)", content_type = "text/html", body = String),
    (status = NOT_FOUND, description = "no such certificate, or no such agency", content_type = "text/html", body = String),
    (status = TOO_MANY_REQUESTS, description = "too many lookups from this network; `Retry-After` says when to try again",
        content_type = "text/html", body = String),
))]
pub(super) async fn lookup_page(
    State(p): State<Public>,
    ClientNetwork(network): ClientNetwork,
    query: Result<Query<LookupQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(q) = query.unwrap_or_default();
    let code = q.code.as_deref().map(cut).filter(|c| !c.is_empty());
    let agency = q.agency.as_deref().map(cut).filter(|a| !a.is_empty());
    let footer = footer(&p.app);
    let typed = (code.clone().unwrap_or_default(), agency.clone().unwrap_or_default());
    if code.is_none() && agency.is_none() {
        let banner = refusal("lookup", Tone::Ok, public::lookup());
        return Ok(answer(StatusCode::OK, "no-cache", page(&banner, forms("", ""), footer)));
    }
    if let Err(wait) = p.lookups.take(&network, p.app.now()) {
        let banner = refusal("too_many_lookups", Tone::Warn, public::lookup_too_many());
        let mut res = answer(StatusCode::TOO_MANY_REQUESTS, "no-store", page(&banner, forms(&typed.0, &typed.1), footer));
        res.headers_mut().insert(RETRY_AFTER, HeaderValue::from(wait));
        return Ok(res);
    }
    if let Some(code) = code {
        return certificate(&p, &code, footer, &typed).await;
    }
    let key = agency.unwrap_or_default();
    let today = p.app.today().to_string();
    let lookup = key.clone();
    let found = blocking(&p.app, move |s| s.public_agency(&lookup, &today)).await?;
    Ok(match found {
        None => {
            let banner = refusal("agency_unknown", Tone::Bad, public::agency_unknown());
            answer(StatusCode::NOT_FOUND, "no-cache", page(&banner, forms(&typed.0, &typed.1), footer))
        }
        Some(a) => {
            let banner = refusal("agency_registered", Tone::Ok, public::agency_registered());
            answer(StatusCode::OK, "no-cache", page(&banner, html! { (agency_rows(&a)) (forms(&typed.0, &typed.1)) }, footer))
        }
    })
}

fn agency_rows(a: &PublicAgency) -> Markup {
    html! {
        section {
            dl {
                (row("机构名称", "Agency", html! { (a.name) }))
                (row("所在区", "District", html! { (a.district) }))
                @if let Some(phone) = &a.phone {
                    @let dial: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
                    (row("机构电话", "Agency phone", html! { a href={ "tel:" (dial) } { (phone) } }))
                }
                (row("持证人员", "Certified workers", html! { (a.certified) " 人" small { (a.certified) " holding a certificate in force" } }))
                (row("服务评价", "Ratings", html! {
                    @match a.average_stars {
                        Some(avg) => { (format!("{avg:.1}")) " 星（" (a.ratings) " 条评价）" small { (format!("{avg:.1}")) " stars from " (a.ratings) " ratings" } }
                        None => { "暂无评价" small { "No ratings yet" } }
                    }
                }))
            }
        }
    }
}

/// The answer for a typed certificate code.
async fn certificate(p: &Public, typed: &str, footer: Markup, echo: &(String, String)) -> Result<Response, AppError> {
    let code = match CertificateCode::parse(typed) {
        Ok(c) => c.to_string(),
        Err(e) => {
            let banner = Banner {
                code: "certificate_code_malformed",
                tone: Tone::Warn,
                title: public::lookup_malformed(),
                why: Bilingual::new(e.message_zh, e.message_en),
                colour: None,
            };
            return Ok(answer(StatusCode::BAD_REQUEST, "no-cache", page(&banner, forms(&echo.0, &echo.1), footer)));
        }
    };
    let today = p.app.today();
    let lookup = code.clone();
    let record = blocking(&p.app, move |s| s.public_certificate(&lookup)).await?;
    let Some(r) = record else {
        let banner = Banner { colour: Some(Colour::Red), ..refusal("certificate_unknown", Tone::Bad, public::lookup_not_found()) };
        return Ok(answer(StatusCode::NOT_FOUND, "no-cache", page(&banner, forms(&code, &echo.1), footer)));
    };
    let expired = r.valid_until.as_str() < today.to_string().as_str();
    let kind = if r.revoked {
        VerdictKind::Revoked
    } else if expired {
        VerdictKind::Expired
    } else {
        VerdictKind::Valid
    };
    let standing = Standing::of(&r.health_checks, &r.insurance, today);
    let colour = standing.colour(kind == VerdictKind::Valid);
    let tone = match colour {
        Colour::Green => Tone::Ok,
        Colour::Yellow => Tone::Warn,
        Colour::Red => Tone::Bad,
    };
    let notice = match (colour, kind) {
        (Colour::Yellow, _) => public::valid_not_in_date(),
        (_, VerdictKind::Valid) => public::lookup_valid(),
        _ => public::verdict(kind),
    };
    let verdict_code = match kind {
        VerdictKind::Revoked => "revoked",
        VerdictKind::Expired => "expired",
        _ => "valid",
    };
    let banner = Banner { colour: Some(colour), ..refusal(verdict_code, tone, notice) };
    let body = if kind == VerdictKind::Valid {
        in_force(&code, &r, &standing, today)
    } else {
        html! {
            section {
                dl { (certificate_rows(&code, Some(&r))) }
                p class="note" { "此证当前无效；如有疑问请联系所属机构。This certificate is not in force now; call the agency with any question." }
            }
        }
    };
    Ok(answer(StatusCode::OK, "no-store", page(&banner, html! { (body) (forms(&code, &echo.1)) }, footer)))
}

/// A certificate in force: who holds it (masked, no photo), the certificate, the colour rows.
fn in_force(code: &str, r: &PublicCertificate, standing: &Standing, today: chrono::NaiveDate) -> Markup {
    let gender = IdNumber::parse(&r.id_number, today).map(|id| match id.gender() {
        Gender::Male => ("男", "Male"),
        Gender::Female => ("女", "Female"),
    });
    html! {
        section {
            div class="who" {
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
                (row("有效期至", "Valid until", html! { (r.valid_until) }))
                (row("现行卡", "Current card", html! { "第 " (r.current_card_version) " 版" small { "version " (r.current_card_version) } }))
                (row("培训考核", "Training", html! { "已完成岗前培训与考核" small { "Pre-service training and exam completed" } }))
                (standing_rows(standing))
            }
        }
    }
}
