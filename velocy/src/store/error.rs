//! [`StoreError`]: everything that can go wrong in the store, and the HTTP response each failure answers.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

use http::StatusCode;

use crate::error::BoxError;
use crate::response::{IntoResponse, Response};

/// What kind of failure a [`StoreError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No record with the given key (an update of a missing record). Answers 404.
    NotFound,
    /// An insert whose primary key is taken. Answers 409.
    DuplicateKey,
    /// A write that would give two records the same value of a `#[unique]` field. Answers 409.
    UniqueViolation,
    /// An update closure changed the primary key; delete and insert instead. Answers 500.
    KeyChanged,
    /// An auto-increment table ran out of keys for its key type. Answers 500.
    KeysExhausted,
    /// Two record types share a table name. Answers 500.
    TableMismatch,
    /// A record or value could not be serialized or deserialized. Answers 500.
    Serde,
    /// A key-value entry is not an integer, so it cannot be incremented. Answers 500.
    NotAnInteger,
    /// A pagination cursor could not be parsed. Answers 400.
    InvalidCursor,
    /// A store file is damaged: a record in the middle of a log, or a snapshot, fails its checksum or
    /// cannot be decoded. [`StoreError::offset`] says where. Answers 500.
    Corrupted,
    /// A store file was written by an unknown version of the format. Answers 500.
    UnsupportedFormat,
    /// An I/O operation failed; after a failed write the store refuses further writes. Answers 500.
    Io,
    /// The store directory is already open, in another process or in another `Store` of this one: a
    /// directory is opened by one process at a time. The message names the directory and the pid of the
    /// process holding it; [`StoreError::path`] is the directory. Answers 500.
    Locked,
}

/// An error from the store: a failed write (not found, duplicate key, unique violation), a damaged file,
/// an I/O failure.
///
/// Ask what happened with [`StoreError::kind`] or the `is_*` predicates. As a response, and through `?` in
/// a handler returning [`velocy::HttpError`](crate::HttpError), it answers 404 for [`ErrorKind::NotFound`], 409 for
/// [`ErrorKind::DuplicateKey`] and [`ErrorKind::UniqueViolation`], 400 for [`ErrorKind::InvalidCursor`],
/// with its message, and a generic 500 for everything else (the details stay on the server).
pub struct StoreError {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: Cow<'static, str>,
    table: Option<String>,
    field: Option<&'static str>,
    offset: Option<u64>,
    path: Option<PathBuf>,
    source: Option<BoxError>,
}

