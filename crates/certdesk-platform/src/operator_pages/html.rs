//! The frame of every operator page: escaping, the layout with its navigation, and plain
//! inline CSS. Chinese first, English beside it.
//!
//! Every value that came from outside (agency names, worker records, reasons) goes through
//! [`esc`]; pages load nothing from elsewhere and need no script (the response headers forbid
//! both).

use axum::response::Html;

use super::auth::Session;

/// HTML-escapes text for element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

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

fn head(title: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{} · 上门服务证平台</title>\
         <style>{STYLE}</style></head>",
        esc(title)
    )
}

/// A page without navigation (sign-in, refusals).
pub fn bare_page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "{}<body><header><b>上门服务证平台 <small>Certificate platform · 运营 Operators</small></b></header>\
         <main>{body}</main></body></html>",
        head(title)
    ))
}

/// A page for a signed-in operator: navigation, who is signed in, the sign-out button.
pub fn page(session: &Session, title: &str, notice: Option<&str>, body: &str) -> Html<String> {
    let notice = notice
        .map(|n| format!("<p class=\"notice\">{n}</p>"))
        .unwrap_or_default();
    Html(format!(
        "{}<body><header><b>上门服务证平台 <small>Operators</small></b>\
         <a href=\"/operator/reviews\">审核队列 <small>Reviews</small></a>\
         <a href=\"/operator/agencies\">机构 <small>Agencies</small></a>\
         <a href=\"/operator/devices\">设备 <small>Devices</small></a>\
         <a href=\"/operator/revocations\">注销与补发 <small>Revocations</small></a>\
         <span class=\"who\">{} {}</span></header><main>{notice}{body}</main></body></html>",
        head(title),
        esc(&session.operator_name),
        csrf_form(
            session,
            "/operator/sign-out",
            "<button class=\"plain\">退出 Sign out</button>"
        ),
    ))
}

/// A POST form carrying the session's CSRF token.
pub fn csrf_form(session: &Session, action: &str, inner: &str) -> String {
    format!(
        "<form class=\"inline\" method=\"post\" action=\"{}\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">{inner}</form>",
        esc(action),
        esc(&session.csrf)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_data_is_shown_not_run() {
        assert_eq!(
            esc("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
    }
}
