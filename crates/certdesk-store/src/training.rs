//! Training on the desk (培训): classes, participants and their attendance or online hours,
//! exam attempts, supervision forms, the agency's training settings, and each worker's
//! eligibility and status that follow from them.
//!
//! Every change writes its rows, an audit entry and an outbox entry in one transaction, then
//! recomputes the status of the workers it touched inside that same transaction:
//! enrolled → in training when added to a class; in training → eligible exactly when
//! [`certdesk_domain::eligibility`] holds; eligible → back to in training when a correction (a
//! failed retake, an attendance fix) undoes it. Statuses past eligible (applied, approved...)
//! are never touched from here. The rules live in `certdesk_domain::training`; this module
//! must never decide a rule itself, only gather the facts and store the outcome.

use certdesk_protocol::sync::{SyncEntity, SyncOp};
use certdesk_domain::lifecycle::{transition, LifecycleEvent};
use certdesk_domain::training::{
    self as rules, credit_offline, credit_online, parse_clock_time, parse_score, validate_class,
    validate_supervision, Attendance, ClassCredit, ClassInput, ClassMode, ClassTiming, EligibilityFacts,
    HalfHours, SupervisionInput, SupervisionMethod,
};
use certdesk_domain::{Eligibility, FieldError, IdNumber, TrainingSettings, WorkerStatus};
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};

use crate::audit::{AuditAction, AuditEntity, AuditRecord};
use crate::messages;
use crate::table::{self, exam_results::NewAttempt};
use crate::{Desk, DeskError, DeskResult, SessionUser};

pub(crate) const TIME_FORMAT: &str = "%Y-%m-%d %H:%M";
const KEY_CLASS_HOUR_MINUTES: &str = "training.class_hour_minutes";
const KEY_PASS_MARK: &str = "training.pass_mark";
/// When the training settings were last changed (RFC 3339), so that the agency's desks keep the
/// later change.
const KEY_SETTINGS_AT: &str = "training.changed_at";

/// A training class as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TrainingClass {
    pub id: String,
    pub title: String,
    pub mode: ClassMode,
    /// Shanghai local time, `YYYY-MM-DD HH:MM`.
    pub starts_at: String,
    pub ends_at: String,
    pub place: String,
    pub trainer: String,
    /// Class hours a worker present throughout is credited (multiples of 0.5).
    pub class_hours: f64,
    pub participant_count: u32,
    /// Whether the supervision form is filed (online classes never need one).
    pub supervision_filed: bool,
    /// An offline class without its supervision form (shown as 未完成).
    pub incomplete: bool,
    pub created_at: String,
    pub version: i64,
    /// The id of the user who created it, so that the class names them on the agency's other
    /// desks (empty from a desk before it).
    #[serde(default)]
    pub created_by_id: String,
}

/// One row of the attendance / score grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Participant {
    pub worker_id: String,
    pub name: String,
    pub id_number: String,
    /// The worker's lifecycle status after the change.
    pub status: WorkerStatus,
    /// Null when not recorded yet.
    pub attendance: Option<Attendance>,
    pub sign_in: Option<String>,
    pub sign_out: Option<String>,
    /// Online classes: the hours the platform reported.
    pub hours_completed: Option<f64>,
    pub credited_hours: f64,
    /// The worker's latest exam attempt, wherever it was sat.
    pub latest_score: Option<f64>,
    pub latest_attempt: Option<u32>,
}

/// A supervision form (培训督导单) as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SupervisionForm {
    pub id: String,
    pub class_id: String,
    pub supervisor_name: String,
    pub method: SupervisionMethod,
    pub supervised_at: String,
    pub place: String,
    pub participants_present: u32,
    pub identity_checked: u32,
    pub trainer: String,
    pub remarks: String,
    pub recorded_at: String,
    /// Display name of the user who filed it.
    pub recorded_by: String,
    /// The id of that user (empty for a form the programme office filed, and from a desk before
    /// it).
    #[serde(default)]
    pub recorded_by_id: String,
}

/// What one participant's row will hold once written (see [`Desk::write_row_in_tx`]).
pub(crate) struct GridRow {
    pub(crate) attendance: Option<Attendance>,
    pub(crate) sign_in: Option<String>,
    pub(crate) sign_out: Option<String>,
    pub(crate) hours: Option<f64>,
    pub(crate) credited: HalfHours,
}

