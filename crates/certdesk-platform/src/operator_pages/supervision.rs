//! 培训督导 (issue 14 item 4) for the programme office: per agency the classes held (offline and
//! online), the offline classes without a supervision form, and each online class's completion
//! per worker, from the records the agencies synced ([`crate::flows::supervision`]); and the
//! supervisor's form for an offline class, filed here, which reaches the agency's desks in their
//! next sync and counts for eligibility there and on the platform.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use certdesk_domain::training::{ClassMode, SupervisionInput};
use maud::{html, Markup};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::auth::{CsrfForm, Posted, Session};
use super::html::{bilingual, csrf_field, page};
use super::{see_other, PageResult};
use crate::api::{blocking, AppState};
use crate::error::AppError;
use crate::flows::supervision::{file_supervision, overview, AgencySupervision, FormRefused};
use crate::messages::operator as msg;

/// Which agency the page shows.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct SupervisionQuery {
    /// One agency's classes; without it, every agency's counts.
    agency: Option<Uuid>,
    /// `supervision_filed` after a form was filed.
    done: Option<String>,
}

fn method_label(code: &str) -> &'static str {
    match code {
        "on_site" => "现场 On site",
        "video" => "视频 Video",
        _ => "—",
    }
}

fn hours(h: f64) -> String {
    format!("{}", (h * 2.0).round() / 2.0)
}

/// Every agency's counts, or one agency's classes and online completion.
#[utoipa::path(get, path = "/operator/supervision", tag = "operator_pages",
    operation_id = "operator_supervision_page", security(("operator_session" = [])), params(SupervisionQuery), responses(
    (status = OK, description = "the page", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "the operator's role does not supervise training", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
))]
pub(super) async fn supervision_page(State(state): State<AppState>, session: Session, Query(q): Query<SupervisionQuery>) -> PageResult {
    let agencies = blocking(&state, |s| s.agencies()).await?;
    let notice = (q.done.as_deref() == Some("supervision_filed")).then(|| {
        let m = msg::supervision_filed();
        bilingual(&m.zh, &m.en)
    });
    let body = match q.agency.and_then(|id| agencies.iter().find(|a| a.agency.id == id)) {
        None => {
            let mut rows = Vec::new();
            for a in &agencies {
                let id = a.agency.id;
                let o = blocking(&state, move |s| overview(s, id)).await?;
                rows.push((a.agency.clone(), o.counts()));
            }
            html! {
                h1 { "培训督导 " small { "Training supervision" } }
                p { "各机构已同步的培训班：线下班须有督导表，否则其课时不计入任何人；线上班看每人完成的学时。"
                    br; span class="en" { "Each agency's synced classes: an offline class needs its supervision form, or its hours count for nobody; online classes show each worker's completion." } }
                table data-table="agencies" {
                    tr { th { "机构 " small { "Agency" } } th { "区 " small { "District" } } th { "线下班 " small { "Offline" } } th { "线上班 " small { "Online" } } th { "缺督导表 " small { "Without a form" } } }
                    @for (agency, (offline, online, missing)) in &rows {
                        tr {
                            td { a href={ "/operator/supervision?agency=" (agency.id) } { (agency.name) } }
                            td { (agency.district) } td { (offline) } td { (online) }
                            td { @if *missing > 0 { b style="color:#b42318" { (missing) } } @else { "0" } }
                        }
                    }
                }
            }
        }
        Some(a) => {
            let id = a.agency.id;
            let o = blocking(&state, move |s| overview(s, id)).await?;
            agency_body(&a.agency.name, id, &o)
        }
    };
    Ok(page(&session, "培训督导 Supervision", notice, body).into_response())
}

