//! Every sentence the desk's store says to a clerk, in Chinese with English beside it, and the
//! [`DeskCode`] each one is refused with, grouped by area, so a translator reviews one file.
//!
//! Callers decide *that* something is refused; this module only says *what* the clerk reads.
//! It must never hold a rule or touch the database. The codes themselves are in `code.rs`.
//! The domain's own sentences (fields of a form, the lifecycle, the training rules) stay in
//! `certdesk_domain::messages`.

use std::fmt::Display;
use std::path::Path;

use certdesk_domain::{Bilingual, FieldError};

use crate::{DeskCode, DeskError};

/// A refusal with one field named, keeping its own top-level `code` (the window matches the
/// code and places the sentence beside the field).
fn field_refusal(code: DeskCode, field: &str, message: Bilingual) -> DeskError {
    DeskError { fields: vec![FieldError::with(field, code.as_str(), message.clone())], ..DeskError::new(code, message) }
}

// ---- Any operation -------------------------------------------------------------------------

/// Something that is not the clerk's fault (the detail is kept for the log by the caller).
pub fn internal() -> DeskError {
    DeskError::new(
        DeskCode::Internal,
        Bilingual::new(
            "内部错误，操作未完成，数据未改动。请重试，若仍失败请联系技术支持。",
            "Internal error: nothing was changed. Please retry; if it keeps failing, contact support.",
        ),
    )
}

/// The named record does not exist; `what` names the kind of record ("人员" / "worker").
pub fn not_found(what: &Bilingual) -> DeskError {
    DeskError::new(DeskCode::NotFound, Bilingual::new(format!("找不到该{}", what.zh), format!("No such {}", what.en)))
}

/// Kinds of record a [`not_found`] names.
pub mod records {
    use certdesk_domain::Bilingual;
    /// A worker.
    pub fn worker() -> Bilingual {
        Bilingual::new("人员", "worker")
    }
    /// A training class.
    pub fn class() -> Bilingual {
        Bilingual::new("培训班", "class")
    }
    /// A certificate.
    pub fn certificate() -> Bilingual {
        Bilingual::new("证件", "certificate")
    }
    /// A refusal the platform sent back.
    pub fn sync_rejection() -> Bilingual {
        Bilingual::new("同步退回记录", "sync rejection")
    }
    /// A complaint the office has not closed.
    pub fn open_complaint() -> Bilingual {
        Bilingual::new("未办结的投诉", "complaint not closed")
    }
    /// A user account.
    pub fn user() -> Bilingual {
        Bilingual::new("用户", "user")
    }
}

// ---- Health checks and insurance ------------------------------------------------------------

/// The same health check (day and institution) is already recorded for this worker.
pub fn health_check_recorded(checked_on: &str, institution: &str) -> DeskError {
    DeskError::new(
        DeskCode::AlreadyRecorded,
        Bilingual::new(
            format!("该人员 {checked_on} 在“{institution}”的体检已登记过，未重复保存"),
            format!("This worker's health check of {checked_on} at \"{institution}\" is already recorded; nothing was saved twice"),
        ),
    )
}

/// The same policy number is already recorded for this worker.
pub fn insurance_recorded(policy_number: &str) -> DeskError {
    DeskError::new(
        DeskCode::AlreadyRecorded,
        Bilingual::new(
            format!("该人员的保单 {policy_number} 已登记过，未重复保存"),
            format!("This worker's policy {policy_number} is already recorded; nothing was saved twice"),
        ),
    )
}

/// A valid card of another agency scanned offline: this desk holds none of its worker's
/// health checks or insurance.
pub fn cover_unknown_offline() -> Bilingual {
    Bilingual::new(
        "本机只保存本机构人员的体检与保险记录：该持证人的体检与保险情况请联网查询（扫码打开平台页面）",
        "This desk holds the health checks and insurance of its own agency's workers only: check this holder's online (open the platform's page)",
    )
}

/// Nobody is signed in.
pub fn unauthorized() -> DeskError {
    DeskError::new(DeskCode::Unauthorized, Bilingual::new("请先登录", "Please sign in first"))
}

/// The signed-in user is not a manager.
pub fn forbidden() -> DeskError {
    DeskError::new(DeskCode::Forbidden, Bilingual::new("只有管理员可以执行此操作", "Only a manager can do this"))
}

// ---- The data folder and the database ------------------------------------------------------

/// The data folder could not be created.
pub fn data_dir_create(dir: &Path, e: impl Display) -> DeskError {
    DeskError::new(
        DeskCode::DataDir,
        Bilingual::new(
            format!("无法创建数据目录 {}：{e}", dir.display()),
            format!("Cannot create the data folder {}: {e}", dir.display()),
        ),
    )
}

/// The database file could not be opened.
pub fn database_open(path: &Path, e: impl Display) -> DeskError {
    DeskError::new(
        DeskCode::DataDir,
        Bilingual::new(format!("无法打开数据库 {}：{e}", path.display()), format!("Cannot open the database {}: {e}", path.display())),
    )
}

/// The database key could not be kept (no keyring and no writable data folder).
pub fn database_key_not_kept(dir: &Path, e: impl Display) -> DeskError {
    DeskError::new(
        DeskCode::DataDir,
        Bilingual::new(
            format!("无法保存数据库密钥（系统钥匙串不可用，数据目录 {} 也无法写入）：{e}", dir.display()),
            format!("Cannot keep the database key (no keyring, and {} is not writable): {e}", dir.display()),
        ),
    )
}

/// The plain database cannot be encrypted now: another program has it open.
pub fn database_busy(path: &Path) -> DeskError {
    DeskError::new(
        DeskCode::DataDir,
        Bilingual::new(
            format!("数据库 {} 正被另一个程序使用，暂时无法加密。请关闭其他 certdesk 窗口或命令后重新打开；数据未作任何改动。", path.display()),
            format!("Another program has the database {} open, so it cannot be encrypted now. Close other certdesk windows or commands and open again; nothing was changed.", path.display()),
        ),
    )
}

/// The database is encrypted and its key is nowhere to be found.
pub fn database_key_missing(path: &Path) -> DeskError {
    DeskError::new(
        DeskCode::DatabaseKey,
        Bilingual::new(
            format!("数据库 {} 已加密，但找不到它的密钥（系统钥匙串或数据目录中的 database-key 文件）。数据库未作任何改动；请从备份恢复或联系技术支持。", path.display()),
            format!("The database {} is encrypted and its key is neither in the keyring nor in database-key in the data folder. Nothing was changed; restore a backup or contact support.", path.display()),
        ),
    )
}

