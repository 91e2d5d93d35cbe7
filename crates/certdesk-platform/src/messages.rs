//! Every sentence the platform's API answers with, in Chinese with English beside it, and the
//! [`ApiCode`] each refusal carries, so a translator reviews one file.
//!
//! Callers decide *that* a request is refused; this module only says *what* the caller reads.
//! It must never hold a rule. The pages' fixed labels stay in their templates
//! (`operator_pages/`, `public/`).

use std::fmt::Display;

use certdesk_domain::Bilingual;
use certdesk_protocol::ApiCode;

use crate::error::AppError;

// ---- Any request ---------------------------------------------------------------------------

/// The body is not valid JSON for this endpoint (`detail` says why, in English).
pub(crate) fn malformed_json(detail: impl Display) -> AppError {
    AppError::bad_request(
        ApiCode::MalformedJson,
        Bilingual::new(
            "请求内容不是有效的 JSON 或缺少字段",
            format!("The request body is not valid JSON for this endpoint: {detail}"),
        ),
    )
}

/// The query parameters are malformed (`detail` says why, in English).
pub(crate) fn malformed_query(detail: impl Display) -> AppError {
    AppError::bad_request(ApiCode::MalformedQuery, Bilingual::new("请求参数有误", format!("Malformed query parameters: {detail}")))
}

/// The answer of a missing, malformed, unknown or revoked credential (401).
pub(crate) fn unauthorized() -> Bilingual {
    Bilingual::new("身份验证失败：设备凭证无效或已被吊销，请联系平台重新登记设备", "Authentication failed: the credential is invalid or revoked")
}

/// The answer of a thing that does not exist for the caller (404); `what` is for developers.
pub(crate) fn not_found(what: &str) -> Bilingual {
    Bilingual::new("找不到所请求的记录", format!("Not found: {what}"))
}

/// The answer of a body over the size limit (413).
pub(crate) fn payload_too_large() -> Bilingual {
    Bilingual::new("请求内容过大，请分批同步", "The request body is too large; send smaller batches")
}

/// The answer while the store is not reachable (503).
pub(crate) fn not_ready() -> Bilingual {
    Bilingual::new("平台暂时不可用，请稍后重试", "The platform is not ready; try again later")
}

/// The answer of anything else (500): never the cause.
pub(crate) fn internal() -> Bilingual {
    Bilingual::new("平台内部错误，请稍后重试", "Internal error on the platform; try again later")
}

// ---- Sync ------------------------------------------------------------------------------------

/// A push naming another device than the credential's.
pub(crate) fn device_mismatch() -> AppError {
    AppError::bad_request(ApiCode::DeviceMismatch, Bilingual::new("请求中的设备编号与登录凭证不一致", "device_id does not match the authenticated device"))
}

/// A push with more entries than one batch takes.
pub(crate) fn batch_too_large(max: usize) -> AppError {
    AppError::bad_request(ApiCode::BatchTooLarge, Bilingual::new(format!("一次最多同步 {max} 条记录"), format!("At most {max} entries per push")))
}

/// A pull from a negative cursor.
pub(crate) fn cursor_invalid() -> AppError {
    AppError::bad_request(ApiCode::MalformedQuery, Bilingual::new("同步游标无效", "since must be 0 or more"))
}

// ---- Training supervision (培训督导) -----------------------------------------------------------

/// Who recorded a supervision form the platform filed (its `recorded_by`): the operator's
/// sign-in name follows.
pub const FILED_ON_PLATFORM: &str = "平台督导：";

// ---- Roster filing (名册备案) ------------------------------------------------------------------

/// Rows named one by one in a refusal at most; the rest are counted.
const ROWS_NAMED: usize = 20;

/// What a refused filing says; nothing was filed.
pub(crate) fn filing_refused(why: &crate::flows::roster::FilingRefused) -> AppError {
    use crate::flows::roster::FilingRefused as F;
    let conflict = |zh: String, en: String| AppError::Conflict { code: ApiCode::FilingExists, message: Bilingual::new(zh, en) };
    match why {
        F::PeriodReversed => AppError::bad_request(ApiCode::PeriodInvalid, Bilingual::new("备案期间的结束日期早于开始日期", "The period ends before it starts")),
        F::PeriodInFuture => AppError::bad_request(ApiCode::PeriodInvalid, Bilingual::new("备案期间尚未结束：结束日期不能晚于今天", "The period is not over: it may not end after today")),
        F::Empty => AppError::bad_request(ApiCode::RosterInvalid, Bilingual::new("名册没有任何人员，无需备案", "The roster has no rows: there is nothing to file")),
        F::TooManyRows => AppError::bad_request(
            ApiCode::RosterInvalid,
            Bilingual::new(
                format!("名册超过 {} 行，请分期间备案", certdesk_protocol::roster::MAX_ROSTER_ROWS),
                format!("The roster has more than {} rows: file shorter periods", certdesk_protocol::roster::MAX_ROSTER_ROWS),
            ),
        ),
        F::Rows(problems) => {
            let rows = Bilingual::join(&problems.iter().take(ROWS_NAMED).map(row_problem).collect::<Vec<_>>());
            let more = problems.len().saturating_sub(ROWS_NAMED);
            let (more_zh, more_en) = if more > 0 { (format!("；另有 {more} 处"), format!("; and {more} more")) } else { Default::default() };
            AppError::bad_request(
                ApiCode::RosterInvalid,
                Bilingual::new(
                    format!("名册有 {} 处与平台记录不符，未备案：{}{more_zh}", problems.len(), rows.zh),
                    format!("{} problem(s) against the platform's records; nothing was filed: {}{more_en}", problems.len(), rows.en),
                ),
            )
        }
        F::AlreadyFiled(number) => conflict(
            format!("该期间的同一名册已备案（备案号 {number}）；如需更正，请提交更正备案并注明被更正的备案号"),
            format!("This roster was filed for the period already (filing {number}); a correction names the filing it replaces"),
        ),
        F::FilingIdReused => conflict(
            "该备案编号已用于另一份备案".into(),
            "This filing id was used for another filing".into(),
        ),
        F::ReplacesUnknown(number) => AppError::bad_request(
            ApiCode::RosterInvalid,
            Bilingual::new(
                format!("被更正的备案号 {number} 不是本机构的备案"),
                format!("Filing {number}, named as replaced, is not one of this agency's"),
            ),
        ),
        F::ReplacesOtherPeriod(number) => AppError::bad_request(
            ApiCode::PeriodInvalid,
            Bilingual::new(
                format!("更正备案的期间必须与被更正的备案 {number} 相同"),
                format!("A correction must be for the period of the filing it replaces ({number})"),
            ),
        ),
        F::AlreadyCorrected { replaced, by } => conflict(
            format!("备案 {replaced} 已被 {by} 更正；如需再次更正，请更正 {by}"),
            format!("Filing {replaced} was corrected already by {by}; correct {by} instead"),
        ),
    }
}

