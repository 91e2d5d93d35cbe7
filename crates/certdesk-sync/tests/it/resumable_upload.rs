//! The desk's photo upload against the real platform: a cut upload resumes from the offset
//! the platform holds, not from 0, and an overlap (a chunk the platform already has) realigns
//! instead of failing.

use std::time::Duration;

use certdesk_platform::keys::sha256_bytes_hex;
use certdesk_protocol::blob::UPLOAD_CHUNK_BYTES;
use certdesk_protocol::sync::EnrolRequest;
use certdesk_sync::{BlobUpload, PlatformClient, RetryPolicy};
use certdesk_testkit::platform::{Options, TestPlatform};

/// A platform, a raw HTTPS client for it, the sync client of one enrolled device, and
/// `base|authorization` for sending chunks by hand.
async fn setup() -> (TestPlatform, reqwest::Client, PlatformClient, String) {
    let p = TestPlatform::start(Options::default()).await;
    let code = p.enrolment_code(p.agency(1).await).await;
    let client = PlatformClient::new(&p.base, Some(&p.ca_pem), Duration::from_secs(10), RetryPolicy::default()).unwrap();
    let device = client.enrol(&EnrolRequest { code, device_name: "前台".into() }).await.unwrap();
    let authorization = device.authorization();
    let client = client.with_device(device.device_id, &device.device_secret).unwrap();
    let target = format!("{}|{authorization}", p.base);
    let http = p.http.clone();
    (p, http, client, target)
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
    let (_platform, http, client, target) = setup().await;
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
    let (_platform, http, client, target) = setup().await;
    let (bytes, sha) = photo(4 * UPLOAD_CHUNK_BYTES);
    // An odd-sized first chunk (another desk version, say): the client continues from 1000.
    send_chunk(&http, &target, &sha, &bytes, 0, 1000).await;
    let report = client.upload_blob(&sha, &bytes, UPLOAD_CHUNK_BYTES).await.unwrap();
    assert_eq!(report.resumed_from, 1000);
    assert_eq!(report.bytes_sent, bytes.len() as u64 - 1000);
    assert!(client.blob_exists(&sha).await.unwrap());
}
