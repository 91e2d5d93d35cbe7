//! Secrets the platform makes: Ed25519 signing keys, device secrets, one-time enrolment codes,
//! and how they are hashed for storage.
//!
//! Randomness comes from the operating system only. This module must never log or return a
//! stored secret's hash as if it were the secret.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::SigningKey;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// A new Ed25519 signing key.
pub fn generate() -> SigningKey {
    let mut seed = [0u8; 32];
    OsRng.fill_bytes(&mut seed);
    SigningKey::from_bytes(&seed)
}

/// A new device secret: 256 random bits, base64url. Being full-entropy, a plain SHA-256 is a
/// sufficient stored form (no password stretching needed).
pub fn device_secret() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// SHA-256, hex.
pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// HMAC-SHA256 of `value` under `key`, lower-case hex (the hashed sources of ratings).
pub fn keyed_hex(key: &str, value: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(value.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// SHA-256 of bytes, lower-case hex (blob names).
pub fn sha256_bytes_hex(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

/// Crockford's base32 alphabet: no I, L, O, U, so a code read over the phone is unambiguous.
const CODE_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A one-time enrolment code such as `K7QM-2XRD-93PA-VHWT` (80 random bits).
pub fn enrolment_code() -> String {
    let mut b = [0u8; 16];
    OsRng.fill_bytes(&mut b);
    let chars: Vec<char> = b
        .iter()
        .map(|x| CODE_ALPHABET[usize::from(x % 32)] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The form a typed code is compared in: upper case, without dashes or spaces, with the
/// letters people confuse read as digits (O → 0, I and L → 1).
pub fn normalise_enrolment_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enrolment_codes_are_grouped_and_read_back_however_typed() {
        let code = enrolment_code();
        assert_eq!(code.len(), 19);
        assert_eq!(code.matches('-').count(), 3);
        let typed = code.to_lowercase().replace('-', " ");
        assert_eq!(
            normalise_enrolment_code(&typed),
            normalise_enrolment_code(&code)
        );
    }

    #[test]
    fn secrets_differ_each_time() {
        assert_ne!(device_secret(), device_secret());
        assert_ne!(generate().to_bytes(), generate().to_bytes());
    }
}
