//! [`IntoResponseParts`]: values that add headers (or extensions) to a response, used in tuples such as
//! `(StatusCode, [("x-request-id", id)], body)`.

use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::StatusCode;

use super::{IntoResponse, Problem, Response};

/// Something that sets headers or extensions on a response built by another [`IntoResponse`].
///
/// ```
/// use velocy::{IntoResponse, StatusCode};
///
/// let response = (StatusCode::CREATED, [("location", "/users/7")], "created").into_response();
/// assert_eq!(response.headers()["location"], "/users/7");
/// ```
pub trait IntoResponseParts {
    /// Applies these parts to `response`.
    ///
    /// # Errors
    /// A response to send instead, e.g. `500` for a header name or value that is not valid.
    fn into_response_parts(self, response: &mut Response) -> Result<(), Response>;
}

impl IntoResponseParts for HeaderMap {
    fn into_response_parts(self, response: &mut Response) -> Result<(), Response> {
        response.headers_mut().extend(self);
        Ok(())
    }
}

impl<K, V, const N: usize> IntoResponseParts for [(K, V); N]
where
    K: TryInto<HeaderName>,
    K::Error: std::fmt::Display,
    V: TryInto<HeaderValue>,
    V::Error: std::fmt::Display,
{
    fn into_response_parts(self, response: &mut Response) -> Result<(), Response> {
        for (name, value) in self {
            let name = name.try_into().map_err(|error| invalid_header(&error))?;
            let value = value.try_into().map_err(|error| invalid_header(&error))?;
            response.headers_mut().insert(name, value);
        }
        Ok(())
    }
}

impl<T: Clone + Send + Sync + 'static> IntoResponseParts for crate::extract::Extension<T> {
    fn into_response_parts(self, response: &mut Response) -> Result<(), Response> {
        response.extensions_mut().insert(self.0);
        Ok(())
    }
}

fn invalid_header(error: &dyn std::fmt::Display) -> Response {
    Problem::new(StatusCode::INTERNAL_SERVER_ERROR, format!("the handler set an invalid header: {error}"))
        .into_response()
}

macro_rules! impl_into_response_for_tuples {
    ($($part:ident),+) => {
        impl<R, $($part,)+> IntoResponse for ($($part,)+ R)
        where
            R: IntoResponse,
            $($part: IntoResponseParts,)+
        {
            #[allow(non_snake_case)]
            fn into_response(self) -> Response {
                let ($($part,)+ inner) = self;
                let mut response = inner.into_response();
                $(
                    if let Err(error) = $part.into_response_parts(&mut response) {
                        return error;
                    }
                )+
                response
            }
        }

        impl<R, $($part,)+> IntoResponse for (StatusCode, $($part,)+ R)
        where
            R: IntoResponse,
            $($part: IntoResponseParts,)+
        {
            #[allow(non_snake_case)]
            fn into_response(self) -> Response {
                let (status, $($part,)+ inner) = self;
                let mut response = ($($part,)+ inner).into_response();
                *response.status_mut() = status;
                response
            }
        }
    };
}

impl_into_response_for_tuples!(P1);
impl_into_response_for_tuples!(P1, P2);
impl_into_response_for_tuples!(P1, P2, P3);
impl_into_response_for_tuples!(P1, P2, P3, P4);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_headers_become_a_500() {
        let response = ([("bad header", "x")], "body").into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn status_parts_and_body_compose() {
        let response = (StatusCode::ACCEPTED, [("x-one", "1")], [("x-two", "2")], "ok").into_response();
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        assert_eq!(response.headers()["x-one"], "1");
        assert_eq!(response.headers()["x-two"], "2");
    }
}
