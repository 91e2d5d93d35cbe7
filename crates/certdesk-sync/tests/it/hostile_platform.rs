//! A platform that misbehaves, as a compromised or misconfigured server (or something in the
//! middle that holds a certificate the desk trusts) would: an answer redirecting elsewhere, and
//! an answer far longer than any real one. A real HTTPS server on loopback with the dev CA; the
//! desk's client refuses both with a protocol error and holds at most the cap in memory.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use certdesk_sync::{PlatformClient, RetryPolicy, SyncError, MAX_RESPONSE_BYTES};

/// Serves `app` over HTTPS with the platform's dev TLS; the base URL and the CA PEM.
async fn serve(app: Router) -> (String, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let tls = certdesk_platform::tls::ensure_dev_tls(dir.path()).unwrap();
    let config = certdesk_platform::tls::server_config(&tls.cert, &tls.key).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let rustls = axum_server::tls_rustls::RustlsConfig::from_config(Arc::clone(&config));
    tokio::spawn(axum_server::from_tcp_rustls(listener, rustls).serve(app.into_make_service()));
    let ca = std::fs::read_to_string(&tls.ca_cert).unwrap();
    (format!("https://127.0.0.1:{}", addr.port()), ca, dir)
}

fn client(base: &str, ca: &str) -> PlatformClient {
    let retry = RetryPolicy { max_attempts: 1, ..RetryPolicy::default() };
    PlatformClient::new(base, Some(ca), Duration::from_secs(20), retry).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_is_never_followed() {
    let app = Router::new().route(
        "/api/v1/trust-list",
        get(|| async {
            Response::builder()
                .status(StatusCode::FOUND)
                .header(header::LOCATION, "https://evil.example/api/v1/trust-list")
                .body(Body::empty())
                .unwrap()
        }),
    );
    let (base, ca, _dir) = serve(app).await;
    let err = client(&base, &ca).trust_list().await.unwrap_err();
    let SyncError::Protocol(why) = &err else { panic!("a protocol error, not {err:?}") };
    assert!(why.contains("302") && why.contains("evil.example"), "names the redirect: {why}");
    assert_eq!(err.to_desk_error().code.to_string(), "platform_protocol");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_over_the_cap_is_refused_without_being_held_whole() {
    // Declared too long: refused before a byte of the body is read.
    let declared = Router::new().route(
        "/api/v1/trust-list",
        get(|| async {
            // One byte, then nothing more: the client must decide on the header alone.
            use futures::StreamExt;
            let first = futures::stream::iter([Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b"{"))]);
            Response::builder()
                .header(header::CONTENT_LENGTH, (MAX_RESPONSE_BYTES as u64 * 4).to_string())
                .body(Body::from_stream(first.chain(futures::stream::pending())))
                .unwrap()
        }),
    );
    let (base, ca, _dir) = serve(declared).await;
    let err = client(&base, &ca).trust_list().await.unwrap_err();
    assert!(matches!(&err, SyncError::Protocol(why) if why.contains("over")), "{err:?}");

    // Streamed without a length: cut at the cap.
    let streamed = Router::new().route(
        "/api/v1/trust-list",
        get(|| async {
            let chunk = axum::body::Bytes::from(vec![b' '; 1024 * 1024]);
            let chunks = (0..MAX_RESPONSE_BYTES / (1024 * 1024) + 8).map(move |_| Ok::<_, std::io::Error>(chunk.clone()));
            Response::builder().body(Body::from_stream(futures::stream::iter(chunks))).unwrap()
        }),
    );
    let (base, ca, _dir2) = serve(streamed).await;
    let err = client(&base, &ca).trust_list().await.unwrap_err();
    assert!(matches!(&err, SyncError::Protocol(why) if why.contains("over")), "{err:?}");
}
