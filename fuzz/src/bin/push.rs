//! Fuzz target: the body of the platform's `POST /api/v1/sync/push`, sent by an
//! authenticated device through the platform's whole router (body limit, the device check,
//! the JSON extractor, then the push flow that validates and applies every entry).
//!
//! The platform (an in-memory store with one agency and its device, and the router) is made
//! once, before AFL's fork server starts, and every input runs in a fresh fork of that process
//! (one input per fork): so each input meets the same platform, none of an earlier input's
//! records, and a crash reproduces from its file alone. `CERTDESK_FUZZ_SHOW=1` prints the
//! answer (run on one input).
//!
//! Besides never panicking, the platform must answer a body it cannot take with a refusal
//! (4xx), never an internal error: a 5xx here is a crash.

fn main() {
    // No thread may be started before the fork (threads do not survive it): the router is
    // built here, the runtime that runs it in each fork.
    let router = std::panic::AssertUnwindSafe(certdesk_platform::api::app(certdesk_fuzz::platform()));
    // One input per fork: the store is in this process's memory, so a fork starts it afresh.
    std::env::set_var("AFL_FUZZER_LOOPCOUNT", "1");
    afl::fuzz!(|data: &[u8]| {
        let router: &axum::Router = &router;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let (status, body) = runtime.block_on(certdesk_fuzz::push(router.clone(), data));
        if std::env::var_os("CERTDESK_FUZZ_SHOW").is_some() {
            eprintln!("{status} {}", String::from_utf8_lossy(&body));
        }
        assert!(!status.is_server_error(), "a pushed body answered {status}: {}", String::from_utf8_lossy(&body));
    });
}