/// The key found does not open the database.
pub fn database_key_wrong(path: &Path) -> DeskError {
    DeskError::new(
        DeskCode::DatabaseKey,
        Bilingual::new(
            format!("数据库 {} 无法用保存的密钥打开（密钥不符或文件已损坏）。数据库未作任何改动；请从备份恢复或联系技术支持。", path.display()),
            format!("The kept key does not open the database {} (another key, or a damaged file). Nothing was changed; restore a backup or contact support.", path.display()),
        ),
    )
}

/// The database was written by a newer program.
pub fn schema_too_new(found: impl Display, known: impl Display) -> DeskError {
    DeskError::new(
        DeskCode::SchemaTooNew,
        Bilingual::new(
            format!("数据库版本（{found}）比本程序新（{known}），请升级 certdesk。"),
            format!("The database (schema {found}) is newer than this program ({known}): please upgrade certdesk."),
        ),
    )
}

/// An audit entry's hash chain is broken.
pub fn audit_broken(seq: i64) -> DeskError {
    DeskError::new(
        DeskCode::AuditBroken,
        Bilingual::new(format!("审计记录第 {seq} 条被改动过"), format!("Audit entry {seq} has been tampered with")),
    )
}

// ---- Setting up, users and signing in ------------------------------------------------------

/// Setup was already done on this desk.
pub fn already_set_up() -> DeskError {
    DeskError::new(DeskCode::AlreadySetUp, Bilingual::new("本机已完成初始设置，请登录", "This desk is already set up: please sign in"))
}

/// A manager may not disable their own account.
pub fn cannot_disable_self() -> DeskError {
    DeskError::new(DeskCode::UserKeep, Bilingual::new("不能停用自己正在使用的账号", "You cannot disable the account you are signed in with"))
}

/// The last enabled manager may not be disabled or made a clerk: nobody could manage the desk.
pub fn last_manager() -> DeskError {
    DeskError::new(
        DeskCode::UserKeep,
        Bilingual::new("这是最后一个启用的管理员账号，停用后将无人能管理本机构的工作台", "This is the last enabled manager: disabling it would leave nobody to manage the desks"),
    )
}

/// The user a manager named is not on this desk.
pub fn user_unknown(who: &str) -> DeskError {
    DeskError::new(DeskCode::NotFound, Bilingual::new(format!("找不到用户“{who}”"), format!("No user \"{who}\" on this desk")))
}

/// The first account must be a manager's.
pub fn first_user_manager() -> DeskError {
    DeskError::new(DeskCode::FirstUserManager, Bilingual::new("第一个用户必须是管理员", "The first user must be a manager"))
}

/// A backup that is not a whole desk database once decrypted (changed, cut short, or not a
/// certdesk backup).
pub fn backup_damaged(file: &Path) -> DeskError {
    DeskError::new(
        DeskCode::BackupDamaged,
        Bilingual::new(
            format!("备份文件 {} 已损坏或不是 certdesk 的备份，无法恢复；未写入任何内容", file.display()),
            format!("The backup {} is damaged or not a certdesk backup; nothing was restored", file.display()),
        ),
    )
}

/// Field `folder`: not an absolute path.
pub fn backup_folder_invalid() -> FieldError {
    FieldError::with(
        "folder",
        "path_invalid",
        Bilingual::new("请填写备份文件夹的完整路径（如 /media/usb 或 E:\\备份）", "Give the backup folder's full path (e.g. /media/usb or E:\\backup)"),
    )
}

/// Field `keep`: out of range.
pub fn backup_keep_invalid(max: u32) -> FieldError {
    FieldError::with("keep", "out_of_range", Bilingual::new(format!("保留份数须为 1 到 {max}"), format!("Keep 1 to {max} backups")))
}

/// A restore into a data folder that already holds a desk.
pub fn restore_target_taken(dir: &Path) -> DeskError {
    DeskError::new(
        DeskCode::RestoreTargetTaken,
        Bilingual::new(
            format!("数据目录 {} 中已有工作台数据，恢复不会覆盖它；请指定一个空目录", dir.display()),
            format!("The data folder {} already holds a desk; a restore never overwrites one. Name an empty folder", dir.display()),
        ),
    )
}

/// Field `idle_lock_minutes`: out of range.
pub fn idle_lock_invalid(max: u32) -> FieldError {
    FieldError::with(
        "idle_lock_minutes",
        "out_of_range",
        Bilingual::new(format!("闲置锁定时间须为 1 到 {max} 分钟"), format!("The idle time must be 1 to {max} minutes")),
    )
}

/// Too many wrong passwords for this username: sign-in waits `seconds` more.
pub fn sign_in_throttled(seconds: i64) -> DeskError {
    DeskError::new(
        DeskCode::SignInThrottled,
        Bilingual::new(
            format!("密码错误次数过多，请 {seconds} 秒后再试"),
            format!("Too many wrong passwords; try again in {seconds} seconds"),
        ),
    )
}

/// Wrong username or password (never says which).
pub fn bad_credentials() -> DeskError {
    DeskError::new(DeskCode::BadCredentials, Bilingual::new("用户名或密码错误", "Wrong username or password"))
}

/// Field `role`: neither clerk nor manager.
pub fn role_invalid(other: &str) -> FieldError {
    FieldError::with(
        "role",
        "role_invalid",
        Bilingual::new(
            format!("角色“{other}”无效，只能是 clerk（前台）或 manager（管理员）"),
            format!("Role \"{other}\" is invalid: use clerk or manager"),
        ),
    )
}

/// Field `username`: wrong length or characters.
pub fn username_invalid() -> FieldError {
    FieldError::with(
        "username",
        "username_invalid",
        Bilingual::new("用户名须为 2 到 32 个字母、数字或 . _ -", "Username must be 2 to 32 letters, digits or . _ -"),
    )
}

/// Field `password`: too short.
pub fn password_too_short(min: usize) -> FieldError {
    FieldError::with(
        "password",
        "password_too_short",
        Bilingual::new(format!("密码至少 {min} 个字符"), format!("Password must have at least {min} characters")),
    )
}

/// Field `username`: someone already has it.
pub fn username_taken(username: &str) -> FieldError {
    FieldError::with(
        "username",
        "username_taken",
        Bilingual::new(format!("用户名“{username}”已被使用"), format!("Username \"{username}\" is already taken")),
    )
}

// ---- Workers and photos --------------------------------------------------------------------

