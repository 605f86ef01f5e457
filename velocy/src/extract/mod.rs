//! Extractors: typed values that handlers take as arguments.
//!
//! A handler argument is either a **path parameter bound by name** (its type implements [`FromParam`]) or an
//! **extractor chosen by type**:
//!
//! * [`FromRequestParts`] reads only the request head (method, target, headers, state, path parameters). Any
//!   number of them may appear, in any order.
//! * [`FromRequest`] consumes the body (`Json`, `Form`, `Bytes`, `String`, [`Body`]). At most one per handler;
//!   the generated code runs it after every head extractor whatever its position, so a failing header check
//!   never waits for a large upload.
//!
//! Every failure is a named *rejection* ([`rejection`]) with a fixed status and a message saying what was
//! wrong, rendered as an RFC 9457 problem (or plain text, by `Accept`). Wrap an extractor in `Option<T>` to
//! make it optional, or in `Result<T, T::Rejection>` to handle the rejection yourself.
//!
//! | extractor | reads | fails with |
//! | --- | --- | --- |
//! | [`Path<T>`] | all path parameters, via serde | 400 |
//! | [`Query<T>`] | the query string, via serde | 400 |
//! | [`Json<T>`](crate::Json) | a JSON body | 415 wrong `Content-Type`, 413 too large, 400 syntax, 422 data |
//! | [`Form<T>`] | an `application/x-www-form-urlencoded` body | 415, 413, 422 |
//! | `Bytes`, `String`, `Vec<u8>` | the whole body | 413, 400 (not UTF-8) |
//! | [`Body`] | the body as a stream | never |
//! | [`HeaderMap`], [`Method`], [`Uri`], [`Version`] | the head | never |
//! | [`Host`], [`UserAgent`], [`ContentType`] | single headers | 400 when missing or malformed |
//! | [`State<T>`] | application state | checked when the app is built |
//! | [`Extension<T>`] | a value middleware stored in the request | 500 when absent |
//! | [`RequestId`](crate::request_id::RequestId) | the request id ([`App::request_id`](crate::App::request_id)) | checked when the app is built |
//! | [`RemoteAddr`] | the peer's socket address | 500 without a socket (use `Option`) |
//! | [`ClientIp`] | the client's address, via `Forwarded`/`X-Forwarded-For` from trusted proxies only | 500 without a socket |
//!
//! [`Body`]: crate::Body
//! [`HeaderMap`]: http::HeaderMap
//! [`Method`]: http::Method
//! [`Uri`]: http::Uri
//! [`Version`]: http::Version

use std::future::Future;

use crate::body::Body;
use crate::request::RequestParts;
use crate::response::IntoResponse;

mod body;
pub(crate) use body::read_body;
mod client_ip;
mod extension;
pub(crate) mod form;
mod from_param;
mod head;
mod optional;
mod path;
pub(crate) mod private;
mod query;
pub mod rejection;
mod request_id;
mod requirements;
mod state;

pub(crate) use client_ip::TrustedProxies;
pub use client_ip::{ClientIp, ForwardingHeaders, TrustedProxy};
pub use extension::Extension;
pub use form::Form;
pub use from_param::FromParam;
pub use head::{ContentType, Host, RemoteAddr, UserAgent};
pub use path::Path;
pub use private::Extract;
pub use query::Query;
pub(crate) use requirements::Provided;
pub use requirements::Requirements;
pub use state::State;

/// An extractor that reads only the request head; any number may appear in a handler, in any order.
///
/// ```
/// use velocy::extract::{FromRequestParts, rejection::MissingHeader};
/// use velocy::RequestParts;
///
/// struct ApiKey(String);
///
/// impl FromRequestParts for ApiKey {
///     type Rejection = MissingHeader;
///
///     async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
///         parts
///             .headers()
///             .get("x-api-key")
///             .and_then(|value| value.to_str().ok())
///             .map(|key| ApiKey(key.to_owned()))
///             .ok_or_else(|| MissingHeader::new("missing header `x-api-key`"))
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an extractor that reads the request head",
    note = "implement `velocy::extract::FromRequestParts`, or derive it with `#[derive(FromRequestParts)]`"
)]
pub trait FromRequestParts: Sized + Send {
    /// The response sent when extraction fails.
    type Rejection: IntoResponse;

    /// Extracts the value from the request head.
    fn from_request_parts(
        parts: &mut RequestParts,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send;

    /// Declares what this extractor needs from the application (such as a `State<T>`), so that building
    /// the app can report anything missing before it serves. The default needs nothing.
    fn requirements(requirements: &mut Requirements) {
        let _ = requirements;
    }
}

/// An extractor that consumes the request body; a handler takes at most one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an extractor that reads the request body",
    note = "implement `velocy::extract::FromRequest`, or derive it with `#[derive(FromRequest)]`"
)]
pub trait FromRequest: Sized + Send {
    /// The response sent when extraction fails.
    type Rejection: IntoResponse;

    /// Extracts the value from the request head and its body.
    fn from_request(
        parts: &mut RequestParts,
        body: Body,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send;

    /// Declares what this extractor needs from the application; see
    /// [`FromRequestParts::requirements`].
    fn requirements(requirements: &mut Requirements) {
        let _ = requirements;
    }
}
