//! The certificate lifecycle (登记、培训、申领、核准、制作、发放、注销、信息更新) as one pure state
//! machine, shared by the desk and the platform so both refuse the same moves with the same
//! sentence.
//!
//! [`transition`] is the only place that decides whether an event may happen in a status. This
//! module must never store a status, read the clock or look at anything but its two arguments;
//! callers persist the result.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::worker::WorkerStatus;

/// Stable code of the error returned when an event is not allowed in the current status.
pub const STATUS_TRANSITION: &str = "status_transition";

/// Something that happens to a worker's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleEvent {
    /// 开始培训: the worker joins a training class.
    StartTraining,
    /// 完成培训: class hours and exam done; the agency may now apply.
    CompleteTraining,
    /// 重新培训: a correction (a failed retake, an attendance fix) undid eligibility; the worker
    /// is in training again.
    ReopenTraining,
    /// 申领: the agency submits the application to the platform (again after a rejection).
    Apply,
    /// 核准: platform and police checks passed; the platform assigned a certificate code.
    Approve,
    /// 驳回: a check failed; the platform said why.
    Reject,
    /// 收到核准: the platform's approval arrives at a desk. The platform decides approvals, so
    /// it counts even when this desk never saw its application acknowledged (killed before
    /// recording the answer, or another desk of the agency applied).
    ReceiveApproval,
    /// 制作: a card is printed (again for a misprint, or a replacement for a lost card).
    Print,
    /// 发放: the card is handed to the worker.
    Issue,
    /// 注销: the worker left or misbehaved; the certificate stops verifying.
    Cancel,
    /// 信息更新: the record's details change; allowed at every stage, status unchanged.
    Update,
}

impl LifecycleEvent {
    /// Every event, for exhaustive tests and menus.
    pub const ALL: [LifecycleEvent; 11] = [
        LifecycleEvent::StartTraining,
        LifecycleEvent::CompleteTraining,
        LifecycleEvent::ReopenTraining,
        LifecycleEvent::Apply,
        LifecycleEvent::Approve,
        LifecycleEvent::Reject,
        LifecycleEvent::ReceiveApproval,
        LifecycleEvent::Print,
        LifecycleEvent::Issue,
        LifecycleEvent::Cancel,
        LifecycleEvent::Update,
    ];

    /// Chinese label, as the clerk says it.
    pub fn label_zh(&self) -> &'static str {
        match self {
            LifecycleEvent::StartTraining => "开始培训",
            LifecycleEvent::CompleteTraining => "完成培训",
            LifecycleEvent::ReopenTraining => "重新培训",
            LifecycleEvent::Apply => "申领",
            LifecycleEvent::Approve => "核准",
            LifecycleEvent::Reject => "驳回",
            LifecycleEvent::ReceiveApproval => "收到核准",
            LifecycleEvent::Print => "制作证件",
            LifecycleEvent::Issue => "发放证件",
            LifecycleEvent::Cancel => "注销",
            LifecycleEvent::Update => "信息更新",
        }
    }

    /// English label.
    pub fn label_en(&self) -> &'static str {
        match self {
            LifecycleEvent::StartTraining => "start training",
            LifecycleEvent::CompleteTraining => "complete training",
            LifecycleEvent::ReopenTraining => "reopen training",
            LifecycleEvent::Apply => "apply",
            LifecycleEvent::Approve => "approve",
            LifecycleEvent::Reject => "reject",
            LifecycleEvent::ReceiveApproval => "receive the approval",
            LifecycleEvent::Print => "print a card",
            LifecycleEvent::Issue => "issue the card",
            LifecycleEvent::Cancel => "cancel",
            LifecycleEvent::Update => "update the details",
        }
    }
}

/// The status after `event` happens in status `from`, or a `status_transition` error (field
/// `"status"`) naming both, in words a clerk understands.
///
/// The rules: training leads to eligibility, and a correction that undoes eligibility leads
/// back to training; only an eligible (or previously rejected) worker
/// may be applied for; only an application is approved or rejected; a card is printed only
/// after approval (and again, as a replacement, once issued); a desk records the platform's
/// approval from any status before approval except cancelled (the platform decided); cancellation ends every stage
/// except itself; information updates are allowed everywhere and change nothing.
pub fn transition(from: WorkerStatus, event: LifecycleEvent) -> Result<WorkerStatus, FieldError> {
    use LifecycleEvent as E;
    use WorkerStatus as S;
    let to = match (from, event) {
        (s, E::Update) => Some(s),
        (S::Enrolled, E::StartTraining) => Some(S::InTraining),
        (S::InTraining, E::CompleteTraining) => Some(S::Eligible),
        (S::Eligible, E::ReopenTraining) => Some(S::InTraining),
        (S::Eligible | S::Rejected, E::Apply) => Some(S::Applied),
        (S::Applied, E::Approve) => Some(S::Approved),
        (S::Applied, E::Reject) => Some(S::Rejected),
        (S::Enrolled | S::InTraining | S::Eligible | S::Applied | S::Rejected, E::ReceiveApproval) => Some(S::Approved),
        // Printing again after issue is the replacement of a lost or damaged card; printing
        // again before issue is a misprint. Both make a new card version.
        (S::Approved | S::Printed | S::Issued, E::Print) => Some(S::Printed),
        (S::Printed, E::Issue) => Some(S::Issued),
        (S::Cancelled, E::Cancel) => None,
        (_, E::Cancel) => Some(S::Cancelled),
        _ => None,
    };
    to.ok_or_else(|| refused(from, event))
}

