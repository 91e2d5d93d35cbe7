//! The operators' second factor (issue 11 item 6): time-based one-time passwords as RFC 6238
//! defines them (HMAC-SHA1, 30-second steps, 6 digits), the kind every authenticator app reads
//! from an `otpauth://` link. A code is accepted for the step before and after the current one
//! (clock drift), and the caller stores the step it used so that no code works twice.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand_core::{OsRng, RngCore};

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Bytes of a new secret (160 bits, RFC 4226's recommendation).
pub const SECRET_BYTES: usize = 20;

/// A new random secret.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    OsRng.fill_bytes(&mut secret);
    secret
}

/// The time step of `now`.
pub fn step_of(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(STEP_SECONDS)
}

/// The code of `step` (RFC 4226 dynamic truncation).
pub fn code_at(secret: &[u8], step: i64) -> u32 {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let bin = u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    bin % 10u32.pow(DIGITS)
}

/// The step whose code `typed` is (the current one, one before or one after), or `None`. Spaces
/// are ignored; anything but six digits matches nothing.
pub fn matching_step(secret: &[u8], typed: &str, now: DateTime<Utc>) -> Option<i64> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let code: u32 = digits.parse().ok()?;
    let now = step_of(now);
    [now, now - 1, now + 1].into_iter().find(|step| {
        let expected = code_at(secret, *step);
        crate::operator_pages::auth::tokens_match(&format!("{code:06}"), &format!("{expected:06}"))
    })
}

/// RFC 4648 base32 without padding: how authenticator apps take a secret typed by hand.
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// The `otpauth://` link an authenticator app reads (as a QR or pasted): issuer certdesk, the
/// operator's name as the account.
pub fn otpauth_uri(operator: &str, secret: &[u8]) -> String {
    let account: String = operator
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"._-".contains(&b) { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect();
    format!(
        "otpauth://totp/certdesk:{account}?secret={}&issuer=certdesk&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        base32(secret)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 (the 8-digit codes, cut to our 6).
    #[test]
    fn the_codes_are_rfc_6238s() {
        let secret = b"12345678901234567890";
        for (time, eight) in [
            (59, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(code_at(secret, time / STEP_SECONDS), eight % 1_000_000, "at {time}");
        }
    }

    #[test]
    fn a_code_matches_its_step_and_its_neighbours_only() {
        let secret = new_secret();
        let now: DateTime<Utc> = "2026-12-04T02:00:10Z".parse().unwrap();
        let step = step_of(now);
        let code = |s: i64| format!("{:06}", code_at(&secret, s));
        assert_eq!(matching_step(&secret, &code(step), now), Some(step));
        assert_eq!(matching_step(&secret, &code(step - 1), now), Some(step - 1), "a code typed just before the step changed");
        assert_eq!(matching_step(&secret, &code(step + 1), now), Some(step + 1), "a clock a little ahead");
        assert_eq!(matching_step(&secret, &code(step - 2), now), None, "a minute old");
        let spaced = format!("{} {}", &code(step)[..3], &code(step)[3..]);
        assert_eq!(matching_step(&secret, &spaced, now), Some(step), "as apps show it");
        for bad in ["", "12345", "1234567", "12a456", "１２３４５６"] {
            assert_eq!(matching_step(&secret, bad, now), None, "{bad:?}");
        }
        assert_eq!(matching_step(&new_secret(), &code(step), now), None, "another secret");
    }

    #[test]
    fn base32_is_rfc_4648s() {
        for (plain, encoded) in [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")] {
            assert_eq!(base32(plain.as_bytes()), encoded);
        }
        let uri = otpauth_uri("li min", b"12345678901234567890");
        assert_eq!(uri, "otpauth://totp/certdesk:li%20min?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=certdesk&algorithm=SHA1&digits=6&period=30");
    }
}
