//! The frame of every operator page: the layout with its navigation, and plain inline CSS.
//! Chinese first, English beside it.
//!
//! Pages are maud templates, so every value that came from outside (agency names, worker
//! records, reasons) is escaped where it is interpolated; the only trusted HTML is the fixed
//! style sheet ([`PreEscaped`]). Pages load nothing from elsewhere and need no script (the
//! response headers forbid both).

use axum::response::Html;
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::access::{may, Area};
use super::auth::Session;

const STYLE: &str = "body{font-family:system-ui,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;\
margin:0;color:#1f2328;background:#f6f7f9}\
header{background:#0b4f8a;color:#fff;padding:.6em 1.2em;display:flex;gap:1.2em;align-items:center;flex-wrap:wrap}\
header a{color:#fff;text-decoration:none}header a:hover{text-decoration:underline}\
header .who{margin-left:auto;font-size:.9em}main{padding:1em 1.5em;max-width:72em}\
small,.en{color:#59636e;font-weight:normal}header small{color:#d8e6f3}\
table{border-collapse:collapse;background:#fff;width:100%;margin:.6em 0}\
th,td{border:1px solid #d0d7de;padding:.35em .6em;text-align:left;vertical-align:top}\
th{background:#eef1f4}form.inline{display:inline}\
input,select,textarea{font:inherit;padding:.3em;border:1px solid #8c959f;border-radius:3px}\
button{font:inherit;padding:.3em .9em;border-radius:3px;border:1px solid #0b4f8a;background:#0b4f8a;color:#fff;cursor:pointer}\
button.danger{background:#b42318;border-color:#b42318}button.plain{background:#fff;color:#0b4f8a}\
.card{background:#fff;border:1px solid #d0d7de;border-radius:4px;padding:.8em 1em;margin:.8em 0}\
.notice{background:#e6f4ea;border:1px solid #8bc59a;padding:.6em 1em;border-radius:4px}\
.error{background:#fdecea;border:1px solid #e39b95;padding:.6em 1em;border-radius:4px}\
.code{font-family:ui-monospace,monospace;font-size:1.6em;letter-spacing:.1em;background:#fff8d6;padding:.3em .6em}\
img.photo{max-width:180px;max-height:240px;border:1px solid #d0d7de;background:#fff}\
label{display:block;margin:.4em 0}label input,label select{min-width:20em}";

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width";
            title { (title) " · 上门服务证平台" }
            // Trusted: a constant of this module (a style element's text is never decoded).
            style { (PreEscaped(STYLE)) }
        }
    }
}

/// A page without navigation (sign-in, refusals).
pub fn bare_page(title: &str, body: Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang="zh-CN" {
                (head(title))
                body {
                    header {
                        b { "上门服务证平台 " small { "Certificate platform · 运营 Operators" } }
                    }
                    main { (body) }
                }
            }
        }
        .into_string(),
    )
}

/// A page for a signed-in operator: navigation, who is signed in, the sign-out button.
pub fn page(session: &Session, title: &str, notice: Option<Markup>, body: Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang="zh-CN" {
                (head(title))
                body {
                    header {
                        b { "上门服务证平台 " small { "Operators" } }
                        @for area in Area::ALL.into_iter().filter(|a| a.in_navigation() && may(session.role, *a)) {
                            a href=(area.path()) { (area.labels().0) " " small { (area.labels().1) } }
                        }
                        span class="who" {
                            (session.operator_name) " "
                            small { "（" (session.role.label_zh()) "）" } " "
                            (csrf_form(session, "/operator/sign-out", html! {
                                button class="plain" { "退出 Sign out" }
                            }))
                        }
                    }
                    main {
                        @if let Some(n) = notice {
                            p class="notice" { (n) }
                        }
                        (body)
                    }
                }
            }
        }
        .into_string(),
    )
}

/// A POST form carrying the session's CSRF token.
pub fn csrf_form(session: &Session, action: &str, inner: Markup) -> Markup {
    html! {
        form class="inline" method="post" action=(action) {
            (csrf_field(session))
            (inner)
        }
    }
}

/// The hidden field with the session's CSRF token, for a form of the page's own.
pub fn csrf_field(session: &Session) -> Markup {
    html! { input type="hidden" name="csrf" value=(session.csrf); }
}

/// A sentence in Chinese with its English beside it, as the pages show notices and errors.
pub fn bilingual(zh: &str, en: &str) -> Markup {
    html! { (zh) span class="en" { (en) } }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session {
            id_hash: String::new(),
            operator_name: "<script>alert('x')</script>&\"".into(),
            role: crate::store::operators::OperatorRole::Office,
            csrf: "t\"><script>".into(),
        }
    }

    #[test]
    fn markup_in_data_is_shown_not_run() {
        let s = session();
        let out = page(&s, "<script>", None, html! { (s.operator_name) }).0;
        assert!(!out.contains("<script"), "no markup gets through: {out}");
        assert_eq!(
            out.matches("&lt;script&gt;alert('x')&lt;/script&gt;&amp;&quot;")
                .count(),
            2,
            "the operator's name in the header and in the body, as text: {out}"
        );
        assert!(out.contains("value=\"t&quot;&gt;&lt;script&gt;\""), "{out}");
    }
}
