//! Who may use the operator pages: argon2 passwords, server-side sessions behind a
//! `__Host-` cookie, the lockout after wrong passwords, and the CSRF checks every POST passes.
//!
//! Design: the cookie holds a 256-bit random session id; the database keeps only its SHA-256,
//! the session's CSRF token and its expiry (30 minutes idle, 12 hours at most). Every POST must
//! come from this origin (`Origin` / `Sec-Fetch-Site`, when the browser sends them) and carry
//! the session's token in a hidden field, compared in constant time. The sign-in form itself is
//! protected the same way by a short-lived pre-session cookie (double submit). Nothing here may
//! log a password, a session id or a token.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{Form, FromRequest, FromRequestParts, Request};
use axum::http::header::{HOST, ORIGIN};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::{DateTime, Duration, Utc};
use maud::html;
use password_hash::rand_core::OsRng;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use super::html::bare_page;
use crate::api::AppState;
use crate::keys;

/// The session cookie. `__Host-` makes the browser insist on `Secure`, `Path=/` and no
/// `Domain`, so no sibling host can plant or read it.
pub const SESSION_COOKIE: &str = "__Host-certdesk-operator";
/// The pre-session cookie that protects the sign-in form.
pub const SIGN_IN_COOKIE: &str = "__Host-certdesk-sign-in";
/// A session dies after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// A session dies this long after sign-in, however busy.
pub const MAX_SESSION: Duration = Duration::hours(12);
/// Wrong passwords in a row before the account locks.
pub const LOCK_AFTER: u32 = 5;
/// The first lock; each further wrong password after it doubles it, up to [`MAX_LOCK`].
pub const FIRST_LOCK: Duration = Duration::minutes(15);
/// The longest lock.
pub const MAX_LOCK: Duration = Duration::hours(4);
/// Shortest operator password.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Hashes a password with argon2id (the crate's default parameters, a random salt).
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches the stored PHC string. A malformed hash matches nothing.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of a password nobody knows: an unknown name costs the same argon2 work as a known
/// one, so response time does not tell which names exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password(&keys::device_secret()).unwrap_or_default())
}

/// The rule for a new operator password, as a sentence when broken.
pub fn check_new_password(password: &str) -> Result<(), certdesk_domain::Bilingual> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(crate::messages::operator::password_too_short(MIN_PASSWORD_CHARS));
    }
    Ok(())
}

/// When the account locks after `failures` wrong passwords in a row (counting the one just
/// made), or `None` while it may still try.
pub fn lock_until(failures: u32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let over = failures.checked_sub(LOCK_AFTER)?;
    let lock = FIRST_LOCK * 2i32.saturating_pow(over.min(8));
    Some(now + lock.min(MAX_LOCK))
}

/// Equal strings, compared in time that depends only on their lengths.
pub fn tokens_match(given: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

/// A cookie's value from the request, or an empty string.
pub fn cookie(parts: &Parts, name: &str) -> String {
    CookieJar::from_headers(&parts.headers)
        .get(name)
        .map(|c| c.value().to_owned())
        .unwrap_or_default()
}

/// One of our cookies for the jar: host-only, HTTPS only, unreadable by script, never sent
/// with a request another site starts. `None` clears it (empty, `Max-Age=0`); without a
/// `max_age` it lives as long as the browser session.
pub fn operator_cookie(
    name: &'static str,
    value: Option<String>,
    max_age: Option<Duration>,
) -> Cookie<'static> {
    let age = match (&value, max_age) {
        (None, _) => Some(0),
        (Some(_), age) => age.map(|a| a.num_seconds()),
    };
    let mut c = Cookie::build((name, value.unwrap_or_default()))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict);
    if let Some(seconds) = age {
        c = c.max_age(cookie::time::Duration::seconds(seconds));
    }
    c.build()
}