fn row_problem(p: &crate::flows::roster::RowProblem) -> Bilingual {
    use crate::flows::roster::RowFault as R;
    let (row, code) = (p.row, &p.code);
    let half = |h: u32| format!("{}", f64::from(h) / 2.0);
    let (zh, en) = match &p.what {
        R::CodeUnknown => ("上门服务证编码不存在".to_owned(), "no certificate has this code".to_owned()),
        R::OtherAgency => ("该证不属于本机构".to_owned(), "the certificate is another agency's".to_owned()),
        R::IdentityDiffers => ("姓名或身份证号与持证人不符".to_owned(), "the name or ID number is not the holder's".to_owned()),
        R::AgencyName => ("机构名称与登记名称不符".to_owned(), "the agency name is not the registered one".to_owned()),
        R::Duplicate => ("同一证件在名册中重复".to_owned(), "the certificate is listed twice".to_owned()),
        R::HoursDiffer { filed, held } => (
            format!("培训课时 {} 与平台记录 {} 不符（请先同步）", half(*filed), half(*held)),
            format!("{} class hours filed, the platform's records give {} (sync first)", half(*filed), half(*held)),
        ),
        R::TrainingDaysDiffer => ("培训起止日期与平台记录的培训班日期不符（请先同步）".to_owned(), "the training dates are not those of the synced classes (sync first)".to_owned()),
        R::ExamDiffers => ("考试成绩或日期与平台记录的最近一次考试不符".to_owned(), "the exam score or date is not the latest synced attempt's".to_owned()),
        R::OutsidePeriod => ("考试日期不在备案期间内".to_owned(), "the exam date is not within the period".to_owned()),
    };
    Bilingual::new(format!("第 {row} 行（{code}）{zh}"), format!("row {row} ({code}): {en}"))
}

// ---- Operators -------------------------------------------------------------------------------

/// An agency with this credit code is already registered.
pub(crate) fn agency_exists() -> AppError {
    AppError::Conflict {
        code: ApiCode::AgencyExists,
        message: Bilingual::new(
            "该统一社会信用代码的机构已登记",
            "An agency with this credit code is already registered",
        ),
    }
}

/// The reason a failed police check gets when the operator wrote none.
pub(crate) fn police_check_failed_reason() -> &'static str {
    "公安比对未通过"
}

/// The application was already decided.
pub(crate) fn not_pending() -> AppError {
    AppError::Conflict {
        code: ApiCode::NotPending,
        message: Bilingual::new(
            "该申请不在待审核状态",
            "The application is not waiting for review",
        ),
    }
}

/// A police results file that is not UTF-8 text.
pub(crate) fn results_file_unreadable() -> AppError {
    AppError::bad_request(ApiCode::MalformedCsv, Bilingual::new("结果文件无法读取（应为 UTF-8 文本）", "The results file is not UTF-8 text"))
}

// ---- Blobs (photos) --------------------------------------------------------------------------

/// A blob named otherwise than by its SHA-256.
pub(crate) fn blob_name_invalid() -> AppError {
    AppError::bad_request(
        ApiCode::BlobNameInvalid,
        Bilingual::new(
            "文件标识应为 64 位小写十六进制 SHA-256",
            "A blob is named by its SHA-256 in 64 lower-case hex digits",
        ),
    )
}

/// An upload whose body cannot be read.
pub(crate) fn body_unreadable() -> AppError {
    AppError::bad_request(ApiCode::BodyUnreadable, Bilingual::new("上传内容无法读取", "The upload could not be read"))
}

/// An upload whose bytes do not hash to its name.
pub(crate) fn blob_hash_mismatch() -> AppError {
    AppError::bad_request(
        ApiCode::BlobHashMismatch,
        Bilingual::new(
            "上传内容与文件标识不符，请重新上传",
            "The uploaded bytes do not match the SHA-256 in the URL; upload again",
        ),
    )
}

/// A resumable upload that did not hash to its name: discarded.
pub(crate) fn resumable_hash_mismatch() -> AppError {
    AppError::bad_request(
        ApiCode::BlobHashMismatch,
        Bilingual::new(
            "上传内容与文件标识不符，已丢弃，请从头重新上传",
            "The uploaded bytes do not match the SHA-256 in the URL; they were discarded: upload again from the start",
        ),
    )
}

/// A chunk without a usable Content-Range.
pub(crate) fn content_range_missing() -> AppError {
    AppError::bad_request(
        ApiCode::ContentRangeInvalid,
        Bilingual::new(
            "分块上传需要有效的 Content-Range（bytes 起-止/总长，或 bytes */总长 以完成上传）",
            "A chunk needs a valid Content-Range: bytes START-END/TOTAL (or bytes */TOTAL to finish)",
        ),
    )
}

/// A chunk whose Content-Range does not match its length.
pub(crate) fn content_range_length() -> AppError {
    AppError::bad_request(ApiCode::ContentRangeInvalid, Bilingual::new("Content-Range 与上传内容的长度不符", "The Content-Range does not match the length of the body"))
}

/// A blob larger than allowed.
pub(crate) fn blob_too_large(max_bytes: u64) -> AppError {
    AppError::bad_request(
        ApiCode::BlobTooLarge,
        Bilingual::new(
            format!("照片等文件最大 {} MB", max_bytes / (1024 * 1024)),
            format!("A blob may be at most {max_bytes} bytes"),
        ),
    )
}

/// The agency's stored files would exceed its quota.
pub(crate) fn storage_quota(max_bytes: u64) -> AppError {
    AppError::Conflict {
        code: ApiCode::QuotaExceeded,
        message: Bilingual::new(
            format!("本机构在平台上存储的照片和报告已达上限（{} GB），未保存；请联系平台", max_bytes / (1024 * 1024 * 1024)),
            format!("The agency's stored photos and reports are at their quota ({max_bytes} bytes); nothing was saved. Contact the platform"),
        ),
    }
}

/// The agency has too many unfinished uploads.
pub(crate) fn partial_uploads_quota(max: usize) -> AppError {
    AppError::Conflict {
        code: ApiCode::QuotaExceeded,
        message: Bilingual::new(
            format!("本机构未完成的上传已达 {max} 个，请先完成或等待其过期后再上传新文件"),
            format!("The agency has {max} unfinished uploads; finish them or let them expire before starting another"),
        ),
    }
}

/// Another request is uploading the same blob.
pub(crate) fn upload_busy() -> AppError {
    AppError::Conflict {
        code: ApiCode::UploadBusy,
        message: Bilingual::new(
            "该文件正在由另一请求上传，请稍后重试",
            "Another request is uploading this blob; try again shortly",
        ),
    }
}

/// A chunk that does not start at `offset`, the bytes received (`overlaps`: it starts before).
pub(crate) fn upload_offset_mismatch(offset: u64, overlaps: bool) -> AppError {
    let message = if overlaps {
        Bilingual::new(
            format!("该分块与已收到的内容重叠：平台已收到 {offset} 字节，请从此处继续"),
            format!("The chunk overlaps bytes already received: the platform holds {offset} bytes; continue from there"),
        )
    } else {
        Bilingual::new(
            format!("分块顺序不对：平台只收到 {offset} 字节，请从此处继续"),
            format!("The chunk is out of order: the platform holds only {offset} bytes; continue from there"),
        )
    };
    AppError::Conflict { code: ApiCode::UploadOffsetMismatch, message }
}

/// What the platform says of a pushed entry it refuses or cannot apply, and of a decision the
/// desk learns by pull; the codes are `certdesk_protocol::sync::RefusalCode`.
/// Over the per-network limit for requests without credentials.
pub(crate) fn too_many_requests() -> Bilingual {
    Bilingual::new("来自同一网络的请求过多，请稍后再试。", "Too many requests from this network; try again shortly.")
}

