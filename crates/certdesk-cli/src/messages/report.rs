//! The report lines the CLI's commands print (Chinese, like the terminal's clerks read them):
//! one function per report, taking what the command got back. A command decides *what* it
//! did; these say it. They must never hold a rule or call the desk.

use std::fmt::Display;
use std::path::Path;

use certdesk_print::{PrintOutcome, PrinterInfo};
use certdesk_store::{
    Agency, ApplyAllReport, CardActivation, CardState, ClassDetail, ColumnMapping, CoverImportReport, CoverKind, DeskStats, ExamResult, Feedback, FeedbackSummary,
    Deadline, HealthCheck, HoursImportReport, InsurancePolicy, HoursUnit, ImportIssue, ImportReport, Participant, RosterExport, ScanReport, SupervisionForm,
    SyncRejection, SyncStatus, TrainingClass, UserInfo, Worker, WorkerDetail, WorkerSummary, WorkerToComplete, WorkerTraining,
};
use certdesk_sync::{Enrolment, SecretStore, SyncReport};

// ---- Sync ------------------------------------------------------------------------------------

/// `certdesk device enrol`: where the desk is enrolled and where its secret is kept.
pub fn enrolled(done: &Enrolment) -> String {
    let kept = match done.secret_store {
        SecretStore::Keyring => "系统钥匙串（keyring）".to_string(),
        SecretStore::File => "数据目录中的 device-secret 文件（权限 0600；本机没有可用的系统钥匙串）".to_string(),
    };
    format!(
        "本机已登记到平台 {}\n机构：{}\n设备编号：{}\n设备凭证保存在：{kept}",
        done.platform_url, done.agency_name, done.device_id
    )
}

/// `certdesk join`: what was restored, or what is still awaited.
pub fn joined_agency(r: &certdesk_sync::JoinReport) -> String {
    let mut text = match &r.enrolment {
        Some(e) => format!("本机已接入平台 {}（机构：{}）\n", e.platform_url, e.agency_name),
        None => String::new(),
    };
    for c in &r.corrected {
        let field = match c.field.as_str() {
            "name" => "机构名称",
            "credit_code" => "统一社会信用代码",
            _ => "所在区",
        };
        text.push_str(&format!("已按平台登记更正{field}：{} → {}\n", c.typed, c.registered));
    }
    if r.accounts == 0 {
        text.push_str("还没有收到本机构的账号：请先在本机构原来的电脑上同步一次（certdesk sync 或窗口中的「立即同步」），再运行本命令。");
    } else {
        text.push_str(&format!(
            "已加入本机构：取回账号 {} 个、人员 {} 名、培训记录 {} 条、体检和保险记录 {} 条（照片和体检报告文件 {} 个）。请用原来的账号登录。",
            r.accounts, r.sync.pulled.workers, r.sync.pulled.training_records, r.sync.pulled.health_records, r.sync.files_fetched
        ));
    }
    text
}

/// `certdesk sync` and `certdesk join` while they run: where the sync stands (rewritten in
/// place).
pub fn syncing(p: &certdesk_sync::SyncProgress) -> String {
    let pulled = if p.pull_total > p.pulled { format!("{}/{}", p.pulled, p.pull_total) } else { p.pulled.to_string() };
    format!("\r同步中：已发送 {}/{} 条，已取回 {} 项变更，文件 {} 个", p.pushed, p.push_total, pulled, p.files)
}

/// `certdesk sync`: the counts of one run.
pub fn sync_report(r: &SyncReport) -> String {
    let mut text = sync_counts(r);
    if r.pulled.staff_accounts > 0 {
        text.push_str(&format!("\n本机构其他工作台的账号：{} 个已更新", r.pulled.staff_accounts));
    }
    if r.pulled.workers > 0 {
        text.push_str(&format!("\n本机构其他工作台登记或修改的人员：{} 名已更新", r.pulled.workers));
    }
    let p = &r.pulled;
    if p.training_records > 0 || p.health_records > 0 || p.card_events > 0 || p.complaint_answers > 0 {
        text.push_str(&format!(
            "\n本机构其他工作台的培训记录 {} 条、体检和保险记录 {} 条、证卡记录（制作、发放、挂失、注销）{} 条、投诉处理情况 {} 条已保存",
            p.training_records, p.health_records, p.card_events, p.complaint_answers
        ));
    }
    if p.workers_merged > 0 {
        text.push_str(&format!(
            "\n本机构两个工作台重复登记（身份证号相同）的人员：{} 名，已由平台合并为一条记录，其培训、体检、证卡等记录都已归入（详见该人员的记录历史）",
            p.workers_merged
        ));
    }
    if r.files_fetched > 0 {
        text.push_str(&format!("\n已下载照片和体检报告文件：{} 个", r.files_fetched));
    }
    if r.files_refused > 0 {
        text.push_str(&format!("\n与其编号不符、或不是证件照或体检报告的文件：{} 个，未保存（记录照常保存，暂无该文件）", r.files_refused));
    }
    if r.pulled.refused > 0 {
        text.push_str(&format!("\n无法读取或与本机冲突的变更：{} 项，已跳过（其余照常应用）", r.pulled.refused));
    }
    text
}

