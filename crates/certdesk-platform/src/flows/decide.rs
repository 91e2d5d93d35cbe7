//! The police comparison's result for one application: approval (the certificate code with
//! the next serial of the agency's district and the year, the signed credential, its validity)
//! or rejection, each with the changes the agency pulls.

use certdesk_domain::certificate_code::CertificateCode;
use certdesk_domain::WorkerStatus;
use certdesk_protocol::credential::{sign_payload, CredentialClaims};
use certdesk_protocol::sync::{ChangeBody, CheckKind, RefusalCode};
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use uuid::Uuid;

use crate::messages::push;
use crate::store::repo::{ApplicationDecision, ApplicationKind, NewCertificate, Repo, RepoExt, Tx};
use super::{Decided, Decision, Signer};
use crate::store::{StoreError, StoreResult};

/// The last day of a certificate valid from `today` for `validity_days` days (at least one).
pub fn valid_until(today: NaiveDate, validity_days: u32) -> StoreResult<NaiveDate> {
    today
        .checked_add_days(Days::new(u64::from(validity_days.max(1) - 1)))
        .ok_or_else(|| StoreError::Signing("validity".into()))
}

/// Records the police comparison's result for a pending application; on a pass assigns the
/// code and signs the credential with `signer`, valid from `today` for `validity_days`.
pub fn decide<R: Repo + ?Sized>(
    repo: &R,
    application_id: Uuid,
    decision: &Decision,
    signer: &Signer<'_>,
    today: NaiveDate,
    validity_days: u32,
    now: DateTime<Utc>,
) -> StoreResult<Decided> {
    repo.transaction(|tx| {
        let Some(app) = tx.pending_application(application_id)? else {
            return Ok(Decided::NotPending);
        };
        let (worker_id, agency_id) = (app.worker_id, app.agency_id);
        if app.kind == ApplicationKind::Details {
            return decide_details(tx, application_id, worker_id, agency_id, decision, now);
        }
        match decision {
            Decision::Fail { reason } => {
                let rejected = ApplicationDecision::Rejected { reason: &reason.zh };
                tx.decide_application(application_id, rejected, now)?;
                tx.set_worker_status(worker_id, WorkerStatus::Rejected, now)?;
                tx.add_change(
                    Some(agency_id),
                    &ChangeBody::CheckResult {
                        worker_id,
                        check: CheckKind::PoliceCheck,
                        passed: false,
                        reason_zh: reason.zh.clone(),
                        reason_en: reason.en.clone(),
                    },
                    now,
                )?;
                let (message_zh, message_en) = push::police_check_failed(reason).into_pair();
                tx.add_change(
                    Some(agency_id),
                    &ChangeBody::Rejection {
                        worker_id,
                        code: RefusalCode::PoliceCheckFailed.as_str().into(),
                        message_zh,
                        message_en,
                    },
                    now,
                )?;
                Ok(Decided::Rejected)
            }
            Decision::Pass | Decision::PassAsSeen { .. } => {
                if let Some(changed) = changed_since_seen(tx, worker_id, decision)? {
                    return Ok(changed);
                }
                let district = CertificateCode::district_number(&app.district)
                    .ok_or_else(|| StoreError::Corrupt(format!("district {}", app.district)))?;
                let year =
                    u16::try_from(today.year()).map_err(|_| StoreError::Corrupt("year".into()))?;
                let serial = tx.next_serial(district, year)?;
                let code = CertificateCode::new(district, year, serial)
                    .map_err(|e| StoreError::Signing(e.message_en))?;
                let valid_until = valid_until(today, validity_days)?;
                let claims = CredentialClaims {
                    key_id: signer.key_id,
                    certificate_code: code,
                    card_version: 1,
                    valid_from: today,
                    valid_until,
                };
                let url = format!(
                    "{}{}",
                    signer.base_url,
                    sign_payload(&claims, signer.key)
                        .map_err(|e| StoreError::Signing(e.to_string()))?
                );
                let code_text = code.to_string();
                tx.add_certificate(
                    &NewCertificate {
                        code: &code_text,
                        worker_id,
                        agency_id,
                        application_id,
                        valid_from: today,
                        valid_until,
                        key_id: signer.key_id,
                        credential_url: &url,
                    },
                    now,
                )?;
                tx.decide_application(application_id, ApplicationDecision::Approved, now)?;
                tx.set_worker_status(worker_id, WorkerStatus::Approved, now)?;
                tx.add_change(
                    Some(agency_id),
                    &ChangeBody::CheckResult {
                        worker_id,
                        check: CheckKind::PoliceCheck,
                        passed: true,
                        reason_zh: String::new(),
                        reason_en: String::new(),
                    },
                    now,
                )?;
                tx.add_change(
                    Some(agency_id),
                    &ChangeBody::Approval {
                        worker_id,
                        certificate_code: code_text.clone(),
                        card_version: 1,
                        valid_from: today,
                        valid_until,
                        credential_url: url,
                    },
                    now,
                )?;
                approved_details(tx, worker_id, agency_id, now)?;
                Ok(Decided::Approved(code_text))
            }
        }
    })
}

