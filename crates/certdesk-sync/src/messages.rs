//! Every sentence the sync says to a clerk, in Chinese with English beside it, and the stable
//! code each belongs to, so a translator reviews one file.
//!
//! Callers decide *that* a sync failed; this module only says *what* the clerk reads. It must
//! never hold a rule or a secret. The codes are a contract with the window (the sync indicator
//! shows the sentence as it is) and the CLI: never rename one.

use certdesk_domain::Bilingual;

/// Stable codes of the sync's refusals.
pub mod codes {
    /// The desk has no device credential yet.
    pub const NOT_ENROLLED: &str = "not_enrolled";
    /// The platform could not be reached.
    pub const NETWORK: &str = "network";
    /// The platform refused the device's credential.
    pub const DEVICE_REFUSED: &str = "device_refused";
    /// The platform answered outside the contract.
    pub const PLATFORM_PROTOCOL: &str = "platform_protocol";
    /// The device secret could not be stored or read.
    pub const DEVICE_SECRET: &str = "device_secret";
    /// The platform address is not an https URL.
    pub const PLATFORM_URL_INVALID: &str = "platform_url_invalid";
    /// The platform CA file is unusable.
    pub const PLATFORM_CA_INVALID: &str = "platform_ca_invalid";
    /// The enrolment code is blank, unknown, used or expired.
    pub const ENROLMENT_CODE_INVALID: &str = "enrolment_code_invalid";
    /// Prefix of a platform's own refusal code (`platform_` + its code).
    pub const PLATFORM_PREFIX: &str = "platform_";
}

/// [`codes::NOT_ENROLLED`].
pub fn not_enrolled() -> Bilingual {
    Bilingual::new(
        "本机尚未登记到平台。请向平台索取登记码，在“同步”中登记本机后再同步。",
        "This desk is not enrolled with the platform. Ask the platform for an enrolment code and enrol this desk first.",
    )
}

/// [`codes::NETWORK`].
pub fn network() -> Bilingual {
    Bilingual::new(
        "无法连接平台，数据已安全保存在本机，联网后会自动同步。",
        "Cannot reach the platform. Everything is saved on this desk and will sync once online.",
    )
}

/// [`codes::DEVICE_REFUSED`].
pub fn device_refused() -> Bilingual {
    Bilingual::new(
        "平台拒绝了本机的设备凭证（可能已被平台吊销）。数据仍保存在本机；请向平台索取新的登记码，重新登记本机。",
        "The platform refused this desk's credential (it may have been revoked). Your data is safe here; ask the platform for a new enrolment code and enrol this desk again.",
    )
}

/// [`codes::PLATFORM_PROTOCOL`].
pub fn platform_protocol() -> Bilingual {
    Bilingual::new(
        "平台的应答不符合接口约定，本次同步未记录任何更改。请联系技术支持。",
        "The platform answered outside the contract; nothing was recorded. Contact support.",
    )
}

/// [`codes::DEVICE_SECRET`].
pub fn device_secret() -> Bilingual {
    Bilingual::new(
        "无法读取或保存本机的设备凭证。请重新登记本机。",
        "The device credential cannot be read or stored. Enrol this desk again.",
    )
}

/// [`codes::PLATFORM_URL_INVALID`].
pub fn platform_url_invalid(url: &str) -> Bilingual {
    Bilingual::new(
        format!("平台地址无效：{url}（应为 https:// 开头的网址）"),
        format!("Invalid platform address {url}: it must be an https:// URL"),
    )
}

/// [`codes::PLATFORM_CA_INVALID`]: the file is not PEM.
pub fn platform_ca_not_pem() -> Bilingual {
    Bilingual::new("平台证书（CA）文件不是 PEM 格式的证书", "The platform CA file is not a PEM certificate")
}

/// [`codes::PLATFORM_CA_INVALID`]: the certificate cannot be used.
pub fn platform_ca_unusable(detail: &str) -> Bilingual {
    Bilingual::new(
        format!("平台证书（CA）文件无法使用：{detail}"),
        format!("The platform CA certificate cannot be used: {detail}"),
    )
}

/// [`codes::ENROLMENT_CODE_INVALID`]: left blank.
pub fn enrolment_code_missing() -> Bilingual {
    Bilingual::new("请输入平台提供的登记码", "Enter the enrolment code the platform gave you")
}

/// [`codes::ENROLMENT_CODE_INVALID`]: refused by the platform.
pub fn enrolment_code_refused() -> Bilingual {
    Bilingual::new(
        "登记码无效、已使用或已过期。请向平台索取新的登记码。",
        "The enrolment code is invalid, used or expired. Ask the platform for a new one.",
    )
}