/// The ID number is already enrolled at this agency (field `id_number` and the whole form).
pub fn duplicate_id_number(existing_id: String, existing_name: &str) -> DeskError {
    DeskError {
        existing_worker_id: Some(existing_id),
        fields: vec![FieldError::with(
            "id_number",
            DeskCode::DuplicateIdNumber.as_str(),
            Bilingual::new(
                format!("该身份证号已登记：{existing_name}，请打开已有人员，不要重复登记"),
                format!("This ID number is already enrolled ({existing_name}): open the existing worker instead"),
            ),
        )],
        ..DeskError::new(
            DeskCode::DuplicateIdNumber,
            Bilingual::new(
                format!("该身份证号已在本机构登记（{existing_name}），未重复保存"),
                format!("This ID number is already enrolled at this agency ({existing_name}); nothing was saved twice"),
            ),
        )
    }
}

/// A clerk who is not a manager changed what a certified worker's card shows.
pub fn details_need_manager() -> DeskError {
    DeskError::new(
        DeskCode::Forbidden,
        Bilingual::new(
            "已持证人员的姓名、照片和服务类型只有管理员可以修改（修改后须经平台重新审核），未保存",
            "Only a manager can change a certified worker's name, photo or service types (the platform then reviews them again); nothing was saved",
        ),
    )
}

/// Field `reason`: changing what a certified worker's card shows needs a written reason.
pub fn details_reason_required() -> DeskError {
    reason_missing(
        "修改已持证人员的姓名、照片或服务类型必须填写修改原因",
        "Changing a certified worker's name, photo or service types needs a written reason",
    )
}

/// No card prints details the platform has not approved (`fields`: the changed ones, in
/// Chinese and English; `rejection`: the platform's reason when it refused them).
pub fn details_under_review(fields: (&str, &str), rejection: Option<&Bilingual>) -> DeskError {
    let message = match rejection {
        None => Bilingual::new(
            format!("{}已修改，正在等待平台审核；审核通过前不能按新信息制卡（同步后平台审核）", fields.0),
            format!("The {} changed and wait for the platform's review; no card prints them until it approves (sync first)", fields.1),
        ),
        Some(r) => Bilingual::new(
            format!("{}的修改未通过平台审核（{}），不能按新信息制卡：请改回已核准的信息，或修正后重新提交", fields.0, r.zh),
            format!("The platform did not approve the changed {} ({}); no card prints them: change them back, or correct them and submit again", fields.1, r.en),
        ),
    };
    DeskError::new(DeskCode::DetailsUnderReview, message)
}

/// Field `reason`: changing an ID number needs a written reason.
pub fn reason_required() -> DeskError {
    reason_missing("修改身份证号必须填写修改原因", "Changing the ID number needs a written reason")
}

/// `reason_required` on the reason field with `zh`/`en`, and the same with "nothing was saved"
/// for the whole form.
fn reason_missing(zh: &str, en: &str) -> DeskError {
    DeskError {
        fields: vec![FieldError::with("reason", DeskCode::ReasonRequired.as_str(), Bilingual::new(zh, en))],
        ..DeskError::new(DeskCode::ReasonRequired, Bilingual::new(format!("{zh}，未保存"), format!("{en}; nothing was saved")))
    }
}

/// Field `photo`: the stored photo it names is gone.
pub fn photo_missing() -> FieldError {
    FieldError::with("photo", "photo_missing", Bilingual::new("照片未找到，请重新选择照片", "The photo was not found: choose it again"))
}

/// Field `photo`: the file is over 20 MB.
pub fn photo_too_large() -> DeskError {
    DeskError::field(FieldError::with(
        "photo",
        "photo_too_large",
        Bilingual::new("照片文件超过 20 MB", "The photo file is larger than 20 MB"),
    ))
}

/// Field `photo`: neither JPEG nor PNG.
pub fn photo_format() -> DeskError {
    DeskError::field(FieldError::with(
        "photo",
        "photo_format",
        Bilingual::new("照片须为 JPEG 或 PNG 图片", "The photo must be a JPEG or PNG image"),
    ))
}

/// Field `photo`: the image cannot be decoded.
pub fn photo_unreadable(e: impl Display) -> DeskError {
    DeskError::field(FieldError::with(
        "photo",
        "photo_unreadable",
        Bilingual::new(format!("照片无法读取（文件损坏或过大）：{e}"), format!("The photo cannot be read (damaged or too large): {e}")),
    ))
}

/// Field `photo`: under 100 × 120 pixels.
pub fn photo_too_small() -> DeskError {
    DeskError::field(FieldError::with(
        "photo",
        "photo_too_small",
        Bilingual::new("照片太小，至少需要 100 × 120 像素", "The photo is too small: at least 100 × 120 pixels are needed"),
    ))
}

// ---- Roster export -------------------------------------------------------------------------

/// An empty or overlong reader port.
pub fn idcard_port_invalid() -> DeskError {
    DeskError::new(
        DeskCode::Validation,
        Bilingual::new("请填写读卡器的端口（如 /dev/ttyUSB0 或 COM3）", "Give the reader's port (for example /dev/ttyUSB0 or COM3)"),
    )
}

/// What the ID-card reader said; nothing was filled.
pub fn idcard_reader(zh: String, en: String) -> DeskError {
    DeskError::new(DeskCode::IdCardReader, Bilingual::new(zh, en))
}

/// No reader port chosen yet.
pub fn idcard_port_missing() -> DeskError {
    DeskError::new(
        DeskCode::IdCardReader,
        Bilingual::new(
            "尚未设置读卡器端口：请先在设置中选择（certdesk idcard port /dev/ttyUSB0）。未填入任何内容。",
            "No reader port is chosen yet: choose it in the settings first (certdesk idcard port /dev/ttyUSB0). Nothing was filled.",
        ),
    )
}

/// A roster filing would list nobody.
pub fn roster_empty(from: chrono::NaiveDate, to: chrono::NaiveDate) -> DeskError {
    DeskError::new(
        DeskCode::RosterEmpty,
        Bilingual::new(
            format!("{from} 至 {to} 期间没有最近一次考试在期内的持证人员，无需备案"),
            format!("No certified worker's latest exam falls between {from} and {to}: there is nothing to file"),
        ),
    )
}

/// A receipt for a filing this desk never prepared.
pub fn receipt_unknown(number: &str) -> DeskError {
    DeskError::new(
        DeskCode::ReceiptInvalid,
        Bilingual::new(format!("回执 {number} 不对应本机准备的任何备案"), format!("Receipt {number} is for no filing prepared on this desk")),
    )
}

/// A receipt that does not verify; nothing was kept.
pub fn receipt_invalid(problem: certdesk_protocol::roster::ReceiptProblem) -> DeskError {
    let (zh, en) = problem.sentence();
    DeskError::new(DeskCode::ReceiptInvalid, Bilingual::new(zh, en))
}

