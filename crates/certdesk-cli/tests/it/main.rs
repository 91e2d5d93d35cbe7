//! The `certdesk` binary driven as a script drives it, one module per area.

mod backup;
mod diagnostics;
mod health;
mod roles;
mod roster;

use std::path::Path;
use std::process::Command;

/// `certdesk --json` on the desk in `dir`, signed in as `user` (name, password) when given and
/// with `env` set: the exit code and the one JSON document it printed on stdout.
pub(crate) fn certdesk_json(dir: &Path, user: Option<(&str, &str)>, env: &[(&str, &str)], args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_certdesk"));
    cmd.arg("--data-dir").arg(dir).arg("--json");
    if let Some((name, password)) = user {
        cmd.args(["--user", name, "--password", password]);
    }
    let out = cmd.args(args).envs(env.iter().copied()).env_remove("CERTDESK_LOG").output().expect("the CLI runs");
    let printed = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("certdesk {args:?} printed no JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), printed)
}
