//! Workers (家政从业人员): enrolment (登记), information updates (信息更新) and the worker page.
//!
//! Every write validates with the domain's rules first and writes nothing when any field is
//! wrong; then the row, its name index, the audit entries and the outbox entry go in together.

use std::collections::HashSet;

use certdesk_protocol::sync::{SyncEntity, SyncOp};
use certdesk_domain::{validate_worker, FieldError, Gender, IdKind, IdNumber, ServiceType, ValidWorker, WorkerStatus};
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use crate::audit::{AuditEntry, AuditRecord};
use crate::column;
use crate::messages;
use crate::photo::jpeg_data_url;
use crate::{Desk, DeskError, DeskResult, SessionUser};

/// What the enrolment form sends: the domain's form plus the prepared photo's key.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkerInput {
    /// The typed fields.
    #[serde(flatten)]
    pub form: certdesk_domain::WorkerInput,
    /// The key returned by `prepare_photo`, if a photo was chosen.
    #[serde(default)]
    pub photo_sha256: Option<String>,
}

/// A worker as stored.
/// Serialised as it is, it is also the `worker` outbox payload: its JSON must stay as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Worker {
    pub id: String,
    pub name: String,
    pub id_number: String,
    pub id_number_legacy: Option<String>,
    pub gender: Gender,
    pub birth_date: String,
    pub phone: String,
    pub address: String,
    pub service_types: Vec<ServiceType>,
    pub emergency_contact_name: String,
    pub emergency_contact_phone: String,
    pub photo_sha256: Option<String>,
    pub consent_date: String,
    /// Display name of the user who witnessed the consent.
    pub consent_witness: String,
    pub agency_check_done: bool,
    /// Display name of the user who checked the ID card in person.
    pub agency_check_by: String,
    pub agency_check_at: String,
    pub status: WorkerStatus,
    pub certificate_code: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// The worker page: the record, its timeline and its photo.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkerDetail {
    pub worker: Worker,
    pub timeline: Vec<AuditEntry>,
    pub photo_data_url: Option<String>,
}

/// What the form shows live while the clerk types an ID number.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IdPreview {
    pub ok: bool,
    pub id_number: Option<String>,
    pub legacy: Option<String>,
    pub birth_date: Option<String>,
    pub gender: Option<Gender>,
    pub age: Option<u32>,
    pub kind: Option<IdKind>,
    pub error: Option<FieldError>,
}

const WORKER_COLUMNS: &str = "w.id, w.name, w.id_number, w.id_number_legacy, w.gender, w.birth_date, w.phone, w.address,
    w.service_types, w.emergency_contact_name, w.emergency_contact_phone, w.photo_sha256, w.consent_date,
    cw.display_name, w.agency_check_done, cb.display_name, w.agency_check_at, w.status, w.certificate_code,
    w.created_at, w.updated_at, w.version";

const WORKER_FROM: &str = "FROM workers w
    JOIN users cw ON cw.id = w.consent_witness_id
    JOIN users cb ON cb.id = w.agency_check_by";

fn worker_from_row(r: &Row<'_>) -> rusqlite::Result<Worker> {
    Ok(Worker {
        id: r.get(0)?,
        name: r.get(1)?,
        id_number: r.get(2)?,
        id_number_legacy: r.get(3)?,
        gender: column::code(r, 4)?,
        birth_date: r.get(5)?,
        phone: r.get(6)?,
        address: r.get(7)?,
        service_types: column::code_list(r, 8)?,
        emergency_contact_name: r.get(9)?,
        emergency_contact_phone: r.get(10)?,
        photo_sha256: r.get(11)?,
        consent_date: r.get(12)?,
        consent_witness: r.get(13)?,
        agency_check_done: r.get(14)?,
        agency_check_by: r.get(15)?,
        agency_check_at: r.get(16)?,
        status: column::code(r, 17)?,
        certificate_code: r.get(18)?,
        created_at: r.get(19)?,
        updated_at: r.get(20)?,
        version: r.get(21)?,
    })
}


pub(crate) fn reversed(s: &str) -> String {
    s.chars().rev().collect()
}

/// The 1- and 2-character pieces of a name, lower-cased, that the search index holds.
pub(crate) fn name_grams(name: &str) -> HashSet<String> {
    let chars: Vec<char> = name.to_lowercase().chars().filter(|c| !c.is_whitespace() && *c != '·').collect();
    let mut grams: HashSet<String> = chars.iter().map(|c| c.to_string()).collect();
    grams.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
    grams
}

fn write_grams(tx: &Transaction<'_>, worker_id: &str, name: &str) -> DeskResult<()> {
    tx.execute("DELETE FROM worker_name_grams WHERE worker_id = ?1", [worker_id])?;
    let mut stmt = tx.prepare_cached("INSERT OR IGNORE INTO worker_name_grams (gram, worker_id) VALUES (?1, ?2)")?;
    for g in name_grams(name) {
        stmt.execute(params![g, worker_id])?;
    }
    Ok(())
}

