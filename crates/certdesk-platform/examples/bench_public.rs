//! Load on the public verification page: a real platform on 127.0.0.1 with dev TLS, one
//! approved certificate with a photo, and N phones (connections) each asking for the page
//! over its own kept-alive TLS connection, as fast as it is answered.
//!
//! ```sh
//! cargo run --release -p certdesk-platform --example bench_public -- [connections] [seconds]
//! ```
//!
//! Prints requests per second and the 50th and 99th percentile latency. The generator shares
//! the machine (and its cores) with the server, so the figures are a floor.

#[path = "../tests/it/support/scene.rs"]
mod scene;

use std::time::{Duration, Instant};

use certdesk_testkit::id_number;
use certdesk_testkit::platform::client;
use certdesk_testkit::platform::Options;
use scene::scene_with;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let connections: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(32);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);

    // The load generator is one network: lift the per-network limit (and the connection cap
    // stays far above the connections used).
    let limits = certdesk_platform::limits::Limits { per_network_per_minute: u32::MAX, ..Default::default() };
    let s = scene_with(Options::approving_everyone().without_redirects().with_limits(limits)).await;
    let device = s
        .device(s.agency(1, "黄浦", Some("021-63001234")).await)
        .await;
    let photo = s
        .upload_photo(&device, b"\xff\xd8\xff\xe0 photo \xff\xd9")
        .await;
    let cert = s
        .approved(&device, "张小三", &id_number(2), Some(&photo))
        .await;
    let first = s.http.get(&cert.url).send().await.unwrap();
    assert_eq!(first.status(), 200);
    let body = first.text().await.unwrap();
    assert!(
        body.contains("data-verdict=\"valid\""),
        "the benchmark checks a valid card"
    );
    println!(
        "page: {} bytes; {connections} connections for {seconds} s (after 1 s warm-up) against {}",
        body.len(),
        s.base
    );

    let warm_until = Instant::now() + Duration::from_secs(1);
    let end = warm_until + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..connections {
        // One client per phone: its own connection pool, so its own TLS connection.
        let http = client(&s.ca_pem, false);
        let url = cert.url.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(16 * 1024);
            let mut errors = 0u64;
            loop {
                let started = Instant::now();
                if started >= end {
                    break;
                }
                let ok = match http.get(&url).send().await {
                    Ok(res) if res.status() == 200 => res.bytes().await.is_ok(),
                    _ => false,
                };
                if started >= warm_until {
                    if ok {
                        latencies.push(started.elapsed().as_micros() as u64);
                    } else {
                        errors += 1;
                    }
                }
            }
            (latencies, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        all.extend(l);
        errors += e;
    }
    all.sort_unstable();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)] as f64 / 1000.0;
    println!(
        "requests: {} ok, {errors} failed\nrps: {:.0}\np50: {:.2} ms\np99: {:.2} ms\nmax: {:.2} ms",
        all.len(),
        all.len() as f64 / seconds as f64,
        pct(0.50),
        pct(0.99),
        pct(1.0),
    );
    s.stop().await;
}
