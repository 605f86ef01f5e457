//! [`Key`]: what a rate limit counts per (client address, header, route parameter, a function, or one
//! global count); [`RateLimitKey`], a computed key as stores see it.

use std::borrow::Cow;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use http::HeaderName;
use percent_encoding::percent_decode_str;

use crate::request::RequestParts;

/// A key computed for one request, borrowed from it where possible (no allocation for header and
/// parameter keys). Stores use it, with the policy's name, to find the key's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateLimitKey<'a> {
    /// One count for every request.
    Global,
    /// The client's address ([`Key::client_ip`]).
    Ip(IpAddr),
    /// Bytes from the request: a header value, a route parameter, or what [`Key::from_fn`] returned.
    Bytes(&'a [u8]),
}

/// What a key could not be computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyError {
    /// The request lacks what the key reads (the header is absent, the function returned `None`).
    Missing(String),
    /// The route has no parameter of that name: a programming error.
    NoSuchParam(Arc<str>),
}

type KeyFn = dyn Fn(&RequestParts) -> Option<String> + Send + Sync;

#[derive(Clone)]
enum Kind {
    Global,
    /// The client's address, truncated to a network of this many leading bits (IPv4, IPv6).
    ClientIp {
        ipv4_bits: u8,
        ipv6_bits: u8,
    },
    Header(Result<HeaderName, Arc<str>>),
    Param(Arc<str>),
    Function(Arc<KeyFn>),
}

/// What a rate limit counts requests per; see the [guide](super#keys).
///
/// A request for which the key cannot be computed (the header is absent, the function returns `None`) is
/// refused with `400` ([`RateLimitKeyMissing`](super::RateLimitKeyMissing)) unless the limit says
/// [`skip_when_key_missing`](super::RateLimit::skip_when_key_missing). A [`Key::param`] naming a parameter
/// the route does not have is a `500` ([`RateLimitParamMissing`](super::RateLimitParamMissing)) at request
/// time: middleware does not learn its routes' patterns when the app is built.
#[derive(Clone)]
pub struct Key {
    kind: Kind,
}

impl Key {
    /// One count shared by every request.
    pub fn global() -> Self {
        Self { kind: Kind::Global }
    }

    /// Per client address, as [`ClientIp`](crate::extract::ClientIp) computes it: the socket's peer, or the
    /// address the app's [trusted proxies](crate::App::trusted_proxies) forwarded. Without trusted
    /// proxies behind a reverse proxy every client shares the proxy's address. A request that did not
    /// come over a socket (the in-process [`TestClient`](crate::test::TestClient)) keys as the unspecified
    /// address `::`, so all of them share one count. The default key.
    ///
    /// An IPv4 address counts alone; an IPv6 address counts with its /64 network, the smallest block a
    /// subscriber is given (RFC 6177 §3: one client usually holds a whole /64 and can change addresses
    /// within it at will). An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) counts as its IPv4 address.
    /// [`client_network`](Self::client_network) chooses other prefixes.
    pub fn client_ip() -> Self {
        Self::client_network(32, 64)
    }

    /// Per client network: the client's address (as for [`client_ip`](Self::client_ip)) truncated to its
    /// first `ipv4_bits` (at most 32) or `ipv6_bits` (at most 128) bits, so that `client_network(24, 48)`
    /// counts each IPv4 /24 and each IPv6 /48 as one client, and `client_network(32, 128)` counts every
    /// address alone. Larger numbers are capped at the address size.
    pub fn client_network(ipv4_bits: u8, ipv6_bits: u8) -> Self {
        Self { kind: Kind::ClientIp { ipv4_bits: ipv4_bits.min(32), ipv6_bits: ipv6_bits.min(128) } }
    }

    /// Per value of the request header `name` (its bytes, compared exactly), such as `x-api-key`. A name
    /// that is not a valid header name is reported when the app is built.
    pub fn header(name: &str) -> Self {
        Self { kind: Kind::Header(HeaderName::try_from(name).map_err(|_| Arc::from(name))) }
    }

    /// Per value of the route parameter `name` (as matched, before decoding), such as the `id` of
    /// `/users/:id`.
    pub fn param(name: &str) -> Self {
        Self { kind: Kind::Param(Arc::from(name)) }
    }

    /// Per value that `function` computes from the request (for example the user an authentication
    /// middleware put in the extensions); `None` means the key cannot be computed.
    pub fn from_fn<F>(function: F) -> Self
    where
        F: Fn(&RequestParts) -> Option<String> + Send + Sync + 'static,
    {
        Self { kind: Kind::Function(Arc::new(function)) }
    }

    /// What is wrong with the key itself (an invalid header name), reported when the app is built.
    pub(crate) fn problem(&self) -> Option<String> {
        match &self.kind {
            Kind::Header(Err(name)) => {
                Some(format!("keys a rate limit by `{name}`, which is not a header name"))
            }
            _ => None,
        }
    }

