#![doc = include_str!("../docs/multipart.md")]

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use http::HeaderMap;

use crate::body::Body;
use crate::extract::rejection::{BodyReadFailed, BodyTimeout, UnsupportedMediaType};
use crate::extract::FromRequest;
use crate::request::RequestParts;

mod config;
mod form;
mod guard;
pub mod rejection;
pub(crate) mod scan;
mod temp_file;
#[cfg(test)]
mod tests;

use config::{declared_length, Settings};
pub use config::{FieldLimits, MultipartConfig};
#[doc(hidden)]
pub use form::__derive;
pub use form::{FromField, FromMultipart, MultipartForm};
use guard::{Guard, GuardError};
pub use rejection::MultipartRejection;
use rejection::{
    field_too_large, too_large_total, InvalidBoundary, InvalidFieldValue, MalformedMultipart,
    PartHeadersTooLarge, RefusedFileType, TooManyParts,
};
use scan::{ScanError, Scanner};
pub use temp_file::{sanitize_file_name, TempFile};
/// Derives [`FromMultipart`] for a struct with named fields; see the [module docs](self#typed-forms).
pub use velocy_macros::FromMultipart;

/// A `multipart/form-data` body (RFC 7578) read part by part as it streams in.
///
/// As an extractor it checks the head only: `415` unless the `Content-Type` is `multipart/form-data`,
/// `400` ([`InvalidBoundary`]) without a valid `boundary`, `413` when `Content-Length` exceeds the total
/// limit. The limits of the request's [`MultipartConfig`] then apply while the parts are read: each
/// failure is a [`MultipartRejection`] returned by [`next_field`](Self::next_field) or a [`Field`]
/// method, which the handler can return as its response (`?` in a handler returning
/// `Result<_, MultipartRejection>`).
///
/// ```
/// use velocy::multipart::{Multipart, MultipartRejection};
///
/// async fn upload(mut form: Multipart) -> Result<String, MultipartRejection> {
///     let mut report = String::new();
///     while let Some(field) = form.next_field().await? {
///         let name = field.name().unwrap_or("?").to_owned();
///         if field.is_file() {
///             let file = field.into_temp_file().await?;
///             report += &format!("{name}: {} bytes\n", file.size());
///         } else {
///             report += &format!("{name} = {}\n", field.text().await?);
///         }
///     }
///     Ok(report)
/// }
/// # let _ = velocy::Router::new().post("/upload", upload);
/// ```
#[derive(Debug)]
pub struct Multipart {
    inner: multer::Multipart<'static>,
    settings: Arc<Settings>,
}

impl Multipart {
    /// The next part, `None` after the last one. The previous [`Field`] must have been dropped (its
    /// unread content is skipped, still counted against the limits); otherwise this fails with a `500`
    /// ([`FieldStillOpen`](rejection::FieldStillOpen)).
    ///
    /// File parts whose media type or extension the configuration does not allow are refused here
    /// (`415`).
    ///
    /// # Errors
    /// [`MultipartRejection`]: `413` past the total limit, `400` for too many parts, too large part
    /// headers or a malformed body, `415` for a refused file type, `400` when the client went away, `408`
    /// when the body stalls.
    pub async fn next_field(&mut self) -> Result<Option<Field>, MultipartRejection> {
        let Some(field) = self.next_unchecked().await? else {
            return Ok(None);
        };
        field.check_configured(&[], &[])?;
        Ok(Some(field))
    }

    /// The next part, without the configuration's type checks (the derive applies its own).
    pub(crate) async fn next_unchecked(&mut self) -> Result<Option<Field>, MultipartRejection> {
        let field = self.inner.next_field().await.map_err(|error| map_error(error, None))?;
        Ok(field.map(|inner| {
            let is_file = inner.file_name().is_some();
            let general = if is_file { self.settings.file } else { self.settings.text };
            let own = inner.name().and_then(|name| self.settings.field(name)).and_then(|rules| rules.limit);
            let limit = own.unwrap_or(general);
            Field {
                inner,
                settings: Arc::clone(&self.settings),
                limit,
                own_limit: own.is_some(),
                read: 0,
                is_file,
            }
        }))
    }
}

