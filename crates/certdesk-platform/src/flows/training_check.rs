//! The platform checks the training itself (平台核验培训): at application it does not take the
//! desk's word that a worker is `eligible`. It reads the training records the agency synced
//! (the worker's attendance and exam results, each class with its supervision form, the
//! agency's training settings), credits each class again with the domain's own functions
//! (`credit_offline`, `credit_online`) and decides with the same `eligibility` function the
//! desk uses. An application the synced records do not carry is refused with the domain's
//! sentence for every requirement that is missing, and nothing changes.
//!
//! What cannot be read (a payload from an older desk missing a field, a class the agency
//! deleted) counts for nothing: it can only make a worker less eligible, never more.

use certdesk_domain::training::{
    credit_offline, credit_online, eligibility, parse_datetime, validate_class, ClassCredit, ClassInput,
    ClassMode, Eligibility, EligibilityFacts, ExamAttempt, HalfHours, TrainingSettings,
};
use certdesk_domain::ValidWorker;
use certdesk_protocol::records::{ExamRecord, ParticipantRecord};
use certdesk_protocol::sync::{EntryOutcome, RefusalCode, SyncEntity};
use chrono::{NaiveDate, NaiveDateTime};
use uuid::Uuid;

use crate::messages::push;
use crate::store::repo::{RecordLink, Tx};
use crate::store::StoreResult;

fn time(s: &Option<String>) -> Option<NaiveDateTime> {
    s.as_deref().and_then(|s| parse_datetime(s, "sign_in").ok())
}

/// The agency's training settings as its desks last synced them (the defaults otherwise).
pub(super) fn settings(tx: &mut dyn Tx, agency: Uuid) -> StoreResult<TrainingSettings> {
    let synced = tx.live_payloads(agency, SyncEntity::TrainingSettings, RecordLink::All)?;
    Ok(synced.into_iter().find_map(|p| serde_json::from_value(p).ok()).unwrap_or_default())
}

/// One class of the worker credited again from the synced attendance, with the days it ran
/// (first and last); None when the class or the row cannot be read. The class is validated again by the desk's own form rule
/// (`validate_class`: its class hours must fit between its start and end), so a class pushed
/// with 30 class hours in one afternoon credits nothing.
fn credit(tx: &mut dyn Tx, agency: Uuid, row: &ParticipantRecord, settings: &TrainingSettings) -> StoreResult<Option<(ClassCredit, Days)>> {
    let class = tx.live_payloads(agency, SyncEntity::TrainingClass, RecordLink::Id(&row.class_id))?.into_iter().next();
    let Some(class) = class.and_then(|c| serde_json::from_value::<ClassInput>(c).ok()) else {
        return Ok(None);
    };
    let Ok(class) = validate_class(&class, settings) else {
        return Ok(None);
    };
    let credited = match class.mode {
        ClassMode::Offline => match row.attendance {
            Some(a) => credit_offline(&class.timing, a, time(&row.sign_in), time(&row.sign_out), settings).ok(),
            None => Some(HalfHours(0)),
        },
        ClassMode::Online => row.hours_completed.map_or(Some(HalfHours(0)), |h| credit_online(&class.timing, h).ok()),
    };
    let Some(credited) = credited else { return Ok(None) };
    let supervision_filed = class.mode == ClassMode::Online
        || !tx.live_payloads(agency, SyncEntity::SupervisionForm, RecordLink::Class(&row.class_id))?.is_empty();
    let days = (class.timing.starts_at.date(), class.timing.ends_at.date());
    Ok(Some((ClassCredit { class_id: row.class_id.clone(), title: class.title, mode: class.mode, credited, supervision_filed }, days)))
}

/// The first and last day of a class, or of a worker's training.
type Days = (NaiveDate, NaiveDate);

/// The worker's classes credited again and exam attempts, from what the agency synced, with
/// the agency's training settings.
pub(super) fn synced_training(tx: &mut dyn Tx, agency: Uuid, worker_id: Uuid) -> StoreResult<(Vec<ClassCredit>, Vec<ExamAttempt>, TrainingSettings)> {
    let (classes, exams, settings) = synced_classes(tx, agency, worker_id)?;
    Ok((classes.into_iter().map(|(c, _)| c).collect(), exams, settings))
}

