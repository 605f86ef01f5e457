//! [`ClientIp`]: the address of the client, honouring `Forwarded` and `X-Forwarded-For` only when the peer is
//! a trusted proxy; [`TrustedProxies`], the app's list of those proxies.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use http::header::{HeaderMap, HeaderName, FORWARDED};
use ipnet::IpNet;

use super::rejection::MissingRemoteAddr;
use super::FromRequestParts;
use crate::request::RequestParts;

/// The address of the client that sent the request, as far as the app's trusted proxies vouch for it.
///
/// * When the peer (the socket's remote address) is **not** a trusted proxy, it is the client:
///   `Forwarded` and `X-Forwarded-For` are ignored, because anyone can send them.
/// * When the peer **is** trusted, the forwarding header the proxies set
///   ([`App::forwarding_headers`](crate::App::forwarding_headers): `X-Forwarded-For` by default, or
///   `Forwarded`, RFC 7239, its `for=` parameters) is read from the right, the side the nearest proxy
///   appended to: every hop that is itself a trusted proxy is skipped, and the first untrusted address is
///   the client. The header may span several lines, read in order. The other header is ignored: a proxy
///   that sets one passes the other through as the client sent it.
/// * When every hop is trusted, the leftmost one is the client. When a hop cannot be read (`for=unknown`,
///   an obfuscated `_name`, a missing `for=`, text that is not an address), the walk stops there and the
///   last trusted address read before it is the client: nothing further left can be vouched for.
///
/// Ports in the headers (`for="192.0.2.1:4711"`, `for="[2001:db8::1]:4711"`) are dropped, and IPv4-mapped
/// IPv6 addresses (`::ffff:192.0.2.1`) are read as IPv4. Configure the proxies with
/// [`App::trusted_proxies`](crate::App::trusted_proxies); with none configured this is the peer address.
///
/// ```
/// use velocy::extract::ClientIp;
/// use velocy::prelude::*;
///
/// #[get("/whoami")]
/// async fn whoami(ClientIp(ip): ClientIp) -> String {
///     ip.to_string()
/// }
///
/// let app = App::new().trusted_proxies(["10.0.0.0/8", "::1"]).routes(routes![whoami]);
/// ```
///
/// # Rejections
/// [`MissingRemoteAddr`] (500) for requests that did not come over a socket (the in-process test client);
/// take `Option<ClientIp>` to handle both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts for ClientIp {
    type Rejection = MissingRemoteAddr;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        let peer = parts
            .remote_addr()
            .ok_or_else(|| MissingRemoteAddr::new("the request did not arrive over a socket"))?;
        let trusted = &parts.app.trusted_proxies;
        Ok(ClientIp(trusted.client_ip(peer.ip(), parts.headers())))
    }
}

/// One entry of [`App::trusted_proxies`](crate::App::trusted_proxies): an address or a CIDR block, given
/// as text (`"10.0.0.0/8"`, `"2001:db8::/32"`, `"192.0.2.7"`) or as an address. Text that is neither is
/// kept and reported when the app is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedProxy(Result<IpNet, String>);

impl From<&str> for TrustedProxy {
    fn from(text: &str) -> Self {
        let text = text.trim();
        let parsed = text
            .parse::<IpNet>()
            .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
            .map(|net| canonical_net(net.trunc()))
            .map_err(|_| text.to_owned());
        Self(parsed)
    }
}

impl From<String> for TrustedProxy {
    fn from(text: String) -> Self {
        Self::from(text.as_str())
    }
}

impl From<&String> for TrustedProxy {
    fn from(text: &String) -> Self {
        Self::from(text.as_str())
    }
}

impl From<IpAddr> for TrustedProxy {
    fn from(address: IpAddr) -> Self {
        Self(Ok(canonical_net(IpNet::from(address))))
    }
}

impl From<Ipv4Addr> for TrustedProxy {
    fn from(address: Ipv4Addr) -> Self {
        Self::from(IpAddr::V4(address))
    }
}

impl From<Ipv6Addr> for TrustedProxy {
    fn from(address: Ipv6Addr) -> Self {
        Self::from(IpAddr::V6(address))
    }
}

/// An IPv4-mapped IPv6 block (`::ffff:10.0.0.0/104`) as the IPv4 block it stands for, so that it matches
/// the canonical addresses that [`TrustedProxies::contains`] compares.
fn canonical_net(net: IpNet) -> IpNet {
    match net {
        IpNet::V6(v6) if v6.prefix_len() >= 96 => match v6.network().to_ipv4_mapped() {
            Some(v4) => ipnet::Ipv4Net::new(v4, v6.prefix_len() - 96).map_or(net, IpNet::V4),
            None => net,
        },
        other => other,
    }
}

