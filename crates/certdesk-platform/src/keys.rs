//! Secrets the platform makes: Ed25519 signing keys, device secrets, one-time enrolment codes,
//! and how they are hashed for storage.
//!
//! Randomness comes from the operating system only. This module must never log or return a
//! stored secret's hash as if it were the secret.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use certdesk_protocol::credential::{CredentialSigner, KeyAlgorithm};
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

/// A platform signing key: Ed25519, or SM2 for a deployment that requires it (issue 11 item 3).
/// The algorithm is chosen per key ([`crate::ids::Ids::new_signing_key`]) and kept beside it.
#[derive(Debug, Clone)]
pub enum PlatformKey {
    /// Ed25519.
    Ed25519(SigningKey),
    /// SM2 with SM3.
    Sm2(certdesk_protocol::credential::Sm2SigningKey),
    /// Ed25519 held in a PKCS#11 token ([`crate::hsm`]): the secret never leaves it.
    Token {
        /// The token's session.
        hsm: std::sync::Arc<crate::hsm::Hsm>,
        /// The key pair's label in the token.
        label: String,
        /// Its public key.
        public: [u8; 32],
    },
}

/// What a token key's row holds instead of a sealed secret: this, then the key's label.
const TOKEN_PREFIX: &[u8] = b"P11:";

impl PlatformKey {
    /// The 32-byte secret (what is sealed at rest); `None` for a key held in a token.
    pub fn secret(&self) -> Option<[u8; 32]> {
        match self {
            PlatformKey::Ed25519(k) => Some(k.to_bytes()),
            PlatformKey::Sm2(k) => Some(k.to_bytes()),
            PlatformKey::Token { .. } => None,
        }
    }

    /// The key of `algorithm` with this secret; `None` when it is not a key of it.
    pub fn from_bytes(algorithm: KeyAlgorithm, secret: &[u8; 32]) -> Option<PlatformKey> {
        match algorithm {
            KeyAlgorithm::Ed25519 => Some(PlatformKey::Ed25519(SigningKey::from_bytes(secret))),
            KeyAlgorithm::Sm2 => certdesk_protocol::credential::Sm2SigningKey::from_bytes(secret).map(PlatformKey::Sm2),
        }
    }
}

impl CredentialSigner for PlatformKey {
    fn algorithm(&self) -> KeyAlgorithm {
        match self {
            PlatformKey::Ed25519(k) => k.algorithm(),
            PlatformKey::Sm2(k) => k.algorithm(),
            PlatformKey::Token { .. } => KeyAlgorithm::Ed25519,
        }
    }

    fn sign_message(&self, message: &[u8]) -> Result<[u8; 64], String> {
        match self {
            PlatformKey::Ed25519(k) => k.sign_message(message),
            PlatformKey::Sm2(k) => k.sign_message(message),
            PlatformKey::Token { hsm, label, .. } => hsm.sign(label, message),
        }
    }

    fn public_key_bytes(&self) -> Vec<u8> {
        match self {
            PlatformKey::Ed25519(k) => k.public_key_bytes(),
            PlatformKey::Sm2(k) => k.public_key_bytes(),
            PlatformKey::Token { public, .. } => public.to_vec(),
        }
    }
}

/// The key-encryption key of the signing keys (issue 11 item 3, part): the platform's Ed25519
/// secrets are stored in the database sealed with ChaCha20-Poly1305 under a 32-byte key kept in a
/// file of its own (`DATA_DIR/signing-kek`, owner-only), so a copy of the database (a backup, a
/// dump) cannot sign a card. The key id is bound as associated data, so a sealed secret cannot be
/// moved to another key's row.
pub struct KeyVault {
    kek: chacha20poly1305::Key,
    /// The PKCS#11 token new keys are made in, when the platform has one.
    hsm: Option<std::sync::Arc<crate::hsm::Hsm>>,
}

/// What a sealed secret starts with (format 1: nonce, then ciphertext and tag).
const SEALED_PREFIX: &[u8; 4] = b"CDK1";

impl KeyVault {
    /// The key file's name in the data folder.
    pub const FILE: &'static str = "signing-kek";

    /// A vault under a new random key (tests, in-memory stores).
    pub fn generate() -> KeyVault {
        let mut kek = [0u8; 32];
        OsRng.fill_bytes(&mut kek);
        KeyVault { kek: kek.into(), hsm: None }
    }

    /// The same vault, reaching keys held in `hsm`.
    pub fn with_hsm(self, hsm: Option<std::sync::Arc<crate::hsm::Hsm>>) -> KeyVault {
        KeyVault { hsm, ..self }
    }

    /// What a key's row stores: its sealed secret, or, for a token key, only its label.
    pub fn stored(&self, key_id: u16, key: &PlatformKey) -> Vec<u8> {
        match (key, key.secret()) {
            (PlatformKey::Token { label, .. }, _) => [TOKEN_PREFIX, label.as_bytes()].concat(),
            (_, Some(secret)) => self.seal_bytes(&key_id.to_be_bytes(), &secret),
            (_, None) => unreachable!("only a token key has no secret"),
        }
    }

