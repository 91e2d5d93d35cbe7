//! Resident ID numbers (居民身份证号码, GB 11643-1999) and the Hong Kong / Macau / Taiwan
//! residence permits that share their format.
//!
//! An [`IdNumber`] can only be built by [`IdNumber::parse`], so holding one proves the number
//! is well formed, its birth date is real and past, its check character is right and its
//! holder is old enough to work. This module must never read the clock (today is passed in)
//! and must never log or print a number: ID numbers are personal data.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};

use crate::error::FieldError;
use crate::messages as msg;
use crate::text::to_halfwidth;

/// The youngest age at which someone may be enrolled as a worker (the legal minimum working
/// age in China); checked against the date the caller passes as "today".
pub const MIN_WORKER_AGE: u32 = 16;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The holder's sex as encoded in the ID number's sequence digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Gender {
    /// Odd 17th digit.
    Male,
    /// Even 17th digit.
    Female,
}

impl Gender {
    /// Both, in form order.
    pub const ALL: [Gender; 2] = [Gender::Male, Gender::Female];

    /// Stable code stored in the database (same as the serde name).
    pub fn code(&self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }

    /// The label printed on forms and cards.
    pub fn label_zh(&self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }
}

/// Which document the number belongs to; the address code tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum IdKind {
    /// 居民身份证: a mainland resident.
    Resident,
    /// 港澳居民居住证: address code 810000 (Hong Kong) or 820000 (Macau).
    HongKongMacauPermit,
    /// 台湾居民居住证: address code 830000.
    TaiwanPermit,
}

impl IdKind {
    /// Every kind of document.
    pub const ALL: [IdKind; 3] = [IdKind::Resident, IdKind::HongKongMacauPermit, IdKind::TaiwanPermit];

    /// Stable code (same as the serde name).
    pub fn code(&self) -> &'static str {
        match self {
            IdKind::Resident => "resident",
            IdKind::HongKongMacauPermit => "hong_kong_macau_permit",
            IdKind::TaiwanPermit => "taiwan_permit",
        }
    }
}

crate::closed_set!(Gender, "gender");
crate::closed_set!(IdKind, "ID document kind");

/// A validated ID number: always the canonical 18 characters with an upper-case X.
///
/// Serializes as the canonical 18-character string, because that is what every other system
/// (platform, police comparison, roster) expects; the legacy 15-digit form is kept only in
/// memory for display.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdNumber {
    canonical: String,
    legacy: Option<String>,
    birth: NaiveDate,
}

impl IdNumber {
    /// Parse what a clerk typed. Trims surrounding whitespace; accepts lower-case x (stored X);
    /// 15-digit legacy numbers are upgraded (insert "19" after the 6-digit address code, compute check char), legacy kept.
    ///
    /// Full-width digits and Ｘ from Chinese IMEs are read as ASCII, and spaces inside the
    /// number (people copy it in groups) are dropped. Checks run from the most specific
    /// (position of a bad character) to the most general (check character), so the message
    /// points the clerk at the digit they most likely mistyped; the age rule comes last because
    /// it concerns the person, not the number.
    pub fn parse(input: &str, today: NaiveDate) -> Result<IdNumber, FieldError> {
        let cleaned: String = to_halfwidth(input)
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c == 'x' { 'X' } else { c })
            .collect();
        if cleaned.is_empty() {
            return Err(msg::id_empty());
        }
        let chars: Vec<char> = cleaned.chars().collect();
        let len = chars.len();
        if len != 15 && len != 18 {
            return Err(msg::id_length(len));
        }
        for (i, &c) in chars.iter().enumerate() {
            let check_position = len == 18 && i == 17;
            if !(c.is_ascii_digit() || (check_position && c == 'X')) {
                return Err(msg::id_chars(i + 1, c, len));
            }
        }
        // From here on every character is ASCII, so byte slicing is safe.
        let address = &cleaned[..6];
        check_address(address)?;

        let birth_digits = if len == 18 {
            cleaned[6..14].to_owned()
        } else {
            format!("19{}", &cleaned[6..12])
        };
        let birth = parse_birth(&birth_digits).ok_or_else(|| msg::id_birth_date(&birth_digits))?;
        if birth < earliest_birth() {
            return Err(msg::id_birth_too_old(birth));
        }
        if birth > today {
            return Err(msg::id_birth_future(birth, today));
        }

        let (canonical, legacy) = if len == 18 {
            let expected = check_char(&cleaned[..17]).expect("17 ASCII digits checked above");
            if chars[17] != expected {
                return Err(msg::id_check(expected, chars[17]));
            }
            (cleaned, None)
        } else {
            let first17 = format!("{}19{}", &cleaned[..6], &cleaned[6..]);
            let check = check_char(&first17).expect("17 ASCII digits built above");
            (format!("{first17}{check}"), Some(cleaned))
        };

