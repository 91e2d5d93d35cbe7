//! The `certdesk` binary driven as a script drives it, one module per area.

mod diagnostics;
mod health;
mod roles;
