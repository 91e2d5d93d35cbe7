//! Which operator role may use which operator page (issue 14), in one table: the programme
//! office reviews, the commerce commission only reads, the administrator manages agencies and
//! devices. Every group of routes sits behind [`guard`], so a page cannot be reached by a role
//! that may not use it, whatever link or form it forges; the navigation shows each role only
//! its own pages.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::auth::Session;
use super::html::bare_page;
use crate::api::AppState;
use crate::messages::operator as msg;
use crate::store::operators::OperatorRole;

/// A group of operator pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// 审核队列: the review queue, a review, its photo, approving, rejecting, police results.
    Reviews,
    /// 机构: registering agencies and their enrolment codes.
    Agencies,
    /// 设备: the agencies' desks and revoking one.
    Devices,
    /// 注销与补发: cancelled and replaced certificates (read-only).
    Revocations,
    /// 统计: the city's figures and their CSV (read-only).
    Stats,
    /// 名册备案: the agencies' roster filings and their rows (read-only).
    Filings,
    /// 培训督导: the agencies' classes, their supervision forms, online completion; filing a form.
    Supervision,
    /// 投诉协调: citizens' complaints, the agencies' answers; asking again, closing.
    Complaints,
    /// 审计: every operator action (read-only).
    Audit,
    /// 签名密钥: rotating and withdrawing the signing keys (the JSON API only, two operators).
    Keys,
}

impl Area {
    /// Every area, in the navigation's order.
    pub const ALL: [Area; 10] = [
        Area::Reviews,
        Area::Supervision,
        Area::Complaints,
        Area::Stats,
        Area::Filings,
        Area::Agencies,
        Area::Devices,
        Area::Revocations,
        Area::Audit,
        Area::Keys,
    ];

    /// The stable code: an API key's scope names areas by it.
    pub fn code(&self) -> &'static str {
        match self {
            Area::Reviews => "reviews",
            Area::Agencies => "agencies",
            Area::Devices => "devices",
            Area::Revocations => "revocations",
            Area::Stats => "stats",
            Area::Filings => "filings",
            Area::Supervision => "supervision",
            Area::Complaints => "complaints",
            Area::Audit => "audit",
            Area::Keys => "keys",
        }
    }

    /// Whether the operator pages have a page for it (the keys are the JSON API's only).
    pub fn in_navigation(self) -> bool {
        self != Area::Keys
    }

    /// The page the navigation links to.
    pub fn path(self) -> &'static str {
        match self {
            Area::Reviews => "/operator/reviews",
            Area::Agencies => "/operator/agencies",
            Area::Devices => "/operator/devices",
            Area::Revocations => "/operator/revocations",
            Area::Stats => "/operator/stats",
            Area::Filings => "/operator/filings",
            Area::Supervision => "/operator/supervision",
            Area::Complaints => "/operator/complaints",
            Area::Audit => "/operator/audit",
            Area::Keys => "/api/v1/operator/keys",
        }
    }

    /// Chinese and English labels.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            Area::Reviews => ("审核队列", "Reviews"),
            Area::Agencies => ("机构", "Agencies"),
            Area::Devices => ("设备", "Devices"),
            Area::Revocations => ("注销与补发", "Revocations"),
            Area::Stats => ("统计", "Statistics"),
            Area::Filings => ("名册备案", "Roster filings"),
            Area::Supervision => ("培训督导", "Supervision"),
            Area::Complaints => ("投诉协调", "Complaints"),
            Area::Audit => ("审计", "Audit"),
            Area::Keys => ("签名密钥", "Signing keys"),
        }
    }
}

/// Whether `role` may use `area`: the one table.
pub fn may(role: OperatorRole, area: Area) -> bool {
    match area {
        Area::Reviews | Area::Supervision | Area::Complaints => role == OperatorRole::Office,
        Area::Agencies | Area::Devices | Area::Audit | Area::Keys => role == OperatorRole::Admin,
        Area::Revocations => true,
        Area::Stats | Area::Filings => matches!(role, OperatorRole::Office | OperatorRole::Commission),
    }
}

/// Where a role lands after signing in: its first page.
pub fn home_of(role: OperatorRole) -> &'static str {
    Area::ALL.into_iter().find(|a| a.in_navigation() && may(role, *a)).unwrap_or(Area::Revocations).path()
}

certdesk_domain::closed_set!(Area, "operator area");

/// The state [`guard`] needs: the platform's, and the area it guards.
#[derive(Clone)]
pub struct Guard {
    /// The platform's state (the session lookup needs its store and clock).
    pub app: AppState,
    /// The area guarded.
    pub area: Area,
}

/// The layer in front of an area's routes: no session goes to sign-in (as every page), a role
/// that may not use the area gets 403 with a sentence and the request goes no further.
pub async fn guard(State(g): State<Guard>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let session = match Session::from_request_parts(&mut parts, &g.app).await {
        Ok(s) => s,
        Err(to_sign_in) => return to_sign_in,
    };
    if !may(session.role, g.area) {
        tracing::warn!(operator = %session.operator_name, role = session.role.code(), area = ?g.area, "operator page refused to the role");
        return refused(session.role, g.area);
    }
    crate::audit::audited(&g.app, session.operator_name.clone(), "session".into(), Request::from_parts(parts, body), next).await
}

fn refused(role: OperatorRole, area: Area) -> Response {
    let why = msg::role_refused((role.label_zh(), role.label_en()), area.labels());
    let body = bare_page(
        "无权使用 Not allowed",
        html! {
            h1 { "无权使用 " small { "Not allowed" } }
            p class="error" { (why.zh) br; span class="en" { (why.en) } }
            p { a href=(home_of(role)) { "返回 Back" } }
        },
    );
    (StatusCode::FORBIDDEN, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_has_its_pages_and_a_home_it_may_open() {
        use OperatorRole::*;
        let table: Vec<(OperatorRole, Vec<Area>)> =
            [Office, Commission, Admin].into_iter().map(|r| (r, Area::ALL.into_iter().filter(|a| may(r, *a)).collect())).collect();
        assert_eq!(
            table,
            [
                (Office, vec![Area::Reviews, Area::Supervision, Area::Complaints, Area::Stats, Area::Filings, Area::Revocations]),
                (Commission, vec![Area::Stats, Area::Filings, Area::Revocations]),
                (Admin, vec![Area::Agencies, Area::Devices, Area::Revocations, Area::Audit, Area::Keys]),
            ]
        );
        for role in [Office, Commission, Admin] {
            assert!(Area::ALL.iter().any(|a| may(role, *a) && a.path() == home_of(role)));
        }
    }
}
