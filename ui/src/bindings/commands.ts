// Generated from the #[tauri::command] signatures of src-tauri by the `bindings` test; do not edit.
// Rewrite with: UPDATE_BINDINGS=1 cargo test -p certdesk-app bindings

import type { Agency } from './Agency';
import type { AppState } from './AppState';
import type { ApplyAllReport } from './ApplyAllReport';
import type { AttendanceInput } from './AttendanceInput';
import type { AvailableUpdate } from './AvailableUpdate';
import type { BackupPlan } from './BackupPlan';
import type { BackupWritten } from './BackupWritten';
import type { Calibration } from './Calibration';
import type { CancelReason } from './CancelReason';
import type { CardLayout } from './CardLayout';
import type { CardState } from './CardState';
import type { CardText } from './CardText';
import type { ClassDetail } from './ClassDetail';
import type { ClassInput } from './ClassInput';
import type { CoverImportReport } from './CoverImportReport';
import type { CoverKind } from './CoverKind';
import type { Deadline } from './Deadline';
import type { DeskStats } from './DeskStats';
import type { Eligibility } from './Eligibility';
import type { Enrolment } from './Enrolment';
import type { ExamInput } from './ExamInput';
import type { ExamResult } from './ExamResult';
import type { Feedback } from './Feedback';
import type { FeedbackSummary } from './FeedbackSummary';
import type { HealthCheck } from './HealthCheck';
import type { HealthCheckInput } from './HealthCheckInput';
import type { HoursImportOptions } from './HoursImportOptions';
import type { HoursImportReport } from './HoursImportReport';
import type { IdPreview } from './IdPreview';
import type { ImportOptions } from './ImportOptions';
import type { ImportProgress } from './ImportProgress';
import type { ImportReport } from './ImportReport';
import type { InstalledUpdate } from './InstalledUpdate';
import type { InsuranceInput } from './InsuranceInput';
import type { InsurancePolicy } from './InsurancePolicy';
import type { JoinReport } from './JoinReport';
import type { KeptFiling } from './KeptFiling';
import type { LossKind } from './LossKind';
import type { ManagerInput } from './ManagerInput';
import type { NewUser } from './NewUser';
import type { PackFiles } from './PackFiles';
import type { Participant } from './Participant';
import type { PlatformView } from './PlatformView';
import type { PreparedPhoto } from './PreparedPhoto';
import type { PrintOutcome } from './PrintOutcome';
import type { PrintProgress } from './PrintProgress';
import type { PrintTarget } from './PrintTarget';
import type { PrinterInfo } from './PrinterInfo';
import type { RosterExport } from './RosterExport';
import type { RosterFilter } from './RosterFilter';
import type { RosterFormat } from './RosterFormat';
import type { ScanReport } from './ScanReport';
import type { SearchResult } from './SearchResult';
import type { SessionUser } from './SessionUser';
import type { SupervisionForm } from './SupervisionForm';
import type { SupervisionInput } from './SupervisionInput';
import type { SyncProgress } from './SyncProgress';
import type { SyncRejection } from './SyncRejection';
import type { SyncReport } from './SyncReport';
import type { SyncStatus } from './SyncStatus';
import type { TrainingClass } from './TrainingClass';
import type { TrainingSettings } from './TrainingSettings';
import type { UpdateProgress } from './UpdateProgress';
import type { UpdateStatus } from './UpdateStatus';
import type { UserInfo } from './UserInfo';
import type { Worker } from './Worker';
import type { WorkerDetail } from './WorkerDetail';
import type { WorkerInput } from './WorkerInput';
import type { WorkerStatus } from './WorkerStatus';
import type { WorkerToComplete } from './WorkerToComplete';
import type { WorkerTraining } from './WorkerTraining';

