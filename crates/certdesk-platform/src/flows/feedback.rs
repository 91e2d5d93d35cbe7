//! Ratings (评价), complaints (投诉) and visits confirmed (确认入户) a citizen leaves on the
//! public page (a rating only from a phone that confirmed a visit within a day): taken only for the
//! current card of a certificate in force, once per page token, within the flood limits
//! (per device and per network a day, per network across all certificates a day, per
//! certificate an hour, counted over stored submissions so they hold across restarts and
//! instances), and queued for the worker's agency only (a rating names a person). Where a
//! submission came from (its device and network hashes) is forgotten once no limit's window
//! reaches it. A refused submission changes nothing.

use certdesk_protocol::sync::ChangeBody;
use chrono::Duration;

use crate::store::public::{
    Feedback, FeedbackFrom, FeedbackKind, FeedbackLimits, FeedbackOutcome, FeedbackSubmission,
};
use crate::store::repo::{Repo, RepoExt, Tx};
use crate::store::StoreResult;

/// Which limit a submission is over, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Over {
    /// The sender's own (device, network): refused.
    Sender,
    /// The certificate's hourly ceiling city-wide: a rating is held for moderation (so a flood
    /// from many phones cannot suppress the honest ratings after it), a complaint refused.
    Certificate,
}

/// A submission's device and network as keyed hashes: HMAC-SHA256 under the secret of the
/// day (Shanghai date; made when the day's first submission comes) and, for counting, under
/// yesterday's too (a 24-hour window spans two days). Older secrets are deleted, after which no
/// stored hash can be linked to an address or a cookie.
struct Sources {
    device: Vec<String>,
    network: Vec<String>,
}

fn sources(tx: &mut dyn Tx, s: &FeedbackSubmission) -> StoreResult<Sources> {
    let today = s.now.with_timezone(&certdesk_domain::shanghai()).date_naive();
    let yesterday = (today - chrono::Days::new(1)).to_string();
    tx.drop_feedback_keys_before(&yesterday)?;
    let mut secrets = vec![tx.feedback_key(&today.to_string(), &crate::keys::device_secret())?];
    secrets.extend(tx.existing_feedback_key(&yesterday)?);
    let hashes = |what: &str, value: &str| -> Vec<String> {
        secrets.iter().map(|k| crate::keys::keyed_hex(k, &format!("{what}:{value}"))).collect()
    };
    Ok(Sources { device: hashes("device", &s.device), network: hashes("network", &s.network) })
}

fn over_limit(
    tx: &mut dyn Tx,
    s: &FeedbackSubmission,
    src: &Sources,
    limits: &FeedbackLimits,
) -> StoreResult<Option<Over>> {
    let kind = s.feedback.kind();
    let code = s.certificate_code.as_str();
    let day = s.now - Duration::hours(24);
    let hour = s.now - Duration::hours(1);
    if tx.count_feedback(kind, code, FeedbackFrom::Device(&src.device), day)? >= limits.per_device_per_day
        || tx.count_feedback(kind, code, FeedbackFrom::Network(&src.network), day)? >= limits.per_network_per_day
        || tx.count_feedback(kind, code, FeedbackFrom::NetworkAnyCertificate(&src.network), day)?
            >= limits.per_network_all_certificates_per_day
    {
        return Ok(Some(Over::Sender));
    }
    if tx.count_feedback(kind, code, FeedbackFrom::Anyone, hour)? >= limits.per_certificate_per_hour {
        return Ok(Some(Over::Certificate));
    }
    Ok(None)
}

/// Releases a held rating to its worker's agency (it reaches the desk with the next sync);
/// false when there is no such held rating.
pub fn release_rating<R: Repo + ?Sized>(repo: &R, id: uuid::Uuid, now: chrono::DateTime<chrono::Utc>) -> StoreResult<bool> {
    repo.transaction(|tx| {
        let Some(r) = tx.held_rating(id)? else {
            return Ok(false);
        };
        tx.release_rating(id)?;
        let change = ChangeBody::Rating {
            rating_id: r.id,
            worker_id: r.worker_id,
            certificate_code: r.certificate_code,
            stars: r.stars,
            comment: r.comment,
            created_at: r.created_at,
        };
        tx.add_change(Some(r.agency_id), &change, now)?;
        Ok(true)
    })
}

/// Discards a held rating; false when there is no such held rating.
pub fn discard_rating<R: Repo + ?Sized>(repo: &R, id: uuid::Uuid) -> StoreResult<bool> {
    repo.transaction(|tx| {
        if tx.held_rating(id)?.is_none() {
            return Ok(false);
        }
        tx.discard_rating(id)?;
        Ok(true)
    })
}

/// Stores a rating or complaint within `limits` and queues it for the worker's agency, in one
/// transaction.
pub fn add_feedback<R: Repo + ?Sized>(
    repo: &R,
    s: &FeedbackSubmission,
    limits: &FeedbackLimits,
) -> StoreResult<FeedbackOutcome> {
    repo.transaction(|tx| {
        // No limit looks further back than a day: older submissions keep no trace of their
        // device or network.
        tx.forget_feedback_sources(s.feedback.kind(), s.now - Duration::hours(24))?;
        let Some((worker_id, agency_id)) = tx.current_card(&s.certificate_code, s.card_version)?
        else {
            return Ok(FeedbackOutcome::NotCurrent);
        };
        if tx.feedback_token_used(s.feedback.kind(), &s.token_nonce)? {
            return Ok(FeedbackOutcome::TokenUsed);
        }
        let src = sources(tx, s)?;
        if limits.after_visit
            && tx.count_feedback(FeedbackKind::Visit, &s.certificate_code, FeedbackFrom::Device(&src.device), s.now - Duration::hours(24))? == 0
        {
            return Ok(FeedbackOutcome::NoVisit);
        }
        let held = match (over_limit(tx, s, &src, limits)?, &s.feedback) {
            (None, _) => false,
            (Some(Over::Certificate), Feedback::Rating { .. }) => true,
            (Some(_), _) => return Ok(FeedbackOutcome::Limited),
        };
        tx.add_feedback(s, worker_id, agency_id, (&src.device[0], &src.network[0]))?;
        if held {
            tx.hold_rating(s.id)?;
            return Ok(FeedbackOutcome::Held);
        }
        let change = match &s.feedback {
            Feedback::Rating { stars, comment } => ChangeBody::Rating {
                rating_id: s.id,
                worker_id,
                certificate_code: s.certificate_code.clone(),
                stars: *stars,
                comment: comment.clone(),
                created_at: s.now,
            },
            Feedback::Complaint { text, contact, reference } => ChangeBody::Complaint {
                complaint_id: s.id,
                worker_id,
                certificate_code: s.certificate_code.clone(),
                text: text.clone(),
                contact: contact.clone(),
                created_at: s.now,
                reference: Some(reference.clone()),
            },
            Feedback::Visit => ChangeBody::Visit {
                visit_id: s.id,
                worker_id,
                certificate_code: s.certificate_code.clone(),
                visited_at: s.now,
            },
        };
        // Only the worker's agency pulls it: a rating names a person.
        tx.add_change(Some(agency_id), &change, s.now)?;
        Ok(FeedbackOutcome::Stored)
    })
}