/// The funding pack of a period that has not ended (issue 14 item 3).
pub fn pack_period_future(from: chrono::NaiveDate, to: chrono::NaiveDate, today: chrono::NaiveDate) -> DeskError {
    field_refusal(
        DeskCode::Validation,
        "to",
        Bilingual::new(
            format!("期间 {from} 至 {to} 尚未结束（今天是 {today}），不能生成项目资金材料"),
            format!("The period {from} to {to} has not ended (today is {today}): no funding pack can be made for it"),
        ),
    )
}

/// No answered filing for exactly this period: nothing to base a funding pack on.
pub fn pack_no_filing(from: chrono::NaiveDate, to: chrono::NaiveDate) -> DeskError {
    DeskError::new(
        DeskCode::NotFound,
        Bilingual::new(
            format!("{from} 至 {to} 期间没有已备案（有回执）的名册，请先备案名册"),
            format!("No roster was filed (with a receipt) for {from} to {to}: file the roster first"),
        ),
    )
}

/// Neither xlsx nor csv.
pub fn roster_format_invalid(other: &str) -> DeskError {
    DeskError::new(
        DeskCode::FormatInvalid,
        Bilingual::new(format!("不支持的格式“{other}”：请选择 xlsx 或 csv"), format!("Unsupported format \"{other}\": choose xlsx or csv")),
    )
}

/// The file could not be written (the caller keeps the detail).
pub fn file_write(path: &Path, e: impl Display) -> DeskError {
    DeskError::new(
        DeskCode::FileWrite,
        Bilingual::new(format!("无法写入文件 {}：{e}", path.display()), format!("Cannot write the file {}: {e}", path.display())),
    )
}

/// A status filter that is not a status.
pub fn status_invalid(s: &str) -> DeskError {
    DeskError::new(DeskCode::StatusInvalid, Bilingual::new(format!("状态“{s}”无效"), format!("Status \"{s}\" is invalid")))
}

// ---- Applying to the platform --------------------------------------------------------------

/// The training rules are not met yet; `missing` are the domain's sentences for each gap.
pub fn not_eligible_yet<'a>(missing: impl IntoIterator<Item = &'a Bilingual>) -> DeskError {
    DeskError::new(DeskCode::NotEligible, Bilingual::join(missing).prefixed("尚不符合申领条件：", "Not yet eligible to apply: "))
}

/// The lifecycle refuses to apply from this status; its own sentence names the status.
pub fn not_eligible_status(lifecycle: FieldError) -> DeskError {
    DeskError { fields: vec![lifecycle.clone()], ..DeskError::new(DeskCode::NotEligible, lifecycle.message()) }
}

// ---- Training ------------------------------------------------------------------------------

/// Field `field`: a date that cannot be read.
pub fn date_invalid(field: &str, t: &str) -> FieldError {
    FieldError::with(
        field,
        "date_invalid",
        Bilingual::new(
            format!("日期“{t}”无效，请按 年-月-日 填写（如 2026-01-05）"),
            format!("Date \"{t}\" is invalid; use YYYY-MM-DD (e.g. 2026-01-05)"),
        ),
    )
}

/// The worker is not a participant of this class.
pub fn not_in_class() -> DeskError {
    DeskError::new(DeskCode::NotInClass, Bilingual::new("该人员不在此培训班中", "This worker is not in this class"))
}

/// Nobody with this ID number is enrolled.
pub fn worker_not_enrolled(id_number: &str) -> DeskError {
    DeskError::new(
        DeskCode::WorkerNotEnrolled,
        Bilingual::new(
            format!("身份证号 {id_number} 尚未登记，请先登记该人员"),
            format!("No worker with ID number {id_number} is enrolled: enrol the worker first"),
        ),
    )
}

/// A cancelled worker cannot join a class.
pub fn worker_cancelled(name: &str) -> DeskError {
    DeskError::new(
        DeskCode::WorkerCancelled,
        Bilingual::new(
            format!("{name} 的上门服务证已注销，不能参加培训"),
            format!("{name}'s certificate is cancelled: the worker cannot join a class"),
        ),
    )
}

/// The worker is in the class already.
pub fn already_in_class(name: &str, title: &str) -> DeskError {
    DeskError::new(
        DeskCode::AlreadyInClass,
        Bilingual::new(format!("{name} 已在培训班“{title}”中"), format!("{name} is already in the class \"{title}\"")),
    )
}

/// What a participant has recorded, for [`records_in_class`].
pub fn recorded_kinds(attendance_or_hours: bool, exam: bool) -> Bilingual {
    match (attendance_or_hours, exam) {
        (true, true) => Bilingual::new("出勤/学时和考试成绩", "attendance or hours and an exam score"),
        (true, false) => Bilingual::new("出勤/学时", "attendance or hours"),
        _ => Bilingual::new("考试成绩", "an exam score"),
    }
}

/// Removing a participant who has records needs a confirmation.
pub fn records_in_class(name: &str, title: &str, what: &Bilingual, credited_hours: impl Display) -> DeskError {
    DeskError::new(
        DeskCode::RecordsInClass,
        Bilingual::new(
            format!(
                "{name} 在培训班“{title}”中已记录{}（认定 {credited_hours} 课时）。确认移出后，本班的出勤和认定课时将删除，考试成绩保留；如只是未到场，请改记为“缺勤”",
                what.zh
            ),
            format!(
                "{name} has {} recorded in the class \"{title}\" ({credited_hours} class hours credited). Removing them deletes this class's attendance and credited hours (exam scores are kept); if they simply did not come, mark them absent instead",
                what.en
            ),
        ),
    )
}

/// Field `hours_completed`: an offline class takes attendance marks.
pub fn offline_class_takes_attendance(code: &str) -> FieldError {
    FieldError::with(
        "hours_completed",
        code,
        Bilingual::new("线下培训班请记录出勤情况，而不是完成课时", "An offline class takes attendance marks, not hours completed"),
    )
}

/// Field `attendance`: none chosen.
pub fn attendance_missing(code: &str) -> FieldError {
    FieldError::with(
        "attendance",
        code,
        Bilingual::new("请选择出勤情况：出勤、迟到、早退 或 缺勤", "Choose the attendance: present, late, left early or absent"),
    )
}

/// Field `attendance`: an online class takes hours completed.
pub fn online_class_takes_hours(code: &str) -> FieldError {
    FieldError::with(
        "attendance",
        code,
        Bilingual::new("线上培训班请填写完成课时，而不是出勤情况", "An online class takes hours completed, not attendance marks"),
    )
}

/// Field `hours_completed`: left blank.
pub fn hours_completed_missing(code: &str) -> FieldError {
    FieldError::with("hours_completed", code, Bilingual::new("请填写完成课时", "Enter the hours completed"))
}

// ---- Complaints (投诉协调) -----------------------------------------------------------------

