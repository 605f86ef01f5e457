//! Which responses are not worth compressing, and the header edits compression makes (`Vary`, `ETag`).

use http::header::{HeaderMap, HeaderValue, CACHE_CONTROL, CONTENT_TYPE, ETAG, VARY};
use http::StatusCode;

use crate::conditional::ETag;

/// Whether `status` never has content: `1xx`, `204 No Content`, `304 Not Modified` (RFC 9110 §6.4.1).
pub(super) fn is_bodiless(status: StatusCode) -> bool {
    status.is_informational() || status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED
}

/// Whether `Cache-Control` carries `no-transform` (RFC 9111 §5.2.2.6).
pub(super) fn has_no_transform(headers: &HeaderMap) -> bool {
    headers
        .get_all(CACHE_CONTROL)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|directive| directive.trim().eq_ignore_ascii_case("no-transform"))
}

/// Media types whose content is already compressed (or gains too little to pay for the CPU): images other
/// than SVG and BMP, audio, video, WOFF fonts, archives and compressed files, gRPC (which compresses its
/// own messages), PDF (whose streams are deflated).
const INCOMPRESSIBLE: &[&str] = &[
    "application/zip",
    "application/gzip",
    "application/x-gzip",
    "application/x-bzip",
    "application/x-bzip2",
    "application/x-xz",
    "application/x-7z-compressed",
    "application/x-rar-compressed",
    "application/vnd.rar",
    "application/zstd",
    "application/x-zstd",
    "application/x-brotli",
    "application/x-lzip",
    "application/x-lz4",
    "application/java-archive",
    "application/epub+zip",
    "application/pdf",
    "application/wasm-gz",
    "application/font-woff",
    "application/x-font-woff",
    "font/woff",
    "font/woff2",
];

/// What a response's `Content-Type` says about compressing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TypeVerdict {
    /// Compress.
    Compress,
    /// Already compressed or not worth it.
    Skip,
    /// `text/event-stream`: compressed only when asked for.
    EventStream,
    /// `application/octet-stream`: compressed only when asked for.
    OctetStream,
}

/// Classifies the response's media type (parameters ignored, case-insensitive). A response with no
/// `Content-Type`, or one that is not valid text, is compressed.
pub(super) fn classify(headers: &HeaderMap) -> TypeVerdict {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok()) else {
        return TypeVerdict::Compress;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return TypeVerdict::Compress;
    };
    let is = |expected: &str| essence.eq_ignore_ascii_case(expected);
    if kind.eq_ignore_ascii_case("image") {
        let compressible = subtype.eq_ignore_ascii_case("svg+xml") || subtype.eq_ignore_ascii_case("bmp");
        return if compressible { TypeVerdict::Compress } else { TypeVerdict::Skip };
    }
    if kind.eq_ignore_ascii_case("audio") || kind.eq_ignore_ascii_case("video") {
        return TypeVerdict::Skip;
    }
    if is("text/event-stream") {
        return TypeVerdict::EventStream;
    }
    if is("application/octet-stream") {
        return TypeVerdict::OctetStream;
    }
    let grpc = kind.eq_ignore_ascii_case("application")
        && subtype.get(..4).is_some_and(|start| start.eq_ignore_ascii_case("grpc"));
    if grpc || INCOMPRESSIBLE.iter().any(|candidate| is(candidate)) {
        return TypeVerdict::Skip;
    }
    TypeVerdict::Compress
}

/// Adds `accept-encoding` to `Vary` unless it (or `*`) is already there, merging every existing `Vary`
/// line into one (RFC 9110 §12.5.5).
pub(super) fn add_vary_accept_encoding(headers: &mut HeaderMap) {
    let mut merged: Vec<u8> = Vec::new();
    for value in headers.get_all(VARY) {
        for element in value.as_bytes().split(|byte| *byte == b',') {
            let element = element.trim_ascii();
            if element.is_empty() {
                continue;
            }
            if element == b"*" || element.eq_ignore_ascii_case(b"accept-encoding") {
                return;
            }
            if !merged.is_empty() {
                merged.extend_from_slice(b", ");
            }
            merged.extend_from_slice(element);
        }
    }
    if merged.is_empty() {
        headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
        return;
    }
    merged.extend_from_slice(b", accept-encoding");
    // Built from bytes of existing header values and commas: still a valid value.
    if let Ok(value) = HeaderValue::from_bytes(&merged) {
        headers.insert(VARY, value);
    } else {
        headers.append(VARY, HeaderValue::from_static("accept-encoding"));
    }
}

/// Turns a strong `ETag` into the weak one with the same opaque tag (RFC 9110 §8.8.3): the encoded bytes
/// differ from the identity ones, so a strong tag would promise too much. A weak or malformed tag is left
/// as it is.
pub(super) fn weaken_etag(headers: &mut HeaderMap) {
    let Some(value) = headers.get(ETAG) else {
        return;
    };
    let Ok(etag) = ETag::parse_bytes(value.as_bytes()) else {
        return;
    };
    if etag.is_weak() {
        return;
    }
    if let Ok(weak) = ETag::weak(etag.tag()) {
        headers.insert(ETAG, weak.to_header_value());
    }
}