/// Whether a worker in this status holds (or is applying for) the person's one certificate,
/// so that no other agency may apply for the same person meanwhile.
pub fn claims_certificate(status: WorkerStatus) -> bool {
    matches!(
        status,
        WorkerStatus::Applied
            | WorkerStatus::Approved
            | WorkerStatus::Printed
            | WorkerStatus::Issued
    )
}

/// How far along the lifecycle a status is, for [`merge_relayed`]: applied and rejected are
/// one step (the platform's answer to an application arrives as its own decision).
fn stage(status: WorkerStatus) -> u8 {
    use WorkerStatus as S;
    match status {
        S::Enrolled => 0,
        S::InTraining => 1,
        S::Eligible => 2,
        S::Applied | S::Rejected => 3,
        S::Approved => 4,
        S::Printed => 5,
        S::Issued => 6,
        S::Cancelled => 7,
    }
}

/// The status a desk keeps when another desk of its agency relays the same worker in
/// `relayed` while it holds `held` (issue 10): a status never moves backwards through a merge.
/// The training stages (enrolled, in training, eligible) are never taken from another desk:
/// every desk decides them by the training rules on the agency's training records, which
/// travel themselves (a failed retake on one desk must reopen training everywhere, not be
/// undone by a copy written before it). Past them the later stage wins (cancelled is final);
/// at the same stage the desk keeps what it holds, because the platform's own decisions
/// (approval, rejection) reach every desk as changes of their own, in the same order.
pub fn merge_relayed(held: WorkerStatus, relayed: WorkerStatus) -> WorkerStatus {
    if stage(relayed) <= stage(WorkerStatus::Eligible) {
        return held;
    }
    if stage(relayed) > stage(held) {
        relayed
    } else {
        held
    }
}

