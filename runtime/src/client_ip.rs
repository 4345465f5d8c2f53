//! The client's IP address, believing `X-Forwarded-For` / `Forwarded` only from proxies you
//! trust.
//!
//! Anyone can send `X-Forwarded-For: 1.2.3.4`; reading the client address from it as is
//! lets every client pick its own address (and dodge an IP rate limit). Next.js removed
//! `request.ip` for this reason. [`ClientIp`] starts from the address of the socket peer
//! and reads the forwarding header only when that peer is one of your
//! [`TrustedProxies`]:
//!
//! - the peer is not a trusted proxy (or no [`TrustedProxies`] is installed): the client is
//!   the peer, and the headers are ignored;
//! - the peer is a trusted proxy: the header's entries are walked from right (the one the
//!   nearest proxy appended) to left, skipping trusted proxies; the first address that is
//!   not one is the client. If every entry is trusted, the leftmost is the client. An entry
//!   that is not an address (`unknown`, an obfuscated `_node`, garbage) stops the walk: the
//!   client is the last address trusted so far, since nothing left of it can be believed.
//!
//! The peer address comes from axum's `ConnectInfo<SocketAddr>` request extension (serve
//! with `into_make_service_with_connect_info::<SocketAddr>()`), or its `MockConnectInfo`
//! in tests. Without one, [`ClientIp`] answers `500` (and logs why), and `Option<ClientIp>`
//! is `None`.
//!
//! ```
//! use std::net::SocketAddr;
//!
//! use axum::extract::connect_info::MockConnectInfo;
//! use routekit::client_ip::{ClientIp, TrustedProxies};
//! use routekit::prelude::*;
//! use routekit::test::TestClient;
//!
//! #[route(GET, "/api/whoami")]
//! async fn whoami(ClientIp(ip): ClientIp) -> String {
//!     ip.to_string()
//! }
//!
//! # #[tokio::main]
//! # async fn main() {
//! let app = routes![whoami].layer(TrustedProxies::new(["10.0.0.0/8"]));
//! // As if the load balancer at 10.0.0.2 had connected:
//! let client = TestClient::new(app.layer(MockConnectInfo(SocketAddr::from(([10, 0, 0, 2], 4000)))));
//! let res = client.get("/api/whoami").header("x-forwarded-for", "6.6.6.6, 203.0.113.7").send().await;
//! assert_eq!(res.text(), "203.0.113.7"); // 6.6.6.6 was written by the client itself
//! # }
//! ```

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::connect_info::{ConnectInfo, MockConnectInfo};
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;
use http::{HeaderMap, Request};
use tower::{Layer, Service};

use crate::ApiError;

/// The client's IP address: the socket peer, or what trusted proxies say the client was.
/// See the [module docs](self).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientIp(pub IpAddr);

impl fmt::Display for ClientIp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl ClientIp {
    /// The client address of a request, or `None` when it carries no peer address.
    pub fn from_parts(parts: &Parts) -> Option<Self> {
        let peer = peer_ip(&parts.extensions)?;
        Some(Self(match parts.extensions.get::<TrustedProxies>() {
            Some(proxies) => proxies.client_ip(peer, &parts.headers),
            None => peer,
        }))
    }
}

fn peer_ip(extensions: &http::Extensions) -> Option<IpAddr> {
    let addr = match extensions.get::<ConnectInfo<SocketAddr>>() {
        Some(ConnectInfo(addr)) => addr,
        None => &extensions.get::<MockConnectInfo<SocketAddr>>()?.0,
    };
    Some(addr.ip().to_canonical())
}

/// Why the client address is unknown; logged, never sent.
#[derive(Debug)]
struct NoPeerAddress;

impl fmt::Display for NoPeerAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "ClientIp: the request has no ConnectInfo<SocketAddr> extension; serve the app \
             with `into_make_service_with_connect_info::<SocketAddr>()` (routekit::serve \
             inserts it), or add `MockConnectInfo` in tests",
        )
    }
}

impl std::error::Error for NoPeerAddress {}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Self::from_parts(parts).ok_or_else(|| ApiError::internal(NoPeerAddress))
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(Self::from_parts(parts))
    }
}

