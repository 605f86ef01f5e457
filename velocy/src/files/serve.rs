//! Answering one request: resolving the path, choosing the representation, evaluating preconditions and
//! ranges, and building the response.

use std::fs::Metadata;
use std::hash::{BuildHasher, Hasher};
use std::io::{ErrorKind, SeekFrom};
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

/// What the blocking part of a request decided.
enum Step {
    /// The answer.
    Done(Response),
    /// List this directory (canonical, or as joined under [`Symlinks::Follow`]).
    Listing(PathBuf),
    /// A file must be opened but no open-file slot was free: wait for one, then look up again.
    NeedPermit,
}

/// Answers one request. Everything that touches the file system (resolving the path, the symlink and
/// dotfile checks, the metadata, opening the file and, when the body fits in one chunk, reading it) runs
/// in one blocking task; only a body larger than a chunk, or a listing, goes back to the file system.
pub(super) async fn serve(shared: &Arc<Shared>, request: FileRequest) -> Response {
    let request = Arc::new(request);
    let mut permit = None;
    loop {
        let (task_shared, task_request) = (Arc::clone(shared), Arc::clone(&request));
        let waited = permit.is_some();
        let joined = tokio::task::spawn_blocking(move || lookup(&task_shared, &task_request, permit)).await;
        let step = match joined {
            Ok(step) => step,
            Err(_) => return FileReadError::new("the file could not be read").into_response(),
        };
        match step {
            Step::Done(response) => return response,
            Step::Listing(dir) => return list(shared, &dir, &request).await.unwrap_or_else(|error| error),
            Step::NeedPermit if !waited => match acquire(shared).await {
                Ok(acquired) => permit = Some(acquired),
                Err(response) => return response,
            },
            // Unreachable: a lookup handed a permit never asks for one.
            Step::NeedPermit => return FileReadError::new("the file could not be read").into_response(),
        }
    }
}

async fn list(shared: &Shared, dir: &Path, request: &FileRequest) -> Answer {
    let permit = acquire(shared).await?;
    let response = listing::render(dir, request.path.as_str(), &shared.config, &request.method).await;
    drop(permit);
    response.map_err(|error| io_error(&error))
}

/// The blocking part of a request; `permit` is an open-file slot already waited for, if any.
fn lookup(shared: &Shared, request: &FileRequest, permit: Option<OwnedSemaphorePermit>) -> Step {
    let mut permit = permit;
    let result = match &shared.target {
        Target::Dir(root) => lookup_dir(shared, root, request, &mut permit),
        Target::File(file) => lookup_single(shared, file, request, &mut permit),
    };
    result.unwrap_or_else(Step::Done)
}

fn lookup_single(
    shared: &Shared,
    file: &Path,
    request: &FileRequest,
    permit: &mut Option<OwnedSemaphorePermit>,
) -> Result<Step, Response> {
    let metadata = std::fs::metadata(file).map_err(|error| io_error(&error))?;
    if !metadata.is_file() {
        return Err(not_found());
    }
    let name = file.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    serve_file(shared, None, file.to_path_buf(), metadata, &name, request, permit)
}

fn lookup_dir(
    shared: &Shared,
    root: &Path,
    request: &FileRequest,
    permit: &mut Option<OwnedSemaphorePermit>,
) -> Result<Step, Response> {
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
    let canonical_root = match config.symlinks {
        Symlinks::Follow => None,
        _ => Some(shared.canonical_root(root).map_err(|_| not_found())?),
    };
    // The paths are joined onto the canonical root when known, else onto the configured one.
    let base = canonical_root.as_deref().unwrap_or(root);
    let root = canonical_root.as_deref();
    let target = resolve(shared, root, &path, &path.join(base))?;
    let metadata = std::fs::metadata(&target).map_err(|error| io_error(&error))?;
    let relative = path.segments.join("/");
    if metadata.is_file() {
        if path.trailing_slash && !path.segments.is_empty() {
            return Err(not_found());
        }
        return serve_file(shared, root, target, metadata, &relative, request, permit);
    }
    if !metadata.is_dir() {
        return Err(not_found());
    }
    if !path.trailing_slash {
        return Ok(Step::Done(redirect(shared, request)));
    }
    for index in &config.index_files {
        let Ok(index_path) = path::parse(index) else { continue };
        let mut candidate_path = path.clone();
        candidate_path.segments.extend(index_path.segments);
        let Ok(candidate) = resolve(shared, root, &candidate_path, &candidate_path.join(base)) else {
            continue;
        };
        match std::fs::metadata(&candidate) {
            Ok(metadata) if metadata.is_file() => {
                let relative = candidate_path.segments.join("/");
                return serve_file(shared, root, candidate, metadata, &relative, request, permit);
            }
            _ => {}
        }
    }
    if config.listing {
        return Ok(Step::Listing(target));
    }
    Err(not_found())
}