/// Field `action`: the answer says nothing.
pub fn complaint_action_empty() -> FieldError {
    FieldError::with("action", "required", Bilingual::new("请填写处理情况", "Say what was done"))
}

/// Field `action`: over the length limit.
pub fn complaint_action_too_long(max: usize) -> FieldError {
    FieldError::with("action", "too_long", Bilingual::new(format!("处理情况最多 {max} 字"), format!("At most {max} characters")))
}

/// Field `done_on`: before the complaint or after today.
pub fn complaint_done_on(filed: impl Display, today: impl Display) -> FieldError {
    FieldError::with(
        "done_on",
        "date_out_of_range",
        Bilingual::new(
            format!("处理日期须在投诉日期（{filed}）和今天（{today}）之间"),
            format!("The day it was done must be between the complaint ({filed}) and today ({today})"),
        ),
    )
}

/// Field `exam_date`: after today.
pub fn exam_date_future(d: impl Display, today: impl Display) -> FieldError {
    FieldError::with(
        "exam_date",
        "date_future",
        Bilingual::new(format!("考试日期 {d} 晚于今天（{today}）"), format!("The exam date {d} is after today ({today})")),
    )
}

/// An online class has no supervision form.
pub fn supervision_online_class() -> DeskError {
    DeskError::new(
        DeskCode::SupervisionOnlineClass,
        Bilingual::new(
            "线上培训由后台督导，不需要填写培训督导单",
            "Online classes are supervised from the back end: no supervision form is needed",
        ),
    )
}

/// Hours are imported into online classes only.
pub fn hours_import_offline_class(title: &str) -> DeskError {
    DeskError::new(
        DeskCode::HoursImportOfflineClass,
        Bilingual::new(
            format!("“{title}”是线下培训班：线下培训请在表格中记录出勤，学时导入只用于线上培训班"),
            format!("\"{title}\" is an offline class: record its attendance in the grid; hours are imported into online classes only"),
        ),
    )
}

/// A row of a file, before the sentence about it.
pub fn row_prefix(row: usize) -> (String, String) {
    (format!("第 {row} 行："), format!("Row {row}: "))
}

// ---- Cards ---------------------------------------------------------------------------------

/// Field `reason`: not a cancellation reason.
pub fn cancel_reason_invalid(other: &str) -> DeskError {
    field_refusal(
        DeskCode::CancelReason,
        "reason",
        Bilingual::new(
            format!("注销原因“{other}”无效：应为 离职(left_agency)、违规(misconduct) 或 其他(other)"),
            format!("Unknown cancellation reason \"{other}\": use left_agency, misconduct or other"),
        ),
    )
}

/// Field `kind`: neither lost nor damaged.
pub fn loss_kind_invalid(other: &str) -> DeskError {
    field_refusal(
        DeskCode::LossKind,
        "kind",
        Bilingual::new(format!("“{other}”无效：应为 遗失(lost) 或 损坏(damaged)"), format!("\"{other}\" is not valid: use lost or damaged")),
    )
}

/// No card without the agency's details.
pub fn no_agency() -> DeskError {
    DeskError::new(
        DeskCode::NoAgency,
        Bilingual::new("尚未填写本机构信息，不能制作证件", "The agency's details are not set up; no card can be made"),
    )
}

/// Only a draft: the certificate is not approved.
pub fn not_approved(name: &str, status: &Bilingual) -> DeskError {
    DeskError::new(
        DeskCode::NotApproved,
        Bilingual::new(
            format!("“{name}”的证件尚未核准（当前状态：{}），只能打印样张", status.zh),
            format!("{name}'s certificate is not approved (status: {}); only a draft can be printed", status.en),
        ),
    )
}

/// The certificate is past its validity.
pub fn certificate_expired(code: &str, valid_until: &str) -> DeskError {
    DeskError::new(
        DeskCode::CertificateExpired,
        Bilingual::new(
            format!("证件 {code} 已于 {valid_until} 过期，不能再制作，请重新申领"),
            format!("Certificate {code} expired on {valid_until}; apply again"),
        ),
    )
}

/// The card was reported lost; the replacement comes from the platform.
pub fn awaiting_replacement(version: u16) -> DeskError {
    DeskError::new(
        DeskCode::AwaitingReplacement,
        Bilingual::new(
            format!("第 {version} 版卡片已挂失，需同步后由平台签发新卡（第 {} 版）才能打印", version + 1),
            format!("Card version {version} was reported lost; sync first so that the platform issues version {}", version + 1),
        ),
    )
}

/// The card was handed over already.
pub fn already_issued(version: u16) -> DeskError {
    DeskError::new(
        DeskCode::AlreadyIssued,
        Bilingual::new(
            format!("第 {version} 版卡片已发放给本人；如卡片遗失或损坏，请先挂失补办"),
            format!("Card version {version} was handed to the worker; report it lost or damaged to make a replacement"),
        ),
    )
}

/// Field `issued_on`: after today.
pub fn issued_on_future() -> DeskError {
    field_refusal(DeskCode::IssuedOn, "issued_on", Bilingual::new("发放日期不能晚于今天", "The hand-over date cannot be in the future"))
}

/// Field `issued_on`: before the card was printed.
pub fn issued_on_before_print(printed_on: &str) -> DeskError {
    field_refusal(
        DeskCode::IssuedOn,
        "issued_on",
        Bilingual::new(
            format!("发放日期不能早于制作日期（{printed_on}）"),
            format!("The hand-over date cannot be before the card was printed ({printed_on})"),
        ),
    )
}

/// The card of this version was never printed.
pub fn not_printed(version: u16) -> DeskError {
    DeskError::new(
        DeskCode::NotPrinted,
        Bilingual::new(format!("第 {version} 版卡片尚未打印，不能发放"), format!("Card version {version} has not been printed yet")),
    )
}

/// A new activation code asked for a worker whose current card was not handed over.
pub fn activation_needs_handover(name: &str) -> DeskError {
    DeskError::new(
        DeskCode::ActivationNeedsHandover,
        Bilingual::new(
            format!("{name} 的当前卡片尚未发放：电子证激活码在发放时生成"),
            format!("{name}'s current card has not been handed over: the electronic card's code is made at hand-over"),
        ),
    )
}

/// Field `signature`: not a small PNG.
pub fn signature_invalid() -> DeskError {
    field_refusal(
        DeskCode::Signature,
        "signature",
        Bilingual::new("签名图像无效（应为不超过 256 KB 的 PNG 图像）", "The signature is not a PNG image of at most 256 KB"),
    )
}

/// Nothing to report lost: no printed card.
pub fn no_card(name: &str, status: &Bilingual) -> DeskError {
    DeskError::new(
        DeskCode::NoCard,
        Bilingual::new(
            format!("“{name}”没有已制作的卡片（当前状态：{}），无需挂失", status.zh),
            format!("{name} has no printed card (status: {}); nothing to report", status.en),
        ),
    )
}

