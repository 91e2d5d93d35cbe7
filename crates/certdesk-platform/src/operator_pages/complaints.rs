//! 投诉协调 (issue 14 item 5) for the programme office: the complaints citizens filed, per
//! agency with their age, each with its history (the agency's answers from its desks, the
//! office's requests); the office asks the agency again (督办) or closes a complaint with its
//! conclusion (办结). Both reach the agency's desks in their next sync ([`crate::flows::complaints`]).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use certdesk_protocol::complaint::{ComplaintState, MAX_COMPLAINT_TEXT};
use chrono::{DateTime, Utc};
use maud::{html, Markup};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::auth::{CsrfForm, Posted, Session};
use super::html::{bilingual, csrf_field, page};
use super::{see_other, PageResult};
use crate::api::{blocking, AppState};
use crate::error::AppError;
use crate::flows::complaints::{act, detail, list, ActionRefused, OfficeAction};
use crate::messages::operator as msg;
use crate::store::complaints::{ComplaintEvent, ComplaintEventKind, ComplaintFilter, ComplaintRow};

/// Which complaints the list shows.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ComplaintsQuery {
    /// One agency's only.
    agency: Option<Uuid>,
    /// `1`: closed ones too.
    all: Option<String>,
}

/// What a complaint's page says after an action.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct DoneQuery {
    /// `asked_again` or `closed` after the office acted.
    done: Option<String>,
}

/// A state as the office reads it.
fn state_label(state: ComplaintState) -> Markup {
    let (zh, en, colour) = match state {
        ComplaintState::Open => ("待机构处理", "Waiting for the agency", "#b42318"),
        ComplaintState::Answered => ("已答复待审核", "Answered; to review", "#0b4a8b"),
        ComplaintState::AskedAgain => ("督办中", "Asked again", "#b54708"),
        ComplaintState::Closed => ("已办结", "Closed", "#027a48"),
    };
    html! { b style={ "color:" (colour) } { (zh) } " " small { (en) } }
}

/// Whole days between two times.
fn days(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_days().max(0)
}

fn shanghai(t: DateTime<Utc>) -> String {
    t.with_timezone(&certdesk_domain::shanghai()).format("%Y-%m-%d %H:%M").to_string()
}

/// Open complaints per agency, with their age.
#[utoipa::path(get, path = "/operator/complaints", tag = "operator_pages",
    operation_id = "operator_complaints_page", security(("operator_session" = [])), params(ComplaintsQuery), responses(
    (status = OK, description = "the page", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "the operator's role does not coordinate complaints", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
))]
pub(super) async fn complaints_page(State(state): State<AppState>, session: Session, Query(q): Query<ComplaintsQuery>) -> PageResult {
    let with_closed = q.all.as_deref() == Some("1");
    let filter = ComplaintFilter { agency_id: q.agency, with_closed };
    let rows = blocking(&state, move |s| list(s, filter)).await?;
    let all_open = if q.agency.is_some() || with_closed {
        blocking(&state, |s| list(s, ComplaintFilter::default())).await?
    } else {
        rows.clone()
    };
    let now = state.now();
    // Per agency: open complaints, how many wait for the agency, the oldest's age.
    let mut agencies: Vec<(Uuid, String, usize, usize, i64)> = Vec::new();
    for c in &all_open {
        let waiting = usize::from(c.state.awaits_agency());
        match agencies.iter_mut().find(|a| a.0 == c.agency_id) {
            Some(a) => {
                a.2 += 1;
                a.3 += waiting;
                a.4 = a.4.max(days(c.created_at, now));
            }
            None => agencies.push((c.agency_id, c.agency_name.clone(), 1, waiting, days(c.created_at, now))),
        }
    }
    agencies.sort_by(|a, b| b.4.cmp(&a.4).then(a.1.cmp(&b.1)));
    let body = html! {
        h1 { "投诉协调 " small { "Complaints" } }
        p { "市民在查验页提交的投诉：机构在工作台答复处理情况，项目办审核后办结，或要求机构再次处理（督办）。"
            br; span class="en" { "Complaints citizens filed on the check page: the agency answers from its desk; the office closes each, or asks the agency again." } }
        h2 { "各机构未办结 " small { "Open, per agency" } }
        @if agencies.is_empty() {
            p { "没有未办结的投诉。" span class="en" { " No open complaints." } }
        } @else {
            table data-table="agencies" {
                tr { th { "机构 " small { "Agency" } } th { "未办结 " small { "Open" } } th { "待机构处理 " small { "Waiting for the agency" } } th { "最久（天） " small { "Oldest (days)" } } }
                @for (id, name, open, waiting, oldest) in &agencies {
                    tr {
                        td { a href={ "/operator/complaints?agency=" (id) } { (name) } }
                        td { (open) } td { @if *waiting > 0 { b style="color:#b42318" { (waiting) } } @else { "0" } } td { (oldest) }
                    }
                }
            }
        }
        h2 {
            @if q.agency.is_some() { "本机构投诉 " small { "This agency's complaints" } " " a href="/operator/complaints" { small { "全部机构 All agencies" } } }
            @else { "投诉 " small { "Complaints" } }
        }
        p {
            @if with_closed { a href={ "/operator/complaints" @if let Some(a) = q.agency { "?agency=" (a) } } { "只看未办结 Open only" } }
            @else { a href={ "/operator/complaints?all=1" @if let Some(a) = q.agency { "&agency=" (a) } } { "含已办结 Include closed" } }
        }
        (complaint_table(&rows, now))
    };
    Ok(page(&session, "投诉协调 Complaints", None, body).into_response())
}