fn agency_body(name: &str, agency: Uuid, o: &AgencySupervision) -> Markup {
    let (offline, online, missing) = o.counts();
    html! {
        p { a href="/operator/supervision" { "← 全部机构 All agencies" } }
        h1 { (name) " " small { "培训督导 Training supervision" } }
        p { "线下班 " b { (offline) } "，线上班 " b { (online) } "，缺督导表 " b { (missing) } "。"
            span class="en" { (offline) " offline, " (online) " online, " (missing) " without a supervision form." } }
        h2 { "培训班 " small { "Classes" } }
        table data-table="classes" {
            tr {
                th { "班次 " small { "Class" } } th { "形式 " small { "Mode" } } th { "时间 " small { "When" } } th { "地点 " small { "Place" } }
                th { "讲师 " small { "Trainer" } } th { "课时 " small { "Hours" } } th { "人数 " small { "On list" } } th { "督导 " small { "Supervision" } }
            }
            @for c in &o.classes {
                tr data-class=(c.class_id) {
                    td { (c.title) } td { @if c.mode == ClassMode::Offline { "线下" } @else { "线上" } }
                    td { (c.starts_at) " – " (c.ends_at) } td { (c.place) } td { (c.trainer) } td { (hours(c.class_hours)) } td { (c.participants) }
                    td {
                        @match (&c.supervision, c.mode) {
                            (Some(f), _) => { (method_label(&f.method)) " · " (f.supervisor_name) " · " (f.supervised_at) @if f.by_platform { " " small { "（平台督导 filed here）" } } }
                            (None, ClassMode::Offline) => {
                                b style="color:#b42318" { "缺督导表 " } a href={ "/operator/supervision/" (agency) "/" (c.class_id) } { "填写督导表 File the form" }
                            }
                            (None, ClassMode::Online) => { "后台核验 " small { "back office" } }
                        }
                    }
                }
            }
        }
        h2 { "线上培训完成情况 " small { "Online completion" } }
        @if o.online.is_empty() {
            p { "无线上班学员。" span class="en" { " No online participants." } }
        } @else {
            table data-table="online" {
                tr { th { "班次 " small { "Class" } } th { "学员 " small { "Worker" } } th { "完成学时 " small { "Completed" } } th { "应完成 " small { "Required" } } th { "状态 " small { "State" } } }
                @for w in &o.online {
                    tr {
                        td { (w.class_title) } td { (w.worker_name) } td { (hours(w.hours_completed)) } td { (hours(w.class_hours)) }
                        td { @if w.complete() { "已完成 Complete" } @else { b style="color:#b42318" { "未完成 Incomplete" } } }
                    }
                }
            }
        }
    }
}

/// The supervision form as posted.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub(super) struct SupervisionForm {
    /// The session's CSRF token.
    #[serde(default)]
    csrf: String,
    /// 督导人员姓名.
    #[serde(default)]
    supervisor_name: String,
    /// `on_site` or `video`.
    #[serde(default)]
    method: String,
    /// `YYYY-MM-DD HH:MM` (a browser's `datetime-local` sends `YYYY-MM-DDTHH:MM`).
    #[serde(default)]
    supervised_at: String,
    /// 培训地点.
    #[serde(default)]
    place: String,
    /// 实到人数.
    #[serde(default)]
    participants_present: String,
    /// 身份核验人数.
    #[serde(default)]
    identity_checked: String,
    /// 培训讲师.
    #[serde(default)]
    trainer: String,
    /// 备注.
    #[serde(default)]
    remarks: String,
}

impl CsrfForm for SupervisionForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

fn form_page(session: &Session, agency: Uuid, class_id: &str, title: &str, f: &SupervisionForm, errors: Option<Markup>) -> axum::response::Html<String> {
    let body = html! {
        p { a href={ "/operator/supervision?agency=" (agency) } { "← 返回 Back" } }
        h1 { "督导表 " small { "Supervision form" } }
        p { "班次 " b { (title) } }
        @if let Some(e) = errors { p class="error" { (e) } }
        form method="post" action={ "/operator/supervision/" (agency) "/" (class_id) } class="card" {
            (csrf_field(session))
            label { "督导人员 " small { "Supervisor" } br; input name="supervisor_name" value=(f.supervisor_name) required maxlength="30"; }
            label { "督导方式 " small { "Method" } br;
                select name="method" {
                    option value="on_site" selected[f.method != "video"] { "现场督导 On site" }
                    option value="video" selected[f.method == "video"] { "视频督导 Video" }
                }
            }
            label { "督导时间 " small { "When (YYYY-MM-DD HH:MM)" } br; input name="supervised_at" value=(f.supervised_at) required placeholder="2026-11-20 10:00"; }
            label { "培训地点 " small { "Place" } br; input name="place" value=(f.place) required maxlength="100"; }
            label { "实到人数 " small { "Present" } br; input name="participants_present" value=(f.participants_present) required inputmode="numeric"; }
            label { "身份核验人数 " small { "Identities checked" } br; input name="identity_checked" value=(f.identity_checked) required inputmode="numeric"; }
            label { "培训讲师 " small { "Trainer" } br; input name="trainer" value=(f.trainer) required maxlength="30"; }
            label { "备注 " small { "Remarks" } br; input name="remarks" value=(f.remarks) maxlength="500"; }
            button type="submit" { "提交督导表 File" }
        }
    };
    page(session, "督导表 Supervision form", None, body)
}