/// Whether the request comes from one of our own pages. A browser says where a POST comes from
/// in `Sec-Fetch-Site` (its pages cannot set it), which then decides; one too old to send it
/// sends `Origin`, which must name this host. `Origin` alone does not: a page served with a
/// strict referrer policy makes browsers send `Origin: null` for its own forms (WebKit does,
/// as the Fetch standard says; found by the operator pages' real-browser test, which could not
/// sign in). A client that sends neither (a script) still needs the session's token, which only
/// our pages hold.
pub fn same_origin(parts: &Parts) -> bool {
    if let Some(site) = parts.headers.get("sec-fetch-site") {
        return matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    let Some(origin) = parts.headers.get(ORIGIN) else {
        return true;
    };
    let host = parts
        .headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| parts.uri.authority().map(|a| a.as_str()));
    match (origin.to_str(), host) {
        (Ok(origin), Some(host)) => origin.eq_ignore_ascii_case(&format!("https://{host}")),
        _ => false,
    }
}

/// The answer to a POST that fails the origin or token check: refused, nothing changed.
pub fn forbidden() -> Response {
    let body = bare_page(
        "请求被拒绝 Request refused",
        html! {
            h1 { "请求被拒绝 " small { "Request refused" } }
            p { "表单已过期或来自其他网站，未做任何更改。请返回页面刷新后重试。" }
            p lang="en" {
                "The form has expired or came from another site; nothing was changed. \
                 Go back, reload the page and try again."
            }
            p { a href="/operator" { "返回 Back" } }
        },
    );
    (StatusCode::FORBIDDEN, body).into_response()
}

/// To the sign-in page (no session, or it expired), dropping a stale cookie.
fn to_sign_in() -> Response {
    (
        CookieJar::new().add(operator_cookie(SESSION_COOKIE, None, None)),
        Redirect::to("/operator/sign-in"),
    )
        .into_response()
}

/// A signed-in operator, found from the session cookie. Without a live session the request
/// is sent to the sign-in page and goes no further.
#[derive(Debug, Clone)]
pub struct Session {
    /// SHA-256 of the session id (what the store knows it by).
    pub id_hash: String,
    /// The operator's sign-in name.
    pub operator_name: String,
    /// The operator's role: which pages they may use ([`super::access`]).
    pub role: crate::store::operators::OperatorRole,
    /// The token this session's forms carry.
    pub csrf: String,
}

impl FromRequestParts<AppState> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let id = cookie(parts, SESSION_COOKIE);
        if id.is_empty() {
            return Err(to_sign_in());
        }
        let id_hash = keys::sha256_hex(&id);
        let now = (state.clock)();
        let store = state.store.clone();
        let lookup = id_hash.clone();
        let found = tokio::task::spawn_blocking(move || {
            let session = crate::flows::session(store.as_ref(), &lookup, now)?;
            if let Some(s) = &session {
                // Sliding idle timeout, never past the fixed maximum from sign-in.
                let expiry = (now + IDLE_TIMEOUT).min(s.created_at + MAX_SESSION);
                if expiry > s.expires_at {
                    store.touch_session(&lookup, expiry)?;
                }
            }
            Ok::<_, crate::store::StoreError>(session)
        })
        .await;
        match found {
            Ok(Ok(Some(s))) => Ok(Session {
                id_hash,
                operator_name: s.operator_name,
                role: s.role,
                csrf: s.csrf_token,
            }),
            Ok(Ok(None)) => Err(to_sign_in()),
            Ok(Err(e)) => Err(crate::error::AppError::from(e).into_response()),
            Err(e) => Err(crate::error::AppError::internal(e).into_response()),
        }
    }
}

/// A form that carries the CSRF token in its `csrf` field.
pub trait CsrfForm {
    /// The token as posted (empty when missing).
    fn csrf(&self) -> &str;
}

/// A form that carries nothing but the token (approve, revoke, sign out, issue a code).
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct CsrfOnly {
    /// The session's token.
    #[serde(default)]
    pub csrf: String,
}

