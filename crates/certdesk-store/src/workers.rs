//! Workers (家政从业人员): enrolment (登记), information updates (信息更新) and the worker page.
//!
//! Every write validates with the domain's rules first and writes nothing when any field is
//! wrong; then the row, its name index, the audit entries and the outbox entry go in together.

use std::collections::HashSet;

use certdesk_protocol::sync::{SyncEntity, SyncOp};
use certdesk_protocol::worker_record::DETAIL_FIELDS;
use certdesk_domain::{validate_worker, validate_worker_record, Bilingual, FieldError, Gender, IdKind, IdNumber, PublicIdentity, ServiceType, ValidWorker, WorkerStatus};
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};

use crate::audit::{AuditAction, AuditEntity, AuditEntry, AuditRecord};
use crate::messages;
use crate::photo::jpeg_data_url;
use crate::table::{self, workers::WorkerRow};
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
    /// When each detail (a field of `certdesk_protocol::worker_record::DETAIL_FIELDS`) was last
    /// written: two desks' copies of the worker merge field by field by it (issue 10; empty
    /// from a desk before it).
    #[serde(default)]
    pub field_times: std::collections::BTreeMap<String, String>,
    /// Who last wrote each detail (user ids), named in the timeline of the agency's other desks.
    #[serde(default)]
    pub field_authors: std::collections::BTreeMap<String, String>,
    /// When this desk last decided the status (RFC 3339): the platform keeps a training stage
    /// from the copy that decided it later (empty from a desk before it).
    #[serde(default)]
    pub status_at: String,
    /// The ids of the users named above and of who added and last changed the record, so that
    /// the record names them on the agency's other desks (empty from a desk before them).
    #[serde(default)]
    pub consent_witness_id: String,
    #[serde(default)]
    pub agency_check_by_id: String,
    #[serde(default)]
    pub created_by_id: String,
    #[serde(default)]
    pub updated_by_id: String,
}

/// The worker page: the record, its timeline and its photo.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkerDetail {
    pub worker: Worker,
    pub timeline: Vec<AuditEntry>,
    pub photo_data_url: Option<String>,
    /// The details the record still lacks (待补全): field names of
    /// `certdesk_domain::COMPLETED_LATER`; empty for a complete record.
    pub missing_details: Vec<String>,
    /// For a certified worker whose card details changed or were refused: where their review
    /// stands.
    pub details_review: Option<DetailsReview>,
}

/// A certified worker's changed name, photo or service types and the platform's review of them
/// (issue 11 item 1): until it approves, cards print only the approved details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DetailsReview {
    /// The fields changed since approval: `name`, `photo`, `service_types` (empty when they
    /// were changed back).
    pub changed: Vec<String>,
    /// The approved name (what the certificate shows).
    pub approved_name: String,
    /// The platform's reason, when it refused the change.
    pub rejection: Option<Bilingual>,
}

/// A worker whose record is still to be completed (待补全), on the home screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkerToComplete {
    pub id: String,
    pub name: String,
    pub status: WorkerStatus,
    /// Field names of `certdesk_domain::COMPLETED_LATER`, in that order.
    pub missing: Vec<String>,
}

/// Whether a form must carry every detail (the enrolment form) or may leave those that are
/// completed later blank (an import, a correction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Details {
    Required,
    Later,
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

pub(crate) fn write_grams(tx: &Transaction<'_>, worker_id: &str, name: &str) -> DeskResult<()> {
    Ok(table::worker_name_grams::replace(tx, worker_id, name_grams(name))?)
}

