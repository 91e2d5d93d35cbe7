//! The desk's photo upload against the real platform: a cut upload resumes from the offset
//! the platform holds, not from 0, and an overlap (a chunk the platform already has) realigns
//! instead of failing.

use std::sync::Arc;
use std::time::Duration;

use certdesk_domain::credit_check_char;
use certdesk_platform::checks::CheckProvider;
use certdesk_platform::keys::sha256_bytes_hex;
use certdesk_platform::{start, RunningServer, ServerConfig, TlsSource};
use certdesk_protocol::blob::UPLOAD_CHUNK_BYTES;
use certdesk_protocol::operator::{AgencyCreated, EnrolmentCodeIssued};
use certdesk_protocol::sync::EnrolRequest;
use certdesk_sync::{BlobUpload, PlatformClient, RetryPolicy};
use serde_json::json;

const OPERATOR_TOKEN: &str = "operator-token-for-upload-tests";

/// A platform, a raw HTTPS client for it, and the sync client of one enrolled device.
async fn setup() -> (RunningServer, reqwest::Client, PlatformClient, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let providers: Vec<Box<dyn CheckProvider>> = Vec::new();
    let server = start(ServerConfig {
        data_dir: dir.path().to_owned(),
        listen: "127.0.0.1:0".parse().unwrap(),
        tls: TlsSource::Dev,
        operator_token: OPERATOR_TOKEN.into(),
        providers,
        public_url: None,
        validity_days: 1096,
        clock: Arc::new(chrono::Utc::now),
    })
    .await
    .unwrap();
    let ca_pem = std::fs::read_to_string(server.dev_ca.as_ref().unwrap()).unwrap();
    let base = format!("https://{}", server.addr);
    let http = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap())
        .build()
        .unwrap();
    let first17 = "91310000MA1F00001";
    let credit = format!("{first17}{}", credit_check_char(first17).unwrap());
    let agency: AgencyCreated = http
        .post(format!("{base}/api/v1/operator/agencies"))
        .bearer_auth(OPERATOR_TOKEN)
        .json(&json!({"name": "第1家政", "credit_code": credit, "district": "徐汇区"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code: EnrolmentCodeIssued = http
        .post(format!("{base}/api/v1/operator/agencies/{}/enrolment-codes", agency.agency_id))
        .bearer_auth(OPERATOR_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let client = PlatformClient::new(&base, Some(&ca_pem), Duration::from_secs(10), RetryPolicy::default()).unwrap();
    let device = client.enrol(&EnrolRequest { code: code.code, device_name: "前台".into() }).await.unwrap();
    let authorization = device.authorization();
    let client = client.with_device(device.device_id, &device.device_secret).unwrap();
    (server, http, client, format!("{base}|{authorization}"), dir)
}

fn photo(len: usize) -> (Vec<u8>, String) {
    let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 253) as u8).collect();
    let sha = sha256_bytes_hex(&bytes);
    (bytes, sha)
}

/// Sends `bytes[start..end]` by hand, as a desk cut off after that chunk would have.
async fn send_chunk(http: &reqwest::Client, target: &str, sha: &str, bytes: &[u8], start: usize, end: usize) {
    let (base, authorization) = target.split_once('|').unwrap();
    let res = http
        .patch(format!("{base}/api/v1/blobs/{sha}/upload"))
        .header("authorization", authorization)
        .header("content-range", format!("bytes {start}-{}/{}", end - 1, bytes.len()))
        .body(bytes[start..end].to_vec())
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
}

#[tokio::test]
async fn a_cut_upload_resumes_from_the_platforms_offset_not_from_zero() {
    let (_server, http, client, target, _dir) = setup().await;
    let (bytes, sha) = photo(5 * UPLOAD_CHUNK_BYTES + 123);
    // The first three chunks arrived before the cut.
    for i in 0..3 {
        send_chunk(&http, &target, &sha, &bytes, i * UPLOAD_CHUNK_BYTES, (i + 1) * UPLOAD_CHUNK_BYTES).await;
    }
    assert!(!client.blob_exists(&sha).await.unwrap(), "not visible before it is whole");
    let report = client.upload_blob(&sha, &bytes, UPLOAD_CHUNK_BYTES).await.unwrap();
    let held = 3 * UPLOAD_CHUNK_BYTES as u64;
    assert_eq!(
        report,
        BlobUpload { resumed_from: held, bytes_sent: bytes.len() as u64 - held },
        "only the missing bytes travel"
    );
    assert!(client.blob_exists(&sha).await.unwrap());
    let again = client.upload_blob(&sha, &bytes, UPLOAD_CHUNK_BYTES).await.unwrap();
    assert_eq!(again.bytes_sent, 0, "a complete blob is not sent again");
}

#[tokio::test]
async fn an_upload_whose_chunk_size_disagrees_with_what_arrived_realigns_on_the_offset() {
    let (_server, http, client, target, _dir) = setup().await;
    let (bytes, sha) = photo(4 * UPLOAD_CHUNK_BYTES);
    // An odd-sized first chunk (another desk version, say): the client continues from 1000.
    send_chunk(&http, &target, &sha, &bytes, 0, 1000).await;
    let report = client.upload_blob(&sha, &bytes, UPLOAD_CHUNK_BYTES).await.unwrap();
    assert_eq!(report.resumed_from, 1000);
    assert_eq!(report.bytes_sent, bytes.len() as u64 - 1000);
    assert!(client.blob_exists(&sha).await.unwrap());
}
