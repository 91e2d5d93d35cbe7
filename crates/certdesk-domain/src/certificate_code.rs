//! The certificate code (上门服务证编码): the city-wide identifier the platform assigns at
//! approval and prints on the card, e.g. `SH0120260000012` (黄浦区, 2026, serial 1, check `2`).
//!
//! Layout (15 characters): `SH`, the district number (2 digits, `01`–`16` in the order of
//! [`crate::DISTRICTS`]), the year of approval (4 digits), a serial within district and year
//! (6 digits, from `000001`), and a check character computed over the first 14 characters with
//! ISO 7064 MOD 37,36 (hybrid system, alphabet `0-9A-Z`), which catches every single wrong
//! character and every swap of two neighbouring ones. The check character is never `*`, so the
//! code is safe in URLs, file names and spreadsheets.
//!
//! This module only formats and reads codes; it must never allocate serials (the platform does,
//! under its own uniqueness constraint).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::agency::DISTRICTS;
use crate::error::FieldError;
use crate::messages;

/// Stable error codes of this module.
pub mod codes {
    /// The code was left blank.
    pub const CODE_EMPTY: &str = "certificate_code_empty";
    /// Wrong length, prefix or characters.
    pub const CODE_FORMAT: &str = "certificate_code_format";
    /// District number outside 01–16.
    pub const CODE_DISTRICT: &str = "certificate_code_district";
    /// The check character does not match.
    pub const CODE_CHECK: &str = "certificate_code_check";
}

const PREFIX: &str = "SH";
/// The longest a certificate may be valid, first and last day counted: three years (with a
/// leap day). A credential claiming longer was never issued by the programme.
pub const MAX_CERTIFICATE_VALIDITY_DAYS: u32 = 1096;

/// Length of a certificate code, check character included.
pub const CERTIFICATE_CODE_LEN: usize = 15;
/// Largest serial a district may assign in one year.
pub const MAX_SERIAL: u32 = 999_999;
/// Years a code may carry (the programme started in 2019; four digits are printed).
pub const YEARS: std::ops::RangeInclusive<u16> = 2000..=2099;

/// A well-formed certificate code. Build it with [`CertificateCode::new`] or
/// [`CertificateCode::parse`]; the check character is always consistent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CertificateCode {
    district: u8,
    year: u16,
    serial: u32,
}

impl CertificateCode {
    /// A code for `district` (1–16, see [`crate::DISTRICTS`]), `year` and `serial` (1–999999).
    /// Errors are programming or allocation errors on the platform, so they carry the English
    /// reason only in both messages' detail.
    pub fn new(district: u8, year: u16, serial: u32) -> Result<Self, FieldError> {
        if !(1..=DISTRICTS.len() as u8).contains(&district) {
            return Err(district_error(&format!("{district:02}")));
        }
        if !YEARS.contains(&year) || !(1..=MAX_SERIAL).contains(&serial) {
            return Err(format_error(&format!("{district:02}/{year}/{serial}")));
        }
        Ok(CertificateCode {
            district,
            year,
            serial,
        })
    }

    /// The district number of an official district name (`黄浦区` → 1), for allocation.
    pub fn district_number(district_name: &str) -> Option<u8> {
        DISTRICTS
            .iter()
            .position(|d| *d == district_name)
            .map(|i| i as u8 + 1)
    }

