//! The request id as an extractor: [`RequestId`] in a handler's arguments.

use super::rejection::MissingRequestId;
use super::{FromRequestParts, Requirements};
use crate::request::RequestParts;
use crate::request_id::RequestId;

/// The id of the current request; a route that takes it on an app without request ids is reported by
/// [`App::build`](crate::App::build), and at request time it answers 500 ([`MissingRequestId`]).
impl FromRequestParts for RequestId {
    type Rejection = MissingRequestId;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        parts.request_id().cloned().ok_or_else(|| {
            MissingRequestId::new(
                "the app gives requests no id; add `.request_id(RequestIdConfig::new())` to the App",
            )
        })
    }

    fn requirements(requirements: &mut Requirements) {
        requirements.request_id();
    }
}