/// The loss was reported already.
pub fn already_reported(version: u16) -> DeskError {
    DeskError::new(
        DeskCode::AlreadyReported,
        Bilingual::new(
            format!("第 {version} 版卡片已挂失，正在等待平台签发新卡"),
            format!("Card version {version} is already reported; waiting for the platform's new card"),
        ),
    )
}

/// Field `note` of a loss report: over 200 characters.
pub fn loss_note_too_long() -> DeskError {
    field_refusal(DeskCode::Note, "note", Bilingual::new("备注不能超过 200 个字", "The note may be at most 200 characters"))
}

/// Field `note` of a cancellation: "other" needs a note.
pub fn cancel_note_required() -> DeskError {
    field_refusal(DeskCode::Note, "note", Bilingual::new("原因为“其他”时请写明说明", "Say why when the reason is \"other\""))
}

/// Field `note` of a cancellation: over 200 characters.
pub fn cancel_note_too_long() -> DeskError {
    field_refusal(DeskCode::Note, "note", Bilingual::new("说明不能超过 200 个字", "The note may be at most 200 characters"))
}

/// Field `printer`: blank or too long.
pub fn printer_name_invalid() -> DeskError {
    field_refusal(DeskCode::Printer, "printer", Bilingual::new("请填写打印机名称（不超过 100 个字符）", "Name the printer (at most 100 characters)"))
}

/// Field `offset_x_mm` / `offset_y_mm`: beyond ±10 mm.
pub fn offset_out_of_range(field: &str, v: f32) -> DeskError {
    let code = if field == "offset_x_mm" { DeskCode::OffsetXMm } else { DeskCode::OffsetYMm };
    field_refusal(
        code,
        field,
        Bilingual::new(format!("偏移量 {v} 毫米超出范围（-10 至 10 毫米）"), format!("Offset {v} mm is out of range (-10 to 10 mm)")),
    )
}

/// Field `scale`: outside 0.90–1.10.
pub fn scale_out_of_range(v: f32) -> DeskError {
    field_refusal(
        DeskCode::Scale,
        "scale",
        Bilingual::new(format!("缩放比例 {v} 超出范围（0.90 至 1.10）"), format!("Scale {v} is out of range (0.90 to 1.10)")),
    )
}

/// A scan too long to be a certificate's QR code.
pub fn scan_too_long(chars: usize) -> DeskError {
    DeskError::new(
        DeskCode::ScanTooLong,
        Bilingual::new(
            format!("扫描内容过长（{chars} 个字符），不是上门服务证的二维码"),
            format!("The scan is too long ({chars} characters) to be a certificate's QR code"),
        ),
    )
}

// ---- Files the window sends ----------------------------------------------------------------

/// A chosen file over the import cap (checked on its base64 before decoding).
pub fn chosen_file_too_large(max_mb: u64) -> DeskError {
    DeskError::new(
        DeskCode::FileTooLarge,
        Bilingual::new(format!("文件超过 {max_mb} MB，无法导入"), format!("The file is larger than {max_mb} MB and cannot be imported")),
    )
}

/// A chosen file whose base64 does not decode.
pub fn chosen_file_unreadable() -> DeskError {
    DeskError::new(DeskCode::FileUnreadable, Bilingual::new("无法读取所选文件", "The chosen file could not be read"))
}

/// Field `issued_on` as the window typed it: not a date.
pub fn issued_on_invalid(s: &str) -> DeskError {
    field_refusal(
        DeskCode::IssuedOn,
        "issued_on",
        Bilingual::new(format!("日期“{s}”无效，请写成 2026-11-27"), format!("Invalid date \"{s}\": write 2026-11-27")),
    )
}

/// Field `signature` as the window sent it: not base64.
pub fn signature_unreadable() -> DeskError {
    field_refusal(DeskCode::Signature, "signature", Bilingual::new("签名图像无法读取", "The signature image cannot be read"))
}

/// The audit note of a card step: the certificate code, the card version and what the step
/// names (printer, hand-over date, kind of loss). Chinese only: the audit log keeps one text.
pub fn card_audit_note(certificate_code: &str, card_version: impl Display, detail: impl Display) -> String {
    format!("{certificate_code} 第{card_version}版 {detail}")
}

// ---- Spreadsheet imports (workers and online hours) ----------------------------------------

/// A file to import that cannot be read.
pub fn import_file_unreadable(path: &str, e: impl Display) -> DeskError {
    DeskError::new(DeskCode::FileUnreadable, Bilingual::new(format!("无法读取文件 {path}：{e}"), format!("Cannot read the file {path}: {e}")))
}

/// A file to import larger than allowed (sizes in MB).
pub fn import_file_too_large(mb: u64, max_mb: u64) -> DeskError {
    DeskError::new(
        DeskCode::FileTooLarge,
        Bilingual::new(
            format!("文件过大（{mb} MB），最多 {max_mb} MB，请拆分后分批导入"),
            format!("The file is too large ({mb} MB; at most {max_mb} MB): split it and import in parts"),
        ),
    )
}

/// An .xlsx with a part that inflates to more than it declares (a zip bomb lying about its size).
pub fn import_unzips_beyond_declared() -> DeskError {
    DeskError::new(
        DeskCode::FileTooLarge,
        Bilingual::new(
            "文件解压后比它声明的大小更大（可能是“压缩炸弹”），已拒绝，未导入任何内容；请用 Excel 重新另存为 .xlsx 后再导入",
            "The file unzips to more than it declares (it may be a zip bomb) and was refused; nothing was imported: save it again as .xlsx in Excel and import that",
        ),
    )
}

/// An .xlsx that unzips to more than allowed (sizes in MB).
pub fn import_unzips_too_large(mb: u64, max_mb: u64) -> DeskError {
    DeskError::new(
        DeskCode::FileTooLarge,
        Bilingual::new(
            format!("文件解压后过大（{mb} MB），最多 {max_mb} MB，请拆分后分批导入"),
            format!("The file unzips to {mb} MB (at most {max_mb} MB): split it and import in parts"),
        ),
    )
}

/// A file holding more text than allowed (in MB).
pub fn import_too_much_text(max_mb: u64) -> DeskError {
    DeskError::new(
        DeskCode::FileTooLarge,
        Bilingual::new(
            format!("文件内容过多（超过 {max_mb} MB 文字），请拆分后分批导入"),
            format!("The file holds too much text (over {max_mb} MB): split it and import in parts"),
        ),
    )
}

