// The ONLY module that talks to the Rust side: a typed wrapper per command, and every rejection
// normalised to an ApiError before it reaches a component. The types are generated from the Rust
// types into ./bindings (docs/ipc.md says how); none is written by hand here.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type {
  Agency,
  AppState,
  Attendance,
  AttendanceInput,
  Calibration,
  CancelReason,
  CardLayout,
  CoverImportReport,
  CoverKind,
  ClassInput,
  Commands,
  DeskCode,
  DeskError,
  Events,
  ExamInput,
  FieldError,
  HealthCheckInput,
  HoursImportOptions,
  HoursImportReport,
  ImportOptions,
  ImportReport,
  InsuranceInput,
  LossKind,
  ManagerInput,
  NewUser,
  PrintTarget,
  RosterFilter,
  RosterFormat,
  SearchResult,
  SupervisionInput,
  TrainingSettings,
  WorkerInput,
  WorkerStatus,
} from './bindings';

export type * from './bindings';

/** Every code a failed command rejects with: the desk's (generated from the Rust `DeskCode`),
 * and the window's own for a failure that did not come from our commands. Compare an error's
 * code only with these: a code typed wrong, or one the desk no longer has, fails the build. */
export type ApiCode = DeskCode | typeof IPC_ERROR;
/** What a failed command rejects with (the shell's DeskError). */
export type ApiError = Omit<DeskError, 'code'> & { code: ApiCode };
/** What the window sends for the agency: the stored record without its `updated_at`. */
export type AgencyInput = Omit<Agency, 'updated_at'>;
/** An attendance mark of the grid. */
export type AttendanceCode = Attendance;

// ---------------------------------------------------------------------------------------------
// Errors

/** Code used for failures that did not come from our Rust command (Tauri-level, bridge missing…). */
export const IPC_ERROR = 'ipc' as const;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

export function isFieldError(x: unknown): x is FieldError {
  return isObject(x) && typeof x.field === 'string' && (typeof x.message_zh === 'string' || typeof x.message_en === 'string');
}

/** Type guard: is this the ApiError object our commands reject with? */
export function isApiError(x: unknown): x is ApiError {
  return (
    isObject(x) &&
    typeof x.code === 'string' &&
    typeof x.message_zh === 'string' &&
    typeof x.message_en === 'string' &&
    (x.fields === undefined || Array.isArray(x.fields))
  );
}

function ipcError(detail: string): ApiError {
  const d = detail.trim() || 'unknown';
  return {
    code: IPC_ERROR,
    message_zh: `系统错误：${d}`,
    message_en: `System error: ${d}`,
    fields: [],
  };
}

function cleanFields(fields: unknown, fallback: { zh: string; en: string }): FieldError[] {
  if (!Array.isArray(fields)) return [];
  return fields.filter(isFieldError).map((f) => ({
    field: f.field,
    code: typeof f.code === 'string' ? f.code : 'invalid',
    message_zh: f.message_zh || f.message_en || fallback.zh,
    message_en: f.message_en || f.message_zh || fallback.en,
  }));
}

/** Turn whatever `invoke` rejected with into an ApiError (never throws). */
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) {
    const zh = e.message_zh || e.message_en;
    const en = e.message_en || e.message_zh;
    const out: ApiError = { code: e.code, message_zh: zh, message_en: en, fields: cleanFields(e.fields, { zh, en }) };
    if (typeof e.existing_worker_id === 'string') out.existing_worker_id = e.existing_worker_id;
    return out;
  }
  if (typeof e === 'string') {
    // A command that serialised its ApiError to a string still counts as an ApiError.
    const s = e.trim();
    if (s.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(s);
        if (isApiError(parsed)) return toApiError(parsed);
      } catch {
        /* not JSON: fall through */
      }
    }
    return ipcError(s);
  }
  if (e instanceof Error) return ipcError(e.message);
  if (isObject(e) && typeof e.message === 'string') return ipcError(e.message);
  return ipcError('');
}

/** The text of an error (or field error) in the given language. */
export function errorMessage(e: { message_zh: string; message_en: string }, lang: 'zh-CN' | 'en'): string {
  return lang === 'en' ? e.message_en || e.message_zh : e.message_zh || e.message_en;
}

let unauthorizedHandler: ((e: ApiError) => void) | null = null;
/** Called when any command (other than login/setup) says the session is gone. */
export function setUnauthorizedHandler(fn: ((e: ApiError) => void) | null): void {
  unauthorizedHandler = fn;
}

