//! Slow and greedy clients (issue 11 item 5), against the real server over TLS: a client that
//! never finishes its handshake, one that trickles its headers, one that never sends the body
//! it announced, and one connection more than the cap. Each is cut off within its limit and the
//! platform keeps answering everyone else.

use std::sync::Arc;
use std::time::{Duration, Instant};

use certdesk_platform::limits::Limits;
use certdesk_testkit::platform::{Options, TestPlatform};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

fn tight() -> Limits {
    Limits {
        handshake: Duration::from_millis(800),
        header_read: Duration::from_millis(800),
        request: Duration::from_millis(1500),
        max_connections: 4,
        max_in_flight: 8,
        ..Limits::default()
    }
}

async fn platform(limits: Limits) -> TestPlatform {
    TestPlatform::start_in(tempfile::tempdir().unwrap(), Options::default().with_limits(limits)).await
}

/// How long until the server closes the stream (reads until EOF or an error), at most `within`.
async fn closed_after<S: tokio::io::AsyncRead + Unpin>(stream: &mut S, within: Duration) -> (Duration, Vec<u8>) {
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(within.saturating_sub(started.elapsed()), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (started.elapsed(), got),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => panic!("still open after {within:?}; read so far: {}", String::from_utf8_lossy(&got)),
        }
    }
}