fn refused(from: WorkerStatus, event: LifecycleEvent) -> FieldError {
    crate::messages::status_transition(
        &crate::Bilingual::new(from.label_zh(), from.label_en()),
        &crate::Bilingual::new(event.label_zh(), event.label_en()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use LifecycleEvent as E;
    use WorkerStatus as S;

    /// The complete table of allowed moves other than `Update`; everything else is refused.
    const ALLOWED: &[(WorkerStatus, LifecycleEvent, WorkerStatus)] = &[
        (S::Enrolled, E::StartTraining, S::InTraining),
        (S::InTraining, E::CompleteTraining, S::Eligible),
        (S::Eligible, E::ReopenTraining, S::InTraining),
        (S::Eligible, E::Apply, S::Applied),
        (S::Rejected, E::Apply, S::Applied),
        (S::Applied, E::Approve, S::Approved),
        (S::Applied, E::Reject, S::Rejected),
        (S::Enrolled, E::ReceiveApproval, S::Approved),
        (S::InTraining, E::ReceiveApproval, S::Approved),
        (S::Eligible, E::ReceiveApproval, S::Approved),
        (S::Applied, E::ReceiveApproval, S::Approved),
        (S::Rejected, E::ReceiveApproval, S::Approved),
        (S::Approved, E::Print, S::Printed),
        (S::Printed, E::Print, S::Printed),
        (S::Issued, E::Print, S::Printed),
        (S::Printed, E::Issue, S::Issued),
        (S::Enrolled, E::Cancel, S::Cancelled),
        (S::InTraining, E::Cancel, S::Cancelled),
        (S::Eligible, E::Cancel, S::Cancelled),
        (S::Applied, E::Cancel, S::Cancelled),
        (S::Approved, E::Cancel, S::Cancelled),
        (S::Printed, E::Cancel, S::Cancelled),
        (S::Issued, E::Cancel, S::Cancelled),
        (S::Rejected, E::Cancel, S::Cancelled),
    ];

    #[test]
    fn a_relayed_status_never_moves_a_worker_backwards_and_cancelled_is_final() {
        // Forward moves past training are taken, whichever desk made them.
        assert_eq!(merge_relayed(S::InTraining, S::Applied), S::Applied);
        assert_eq!(merge_relayed(S::Approved, S::Issued), S::Issued);
        assert_eq!(merge_relayed(S::Issued, S::Cancelled), S::Cancelled);
        // The training stages are each desk's to decide on the agency's training records.
        assert_eq!(merge_relayed(S::Enrolled, S::Eligible), S::Enrolled);
        assert_eq!(merge_relayed(S::InTraining, S::Eligible), S::InTraining);
        assert_eq!(merge_relayed(S::Eligible, S::InTraining), S::Eligible);
        // Never backwards, never out of cancelled.
        assert_eq!(merge_relayed(S::Issued, S::Printed), S::Issued);
        for s in S::ALL {
            assert_eq!(merge_relayed(S::Cancelled, s), S::Cancelled);
            assert_eq!(merge_relayed(s, s), s);
        }
        // The same stage: the held one stays (the platform's decision comes on its own).
        assert_eq!(merge_relayed(S::Rejected, S::Applied), S::Rejected);
        assert_eq!(merge_relayed(S::Applied, S::Rejected), S::Applied);
        // Whatever the order two desks see them in, the later stage past training is where both
        // end.
        for a in S::ALL {
            for b in S::ALL {
                if stage(a) != stage(b) && stage(a).min(stage(b)) > stage(S::Eligible) {
                    assert_eq!(merge_relayed(a, b), merge_relayed(b, a), "{a:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn every_allowed_transition_leads_where_the_table_says() {
        for &(from, event, to) in ALLOWED {
            assert_eq!(transition(from, event), Ok(to), "{from:?} --{event:?}-->");
        }
    }

    #[test]
    fn every_other_transition_is_refused_with_a_sentence_naming_status_and_event() {
        let mut refused_count = 0;
        for from in S::ALL {
            for event in E::ALL {
                if event == E::Update || ALLOWED.iter().any(|&(f, e, _)| f == from && e == event) {
                    continue;
                }
                let err = transition(from, event).expect_err("not in the allowed table");
                assert_eq!(err.code, STATUS_TRANSITION);
                assert_eq!(err.field, "status");
                assert!(
                    err.message_zh.contains(from.label_zh())
                        && err.message_zh.contains(event.label_zh()),
                    "the clerk must see what was tried and in which status: {}",
                    err.message_zh
                );
                refused_count += 1;
            }
        }
        // Every status x every non-update event, minus the allowed moves.
        assert_eq!(refused_count, S::ALL.len() * (E::ALL.len() - 1) - ALLOWED.len());
    }

    #[test]
    fn only_an_eligible_worker_goes_back_to_training_and_only_into_training() {
        for s in S::ALL {
            let got = transition(s, E::ReopenTraining);
            if s == S::Eligible {
                assert_eq!(got, Ok(S::InTraining), "a correction that undoes eligibility reopens training");
            } else {
                assert!(got.is_err(), "{s:?} must not jump back to training: only eligibility can be undone");
            }
        }
    }

    #[test]
    fn a_received_approval_never_reopens_a_cancelled_or_moves_a_printed_certificate_back() {
        for s in [S::Approved, S::Printed, S::Issued, S::Cancelled] {
            assert!(
                transition(s, E::ReceiveApproval).is_err(),
                "{s:?}: the approval is already recorded (or the certificate ended); the status stays"
            );
        }
    }

    #[test]
    fn information_update_is_allowed_at_every_stage_and_keeps_the_status() {
        for s in S::ALL {
            assert_eq!(transition(s, E::Update), Ok(s));
        }
    }

    #[test]
    fn a_card_is_never_printed_before_approval() {
        for s in [
            S::Enrolled,
            S::InTraining,
            S::Eligible,
            S::Applied,
            S::Rejected,
            S::Cancelled,
        ] {
            assert!(transition(s, E::Print).is_err(), "{s:?} must not print");
        }
    }

    #[test]
    fn a_cancelled_certificate_stays_cancelled() {
        for event in E::ALL {
            let got = transition(S::Cancelled, event);
            if event == E::Update {
                assert_eq!(got, Ok(S::Cancelled));
            } else {
                assert!(
                    got.is_err(),
                    "{event:?} must not revive a cancelled certificate"
                );
            }
        }
    }

    #[test]
    fn refusal_reads_as_a_plain_sentence() {
        let err = transition(S::Enrolled, E::Apply).unwrap_err();
        assert_eq!(err.message_zh, "当前状态为“已登记”，不能申领");
        assert_eq!(
            err.message_en,
            "Cannot apply while the status is \"Enrolled\""
        );
    }

    #[test]
    fn only_applied_and_certified_statuses_claim_the_certificate() {
        let claiming: Vec<_> = S::ALL
            .into_iter()
            .filter(|&s| claims_certificate(s))
            .collect();
        assert_eq!(claiming, [S::Applied, S::Approved, S::Printed, S::Issued]);
    }

    #[test]
    fn events_serialize_as_snake_case() {
        assert_eq!(
            serde_json::to_value(E::CompleteTraining).unwrap(),
            "complete_training"
        );
    }
}
