//! The `certdesk` binary driven as a script drives it, one module per area.

mod backup;
mod diagnostics;
mod health;
mod roles;
mod roster;
