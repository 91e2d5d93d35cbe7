//! Every sentence the sync says to a clerk, in Chinese with English beside it, so a translator
//! reviews one file. Their codes are [`certdesk_store::DeskCode`]s.
//!
//! Callers decide *that* a sync failed; this module only says *what* the clerk reads. It must
//! never hold a rule or a secret. The codes are a contract with the window (the sync indicator
//! shows the sentence as it is) and the CLI: never rename one.

use certdesk_domain::Bilingual;

/// [`certdesk_store::DeskCode::NotEnrolled`].
pub fn not_enrolled() -> Bilingual {
    Bilingual::new(
        "本机尚未登记到平台。请向平台索取登记码，在“同步”中登记本机后再同步。",
        "This desk is not enrolled with the platform. Ask the platform for an enrolment code and enrol this desk first.",
    )
}

/// [`certdesk_store::DeskCode::Network`].
pub fn network() -> Bilingual {
    Bilingual::new(
        "无法连接平台，数据已安全保存在本机，联网后会自动同步。",
        "Cannot reach the platform. Everything is saved on this desk and will sync once online.",
    )
}

/// [`certdesk_store::DeskCode::DeviceRefused`].
pub fn device_refused() -> Bilingual {
    Bilingual::new(
        "平台拒绝了本机的设备凭证（可能已被平台吊销）。数据仍保存在本机；请向平台索取新的登记码，重新登记本机。",
        "The platform refused this desk's credential (it may have been revoked). Your data is safe here; ask the platform for a new enrolment code and enrol this desk again.",
    )
}

/// [`certdesk_store::DeskCode::PlatformProtocol`].
pub fn platform_protocol() -> Bilingual {
    Bilingual::new(
        "平台的应答不符合接口约定，本次同步未记录任何更改。请联系技术支持。",
        "The platform answered outside the contract; nothing was recorded. Contact support.",
    )
}

/// [`certdesk_store::DeskCode::DeviceSecret`].
pub fn device_secret() -> Bilingual {
    Bilingual::new(
        "无法读取或保存本机的设备凭证。请重新登记本机。",
        "The device credential cannot be read or stored. Enrol this desk again.",
    )
}

/// [`certdesk_store::DeskCode::PlatformUrlInvalid`].
pub fn platform_url_invalid(url: &str) -> Bilingual {
    Bilingual::new(
        format!("平台地址无效：{url}（应为 https:// 开头的网址）"),
        format!("Invalid platform address {url}: it must be an https:// URL"),
    )
}

/// [`certdesk_store::DeskCode::PlatformCaInvalid`]: the file is not PEM.
pub fn platform_ca_not_pem() -> Bilingual {
    Bilingual::new("平台证书（CA）文件不是 PEM 格式的证书", "The platform CA file is not a PEM certificate")
}

/// [`certdesk_store::DeskCode::PlatformCaInvalid`]: the certificate cannot be used.
pub fn platform_ca_unusable(detail: &str) -> Bilingual {
    Bilingual::new(
        format!("平台证书（CA）文件无法使用：{detail}"),
        format!("The platform CA certificate cannot be used: {detail}"),
    )
}

/// [`certdesk_store::DeskCode::EnrolmentCodeInvalid`]: left blank.
pub fn enrolment_code_missing() -> Bilingual {
    Bilingual::new("请输入平台提供的登记码", "Enter the enrolment code the platform gave you")
}

/// [`certdesk_store::DeskCode::EnrolmentCodeInvalid`]: refused by the platform.
pub fn enrolment_code_refused() -> Bilingual {
    Bilingual::new(
        "登记码无效、已使用或已过期。请向平台索取新的登记码。",
        "The enrolment code is invalid, used or expired. Ask the platform for a new one.",
    )
}