/// A file that is not a spreadsheet.
pub fn not_a_spreadsheet() -> DeskError {
    DeskError::new(
        DeskCode::NotASpreadsheet,
        Bilingual::new(
            "该文件不是电子表格：请选择 .xlsx 或 .csv 文件（Excel 可“另存为”这两种格式）",
            "This file is not a spreadsheet: choose an .xlsx or .csv file (Excel can \"Save As\" either)",
        ),
    )
}

/// An old .xls file.
pub fn xls_unsupported() -> DeskError {
    DeskError::new(
        DeskCode::XlsUnsupported,
        Bilingual::new(
            "这是旧版 Excel（.xls）文件：请在 Excel 中“另存为” .xlsx 后再导入",
            "This is an old Excel (.xls) file: \"Save As\" .xlsx in Excel, then import that",
        ),
    )
}

/// A workbook without a worksheet.
pub fn no_worksheet() -> DeskError {
    DeskError::new(DeskCode::ImportEmpty, Bilingual::new("文件中没有工作表", "The file has no worksheet"))
}

/// A file with more rows than an import takes.
pub fn too_many_rows(max: usize) -> DeskError {
    DeskError::new(
        DeskCode::TooManyRows,
        Bilingual::new(
            format!("文件超过 {max} 行，请拆分后分批导入；本次未导入任何数据"),
            format!("The file has more than {max} rows: split it and import in parts; nothing was imported"),
        ),
    )
}

/// A file without any data.
pub fn import_empty() -> DeskError {
    DeskError::new(DeskCode::ImportEmpty, Bilingual::new("文件是空的：没有任何数据", "The file is empty: there is no data"))
}

/// The headers an import found, said inside [`import_headers_missing`].
pub fn headers_found(found: &[String]) -> Bilingual {
    if found.is_empty() {
        Bilingual::new("未找到任何表头", "no headers found")
    } else {
        Bilingual::new(format!("找到的表头：{}", found.join("、")), format!("headers found: {}", found.join(", ")))
    }
}

/// The workers import lacks required columns (`missing`: their labels).
pub fn import_headers_missing(missing: &[Bilingual], found: &[String]) -> DeskError {
    let found = headers_found(found);
    let zh: Vec<&str> = missing.iter().map(|l| l.zh.as_str()).collect();
    let en: Vec<&str> = missing.iter().map(|l| l.en.as_str()).collect();
    DeskError::new(
        DeskCode::ImportHeadersMissing,
        Bilingual::new(
            format!("缺少必需的列：{}（{}）。请在第一行写上列名，如 姓名、身份证号、手机号、住址、服务类型、紧急联系人、紧急联系人电话", zh.join("、"), found.zh),
            format!("Required columns are missing: {} ({}). Put the column names in the first row, e.g. 姓名 / name, 身份证号 / ID number, ...", en.join(", "), found.en),
        ),
    )
}

/// One missing column (`label`), beside its field.
pub fn column_missing(label: &Bilingual) -> Bilingual {
    Bilingual::new(format!("缺少“{}”列", label.zh), format!("No \"{}\" column", label.en))
}

/// A health-check or insurance file lacks needed columns (`missing`, by their labels).
pub fn cover_headers_missing(missing: &[Bilingual], found: &[String]) -> DeskError {
    let found = headers_found(found);
    let zh: Vec<&str> = missing.iter().map(|l| l.zh.as_str()).collect();
    let en: Vec<&str> = missing.iter().map(|l| l.en.as_str()).collect();
    DeskError::new(
        DeskCode::ImportHeadersMissing,
        Bilingual::new(
            format!("缺少必需的列：{}（{}）。请在第一行写上列名", zh.join("、"), found.zh),
            format!("Required columns are missing: {} ({}). Put the column names in the first row", en.join(", "), found.en),
        ),
    )
}

/// The hours import lacks required columns (`id_number` and/or the hours).
pub fn hours_headers_missing(missing: &[&str], found: &[String]) -> DeskError {
    let label = |f: &str| match f {
        "id_number" => ("身份证号", "ID number"),
        _ => ("学时（学习时长 / 完成学时 / 时长(分钟)）", "hours (学习时长 / 完成学时 / 时长(分钟))"),
    };
    let zh: Vec<&str> = missing.iter().map(|f| label(f).0).collect();
    let en: Vec<&str> = missing.iter().map(|f| label(f).1).collect();
    let found = headers_found(found);
    DeskError::new(
        DeskCode::ImportHeadersMissing,
        Bilingual::new(
            format!("缺少必需的列：{}（{}）。线上平台导出的表格应有 身份证号 和 学习时长（或 完成学时）两列", zh.join("、"), found.zh),
            format!("Required columns are missing: {} ({}). The online platform's export needs an ID-number column and an hours column", en.join(", "), found.en),
        ),
    )
}

/// Consent dates missing and none given for the file.
pub fn import_needs_consent_date() -> DeskError {
    DeskError::new(
        DeskCode::ImportNeedsConsentDate,
        Bilingual::new(
            "文件中没有征信授权日期（或有空白）：请确认本文件人员的征信授权书签署日期后再导入",
            "The file has no (or blank) consent dates: confirm the date the consents in this file were signed, then import",
        ),
    )
}

/// Agency checks missing and not confirmed for the file.
pub fn import_needs_agency_check() -> DeskError {
    DeskError::new(
        DeskCode::ImportNeedsAgencyCheck,
        Bilingual::new(
            "文件中没有企业核实记录（或有空白）：请确认已当面核验本文件所有人员的身份证原件后再导入",
            "The file has no (or blank) agency checks: confirm that every worker's ID card in this file was checked in person, then import",
        ),
    )
}

/// Report lines of the imports, one per refused or noted cell.
pub mod import_rows {
    use std::fmt::Display;

    use certdesk_domain::Bilingual;

    /// A cell of the column `label` holding a formula error.
    pub fn cell_error(label: &Bilingual, e: impl Display) -> Bilingual {
        Bilingual::new(
            format!("{}单元格是公式错误 {e}，请改为实际内容", label.zh),
            format!("The {} cell holds the formula error {e}: enter the actual value", label.en),
        )
    }

    /// An ID number Excel stored as a number (workers import).
    pub fn id_as_number(shown: &str) -> Bilingual {
        Bilingual::new(
            format!("身份证号被 Excel 存成了数字（{shown}），最后几位已丢失、无法恢复：请把该列设为“文本”格式后重新录入"),
            format!("Excel stored the ID number as a number ({shown}), which lost its last digits and cannot be recovered: format the column as Text and type the number again"),
        )
    }

    /// An agency-check cell that is neither yes nor no.
    pub fn agency_check_value(shown: &str) -> Bilingual {
        Bilingual::new(
            format!("企业核实“{shown}”无法识别：请填 是 或 否"),
            format!("Agency check \"{shown}\" is not understood: write yes or no"),
        )
    }