fn sync_counts(r: &SyncReport) -> String {
    format!(
        "同步完成。\n推送：新接收 {}，重复 {}，退回 {}，冲突 {}（{} 批，上传照片 {} 张）\n拉取：{} 项变更（核准 {}，驳回 {}，核查结果 {}，吊销 {}，信任密钥 {}）\n同步游标：{}\n待同步：{}",
        r.pushed.applied,
        r.pushed.duplicate,
        r.pushed.rejected,
        r.pushed.conflict,
        r.batches,
        r.photos_uploaded,
        r.pulled.changes,
        r.pulled.approvals,
        r.pulled.rejections,
        r.pulled.check_results,
        r.pulled.revocations,
        r.pulled.trust_keys,
        r.cursor,
        r.pending
    )
}

/// `certdesk sync status`.
pub fn sync_status(s: &SyncStatus) -> String {
    let mut lines = vec![match (&s.platform_url, &s.agency_name) {
        (Some(url), Some(agency)) => format!("平台：{url}（{agency}）"),
        _ => "本机尚未登记到平台（certdesk device enrol）".into(),
    }];
    lines.push(format!("待同步：{} 条", s.pending));
    if s.held > 0 {
        lines.push(format!("暂存本机（只留在本机、不上传的记录，如本机的机构信息）：{} 条", s.held));
    }
    lines.push(format!("上次成功同步：{}", s.last_success_at.clone().unwrap_or_else(|| "从未".into())));
    if let Some(e) = &s.last_error {
        lines.push(format!("上次同步失败（{}）：{}", e.at, e.message_zh));
    }
    lines.push(match s.trust_list_age_seconds {
        Some(secs) => format!("信任列表更新于 {} 小时前（{} 个密钥）", secs / 3600, s.trust_keys),
        None => "信任列表：尚未同步".into(),
    });
    lines.push(format!("被平台退回、待处理：{} 条", s.rejections));
    if s.stale_warning {
        lines.push(format!("警告：已超过 {} 天没有成功同步，请联网同步", certdesk_store::STALE_AFTER_DAYS));
    }
    lines.join("\n")
}

