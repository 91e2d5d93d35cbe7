//! Records another desk of the agency pushed, as the platform relays them (issue 10 item 1): a
//! worker enrolled or corrected on one desk appears on every desk of the agency at its next
//! sync, with its photo.
//!
//! A relayed worker is the copy the platform keeps (`certdesk_protocol::worker_record`): this
//! desk takes each field whose write is later than its own (the same merge the platform
//! makes), and the status only forward (`certdesk_domain::lifecycle::merge_relayed`).
//! What it takes is written in the worker's timeline under the user of the other desk who wrote
//! it. Nothing is sent back: the record is the agency's already.
//!
//! The training records follow the same way: a class as it was created (classes never change),
//! a participant's row by its later write (a removal too), an exam attempt once (attempts are
//! never overwritten; numbered in the order sat), a supervision form by its later filing; each worker they touch then
//! takes the status the training rules give on this desk's records, which are now the
//! agency's.
//!
//! Health checks and insurance policies are kept once each (they are never changed), with the
//! health check's report file fetched beside it; a check or policy this desk holds under
//! another id (the same check typed on two desks) is not kept twice.
//!
//! Card events (a print, a hand-over, a loss, a cancellation) are kept once each, as the
//! card's history; the status they moved comes with the worker's own record. An answer to a
//! citizen's complaint is kept once and marks the complaint answered, as on the desk that
//! typed it.
//!
//! Two desks that enrolled the same person (one ID number) offline end with one worker: the
//! platform merges the record that reached it second into the first and says so
//! (`worker_merged`); a desk holding the merged record moves everything of it to the kept one
//! ([`Desk::keep_worker_merge`]) and the clerk sees it in the timeline and the sync's counts.
//! Until then a relayed record of a person this desk holds under another id is left aside.
//!
//! A copy that does not read, or names a user, parent or photo this desk lacks, is refused and
//! counted, and changes nothing. An exam attempt two desks both numbered the same offline is
//! kept, and the worker's attempts are numbered again in the order sat (date, then time
//! recorded), so every desk numbers them alike.

use certdesk_domain::lifecycle::merge_relayed;
use certdesk_domain::{validate_worker_record, ValidWorker, WorkerStatus};
use certdesk_protocol::records::ParticipantRecord;
use certdesk_protocol::worker_record;
use image::{ImageFormat, ImageReader};
use rusqlite::Transaction;
use sha2::{Digest, Sha256};

use certdesk_domain::health::{check_report_file, validate_health_check, validate_insurance, HealthCheckInput, InsuranceInput};
use certdesk_domain::training::{validate_class, validate_supervision, ClassInput, ClassMode, HalfHours, SupervisionInput};

use crate::audit::{AuditAction, AuditEntity, AuditRecord};
use crate::card_events::{CardEvent, CardEventBody};
use crate::cards::signature_ok;
use crate::table::exam_results::NewAttempt;
use crate::health::{check_summary, policy_summary, HealthCheck, InsurancePolicy};
use crate::training::{settings_in, ExamResult, GridRow, SupervisionForm, TrainingClass};
use crate::photo::{PHOTO_HEIGHT, PHOTO_WIDTH};
use crate::table::{self, workers::{Authorship, WorkerRow}};
use crate::workers::{changed_details, details_of, write_grams, Worker};
use crate::{Desk, DeskError, DeskResult};

/// What keeping a relayed record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kept {
    /// Written (a new worker, later details or a later status).
    Changed,
    /// This desk already holds it (or something later).
    Unchanged,
    /// Refused: it does not read or does not fit this desk; nothing written.
    Refused,
}

/// The form a relayed copy's details would have been typed as, to validate them again.
fn form_of(w: &Worker) -> certdesk_domain::WorkerInput {
    certdesk_domain::WorkerInput {
        name: w.name.clone(),
        id_number: w.id_number_legacy.clone().unwrap_or_else(|| w.id_number.clone()),
        phone: w.phone.clone(),
        address: w.address.clone(),
        service_types: w.service_types.iter().map(|t| t.code().to_string()).collect(),
        emergency_contact_name: w.emergency_contact_name.clone(),
        emergency_contact_phone: w.emergency_contact_phone.clone(),
        consent_date: Some(w.consent_date.clone()),
        agency_check_done: w.agency_check_done,
    }
}

/// A relayed worker as this desk will write it.
struct Shape<'a> {
    valid: &'a ValidWorker,
    photo: Option<&'a str>,
    field_times: &'a str,
    field_authors: &'a str,
}