/// The class page: the class, its grid and its supervision form.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClassDetail {
    pub class: TrainingClass,
    pub participants: Vec<Participant>,
    pub supervision: Option<SupervisionForm>,
}

/// What one grid row sends. Offline classes take `attendance` (+ times); online classes take
/// `hours_completed`. Times are `HH:MM` on the class's day or a full `YYYY-MM-DD HH:MM`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttendanceInput {
    #[cfg_attr(feature = "ts", ts(as = "Option<Attendance>"))]
    pub attendance: Option<String>,
    pub sign_in: Option<String>,
    pub sign_out: Option<String>,
    pub hours_completed: Option<f64>,
}

/// What the exam entry sends. The attempt number is not typed: it is the worker's next one.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExamInput {
    /// The worker's id, or the ID number typed or scanned.
    pub worker: String,
    /// `YYYY-MM-DD` (or 2026/1/5); default today.
    pub exam_date: Option<String>,
    /// As typed: `87.5`.
    pub score: String,
    /// The class session it was sat in, if any.
    pub class_id: Option<String>,
}

/// One exam attempt as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExamResult {
    pub id: String,
    pub worker_id: String,
    pub class_id: Option<String>,
    pub exam_date: String,
    pub attempt: u32,
    pub score: f64,
    /// Against the pass mark in force when it was recorded.
    pub passed: bool,
    pub recorded_at: String,
    /// The pass mark in force when it was recorded, and the id of the user who recorded it, so
    /// that the attempt reads the same on the agency's other desks (absent from a desk before).
    #[serde(default)]
    pub pass_mark: Option<f64>,
    #[serde(default)]
    pub recorded_by_id: String,
}

/// A worker's training page: classes, exams and the eligibility verdict.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkerTraining {
    pub worker_id: String,
    pub status: WorkerStatus,
    pub classes: Vec<ClassCredit>,
    pub exams: Vec<ExamResult>,
    pub eligibility: Eligibility,
}

fn parse_time(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, TIME_FORMAT).ok()
}

/// A stored class's times and hours, as the crediting rules take them.
pub(crate) fn class_timing(class: &TrainingClass) -> DeskResult<ClassTiming> {
    Ok(ClassTiming {
        starts_at: parse_time(&class.starts_at).ok_or_else(|| DeskError::internal("bad stored class start"))?,
        ends_at: parse_time(&class.ends_at).ok_or_else(|| DeskError::internal("bad stored class end"))?,
        class_hours: HalfHours::from_hours(class.class_hours).unwrap_or_default(),
    })
}

/// Reads a date as clerks write it: 2026-01-05, 2026/1/5, 2026.1.5.
pub(crate) fn parse_day(typed: &str, field: &str) -> Result<NaiveDate, FieldError> {
    let t = typed.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
        .ok_or_else(|| messages::date_invalid(field, t))
}

fn not_found_class() -> DeskError {
    DeskError::not_found(messages::records::class())
}

impl Desk {
    /// The agency's training settings (class-hour length, pass mark).
    pub fn training_settings(&self) -> DeskResult<TrainingSettings> {
        settings_in(&self.conn)
    }

    /// Change the training settings (a manager's action; `certdesk-core` checks the role).
    /// Hours already credited and exams already marked keep the values in force when they were
    /// recorded.
    pub fn set_training_settings(&mut self, actor: &SessionUser, new: &TrainingSettings) -> DeskResult<TrainingSettings> {
        new.validate().map_err(DeskError::validation)?;
        let tx = self.conn.unchecked_transaction()?;
        let now = self.now_text();
        self.write_settings(&tx, new, (&actor.id, AuditAction::Update), &now)?;
        let mut payload = serde_json::to_value(new).map_err(DeskError::internal)?;
        if let Some(fields) = payload.as_object_mut() {
            fields.insert("changed_at".into(), now.into());
            fields.insert("changed_by_id".into(), actor.id.clone().into());
        }
        self.append_outbox(&tx, SyncEntity::TrainingSettings, "training", SyncOp::Upsert, &payload)?;
        tx.commit()?;
        self.training_settings()
    }