/// Whether `canonical` (every link resolved) may be served under the canonical `root`: inside it, equal
/// to `expected` (the request's names under the root) when links are denied, and with no dot name below
/// the root when dotfiles are hidden (a link `cfg -> .git` is refused too).
fn allowed(shared: &Shared, root: &Path, canonical: &Path, expected: Option<&Path>) -> bool {
    let Ok(below) = canonical.strip_prefix(root) else { return false };
    if shared.config.symlinks == Symlinks::Deny && expected.is_some_and(|expected| canonical != expected) {
        return false;
    }
    shared.config.dotfiles == Dotfiles::Allow
        || !below.components().any(|component| component.as_os_str().to_string_lossy().starts_with('.'))
}

/// Applies the symlink policy to `joined` (the request's names under the canonical `root`, absent under
/// [`Symlinks::Follow`]) and returns the path to open.
fn resolve(
    shared: &Shared,
    root: Option<&Path>,
    path: &RequestPath,
    joined: &Path,
) -> Result<PathBuf, Response> {
    let Some(root) = root else { return Ok(joined.to_path_buf()) };
    let canonical = std::fs::canonicalize(joined).map_err(|error| io_error(&error))?;
    let expected = (shared.config.symlinks == Symlinks::Deny).then(|| path.join(root));
    if allowed(shared, root, &canonical, expected.as_deref()) {
        Ok(canonical)
    } else {
        Err(not_found())
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

/// The answer to a request for an open-file slot that is not free in time.
fn busy() -> Response {
    let mut response = FilesBusy::new("too many files are being sent; retry shortly").into_response();
    response.headers_mut().insert(RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// Waits for an open-file slot, up to the open timeout.
async fn acquire(shared: &Shared) -> Result<OwnedSemaphorePermit, Response> {
    let semaphore = Arc::clone(&shared.open_files);
    match tokio::time::timeout(shared.config.open_timeout, semaphore.acquire_owned()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(busy()),
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

/// The precompressed sibling to send, with its metadata, if any: among the enabled codings the client
/// accepts at least as much as `identity`, by quality then br > zstd > gzip, the first whose regular file
/// exists (and passes the symlink and dotfile checks under the canonical `root`).
fn choose_sibling(
    shared: &Shared,
    root: Option<&Path>,
    file: &Path,
    headers: &HeaderMap,
) -> Option<(PathBuf, Encoding, Metadata)> {
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
        let sibling = match (shared.config.symlinks, root) {
            (Symlinks::Follow, _) => sibling,
            // `file` is canonical here: the sibling must not be a link either, unless it stays inside.
            (policy, root) => match std::fs::canonicalize(&sibling) {
                Ok(canonical) if policy == Symlinks::Deny && canonical != sibling => continue,
                Ok(canonical) => match root {
                    Some(root) if !allowed(shared, root, &canonical, None) => continue,
                    _ => canonical,
                },
                Err(_) => continue,
            },
        };
        match std::fs::metadata(&sibling) {
            Ok(metadata) if metadata.is_file() => return Some((sibling, encoding, metadata)),
            _ => {}
        }
    }
    None
}

/// What the metadata decided, before any byte is read.
enum Plan {
    /// An answer with no file content: 304, 412, 416.
    Answer(Response),
    /// Send these pieces with this status and these headers (validators included).
    Send { status: StatusCode, pieces: Vec<Piece>, headers: HeaderMap, validators: Validators },
}

/// Evaluates the preconditions and ranges of `request` on a file's metadata.
fn plan(
    shared: &Shared,
    metadata: &Metadata,
    encoding: Option<Encoding>,
    name: &str,
    request: &FileRequest,
) -> Plan {
    let config = &shared.config;
    let length = metadata.len();
    let mut validators = Validators::new();
    if let Some(etag) = etag_of(metadata, encoding) {
        validators = validators.etag(etag);
    }
    if let Ok(modified) = metadata.modified() {
        validators = validators.last_modified(modified);
    }

    let mut common = HeaderMap::new();
    if !config.encodings.is_empty() {
        common.insert(VARY, HeaderValue::from_static("accept-encoding"));
    }
    // Only the file's own answers (200, 206, 304) carry its caching policy: a 412 or 416 marked
    // `immutable` would be kept by caches for a year.
    let cache_control = match &config.immutable {
        Immutable::Always => Some(IMMUTABLE),
        Immutable::When(predicate) if predicate(name) => Some(IMMUTABLE),
        _ => config.cache_control.clone(),
    };

    let preconditions = Preconditions::from_head(&request.method, &request.headers);
    match preconditions.evaluate(&validators) {
        Outcome::Proceed => {}
        Outcome::NotModified => {
            if let Some(value) = cache_control {
                common.insert(CACHE_CONTROL, value);
            }
            return Plan::Answer(with_headers(validators.not_modified(), common));
        }
        Outcome::PreconditionFailed => {
            let response = preconditions.check(&validators).err().unwrap_or_else(not_found);
            return Plan::Answer(with_headers(response, common));
        }
    }

    let ranges = RangeRequest::from_head(&request.method, &request.headers)
        .max_ranges(config.max_ranges)
        .evaluate(&validators, length);
    if ranges == RangeOutcome::Unsatisfiable {
        common.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        return Plan::Answer(with_headers(range_not_satisfiable(length), common));
    }
    if let Some(value) = cache_control {
        common.insert(CACHE_CONTROL, value);
    }
    common.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    let media_type = content_type(name);
    let (status, pieces, total) = match ranges {
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
            let total = pieces.iter().map(piece_len).fold(0u64, u64::saturating_add);
            let value = format!("multipart/byteranges; boundary={boundary}");
            common.insert(
                CONTENT_TYPE,
                HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("multipart/byteranges")),
            );
            (StatusCode::PARTIAL_CONTENT, pieces, total)
        }
        // `Full`, and `Unsatisfiable` answered above.
        _ => {
            common.insert(CONTENT_TYPE, media_type);
            (StatusCode::OK, vec![Piece::File { start: 0, length }], length)
        }
    };
    if let Some(encoding) = encoding {
        common.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding.token()));
    }
    common.insert(CONTENT_LENGTH, HeaderValue::from(total));
    Plan::Send { status, pieces, headers: common, validators }
}

/// Whether two metadata describe the same version of the same file.
pub(super) fn same_file(checked: &Metadata, opened: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if checked.dev() != opened.dev() || checked.ino() != opened.ino() {
            return false;
        }
    }
    opened.is_file()
}

