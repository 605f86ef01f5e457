//! [`Compression`]: the middleware that compresses response bodies.

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{
    HeaderMap, HeaderValue, ACCEPT_RANGES, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE,
    ETAG, IF_NONE_MATCH,
};
use http::{Method, StatusCode};

use super::encode::{CompressedBody, Levels};
use super::skip::{self, TypeVerdict};
use super::{Coding, Enabled};
use crate::body::Body;
use crate::conditional::{ETag, ETagList};
use crate::future::BoxFuture;
use crate::middleware::{Middleware, Next};
use crate::negotiation::preferred_encoding;
use crate::request::Request;
use crate::response::{Problem, Response};

/// A custom rule: `false` keeps a response uncompressed.
type Predicate = Arc<dyn Fn(&Response) -> bool + Send + Sync>;

/// Compresses response bodies with zstd, brotli or gzip, as the request's `Accept-Encoding` allows
/// (RFC 9110 §12.5.3), streaming: the body is encoded chunk by chunk, never buffered whole.
///
/// | setting | default | change with |
/// | --- | --- | --- |
/// | codings, in order of preference | zstd, br, gzip | [`gzip`](Self::gzip), [`brotli`](Self::brotli), [`zstd`](Self::zstd) (`false` turns one off) |
/// | gzip level (0–9) | 4 | [`gzip_level`](Self::gzip_level) |
/// | brotli quality (0–11) | 4 | [`brotli_quality`](Self::brotli_quality) |
/// | zstd level (1–22; negative levels are faster still) | 3 | [`zstd_level`](Self::zstd_level) |
/// | minimum size, bytes | 1024 | [`min_size`](Self::min_size) |
/// | `text/event-stream` | not compressed | [`event_stream`](Self::event_stream) |
/// | `application/octet-stream` | not compressed | [`octet_stream`](Self::octet_stream) |
/// | custom rule | none | [`predicate`](Self::predicate) |
///
/// A response is sent as it is when any of these holds: the status has no content
/// (1xx, 204, 304); the response already has a `Content-Encoding`; it is a `206` or has a `Content-Range`;
/// `Cache-Control: no-transform`; its media type is already compressed (images other than SVG and BMP,
/// audio, video, WOFF fonts, archives, PDF, gRPC) or is `text/event-stream` / `application/octet-stream`
/// and not switched on; its known length is below the minimum size (a streamed body of unknown length is
/// compressed); it is a framework problem response (rendered later by the request's `Accept`); or the
/// predicate says no. Otherwise the client's `Accept-Encoding` picks the coding: the highest quality wins,
/// ties go to the order above, `identity` (no coding) competes with its own quality. No `Accept-Encoding`
/// at all, or nothing acceptable (even when `identity;q=0` refuses the identity coding), sends the body
/// uncompressed: every client can read that, where a 406 or 415 would help nobody.
///
/// A compressed response gets `Content-Encoding`, loses `Content-Length` and `Accept-Ranges` (byte ranges
/// would address the identity bytes), has a strong `ETag` made weak (`"x"` → `W/"x"`, RFC 9110 §8.8.3),
/// and gets `Vary: accept-encoding` (merged into an existing `Vary`). Responses that could have been
/// compressed but were not because of the client's `Accept-Encoding` get the same `Vary`, so caches keep
/// the variants apart. A `HEAD` response gets the headers the `GET` would (`Content-Encoding`, `Vary`, the
/// weak `ETag`, no `Content-Length`), without encoding anything. A `304 Not Modified` gets `Vary` and the
/// weak `ETag` only when the `200` it revalidates would have been compressed, as judged from the 304's own
/// headers (see [revalidation](crate::compression#revalidation-and-304)).
///
/// ```
/// use velocy::compression::Compression;
/// use velocy::App;
///
/// let app = App::new().middleware(Compression::new().brotli_quality(5).min_size(512));
/// # let _ = app;
/// ```
#[derive(Clone)]
#[must_use]
pub struct Compression {
    /// Shared by every request the middleware handles: one reference count per request.
    config: Arc<Config>,
}

