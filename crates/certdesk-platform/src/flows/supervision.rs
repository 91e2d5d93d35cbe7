//! 培训督导 from the platform (issue 14 item 4): what the programme office sees of an agency's
//! training, from the records its desks synced: every class (offline and online) with its
//! supervision form or the lack of one, and each online class's completion per worker (the
//! 线上培训 back-office check). Read only; the forms the office files are written by
//! [`file_supervision`].

use certdesk_domain::training::{validate_supervision, ClassMode, SupervisionInput};
use certdesk_domain::FieldError;
use certdesk_protocol::records::{ClassRecord, ParticipantRecord, SupervisionRecord};
use certdesk_protocol::sync::{ChangeBody, SyncEntity};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::store::repo::{RecordLink, Repo, RepoExt, Tx};
use crate::store::StoreResult;

pub use crate::messages::FILED_ON_PLATFORM;

/// A class's supervision form, in short.
#[derive(Debug, Clone, PartialEq)]
pub struct FormSummary {
    /// The supervisor.
    pub supervisor_name: String,
    /// `on_site` or `video`.
    pub method: String,
    /// When (`YYYY-MM-DD HH:MM`).
    pub supervised_at: String,
    /// Filed by the programme office on the platform (not by the agency's desk).
    pub by_platform: bool,
}

/// One class of the agency.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassOverview {
    /// The class's id (as the desk sent it).
    pub class_id: String,
    /// Its title.
    pub title: String,
    /// Offline or online.
    pub mode: ClassMode,
    /// Start, `YYYY-MM-DD HH:MM`.
    pub starts_at: String,
    /// End.
    pub ends_at: String,
    /// Where (offline).
    pub place: String,
    /// The trainer.
    pub trainer: String,
    /// Class hours.
    pub class_hours: f64,
    /// Workers on its list.
    pub participants: u32,
    /// Its supervision form (offline classes need one).
    pub supervision: Option<FormSummary>,
}

impl ClassOverview {
    /// An offline class without its supervision form: its hours count for nobody.
    pub fn needs_supervision(&self) -> bool {
        self.mode == ClassMode::Offline && self.supervision.is_none()
    }
}

/// One worker's completion of an online class.
#[derive(Debug, Clone, PartialEq)]
pub struct OnlineCompletion {
    /// The class.
    pub class_title: String,
    /// The worker's name as the platform holds it (empty when the worker is unknown).
    pub worker_name: String,
    /// Hours completed on the online platform.
    pub hours_completed: f64,
    /// The class's hours.
    pub class_hours: f64,
}

impl OnlineCompletion {
    /// Whether the worker completed the class.
    pub fn complete(&self) -> bool {
        self.hours_completed + 1e-9 >= self.class_hours
    }
}

/// What the office sees of one agency's training.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgencySupervision {
    /// Every class, newest first.
    pub classes: Vec<ClassOverview>,
    /// Online classes' completion per worker.
    pub online: Vec<OnlineCompletion>,
}

impl AgencySupervision {
    /// Offline classes, online classes, offline classes without a supervision form.
    pub fn counts(&self) -> (usize, usize, usize) {
        let offline = self.classes.iter().filter(|c| c.mode == ClassMode::Offline).count();
        let missing = self.classes.iter().filter(|c| c.needs_supervision()).count();
        (offline, self.classes.len() - offline, missing)
    }
}

fn payloads<T: for<'de> Deserialize<'de>>(tx: &mut dyn Tx, agency: Uuid, entity: SyncEntity) -> StoreResult<Vec<T>> {
    Ok(tx.live_payloads(agency, entity, RecordLink::All)?.into_iter().filter_map(|p| serde_json::from_value(p).ok()).collect())
}