pub(crate) mod push {
    use std::fmt::Display;

    use certdesk_domain::Bilingual;

    /// A worker record that is not the desk's worker JSON (`e` says why, in English).
    pub(crate) fn worker_unreadable(e: impl Display) -> Bilingual {
        Bilingual::new("人员记录格式不正确，无法读取", format!("The worker record cannot be read: {e}"))
    }

    /// A worker record the form's rules refuse; `zh`/`en` list the fields' sentences.
    pub(crate) fn worker_invalid(zh: &[&str], en: &[&str]) -> Bilingual {
        Bilingual::new(
            format!("人员信息不完整或有误：{}", zh.join("；")),
            format!("The worker record is incomplete or wrong: {}", en.join("; ")),
        )
    }

    /// An application whose training, as the agency synced it, does not make the worker
    /// eligible; `zh`/`en` are the domain's sentences for each unmet requirement.
    pub(crate) fn training_incomplete(zh: &[&str], en: &[&str]) -> Bilingual {
        Bilingual::new(
            format!("平台核验培训记录未通过，不能申领：{}。请先同步完整的培训、考试和督导记录", zh.join("；")),
            format!("The platform's check of the synced training failed, so the application is refused: {}. Sync the complete classes, exams and supervision forms first", en.join("; ")),
        )
    }

    /// A training record that is not a JSON object.
    pub(crate) fn training_unreadable() -> Bilingual {
        Bilingual::new("培训记录格式不正确，无法读取", "The training record cannot be read: it is not a JSON object")
    }

    /// A record whose parent (`what`: a class, a worker) the platform does not hold yet.
    pub(crate) fn parent_missing(what: &Bilingual) -> Bilingual {
        Bilingual::new(
            format!("平台上还没有此记录所属的{}，请先同步{}后重试", what.zh, what.zh),
            format!("The platform does not hold this record's {} yet; sync the {} first", what.en, what.en),
        )
    }

    /// The parents [`parent_missing`] names.
    pub(crate) fn training_class() -> Bilingual {
        Bilingual::new("培训班", "training class")
    }

    /// See [`training_class`].
    pub(crate) fn worker() -> Bilingual {
        Bilingual::new("人员记录", "worker")
    }

    /// A new card for a certificate past its validity.
    pub(crate) fn certificate_expired() -> Bilingual {
        Bilingual::new(
            "该上门服务证已过有效期，不能补发新卡，请重新申领",
            "The certificate has expired; a new card cannot be made. Apply again",
        )
    }

    /// The person holds or applies for a certificate through another agency (never named).
    pub(crate) fn claimed_elsewhere() -> Bilingual {
        Bilingual::new(
            "该人员已在其他家政服务机构持有或正在申领上门服务证。一人只能持有一张有效证件，需原机构注销后才能申领",
            "This person already holds, or is applying for, a certificate through another agency. One person may hold only one certificate; the other agency must cancel it first",
        )
    }

    /// Another record of the person at the same agency holds or applies for a certificate.
    pub(crate) fn claimed_here() -> Bilingual {
        Bilingual::new(
            "本机构已有此人的另一条记录持有或正在申领上门服务证，请勿重复申领",
            "Another record of this person at your agency already holds or is applying for a certificate; do not apply twice",
        )
    }

    /// An entity or operation the platform does not handle.
    pub(crate) fn unsupported(entity: &str, op: &str) -> Bilingual {
        Bilingual::new(
            format!("平台不支持此类同步记录（{entity}/{op}），请升级工作台"),
            format!("The platform does not accept {entity}/{op} entries; update the desk app"),
        )
    }

    /// An entry id reused with different content.
    pub(crate) fn entry_reused() -> Bilingual {
        Bilingual::new(
            "此同步记录的编号已用于不同的内容，平台保留了先收到的内容",
            "This entry id was already used for different content; the platform kept the first",
        )
    }

    /// A record id another agency owns.
    pub(crate) fn foreign_record() -> Bilingual {
        Bilingual::new(
            "记录编号与平台上已有的记录冲突，请联系平台",
            "The record id clashes with an existing record on the platform; contact the platform",
        )
    }

    /// The ID number of a worker with an application or certificate cannot change.
    pub(crate) fn id_number_locked() -> Bilingual {
        Bilingual::new(
            "该人员已申领或持有上门服务证，身份证号不能修改；如确有错误，请先注销再重新登记",
            "The ID number of a worker with an application or certificate cannot change; cancel and enrol again if it is wrong",
        )
    }

    /// An operation on a worker record the platform never received.
    pub(crate) fn activation_unreadable() -> Bilingual {
        Bilingual::new(
            "电子证激活码记录不完整（缺少卡片版本或激活码摘要），请升级工作台后重新同步",
            "The electronic card's activation lacks a card version or a well-formed code hash; update the desk and sync again",
        )
    }

    pub(crate) fn activation_not_current() -> Bilingual {
        Bilingual::new(
            "电子证激活码对应的卡片不是该人员当前有效的卡（已换卡、已注销或不属于该人员）",
            "The activation names a card that is not the worker's current one (replaced, cancelled or someone else's)",
        )
    }

    pub(crate) fn unknown_record() -> Bilingual {
        Bilingual::new("平台上没有这条人员记录，请先同步人员信息", "The platform has no such worker record; sync the worker first")
    }

    /// A `complaint_answer` record that is not a complaint answer (`e` says why, in English).
    pub(crate) fn complaint_answer_unreadable(e: impl Display) -> Bilingual {
        Bilingual::new("投诉处理记录格式不正确，无法读取", format!("The complaint answer cannot be read: {e}"))
    }

    /// An answer without what was done.
    pub(crate) fn complaint_answer_empty() -> Bilingual {
        Bilingual::new("请填写处理情况", "Say what was done")
    }

    /// An answer over the length limit.
    pub(crate) fn complaint_answer_too_long(max: usize) -> Bilingual {
        Bilingual::new(format!("处理情况最多 {max} 字"), format!("At most {max} characters"))
    }

    /// An answer done on a day after today or before the complaint.
    pub(crate) fn complaint_answer_date() -> Bilingual {
        Bilingual::new("处理日期不能早于投诉日期，也不能晚于今天", "The day it was done cannot be before the complaint or after today")
    }

    /// An answer for a complaint this agency does not have.
    pub(crate) fn complaint_unknown() -> Bilingual {
        Bilingual::new("平台上没有本机构的这条投诉", "This agency has no such complaint on the platform")
    }

    /// An answer for a closed complaint.
    pub(crate) fn complaint_closed() -> Bilingual {
        Bilingual::new("该投诉已由项目办办结，不再接收答复", "The programme office closed this complaint; it takes no more answers")
    }

    /// A staff account that does not read as one.
    pub(crate) fn staff_unreadable() -> Bilingual {
        Bilingual::new("工作人员账号格式不正确，无法读取", "The staff account cannot be read")
    }

    /// A staff account whose username another account of the agency holds.
    pub(crate) fn username_taken(username: &str) -> Bilingual {
        Bilingual::new(
            format!("用户名“{username}”已被本机构其他工作台的账号使用，此账号只留在本工作台；请换一个用户名另建账号"),
            format!("The username \"{username}\" belongs to another account of the agency (added on another desk); this account stays on this desk only: add it again under another username"),
        )
    }

