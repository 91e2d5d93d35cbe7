//! The Tauri shell: each command takes its arguments, makes one call on `certdesk-core` as the
//! signed-in user (a [`certdesk_core::Session`]), and maps the error. No business rule and no
//! role check lives here; the CLI calls the same functions. Errors cross to the window as [`DeskError`] (`{code, message_zh,
//! message_en, fields, existing_worker_id}`), never as a bare string.

#[cfg(test)]
mod bindings;
mod backup;
mod cards;
mod health;
mod idcard;
mod sync;
mod update;

use std::path::PathBuf;
use std::time::Instant;

use certdesk_core::DeskApp;
use certdesk_domain::{ServiceType, WorkerStatus, DISTRICTS};
use certdesk_store::{
    Agency, Desk, DeskError, IdPreview, NewUser, PreparedPhoto, SearchResult, SessionUser, UserInfo, Worker,
    WorkerDetail, WorkerInput,
};
use serde::{Deserialize, Serialize};
use tauri::State;

mod training;

/// What the window holds: the application layer (the open desk and who is signed in), through
/// which every command reaches the desk as the signed-in user.
struct AppData {
    core: DeskApp,
    started: Instant,
    startup_bench: bool,
}

type CmdResult<T> = Result<T, DeskError>;

/// In the start-up benchmark, print how long after the process start a step happened.
fn bench_mark(app: &AppData, step: &str) {
    if app.startup_bench {
        println!("certdesk-step {step} ms={:.1}", app.started.elapsed().as_secs_f64() * 1000.0);
    }
}

/// A value of a closed set with the words the window shows for it.
#[derive(Serialize, ts_rs::TS)]
struct Label<T: ts_rs::TS> {
    code: T,
    label_zh: &'static str,
    label_en: &'static str,
}

#[derive(Serialize, ts_rs::TS)]
struct AppState {
    agency: Option<Agency>,
    has_users: bool,
    user: Option<SessionUser>,
    data_dir: String,
    districts: Vec<&'static str>,
    service_types: Vec<Label<ServiceType>>,
    statuses: Vec<Label<WorkerStatus>>,
    /// Minutes without a key or a click after which the window locks.
    idle_lock_minutes: u32,
}

#[tauri::command]
fn app_state(app: State<'_, AppData>) -> CmdResult<AppState> {
    bench_mark(&app, "app_state");
    let (agency, has_users, idle_lock_minutes) =
        app.core.before_sign_in("app_state", |lobby| Ok((lobby.agency()?, lobby.has_users()?, lobby.idle_lock_minutes()?)))?;
    Ok(AppState {
        agency,
        has_users,
        user: app.core.session(),
        data_dir: app.core.data_dir().display().to_string(),
        districts: DISTRICTS.to_vec(),
        service_types: ServiceType::ALL
            .iter()
            .map(|t| Label { code: *t, label_zh: t.label_zh(), label_en: t.label_en() })
            .collect(),
        statuses: WorkerStatus::ALL
            .iter()
            .map(|s| Label { code: *s, label_zh: s.label_zh(), label_en: s.label_en() })
            .collect(),
        idle_lock_minutes,
    })
}

#[derive(Deserialize, ts_rs::TS)]
struct ManagerInput {
    username: String,
    display_name: String,
    password: String,
}

#[tauri::command]
fn setup(app: State<'_, AppData>, agency: Agency, manager: ManagerInput) -> CmdResult<SessionUser> {
    app.core.setup(
        &agency,
        &NewUser {
            username: manager.username,
            display_name: manager.display_name,
            role: certdesk_store::Role::Manager,
            password: manager.password,
        },
    )
}

#[tauri::command]
fn login(app: State<'_, AppData>, username: String, password: String) -> CmdResult<SessionUser> {
    app.core.login(&username, &password)
}

#[tauri::command]
fn logout(app: State<'_, AppData>) {
    app.core.logout();
}

#[tauri::command]
fn agency_set(app: State<'_, AppData>, agency: Agency) -> CmdResult<Agency> {
    app.core.manager("agency_set", |s| s.set_agency(&agency))
}

#[tauri::command]
fn user_list(app: State<'_, AppData>) -> CmdResult<Vec<UserInfo>> {
    app.core.manager("user_list", |s| s.list_users())
}

