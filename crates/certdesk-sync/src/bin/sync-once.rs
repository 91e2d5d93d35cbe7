//! `sync-once DATA_DIR`: one sync of the desk in DATA_DIR, then exit; prints the report as JSON.
//!
//! The kill -9 fault test runs this and kills it at random moments, so it must do exactly what
//! the desk does (same engine, same store) and nothing else. `CERTDESK_SYNC_BATCH` sets the
//! push batch size (small batches make more moments to be killed in).

use std::path::PathBuf;

use anyhow::Context;
use certdesk_store::Desk;
use certdesk_sync::{sync_blocking, RetryPolicy, SyncOptions};

fn main() -> anyhow::Result<()> {
    let dir: PathBuf = std::env::args_os().nth(1).context("usage: sync-once DATA_DIR")?.into();
    let batch_size = match std::env::var("CERTDESK_SYNC_BATCH") {
        Ok(v) => v.parse().context("CERTDESK_SYNC_BATCH must be a number")?,
        Err(_) => SyncOptions::default().batch_size,
    };
    let opts = SyncOptions {
        batch_size,
        retry: RetryPolicy { max_attempts: 3, ..RetryPolicy::default() },
        ..SyncOptions::default()
    };
    let mut desk = Desk::open(&dir).map_err(|e| anyhow::anyhow!("{}: {}", e.code, e.message_en))?;
    let report = sync_blocking(&mut desk, &opts).map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}
