//! The cookie battery's rejection.

use std::borrow::Cow;
use std::fmt;

use http::StatusCode;

use crate::extract::rejection::define_rejection;
use crate::response::{IntoResponse, Problem, Response};

define_rejection! {
    /// `500 Internal Server Error`: a signed or private cookie jar was asked for, but the app has no
    /// secret key. [`App::build`](crate::App::build) refuses such an app in release builds and gives debug
    /// builds a random key, so a built app never answers this.
    MissingSecretKey => INTERNAL_SERVER_ERROR
}