#[derive(Clone)]
struct Config {
    enabled: Enabled,
    /// The enabled codings' tokens in order of preference, then `identity`.
    candidates: Arc<[&'static str]>,
    levels: Levels,
    min_size: u64,
    event_stream: bool,
    octet_stream: bool,
    predicate: Option<Predicate>,
}

impl fmt::Debug for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = &*self.config;
        f.debug_struct("Compression")
            .field("codings", &config.candidates)
            .field("levels", &config.levels)
            .field("min_size", &config.min_size)
            .field("event_stream", &config.event_stream)
            .field("octet_stream", &config.octet_stream)
            .field("predicate", &config.predicate.is_some())
            .finish()
    }
}

impl Default for Compression {
    fn default() -> Self {
        Self::new()
    }
}

impl Compression {
    /// The defaults of the [type docs](Self): zstd, br and gzip at fast levels, from 1 KiB.
    pub fn new() -> Self {
        let config = Config {
            enabled: Enabled::ALL,
            candidates: candidates(Enabled::ALL),
            levels: Levels { gzip: 4, brotli: 4, zstd: 3 },
            min_size: 1024,
            event_stream: false,
            octet_stream: false,
            predicate: None,
        };
        Self { config: Arc::new(config) }
    }

    fn edit(mut self, change: impl FnOnce(&mut Config)) -> Self {
        change(Arc::make_mut(&mut self.config));
        self
    }

    fn with_coding(self, coding: Coding, on: bool) -> Self {
        self.edit(|config| {
            config.enabled.set(coding, on);
            config.candidates = candidates(config.enabled);
        })
    }

    /// Offers gzip (on by default).
    pub fn gzip(self, on: bool) -> Self {
        self.with_coding(Coding::Gzip, on)
    }

    /// Offers brotli, `br` (on by default).
    pub fn brotli(self, on: bool) -> Self {
        self.with_coding(Coding::Brotli, on)
    }

    /// Offers zstd (on by default).
    pub fn zstd(self, on: bool) -> Self {
        self.with_coding(Coding::Zstd, on)
    }

    /// The gzip (deflate) level, 0 (stored) to 9 (smallest, slowest); larger values count as 9. Default 4.
    pub fn gzip_level(self, level: u32) -> Self {
        self.edit(|config| config.levels.gzip = level.min(9))
    }

    /// The brotli quality, 0 to 11; larger values count as 11. Default 4: brotli's own default, 11, is
    /// meant for static assets compressed once and is far too slow for responses made per request.
    pub fn brotli_quality(self, quality: u32) -> Self {
        self.edit(|config| config.levels.brotli = quality.min(11))
    }

    /// The zstd level, 1 to 22 (values outside are clamped by zstd; negative levels trade ratio for
    /// speed). Default 3, zstd's own default. Levels 20 to 22 would use a 32 to 128 MiB window; theirs is
    /// capped at 8 MiB, the most RFC 9659 allows for `Content-Encoding: zstd` (and what browsers decode).
    pub fn zstd_level(self, level: i32) -> Self {
        self.edit(|config| config.levels.zstd = level.clamp(-7, 22))
    }

    /// Bodies whose length is known and below `bytes` are sent uncompressed (default 1024). Below about a
    /// kilobyte the saving is a few hundred bytes at most, the response fits one TCP segment either way,
    /// and the encoder's fixed cost (its state and the format's header and trailer) dominates.
    pub fn min_size(self, bytes: u64) -> Self {
        self.edit(|config| config.min_size = bytes)
    }

    /// Compresses `text/event-stream` responses too (default off). Each event is still sent as soon as it
    /// is produced (the encoder is flushed whenever the stream pauses), but some proxies and older clients
    /// mishandle compressed event streams.
    pub fn event_stream(self, on: bool) -> Self {
        self.edit(|config| config.event_stream = on)
    }

