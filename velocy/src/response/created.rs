//! [`Created`]: `201 Created` with the new resource's `Location` and a body (RFC 9110 §15.3.2).

use http::header::{HeaderValue, LOCATION};
use http::StatusCode;

use super::{IntoResponse, Problem, Response};

/// `201 Created`: the answer to a request that made a new resource, with its URI in `Location` (RFC 9110
/// §15.3.2, §10.2.2) and `body` (typically the resource as [`Json`](crate::Json)).
///
/// ```
/// use velocy::response::Created;
/// use velocy::{IntoResponse, Json};
///
/// let response = Created::at("/api/bookmarks/7", Json(serde_json::json!({ "id": 7 }))).into_response();
/// assert_eq!(response.status(), 201);
/// assert_eq!(response.headers()["location"], "/api/bookmarks/7");
/// ```
///
/// A `location` that is not a valid header value (a control character, a line break) answers
/// `500 Internal Server Error`: the handler built a broken URI, and no half-formed header is sent.
#[derive(Debug, Clone)]
#[must_use = "a response does nothing until it is returned"]
pub struct Created<T> {
    location: Result<HeaderValue, String>,
    body: T,
}

impl<T> Created<T> {
    /// `201 Created` for the resource at `location` (absolute, or relative to the request's URI), answering
    /// with `body`.
    pub fn at(location: &str, body: T) -> Self {
        Self { location: HeaderValue::try_from(location).map_err(|_| location.to_owned()), body }
    }
}

impl<T: IntoResponse> IntoResponse for Created<T> {
    fn into_response(self) -> Response {
        let location = match self.location {
            Ok(location) => location,
            Err(text) => {
                let detail =
                    format!("the `Location` of a created resource is not a valid header value: {text:?}");
                return Problem::new(StatusCode::INTERNAL_SERVER_ERROR, detail).into_response();
            }
        };
        let mut response = self.body.into_response();
        *response.status_mut() = StatusCode::CREATED;
        response.headers_mut().insert(LOCATION, location);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_location_is_a_500_not_a_broken_header_21() {
        let response = Created::at("/a\nb", "x").into_response();
        assert_eq!(response.status(), 500);
        assert!(response.headers().get(LOCATION).is_none());
    }
}
