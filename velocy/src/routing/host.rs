//! Virtual hosting: host patterns (`api.example.com`, `*.example.com`, `example.com:*`) and strict parsing of
//! the host a request addressed (RFC 9110 §7.2, RFC 3986 §3.2.2).

use std::fmt;

/// A host pattern: labels (each exact or `*`, matching exactly one label) and a port (exact, any `*`, or —
/// when omitted — the default port).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HostPattern {
    source: String,
    labels: Vec<Label>,
    port: PortPattern,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Label {
    Exact(String),
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PortPattern {
    Default,
    Exact(u16),
    Any,
}

impl HostPattern {
    /// Parses `pattern`: labels of letters, digits and `-` (or `*`), separated by `.`, optionally `:port`
    /// or `:*`. IP literals are allowed as exact hosts.
    pub(crate) fn parse(pattern: &str) -> Result<Self, String> {
        let lowered = pattern.trim().to_ascii_lowercase();
        let (host, port) =
            split_port(&lowered).map_err(|error| format!("host pattern {pattern:?}: {error}"))?;
        let port = match port {
            None => PortPattern::Default,
            Some("*") => PortPattern::Any,
            Some(digits) => PortPattern::Exact(
                parse_port(digits).map_err(|error| format!("host pattern {pattern:?}: {error}"))?,
            ),
        };
        if host.is_empty() {
            return Err(format!("host pattern {pattern:?} has no host"));
        }
        let labels = if host.starts_with('[') {
            vec![Label::Exact(host.to_owned())]
        } else {
            host.split('.')
                .map(|label| match label {
                    "*" => Ok(Label::Any),
                    "" => Err(format!("host pattern {pattern:?} has an empty label")),
                    _ if label.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-') => {
                        Ok(Label::Exact(label.to_owned()))
                    }
                    _ => Err(format!(
                        "host pattern {pattern:?}: label {label:?} may hold only letters, digits and `-`"
                    )),
                })
                .collect::<Result<_, _>>()?
        };
        Ok(Self { source: pattern.to_owned(), labels, port })
    }

    /// Whether the pattern matches `host` (lowercase, no port) on `port`, where `default_port` is the
    /// scheme's.
    pub(crate) fn matches(&self, host: &str, port: u16, default_port: u16) -> bool {
        let port_matches = match self.port {
            PortPattern::Default => port == default_port,
            PortPattern::Exact(expected) => port == expected,
            PortPattern::Any => true,
        };
        if !port_matches {
            return false;
        }
        if host.starts_with('[') {
            return matches!(self.labels.as_slice(), [Label::Exact(exact)] if exact == host);
        }
        let mut labels = host.split('.');
        for expected in &self.labels {
            match (expected, labels.next()) {
                (Label::Any, Some(_)) => {}
                (Label::Exact(exact), Some(label)) if exact == label => {}
                _ => return false,
            }
        }
        labels.next().is_none()
    }

    /// Orders patterns so that the most specific wins: fewer wildcard labels first, then an exact port
    /// before the default port before any port.
    pub(crate) fn specificity(&self) -> (usize, u8) {
        let wildcards = self.labels.iter().filter(|label| **label == Label::Any).count();
        let port = match self.port {
            PortPattern::Exact(_) => 0,
            PortPattern::Default => 1,
            PortPattern::Any => 2,
        };
        (wildcards, port)
    }
}

impl fmt::Display for HostPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn split_port(text: &str) -> Result<(&str, Option<&str>), String> {
    if let Some(rest) = text.strip_prefix('[') {
        let Some(end) = rest.find(']') else { return Err("unclosed `[` in an IP literal".to_owned()) };
        let host = &text[..end + 2];
        return match &rest[end + 1..] {
            "" => Ok((host, None)),
            after => match after.strip_prefix(':') {
                Some(port) => Ok((host, Some(port))),
                None => Err("unexpected text after an IP literal".to_owned()),
            },
        };
    }
    match text.rsplit_once(':') {
        Some((host, port)) => Ok((host, Some(port))),
        None => Ok((text, None)),
    }
}