    /// Compresses `application/octet-stream` responses too (default off: arbitrary binary data, such as
    /// downloads of archives, is usually compressed already). Velocy labels `Bytes` and `Vec<u8>` bodies
    /// with it.
    pub fn octet_stream(self, on: bool) -> Self {
        self.edit(|config| config.octet_stream = on)
    }

    /// A rule of your own, asked after the built-in ones pass: `false` keeps the response uncompressed
    /// (without `Vary`). It is asked of a `304 Not Modified` too, with the 304's own headers: `false`
    /// leaves its `ETag` and `Vary` alone.
    ///
    /// ```
    /// use velocy::compression::Compression;
    ///
    /// // Leave responses marked by the handler alone.
    /// let compression = Compression::new().predicate(|response| !response.headers().contains_key("x-raw"));
    /// # let _ = compression;
    /// ```
    pub fn predicate<F>(self, predicate: F) -> Self
    where
        F: Fn(&Response) -> bool + Send + Sync + 'static,
    {
        self.edit(|config| config.predicate = Some(Arc::new(predicate)))
    }
}

impl Config {
    /// Whether `response` may be compressed at all, whatever the client accepts.
    fn eligible(&self, response: &Response) -> bool {
        let headers = response.headers();
        if skip::is_bodiless(response.status())
            || response.status() == StatusCode::PARTIAL_CONTENT
            || headers.contains_key(CONTENT_ENCODING)
            || headers.contains_key(CONTENT_RANGE)
            || skip::has_no_transform(headers)
            || response.extensions().get::<Problem>().is_some()
            || !self.type_ok(headers)
        {
            return false;
        }
        let length = declared_length(headers).or_else(|| http_body::Body::size_hint(response.body()).exact());
        if length.is_some_and(|length| self.too_small(length)) {
            return false;
        }
        self.predicate.as_ref().is_none_or(|predicate| predicate(response))
    }

    /// Whether the media type in `Content-Type` may be compressed (a missing one may).
    fn type_ok(&self, headers: &HeaderMap) -> bool {
        match skip::classify(headers) {
            TypeVerdict::Compress => true,
            TypeVerdict::Skip => false,
            TypeVerdict::EventStream => self.event_stream,
            TypeVerdict::OctetStream => self.octet_stream,
        }
    }

    fn too_small(&self, length: u64) -> bool {
        length == 0 || length < self.min_size
    }

    /// What a `304`'s own headers say about the `200` it stands for. A 304 carries the headers a 200
    /// would (RFC 9110 §15.4.5), except that `Content-Type` and `Content-Length` may be left out.
    fn judge_not_modified(&self, response: &Response) -> Revalidated {
        let headers = response.headers();
        if headers.contains_key(CONTENT_ENCODING)
            || headers.contains_key(CONTENT_RANGE)
            || skip::has_no_transform(headers)
            || (headers.contains_key(CONTENT_TYPE) && !self.type_ok(headers))
            || declared_length(headers).is_some_and(|length| self.too_small(length))
            || self.predicate.as_ref().is_some_and(|predicate| !predicate(response))
        {
            return Revalidated::Identity;
        }
        if headers.contains_key(CONTENT_TYPE) {
            Revalidated::Compressed
        } else {
            Revalidated::Unknown
        }
    }

    /// The coding the client's `Accept-Encoding` picks, `None` for identity.
    fn negotiate(&self, request: &Request) -> Option<Coding> {
        if !request.headers().contains_key(http::header::ACCEPT_ENCODING) {
            return None;
        }
        preferred_encoding(request.headers(), &self.candidates).and_then(Coding::from_token)
    }

