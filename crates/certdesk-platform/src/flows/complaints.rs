//! 投诉协调 (issue 14 item 5): a citizen's complaint, filed on the public page with a
//! reference, reaches the worker's agency (a `complaint` change in its desks' pull) and the
//! programme office (its complaints page). From here on:
//!
//! * the agency answers from a desk: an outbox record of entity `complaint_answer`
//!   ([`apply_answer`], inside the push's transaction), which moves the complaint to
//!   `answered`;
//! * the office asks the agency again ([`ask_again`]: back to the agency as `asked_again`, a
//!   `complaint_asked_again` change) or closes it with a conclusion ([`close`]: `closed`, a
//!   `complaint_closed` change);
//! * the citizen looks it up by reference and sees only its state (the public page).
//!
//! A closed complaint takes no answer and no further action. Every refusal changes nothing.

use certdesk_protocol::complaint::{ComplaintAnswer, ComplaintState, MAX_COMPLAINT_TEXT};
use certdesk_protocol::sync::{ChangeBody, EntryOutcome, OutboxEntry, RefusalCode, SyncEntity, SyncOp};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::PushContext;
use crate::messages::push;
use crate::rules;
use crate::store::complaints::{ComplaintEvent, ComplaintEventKind, ComplaintFilter, ComplaintRow};
use crate::store::repo::{Repo, RepoExt, Tx};
use crate::store::StoreResult;

/// Applies an agency's answer to a complaint (one outbox entry of entity `complaint_answer`)
/// inside the push's transaction: the complaint must be this agency's and not closed, the
/// answer must say what was done (at most [`MAX_COMPLAINT_TEXT`] characters), on a day
/// between the complaint's and today. The same answer sent again changes nothing.
pub(super) fn apply_answer(tx: &mut dyn Tx, ctx: &PushContext, entry: &OutboxEntry) -> StoreResult<EntryOutcome> {
    if entry.op != SyncOp::Upsert {
        return Ok(rules::unsupported(entry.entity.as_str(), entry.op.as_str()));
    }
    let refused = |code: RefusalCode, why| Ok(rules::complaint_answer_refused(code, why));
    let answer: ComplaintAnswer = match serde_json::from_value(entry.payload.clone()) {
        Ok(a) => a,
        Err(e) => return refused(RefusalCode::InvalidRecord, push::complaint_answer_unreadable(e)),
    };
    let answer_id = entry.entity_id;
    let action = answer.action.trim();
    if action.is_empty() {
        return refused(RefusalCode::InvalidRecord, push::complaint_answer_empty());
    }
    if action.chars().count() > MAX_COMPLAINT_TEXT {
        return refused(RefusalCode::InvalidRecord, push::complaint_answer_too_long(MAX_COMPLAINT_TEXT));
    }
    let Some(complaint) = tx.complaint(answer.complaint_id)?.filter(|c| c.agency_id == ctx.agency_id) else {
        return refused(RefusalCode::ComplaintUnknown, push::complaint_unknown());
    };
    if tx.complaint_events(complaint.id)?.iter().any(|e| e.id == answer_id) {
        return Ok(EntryOutcome::Applied);
    }
    if complaint.state == ComplaintState::Closed {
        return refused(RefusalCode::ComplaintClosed, push::complaint_closed());
    }
    let filed_on = complaint.created_at.with_timezone(&certdesk_domain::shanghai()).date_naive();
    if answer.done_on < filed_on || answer.done_on > ctx.today {
        return refused(RefusalCode::InvalidRecord, push::complaint_answer_date());
    }
    tx.add_complaint_event(&ComplaintEvent {
        id: answer_id,
        complaint_id: complaint.id,
        kind: ComplaintEventKind::Answered,
        text: action.to_owned(),
        done_on: Some(answer.done_on),
        by_whom: answer.answered_by.trim().chars().take(50).collect(),
        device_id: Some(ctx.device_id),
        at: ctx.now,
    })?;
    // The agency's other desks keep the answer too (issue 10 item 1).
    super::records::relay(tx, ctx, SyncEntity::ComplaintAnswer, answer_id, &entry.payload)?;
    Ok(EntryOutcome::Applied)
}

/// Why the office's action on a complaint was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionRefused {
    /// No such complaint.
    Unknown,
    /// It is closed already.
    Closed,
    /// The request or conclusion is empty.
    Empty,
    /// The request or conclusion is over [`MAX_COMPLAINT_TEXT`] characters.
    TooLong,
}

/// What the office does to a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeAction {
    /// 督办: ask the agency again (`note` says what for).
    AskAgain,
    /// 办结: close it (`note` is the conclusion).
    Close,
}

/// The office acts on complaint `id`: the event is recorded under `event_id`, the complaint
/// moves to its new state and the agency's desks receive the change in their next pull, in
/// one transaction. A refusal changes nothing.
pub fn act<R: Repo + ?Sized>(
    repo: &R,
    id: Uuid,
    action: OfficeAction,
    note: &str,
    operator: &str,
    event_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Result<ComplaintState, ActionRefused>> {
    let note = note.trim();
    if note.is_empty() {
        return Ok(Err(ActionRefused::Empty));
    }
    if note.chars().count() > MAX_COMPLAINT_TEXT {
        return Ok(Err(ActionRefused::TooLong));
    }
    repo.transaction(|tx| {
        let Some(complaint) = tx.complaint(id)? else {
            return Ok(Err(ActionRefused::Unknown));
        };
        if complaint.state == ComplaintState::Closed {
            return Ok(Err(ActionRefused::Closed));
        }
        let kind = match action {
            OfficeAction::AskAgain => ComplaintEventKind::AskedAgain,
            OfficeAction::Close => ComplaintEventKind::Closed,
        };
        tx.add_complaint_event(&ComplaintEvent {
            id: event_id,
            complaint_id: id,
            kind,
            text: note.to_owned(),
            done_on: None,
            by_whom: operator.to_owned(),
            device_id: None,
            at: now,
        })?;
        let change = match action {
            OfficeAction::AskAgain => ChangeBody::ComplaintAskedAgain { complaint_id: id, message: note.to_owned(), at: now },
            OfficeAction::Close => ChangeBody::ComplaintClosed { complaint_id: id, conclusion: note.to_owned(), at: now },
        };
        tx.add_change(Some(complaint.agency_id), &change, now)?;
        Ok(Ok(kind.state_after()))
    })
}

/// The office's list: complaints not closed (or all), oldest first, of one agency or all.
pub fn list<R: Repo + ?Sized>(repo: &R, filter: ComplaintFilter) -> StoreResult<Vec<ComplaintRow>> {
    repo.transaction(|tx| tx.complaints(filter))
}

/// One complaint with its history, for the office.
pub fn detail<R: Repo + ?Sized>(repo: &R, id: Uuid) -> StoreResult<Option<(ComplaintRow, Vec<ComplaintEvent>)>> {
    repo.transaction(|tx| {
        let Some(c) = tx.complaint(id)? else { return Ok(None) };
        let events = tx.complaint_events(id)?;
        Ok(Some((c, events)))
    })
}