        let id = IdNumber {
            canonical,
            legacy,
            birth,
        };
        let age = id.age_on(today);
        if age < MIN_WORKER_AGE {
            return Err(msg::id_too_young(
                age,
                MIN_WORKER_AGE,
                id.birthday_at_age(MIN_WORKER_AGE),
            ));
        }
        Ok(id)
    }

    /// The canonical 18-character number.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// The 15-digit number as typed, if the clerk entered an old-style one; kept so the
    /// clerk can recognise the record against an old paper form.
    pub fn legacy(&self) -> Option<&str> {
        self.legacy.as_deref()
    }

    /// The birth date encoded in digits 7-14.
    pub fn birth_date(&self) -> NaiveDate {
        self.birth
    }

    /// The holder's sex: the 17th digit is odd for men, even for women.
    pub fn gender(&self) -> Gender {
        let digit = self.canonical.as_bytes()[16] - b'0';
        if digit % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// Whether this is a resident ID or a Hong Kong/Macau/Taiwan residence permit.
    pub fn kind(&self) -> IdKind {
        match &self.canonical[..6] {
            "810000" | "820000" => IdKind::HongKongMacauPermit,
            "830000" => IdKind::TaiwanPermit,
            _ => IdKind::Resident,
        }
    }

    /// Age in completed years (周岁) on `date`; 0 for dates before birth.
    ///
    /// Someone born on 29 February becomes a year older on 1 March in non-leap years, because
    /// their birthday has not yet come on 28 February.
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        let b = self.birth;
        if date <= b {
            return 0;
        }
        let mut years = date.year() - b.year();
        if (date.month(), date.day()) < (b.month(), b.day()) {
            years -= 1;
        }
        u32::try_from(years).unwrap_or(0)
    }

    /// The public-lookup form, e.g. `310***********1234`: citizens who scan a card see
    /// enough to match it against the card in front of them, not the whole number.
    pub fn masked(&self) -> String {
        format!(
            "{}{}{}",
            &self.canonical[..3],
            "*".repeat(11),
            &self.canonical[14..]
        )
    }

    /// The first day on which the holder is `years` old (1 March for 29 February births in
    /// non-leap years, consistent with [`IdNumber::age_on`]).
    fn birthday_at_age(&self, years: u32) -> NaiveDate {
        let year = self.birth.year() + years as i32;
        NaiveDate::from_ymd_opt(year, self.birth.month(), self.birth.day())
            .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
            .expect("1 March exists in every year")
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

impl Serialize for IdNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.canonical)
    }
}

/// ISO 7064 MOD 11-2 check character for the first 17 digits (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; sum mod 11 -> 1 0 X 9 8 7 6 5 4 3 2).
///
/// Returns `None` unless `first17` is exactly 17 ASCII digits.
pub fn check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(CHECK_CHARS[(sum % 11) as usize])
}

fn earliest_birth() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date")
}