/// The class's title, if the agency has it.
async fn class_title(state: &AppState, agency: Uuid, class_id: &str) -> Result<String, AppError> {
    let class_id = class_id.to_owned();
    let o = blocking(state, move |s| overview(s, agency)).await?;
    o.classes.into_iter().find(|c| c.class_id == class_id).map(|c| c.title).ok_or(AppError::NotFound("class"))
}

/// The supervisor's form for one offline class.
#[utoipa::path(get, path = "/operator/supervision/{agency_id}/{class_id}", tag = "operator_pages",
    operation_id = "operator_supervision_form", security(("operator_session" = [])),
    params(("agency_id" = Uuid, Path, description = "the agency"), ("class_id" = String, Path, description = "the class, as the desk sent it")),
    responses(
    (status = OK, description = "the form", content_type = "text/html", body = String),
    (status = NOT_FOUND, description = "the agency has no such class", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "the operator's role does not supervise training", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
))]
pub(super) async fn supervision_form(State(state): State<AppState>, session: Session, Path((agency, class_id)): Path<(Uuid, String)>) -> PageResult {
    let title = class_title(&state, agency, &class_id).await?;
    let blank = SupervisionForm { supervisor_name: String::new(), ..Default::default() };
    Ok(form_page(&session, agency, &class_id, &title, &blank, None).into_response())
}

/// File the supervision form of one offline class.
#[utoipa::path(post, path = "/operator/supervision/{agency_id}/{class_id}", tag = "operator_pages",
    operation_id = "operator_file_supervision", security(("operator_session" = [])),
    params(("agency_id" = Uuid, Path, description = "the agency"), ("class_id" = String, Path, description = "the class, as the desk sent it")),
    request_body(content = inline(SupervisionForm), content_type = "application/x-www-form-urlencoded"),
    responses(
    (status = SEE_OTHER, description = "filed: to the agency's page with `done=supervision_filed`; without a live session, to `/operator/sign-in`"),
    (status = BAD_REQUEST, description = "a field does not hold, the class is online or has its form: the form again, with why; nothing filed", content_type = "text/html", body = String),
    (status = NOT_FOUND, description = "the agency has no such class", content_type = "text/html", body = String),
    (status = FORBIDDEN, description = "another origin, a wrong token, or a role that does not supervise; nothing filed", content_type = "text/html", body = String),
))]
pub(super) async fn file_supervision_form(
    State(state): State<AppState>,
    Path((agency, class_id)): Path<(Uuid, String)>,
    posted: Posted<SupervisionForm>,
) -> PageResult {
    let Posted { session, form } = posted;
    let title = class_title(&state, agency, &class_id).await?;
    let counts = [(&form.participants_present, "实到人数", "Present"), (&form.identity_checked, "身份核验人数", "Identities checked")];
    if let Some((_, zh, en)) = counts.iter().find(|(v, _, _)| v.trim().parse::<u32>().is_err()) {
        let why = said(msg::count_invalid(zh, en));
        return Ok((StatusCode::BAD_REQUEST, form_page(&session, agency, &class_id, &title, &form, Some(why))).into_response());
    }
    let number = |s: &str| s.trim().parse::<u32>().expect("checked above");
    let input = SupervisionInput {
        supervisor_name: form.supervisor_name.clone(),
        method: form.method.clone(),
        supervised_at: form.supervised_at.trim().replacen('T', " ", 1),
        place: form.place.clone(),
        participants_present: number(&form.participants_present),
        identity_checked: number(&form.identity_checked),
        trainer: form.trainer.clone(),
        remarks: form.remarks.clone(),
    };
    let (form_id, now, operator, key) = (state.ids.id(), state.now(), session.operator_name.clone(), class_id.clone());
    let filed = blocking(&state, move |s| file_supervision(s, agency, &key, &input, &operator, form_id, now)).await?;
    let why = match filed {
        Ok(()) => {
            tracing::info!(operator = %session.operator_name, %agency, "supervision form filed on the platform");
            return Ok(see_other(&format!("/operator/supervision?agency={agency}&done=supervision_filed")));
        }
        Err(FormRefused::NoClass) => return Err(AppError::NotFound("class").into()),
        Err(FormRefused::OnlineClass) => said(msg::supervision_online_class()),
        Err(FormRefused::AlreadyFiled) => said(msg::supervision_already_filed()),
        Err(FormRefused::Invalid(errors)) => html! {
            @for e in &errors { (e.message_zh) span class="en" { (e.message_en) } br; }
        },
    };
    Ok((StatusCode::BAD_REQUEST, form_page(&session, agency, &class_id, &title, &form, Some(why))).into_response())
}

fn said(m: certdesk_domain::Bilingual) -> Markup {
    bilingual(&m.zh, &m.en)
}
