//! The resumable photo upload over real HTTPS: chunks append only at the current offset, a
//! cut upload resumes where it stopped (also across a platform restart), the hash is checked
//! before anything becomes visible, and one agency's partial upload is invisible to another.

use certdesk_platform::blob_upload::MAX_BLOB_BYTES;
use certdesk_protocol::blob::{UploadStatus, UPLOAD_OFFSET_MISMATCH};
use certdesk_protocol::sync::EnrolResponse;
use certdesk_protocol::ApiError;
use certdesk_testkit::platform::{Options, TestPlatform};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

const CHUNK: usize = 64 * 1024;

/// The test kit's platform with this file's own calls (the upload's status).
struct Platform(TestPlatform);

impl std::ops::Deref for Platform {
    type Target = TestPlatform;
    fn deref(&self) -> &TestPlatform {
        &self.0
    }
}

impl Platform {
    async fn restart(self) -> Platform {
        Platform(self.0.restart().await)
    }
}

async fn platform() -> Platform {
    Platform(TestPlatform::start(Options::default()).await)
}

/// A photo-sized blob whose bytes differ by position, so a misplaced chunk changes the hash.
fn blob(len: usize) -> (Vec<u8>, String) {
    let bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
    let sha = hex::encode(Sha256::digest(&bytes));
    (bytes, sha)
}

impl Platform {
    async fn status(&self, d: &EnrolResponse, sha: &str) -> UploadStatus {
        let res = self
            .http
            .get(self.url(&format!("/api/v1/blobs/{sha}/upload")))
            .header("authorization", d.authorization())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let header: u64 = res.headers()["upload-offset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let status: UploadStatus = res.json().await.unwrap();
        assert_eq!(header, status.offset, "header and body agree");
        status
    }

    /// PATCHes `bytes[start..end]` of a `total`-byte blob.
    async fn chunk(
        &self,
        d: &EnrolResponse,
        sha: &str,
        bytes: &[u8],
        start: usize,
        end: usize,
    ) -> reqwest::Response {
        self.http
            .patch(self.url(&format!("/api/v1/blobs/{sha}/upload")))
            .header("authorization", d.authorization())
            .header(
                "content-range",
                format!("bytes {start}-{}/{}", end - 1, bytes.len()),
            )
            .body(bytes[start..end].to_vec())
            .send()
            .await
            .unwrap()
    }

    async fn visible(&self, d: &EnrolResponse, sha: &str) -> Option<Vec<u8>> {
        let res = self
            .http
            .get(self.url(&format!("/api/v1/blobs/{sha}")))
            .header("authorization", d.authorization())
            .send()
            .await
            .unwrap();
        (res.status() == StatusCode::OK).then_some(res.bytes().await.unwrap().to_vec())
    }
}

async fn error_code(res: reqwest::Response) -> String {
    res.json::<ApiError>().await.unwrap().code
}

#[tokio::test]
async fn a_cut_upload_resumes_from_its_offset_even_after_a_restart_and_appears_only_when_whole() {
    let p = platform().await;
    let d = p.device(1).await;
    let (bytes, sha) = blob(3 * CHUNK + 1000);
    assert_eq!(p.status(&d, &sha).await.offset, 0);
    for i in 0..2 {
        let res = p.chunk(&d, &sha, &bytes, i * CHUNK, (i + 1) * CHUNK).await;
        assert_eq!(res.status(), StatusCode::OK);
        let s: UploadStatus = res.json().await.unwrap();
        assert_eq!((s.offset, s.complete), (((i + 1) * CHUNK) as u64, false));
    }
    assert_eq!(
        p.visible(&d, &sha).await,
        None,
        "half a photo is not a photo"
    );

    let p = p.restart().await;
    let s = p.status(&d, &sha).await;
    assert_eq!(
        s.offset,
        (2 * CHUNK) as u64,
        "the acknowledged bytes survived the restart"
    );
    assert_eq!(s.max_size, MAX_BLOB_BYTES);
    let res = p.chunk(&d, &sha, &bytes, 2 * CHUNK, 3 * CHUNK).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = p.chunk(&d, &sha, &bytes, 3 * CHUNK, bytes.len()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let s: UploadStatus = res.json().await.unwrap();
    assert!(s.complete);
    assert_eq!(p.visible(&d, &sha).await.as_deref(), Some(bytes.as_slice()));
    let s = p.status(&d, &sha).await;
    assert_eq!((s.offset, s.complete), (bytes.len() as u64, true));
}

#[tokio::test]
async fn overlapping_and_out_of_order_chunks_are_refused_with_the_offset_to_continue_from() {
    let p = platform().await;
    let d = p.device(1).await;
    let (bytes, sha) = blob(3 * CHUNK);
    assert_eq!(
        p.chunk(&d, &sha, &bytes, 0, CHUNK).await.status(),
        StatusCode::OK
    );

    let repeat = p.chunk(&d, &sha, &bytes, 0, CHUNK).await;
    assert_eq!(repeat.status(), StatusCode::CONFLICT, "a repeated chunk");
    assert_eq!(
        repeat.headers()["upload-offset"],
        CHUNK.to_string().as_str()
    );
    assert_eq!(error_code(repeat).await, UPLOAD_OFFSET_MISMATCH);
    let overlap = p.chunk(&d, &sha, &bytes, CHUNK / 2, CHUNK + 10).await;
    assert_eq!(
        overlap.status(),
        StatusCode::CONFLICT,
        "an overlapping chunk"
    );
    let gap = p.chunk(&d, &sha, &bytes, 2 * CHUNK, 3 * CHUNK).await;
    assert_eq!(gap.status(), StatusCode::CONFLICT, "a chunk after a gap");
    let body: ApiError = gap.json().await.unwrap();
    assert!(
        body.message_zh.contains(&CHUNK.to_string()),
        "{}",
        body.message_zh
    );
    assert_eq!(
        p.status(&d, &sha).await.offset,
        CHUNK as u64,
        "nothing was appended"
    );

    let lying = p
        .http
        .patch(p.url(&format!("/api/v1/blobs/{sha}/upload")))
        .header("authorization", d.authorization())
        .header(
            "content-range",
            format!("bytes {CHUNK}-{}/{}", 2 * CHUNK - 1, bytes.len()),
        )
        .body(vec![0u8; 10])
        .send()
        .await
        .unwrap();
    assert_eq!(lying.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(lying).await, "content_range_invalid");
    let no_range = p
        .http
        .patch(p.url(&format!("/api/v1/blobs/{sha}/upload")))
        .header("authorization", d.authorization())
        .body(vec![0u8; 10])
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(no_range).await, "content_range_invalid");
    let huge = p
        .http
        .patch(p.url(&format!("/api/v1/blobs/{sha}/upload")))
        .header("authorization", d.authorization())
        .header(
            "content-range",
            format!("bytes {CHUNK}-{}/{}", CHUNK, MAX_BLOB_BYTES + 1),
        )
        .body(vec![0u8; 1])
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(huge).await, "blob_too_large");
    assert_eq!(
        p.status(&d, &sha).await.offset,
        CHUNK as u64,
        "still nothing appended"
    );
}

