//! The client's address behind a reverse proxy. Several platform instances sit behind one
//! (nginx, a load balancer), so the peer of every connection is the proxy; the address that
//! the flood limits, the public page's feedback limits and the audit count is then the one the
//! proxy appends to `X-Forwarded-For`. That header is the client's to write too, so it is read
//! only when the connection comes from a configured proxy (`serve --trusted-proxy`), and only
//! from the right: the first address from the right that is not itself a trusted proxy is the
//! client. A connection from anywhere else keeps its own peer address, whatever it claims.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// A trusted proxy's address or network (`10.0.0.5`, `10.0.0.0/24`, `::1`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyNet {
    addr: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for ProxyNet {
    type Err = String;

    fn from_str(s: &str) -> Result<ProxyNet, String> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.trim().parse().map_err(|_| format!("{s:?} is not an IP address or network (10.0.0.5, 10.0.0.0/24)"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p.trim().parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| format!("{s:?}: the prefix length must be 0 to {max}"))?,
        };
        Ok(ProxyNet { addr, prefix })
    }
}

impl ProxyNet {
    /// Whether `ip` is in this network (an IPv4-mapped IPv6 address counts as its IPv4 one).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The proxies whose `X-Forwarded-For` is believed; empty: none (the peer is the client).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub std::sync::Arc<[ProxyNet]>);

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client of a connection from `peer` that carried these `X-Forwarded-For` values (in
    /// the order received): `peer` itself unless it is a trusted proxy; otherwise the first
    /// address from the right that is not a trusted proxy, or the left-most when all are (a
    /// header that does not parse leaves the proxy's own address).
    pub fn client(&self, peer: SocketAddr, forwarded_for: &[&str]) -> SocketAddr {
        if !self.trusts(peer.ip()) {
            return peer;
        }
        let mut hops = Vec::new();
        for value in forwarded_for {
            for hop in value.split(',') {
                match hop.trim().parse::<IpAddr>() {
                    Ok(ip) => hops.push(ip),
                    // Anything else (a port, garbage) makes the whole chain untrustworthy.
                    Err(_) => return peer,
                }
            }
        }
        let mut client = None;
        for ip in hops.into_iter().rev() {
            client = Some(ip);
            if !self.trusts(ip) {
                break;
            }
        }
        client.map_or(peer, |ip| SocketAddr::new(ip, 0))
    }
}

/// The layer that makes the client's address the connection's ([`ConnectInfo`]) for every
/// layer and handler inside it: the limits, the public page and the audit.
pub async fn forwarded_client(State(proxies): State<TrustedProxies>, mut req: Request, next: Next) -> Response {
    if proxies.0.is_empty() {
        return next.run(req).await;
    }
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let values: Vec<&str> =
            req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        let client = proxies.client(peer, &values);
        req.extensions_mut().insert(ConnectInfo(client));
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(nets: &[&str]) -> TrustedProxies {
        TrustedProxies(nets.iter().map(|n| n.parse().unwrap()).collect::<Vec<_>>().into())
    }

    fn peer(ip: &str) -> SocketAddr {
        SocketAddr::new(ip.parse().unwrap(), 50000)
    }

    #[test]
    fn a_client_that_is_not_a_proxy_cannot_claim_another_address() {
        let p = proxies(&["10.0.0.5"]);
        assert_eq!(p.client(peer("203.0.113.9"), &["198.51.100.1"]), peer("203.0.113.9"));
        assert_eq!(TrustedProxies::default().client(peer("10.0.0.5"), &["198.51.100.1"]), peer("10.0.0.5"), "no proxy configured");
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client() {
        let p = proxies(&["10.0.0.0/24", "::1"]);
        // A client that forged a first hop: the proxy appended the real one on the right.
        let client = p.client(peer("10.0.0.5"), &["1.2.3.4, 198.51.100.7"]);
        assert_eq!(client.ip(), "198.51.100.7".parse::<IpAddr>().unwrap());
        // Two proxies in a row, and the header split over two lines.
        let client = p.client(peer("::1"), &["198.51.100.7", "10.0.0.9"]);
        assert_eq!(client.ip(), "198.51.100.7".parse::<IpAddr>().unwrap());
        // No header, or one that does not parse: the proxy's own address.
        assert_eq!(p.client(peer("10.0.0.5"), &[]), peer("10.0.0.5"));
        assert_eq!(p.client(peer("10.0.0.5"), &["198.51.100.7:443"]), peer("10.0.0.5"));
    }

    #[test]
    fn networks_parse_and_match_by_prefix() {
        let n: ProxyNet = "10.1.0.0/16".parse().unwrap();
        assert!(n.contains("10.1.200.3".parse().unwrap()));
        assert!(!n.contains("10.2.0.1".parse().unwrap()));
        assert!(n.contains("::ffff:10.1.0.1".parse().unwrap()), "IPv4-mapped");
        let all: ProxyNet = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("8.8.8.8".parse().unwrap()));
        let v6: ProxyNet = "fd00::/8".parse().unwrap();
        assert!(v6.contains("fd12::1".parse().unwrap()) && !v6.contains("fe80::1".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<ProxyNet>().is_err());
        assert!("proxy.local".parse::<ProxyNet>().is_err());
    }
}
