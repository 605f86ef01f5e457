//! Responses: [`IntoResponse`], the types that implement it, and response-building helpers.
//!
//! A handler may return anything that implements [`IntoResponse`]:
//!
//! | returned value | response |
//! | --- | --- |
//! | `()` | `200 OK`, empty body |
//! | `&'static str`, `String`, `Cow<'static, str>` | `200`, `text/plain; charset=utf-8` |
//! | `Bytes`, `Vec<u8>`, `&'static [u8]` | `200`, `application/octet-stream` |
//! | [`StatusCode`] | that status, empty body |
//! | [`Json<T>`](crate::Json) | `200`, `application/json` |
//! | [`Html<T>`] | `200`, `text/html; charset=utf-8` |
//! | [`Redirect`] | `303`/`307`/`308` with `Location` |
//! | [`Body`] (e.g. [`Body::from_stream`]) | `200`, streamed: chunked on HTTP/1.1, close-delimited on HTTP/1.0 |
//! | `(StatusCode, R)` | `R` with that status |
//! | `(StatusCode, parts…, R)` / `(parts…, R)` | `R` with headers from each [`IntoResponseParts`] |
//! | `Result<T, E>` | either side's response |
//! | `Option<T>` | `T`, or `404 Not Found` for `None` |
//! | [`HttpError`](crate::HttpError), [`Problem`] | an RFC 9457 problem document |

mod created;
mod html;
mod into_response;
mod parts;
mod problem;
mod redirect;

pub use created::Created;
pub use html::{escape_html, Html};
pub(crate) use into_response::with_content_type as into_response_with_type;
pub use into_response::IntoResponse;
pub use parts::IntoResponseParts;
pub(crate) use problem::render_for;
pub use problem::Problem;
pub use redirect::Redirect;

#[cfg(doc)]
use crate::Body;
#[cfg(doc)]
use http::StatusCode;

/// The response type of Velocy: an [`http::Response`] with a [`crate::Body`].
pub type Response<B = crate::Body> = http::Response<B>;