fn parse_port(digits: &str) -> Result<u16, String> {
    if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(format!("port {digits:?} is not a number from 0 to 65535"));
    }
    digits.parse().map_err(|_| format!("port {digits:?} is not a number from 0 to 65535"))
}

/// Parses the host a request addressed (`uri-host [ ":" port ]`, RFC 9110 §7.2) strictly: a reg-name of
/// unreserved, sub-delim and percent-encoded characters, an IPv4 address, or a bracketed IP literal; an
/// optional decimal port. Returns the lowercased host and the port (`None` when absent).
///
/// # Errors
/// A message saying what is malformed.
pub(crate) fn parse_request_host(text: &str) -> Result<(String, Option<u16>), String> {
    let (host, port) = split_port(text)?;
    if host.is_empty() {
        return Err("the host is empty".to_owned());
    }
    let port = port.map(parse_port).transpose()?;
    if let Some(literal) = host.strip_prefix('[') {
        let inner = literal.trim_end_matches(']');
        if inner.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(format!("{host:?} is not a valid IPv6 literal"));
        }
        return Ok((host.to_ascii_lowercase(), port));
    }
    let valid = host.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=%".contains(&byte));
    if !valid {
        return Err(format!("{host:?} contains characters a host may not have"));
    }
    Ok((host.to_ascii_lowercase(), port))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn exact_wildcard_and_port_patterns() {
        let api = HostPattern::parse("api.example.com").unwrap();
        assert!(api.matches("api.example.com", 80, 80));
        assert!(!api.matches("api.example.com", 8080, 80));
        assert!(!api.matches("www.api.example.com", 80, 80));
        let any_sub = HostPattern::parse("*.example.com").unwrap();
        assert!(any_sub.matches("shop.example.com", 80, 80));
        assert!(!any_sub.matches("example.com", 80, 80));
        assert!(!any_sub.matches("a.b.example.com", 80, 80));
        let middle = HostPattern::parse("api.*.example.com").unwrap();
        assert!(middle.matches("api.eu.example.com", 80, 80));
        let any_port = HostPattern::parse("Example.com:*").unwrap();
        assert!(any_port.matches("example.com", 3000, 80));
        let fixed = HostPattern::parse("example.com:8443").unwrap();
        assert!(fixed.matches("example.com", 8443, 80) && !fixed.matches("example.com", 80, 80));
        assert!(HostPattern::parse("[::1]:*").unwrap().matches("[::1]", 9, 80));
    }

    #[test]
    fn exact_beats_wildcard() {
        let exact = HostPattern::parse("api.example.com").unwrap();
        let wildcard = HostPattern::parse("*.example.com").unwrap();
        let any_port = HostPattern::parse("api.example.com:*").unwrap();
        assert!(exact.specificity() < wildcard.specificity());
        assert!(exact.specificity() < any_port.specificity());
    }

    #[test]
    fn bad_patterns_are_refused() {
        assert!(HostPattern::parse("").is_err());
        assert!(HostPattern::parse("a..b").is_err());
        assert!(HostPattern::parse("exa mple.com").is_err());
        assert!(HostPattern::parse("example.com:http").is_err());
        assert!(HostPattern::parse("example.com:70000").is_err());
    }

    #[test]
    fn request_hosts_parse_strictly() {
        assert_eq!(parse_request_host("Example.COM:8080").unwrap(), ("example.com".to_owned(), Some(8080)));
        assert_eq!(parse_request_host("example.com").unwrap(), ("example.com".to_owned(), None));
        assert_eq!(parse_request_host("[::1]:3000").unwrap(), ("[::1]".to_owned(), Some(3000)));
        assert!(parse_request_host("exa mple.com").is_err());
        assert!(parse_request_host("example.com:").is_err());
        assert!(parse_request_host("example.com:99999").is_err());
        assert!(parse_request_host("[nope]").is_err());
        assert!(parse_request_host("a/b").is_err());
        assert!(parse_request_host("").is_err());
    }
}
