//! What happened to a worker's card at a desk (制作、发放、挂失、注销), as it travels to the
//! agency's other desks (issue 10 item 1): every desk of the agency holds the card's whole
//! history, so a card printed at one desk is handed over at another, and a loss reported at
//! one is not reported again at the next.
//!
//! Each event is written beside its own row (`card_prints`, `card_handovers`, `card_losses`,
//! `cancellations`) as a `card_event` outbox entry in the same transaction; the platform keeps
//! it per agency and relays it. The status the event moved travels with the worker's own
//! record; an event never moves a status on the desk that receives it
//! ([`crate::Desk::keep_relayed_card_event`]).

use base64::Engine as _;
use certdesk_domain::CardLayout;
use certdesk_protocol::sync::{SyncEntity, SyncOp};
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};

use crate::{CancelReason, Desk, DeskError, DeskResult, LossKind};

/// One event of a worker's card, as pushed and relayed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardEvent {
    /// The event's id (the row's id; a cancellation's is the worker's).
    pub id: String,
    pub worker_id: String,
    #[serde(flatten)]
    pub body: CardEventBody,
    /// When it happened, as the desk recorded it (RFC 3339).
    pub at: String,
    /// The user who did it.
    pub by_id: String,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum CardEventBody {
    /// 制作: a card sent to a printer (a draft has no certificate).
    Print {
        certificate_code: Option<String>,
        card_version: Option<u16>,
        draft: bool,
        layout: CardLayout,
        printer: String,
        design_version: String,
    },
    /// 发放: the card handed to the worker, with the signature drawn on screen (PNG, base64).
    Handover { certificate_code: String, card_version: u16, issued_on: String, signature_png: Option<String> },
    /// 挂失/补办: the card reported lost or damaged.
    Loss { certificate_code: String, card_version: u16, kind: LossKind, note: String },
    /// 注销: the certificate cancelled, with its reason.
    Cancellation { reason: CancelReason, note: String },
}

impl CardEventBody {
    /// The signature's bytes, for a hand-over: `Err` when it is not base64.
    pub(crate) fn signature(signature_png: &Option<String>) -> Result<Option<Vec<u8>>, base64::DecodeError> {
        signature_png.as_deref().map(|b| base64::engine::general_purpose::STANDARD.decode(b)).transpose()
    }

    /// A signature as the payload carries it.
    pub(crate) fn signature_text(png: Option<&[u8]>) -> Option<String> {
        png.map(|b| base64::engine::general_purpose::STANDARD.encode(b))
    }
}

impl Desk {
    /// Queues a card event for the platform (and so for the agency's other desks), inside the
    /// transaction that wrote its row; `id` is the row's, the time and user are the row's.
    pub(crate) fn queue_card_event(&self, tx: &Transaction<'_>, (id, worker_id): (&str, &str), body: CardEventBody, (by_id, at): (&str, &str)) -> DeskResult<()> {
        let event = CardEvent { id: id.to_string(), worker_id: worker_id.to_string(), body, at: at.to_string(), by_id: by_id.to_string() };
        let payload = serde_json::to_value(&event).map_err(DeskError::internal)?;
        self.append_outbox(tx, SyncEntity::CardEvent, id, SyncOp::Upsert, &payload)
    }
}
