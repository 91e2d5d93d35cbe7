//! Roster filing (名册备案, issue 14 item 2): an agency files its roster of certified staff for
//! a period; every row is checked against what the platform holds (the certificate exists and
//! is this agency's, the name and ID number are its holder's, the class hours, the training
//! dates and the latest exam are what the synced training records give) and the filing is answered with a signed
//! receipt ([`certdesk_protocol::roster`]). Nothing is stored unless every row holds.
//!
//! A filing is never changed. The same filing sent again (the desk's `filing_id`, a lost
//! answer) gets its receipt again; the same rows for the same period under another id are a
//! replay and refused; a correction names the filing it replaces, of the same agency and
//! period, and each filing is corrected at most once.

use std::collections::HashSet;

use certdesk_protocol::roster::{canonical_roster, roster_sha256, FilingReceipt, ReceiptBody, RosterFiling, RosterRow, MAX_ROSTER_ROWS};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

use super::training_check::synced_roster_facts;
use crate::keys::PlatformKey;
use crate::store::repo::{FilingKey, NewFiling, Repo, RepoExt, Tx};
use crate::store::{StoreError, StoreResult};

/// Who files, and when.
#[derive(Debug, Clone, Copy)]
pub struct FilingContext {
    /// The authenticated device.
    pub device_id: Uuid,
    /// Its agency.
    pub agency_id: Uuid,
    /// Now.
    pub now: DateTime<Utc>,
    /// Today in Shanghai.
    pub today: NaiveDate,
}

/// What is wrong with one row (1-based `row` as the desk sent it).
#[derive(Debug, Clone, PartialEq)]
pub struct RowProblem {
    /// The row's place in the request, from 1.
    pub row: usize,
    /// The certificate code the row names.
    pub code: String,
    /// What is wrong.
    pub what: RowFault,
}

/// The faults a row can have.
#[derive(Debug, Clone, PartialEq)]
pub enum RowFault {
    /// No certificate has this code.
    CodeUnknown,
    /// The certificate is another agency's.
    OtherAgency,
    /// The name or the ID number is not the certificate holder's.
    IdentityDiffers,
    /// The agency name is not the agency's registered name.
    AgencyName,
    /// The certificate is on the roster twice.
    Duplicate,
    /// The class hours are not what the synced training gives.
    HoursDiffer {
        /// As filed (half hours).
        filed: u32,
        /// As the platform credits them (half hours).
        held: u32,
    },
    /// The training dates are not the first and last day of the synced classes that credited
    /// hours.
    TrainingDaysDiffer,
    /// The exam score or date is not the latest synced attempt's.
    ExamDiffers,
    /// The exam date is missing or outside the filing's period.
    OutsidePeriod,
}

/// Why a filing is refused; nothing was stored.
#[derive(Debug, Clone, PartialEq)]
pub enum FilingRefused {
    /// The period ends before it starts.
    PeriodReversed,
    /// The period ends after today.
    PeriodInFuture,
    /// No rows.
    Empty,
    /// More rows than allowed.
    TooManyRows,
    /// Rows that do not hold (every one of them).
    Rows(Vec<RowProblem>),
    /// The same rows for the same period were filed already, under this number.
    AlreadyFiled(String),
    /// The filing id was used for another filing.
    FilingIdReused,
    /// The filing named as replaced is not one of this agency's.
    ReplacesUnknown(String),
    /// A correction must be for the replaced filing's period.
    ReplacesOtherPeriod(String),
    /// The filing named as replaced was corrected already, by this filing.
    AlreadyCorrected {
        /// The filing named as replaced.
        replaced: String,
        /// The correction already filed.
        by: String,
    },
}

fn corrupt(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("a stored filing receipt: {e}"))
}

fn parse(receipt: &str) -> StoreResult<FilingReceipt> {
    serde_json::from_str(receipt).map_err(corrupt)
}

/// The number of the `seq`th filing, in the year of `today`: `BA2026-000001`.
fn number(today: NaiveDate, seq: i64) -> String {
    format!("BA{}-{seq:06}", today.year())
}