    /// The police comparison failed, with the operator's reason.
    pub(crate) fn police_check_failed(reason: &Bilingual) -> Bilingual {
        Bilingual::new(format!("公安比对未通过：{}", reason.zh), format!("The police comparison failed: {}", reason.en))
    }

    /// An application for updated details was rejected, with the operator's reason.
    pub(crate) fn details_rejected(reason: &Bilingual) -> Bilingual {
        Bilingual::new(
            format!("信息变更未通过审核：{}。证件仍显示原审核通过的信息。", reason.zh),
            format!("The updated details were not approved: {}. The certificate still shows the approved details.", reason.en),
        )
    }
}

/// What the public verification page says to a citizen: the banner of each verdict and of each
/// answer to a rating or complaint, and the form's sentences. The page's fixed labels stay in
/// its template (`public.rs`, `public/html.rs`).
pub(crate) mod public {
    use certdesk_domain::Bilingual;
    use certdesk_protocol::VerdictKind;

    /// A banner's word and what it means, in both languages.
    pub(crate) struct Notice {
        /// The word (有效, 已注销...).
        pub(crate) title: Bilingual,
        /// One or two sentences: what it means and what to do.
        pub(crate) why: Bilingual,
    }

    fn notice(title_zh: &str, title_en: &str, why_zh: &str, why_en: &str) -> Notice {
        Notice { title: Bilingual::new(title_zh, title_en), why: Bilingual::new(why_zh, why_en) }
    }

    /// The banner of a valid card whose health check or insurance is not in date (黄).
    pub(crate) fn valid_not_in_date() -> Notice {
        notice(
            "有效",
            "Valid",
            "此证真实有效，但体检或保险不在有效期内（见下方）。请核对照片与上门人员本人一致，并向所属机构了解情况。",
            "Genuine and in force, but the health check or the insurance is not in date (see below). Check the photo and ask the agency.",
        )
    }

    /// A card whose signature verifies but whose certificate the platform does not hold: never
    /// shown as valid (a leaked key could sign any code).
    pub(crate) fn unknown_certificate() -> Notice {
        notice(
            "无法确认",
            "Unknown, ask the platform",
            "二维码签名有效，但平台没有这张证的记录，无法确认真伪。请勿接受凭此证上门服务，并致电平台核实。",
            "The QR code's signature verifies, but the platform holds no such certificate: it cannot be confirmed. Do not accept service on it; call the platform.",
        )
    }

    /// What a screen reader says of the electronic card's code.
    pub(crate) const ECARD_QR_LABEL: &str = "电子证二维码 QR code";

    /// The electronic card's description when installed on a phone.
    pub(crate) const ECARD_DESCRIPTION: &str = "上海市家政上门服务证（电子证）";

    /// The activation form's heading.
    pub(crate) fn activation() -> Notice {
        notice(
            "激活电子证",
            "Activate your electronic card",
            "请输入发证时机构给您的激活码和您身份证号的后四位。激活后，请把电子证页面添加到手机主屏幕。",
            "Type the activation code your agency gave you with the card and the last four characters of your ID number. Then add the card's page to your home screen.",
        )
    }

    /// An activation form without its fields.
    pub(crate) fn activation_form_invalid() -> Notice {
        notice("请填写完整", "Fill in both fields", "请填写激活码和身份证号后四位。", "Type the activation code and the last four characters of your ID number.")
    }

    /// Too many activation tries from one network.
    pub(crate) fn activation_too_many() -> Notice {
        notice(
            "尝试次数过多",
            "Too many tries",
            "这个网络的激活尝试过多，请稍后再试。",
            "Too many activation tries from this network; try again later.",
        )
    }

    /// Wrong ID digits, with the tries left.
    pub(crate) fn activation_wrong_digits(left: u32) -> Notice {
        Notice {
            title: Bilingual::new("身份证号后四位不对", "Wrong ID digits"),
            why: Bilingual::new(
                format!("身份证号后四位与激活码对应的人员不一致，还可以再试 {left} 次。末位是 X 的请输入 X。"),
                format!("The last four characters do not match the worker of this code; {left} tries left. Type X if the ID number ends in X."),
            ),
        }
    }

    /// A code locked after too many wrong digits.
    pub(crate) fn activation_locked() -> Notice {
        notice(
            "激活码已锁定",
            "Code locked",
            "身份证号后四位输错次数过多，这个激活码已锁定。请到所属机构重新领取激活码。",
            "Too many wrong ID digits: this code is locked. Ask your agency for a new code.",
        )
    }

    /// A code the platform does not know.
    pub(crate) fn activation_unknown() -> Notice {
        notice(
            "激活码不存在",
            "No such code",
            "没有这个激活码。请核对发证单上的激活码；如果刚领证，请机构先同步后再试。",
            "There is no such code. Check the hand-over slip; if the card was just handed over, ask the agency to sync first.",
        )
    }

    /// A code already used.
    pub(crate) fn activation_used() -> Notice {
        notice(
            "激活码已使用",
            "Code already used",
            "这个激活码已在一部手机上激活。换了手机请到所属机构重新领取激活码。",
            "This code was already used on a phone. On a new phone, ask your agency for a new code.",
        )
    }

    /// A code whose card was replaced or cancelled.
    pub(crate) fn activation_not_current() -> Notice {
        notice(
            "此卡已不可激活",
            "This card cannot be activated",
            "激活码对应的卡已换发新卡或已注销。请到所属机构领取新卡的激活码。",
            "The card of this code was replaced or cancelled. Ask your agency for the new card's code.",
        )
    }

    /// A card page whose secret is unknown.
    pub(crate) fn electronic_card_unknown() -> Notice {
        notice(
            "没有这张电子证",
            "No such electronic card",
            "这个地址不是有效的电子证页面。请用激活码重新激活。",
            "This address is not an electronic card's page. Activate again with a code.",
        )
    }

    /// The banner of a scanned card's verdict.
    pub(crate) fn verdict(kind: VerdictKind) -> Notice {
        const FAKE_ZH: &str = "非有效证件";
        const FAKE_EN: &str = "Not a genuine certificate";
        match kind {
            VerdictKind::Valid => notice("有效", "Valid", "此证真实有效。请核对照片与上门人员本人一致。", "Genuine and in force. Check that the photo matches the person at your door."),
            VerdictKind::Replaced => notice(
                "已换发新卡",
                "Replaced by a newer card",
                "此卡已挂失或换发，不再有效。请持证人出示新卡，或致电所属机构核实。",
                "This card was reported lost or replaced and is no longer valid. Ask for the new card or call the agency.",
            ),
            VerdictKind::Revoked => notice("已注销", "Cancelled", "此证已被注销，持证人不得凭此证上门服务。", "This certificate was cancelled; it does not allow home service."),
            VerdictKind::Expired => notice("已过期", "Expired", "此证不在有效期内，不能凭此证上门服务。", "This card is outside its validity period and does not allow home service."),
            VerdictKind::Stale => notice(
                "电子证二维码已失效",
                "Electronic card code too old",
                "电子证二维码每分钟更新，这个已超过 3 分钟（可能是截图）。请服务人员在手机上打开电子证后再扫。",
                "An electronic card's code changes every minute; this one is more than 3 minutes old (perhaps a screenshot). Ask the worker to open the card on the phone and scan again.",
            ),
            VerdictKind::BadSignature => notice(
                FAKE_ZH,
                FAKE_EN,
                "二维码签名无效：此证可能伪造或被篡改。请勿接受凭此证上门服务。",
                "The QR code's signature is invalid: the card may be forged or altered. Do not accept service on it.",
            ),
            VerdictKind::UnknownKey => notice(
                FAKE_ZH,
                FAKE_EN,
                "签发密钥不被平台认可，无法确认真伪。请勿接受凭此证上门服务。",
                "Signed by a key the platform does not recognise; it cannot be confirmed. Do not accept service on it.",
            ),
            VerdictKind::NotACertificate => notice(
                FAKE_ZH,
                FAKE_EN,
                "这不是上海市家政上门服务证的二维码，或二维码不完整。",
                "This is not the QR code of a Shanghai home-service certificate, or it is incomplete.",
            ),
        }
    }