#[tauri::command]
fn idle_lock_set(app: State<'_, AppData>, minutes: u32) -> CmdResult<u32> {
    app.core.manager("idle_lock_set", |s| s.set_idle_lock_minutes(minutes))
}

#[tauri::command]
fn user_add(app: State<'_, AppData>, user: NewUser) -> CmdResult<UserInfo> {
    app.core.manager("user_add", |s| s.add_user(&user))
}

#[tauri::command]
fn user_set_disabled(app: State<'_, AppData>, username: String, disabled: bool) -> CmdResult<UserInfo> {
    app.core.manager("user_set_disabled", |s| s.set_user_disabled(&username, disabled))
}

#[tauri::command]
fn user_reset_password(app: State<'_, AppData>, username: String, password: String) -> CmdResult<UserInfo> {
    app.core.manager("user_reset_password", |s| s.reset_password(&username, &password))
}

#[tauri::command]
fn id_preview(app: State<'_, AppData>, id_number: String) -> IdPreview {
    app.core.read_before_sign_in(|lobby| lobby.id_preview(&id_number))
}

/// 导出诊断信息: the log, versions, data folder sizes and sync counts in one zip at `path` (no
/// personal data); the names of the zip's entries.
#[tauri::command]
fn diagnostics_export(app: State<'_, AppData>, path: String) -> CmdResult<Vec<String>> {
    let program = certdesk_core::diagnostics::Program { name: "certdesk-app", version: env!("CARGO_PKG_VERSION") };
    app.core.signed_in("diagnostics_export", |s| s.export_diagnostics(program, &PathBuf::from(&path)))
}

#[tauri::command]
fn photo_prepare(app: State<'_, AppData>, bytes_b64: String) -> CmdResult<PreparedPhoto> {
    app.core.signed_in("photo_prepare", |s| s.prepare_photo_b64(&bytes_b64))
}

#[tauri::command]
fn worker_enrol(app: State<'_, AppData>, input: WorkerInput) -> CmdResult<Worker> {
    app.core.signed_in("worker_enrol", |s| s.enrol_worker(&input))
}

#[tauri::command]
fn worker_update(app: State<'_, AppData>, id: String, input: WorkerInput, reason: Option<String>) -> CmdResult<Worker> {
    app.core.signed_in("worker_update", |s| s.update_worker(&id, &input, reason.as_deref()))
}

#[tauri::command]
fn worker_get(app: State<'_, AppData>, id: String) -> CmdResult<WorkerDetail> {
    app.core.signed_in("worker_get", |s| s.worker_detail(&id))
}

#[tauri::command]
fn worker_search(app: State<'_, AppData>, query: String, status: Option<WorkerStatus>, limit: Option<usize>) -> CmdResult<SearchResult> {
    app.core.signed_in("worker_search", |s| {
        bench_mark(&app, "worker_search");
        s.search_workers(&query, status, limit.unwrap_or(50))
    })
}

/// The window reports that the worker list is interactive. In the start-up benchmark this
/// prints the time since the process started and closes the app.
#[tauri::command]
fn ui_ready(app: State<'_, AppData>, handle: tauri::AppHandle, marks: Option<serde_json::Value>) {
    if app.startup_bench {
        // The page's own marks, in ms since the page began loading (not since the process began).
        println!("certdesk-page-marks {}", marks.unwrap_or_default());
        println!("certdesk-ready ms={:.1}", app.started.elapsed().as_secs_f64() * 1000.0);
        // Give the benchmark a moment to read the resident memory before leaving.
        let h = handle.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(700));
            h.exit(0);
        });
    }
}

/// `--data-dir DIR` / `--data-dir=DIR` from the command line, if given.
fn data_dir_arg() -> Option<PathBuf> {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(v) = a.strip_prefix("--data-dir=") {
            return Some(PathBuf::from(v));
        }
    }
    None
}

/// Whether a graphical display is reachable (Linux/BSD: X11 or Wayland).
fn has_display() -> bool {
    if cfg!(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd")) {
        let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
        set("DISPLAY") || set("WAYLAND_DISPLAY")
    } else {
        true
    }
}

