//! Answering one request: resolving the path, choosing the representation, evaluating preconditions and
//! ranges, and building the response.

use std::fs::Metadata;
use std::hash::{BuildHasher, Hasher};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::header::{
    HeaderMap, HeaderValue, ACCEPT_RANGES, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_RANGE,
    CONTENT_TYPE, LOCATION, RETRY_AFTER, VARY,
};
use http::{Method, StatusCode};
use tokio::sync::OwnedSemaphorePermit;

use super::body::{FileBody, Piece};
use super::path::{self, PathError, RequestPath};
use super::rejection::{FileForbidden, FileNotFound, FileReadError, FilesBusy, InvalidFilePath};
use super::{listing, Dotfiles, Encoding, Immutable, Shared, Symlinks, Target, IMMUTABLE};
use crate::body::Body;
use crate::conditional::{
    range_not_satisfiable, ByteRange, ETag, Outcome, Preconditions, RangeOutcome, RangeRequest, Validators,
};
use crate::extract::FromRequestParts;
use crate::negotiation::{accept_encodings, encoding_quality, AcceptEncoding};
use crate::request::RequestParts;
use crate::response::{IntoResponse, Response};

/// What the file services read from a request.
#[derive(Debug)]
pub(super) struct FileRequest {
    method: Method,
    headers: HeaderMap,
    path: String,
    query: Option<String>,
    /// The catch-all parameter (raw), absent on the mount root and for [`ServeFile`](super::ServeFile).
    tail: Option<String>,
}

impl FromRequestParts for FileRequest {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        Ok(Self {
            method: parts.method().clone(),
            headers: parts.headers().clone(),
            path: parts.path().to_owned(),
            query: parts.uri().query().map(str::to_owned),
            tail: parts.param("path").map(str::to_owned),
        })
    }
}

/// A failure that becomes a response.
type Answer = Result<Response, Response>;

fn not_found() -> Response {
    FileNotFound::new("no file at this path").into_response()
}

/// Maps an I/O error to its response, naming no path.
fn io_error(error: &std::io::Error) -> Response {
    match error.kind() {
        ErrorKind::NotFound
        | ErrorKind::NotADirectory
        | ErrorKind::IsADirectory
        | ErrorKind::InvalidInput => not_found(),
        ErrorKind::PermissionDenied => FileForbidden::new("the file may not be read").into_response(),
        _ if error.raw_os_error() == Some(36) || error.raw_os_error() == Some(40) => {
            // ENAMETOOLONG and ELOOP on Linux: no such file, as far as the client can tell.
            not_found()
        }
        _ => FileReadError::new("the file could not be read").into_response(),
    }
}

/// Answers one request.
pub(super) async fn serve(shared: &Arc<Shared>, request: FileRequest) -> Response {
    let result = match &shared.target {
        Target::Dir(root) => serve_dir(shared, root, &request).await,
        Target::File(file) => serve_single(shared, file, &request).await,
    };
    result.unwrap_or_else(|response| response)
}

async fn serve_single(shared: &Arc<Shared>, file: &Path, request: &FileRequest) -> Answer {
    let metadata = tokio::fs::metadata(file).await.map_err(|error| io_error(&error))?;
    if !metadata.is_file() {
        return Err(not_found());
    }
    let name = file.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    serve_file(shared, file.to_path_buf(), &name, request).await
}