    /// A rating or complaint for something that is no genuine certificate.
    pub(crate) fn not_genuine() -> Notice {
        notice("不能提交", "Cannot be sent", "这不是有效的上门服务证，不能评价或投诉。", "This is not a genuine certificate; it cannot be rated or complained about here.")
    }

    /// A rating for a card cancelled, replaced or expired.
    pub(crate) fn not_in_force() -> Notice {
        notice(
            "此证不能评价",
            "This card cannot be rated",
            "此证已注销、已换发新卡或已过期，不能评价。如需投诉，请直接联系所属机构。",
            "This card is cancelled, replaced or expired and cannot be rated; contact the agency directly.",
        )
    }

    /// A form sent from a page older than its token.
    pub(crate) fn token_expired() -> Notice {
        notice("请重新扫码", "Scan again", "页面已超过 30 分钟，请重新扫码后再提交。", "The page is more than 30 minutes old; scan the card again and resend.")
    }

    /// A form without a valid token (or cookie).
    pub(crate) fn token_invalid() -> Notice {
        notice(
            "请重新扫码",
            "Scan again",
            "请从扫码打开的页面提交（并允许浏览器保存 Cookie），请重新扫码。",
            "Send the form from the page the scan opened (with cookies allowed); scan the card again.",
        )
    }

    /// A rating stored.
    pub(crate) fn rating_received() -> Notice {
        notice("感谢您的评价", "Thank you for your rating", "评价已送达持证人所属机构。", "Your rating has been passed to the worker's agency.")
    }

    /// A complaint stored (its reference is shown below the banner).
    pub(crate) fn complaint_received() -> Notice {
        notice(
            "投诉已提交",
            "Complaint received",
            "投诉已转交持证人所属机构处理，并由项目办督办。请记下投诉编号，凭编号可随时查询处理进度。",
            "Your complaint has been passed to the worker's agency, and the programme office follows it up. Note its reference: with it you can check its progress at any time.",
        )
    }

    /// The complaint lookup before anything is asked.
    pub(crate) fn complaint_lookup() -> Notice {
        notice(
            "查询投诉进度",
            "Check a complaint",
            "输入提交投诉时得到的投诉编号（如 TS7K3M9Q2WXHPA），查看处理进度。页面只显示进度，不显示任何个人信息。",
            "Type the reference you were given when you filed the complaint. The page shows its progress only, never anyone's personal details.",
        )
    }

    /// What was typed cannot be a reference.
    pub(crate) fn complaint_reference_malformed() -> Notice {
        notice(
            "编号格式不对",
            "Not a reference",
            "投诉编号以 TS 开头，后面是 12 位字母或数字，请核对后重新输入。",
            "A complaint reference is TS followed by 12 letters or digits; check it and type it again.",
        )
    }

    /// No complaint has that reference.
    pub(crate) fn complaint_not_found() -> Notice {
        notice(
            "没有这个投诉编号",
            "No such reference",
            "平台上没有这个编号的投诉，请核对编号后重新输入。",
            "The platform has no complaint with this reference; check it and type it again.",
        )
    }

    /// Over the lookup limit.
    pub(crate) fn complaint_too_many() -> Notice {
        notice(
            "查询过于频繁",
            "Too many lookups",
            "本网络查询次数过多，请稍后再试。",
            "Too many lookups from this network; try again later.",
        )
    }

    /// A complaint's progress: the banner of each state.
    pub(crate) fn complaint_state(state: certdesk_protocol::complaint::ComplaintState) -> Notice {
        use certdesk_protocol::complaint::ComplaintState;
        match state {
            ComplaintState::Open => notice("已受理", "Received", "投诉已送达持证人所属机构，等待机构处理。", "The worker's agency has the complaint and has not answered yet."),
            ComplaintState::Answered => notice("机构已答复", "Answered", "所属机构已答复处理情况，项目办正在审核。", "The agency answered; the programme office is reviewing the answer."),
            ComplaintState::AskedAgain => notice("督办中", "Followed up", "项目办已要求机构再次处理，等待机构答复。", "The programme office asked the agency to act again and waits for its answer."),
            ComplaintState::Closed => notice("已办结", "Closed", "项目办已审核机构的处理情况并办结此投诉。", "The programme office reviewed the agency's answer and closed the complaint."),
        }
    }

    /// A second form from the same scan.
    pub(crate) fn already_sent() -> Notice {
        notice("已经提交过", "Already sent", "本次扫码已经提交过，无需重复提交。", "This was already sent from this scan; nothing more to do.")
    }

    /// Under the visit button: what it does and why a rating needs it.
    pub(crate) const VISIT_NOTE: &str = "确认后，服务记录会送达所属机构；确认入户后才能评价。Confirming sends a service record to the agency; a rating is taken after a confirmed visit.";

    /// A visit confirmed.
    pub(crate) fn visit_confirmed() -> Notice {
        notice(
            "已确认入户",
            "Visit confirmed",
            "服务记录已送达持证人所属机构。现在可以返回评价服务。",
            "The service record has been passed to the worker's agency. You can now go back and rate the service.",
        )
    }

    /// A rating from a phone that confirmed no visit.
    pub(crate) fn visit_first() -> Notice {
        notice(
            "请先确认入户",
            "Confirm the visit first",
            "评价前请先在查验页点击“此人今天到我家服务”确认入户（同一部手机，一天内）。",
            "Before rating, confirm the visit on the check page (\"This worker came to my home today\") from this phone, within a day.",
        )
    }

    /// A rating over the worker's hourly ceiling: kept for the platform to check.
    pub(crate) fn rating_held() -> Notice {
        notice(
            "已收到",
            "Received",
            "谢谢！这位持证人近一小时收到的评价较多，您的评价已保存，经平台核实后计入。",
            "Thank you. This worker received many ratings in the last hour: yours is kept and counts once the platform has checked it.",
        )
    }

    /// Over a flood limit.
    pub(crate) fn too_many() -> Notice {
        notice(
            "提交过于频繁",
            "Too many submissions",
            "本次未被记录：每部手机每天只能对同一持证人评价一次，请稍后再试。",
            "Not recorded: each phone may rate a worker once a day, and a worker takes only so many an hour. Try again later.",
        )
    }

    /// The lookup page before anything is asked.
    pub(crate) fn lookup() -> Notice {
        notice(
            "查询上门服务证",
            "Look up a certificate",
            "没有相机也能查：输入卡面上的上门服务证编码（如 SH0120260000012，空格、横线和小写都可以），或输入机构全称或统一社会信用代码。",
            "No camera needed: type the certificate code printed on the card (spaces, dashes and lower case are fine), or an agency's full name or credit code.",
        )
    }

