//! Phone numbers: the worker's own mainland mobile, and contact numbers (agency, emergency
//! contact) that may also be landlines.
//!
//! Numbers are normalised to plain digits so that duplicates are found and SMS can be sent
//! whatever the clerk typed. This module must never hard-code carrier prefixes (they keep
//! changing) and never contact any network to "verify" a number.

use serde::Serialize;

use crate::error::FieldError;
use crate::messages as msg;
use crate::text::to_halfwidth;

/// A mainland China mobile number, stored as its 11 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Mobile(String);

impl Mobile {
    /// Parse what a clerk typed, e.g. `+86 138-1234-5678`, `(0086)13812345678`,
    /// full-width digits. The country prefix is dropped only when 11 mobile digits follow,
    /// so a mistyped number is reported rather than silently truncated.
    pub fn parse(input: &str) -> Result<Mobile, FieldError> {
        parse_mobile(input, "phone")
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Mobile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Accepts either a mobile (normalised to 11 digits) or a landline (`021-12345678`,
/// `02112345678`, local `12345678`), normalised to digits with a dash after the area code.
/// `field` names the form field in errors (e.g. `"agency_phone"`, `"emergency_contact_phone"`).
///
/// Area codes are split by the national plan rather than by where the clerk put a dash:
/// 010 and 020-029 are 3 characters long, all others 4.
pub fn parse_contact_phone(input: &str, field: &str) -> Result<String, FieldError> {
    let typed = input.trim();
    let cleaned = strip_separators(input);
    if cleaned.is_empty() {
        return Err(msg::phone_empty(field));
    }
    if let Ok(m) = parse_mobile(input, field) {
        return Ok(m.0);
    }
    let invalid = || msg::phone_invalid_contact(field, typed);

    // "+86 21 1234 5678" / "0086 21 ..." : the trunk 0 is dropped after a country code.
    let digits = if let Some(rest) = cleaned
        .strip_prefix("+86")
        .or_else(|| cleaned.strip_prefix("0086"))
    {
        format!("0{rest}")
    } else {
        cleaned
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    if !digits.starts_with('0') {
        return if (7..=8).contains(&digits.len()) {
            Ok(digits)
        } else {
            Err(invalid())
        };
    }
    let area_len = match digits.as_bytes().get(1) {
        Some(b'1') | Some(b'2') => 3,
        Some(_) => 4,
        None => return Err(invalid()),
    };
    if digits.len() < area_len {
        return Err(invalid());
    }
    let (area, local) = digits.split_at(area_len);
    if !(7..=8).contains(&local.len()) || local.starts_with('0') {
        return Err(invalid());
    }
    Ok(format!("{area}-{local}"))
}

/// Removes what people put between digits; keeps `+` so the country code can be recognised.
fn strip_separators(input: &str) -> String {
    to_halfwidth(input)
        .chars()
        .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '(' | ')' | '\u{2010}'..='\u{2015}')))
        .collect()
}

fn parse_mobile(input: &str, field: &str) -> Result<Mobile, FieldError> {
    let typed = input.trim();
    let cleaned = strip_separators(input);
    if cleaned.is_empty() {
        return Err(msg::phone_empty(field));
    }
    let (plus, body) = match cleaned.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, cleaned.as_str()),
    };
    let mut number = body;
    for prefix in ["0086", "86"] {
        if let Some(rest) = body.strip_prefix(prefix) {
            if is_mobile(rest) {
                number = rest;
                break;
            }
        }
    }
    // A "+" that did not introduce +86 means a foreign number.
    if plus && number.len() == body.len() {
        number = cleaned.as_str();
    }
    if is_mobile(number) {
        Ok(Mobile(number.to_owned()))
    } else {
        let digit_count = number.chars().filter(char::is_ascii_digit).count();
        Err(msg::phone_invalid_mobile(field, typed, digit_count))
    }
}