/// A worker's synced training: each class credited with the days it ran, the exam attempts,
/// the agency's settings.
type SyncedClasses = (Vec<(ClassCredit, Days)>, Vec<ExamAttempt>, TrainingSettings);

/// [`synced_training`] with the days each class ran.
fn synced_classes(tx: &mut dyn Tx, agency: Uuid, worker_id: Uuid) -> StoreResult<SyncedClasses> {
    let settings = settings(tx, agency)?;
    let worker_key = worker_id.to_string();
    let rows = tx.live_payloads(agency, SyncEntity::ClassParticipant, RecordLink::Worker(&worker_key))?;
    let mut classes = Vec::new();
    for row in rows.into_iter().filter_map(|r| serde_json::from_value::<ParticipantRecord>(r).ok()) {
        if let Some(c) = credit(tx, agency, &row, &settings)? {
            classes.push(c);
        }
    }
    let exams = tx
        .live_payloads(agency, SyncEntity::ExamResult, RecordLink::Worker(&worker_key))?
        .into_iter()
        .filter_map(|e| serde_json::from_value::<ExamRecord>(e).ok())
        .filter_map(|e| Some(ExamAttempt { attempt: e.attempt, date: NaiveDate::parse_from_str(&e.exam_date, "%Y-%m-%d").ok()?, score: e.score }))
        .collect();
    Ok((classes, exams, settings))
}

/// What the platform holds of a worker's training, as a roster row states it.
pub(super) struct RosterFacts {
    /// Class hours credited (half hours).
    pub half_hours: u32,
    /// The latest exam attempt's score and date.
    pub exam: Option<(f64, NaiveDate)>,
    /// The first and last day of the classes that credited hours (as the desk's roster gives
    /// them: the earliest start and the latest end).
    pub days: Option<Days>,
}

/// [`RosterFacts`] from what the agency synced.
pub(super) fn synced_roster_facts(tx: &mut dyn Tx, agency: Uuid, worker_id: Uuid) -> StoreResult<RosterFacts> {
    let (classes, exams, _) = synced_classes(tx, agency, worker_id)?;
    let half_hours = classes.iter().map(|(c, _)| c.credited.0).sum();
    let exam = exams.iter().max_by_key(|e| e.attempt).map(|e| (e.score, e.date));
    let credited = classes.iter().filter(|(c, _)| c.credited.0 > 0).map(|(_, d)| *d);
    let days = credited.reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)));
    Ok(RosterFacts { half_hours, exam, days })
}

/// Whether the training the agency synced makes `worker_id` eligible, by the domain's rule.
pub(super) fn synced_eligibility(tx: &mut dyn Tx, agency: Uuid, worker_id: Uuid, worker: &ValidWorker) -> StoreResult<Eligibility> {
    let (classes, exams, settings) = synced_training(tx, agency, worker_id)?;
    let facts = EligibilityFacts {
        // The record was just re-validated: its consent date is there by the form's rules.
        consent_recorded: true,
        agency_check_done: worker.agency_check_done,
        classes,
        exams,
        details_missing: worker.missing_details(),
    };
    Ok(eligibility(&facts, &settings))
}

/// The refusal of an application whose synced training does not carry it, if it does not.
pub(super) fn refusal(tx: &mut dyn Tx, agency: Uuid, worker_id: Uuid, worker: &ValidWorker) -> StoreResult<Option<EntryOutcome>> {
    let verdict = synced_eligibility(tx, agency, worker_id, worker)?;
    if verdict.eligible {
        return Ok(None);
    }
    let zh: Vec<&str> = verdict.missing.iter().map(|m| m.message_zh.as_str()).collect();
    let en: Vec<&str> = verdict.missing.iter().map(|m| m.message_en.as_str()).collect();
    Ok(Some(EntryOutcome::rejected(RefusalCode::TrainingIncomplete, push::training_incomplete(&zh, &en))))
}
