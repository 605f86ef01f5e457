//! [`MultipartConfig`]: the limits of multipart uploads, app-wide or per route.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use http::header::CONTENT_LENGTH;

use super::rejection::too_large_total;
use crate::future::BoxFuture;
use crate::middleware::{Middleware, Next};
use crate::request::{Request, RequestParts};
use crate::response::{IntoResponse, Response};

/// 32 MiB: the default limit on a whole multipart body.
const DEFAULT_TOTAL: u64 = 32 * 1024 * 1024;
/// 32 MiB: the default limit on one file part (so the total limit is the one that bites by default).
const DEFAULT_FILE: u64 = 32 * 1024 * 1024;
/// 64 KiB: the default limit on one part held in memory (text, numbers, `Vec<u8>`, `Bytes`).
const DEFAULT_TEXT: u64 = 64 * 1024;
/// 100: the default limit on the number of parts.
const DEFAULT_PARTS: usize = 100;
/// 8 KiB: the default limit on the header block of one part.
const DEFAULT_HEADER: usize = 8 * 1024;

/// The limits of multipart (`multipart/form-data`, RFC 7578) uploads, with safe defaults.
///
/// | limit | default | past it |
/// | --- | --- | --- |
/// | [`total_limit`](Self::total_limit): the whole body | 32 MiB | 413 |
/// | [`file_limit`](Self::file_limit): one part streamed to a temp file ([`TempFile`](super::TempFile)) | 32 MiB | 413 |
/// | [`text_limit`](Self::text_limit): one part read into memory (text, numbers, `Vec<u8>`, `Bytes`), with or without `filename` | 64 KiB | 413 |
/// | [`max_parts`](Self::max_parts): parts in the body | 100 | 400 |
/// | [`max_part_header_bytes`](Self::max_part_header_bytes): one part's header block | 8 KiB | 400 |
/// | [`allowed_content_types`](Self::allowed_content_types) of file parts | any | 415 |
/// | [`allowed_extensions`](Self::allowed_extensions) of file names | any | 415 |
///
/// Which size limit applies depends on where the content goes, not on whether the client sent a
/// `filename`: a `title: String` sent as a file part is still held to `text_limit`.
/// [`field`](Self::field) replaces the size limit and the lists for one field name. Temp files go to
/// [`temp_dir`](Self::temp_dir) (default: [`std::env::temp_dir`]). While parts are read, the body may
/// stall at most the app's body read timeout ([`server::Limits`](crate::server::Limits), default 30 s)
/// between two chunks: an idle timeout here, not a deadline for the whole upload (`408` past it).
///
/// **How it reaches the extractors.** Attach it as middleware to a route or router (the innermost one
/// wins), or to the whole app with [`App::middleware`](crate::App::middleware), or provide it as app
/// state with [`App::state`](crate::App::state). [`Multipart`](super::Multipart) and
/// [`MultipartForm`](super::MultipartForm) use the one the request carries, else the app state's, else
/// the defaults. As middleware it also answers `413` at once, before the handler runs and without reading
/// the body, when a multipart request's `Content-Length` exceeds the total limit.
///
/// **The app's body limit does not apply to multipart bodies.** [`App::body_limit`](crate::App::body_limit)
/// and [`BodyLimit`](crate::middleware::BodyLimit) bound the *buffering* extractors (default 2 MiB);
/// multipart bodies are streamed, and only `total_limit` bounds them. The `urlencoded` form of a
/// [`MultipartForm`](super::MultipartForm) is buffered and keeps the app's body limit. (A `BodyLimit`
/// middleware on the same route still refuses a larger `Content-Length` before the handler runs, so give
/// upload routes no smaller `BodyLimit`.)
///
/// ```
/// use velocy::multipart::{MultipartConfig, Multipart};
/// use velocy::Router;
///
/// let uploads = Router::new()
///     .post("/upload", |mut form: Multipart| async move {
///         let mut parts = 0;
///         while let Ok(Some(_field)) = form.next_field().await {
///             parts += 1;
///         }
///         parts.to_string()
///     })
///     .middleware(MultipartConfig::new().total_limit(1024 * 1024 * 1024).max_parts(10));
/// # let _ = uploads;
/// ```
#[derive(Debug, Clone)]
#[must_use = "a `MultipartConfig` does nothing until it is attached as middleware or app state"]
pub struct MultipartConfig {
    inner: Arc<Settings>,
}

/// The values of a [`MultipartConfig`].
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) total: u64,
    pub(crate) file: u64,
    pub(crate) text: u64,
    pub(crate) parts: usize,
    pub(crate) header: usize,
    pub(crate) content_types: Vec<String>,
    pub(crate) extensions: Vec<String>,
    pub(crate) temp_dir: Option<PathBuf>,
    pub(crate) fields: Vec<(String, FieldLimits)>,
}

