//! Health checks (体检) and insurance (保险) on the desk: recording them (with the report file,
//! stored once by its SHA-256), listing a worker's, and the rows the deadline list reads.
//!
//! Every record writes its row, an audit entry on the worker and an outbox entry
//! (`health_check` / `insurance`, synced to the platform like the training records) in one
//! transaction. The rules (closed sets, dates, the report's format and size) are
//! `certdesk_domain::health`'s; this module must never decide one, only refuse the same record
//! typed twice and store what the domain accepted.

use certdesk_domain::health::{
    check_report_file, check_report_size, validate_health_check, validate_insurance, HealthCategory, HealthCheckInput, HealthResult,
    InsuranceInput, InsuranceKind, ReportFormat, ValidHealthCheck, ValidInsurance,
};
use base64::Engine as _;
use certdesk_domain::standing::{CoverFact, HealthFact, Standing};
use certdesk_protocol::sync::{SyncEntity, SyncOp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::audit::{AuditAction, AuditEntity, AuditRecord};
use crate::messages;
use crate::table;
use crate::{Desk, DeskError, DeskResult, SessionUser};

/// A health check as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HealthCheck {
    pub id: String,
    pub worker_id: String,
    /// 体检日期, `YYYY-MM-DD`.
    pub checked_on: String,
    pub institution: String,
    pub category: HealthCategory,
    pub result: HealthResult,
    /// The last day it counts, `YYYY-MM-DD`.
    pub valid_until: String,
    /// The report file's SHA-256, when one was attached.
    pub report_sha256: Option<String>,
    /// Its MIME type (`application/pdf`, `image/jpeg`, `image/png`).
    pub report_mime: Option<String>,
    pub recorded_at: String,
    /// Display name of the user who recorded it.
    pub recorded_by: String,
    /// Their id, for the agency's other desks (absent from payloads written before).
    #[serde(default)]
    pub recorded_by_id: String,
}

/// An insurance policy as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InsurancePolicy {
    pub id: String,
    pub worker_id: String,
    pub insurer: String,
    pub policy_number: String,
    pub kind: InsuranceKind,
    /// The first day covered, `YYYY-MM-DD`.
    pub valid_from: String,
    /// The last day covered, `YYYY-MM-DD`.
    pub valid_until: String,
    pub recorded_at: String,
    /// Display name of the user who recorded it.
    pub recorded_by: String,
    /// Their id, for the agency's other desks (absent from payloads written before).
    #[serde(default)]
    pub recorded_by_id: String,
}

/// A health check in one line, as the worker's timeline shows it.
pub(crate) fn check_summary(v: &ValidHealthCheck) -> String {
    format!("{} {} {} {} → {}", v.checked_on, v.institution, v.category.code(), v.result.code(), v.valid_until)
}

/// A policy in one line, as the worker's timeline shows it.
pub(crate) fn policy_summary(v: &ValidInsurance) -> String {
    format!("{} {} {} {}..{}", v.insurer, v.policy_number, v.kind.code(), v.valid_from, v.valid_until)
}

/// A report file ready to store: its bytes, its format and its name (SHA-256).
pub(crate) struct Report<'a> {
    bytes: &'a [u8],
    format: ReportFormat,
    sha256: String,
}

impl Desk {
    /// Record a health check for the worker named by `worker` (id or ID number), with the
    /// report file's bytes if any. The same check (same day, same institution) typed twice is
    /// refused with `already_recorded` and changes nothing.
    pub fn record_health_check(
        &mut self,
        actor: &SessionUser,
        worker: &str,
        input: &HealthCheckInput,
        report: Option<&[u8]>,
    ) -> DeskResult<HealthCheck> {
        let worker_id = self.resolve_worker_key(worker)?;
        let mut errors = Vec::new();
        let valid = validate_health_check(input, self.today()).map_err(|e| errors.extend(e)).ok();
        let report = match report.map(|b| (b, check_report_file(b))) {
            None => None,
            Some((bytes, Ok(format))) => Some(Report { bytes, format, sha256: hex::encode(Sha256::digest(bytes)) }),
            Some((_, Err(e))) => {
                errors.push(e);
                None
            }
        };
        let Some(v) = valid.filter(|_| errors.is_empty()) else {
            return Err(DeskError::validation(errors));
        };
        if table::health_checks::same(&self.conn, &worker_id, &v.checked_on.to_string(), &v.institution)?.is_some() {
            return Err(messages::health_check_recorded(&v.checked_on.to_string(), &v.institution));
        }
        let tx = self.conn.unchecked_transaction()?;
        let check = self.health_check_in_tx(&tx, actor, &worker_id, &v, report.as_ref())?;
        tx.commit()?;
        Ok(check)
    }

