//! Why a multipart extractor refused a request: one named rejection per failure, gathered in
//! [`MultipartRejection`].

use std::borrow::Cow;
use std::fmt;

use http::StatusCode;

use crate::extract::rejection::{
    define_rejection, BodyReadFailed, BodyTimeout, PayloadTooLarge, UnsupportedMediaType,
};
use crate::response::{IntoResponse, Problem, Response};

define_rejection!(
    /// The `Content-Type` is `multipart/form-data` but its `boundary` parameter is missing or not a valid
    /// boundary (1 to 70 characters, RFC 2046 §5.1.1; RFC 7578 §4.1) (400).
    InvalidBoundary => BAD_REQUEST
);
define_rejection!(
    /// The body is not a well-formed multipart body: a part is cut short, a part header does not parse,
    /// the closing boundary is missing (400).
    MalformedMultipart => BAD_REQUEST
);
define_rejection!(
    /// One part is larger than its limit ([`file_limit`](super::MultipartConfig::file_limit),
    /// [`text_limit`](super::MultipartConfig::text_limit) or a field's `limit`); the message names the
    /// field and the limit (413).
    FieldTooLarge => PAYLOAD_TOO_LARGE
);
define_rejection!(
    /// The body has more parts than [`max_parts`](super::MultipartConfig::max_parts) (400).
    TooManyParts => BAD_REQUEST
);
define_rejection!(
    /// A part's header block (or the preamble) is larger than
    /// [`max_part_header_bytes`](super::MultipartConfig::max_part_header_bytes) (400).
    PartHeadersTooLarge => BAD_REQUEST
);
define_rejection!(
    /// A file part's media type or file-name extension is not one the field allows; the message names the
    /// field and what it allows (415).
    RefusedFileType => UNSUPPORTED_MEDIA_TYPE
);
define_rejection!(
    /// A field the typed form requires is absent; the message names it (400).
    MissingField => BAD_REQUEST
);
define_rejection!(
    /// A field that takes one value was sent more than once, or a part that names no field a
    /// `deny_unknown_fields` form knows, or a file field sent in a URL-encoded body (400).
    UnexpectedField => BAD_REQUEST
);
define_rejection!(
    /// A field's value does not parse into its type (a number that is not a number, text that is not
    /// UTF-8); the message names the field (422).
    InvalidFieldValue => UNPROCESSABLE_ENTITY
);
define_rejection!(
    /// Writing an upload to its temp file failed, e.g. the disk is full (500).
    TempFileFailed => INTERNAL_SERVER_ERROR
);

define_rejection!(
    /// [`Multipart::next_field`](super::Multipart::next_field) was called while the previous
    /// [`Field`](super::Field) was still alive: a programming error (500).
    FieldStillOpen => INTERNAL_SERVER_ERROR
);

crate::extract::rejection::composite_rejection!(
    /// Why [`Multipart`](super::Multipart), [`MultipartForm`](super::MultipartForm) or one of their
    /// fields failed. Every variant renders as an RFC 9457 problem whose `detail` says what was wrong,
    /// naming the field and the limit where there is one.
    MultipartRejection {
        /// Not `multipart/form-data` (nor, for `MultipartForm`, `application/x-www-form-urlencoded`)
        /// (415).
        UnsupportedMediaType,
        /// Missing or invalid boundary (400).
        InvalidBoundary,
        /// The whole body is over the total limit (413).
        PayloadTooLarge,
        /// One part is over its limit (413).
        FieldTooLarge,
        /// Too many parts (400).
        TooManyParts,
        /// A part's headers are too large (400).
        PartHeadersTooLarge,
        /// The body is not well-formed multipart (400).
        MalformedMultipart,
        /// A refused media type or extension (415).
        RefusedFileType,
        /// A required field is absent (400).
        MissingField,
        /// A duplicate or unknown field (400).
        UnexpectedField,
        /// A value that does not parse (422).
        InvalidFieldValue,
        /// The body could not be read, e.g. the client disconnected (400).
        BodyReadFailed,
        /// The body stalled longer than the body read timeout between two chunks (408).
        BodyTimeout,
        /// The temp file could not be written (500).
        TempFileFailed,
        /// The previous field was still alive (500).
        FieldStillOpen,
    }
);

/// The 413 for a body over the total limit of `limit` bytes.
pub(crate) fn too_large_total(limit: u64) -> PayloadTooLarge {
    PayloadTooLarge::new(format!("the multipart body is larger than the limit of {limit} bytes"))
}

/// The 413 for field `name` over `limit` bytes.
pub(crate) fn field_too_large(name: &str, limit: u64) -> FieldTooLarge {
    FieldTooLarge::new(format!("field `{name}` is larger than the limit of {limit} bytes"))
}