#[tokio::test]
async fn bytes_that_do_not_match_the_name_are_discarded_and_never_visible() {
    let p = platform().await;
    let d = p.device(1).await;
    let (bytes, sha) = blob(CHUNK + 500);
    let mut wrong = bytes.clone();
    wrong[CHUNK + 1] ^= 0xff;
    assert_eq!(
        p.chunk(&d, &sha, &wrong, 0, CHUNK).await.status(),
        StatusCode::OK
    );
    let res = p.chunk(&d, &sha, &wrong, CHUNK, wrong.len()).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(res).await, "blob_hash_mismatch");
    assert_eq!(p.visible(&d, &sha).await, None);
    assert_eq!(p.status(&d, &sha).await.offset, 0, "start again from 0");
    // The right bytes then go through.
    assert_eq!(
        p.chunk(&d, &sha, &bytes, 0, CHUNK).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        p.chunk(&d, &sha, &bytes, CHUNK, bytes.len()).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(p.visible(&d, &sha).await.as_deref(), Some(bytes.as_slice()));
}

#[tokio::test]
async fn another_agencys_partial_upload_is_invisible_and_unusable() {
    let p = platform().await;
    let a = p.device(1).await;
    let b = p.device(2).await;
    let (bytes, sha) = blob(2 * CHUNK);
    assert_eq!(
        p.chunk(&a, &sha, &bytes, 0, CHUNK).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        p.status(&b, &sha).await.offset,
        0,
        "b starts its own upload"
    );
    let res = p.chunk(&b, &sha, &bytes, CHUNK, 2 * CHUNK).await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "b cannot finish a's upload"
    );
    assert_eq!(
        p.chunk(&a, &sha, &bytes, CHUNK, 2 * CHUNK).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(p.visible(&b, &sha).await, None, "a's photo stays a's");
    assert!(!p.status(&b, &sha).await.complete);
}

#[tokio::test]
async fn the_whole_blob_put_of_older_desks_still_works() {
    let p = platform().await;
    let d = p.device(1).await;
    let (bytes, sha) = blob(1000);
    let res = p
        .http
        .put(p.url(&format!("/api/v1/blobs/{sha}")))
        .header("authorization", d.authorization())
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(
        p.status(&d, &sha).await.complete,
        "and the resumable status knows it"
    );
}

