//! The error responses of the file services, each a named type with a fixed status, rendered as an
//! RFC 9457 problem. None of them names a file-system path.

use std::borrow::Cow;
use std::fmt;

use http::StatusCode;

use crate::extract::rejection::define_rejection;
use crate::response::{IntoResponse, Problem, Response};

define_rejection! {
    /// `404 Not Found`: no file at that path, a hidden dotfile, a reserved device name, a directory
    /// without index file or listing, a symbolic link the policy refuses, or a special file.
    FileNotFound => NOT_FOUND
}

define_rejection! {
    /// `403 Forbidden`: the file exists but the server may not read it (permission denied).
    FileForbidden => FORBIDDEN
}

define_rejection! {
    /// `400 Bad Request`: the path cannot name a file: `.` or `..` segments, an encoded `/` or `\`, a
    /// backslash, NUL or control characters, invalid percent-encoding or UTF-8 (overlong forms
    /// included), a drive letter or a `:`.
    InvalidFilePath => BAD_REQUEST
}

define_rejection! {
    /// `500 Internal Server Error`: reading the file failed for another reason (logged nowhere, and the
    /// body does not say which file).
    FileReadError => INTERNAL_SERVER_ERROR
}

define_rejection! {
    /// `503 Service Unavailable` with `Retry-After: 1`: every open-file slot stayed taken for the whole
    /// open timeout (see [`ServeDir::max_open_files`](super::ServeDir::max_open_files)).
    FilesBusy => SERVICE_UNAVAILABLE
}
