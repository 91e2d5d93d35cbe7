//! Fuzz target: the QR credential and electronic-card decoder (`credential::verify_at`,
//! `verify`, `claimed_certificate_code`, `looks_electronic`), what the desk's verify screen
//! and the platform's public page run on whatever a phone scanned.
//!
//! A random text never carries a valid signature, so on its own the fuzzer would stop at the
//! signature check. Each input is therefore checked twice: as scanned, and once more with its
//! payload re-signed by the platform key of the algorithm its version byte names (the
//! fuzzer's stand-in for a leaked key or a broken signer), so that everything the verifier
//! believes only after the signature (dates, validity, revocations, an electronic card's
//! signing time) is fuzzed too. Re-signing only replaces the key id and the signature; the
//! body, the URL around it and the parsing are the input's and the product's.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use certdesk_protocol::credential::{
    claimed_certificate_code, issue_url, looks_electronic, verify, verify_at, CredentialSigner, KeyAlgorithm, Verdict,
    BODY_LEN, ELECTRONIC_BODY_LEN, ELECTRONIC_PAYLOAD_LEN, PAYLOAD_LEN,
};

/// What a credential's signature covers, ahead of its body (docs/credential-format.md).
const SIGNING_CONTEXT: &[u8] = b"certdesk/credential/v1\0";

fn main() {
    let (ed, sm2) = (certdesk_fuzz::ed25519_key(), certdesk_fuzz::sm2_key());
    let (trust, revocations) = (certdesk_fuzz::trust_list(), certdesk_fuzz::revocations());
    let (now, today) = (certdesk_fuzz::now(), certdesk_fuzz::today());
    // The stand-in signer must sign as the platform does, or every re-signed input would stop
    // at the signature check and this target would fuzz nothing behind it.
    let genuine = issue_url("https://platform.example/c/", &certdesk_fuzz::claims(certdesk_fuzz::ED25519_KEY_ID, 1), &ed)
        .expect("the platform signs a year's claims");
    let resigned = resign(&genuine, &ed, &sm2).expect("a genuine URL has a payload to re-sign");
    assert!(matches!(verify_at(&resigned, &trust, &revocations, now).verdict, Verdict::Valid(_)), "re-signing keeps a genuine card valid");

    afl::fuzz!(|data: &[u8]| {
        let Ok(scanned) = std::str::from_utf8(data) else { return };
        let _ = claimed_certificate_code(scanned);
        let _ = looks_electronic(scanned);
        let _ = verify(scanned, &trust, &revocations, today);
        let _ = verify_at(scanned, &trust, &revocations, now);
        if let Some(resigned) = resign(scanned, &ed, &sm2) {
            let checked = verify_at(&resigned, &trust, &revocations, now);
            if let Some(claims) = checked.verdict.claims() {
                // What the public page looks a certificate up by must be what the verifier
                // then vouches for.
                assert_eq!(claimed_certificate_code(&resigned).as_ref(), Some(&claims.certificate_code));
                assert!(claims.valid_from <= claims.valid_until, "a vouched-for validity does not end before it starts");
            }
            let _ = verify(&resigned, &trust, &revocations, today);
        }
    });
}

/// `scanned` with its last path segment's payload given this platform's key id and a genuine
/// signature of the key of the algorithm its version byte names; `None` when the segment is
/// not a payload of a known version and length.
fn resign(scanned: &str, ed: &ed25519_dalek::SigningKey, sm2: &certdesk_protocol::credential::Sm2SigningKey) -> Option<String> {
    let (prefix, last) = scanned.rsplit_once('/').unwrap_or(("", scanned));
    let end = last.find(['?', '#']).unwrap_or(last.len());
    let (segment, suffix) = last.split_at(end);
    let mut payload = URL_SAFE_NO_PAD.decode(segment).ok()?;
    let (algorithm, electronic) = KeyAlgorithm::of_version(*payload.first()?)?;
    let (body_len, len) = if electronic { (ELECTRONIC_BODY_LEN, ELECTRONIC_PAYLOAD_LEN) } else { (BODY_LEN, PAYLOAD_LEN) };
    if payload.len() != len {
        return None;
    }
    let (key_id, signer): (u16, &dyn CredentialSigner) = if algorithm.is_ed25519() {
        (certdesk_fuzz::ED25519_KEY_ID, ed)
    } else {
        (certdesk_fuzz::SM2_KEY_ID, sm2)
    };
    payload[1..3].copy_from_slice(&key_id.to_be_bytes());
    let signature = signer.sign_message(&[SIGNING_CONTEXT, &payload[..body_len]].concat()).ok()?;
    payload[body_len..].copy_from_slice(&signature);
    let slash = if scanned.contains('/') { "/" } else { "" };
    Some(format!("{prefix}{slash}{}{suffix}", URL_SAFE_NO_PAD.encode(&payload)))
}