/// Whether `boundary` is one RFC 2046 §5.1.1 allows: 1 to 70 of `0-9 A-Z a-z '()+_,-./:=?` and space,
/// not ending in a space.
fn valid_boundary(boundary: &str) -> bool {
    let allowed = |byte: u8| byte.is_ascii_alphanumeric() || b"'()+_,-./:=? ".contains(&byte);
    (1..=70).contains(&boundary.len()) && boundary.bytes().all(allowed) && !boundary.ends_with(' ')
}

/// Whether the request says it is `multipart/form-data`.
pub(crate) fn is_multipart(parts: &RequestParts) -> bool {
    crate::extract::form::has_content_type(parts, "multipart/form-data", None)
}

impl FromRequest for Multipart {
    type Rejection = MultipartRejection;

    async fn from_request(parts: &mut RequestParts, body: Body) -> Result<Self, Self::Rejection> {
        let content_type = parts
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let boundary = match multer::parse_boundary(content_type) {
            Ok(boundary) => boundary,
            Err(multer::Error::NoBoundary) => {
                return Err(InvalidBoundary::new(
                    "the `multipart/form-data` content type has no `boundary` parameter",
                )
                .into())
            }
            Err(_) => {
                return Err(UnsupportedMediaType::new(
                    "expected a request with `Content-Type: multipart/form-data; boundary=...`",
                )
                .into())
            }
        };
        if !valid_boundary(&boundary) {
            return Err(InvalidBoundary::new(
                "the multipart boundary must be 1 to 70 characters of letters, digits and `'()+_,-./:=?` \
                 or space, not ending in a space (RFC 2046 §5.1.1)",
            )
            .into());
        }
        let config = config::MultipartConfig::for_request(parts);
        let settings = Arc::clone(config.settings());
        if declared_length(parts.headers()).is_some_and(|length| length > settings.total) {
            return Err(too_large_total(settings.total).into());
        }
        let scanner = Scanner::new(&boundary, settings.parts, settings.header);
        let guard = Guard::new(body.into_data_stream(), scanner, settings.total, parts.app.body_read_timeout);
        Ok(Self { inner: multer::Multipart::new(guard, boundary), settings })
    }
}

/// One part of a [`Multipart`] body: its name, file name, media type and headers, and its content read
/// chunk by chunk, counted against the part's limit.
///
/// The limit is the field name's own when one is set ([`MultipartConfig::field`], or a typed form's
/// `#[multipart(limit = ..)]`). Otherwise it depends on where the content goes, not on what the client
/// claims: [`bytes`](Self::bytes) and [`text`](Self::text) (and every in-memory [`FromField`] type)
/// hold at most [`MultipartConfig::text_limit`], even for a part with a `filename`;
/// [`into_temp_file`](Self::into_temp_file) (and [`TempFile`] fields) write at most
/// [`MultipartConfig::file_limit`]; [`chunk`](Self::chunk) alone counts against `file_limit` for a part
/// with a file name and `text_limit` otherwise.
#[derive(Debug)]
pub struct Field {
    inner: multer::Field<'static>,
    settings: Arc<Settings>,
    limit: u64,
    /// `limit` is the field name's own, not a general one.
    own_limit: bool,
    read: u64,
    is_file: bool,
}

impl Field {
    /// The field name from `Content-Disposition: form-data; name="..."` (RFC 7578 §4.2).
    pub fn name(&self) -> Option<&str> {
        self.inner.name()
    }

    /// The file name the client sent, made safe with [`sanitize_file_name`].
    pub fn file_name(&self) -> Option<String> {
        self.inner.file_name().and_then(sanitize_file_name)
    }

    /// The file name exactly as the client sent it (RFC 7578 §4.2): never use it as a path.
    pub fn raw_file_name(&self) -> Option<&str> {
        self.inner.file_name()
    }

    /// Whether the part is a file: its `Content-Disposition` has a `filename` parameter.
    pub fn is_file(&self) -> bool {
        self.is_file
    }

