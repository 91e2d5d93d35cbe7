//! 审计 (issue 11 item 6): every operator action, newest first, for administrators — who, how
//! (a session or which API key), from which network, the route and its path, and how it ended.
//! The lines are written by [`crate::audit`] and sign-in; this page only reads them.

use axum::extract::{Query, State};
use axum::response::IntoResponse;
use maud::html;
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::Session;
use super::html::page;
use super::{local_time, PageResult};
use crate::api::{blocking, AppState};

/// Lines per page.
pub const AUDIT_PAGE: u32 = 100;

/// Which lines the page shows.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct AuditQuery {
    /// Show the lines before this one (the next page); the newest when absent.
    before: Option<i64>,
}

/// How an audited action ended, for people.
fn outcome_label(outcome: Option<&str>) -> (&'static str, &'static str) {
    match outcome {
        None => ("未完成", "never answered"),
        Some(crate::audit::SIGNED_IN) => ("已登录", "signed in"),
        Some(crate::audit::REFUSED) => ("拒绝", "refused"),
        Some(crate::audit::REFUSED_LOCKED) => ("锁定中拒绝", "refused while locked"),
        Some(code) if code.starts_with('2') || code.starts_with('3') => ("完成", "done"),
        Some(_) => ("拒绝或出错", "refused or failed"),
    }
}

/// Every operator action, newest first, 100 a page.
#[utoipa::path(get, path = "/operator/audit", tag = "operator_pages",
    operation_id = "operator_audit_page", security(("operator_session" = [])), params(AuditQuery), responses(
    (status = OK, description = "the page", content_type = "text/html", body = String),
    (status = SEE_OTHER, description = "no live session: to `/operator/sign-in`"),
    (status = FORBIDDEN, description = "the role may not read the audit (administrators only)", content_type = "text/html", body = String),
))]
pub(super) async fn audit_page(State(state): State<AppState>, session: Session, Query(q): Query<AuditQuery>) -> PageResult {
    let before = q.before;
    let lines = blocking(&state, move |s| s.audit_lines(before, AUDIT_PAGE)).await?;
    let next = (lines.len() == AUDIT_PAGE as usize).then(|| lines.last().map(|l| l.seq)).flatten();
    let body = html! {
        h1 { "审计 " small { "Audit" } }
        p {
            "运营人员的每一次操作（登录、审批、登记机构、撤销设备、签名密钥等）都在此记录，先记录后执行；“未完成”表示操作开始后没有应答。"
            span class="en" { "Every operator action (sign-in, decisions, agencies, devices, signing keys…) is written here before it runs; \"never answered\" means it started and never answered." }
        }
        table {
            tr {
                th { "时间 " small { "Time" } } th { "操作人 " small { "Operator" } } th { "方式 " small { "Via" } }
                th { "网络 " small { "Network" } } th { "操作 " small { "Action" } } th { "对象 " small { "Path" } }
                th { "结果 " small { "Outcome" } }
            }
            @for l in &lines {
                @let (zh, en) = outcome_label(l.outcome.as_deref());
                tr {
                    td { (local_time(&l.at.to_rfc3339())) }
                    td { (l.operator) }
                    td { (l.via) }
                    td { (l.network) }
                    td { code { (l.action) } }
                    td { code { (l.target) } }
                    td { (zh) " " small { (en) } @if let Some(o) = &l.outcome { " " small { "(" (o) ")" } } }
                }
            }
            @if lines.is_empty() {
                tr { td colspan="7" { "暂无记录 " small { "Nothing yet" } } }
            }
        }
        @if let Some(seq) = next {
            p { a href={ "/operator/audit?before=" (seq) } { "更早的记录 " small { "Older" } } }
        }
    };
    Ok(page(&session, "审计 Audit", None, body).into_response())
}