    /// Reads a typed or scanned code: trims, ignores spaces and dashes, accepts lower case.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let typed = input.trim();
        if typed.is_empty() {
            return Err(messages::certificate_code_empty());
        }
        let code: String = typed
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = code.as_bytes();
        let digits_ok = bytes.len() == CERTIFICATE_CODE_LEN
            && code.starts_with(PREFIX)
            && bytes[2..14].iter().all(u8::is_ascii_digit)
            && value(bytes[14]).is_some();
        if !digits_ok {
            return Err(format_error(typed));
        }
        let district: u8 = code[2..4].parse().map_err(|_| format_error(typed))?;
        if !(1..=DISTRICTS.len() as u8).contains(&district) {
            return Err(district_error(&code[2..4]));
        }
        let year: u16 = code[4..8].parse().map_err(|_| format_error(typed))?;
        let serial: u32 = code[8..14].parse().map_err(|_| format_error(typed))?;
        if !YEARS.contains(&year) || serial == 0 {
            return Err(format_error(typed));
        }
        if mod37_36_check(&code[..14]) != bytes[14] as char {
            return Err(messages::certificate_code_check(typed));
        }
        Ok(CertificateCode {
            district,
            year,
            serial,
        })
    }

    /// District number, 1–16.
    pub fn district(&self) -> u8 {
        self.district
    }

    /// Official district name.
    pub fn district_name(&self) -> &'static str {
        DISTRICTS[usize::from(self.district) - 1]
    }

    /// Year of approval.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// Serial within district and year.
    pub fn serial(&self) -> u32 {
        self.serial
    }
}

impl fmt::Display for CertificateCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = format!(
            "{PREFIX}{:02}{:04}{:06}",
            self.district, self.year, self.serial
        );
        let check = mod37_36_check(&body);
        write!(f, "{body}{check}")
    }
}

impl Serialize for CertificateCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CertificateCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CertificateCode::parse(&s).map_err(|e| serde::de::Error::custom(e.message_en))
    }
}

/// Value of a character in the `0-9A-Z` alphabet.
fn value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        _ => None,
    }
}

/// ISO 7064 MOD 37,36 check character over upper-case alphanumerics.
///
/// # Panics
/// Only on characters outside `0-9A-Z`, which callers have excluded.
pub fn mod37_36_check(body: &str) -> char {
    const M: u32 = 36;
    let mut p = M;
    for c in body.bytes() {
        let v = value(c).expect("caller passes 0-9A-Z only");
        let mut s = (p + v) % M;
        if s == 0 {
            s = M;
        }
        p = (2 * s) % (M + 1);
    }
    let check = (M + 1 - p) % M;
    if check < 10 {
        char::from(b'0' + check as u8)
    } else {
        char::from(b'A' + (check - 10) as u8)
    }
}

fn format_error(typed: &str) -> FieldError {
    messages::certificate_code_format(typed)
}

