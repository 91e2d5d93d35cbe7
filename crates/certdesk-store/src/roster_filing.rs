//! Roster filing (名册备案, issue 14 item 2) on the desk: the rows of a period's roster as the
//! platform checks them ([`certdesk_protocol::roster::RosterRow`]: the certified workers whose
//! latest exam falls in the period), each filing kept under an id made here before it is sent
//! (so a lost answer is sent again under the same id and filed once), and the platform's signed
//! receipt, kept only once it verifies against the synced trust list and is for exactly the rows
//! sent. `certdesk roster receipts --verify` checks every kept receipt again, offline.
//!
//! The funding pack (项目资金材料, issue 14 item 3) of a period is computed here from the latest
//! filing of the period and this desk's training tables; the rule and the pack are the domain's
//! ([`certdesk_domain::funding`]), the same the platform uses on the records it was synced.

use certdesk_protocol::roster::{FilingReceipt, ReceiptProblem, RosterFiling, RosterRow};
use chrono::NaiveDate;
use serde::Serialize;

use certdesk_domain::funding::{FiledRow, FundingPack, HeldTraining, PackFiling};

use crate::audit::{AuditAction, AuditEntity, AuditRecord};
use crate::table::{self, workers::{with_roster, RosterQuery}};
use crate::{Desk, DeskError, DeskResult, SessionUser};

/// The certified statuses a roster lists (approved, printed, issued: 持证).
const CERTIFIED: [certdesk_domain::WorkerStatus; 3] =
    [certdesk_domain::WorkerStatus::Approved, certdesk_domain::WorkerStatus::Printed, certdesk_domain::WorkerStatus::Issued];

/// A filing kept on the desk.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KeptFiling {
    /// The desk's id of the filing.
    pub filing_id: String,
    /// First day of the period.
    pub period_from: NaiveDate,
    /// Last day of the period.
    pub period_to: NaiveDate,
    /// The filing number it corrects.
    pub replaces: Option<String>,
    /// Rows sent.
    pub row_count: u32,
    /// When it was prepared (RFC 3339).
    pub created_at: String,
    /// The platform's receipt; `None` while the platform has not answered.
    pub receipt: Option<FilingReceipt>,
    /// Set by a verification: why the receipt does not verify (`None`: it verifies, or was
    /// not checked).
    pub problem: Option<ReceiptProblem>,
    /// What the clerk reads about `problem` ([`ReceiptProblem::sentence`]), so the window
    /// shows the desk's own sentence.
    pub problem_sentence: Option<certdesk_domain::Bilingual>,
}

fn date(s: &str) -> DeskResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(DeskError::internal)
}

impl Desk {
    /// The rows of the roster for `[from, to]`: every certified worker whose latest exam falls
    /// in the period, with their class hours and exam as this desk holds them, under the
    /// agency's name as registered with the platform (this desk's own name before enrolment).
    pub fn roster_rows(&self, from: NaiveDate, to: NaiveDate) -> DeskResult<Vec<RosterRow>> {
        let agency = match self.sync_device()? {
            Some(device) => device.agency_name,
            None => self.agency()?.map(|a| a.name).unwrap_or_default(),
        };
        let query = RosterQuery { statuses: Some(&CERTIFIED), from: Some(from), to: Some(to) };
        let day = |s: Option<String>| s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
        with_roster(&self.conn, &query, |lines| {
            lines
                .map(|line| {
                    let line = line?;
                    Ok(RosterRow {
                        name: line.name,
                        id_number: line.id_number,
                        certificate_code: line.certificate_code.unwrap_or_default(),
                        agency_name: agency.clone(),
                        training_from: day(line.first_day),
                        training_to: day(line.last_day),
                        half_hours: line.half_hours.unwrap_or(0).max(0) as u32,
                        exam_score: line.score,
                        exam_date: day(line.exam_date),
                    })
                })
                .collect::<DeskResult<Vec<_>>>()
        })?
    }