/// The proxies whose forwarding header is believed, as a tower layer that hands them to
/// [`ClientIp`] (it inserts a reference-counted handle into each request's extensions).
///
/// `TrustedProxies::new(["10.0.0.0/8", "127.0.0.1/32", "::1"])`: CIDR blocks or single
/// addresses, IPv4 or IPv6. Install it on the app (`routes![…].layer(…)`) or on the routes
/// that read [`ClientIp`] (`#[middleware(TrustedProxies::new([…]))]`).
///
/// By default the addresses come from `X-Forwarded-For` (nginx, HAProxy, AWS ALB, Vercel,
/// Cloudflare); [`forwarded`](Self::forwarded) switches to RFC 7239 `Forwarded`. Read only
/// the header your proxy writes: a header it does not overwrite is the client's to forge.
#[derive(Clone, Debug)]
pub struct TrustedProxies {
    config: Arc<Config>,
}

#[derive(Debug)]
struct Config {
    proxies: Box<[Cidr]>,
    header: Source,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    XForwardedFor,
    Forwarded,
}

impl TrustedProxies {
    /// Trusts these CIDR blocks (`10.0.0.0/8`, `fd00::/8`) or addresses (`127.0.0.1`).
    ///
    /// # Panics
    ///
    /// When an entry is neither; see [`try_new`](Self::try_new) for a `Result`.
    pub fn new<I>(proxies: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        Self::try_new(proxies).unwrap_or_else(|error| panic!("TrustedProxies::new: {error}"))
    }

    /// [`new`](Self::new) that returns the first entry that does not parse.
    pub fn try_new<I>(proxies: I) -> Result<Self, InvalidProxy>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let proxies = proxies
            .into_iter()
            .map(|p| Cidr::parse(p.as_ref()).ok_or_else(|| InvalidProxy(p.as_ref().into())))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            config: Arc::new(Config {
                proxies,
                header: Source::XForwardedFor,
            }),
        })
    }

    /// Reads RFC 7239 `Forwarded` (its `for=` parameters) instead of `X-Forwarded-For`.
    pub fn forwarded(self) -> Self {
        Self {
            config: Arc::new(Config {
                proxies: self.config.proxies.clone(),
                header: Source::Forwarded,
            }),
        }
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn is_trusted(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.config.proxies.iter().any(|cidr| cidr.contains(ip))
    }

    /// The client address of a request that came from `peer` with `headers`.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.is_trusted(peer) {
            return peer;
        }
        match self.config.header {
            Source::XForwardedFor => {
                let entries = headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .rev()
                    .flat_map(|value| match value.to_str() {
                        Ok(text) => Either::Left(text.rsplit(',').map(parse_node)),
                        Err(_) => Either::Right(std::iter::once(None)),
                    });
                self.walk(peer, entries)
            }
            Source::Forwarded => {
                let entries = headers
                    .get_all(http::header::FORWARDED)
                    .iter()
                    .rev()
                    .flat_map(|value| match value.to_str() {
                        Ok(text) => {
                            Either::Left(RSplitUnquoted::new(text, b',').map(forwarded_for))
                        }
                        Err(_) => Either::Right(std::iter::once(None)),
                    });
                self.walk(peer, entries)
            }
        }
    }

    /// From a trusted `peer`, the first untrusted entry walking right to left.
    fn walk(&self, peer: IpAddr, entries: impl Iterator<Item = Option<IpAddr>>) -> IpAddr {
        let mut client = peer;
        for entry in entries {
            let Some(ip) = entry else { return client };
            client = ip.to_canonical();
            if !self.is_trusted(client) {
                return client;
            }
        }
        client
    }
}

/// Two iterator types as one, without boxing.
enum Either<L, R> {
    Left(L),
    Right(R),
}

impl<T, L: Iterator<Item = T>, R: Iterator<Item = T>> Iterator for Either<L, R> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        match self {
            Either::Left(l) => l.next(),
            Either::Right(r) => r.next(),
        }
    }
}

/// A `TrustedProxies` entry that is neither a CIDR block nor an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidProxy(pub String);

impl fmt::Display for InvalidProxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a CIDR block (`10.0.0.0/8`) or an IP address",
            self.0
        )
    }
}

impl std::error::Error for InvalidProxy {}