/// Whether the validators of `opened` differ from those of `checked` (the file changed in between).
fn changed(checked: &Metadata, opened: &Metadata) -> bool {
    checked.len() != opened.len() || checked.modified().ok() != opened.modified().ok()
}

/// Serves the regular file at `file` (already resolved, `metadata` its `stat`); `name` is its path below
/// the root, for the content type and the immutable predicate. Preconditions are evaluated on the
/// metadata first: `HEAD`, `304`, `412` and `416` open nothing.
fn serve_file(
    shared: &Shared,
    root: Option<&Path>,
    file: PathBuf,
    metadata: Metadata,
    name: &str,
    request: &FileRequest,
    permit: &mut Option<OwnedSemaphorePermit>,
) -> Result<Step, Response> {
    let (path, encoding, metadata) = match choose_sibling(shared, root, &file, &request.headers) {
        Some((sibling, encoding, metadata)) => (sibling, Some(encoding), metadata),
        None => (file, None, metadata),
    };
    let mut planned = plan(shared, &metadata, encoding, name, request);
    if request.method == Method::HEAD {
        return Ok(Step::Done(respond(planned, Body::empty())));
    }
    if let Plan::Answer(response) = planned {
        return Ok(Step::Done(response));
    }
    let permit = match permit.take() {
        Some(permit) => permit,
        None => match Arc::clone(&shared.open_files).try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => return Ok(Step::NeedPermit),
        },
    };
    let mut opened = std::fs::File::open(&path).map_err(|error| io_error(&error))?;
    let current = opened.metadata().map_err(|error| io_error(&error))?;
    // The file opened must be the one checked: a link swapped in between is refused.
    if !same_file(&metadata, &current) {
        return Err(not_found());
    }
    // The validators sent describe the bytes sent: evaluate again if the file changed since its `stat`.
    if changed(&metadata, &current) {
        planned = plan(shared, &current, encoding, name, request);
    }
    let Plan::Send { status, pieces, headers, validators } = planned else {
        return Ok(Step::Done(respond(planned, Body::empty())));
    };
    let (prefix, rest, position) =
        read_prefix(&mut opened, pieces, shared.config.chunk_size).map_err(|error| io_error(&error))?;
    let body = if rest.is_empty() {
        Body::from(prefix)
    } else {
        let mut pieces = Vec::with_capacity(rest.len() + 1);
        pieces.push(Piece::Fixed(prefix));
        pieces.extend(rest);
        Body::new(FileBody::new(opened, position, pieces, shared.config.chunk_size, permit))
    };
    Ok(Step::Done(respond(Plan::Send { status, pieces: Vec::new(), headers, validators }, body)))
}

