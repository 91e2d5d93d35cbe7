// The ONLY module that talks to the Rust side. Every command of docs/ipc.md has a typed wrapper
// here; every rejection is normalised to an ApiError before it reaches a component.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';

// ---------------------------------------------------------------------------------------------
// Types (docs/ipc.md)

export type Role = 'clerk' | 'manager';
export type Gender = 'male' | 'female';

export type FieldError = { field: string; code: string; message_zh: string; message_en: string };
export type ApiError = {
  code: string;
  message_zh: string;
  message_en: string;
  fields: FieldError[];
  existing_worker_id?: string;
};

export type SessionUser = { id: string; username: string; display_name: string; role: Role };
export type Agency = {
  name: string;
  credit_code: string;
  district: string;
  address: string;
  phone: string;
  updated_at: string;
};
export type AgencyInput = { name: string; credit_code: string; district: string; address: string; phone: string };
export type Label = { code: string; label_zh: string; label_en: string };
export type AppState = {
  agency: Agency | null;
  has_users: boolean;
  user: SessionUser | null;
  data_dir: string;
  districts: string[];
  service_types: Label[];
  statuses: Label[];
};
export type IdPreview = {
  ok: boolean;
  id_number: string | null;
  legacy: string | null;
  birth_date: string | null;
  gender: Gender | null;
  age: number | null;
  kind: string | null;
  error: FieldError | null;
};
export type WorkerInput = {
  name: string;
  id_number: string;
  phone: string;
  address: string;
  service_types: string[];
  emergency_contact_name: string;
  emergency_contact_phone: string;
  consent_date: string | null;
  agency_check_done: boolean;
  photo_sha256: string | null;
};
export type Worker = {
  id: string;
  name: string;
  id_number: string;
  id_number_legacy: string | null;
  gender: Gender;
  birth_date: string;
  phone: string;
  address: string;
  service_types: string[];
  emergency_contact_name: string;
  emergency_contact_phone: string;
  photo_sha256: string | null;
  consent_date: string;
  consent_witness: string;
  agency_check_done: boolean;
  agency_check_by: string;
  agency_check_at: string;
  status: string;
  certificate_code: string | null;
  created_at: string;
  updated_at: string;
  version: number;
};
export type WorkerSummary = {
  id: string;
  name: string;
  id_number: string;
  phone: string;
  gender: Gender;
  status: string;
  certificate_code: string | null;
  updated_at: string;
};
/** `total` is a lower bound when `total_capped` (more than 10,000 matched). */
export type SearchResult = { items: WorkerSummary[]; total: number; total_capped?: boolean };
export type AuditEntry = {
  id: string;
  at: string;
  user: string;
  action: 'enrol' | 'update' | string;
  field: string | null;
  old_value: string | null;
  new_value: string | null;
  reason: string | null;
};
export type WorkerDetail = { worker: Worker; timeline: AuditEntry[]; photo_data_url: string | null };
export type PreparedPhoto = { sha256: string; data_url: string; width: number; height: number };
export type UserInfo = { id: string; username: string; display_name: string; role: Role; created_at: string };
export type ManagerInput = { username: string; display_name: string; password: string };
export type NewUser = { username: string; display_name: string; role: Role; password: string };

// ---------------------------------------------------------------------------------------------
// Errors

/** Code used for failures that did not come from our Rust command (Tauri-level, bridge missing…). */
export const IPC_ERROR = 'ipc';

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

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
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
  const state = call<AppState>('app_state');
  // Raw invoke: a signed-out start refuses this, and that must not send anyone to the login page.
  const list = invoke<SearchResult>('worker_search', { query: '', status: null, limit: 50 });
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
export const appState = () => takePrefetched('state') ?? call<AppState>('app_state');
/** The prefetched first page of the whole list, if still fresh; falls back to asking again. */
export const initialWorkerList = (limit: number): Promise<SearchResult> => {
  const p = takePrefetched('list');
  const ask = () => workerSearch('', null, limit);
  return p ? p.catch(ask) : ask();
};
export const setup = (agency: AgencyInput, manager: ManagerInput) => call<SessionUser>('setup', { agency, manager });
export const login = (username: string, password: string) => call<SessionUser>('login', { username, password });
export const logout = () => call<null>('logout');
export const agencySet = (agency: AgencyInput) => call<Agency>('agency_set', { agency });
export const userList = () => call<UserInfo[]>('user_list');
export const userAdd = (user: NewUser) => call<UserInfo>('user_add', { user });
export const idPreview = (idNumber: string) => call<IdPreview>('id_preview', { idNumber });
export const photoPrepare = (bytesB64: string) => call<PreparedPhoto>('photo_prepare', { bytesB64 });
export const workerEnrol = (input: WorkerInput) => call<Worker>('worker_enrol', { input });
export const workerUpdate = (id: string, input: WorkerInput, reason: string | null) =>
  call<Worker>('worker_update', { id, input, reason });