/// An approval binds to the record version the operator saw: `RecordChanged` (with the version
/// now) when the record moved on since, `None` when it may go ahead.
fn changed_since_seen(tx: &mut dyn Tx, worker_id: Uuid, decision: &Decision) -> StoreResult<Option<Decided>> {
    let Decision::PassAsSeen { version } = decision else {
        return Ok(None);
    };
    let now_at = tx.worker(worker_id)?.map(|w| w.version);
    Ok((now_at != Some(*version)).then(|| Decided::RecordChanged(now_at.unwrap_or(0))))
}

/// Tells the agency what the worker's certificate now shows (the approved snapshot).
fn approved_details(tx: &mut dyn Tx, worker_id: Uuid, agency_id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
    let identity = tx
        .approved_identity(worker_id)?
        .ok_or_else(|| StoreError::Corrupt(format!("worker {worker_id} has no live certificate to show")))?;
    tx.add_change(
        Some(agency_id),
        &ChangeBody::ApprovedDetails {
            worker_id,
            name: identity.name,
            photo_sha256: identity.photo_sha256,
            service_types: identity.service_types,
        },
        now,
    )
}

/// An application for updated details (issue 11 item 1): approved, the record as stored (the
/// version the operator saw, when the page says which) becomes what the certificate shows;
/// rejected, the approved details stay and the agency is told why. The certificate, its code
/// and its cards are unchanged either way.
fn decide_details(
    tx: &mut dyn Tx,
    application_id: Uuid,
    worker_id: Uuid,
    agency_id: Uuid,
    decision: &Decision,
    now: DateTime<Utc>,
) -> StoreResult<Decided> {
    match decision {
        Decision::Fail { reason } => {
            tx.decide_application(application_id, ApplicationDecision::Rejected { reason: &reason.zh }, now)?;
            let (message_zh, message_en) = push::details_rejected(reason).into_pair();
            tx.add_change(Some(agency_id), &ChangeBody::DetailsRejected { worker_id, message_zh, message_en }, now)?;
            Ok(Decided::Rejected)
        }
        Decision::Pass | Decision::PassAsSeen { .. } => {
            if let Some(changed) = changed_since_seen(tx, worker_id, decision)? {
                return Ok(changed);
            }
            let Some(cert) = tx.live_certificates(worker_id)?.into_iter().next() else {
                // Cancelled meanwhile: nothing to update.
                tx.decide_application(application_id, ApplicationDecision::Withdrawn, now)?;
                return Ok(Decided::NotPending);
            };
            tx.refresh_approved_identity(worker_id)?;
            tx.decide_application(application_id, ApplicationDecision::Approved, now)?;
            approved_details(tx, worker_id, agency_id, now)?;
            Ok(Decided::Approved(cert.code))
        }
    }
}
