//! Where the platform's new ids and signing keys come from: one [`Ids`] source, injected into
//! the server's state beside its [`crate::api::Clock`], so that no flow or store makes one up
//! by itself and a test can fix them.
//!
//! Secrets a person is handed (device secrets, enrolment codes, session ids, page tokens) are
//! not ids: they come from the operating system's randomness in [`crate::keys`] and never
//! from anything a test could predict.

use ed25519_dalek::SigningKey;
use uuid::Uuid;

/// The source of new ids and signing keys.
pub trait Ids: Send + Sync {
    /// A new record id (UUIDv7: time-ordered, unique).
    fn id(&self) -> Uuid;

    /// A new Ed25519 signing key.
    fn signing_key(&self) -> SigningKey;

    /// A new platform signing key, of the algorithm and in the place this platform makes new
    /// keys (Ed25519 in the database unless the source says otherwise, as [`Sm2Keys`] and
    /// [`TokenKeys`] do); a token may fail to make one.
    fn new_signing_key(&self) -> Result<crate::keys::PlatformKey, String> {
        Ok(crate::keys::PlatformKey::Ed25519(self.signing_key()))
    }
}

/// A source whose new signing keys are made in a PKCS#11 token (`serve --pkcs11-module`): ids
/// as the inner source's.
pub struct TokenKeys {
    /// The token.
    pub hsm: std::sync::Arc<crate::hsm::Hsm>,
    /// Where ids come from.
    pub inner: std::sync::Arc<dyn Ids>,
}

impl Ids for TokenKeys {
    fn id(&self) -> Uuid {
        self.inner.id()
    }

    fn signing_key(&self) -> SigningKey {
        self.inner.signing_key()
    }

    fn new_signing_key(&self) -> Result<crate::keys::PlatformKey, String> {
        let label = format!("certdesk-{}", Uuid::now_v7());
        let public = self.hsm.generate(&label)?;
        Ok(crate::keys::PlatformKey::Token { hsm: self.hsm.clone(), label, public })
    }
}

/// A source whose new signing keys are SM2 (GB/T 32918; `serve --key-algorithm sm2`): ids as
/// the inner source's.
#[derive(Debug, Default)]
pub struct Sm2Keys<I>(pub I);

impl<I: Ids> Ids for Sm2Keys<I> {
    fn id(&self) -> Uuid {
        self.0.id()
    }

    fn signing_key(&self) -> SigningKey {
        self.0.signing_key()
    }

    fn new_signing_key(&self) -> Result<crate::keys::PlatformKey, String> {
        Ok(crate::keys::PlatformKey::Sm2(certdesk_protocol::credential::Sm2SigningKey::generate()))
    }
}

/// The real source: UUIDv7 from the system clock and keys from the OS's randomness.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemIds;

impl Ids for SystemIds {
    fn id(&self) -> Uuid {
        Uuid::now_v7()
    }

    fn signing_key(&self) -> SigningKey {
        crate::keys::generate()
    }
}

/// A predictable source for tests: ids count up from 1 (`00000000-0000-7000-8000-000000000001`,
/// ...) and keys are made from the count. Never use it in a server.
#[cfg(test)]
#[derive(Debug, Default)]
pub struct CountingIds(std::sync::atomic::AtomicU64);

#[cfg(test)]
impl CountingIds {
    fn next(&self) -> u64 {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1
    }

    /// The `n`-th id this source hands out (from 1).
    pub fn nth(n: u64) -> Uuid {
        Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_0000_0000 | u128::from(n))
    }
}

#[cfg(test)]
impl Ids for CountingIds {
    fn id(&self) -> Uuid {
        CountingIds::nth(self.next())
    }

    fn signing_key(&self) -> SigningKey {
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&self.next().to_be_bytes());
        SigningKey::from_bytes(&seed)
    }
}
