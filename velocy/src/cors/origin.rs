//! [`AllowOrigin`]: which origins may read responses, and the check of configured origins.

use std::fmt;
use std::sync::Arc;

use http::HeaderValue;

use crate::request::RequestParts;

/// A predicate deciding per request whether an origin is allowed.
type Predicate = Arc<dyn Fn(&HeaderValue, &RequestParts) -> bool + Send + Sync>;

/// The origins allowed to read responses (the request's `Origin`, Fetch standard §3.2.5): an exact
/// origin, a list, a predicate, or any origin (`Access-Control-Allow-Origin: *`).
///
/// Origins are compared ASCII case-insensitively with the request's `Origin` as browsers serialize it
/// (RFC 6454 §6.2): `scheme://host[:port]`, without a path or a trailing `/`, and without the scheme's
/// default port. A configured origin that is not of that form is a build error, so a typo never turns
/// into a silently refused origin.
///
/// ```
/// use velocy::cors::{AllowOrigin, Cors};
///
/// let exact = Cors::new().allow_origin("https://app.example");
/// let list = Cors::new().allow_origin(["https://app.example", "https://admin.example"]);
/// let subdomains = Cors::new().allow_origin(AllowOrigin::predicate(|origin, _parts| {
///     origin.as_bytes().starts_with(b"https://") && origin.as_bytes().ends_with(b".app.example")
/// }));
/// let public = Cors::new().allow_origin(AllowOrigin::any());
/// # let _ = (exact, list, subdomains, public);
/// ```
#[derive(Clone)]
pub struct AllowOrigin {
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    Any,
    /// Lowercased origins.
    List(Vec<String>),
    Predicate(Predicate),
}

impl AllowOrigin {
    /// Any origin: responses carry `Access-Control-Allow-Origin: *`. Not allowed together with
    /// credentials (a build error: the Fetch standard makes browsers refuse `*` on credentialed requests).
    pub fn any() -> Self {
        Self { kind: Kind::Any }
    }

    /// Exactly `origin`, such as `"https://app.example"` or `"http://localhost:5173"`.
    pub fn exact(origin: impl Into<String>) -> Self {
        Self::list([origin.into()])
    }

    /// Any of `origins`. An empty list allows no origin.
    pub fn list<I, S>(origins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            kind: Kind::List(origins.into_iter().map(|origin| origin.into().to_ascii_lowercase()).collect()),
        }
    }

    /// The origins for which `predicate(origin, request)` returns `true`; the request's `Origin` is
    /// echoed in `Access-Control-Allow-Origin`. The value is the raw header, which may be `null` (sandboxed
    /// documents, `file:` pages) or anything a non-browser client sends: match it strictly.
    pub fn predicate<F>(predicate: F) -> Self
    where
        F: Fn(&HeaderValue, &RequestParts) -> bool + Send + Sync + 'static,
    {
        Self { kind: Kind::Predicate(Arc::new(predicate)) }
    }

    /// Whether the configuration is "any origin".
    pub(crate) fn is_any(&self) -> bool {
        matches!(self.kind, Kind::Any)
    }

    /// Whether `origin` (the request's `Origin`) is allowed for the request `parts`.
    pub(crate) fn allows(&self, origin: &HeaderValue, parts: &RequestParts) -> bool {
        match &self.kind {
            Kind::Any => true,
            Kind::List(origins) => {
                let origin = origin.as_bytes();
                origins.iter().any(|allowed| allowed.as_bytes().eq_ignore_ascii_case(origin))
            }
            Kind::Predicate(predicate) => predicate(origin, parts),
        }
    }

    /// The configuration problems: one sentence per configured origin that is not `scheme://host[:port]`.
    pub(crate) fn problems(&self) -> Vec<String> {
        let Kind::List(origins) = &self.kind else { return Vec::new() };
        origins
            .iter()
            .filter_map(|origin| {
                check_origin(origin).err().map(|reason| {
                    format!("allows the origin {origin:?}, which is not an origin `scheme://host[:port]`: {reason}")
                })
            })
            .collect()
    }
}