    /// Computes the key of a request. `owned` holds a value computed by a [`Key::from_fn`] function.
    pub(crate) fn compute<'a>(
        &self,
        parts: &'a RequestParts,
        owned: &'a mut Option<String>,
    ) -> Result<RateLimitKey<'a>, KeyError> {
        match &self.kind {
            Kind::Global => Ok(RateLimitKey::Global),
            Kind::ClientIp { ipv4_bits, ipv6_bits } => {
                let address = match parts.remote_addr() {
                    Some(peer) => parts.app.trusted_proxies.client_ip(peer.ip(), parts.headers()),
                    None => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
                };
                Ok(RateLimitKey::Ip(network(address, *ipv4_bits, *ipv6_bits)))
            }
            Kind::Header(Ok(name)) => match parts.headers().get(name) {
                Some(value) => Ok(bounded(value.as_bytes(), owned)),
                None => Err(KeyError::Missing(format!("the request has no `{name}` header"))),
            },
            Kind::Header(Err(name)) => Err(KeyError::Missing(format!("`{name}` is not a header name"))),
            Kind::Param(name) => match parts.param(name) {
                // Decoded, so `/login/%61da` and `/login/ada` (the same handler input) share one count.
                Some(value) => match percent_decode_str(value).decode_utf8_lossy() {
                    Cow::Borrowed(value) => Ok(bounded(value.as_bytes(), owned)),
                    Cow::Owned(decoded) => {
                        *owned = Some(decoded);
                        Ok(bounded_owned(owned))
                    }
                },
                None => Err(KeyError::NoSuchParam(Arc::clone(name))),
            },
            Kind::Function(function) => {
                *owned = function(parts);
                if owned.is_none() {
                    return Err(KeyError::Missing("the rate limit's key function found no key".to_owned()));
                }
                Ok(bounded_owned(owned))
            }
        }
    }
}

/// The network of `address`: its first `ipv4_bits` or `ipv6_bits` bits, the rest zero; an IPv4-mapped
/// IPv6 address as IPv4.
pub(crate) fn network(address: IpAddr, ipv4_bits: u8, ipv6_bits: u8) -> IpAddr {
    match address {
        IpAddr::V4(v4) => IpAddr::V4(Ipv4Addr::from(u32::from(v4) & prefix_mask_32(ipv4_bits))),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(Ipv4Addr::from(u32::from(v4) & prefix_mask_32(ipv4_bits))),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & prefix_mask_128(ipv6_bits))),
        },
    }
}

fn prefix_mask_32(bits: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(bits.min(32))).unwrap_or(0)
}

fn prefix_mask_128(bits: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(bits.min(128))).unwrap_or(0)
}

/// 64 bytes: longer keys (attacker-chosen header values, parameters) are stored as a 128-bit keyed digest, so
/// a key costs at most this much memory however long the value.
pub(crate) const MAX_KEY_BYTES: usize = 64;

/// `bytes` as a key, or its digest in `owned` when it is longer than [`MAX_KEY_BYTES`].
pub(crate) fn bounded<'a>(bytes: &'a [u8], owned: &'a mut Option<String>) -> RateLimitKey<'a> {
    if bytes.len() <= MAX_KEY_BYTES {
        return RateLimitKey::Bytes(bytes);
    }
    *owned = Some(digest(bytes));
    RateLimitKey::Bytes(owned.as_deref().map_or(&[], str::as_bytes))
}

/// The key held in `owned` (set by the caller), replaced by its digest when too long.
fn bounded_owned(owned: &mut Option<String>) -> RateLimitKey<'_> {
    if let Some(value) = owned.as_deref().filter(|value| value.len() > MAX_KEY_BYTES) {
        *owned = Some(digest(value.as_bytes()));
    }
    RateLimitKey::Bytes(owned.as_deref().map_or(&[], str::as_bytes))
}

/// A 128-bit digest of `bytes` under two SipHash keys chosen at random per process: clients cannot aim two
/// values at one digest.
fn digest(bytes: &[u8]) -> String {
    use std::hash::BuildHasher as _;
    static SEEDS: std::sync::OnceLock<(std::hash::RandomState, std::hash::RandomState)> =
        std::sync::OnceLock::new();
    let (first, second) =
        SEEDS.get_or_init(|| (std::hash::RandomState::new(), std::hash::RandomState::new()));
    format!("#{:016x}{:016x}", first.hash_one(bytes), second.hash_one(bytes))
}

impl Default for Key {
    fn default() -> Self {
        Self::client_ip()
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Global => f.write_str("Key::global()"),
            Kind::ClientIp { ipv4_bits: 32, ipv6_bits: 64 } => f.write_str("Key::client_ip()"),
            Kind::ClientIp { ipv4_bits, ipv6_bits } => {
                write!(f, "Key::client_network({ipv4_bits}, {ipv6_bits})")
            }
            Kind::Header(Ok(name)) => write!(f, "Key::header({:?})", name.as_str()),
            Kind::Header(Err(name)) => write!(f, "Key::header({name:?})"),
            Kind::Param(name) => write!(f, "Key::param({name:?})"),
            Kind::Function(_) => f.write_str("Key::from_fn(..)"),
        }
    }
}