fn complaint_table(rows: &[ComplaintRow], now: DateTime<Utc>) -> Markup {
    html! {
        @if rows.is_empty() {
            p { "无。" span class="en" { " None." } }
        } @else {
            table data-table="complaints" {
                tr {
                    th { "投诉编号 " small { "Reference" } } th { "机构 " small { "Agency" } } th { "持证人 " small { "Worker" } }
                    th { "提交 " small { "Filed" } } th { "天数 " small { "Days" } } th { "状态 " small { "State" } }
                }
                @for c in rows {
                    tr data-reference=(c.reference) {
                        td { a class="mono" href={ "/operator/complaints/" (c.id) } { (c.reference) } }
                        td { (c.agency_name) } td { (c.worker_name) " " small { (c.certificate_code) } }
                        td { (shanghai(c.created_at)) }
                        td { @if c.state == ComplaintState::Closed { (days(c.created_at, c.updated_at)) " " small { "办结用时 to close" } } @else { (days(c.created_at, now)) } }
                        td { (state_label(c.state)) }
                    }
                }
            }
        }
    }
}

fn event_label(kind: ComplaintEventKind) -> (&'static str, &'static str) {
    match kind {
        ComplaintEventKind::Answered => ("机构答复", "Agency answered"),
        ComplaintEventKind::AskedAgain => ("项目办督办", "Office asked again"),
        ComplaintEventKind::Closed => ("项目办办结", "Office closed it"),
    }
}

/// The action form as posted.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub(super) struct ActionForm {
    /// The session's CSRF token.
    #[serde(default)]
    csrf: String,
    /// `ask_again` (督办) or `close` (办结).
    #[serde(default)]
    action: String,
    /// What the office asks for, or its conclusion (at most 1000 characters).
    #[serde(default)]
    note: String,
}

impl CsrfForm for ActionForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

fn detail_page(session: &Session, c: &ComplaintRow, events: &[ComplaintEvent], notice: Option<Markup>, error: Option<Markup>, note: &str) -> axum::response::Html<String> {
    let body = html! {
        p { a href="/operator/complaints" { "← 投诉协调 Complaints" } }
        h1 { "投诉 " span class="mono" { (c.reference) } " " small { (state_label(c.state)) } }
        table data-table="complaint" {
            tr { th { "机构 " small { "Agency" } } td { a href={ "/operator/complaints?agency=" (c.agency_id) } { (c.agency_name) } } }
            tr { th { "持证人 " small { "Worker" } } td { (c.worker_name) " · " span class="mono" { (c.certificate_code) } } }
            tr { th { "提交时间 " small { "Filed" } } td { (shanghai(c.created_at)) } }
            tr { th { "投诉内容 " small { "Complaint" } } td style="white-space:pre-wrap" { (c.text) } }
            tr { th { "联系方式 " small { "Contact" } } td { @if c.contact.is_empty() { "—" } @else { (c.contact) } } }
        }
        h2 { "处理经过 " small { "History" } }
        @if events.is_empty() {
            p { "机构尚未答复。" span class="en" { " The agency has not answered yet." } }
        } @else {
            table data-table="events" {
                tr { th { "时间 " small { "When" } } th { "事项 " small { "What" } } th { "内容 " small { "Text" } } th { "经办 " small { "By" } } }
                @for e in events {
                    @let (zh, en) = event_label(e.kind);
                    tr data-event=(e.kind.code()) {
                        td { (shanghai(e.at)) } td { (zh) " " small { (en) } }
                        td style="white-space:pre-wrap" { (e.text) @if let Some(d) = e.done_on { br; small { "处理日期 Done on " (d) } } }
                        td { (e.by_whom) }
                    }
                }
            }
        }
        @if c.state != ComplaintState::Closed {
            h2 { "督办或办结 " small { "Ask again or close" } }
            @if let Some(e) = error { p class="error" { (e) } }
            form method="post" action={ "/operator/complaints/" (c.id) } class="card" {
                (csrf_field(session))
                label { "督办要求或办结结论 " small { "Request to the agency, or the conclusion" } br;
                    textarea name="note" rows="4" maxlength=(MAX_COMPLAINT_TEXT) required { (note) } }
                button type="submit" name="action" value="ask_again" { "督办：要求机构再次处理 Ask again" }
                " "
                button type="submit" name="action" value="close" { "办结 Close" }
            }
        }
    };
    page(session, "投诉 Complaint", notice, body)
}