/// The response of a plan, with `body` for a plan that sends content.
fn respond(planned: Plan, body: Body) -> Response {
    match planned {
        Plan::Answer(response) => response,
        Plan::Send { status, headers, validators, .. } => {
            let mut response = Response::new(body);
            *response.status_mut() = status;
            with_headers((validators, response).into_response(), headers)
        }
    }
}

/// Reads the start of the body, up to `budget` bytes of file content, from `file` (cursor at 0): the bytes
/// read (fixed parts included), the pieces left to stream, and where the file's cursor is. A body that
/// fits is then sent without going back to the file system.
fn read_prefix(
    file: &mut std::fs::File,
    pieces: Vec<Piece>,
    budget: usize,
) -> std::io::Result<(Bytes, Vec<Piece>, u64)> {
    use std::io::Seek;

    let mut budget = budget as u64;
    let (mut fixed, mut content) = (0usize, 0u64);
    for piece in &pieces {
        match piece {
            Piece::Fixed(bytes) => fixed = fixed.saturating_add(bytes.len()),
            Piece::File { length, .. } => content = content.saturating_add(*length),
        }
    }
    let content = usize::try_from(content.min(budget)).unwrap_or(usize::MAX);
    let mut prefix = Vec::with_capacity(fixed.saturating_add(content));
    let mut position = 0u64;
    let mut pieces = pieces.into_iter();
    let mut rest = Vec::new();
    for piece in pieces.by_ref() {
        match piece {
            Piece::Fixed(bytes) => prefix.extend_from_slice(&bytes),
            Piece::File { length: 0, .. } => {}
            Piece::File { start, length } => {
                if budget == 0 {
                    rest.push(Piece::File { start, length });
                    break;
                }
                let take = length.min(budget);
                if position != start {
                    file.seek(SeekFrom::Start(start))?;
                }
                let already = prefix.len();
                prefix.resize(already + usize::try_from(take).unwrap_or(usize::MAX), 0);
                let read = super::body::fill(file, &mut prefix[already..])?;
                if read < prefix.len() - already {
                    return Err(std::io::Error::other("the file shrank while it was being read"));
                }
                position = start + take;
                budget -= take;
                if take < length {
                    rest.push(Piece::File { start: position, length: length - take });
                    break;
                }
            }
        }
    }
    rest.extend(pieces);
    Ok((Bytes::from(prefix), rest, position))
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