fn duplicate_error(existing_id: String, existing_name: &str) -> DeskError {
    messages::duplicate_id_number(existing_id, existing_name)
}

impl Desk {
    /// Validate a form completely: every wrong field at once, and the photo must be stored.
    fn validate_input(&self, input: &WorkerInput) -> DeskResult<ValidWorker> {
        let mut errors = Vec::new();
        let valid = match validate_worker(&input.form, self.today()) {
            Ok(v) => Some(v),
            Err(e) => {
                errors = e;
                None
            }
        };
        if let Some(sha) = &input.photo_sha256 {
            let exists: bool = self
                .conn
                .query_row("SELECT EXISTS(SELECT 1 FROM photos WHERE sha256 = ?1)", [sha], |r| r.get(0))?;
            if !exists {
                errors.push(messages::photo_missing());
            }
        }
        match valid {
            Some(v) if errors.is_empty() => Ok(v),
            _ => Err(DeskError::validation(errors)),
        }
    }

    pub(crate) fn find_by_id_number(&self, id_number: &str) -> DeskResult<Option<(String, String)>> {
        Ok(self
            .conn
            .query_row("SELECT id, name FROM workers WHERE id_number = ?1", [id_number], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    /// Enrol a worker (登记): validated, checked for a duplicate ID number, then saved durably.
    pub fn enrol_worker(&mut self, actor: &SessionUser, input: &WorkerInput) -> DeskResult<Worker> {
        let tx = self.conn.unchecked_transaction()?;
        let id = self.enrol_in_tx(&tx, actor, input)?;
        tx.commit()?;
        self.worker(&id)
    }

    /// Enrol many workers in one transaction (bulk load, import): all or nothing.
    pub fn enrol_workers(&mut self, actor: &SessionUser, inputs: &[WorkerInput]) -> DeskResult<Vec<String>> {
        let tx = self.conn.unchecked_transaction()?;
        let mut ids = Vec::with_capacity(inputs.len());
        for input in inputs {
            ids.push(self.enrol_in_tx(&tx, actor, input)?);
        }
        tx.commit()?;
        Ok(ids)
    }

    pub(crate) fn enrol_in_tx(&self, tx: &Transaction<'_>, actor: &SessionUser, input: &WorkerInput) -> DeskResult<String> {
        let v = self.validate_input(input)?;
        if let Some((existing, name)) = self.find_by_id_number(v.id_number.as_str())? {
            return Err(duplicate_error(existing, &name));
        }
        let id = self.new_id();
        let now = self.now_text();
        tx.prepare_cached(
            "INSERT INTO workers (id, name, id_number, id_number_legacy, id_rev, gender, birth_date, phone, phone_rev,
                address, service_types, emergency_contact_name, emergency_contact_phone, photo_sha256,
                consent_date, consent_witness_id, agency_check_done, agency_check_by, agency_check_at,
                status, certificate_code, created_at, created_by, updated_at, updated_by, version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 1, ?16, ?17,
                'enrolled', NULL, ?17, ?16, ?17, ?16, 1)",
        )?
        .execute(params![
            id,
            v.name,
            v.id_number.as_str(),
            v.id_number.legacy(),
            reversed(v.id_number.as_str()),
            v.id_number.gender().code(),
            v.id_number.birth_date().to_string(),
            v.phone.as_str(),
            reversed(v.phone.as_str()),
            v.address,
            column::code_list_json(&v.service_types),
            v.emergency_contact_name,
            v.emergency_contact_phone,
            input.photo_sha256,
            v.consent_date.to_string(),
            actor.id,
            now,
        ])?;
        write_grams(tx, &id, &v.name)?;
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: Some(&actor.id),
                entity: "worker",
                entity_id: &id,
                action: "enrol",
                field: None,
                old_value: None,
                new_value: Some(&v.name),
                reason: None,
            },
        )?;
        self.push_worker_outbox(tx, &id)?;
        Ok(id)
    }

    pub(crate) fn push_worker_outbox(&self, tx: &Transaction<'_>, id: &str) -> DeskResult<()> {
        let w = self.worker_in(tx, id)?;
        let payload = serde_json::to_value(&w).map_err(DeskError::internal)?;
        self.append_outbox(tx, SyncEntity::Worker, id, SyncOp::Upsert, &payload)
    }

    pub(crate) fn worker_in(&self, conn: &rusqlite::Connection, id: &str) -> DeskResult<Worker> {
        conn.prepare_cached(&format!("SELECT {WORKER_COLUMNS} {WORKER_FROM} WHERE w.id = ?1"))?
            .query_row([id], worker_from_row)
            .optional()?
            .ok_or_else(|| DeskError::not_found(messages::records::worker()))
    }

    /// One worker.
    pub fn worker(&self, id: &str) -> DeskResult<Worker> {
        self.worker_in(&self.conn, id)
    }