/// Checks that `origin` (lowercased) is an origin as browsers send it (RFC 6454 §6.2); the error says
/// what to write instead.
fn check_origin(origin: &str) -> Result<(), String> {
    match origin {
        "*" => return Err("use `AllowOrigin::any()` to allow any origin".to_owned()),
        "null" => {
            return Err(
                "`null` is the origin of sandboxed documents and `file:` pages, so allowing it allows \
                        any of them; if you really must, use `AllowOrigin::predicate(..)`"
                    .to_owned(),
            )
        }
        _ => {}
    }
    let Some((scheme, rest)) = origin.split_once("://") else {
        return Err("write the scheme, as in `https://app.example`".to_owned());
    };
    let scheme_ok = scheme.bytes().next().is_some_and(|first| first.is_ascii_alphabetic())
        && scheme.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'-' | b'.'));
    if !scheme_ok {
        return Err(format!("{scheme:?} is not a URL scheme"));
    }
    if let Some(index) = rest.find(['/', '?', '#']) {
        let base = format!("{scheme}://{}", &rest[..index]);
        return Err(format!("an origin has no path, query or trailing `/`: write {base:?}"));
    }
    if rest.contains('@') {
        return Err("an origin has no user information".to_owned());
    }
    let (host, port) = match rest.find(']') {
        Some(end) if rest.starts_with('[') => (&rest[..=end], Some(&rest[end + 1..])),
        _ => match rest.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        },
    };
    let port = match port {
        Some("") if rest.starts_with('[') => None,
        Some(port) if rest.starts_with('[') => match port.strip_prefix(':') {
            Some(port) => Some(port),
            None => return Err(format!("{rest:?} is not a host and port")),
        },
        port => port,
    };
    let host_ok = if let Some(inner) = host.strip_prefix('[') {
        inner.strip_suffix(']').is_some_and(|address| address.parse::<std::net::Ipv6Addr>().is_ok())
    } else {
        !host.is_empty()
            && host
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~'))
    };
    if !host_ok {
        return Err(format!("{host:?} is not a host name or address"));
    }
    if let Some(port) = port {
        let Some(number) = port.parse::<u16>().ok().filter(|&number| number > 0 && !port.starts_with('+'))
        else {
            return Err(format!("{port:?} is not a port number"));
        };
        let default = match scheme {
            "http" | "ws" => Some(80),
            "https" | "wss" => Some(443),
            _ => None,
        };
        if default == Some(number) {
            return Err(format!(
                "browsers leave out the default port {number}: write {:?}",
                format!("{scheme}://{host}")
            ));
        }
    }
    Ok(())
}

impl fmt::Debug for AllowOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Any => f.write_str("AllowOrigin::Any"),
            Kind::List(origins) => f.debug_tuple("AllowOrigin::List").field(origins).finish(),
            Kind::Predicate(_) => f.write_str("AllowOrigin::Predicate(..)"),
        }
    }
}

impl From<&str> for AllowOrigin {
    fn from(origin: &str) -> Self {
        Self::exact(origin)
    }
}

impl From<String> for AllowOrigin {
    fn from(origin: String) -> Self {
        Self::exact(origin)
    }
}

impl<const N: usize> From<[&str; N]> for AllowOrigin {
    fn from(origins: [&str; N]) -> Self {
        Self::list(origins)
    }
}

impl From<Vec<String>> for AllowOrigin {
    fn from(origins: Vec<String>) -> Self {
        Self::list(origins)
    }
}

#[cfg(test)]
mod tests {
    use super::check_origin;

    #[test]
    fn origins_are_scheme_host_and_port() {
        for good in ["https://app.example", "http://localhost:5173", "http://[::1]:8080", "http://127.0.0.1"]
        {
            assert_eq!(check_origin(good), Ok(()), "{good}");
        }
        for (bad, reason) in [
            ("https://app.example/", "no path"),
            ("app.example", "write the scheme"),
            ("https://app.example:443", "default port 443"),
            ("http://app.example:99999", "port number"),
            ("https://", "not a host"),
            ("https://a b", "not a host"),
            ("null", "sandboxed"),
            ("*", "AllowOrigin::any()"),
        ] {
            let error = check_origin(bad).expect_err(bad);
            assert!(error.contains(reason), "{bad}: {error}");
        }
    }
}