impl CsrfForm for CsrfOnly {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// A POSTed form from a signed-in operator that passed the origin and token checks. Extracting
/// it is the whole CSRF defence of a handler, so every POST handler takes one.
pub struct Posted<T> {
    /// Who posted.
    pub session: Session,
    /// What they posted.
    pub form: T,
}

impl<T> FromRequest<AppState> for Posted<T>
where
    T: DeserializeOwned + CsrfForm + Send + 'static,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let session = Session::from_request_parts(&mut parts, state).await?;
        if !same_origin(&parts) {
            tracing::warn!(operator = %session.operator_name, "operator POST from another origin refused");
            return Err(forbidden());
        }
        let req = Request::from_parts(parts, body);
        // Every field of our forms is an optional string, so a body that does not parse
        // (no form content type, bad encoding) is one whose token cannot be checked.
        let Ok(Form(form)) = Form::<T>::from_request(req, state).await else {
            tracing::warn!(operator = %session.operator_name, "operator POST without a readable form refused");
            return Err(forbidden());
        };
        if !tokens_match(form.csrf(), &session.csrf) {
            tracing::warn!(operator = %session.operator_name, "operator POST with a wrong CSRF token refused");
            return Err(forbidden());
        }
        Ok(Posted { session, form })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_only_against_its_own_hash() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"), "argon2id PHC string: {h}");
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "correct horse batterY"));
        assert!(!verify_password("not a hash", "anything"));
        assert!(!verify_password(decoy_hash(), ""));
    }

    #[test]
    fn the_lock_starts_at_the_fifth_failure_and_doubles_up_to_a_cap() {
        let now: DateTime<Utc> = "2026-11-27T02:00:00Z".parse().unwrap();
        assert_eq!(lock_until(4, now), None);
        assert_eq!(lock_until(5, now), Some(now + Duration::minutes(15)));
        assert_eq!(lock_until(6, now), Some(now + Duration::minutes(30)));
        assert_eq!(lock_until(60, now), Some(now + MAX_LOCK));
    }

    fn post(headers: &[(&str, &str)]) -> Parts {
        let mut req = axum::http::Request::post("https://127.0.0.1:8443/operator/sign-in");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.body(()).unwrap().into_parts().0
    }

    #[test]
    fn a_browsers_own_form_is_same_origin_even_with_a_null_origin_and_another_sites_never() {
        let host = ("host", "127.0.0.1:8443");
        // WebKit posting a form of a page served with a strict referrer policy.
        assert!(same_origin(&post(&[host, ("origin", "null"), ("sec-fetch-site", "same-origin")])));
        assert!(same_origin(&post(&[host, ("origin", "https://127.0.0.1:8443"), ("sec-fetch-site", "same-origin")])));
        assert!(same_origin(&post(&[host, ("origin", "https://127.0.0.1:8443")])), "a browser without Sec-Fetch-Site");
        assert!(same_origin(&post(&[host])), "a script: the token decides");
        for site in ["cross-site", "same-site"] {
            assert!(!same_origin(&post(&[host, ("origin", "https://127.0.0.1:8443"), ("sec-fetch-site", site)])), "{site}");
            assert!(!same_origin(&post(&[host, ("origin", "null"), ("sec-fetch-site", site)])), "{site}, null origin");
        }
        assert!(!same_origin(&post(&[host, ("origin", "https://evil.example")])));
        assert!(!same_origin(&post(&[host, ("origin", "null")])), "a null origin alone proves nothing");
    }

    #[test]
    fn tokens_match_only_when_equal_and_never_when_empty() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abd", "abc"));
        assert!(!tokens_match("ab", "abc"));
        assert!(!tokens_match("", ""), "an empty expected token is no token");
    }

    #[test]
    fn cookies_are_host_only_secure_http_only_and_strict() {
        let c = operator_cookie(SESSION_COOKIE, Some("v".into()), None).to_string();
        for part in ["Path=/", "Secure", "HttpOnly", "SameSite=Strict"] {
            assert!(c.contains(part), "{c} lacks {part}");
        }
        assert!(!c.contains("Domain"), "__Host- cookies carry no Domain");
        assert!(
            !c.contains("Max-Age"),
            "a session cookie dies with the browser: {c}"
        );
        assert!(operator_cookie(SESSION_COOKIE, None, None)
            .to_string()
            .ends_with("Max-Age=0"));
        let pre = operator_cookie(
            SIGN_IN_COOKIE,
            Some("t".into()),
            Some(Duration::minutes(30)),
        );
        assert!(pre.to_string().ends_with("Max-Age=1800"), "{pre}");
    }
}