/// Files `filing` for the context's agency, signed by `key` (trust-list id `key_id`): the
/// receipt and whether it is new (false: the one stored before under this filing id), or why
/// it is refused.
pub fn file_roster<R: Repo + ?Sized>(
    repo: &R,
    ctx: &FilingContext,
    filing: &RosterFiling,
    key_id: u16,
    key: &PlatformKey,
) -> StoreResult<Result<(FilingReceipt, bool), FilingRefused>> {
    if filing.period_to < filing.period_from {
        return Ok(Err(FilingRefused::PeriodReversed));
    }
    if filing.period_to > ctx.today {
        return Ok(Err(FilingRefused::PeriodInFuture));
    }
    if filing.rows.is_empty() {
        return Ok(Err(FilingRefused::Empty));
    }
    if filing.rows.len() > MAX_ROSTER_ROWS {
        return Ok(Err(FilingRefused::TooManyRows));
    }
    let sha = roster_sha256(&filing.rows);
    repo.transaction(|tx| {
        if let Some(stored) = tx.filing_receipt(FilingKey::FilingId(filing.filing_id))? {
            let stored = parse(&stored)?;
            let b = &stored.body;
            let same = b.agency_id == ctx.agency_id
                && b.roster_sha256 == sha
                && b.period_from == filing.period_from
                && b.period_to == filing.period_to
                && b.replaces == filing.replaces;
            return Ok(if same { Ok((stored, false)) } else { Err(FilingRefused::FilingIdReused) });
        }
        let earlier: Vec<FilingReceipt> =
            tx.filing_receipts(Some(ctx.agency_id))?.iter().map(|r| parse(r)).collect::<StoreResult<_>>()?;
        if let Some(replaced) = &filing.replaces {
            let Some(old) = earlier.iter().find(|r| &r.body.number == replaced) else {
                return Ok(Err(FilingRefused::ReplacesUnknown(replaced.clone())));
            };
            if (old.body.period_from, old.body.period_to) != (filing.period_from, filing.period_to) {
                return Ok(Err(FilingRefused::ReplacesOtherPeriod(replaced.clone())));
            }
            if let Some(by) = earlier.iter().find(|r| r.body.replaces.as_ref() == Some(replaced)) {
                return Ok(Err(FilingRefused::AlreadyCorrected { replaced: replaced.clone(), by: by.body.number.clone() }));
            }
        }
        if let Some(same) = earlier.iter().find(|r| {
            r.body.roster_sha256 == sha && (r.body.period_from, r.body.period_to) == (filing.period_from, filing.period_to)
        }) {
            return Ok(Err(FilingRefused::AlreadyFiled(same.body.number.clone())));
        }
        let agency = tx.agency(ctx.agency_id)?.ok_or_else(|| StoreError::Corrupt(format!("the device's agency {}", ctx.agency_id)))?;
        let problems = check_rows(tx, ctx.agency_id, &agency.name, (filing.period_from, filing.period_to), &filing.rows)?;
        if !problems.is_empty() {
            return Ok(Err(FilingRefused::Rows(problems)));
        }
        let seq = tx.next_filing_seq()?;
        let body = ReceiptBody {
            number: number(ctx.today, seq),
            filing_id: filing.filing_id,
            agency_id: ctx.agency_id,
            agency_name: agency.name,
            period_from: filing.period_from,
            period_to: filing.period_to,
            rows: filing.rows.len() as u32,
            roster_sha256: sha.clone(),
            replaces: filing.replaces.clone(),
            filed_at: ctx.now,
            key_id,
        };
        let receipt = FilingReceipt::sign(body, key).map_err(StoreError::Signing)?;
        let receipt_json = serde_json::to_string(&receipt).map_err(corrupt)?;
        let roster = String::from_utf8(canonical_roster(&filing.rows)).expect("JSON is UTF-8");
        tx.add_filing(&NewFiling { seq, receipt: &receipt, receipt_json: &receipt_json, device_id: ctx.device_id, roster: &roster })?;
        Ok(Ok((receipt, true)))
    })
}

/// Every row's faults against what the platform holds.
fn check_rows(tx: &mut dyn Tx, agency_id: Uuid, agency_name: &str, period: (NaiveDate, NaiveDate), rows: &[RosterRow]) -> StoreResult<Vec<RowProblem>> {
    let mut seen = HashSet::new();
    let mut problems = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let mut fault = |what| problems.push(RowProblem { row: i + 1, code: row.certificate_code.clone(), what });
        if !seen.insert(row.certificate_code.as_str()) {
            fault(RowFault::Duplicate);
            continue;
        }
        let Some(holder) = tx.certificate_holder(&row.certificate_code)? else {
            fault(RowFault::CodeUnknown);
            continue;
        };
        if holder.agency_id != agency_id {
            // Nothing more is said of another agency's certificate.
            fault(RowFault::OtherAgency);
            continue;
        }
        if holder.name != row.name || !holder.id_number.eq_ignore_ascii_case(&row.id_number) {
            fault(RowFault::IdentityDiffers);
        }
        if row.agency_name != agency_name {
            fault(RowFault::AgencyName);
        }
        let facts = synced_roster_facts(tx, agency_id, holder.worker_id)?;
        if facts.half_hours != row.half_hours {
            fault(RowFault::HoursDiffer { filed: row.half_hours, held: facts.half_hours });
        }
        if facts.days != row.training_from.zip(row.training_to) {
            fault(RowFault::TrainingDaysDiffer);
        }
        if facts.exam != row.exam_score.zip(row.exam_date) {
            fault(RowFault::ExamDiffers);
        }
        if !row.exam_date.is_some_and(|d| (period.0..=period.1).contains(&d)) {
            fault(RowFault::OutsidePeriod);
        }
    }
    Ok(problems)
}

/// The receipts of an agency's filings (every agency's when `None`), oldest first.
pub fn filings<R: Repo + ?Sized>(repo: &R, agency_id: Option<Uuid>) -> StoreResult<Vec<FilingReceipt>> {
    repo.transaction(|tx| tx.filing_receipts(agency_id)?.iter().map(|r| parse(r)).collect())
}

/// A filing's receipt and its rows, by number.
pub fn filing<R: Repo + ?Sized>(repo: &R, number: &str) -> StoreResult<Option<(FilingReceipt, Vec<RosterRow>)>> {
    repo.transaction(|tx| {
        let (Some(receipt), Some(rows)) = (tx.filing_receipt(FilingKey::Number(number))?, tx.filing_roster(number)?) else {
            return Ok(None);
        };
        Ok(Some((parse(&receipt)?, serde_json::from_str(&rows).map_err(corrupt)?)))
    })
}
