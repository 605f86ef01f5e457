//! Routing rejections: the named answers routing gives when no handler runs.
//!
//! Like the extractor rejections ([`crate::extract::rejection`]), each has a fixed status and a message
//! saying what was wrong, and renders as an RFC 9457 problem (`application/problem+json`, or plain text
//! when the request's `Accept` prefers it). Status interceptors ([`App::on_status`](crate::App::on_status))
//! and global middleware see them like any other response.

use std::borrow::Cow;
use std::fmt;

use http::StatusCode;

use crate::extract::rejection::define_rejection;
use crate::response::{IntoResponse, Problem, Response};

define_rejection!(
    /// No route matches the request path (404, RFC 9110 §15.5.5).
    NotFound => NOT_FOUND
);
define_rejection!(
    /// The path exists but no route answers the method (405, RFC 9110 §15.5.6); the response carries
    /// `Allow` with the methods that do.
    MethodNotAllowed => METHOD_NOT_ALLOWED
);
define_rejection!(
    /// The routes for the path produce no media type the request's `Accept` allows (406, RFC 9110
    /// §15.5.7); the message lists the available ones and the response carries `Vary: accept`.
    NotAcceptable => NOT_ACCEPTABLE
);
define_rejection!(
    /// The routes for the path consume none of the request's `Content-Type` (415, RFC 9110 §15.5.16).
    UnsupportedMediaType => UNSUPPORTED_MEDIA_TYPE
);
define_rejection!(
    /// No route of the app uses the request's method and it is not one RFC 9110 defines (501, RFC 9110
    /// §9.1: methods are case-sensitive, so `get` is not `GET`).
    NotImplemented => NOT_IMPLEMENTED
);
define_rejection!(
    /// The `Host` of a request to an app with virtual hosts cannot be read (400, RFC 9112 §3.2).
    InvalidHost => BAD_REQUEST
);