async fn serve_dir(shared: &Arc<Shared>, root: &Path, request: &FileRequest) -> Answer {
    let config = &shared.config;
    let path = match path::parse(request.tail.as_deref().unwrap_or("")) {
        Ok(path) => path,
        Err(PathError::Invalid) => {
            return Err(InvalidFilePath::new("the path cannot name a file").into_response());
        }
        Err(PathError::Reserved) => return Err(not_found()),
    };
    if config.dotfiles == Dotfiles::Hide && path.has_dotfile() {
        return Err(not_found());
    }
    let root = shared.root(root).await.map_err(|_| not_found())?;
    let target = resolve(shared, &root, &path, &path.join(&root)).await?;
    let metadata = tokio::fs::metadata(&target).await.map_err(|error| io_error(&error))?;
    let relative = path.segments.join("/");
    if metadata.is_file() {
        if path.trailing_slash && !path.segments.is_empty() {
            return Err(not_found());
        }
        return serve_file(shared, target, &relative, request).await;
    }
    if !metadata.is_dir() {
        return Err(not_found());
    }
    if !path.trailing_slash {
        return Ok(redirect(shared, request));
    }
    for index in &config.index_files {
        let Ok(index_path) = path::parse(index) else { continue };
        let mut candidate_path = path.clone();
        candidate_path.segments.extend(index_path.segments);
        let Ok(candidate) = resolve(shared, &root, &candidate_path, &candidate_path.join(&root)).await else {
            continue;
        };
        if tokio::fs::metadata(&candidate).await.is_ok_and(|metadata| metadata.is_file()) {
            let relative = candidate_path.segments.join("/");
            return serve_file(shared, candidate, &relative, request).await;
        }
    }
    if config.listing {
        let permit = acquire(shared).await?;
        let response = listing::render(&target, request.path.as_str(), config, &request.method).await;
        drop(permit);
        return response.map_err(|error| io_error(&error));
    }
    Err(not_found())
}

/// Applies the symlink policy to `joined` (the request's names under `root`) and returns the path to open.
async fn resolve(
    shared: &Shared,
    root: &Path,
    path: &RequestPath,
    joined: &Path,
) -> Result<PathBuf, Response> {
    match shared.config.symlinks {
        Symlinks::Follow => Ok(joined.to_path_buf()),
        policy => {
            let canonical = tokio::fs::canonicalize(joined).await.map_err(|error| io_error(&error))?;
            let allowed = match policy {
                Symlinks::Deny => canonical == path.join(root),
                _ => canonical.starts_with(root),
            };
            if allowed {
                Ok(canonical)
            } else {
                Err(not_found())
            }
        }
    }
}

/// The redirect from `/dir` to `/dir/`, query kept.
fn redirect(shared: &Shared, request: &FileRequest) -> Response {
    let mut location = format!("{}/", request.path);
    if let Some(query) = &request.query {
        location.push('?');
        location.push_str(query);
    }
    let mut response = Response::new(Body::empty());
    *response.status_mut() = shared.config.redirect;
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

/// Waits for an open-file slot, up to the open timeout.
async fn acquire(shared: &Shared) -> Result<OwnedSemaphorePermit, Response> {
    let semaphore = Arc::clone(&shared.open_files);
    match tokio::time::timeout(shared.config.open_timeout, semaphore.acquire_owned()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => {
            let mut response = FilesBusy::new("too many files are being sent; retry shortly").into_response();
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from_static("1"));
            Err(response)
        }
    }
}

/// The strong entity tag of a file: its size and modification time to the nanosecond, in hex, with the
/// content coding of a precompressed sibling appended (`"1f4-65a1b2c3.1dcd6500-br"`).
fn etag_of(metadata: &Metadata, encoding: Option<Encoding>) -> Option<ETag> {
    let mut tag = format!("{:x}", metadata.len());
    if let Some(since) = metadata.modified().ok().and_then(|time| time.duration_since(UNIX_EPOCH).ok()) {
        tag.push_str(&format!("-{:x}.{:x}", since.as_secs(), since.subsec_nanos()));
    }
    if let Some(encoding) = encoding {
        tag.push('-');
        tag.push_str(encoding.token());
    }
    ETag::strong(tag).ok()
}

