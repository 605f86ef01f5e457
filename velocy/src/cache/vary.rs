//! Secondary cache keys (RFC 9111 §4.1): the request headers a stored response varies on, read from its
//! `Vary`, normalized, and matched against later requests.

use http::header::VARY;
use http::{HeaderMap, HeaderName};

/// The header names in `Vary` (lowercase, deduplicated); `None` for `Vary: *` and for a `Vary` line or
/// name that cannot be read (failing closed: such a response is not stored).
pub(crate) fn vary_names(headers: &HeaderMap) -> Option<Vec<HeaderName>> {
    let mut names: Vec<HeaderName> = Vec::new();
    for value in headers.get_all(VARY) {
        let text = value.to_str().ok()?;
        for name in text.split(',').map(str::trim).filter(|name| !name.is_empty()) {
            if name == "*" {
                return None;
            }
            let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    Some(names)
}

/// The value of a request header for the secondary key, as raw bytes: every field line joined with `,`,
/// the spaces around list separators removed (RFC 9111 §4.1 allows this normalization); `None` when
/// absent.
pub(crate) fn normalized(headers: &HeaderMap, name: &HeaderName) -> Option<Vec<u8>> {
    let mut joined: Option<Vec<u8>> = None;
    for value in headers.get_all(name) {
        for part in value.as_bytes().split(|byte| *byte == b',') {
            let out = match joined.as_mut() {
                Some(out) => {
                    out.push(b',');
                    out
                }
                None => joined.insert(Vec::new()),
            };
            out.extend_from_slice(part.trim_ascii());
        }
    }
    joined
}

/// The secondary key of a request for a response varying on `names`.
pub(crate) fn secondary_key(request: &HeaderMap, names: &[HeaderName]) -> Vec<(HeaderName, Option<Vec<u8>>)> {
    names.iter().map(|name| (name.clone(), normalized(request, name))).collect()
}

/// Whether a stored variant's secondary key matches the request (RFC 9111 §4.1).
pub(crate) fn vary_matches(request: &HeaderMap, vary: &[(HeaderName, Option<Vec<u8>>)]) -> bool {
    vary.iter().all(|(name, value)| normalized(request, name) == *value)
}