    /// The training settings another desk of the agency set (issue 10): kept when changed later
    /// than this desk's; hours already credited and exams already marked keep their values.
    pub(crate) fn keep_relayed_settings(&self, tx: &Transaction<'_>, payload: &serde_json::Value) -> DeskResult<crate::relayed::Kept> {
        use crate::relayed::Kept;
        let (Ok(new), Some(at), Some(by)) = (
            serde_json::from_value::<TrainingSettings>(payload.clone()),
            payload.get("changed_at").and_then(|v| v.as_str()),
            payload.get("changed_by_id").and_then(|v| v.as_str()),
        ) else {
            return Ok(Kept::Refused);
        };
        if new.validate().is_err() || !table::users::exists(tx, by)? {
            return Ok(Kept::Refused);
        }
        if table::settings::get(tx, KEY_SETTINGS_AT)?.is_some_and(|held| held.as_str() >= at) {
            return Ok(Kept::Unchanged);
        }
        self.write_settings(tx, &new, (by, AuditAction::RelayUpdate), at)?;
        Ok(Kept::Changed)
    }

    /// Writes the training settings that differ from the held ones, each with its audit entry
    /// under `(user, action)`, and when they changed (`at`).
    fn write_settings(&self, tx: &Transaction<'_>, new: &TrainingSettings, (user_id, action): (&str, AuditAction), at: &str) -> DeskResult<()> {
        let old = settings_in(tx)?;
        for (key, old_v, new_v) in [
            (KEY_CLASS_HOUR_MINUTES, old.class_hour_minutes.to_string(), new.class_hour_minutes.to_string()),
            (KEY_PASS_MARK, old.pass_mark.to_string(), new.pass_mark.to_string()),
        ] {
            if old_v == new_v {
                continue;
            }
            table::settings::put(tx, key, &new_v)?;
            self.append_audit(
                tx,
                &AuditRecord {
                    user_id: Some(user_id),
                    entity: AuditEntity::Settings,
                    entity_id: key,
                    action,
                    field: Some(key),
                    old_value: Some(&old_v),
                    new_value: Some(&new_v),
                    reason: None,
                },
            )?;
        }
        Ok(table::settings::put(tx, KEY_SETTINGS_AT, at)?)
    }

    /// Create a training class (培训班).
    pub fn create_class(&mut self, actor: &SessionUser, input: &ClassInput) -> DeskResult<TrainingClass> {
        let settings = self.training_settings()?;
        let v = validate_class(input, &settings).map_err(DeskError::validation)?;
        let id = self.new_id();
        let now = self.now_text();
        let tx = self.conn.unchecked_transaction()?;
        table::training_classes::insert(&tx, &id, &v, &actor.id, &now)?;
        self.append_audit(
            &tx,
            &AuditRecord {
                user_id: Some(&actor.id),
                entity: AuditEntity::TrainingClass,
                entity_id: &id,
                action: AuditAction::Create,
                field: None,
                old_value: None,
                new_value: Some(&v.title),
                reason: None,
            },
        )?;
        let class = self.class_in(&tx, &id)?;
        let payload = serde_json::to_value(&class).map_err(DeskError::internal)?;
        self.append_outbox(&tx, SyncEntity::TrainingClass, &id, SyncOp::Upsert, &payload)?;
        tx.commit()?;
        Ok(class)
    }

