//! Identity numbers that pass the domain's checks: resident ID numbers (GB 11643-1999) and
//! unified social credit codes (GB 32100-2015), each with its real check character, so a test
//! that means "a valid person" never trips on a made-up number.

use certdesk_domain::{check_char, credit_check_char};

/// A valid 18-character ID number, different for every `n` below 1,000,000.
///
/// Address code 310104 (Xuhui), born between 1960 and 1999 (always an adult, a real date), the
/// sequence is `n % 1000`, so an odd `n` is a man and an even `n` a woman.
pub fn id_number(n: u32) -> String {
    let birth = format!("19{:02}{:02}{:02}", 60 + (n / 28_000) % 40, 1 + (n / 1000) % 12, 1 + (n / 12_000) % 28);
    id_number_from(&format!("310104{birth}{:03}", n % 1000))
}

/// The ID number whose first 17 digits are `first17`, completed with its check character
/// (for tests that pin the birth date or the sex digit).
pub fn id_number_from(first17: &str) -> String {
    format!("{first17}{}", check_char(first17).expect("17 digits"))
}

/// A valid unified social credit code, different for every `n` below 100,000.
pub fn credit_code(n: u32) -> String {
    let first17 = format!("91310000MA1F{n:05}");
    format!("{first17}{}", credit_check_char(&first17).expect("the code's alphabet"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use certdesk_domain::{CreditCode, Gender, IdNumber};

    #[test]
    fn generated_numbers_pass_the_domains_own_validation() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        for n in [0, 1, 2, 999, 1000, 27_999, 28_000, 999_999] {
            let id = id_number(n);
            let parsed = IdNumber::parse(&id, today).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(parsed.as_str(), id, "already normalised");
            assert_eq!(parsed.gender() == Gender::Male, n % 2 == 1, "odd n is a man: {id}");
        }
        assert_eq!(id_number_from("11010519491231002"), "11010519491231002X", "the standard's example");
        for n in [0, 1, 99_999] {
            let code = credit_code(n);
            assert!(CreditCode::parse(&code).is_ok(), "{code}");
        }
    }

    #[test]
    fn numbers_never_repeat() {
        let all: std::collections::HashSet<String> = (0..1_000_000).step_by(7).map(id_number).collect();
        assert_eq!(all.len(), (0..1_000_000).step_by(7).count());
    }
}