/// One complaint with its history and the office's actions.
#[utoipa::path(get, path = "/operator/complaints/{complaint_id}", tag = "operator_pages",
    operation_id = "operator_complaint_page", security(("operator_session" = [])),
    params(("complaint_id" = Uuid, Path, description = "the complaint"), DoneQuery),
    responses(
    (status = OK, description = "the page", content_type = "text/html", body = String),
    (status = NOT_FOUND, description = "no such complaint", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "the operator's role does not coordinate complaints", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
))]
pub(super) async fn complaint_page(State(state): State<AppState>, session: Session, Path(id): Path<Uuid>, Query(q): Query<DoneQuery>) -> PageResult {
    let Some((c, events)) = blocking(&state, move |s| detail(s, id)).await? else {
        return Err(AppError::NotFound("complaint").into());
    };
    let notice = match q.done.as_deref() {
        Some("asked_again") => Some(said(msg::complaint_asked_again())),
        Some("closed") => Some(said(msg::complaint_closed())),
        _ => None,
    };
    Ok(detail_page(&session, &c, &events, notice, None, "").into_response())
}

/// Ask the agency again (督办) or close the complaint (办结).
#[utoipa::path(post, path = "/operator/complaints/{complaint_id}", tag = "operator_pages",
    operation_id = "operator_act_on_complaint", security(("operator_session" = [])),
    params(("complaint_id" = Uuid, Path, description = "the complaint")),
    request_body(content = inline(ActionForm), content_type = "application/x-www-form-urlencoded"),
    responses(
    (status = SEE_OTHER, description = "done: to the complaint's page with `done=asked_again` or `done=closed`; without a live session, to `/operator/sign-in`"),
    (status = BAD_REQUEST, description = "no request or conclusion, too long, an unknown action, or the complaint is closed: the page again, with why; nothing changed", content_type = "text/html", body = String),
    (status = NOT_FOUND, description = "no such complaint", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "another origin, a wrong token, or a role that does not coordinate complaints; nothing changed", content_type = "text/html", body = String),
))]
pub(super) async fn act_on_complaint(State(state): State<AppState>, Path(id): Path<Uuid>, posted: Posted<ActionForm>) -> PageResult {
    let Posted { session, form } = posted;
    let action = match form.action.as_str() {
        "ask_again" => Some(OfficeAction::AskAgain),
        "close" => Some(OfficeAction::Close),
        _ => None,
    };
    let outcome = match action {
        Some(action) => {
            let (note, operator, event_id, now) = (form.note.clone(), session.operator_name.clone(), state.ids.id(), state.now());
            Some(blocking(&state, move |s| act(s, id, action, &note, &operator, event_id, now)).await?)
        }
        None => None,
    };
    let why = match outcome {
        Some(Ok(new_state)) => {
            tracing::info!(operator = %session.operator_name, complaint = %id, state = new_state.code(), "complaint acted on by the office");
            let done = if new_state == ComplaintState::Closed { "closed" } else { "asked_again" };
            return Ok(see_other(&format!("/operator/complaints/{id}?done={done}")));
        }
        Some(Err(ActionRefused::Unknown)) => return Err(AppError::NotFound("complaint").into()),
        Some(Err(ActionRefused::Closed)) => msg::complaint_already_closed(),
        Some(Err(ActionRefused::Empty)) | None => msg::complaint_note_empty(),
        Some(Err(ActionRefused::TooLong)) => msg::complaint_note_too_long(MAX_COMPLAINT_TEXT),
    };
    let Some((c, events)) = blocking(&state, move |s| detail(s, id)).await? else {
        return Err(AppError::NotFound("complaint").into());
    };
    Ok((StatusCode::BAD_REQUEST, detail_page(&session, &c, &events, None, Some(said(why)), &form.note)).into_response())
}

fn said(m: certdesk_domain::Bilingual) -> Markup {
    bilingual(&m.zh, &m.en)
}
