//! A citizen looks up a complaint by its reference (投诉进度, issue 14 item 5):
//! `GET /complaint` shows the form, `?ref=REF` answers with the complaint's state, when it was
//! filed and when its state last changed. Never anything else: not the worker, the agency, the
//! text, the answer or the conclusion, since whoever holds a reference may not be the one who
//! filed it. Lookups count against the same per-network limit as `/lookup`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use certdesk_protocol::complaint::{parse_reference, ComplaintState};
use maud::{html, Markup};
use serde::Deserialize;
use utoipa::IntoParams;

use super::html::{page, row, Tone};
use super::{answer, footer, refusal, ClientNetwork, Public};
use crate::api::blocking;
use crate::error::AppError;
use crate::messages::public;

/// What the form sends.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComplaintQuery {
    /// The complaint's reference as typed (`TS` and 12 letters; spaces, dashes and lower case
    /// are fine).
    #[serde(rename = "ref")]
    #[param(rename = "ref")]
    reference: Option<String>,
}

/// The form, with what was typed in it.
pub(super) fn form(typed: &str) -> Markup {
    html! {
        section {
            form method="get" action="/complaint" {
                label class="f" for="ref" { "投诉编号 " small { "Complaint reference" } }
                input type="text" id="ref" name="ref" value=(typed) maxlength="30" autocomplete="off" autocapitalize="characters" placeholder="TS7K3M9Q2WXHPA";
                button type="submit" { "查询进度 Check" }
            }
        }
    }
}

/// Shanghai's time of day, to the minute.
fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&certdesk_domain::shanghai()).format("%Y-%m-%d %H:%M").to_string()
}

/// Look up a complaint by its reference.
///
/// `GET /complaint` shows the form; `?ref=REF` answers with the complaint's state (已受理,
/// 机构已答复, 督办中, 已办结), when it was filed and when its state last changed, and nothing
/// personal. Limited per network, with `/lookup`.
#[utoipa::path(get, path = "/complaint", tag = "public", operation_id = "complaint_page",
    params(ComplaintQuery),
    responses(
    (status = OK, description = "the form, or the complaint's state", content_type = "text/html", body = String),
    (status = BAD_REQUEST, description = "not a complaint reference", content_type = "text/html", body = String),
    (status = NOT_FOUND, description = "no complaint has this reference", content_type = "text/html", body = String),
    (status = TOO_MANY_REQUESTS, description = "too many lookups from this network; `Retry-After` says when to try again",
        content_type = "text/html", body = String),
))]
pub(super) async fn complaint_page(
    State(p): State<Public>,
    ClientNetwork(network): ClientNetwork,
    query: Result<Query<ComplaintQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(q) = query.unwrap_or_default();
    let typed: String = q.reference.unwrap_or_default().trim().chars().take(30).collect();
    let footer = footer(&p.app);
    if typed.is_empty() {
        let banner = refusal("complaint_lookup", Tone::Ok, public::complaint_lookup());
        return Ok(answer(StatusCode::OK, "no-cache", page(&banner, form(""), footer)));
    }
    if let Err(wait) = p.lookups.take(&network, p.app.now()) {
        let banner = refusal("too_many_lookups", Tone::Warn, public::complaint_too_many());
        let mut res = answer(StatusCode::TOO_MANY_REQUESTS, "no-store", page(&banner, form(&typed), footer));
        res.headers_mut().insert(RETRY_AFTER, HeaderValue::from(wait));
        return Ok(res);
    }
    let Some(reference) = parse_reference(&typed) else {
        let banner = refusal("complaint_reference_malformed", Tone::Warn, public::complaint_reference_malformed());
        return Ok(answer(StatusCode::BAD_REQUEST, "no-store", page(&banner, form(&typed), footer)));
    };
    let lookup = reference.clone();
    let Some(status) = blocking(&p.app, move |s| s.complaint_status(&lookup)).await? else {
        let banner = refusal("complaint_unknown", Tone::Bad, public::complaint_not_found());
        return Ok(answer(StatusCode::NOT_FOUND, "no-store", page(&banner, form(&typed), footer)));
    };
    let tone = if status.state == ComplaintState::Closed { Tone::Ok } else { Tone::Warn };
    let banner = refusal(status.state.code(), tone, public::complaint_state(status.state));
    let rows = html! {
        section {
            dl {
                (row("投诉编号", "Reference", html! { span class="mono" { (reference) } }))
                (row("提交时间", "Filed", html! { (when(status.created_at)) }))
                (row("最近更新", "Last change", html! { (when(status.updated_at)) }))
            }
        }
        (form(""))
    };
    Ok(answer(StatusCode::OK, "no-store", page(&banner, rows, footer)))
}
