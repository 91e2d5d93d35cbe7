//! The PKCS#11 key provider (issue 11 item 3): the platform's signing keys made and kept in a
//! hardware security module (SoftHSM2 in the tests, a real HSM in a city deployment). A key is
//! generated in the token as Ed25519 (`CKM_EC_EDWARDS_KEY_PAIR_GEN`), sensitive and never
//! extractable; the platform signs through the token (`CKM_EDDSA`) and the database holds only
//! the key's public half and its label. A retired key's token object is destroyed.

use std::path::Path;
use std::sync::Mutex;

use cryptoki::context::{CInitializeArgs, Pkcs11};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;

/// DER of the Ed25519 curve's OID (1.3.101.112), the `CKA_EC_PARAMS` of its keys.
const ED25519_PARAMS: [u8; 5] = [0x06, 0x03, 0x2b, 0x65, 0x70];

/// An open, logged-in session on one token.
pub struct Hsm {
    session: Mutex<Session>,
    _context: Pkcs11,
}

impl std::fmt::Debug for Hsm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hsm(…)")
    }
}

fn failed(what: &str, e: impl std::fmt::Display) -> String {
    format!("PKCS#11: {what}: {e}")
}

impl Hsm {
    /// Loads the PKCS#11 `module`, finds the token labelled `token` and logs in with `pin`.
    pub fn open(module: &Path, token: &str, pin: &str) -> Result<Hsm, String> {
        let context = Pkcs11::new(module).map_err(|e| failed(&format!("loading {}", module.display()), e))?;
        context.initialize(CInitializeArgs::OsThreads).map_err(|e| failed("initialising", e))?;
        let slot = context
            .get_slots_with_token()
            .map_err(|e| failed("listing slots", e))?
            .into_iter()
            .find(|s| context.get_token_info(*s).is_ok_and(|i| i.label().trim() == token))
            .ok_or_else(|| format!("PKCS#11: no token labelled {token:?} in {}", module.display()))?;
        let session = context.open_rw_session(slot).map_err(|e| failed("opening a session", e))?;
        session.login(UserType::User, Some(&AuthPin::new(pin.to_owned()))).map_err(|e| failed("logging in", e))?;
        Ok(Hsm { session: Mutex::new(session), _context: context })
    }

    fn session(&self) -> std::sync::MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes an Ed25519 key pair in the token under `label`; its 32-byte public key.
    pub fn generate(&self, label: &str) -> Result<[u8; 32], String> {
        let session = self.session();
        let public = [
            Attribute::Token(true),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::EcParams(ED25519_PARAMS.to_vec()),
            Attribute::Verify(true),
        ];
        let private = [
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Sign(true),
        ];
        let (public, _) = session
            .generate_key_pair(&Mechanism::EccEdwardsKeyPairGen, &public, &private)
            .map_err(|e| failed("generating a key", e))?;
        public_of(&session, public)
    }

    fn object(session: &Session, label: &str, class: ObjectClass) -> Result<Option<ObjectHandle>, String> {
        let found = session
            .find_objects(&[Attribute::Class(class), Attribute::KeyType(KeyType::EC_EDWARDS), Attribute::Label(label.as_bytes().to_vec())])
            .map_err(|e| failed("finding a key", e))?;
        Ok(found.into_iter().next())
    }

    /// The public key of the key pair labelled `label`, if the token holds its private half.
    pub fn public_key(&self, label: &str) -> Result<Option<[u8; 32]>, String> {
        let session = self.session();
        if Self::object(&session, label, ObjectClass::PRIVATE_KEY)?.is_none() {
            return Ok(None);
        }
        match Self::object(&session, label, ObjectClass::PUBLIC_KEY)? {
            Some(public) => public_of(&session, public).map(Some),
            None => Ok(None),
        }
    }

    /// Signs `message` with the private key labelled `label` (pure Ed25519).
    pub fn sign(&self, label: &str, message: &[u8]) -> Result<[u8; 64], String> {
        let session = self.session();
        let key = Self::object(&session, label, ObjectClass::PRIVATE_KEY)?
            .ok_or_else(|| format!("PKCS#11: the token holds no private key {label:?}"))?;
        let signature = session.sign(&Mechanism::Eddsa, key, message).map_err(|e| failed("signing", e))?;
        signature.try_into().map_err(|s: Vec<u8>| format!("PKCS#11: a {}-byte signature", s.len()))
    }

    /// Destroys both halves of the key pair labelled `label` (a retired or withdrawn key).
    pub fn destroy(&self, label: &str) -> Result<(), String> {
        let session = self.session();
        for class in [ObjectClass::PRIVATE_KEY, ObjectClass::PUBLIC_KEY] {
            if let Some(object) = Self::object(&session, label, class)? {
                session.destroy_object(object).map_err(|e| failed("destroying a key", e))?;
            }
        }
        Ok(())
    }
}

/// The 32 bytes of an Ed25519 public key object (`CKA_EC_POINT`, raw or as a DER octet string).
fn public_of(session: &Session, public: ObjectHandle) -> Result<[u8; 32], String> {
    let attributes = session.get_attributes(public, &[AttributeType::EcPoint]).map_err(|e| failed("reading a public key", e))?;
    let point = attributes
        .into_iter()
        .find_map(|a| match a {
            Attribute::EcPoint(p) => Some(p),
            _ => None,
        })
        .ok_or_else(|| "PKCS#11: the public key has no point".to_owned())?;
    let raw = match point.as_slice() {
        [0x04, 0x20, rest @ ..] if rest.len() == 32 => rest,
        raw => raw,
    };
    raw.try_into().map_err(|_| format!("PKCS#11: a {}-byte Ed25519 public key", raw.len()))
}