    /// The filing to send for `[from, to]` (correcting `replaces`): the one prepared before and
    /// not answered yet when it has the same rows (a lost answer is sent again under the same
    /// id), otherwise a new one, kept before it is sent. Audited. Refused when nobody is on it.
    pub fn prepare_filing(
        &self,
        actor: &SessionUser,
        from: NaiveDate,
        to: NaiveDate,
        replaces: Option<&str>,
    ) -> DeskResult<RosterFiling> {
        let rows = self.roster_rows(from, to)?;
        if rows.is_empty() {
            return Err(crate::messages::roster_empty(from, to));
        }
        let json = serde_json::to_string(&rows).map_err(DeskError::internal)?;
        let waiting = table::roster_filings::waiting(&self.conn, (&from.to_string(), &to.to_string()), replaces, &json)?;
        let filing_id = match waiting {
            Some(id) => id,
            None => {
                let id = self.new_id();
                let tx = self.conn.unchecked_transaction()?;
                let row = table::roster_filings::FilingRow {
                    filing_id: id.clone(),
                    period_from: from.to_string(),
                    period_to: to.to_string(),
                    replaces: replaces.map(str::to_owned),
                    rows: json,
                    row_count: rows.len() as u32,
                    created_at: self.now_text(),
                    receipt: None,
                };
                table::roster_filings::insert(&tx, &row, &actor.id)?;
                let what = format!("{} rows, {from}..{to}{}", rows.len(), replaces.map(|r| format!(", correcting {r}")).unwrap_or_default());
                self.append_audit(
                    &tx,
                    &AuditRecord {
                        user_id: Some(&actor.id),
                        entity: AuditEntity::RosterFiling,
                        entity_id: &id,
                        action: AuditAction::Prepare,
                        field: None,
                        old_value: None,
                        new_value: Some(&what),
                        reason: None,
                    },
                )?;
                tx.commit()?;
                id
            }
        };
        Ok(RosterFiling {
            filing_id: uuid::Uuid::parse_str(&filing_id).map_err(DeskError::internal)?,
            period_from: from,
            period_to: to,
            replaces: replaces.map(str::to_owned),
            rows,
        })
    }

    /// Keeps the platform's receipt of a prepared filing, once it verifies against the synced
    /// trust list and is for exactly the rows sent; a receipt that does not is refused and
    /// nothing is kept.
    pub fn keep_receipt(&self, receipt: &FilingReceipt) -> DeskResult<KeptFiling> {
        let id = receipt.body.filing_id.to_string();
        let rows = table::roster_filings::rows_of(&self.conn, &id)?;
        let rows: Vec<RosterRow> = serde_json::from_str(&rows.ok_or_else(|| crate::messages::receipt_unknown(&receipt.body.number))?)
            .map_err(DeskError::internal)?;
        receipt.verify_for(&self.trust_list()?, &rows).map_err(crate::messages::receipt_invalid)?;
        let json = serde_json::to_string(receipt).map_err(DeskError::internal)?;
        table::roster_filings::set_receipt(&self.conn, &id, &json, &receipt.body.number)?;
        self.filings(false)?.into_iter().find(|f| f.filing_id == id).ok_or_else(|| DeskError::internal("the filing just kept"))
    }

    /// Forgets a prepared filing the platform refused (it filed nothing); a filing with a
    /// receipt is never forgotten.
    pub fn forget_unanswered_filing(&self, filing_id: &str) -> DeskResult<()> {
        table::roster_filings::forget_unanswered(&self.conn, filing_id)?;
        Ok(())
    }