    /// The key a row stores: opened from its sealed secret, or found in the token by label.
    pub fn key(&self, key_id: u16, stored: &[u8], algorithm: KeyAlgorithm) -> Result<PlatformKey, String> {
        if let Some(label) = stored.strip_prefix(TOKEN_PREFIX) {
            let label = String::from_utf8_lossy(label).into_owned();
            let hsm = self.hsm.clone().ok_or_else(|| format!("signing key {key_id} is held in a PKCS#11 token: start the platform with --pkcs11-module"))?;
            let public = hsm.public_key(&label)?.ok_or_else(|| format!("signing key {key_id} ({label}) is not in the token"))?;
            return Ok(PlatformKey::Token { hsm, label, public });
        }
        self.open(key_id, stored)
            .and_then(|s| PlatformKey::from_bytes(algorithm, &s))
            .ok_or_else(|| format!(
                "signing key {key_id} does not open with this data folder's key file ({}): restore the key file that was used with this database",
                KeyVault::FILE
            ))
    }

    /// Destroys a retired key's token object (a sealed secret is erased by the row itself).
    pub fn destroy(&self, stored: &[u8]) -> Result<(), String> {
        match (stored.strip_prefix(TOKEN_PREFIX), &self.hsm) {
            (Some(label), Some(hsm)) => hsm.destroy(&String::from_utf8_lossy(label)),
            _ => Ok(()),
        }
    }

    /// The vault of `path`, made (32 random bytes, owner-only, synced) when the file is missing.
    pub fn load_or_create(path: &std::path::Path) -> std::io::Result<KeyVault> {
        match std::fs::read(path) {
            Ok(bytes) => {
                // Owner-only, whatever an operator's copy left it as.
                #[cfg(unix)]
                std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
                let kek: [u8; 32] = bytes.try_into().map_err(|_| {
                    std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{} is not a 32-byte key file", path.display()))
                })?;
                Ok(KeyVault { kek: kek.into(), hsm: None })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let vault = KeyVault::generate();
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options.open(path)?;
                std::io::Write::write_all(&mut file, vault.kek.as_slice())?;
                file.sync_all()?;
                Ok(vault)
            }
            Err(e) => Err(e),
        }
    }

    /// A 32-byte secret for `purpose`, derived from the key file (HMAC-SHA256): the same in
    /// every instance given the same file, and useless without it.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<Sha256>::new_from_slice(self.kek.as_slice()).expect("HMAC takes a key of any length");
        mac.update(b"certdesk derived secret\0");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// `key`'s 32-byte secret sealed for the row of `key_id`.
    pub fn seal(&self, key_id: u16, key: &[u8; 32]) -> Vec<u8> {
        self.seal_bytes(&key_id.to_be_bytes(), key)
    }

    /// The 32-byte secret sealed in a row of `key_id`; `None` when it was sealed under another
    /// key file or altered. A row written before sealing (32 plain bytes) is read as it is.
    pub fn open(&self, key_id: u16, stored: &[u8]) -> Option<[u8; 32]> {
        if let Ok(plain) = <[u8; 32]>::try_from(stored) {
            return Some(plain);
        }
        self.open_bytes(&key_id.to_be_bytes(), stored)?.try_into().ok()
    }

    /// Any secret sealed for the row named by `aad` (an operator's TOTP secret, bound to their id).
    pub fn seal_bytes(&self, aad: &[u8], secret: &[u8]) -> Vec<u8> {
        use chacha20poly1305::aead::{Aead, Payload};
        use chacha20poly1305::{ChaCha20Poly1305, KeyInit, Nonce};
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let sealed = ChaCha20Poly1305::new(&self.kek)
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: secret, aad })
            .expect("ChaCha20-Poly1305 seals a short secret");
        [SEALED_PREFIX.as_slice(), &nonce, &sealed].concat()
    }

    /// A secret sealed by [`KeyVault::seal_bytes`] for the row named by `aad`; `None` when it was
    /// sealed under another key file, for another row, or altered.
    pub fn open_bytes(&self, aad: &[u8], stored: &[u8]) -> Option<Vec<u8>> {
        use chacha20poly1305::aead::{Aead, Payload};
        use chacha20poly1305::{ChaCha20Poly1305, KeyInit, Nonce};
        let rest = stored.strip_prefix(SEALED_PREFIX.as_slice())?;
        if rest.len() < 12 + 16 {
            return None;
        }
        let (nonce, sealed) = rest.split_at(12);
        ChaCha20Poly1305::new(&self.kek).decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad }).ok()
    }

    /// Whether a stored secret is still plain (written before sealing).
    pub fn is_plain(stored: &[u8]) -> bool {
        stored.len() == 32
    }
}

#[cfg(test)]
mod vault_tests {
    use super::*;

    #[test]
    fn a_sealed_key_opens_only_under_its_key_file_and_in_its_own_row() {
        let vault = KeyVault::generate();
        let key = generate().to_bytes();
        let sealed = vault.seal(3, &key);
        assert!(!sealed.windows(32).any(|w| w == key), "the plain key is nowhere in the sealed bytes");
        assert_eq!(vault.open(3, &sealed), Some(key));
        assert!(vault.open(4, &sealed).is_none(), "moved to another key's row");
        assert!(KeyVault::generate().open(3, &sealed).is_none(), "another key file");
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert!(vault.open(3, &altered).is_none(), "altered");
        assert_eq!(vault.open(3, &key), Some(key), "a row from before sealing");
    }

    #[test]
    fn the_key_file_is_made_once_owner_only_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KeyVault::FILE);
        let first = KeyVault::load_or_create(&path).unwrap();
        let sealed = first.seal(1, &generate().to_bytes());
        let again = KeyVault::load_or_create(&path).unwrap();
        assert!(again.open(1, &sealed).is_some(), "the same key file opens what the first sealed");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&path, b"short").unwrap();
        assert!(KeyVault::load_or_create(&path).is_err(), "a damaged key file is refused, not replaced");
    }
}
