//! The short-lived token the public page embeds in its rating and complaint forms.
//!
//! `base64url(issued_at: u64 BE ‖ nonce: 12 bytes ‖ tag: 16 bytes)`, where the tag is
//! HMAC-SHA256 (truncated to 128 bits) under a key only this process holds, over the issue
//! time, the nonce, the certificate code, the card version and the page's device cookie. So a
//! token is bound to one card of one certificate and to the phone that opened the page, lives
//! [`TOKEN_TTL_MINUTES`], and needs no write when the page is served. Single use is enforced by
//! the store (the nonce is unique per kind of submission). It doubles as the forms' CSRF token:
//! another site can neither read nor forge it.
//!
//! This module must never accept a token whose tag it has not compared in constant time.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// How long a page's forms can be sent.
pub const TOKEN_TTL_MINUTES: i64 = 30;
/// A token issued up to this far "in the future" is still taken (clock steps between workers).
const CLOCK_SLACK_SECS: i64 = 60;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const TOKEN_LEN: usize = 8 + NONCE_LEN + TAG_LEN;
const CONTEXT: &[u8] = b"certdesk/public-token/v1\0";

/// The secret the tokens are made with; random per process, so a restart makes open pages ask
/// for a new scan (at most [`TOKEN_TTL_MINUTES`] of them).
#[derive(Clone)]
pub struct TokenKey([u8; 32]);

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey(..)")
    }
}

/// What a token is bound to.
#[derive(Debug, Clone, Copy)]
pub struct Binding<'a> {
    /// The certificate code.
    pub certificate_code: &'a str,
    /// The scanned card's version.
    pub card_version: u16,
    /// The page's device cookie.
    pub device_id: &'a str,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Missing, malformed, forged, or bound to another card or device.
    Invalid,
    /// Genuine but older than [`TOKEN_TTL_MINUTES`].
    Expired,
}

/// HMAC-SHA256 (RFC 2104) with a key of at most one block.
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    assert!(
        key.len() <= 64,
        "keys longer than a block are not used here"
    );
    let mut ipad = [0x36u8; 64];
    let mut opad = [0x5cu8; 64];
    for (i, k) in key.iter().enumerate() {
        ipad[i] ^= k;
        opad[i] ^= k;
    }
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize()
        .into()
}

impl TokenKey {
    /// A fresh random key.
    pub fn generate() -> Self {
        let mut k = [0u8; 32];
        OsRng.fill_bytes(&mut k);
        TokenKey(k)
    }

    fn tag(&self, issued: u64, nonce: &[u8], b: &Binding<'_>) -> [u8; TAG_LEN] {
        let mut msg = Vec::with_capacity(96);
        msg.extend_from_slice(CONTEXT);
        msg.extend_from_slice(&issued.to_be_bytes());
        msg.extend_from_slice(nonce);
        msg.extend_from_slice(b.certificate_code.as_bytes());
        msg.push(0);
        msg.extend_from_slice(&b.card_version.to_be_bytes());
        msg.extend_from_slice(b.device_id.as_bytes());
        let full = hmac_sha256(&self.0, &msg);
        full[..TAG_LEN].try_into().expect("16 of 32 bytes")
    }

    /// A new token for a page served `now`.
    pub fn issue(&self, now: DateTime<Utc>, binding: &Binding<'_>) -> String {
        let issued = u64::try_from(now.timestamp()).unwrap_or(0);
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let mut t = Vec::with_capacity(TOKEN_LEN);
        t.extend_from_slice(&issued.to_be_bytes());
        t.extend_from_slice(&nonce);
        t.extend_from_slice(&self.tag(issued, &nonce, binding));
        URL_SAFE_NO_PAD.encode(t)
    }

    /// Checks a token sent back `now`; its nonce (hex) when it is genuine, bound to `binding`
    /// and fresh.
    pub fn check(
        &self,
        token: &str,
        now: DateTime<Utc>,
        binding: &Binding<'_>,
    ) -> Result<String, TokenError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(token.trim())
            .map_err(|_| TokenError::Invalid)?;
        if bytes.len() != TOKEN_LEN {
            return Err(TokenError::Invalid);
        }
        let issued = u64::from_be_bytes(bytes[..8].try_into().expect("8 bytes"));
        let nonce = &bytes[8..8 + NONCE_LEN];
        let expected = self.tag(issued, nonce, binding);
        let diff = expected
            .iter()
            .zip(&bytes[8 + NONCE_LEN..])
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        if diff != 0 {
            return Err(TokenError::Invalid);
        }
        let issued = i64::try_from(issued).map_err(|_| TokenError::Invalid)?;
        let age = now.timestamp() - issued;
        if age < -CLOCK_SLACK_SECS {
            return Err(TokenError::Invalid);
        }
        if age > TOKEN_TTL_MINUTES * 60 {
            return Err(TokenError::Expired);
        }
        Ok(hex::encode(nonce))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        "2026-11-27T02:00:00Z".parse().unwrap()
    }

    const B: Binding<'static> = Binding {
        certificate_code: "SH012026000001X",
        card_version: 1,
        device_id: "device-a",
    };

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_fresh_token_checks_and_gives_its_nonce() {
        let key = TokenKey::generate();
        let t = key.issue(now(), &B);
        let nonce = key.check(&t, now() + Duration::minutes(29), &B).unwrap();
        assert_eq!(nonce.len(), 24);
        assert_ne!(
            key.issue(now(), &B),
            t,
            "every page view gets its own nonce"
        );
    }

    #[test]
    fn a_token_expires_after_thirty_minutes() {
        let key = TokenKey::generate();
        let t = key.issue(now(), &B);
        assert_eq!(
            key.check(&t, now() + Duration::minutes(31), &B),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn a_token_is_bound_to_its_card_device_and_key() {
        let key = TokenKey::generate();
        let t = key.issue(now(), &B);
        for other in [
            Binding {
                card_version: 2,
                ..B
            },
            Binding {
                device_id: "device-b",
                ..B
            },
            Binding {
                certificate_code: "SH012026000002X",
                ..B
            },
        ] {
            assert_eq!(key.check(&t, now(), &other), Err(TokenError::Invalid));
        }
        assert_eq!(
            TokenKey::generate().check(&t, now(), &B),
            Err(TokenError::Invalid),
            "another process's key (or a forger) cannot make a token"
        );
    }

    #[test]
    fn a_tampered_or_malformed_token_is_invalid() {
        let key = TokenKey::generate();
        let t = key.issue(now(), &B);
        let mut bytes = URL_SAFE_NO_PAD.decode(&t).unwrap();
        bytes[3] ^= 1;
        let moved = URL_SAFE_NO_PAD.encode(&bytes);
        assert_eq!(key.check(&moved, now(), &B), Err(TokenError::Invalid));
        for junk in ["", "x", &"A".repeat(48), "!!!!", &t[..20]] {
            assert_eq!(
                key.check(junk, now(), &B),
                Err(TokenError::Invalid),
                "{junk}"
            );
        }
    }
}