impl Default for MultipartConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl MultipartConfig {
    /// The defaults listed above.
    pub fn new() -> Self {
        Self {
            inner: Arc::new(Settings {
                total: DEFAULT_TOTAL,
                file: DEFAULT_FILE,
                text: DEFAULT_TEXT,
                parts: DEFAULT_PARTS,
                header: DEFAULT_HEADER,
                content_types: Vec::new(),
                extensions: Vec::new(),
                temp_dir: None,
                fields: Vec::new(),
            }),
        }
    }

    fn with(mut self, change: impl FnOnce(&mut Settings)) -> Self {
        change(Arc::make_mut(&mut self.inner));
        self
    }

    /// The most bytes the whole body may have, boundaries and part headers included (default 32 MiB);
    /// past it `413 Content Too Large`, answered before reading when `Content-Length` says so.
    pub fn total_limit(self, bytes: u64) -> Self {
        self.with(|settings| settings.total = bytes)
    }

    /// The most bytes of content one part streamed to a temp file may have (default 32 MiB): a
    /// [`TempFile`](super::TempFile) field, [`Field::into_temp_file`](super::Field::into_temp_file), and
    /// [`Field::chunk`](super::Field::chunk) on a part with a `filename` (RFC 7578 §4.2). Past it `413`. A
    /// `#[multipart(limit = ..)]` field attribute or a [`field`](Self::field) limit overrides it.
    pub fn file_limit(self, bytes: u64) -> Self {
        self.with(|settings| settings.file = bytes)
    }

    /// The most bytes of content one part read into memory may have (default 64 KiB): text, numbers,
    /// `Vec<u8>`, `Bytes` fields and [`Field::bytes`](super::Field::bytes)/[`Field::text`](super::Field::text),
    /// also when the client sent the part with a `filename` (it cannot make a text field buffer up to
    /// `file_limit`), and [`Field::chunk`](super::Field::chunk) on a part without one. Past it `413`. A
    /// `#[multipart(limit = ..)]` field attribute or a [`field`](Self::field) limit overrides it.
    pub fn text_limit(self, bytes: u64) -> Self {
        self.with(|settings| settings.text = bytes)
    }

    /// The most parts the body may have (default 100); one more answers `400 Bad Request` (RFC 7578 §7
    /// asks servers to bound it).
    pub fn max_parts(self, parts: usize) -> Self {
        self.with(|settings| settings.parts = parts)
    }

    /// The most bytes the header block of one part may have, from the end of its boundary (transport
    /// padding and the boundary line's CRLF included) through the blank line (default 8 KiB); past it `400 Bad Request`. The preamble before the first boundary is
    /// bounded by the same number.
    pub fn max_part_header_bytes(self, bytes: usize) -> Self {
        self.with(|settings| settings.header = bytes)
    }

    /// The media types file parts may declare, exact (`image/png`) or by type (`image/*`), compared
    /// case-insensitively without parameters; a part without `Content-Type` counts as `text/plain`
    /// (RFC 7578 §4.4). Default: any. Another
    /// type answers `415 Unsupported Media Type`. A `#[multipart(content_types = [..])]` field attribute
    /// replaces this list for its field.
    pub fn allowed_content_types<I, S>(self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let types: Vec<String> = types.into_iter().map(|ty| ty.into().to_ascii_lowercase()).collect();
        self.with(|settings| settings.content_types = types)
    }

    /// The file-name extensions (without the dot, compared case-insensitively) file parts may have.
    /// Default: any. Another extension, or none, answers `415 Unsupported Media Type`. A
    /// `#[multipart(extensions = [..])]` field attribute replaces this list for its field.
    pub fn allowed_extensions<I, S>(self, extensions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let extensions: Vec<String> = extensions
            .into_iter()
            .map(|ext| ext.into().trim_start_matches('.').to_ascii_lowercase())
            .collect();
        self.with(|settings| settings.extensions = extensions)
    }

    /// Limits for the parts named `name` only, replacing the general ones for them: its size limit
    /// instead of `file_limit`/`text_limit`, its media types and extensions (checked for every part of
    /// that name, file or not) instead of the general lists. A `#[multipart(..)]` attribute of a typed
    /// form's field still wins over both. Setting a name twice keeps the last.
    pub fn field(self, name: impl Into<String>, limits: FieldLimits) -> Self {
        let name = name.into();
        self.with(|settings| {
            settings.fields.retain(|(known, _)| *known != name);
            settings.fields.push((name, limits));
        })
    }

    /// The directory [`TempFile`](super::TempFile)s are created in (default: [`std::env::temp_dir`]).
    /// Put it on the file system you [`persist`](super::TempFile::persist) to, so that persisting is a
    /// rename.
    pub fn temp_dir(self, dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        self.with(|settings| settings.temp_dir = Some(dir))
    }

