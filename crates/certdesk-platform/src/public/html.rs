//! The public page's HTML: one small, self-contained document per answer (inline CSS, no
//! script, no external resource), laid out for a phone and readable in Chinese first, English
//! second.
//!
//! The pages are maud templates, so everything interpolated is escaped; the one piece of
//! trusted HTML is the fixed style sheet ([`PreEscaped`]). This module must never be given a
//! full name, ID number or a worker's phone: it renders what it receives.

use certdesk_domain::standing::Colour;
use certdesk_domain::Bilingual;
use maud::{html, Markup, PreEscaped, DOCTYPE};

const STYLE: &str = "\
*{box-sizing:border-box}\
body{margin:0;background:#f2f4f7;color:#1d2129;font:16px/1.5 -apple-system,system-ui,\"PingFang SC\",\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif}\
header{background:#0b4a8b;color:#fff;padding:12px 16px}\
header b{display:block;font-size:17px;letter-spacing:1px}header span{font-size:12px;opacity:.85}\
main{max-width:480px;margin:0 auto;padding:12px}\
section,details{background:#fff;border-radius:12px;padding:16px;margin:0 0 12px;box-shadow:0 1px 2px rgba(0,0,0,.06)}\
.verdict{display:flex;gap:14px;align-items:center;border:2px solid}\
.verdict .mark{flex:none;width:56px;height:56px;border-radius:50%;color:#fff;font-size:34px;line-height:56px;text-align:center;font-weight:700}\
.verdict h1{margin:0;font-size:30px;line-height:1.2}\
.verdict .en{margin:0;font-weight:600}\
.verdict .why{margin:6px 0 0;font-size:14px}\
.colour{margin:0 0 2px;font-weight:700;letter-spacing:1px}\
.dot{display:inline-block;width:12px;height:12px;border-radius:50%;margin-right:6px;vertical-align:-1px}\
.dot.green{background:#1e8e3e}.dot.yellow{background:#f0b400}.dot.red{background:#cf1322}\
.lapse{color:#a0520a;font-weight:600}\
.ok{background:#e9f7ef;border-color:#1e8e3e;color:#0d6b2c}.ok .mark{background:#1e8e3e}\
.warn{background:#fff5e6;border-color:#d46b08;color:#a0520a}.warn .mark{background:#d46b08}\
.bad{background:#fdeceb;border-color:#cf1322;color:#a8071a}.bad .mark{background:#cf1322}\
.who{display:flex;gap:14px;align-items:flex-start;margin-bottom:8px}\
.who img,.nophoto{flex:none;width:108px;height:133px;border-radius:8px;object-fit:cover;background:#e5e7eb}\
.nophoto{display:flex;align-items:center;justify-content:center;color:#6b7280;font-size:13px;text-align:center}\
.name{font-size:26px;font-weight:700;margin:0;letter-spacing:2px}\
.who p{margin:2px 0}\
.tag{display:inline-block;background:#eef4ff;color:#0b4a8b;border-radius:999px;padding:1px 10px;margin:4px 4px 0 0;font-size:13px}\
dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:8px 12px;font-size:15px}\
dt{color:#6b7280;font-size:13px;line-height:1.3}dt small,dd small{display:block;font-size:11px;color:#8a919c}\
dd{margin:0;word-break:break-all}section>p{margin:0}\
.mono{font-family:ui-monospace,Menlo,Consolas,monospace;letter-spacing:.5px}\
a{color:#0b4a8b}\
.note{font-size:12px;color:#6b7280;margin:12px 0 0}\
h2,summary{font-size:18px;margin:0 0 8px;font-weight:700}summary{margin:0;cursor:pointer}\
details[open] summary{margin-bottom:8px}\
.stars{display:flex;flex-direction:row-reverse;justify-content:flex-end;margin:4px 0 8px}\
.stars input{position:absolute;opacity:0;width:1px;height:1px}\
.stars label{font-size:42px;line-height:1;color:#d0d5dd;padding:0 4px;cursor:pointer}\
.stars input:checked~label{color:#f5a623}\
.stars input:focus-visible+label{outline:2px solid #0b4a8b;border-radius:4px}\
textarea,input[type=text]{width:100%;font:inherit;border:1px solid #d0d5dd;border-radius:8px;padding:10px;margin:4px 0 10px}\
button{width:100%;font:inherit;font-weight:700;border:0;border-radius:8px;padding:12px;background:#0b4a8b;color:#fff}\
.complain button{background:#cf1322}button.visit{background:#1e8e3e}\
label.f{font-size:14px;color:#4b5563}\
footer{text-align:center;font-size:12px;color:#8a919c;padding:4px 16px 24px}";