#[tokio::test]
async fn the_upload_endpoints_refuse_a_missing_device_and_a_bad_name() {
    let p = platform().await;
    let d = p.device(1).await;
    let (_, sha) = blob(10);
    let anonymous = p
        .http
        .get(p.url(&format!("/api/v1/blobs/{sha}/upload")))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let bad = p
        .http
        .get(p.url("/api/v1/blobs/..%2F..%2Fetc/upload"))
        .header("authorization", d.authorization())
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_upload_whose_bytes_all_arrived_before_a_crash_is_finished_by_an_empty_final_patch() {
    let p = platform().await;
    let d = p.device(1).await;
    let (bytes, sha) = blob(CHUNK + 7);
    // As if the platform stopped between writing the last chunk and checking the hash.
    let partial = p
        .dir()
        .join("blobs/partial")
        .join(d.agency_id.to_string())
        .join(&sha);
    std::fs::create_dir_all(partial.parent().unwrap()).unwrap();
    std::fs::write(&partial, &bytes).unwrap();
    let s = p.status(&d, &sha).await;
    assert_eq!((s.offset, s.complete), (bytes.len() as u64, false));
    assert_eq!(p.visible(&d, &sha).await, None, "not checked, not visible");
    let finish = p
        .http
        .patch(p.url(&format!("/api/v1/blobs/{sha}/upload")))
        .header("authorization", d.authorization())
        .header("content-range", format!("bytes */{}", bytes.len()))
        .send()
        .await
        .unwrap();
    assert_eq!(finish.status(), StatusCode::CREATED);
    assert_eq!(p.visible(&d, &sha).await.as_deref(), Some(bytes.as_slice()));
}

/// Issue 11 item 5: per-agency quotas. An agency past its storage quota is refused a new blob
/// (whole or resumable) with a sentence, and another agency is not affected; an agency may have
/// only so many unfinished uploads, and finishing one frees its place.
#[tokio::test]
async fn an_agency_over_its_quotas_is_refused_new_blobs_and_another_agency_is_not() {
    use certdesk_platform::limits::{BlobQuota, Limits};
    let quota = BlobQuota { bytes_per_agency: 1000, partial_uploads_per_agency: 2 };
    let p = TestPlatform::start_in(tempfile::tempdir().unwrap(), Options::default().with_limits(Limits { blobs: quota, ..Limits::default() })).await;
    let a = p.enrol_device(&p.enrolment_code(p.agency(1).await).await, "A").await;
    let b = p.enrol_device(&p.enrolment_code(p.agency(2).await).await, "B").await;
    let put = |d: &EnrolResponse, bytes: Vec<u8>, sha: String| {
        p.http.put(p.url(&format!("/api/v1/blobs/{sha}"))).header("authorization", d.authorization()).body(bytes).send()
    };
    let (first, sha1) = blob(600);
    assert_eq!(put(&a, first, sha1).await.unwrap().status(), StatusCode::CREATED);
    let (second, sha2) = blob(500);
    let refused = put(&a, second.clone(), sha2.clone()).await.unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let e: ApiError = refused.json().await.unwrap();
    assert_eq!(e.code, "quota_exceeded");
    assert!(e.message_zh.contains("已达上限"), "{}", e.message_zh);
    let res = p.http.get(p.url(&format!("/api/v1/blobs/{sha2}"))).header("authorization", a.authorization()).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "nothing was stored");
    assert_eq!(put(&b, second, sha2).await.unwrap().status(), StatusCode::CREATED, "another agency has its own quota");

    // Resumable uploads: two unfinished at once, a third refused until one finishes.
    let pp = Platform(p);
    let uploads: Vec<(Vec<u8>, String)> = (0..3).map(|i| blob(100 + i)).collect();
    for (bytes, sha) in &uploads[..2] {
        assert_eq!(pp.chunk(&b, sha, bytes, 0, 10).await.status(), StatusCode::OK);
    }
    let (bytes, sha) = &uploads[2];
    let third = pp.chunk(&b, sha, bytes, 0, 10).await;
    assert_eq!(third.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(third).await, "quota_exceeded");
    let (done, done_sha) = &uploads[0];
    assert_eq!(pp.chunk(&b, done_sha, done, 10, done.len()).await.status(), StatusCode::CREATED);
    assert_eq!(pp.chunk(&b, sha, bytes, 0, 10).await.status(), StatusCode::OK, "a finished upload frees its place");
    // The resumable path counts the storage quota too.
    let (big, big_sha) = blob(900);
    let over = pp.chunk(&a, &big_sha, &big, 0, 100).await;
    assert_eq!(error_code(over).await, "quota_exceeded");
}
