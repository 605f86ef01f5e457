//! `Option<T>` and `Result<T, T::Rejection>` around any extractor.
//!
//! `Option<T>` turns every rejection into `None`; `Result<T, T::Rejection>` hands the rejection to the
//! handler to inspect.

use super::{FromRequest, FromRequestParts, Requirements};
use crate::body::Body;
use crate::request::RequestParts;

impl<T: FromRequestParts> FromRequestParts for Option<T> {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        Ok(T::from_request_parts(parts).await.ok())
    }

    fn requirements(requirements: &mut Requirements) {
        T::requirements(requirements);
    }
}

impl<T: FromRequestParts> FromRequestParts for Result<T, T::Rejection>
where
    T::Rejection: Send,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        Ok(T::from_request_parts(parts).await)
    }

    fn requirements(requirements: &mut Requirements) {
        T::requirements(requirements);
    }
}

impl<T: FromRequest> FromRequest for Option<T> {
    type Rejection = std::convert::Infallible;

    async fn from_request(parts: &mut RequestParts, body: Body) -> Result<Self, Self::Rejection> {
        Ok(T::from_request(parts, body).await.ok())
    }

    fn requirements(requirements: &mut Requirements) {
        T::requirements(requirements);
    }
}

impl<T: FromRequest> FromRequest for Result<T, T::Rejection>
where
    T::Rejection: Send,
{
    type Rejection = std::convert::Infallible;

    async fn from_request(parts: &mut RequestParts, body: Body) -> Result<Self, Self::Rejection> {
        Ok(T::from_request(parts, body).await)
    }

    fn requirements(requirements: &mut Requirements) {
        T::requirements(requirements);
    }
}
