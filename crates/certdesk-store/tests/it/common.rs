//! The store's tests' own desk: the test kit's, on a clock stopped at 2026-03-02 10:00 in
//! Shanghai, so dates in the tests' assertions hold on any day they run.

use std::path::Path;

use certdesk_store::{Desk, SessionUser};
use certdesk_testkit::desk::{open_desk_with_clock, FixedClock};

/// A new desk in `dir` with its manager signed in, at 2026-03-02 10:00 Shanghai time.
pub fn fresh(dir: &Path) -> (Desk, SessionUser) {
    open_desk_with_clock(dir, Box::new(FixedClock::at("2026-03-02T02:00:00Z")))
}