    /// A certificate in force looked up by its code (no photo on a typed lookup).
    pub(crate) fn lookup_valid() -> Notice {
        notice(
            "有效",
            "Valid",
            "此证真实有效。按编码查询不显示照片：请扫描卡上的二维码，核对照片与上门人员本人一致。",
            "Genuine and in force. A typed lookup shows no photo: scan the card's QR code to check the photo against the person at your door.",
        )
    }

    /// A typed code that is well formed but names no certificate.
    pub(crate) fn lookup_not_found() -> Notice {
        notice(
            "查无此证",
            "No such certificate",
            "平台没有这个编码的上门服务证。请核对卡面编码；如仍查不到，请勿接受凭此卡上门服务，并向平台核实。",
            "The platform holds no certificate with this code. Check the code on the card; if it still cannot be found, do not accept service on it and call the platform.",
        )
    }

    /// The title of a typed code that is not a certificate code (the domain says why).
    pub(crate) fn lookup_malformed() -> Bilingual {
        Bilingual::new("编码格式不对", "Not a certificate code")
    }

    /// An agency name or credit code nobody is registered under.
    pub(crate) fn agency_unknown() -> Notice {
        notice(
            "未登记",
            "Not registered",
            "平台没有以此全称或统一社会信用代码登记的机构。请核对后再查；未登记的机构不能为家政服务人员申领上门服务证。",
            "No agency is registered on the platform under this full name or credit code. Check it; an unregistered agency cannot obtain certificates for its workers.",
        )
    }

    /// A registered agency.
    pub(crate) fn agency_registered() -> Notice {
        notice(
            "已登记",
            "Registered",
            "该机构已在平台登记，可为其家政服务人员申领上门服务证。",
            "The agency is registered on the platform and may obtain certificates for its workers.",
        )
    }

    /// Over the lookup limit for one network.
    pub(crate) fn lookup_too_many() -> Notice {
        notice(
            "查询过于频繁",
            "Too many lookups",
            "同一网络短时间内查询次数过多，请过几分钟再试。扫描卡上的二维码不受此限制。",
            "Too many lookups from this network in a short time; try again in a few minutes. Scanning the card's QR code is not limited this way.",
        )
    }

    /// A rating for a card that is no longer the current one.
    pub(crate) fn not_current() -> Notice {
        notice("此证不能评价", "This card cannot be rated", "此证已注销或已换发新卡，不能评价。", "This card is cancelled or replaced and cannot be rated.")
    }

    /// A form with a wrong field; `why` from the functions below.
    pub(crate) fn form_invalid(why: (&'static str, &'static str)) -> Notice {
        notice("请检查填写内容", "Please check the form", why.0, why.1)
    }

    /// The form cannot be read.
    pub(crate) fn form_unreadable() -> (&'static str, &'static str) {
        ("表单无法读取。", "The form could not be read.")
    }

    /// No star rating, or one outside 1–5.
    pub(crate) fn stars_invalid() -> (&'static str, &'static str) {
        ("请选择 1 到 5 颗星。", "Choose 1 to 5 stars.")
    }

    /// A comment over 500 characters.
    pub(crate) fn comment_too_long() -> (&'static str, &'static str) {
        ("评价内容最多 500 字。", "A comment holds at most 500 characters.")
    }

    /// A complaint without text.
    pub(crate) fn complaint_empty() -> (&'static str, &'static str) {
        ("请填写投诉内容。", "Say what happened.")
    }

    /// A complaint over 1000 characters.
    pub(crate) fn complaint_too_long() -> (&'static str, &'static str) {
        ("投诉内容最多 1000 字。", "A complaint holds at most 1000 characters.")
    }

    /// A contact over 50 characters.
    pub(crate) fn contact_too_long() -> (&'static str, &'static str) {
        ("联系方式最多 50 字。", "A contact holds at most 50 characters.")
    }

    /// The rating form's comment box.
    pub(crate) const COMMENT_LABEL: &str = "说说服务怎么样（选填） Comment (optional)";

    /// The complaint form's contact box.
    pub(crate) const CONTACT_LABEL: &str = "联系方式（选填，仅供机构回访） Contact (optional)";
}

/// What the operator pages say beside their templates: the notices after an action, the
/// refusals of a form, sign-in. The pages' fixed text stays in their `html!` templates.
pub(crate) mod operator {

    use certdesk_domain::Bilingual;
    use certdesk_protocol::ApiCode;

    use crate::error::AppError;

    /// After rejecting an application.
    pub(crate) fn rejected() -> Bilingual {
        Bilingual::new("已驳回，机构下次同步即可看到原因。", "Rejected; the agency sees the reason at its next sync.")
    }

    /// After registering an agency.
    pub(crate) fn agency_created() -> Bilingual {
        Bilingual::new("机构已登记。", "Agency registered.")
    }

    /// After revoking a device.
    pub(crate) fn rating_released() -> Bilingual {
        Bilingual::new("评价已计入，机构下次同步即可收到。", "The rating counts now; the agency receives it at its next sync.")
    }

    pub(crate) fn rating_discarded() -> Bilingual {
        Bilingual::new("评价已删除，不计入。", "The rating was discarded and does not count.")
    }

    /// After asking an agency again about a complaint.
    pub(crate) fn complaint_asked_again() -> Bilingual {
        Bilingual::new("已督办：机构下次同步即可看到要求，投诉回到待机构处理。", "Asked again: the agency sees the request at its next sync, and the complaint waits for it again.")
    }

    /// After closing a complaint.
    pub(crate) fn complaint_closed() -> Bilingual {
        Bilingual::new("投诉已办结，机构下次同步即可看到结论。", "Complaint closed; the agency sees the conclusion at its next sync.")
    }

    /// A request or conclusion left empty.
    pub(crate) fn complaint_note_empty() -> Bilingual {
        Bilingual::new("请填写督办要求或办结结论。", "Write the request or the conclusion.")
    }

    /// A request or conclusion over the length limit.
    pub(crate) fn complaint_note_too_long(max: usize) -> Bilingual {
        Bilingual::new(format!("督办要求或办结结论最多 {max} 字。"), format!("At most {max} characters."))
    }

    /// Acting on a closed complaint.
    pub(crate) fn complaint_already_closed() -> Bilingual {
        Bilingual::new("该投诉已办结，未作更改。", "This complaint is closed already; nothing changed.")
    }

    /// After the office filed a supervision form.
    pub(crate) fn supervision_filed() -> Bilingual {
        Bilingual::new("督导表已提交，机构下次同步即可收到，并计入学员的培训。", "Supervision form filed; the agency receives it at its next sync, and it counts for the participants' training.")
    }

    /// A supervision form for an online class.
    pub(crate) fn supervision_online_class() -> Bilingual {
        Bilingual::new("线上班无需督导表（由后台核验完成学时）。", "An online class has no supervision form: its back office checks the hours.")
    }

    /// A second form for one class.
    pub(crate) fn supervision_already_filed() -> Bilingual {
        Bilingual::new("该班已有督导表，未重复提交。", "This class has its supervision form already; nothing was filed.")
    }

    /// A count that is not a whole number.
    pub(crate) fn count_invalid(label_zh: &str, label_en: &str) -> Bilingual {
        Bilingual::new(format!("{label_zh}须为整数。"), format!("{label_en} must be a whole number."))
    }