impl<S> Layer<S> for TrustedProxies {
    type Service = WithTrustedProxies<S>;

    fn layer(&self, inner: S) -> WithTrustedProxies<S> {
        WithTrustedProxies {
            inner,
            proxies: self.clone(),
        }
    }
}

/// The service [`TrustedProxies`] wraps around an inner one.
#[derive(Clone, Debug)]
pub struct WithTrustedProxies<S> {
    inner: S,
    proxies: TrustedProxies,
}

impl<S, B> Service<Request<B>> for WithTrustedProxies<S>
where
    S: Service<Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> S::Future {
        req.extensions_mut().insert(self.proxies.clone());
        self.inner.call(req)
    }
}

/// An IPv4 or IPv6 block, its address masked to the prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr.parse::<IpAddr>().ok()?, Some(prefix.parse().ok()?)),
            None => (text.parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return None;
        }
        // `::ffff:10.0.0.0/104` is `10.0.0.0/8`: peers are compared in canonical form.
        let (addr, prefix) = match addr {
            IpAddr::V6(v6) if prefix >= 96 => match v6.to_ipv4_mapped() {
                Some(v4) => (IpAddr::V4(v4), prefix - 96),
                None => (addr, prefix),
            },
            _ => (addr, prefix),
        };
        Some(Self {
            addr: mask(addr, prefix),
            prefix,
        })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        ip.is_ipv4() == self.addr.is_ipv4() && mask(ip, self.prefix) == self.addr
    }
}

fn mask(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(u32::from(v4) & bits))
        }
        IpAddr::V6(v6) => {
            let bits = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(u128::from(v6) & bits))
        }
    }
}

/// An address as proxies write it: `203.0.113.7`, `2001:db8::1`, `203.0.113.7:4711`,
/// `[2001:db8::1]:4711`, `[2001:db8::1]`. `None` for `unknown`, `_hidden` and garbage.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim();
    if let Some(rest) = node.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(is_port)) {
            return None;
        }
        return v6.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    let (v4, port) = node.split_once(':')?;
    if !is_port(port) {
        return None;
    }
    v4.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
}

fn is_port(port: &str) -> bool {
    !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
}

/// The `for=` address of one `Forwarded` element (`for=192.0.2.60;proto=http;by=…`).
fn forwarded_for(element: &str) -> Option<IpAddr> {
    RSplitUnquoted::new(element, b';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("for") {
            return None;
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        // One `for` per element: `for=unknown` is an answer, not a reason to look further.
        Some(parse_node(value))
    })?
}

/// Splits on `sep` from the right, not inside a quoted string.
struct RSplitUnquoted<'a> {
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> RSplitUnquoted<'a> {
    fn new(text: &'a str, sep: u8) -> Self {
        Self {
            rest: Some(text),
            sep,
        }
    }
}