fn parse_birth(yyyymmdd: &str) -> Option<NaiveDate> {
    let y = yyyymmdd[..4].parse().ok()?;
    let m = yyyymmdd[4..6].parse().ok()?;
    let d = yyyymmdd[6..8].parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Province-level codes in use (GB/T 2260), plus 71 (Taiwan) and the permit codes 81-83.
fn check_address(code: &str) -> Result<(), FieldError> {
    let province: u32 = code[..2].parse().expect("digits checked by caller");
    let valid_province = matches!(
        province,
        11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81 | 82 | 83
    );
    if !valid_province {
        return Err(msg::id_address_province(code));
    }
    // Permits carry only the region, never a city or district below it.
    if (81..=83).contains(&province) {
        let expected = format!("{province}0000");
        if code != expected {
            return Err(msg::id_address_permit(code, &expected));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::codes;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn today() -> NaiveDate {
        d(2024, 6, 15)
    }

    /// Builds a valid 18-character number from 17 digits by appending its check character.
    fn valid(first17: &str) -> String {
        format!("{first17}{}", check_char(first17).unwrap())
    }

    fn err(input: &str) -> FieldError {
        IdNumber::parse(input, today()).unwrap_err()
    }

    #[test]
    fn check_char_of_the_standard_example_is_x() {
        assert_eq!(check_char("11010519491231002"), Some('X'));
    }

    #[test]
    fn check_char_rejects_anything_but_17_digits() {
        assert_eq!(check_char("1101051949123100"), None);
        assert_eq!(check_char("110105194912310021"), None);
        assert_eq!(check_char("1101051949123100A"), None);
    }

    #[test]
    fn check_char_maps_every_remainder() {
        // Brute-force one number per remainder and compare with the table by hand.
        let mut seen = std::collections::BTreeSet::new();
        for last in 0..100u32 {
            let s = format!("110105199001011{last:02}");
            let sum: u32 = s
                .bytes()
                .zip(WEIGHTS)
                .map(|(b, w)| u32::from(b - b'0') * w)
                .sum();
            let expected =
                ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
            assert_eq!(check_char(&s), Some(expected));
            seen.insert(sum % 11);
        }
        assert_eq!(seen.len(), 11);
    }

    #[test]
    fn standard_example_parses_as_a_woman_born_1949_12_31() {
        let id = IdNumber::parse("11010519491231002X", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.legacy(), None);
        assert_eq!(id.birth_date(), d(1949, 12, 31));
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(id.gender().label_zh(), "女");
        assert_eq!(id.kind(), IdKind::Resident);
        assert_eq!(id.age_on(today()), 74);
    }

    #[test]
    fn odd_sequence_digit_means_male() {
        let id = IdNumber::parse(&valid("11010519491231001"), today()).unwrap();
        assert_eq!(id.gender(), Gender::Male);
        assert_eq!(id.gender().label_zh(), "男");
    }

    #[test]
    fn lower_case_x_is_accepted_and_stored_upper_case() {
        let id = IdNumber::parse("11010519491231002x", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn surrounding_and_inner_spaces_are_removed() {
        let id = IdNumber::parse("  110105 19491231 002X\t", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn full_width_digits_and_x_from_an_ime_are_accepted() {
        let id = IdNumber::parse("１１０１０５１９４９１２３１００２ｘ", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        let id = IdNumber::parse("１１０１０５１９４９１２３１００２Ｘ", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn legacy_15_digit_number_is_upgraded_and_kept() {
        // Computed: 110105 + 19 + 491231002 -> check_char("11010519491231002") = X.
        let expected = valid("11010519491231002");
        assert_eq!(expected, "11010519491231002X");
        let id = IdNumber::parse("110105491231002", today()).unwrap();
        assert_eq!(id.as_str(), expected);
        assert_eq!(id.legacy(), Some("110105491231002"));
        assert_eq!(id.birth_date(), d(1949, 12, 31));
    }

    #[test]
    fn hong_kong_and_macau_permits_are_recognised() {
        for first6 in ["810000", "820000"] {
            let id = IdNumber::parse(&valid(&format!("{first6}19900101123")), today()).unwrap();
            assert_eq!(id.kind(), IdKind::HongKongMacauPermit);
        }
    }

    #[test]
    fn taiwan_permit_is_recognised() {
        let id = IdNumber::parse(&valid("83000019900101124"), today()).unwrap();
        assert_eq!(id.kind(), IdKind::TaiwanPermit);
        assert_eq!(id.gender(), Gender::Female);
    }

    #[test]
    fn permit_address_codes_must_be_exactly_x10000() {
        let e = err(&valid("81010119900101123"));
        assert_eq!(e.code, codes::ID_ADDRESS);
        assert!(
            e.message_zh.contains("810101") && e.message_zh.contains("810000"),
            "{}",
            e.message_zh
        );
    }

    #[test]
    fn unknown_province_code_is_refused_naming_it() {
        let e = err(&valid("99010519900101123"));
        assert_eq!(e.code, codes::ID_ADDRESS);
        assert_eq!(e.field, "id_number");
        assert!(
            e.message_zh.contains("990105") && e.message_zh.contains("99"),
            "{}",
            e.message_zh
        );
        // 16 lies in a gap between ranges.
        assert_eq!(err(&valid("16010519900101123")).code, codes::ID_ADDRESS);
    }

    #[test]
    fn every_listed_province_code_is_accepted() {
        let provinces = [
            11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50,
            51, 52, 53, 54, 61, 62, 63, 64, 65, 71,
        ];
        for p in provinces {
            let id = format!("{p}0105");
            assert!(
                IdNumber::parse(&valid(&format!("{id}19900101123")), today()).is_ok(),
                "{p}"
            );
        }
    }

    #[test]
    fn empty_input_is_refused() {
        for input in ["", "   ", "\u{3000}"] {
            let e = err(input);
            assert_eq!(e.code, codes::ID_EMPTY);
            assert!(e.message_zh.contains("身份证号"));
        }
    }

    #[test]
    fn wrong_length_says_how_many_were_typed() {
        let e = err("1101051949123100");
        assert_eq!(e.code, codes::ID_LENGTH);
        assert!(e.message_zh.contains("16 位"), "{}", e.message_zh);
        assert!(e.message_en.contains("16 were typed"), "{}", e.message_en);
    }

    #[test]
    fn non_digit_is_refused_naming_its_position() {
        let e = err("1101051949A231002X");
        assert_eq!(e.code, codes::ID_CHARS);
        assert!(
            e.message_zh.contains("第 11 位") && e.message_zh.contains("A"),
            "{}",
            e.message_zh
        );
    }

    #[test]
    fn x_before_the_last_position_is_refused() {
        let e = err("1101051949123100X2");
        assert_eq!(e.code, codes::ID_CHARS);
        assert!(
            e.message_zh.contains("第 17 位") && e.message_zh.contains("X"),
            "{}",
            e.message_zh
        );
    }

    #[test]
    fn x_in_a_legacy_number_is_refused() {
        let e = err("11010549123100X");
        assert_eq!(e.code, codes::ID_CHARS);
        assert!(e.message_zh.contains("第 15 位"), "{}", e.message_zh);
    }

    #[test]
    fn impossible_birth_date_is_refused() {
        let e = err(&valid("11010519990230123"));
        assert_eq!(e.code, codes::ID_BIRTH_DATE);
        assert!(e.message_zh.contains("19990230"), "{}", e.message_zh);
    }

    #[test]
    fn feb_29_is_accepted_in_a_leap_year() {
        let id = IdNumber::parse(&valid("11010520000229123"), today()).unwrap();
        assert_eq!(id.birth_date(), d(2000, 2, 29));
    }

    #[test]
    fn feb_29_is_refused_in_a_non_leap_year() {
        assert_eq!(err(&valid("11010519990229123")).code, codes::ID_BIRTH_DATE);
        // 1900 is not a leap year (divisible by 100, not by 400).
        assert_eq!(err(&valid("11010519000229123")).code, codes::ID_BIRTH_DATE);
    }

    #[test]
    fn feb_29_birthday_counts_from_march_1_in_non_leap_years() {
        let id = IdNumber::parse(&valid("11010520000229123"), today()).unwrap();
        assert_eq!(id.age_on(d(2017, 2, 28)), 16);
        assert_eq!(id.age_on(d(2018, 2, 28)), 17);
        assert_eq!(id.age_on(d(2018, 3, 1)), 18);
        assert_eq!(id.age_on(d(2020, 2, 29)), 20);
    }

    #[test]
    fn birth_date_in_the_future_is_refused() {
        let e = err(&valid("11010520250101123"));
        assert_eq!(e.code, codes::ID_BIRTH_FUTURE);
        assert!(
            e.message_zh.contains("2025-01-01") && e.message_zh.contains("2024-06-15"),
            "{}",
            e.message_zh
        );
    }

    #[test]
    fn birth_date_before_1900_is_refused() {
        let e = err(&valid("11010518991231123"));
        assert_eq!(e.code, codes::ID_BIRTH_TOO_OLD);
        assert!(e.message_zh.contains("1899-12-31"), "{}", e.message_zh);
        assert!(IdNumber::parse(&valid("11010519000101123"), today()).is_ok());
    }

    #[test]
    fn wrong_check_character_names_expected_and_typed() {
        let e = err("110105194912310025");
        assert_eq!(e.code, codes::ID_CHECK);
        assert_eq!(
            e.message_zh,
            "身份证号校验位错误：按前17位计算，最后一位应为 X，而不是 5"
        );
        assert_eq!(
            e.message_en,
            "ID number check character is wrong: from the first 17 digits it should end with X, not 5"
        );
    }

    #[test]
    fn one_day_before_the_16th_birthday_is_refused() {
        // Born 2008-06-16: on 2024-06-15 they are 15 years and 364 days old.
        let e = err(&valid("11010520080616123"));
        assert_eq!(e.code, codes::ID_TOO_YOUNG);
        assert!(
            e.message_zh.contains("15 周岁") && e.message_zh.contains("2024-06-16"),
            "{}",
            e.message_zh
        );
    }

    #[test]
    fn exactly_16_on_the_birthday_is_accepted() {
        let id = IdNumber::parse(&valid("11010520080615123"), today()).unwrap();
        assert_eq!(id.age_on(today()), 16);
        assert_eq!(id.age_on(d(2024, 6, 14)), 15);
    }

    #[test]
    fn age_before_birth_is_zero() {
        let id = IdNumber::parse("11010519491231002X", today()).unwrap();
        assert_eq!(id.age_on(d(1900, 1, 1)), 0);
    }

    #[test]
    fn serializes_as_the_canonical_string() {
        let id = IdNumber::parse("110105491231002", today()).unwrap();
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"11010519491231002X\""
        );
        assert_eq!(id.to_string(), "11010519491231002X");
        assert_eq!(
            serde_json::to_string(&IdKind::HongKongMacauPermit).unwrap(),
            "\"hong_kong_macau_permit\""
        );
        assert_eq!(
            serde_json::to_string(&Gender::Female).unwrap(),
            "\"female\""
        );
    }

    #[test]
    fn masked_form_hides_the_middle_eleven_characters() {
        let id = IdNumber::parse("11010519491231002X", today()).unwrap();
        assert_eq!(id.masked(), "110***********002X");
    }
}