/// Which forwarding headers the app's trusted proxies set, and so the ones [`ClientIp`] and
/// [`RequestParts::is_https`](crate::RequestParts::is_https) read; see
/// [`App::forwarding_headers`](crate::App::forwarding_headers).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ForwardingHeaders {
    /// `X-Forwarded-For` and `X-Forwarded-Proto`, the de facto standard that nginx
    /// (`$proxy_add_x_forwarded_for`), HAProxy (`option forwardfor`), Caddy, Traefik and the cloud load
    /// balancers set. The default.
    #[default]
    XForwarded,
    /// `Forwarded` (RFC 7239): its `for=` and `proto=` parameters.
    Forwarded,
}

/// The proxies whose forwarding headers [`ClientIp`] believes. Empty by default: no header is believed.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct TrustedProxies {
    nets: Vec<IpNet>,
    invalid: Vec<String>,
    pub(crate) headers: ForwardingHeaders,
}

impl fmt::Debug for TrustedProxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nets: Vec<String> = self.nets.iter().map(ToString::to_string).collect();
        f.debug_struct("TrustedProxies")
            .field("nets", &nets)
            .field("invalid", &self.invalid)
            .field("headers", &self.headers)
            .finish()
    }
}

impl TrustedProxies {
    /// Adds entries; invalid ones are kept for [`TrustedProxies::problems`].
    pub(crate) fn extend(&mut self, entries: impl IntoIterator<Item = TrustedProxy>) {
        for TrustedProxy(entry) in entries {
            match entry {
                Ok(net) => self.nets.push(net),
                Err(text) => self.invalid.push(text),
            }
        }
    }

    /// One message per entry that is neither an address nor a CIDR block.
    pub(crate) fn problems(&self) -> Vec<String> {
        self.invalid
            .iter()
            .map(|text| {
                format!(
                    "trusted proxy {text:?} is neither an IP address nor a CIDR block \
                     (such as `10.0.0.0/8` or `2001:db8::/32`)"
                )
            })
            .collect()
    }

    /// Whether `address` is a trusted proxy.
    pub(crate) fn contains(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.nets.iter().any(|net| net.contains(&address))
    }

    /// The client address for a request from `peer` with `headers` (see [`ClientIp`]).
    pub(crate) fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.contains(peer) {
            return peer;
        }
        let mut hops = forwarded_hops(headers, self.headers);
        let mut client = peer;
        while let Some(hop) = hops.next_back() {
            let Some(address) = hop else {
                // An unreadable hop: nothing further left can be vouched for.
                return client;
            };
            client = address.to_canonical();
            if !self.contains(client) {
                return client;
            }
        }
        client
    }

    /// Whether the nearest proxy says the client spoke `https` to it: only when `peer` is a trusted proxy,
    /// from the last value of `X-Forwarded-Proto`, or with [`ForwardingHeaders::Forwarded`] the last element
    /// of the last `Forwarded` header (its `proto=`, RFC 7239 §5.4).
    pub(crate) fn forwarded_https(&self, peer: IpAddr, headers: &HeaderMap) -> bool {
        if !self.contains(peer) {
            return false;
        }
        let proto = match self.headers {
            ForwardingHeaders::Forwarded => headers.get_all(FORWARDED).iter().next_back().and_then(|value| {
                value.to_str().ok().and_then(|text| {
                    let element = text.rsplit(',').next()?;
                    element.split(';').find_map(|pair| {
                        let (name, value) = pair.trim().split_once('=')?;
                        name.trim()
                            .eq_ignore_ascii_case("proto")
                            .then(|| value.trim().trim_matches('"').to_owned())
                    })
                })
            }),
            ForwardingHeaders::XForwarded => headers
                .get_all(HeaderName::from_static("x-forwarded-proto"))
                .iter()
                .next_back()
                .and_then(|value| value.to_str().ok())
                .and_then(|text| text.rsplit(',').next())
                .map(|proto| proto.trim().to_owned()),
        };
        proto.is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
    }
}