    /// The worker page: record, timeline, photo.
    pub fn worker_detail(&self, id: &str) -> DeskResult<WorkerDetail> {
        let worker = self.worker(id)?;
        let timeline = self.timeline("worker", id)?;
        let photo_data_url = match &worker.photo_sha256 {
            Some(sha) => self.photo(sha)?.map(|b| jpeg_data_url(&b)),
            None => None,
        };
        Ok(WorkerDetail { worker, timeline, photo_data_url })
    }

    /// Correct a worker's details (信息更新). Every changed field is kept in the audit trail
    /// with its old and new value; a changed ID number needs a written reason.
    pub fn update_worker(
        &mut self,
        actor: &SessionUser,
        id: &str,
        input: &WorkerInput,
        reason: Option<&str>,
    ) -> DeskResult<Worker> {
        let old = self.worker(id)?;
        let v = self.validate_input(input)?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let id_changed = v.id_number.as_str() != old.id_number;
        if id_changed {
            if reason.is_none() {
                return Err(messages::reason_required());
            }
            if let Some((existing, name)) = self.find_by_id_number(v.id_number.as_str())? {
                return Err(duplicate_error(existing, &name));
            }
        }
        let codes = |types: &[ServiceType]| types.iter().map(|t| t.code()).collect::<Vec<_>>().join(",");
        let consent_date = v.consent_date.to_string();
        let changes: Vec<(&str, String, String)> = [
            ("name", old.name.clone(), v.name.clone()),
            ("id_number", old.id_number.clone(), v.id_number.as_str().to_string()),
            ("phone", old.phone.clone(), v.phone.as_str().to_string()),
            ("address", old.address.clone(), v.address.clone()),
            ("service_types", codes(&old.service_types), codes(&v.service_types)),
            ("emergency_contact_name", old.emergency_contact_name.clone(), v.emergency_contact_name.clone()),
            ("emergency_contact_phone", old.emergency_contact_phone.clone(), v.emergency_contact_phone.clone()),
            ("photo", old.photo_sha256.clone().unwrap_or_default(), input.photo_sha256.clone().unwrap_or_default()),
            ("consent_date", old.consent_date.clone(), consent_date.clone()),
        ]
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .collect();
        if changes.is_empty() {
            return Ok(old);
        }
        let now = self.now_text();
        let tx = self.conn.unchecked_transaction()?;
        // A new consent date means a new signature, witnessed by whoever records it now.
        let witness_sql = if consent_date != old.consent_date { "consent_witness_id = ?14," } else { "" };
        tx.execute(
            &format!(
                "UPDATE workers SET name = ?2, id_number = ?3, id_number_legacy = ?4, id_rev = ?5, gender = ?6,
                    birth_date = ?7, phone = ?8, phone_rev = ?9, address = ?10, service_types = ?11,
                    emergency_contact_name = ?12, emergency_contact_phone = ?13, {witness_sql}
                    photo_sha256 = ?15, consent_date = ?16, updated_at = ?17, updated_by = ?14, version = version + 1
                 WHERE id = ?1"
            ),
            params![
                id,
                v.name,
                v.id_number.as_str(),
                v.id_number.legacy(),
                reversed(v.id_number.as_str()),
                v.id_number.gender().code(),
                v.id_number.birth_date().to_string(),
                v.phone.as_str(),
                reversed(v.phone.as_str()),
                v.address,
                column::code_list_json(&v.service_types),
                v.emergency_contact_name,
                v.emergency_contact_phone,
                actor.id,
                input.photo_sha256,
                consent_date,
                now,
            ],
        )?;
        if old.name != v.name {
            write_grams(&tx, id, &v.name)?;
        }
        for (field, old_value, new_value) in &changes {
            self.append_audit(
                &tx,
                &AuditRecord {
                    user_id: Some(&actor.id),
                    entity: "worker",
                    entity_id: id,
                    action: "update",
                    field: Some(field),
                    old_value: Some(old_value),
                    new_value: Some(new_value),
                    reason,
                },
            )?;
        }
        self.push_worker_outbox(&tx, id)?;
        tx.commit()?;
        self.worker(id)
    }

    /// What the form shows live for a typed ID number.
    pub fn id_preview(&self, typed: &str) -> IdPreview {
        let today = self.today();
        match IdNumber::parse(typed, today) {
            Ok(id) => IdPreview {
                ok: true,
                id_number: Some(id.as_str().to_string()),
                legacy: id.legacy().map(str::to_string),
                birth_date: Some(id.birth_date().to_string()),
                gender: Some(id.gender()),
                age: Some(id.age_on(today)),
                kind: Some(id.kind()),
                error: None,
            },
            Err(e) => IdPreview {
                ok: false,
                id_number: None,
                legacy: None,
                birth_date: None,
                gender: None,
                age: None,
                kind: None,
                error: Some(e),
            },
        }
    }
}
