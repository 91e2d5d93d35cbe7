//! The funding pack on the platform (项目资金材料, issue 14 item 3): the programme office makes,
//! for any filing, the same pack the agency's desk makes, from the records the agency synced.
//! The rule and the pack are the domain's ([`certdesk_domain::funding`]); this flow only gathers
//! the facts: the filed rows, and for each the worker's classes credited again and exam
//! attempts exactly as the platform's own training check reads them
//! ([`super::training_check`]), with the agency's synced training settings.
//!
//! A row whose certificate is not (or no longer) this agency's counts as not in the records:
//! the platform never reads another agency's training into a pack.

use certdesk_domain::funding::{FiledRow, FundingPack, HeldTraining, PackFiling};
use certdesk_protocol::roster::{FilingReceipt, RosterRow};

use super::training_check::{settings, synced_training};
use crate::store::repo::{FilingKey, Repo, RepoExt};
use crate::store::{StoreError, StoreResult};

/// The funding pack of filing `number`, or `None` when there is no such filing.
pub fn funding_pack<R: Repo + ?Sized>(repo: &R, number: &str) -> StoreResult<Option<FundingPack>> {
    repo.transaction(|tx| {
        let (Some(receipt), Some(rows)) = (tx.filing_receipt(FilingKey::Number(number))?, tx.filing_roster(number)?) else {
            return Ok(None);
        };
        let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("a stored filing: {e}"));
        let receipt: FilingReceipt = serde_json::from_str(&receipt).map_err(corrupt)?;
        let rows: Vec<RosterRow> = serde_json::from_str(&rows).map_err(corrupt)?;
        let agency = receipt.body.agency_id;
        let mut facts = Vec::with_capacity(rows.len());
        for row in &rows {
            let held = match tx.certificate_holder(&row.certificate_code)? {
                Some(holder) if holder.agency_id == agency => {
                    let (classes, exams, _) = synced_training(tx, agency, holder.worker_id)?;
                    Some(HeldTraining { classes, exams })
                }
                _ => None,
            };
            facts.push((FiledRow::from(row), held));
        }
        Ok(Some(FundingPack::build(PackFiling::from(&receipt.body), facts, settings(tx, agency)?)))
    })
}
