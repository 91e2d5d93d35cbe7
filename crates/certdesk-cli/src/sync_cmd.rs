//! `certdesk device enrol`, `certdesk sync [status]`, `certdesk sync rejections` and
//! `certdesk worker apply`: the sync engine (`certdesk-sync`) from a terminal.
//!
//! Thin adapters: read the arguments, make one `certdesk-core` call, print. Running the sync is
//! the device's own job and needs nobody signed in (as the window's background job); its status,
//! the refusals and applying need a signed-in user, enrolment a manager, as in the window. The
//! device secret is never printed; only where it was kept (keyring or file).

use std::path::PathBuf;

use certdesk_core::{Lobby, Session};
use certdesk_store::DeskError;
use certdesk_sync::{EnrolParams, SecretPreference, SyncOptions};
use clap::{Args, Subcommand};

use crate::Out;

/// `certdesk device ...`.
#[derive(Subcommand)]
pub enum DeviceCommand {
    /// Enrol this desk with the central platform using a one-time code (manager).
    Enrol {
        /// The platform's address, e.g. https://127.0.0.1:8443.
        #[arg(long)]
        platform: String,
        /// The one-time enrolment code the platform gave the agency.
        #[arg(long)]
        code: String,
        /// The platform's CA certificate (PEM); default: the system's trusted roots.
        #[arg(long)]
        ca: Option<PathBuf>,
        /// A name the platform's operators will recognise.
        #[arg(long, default_value = "前台工作台")]
        name: String,
        /// Where to keep the device secret: auto (the OS keyring, else a 0600 file) or file.
        #[arg(long, value_parser = ["auto", "file"], default_value = "auto", env = "CERTDESK_SECRET_STORE")]
        secret_store: String,
    },
}

/// `certdesk sync [status|rejections]`.
#[derive(Args)]
pub struct SyncArgs {
    #[command(subcommand)]
    command: Option<SyncCommand>,
    /// Outbox entries per push.
    #[arg(long, default_value_t = 200)]
    batch_size: usize,
}

#[derive(Subcommand)]
enum SyncCommand {
    /// What is pending, when the last sync succeeded, how old the trust list is.
    Status,
    /// Records the platform refused, with its reasons.
    Rejections {
        /// Include the ones already dismissed.
        #[arg(long)]
        all: bool,
    },
}

/// `certdesk device enrol`.
pub fn device(s: &mut Session<'_>, cmd: DeviceCommand, out: &Out) -> Result<(), DeskError> {
    let DeviceCommand::Enrol { platform, code, ca, name, secret_store } = cmd;
    let ca_pem = match ca {
        Some(path) => Some(std::fs::read_to_string(&path).map_err(|e| crate::messages::platform_ca_unreadable(&path, e))?),
        None => None,
    };
    let params = EnrolParams {
        platform_url: platform,
        code,
        ca_pem,
        device_name: name,
        secret: if secret_store == "file" { SecretPreference::File } else { SecretPreference::Auto },
    };
    let done = s.enrol_device(params)?;
    out.print(&done, || {
        let kept = match done.secret_store {
            certdesk_sync::SecretStore::Keyring => "系统钥匙串（keyring）".to_string(),
            certdesk_sync::SecretStore::File => {
                "数据目录中的 device-secret 文件（权限 0600；本机没有可用的系统钥匙串）".to_string()
            }
        };
        format!(
            "本机已登记到平台 {}\n机构：{}\n设备编号：{}\n设备凭证保存在：{kept}",
            done.platform_url, done.agency_name, done.device_id
        )
    });
    Ok(())
}

impl SyncArgs {
    /// Whether this runs the sync (the device's own job, nobody signed in) rather than reading
    /// its status or refusals (a signed-in user's).
    pub fn runs_the_sync(&self) -> bool {
        self.command.is_none()
    }
}

/// `certdesk sync`: push, pull, print the counts.
pub fn sync_run(lobby: &mut Lobby<'_>, args: SyncArgs, out: &Out) -> Result<(), DeskError> {
    let opts = SyncOptions { batch_size: args.batch_size, ..SyncOptions::default() };
    let r = lobby.sync_unattended(&opts)?;
    print_report(&r, out);
    Ok(())
}

fn print_report(r: &certdesk_sync::SyncReport, out: &Out) {
    out.print(r, || {
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
    });
}

/// `certdesk sync status`, `certdesk sync rejections` (and `certdesk sync` run as the user).
pub fn sync(s: &mut Session<'_>, args: SyncArgs, out: &Out) -> Result<(), DeskError> {
    match args.command {
        None => {
            let opts = SyncOptions { batch_size: args.batch_size, ..SyncOptions::default() };
            let r = s.sync(&opts)?;
            print_report(&r, out);
        }
        Some(SyncCommand::Status) => {
            let s = s.sync_status()?;
            out.print(&s, || {
                let mut lines = vec![match (&s.platform_url, &s.agency_name) {
                    (Some(url), Some(agency)) => format!("平台：{url}（{agency}）"),
                    _ => "本机尚未登记到平台（certdesk device enrol）".into(),
                }];
                lines.push(format!("待同步：{} 条", s.pending));
                if s.held > 0 {
                    lines.push(format!("暂存（平台尚不接收的记录，如培训记录）：{} 条", s.held));
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
            });
        }
        Some(SyncCommand::Rejections { all }) => {
            let list = s.sync_rejections(all)?;
            out.print(&list, || {
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
            });
        }
    }
    Ok(())
}

/// `certdesk worker apply ID | --all-eligible`.
pub fn apply(
    s: &mut Session<'_>,
    worker: Option<String>,
    all_eligible: bool,
    out: &Out,
) -> Result<(), DeskError> {
    match (worker, all_eligible) {
        (Some(key), false) => {
            let id = crate::resolve_worker(s, &key)?;
            let w = s.apply_worker(&id)?;
            out.print(&w, || format!("已申领：{}（{}），同步后提交平台审核", w.name, w.id_number));
        }
        (None, true) => {
            let r = s.apply_all_eligible()?;
            out.print(&r, || format!("已为 {} 名符合条件的人员申领，同步后提交平台审核", r.applied.len()));
        }
        _ => {
            return Err(crate::messages::apply_usage())
        }
    }
    Ok(())
}
