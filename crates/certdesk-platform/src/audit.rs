//! The audit of operator actions (issue 11 item 6). Every request that changes something
//! (any method but GET and HEAD) on an operator page or the operator API passes through
//! [`audited`] once its operator is known: a line naming who, how (session or which API key),
//! from which network, the route and the path is written *before* the handler runs, and its
//! status is filled in after. An action whose line cannot be written does not run (503), so
//! nothing an operator did is missing from the audit; a line without an outcome is an action
//! that never answered (a crash, a kill). Sign-in writes its own lines
//! ([`crate::operator_pages`]). The audit is shown at `/operator/audit` to administrators.

use axum::extract::{ConnectInfo, MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::{blocking, AppState};

/// A sign-in line's outcome: signed in.
pub const SIGNED_IN: &str = "signed_in";
/// A sign-in line's outcome: a wrong name, password or code.
pub const REFUSED: &str = "refused";
/// A sign-in line's outcome: refused because the account is locked from that network.
pub const REFUSED_LOCKED: &str = "refused: locked";
use crate::flows::operators::{audit_begin, audit_end};
use crate::store::operators::AuditLine;

/// Runs `req` with its audit line around it, for the operator `operator` acting `via`
/// (`session` or `api_key:<id>`).
pub async fn audited(state: &AppState, operator: String, via: String, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| req.uri().path().to_owned(), |m| m.as_str().to_owned());
    let peer = req.extensions().get::<ConnectInfo<std::net::SocketAddr>>().map(|c| c.0);
    let line = AuditLine {
        seq: 0,
        at: state.now(),
        operator,
        via,
        network: crate::limits::network_of(peer),
        action: format!("{} {route}", req.method()),
        // The path as the client sent it (a nested router sees it without its prefix).
        target: req.extensions().get::<axum::extract::OriginalUri>().map_or_else(|| req.uri().path().to_owned(), |u| u.0.path().to_owned()),
        outcome: None,
    };
    let seq = match blocking(state, move |s| audit_begin(s, &line)).await {
        Ok(seq) => seq,
        Err(e) => {
            tracing::error!(error = %e, "the audit line could not be written: the action is not done");
            return crate::error::AppError::NotReady(e.to_string()).into_response();
        }
    };
    let res = next.run(req).await;
    let outcome = res.status().as_u16().to_string();
    if let Err(e) = blocking(state, move |s| audit_end(s, seq, &outcome)).await {
        tracing::error!(seq, error = %e, "the audit line's outcome could not be written");
    }
    res
}
