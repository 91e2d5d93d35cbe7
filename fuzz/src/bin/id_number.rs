//! Fuzz target: the ID-number parser, `IdNumber::parse`, which every enrolment form, import
//! row and pushed worker record goes through. Besides never panicking, a number it accepts
//! must keep the promises of its module: 18 characters, a birth date that is past, a holder
//! old enough to work, and the same number again when its canonical form is parsed.

use certdesk_domain::{IdNumber, MIN_WORKER_AGE};

fn main() {
    let today = certdesk_fuzz::today();
    afl::fuzz!(|data: &[u8]| {
        let Ok(typed) = std::str::from_utf8(data) else { return };
        let Ok(id) = IdNumber::parse(typed, today) else { return };
        assert_eq!(id.as_str().len(), 18, "a canonical number has 18 characters");
        assert!(id.birth_date() <= today, "an accepted birth date is not in the future");
        assert!(id.age_on(today) >= MIN_WORKER_AGE, "an accepted holder is old enough to work");
        let again = IdNumber::parse(id.as_str(), today).expect("a canonical number parses again");
        assert_eq!(again.as_str(), id.as_str(), "parsing the canonical form changes nothing");
        assert_eq!(again.birth_date(), id.birth_date());
    });
}