impl<'a> Iterator for RSplitUnquoted<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        let bytes = rest.as_bytes();
        let mut quoted = false;
        let mut i = bytes.len();
        while i > 0 {
            i -= 1;
            match bytes[i] {
                b'"' if i == 0 || bytes[i - 1] != b'\\' => quoted = !quoted,
                b if b == self.sep && !quoted => {
                    self.rest = Some(&rest[..i]);
                    return Some(&rest[i + 1..]);
                }
                _ => {}
            }
        }
        self.rest = None;
        Some(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn headers(name: &str, values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    #[test]
    fn cidr_blocks() {
        let c = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(c.contains(ip("10.255.1.2")));
        assert!(!c.contains(ip("11.0.0.1")));
        assert!(!c.contains(ip("::1")));
        let one = Cidr::parse("127.0.0.1").unwrap();
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        let v6 = Cidr::parse("fd00::/8").unwrap();
        assert!(v6.contains(ip("fd12::5")) && !v6.contains(ip("fe80::1")));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(Cidr::parse("::/0").unwrap().contains(ip("2001:db8::1")));
        let mapped = Cidr::parse("::ffff:10.0.0.0/104").unwrap();
        assert!(mapped.contains(ip("10.1.2.3")));
        assert_eq!(Cidr::parse("10.1.2.3/8"), Cidr::parse("10.0.0.0/8"));
        for bad in [
            "10.0.0.0/33",
            "::/129",
            "10.0.0/8",
            "localhost",
            "",
            "10.0.0.0/x",
        ] {
            assert_eq!(Cidr::parse(bad), None, "{bad}");
        }
        assert_eq!(
            TrustedProxies::try_new(["10.0.0.0/8", "nope"]).unwrap_err(),
            InvalidProxy("nope".into())
        );
    }

    #[test]
    fn nodes() {
        assert_eq!(parse_node(" 203.0.113.7 "), Some(ip("203.0.113.7")));
        assert_eq!(parse_node("203.0.113.7:4711"), Some(ip("203.0.113.7")));
        assert_eq!(parse_node("2001:db8::1"), Some(ip("2001:db8::1")));
        assert_eq!(parse_node("[2001:db8::1]:4711"), Some(ip("2001:db8::1")));
        assert_eq!(parse_node("[2001:db8::1]"), Some(ip("2001:db8::1")));
        for bad in [
            "unknown",
            "_hidden",
            "",
            "[::1]x",
            "1.2.3.4:port",
            "[1.2.3.4]",
        ] {
            assert_eq!(parse_node(bad), None, "{bad}");
        }
    }

    #[test]
    fn x_forwarded_for_walk() {
        let proxies = TrustedProxies::new(["10.0.0.0/8"]);
        let peer = ip("10.0.0.1");
        let xff = |values: &[&str]| proxies.client_ip(peer, &headers("x-forwarded-for", values));
        assert_eq!(xff(&["1.1.1.1, 2.2.2.2"]), ip("2.2.2.2"));
        assert_eq!(xff(&["1.1.1.1, 2.2.2.2, 10.0.0.9"]), ip("2.2.2.2"));
        // Several header lines are one list, in order.
        assert_eq!(xff(&["1.1.1.1", "2.2.2.2, 10.0.0.9"]), ip("2.2.2.2"));
        // Every entry trusted: the leftmost.
        assert_eq!(xff(&["10.0.0.7, 10.0.0.9"]), ip("10.0.0.7"));
        // Garbage stops the walk at the last trusted address.
        assert_eq!(xff(&["1.1.1.1, unknown, 10.0.0.9"]), ip("10.0.0.9"));
        assert_eq!(xff(&["garbage"]), peer);
        assert_eq!(xff(&[]), peer);
        // An untrusted peer: the header is ignored.
        let spoofed = headers("x-forwarded-for", &["1.1.1.1"]);
        assert_eq!(proxies.client_ip(ip("8.8.8.8"), &spoofed), ip("8.8.8.8"));
        // IPv4-mapped peers are IPv4.
        assert_eq!(
            proxies.client_ip(ip("::ffff:10.0.0.1"), &spoofed),
            ip("1.1.1.1")
        );
        assert_eq!(
            proxies.client_ip(ip("::ffff:8.8.4.4"), &spoofed),
            ip("8.8.4.4")
        );
    }

    #[test]
    fn forwarded_walk() {
        let proxies = TrustedProxies::new(["10.0.0.0/8"]).forwarded();
        let peer = ip("10.0.0.1");
        let fwd = |values: &[&str]| proxies.client_ip(peer, &headers("forwarded", values));
        assert_eq!(
            fwd(&[
                r#"for=1.1.1.1, for="[2001:db8:cafe::17]:4711";proto=https, for=10.0.0.3;by=10.0.0.1"#
            ]),
            ip("2001:db8:cafe::17")
        );
        assert_eq!(fwd(&["for=192.0.2.43:47011;proto=http"]), ip("192.0.2.43"));
        assert_eq!(fwd(&["proto=https;For=192.0.2.60"]), ip("192.0.2.60"));
        assert_eq!(fwd(&["for=unknown, for=10.0.0.4"]), ip("10.0.0.4"));
        assert_eq!(fwd(&["proto=https"]), peer);
        // A quoted comma on the client's side does not split the list.
        assert_eq!(fwd(&[r#"for="a,b", for=5.5.5.5"#]), ip("5.5.5.5"));
        // X-Forwarded-For is not read in this mode.
        let xff = headers("x-forwarded-for", &["1.1.1.1"]);
        assert_eq!(proxies.client_ip(peer, &xff), peer);
    }
}