fn overview_in(tx: &mut dyn Tx, agency: Uuid) -> StoreResult<AgencySupervision> {
    let classes: Vec<ClassRecord> = payloads(tx, agency, SyncEntity::TrainingClass)?;
    let forms: Vec<SupervisionRecord> = payloads(tx, agency, SyncEntity::SupervisionForm)?;
    let rows: Vec<ParticipantRecord> = payloads(tx, agency, SyncEntity::ClassParticipant)?;
    let mut out = AgencySupervision::default();
    for c in &classes {
        let supervision = forms.iter().find(|f| f.class_id == c.id).map(|f| FormSummary {
            supervisor_name: f.supervisor_name.clone(),
            method: f.method.code().to_string(),
            supervised_at: f.supervised_at.clone(),
            by_platform: f.recorded_by.as_deref().is_some_and(|r| r.starts_with(FILED_ON_PLATFORM)),
        });
        let on_list: Vec<&ParticipantRecord> = rows.iter().filter(|r| r.class_id == c.id).collect();
        if c.mode == ClassMode::Online {
            for r in &on_list {
                let worker_name = match Uuid::parse_str(&r.worker_id) {
                    Ok(id) => tx.worker(id)?.filter(|w| w.agency_id == agency).map(|w| w.name).unwrap_or_default(),
                    Err(_) => String::new(),
                };
                out.online.push(OnlineCompletion {
                    class_title: c.title.clone(),
                    worker_name,
                    hours_completed: r.hours_completed.unwrap_or(0.0),
                    class_hours: c.class_hours,
                });
            }
        }
        out.classes.push(ClassOverview {
            class_id: c.id.clone(),
            title: c.title.clone(),
            mode: c.mode,
            starts_at: c.starts_at.clone(),
            ends_at: c.ends_at.clone(),
            place: c.place.clone(),
            trainer: c.trainer.clone(),
            class_hours: c.class_hours,
            participants: on_list.len() as u32,
            supervision,
        });
    }
    out.classes.sort_by(|a, b| b.starts_at.cmp(&a.starts_at));
    Ok(out)
}

/// What the office sees of `agency`'s training.
pub fn overview<R: Repo + ?Sized>(repo: &R, agency: Uuid) -> StoreResult<AgencySupervision> {
    repo.transaction(|tx| overview_in(tx, agency))
}

/// Why the office's supervision form was not filed.
#[derive(Debug, Clone, PartialEq)]
pub enum FormRefused {
    /// The agency has no such class.
    NoClass,
    /// An online class has no supervision form (its back office is the check).
    OnlineClass,
    /// The class has its form already.
    AlreadyFiled,
    /// Fields that do not hold, each named.
    Invalid(Vec<FieldError>),
}

/// The office files the supervision form of `agency`'s offline class `class_id` (督导员 on site
/// or by video): stored as the agency's record, so it counts for the platform's own training
/// check at once, and sent to the agency's desks in their next pull, where it counts for
/// eligibility too. `form_id` and `now` come from the server's id source and clock.
#[allow(clippy::too_many_arguments)]
pub fn file_supervision<R: Repo + ?Sized>(
    repo: &R,
    agency: Uuid,
    class_id: &str,
    input: &SupervisionInput,
    operator: &str,
    form_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Result<(), FormRefused>> {
    let valid = match validate_supervision(input) {
        Ok(v) => v,
        Err(errors) => return Ok(Err(FormRefused::Invalid(errors))),
    };
    repo.transaction(|tx| {
        let overview = overview_in(tx, agency)?;
        let Some(class) = overview.classes.iter().find(|c| c.class_id == class_id) else {
            return Ok(Err(FormRefused::NoClass));
        };
        if class.mode != ClassMode::Offline {
            return Ok(Err(FormRefused::OnlineClass));
        }
        if class.supervision.is_some() {
            return Ok(Err(FormRefused::AlreadyFiled));
        }
        let mut payload = serde_json::to_value(&valid).map_err(|e| crate::store::StoreError::Corrupt(e.to_string()))?;
        let fields = payload.as_object_mut().expect("a form serialises to an object");
        fields.insert("id".into(), form_id.to_string().into());
        fields.insert("class_id".into(), class_id.into());
        fields.insert("supervised_at".into(), valid.supervised_at.format("%Y-%m-%d %H:%M").to_string().into());
        fields.insert("recorded_at".into(), crate::store::columns::ts(now).into());
        fields.insert("recorded_by".into(), format!("{FILED_ON_PLATFORM}{operator}").into());
        let class_key = class_id.to_owned();
        tx.put_record(SyncEntity::SupervisionForm, form_id, agency, &payload, now)?;
        tx.add_change(
            Some(agency),
            &ChangeBody::SupervisionFiled { form_id, class_id: class_key, form: payload.clone() },
            now,
        )?;
        Ok(Ok(()))
    })
}