/// The `Content-Type` of a file from its name, with `charset=utf-8` for text, JavaScript and JSON.
fn content_type(name: &str) -> HeaderValue {
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let textual = mime.type_() == mime::TEXT
        || mime.subtype() == mime::JAVASCRIPT
        || mime.subtype() == mime::JSON
        || mime.suffix() == Some(mime::JSON);
    let text = if textual && mime.get_param(mime::CHARSET).is_none() {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.to_string()
    };
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

/// The precompressed sibling to send, if any: among the enabled codings the client accepts at least as
/// much as `identity`, by quality then br > zstd > gzip, the first whose file exists.
async fn choose_sibling(shared: &Shared, file: &Path, headers: &HeaderMap) -> Option<(PathBuf, Encoding)> {
    let accept = accept_encodings(headers);
    if shared.config.encodings.is_empty() || accept == AcceptEncoding::Absent {
        return None;
    }
    let identity = encoding_quality(&accept, "identity");
    let mut candidates: Vec<(Encoding, u16)> = shared
        .config
        .encodings
        .iter()
        .map(|&encoding| (encoding, encoding_quality(&accept, encoding.token())))
        .filter(|&(_, quality)| quality > 0 && quality >= identity)
        .collect();
    // Stable: equal qualities keep the br > zstd > gzip order.
    candidates.sort_by_key(|&(_, quality)| std::cmp::Reverse(quality));
    for (encoding, _) in candidates {
        let mut sibling = file.as_os_str().to_owned();
        sibling.push(".");
        sibling.push(encoding.extension());
        let sibling = PathBuf::from(sibling);
        let sibling = match shared.config.symlinks {
            Symlinks::Follow => sibling,
            // `file` is canonical here: the sibling must not be a link either, unless it stays inside.
            policy => match tokio::fs::canonicalize(&sibling).await {
                Ok(canonical) if policy == Symlinks::Deny && canonical != sibling => continue,
                Ok(canonical) => match (&shared.target, shared.canonical_root.get()) {
                    (Target::Dir(_), Some(root)) if !canonical.starts_with(root) => continue,
                    _ => canonical,
                },
                Err(_) => continue,
            },
        };
        if tokio::fs::metadata(&sibling).await.is_ok_and(|metadata| metadata.is_file()) {
            return Some((sibling, encoding));
        }
    }
    None
}

/// Serves the regular file at `file` (already resolved); `name` is its path below the root, for the
/// content type and the immutable predicate.
async fn serve_file(shared: &Arc<Shared>, file: PathBuf, name: &str, request: &FileRequest) -> Answer {
    let config = &shared.config;
    let (path, encoding) = match choose_sibling(shared, &file, &request.headers).await {
        Some((sibling, encoding)) => (sibling, Some(encoding)),
        None => (file, None),
    };
    // The file is opened before its metadata is read, so the validators describe the bytes sent.
    let opened = if request.method == Method::HEAD {
        None
    } else {
        let permit = acquire(shared).await?;
        let file = tokio::fs::File::open(&path).await.map_err(|error| io_error(&error))?;
        Some((file, permit))
    };
    let metadata = match &opened {
        Some((file, _)) => file.metadata().await,
        None => tokio::fs::metadata(&path).await,
    }
    .map_err(|error| io_error(&error))?;
    if !metadata.is_file() {
        return Err(not_found());
    }
    let length = metadata.len();
    let mut validators = Validators::new();
    if let Some(etag) = etag_of(&metadata, encoding) {
        validators = validators.etag(etag);
    }
    if let Ok(modified) = metadata.modified() {
        validators = validators.last_modified(modified);
    }

    let mut common = HeaderMap::new();
    let cache_control = match &config.immutable {
        Immutable::Always => Some(IMMUTABLE),
        Immutable::When(predicate) if predicate(name) => Some(IMMUTABLE),
        _ => config.cache_control.clone(),
    };
    if let Some(value) = cache_control {
        common.insert(CACHE_CONTROL, value);
    }
    if !config.encodings.is_empty() {
        common.insert(VARY, HeaderValue::from_static("accept-encoding"));
    }

    let preconditions = Preconditions::from_head(&request.method, &request.headers);
    match preconditions.evaluate(&validators) {
        Outcome::Proceed => {}
        Outcome::NotModified => return Ok(with_headers(validators.not_modified(), common)),
        Outcome::PreconditionFailed => {
            let response = preconditions.check(&validators).err().unwrap_or_else(not_found);
            return Ok(with_headers(response, common));
        }
    }

    common.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    let ranges = RangeRequest::from_head(&request.method, &request.headers)
        .max_ranges(config.max_ranges)
        .evaluate(&validators, length);
    let media_type = content_type(name);
    let (status, pieces, total) = match ranges {
        RangeOutcome::Unsatisfiable => return Ok(with_headers(range_not_satisfiable(length), common)),
        RangeOutcome::Full => {
            common.insert(CONTENT_TYPE, media_type);
            (StatusCode::OK, vec![Piece::File { start: 0, length }], length)
        }
        RangeOutcome::Partial(ranges) if ranges.len() == 1 => {
            let range = ranges[0];
            common.insert(CONTENT_TYPE, media_type);
            common.insert(CONTENT_RANGE, range.content_range(length));
            (
                StatusCode::PARTIAL_CONTENT,
                vec![Piece::File { start: range.start(), length: range.len() }],
                range.len(),
            )
        }
        RangeOutcome::Partial(ranges) => {
            let boundary = boundary();
            let pieces = multipart_pieces(&ranges, length, &media_type, &boundary);
            let total = pieces.iter().map(piece_len).sum();
            let value = format!("multipart/byteranges; boundary={boundary}");
            common.insert(
                CONTENT_TYPE,
                HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("multipart/byteranges")),
            );
            (StatusCode::PARTIAL_CONTENT, pieces, total)
        }
    };
    if let Some(encoding) = encoding {
        common.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding.token()));
    }
    common.insert(CONTENT_LENGTH, HeaderValue::from(total));
    let body = match opened {
        Some((file, permit)) => Body::new(FileBody::new(file, pieces, config.chunk_size, permit)),
        None => Body::empty(),
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let response = with_headers((validators, response).into_response(), common);
    Ok(response)
}