impl Desk {
    /// Keeps a worker another desk of the agency pushed (the payload of a relayed `worker`).
    pub(crate) fn keep_relayed_worker(&self, tx: &Transaction<'_>, payload: &serde_json::Value) -> DeskResult<Kept> {
        let Ok(relayed) = serde_json::from_value::<Worker>(payload.clone()) else {
            return Ok(Kept::Refused);
        };
        let authors = [&relayed.consent_witness_id, &relayed.agency_check_by_id, &relayed.created_by_id, &relayed.updated_by_id];
        for user in authors {
            if !table::users::exists(tx, user)? {
                return Ok(Kept::Refused);
            }
        }
        let held = table::workers::by_id(tx, &relayed.id)?;
        // What this desk would hold: the copy, or its held record with the copy's later fields.
        let candidate = match &held {
            None => relayed.clone(),
            Some(held) => {
                let held_payload = serde_json::to_value(held).map_err(DeskError::internal)?;
                let Ok(mut merged) = serde_json::from_value::<Worker>(worker_record::merge(&held_payload, payload)) else {
                    return Ok(Kept::Refused);
                };
                merged.updated_by_id = relayed.updated_by_id.clone();
                // When and by whom the record was made and checked are the agency's record of it,
                // as the platform keeps it: the same on every desk (they differ only on a desk
                // that held a record merged into this one).
                merged.created_at = relayed.created_at.clone();
                merged.created_by_id = relayed.created_by_id.clone();
                merged.agency_check_at = relayed.agency_check_at.clone();
                merged.agency_check_by_id = relayed.agency_check_by_id.clone();
                merged
            }
        };
        let Ok(valid) = validate_worker_record(&form_of(&candidate), self.today()) else {
            return Ok(Kept::Refused);
        };
        // The engine fetched the photo before this page; one the platform could not give is
        // left out rather than the worker.
        let photo = match &candidate.photo_sha256 {
            Some(sha) if table::photos::exists(tx, sha)? => Some(sha.as_str()),
            _ => None,
        };
        // Another record of a person this desk holds: two desks enrolled the person offline.
        // The platform merges the two when this desk's record reaches it
        // ([`Desk::keep_worker_merge`]) and relays the kept worker's records again; until then
        // this desk keeps its own, and the other record's id is set aside as an alias of it, so
        // that its records relayed meanwhile wait for the merge ([`Desk::awaits_merge`]).
        let same_person = table::workers::id_and_name_by_id_number(tx, valid.id_number.as_str())?;
        if let Some((held_id, _)) = same_person.filter(|(id, _)| *id != relayed.id) {
            table::worker_aliases::insert(tx, &relayed.id, &held_id, &self.now_text())?;
            return Ok(Kept::Unchanged);
        }
        if let Some(code) = &relayed.certificate_code {
            if table::workers::certificate_code_taken(tx, code, &relayed.id)? {
                return Ok(Kept::Refused);
            }
        }
        let times = serde_json::to_string(&candidate.field_times).map_err(DeskError::internal)?;
        let authors = serde_json::to_string(&candidate.field_authors).map_err(DeskError::internal)?;
        let shape = Shape { valid: &valid, photo, field_times: &times, field_authors: &authors };
        // The desk whose entry made this copy: it wrote the values that change here, and the
        // values it wrote that lost to a later write elsewhere come with the copy.
        let from = payload.get(worker_record::RELAYED_FROM).and_then(|v| v.as_str()).filter(|s| !s.is_empty());
        let kept = match held {
            None => self.adopt_worker(tx, &candidate, &shape)?,
            Some(held) => self.merge_worker(tx, &held, &candidate, relayed.status, &shape, from)?,
        };
        let lost: Vec<worker_record::LostWrite> =
            payload.get(worker_record::LOST_WRITES).and_then(|v| serde_json::from_value(v.clone()).ok()).unwrap_or_default();
        for l in &lost {
            self.keep_lost_write(tx, &relayed.id, l, from)?;
        }
        Ok(kept)
    }

