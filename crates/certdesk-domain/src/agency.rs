//! Rules for the agency's own details (家政服务机构): the Shanghai district it sits in, and the
//! plain free-text fields (names, addresses) shared with the worker form.
//!
//! This module must never hold an agency's data or talk to the platform; it only judges
//! what was typed. The credit code has its own module, [`crate::credit_code`].

use crate::error::FieldError;
use crate::messages as msg;

/// Shanghai's 16 districts, in the official order (central districts first).
pub const DISTRICTS: [&str; 16] = [
    "黄浦区",
    "徐汇区",
    "长宁区",
    "静安区",
    "普陀区",
    "虹口区",
    "杨浦区",
    "闵行区",
    "宝山区",
    "嘉定区",
    "浦东新区",
    "金山区",
    "松江区",
    "青浦区",
    "奉贤区",
    "崇明区",
];

/// Accepts a district's exact name and the short forms people say and type ("黄浦" for 黄浦区,
/// "浦东" for 浦东新区), also behind a "上海市"/"上海" prefix; returns the official name.
/// Errors use field `"district"` and code `district_invalid`.
pub fn parse_district(input: &str) -> Result<String, FieldError> {
    let typed = input.trim();
    let short = typed
        .strip_prefix("上海市")
        .or_else(|| typed.strip_prefix("上海"))
        .unwrap_or(typed)
        .trim();
    if !short.is_empty() {
        for district in DISTRICTS {
            let stem = district
                .strip_suffix("新区")
                .or_else(|| district.strip_suffix('区'))
                .unwrap_or(district);
            if short == district || short == stem || short == format!("{stem}区") {
                return Ok(district.to_owned());
            }
        }
    }
    Err(msg::district_invalid(typed, &DISTRICTS.join("、")))
}

/// A required single-line text (address, agency name...): trimmed, non-empty (`required`),
/// at most `max_chars` characters (`too_long`), and free of control characters such as tabs
/// and line breaks pasted from Excel (`text_chars`), which would break exports and cards.
pub fn parse_required_text(
    input: &str,
    field: &str,
    max_chars: usize,
) -> Result<String, FieldError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(msg::required(field));
    }
    if let Some((i, c)) = text.chars().enumerate().find(|(_, c)| c.is_control()) {
        return Err(msg::text_chars(field, i + 1, c));
    }
    let count = text.chars().count();
    if count > max_chars {
        return Err(msg::too_long(field, count, max_chars));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::codes;

    #[test]
    fn every_official_district_name_is_accepted_as_is() {
        for d in DISTRICTS {
            assert_eq!(parse_district(d).unwrap(), d);
        }
    }

    #[test]
    fn district_names_without_the_suffix_are_completed() {
        assert_eq!(parse_district("黄浦").unwrap(), "黄浦区");
        assert_eq!(parse_district(" 崇明 ").unwrap(), "崇明区");
        assert_eq!(parse_district("浦东").unwrap(), "浦东新区");
        assert_eq!(parse_district("浦东区").unwrap(), "浦东新区");
        assert_eq!(parse_district("上海市徐汇区").unwrap(), "徐汇区");
    }

    #[test]
    fn unknown_or_abolished_district_is_refused_naming_it() {
        for bad in ["闸北区", "卢湾", "朝阳区", "区"] {
            let e = parse_district(bad).unwrap_err();
            assert_eq!(e.code, codes::DISTRICT_INVALID, "{bad}");
            assert_eq!(e.field, "district");
            assert!(
                e.message_zh.contains(bad) && e.message_zh.contains("黄浦区"),
                "{}",
                e.message_zh
            );
        }
    }

    #[test]
    fn empty_district_is_refused() {
        let e = parse_district(" ").unwrap_err();
        assert_eq!(e.code, codes::DISTRICT_INVALID);
        assert!(e.message_zh.contains("所在区"));
    }

    #[test]
    fn required_text_is_trimmed() {
        assert_eq!(
            parse_required_text("  上海市黄浦区某路1号 ", "address", 200).unwrap(),
            "上海市黄浦区某路1号"
        );
    }

    #[test]
    fn blank_required_text_is_refused_naming_the_field() {
        let e = parse_required_text(" \u{3000} ", "address", 200).unwrap_err();
        assert_eq!(e.code, codes::REQUIRED);
        assert_eq!(e.field, "address");
        assert!(e.message_zh.contains("住址"), "{}", e.message_zh);
    }

    #[test]
    fn text_over_the_limit_in_chars_is_refused() {
        assert!(parse_required_text(&"路".repeat(10), "address", 10).is_ok());
        let e = parse_required_text(&"路".repeat(11), "address", 10).unwrap_err();
        assert_eq!(e.code, codes::TOO_LONG);
        assert!(
            e.message_zh.contains("最多 10") && e.message_zh.contains("11 个字"),
            "{}",
            e.message_zh
        );
    }

    #[test]
    fn control_characters_inside_text_are_refused_with_position() {
        let e = parse_required_text("某路\n1号", "address", 200).unwrap_err();
        assert_eq!(e.code, codes::TEXT_CHARS);
        assert!(
            e.message_zh.contains("第 3 个字") && e.message_zh.contains("U+000A"),
            "{}",
            e.message_zh
        );
    }
}
