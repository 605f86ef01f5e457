//! Virtual hosting: host patterns (`api.example.com`, `*.example.com`, `example.com:*`), matched against the
//! host a request addressed, which [`target`](crate::target) parses strictly (RFC 9110 §7.2, RFC 3986
//! §3.2.2) for every request.

use std::fmt;

/// The host a request addressed, as [`target::check`](crate::target::check) validates it and routing reads
/// it.
pub(crate) use crate::target::parse_request_host;
use crate::target::{parse_port, split_port};

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
}
