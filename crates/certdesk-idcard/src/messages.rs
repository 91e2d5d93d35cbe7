//! Every sentence the reader says to the clerk, in Chinese with English beside it. No rule.

use crate::{CardField, ReaderError};

/// What the clerk reads for `e`: (Chinese, English). Nothing was filled in any case.
pub(crate) fn sentence(e: &ReaderError) -> (String, String) {
    match e {
        ReaderError::NoReader(detail) => (
            format!("无法连接读卡器（{detail}）：请检查读卡器是否接好，并在设置中选择正确的端口。未填入任何内容。"),
            format!("Cannot reach the ID-card reader ({detail}): check its cable and choose its port in the settings. Nothing was filled."),
        ),
        ReaderError::NoCard => (
            "读卡器上没有身份证：请把身份证平放在读卡区后重试。未填入任何内容。".into(),
            "No ID card on the reader: lay the card flat on it and try again. Nothing was filled.".into(),
        ),
        ReaderError::CardRemoved => (
            "读卡中身份证被移开：请把身份证放稳，读完前不要移动。未填入任何内容。".into(),
            "The card was moved before it was read: keep it still until the read is done. Nothing was filled.".into(),
        ),
        ReaderError::Timeout => (
            "读卡器没有响应：请检查端口设置和读卡器电源后重试。未填入任何内容。".into(),
            "The reader did not answer: check the port setting and the reader's power. Nothing was filled.".into(),
        ),
        ReaderError::DamagedFrame(detail) => (
            format!("读卡数据不完整或已损坏（{detail}）：请重新读卡。未填入任何内容。"),
            format!("The reader's data was incomplete or damaged ({detail}): read the card again. Nothing was filled."),
        ),
        ReaderError::Unreadable(CardField::SexOrBirth) => (
            "身份证上的性别或出生日期与证件号码不符：请核对证件真伪，并手工录入。未填入任何内容。".into(),
            "The card's sex or birth date is not what its ID number says: check the card and type it in. Nothing was filled.".into(),
        ),
        ReaderError::Unreadable(field) => {
            let (zh, en) = field_name(*field);
            (
                format!("身份证信息无法识别（{zh}）：请手工录入并核对证件。未填入任何内容。"),
                format!("The card's information could not be read ({en}): type it in and check the card. Nothing was filled."),
            )
        }
    }
}

/// A field's name as printed on the card, and in English.
fn field_name(field: CardField) -> (&'static str, &'static str) {
    match field {
        CardField::Name => ("姓名", "name"),
        CardField::Sex => ("性别", "sex"),
        CardField::Ethnicity => ("民族", "ethnicity"),
        CardField::BirthDate => ("出生", "birth date"),
        CardField::Address => ("住址", "address"),
        CardField::IdNumber => ("公民身份号码", "ID number"),
        CardField::Authority => ("签发机关", "issuing authority"),
        CardField::ValidFrom => ("有效期限起始日", "first day of validity"),
        CardField::ValidUntil => ("有效期限截止日", "last day of validity"),
        CardField::SexOrBirth => ("性别或出生日期", "sex or birth date"),
    }
}