    /// Writes a validated health check (its report file, the row, the audit entry and the
    /// outbox entry) inside the caller's transaction: one record typed or a file's rows.
    pub(crate) fn health_check_in_tx(
        &self,
        tx: &rusqlite::Transaction<'_>,
        actor: &SessionUser,
        worker_id: &str,
        v: &ValidHealthCheck,
        report: Option<&Report<'_>>,
    ) -> DeskResult<HealthCheck> {
        let id = self.new_id();
        let now = self.now_text();
        if let Some(r) = report {
            table::report_files::insert(tx, &r.sha256, r.format.mime(), r.bytes, &now)?;
        }
        let sha = report.map(|r| r.sha256.as_str());
        table::health_checks::insert(tx, (&id, worker_id), v, sha, (&actor.id, &now))?;
        let summary = check_summary(v);
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: Some(&actor.id),
                entity: AuditEntity::Worker,
                entity_id: worker_id,
                action: AuditAction::HealthCheck,
                field: Some("health_check"),
                old_value: None,
                new_value: Some(&summary),
                reason: None,
            },
        )?;
        let check = table::health_checks::by_id(tx, &id)?;
        let payload = serde_json::to_value(&check).map_err(DeskError::internal)?;
        self.append_outbox(tx, SyncEntity::HealthCheck, &id, SyncOp::Upsert, &payload)?;
        Ok(check)
    }

    /// [`Desk::record_health_check`] with the report as the window sends it: base64 (a data
    /// URL is accepted). A report over the limit is refused before it is decoded.
    pub fn record_health_check_b64(
        &mut self,
        actor: &SessionUser,
        worker: &str,
        input: &HealthCheckInput,
        report_b64: Option<&str>,
    ) -> DeskResult<HealthCheck> {
        let report = match report_b64.map(|b| b.rsplit_once(',').map(|(_, p)| p).unwrap_or(b).trim()) {
            None | Some("") => None,
            Some(payload) => {
                check_report_size(payload.len() / 4 * 3).map_err(|e| DeskError::validation(vec![e]))?;
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(payload)
                    .map_err(|_| DeskError::validation(vec![certdesk_domain::health::check_report_file(b"?").unwrap_err()]))?;
                Some(bytes)
            }
        };
        self.record_health_check(actor, worker, input, report.as_deref())
    }

    /// Where a worker's health check and insurance stand today, by this desk's records.
    pub fn standing(&self, worker_id: &str) -> DeskResult<Standing> {
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let health: Vec<HealthFact> = table::health_checks::of_worker(&self.conn, worker_id)?
            .into_iter()
            .filter_map(|h| Some(HealthFact { checked_on: day(&h.checked_on)?, result: h.result, valid_until: day(&h.valid_until)? }))
            .collect();
        let cover: Vec<CoverFact> = table::insurance_policies::of_worker(&self.conn, worker_id)?
            .into_iter()
            .filter_map(|p| Some(CoverFact { valid_from: day(&p.valid_from)?, valid_until: day(&p.valid_until)? }))
            .collect();
        Ok(Standing::of(&health, &cover, self.today()))
    }

    /// A worker's health checks, newest first.
    pub fn health_checks(&self, worker: &str) -> DeskResult<Vec<HealthCheck>> {
        let worker_id = self.resolve_worker_key(worker)?;
        Ok(table::health_checks::of_worker(&self.conn, &worker_id)?)
    }

    /// Record an insurance policy for the worker named by `worker` (id or ID number). The same
    /// policy number for the same worker is refused with `already_recorded`.
    pub fn record_insurance(&mut self, actor: &SessionUser, worker: &str, input: &InsuranceInput) -> DeskResult<InsurancePolicy> {
        let worker_id = self.resolve_worker_key(worker)?;
        let v = validate_insurance(input).map_err(DeskError::validation)?;
        if table::insurance_policies::same(&self.conn, &worker_id, &v.policy_number)?.is_some() {
            return Err(messages::insurance_recorded(&v.policy_number));
        }
        let tx = self.conn.unchecked_transaction()?;
        let policy = self.insurance_in_tx(&tx, actor, &worker_id, &v)?;
        tx.commit()?;
        Ok(policy)
    }

    /// Writes a validated policy (the row, the audit entry and the outbox entry) inside the
    /// caller's transaction.
    pub(crate) fn insurance_in_tx(&self, tx: &rusqlite::Transaction<'_>, actor: &SessionUser, worker_id: &str, v: &ValidInsurance) -> DeskResult<InsurancePolicy> {
        let id = self.new_id();
        let now = self.now_text();
        table::insurance_policies::insert(tx, (&id, worker_id), v, (&actor.id, &now))?;
        let summary = policy_summary(v);
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: Some(&actor.id),
                entity: AuditEntity::Worker,
                entity_id: worker_id,
                action: AuditAction::Insurance,
                field: Some("insurance"),
                old_value: None,
                new_value: Some(&summary),
                reason: None,
            },
        )?;
        let policy = table::insurance_policies::by_id(tx, &id)?;
        let payload = serde_json::to_value(&policy).map_err(DeskError::internal)?;
        self.append_outbox(tx, SyncEntity::Insurance, &id, SyncOp::Upsert, &payload)?;
        Ok(policy)
    }

    /// A worker's insurance policies, the latest cover first.
    pub fn insurance_policies(&self, worker: &str) -> DeskResult<Vec<InsurancePolicy>> {
        let worker_id = self.resolve_worker_key(worker)?;
        Ok(table::insurance_policies::of_worker(&self.conn, &worker_id)?)
    }

    /// A stored report file: its MIME type and bytes.
    pub fn report_file(&self, sha256: &str) -> DeskResult<Option<(String, Vec<u8>)>> {
        Ok(table::report_files::get(&self.conn, sha256)?)
    }

    /// The bytes of a blob the sync uploads (a photo or a report file), by its SHA-256.
    pub fn blob(&self, sha256: &str) -> DeskResult<Option<Vec<u8>>> {
        if let Some(photo) = self.photo(sha256)? {
            return Ok(Some(photo));
        }
        Ok(self.report_file(sha256)?.map(|(_, bytes)| bytes))
    }

}