    /// The limit on the whole body, in bytes.
    pub fn get_total_limit(&self) -> u64 {
        self.inner.total
    }

    /// The limit on one file part, in bytes.
    pub fn get_file_limit(&self) -> u64 {
        self.inner.file
    }

    /// The limit on one in-memory part, in bytes.
    pub fn get_text_limit(&self) -> u64 {
        self.inner.text
    }

    /// The limit on the number of parts.
    pub fn get_max_parts(&self) -> usize {
        self.inner.parts
    }

    /// The limit on one part's header block, in bytes.
    pub fn get_max_part_header_bytes(&self) -> usize {
        self.inner.header
    }

    /// The directory temp files are created in.
    pub fn get_temp_dir(&self) -> PathBuf {
        self.inner.temp_dir.clone().unwrap_or_else(std::env::temp_dir)
    }

    pub(crate) fn settings(&self) -> &Arc<Settings> {
        &self.inner
    }

    /// The configuration for `parts`: the request's (set by the middleware), the app state's, or the
    /// defaults.
    pub(crate) fn for_request(parts: &RequestParts) -> MultipartConfig {
        if let Some(config) = parts.extensions().get::<MultipartConfig>() {
            return config.clone();
        }
        if let Some(config) = parts.state::<MultipartConfig>() {
            return config.clone();
        }
        static DEFAULT: OnceLock<MultipartConfig> = OnceLock::new();
        DEFAULT.get_or_init(MultipartConfig::new).clone()
    }
}

impl Settings {
    /// The limits set for the parts named `name`.
    pub(crate) fn field(&self, name: &str) -> Option<&FieldLimits> {
        self.fields.iter().find(|(known, _)| known == name).map(|(_, limits)| limits)
    }

    /// The directory temp files are created in.
    pub(crate) fn temp_dir(&self) -> std::borrow::Cow<'_, Path> {
        match &self.temp_dir {
            Some(dir) => std::borrow::Cow::Borrowed(dir),
            None => std::borrow::Cow::Owned(std::env::temp_dir()),
        }
    }
}

/// The declared `Content-Length`, if any.
pub(crate) fn declared_length(headers: &http::HeaderMap) -> Option<u64> {
    headers.get(CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

/// As middleware: stores the configuration in the request for the multipart extractors (the innermost
/// `MultipartConfig` wins), and answers `413` before the handler when a `multipart/*` request's
/// `Content-Length` exceeds [`total_limit`](Self::total_limit).
impl Middleware for MultipartConfig {
    fn call(&self, mut request: Request, next: Next) -> BoxFuture<'static, Response> {
        let is_multipart = request
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|text| text.trim_start().to_ascii_lowercase().starts_with("multipart/"));
        if is_multipart && declared_length(request.headers()).is_some_and(|length| length > self.inner.total)
        {
            let response = too_large_total(self.inner.total).into_response();
            return Box::pin(std::future::ready(response));
        }
        request.parts_mut().extensions_mut().insert(self.clone());
        next.run(request)
    }
}

/// The limits of the parts of one field name, for [`MultipartConfig::field`]: each one left unset keeps
/// the general limit.
///
/// ```
/// use velocy::multipart::{FieldLimits, MultipartConfig};
///
/// let config = MultipartConfig::new()
///     .field("avatar", FieldLimits::new().limit(1024 * 1024).content_types(["image/*"]).extensions(["png", "jpg"]))
///     .field("comment", FieldLimits::new().limit(4096));
/// # let _ = config;
/// ```
#[derive(Debug, Clone, Default)]
#[must_use = "`FieldLimits` does nothing until given to `MultipartConfig::field`"]
pub struct FieldLimits {
    pub(crate) limit: Option<u64>,
    pub(crate) content_types: Vec<String>,
    pub(crate) extensions: Vec<String>,
}

impl FieldLimits {
    /// No limit of its own: every limit is the general one.
    pub fn new() -> Self {
        Self::default()
    }

    /// The most bytes of content one part of this name may have; past it `413`.
    pub fn limit(mut self, bytes: u64) -> Self {
        self.limit = Some(bytes);
        self
    }

    /// The media types its parts may declare (`image/png`, `image/*`; no `Content-Type` is
    /// `text/plain`, RFC 7578 §4.4); another answers `415`.
    pub fn content_types<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.content_types = types.into_iter().map(|ty| ty.into().to_ascii_lowercase()).collect();
        self
    }

    /// The file-name extensions (without the dot, case-insensitive) its parts may have; another, or no
    /// file name, answers `415`.
    pub fn extensions<I, S>(mut self, extensions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.extensions = extensions
            .into_iter()
            .map(|ext| ext.into().trim_start_matches('.').to_ascii_lowercase())
            .collect();
        self
    }
}