/// The details a correction changes, by field code as the timeline names them: name, ID number,
/// phone, address, service types, emergency contact, photo and consent date.
pub(crate) type DetailValues = [(&'static str, String); 9];

fn service_codes(types: &[ServiceType]) -> String {
    types.iter().map(|t| t.code()).collect::<Vec<_>>().join(",")
}

/// The [`DetailValues`] of a validated record with its photo.
pub(crate) fn details_of(v: &ValidWorker, photo: Option<&str>) -> DetailValues {
    [
        ("name", v.name.clone()),
        ("id_number", v.id_number.as_str().to_string()),
        ("phone", v.phone.as_str().to_string()),
        ("address", v.address.clone()),
        ("service_types", service_codes(&v.service_types)),
        ("emergency_contact_name", v.emergency_contact_name.clone()),
        ("emergency_contact_phone", v.emergency_contact_phone.clone()),
        ("photo", photo.unwrap_or_default().to_string()),
        ("consent_date", v.consent_date.to_string()),
    ]
}

/// `map` with each of `fields` set to `value`, as the `field_times` (the time) and
/// `field_authors` (the user) columns hold it.
pub(crate) fn stamped<'a>(fields: impl Iterator<Item = &'a str>, value: &str, mut map: std::collections::BTreeMap<String, String>) -> String {
    for field in fields {
        map.insert(field.to_string(), value.to_string());
    }
    serde_json::to_string(&map).unwrap_or_else(|_| "{}".into())
}

/// Each field whose value differs: (field, old, new).
pub(crate) fn changed_details(old: DetailValues, new: DetailValues) -> Vec<(&'static str, String, String)> {
    old.into_iter().zip(new).filter(|((_, a), (_, b))| a != b).map(|((f, a), (_, b))| (f, a, b)).collect()
}

impl Worker {
    /// The record's [`DetailValues`].
    pub(crate) fn details(&self) -> DetailValues {
        [
            ("name", self.name.clone()),
            ("id_number", self.id_number.clone()),
            ("phone", self.phone.clone()),
            ("address", self.address.clone()),
            ("service_types", service_codes(&self.service_types)),
            ("emergency_contact_name", self.emergency_contact_name.clone()),
            ("emergency_contact_phone", self.emergency_contact_phone.clone()),
            ("photo", self.photo_sha256.clone().unwrap_or_default()),
            ("consent_date", self.consent_date.clone()),
        ]
    }
}

fn duplicate_error(existing_id: String, existing_name: &str) -> DeskError {
    messages::duplicate_id_number(existing_id, existing_name)
}

impl Desk {
    /// Validate a form completely: every wrong field at once, and the photo must be stored.
    /// With [`Details::Later`] a blank detail of [`certdesk_domain::COMPLETED_LATER`] is kept
    /// (the record is 待补全).
    fn validate_input(&self, input: &WorkerInput, details: Details) -> DeskResult<ValidWorker> {
        let mut errors = Vec::new();
        let validated = match details {
            Details::Required => validate_worker(&input.form, self.today()),
            Details::Later => validate_worker_record(&input.form, self.today()),
        };
        let valid = match validated {
            Ok(v) => Some(v),
            Err(e) => {
                errors = e;
                None
            }
        };
        if let Some(sha) = &input.photo_sha256 {
            if !table::photos::exists(&self.conn, sha)? {
                errors.push(messages::photo_missing());
            }
        }
        match valid {
            Some(v) if errors.is_empty() => Ok(v),
            _ => Err(DeskError::validation(errors)),
        }
    }

    pub(crate) fn find_by_id_number(&self, id_number: &str) -> DeskResult<Option<(String, String)>> {
        Ok(table::workers::id_and_name_by_id_number(&self.conn, id_number)?)
    }

    /// Enrol a worker (登记): validated, checked for a duplicate ID number, then saved durably.
    pub fn enrol_worker(&mut self, actor: &SessionUser, input: &WorkerInput) -> DeskResult<Worker> {
        let tx = self.conn.unchecked_transaction()?;
        let id = self.enrol_in_tx(&tx, actor, input, Details::Required)?;
        tx.commit()?;
        self.worker(&id)
    }

    /// Enrol many workers in one transaction (bulk load, import): all or nothing.
    pub fn enrol_workers(&mut self, actor: &SessionUser, inputs: &[WorkerInput]) -> DeskResult<Vec<String>> {
        let tx = self.conn.unchecked_transaction()?;
        let mut ids = Vec::with_capacity(inputs.len());
        for input in inputs {
            ids.push(self.enrol_in_tx(&tx, actor, input, Details::Required)?);
        }
        tx.commit()?;
        Ok(ids)
    }

    pub(crate) fn enrol_in_tx(&self, tx: &Transaction<'_>, actor: &SessionUser, input: &WorkerInput, details: Details) -> DeskResult<String> {
        let v = self.validate_input(input, details)?;
        if let Some((existing, name)) = self.find_by_id_number(v.id_number.as_str())? {
            return Err(duplicate_error(existing, &name));
        }
        let id = self.new_id();
        let now = self.now_text();
        let times = stamped(DETAIL_FIELDS.iter().map(|(f, _)| *f), &now, Default::default());
        let authors = stamped(DETAIL_FIELDS.iter().map(|(f, _)| *f), &actor.id, Default::default());
        let row = WorkerRow { id: &id, valid: &v, photo_sha256: input.photo_sha256.as_deref(), user_id: &actor.id, now: &now, field_times: &times, field_authors: &authors };
        table::workers::insert(tx, &row)?;
        write_grams(tx, &id, &v.name)?;
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: Some(&actor.id),
                entity: AuditEntity::Worker,
                entity_id: &id,
                action: AuditAction::Enrol,
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
        table::workers::by_id(conn, id)?
            .ok_or_else(|| DeskError::not_found(messages::records::worker()))
    }

    /// One worker. The id of a record merged into another (two desks enrolled the person
    /// offline) names the kept one, so a page or list opened before the merge still finds it.
    pub fn worker(&self, id: &str) -> DeskResult<Worker> {
        match table::worker_aliases::kept(&self.conn, id)? {
            Some(kept) if table::workers::status(&self.conn, id)?.is_none() => self.worker_in(&self.conn, &kept),
            _ => self.worker_in(&self.conn, id),
        }
    }

    /// The worker page: record, timeline, photo.
    pub fn worker_detail(&self, id: &str) -> DeskResult<WorkerDetail> {
        let worker = self.worker(id)?;
        let timeline = self.timeline(AuditEntity::Worker, &worker.id)?;
        let photo_data_url = match &worker.photo_sha256 {
            Some(sha) => self.photo(sha)?.map(|b| jpeg_data_url(&b)),
            None => None,
        };
        let missing_details = certdesk_domain::missing_details(&worker.address, &worker.emergency_contact_name, &worker.emergency_contact_phone)
            .into_iter()
            .map(str::to_string)
            .collect();
        let details_review = self.details_review(id)?;
        Ok(WorkerDetail { worker, timeline, photo_data_url, missing_details, details_review })
    }

    /// Where the review of a certified worker's changed card details stands; `None` when the
    /// record shows what was approved and nothing was refused (or there is no certificate).
    pub fn details_review(&self, id: &str) -> DeskResult<Option<DetailsReview>> {
        let Some((approved, rejection)) = table::worker_certificates::approved_details(&self.conn, id)? else {
            return Ok(None);
        };
        let w = self.worker(id)?;
        let changed: Vec<String> = PublicIdentity::of(&w.name, w.photo_sha256.as_deref(), &w.service_types)
            .changed_from(&approved)
            .into_iter()
            .map(str::to_owned)
            .collect();
        if changed.is_empty() && rejection.is_none() {
            return Ok(None);
        }
        Ok(Some(DetailsReview { changed, approved_name: approved.name, rejection }))
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
        // A correction may leave a detail still unknown blank: the record stays 待补全.
        let v = self.validate_input(input, Details::Later)?;
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
        // What a certified worker's card shows is the platform's to approve again: only a
        // manager changes it, with a reason, and the change goes back through review.
        let identity_changes = PublicIdentity::of(&v.name, input.photo_sha256.as_deref(), &v.service_types)
            .changed_from(&PublicIdentity::of(&old.name, old.photo_sha256.as_deref(), &old.service_types));
        let certified = table::worker_certificates::approved_details(&self.conn, id)?.is_some();
        if certified && !identity_changes.is_empty() {
            if !actor.is_manager() {
                return Err(messages::details_need_manager());
            }
            if reason.is_none() {
                return Err(messages::details_reason_required());
            }
        }
        let consent_date = v.consent_date.to_string();
        let changes = changed_details(old.details(), details_of(&v, input.photo_sha256.as_deref()));
        if changes.is_empty() {
            return Ok(old);
        }
        // After every write of a field the record holds, so that this save is the later write on
        // every desk even within the same millisecond (a tie would go by the value).
        let now = match old.field_times.values().max() {
            Some(latest) => self.now_after(latest),
            None => self.now_text(),
        };
        let tx = self.conn.unchecked_transaction()?;
        // A new consent date means a new signature, witnessed by whoever records it now.
        let times = stamped(changes.iter().map(|(f, _, _)| *f), &now, old.field_times.clone());
        let authors = stamped(changes.iter().map(|(f, _, _)| *f), &actor.id, old.field_authors.clone());
        let row = WorkerRow { id, valid: &v, photo_sha256: input.photo_sha256.as_deref(), user_id: &actor.id, now: &now, field_times: &times, field_authors: &authors };
        table::workers::update_details(&tx, &row, consent_date != old.consent_date)?;
        if old.name != v.name {
            write_grams(&tx, id, &v.name)?;
        }
        for (field, old_value, new_value) in &changes {
            self.append_audit(
                &tx,
                &AuditRecord {
                    user_id: Some(&actor.id),
                    entity: AuditEntity::Worker,
                    entity_id: id,
                    action: AuditAction::Update,
                    field: Some(field),
                    old_value: Some(old_value),
                    new_value: Some(new_value),
                    reason,
                },
            )?;
        }
        if certified && !identity_changes.is_empty() {
            // A new request: the platform's refusal of the earlier one no longer applies.
            table::worker_certificates::set_details_rejection(&tx, id, None)?;
        }
        self.push_worker_outbox(&tx, id)?;
        // Completing the record (or blanking a detail) may change what the worker may do.
        self.refresh_status(&tx, actor, id)?;
        tx.commit()?;
        self.worker(id)
    }

    /// Workers whose record lacks a detail to be completed later (待补全), for the home screen:
    /// at most `limit`, oldest enrolment first, each with what is missing.
    pub fn workers_to_complete(&self, limit: usize) -> DeskResult<Vec<WorkerToComplete>> {
        Ok(table::workers::to_complete(&self.conn, limit)?
            .into_iter()
            .map(|r| {
                let [address, contact_name, contact_phone] = &r.details;
                WorkerToComplete {
                    missing: certdesk_domain::missing_details(address, contact_name, contact_phone).into_iter().map(str::to_string).collect(),
                    id: r.id,
                    name: r.name,
                    status: r.status,
                }
            })
            .collect())
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