    pub(crate) fn device_revoked() -> Bilingual {
        Bilingual::new("设备已吊销，立即生效。", "Device revoked; it is refused from now on.")
    }

    /// After signing out.
    pub(crate) fn signed_out() -> Bilingual {
        Bilingual::new("已退出。", "Signed out.")
    }

    /// A sign-in refused: a wrong name, password or code, or an account locked from this network.
    /// One sentence for all of them, so the answer does not tell a guesser which.
    pub(crate) fn sign_in_refused() -> Bilingual {
        Bilingual::new(
            "登录失败：用户名、密码或动态验证码错误，或该账户因多次错误已在此网络暂时锁定（15 分钟起）。请稍后再试，或请管理员重设密码。",
            "Sign-in failed: a wrong name, password or code, or the account is locked from this network after repeated failures (15 minutes or more). Try again later, or ask an administrator to set a new password.",
        )
    }

    /// An operator's role does not open this page (`role`, `area`: their labels).
    pub(crate) fn role_refused(role: (&str, &str), area: (&str, &str)) -> Bilingual {
        Bilingual::new(
            format!("你的角色（{}）不能使用“{}”，未做任何更改。如需使用，请联系平台管理员调整角色。", role.0, area.0),
            format!("Your role ({}) cannot use {}; nothing was changed. Ask the platform's administrator if you need it.", role.1, area.1),
        )
    }

    /// A new operator password shorter than `min` characters.
    pub(crate) fn password_too_short(min: usize) -> Bilingual {
        Bilingual::new(format!("密码至少 {min} 个字符"), format!("The password needs at least {min} characters"))
    }

    /// An agency with this credit code is already registered (the form says it beside the field).
    pub(crate) fn agency_exists() -> Bilingual {
        Bilingual::new("该统一社会信用代码的机构已登记。", "An agency with this credit code is already registered.")
    }

    /// The application was already decided.
    pub(crate) fn not_pending() -> AppError {
        AppError::Conflict {
            code: ApiCode::NotPending,
            message: Bilingual::new(
                "该申请不在待审核状态（可能已被处理）",
                "The application is not waiting for review (it may have been decided already)",
            ),
        }
    }

    /// An API key whose scopes or operator's role do not cover the call (`area`: its labels).
    pub(crate) fn key_scope_refused(area: (&str, &str)) -> AppError {
        AppError::Forbidden {
            message: Bilingual::new(
                format!("此 API 密钥或其所属账户的角色无权使用“{}”，未做任何更改。", area.0),
                format!("This API key or its operator's role does not cover {}; nothing was changed.", area.1),
            ),
        }
    }

    /// The first operator asked for a key action (`action`: 轮换/rotation or 撤回/withdrawal).
    pub(crate) fn key_action_requested(action: (&str, &str)) -> Bilingual {
        Bilingual::new(
            format!("已登记签名密钥{}申请。需另一名管理员在 24 小时内发出同样的请求后才会执行，目前未做任何更改。", action.0),
            format!("The signing key {} is requested. It is done when another administrator makes the same call within 24 hours; nothing has changed yet.", action.1),
        )
    }

    /// The same operator asked twice for a key action.
    pub(crate) fn second_operator_needed(action: (&str, &str), requested_by: &str) -> AppError {
        AppError::Conflict {
            code: ApiCode::SecondOperatorNeeded,
            message: Bilingual::new(
                format!("签名密钥{}已由 {requested_by} 申请，须由另一名管理员确认，同一人不能确认自己的申请。", action.0),
                format!("The signing key {} was requested by {requested_by} and needs another administrator; nobody confirms their own request.", action.1),
            ),
        }
    }

    /// Approving a record that changed after the operator opened it.
    pub(crate) fn record_changed(version: i64) -> AppError {
        AppError::Conflict {
            code: ApiCode::RecordChanged,
            message: Bilingual::new(
                format!("机构在您打开此页后修改了人员记录（现为第 {version} 版），未作决定：请刷新页面，核对新的信息和照片后再审批"),
                format!("The agency changed the record after you opened this page (now version {version}); nothing was decided: reload, check the new details and photo, then decide"),
            ),
        }
    }

    /// A rejection reason without Chinese.
    pub(crate) fn reason_not_chinese() -> Bilingual {
        Bilingual::new("请用中文写明驳回原因，机构人员会看到这句话。", "Write the reason in Chinese: the agency's clerk reads it.")
    }

    /// A rejection reason over `max` characters.
    pub(crate) fn reason_too_long(max: usize) -> Bilingual {
        Bilingual::new(format!("原因最多 {max} 个字。"), format!("At most {max} characters."))
    }
}

// ---- Desk releases (软件更新) ------------------------------------------------------------------

pub(crate) mod releases {
    use std::path::Path;

    use certdesk_domain::Bilingual;
    use certdesk_protocol::ApiCode;

    use crate::error::AppError;
    use crate::releases::{PublishRefusal, SignatureFault};

    /// An update check whose `current_version` is not a semantic version.
    pub(crate) fn current_version_invalid(given: &str) -> AppError {
        AppError::bad_request(
            ApiCode::InvalidField,
            Bilingual::new(
                format!("当前版本号“{given}”不是有效的版本号（应形如 0.1.0）"),
                format!("The current version {given:?} is not a semantic version (such as 0.1.0)"),
            ),
        )
    }

    /// An update check naming a system outside the set (`what`: target, arch or bundle).
    pub(crate) fn system_unknown(what: &str, given: &str, allowed: &[&str]) -> AppError {
        let (zh_what, en_what) = match what {
            "target" => ("操作系统", "target"),
            "arch" => ("处理器架构", "arch"),
            _ => ("安装包类型", "bundle"),
        };
        AppError::bad_request(
            ApiCode::InvalidField,
            Bilingual::new(
                format!("不支持的{zh_what}“{given}”，应为：{}", allowed.join("、")),
                format!("Unknown {en_what} {given:?}: one of {}", allowed.join(", ")),
            ),
        )
    }

    /// A `release publish` flag whose value is not one of its set.
    pub(crate) fn flag_value_unknown(flag: &str, given: &str, allowed: &[&str]) -> String {
        format!("--{flag} {given:?}：不是可选值之一 / is not one of: {}", allowed.join(", "))
    }

    /// An update check whose `Host` cannot build a download address.
    pub(crate) fn host_invalid() -> AppError {
        AppError::bad_request(
            ApiCode::InvalidField,
            Bilingual::new(
                "请求缺少有效的主机名（Host），无法给出下载地址",
                "The request has no valid Host header to build the download address from",
            ),
        )
    }

    /// What a signature file's fault is, (Chinese, English).
    fn signature_fault(fault: SignatureFault) -> (&'static str, &'static str) {
        match fault {
            SignatureFault::NotBase64 => ("内容不是 base64 文本", "it is not base64 text"),
            SignatureFault::NotText => ("解码后不是文本", "it does not decode to text"),
            SignatureFault::Lines => (
                "解码后不是 minisign 签名的四行（untrusted comment、签名、trusted comment、全局签名）",
                "it does not decode to the four lines of a minisign signature (untrusted comment, signature, trusted comment, global signature)",
            ),
            SignatureFault::SignatureLine => ("签名行不是 Ed25519 minisign 签名", "its signature line is not an Ed25519 minisign signature"),
            SignatureFault::GlobalSignatureLine => ("全局签名行不是 64 字节的签名", "its global signature line is not a 64-byte signature"),
        }
    }