/// How a verdict is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Green: valid; thanks.
    Ok,
    /// Orange: genuine but not in force (replaced, expired); a refusal the citizen can fix.
    Warn,
    /// Red: revoked, not genuine; a hard refusal.
    Bad,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Tone::Ok => "ok",
            Tone::Warn => "warn",
            Tone::Bad => "bad",
        }
    }

    fn mark(self) -> &'static str {
        match self {
            Tone::Ok => "✓",
            Tone::Warn => "!",
            Tone::Bad => "✕",
        }
    }
}

/// The big coloured block at the top: `code` is the stable verdict (or outcome) code, kept in
/// `data-verdict` for machines.
pub struct Banner<'a> {
    /// Stable code.
    pub code: &'a str,
    /// Colour.
    pub tone: Tone,
    /// The word (有效, 已注销...).
    pub title: Bilingual,
    /// One or two sentences: what it means and what to do.
    pub why: Bilingual,
    /// A certificate's colour (绿/黄/红), said in words beside the mark; outcome pages (a
    /// rating received, a form refused) have none.
    pub colour: Option<Colour>,
}

/// A whole page: the banner, then `body`, then the footer.
pub fn page(banner: &Banner<'_>, body: Markup, footer: Markup) -> String {
    page_titled(banner, body, footer, "查验 Check")
}

/// A whole page whose header says what the page is (`查验 Check`, `电子证 Electronic card`).
pub fn page_titled(banner: &Banner<'_>, body: Markup, footer: Markup, what: &str) -> String {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                meta name="robots" content="noindex";
                title { (banner.title.zh) " · 上门服务证查验" }
                // Trusted: a constant of this module, and a style element's text is never
                // entity-decoded, so it could not be escaped anyway.
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    b { "上海市家政上门服务证" }
                    span { "Shanghai home-service certificate · " (what) }
                }
                main {
                    section class={ "verdict " (banner.tone.class()) } data-verdict=(banner.code) role="status" {
                        div class="mark" aria-hidden="true" { (banner.tone.mark()) }
                        div {
                            @if let Some(c) = banner.colour {
                                p class="colour" data-colour=(c.code()) {
                                    span class={ "dot " (c.code()) } aria-hidden="true" {}
                                    (c.word_zh()) " " (c.word_en())
                                }
                            }
                            h1 { (banner.title.zh) }
                            p class="en" { (banner.title.en) }
                            p class="why" { (banner.why.zh) br; (banner.why.en) }
                        }
                    }
                    (body)
                }
                footer { (footer) }
            }
        }
    }
    .into_string()
}

/// One row of the details list: a bilingual label and its value.
pub fn row(zh: &str, en: &str, value: Markup) -> Markup {
    html! {
        dt { (zh) small { (en) } }
        dd { (value) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_every_character_that_opens_markup_or_closes_an_attribute() {
        let hostile = "<a href=\"x\" onclick='y'>&</a>";
        let banner = Banner {
            code: hostile,
            tone: Tone::Bad,
            title: Bilingual::new(hostile, hostile),
            why: Bilingual::new(hostile, hostile),
            colour: None,
        };
        let out = page(
            &banner,
            row(hostile, hostile, html! { (hostile) }),
            html! { (hostile) },
        );
        let escaped = "&lt;a href=&quot;x&quot; onclick='y'&gt;&amp;&lt;/a&gt;";
        assert!(!out.contains("<a href"), "no markup gets through: {out}");
        assert_eq!(
            out.matches(escaped).count(),
            10,
            "every value is shown as text: {out}"
        );
        assert!(
            out.contains(&format!("data-verdict=\"{escaped}\"")),
            "attributes are double-quoted, so a single quote cannot end one: {out}"
        );
    }
}