/// The hops the forwarding headers list, left (farthest) to right (nearest): each an address, or `None`
/// when it cannot be read. From the header `which` names.
fn forwarded_hops(headers: &HeaderMap, which: ForwardingHeaders) -> std::vec::IntoIter<Option<IpAddr>> {
    let mut hops = Vec::new();
    if which == ForwardingHeaders::Forwarded {
        for value in headers.get_all(FORWARDED) {
            match value.to_str() {
                Ok(text) => hops.extend(forwarded_for(text)),
                Err(_) => hops.push(None),
            }
        }
    } else {
        for value in headers.get_all(HeaderName::from_static("x-forwarded-for")) {
            match value.to_str() {
                Ok(text) => hops
                    .extend(text.split(',').map(str::trim).filter(|item| !item.is_empty()).map(parse_node)),
                Err(_) => hops.push(None),
            }
        }
    }
    hops.into_iter()
}

/// The `for=` node of every element of one `Forwarded` value (RFC 7239 §4), in order. An element with no
/// `for=` (or two of them) yields `None`; so does the point where the value stops following the grammar,
/// which ends the list: nothing to its right can be read.
pub(crate) fn forwarded_for(value: &str) -> Vec<Option<IpAddr>> {
    let mut hops = Vec::new();
    // `Some(node)` once the current element had a `for=`; `Some(None)` when it cannot be read.
    let mut node: Option<Option<IpAddr>> = None;
    let mut in_element = false;
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        match rest.as_bytes().first() {
            None => break,
            Some(b',') => {
                // Empty list elements are allowed and skipped (RFC 9110 §5.6.1).
                if in_element {
                    hops.push(node.take().flatten());
                }
                in_element = false;
                rest = &rest[1..];
                continue;
            }
            Some(b';') => {
                rest = &rest[1..];
                continue;
            }
            Some(_) => in_element = true,
        }
        // forwarded-pair = token "=" value ; value = token / quoted-string
        let name_end = rest.find(|c: char| !is_tchar(c)).unwrap_or(rest.len());
        let (name, after_name) = rest.split_at(name_end);
        let Some(after_equals) = after_name.strip_prefix('=').filter(|_| !name.is_empty()) else {
            hops.push(None);
            return hops;
        };
        let (parameter, after_value) = if let Some(quoted) = after_equals.strip_prefix('"') {
            let Some(read) = quoted_string(quoted) else {
                hops.push(None);
                return hops;
            };
            read
        } else {
            let end = after_equals.find(|c: char| !is_tchar(c)).unwrap_or(after_equals.len());
            (after_equals[..end].to_owned(), &after_equals[end..])
        };
        if name.eq_ignore_ascii_case("for") {
            // A parameter may appear once per element (RFC 7239 §4): a second `for` makes it unreadable.
            node = Some(if node.is_some() { None } else { parse_node(&parameter) });
        }
        rest = after_value.trim_start_matches([' ', '\t']);
        if !(rest.is_empty() || rest.starts_with([',', ';'])) {
            hops.push(None);
            return hops;
        }
    }
    if in_element {
        hops.push(node.flatten());
    }
    hops
}

/// Reads a `quoted-string` after its opening quote: its unescaped content and what follows the closing quote.
fn quoted_string(text: &str) -> Option<(String, &str)> {
    let mut content = String::new();
    let mut characters = text.char_indices();
    while let Some((index, character)) = characters.next() {
        match character {
            '"' => return Some((content, &text[index + 1..])),
            '\\' => content.push(characters.next()?.1),
            other => content.push(other),
        }
    }
    None
}

/// A `tchar` (RFC 9110 §5.6.2).
fn is_tchar(character: char) -> bool {
    character.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(character)
}

/// A node (RFC 7239 §6) or an `X-Forwarded-For` item: `192.0.2.1`, `192.0.2.1:80`, `[2001:db8::1]`,
/// `[2001:db8::1]:80` or a bare `2001:db8::1`, with an optional obfuscated port (`:_abc`); `None` for
/// `unknown`, obfuscated names and anything else.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(address) = node.parse::<IpAddr>() {
        return Some(address);
    }
    if let Some(inside) = node.strip_prefix('[') {
        let (address, after) = inside.split_once(']')?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(is_node_port)) {
            return None;
        }
        return address.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    let (host, port) = node.split_once(':')?;
    if !is_node_port(port) {
        return None;
    }
    host.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
}

/// `node-port = port / obfport` (RFC 7239 §6): 1 to 5 digits, or `_` and letters, digits, `.`, `_`, `-`.
fn is_node_port(port: &str) -> bool {
    let digits = !port.is_empty() && port.len() <= 5 && port.bytes().all(|byte| byte.is_ascii_digit());
    let obfuscated = port.strip_prefix('_').is_some_and(|rest| {
        !rest.is_empty()
            && rest.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-'))
    });
    digits || obfuscated
}

#[cfg(test)]
mod tests;
