//! Who is asking: the client's address, taken from `X-Forwarded-For` only when the peer is a trusted
//! reverse proxy (`http.trusted_proxies`), and grouped for rate limits (IPv6 by /64, the block one
//! subscriber usually gets).

use axum::http::HeaderMap;
use std::net::{IpAddr, SocketAddr};

/// An address block: `10.0.0.0/8`, `::1/128`, or a single address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, bits) = match text.split_once('/') {
            Some((a, b)) => (
                a.trim().parse::<IpAddr>().ok()?,
                Some(b.trim().parse::<u8>().ok()?),
            ),
            None => (text.trim().parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let bits = bits.unwrap_or(max);
        (bits <= max).then_some(Cidr { net: addr, bits })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (canonical(self.net), ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix(
                u128::from(u32::from(n)) << 96,
                u128::from(u32::from(a)) << 96,
                self.bits,
            ),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix(u128::from(n), u128::from(a), self.bits),
            _ => false,
        }
    }
}

fn prefix(net: u128, addr: u128, bits: u8) -> bool {
    bits == 0 || (net ^ addr) >> (128 - u32::from(bits)) == 0
}

/// IPv4-mapped IPv6 addresses as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The trusted proxies, parsed once.
#[derive(Debug, Clone, Default)]
pub struct Proxies(Vec<Cidr>);

impl Proxies {
    /// Parses `http.trusted_proxies` (entries that do not parse were refused by the configuration).
    pub fn new(list: &[String]) -> Proxies {
        Proxies(list.iter().filter_map(|p| Cidr::parse(p)).collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }
}

/// Where a request comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    /// The client's address: the peer, or, behind trusted proxies, the last address in
    /// `X-Forwarded-For` that is not itself a trusted proxy.
    pub ip: IpAddr,
}

impl Client {
    pub fn of(peer: SocketAddr, headers: &HeaderMap, proxies: &Proxies) -> Client {
        let mut ip = canonical(peer.ip());
        if proxies.trusts(ip) {
            let hops = headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<IpAddr>().ok())
                .collect::<Vec<_>>();
            // Rightmost first: each trusted proxy appended the address it received from.
            for hop in hops.into_iter().rev() {
                ip = canonical(hop);
                if !proxies.trusts(ip) {
                    break;
                }
            }
        }
        Client { ip }
    }

    /// The key rate limits count by: an IPv4 address or an IPv6 /64.
    pub fn rate_key(&self) -> u128 {
        match self.ip {
            IpAddr::V4(v4) => u128::from(u32::from(v4)),
            IpAddr::V6(v6) => (u128::from(v6) >> 64) << 64 | 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        if !xff.is_empty() {
            h.insert("x-forwarded-for", xff.parse().unwrap());
        }
        h
    }

    #[test]
    fn blocks_contain_their_addresses() {
        let net = Cidr::parse("10.1.0.0/16").unwrap();
        assert!(net.contains("10.1.200.3".parse().unwrap()));
        assert!(!net.contains("10.2.0.1".parse().unwrap()));
        assert!(net.contains("::ffff:10.1.0.9".parse().unwrap()));
        assert!(Cidr::parse("::1").unwrap().contains("::1".parse().unwrap()));
        assert!(
            Cidr::parse("2001:db8::/32")
                .unwrap()
                .contains("2001:db8:5::1".parse().unwrap())
        );
        assert!(
            Cidr::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        assert_eq!(Cidr::parse("10.0.0.0/33"), None);
        assert_eq!(Cidr::parse("nginx"), None);
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxies = Proxies::new(&["127.0.0.1".into(), "10.0.0.0/8".into()]);
        let via_proxy: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let c = Client::of(via_proxy, &headers("203.0.113.7, 10.0.0.2"), &proxies);
        assert_eq!(c.ip, "203.0.113.7".parse::<IpAddr>().unwrap());
        // A client that is not a proxy cannot choose its address.
        let direct: SocketAddr = "198.51.100.4:5000".parse().unwrap();
        let c = Client::of(direct, &headers("127.0.0.1"), &proxies);
        assert_eq!(c.ip, "198.51.100.4".parse::<IpAddr>().unwrap());
        // Without proxies configured, X-Forwarded-For is ignored: the peer is the client.
        let none = Proxies::default();
        let c = Client::of(via_proxy, &headers("203.0.113.7"), &none);
        assert_eq!(c.ip, "127.0.0.1".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn ipv6_clients_share_a_rate_key_per_64() {
        let none = Proxies::default();
        let key = |a: &str| {
            Client::of(SocketAddr::new(a.parse().unwrap(), 1), &headers(""), &none).rate_key()
        };
        assert_eq!(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_ne!(key("10.0.0.1"), key("10.0.0.2"));
    }
}