/// Start the window; the process exit code.
pub fn run() -> i32 {
    let started = Instant::now();
    if std::env::args().any(|a| a == "--help" || a == "-h") {
        println!("certdesk-app [--data-dir DIR]   上门证工作台 desktop window (data folder also from CERTDESK_DATA_DIR)");
        return 0;
    }
    if !has_display() {
        eprintln!(
            "certdesk 需要图形显示，但当前没有（DISPLAY 未设置）：请在桌面会话中运行，或用 `xvfb-run ./scripts/start` 运行，或改用命令行 `certdesk`。 \
             certdesk needs a graphical display and none is available (DISPLAY is not set): run it in a desktop session, under `xvfb-run`, or use the `certdesk` CLI instead."
        );
        return 2;
    }
    let data_dir = certdesk_store::resolve_data_dir(data_dir_arg().as_deref());
    certdesk_core::log::init(&data_dir, "certdesk-app", env!("CARGO_PKG_VERSION"));
    let desk = match Desk::open(&data_dir) {
        Ok(d) => d,
        Err(e) => {
            certdesk_core::log::failure("open", &e);
            eprintln!("{} / {}", e.message_zh, e.message_en);
            return 1;
        }
    };
    let startup_bench = std::env::var_os("CERTDESK_STARTUP_BENCH").is_some();
    // The start-up benchmark measures start to the worker list, so it signs in (a real
    // argon2 check, counted in the time) with credentials given only to the benchmark.
    let core = DeskApp::new(desk);
    if let (true, Ok(u), Ok(p)) = (startup_bench, std::env::var("CERTDESK_USER"), std::env::var("CERTDESK_PASSWORD")) {
        let _ = core.login(&u, &p);
    }
    let data = AppData { core, started, startup_bench };
    bench_mark(&data, "store_open_and_sign_in");
    let result = tauri::Builder::default()
        .setup(|app| {
            use tauri::Manager;
            bench_mark(&app.state::<AppData>(), "window");
            sync::start_background(app.handle().clone());
            backup::start_background(app.handle().clone());
            Ok(())
        })
        .manage(data)
        .manage(update::Pending::default())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .invoke_handler(tauri::generate_handler![
            app_state,
            setup,
            login,
            logout,
            agency_set,
            user_list,
            user_add,
            user_set_disabled,
            user_reset_password,
            idle_lock_set,
            backup::backup_plan_get,
            backup::backup_plan_set,
            backup::backup_now,
            idcard::idcard_read,
            idcard::idcard_port_get,
            idcard::idcard_port_set,
            update::update_status,
            update::update_check,
            update::update_install,
            update::update_restart,
            id_preview,
            diagnostics_export,
            photo_prepare,
            worker_enrol,
            worker_update,
            worker_get,
            worker_search,
            ui_ready,
            sync::sync_status,
            sync::sync_now,
            sync::device_enrol,
            sync::desk_join,
            sync::worker_apply,
            sync::apply_all_eligible,
            sync::sync_rejections,
            sync::sync_rejection_dismiss,
            sync::worker_platform,
            sync::roster_file,
            sync::roster_filings,
            training::training_settings_get,
            training::training_settings_set,
            training::class_create,
            training::class_list,
            training::class_get,
            training::class_add_worker,
            training::class_remove_worker,
            training::class_attend,
            training::exam_record,
            training::exam_list,
            training::supervision_file,
            training::worker_eligibility,
            training::worker_training,
            training::import_preview,
            training::import_run,
            training::import_report_save,
            training::class_hours_preview,
            training::class_hours_import,
            training::class_hours_report_save,
            training::roster_export,
            training::roster_pack,
            training::roster_receipt_pdf,
            training::stats,
            training::export_folder,
            cards::card_state,
            cards::card_preview,
            cards::card_approved_unprinted,
            cards::card_print,
            cards::card_issue,
            cards::card_activation_slip,
            cards::card_activation_renew,
            cards::card_report_loss,
            cards::card_cancel,
            cards::printer_list,
            cards::printer_calibration_get,
            cards::printer_calibration_set,
            cards::card_test_page,
            cards::verify_scan,
            cards::worker_feedback,
            cards::complaints_open,
            cards::complaint_answer,
            health::health_check_add,
            health::health_check_list,
            health::insurance_add,
            health::insurance_list,
            health::deadlines,
            health::workers_to_complete,
            health::cover_import_preview,
            health::cover_import_run,
            health::cover_import_report_save
        ])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => 0,
        Err(e) => {
            tracing::error!(cause = %e, "the window could not open");
            eprintln!("certdesk 无法启动窗口：{e} / certdesk could not open its window: {e}");
            1
        }
    }
}