fn connector(p: &TestPlatform) -> TlsConnector {
    let mut roots = RootCertStore::empty();
    let pem = p.ca_pem.as_bytes();
    let der = pem_body(pem);
    roots.add(CertificateDer::from(der)).unwrap();
    let config = ClientConfig::builder_with_provider(Arc::new(tokio_rustls::rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

/// The DER inside a one-certificate PEM.
fn pem_body(pem: &[u8]) -> Vec<u8> {
    use base64::Engine as _;
    let text = std::str::from_utf8(pem).unwrap();
    let b64: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD.decode(b64).unwrap()
}

async fn tls(p: &TestPlatform) -> tokio_rustls::client::TlsStream<TcpStream> {
    let tcp = TcpStream::connect(p.server().addr).await.unwrap();
    connector(p).connect(ServerName::try_from("127.0.0.1").unwrap().to_owned(), tcp).await.expect("the TLS handshake")
}

async fn healthy(p: &TestPlatform) {
    let res = p.http.get(p.url("/healthz")).send().await.expect("the platform still answers");
    assert!(res.status().is_success());
}

#[tokio::test]
async fn a_client_that_never_finishes_its_handshake_or_its_headers_is_closed() {
    let p = platform(tight()).await;
    // Connected, then silent: no TLS handshake.
    let mut silent = TcpStream::connect(p.server().addr).await.unwrap();
    let (took, _) = closed_after(&mut silent, Duration::from_secs(5)).await;
    assert!(took >= Duration::from_millis(700), "not before the handshake limit: {took:?}");

    // A handshake, then headers trickled and never finished (slowloris).
    let mut slow = tls(&p).await;
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").await.unwrap();
    let (took, answer) = closed_after(&mut slow, Duration::from_secs(5)).await;
    assert!(took >= Duration::from_millis(700), "not before the header limit: {took:?}");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "closed, or told so: {answer}");

    // A kept-alive connection left idle is closed too.
    let mut idle = tls(&p).await;
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await.unwrap();
    let (took, answer) = closed_after(&mut idle, Duration::from_secs(5)).await;
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"), "the request was answered first");
    assert!(took >= Duration::from_millis(700), "then the idle connection was closed: {took:?}");
    healthy(&p).await;
}

#[tokio::test]
async fn a_request_whose_body_never_comes_is_answered_408_within_the_request_limit() {
    let p = platform(tight()).await;
    let mut s = tls(&p).await;
    s.write_all(
        b"POST /operator/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\nuser=a",
    )
    .await
    .unwrap();
    let (took, answer) = closed_after(&mut s, Duration::from_secs(6)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(took >= Duration::from_millis(1400) && took < Duration::from_secs(5), "{took:?}");
    healthy(&p).await;
}

#[tokio::test]
async fn one_connection_over_the_cap_is_closed_at_once_and_served_once_one_leaves() {
    let p = platform(Limits { handshake: Duration::from_secs(20), ..tight() }).await;
    // Four connections held open without a handshake fill the cap of four.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(TcpStream::connect(p.server().addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut fifth = TcpStream::connect(p.server().addr).await.unwrap();
    let (took, _) = closed_after(&mut fifth, Duration::from_secs(5)).await;
    assert!(took < Duration::from_secs(2), "the fifth is closed at once, not after the 20 s handshake limit: {took:?}");
    held.pop();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut s = tls(&p).await;
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").await.unwrap();
    let (_, answer) = closed_after(&mut s, Duration::from_secs(5)).await;
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"), "a freed slot serves again");
}

/// Requests without credentials are counted per network; a desk's authenticated sync and the
/// health checks are not (issue 11 item 5: per-address limits on every unauthenticated route).
#[tokio::test]
async fn requests_without_credentials_are_limited_per_network_and_syncs_are_not() {
    let p = platform(Limits { per_network_per_minute: 12, ..Limits::default() }).await;
    let device = p.enrol_device(&p.enrolment_code(p.agency(1).await).await, "前台").await; // one counted request
    for _ in 0..11 {
        assert_eq!(p.http.get(p.url("/api/v1/openapi.yaml")).send().await.unwrap().status(), reqwest::StatusCode::OK);
    }
    let res = p.http.get(p.url("/lookup")).send().await.unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::TOO_MANY_REQUESTS, "the thirteenth request without credentials");
    let wait: i64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(res.headers()["strict-transport-security"], certdesk_platform::api::HSTS, "the limit's own refusal too");
    assert!(res.text().await.unwrap().contains("请求过多"));
    let pull = p.http.get(p.url("/api/v1/sync/pull?since=0")).header("authorization", device.authorization()).send().await.unwrap();
    assert_eq!(pull.status(), reqwest::StatusCode::OK, "the desk's sync is not counted");
    healthy(&p).await;
    // A minute later the network may ask again.
    p.clock.advance(chrono::Duration::seconds(61));
    assert_eq!(p.http.get(p.url("/lookup")).send().await.unwrap().status(), reqwest::StatusCode::OK);
}

/// Behind a trusted proxy (issue 12 item 2) each client is counted by the address the proxy
/// appended to `X-Forwarded-For`, so one flooding network does not lock the city out; a client
/// that is not a trusted proxy cannot dodge its limit by claiming another address.
#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_limited_by_its_forwarded_address_and_a_forged_one_counts_nothing() {
    let limits = Limits { per_network_per_minute: 3, ..Limits::default() };
    let get = |p: &TestPlatform, forwarded: &str| {
        p.http.get(p.url("/api/v1/openapi.yaml")).header("x-forwarded-for", forwarded.to_owned()).send()
    };
    // The test's client (127.0.0.1) is the proxy.
    let mut p = TestPlatform::start(Options::default().with_limits(limits).trusting_proxies(&["127.0.0.1"])).await;
    for _ in 0..3 {
        assert_eq!(get(&p, "198.51.100.7").await.unwrap().status(), reqwest::StatusCode::OK);
    }
    assert_eq!(get(&p, "198.51.100.7").await.unwrap().status(), reqwest::StatusCode::TOO_MANY_REQUESTS, "the flooding client");
    assert_eq!(get(&p, "203.0.113.0").await.unwrap().status(), reqwest::StatusCode::OK, "another client behind the same proxy");
    // A forged first hop does not help: the proxy's right-most entry is the client.
    assert_eq!(get(&p, "203.0.113.50, 198.51.100.7").await.unwrap().status(), reqwest::StatusCode::TOO_MANY_REQUESTS);
    p.stop().await;

    // Without the proxy trusted, the header is the client's own words: every request counts for 127.0.0.1.
    let p = platform(limits).await;
    for n in 0..3 {
        assert_eq!(get(&p, &format!("198.51.100.{n}")).await.unwrap().status(), reqwest::StatusCode::OK);
    }
    assert_eq!(get(&p, "198.51.100.99").await.unwrap().status(), reqwest::StatusCode::TOO_MANY_REQUESTS, "a new address claimed, the same client");
}

/// A flood of sign-ins (each an argon2 check) waits its turn: a desk's sync started after the
/// flood is answered before the flood is through (issue 11 item 5: argon2 on a bounded pool;
/// the bound itself is `limits::tests::password_checks_run_at_most_a_few_at_a_time`).
#[tokio::test]
async fn a_sign_in_flood_leaves_the_syncs_served() {
    let p = Arc::new(platform(Limits::default()).await);
    let device = p.enrol_device(&p.enrolment_code(p.agency(1).await).await, "前台").await;
    const FLOOD: usize = 24;
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut flood = Vec::new();
    for i in 0..FLOOD {
        let (p, done) = (p.clone(), done.clone());
        flood.push(tokio::spawn(async move {
            let form = p.http.get(p.url("/operator/sign-in")).send().await.unwrap();
            let pre = form
                .headers()
                .get_all("set-cookie")
                .iter()
                .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
                .find(|c| c.starts_with(certdesk_platform::operator_pages::auth::SIGN_IN_COOKIE))
                .expect("a pre-session cookie");
            let page = form.text().await.unwrap();
            let at = page.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
            let csrf = page[at..at + page[at..].find('"').unwrap()].to_owned();
            let user = format!("nobody{i}");
            let res = p
                .http
                .post(p.url("/operator/sign-in"))
                .header("cookie", pre)
                .header("origin", &p.base)
                .form(&[("csrf", csrf.as_str()), ("user", user.as_str()), ("password", "a wrong password")])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), reqwest::StatusCode::UNAUTHORIZED);
            done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }));
    }
    // Let the flood queue up, then sync.
    while done.load(std::sync::atomic::Ordering::SeqCst) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let pull = p.http.get(p.url("/api/v1/sync/pull?since=0")).header("authorization", device.authorization()).send().await.unwrap();
    assert_eq!(pull.status(), reqwest::StatusCode::OK);
    let finished = done.load(std::sync::atomic::Ordering::SeqCst);
    assert!(finished < FLOOD, "the sync was answered while {} of {FLOOD} sign-ins still waited", FLOOD - finished);
    for f in flood {
        f.await.unwrap();
    }
}