fn with_headers(mut response: Response, headers: HeaderMap) -> Response {
    for (name, value) in headers {
        if let Some(name) = name {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

fn piece_len(piece: &Piece) -> u64 {
    match piece {
        Piece::Fixed(bytes) => bytes.len() as u64,
        Piece::File { length, .. } => *length,
    }
}

/// The parts of a `multipart/byteranges` body (RFC 9110 §14.6): each range preceded by its boundary line,
/// `Content-Type` and `Content-Range`, then the closing boundary.
fn multipart_pieces(
    ranges: &[ByteRange],
    length: u64,
    media_type: &HeaderValue,
    boundary: &str,
) -> Vec<Piece> {
    let media_type = media_type.to_str().unwrap_or("application/octet-stream");
    let mut pieces = Vec::with_capacity(ranges.len() * 2 + 1);
    for (index, range) in ranges.iter().enumerate() {
        let lead = if index == 0 { "" } else { "\r\n" };
        let head = format!(
            "{lead}--{boundary}\r\nContent-Type: {media_type}\r\nContent-Range: bytes {}-{}/{length}\r\n\r\n",
            range.start(),
            range.end()
        );
        pieces.push(Piece::Fixed(Bytes::from(head)));
        pieces.push(Piece::File { start: range.start(), length: range.len() });
    }
    pieces.push(Piece::Fixed(Bytes::from(format!("\r\n--{boundary}--\r\n"))));
    pieces
}

/// A boundary unlikely to occur in any file: 16 hex digits from a randomly keyed hash of a counter and
/// the clock.
fn boundary() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_nanos()));
    format!("velocy-{:016x}", hasher.finish())
}