    /// An ID number repeating an earlier row (workers import).
    pub fn duplicate_in_file(first: usize) -> Bilingual {
        Bilingual::new(format!("身份证号与第 {first} 行重复：同一人只导入一次"), format!("The ID number repeats row {first}: a person is imported once"))
    }

    /// A row enrolled without some details (待补全), named by their labels.
    pub fn to_complete(missing: &[Bilingual]) -> Bilingual {
        let zh: Vec<&str> = missing.iter().map(|l| l.zh.as_str()).collect();
        let en: Vec<&str> = missing.iter().map(|l| l.en.as_str()).collect();
        Bilingual::new(
            format!("已登记为待补全：缺少{}，补全后才能申领", zh.join("、")),
            format!("Enrolled as to be completed: {} missing; the worker can apply once the record is complete", en.join(", ")),
        )
    }

    /// What became of a reported row, in both languages (the saved report's last column).
    pub fn outcome(severity: crate::import::IssueSeverity) -> &'static str {
        match severity {
            crate::import::IssueSeverity::Skipped => "已跳过 skipped",
            crate::import::IssueSeverity::Note => "已导入，见备注 imported, see the note",
            crate::import::IssueSeverity::Error => "未导入 not imported",
        }
    }

    /// An ID number already enrolled as `name`: skipped.
    pub fn already_enrolled(name: &str) -> Bilingual {
        Bilingual::new(format!("已登记（{name}），跳过，未重复导入"), format!("Already enrolled ({name}): skipped, not imported twice"))
    }

    /// The ID number cell holds a formula error (hours import).
    pub fn id_cell_error(e: impl Display) -> Bilingual {
        Bilingual::new(
            format!("身份证号单元格是公式错误 {e}，请改为实际内容"),
            format!("The ID number cell holds the formula error {e}: enter the actual value"),
        )
    }

    /// An ID number Excel stored as a number (hours import: export again).
    pub fn hours_id_as_number(shown: &str) -> Bilingual {
        Bilingual::new(
            format!("身份证号被 Excel 存成了数字（{shown}），最后几位已丢失、无法恢复：请在线上平台重新导出，或把该列设为“文本”格式后重新录入"),
            format!("Excel stored the ID number as a number ({shown}), which lost its last digits and cannot be recovered: export again from the platform, or format the column as Text and type it again"),
        )
    }

    /// Nobody with this (masked) ID number is enrolled; `file_name` is the row's name, if any.
    pub fn unknown_id_number(masked: &str, file_name: &str) -> Bilingual {
        Bilingual::new(
            format!(
                "身份证号 {masked} 的人员尚未在本机构登记：请先登记{}，再导入学时",
                if file_name.is_empty() { String::new() } else { format!("（{file_name}）") }
            ),
            format!(
                "Nobody with the ID number {masked} is enrolled at this agency: enrol {} first, then import the hours",
                if file_name.is_empty() { "the worker" } else { file_name }
            ),
        )
    }

    /// The same worker as an earlier row (hours import).
    pub fn same_worker(first: usize, desk_name: &str) -> Bilingual {
        Bilingual::new(
            format!("与第 {first} 行是同一人（{desk_name}）：每人只取一行，本行未导入"),
            format!("The same worker ({desk_name}) as row {first}: one row per person; this row was not imported"),
        )
    }

    /// Nobody with this (masked) ID number is enrolled (health-check or insurance import).
    pub fn cover_unknown_id_number(masked: &str, file_name: &str) -> Bilingual {
        let named = if file_name.trim().is_empty() { String::new() } else { format!("（{}）", file_name.trim()) };
        let named_en = if file_name.trim().is_empty() { String::new() } else { format!(" ({})", file_name.trim()) };
        Bilingual::new(
            format!("身份证号 {masked} 的人员尚未在本机构登记{named}：请先登记，再导入其体检或保险记录"),
            format!("Nobody with the ID number {masked} is enrolled at this agency{named_en}: enrol them first, then import their health check or policy"),
        )
    }

    /// The same record as an earlier row (health-check or insurance import).
    pub fn same_record(first: usize, desk_name: &str) -> Bilingual {
        Bilingual::new(
            format!("与第 {first} 行是同一条记录（{desk_name}）：本行未导入"),
            format!("The same record ({desk_name}) as row {first}: this row was not imported"),
        )
    }

    /// The desk holds this record already: skipped.
    pub fn already_recorded(desk_name: &str) -> Bilingual {
        Bilingual::new(format!("已登记过（{desk_name}），跳过，未重复导入"), format!("Already recorded ({desk_name}): skipped, not imported twice"))
    }

    /// The row's name is not the name enrolled with its ID number.
    pub fn name_mismatch(file_name: &str, desk_name: &str) -> Bilingual {
        Bilingual::new(
            format!("姓名“{file_name}”与该身份证号登记的姓名“{desk_name}”不一致：请核对后再导入"),
            format!("The name \"{file_name}\" is not the name enrolled with this ID number (\"{desk_name}\"): check the row, then import"),
        )
    }

    /// The worker's certificate is cancelled.
    pub fn worker_cancelled(desk_name: &str) -> Bilingual {
        Bilingual::new(
            format!("{desk_name} 的上门服务证已注销，不能记录培训学时"),
            format!("{desk_name}'s certificate is cancelled: no training hours can be recorded"),
        )
    }

    /// The hours cell is blank (`shown` empty) or not a number.
    pub fn hours_invalid(shown: &str) -> Bilingual {
        if shown.is_empty() {
            Bilingual::new("学时为空：请填写完成的学时或学习时长", "The hours are blank: enter the hours or the time studied")
        } else {
            Bilingual::new(
                format!("学时“{shown}”不是有效的数字：应为不小于 0 的数（如 3、2.5、135分钟、2:15:00）"),
                format!("The hours \"{shown}\" are not a valid number: use a number of 0 or more (3, 2.5, 135分钟, 2:15:00)"),
            )
        }
    }

    /// The worker is not in this class and the clerk did not choose to add them.
    pub fn not_in_class(name: &str) -> Bilingual {
        Bilingual::new(
            format!("{name} 不在本培训班中：选择“加入本班”后导入，即可加入并记录学时"),
            format!("{name} is not in this class: choose \"add to the class\" to add them and record the hours"),
        )
    }

    /// More hours than the class holds: capped.
    pub fn hours_capped(h: f64, most: f64) -> Bilingual {
        Bilingual::new(format!("{h} 课时超过本班的 {most} 课时，按 {most} 课时记录"), format!("{h} class hours exceed the class's {most}; recorded as {most}"))
    }
}