type Command = keyof Commands;
type ArgsOf<K extends Command> = Commands[K]['args'];
type ResultOf<K extends Command> = Commands[K]['result'];

/** Invokes a command with exactly the arguments its Rust signature takes (none for most reads). */
async function call<K extends Command>(
  cmd: K,
  ...rest: ArgsOf<K> extends Record<string, never> ? [] : [ArgsOf<K>]
): Promise<ResultOf<K>> {
  try {
    return await invoke<ResultOf<K>>(cmd, rest[0]);
  } catch (raw) {
    const err = toApiError(raw);
    if (err.code === 'unauthorized' && cmd !== 'login' && cmd !== 'setup' && unauthorizedHandler) {
      unauthorizedHandler(err);
    }
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Commands

/**
 * Start-up prefetch: the first app_state and the first page of the worker list are asked for
 * as soon as the script runs, so that the answers are there when React has rendered, instead
 * of being asked for one after the other afterwards. Used only within a few seconds of start.
 */
const PREFETCH_FRESH_MS = 5000;
let prefetched: { at: number; state: Promise<AppState>; list: Promise<SearchResult> } | null = null;
export function prefetchStartup() {
  const state = call('app_state');
  // Raw invoke: a signed-out start refuses this, and that must not send anyone to the login page.
  const first: ArgsOf<'worker_search'> = { query: '', status: null, limit: 50 };
  const list = invoke<SearchResult>('worker_search', first);
  state.catch(() => undefined);
  list.catch(() => undefined);
  prefetched = { at: performance.now(), state, list };
}
function takePrefetched<K extends 'state' | 'list'>(key: K) {
  if (!prefetched || performance.now() - prefetched.at > PREFETCH_FRESH_MS) return null;
  const p = prefetched[key];
  prefetched = { ...prefetched, [key]: null };
  return p as (typeof prefetched)[K] | null;
}
export const appState = () => takePrefetched('state') ?? call('app_state');
/** The prefetched first page of the whole list, if still fresh; falls back to asking again. */
export const initialWorkerList = (limit: number): Promise<SearchResult> => {
  const p = takePrefetched('list');
  const ask = () => workerSearch('', null, limit);
  return p ? p.catch(ask) : ask();
};
export const setup = (agency: AgencyInput, manager: ManagerInput) => call('setup', { agency, manager });
export const login = (username: string, password: string) => call('login', { username, password });
export const idleLockSet = (minutes: number) => call('idle_lock_set', { minutes });
export const backupPlanGet = () => call('backup_plan_get');
export const backupPlanSet = (folder: string, keep: number, passphrase: string | null) =>
  call('backup_plan_set', { folder, keep, passphrase });
export const backupNow = () => call('backup_now');
export const idcardRead = () => call('idcard_read');
export const idcardPortGet = () => call('idcard_port_get');
export const idcardPortSet = (port: string) => call('idcard_port_set', { port });
/** 软件更新: this version, and whether this build can take signed updates at all. */
export const updateStatus = () => call('update_status');
/** 检查更新 (manager): a newer release from the enrolled platform, or null. */
export const updateCheck = () => call('update_check');
/** 安装更新 (manager): download, verify the signature, install; `update_progress` meanwhile. */
export const updateInstall = () => call('update_install');
/** 重启 (manager): start the installed version. */
export const updateRestart = () => call('update_restart');
/** Where an install stands; resolves to the function that stops listening. */
export const onUpdateProgress = (fn: (p: Events['update_progress']) => void): Promise<() => void> =>
  listen<Events['update_progress']>('update_progress', (e) => fn(e.payload));
export const logout = () => call('logout');
export const agencySet = (agency: AgencyInput) => call('agency_set', { agency });
export const userList = () => call('user_list');
export const userAdd = (user: NewUser) => call('user_add', { user });
export const userSetDisabled = (username: string, disabled: boolean) =>
  call('user_set_disabled', { username, disabled });
export const userResetPassword = (username: string, password: string) =>
  call('user_reset_password', { username, password });
export const idPreview = (idNumber: string) => call('id_preview', { idNumber });
export const photoPrepare = (bytesB64: string) => call('photo_prepare', { bytesB64 });
export const workerEnrol = (input: WorkerInput) => call('worker_enrol', { input });
export const workerUpdate = (id: string, input: WorkerInput, reason: string | null) =>
  call('worker_update', { id, input, reason });
export const workerGet = (id: string) => call('worker_get', { id });
export const workerSearch = (query: string, status: WorkerStatus | null, limit: number) =>
  call('worker_search', { query, status, limit });
/** Start-up timing marks (ms since the page began loading), reported with ui_ready. */
export const startupMarks: Record<string, number> = {};
export const mark = (name: string) => {
  if (!(name in startupMarks)) startupMarks[name] = Math.round(performance.now());
};
export const uiReady = () => call('ui_ready', { marks: startupMarks });

// ---------------------------------------------------------------------------------------------
// Sync with the central platform and applying (申领) — docs/ipc.md, "Sync and applying"

export const syncStatus = () => call('sync_status');
export const syncNow = () => call('sync_now');
export const deviceEnrol = (platformUrl: string, code: string, caPem: string | null, deviceName: string | null) =>
  call('device_enrol', { platformUrl, code, caPem, deviceName });
export const deskJoin = (agency: AgencyInput, platformUrl: string, code: string, caPem: string | null) =>
  call('desk_join', { agency, platformUrl, code, caPem });
export const workerApply = (id: string) => call('worker_apply', { id });
export const applyAllEligible = () => call('apply_all_eligible');
export const syncRejections = (includeDismissed: boolean) =>
  call('sync_rejections', { includeDismissed });
export const syncRejectionDismiss = (entryId: string) => call('sync_rejection_dismiss', { entryId });
export const workerPlatform = (id: string) => call('worker_platform', { id });
export const diagnosticsExport = (path: string) => call('diagnostics_export', { path });

// ---------------------------------------------------------------------------------------------
// Training, exams, supervision, import, roster, stats (docs/ipc.md, issue 3)

export const trainingSettingsGet = () => call('training_settings_get');
export const trainingSettingsSet = (settings: TrainingSettings) =>
  call('training_settings_set', { settings });
export const classCreate = (input: ClassInput) => call('class_create', { input });
export const classList = (from: string | null, to: string | null, limit: number) =>
  call('class_list', { from, to, limit });
export const classGet = (classId: string) => call('class_get', { classId });
export const classAddWorker = (classId: string, worker: string) =>
  call('class_add_worker', { classId, worker });
/** Refused with `records_in_class` while attendance, hours or a score is recorded, unless `confirmed`. */
export const classRemoveWorker = (classId: string, workerId: string, confirmed = false) =>
  call('class_remove_worker', { classId, workerId, confirmed });
export const classAttend = (classId: string, workerId: string, input: AttendanceInput) =>
  call('class_attend', { classId, workerId, input });
export const examRecord = (input: ExamInput) => call('exam_record', { input });
export const examList = (workerId: string) => call('exam_list', { workerId });
/** The report file travels as base64 (null for none). */
export const healthCheckAdd = (workerId: string, input: HealthCheckInput, reportB64: string | null) =>
  call('health_check_add', { workerId, input, reportB64 });
export const healthCheckList = (workerId: string) => call('health_check_list', { workerId });
export const insuranceAdd = (workerId: string, input: InsuranceInput) => call('insurance_add', { workerId, input });
export const insuranceList = (workerId: string) => call('insurance_list', { workerId });
export const deadlines = () => call('deadlines');
export const workersToComplete = () => call('workers_to_complete');
export const coverImportPreview = (kind: CoverKind, bytesB64: string) => call('cover_import_preview', { kind, bytesB64 });
export const coverImportRun = (kind: CoverKind, bytesB64: string) => call('cover_import_run', { kind, bytesB64 });
export const coverImportReportSave = (report: CoverImportReport, path: string) =>
  call('cover_import_report_save', { report, path });
export const supervisionFile = (classId: string, input: SupervisionInput) =>
  call('supervision_file', { classId, input });
export const workerEligibility = (id: string) => call('worker_eligibility', { id });
export const workerTraining = (id: string) => call('worker_training', { id });
/** The chosen file travels as base64: the window has no path for an `<input type="file">`. */
export const importPreview = (bytesB64: string, options: ImportOptions) =>
  call('import_preview', { bytesB64, options });
/** Emits `import_progress` events ({@link ImportProgress}) while it runs. */
export const importRun = (bytesB64: string, options: ImportOptions) =>
  call('import_run', { bytesB64, options });
/** The online platform's hours file into an online class: preview (writes nothing), import. */
export const classHoursPreview = (classId: string, bytesB64: string, options: HoursImportOptions) =>
  call('class_hours_preview', { classId, bytesB64, options });
export const classHoursImport = (classId: string, bytesB64: string, options: HoursImportOptions) =>
  call('class_hours_import', { classId, bytesB64, options });
export const classHoursReportSave = (report: HoursImportReport, path: string) =>
  call('class_hours_report_save', { report, path });
export const importReportSave = (report: ImportReport, path: string) =>
  call('import_report_save', { report, path });
export const rosterExport = (path: string, format: RosterFormat, filter: RosterFilter, passphrase: string | null) =>
  call('roster_export', { path, format, filter, passphrase });
/** 名册备案 (manager): syncs, then files the roster for [from, to] (YYYY-MM-DD) with the
 * platform; takes seconds. `replaces` = the filing number it corrects, null for none. */
export const rosterFile = (from: string, to: string, replaces: string | null) =>
  call('roster_file', { from, to, replaces });
/** 项目资金材料 (manager): the funding pack of the filed period [from, to] written into `dir`. */
export const rosterPack = (from: string, to: string, dir: string) => call('roster_pack', { from, to, dir });
export const rosterReceiptPdf = (number: string, dir: string) => call('roster_receipt_pdf', { number, dir });
/** The kept filings, newest first; with `verify`, each receipt checked offline. */
export const rosterFilings = (verify: boolean) => call('roster_filings', { verify });
export const stats = (months: number) => call('stats', { months });
/** The folder save-path fields start in (documents, else home, else the data folder). */
export const exportFolder = () => call('export_folder');
/** Follow the import's progress; resolves to the function that stops listening. */
/** Where a sync or a joining PC's restore stands, after each pushed batch and applied page. */
export const onSyncProgress = (fn: (p: Events['sync_progress']) => void): Promise<() => void> =>
  listen<Events['sync_progress']>('sync_progress', (e) => fn(e.payload));

export const onImportProgress = (fn: (p: Events['import_progress']) => void): Promise<() => void> =>
  listen<Events['import_progress']>('import_progress', (e) => fn(e.payload));

// ---------------------------------------------------------------------------------------------
// Certificate cards (issue 5): printing, hand-over, lost cards, cancellation, verify, feedback

export const cardState = (workerId: string) => call('card_state', { workerId });
/** The card as PDF bytes (样张 unless approved); not recorded as a print. */
export const cardPreview = (workerId: string, layout: CardLayout) =>
  call('card_preview', { workerId, layout });
export const cardApprovedUnprinted = () => call('card_approved_unprinted');
/** Emits `card_print_progress` events ({@link PrintProgress}) while it runs. */
export const cardPrint = (workerIds: string[], allApproved: boolean, layout: CardLayout, target: PrintTarget) =>
  call('card_print', { workerIds, allApproved, layout, target });
export const cardIssue = (workerId: string, issuedOn: string | null, signaturePng: string | null) =>
  call('card_issue', { workerId, issuedOn, signaturePng });
/** The hand-over slip (电子证激活单) as PDF bytes; refused before the card is handed over. */
export const cardActivationSlip = (workerId: string) => call('card_activation_slip', { workerId });
export const cardActivationRenew = (workerId: string) => call('card_activation_renew', { workerId });
export const cardReportLoss = (workerId: string, kind: LossKind, note: string) =>
  call('card_report_loss', { workerId, kind, note });
export const cardCancel = (workerId: string, reason: CancelReason, note: string) =>
  call('card_cancel', { workerId, reason, note });
export const printerList = () => call('printer_list');
export const printerCalibrationGet = (printer: string) => call('printer_calibration_get', { printer });
export const printerCalibrationSet = (printer: string, calibration: Calibration) =>
  call('printer_calibration_set', { printer, calibration });
export const cardTestPage = (printer: string, layout: CardLayout, path: string) =>
  call('card_test_page', { printer, layout, path });
export const verifyScan = (scanned: string) => call('verify_scan', { scanned });
export const workerFeedback = (workerId: string) => call('worker_feedback', { workerId });
export const complaintsOpen = () => call('complaints_open');
export const complaintAnswer = (id: string, action: string, doneOn: string) =>
  call('complaint_answer', { id, action, doneOn });
export const onPrintProgress = (fn: (p: Events['card_print_progress']) => void): Promise<() => void> =>
  listen<Events['card_print_progress']>('card_print_progress', (e) => fn(e.payload));
