//! The request path of a static file, decoded and checked before it comes near the file system.
//!
//! The server already normalizes request targets (`.`/`..` removed, `%00` and invalid UTF-8 refused), but
//! this check stands on its own: whatever reaches it, a path that is accepted joins onto the root as plain
//! names only ([`std::path::Component::Normal`]), so it can never leave the root lexically. Symbolic links
//! are the file system's business and are checked after the join (see [`Symlinks`](super::Symlinks)).

use std::path::{Path, PathBuf};

/// Why a request path was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathError {
    /// Not a valid path: a bad or encoded separator, `.`/`..`, NUL or control characters, invalid
    /// percent-encoding or UTF-8, a drive letter or a stream name (`:`). Answered with 400.
    Invalid,
    /// A name that can never be served: a Windows device name (`CON`, `NUL`, `COM1`…). Answered with 404.
    Reserved,
}

/// A request path split into checked segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestPath {
    /// The decoded names, each safe to join (never empty, `.`, `..`, nor containing a separator).
    pub(crate) segments: Vec<String>,
    /// The raw path ended with `/` (a directory was asked for).
    pub(crate) trailing_slash: bool,
}

impl RequestPath {
    /// Whether a segment is a dotfile (or a dot directory): a name starting with `.`.
    pub(crate) fn has_dotfile(&self) -> bool {
        self.segments.iter().any(|segment| segment.starts_with('.'))
    }

    /// The segments joined onto `root`.
    pub(crate) fn join(&self, root: &Path) -> PathBuf {
        let mut path = root.to_path_buf();
        path.extend(&self.segments);
        path
    }
}

/// The Windows device names, reserved in every directory and with any extension (`NUL.txt` too).
const DEVICE_NAMES: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6",
    "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6",
    "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
];

fn is_device_name(segment: &str) -> bool {
    let stem = segment.split('.').next().unwrap_or(segment).trim_end_matches(' ');
    DEVICE_NAMES.iter().any(|device| device.eq_ignore_ascii_case(stem))
}

/// Parses the raw, still percent-encoded path below the mount point (no leading `/`; empty for the mount
/// root). Each `/`-separated segment is percent-decoded exactly once; an encoded separator (`%2F`, `%5C`)
/// is refused rather than decoded into one.
pub(crate) fn parse(raw: &str) -> Result<RequestPath, PathError> {
    let raw = raw.strip_prefix('/').unwrap_or(raw);
    let trailing_slash = raw.is_empty() || raw.ends_with('/');
    let mut segments = Vec::new();
    let mut reserved = false;
    for segment in raw.split('/') {
        if segment.is_empty() {
            // `//` (merged by the server anyway) and the trailing slash.
            continue;
        }
        let decoded = decode(segment)?;
        check_segment(&decoded)?;
        reserved |= is_device_name(&decoded);
        segments.push(decoded);
    }
    if reserved {
        return Err(PathError::Reserved);
    }
    Ok(RequestPath { segments, trailing_slash })
}

/// Percent-decodes one segment into UTF-8 text (overlong forms such as `%C0%AE` are not UTF-8).
fn decode(segment: &str) -> Result<String, PathError> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if byte == b'%' {
            let high = bytes.get(index + 1).and_then(|b| (*b as char).to_digit(16));
            let low = bytes.get(index + 2).and_then(|b| (*b as char).to_digit(16));
            let (Some(high), Some(low)) = (high, low) else { return Err(PathError::Invalid) };
            // Two hex digits are at most 255.
            out.push(u8::try_from(high * 16 + low).map_err(|_| PathError::Invalid)?);
            index += 3;
        } else {
            out.push(byte);
            index += 1;
        }
    }
    String::from_utf8(out).map_err(|_| PathError::Invalid)
}

/// Refuses what is not a plain file name on every platform.
fn check_segment(segment: &str) -> Result<(), PathError> {
    if segment == "." || segment == ".." {
        return Err(PathError::Invalid);
    }
    // Separators (an encoded `/`, any `\`), NUL and control characters, and `:` (drive letters `C:`,
    // NTFS streams `file::$DATA`).
    if segment.chars().any(|c| c == '/' || c == '\\' || c == ':' || c.is_control()) {
        return Err(PathError::Invalid);
    }
    // Windows ignores trailing dots and spaces (`..` written as `.. ` or `...`): refuse them everywhere.
    if segment.ends_with('.') || segment.ends_with(' ') {
        return Err(PathError::Invalid);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::path::Component;

    use proptest::prelude::*;

    use super::*;

    fn segments(raw: &str) -> Vec<String> {
        parse(raw).unwrap().segments
    }

    #[test]
    fn plain_paths_decode_once() {
        assert_eq!(segments("a/b%20c.txt"), ["a", "b c.txt"]);
        assert_eq!(segments("a%2541"), ["a%41"]);
        assert_eq!(segments("caf%C3%A9"), ["café"]);
        assert!(parse("dir/").unwrap().trailing_slash);
        assert!(parse("").unwrap().trailing_slash);
        assert!(!parse("dir").unwrap().trailing_slash);
    }

    #[test]
    fn every_escape_vector_is_refused() {
        for raw in [
            "..",
            "../etc/passwd",
            "a/../../b",
            "%2e%2e/x",
            "%2E%2E",
            ".%2e",
            "a%2f..%2fb",
            "a%2Fb",
            "..%5c..%5cx",
            "a\\b",
            "%00",
            "a%00.txt",
            "%c0%ae%c0%ae/x",
            "%e0%80%ae",
            "C:",
            "c:/windows",
            "C%3A%5Cx",
            "file::$DATA",
            "a.",
            "a ",
            "...",
            "%",
            "%2",
            "%zz",
            "a%0a",
            ".",
        ] {
            assert_eq!(parse(raw), Err(PathError::Invalid), "{raw}");
        }
        for raw in ["CON", "nul", "NUL.txt", "a/COM1", "lpt9.log", "con .txt", "AUX"] {
            assert_eq!(parse(raw), Err(PathError::Reserved), "{raw}");
        }
        assert!(parse("CONSOLE.txt").is_ok());
        assert!(parse("COM10").is_ok());
    }

    proptest! {
        #[test]
        fn accepted_paths_join_as_plain_names_inside_the_root(raw in "[a-zA-Z0-9./%\\\\:_ -]{0,40}") {
            if let Ok(path) = parse(&raw) {
                let root = Path::new("/srv/root");
                let joined = path.join(root);
                prop_assert!(joined.starts_with(root));
                let rest = joined.strip_prefix(root).unwrap();
                prop_assert!(rest.components().all(|c| matches!(c, Component::Normal(_))));
                prop_assert_eq!(rest.components().count(), path.segments.len());
            }
        }
    }
}