    /// The part's `Content-Type` as sent, if any (RFC 7578 §4.4; absent means `text/plain`).
    pub fn content_type(&self) -> Option<&str> {
        self.inner.content_type().map(AsRef::as_ref)
    }

    /// All headers of the part.
    pub fn headers(&self) -> &HeaderMap {
        self.inner.headers()
    }

    /// The most bytes of content this part may have when read with [`chunk`](Self::chunk): the field
    /// name's own limit, else `file_limit` for a part with a file name and `text_limit` otherwise.
    /// [`bytes`](Self::bytes), [`text`](Self::text) and [`into_temp_file`](Self::into_temp_file) may
    /// replace a general limit with their own (see [`Field`]).
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Sets the field's own limit (a typed form's `#[multipart(limit = ..)]`).
    pub(crate) fn set_limit(&mut self, limit: u64) {
        self.limit = limit;
        self.own_limit = true;
    }

    /// The field's name for messages.
    fn label(&self) -> &str {
        self.name().unwrap_or("<unnamed>")
    }

    /// The next chunk of content, `None` at the end of the part.
    ///
    /// # Errors
    /// `413` ([`FieldTooLarge`](rejection::FieldTooLarge)) past the part's limit, and every error of
    /// [`Multipart::next_field`].
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, MultipartRejection> {
        let chunk = match self.inner.chunk().await {
            Ok(chunk) => chunk,
            Err(error) => return Err(map_error(error, Some(self.label()))),
        };
        if let Some(chunk) = &chunk {
            self.read = self.read.saturating_add(chunk.len() as u64);
            if self.read > self.limit {
                return Err(field_too_large(self.label(), self.limit).into());
            }
        }
        Ok(chunk)
    }

    /// The whole content in memory: at most [`MultipartConfig::text_limit`] (also for a part with a file
    /// name), or the field name's own limit.
    ///
    /// # Errors
    /// See [`chunk`](Self::chunk).
    pub async fn bytes(mut self) -> Result<Bytes, MultipartRejection> {
        if !self.own_limit {
            self.limit = self.settings.text;
        }
        let mut buffer = BytesMut::new();
        while let Some(chunk) = self.chunk().await? {
            buffer.extend_from_slice(&chunk);
        }
        Ok(buffer.freeze())
    }

    /// The whole content as UTF-8 text (RFC 7578 §4.6: form data is UTF-8 unless the form says
    /// otherwise), limited as [`bytes`](Self::bytes).
    ///
    /// # Errors
    /// See [`chunk`](Self::chunk); `422` ([`InvalidFieldValue`]) when the content is not UTF-8.
    pub async fn text(self) -> Result<String, MultipartRejection> {
        let name = self.label().to_owned();
        let bytes = self.bytes().await?;
        String::from_utf8(bytes.into())
            .map_err(|_| InvalidFieldValue::new(format!("field `{name}` is not valid UTF-8 text")).into())
    }

    /// Streams the content into a [`TempFile`] in [`MultipartConfig::temp_dir`], chunk by chunk: at most
    /// [`MultipartConfig::file_limit`] (also for a part without a file name), or the field name's own
    /// limit.
    ///
    /// # Errors
    /// See [`chunk`](Self::chunk); `500` when the file cannot be written. The partial file is deleted.
    pub async fn into_temp_file(mut self) -> Result<TempFile, MultipartRejection> {
        if !self.own_limit {
            self.limit = self.settings.file;
        }
        TempFile::from_field(self).await
    }

    /// Applies the media types and extensions in force for this part: `types`/`extensions` (a typed
    /// form's attribute) when not empty, else the configuration's lists for this field name, else (for a
    /// file part) the configuration's general lists.
    pub(crate) fn check_configured(
        &self,
        types: &[&str],
        extensions: &[&str],
    ) -> Result<(), RefusedFileType> {
        let settings = Arc::clone(&self.settings);
        let own = self.name().and_then(|name| settings.field(name));
        let pick = |attribute: &[&str], own: Option<&Vec<String>>, general: &Vec<String>| -> Vec<String> {
            if !attribute.is_empty() {
                return attribute.iter().map(|item| (*item).to_owned()).collect();
            }
            match own.filter(|own| !own.is_empty()) {
                Some(own) => own.clone(),
                None if self.is_file => general.clone(),
                None => Vec::new(),
            }
        };
        let types = pick(types, own.map(|own| &own.content_types), &settings.content_types);
        let extensions = pick(extensions, own.map(|own| &own.extensions), &settings.extensions);
        self.check_type(&types, &extensions)
    }

    /// Refuses the part unless its media type matches one of `types` and its file name's extension is
    /// one of `extensions` (each check skipped when its list is empty).
    pub(crate) fn check_type<S: AsRef<str>>(
        &self,
        types: &[S],
        extensions: &[S],
    ) -> Result<(), RefusedFileType> {
        if !types.is_empty() {
            let declared = self.content_type().unwrap_or("text/plain");
            let essence = declared.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
            let allowed = types.iter().any(|pattern| media_type_matches(pattern.as_ref(), &essence));
            if !allowed {
                let list: Vec<&str> = types.iter().map(AsRef::as_ref).collect();
                return Err(RefusedFileType::new(format!(
                    "field `{}` does not accept the media type `{essence}`; allowed: {}",
                    self.label(),
                    list.join(", ")
                )));
            }
        }
        if !extensions.is_empty() {
            let extension = self
                .file_name()
                .and_then(|name| name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()));
            let allowed = extension.as_deref().is_some_and(|ext| {
                extensions
                    .iter()
                    .any(|candidate| candidate.as_ref().trim_start_matches('.').eq_ignore_ascii_case(ext))
            });
            if !allowed {
                let list: Vec<&str> = extensions.iter().map(AsRef::as_ref).collect();
                return Err(RefusedFileType::new(format!(
                    "field `{}` does not accept the file name {}; allowed extensions: {}",
                    self.label(),
                    self.raw_file_name().map_or_else(|| "(none)".to_owned(), |name| format!("`{name}`")),
                    list.join(", ")
                )));
            }
        }
        Ok(())
    }
}

