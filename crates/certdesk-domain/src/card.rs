//! Certificate cards: the one closed set of card layouts, shared by the card renderer, the print
//! records the desk stores, the CLI and the window; and why a card is replaced or a certificate
//! cancelled, which the desk's `reissue` and `cancel` entries carry
//! (`certdesk_protocol::records`).
//!
//! This module only names them; drawing cards is `certdesk-card`'s job.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// How cards go onto paper. The serde name (`cr80`, `a4`) is what print records store and what
/// the window sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CardLayout {
    /// One card per page at exactly 85.6 x 54 mm: front of card 1, back of card 1, front of
    /// card 2, ... (what a duplex card printer expects).
    #[default]
    #[serde(rename = "cr80")]
    Cr80,
    /// A4 portrait sheets of 10 (2 x 5) with crop marks: a sheet of fronts, then a sheet of
    /// their backs mirrored left to right, so that they line up when printed duplex on the
    /// long edge.
    #[serde(rename = "a4")]
    A4Sheet,
}

impl CardLayout {
    /// Both layouts.
    pub const ALL: [CardLayout; 2] = [CardLayout::Cr80, CardLayout::A4Sheet];

    /// The stable code: the name used on the command line, in settings and in print records.
    pub fn code(&self) -> &'static str {
        match self {
            CardLayout::Cr80 => "cr80",
            CardLayout::A4Sheet => "a4",
        }
    }

    /// Same as [`CardLayout::code`].
    pub fn as_str(&self) -> &'static str {
        self.code()
    }
}

crate::closed_set!(CardLayout, "card layout");

impl FromStr for CardLayout {
    type Err = FieldError;
    /// Accepts `cr80` and `a4` (any case, `a4sheet` too); the error's code is `layout_unknown`.
    fn from_str(s: &str) -> Result<Self, FieldError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cr80" => Ok(CardLayout::Cr80),
            "a4" | "a4sheet" | "a4-sheet" => Ok(CardLayout::A4Sheet),
            other => Err(crate::messages::layout_unknown(other)),
        }
    }
}

/// Why a certificate is cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CancelReason {
    /// 离职: the worker left the agency.
    LeftAgency,
    /// 违规: misconduct.
    Misconduct,
    /// 其他.
    Other,
}

crate::closed_set!(CancelReason, "cancellation reason", {
    LeftAgency => "left_agency",
    Misconduct => "misconduct",
    Other => "other",
});

/// Lost or damaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum LossKind {
    /// 遗失.
    Lost,
    /// 损坏.
    Damaged,
}

crate::closed_set!(LossKind, "loss kind", {
    Lost => "lost",
    Damaged => "damaged",
});