    /// Keeps a supervision form the programme office filed on the platform for one of this
    /// desk's offline classes (issue 14 item 4), inside the pull's transaction, and moves its
    /// participants on as the training rules say (as the platform). False, changing nothing, when
    /// this desk does not hold the class, it is online, it has a form already, or the form does
    /// not hold by the domain's rules.
    pub(crate) fn keep_platform_supervision(&self, tx: &Transaction<'_>, form_id: &str, class_id: &str, form: &serde_json::Value) -> DeskResult<bool> {
        let Some(class) = table::training_classes::by_id(tx, class_id)? else { return Ok(false) };
        if class.mode != ClassMode::Offline {
            return Ok(false);
        }
        let Ok(input) = serde_json::from_value::<SupervisionInput>(form.clone()) else { return Ok(false) };
        let Ok(valid) = validate_supervision(&input) else { return Ok(false) };
        let by = form.get("recorded_by").and_then(|v| v.as_str()).unwrap_or("平台督导");
        if !table::supervision_forms::put_from_platform(tx, (class_id, form_id), &valid, by, &self.now_text())? {
            return Ok(false);
        }
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: None,
                entity: AuditEntity::TrainingClass,
                entity_id: class_id,
                action: AuditAction::PlatformSupervision,
                field: Some("supervision_form"),
                old_value: None,
                new_value: Some(&serde_json::to_string(&valid).map_err(DeskError::internal)?),
                reason: Some(by),
            },
        )?;
        for w in table::class_participants::worker_ids(tx, class_id)? {
            self.refresh_status_as(tx, (None, AuditAction::PlatformSupervision), &w)?;
        }
        Ok(true)
    }

    pub(crate) fn class_in(&self, conn: &rusqlite::Connection, id: &str) -> DeskResult<TrainingClass> {
        table::training_classes::by_id(conn, id)?.ok_or_else(not_found_class)
    }

    /// Classes starting in `[from, to]` (either end open), newest first.
    pub fn list_classes(&self, from: Option<NaiveDate>, to: Option<NaiveDate>, limit: usize) -> DeskResult<Vec<TrainingClass>> {
        Ok(table::training_classes::starting_between(&self.conn, from, to, limit.clamp(1, 10_000))?)
    }

    /// The class page: the class, its participants in the order they were added, its form.
    pub fn class_detail(&self, class_id: &str) -> DeskResult<ClassDetail> {
        let class = self.class_in(&self.conn, class_id)?;
        let ids = table::class_participants::worker_ids_as_added(&self.conn, class_id)?;
        let participants = ids.iter().map(|w| self.participant_in(&self.conn, class_id, w)).collect::<DeskResult<_>>()?;
        let supervision = self.supervision_in(&self.conn, class_id)?;
        Ok(ClassDetail { class, participants, supervision })
    }

    pub(crate) fn participant_in(&self, conn: &rusqlite::Connection, class_id: &str, worker_id: &str) -> DeskResult<Participant> {
        table::class_participants::participant(conn, class_id, worker_id)?
        .ok_or_else(|| {
            messages::not_in_class()
        })
    }

    /// Find a worker by id, or by an ID number typed or scanned (15 or 18 characters, any
    /// case, spaces and full-width digits allowed). A wrong ID number says what is wrong.
    pub fn resolve_worker_key(&self, key: &str) -> DeskResult<String> {
        let key = key.trim();
        if let Ok(w) = self.worker(key) {
            return Ok(w.id);
        }
        let id = IdNumber::parse(key, self.today()).map_err(DeskError::field)?;
        match self.find_by_id_number(id.as_str())? {
            Some((worker_id, _)) => Ok(worker_id),
            None => Err(messages::worker_not_enrolled(id.as_str())),
        }
    }

    /// Add a worker to a class by id or by ID number (scanned or typed). An enrolled worker
    /// starts training (enrolled → in training).
    pub fn add_to_class(&mut self, actor: &SessionUser, class_id: &str, worker_key: &str) -> DeskResult<Participant> {
        let class = self.class_in(&self.conn, class_id)?;
        let worker_id = self.resolve_worker_key(worker_key)?;
        let worker = self.worker(&worker_id)?;
        if worker.status == WorkerStatus::Cancelled {
            return Err(messages::worker_cancelled(&worker.name));
        }
        if table::class_participants::contains(&self.conn, class_id, &worker_id)? {
            return Err(messages::already_in_class(&worker.name, &class.title));
        }
        let tx = self.conn.unchecked_transaction()?;
        self.join_in_tx(&tx, actor, &class, &worker_id)?;
        let p = self.participant_in(&tx, class_id, &worker_id)?;
        tx.commit()?;
        Ok(p)
    }

    /// Put a worker in a class inside the caller's transaction: the row, its audit entry and
    /// outbox entry, and the status that follows. The caller has checked that they may join.
    pub(crate) fn join_in_tx(&self, tx: &Transaction<'_>, actor: &SessionUser, class: &TrainingClass, worker_id: &str) -> DeskResult<()> {
        table::class_participants::insert(tx, &class.id, worker_id, &actor.id, &self.now_text())?;
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: Some(&actor.id),
                entity: AuditEntity::Worker,
                entity_id: worker_id,
                action: AuditAction::ClassJoin,
                field: Some("class"),
                old_value: None,
                new_value: Some(&class.title),
                reason: None,
            },
        )?;
        self.push_participant_outbox(tx, &class.id, worker_id)?;
        self.refresh_status(tx, actor, worker_id)
    }

    /// Take a worker out of a class (added by mistake, or left before it began). While the
    /// worker has attendance, hours or an exam score recorded in this class, this refuses with
    /// `records_in_class` (saying what is recorded) unless `confirmed`: then the attendance and
    /// the hours credited here go, and the audit entry keeps what they were. Exam attempts are
    /// never deleted (retakes are kept): an attempt sat in this class stays the worker's.
    pub fn remove_from_class(&mut self, actor: &SessionUser, class_id: &str, worker_id: &str, confirmed: bool) -> DeskResult<()> {
        let class = self.class_in(&self.conn, class_id)?;
        let p = self.participant_in(&self.conn, class_id, worker_id)?;
        let exams = table::exam_results::count_in_class(&self.conn, class_id, worker_id)?;
        let recorded = summary(&p.attendance, p.hours_completed, HalfHours::from_hours(p.credited_hours).unwrap_or_default());
        let has_records = p.attendance.is_some() || p.hours_completed.is_some() || exams > 0;
        if has_records && !confirmed {
            let what = messages::recorded_kinds(p.attendance.is_some() || p.hours_completed.is_some(), exams > 0);
            return Err(messages::records_in_class(&p.name, &class.title, &what, p.credited_hours));
        }
        let tx = self.conn.unchecked_transaction()?;
        table::class_participants::delete(&tx, class_id, worker_id)?;
        let old_value = if recorded.is_empty() { class.title.clone() } else { format!("{} ({recorded})", class.title) };
        self.append_audit(
            &tx,
            &AuditRecord {
                user_id: Some(&actor.id),
                entity: AuditEntity::Worker,
                entity_id: worker_id,
                action: AuditAction::ClassLeave,
                field: Some("class"),
                old_value: Some(&old_value),
                new_value: None,
                reason: has_records.then_some("confirmed: records in class"),
            },
        )?;
        // When and by whom, so that the agency's other desks weigh it against their own writes.
        let payload = certdesk_protocol::records::ParticipantRemoval {
            class_id: class_id.to_string(),
            worker_id: worker_id.to_string(),
            updated_at: self.now_text(),
            updated_by_id: actor.id.clone(),
        };
        let key = certdesk_protocol::sync::participant_key(class_id, worker_id);
        self.append_outbox(&tx, SyncEntity::ClassParticipant, &key, SyncOp::Delete, &payload)?;
        self.refresh_status(&tx, actor, worker_id)?;
        tx.commit()?;
        Ok(())
    }

    /// Record one grid row: attendance (offline) or hours completed (online). The credited
    /// hours follow the domain's crediting rule; the worker's status follows eligibility.
    pub fn record_attendance(
        &mut self,
        actor: &SessionUser,
        class_id: &str,
        worker_id: &str,
        input: &AttendanceInput,
    ) -> DeskResult<Participant> {
        let class = self.class_in(&self.conn, class_id)?;
        let old = self.participant_in(&self.conn, class_id, worker_id)?;
        let settings = self.training_settings()?;
        let timing = class_timing(&class)?;
        let day = timing.starts_at.date();
        let blank = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let (attendance, sign_in, sign_out, hours, credited) = if class.mode == ClassMode::Offline {
            if input.hours_completed.is_some() {
                return Err(DeskError::field(messages::offline_class_takes_attendance(rules::codes::ATTENDANCE_WRONG_MODE)));
            }
            let mut errors = Vec::new();
            let attendance = match blank(&input.attendance) {
                Some(a) => Attendance::parse(&a).map_err(|e| errors.push(e)).ok(),
                None => {
                    errors.push(messages::attendance_missing(rules::codes::ATTENDANCE_INVALID));
                    None
                }
            };
            let sign_in = blank(&input.sign_in).and_then(|s| parse_clock_time(&s, "sign_in", day).map_err(|e| errors.push(e)).ok());
            let sign_out = blank(&input.sign_out).and_then(|s| parse_clock_time(&s, "sign_out", day).map_err(|e| errors.push(e)).ok());
            if !errors.is_empty() {
                return Err(DeskError::validation(errors));
            }
            let attendance = attendance.expect("no errors");
            let credited = credit_offline(&timing, attendance, sign_in, sign_out, &settings)?;
            (
                Some(attendance),
                sign_in.map(|t| t.format(TIME_FORMAT).to_string()),
                sign_out.map(|t| t.format(TIME_FORMAT).to_string()),
                None,
                credited,
            )
        } else {
            if blank(&input.attendance).is_some() {
                return Err(DeskError::field(messages::online_class_takes_hours(rules::codes::ATTENDANCE_WRONG_MODE)));
            }
            let hours = input.hours_completed.ok_or_else(|| DeskError::field(messages::hours_completed_missing(rules::codes::HOURS_COMPLETED_INVALID)))?;
            (None, None, None, Some(hours), credit_online(&timing, hours)?)
        };
        let unchanged = old.attendance == attendance && old.sign_in == sign_in && old.sign_out == sign_out && old.hours_completed == hours;
        if unchanged {
            return Ok(old);
        }
        let tx = self.conn.unchecked_transaction()?;
        let row = GridRow { attendance, sign_in, sign_out, hours, credited };
        self.write_row_in_tx(&tx, actor, &class, &old, &row)?;
        let p = self.participant_in(&tx, class_id, worker_id)?;
        tx.commit()?;
        Ok(p)
    }

    /// Write one participant's row inside the caller's transaction: the row, its audit entry
    /// (old and new summary) and outbox entry, and the status that follows.
    pub(crate) fn write_row_in_tx(
        &self,
        tx: &Transaction<'_>,
        actor: &SessionUser,
        class: &TrainingClass,
        old: &Participant,
        row: &GridRow,
    ) -> DeskResult<()> {
        let (class_id, worker_id) = (class.id.as_str(), old.worker_id.as_str());
        let new_summary = summary(&row.attendance, row.hours, row.credited);
        let old_summary = summary(&old.attendance, old.hours_completed, HalfHours::from_hours(old.credited_hours).unwrap_or_default());
        let now = match table::class_participants::stamps(tx, class_id, worker_id)? {
            Some(held) => self.now_after(&held.updated_at),
            None => self.now_text(),
        };
        table::class_participants::update_row(tx, class_id, worker_id, row, &actor.id, &now)?;
        let field = format!("attendance:{}", class.title);
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: Some(&actor.id),
                entity: AuditEntity::Worker,
                entity_id: worker_id,
                action: AuditAction::Attendance,
                field: Some(&field),
                old_value: Some(old_summary.as_str()).filter(|s| !s.is_empty()),
                new_value: Some(&new_summary),
                reason: None,
            },
        )?;
        self.push_participant_outbox(tx, class_id, worker_id)?;
        self.refresh_status(tx, actor, worker_id)
    }

    pub(crate) fn push_participant_outbox(&self, tx: &Transaction<'_>, class_id: &str, worker_id: &str) -> DeskResult<()> {
        let p = self.participant_in(tx, class_id, worker_id)?;
        let stamps = table::class_participants::stamps(tx, class_id, worker_id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
        let payload = certdesk_protocol::records::ParticipantRecord {
            class_id: class_id.to_string(),
            worker_id: worker_id.to_string(),
            attendance: p.attendance,
            sign_in: p.sign_in,
            sign_out: p.sign_out,
            hours_completed: p.hours_completed,
            credited_hours: p.credited_hours,
            added_at: stamps.added_at,
            added_by_id: stamps.added_by,
            updated_at: stamps.updated_at,
            updated_by_id: stamps.updated_by,
            removed: false,
        };
        let key = certdesk_protocol::sync::participant_key(class_id, worker_id);
        self.append_outbox(tx, SyncEntity::ClassParticipant, &key, SyncOp::Upsert, &payload)
    }

    /// Record an exam attempt: the worker's next attempt number, the score against today's
    /// pass mark. Retakes are new attempts; nothing is overwritten.
    pub fn record_exam(&mut self, actor: &SessionUser, input: &ExamInput) -> DeskResult<ExamResult> {
        let worker_id = self.resolve_worker_key(&input.worker)?;
        let settings = self.training_settings()?;
        let mut errors = Vec::new();
        let score = parse_score(&input.score).map_err(|e| errors.push(e)).ok();
        let today = self.today();
        let date = match input.exam_date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Some(today),
            Some(d) => match parse_day(d, "exam_date") {
                Ok(d) if d > today => {
                    errors.push(messages::exam_date_future(d, today));
                    None
                }
                Ok(d) => Some(d),
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
        };
        let class_id = input.class_id.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if let Some(c) = class_id {
            self.class_in(&self.conn, c)?;
        }
        let (Some(score), Some(date)) = (score, date) else {
            return Err(DeskError::validation(errors));
        };
        let attempt = table::exam_results::next_attempt(&self.conn, &worker_id)?;
        let id = self.new_id();
        let now = self.now_text();
        let tx = self.conn.unchecked_transaction()?;
        let row = NewAttempt {
            id: &id,
            worker_id: &worker_id,
            class_id,
            exam_date: date,
            attempt,
            score,
            pass_mark: settings.pass_mark,
        };
        table::exam_results::insert(&tx, &row, &actor.id, &now)?;
        // An attempt typed with an earlier date than one held takes its place in the order.
        table::exam_results::renumber(&tx, &worker_id)?;
        let field = format!("exam:{attempt}");
        self.append_audit(
            &tx,
            &AuditRecord {
                user_id: Some(&actor.id),
                entity: AuditEntity::Worker,
                entity_id: &worker_id,
                action: AuditAction::Exam,
                field: Some(&field),
                old_value: None,
                new_value: Some(&score.to_string()),
                reason: None,
            },
        )?;
        let result = self.exam_in(&tx, &id)?;
        let payload = serde_json::to_value(&result).map_err(DeskError::internal)?;
        self.append_outbox(&tx, SyncEntity::ExamResult, &id, SyncOp::Upsert, &payload)?;
        self.refresh_status(&tx, actor, &worker_id)?;
        tx.commit()?;
        Ok(result)
    }

    fn exam_in(&self, conn: &rusqlite::Connection, id: &str) -> DeskResult<ExamResult> {
        Ok(table::exam_results::by_id(conn, id)?)
    }

    /// A worker's exam attempts, first attempt first.
    pub fn exam_results(&self, worker_id: &str) -> DeskResult<Vec<ExamResult>> {
        Ok(table::exam_results::of_worker(&self.conn, worker_id)?)
    }

    /// File (or correct) the supervision form of an offline class. A correction replaces the
    /// form; the audit trail keeps what it said before.
    pub fn file_supervision(&mut self, actor: &SessionUser, class_id: &str, input: &SupervisionInput) -> DeskResult<SupervisionForm> {
        let class = self.class_in(&self.conn, class_id)?;
        if class.mode != ClassMode::Offline {
            return Err(messages::supervision_online_class());
        }
        let v = validate_supervision(input).map_err(DeskError::validation)?;
        let old = self.supervision_in(&self.conn, class_id)?;
        let id = old.as_ref().map(|o| o.id.clone()).unwrap_or_else(|| self.new_id());
        let now = self.now_text();
        let tx = self.conn.unchecked_transaction()?;
        table::supervision_forms::put(&tx, (class_id, &id), &v, &actor.id, &now)?;
        let form = self.supervision_in(&tx, class_id)?.expect("just written");
        let new_json = serde_json::to_string(&v).map_err(DeskError::internal)?;
        let old_json = old.as_ref().map(|o| serde_json::to_string(o).unwrap_or_default());
        self.append_audit(
            &tx,
            &AuditRecord {
                user_id: Some(&actor.id),
                entity: AuditEntity::TrainingClass,
                entity_id: class_id,
                action: AuditAction::Supervision,
                field: Some("supervision_form"),
                old_value: old_json.as_deref(),
                new_value: Some(&new_json),
                reason: None,
            },
        )?;
        let payload = serde_json::to_value(&form).map_err(DeskError::internal)?;
        self.append_outbox(&tx, SyncEntity::SupervisionForm, &id, SyncOp::Upsert, &payload)?;
        // Filing the form can complete every participant's training.
        let ids = table::class_participants::worker_ids(&tx, class_id)?;
        for w in ids {
            self.refresh_status(&tx, actor, &w)?;
        }
        tx.commit()?;
        Ok(form)
    }

    pub(crate) fn supervision_in(&self, conn: &rusqlite::Connection, class_id: &str) -> DeskResult<Option<SupervisionForm>> {
        Ok(table::supervision_forms::of_class(conn, class_id)?)
    }

    /// Whether a worker may apply for a certificate, and if not, exactly what is missing.
    pub fn worker_eligibility(&self, worker_id: &str) -> DeskResult<Eligibility> {
        self.worker(worker_id)?;
        let settings = self.training_settings()?;
        Ok(rules::eligibility(&facts_in(&self.conn, worker_id)?, &settings))
    }

    /// A worker's training page: classes with credited hours, exam attempts, the verdict.
    pub fn worker_training(&self, worker_id: &str) -> DeskResult<WorkerTraining> {
        let w = self.worker(worker_id)?;
        let settings = self.training_settings()?;
        let facts = facts_in(&self.conn, worker_id)?;
        let eligibility = rules::eligibility(&facts, &settings);
        Ok(WorkerTraining {
            worker_id: w.id,
            status: w.status,
            classes: facts.classes,
            exams: self.exam_results(worker_id)?,
            eligibility,
        })
    }

    /// Bring a worker's status in line with the training records, inside the change's
    /// transaction: enrolled → in training when in a class; in training ⇄ eligible by the
    /// eligibility rule. Every status change is audited and pushed.
    pub(crate) fn refresh_status(&self, tx: &Transaction<'_>, actor: &SessionUser, worker_id: &str) -> DeskResult<()> {
        self.refresh_status_as(tx, (Some(&actor.id), AuditAction::Status), worker_id)
    }

    /// [`Desk::refresh_status`] as a user, or as the platform (`None`, with the timeline's
    /// action: a supervision form the programme office filed).
    pub(crate) fn refresh_status_as(&self, tx: &Transaction<'_>, who: (Option<&str>, AuditAction), worker_id: &str) -> DeskResult<()> {
        if self.recompute_status(tx, who, worker_id)? {
            self.push_worker_outbox(tx, worker_id)?;
        }
        Ok(())
    }

    /// [`Desk::refresh_status_as`] without announcing the worker to the platform (for training
    /// records another desk of the agency wrote and announces itself); whether the status moved.
    pub(crate) fn recompute_status(&self, tx: &Transaction<'_>, (user_id, action): (Option<&str>, AuditAction), worker_id: &str) -> DeskResult<bool> {
        let from = table::workers::status(tx, worker_id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
        let in_a_class = table::class_participants::in_any_class(tx, worker_id)?;
        // The lifecycle decides every step; training only says which events happened.
        let mut events = Vec::new();
        let mut to = from;
        if to == WorkerStatus::Enrolled && in_a_class {
            to = transition(to, LifecycleEvent::StartTraining).map_err(DeskError::field)?;
            events.push(LifecycleEvent::StartTraining);
        }
        if matches!(to, WorkerStatus::InTraining | WorkerStatus::Eligible) {
            let settings = settings_in(tx)?;
            let eligible = rules::eligibility(&facts_in(tx, worker_id)?, &settings).eligible;
            // A correction (a failed retake, an attendance fix) may undo eligibility.
            let event = match (to, eligible) {
                (WorkerStatus::InTraining, true) => Some(LifecycleEvent::CompleteTraining),
                (WorkerStatus::Eligible, false) => Some(LifecycleEvent::ReopenTraining),
                _ => None,
            };
            if let Some(event) = event {
                to = transition(to, event).map_err(DeskError::field)?;
                events.push(event);
            }
        }
        if to == from {
            return Ok(false);
        }
        // The one status move with its audit entry, as for cards and the platform's decisions.
        self.set_status_in(tx, worker_id, &events, (user_id, action, None))?;
        Ok(true)
    }
}

fn summary(attendance: &Option<Attendance>, hours: Option<f64>, credited: HalfHours) -> String {
    match (attendance, hours) {
        (Some(a), _) => format!("{} {credited}", a.code()),
        (None, Some(h)) => format!("online {h} {credited}"),
        (None, None) => String::new(),
    }
}

pub(crate) fn settings_in(conn: &rusqlite::Connection) -> DeskResult<TrainingSettings> {
    let get = |key: &str| -> DeskResult<Option<String>> {
        Ok(table::settings::get(conn, key)?)
    };
    let mut s = TrainingSettings::default();
    if let Some(v) = get(KEY_CLASS_HOUR_MINUTES)?.and_then(|v| v.parse().ok()) {
        s.class_hour_minutes = v;
    }
    if let Some(v) = get(KEY_PASS_MARK)?.and_then(|v| v.parse().ok()) {
        s.pass_mark = v;
    }
    Ok(s)
}

/// Everything eligibility looks at for one worker, read from the store.
fn facts_in(conn: &rusqlite::Connection, worker_id: &str) -> DeskResult<EligibilityFacts> {
    let record = table::workers::eligibility_record(conn, worker_id)?;
    let classes = table::class_participants::credits_of_worker(conn, worker_id)?;
    let exams = table::exam_results::attempts_of_worker(conn, worker_id)?;
    Ok(EligibilityFacts {
        consent_recorded: !record.consent_date.trim().is_empty(),
        agency_check_done: record.agency_check_done,
        classes,
        exams,
        details_missing: certdesk_domain::missing_details(&record.address, &record.emergency_contact_name, &record.emergency_contact_phone),
    })
}
