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
//! The MAC is the `hmac` crate's standard HMAC-SHA256; tokens made by the earlier hand-written
//! construction (the same RFC 2104 HMAC) verify unchanged. This module must never accept a
//! token whose tag it has not compared in constant time.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand_core::{OsRng, RngCore};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

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

impl TokenKey {
    /// The key every instance sharing the signing keys' key file derives alike, so a token
    /// one instance issued is taken by another.
    pub fn of(vault: &crate::keys::KeyVault) -> Self {
        TokenKey(vault.derive("public page form tokens"))
    }

    /// A fresh random key.
    pub fn generate() -> Self {
        let mut k = [0u8; 32];
        OsRng.fill_bytes(&mut k);
        TokenKey(k)
    }

    /// The MAC over what a token binds, ready to finalise or verify.
    fn mac(&self, issued: u64, nonce: &[u8], b: &Binding<'_>) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(CONTEXT);
        mac.update(&issued.to_be_bytes());
        mac.update(nonce);
        mac.update(b.certificate_code.as_bytes());
        mac.update(&[0]);
        mac.update(&b.card_version.to_be_bytes());
        mac.update(b.device_id.as_bytes());
        mac
    }

    fn tag(&self, issued: u64, nonce: &[u8], b: &Binding<'_>) -> [u8; TAG_LEN] {
        let full = self.mac(issued, nonce, b).finalize().into_bytes();
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
        // Compares the leftmost 128 bits in constant time.
        self.mac(issued, nonce, binding)
            .verify_truncated_left(&bytes[8 + NONCE_LEN..])
            .map_err(|_| TokenError::Invalid)?;
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

    /// The construction this module used before it took the `hmac` crate: RFC 2104 written
    /// out by hand (a key of at most one block). Kept here only as the oracle that proves
    /// tokens issued by that code still verify.
    fn hand_written_hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
        use sha2::Digest;
        assert!(key.len() <= 64);
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

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        let mut mac = HmacSha256::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert_eq!(hex::encode(mac.finalize().into_bytes()), expected);
        assert_eq!(
            hex::encode(hand_written_hmac_sha256(
                b"Jefe",
                b"what do ya want for nothing?"
            )),
            expected,
            "the old oracle is the same standard HMAC"
        );
    }

    #[test]
    fn a_token_made_by_the_hand_written_hmac_still_verifies() {
        let key = TokenKey([7u8; 32]);
        let issued = u64::try_from(now().timestamp()).unwrap();
        let nonce = [9u8; NONCE_LEN];
        // The old code's message and token layout, byte for byte.
        let mut msg = Vec::new();
        msg.extend_from_slice(CONTEXT);
        msg.extend_from_slice(&issued.to_be_bytes());
        msg.extend_from_slice(&nonce);
        msg.extend_from_slice(B.certificate_code.as_bytes());
        msg.push(0);
        msg.extend_from_slice(&B.card_version.to_be_bytes());
        msg.extend_from_slice(B.device_id.as_bytes());
        let mut old = issued.to_be_bytes().to_vec();
        old.extend_from_slice(&nonce);
        old.extend_from_slice(&hand_written_hmac_sha256(&key.0, &msg)[..TAG_LEN]);
        let old = URL_SAFE_NO_PAD.encode(old);
        assert_eq!(
            key.check(&old, now() + Duration::minutes(5), &B),
            Ok(hex::encode(nonce)),
            "a page served before the upgrade can still send its form"
        );
    }

    #[test]
    fn a_forged_token_with_a_guessed_tag_is_refused() {
        let key = TokenKey::generate();
        let issued = u64::try_from(now().timestamp()).unwrap();
        let mut forged = issued.to_be_bytes().to_vec();
        forged.extend_from_slice(&[1u8; NONCE_LEN]);
        forged.extend_from_slice(&[0u8; TAG_LEN]);
        assert_eq!(
            key.check(&URL_SAFE_NO_PAD.encode(&forged), now(), &B),
            Err(TokenError::Invalid),
            "without the key no tag is right"
        );
        let genuine = URL_SAFE_NO_PAD.decode(key.issue(now(), &B)).unwrap();
        let mut later = genuine.clone();
        later[..8].copy_from_slice(&(issued - 60).to_be_bytes());
        assert_eq!(
            key.check(&URL_SAFE_NO_PAD.encode(&later), now(), &B),
            Err(TokenError::Invalid),
            "moving the issue time breaks the tag"
        );
        let mut flipped = genuine;
        let last = flipped.len() - 1;
        flipped[last] ^= 0x80;
        assert_eq!(
            key.check(&URL_SAFE_NO_PAD.encode(&flipped), now(), &B),
            Err(TokenError::Invalid),
            "one altered bit of the tag is refused"
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