/** Every command the window may invoke: its arguments (as `invoke` takes them) and its result. */
export type Commands = {
  agency_set: { args: { agency: Agency }; result: Agency };
  app_state: { args: Record<string, never>; result: AppState };
  apply_all_eligible: { args: Record<string, never>; result: ApplyAllReport };
  backup_now: { args: Record<string, never>; result: BackupWritten };
  backup_plan_get: { args: Record<string, never>; result: BackupPlan };
  backup_plan_set: { args: { folder: string; keep: number; passphrase?: string | null }; result: BackupPlan };
  card_activation_renew: { args: { workerId: string }; result: CardState };
  card_activation_slip: { args: { workerId: string }; result: ArrayBuffer };
  card_approved_unprinted: { args: Record<string, never>; result: Array<string> };
  card_cancel: { args: { workerId: string; reason: CancelReason; note: string }; result: CardState };
  card_issue: { args: { workerId: string; issuedOn?: string | null; signaturePng?: string | null }; result: CardState };
  card_preview: { args: { workerId: string; layout: CardLayout }; result: ArrayBuffer };
  card_print: { args: { workerIds: Array<string>; allApproved: boolean; layout: CardLayout; target: PrintTarget }; result: PrintOutcome };
  card_report_loss: { args: { workerId: string; kind: LossKind; note: string }; result: CardState };
  card_state: { args: { workerId: string }; result: CardState };
  card_test_page: { args: { printer: string; layout: CardLayout; path: string }; result: string };
  class_add_worker: { args: { classId: string; worker: string }; result: Participant };
  class_attend: { args: { classId: string; workerId: string; input: AttendanceInput }; result: Participant };
  class_create: { args: { input: ClassInput }; result: TrainingClass };
  class_get: { args: { classId: string }; result: ClassDetail };
  class_hours_import: { args: { classId: string; bytesB64: string; options: HoursImportOptions }; result: HoursImportReport };
  class_hours_preview: { args: { classId: string; bytesB64: string; options: HoursImportOptions }; result: HoursImportReport };
  class_hours_report_save: { args: { report: HoursImportReport; path: string }; result: null };
  class_list: { args: { from?: string | null; to?: string | null; limit?: number | null }; result: Array<TrainingClass> };
  class_remove_worker: { args: { classId: string; workerId: string; confirmed?: boolean | null }; result: null };
  complaint_answer: { args: { id: string; action: string; doneOn: string }; result: Array<Feedback> };
  complaints_open: { args: Record<string, never>; result: Array<Feedback> };
  cover_import_preview: { args: { kind: CoverKind; bytesB64: string }; result: CoverImportReport };
  cover_import_report_save: { args: { report: CoverImportReport; path: string }; result: null };
  cover_import_run: { args: { kind: CoverKind; bytesB64: string }; result: CoverImportReport };
  deadlines: { args: Record<string, never>; result: Array<Deadline> };
  desk_join: { args: { agency: Agency; platformUrl: string; code: string; caPem?: string | null }; result: JoinReport };
  device_enrol: { args: { platformUrl: string; code: string; caPem?: string | null; deviceName?: string | null }; result: Enrolment };
  diagnostics_export: { args: { path: string }; result: Array<string> };
  exam_list: { args: { workerId: string }; result: Array<ExamResult> };
  exam_record: { args: { input: ExamInput }; result: ExamResult };
  export_folder: { args: Record<string, never>; result: string };
  health_check_add: { args: { workerId: string; input: HealthCheckInput; reportB64?: string | null }; result: HealthCheck };
  health_check_list: { args: { workerId: string }; result: Array<HealthCheck> };
  id_preview: { args: { idNumber: string }; result: IdPreview };
  idcard_port_get: { args: Record<string, never>; result: string | null };
  idcard_port_set: { args: { port: string }; result: string | null };
  idcard_read: { args: Record<string, never>; result: CardText };
  idle_lock_set: { args: { minutes: number }; result: number };
  import_preview: { args: { bytesB64: string; options: ImportOptions }; result: ImportReport };
  import_report_save: { args: { report: ImportReport; path: string }; result: null };
  import_run: { args: { bytesB64: string; options: ImportOptions }; result: ImportReport };
  insurance_add: { args: { workerId: string; input: InsuranceInput }; result: InsurancePolicy };
  insurance_list: { args: { workerId: string }; result: Array<InsurancePolicy> };
  login: { args: { username: string; password: string }; result: SessionUser };
  logout: { args: Record<string, never>; result: null };
  photo_prepare: { args: { bytesB64: string }; result: PreparedPhoto };
  printer_calibration_get: { args: { printer: string }; result: Calibration };
  printer_calibration_set: { args: { printer: string; calibration: Calibration }; result: Calibration };
  printer_list: { args: Record<string, never>; result: Array<PrinterInfo> };
  roster_export: { args: { path: string; format: RosterFormat; filter: RosterFilter; passphrase?: string | null }; result: RosterExport };
  roster_file: { args: { from: string; to: string; replaces?: string | null }; result: KeptFiling };
  roster_filings: { args: { verify: boolean }; result: Array<KeptFiling> };
  roster_pack: { args: { from: string; to: string; dir: string }; result: PackFiles };
  roster_receipt_pdf: { args: { number: string; dir: string }; result: string };
  setup: { args: { agency: Agency; manager: ManagerInput }; result: SessionUser };
  stats: { args: { months?: number | null }; result: DeskStats };
  supervision_file: { args: { classId: string; input: SupervisionInput }; result: SupervisionForm };
  sync_now: { args: Record<string, never>; result: SyncReport };
  sync_rejection_dismiss: { args: { entryId: string }; result: null };
  sync_rejections: { args: { includeDismissed?: boolean | null }; result: Array<SyncRejection> };
  sync_status: { args: Record<string, never>; result: SyncStatus };
  training_settings_get: { args: Record<string, never>; result: TrainingSettings };
  training_settings_set: { args: { settings: TrainingSettings }; result: TrainingSettings };
  ui_ready: { args: { marks?: unknown | null }; result: null };
  update_check: { args: Record<string, never>; result: AvailableUpdate | null };
  update_install: { args: Record<string, never>; result: InstalledUpdate };
  update_restart: { args: Record<string, never>; result: null };
  update_status: { args: Record<string, never>; result: UpdateStatus };
  user_add: { args: { user: NewUser }; result: UserInfo };
  user_list: { args: Record<string, never>; result: Array<UserInfo> };
  user_reset_password: { args: { username: string; password: string }; result: UserInfo };
  user_set_disabled: { args: { username: string; disabled: boolean }; result: UserInfo };
  verify_scan: { args: { scanned: string }; result: ScanReport };
  worker_apply: { args: { id: string }; result: Worker };
  worker_eligibility: { args: { id: string }; result: Eligibility };
  worker_enrol: { args: { input: WorkerInput }; result: Worker };
  worker_feedback: { args: { workerId: string }; result: FeedbackSummary };
  worker_get: { args: { id: string }; result: WorkerDetail };
  worker_platform: { args: { id: string }; result: PlatformView };
  worker_search: { args: { query: string; status?: WorkerStatus | null; limit?: number | null }; result: SearchResult };
  worker_training: { args: { id: string }; result: WorkerTraining };
  worker_update: { args: { id: string; input: WorkerInput; reason?: string | null }; result: Worker };
  workers_to_complete: { args: Record<string, never>; result: Array<WorkerToComplete> };
};