fn district_error(number: &str) -> FieldError {
    messages::certificate_code_district(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_sh_district_year_serial_and_check() {
        let code = CertificateCode::new(1, 2026, 1).unwrap();
        let text = code.to_string();
        assert_eq!(text.len(), CERTIFICATE_CODE_LEN);
        assert!(text.starts_with("SH012026000001"), "{text}");
        assert_eq!(CertificateCode::parse(&text).unwrap(), code);
        assert_eq!(code.district_name(), "黄浦区");
    }

    #[test]
    fn known_codes_carry_their_independently_computed_check_characters() {
        // Computed with a separate implementation of ISO 7064 MOD 37,36 (Python), so a change
        // to the algorithm here cannot go unnoticed.
        assert_eq!(
            CertificateCode::new(11, 2026, 1).unwrap().to_string(),
            "SH112026000001P"
        );
        assert_eq!(
            CertificateCode::new(1, 2026, 1).unwrap().to_string(),
            "SH0120260000012"
        );
    }

    #[test]
    fn the_check_character_follows_iso_7064_mod_37_36() {
        // Computed by hand: the sum over the body plus the check value is congruent to 1.
        for body in ["SH012026000001", "SH162099999999", "SH112024123456"] {
            let full = format!("{body}{}", mod37_36_check(body));
            let mut p = 36u32;
            let mut s = 0;
            for c in full.bytes() {
                s = (p + value(c).unwrap()) % 36;
                if s == 0 {
                    s = 36;
                }
                p = (2 * s) % 37;
            }
            assert_eq!(s, 1, "{full} must satisfy the MOD 37,36 check");
        }
    }

    #[test]
    fn generated_codes_round_trip_for_every_district() {
        for district in 1..=16 {
            for serial in [1, 42, 999_999] {
                let code = CertificateCode::new(district, 2030, serial).unwrap();
                let parsed = CertificateCode::parse(&code.to_string()).unwrap();
                assert_eq!(parsed, code);
                assert_eq!(parsed.serial(), serial);
                assert_eq!(parsed.year(), 2030);
            }
        }
    }

    #[test]
    fn every_single_mistyped_character_is_caught() {
        let good = CertificateCode::new(7, 2026, 123_456).unwrap().to_string();
        for pos in 2..CERTIFICATE_CODE_LEN {
            for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".chars() {
                let mut bad: Vec<char> = good.chars().collect();
                if bad[pos] == c {
                    continue;
                }
                bad[pos] = c;
                let bad: String = bad.into_iter().collect();
                assert!(
                    CertificateCode::parse(&bad).is_err(),
                    "{bad} must be refused"
                );
            }
        }
    }

    #[test]
    fn swapped_neighbours_are_caught() {
        let good = CertificateCode::new(3, 2025, 102_938).unwrap().to_string();
        let chars: Vec<char> = good.chars().collect();
        for i in 2..CERTIFICATE_CODE_LEN - 1 {
            if chars[i] == chars[i + 1] {
                continue;
            }
            let mut bad = chars.clone();
            bad.swap(i, i + 1);
            let bad: String = bad.into_iter().collect();
            assert!(
                CertificateCode::parse(&bad).is_err(),
                "{bad} must be refused"
            );
        }
    }

    #[test]
    fn typed_lower_case_spaces_and_dashes_are_accepted() {
        let code = CertificateCode::new(11, 2026, 77).unwrap();
        let typed = format!(
            " {} ",
            code.to_string().to_lowercase().replace("2026", "-2026 ")
        );
        assert_eq!(CertificateCode::parse(&typed).unwrap(), code);
    }

    #[test]
    fn malformed_codes_are_refused_with_stable_codes() {
        let cases = [
            ("", codes::CODE_EMPTY),
            ("SH01", codes::CODE_FORMAT),
            ("BJ0120260000010", codes::CODE_FORMAT),
            ("SH01202600000A0", codes::CODE_FORMAT),
            ("SH172026000001X", codes::CODE_DISTRICT),
            ("SH002026000001X", codes::CODE_DISTRICT),
            ("SH011999000001X", codes::CODE_FORMAT),
            ("SH01202600000010", codes::CODE_FORMAT),
        ];
        for (typed, code) in cases {
            let err = CertificateCode::parse(typed).unwrap_err();
            assert_eq!(err.code, code, "{typed:?}");
            assert_eq!(err.field, "certificate_code");
        }
        let good = CertificateCode::new(1, 2026, 1).unwrap().to_string();
        let wrong_check = format!(
            "{}{}",
            &good[..14],
            if good.ends_with('0') { '1' } else { '0' }
        );
        let err = CertificateCode::parse(&wrong_check).unwrap_err();
        assert_eq!(err.code, codes::CODE_CHECK);
        assert!(err.message_zh.contains("校验位"));
    }

    #[test]
    fn impossible_parts_are_refused_when_building() {
        assert!(CertificateCode::new(0, 2026, 1).is_err());
        assert!(CertificateCode::new(17, 2026, 1).is_err());
        assert!(CertificateCode::new(1, 2026, 0).is_err());
        assert!(CertificateCode::new(1, 2026, 1_000_000).is_err());
        assert!(CertificateCode::new(1, 1999, 1).is_err());
    }

    #[test]
    fn district_numbers_follow_the_official_order() {
        assert_eq!(CertificateCode::district_number("黄浦区"), Some(1));
        assert_eq!(CertificateCode::district_number("浦东新区"), Some(11));
        assert_eq!(CertificateCode::district_number("崇明区"), Some(16));
        assert_eq!(CertificateCode::district_number("朝阳区"), None);
    }

    #[test]
    fn codes_serialize_as_their_text() {
        let code = CertificateCode::new(2, 2026, 5).unwrap();
        let json = serde_json::to_value(code).unwrap();
        assert_eq!(json, code.to_string());
        let back: CertificateCode = serde_json::from_value(json).unwrap();
        assert_eq!(back, code);
        assert!(serde_json::from_value::<CertificateCode>("SH".into()).is_err());
    }
}
