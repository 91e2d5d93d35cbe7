//! Every sentence the protocol's types say to a citizen or a clerk, in Chinese with English
//! beside it, so a translator reviews one file. It must never hold a rule: the verdict of a
//! scan is decided in `credential.rs`.

use crate::credential::VerdictKind;
use crate::roster::ReceiptProblem;

/// What a scan's verdict says, (Chinese, English).
pub(crate) fn verdict(kind: VerdictKind) -> (&'static str, &'static str) {
    match kind {
        VerdictKind::NotACertificate => ("不是上门服务证二维码", "Not a home-service certificate"),
        VerdictKind::UnknownKey => ("签发密钥未知，无法确认真伪，请联网查询", "Signed by an unknown key; check online"),
        VerdictKind::BadSignature => ("签名无效：此证可能伪造或被篡改", "Invalid signature: forged or altered"),
        VerdictKind::Revoked => ("此证已注销", "This certificate was cancelled"),
        VerdictKind::Replaced => ("此卡已被新卡替换，不再有效", "This card was replaced by a newer one"),
        VerdictKind::Expired => ("此证不在有效期内", "Outside its validity period"),
        VerdictKind::Stale => (
            "电子证二维码已失效：请服务人员打开电子证页面刷新后再扫",
            "This electronic card's QR code is too old: ask the worker to open the card again and rescan",
        ),
        VerdictKind::Valid => ("有效", "Valid"),
    }
}

/// Why a filing receipt does not verify, (Chinese, English).
pub(crate) fn receipt_problem(problem: ReceiptProblem) -> (&'static str, &'static str) {
    match problem {
        ReceiptProblem::UnknownKey => (
            "回执的签发密钥不在信任列表中：请同步后再核验",
            "The receipt's key is not in the trust list: sync, then verify again",
        ),
        ReceiptProblem::BadSignature => ("回执签名无效：回执已被改动或伪造", "The receipt's signature does not hold: it was changed or forged"),
        ReceiptProblem::OtherRoster => ("回执与保存的名册不一致：名册已被改动", "The receipt is for other rows than the roster kept with it"),
    }
}