    /// Every filing kept here, newest first; with `verify`, each receipt is checked again
    /// against the synced trust list and the rows kept with it (offline).
    pub fn filings(&self, verify: bool) -> DeskResult<Vec<KeptFiling>> {
        let trust = if verify { Some(self.trust_list()?) } else { None };
        let raw = table::roster_filings::all(&self.conn)?;
        raw.into_iter()
            .map(|table::roster_filings::FilingRow { filing_id, period_from: from, period_to: to, replaces, rows, row_count, created_at, receipt }| {
                // A stored receipt that no longer parses was changed on disk: it does not verify.
                let parsed = receipt.as_deref().map(serde_json::from_str::<FilingReceipt>);
                let problem = match (&trust, &parsed) {
                    (Some(_), Some(Err(_))) => Some(ReceiptProblem::BadSignature),
                    (Some(trust), Some(Ok(r))) => {
                        let rows: Vec<RosterRow> = serde_json::from_str(&rows).unwrap_or_default();
                        r.verify_for(trust, &rows).err()
                    }
                    _ => None,
                };
                Ok(KeptFiling {
                    filing_id,
                    period_from: date(&from)?,
                    period_to: date(&to)?,
                    replaces,
                    row_count,
                    created_at,
                    receipt: parsed.and_then(Result::ok),
                    problem_sentence: problem.map(|p| {
                        let (zh, en) = p.sentence();
                        certdesk_domain::Bilingual::new(zh, en)
                    }),
                    problem,
                })
            })
            .collect()
    }

    /// The funding pack of `[from, to]`: the latest filing of exactly that period (the newest
    /// receipt, a correction over the filing it replaces), each worker on it checked against
    /// this desk's training records by the domain's rule. Refused with a sentence for a period
    /// in the future, a period with no answered filing, or a receipt that no longer verifies.
    pub fn funding_pack(&self, from: NaiveDate, to: NaiveDate) -> DeskResult<FundingPack> {
        if to > self.today() {
            return Err(crate::messages::pack_period_future(from, to, self.today()));
        }
        let latest = self
            .filings(true)?
            .into_iter()
            .filter(|f| (f.period_from, f.period_to) == (from, to))
            .filter_map(|f| f.receipt.clone().map(|r| (f, r)))
            .max_by(|(_, a), (_, b)| a.body.filed_at.cmp(&b.body.filed_at).then_with(|| a.body.number.cmp(&b.body.number)));
        let Some((kept, receipt)) = latest else {
            return Err(crate::messages::pack_no_filing(from, to));
        };
        if let Some(problem) = kept.problem {
            return Err(crate::messages::receipt_invalid(problem));
        }
        let rows = table::roster_filings::rows_of(&self.conn, &kept.filing_id)?.unwrap_or_default();
        let rows: Vec<RosterRow> = serde_json::from_str(&rows).map_err(DeskError::internal)?;
        let settings = crate::training::settings_in(&self.conn)?;
        let mut facts = Vec::with_capacity(rows.len());
        for row in &rows {
            let held = match table::worker_certificates::local_worker(&self.conn, &row.certificate_code)? {
                Some(w) => Some(HeldTraining {
                    classes: table::class_participants::credits_of_worker(&self.conn, &w.id)?,
                    exams: table::exam_results::attempts_of_worker(&self.conn, &w.id)?,
                }),
                None => None,
            };
            facts.push((FiledRow::from(row), held));
        }
        Ok(FundingPack::build(PackFiling::from(&receipt.body), facts, settings))
    }

    /// Records in the audit log that `actor` exported the funding pack of filing `number`
    /// (it holds ID numbers) to `to`.
    pub fn audit_pack_export(&self, actor: &SessionUser, number: &str, to: &str) -> DeskResult<()> {
        let tx = self.conn.unchecked_transaction()?;
        self.append_audit(
            &tx,
            &AuditRecord {
                user_id: Some(&actor.id),
                entity: AuditEntity::RosterFiling,
                entity_id: number,
                action: AuditAction::ExportFundingPack,
                field: None,
                old_value: None,
                new_value: Some(to),
                reason: None,
            },
        )?;
        tx.commit()?;
        Ok(())
    }
}