    fn apply(&self, mut response: Response, asked: Asked) -> Response {
        if response.status() == StatusCode::NOT_MODIFIED {
            return self.apply_not_modified(response, &asked);
        }
        if !self.eligible(&response) {
            return response;
        }
        let headers = response.headers_mut();
        skip::add_vary_accept_encoding(headers);
        let Some(coding) = asked.coding else {
            return response;
        };
        headers.insert(CONTENT_ENCODING, HeaderValue::from_static(coding.as_str()));
        headers.remove(CONTENT_LENGTH);
        headers.remove(ACCEPT_RANGES);
        skip::weaken_etag(headers);
        let body = std::mem::take(response.body_mut());
        *response.body_mut() = if asked.head {
            // The headers `GET` would send, and no body: one of unknown length, so that the finishing
            // step of `HEAD` does not put back a `Content-Length` (the encoded length is not known).
            drop(body);
            Body::from_stream(futures_util::stream::empty::<Result<Bytes, Infallible>>())
        } else {
            Body::new(CompressedBody::new(body, coding, self.levels))
        };
        response
    }

    /// A `304` gets the `Vary` and the weak `ETag` of the `200` it revalidates, and only when that `200`
    /// would have been compressed (see the guide): a cache applies the 304's headers to its stored copy,
    /// and weakening the strong tag of a copy that was never compressed would break `If-Range` on it.
    fn apply_not_modified(&self, mut response: Response, asked: &Asked) -> Response {
        let compressed = match self.judge_not_modified(&response) {
            Revalidated::Compressed => true,
            Revalidated::Identity => false,
            Revalidated::Unknown => asked.coding.is_some() && asked.holds_weakened(response.headers()),
        };
        if compressed {
            skip::add_vary_accept_encoding(response.headers_mut());
            if asked.coding.is_some() {
                skip::weaken_etag(response.headers_mut());
            }
        }
        response
    }
}

/// A `Content-Length` header's value, if it is one valid number.
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.trim().parse::<u64>().ok())
}

/// What a `304`'s headers tell of the `200` it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Revalidated {
    /// Its media type is compressible and nothing else rules compression out.
    Compressed,
    /// It would have been sent as it is (`Content-Encoding`, an incompressible type, too short...).
    Identity,
    /// No `Content-Type`: the media type is unknown.
    Unknown,
}

/// What the middleware keeps of the request for the response.
struct Asked {
    /// The negotiated coding, `None` for identity.
    coding: Option<Coding>,
    head: bool,
    /// `If-None-Match`, kept only when a coding was negotiated (it matters only to a `304` then).
    if_none_match: Option<ETagList>,
}

impl Asked {
    /// Whether the client revalidates the weakened form `W/"t"` of the response's strong `ETag` `"t"`
    /// and not `"t"` itself: its stored copy already has the weak tag, the one this middleware gives a
    /// compressed response, so answering with it changes nothing for a copy that was never compressed.
    fn holds_weakened(&self, headers: &HeaderMap) -> bool {
        let Some(etag) = headers.get(ETAG).and_then(|value| ETag::parse_bytes(value.as_bytes()).ok()) else {
            return false;
        };
        let Some(list) = &self.if_none_match else {
            return false;
        };
        let same = |candidate: &&ETag| candidate.tag() == etag.tag();
        !etag.is_weak()
            && list.tags().iter().filter(same).any(ETag::is_weak)
            && !list.tags().iter().filter(same).any(|candidate| !candidate.is_weak())
    }
}

fn candidates(enabled: Enabled) -> Arc<[&'static str]> {
    enabled.in_order().map(Coding::as_str).chain(["identity"]).collect()
}

impl Middleware for Compression {
    fn call(&self, request: Request, next: Next) -> BoxFuture<'static, Response> {
        let coding = self.config.negotiate(&request);
        let head = request.method() == Method::HEAD;
        let if_none_match =
            coding.and_then(|_| ETagList::from_values(request.headers().get_all(IF_NONE_MATCH)));
        let asked = Asked { coding, head, if_none_match };
        let config = Arc::clone(&self.config);
        Box::pin(async move {
            let response = next.run(request).await;
            config.apply(response, asked)
        })
    }
}