export const workerGet = (id: string) => call<WorkerDetail>('worker_get', { id });
export const workerSearch = (query: string, status: string | null, limit: number) =>
  call<SearchResult>('worker_search', { query, status, limit });
/** Start-up timing marks (ms since the page began loading), reported with ui_ready. */
export const startupMarks: Record<string, number> = {};
export const mark = (name: string) => {
  if (!(name in startupMarks)) startupMarks[name] = Math.round(performance.now());
};
export const uiReady = () => call<null>('ui_ready', { marks: startupMarks });

// ---------------------------------------------------------------------------------------------
// Sync with the central platform and applying (申领) — docs/ipc.md, "Sync and applying"

export type SyncErrorInfo = { code: string; message_zh: string; message_en: string; at: string };
export type SyncStatus = {
  enrolled: boolean;
  platform_url: string | null;
  agency_name: string | null;
  pending: number;
  held: number;
  last_success_at: string | null;
  last_error: SyncErrorInfo | null;
  trust_list_age_seconds: number | null;
  trust_keys: number;
  rejections: number;
  stale_warning: boolean;
  cursor: number;
};
export type SyncReport = {
  pushed: { applied: number; duplicate: number; rejected: number; conflict: number };
  batches: number;
  photos_uploaded: number;
  pulled: { changes: number; approvals: number; rejections: number };
  cursor: number;
  pending: number;
};
export type Enrolment = { device_id: string; agency_name: string; platform_url: string; secret_store: string };
export type SyncRejection = {
  entry_id: string;
  entity: string;
  entity_id: string;
  entity_label: string | null;
  op: string;
  kind: string;
  code: string;
  message_zh: string;
  message_en: string;
  received_at: string;
  dismissed_at: string | null;
};
export type WorkerCertificate = {
  certificate_code: string;
  card_version: number;
  valid_from: string;
  valid_until: string;
  credential_url: string;
};
export type PlatformView = {
  certificate: WorkerCertificate | null;
  rejection: SyncErrorInfo | null;
  checks: [string, boolean, string][];
};

export const syncStatus = () => call<SyncStatus>('sync_status');
export const syncNow = () => call<SyncReport>('sync_now');
export const deviceEnrol = (platformUrl: string, code: string, caPem: string | null, deviceName: string | null) =>
  call<Enrolment>('device_enrol', { platformUrl, code, caPem, deviceName });
export const workerApply = (id: string) => call<Worker>('worker_apply', { id });
export const applyAllEligible = () => call<{ applied: string[] }>('apply_all_eligible');
export const syncRejections = (includeDismissed: boolean) =>
  call<SyncRejection[]>('sync_rejections', { includeDismissed });
export const syncRejectionDismiss = (entryId: string) => call<null>('sync_rejection_dismiss', { entryId });
export const workerPlatform = (id: string) => call<PlatformView>('worker_platform', { id });

// ---------------------------------------------------------------------------------------------
// Training, exams, supervision, import, roster, stats (docs/ipc.md, issue 3)