impl StoreError {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                table: None,
                field: None,
                offset: None,
                path: None,
                source: None,
            }),
        }
    }

    pub(crate) fn not_found(table: &str, key: &dyn fmt::Debug) -> Self {
        Self::new(ErrorKind::NotFound, format!("no `{table}` record with key {key:?}")).in_table(table)
    }

    pub(crate) fn duplicate_key(table: &str, key: &dyn fmt::Debug) -> Self {
        Self::new(ErrorKind::DuplicateKey, format!("a `{table}` record with key {key:?} already exists"))
            .in_table(table)
    }

    pub(crate) fn unique_violation(table: &str, field: &'static str) -> Self {
        let mut error = Self::new(
            ErrorKind::UniqueViolation,
            format!("another `{table}` record already has this `{field}`"),
        )
        .in_table(table);
        error.inner.field = Some(field);
        error
    }

    pub(crate) fn io(context: impl Into<Cow<'static, str>>, source: std::io::Error) -> Self {
        Self::new(ErrorKind::Io, context).with_source(source)
    }

    pub(crate) fn serde(context: impl Into<Cow<'static, str>>, source: serde_json::Error) -> Self {
        Self::new(ErrorKind::Serde, context).with_source(source)
    }

    pub(crate) fn corrupted(path: PathBuf, offset: u64, what: &str) -> Self {
        let mut error = Self::new(
            ErrorKind::Corrupted,
            format!("{} is damaged at byte offset {offset}: {what}", path.display()),
        );
        error.inner.offset = Some(offset);
        error.inner.path = Some(path);
        error
    }

    /// The directory `dir` is locked by the process `holder` (`None`: unknown); `ours` when that is this
    /// process, through another `Store`.
    pub(crate) fn locked(dir: &std::path::Path, holder: Option<u32>, ours: bool) -> Self {
        let dir_name = dir.display();
        let message = match holder {
            _ if ours => format!(
                "the store directory \"{dir_name}\" is already open in this process (pid {}), by another \
                 Store: clone that Store to share it; a store directory can be opened by one Store at a time",
                std::process::id()
            ),
            Some(pid) => format!(
                "the store directory \"{dir_name}\" is already open in another process (pid {pid}); a store \
                 directory can be opened by one process at a time"
            ),
            None => format!(
                "the store directory \"{dir_name}\" is already open in another process (holder unknown); a \
                 store directory can be opened by one process at a time"
            ),
        };
        Self::new(ErrorKind::Locked, message).at_path(dir.to_owned())
    }

    pub(crate) fn in_table(mut self, table: &str) -> Self {
        self.inner.table = Some(table.to_owned());
        self
    }

    pub(crate) fn at_path(mut self, path: PathBuf) -> Self {
        self.inner.path = Some(path);
        self
    }

    pub(crate) fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// Whether no record had the key ([`ErrorKind::NotFound`]).
    pub fn is_not_found(&self) -> bool {
        self.inner.kind == ErrorKind::NotFound
    }

    /// Whether a write collided with an existing record: a taken primary key or a `#[unique]` value.
    pub fn is_conflict(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::DuplicateKey | ErrorKind::UniqueViolation)
    }

    /// Whether a store file is damaged ([`ErrorKind::Corrupted`]).
    pub fn is_corrupted(&self) -> bool {
        self.inner.kind == ErrorKind::Corrupted
    }

    /// Whether an I/O operation failed ([`ErrorKind::Io`]).
    pub fn is_io(&self) -> bool {
        self.inner.kind == ErrorKind::Io
    }

    /// Whether the store directory is open elsewhere ([`ErrorKind::Locked`]).
    pub fn is_locked(&self) -> bool {
        self.inner.kind == ErrorKind::Locked
    }

    /// The table involved, if any.
    pub fn table(&self) -> Option<&str> {
        self.inner.table.as_deref()
    }

    /// The `#[unique]` field of a [`ErrorKind::UniqueViolation`].
    pub fn field(&self) -> Option<&'static str> {
        self.inner.field
    }

    /// For [`ErrorKind::Corrupted`]: the byte offset of the damaged record in its file.
    pub fn offset(&self) -> Option<u64> {
        self.inner.offset
    }

    /// The file involved, if any.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.inner.path.as_deref()
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self.inner.kind {
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::DuplicateKey | ErrorKind::UniqueViolation => StatusCode::CONFLICT,
            ErrorKind::InvalidCursor => StatusCode::BAD_REQUEST,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The framework error this answers as: the message for 4xx, a generic 500 keeping this as its cause.
    pub(crate) fn into_http(self) -> crate::error::HttpError {
        let status = self.status();
        if status.is_server_error() {
            crate::error::HttpError::internal(self)
        } else {
            crate::error::HttpError::new(status, self.inner.message.clone()).with_source(self)
        }
    }
}

impl fmt::Debug for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("StoreError");
        debug.field("kind", &self.inner.kind).field("message", &self.inner.message);
        if let Some(source) = &self.inner.source {
            debug.field("source", source);
        }
        debug.finish()
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)?;
        if let Some(source) = &self.inner.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source.as_deref().map(|source| source as &(dyn std::error::Error + 'static))
    }
}

// `?` on a `StoreError` in a handler returning `HttpError` keeps the status above (404, 409, 400).
inventory::submit! {
    crate::error::HttpErrorMapping(|error| error.downcast::<StoreError>().map(|error| (*error).into_http()))
}

impl IntoResponse for StoreError {
    fn into_response(self) -> Response {
        self.into_http().into_response()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn statuses_follow_the_kind() {
        assert_eq!(StoreError::not_found("User", &7).into_response().status(), 404);
        assert_eq!(StoreError::unique_violation("User", "email").into_response().status(), 409);
        assert_eq!(StoreError::duplicate_key("User", &1).status(), StatusCode::CONFLICT);
        let io = StoreError::io("disk", std::io::Error::other("full"));
        assert_eq!(io.into_response().status(), 500);
        let locked = StoreError::locked(std::path::Path::new("./data"), Some(4242), false);
        assert!(locked.is_locked());
        assert_eq!(
            locked.to_string(),
            "the store directory \"./data\" is already open in another process (pid 4242); a store directory \
             can be opened by one process at a time"
        );
        assert_eq!(locked.into_response().status(), 500);
    }

    #[test]
    fn question_mark_in_a_handler_keeps_the_status() {
        fn handler() -> Result<(), crate::HttpError> {
            Err(StoreError::not_found("User", &3))?;
            Ok(())
        }
        let error = handler().unwrap_err();
        assert_eq!(error.status(), StatusCode::NOT_FOUND);
        assert_eq!(error.message(), "no `User` record with key 3");
    }

    #[test]
    fn server_errors_hide_their_details() {
        let error = StoreError::corrupted("x.log".into(), 42, "checksum mismatch").into_http();
        assert_eq!(error.message(), "internal server error");
        assert!(error.to_string().contains("offset 42"));
    }
}
