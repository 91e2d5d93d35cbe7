//! What the fuzz targets share: the fixed moment they judge at, the platform keys a scanned
//! credential is checked against, a desk to import into and a platform to push to, all built
//! from the products' own crates (the same functions production calls).
//!
//! This crate must never hold a copy of the code it fuzzes: every target hands the fuzzer's
//! bytes to the real entry point (`Desk::preview_import`, `credential::verify_at`,
//! `IdNumber::parse`, the platform's router for `POST /api/v1/sync/push`). What lives here is
//! set-up only: fixed keys, a fixed clock, a counting id source, so that an input behaves the
//! same every time it is run and a crash reproduces from its file alone.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use certdesk_platform::api::AppState;
use certdesk_platform::ids::Ids;
use certdesk_platform::store::repo::RepoExt;
use certdesk_platform::store::sqlite::SqliteStore;
use certdesk_platform::store::{Agency, Store};
use certdesk_protocol::credential::{
    CredentialClaims, RevocationEntry, RevocationList, Sm2SigningKey, TrustList, TrustedKey,
};
use chrono::{DateTime, NaiveDate, Utc};
use ed25519_dalek::SigningKey;
use uuid::Uuid;

/// The moment every target judges at (10:00 in Shanghai).
pub fn now() -> DateTime<Utc> {
    "2026-11-27T02:00:00Z".parse().expect("an RFC 3339 instant")
}

/// Today in Shanghai at [`now`].
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).expect("a real day")
}

// ---- credentials --------------------------------------------------------------------------

/// Key id of the Ed25519 platform key in [`trust_list`].
pub const ED25519_KEY_ID: u16 = 1;
/// Key id of the SM2 platform key in [`trust_list`].
pub const SM2_KEY_ID: u16 = 2;

/// The Ed25519 platform key the targets sign with (fixed, so seeds stay valid).
pub fn ed25519_key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

/// The SM2 platform key the targets sign with (fixed, so seeds stay valid).
pub fn sm2_key() -> Sm2SigningKey {
    Sm2SigningKey::from_bytes(&[9u8; 32]).expect("a fixed scalar within the curve's order")
}

/// The platform keys a verifier trusts: both keys, in service since 2020.
pub fn trust_list() -> TrustList {
    let since = NaiveDate::from_ymd_opt(2020, 1, 1).expect("a real day");
    TrustList {
        keys: vec![
            TrustedKey::for_signing_key(ED25519_KEY_ID, &ed25519_key(), since, None),
            TrustedKey::for_signing_key(SM2_KEY_ID, &sm2_key(), since, None),
        ],
    }
}

/// A revocation list with one revoked and one replaced certificate, so a scan reaches both
/// verdicts.
pub fn revocations() -> RevocationList {
    RevocationList {
        entries: vec![
            RevocationEntry { certificate_code: "沪01-2026-000002".into(), revoked: true, current_card_version: 1 },
            RevocationEntry { certificate_code: "沪01-2026-000003".into(), revoked: false, current_card_version: 2 },
        ],
    }
}

/// Claims of a certificate valid for a year from 2026-03-01.
pub fn claims(key_id: u16, serial: u32) -> CredentialClaims {
    CredentialClaims {
        key_id,
        certificate_code: certdesk_domain::certificate_code::CertificateCode::new(1, 2026, serial)
            .expect("district 1, a real year and serial"),
        card_version: 1,
        valid_from: NaiveDate::from_ymd_opt(2026, 3, 1).expect("a real day"),
        valid_until: NaiveDate::from_ymd_opt(2027, 2, 28).expect("a real day"),
    }
}

// ---- the desk -----------------------------------------------------------------------------