    /// 未采用的修改 (issue 10 item 2): a value a desk of the agency wrote that another desk's
    /// later write of the field beat, kept in the worker's timeline with who wrote it (when this
    /// desk knows them) and on which desk. The worker keeps the later value.
    fn keep_lost_write(&self, tx: &Transaction<'_>, worker_id: &str, l: &worker_record::LostWrite, from: Option<&str>) -> DeskResult<()> {
        if !worker_record::DETAIL_FIELDS.iter().any(|(f, _)| *f == l.field) {
            return Ok(());
        }
        let by = l.by.as_deref().filter(|by| table::users::exists(tx, by).unwrap_or(false));
        // One fact, kept once: the same copy (or a later one listing the same lost value) may
        // arrive again, relayed after a merge or pulled a second time.
        if table::audit::has_entry(tx, (AuditEntity::Worker, worker_id), AuditAction::RelayLost, (&l.field, &l.value), (by, from))? {
            return Ok(());
        }
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: by,
                entity: AuditEntity::Worker,
                entity_id: worker_id,
                action: AuditAction::RelayLost,
                field: Some(&l.field),
                old_value: None,
                new_value: Some(&l.value),
                reason: from,
            },
        )
    }

    /// A worker this desk does not hold yet: written as the copy says.
    fn adopt_worker(&self, tx: &Transaction<'_>, w: &Worker, shape: &Shape<'_>) -> DeskResult<Kept> {
        let row = WorkerRow { id: &w.id, valid: shape.valid, photo_sha256: shape.photo, user_id: &w.created_by_id, now: &w.created_at, field_times: shape.field_times, field_authors: shape.field_authors };
        table::workers::insert(tx, &row)?;
        self.write_authorship(tx, w)?;
        table::workers::set_status(tx, &w.id, w.status, &w.updated_at, Some(&w.updated_by_id))?;
        if let Some(code) = &w.certificate_code {
            table::workers::set_certificate_code(tx, &w.id, code)?;
        }
        write_grams(tx, &w.id, &shape.valid.name)?;
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: Some(&w.created_by_id),
                entity: AuditEntity::Worker,
                entity_id: &w.id,
                action: AuditAction::RelayEnrol,
                field: None,
                old_value: None,
                new_value: Some(&shape.valid.name),
                reason: None,
            },
        )?;
        Ok(Kept::Changed)
    }

    /// A worker this desk holds: each field's later write (`merged`), the status forward.
    fn merge_worker(&self, tx: &Transaction<'_>, held: &Worker, merged: &Worker, relayed_status: WorkerStatus, shape: &Shape<'_>, from: Option<&str>) -> DeskResult<Kept> {
        let mut kept = Kept::Unchanged;
        let changes = changed_details(held.details(), details_of(shape.valid, shape.photo));
        // A later write of the same value changes no detail but its time and author, which every
        // desk must hold alike for later merges to agree.
        let restamped = merged.field_times != held.field_times
            || merged.field_authors != held.field_authors
            || (&merged.created_at, &merged.created_by_id, &merged.agency_check_at, &merged.agency_check_by_id)
                != (&held.created_at, &held.created_by_id, &held.agency_check_at, &held.agency_check_by_id);
        if !changes.is_empty() || restamped {
            let now = self.now_text();
            let row = WorkerRow { id: &merged.id, valid: shape.valid, photo_sha256: shape.photo, user_id: &merged.updated_by_id, now: &now, field_times: shape.field_times, field_authors: shape.field_authors };
            table::workers::update_details(tx, &row, false)?;
            self.write_authorship(tx, merged)?;
            if held.name != shape.valid.name {
                write_grams(tx, &merged.id, &shape.valid.name)?;
            }
            for (field, old_value, new_value) in &changes {
                // Who wrote the value taken: the field's author, when this desk knows them.
                let author = merged.field_authors.get(*field).filter(|by| table::users::exists(tx, by).unwrap_or(false));
                self.append_audit(
                    tx,
                    &AuditRecord {
                        user_id: Some(author.unwrap_or(&merged.updated_by_id)),
                        entity: AuditEntity::Worker,
                        entity_id: &merged.id,
                        action: AuditAction::RelayUpdate,
                        field: Some(field),
                        old_value: Some(old_value),
                        new_value: Some(new_value),
                        // On which desk it was written.
                        reason: from,
                    },
                )?;
            }
            kept = Kept::Changed;
        }
        let status = merge_relayed(held.status, relayed_status);
        if status != held.status {
            table::workers::set_status(tx, &merged.id, status, &self.now_text(), None)?;
            self.append_audit(
                tx,
                &AuditRecord {
                    user_id: None,
                    entity: AuditEntity::Worker,
                    entity_id: &merged.id,
                    action: AuditAction::RelayStatus,
                    field: Some("status"),
                    old_value: Some(held.status.code()),
                    new_value: Some(status.code()),
                    reason: None,
                },
            )?;
            kept = Kept::Changed;
        }
        Ok(kept)
    }

    /// 合并 (issue 10 item 2): the platform merged the record `merged_id` into `worker_id` (two
    /// desks of the agency enrolled the same person offline). A desk holding `merged_id` moves it
    /// and everything naming it (training, health, cards, feedback) to `worker_id`; the worker's
    /// details and status follow with the kept record's relayed copy, which comes next. The
    /// merged id stays as an alias, so the timeline still shows what was written under it, and
    /// the timeline says what happened. Nothing is sent back. `Unchanged` when this desk holds
    /// neither record.
    pub(crate) fn keep_worker_merge(&self, tx: &Transaction<'_>, worker_id: &str, merged_id: &str, at: &str) -> DeskResult<Kept> {
        if worker_id == merged_id || uuid::Uuid::parse_str(worker_id).is_err() {
            return Ok(Kept::Refused);
        }
        let held_merged = table::workers::status(tx, merged_id)?.is_some();
        if held_merged {
            // The kept record, set aside while this desk held the person under the merged id,
            // is no alias any more.
            table::worker_aliases::delete(tx, worker_id)?;
        }
        if table::worker_aliases::kept(tx, merged_id)?.as_deref() == Some(worker_id) {
            return Ok(Kept::Unchanged);
        }
        // Kept even when this desk holds neither (it may hold the person under a third id, to
        // be merged next): any id a desk of the agency made finds the kept worker.
        table::worker_aliases::insert(tx, merged_id, worker_id, at)?;
        if !held_merged && table::workers::status(tx, worker_id)?.is_none() {
            return Ok(Kept::Unchanged);
        }
        if held_merged {
            table::workers::merge_into(tx, merged_id, worker_id)?;
            table::exam_results::renumber(tx, worker_id)?;
            self.recompute_status(tx, (None, AuditAction::RelayStatus), worker_id)?;
        }
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: None,
                entity: AuditEntity::Worker,
                entity_id: worker_id,
                action: AuditAction::RelayMerged,
                field: None,
                old_value: Some(merged_id),
                new_value: Some(worker_id),
                reason: None,
            },
        )?;
        Ok(Kept::Changed)
    }

    /// Whether a relayed record names a worker set aside until the platform merges it with the
    /// record this desk holds of the same person: it is relayed again after the merge, so it is
    /// skipped now rather than refused.
    pub(crate) fn awaits_merge(&self, tx: &Transaction<'_>, payload: &serde_json::Value) -> DeskResult<bool> {
        let Some(worker) = payload.get("worker_id").and_then(|v| v.as_str()) else {
            return Ok(false);
        };
        Ok(table::workers::status(tx, worker)?.is_none() && table::worker_aliases::kept(tx, worker)?.is_some())
    }

    fn write_authorship(&self, tx: &Transaction<'_>, w: &Worker) -> DeskResult<()> {
        let authorship = Authorship {
            consent_witness_id: &w.consent_witness_id,
            agency_check_by: &w.agency_check_by_id,
            agency_check_at: &w.agency_check_at,
            created_at: &w.created_at,
            created_by: &w.created_by_id,
            updated_by: &w.updated_by_id,
        };
        Ok(table::workers::set_authorship(tx, &w.id, &authorship)?)
    }

    /// A class another desk of the agency created: written once, as it says.
    pub(crate) fn keep_relayed_class(&self, tx: &Transaction<'_>, payload: &serde_json::Value) -> DeskResult<Kept> {
        let Ok(class) = serde_json::from_value::<TrainingClass>(payload.clone()) else {
            return Ok(Kept::Refused);
        };
        if table::training_classes::by_id(tx, &class.id)?.is_some() {
            return Ok(Kept::Unchanged);
        }
        if !table::users::exists(tx, &class.created_by_id)? {
            return Ok(Kept::Refused);
        }
        let input = ClassInput {
            title: class.title.clone(),
            mode: class.mode.code().to_string(),
            starts_at: class.starts_at.clone(),
            ends_at: class.ends_at.clone(),
            place: class.place.clone(),
            trainer: class.trainer.clone(),
            class_hours: class.class_hours,
        };
        let Ok(valid) = validate_class(&input, &settings_in(tx)?) else {
            return Ok(Kept::Refused);
        };
        table::training_classes::insert_relayed(tx, &class, &valid)?;
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: Some(&class.created_by_id),
                entity: AuditEntity::TrainingClass,
                entity_id: &class.id,
                action: AuditAction::RelayCreate,
                field: None,
                old_value: None,
                new_value: Some(&class.title),
                reason: None,
            },
        )?;
        Ok(Kept::Changed)
    }

    /// A participant's row another desk of the agency wrote (or removed): taken when written
    /// later than this desk's; the worker's status follows.
    pub(crate) fn keep_relayed_participant(&self, tx: &Transaction<'_>, payload: &serde_json::Value) -> DeskResult<Kept> {
        // A row as another desk of the agency pushed it, or its removal.
        let Ok(p) = serde_json::from_value::<ParticipantRecord>(payload.clone()) else {
            return Ok(Kept::Refused);
        };
        if p.updated_at.is_empty() || p.updated_by_id.is_empty() {
            return Ok(Kept::Refused);
        }
        let Some(class) = table::training_classes::by_id(tx, &p.class_id)? else {
            return Ok(Kept::Refused);
        };
        if table::workers::status(tx, &p.worker_id)?.is_none() || !table::users::exists(tx, &p.updated_by_id)? {
            return Ok(Kept::Refused);
        }
        let held = table::class_participants::stamps(tx, &p.class_id, &p.worker_id)?;
        if held.as_ref().is_some_and(|h| h.updated_at >= p.updated_at) {
            return Ok(Kept::Unchanged);
        }
        let (action, summary) = if p.removed {
            if held.is_none() {
                return Ok(Kept::Unchanged);
            }
            table::class_participants::delete(tx, &p.class_id, &p.worker_id)?;
            (AuditAction::RelayClassLeave, class.title.clone())
        } else {
            let Some(credited) = HalfHours::from_hours(p.credited_hours) else {
                return Ok(Kept::Refused);
            };
            if held.is_none() {
                let added_by = if table::users::exists(tx, &p.added_by_id)? { &p.added_by_id } else { &p.updated_by_id };
                table::class_participants::insert(tx, &p.class_id, &p.worker_id, added_by, &p.added_at)?;
            }
            let row = GridRow { attendance: p.attendance, sign_in: p.sign_in.clone(), sign_out: p.sign_out.clone(), hours: p.hours_completed, credited };
            table::class_participants::update_row(tx, &p.class_id, &p.worker_id, &row, &p.updated_by_id, &p.updated_at)?;
            (AuditAction::RelayAttendance, format!("{} {}", class.title, credited))
        };
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: Some(&p.updated_by_id),
                entity: AuditEntity::Worker,
                entity_id: &p.worker_id,
                action,
                field: Some("class"),
                old_value: None,
                new_value: Some(&summary),
                reason: None,
            },
        )?;
        self.recompute_status(tx, (None, AuditAction::RelayStatus), &p.worker_id)?;
        Ok(Kept::Changed)
    }

    /// An exam attempt another desk of the agency recorded: kept once, under its number; the
    /// worker's status follows.
    pub(crate) fn keep_relayed_exam(&self, tx: &Transaction<'_>, payload: &serde_json::Value) -> DeskResult<Kept> {
        let Ok(e) = serde_json::from_value::<ExamResult>(payload.clone()) else {
            return Ok(Kept::Refused);
        };
        if table::exam_results::exists(tx, &e.id)? {
            return Ok(Kept::Unchanged);
        }
        let class_missing = match &e.class_id {
            Some(c) => table::training_classes::by_id(tx, c)?.is_none(),
            None => false,
        };
        let Ok(exam_date) = chrono::NaiveDate::parse_from_str(&e.exam_date, "%Y-%m-%d") else {
            return Ok(Kept::Refused);
        };
        let score_ok = (0.0..=100.0).contains(&e.score) && e.attempt >= 1;
        if class_missing || !score_ok || table::workers::status(tx, &e.worker_id)?.is_none() || !table::users::exists(tx, &e.recorded_by_id)? {
            return Ok(Kept::Refused);
        }
        let pass_mark = e.pass_mark.unwrap_or(settings_in(tx)?.pass_mark);
        // Two desks that recorded an attempt offline both took the next number: kept under a
        // free one, then every attempt numbered in the order sat, as on every desk.
        let attempt = table::exam_results::next_attempt(tx, &e.worker_id)?;
        let row = NewAttempt { id: &e.id, worker_id: &e.worker_id, class_id: e.class_id.as_deref(), exam_date, attempt, score: e.score, pass_mark };
        table::exam_results::insert(tx, &row, &e.recorded_by_id, &e.recorded_at)?;
        table::exam_results::renumber(tx, &e.worker_id)?;
        let field = format!("exam:{}", e.attempt);
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: Some(&e.recorded_by_id),
                entity: AuditEntity::Worker,
                entity_id: &e.worker_id,
                action: AuditAction::RelayExam,
                field: Some(&field),
                old_value: None,
                new_value: Some(&e.score.to_string()),
                reason: None,
            },
        )?;
        self.recompute_status(tx, (None, AuditAction::RelayStatus), &e.worker_id)?;
        Ok(Kept::Changed)
    }

    /// A supervision form another desk of the agency filed: taken when filed later than this
    /// desk's; the class's participants' statuses follow.
    pub(crate) fn keep_relayed_supervision(&self, tx: &Transaction<'_>, payload: &serde_json::Value) -> DeskResult<Kept> {
        let (Ok(form), Ok(input)) = (serde_json::from_value::<SupervisionForm>(payload.clone()), serde_json::from_value::<SupervisionInput>(payload.clone())) else {
            return Ok(Kept::Refused);
        };
        let Some(class) = table::training_classes::by_id(tx, &form.class_id)? else {
            return Ok(Kept::Refused);
        };
        let Ok(valid) = validate_supervision(&input) else {
            return Ok(Kept::Refused);
        };
        if class.mode != ClassMode::Offline || !table::users::exists(tx, &form.recorded_by_id)? {
            return Ok(Kept::Refused);
        }
        if table::supervision_forms::of_class(tx, &form.class_id)?.is_some_and(|held| held.recorded_at >= form.recorded_at) {
            return Ok(Kept::Unchanged);
        }
        table::supervision_forms::put(tx, (&form.class_id, &form.id), &valid, &form.recorded_by_id, &form.recorded_at)?;
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: Some(&form.recorded_by_id),
                entity: AuditEntity::TrainingClass,
                entity_id: &form.class_id,
                action: AuditAction::RelaySupervision,
                field: Some("supervision_form"),
                old_value: None,
                new_value: Some(&serde_json::to_string(&valid).map_err(DeskError::internal)?),
                reason: None,
            },
        )?;
        for w in table::class_participants::worker_ids(tx, &form.class_id)? {
            self.recompute_status(tx, (None, AuditAction::RelayStatus), &w)?;
        }
        Ok(Kept::Changed)
    }

    /// A health check another desk of the agency recorded: kept once, with its report when
    /// the engine could fetch it (left out otherwise, like a photo).
    pub(crate) fn keep_relayed_health_check(&self, tx: &Transaction<'_>, payload: &serde_json::Value) -> DeskResult<Kept> {
        let Ok(h) = serde_json::from_value::<HealthCheck>(payload.clone()) else {
            return Ok(Kept::Refused);
        };
        if table::health_checks::exists(tx, &h.id)? {
            return Ok(Kept::Unchanged);
        }
        if table::workers::status(tx, &h.worker_id)?.is_none() || !table::users::exists(tx, &h.recorded_by_id)? {
            return Ok(Kept::Refused);
        }
        let input = HealthCheckInput {
            checked_on: h.checked_on.clone(),
            institution: h.institution.clone(),
            category: h.category.code().to_string(),
            result: h.result.code().to_string(),
            valid_until: Some(h.valid_until.clone()),
        };
        let Ok(valid) = validate_health_check(&input, self.today()) else {
            return Ok(Kept::Refused);
        };
        if table::health_checks::same(tx, &h.worker_id, &valid.checked_on.to_string(), &valid.institution)?.is_some() {
            return Ok(Kept::Unchanged);
        }
        let report = match &h.report_sha256 {
            Some(sha) if table::report_files::get(tx, sha)?.is_some() => Some(sha.as_str()),
            _ => None,
        };
        table::health_checks::insert(tx, (&h.id, &h.worker_id), &valid, report, (&h.recorded_by_id, &h.recorded_at))?;
        let summary = check_summary(&valid);
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: Some(&h.recorded_by_id),
                entity: AuditEntity::Worker,
                entity_id: &h.worker_id,
                action: AuditAction::RelayHealthCheck,
                field: Some("health_check"),
                old_value: None,
                new_value: Some(&summary),
                reason: None,
            },
        )?;
        Ok(Kept::Changed)
    }

    /// An insurance policy another desk of the agency recorded: kept once.
    pub(crate) fn keep_relayed_insurance(&self, tx: &Transaction<'_>, payload: &serde_json::Value) -> DeskResult<Kept> {
        let Ok(p) = serde_json::from_value::<InsurancePolicy>(payload.clone()) else {
            return Ok(Kept::Refused);
        };
        if table::insurance_policies::exists(tx, &p.id)? {
            return Ok(Kept::Unchanged);
        }
        if table::workers::status(tx, &p.worker_id)?.is_none() || !table::users::exists(tx, &p.recorded_by_id)? {
            return Ok(Kept::Refused);
        }
        let input = InsuranceInput {
            insurer: p.insurer.clone(),
            policy_number: p.policy_number.clone(),
            kind: p.kind.code().to_string(),
            valid_from: p.valid_from.clone(),
            valid_until: p.valid_until.clone(),
        };
        let Ok(valid) = validate_insurance(&input) else {
            return Ok(Kept::Refused);
        };
        if table::insurance_policies::same(tx, &p.worker_id, &valid.policy_number)?.is_some() {
            return Ok(Kept::Unchanged);
        }
        table::insurance_policies::insert(tx, (&p.id, &p.worker_id), &valid, (&p.recorded_by_id, &p.recorded_at))?;
        let summary = policy_summary(&valid);
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: Some(&p.recorded_by_id),
                entity: AuditEntity::Worker,
                entity_id: &p.worker_id,
                action: AuditAction::RelayInsurance,
                field: Some("insurance"),
                old_value: None,
                new_value: Some(&summary),
                reason: None,
            },
        )?;
        Ok(Kept::Changed)
    }

    /// A card event another desk of the agency recorded (制作、发放、挂失、注销): kept once,
    /// as the card's history. A loss of a card version this desk already holds a loss for (two
    /// desks reported it offline), or a second cancellation, is not kept twice.
    pub(crate) fn keep_relayed_card_event(&self, tx: &Transaction<'_>, payload: &serde_json::Value) -> DeskResult<Kept> {
        let Ok(e) = serde_json::from_value::<CardEvent>(payload.clone()) else {
            return Ok(Kept::Refused);
        };
        let known_time = chrono::DateTime::parse_from_rfc3339(&e.at).is_ok();
        if !known_time || table::workers::status(tx, &e.worker_id)?.is_none() || !table::users::exists(tx, &e.by_id)? {
            return Ok(Kept::Refused);
        }
        let ids = (e.id.as_str(), e.worker_id.as_str());
        let (action, summary) = match &e.body {
            CardEventBody::Print { certificate_code, card_version, draft, layout, printer, design_version } => {
                if table::card_prints::exists(tx, &e.id)? {
                    return Ok(Kept::Unchanged);
                }
                let card = match (certificate_code, card_version) {
                    (Some(code), Some(version)) if !draft => Some((code.as_str(), *version)),
                    (None, None) if *draft => None,
                    _ => return Ok(Kept::Refused),
                };
                let print = table::card_prints::NewPrint { id: &e.id, worker_id: &e.worker_id, card, draft: *draft, layout: *layout, printer, design_version };
                table::card_prints::insert(tx, &print, &e.by_id, &e.at)?;
                let what = card.map_or_else(|| "draft".to_string(), |(code, version)| format!("{code} v{version}"));
                (AuditAction::RelayCardPrint, format!("{what} {printer}"))
            }
            CardEventBody::Handover { certificate_code, card_version, issued_on, signature_png } => {
                if table::card_handovers::exists(tx, &e.id)? {
                    return Ok(Kept::Unchanged);
                }
                let Ok(issued) = chrono::NaiveDate::parse_from_str(issued_on, "%Y-%m-%d") else {
                    return Ok(Kept::Refused);
                };
                let Ok(signature) = CardEventBody::signature(signature_png) else {
                    return Ok(Kept::Refused);
                };
                if signature.as_deref().is_some_and(|png| !signature_ok(png)) {
                    return Ok(Kept::Refused);
                }
                table::card_handovers::insert(tx, ids, (certificate_code, *card_version), (issued, signature.as_deref()), &e.by_id, &e.at)?;
                (AuditAction::RelayCardIssue, format!("{certificate_code} v{card_version} {issued_on}"))
            }
            CardEventBody::Loss { certificate_code, card_version, kind, note } => {
                if table::card_losses::exists(tx, &e.id)? || table::card_losses::any_since(tx, &e.worker_id, *card_version)? {
                    return Ok(Kept::Unchanged);
                }
                if note.chars().count() > 200 {
                    return Ok(Kept::Refused);
                }
                table::card_losses::insert(tx, ids, (certificate_code, *card_version), (*kind, note), &e.by_id, &e.at)?;
                (AuditAction::RelayCardLoss, format!("{certificate_code} v{card_version} {}", kind.code()))
            }
            CardEventBody::Cancellation { reason, note } => {
                if table::cancellations::of_worker(tx, &e.worker_id)?.is_some() {
                    return Ok(Kept::Unchanged);
                }
                if note.chars().count() > 200 {
                    return Ok(Kept::Refused);
                }
                table::cancellations::insert(tx, &e.worker_id, (*reason, note), &e.by_id, &e.at)?;
                (AuditAction::RelayCancel, format!("{}：{note}", reason.code()))
            }
        };
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: Some(&e.by_id),
                entity: AuditEntity::Worker,
                entity_id: &e.worker_id,
                action,
                field: Some("card"),
                old_value: None,
                new_value: Some(&summary),
                reason: None,
            },
        )?;
        Ok(Kept::Changed)
    }

    /// The agency's answer to a complaint another desk recorded (`answer_id`, the answer's own
    /// id): kept once, and the complaint marked answered by that desk's clerk. An answer from a
    /// desk that names no clerk (older), to a complaint this desk does not hold or the office
    /// closed, is refused and counted.
    pub(crate) fn keep_relayed_complaint_answer(&self, tx: &Transaction<'_>, answer_id: &str, payload: &serde_json::Value) -> DeskResult<Kept> {
        let Ok(a) = serde_json::from_value::<certdesk_protocol::complaint::ComplaintAnswer>(payload.clone()) else {
            return Ok(Kept::Refused);
        };
        if table::complaint_answers::exists(tx, answer_id)? {
            return Ok(Kept::Unchanged);
        }
        let (Some(by), Some(at)) = (&a.answered_by_id, a.answered_at) else {
            return Ok(Kept::Refused);
        };
        let complaint = a.complaint_id.to_string();
        let action = a.action.trim();
        let too_long = action.chars().count() > certdesk_protocol::complaint::MAX_COMPLAINT_TEXT;
        if action.is_empty() || too_long || !table::users::exists(tx, by)? || table::feedback::unclosed_complaint(tx, &complaint)?.is_none() {
            return Ok(Kept::Refused);
        }
        let at = at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        table::complaint_answers::insert(tx, (answer_id, &complaint), action, &a.done_on.to_string(), by, &at)?;
        table::feedback::mark_handled(tx, &complaint, &at, by)?;
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: Some(by),
                entity: AuditEntity::Feedback,
                entity_id: &complaint,
                action: AuditAction::RelayAnswerComplaint,
                field: Some("action"),
                old_value: None,
                new_value: Some(action),
                reason: None,
            },
        )?;
        Ok(Kept::Changed)
    }

    /// Keeps a health check's report file another desk of the agency uploaded, fetched before
    /// the check that names it is applied. Refused (`false`, nothing written) unless the bytes
    /// hash to the name and are a report the desk would take when typed (PDF, JPEG or PNG,
    /// within the size limit).
    pub fn keep_relayed_report(&mut self, sha256: &str, bytes: &[u8]) -> DeskResult<bool> {
        if hex::encode(Sha256::digest(bytes)) != sha256 {
            return Ok(false);
        }
        let Ok(format) = check_report_file(bytes) else {
            return Ok(false);
        };
        table::report_files::insert(&self.conn, sha256, format.mime(), bytes, &self.now_text())?;
        Ok(true)
    }

    /// Whether this desk holds the photo (or report file) `sha256` names.
    pub fn holds_blob(&self, sha256: &str) -> DeskResult<bool> {
        Ok(self.blob(sha256)?.is_some())
    }

    /// Keeps a worker's photo another desk of the agency uploaded, fetched from the platform
    /// before the record that names it is applied. Refused (`false`, nothing written) unless
    /// the bytes hash to the name and are a photo as every desk prepares them (a JPEG of
    /// 358 × 441): a swapped or hostile file never becomes a worker's photo.
    pub fn keep_relayed_photo(&mut self, sha256: &str, bytes: &[u8]) -> DeskResult<bool> {
        if hex::encode(Sha256::digest(bytes)) != sha256 {
            return Ok(false);
        }
        let mut reader = ImageReader::new(std::io::Cursor::new(bytes));
        reader.set_format(ImageFormat::Jpeg);
        if reader.into_dimensions().ok() != Some((PHOTO_WIDTH, PHOTO_HEIGHT)) {
            return Ok(false);
        }
        table::photos::insert_jpeg(&self.conn, sha256, PHOTO_WIDTH, PHOTO_HEIGHT, bytes, &self.now_text())?;
        Ok(true)
    }
}