export type TrainingSettings = { class_hour_minutes: number; pass_mark: number };
export type ClassMode = 'offline' | 'online';
export type ClassInput = {
  title: string;
  mode: ClassMode;
  starts_at: string;
  ends_at: string;
  place: string;
  trainer: string;
  class_hours: number;
};
export type TrainingClass = {
  id: string;
  title: string;
  mode: ClassMode;
  starts_at: string;
  ends_at: string;
  place: string;
  trainer: string;
  class_hours: number;
  participant_count: number;
  supervision_filed: boolean;
  incomplete: boolean;
  created_at: string;
  version: number;
};
export type AttendanceCode = 'present' | 'late' | 'left_early' | 'absent';
export type Participant = {
  worker_id: string;
  name: string;
  id_number: string;
  status: string;
  attendance: AttendanceCode | null;
  sign_in: string | null;
  sign_out: string | null;
  hours_completed: number | null;
  credited_hours: number;
  latest_score: number | null;
  latest_attempt: number | null;
};
export type SupervisionInput = {
  supervisor_name: string;
  method: 'on_site' | 'video';
  supervised_at: string;
  place: string;
  participants_present: number;
  identity_checked: number;
  trainer: string;
  remarks: string;
};
export type SupervisionForm = SupervisionInput & { id: string; class_id: string; recorded_at: string; recorded_by: string };
export type ClassDetail = { class: TrainingClass; participants: Participant[]; supervision: SupervisionForm | null };
export type AttendanceInput = {
  attendance: string | null;
  sign_in: string | null;
  sign_out: string | null;
  hours_completed: number | null;
};
export type ExamInput = { worker: string; exam_date: string | null; score: string; class_id: string | null };
export type ExamResult = {
  id: string;
  worker_id: string;
  class_id: string | null;
  exam_date: string;
  attempt: number;
  score: number;
  passed: boolean;
  recorded_at: string;
};
export type Missing = { code: string; class_id?: string | null; message_zh: string; message_en: string };
export type Eligibility = {
  eligible: boolean;
  missing: Missing[];
  credited_hours: number;
  required_hours: number;
  latest_score: number | null;
  pass_mark: number;
};
export type ClassCredit = { class_id: string; title: string; mode: ClassMode; credited: number; supervision_filed: boolean };
export type WorkerTraining = {
  worker_id: string;
  status: string;
  classes: ClassCredit[];
  exams: ExamResult[];
  eligibility: Eligibility;
};
export type ImportOptions = { consent_date: string | null; agency_checked: boolean; preview_rows: number };
export type ColumnMapping = { field: string; header: string; column: string };
export type ImportIssue = {
  row: number;
  column: string | null;
  header: string | null;
  field: string | null;
  code: string;
  message_zh: string;
  message_en: string;
  /** `note`: recorded, with a remark (hours capped at the class's). */
  severity: 'error' | 'skipped' | 'note';
};
export type PreviewRow = {
  row: number;
  values: Record<string, string>;
  status: 'ok' | 'invalid' | 'already_enrolled' | 'duplicate_in_file' | 'needs_confirmation';
};
export type ImportReport = {
  file_kind: 'xlsx' | 'csv';
  encoding: string | null;
  sheet: string | null;
  header_row: number;
  mapping: ColumnMapping[];
  ignored_headers: string[];
  needs_consent_date: boolean;
  needs_agency_check: boolean;
  total_rows: number;
  blank_rows: number;
  valid_rows: number;
  imported: number;
  already_enrolled: number;
  invalid_rows: number;
  dry_run: boolean;
  issues: ImportIssue[];
  preview: PreviewRow[];
  worker_ids: string[];
};
export type ImportProgress = { done: number; total: number };
export type HoursImportOptions = { add_missing: boolean; preview_rows: number };
export type HoursRowStatus = 'ok' | 'unchanged' | 'add' | 'not_in_class' | 'unknown_id_number' | 'duplicate_in_file' | 'invalid';
export type HoursPreviewRow = {
  row: number;
  name: string;
  value: string;
  hours: number | null;
  previous_hours: number | null;
  credited_hours: number | null;
  status: HoursRowStatus;
};
export type HoursImportReport = {
  class_id: string;
  class_title: string;
  file_kind: 'xlsx' | 'csv';
  encoding: string | null;
  sheet: string | null;
  header_row: number;
  mapping: ColumnMapping[];
  ignored_headers: string[];
  unit: 'class_hours' | 'minutes' | 'clock_hours';
  class_hour_minutes: number;
  total_rows: number;
  blank_rows: number;
  to_record: number;
  unchanged: number;
  not_in_class: number;
  invalid_rows: number;
  recorded: number;
  added: number;
  dry_run: boolean;
  issues: ImportIssue[];
  preview: HoursPreviewRow[];
};
export type RosterFormat = 'xlsx' | 'csv';
export type RosterFilter = { statuses: string[]; from: string | null; to: string | null };
export type RosterExport = { path: string; rows: number; format: RosterFormat };
export type StageCounts = {
  enrolled: number;
  in_training: number;
  eligible: number;
  applied: number;
  certified: number;
  rejected: number;
  cancelled: number;
  total: number;
};
export type MonthStats = { month: string; classes: number; trained: number; exams: number; passed: number };
export type DeskStats = { stages: StageCounts; months: MonthStats[] };

