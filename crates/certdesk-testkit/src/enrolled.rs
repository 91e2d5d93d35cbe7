//! A desk enrolled with a test platform through the real sync client: the agency registered by
//! the operator, a one-time code, the desk's enrolment over HTTPS trusting the dev CA. The
//! device secret goes to the 0600 file in the desk's folder, never to a developer's keyring.

use certdesk_store::{Desk, SessionUser};
use certdesk_sync::{enrol, EnrolParams, SecretPreference};

use crate::desk::open_desk;
use crate::platform::TestPlatform;

/// A desk in its own temporary folder with its manager signed in.
pub struct TestDesk {
    /// The desk.
    pub desk: Desk,
    /// The manager, signed in.
    pub me: SessionUser,
    /// The desk's data folder (removed when the desk is dropped).
    pub dir: tempfile::TempDir,
}

impl TestDesk {
    /// A new desk set up with [`crate::desk::agency`] and its manager, not enrolled.
    pub fn new() -> TestDesk {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let (desk, me) = open_desk(dir.path());
        TestDesk { desk, me, dir }
    }
}

impl Default for TestDesk {
    fn default() -> Self {
        TestDesk::new()
    }
}

/// What the desk sends to enrol with `code` (device 前台1号机, the secret in the file).
pub fn enrol_params(platform: &TestPlatform, code: &str) -> EnrolParams {
    EnrolParams {
        platform_url: platform.base.clone(),
        code: code.into(),
        ca_pem: Some(platform.ca_pem.clone()),
        device_name: "前台1号机".into(),
        secret: SecretPreference::File,
    }
}

/// A new desk of a new agency `agency_n` (registered in `district`), enrolled with `platform`.
pub async fn enrolled_desk_in(platform: &TestPlatform, agency_n: u32, district: &str) -> TestDesk {
    let mut d = TestDesk::new();
    let agency = platform.agency_in(agency_n, district).await;
    let code = platform.enrolment_code(agency).await;
    enrol(&mut d.desk, Some(&d.me), &enrol_params(platform, &code)).await.expect("the desk enrols");
    d
}

/// [`enrolled_desk_in`] 黄浦区.
pub async fn enrolled_desk(platform: &TestPlatform, agency_n: u32) -> TestDesk {
    enrolled_desk_in(platform, agency_n, "黄浦区").await
}