    /// Why `release publish` refused; nothing in the releases folder changed.
    pub(crate) fn publish_refused(why: &PublishRefusal) -> Bilingual {
        let shown = |p: &Path| p.display().to_string();
        let (zh, en) = match why {
            PublishRefusal::VersionNotSemver(v) => (
                format!("版本号“{v}”不是语义化版本号（应形如 0.1.1），未发布"),
                format!("The version {v:?} is not a semantic version (such as 0.1.1); nothing was published"),
            ),
            PublishRefusal::VersionExists(v) => (
                format!("版本 {v} 已发布，未作更改；如需更换安装包，请发布新的版本号"),
                format!("Version {v} is published already; nothing was changed. Publish a new version to replace its package"),
            ),
            PublishRefusal::PackageMissing(p) => (
                format!("找不到安装包 {}，未发布", shown(p)),
                format!("The package {} does not exist; nothing was published", shown(p)),
            ),
            PublishRefusal::PackageEmpty(p) => (
                format!("安装包 {} 是空文件，未发布", shown(p)),
                format!("The package {} is empty; nothing was published", shown(p)),
            ),
            PublishRefusal::PackageName(p) => (
                format!("安装包的文件名 {} 不可用（不能以 . 开头，不能是 release.json 或 .sig 文件），未发布", shown(p)),
                format!("The package's file name {} cannot be served (no leading dot, not release.json nor a .sig); nothing was published", shown(p)),
            ),
            PublishRefusal::BundleUnknown(p) => (
                format!("无法从文件名 {} 判断安装包类型，请用 --bundle 指明（deb、rpm、appimage、nsis、msi、app），未发布", shown(p)),
                format!("The file name {} does not say the kind of package: give --bundle (deb, rpm, appimage, nsis, msi, app); nothing was published", shown(p)),
            ),
            PublishRefusal::SignatureMissing(p) => (
                format!("找不到签名文件 {}，未发布", shown(p)),
                format!("The signature file {} does not exist; nothing was published", shown(p)),
            ),
            PublishRefusal::SignatureNotMinisign(p, fault) => {
                let (zh, en) = signature_fault(*fault);
                (
                    format!("签名文件 {} 不是 Tauri 签名工具生成的 minisign 签名：{zh}，未发布", shown(p)),
                    format!("The signature file {} is not a minisign signature as the Tauri signer writes it: {en}; nothing was published", shown(p)),
                )
            }
            PublishRefusal::SignatureVersion { version, signed } => match signed {
                Some(signed) => (
                    format!("签名是为版本 {signed} 签的，不是要发布的版本 {version}；桌面端只安装为本版本签名的安装包，未发布"),
                    format!("The signature is for version {signed}, not {version}; desks install only a package signed for its own version; nothing was published"),
                ),
                None => (
                    format!("签名的可信注释中没有版本号（version:{version}），请用 tauri signer sign --app-version {version} 重新签名，未发布"),
                    format!("The signature's trusted comment carries no version (version:{version}): sign again with tauri signer sign --app-version {version}; nothing was published"),
                ),
            },
            PublishRefusal::PackageTwice(p) => (
                format!("安装包 {} 与本次发布的另一个安装包同名，或适用于同一系统、处理器和安装方式，未发布", shown(p)),
                format!("The package {} has the same file name as another package of this publication, or is for the same system, processor and kind of package; nothing was published", shown(p)),
            ),
            PublishRefusal::SignatureCount { packages, signatures } => (
                format!("每个安装包须有一个签名文件（--package 与 --signature 成对给出）：{packages} 个安装包，{signatures} 个签名，未发布"),
                format!("Every package needs its signature (--package and --signature in pairs): {packages} packages, {signatures} signatures; nothing was published"),
            ),
            PublishRefusal::NotesUnreadable(p) => (
                format!("无法读取更新说明文件 {}（须为 UTF-8 文本），未发布", shown(p)),
                format!("The notes file {} cannot be read as UTF-8 text; nothing was published", shown(p)),
            ),
            PublishRefusal::NotesEmpty(p) => (
                format!("更新说明文件 {} 是空的：请写明本版本改了什么，未发布", shown(p)),
                format!("The notes file {} is empty: say what changed; nothing was published", shown(p)),
            ),
            PublishRefusal::Io(e) => (
                format!("写入发布目录失败：{e}；发布目录未改变"),
                format!("Writing to the releases folder failed: {e}; the folder was left as it was"),
            ),
        };
        Bilingual::new(zh, en)
    }
}

/// The police comparison's sentences (`checks`): the watch list's refusal, a results file's
/// refusal without its own reason, and why a results file's line or entry was not taken.
pub(crate) mod checks {
    use certdesk_domain::Bilingual;

    /// A listed person: the comparison rules out a certificate.
    pub(crate) fn watch_listed() -> Bilingual {
        Bilingual::new("比对发现不符合持证条件的记录", "The comparison found a record that rules out a certificate")
    }

    /// A results file's `fail` line with no reason of its own.
    pub(crate) fn comparison_failed() -> Bilingual {
        Bilingual::new("公安比对未通过", "police comparison failed")
    }

    /// One line of the import's report (`ReviewReport`'s `errors` and `unmatched`, listed on
    /// the operator's page): the line's number in both languages, then what is wrong with it,
    /// English first so that a script reading `line N:` keeps working, Chinese beside it.
    fn report_line(line: usize, what: Option<Bilingual>) -> String {
        match what {
            Some(m) => format!("line {line} (第 {line} 行): {}（{}）", m.en, m.zh),
            None => format!("line {line} (第 {line} 行)"),
        }
    }

    /// A results file's line whose result is neither pass nor fail.
    pub(crate) fn unknown_result(line: usize, result: &str) -> String {
        report_line(line, Some(Bilingual::new(format!("无法识别的结果 {result:?}"), format!("unknown result {result:?}"))))
    }

    /// A results file's line whose ID number is not 18 characters.
    pub(crate) fn not_an_id_number(line: usize, id: &str) -> String {
        report_line(line, Some(Bilingual::new(format!("{id:?} 不是 18 位身份证号"), format!("{id:?} is not an 18-character ID number"))))
    }

    /// A results file's line that matches no pending application (the list's heading says so;
    /// the line names the ID number).
    pub(crate) fn unmatched(line: usize, id_number: &str) -> String {
        format!("{}: {id_number}", report_line(line, None))
    }

    #[cfg(test)]
    mod tests {
        /// The report's lines keep `line N` first (what the JSON API's readers and the page's
        /// test match) and say the rest in both languages.
        #[test]
        fn the_import_reports_lines_say_their_number_and_what_is_wrong_in_both_languages() {
            assert_eq!(super::unknown_result(4, "maybe"), "line 4 (第 4 行): unknown result \"maybe\"（无法识别的结果 \"maybe\"）");
            assert_eq!(
                super::not_an_id_number(2, "123"),
                "line 2 (第 2 行): \"123\" is not an 18-character ID number（\"123\" 不是 18 位身份证号）"
            );
            assert_eq!(super::unmatched(3, "11010519491231002X"), "line 3 (第 3 行): 11010519491231002X");
        }
    }
}