export const trainingSettingsGet = () => call<TrainingSettings>('training_settings_get');
export const trainingSettingsSet = (settings: TrainingSettings) =>
  call<TrainingSettings>('training_settings_set', { settings });
export const classCreate = (input: ClassInput) => call<TrainingClass>('class_create', { input });
export const classList = (from: string | null, to: string | null, limit: number) =>
  call<TrainingClass[]>('class_list', { from, to, limit });
export const classGet = (classId: string) => call<ClassDetail>('class_get', { classId });
export const classAddWorker = (classId: string, worker: string) =>
  call<Participant>('class_add_worker', { classId, worker });
/** Refused with `records_in_class` while attendance, hours or a score is recorded, unless `confirmed`. */
export const classRemoveWorker = (classId: string, workerId: string, confirmed = false) =>
  call<null>('class_remove_worker', { classId, workerId, confirmed });
export const classAttend = (classId: string, workerId: string, input: AttendanceInput) =>
  call<Participant>('class_attend', { classId, workerId, input });
export const examRecord = (input: ExamInput) => call<ExamResult>('exam_record', { input });
export const examList = (workerId: string) => call<ExamResult[]>('exam_list', { workerId });
export const supervisionFile = (classId: string, input: SupervisionInput) =>
  call<SupervisionForm>('supervision_file', { classId, input });
export const workerEligibility = (id: string) => call<Eligibility>('worker_eligibility', { id });
export const workerTraining = (id: string) => call<WorkerTraining>('worker_training', { id });
/** The chosen file travels as base64: the window has no path for an `<input type="file">`. */
export const importPreview = (bytesB64: string, options: ImportOptions) =>
  call<ImportReport>('import_preview', { bytesB64, options });
/** Emits `import_progress` events ({@link ImportProgress}) while it runs. */
export const importRun = (bytesB64: string, options: ImportOptions) =>
  call<ImportReport>('import_run', { bytesB64, options });
/** The online platform's hours file into an online class: preview (writes nothing), import. */
export const classHoursPreview = (classId: string, bytesB64: string, options: HoursImportOptions) =>
  call<HoursImportReport>('class_hours_preview', { classId, bytesB64, options });
export const classHoursImport = (classId: string, bytesB64: string, options: HoursImportOptions) =>
  call<HoursImportReport>('class_hours_import', { classId, bytesB64, options });
export const classHoursReportSave = (report: HoursImportReport, path: string) =>
  call<null>('class_hours_report_save', { report, path });
export const importReportSave = (report: ImportReport, path: string) =>
  call<null>('import_report_save', { report, path });
export const rosterExport = (path: string, format: RosterFormat, filter: RosterFilter) =>
  call<RosterExport>('roster_export', { path, format, filter });
export const stats = (months: number) => call<DeskStats>('stats', { months });
/** The folder save-path fields start in (documents, else home, else the data folder). */
export const exportFolder = () => call<string>('export_folder');
/** Follow the import's progress; resolves to the function that stops listening. */
export const onImportProgress = (fn: (p: ImportProgress) => void): Promise<() => void> =>
  listen<ImportProgress>('import_progress', (e) => fn(e.payload));

// ---------------------------------------------------------------------------------------------
// Certificate cards (issue 5): printing, hand-over, lost cards, cancellation, verify, feedback