/// `^1[3-9]\d{9}$`
fn is_mobile(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::codes;

    fn ok(input: &str) -> String {
        Mobile::parse(input).unwrap().as_str().to_owned()
    }

    #[test]
    fn plain_mobile_is_accepted() {
        assert_eq!(ok("13812345678"), "13812345678");
        assert_eq!(ok("19912345678"), "19912345678");
    }

    #[test]
    fn spaces_dashes_and_parentheses_are_removed() {
        assert_eq!(ok(" 138 1234 5678 "), "13812345678");
        assert_eq!(ok("138-1234-5678"), "13812345678");
        assert_eq!(ok("(138)12345678"), "13812345678");
    }

    #[test]
    fn country_prefixes_are_stripped_before_eleven_mobile_digits() {
        assert_eq!(ok("+86 138 1234 5678"), "13812345678");
        assert_eq!(ok("+8613812345678"), "13812345678");
        assert_eq!(ok("008613812345678"), "13812345678");
        assert_eq!(ok("8613812345678"), "13812345678");
        assert_eq!(ok("(+86)138-1234-5678"), "13812345678");
    }

    #[test]
    fn full_width_digits_are_accepted() {
        assert_eq!(ok("１３８１２３４５６７８"), "13812345678");
        assert_eq!(ok("＋８６　１３８１２３４５６７８"), "13812345678");
    }

    #[test]
    fn an_86_that_is_not_a_prefix_is_not_stripped() {
        // 86 followed by only 9 digits: the prefix must not be eaten to make it "fit".
        let e = Mobile::parse("86138123456").unwrap_err();
        assert_eq!(e.code, codes::PHONE_INVALID);
    }

    #[test]
    fn foreign_country_code_is_refused() {
        let e = Mobile::parse("+1 13812345678").unwrap_err();
        assert_eq!(e.code, codes::PHONE_INVALID);
        let e = Mobile::parse("+13812345678").unwrap_err();
        assert_eq!(e.code, codes::PHONE_INVALID);
    }

    #[test]
    fn empty_mobile_is_refused() {
        let e = Mobile::parse("  - ").unwrap_err();
        assert_eq!(e.code, codes::PHONE_EMPTY);
        assert_eq!(e.field, "phone");
        assert!(e.message_zh.contains("手机号码"));
    }

    #[test]
    fn second_digit_below_3_is_refused_with_the_rule_named() {
        let e = Mobile::parse("12812345678").unwrap_err();
        assert_eq!(e.code, codes::PHONE_INVALID);
        assert_eq!(e.field, "phone");
        assert!(
            e.message_zh.contains("12812345678") && e.message_zh.contains("13–19开头的11位"),
            "{}",
            e.message_zh
        );
        assert!(e
            .message_en
            .contains("11-digit mainland China mobile number starting with 13-19"));
    }

    #[test]
    fn wrong_digit_count_is_reported() {
        let e = Mobile::parse("1381234567").unwrap_err();
        assert_eq!(e.code, codes::PHONE_INVALID);
        assert!(e.message_zh.contains("10 位数字"), "{}", e.message_zh);
        let e = Mobile::parse("138123456789").unwrap_err();
        assert!(e.message_zh.contains("12 位数字"), "{}", e.message_zh);
    }

    #[test]
    fn letters_are_refused() {
        assert_eq!(
            Mobile::parse("1381234567a").unwrap_err().code,
            codes::PHONE_INVALID
        );
    }

    #[test]
    fn mobile_serializes_as_a_plain_string() {
        assert_eq!(
            serde_json::to_string(&Mobile::parse("13812345678").unwrap()).unwrap(),
            "\"13812345678\""
        );
    }

    #[test]
    fn contact_phone_accepts_a_mobile() {
        assert_eq!(
            parse_contact_phone("+86 138-1234-5678", "emergency_contact_phone").unwrap(),
            "13812345678"
        );
    }

    #[test]
    fn contact_phone_accepts_landlines_with_or_without_dash() {
        assert_eq!(
            parse_contact_phone("021-12345678", "agency_phone").unwrap(),
            "021-12345678"
        );
        assert_eq!(
            parse_contact_phone("02112345678", "agency_phone").unwrap(),
            "021-12345678"
        );
        assert_eq!(
            parse_contact_phone("(021) 1234 5678", "agency_phone").unwrap(),
            "021-12345678"
        );
        assert_eq!(
            parse_contact_phone("010-1234567", "agency_phone").unwrap(),
            "010-1234567"
        );
        assert_eq!(
            parse_contact_phone("0571-88888888", "agency_phone").unwrap(),
            "0571-88888888"
        );
        assert_eq!(
            parse_contact_phone("05718888888", "agency_phone").unwrap(),
            "0571-8888888"
        );
        assert_eq!(
            parse_contact_phone("+86 21 12345678", "agency_phone").unwrap(),
            "021-12345678"
        );
    }

    #[test]
    fn contact_phone_accepts_a_local_number() {
        assert_eq!(
            parse_contact_phone("12345678", "agency_phone").unwrap(),
            "12345678"
        );
        assert_eq!(
            parse_contact_phone("6123456", "agency_phone").unwrap(),
            "6123456"
        );
    }

    #[test]
    fn contact_phone_refuses_bad_numbers_naming_the_field() {
        for bad in [
            "123456",
            "123456789",
            "021-123456",
            "021-123456789",
            "021-abc45678",
            "0",
        ] {
            let e = parse_contact_phone(bad, "emergency_contact_phone").unwrap_err();
            assert_eq!(e.code, codes::PHONE_INVALID, "{bad}");
            assert_eq!(e.field, "emergency_contact_phone");
            assert!(
                e.message_zh.starts_with("紧急联系人电话"),
                "{}",
                e.message_zh
            );
            assert!(e.message_zh.contains(bad), "{}", e.message_zh);
        }
    }

    #[test]
    fn contact_phone_empty_is_refused() {
        let e = parse_contact_phone(" ", "agency_phone").unwrap_err();
        assert_eq!(e.code, codes::PHONE_EMPTY);
        assert_eq!(e.field, "agency_phone");
        assert!(e.message_zh.contains("机构电话"));
    }
}