/// `certdesk sync rejections`.
pub fn sync_rejections(list: &[SyncRejection]) -> String {
    if list.is_empty() {
        return "没有被平台退回的记录".into();
    }
    list.iter()
        .map(|r| {
            format!(
                "{}\t{}\t{}\t{}\t{}：{}",
                r.received_at,
                r.entity_label.clone().unwrap_or_else(|| r.entity_id.clone()),
                r.op,
                r.kind,
                r.code,
                r.message_zh
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `certdesk worker apply ID`.
pub fn applied(w: &Worker) -> String {
    format!("已申领：{}（{}），同步后提交平台审核", w.name, w.id_number)
}

/// `certdesk worker apply --all-eligible`.
pub fn applied_all(r: &ApplyAllReport) -> String {
    format!("已为 {} 名符合条件的人员申领，同步后提交平台审核", r.applied.len())
}

// ---- Set-up, agency, users, audit, diagnostics ---------------------------------------------

/// `certdesk setup`.
pub fn set_up(display_name: &str, username: &str) -> String {
    format!("已完成初始设置，管理员：{display_name}（{username}）")
}

/// `certdesk agency show`.
pub fn agency(a: Option<&Agency>) -> String {
    match a {
        Some(a) => format!(
            "机构名称：{}\n统一社会信用代码：{}\n所在区：{}\n地址：{}\n联系电话：{}",
            a.name, a.credit_code, a.district, a.address, a.phone
        ),
        None => "尚未设置机构信息".into(),
    }
}

/// `certdesk agency set`.
pub fn agency_saved(a: &Agency) -> String {
    format!("已保存机构信息：{}", a.name)
}

/// `certdesk user add`.
pub fn user_added(u: &UserInfo) -> String {
    format!("已添加用户 {}（{}），本机构其他工作台下次同步后即可用此账号登录", u.display_name, u.username)
}

/// `certdesk user list`: one line per user, tab-separated.
pub fn users(list: &[UserInfo]) -> String {
    list.iter()
        .map(|u| {
            let role = if u.is_manager() { "管理员" } else { "前台" };
            let state = if u.disabled { "已停用" } else { "启用" };
            format!("{}\t{}\t{role}\t{state}", u.username, u.display_name)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `certdesk user disable|enable`.
pub fn user_changed(u: &UserInfo) -> String {
    let state = if u.disabled { "已停用，不能再登录" } else { "已启用，可以登录" };
    format!("用户 {}（{}）{state}；本机构其他工作台下次同步后同样生效", u.display_name, u.username)
}

/// `certdesk user password`.
pub fn password_reset(u: &UserInfo) -> String {
    format!("已为 {}（{}）设置新密码；本机构其他工作台下次同步后同样生效", u.display_name, u.username)
}

/// `certdesk audit verify`.
pub fn audit_intact(n: impl Display) -> String {
    format!("审计记录完整，共 {n} 条")
}

/// `certdesk diagnostics -o FILE`.
pub fn diagnostics_written(path: &Path, entries: &[String]) -> String {
    format!("已导出诊断信息：{}（{}）", path.display(), entries.join("、"))
}

// ---- Workers ---------------------------------------------------------------------------------

/// `certdesk worker list|search`: one line per worker and the total.
pub fn worker_list(items: &[WorkerSummary], total: u64) -> String {
    let mut lines: Vec<String> = items
        .iter()
        .map(|w| format!("{}\t{}\t{}\t{}\t{}", w.id, w.name, w.id_number, w.phone, w.status))
        .collect();
    lines.push(format!("共 {total} 人"));
    lines.join("\n")
}

/// `certdesk worker add`.
pub fn enrolled_worker(w: &Worker) -> String {
    format!("已登记：{}（{}）\nid：{}", w.name, w.id_number, w.id)
}

/// `certdesk worker show`: the record and its timeline.
pub fn worker_detail(d: &WorkerDetail) -> String {
    let w = &d.worker;
    let mut s = format!(
        "{}  {}  {}  {}\n身份证号：{}\n手机号：{}\n住址：{}\n服务类型：{}\n紧急联系人：{} {}\n征信授权：{}（见证人 {}）\n状态：{}\n时间线：",
        w.name, w.gender.label_zh(), w.birth_date, w.id,
        w.id_number, w.phone, w.address, w.service_types.iter().map(|t| t.code()).collect::<Vec<_>>().join("、"),
        w.emergency_contact_name, w.emergency_contact_phone, w.consent_date, w.consent_witness, w.status
    );
    if let Some(r) = &d.details_review {
        if !r.changed.is_empty() {
            s.push_str(&format!("\n信息变更待平台审核：{}（证件仍显示“{}”，审核通过前不能按新信息制卡）", r.changed.join("、"), r.approved_name));
        }
        if let Some(why) = &r.rejection {
            s.push_str(&format!("\n信息变更未通过：{}", why.zh));
        }
    }
    for e in &d.timeline {
        s.push_str(&format!(
            "\n  {} {} {} {} {} → {} {}",
            e.at,
            e.user,
            e.action,
            e.field.clone().unwrap_or_default(),
            e.old_value.clone().unwrap_or_default(),
            e.new_value.clone().unwrap_or_default(),
            e.reason.clone().map(|r| format!("（原因：{r}）")).unwrap_or_default()
        ));
    }
    s
}

/// `certdesk worker update`.
pub fn worker_updated(w: &Worker) -> String {
    format!("已更新：{}（第 {} 版）", w.name, w.version)
}

/// A `--status` value that is no status (clap prints it; both languages on one line).
pub fn status_invalid(typed: &str, all: &[&str]) -> String {
    format!("状态“{typed}”无效 / unknown status \"{typed}\": {}", all.join(", "))
}

/// What a refusal's line starts with on stderr.
pub fn error_prefix(en: bool) -> &'static str {
    if en { "error: " } else { "错误：" }
}

// ---- Cards -----------------------------------------------------------------------------------

/// `certdesk card print`: progress on stderr.
pub fn printing(done: usize, all: usize) -> String {
    format!("制作中 {done}/{all}")
}

/// `certdesk card print`: where the `total` cards went.
pub fn printed(total: usize, outcome: &PrintOutcome) -> String {
    match (&outcome.path, &outcome.printer) {
        (Some(p), _) => format!("已制作 {total} 张证卡，保存为 {}（{} KB）", p.display(), outcome.bytes / 1024),
        (_, Some(name)) => format!("已将 {total} 张证卡发送到打印机 {name}（任务 {}）", outcome.job.clone().unwrap_or_default()),
        _ => String::new(),
    }
}

/// `certdesk card preview`.
pub fn preview_saved(path: &Path, draft: bool) -> String {
    format!("预览已保存为 {}{}", path.display(), if draft { "（样张，未核准，不能使用）" } else { "" })
}

/// `certdesk card issue`.
pub fn card_issued() -> String {
    "证卡已发放".into()
}

/// `certdesk card lost`.
pub fn card_lost() -> String {
    "已挂失。同步后平台将签发新卡（卡版本加一），旧卡随即显示为“已换发新卡”。".into()
}

/// `certdesk card cancel`.
pub fn certificate_cancelled() -> String {
    "已注销。同步后该证件在任何地方查验都显示为“已注销”。".into()
}

/// `certdesk card activation`: the code and where the worker activates it.
pub fn card_activation(a: &CardActivation, new: bool, slip: Option<&Path>) -> String {
    let mut lines = vec![format!(
        "{}电子证激活码：{}（{} 第 {} 版）",
        if new { "新的" } else { "" },
        a.code,
        a.certificate_code,
        a.card_version
    )];
    match &a.url {
        Some(url) => lines.push(format!("激活网址：{url}")),
        None => lines.push("本机尚未登记到平台，激活网址在登记后显示".into()),
    }
    lines.push("请服务人员用手机打开网址，输入激活码和身份证号后四位；同步后才能激活。".into());
    if let Some(p) = slip {
        lines.push(format!("激活单已保存为 {}", p.display()));
    }
    lines.join("\n")
}

/// `certdesk card status`.
pub fn card_state(s: &CardState) -> String {
    let mut lines = vec![format!("状态：{}", s.status)];
    match &s.certificate {
        Some(c) => lines.push(format!(
            "证件：{} 第 {} 版，有效期 {} 至 {}",
            c.certificate_code, c.card_version, c.valid_from, c.valid_until
        )),
        None => lines.push("尚未核准".into()),
    }
    for p in &s.prints {
        lines.push(format!(
            "制作：{} {} {} {}{}",
            p.printed_at,
            p.printed_by,
            p.printer,
            p.card_version.map(|v| format!("第{v}版")).unwrap_or_default(),
            if p.draft { "（样张）" } else { "" }
        ));
    }
    for h in &s.handovers {
        lines.push(format!("发放：{} 第{}版 {}", h.issued_on, h.card_version, h.issued_by));
    }
    for l in &s.losses {
        lines.push(format!("挂失：{} 第{}版 {} {}", l.reported_at, l.card_version, l.kind, l.reported_by));
    }
    if let Some(r) = &s.print_refusal {
        lines.push(format!("不能制作：{}", r.message_zh));
    }
    lines.join("\n")
}

/// `certdesk card calibrate`.
pub fn calibrated(printer: &str, offset_x: f32, offset_y: f32, scale: f32) -> String {
    format!("已保存打印机 {printer} 的校准：右移 {offset_x} 毫米，下移 {offset_y} 毫米，缩放 {scale}")
}

/// `certdesk card test-page`.
pub fn test_page_saved(path: &Path) -> String {
    format!("测试页已保存为 {}", path.display())
}

/// `certdesk card printers`.
pub fn printers(list: &[PrinterInfo]) -> String {
    if list.is_empty() {
        "没有找到系统打印机（CUPS）；可以保存为 PDF".into()
    } else {
        list.iter().map(|p| format!("{}{}", p.name, if p.is_default { "（默认）" } else { "" })).collect::<Vec<_>>().join("\n")
    }
}

/// `certdesk verify SCAN`.
pub fn scan(r: &ScanReport) -> String {
    let mut lines = vec![format!("{} {} · {}（{}）", r.colour.word_zh(), r.colour.word_en(), r.verdict_zh, r.verdict_en)];
    lines.extend(r.cover_notes.iter().map(|n| format!("  {}", n.zh)));
    if let (Some(code), Some(v)) = (&r.certificate_code, r.card_version) {
        lines.push(format!("证件编码：{code}  卡版本：{v}"));
    }
    if let (Some(from), Some(until)) = (&r.valid_from, &r.valid_until) {
        lines.push(format!("有效期：{from} 至 {until}"));
    }
    if let Some(age) = r.electronic_age_seconds {
        lines.push(format!("电子证：二维码 {age} 秒前生成"));
    }
    if let Some(w) = &r.local_worker {
        lines.push(format!("本机构人员：{}（{}）", w.name, w.status));
    }
    lines.push(match r.lists_age_seconds {
        Some(age) => format!("信任列表与吊销列表更新于 {} 小时前", age / 3600),
        None => "尚未从平台同步信任列表".into(),
    });
    lines.join("\n")
}

/// `certdesk feedback list --worker W`.
pub fn worker_feedback(s: &FeedbackSummary) -> String {
    let mut lines = vec![format!(
        "评价 {} 条，平均 {} 星；未处理投诉 {} 条",
        s.ratings,
        s.average_stars.map(|a| format!("{a:.1}")).unwrap_or_else(|| "—".into()),
        s.open_complaints
    )];
    for f in &s.items {
        lines.push(match f.stars {
            Some(n) => format!("{} {} {}", f.created_at, "★".repeat(n as usize), f.text),
            None => format!("{} 投诉：{}（{}）", f.created_at, f.text, f.contact),
        });
    }
    lines.join("\n")
}

/// `certdesk feedback list`: the open complaints.
pub fn open_complaints(list: &[Feedback]) -> String {
    if list.is_empty() {
        "没有待答复的投诉".into()
    } else {
        list.iter()
            .map(|f| {
                let mut line = format!(
                    "{} {} {}：{}",
                    f.reference.as_deref().unwrap_or(&f.id),
                    f.created_at,
                    f.worker_name.clone().unwrap_or_default(),
                    f.text
                );
                if let Some(note) = &f.office_note {
                    line.push_str(&format!("\n    项目办督办：{note}"));
                }
                line
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// `certdesk feedback answer ID`.
pub fn complaint_answered() -> String {
    "处理情况已保存，下次同步时报送平台".into()
}

// ---- Imports, roster, training ---------------------------------------------------------------

/// An import's progress on stderr (rewritten in place).
pub fn importing(done: usize, total: usize) -> String {
    format!("\r导入中 {done}/{total}")
}

/// The columns an hours import read (`unit`: of its hours column), then its report lines.
fn columns_and_issues(mut s: String, mapping: &[ColumnMapping], unit: &str, issues: &[ImportIssue], report: Option<&Path>) -> String {
    let columns = mapping.iter().map(|m| format!("{}={}（{}列）", m.field, m.header, m.column)).collect::<Vec<_>>().join("，");
    s.push_str(&format!("\n列：{columns}；学时单位：{unit}"));
    s + &issues_and_report(issues, report)
}

/// An import's report lines, and where the report was saved.
fn issues_and_report(issues: &[ImportIssue], report: Option<&Path>) -> String {
    let mut s = String::new();
    for i in issues {
        s.push_str(&format!(
            "\n第 {} 行 {} [{}] {}",
            i.row,
            i.column.as_deref().map(|c| format!("{c} 列")).unwrap_or_default(),
            i.code,
            i.message_zh
        ));
    }
    if let Some(p) = report {
        s.push_str(&format!("\n报告已保存：{}", p.display()));
    }
    s
}

/// `certdesk import workers`.
pub fn import_report(result: &ImportReport, report: Option<&Path>) -> String {
    let mut s = format!(
        "{}：共 {} 行数据（空行 {}）；{} {} 行；已登记跳过 {} 行；有问题 {} 行",
        if result.dry_run { "预检（未写入）" } else { "导入完成" },
        result.total_rows,
        result.blank_rows,
        if result.dry_run { "可导入" } else { "已导入" },
        if result.dry_run { result.valid_rows } else { result.imported },
        result.already_enrolled,
        result.invalid_rows
    );
    if result.to_complete > 0 {
        s.push_str(&format!("\n其中待补全 {} 行：缺少住址或紧急联系人，补全后才能申领（certdesk to-complete 列出）", result.to_complete));
    }
    s.push_str(&format!(
        "\n列：{}",
        result.mapping.iter().map(|m| format!("{}={}（{}列）", m.field, m.header, m.column)).collect::<Vec<_>>().join("，")
    ));
    if result.needs_consent_date {
        s.push_str("\n需要：--consent-date（文件中缺少征信授权日期）");
    }
    if result.needs_agency_check {
        s.push_str("\n需要：--agency-checked（文件中缺少企业核实）");
    }
    s + &issues_and_report(&result.issues, report)
}

/// `certdesk import health|insurance`.
pub fn cover_import_report(result: &CoverImportReport, report: Option<&Path>) -> String {
    let what = match result.kind {
        CoverKind::Health => "体检记录",
        CoverKind::Insurance => "保险记录",
    };
    let s = format!(
        "{}{what}：共 {} 行数据（空行 {}）；{} {} 行；已登记跳过 {} 行；有问题 {} 行",
        if result.dry_run { "预检（未写入）" } else { "导入完成 " },
        result.total_rows,
        result.blank_rows,
        if result.dry_run { "可导入" } else { "已导入" },
        if result.dry_run { result.valid_rows } else { result.imported },
        result.already_recorded,
        result.invalid_rows
    );
    s + &issues_and_report(&result.issues, report)
}

/// `certdesk class import-hours` (`add_missing`: the clerk chose to add missing workers).
pub fn hours_import_report(r: &HoursImportReport, add_missing: bool, report: Option<&Path>) -> String {
    let unit = match r.unit {
        HoursUnit::Minutes => format!("分钟（每课时 {} 分钟）", r.class_hour_minutes),
        HoursUnit::ClockHours => format!("小时（每课时 {} 分钟）", r.class_hour_minutes),
        HoursUnit::ClassHours => "课时".to_string(),
    };
    let s = if r.dry_run {
        format!(
            "预检（未写入）“{}”：共 {} 行数据（空行 {}）；将记录 {} 行；无变化 {} 行；不在本班 {} 行{}；有问题 {} 行",
            r.class_title, r.total_rows, r.blank_rows, r.to_record, r.unchanged, r.not_in_class,
            if add_missing { "（将加入本班）" } else { "（加 --add-missing 可加入本班）" },
            r.invalid_rows
        )
    } else {
        format!(
            "导入完成“{}”：共 {} 行数据（空行 {}）；已记录 {} 行（其中新加入本班 {} 人）；无变化 {} 行；有问题 {} 行",
            r.class_title, r.total_rows, r.blank_rows, r.recorded, r.added, r.unchanged, r.invalid_rows
        )
    };
    columns_and_issues(s, &r.mapping, &unit, &r.issues, report)
}

/// `certdesk roster export`.
pub fn roster_exported(e: &RosterExport) -> String {
    let sealed = if e.sealed { "（已加密，须用密码打开，例如 age -d）" } else { "" };
    format!("已导出持证人员名册：{} 人 → {}{sealed}", e.rows, e.path)
}

/// One kept roster filing (`certdesk roster file`, each line of `roster receipts`).
pub fn roster_filing(f: &certdesk_store::KeptFiling) -> String {
    let period = format!("{} 至 {}", f.period_from, f.period_to);
    let correcting = f.replaces.as_deref().map(|r| format!("（更正 {r}）")).unwrap_or_default();
    let check = match f.problem {
        Some(p) => format!("\t✗ {}", p.sentence().0),
        None => String::new(),
    };
    match &f.receipt {
        Some(r) => format!(
            "备案号 {}\t{period}{correcting}\t{} 人\t备案时间 {}\t名册 SHA-256 {}\t密钥 {}{check}",
            r.body.number,
            r.body.rows,
            r.body.filed_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            r.body.roster_sha256,
            r.body.key_id
        ),
        None => format!("（未获回执，重新备案将以同一编号补发）\t{period}{correcting}\t{} 人\t{}{check}", f.row_count, f.filing_id),
    }
}

/// `certdesk roster receipt NUMBER -o FILE`.
pub fn receipt_written(number: &str, path: &Path) -> String {
    format!("已写出备案回执 {number} → {}", path.display())
}

/// `certdesk roster pack`: the two files and the totals.
pub fn funding_pack_written(f: &certdesk_print::PackFiles) -> String {
    let t = &f.totals;
    format!(
        "已生成项目资金材料（备案号 {}）：名册 {} 人，核对无误 {} 人，有问题 {} 人，共 {} 项问题\n→ {}\n→ {}",
        f.number, t.workers, t.workers_clear, t.workers_with_problems, t.problems, f.pdf, f.xlsx
    )
}

/// `certdesk roster receipts --verify`: how many hold.
pub fn receipts_verified(list: &[certdesk_store::KeptFiling]) -> String {
    let kept = list.iter().filter(|f| f.receipt.is_some() || f.problem.is_some()).count();
    let bad = list.iter().filter(|f| f.problem.is_some()).count();
    if bad == 0 {
        format!("{kept} 份回执签名均有效。 All {kept} receipt(s) verify.")
    } else {
        format!("{bad} 份回执未通过核验（共 {kept} 份）。 {bad} of {kept} receipt(s) do not verify.")
    }
}

/// One class on a line (`certdesk class list`, the head of `class show`).
pub fn class_line(c: &TrainingClass) -> String {
    format!(
        "{}\t{}\t{}\t{} – {}\t{} 课时\t{} 人{}",
        c.id,
        c.title,
        c.mode.label_zh(),
        c.starts_at,
        c.ends_at,
        c.class_hours,
        c.participant_count,
        if c.incomplete { "\t未完成（缺督导单）" } else { "" }
    )
}

/// `certdesk class add`.
pub fn class_created(c: &TrainingClass) -> String {
    format!("已创建培训班：{}\nid：{}", c.title, c.id)
}

/// `certdesk class show`.
pub fn class_detail(d: &ClassDetail) -> String {
    let mut s = class_line(&d.class);
    for p in &d.participants {
        s.push_str(&format!(
            "\n  {}\t{}\t{}\t{}\t{} 课时\t成绩 {}",
            p.name,
            p.id_number,
            p.status,
            p.attendance.map(|a| a.to_string()).or(p.hours_completed.map(|h| format!("完成 {h}"))).unwrap_or_else(|| "未记录".into()),
            p.credited_hours,
            p.latest_score.map(|x| x.to_string()).unwrap_or_else(|| "—".into())
        ));
    }
    match &d.supervision {
        Some(f) => s.push_str(&format!("\n督导单：{}（{}）{} 实到 {} 人，核验 {} 人", f.supervisor_name, f.method, f.supervised_at, f.participants_present, f.identity_checked)),
        None if d.class.mode == "offline" => s.push_str("\n督导单：未填写"),
        None => {}
    }
    s
}

/// `certdesk class join`.
pub fn joined(added: &[Participant]) -> String {
    added.iter().map(|p| format!("已加入：{}（{}）", p.name, p.status)).collect::<Vec<_>>().join("\n")
}

/// `certdesk class attend`.
pub fn attended(p: &Participant) -> String {
    format!("已记录：{}，认定 {} 课时，状态 {}", p.name, p.credited_hours, p.status)
}

/// `certdesk exam record`.
pub fn exam_recorded(r: &ExamResult) -> String {
    format!("已记录第 {} 次考试：{} 分，{}", r.attempt, r.score, if r.passed { "及格" } else { "不及格" })
}

/// `certdesk exam list`.
pub fn exams(list: &[ExamResult]) -> String {
    list.iter()
        .map(|r| format!("第 {} 次\t{}\t{} 分\t{}", r.attempt, r.exam_date, r.score, if r.passed { "及格" } else { "不及格" }))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `certdesk deadlines`.
pub fn deadlines(list: &[Deadline]) -> String {
    use certdesk_domain::deadlines::{DeadlineKind, Urgency};
    if list.is_empty() {
        return "没有即将到期或已过期的事项".into();
    }
    list.iter()
        .map(|d| {
            let when = match (d.kind, d.urgency) {
                (DeadlineKind::CardReplacement, Urgency::Overdue) => format!("应于 {} 前补办，已逾期", d.due),
                (DeadlineKind::CardReplacement, _) => format!("应于 {} 前补办，还剩 {} 个工作日", d.due, d.days_left),
                (_, Urgency::Overdue) => format!("已于 {} 到期（过期 {} 天）", d.due, -d.days_left),
                (_, _) => format!("{} 到期，还剩 {} 天", d.due, d.days_left),
            };
            let mark = match d.urgency {
                Urgency::Overdue => "【逾期】",
                Urgency::Warn => "【紧急】",
                Urgency::Upcoming => "",
            };
            format!("{mark}{}\t{}\t{when}", d.worker_name, d.kind.label_zh())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `certdesk to-complete`.
pub fn to_complete(list: &[WorkerToComplete]) -> String {
    if list.is_empty() {
        return "没有待补全的记录".into();
    }
    list.iter()
        .map(|w| {
            let missing: Vec<&str> = w.missing.iter().map(|f| certdesk_domain::messages::field_label_zh(f)).collect();
            format!("{}\t{}\t{}\t缺少{}", w.id, w.name, w.status.label_zh(), missing.join("、"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `certdesk health add`.
pub fn health_check_recorded(h: &HealthCheck) -> String {
    let report = if h.report_sha256.is_some() { "，已附体检报告" } else { "" };
    format!("已登记体检：{} {}，{}，{}，有效期至 {}{report}", h.checked_on, h.institution, h.category.label_zh(), h.result.label_zh(), h.valid_until)
}

/// `certdesk health list`.
pub fn health_checks(list: &[HealthCheck]) -> String {
    if list.is_empty() {
        return "尚无体检记录".into();
    }
    list.iter()
        .map(|h| {
            let report = if h.report_sha256.is_some() { "有报告" } else { "无报告" };
            format!("{}\t{}\t{}\t{}\t有效期至 {}\t{report}", h.checked_on, h.institution, h.category.label_zh(), h.result.label_zh(), h.valid_until)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `certdesk insurance add`.
pub fn insurance_recorded(p: &InsurancePolicy) -> String {
    format!("已登记保险：{} {}（{}），{} 至 {}", p.insurer, p.policy_number, p.kind.label_zh(), p.valid_from, p.valid_until)
}

/// `certdesk insurance list`.
pub fn insurance_policies(list: &[InsurancePolicy]) -> String {
    if list.is_empty() {
        return "尚无保险记录".into();
    }
    list.iter()
        .map(|p| format!("{}\t{}\t{}\t{} 至 {}", p.insurer, p.policy_number, p.kind.label_zh(), p.valid_from, p.valid_until))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `certdesk supervision add`.
pub fn supervision_saved(f: &SupervisionForm) -> String {
    format!("已保存培训督导单（督导：{}）", f.supervisor_name)
}

/// `certdesk stats`.
pub fn stats(s: &DeskStats) -> String {
    let st = &s.stages;
    let mut text = format!(
        "已登记 {}  培训中 {}  可申领 {}  已申领 {}  持证 {}  （未通过 {}，已注销 {}，共 {}）\n月份\t培训班\t培训人数\t考试人次\t及格",
        st.enrolled, st.in_training, st.eligible, st.applied, st.certified, st.rejected, st.cancelled, st.total
    );
    for m in &s.months {
        text.push_str(&format!("\n{}\t{}\t{}\t{}\t{}", m.month, m.classes, m.trained, m.exams, m.passed));
    }
    text
}

/// `certdesk worker eligibility`.
pub fn eligibility(t: &WorkerTraining) -> String {
    let e = &t.eligibility;
    let mut s = format!(
        "{}：已认定 {} / {} 课时；最近成绩 {}（及格分 {}）",
        if e.eligible { "可申领" } else { "暂不可申领" },
        e.credited_hours,
        e.required_hours,
        e.latest_score.map(|x| x.to_string()).unwrap_or_else(|| "—".into()),
        e.pass_mark
    );
    for m in &e.missing {
        s.push_str(&format!("\n  · [{}] {}", m.code, m.message_zh));
    }
    s
}

/// `certdesk idcard port PATH`.
pub fn idcard_port_set(port: &str) -> String {
    format!("读卡器端口已设为 {port}")
}

/// `certdesk idcard read`: the card's fields, one per line.
pub fn idcard(c: &certdesk_idcard::CardText) -> String {
    let gender = c.gender.label_zh();
    let until = c.valid_until.map_or_else(|| "长期".to_owned(), |d| d.to_string());
    format!(
        "姓名\t{}\n性别\t{gender}\n民族\t{}\n出生\t{}\n住址\t{}\n公民身份号码\t{}\n签发机关\t{}\n有效期限\t{} 至 {until}",
        c.name, c.ethnicity, c.birth_date, c.address, c.id_number, c.authority, c.valid_from
    )
}

/// Asking for a passphrase (a backup's, a sealed export's).
pub fn passphrase_prompt() -> &'static str {
    "加密密码: "
}

/// Asking for it again.
pub fn passphrase_again() -> &'static str {
    "再次输入加密密码: "
}

/// `certdesk backup create FILE`.
pub fn backup_written(path: &str, bytes: u64) -> String {
    format!("已写入加密备份 {path}（{bytes} 字节）。请牢记备份密码：没有它无法恢复")
}

/// `certdesk backup restore FILE`.
pub fn backup_restored(file: &Path, data_dir: &Path) -> String {
    format!("已从 {} 恢复到 {}；下次启动时数据库会用新密钥加密。同步后补上备份之后的记录", file.display(), data_dir.display())
}