/** Every event the shell emits, with its payload. */
export type Events = {
  card_print_progress: PrintProgress;
  import_progress: ImportProgress;
  sync_changed: null;
  sync_progress: SyncProgress;
  update_progress: UpdateProgress;
};

/** The registered command names. */
export const COMMANDS = [
  'agency_set',
  'app_state',
  'apply_all_eligible',
  'backup_now',
  'backup_plan_get',
  'backup_plan_set',
  'card_activation_renew',
  'card_activation_slip',
  'card_approved_unprinted',
  'card_cancel',
  'card_issue',
  'card_preview',
  'card_print',
  'card_report_loss',
  'card_state',
  'card_test_page',
  'class_add_worker',
  'class_attend',
  'class_create',
  'class_get',
  'class_hours_import',
  'class_hours_preview',
  'class_hours_report_save',
  'class_list',
  'class_remove_worker',
  'complaint_answer',
  'complaints_open',
  'cover_import_preview',
  'cover_import_report_save',
  'cover_import_run',
  'deadlines',
  'desk_join',
  'device_enrol',
  'diagnostics_export',
  'exam_list',
  'exam_record',
  'export_folder',
  'health_check_add',
  'health_check_list',
  'id_preview',
  'idcard_port_get',
  'idcard_port_set',
  'idcard_read',
  'idle_lock_set',
  'import_preview',
  'import_report_save',
  'import_run',
  'insurance_add',
  'insurance_list',
  'login',
  'logout',
  'photo_prepare',
  'printer_calibration_get',
  'printer_calibration_set',
  'printer_list',
  'roster_export',
  'roster_file',
  'roster_filings',
  'roster_pack',
  'roster_receipt_pdf',
  'setup',
  'stats',
  'supervision_file',
  'sync_now',
  'sync_rejection_dismiss',
  'sync_rejections',
  'sync_status',
  'training_settings_get',
  'training_settings_set',
  'ui_ready',
  'update_check',
  'update_install',
  'update_restart',
  'update_status',
  'user_add',
  'user_list',
  'user_reset_password',
  'user_set_disabled',
  'verify_scan',
  'worker_apply',
  'worker_eligibility',
  'worker_enrol',
  'worker_feedback',
  'worker_get',
  'worker_platform',
  'worker_search',
  'worker_training',
  'worker_update',
  'workers_to_complete',
] as const;