/// Whether `pattern` (`image/png`, `image/*`, `*/*`) matches the lowercase media type `essence`.
fn media_type_matches(pattern: &str, essence: &str) -> bool {
    let pattern = pattern.trim();
    if pattern == "*/*" || pattern == "*" {
        return true;
    }
    match pattern.strip_suffix("/*") {
        Some(kind) => essence.split('/').next().is_some_and(|found| found.eq_ignore_ascii_case(kind)),
        None => pattern.eq_ignore_ascii_case(essence),
    }
}

/// The rejection for a parser error, reading through to the [`Guard`]'s own errors.
fn map_error(error: multer::Error, field: Option<&str>) -> MultipartRejection {
    match error {
        multer::Error::StreamReadFailed(source) => match source.downcast::<GuardError>() {
            Ok(guard) => match *guard {
                GuardError::TooLarge(limit) => too_large_total(limit).into(),
                GuardError::Scan(ScanError::TooManyParts(limit)) => {
                    TooManyParts::new(format!("the multipart body has more than the limit of {limit} parts"))
                        .into()
                }
                GuardError::Scan(ScanError::HeadersTooLarge(limit)) => PartHeadersTooLarge::new(format!(
                    "a part's header block is larger than the limit of {limit} bytes"
                ))
                .into(),
                error @ GuardError::Timeout(_) => BodyTimeout::new(error.to_string()).into(),
                error @ GuardError::Read(_) => BodyReadFailed::new(error.to_string()).into(),
            },
            Err(other) => BodyReadFailed::new(format!("failed to read the request body: {other}")).into(),
        },
        multer::Error::LockFailure => rejection::FieldStillOpen::new(
            "`next_field` was called while the previous field was still alive: drop it first",
        )
        .into(),
        other => {
            let at = field.map_or_else(String::new, |name| format!(" (in field `{name}`)"));
            MalformedMultipart::new(format!("malformed multipart body{at}: {other}")).into()
        }
    }
}