/// A desk set up in a new folder under the temporary folder (`scripts/fuzz` points `TMPDIR`
/// at a folder it removes after the run). Only read from by the import target.
pub fn desk() -> certdesk_store::Desk {
    let dir = tempfile::Builder::new().prefix("desk-").tempdir().expect("a temporary folder").keep();
    let clock: Box<dyn certdesk_store::Clock> = Box::new(FixedClock);
    let mut desk = certdesk_store::Desk::open_with_clock(&dir, clock).expect("a new desk opens");
    let agency = certdesk_store::Agency {
        name: "上海好帮手家政服务有限公司".into(),
        credit_code: "91310104MA1FL8L970".into(),
        district: "徐汇区".into(),
        address: "上海市徐汇区漕溪北路1号".into(),
        phone: "021-64870000".into(),
        updated_at: String::new(),
    };
    let manager = certdesk_store::NewUser {
        username: "admin".into(),
        display_name: "王经理".into(),
        role: certdesk_store::Role::Manager,
        password: "secret123".into(),
    };
    desk.setup(&agency, &manager).expect("a new desk accepts its first set-up");
    desk
}

/// The desk's clock, stopped at [`now`].
struct FixedClock;

impl certdesk_store::Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        now()
    }
}

// ---- the platform -------------------------------------------------------------------------

/// The device every push seed names (the `device_id` of the body).
pub const DEVICE_ID: Uuid = Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_0001);
/// That device's secret; the platform keeps its SHA-256.
pub const DEVICE_SECRET: &str = "fuzz-device-secret";
/// Its agency.
pub const AGENCY_ID: Uuid = Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_0002);

/// Ids that count up from 1 and keys made from the count: a push makes the same records every
/// time it is run.
#[derive(Default)]
pub struct CountingIds(AtomicU64);

impl Ids for CountingIds {
    fn id(&self) -> Uuid {
        Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_0000_0000 | u128::from(self.0.fetch_add(1, Ordering::SeqCst) + 1))
    }

    fn signing_key(&self) -> SigningKey {
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&(self.0.fetch_add(1, Ordering::SeqCst) + 1).to_be_bytes());
        SigningKey::from_bytes(&seed)
    }
}

/// A fresh platform over an in-memory store holding one agency and its one device.
pub fn platform() -> AppState {
    let store = SqliteStore::open_in_memory().expect("an in-memory platform store");
    let agency = Agency {
        id: AGENCY_ID,
        name: "上海好帮手家政服务有限公司".into(),
        credit_code: "91310104MA1FL8L970".into(),
        district: "徐汇区".into(),
    };
    store.create_agency(&agency, now()).expect("the agency is stored");
    let secret_hash = certdesk_platform::keys::sha256_hex(DEVICE_SECRET);
    store
        .transaction(|tx| tx.add_device(DEVICE_ID, AGENCY_ID, "前台电脑", &secret_hash, now()))
        .expect("the device is stored");
    let store: Arc<dyn Store> = Arc::new(store);
    AppState {
        store,
        providers: Arc::new(Vec::new()),
        clock: Arc::new(now),
        ids: Arc::new(CountingIds::default()),
        credential_base_url: "https://platform.example/c/".into(),
        validity_days: 365,
        blob_dir: std::env::temp_dir().join("certdesk-fuzz-blobs").into(),
        blob_quota: Default::default(),
        metrics: certdesk_platform::metrics::Metrics::new(),
        page_tokens: Arc::new(certdesk_platform::public::token::TokenKey::generate()),
        releases: None,
    }
}

/// `POST /api/v1/sync/push` with `body`, authenticated as [`DEVICE_ID`], through the
/// platform's whole router (`certdesk_platform::api::app`: body limit, device check, JSON
/// extractor, push flow); the status and the answer's body.
pub async fn push(router: axum::Router, body: &[u8]) -> (axum::http::StatusCode, Vec<u8>) {
    use tower::ServiceExt;
    let request = axum::http::Request::builder()
        .method("POST")
        .uri(format!("{}/sync/push", certdesk_protocol::API_PREFIX))
        .header("content-type", "application/json")
        .header("authorization", certdesk_protocol::sync::device_authorization(DEVICE_ID, DEVICE_SECRET))
        .body(axum::body::Body::from(body.to_vec()))
        .expect("a well-formed request");
    let response = router.oneshot(request).await.expect("the router always answers");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 4 << 20).await.expect("the answer is read whole");
    (status, bytes.to_vec())
}