export type CardLayout = 'cr80' | 'a4';
export type PrintTarget = { kind: 'pdf'; path: string } | { kind: 'printer'; name: string };
export type PrintRecord = {
  id: string;
  certificate_code: string | null;
  card_version: number | null;
  draft: boolean;
  layout: CardLayout;
  printer: string;
  design_version: string;
  printed_by: string;
  printed_at: string;
};
export type Handover = {
  certificate_code: string;
  card_version: number;
  issued_on: string;
  issued_by: string;
  has_signature: boolean;
  created_at: string;
};
export type LossReport = {
  certificate_code: string;
  card_version: number;
  kind: 'lost' | 'damaged';
  note: string;
  reported_by: string;
  reported_at: string;
};
export type Cancellation = { reason: string; note: string; cancelled_by: string; cancelled_at: string };
export type CardState = {
  status: string;
  certificate: WorkerCertificate | null;
  prints: PrintRecord[];
  handovers: Handover[];
  losses: LossReport[];
  cancellation: Cancellation | null;
  awaiting_replacement: boolean;
  print_refusal: ApiError | null;
  can_issue: boolean;
  can_report_loss: boolean;
  can_cancel: boolean;
};
export type PrintOutcome = { cards: number; bytes: number; path: string | null; printer: string | null; job: string | null };
export type PrinterInfo = { name: string; is_default: boolean };
export type Calibration = { offset_x_mm: number; offset_y_mm: number; scale: number };
export type PrintProgress = { done: number; total: number };
export type ScanReport = {
  verdict: 'valid' | 'replaced' | 'revoked' | 'expired' | 'bad_signature' | 'unknown_key' | 'not_a_certificate';
  verdict_zh: string;
  verdict_en: string;
  certificate_code: string | null;
  card_version: number | null;
  current_card_version: number | null;
  valid_from: string | null;
  valid_until: string | null;
  key_id: number | null;
  lists_checked_at: string | null;
  lists_age_seconds: number | null;
  trust_keys: number;
  local_worker: { id: string; name: string; status: string; card_version: number } | null;
};
export type Feedback = {
  id: string;
  kind: 'rating' | 'complaint';
  worker_id: string;
  worker_name: string | null;
  certificate_code: string;
  stars: number | null;
  text: string;
  contact: string;
  created_at: string;
  handled_at: string | null;
};
export type FeedbackSummary = { ratings: number; average_stars: number | null; open_complaints: number; items: Feedback[] };

export const cardState = (workerId: string) => call<CardState>('card_state', { workerId });
/** The card as PDF bytes (样张 unless approved); not recorded as a print. */
export const cardPreview = (workerId: string, layout: CardLayout) =>
  call<ArrayBuffer>('card_preview', { workerId, layout });
export const cardApprovedUnprinted = () => call<string[]>('card_approved_unprinted');
/** Emits `card_print_progress` events ({@link PrintProgress}) while it runs. */
export const cardPrint = (workerIds: string[], allApproved: boolean, layout: CardLayout, target: PrintTarget) =>
  call<PrintOutcome>('card_print', { workerIds, allApproved, layout, target });
export const cardIssue = (workerId: string, issuedOn: string | null, signaturePng: string | null) =>
  call<CardState>('card_issue', { workerId, issuedOn, signaturePng });
export const cardReportLoss = (workerId: string, kind: 'lost' | 'damaged', note: string) =>
  call<CardState>('card_report_loss', { workerId, kind, note });
export const cardCancel = (workerId: string, reason: string, note: string) =>
  call<CardState>('card_cancel', { workerId, reason, note });
export const printerList = () => call<PrinterInfo[]>('printer_list');
export const printerCalibrationGet = (printer: string) => call<Calibration>('printer_calibration_get', { printer });
export const printerCalibrationSet = (printer: string, calibration: Calibration) =>
  call<Calibration>('printer_calibration_set', { printer, calibration });
export const cardTestPage = (printer: string, layout: CardLayout, path: string) =>
  call<string>('card_test_page', { printer, layout, path });
export const verifyScan = (scanned: string) => call<ScanReport>('verify_scan', { scanned });
export const workerFeedback = (workerId: string) => call<FeedbackSummary>('worker_feedback', { workerId });
export const complaintsOpen = () => call<Feedback[]>('complaints_open');
export const complaintHandle = (id: string) => call<Feedback[]>('complaint_handle', { id });
export const onPrintProgress = (fn: (p: PrintProgress) => void): Promise<() => void> =>
  listen<PrintProgress>('card_print_progress', (e) => fn(e.payload));
