//! [`Json<T>`]: JSON request bodies and responses.

use http::header::HeaderValue;
use http::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::body::Body;
use crate::extract::rejection::{
    BodyRejection, JsonDataError, JsonRejection, JsonSyntaxError, UnsupportedMediaType,
};
use crate::extract::FromRequest;
use crate::request::RequestParts;
use crate::response::{IntoResponse, Problem, Response};

/// JSON: as an extractor, a request body deserialized into `T`; as a response, `T` serialized with
/// `Content-Type: application/json`.
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use velocy::{Json, StatusCode};
///
/// #[derive(Deserialize)]
/// struct NewUser { name: String }
///
/// #[derive(Serialize)]
/// struct User { id: u64, name: String }
///
/// async fn create(Json(new): Json<NewUser>) -> (StatusCode, Json<User>) {
///     (StatusCode::CREATED, Json(User { id: 1, name: new.name }))
/// }
/// ```
///
/// # Rejections
/// [`JsonRejection`]:
/// * 415 when `Content-Type` is not `application/json` or `application/*+json`;
/// * 413 when the body is larger than the app's body limit (checked against `Content-Length` before reading);
/// * 400 when the body is not valid JSON, 422 when it is valid JSON of the wrong shape — both with serde's
///   message, which gives the line and column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest for Json<T> {
    type Rejection = JsonRejection;

    async fn from_request(parts: &mut RequestParts, body: Body) -> Result<Self, Self::Rejection> {
        if !crate::extract::form::has_content_type(parts, "application/json", Some("json")) {
            return Err(UnsupportedMediaType::new(
                "expected a request with `Content-Type: application/json`",
            )
            .into());
        }
        let bytes = crate::extract::read_body(parts, body).await.map_err(BodyRejection::into_json)?;
        Self::from_bytes(&bytes)
    }
}

impl<T: DeserializeOwned> Json<T> {
    /// Deserializes `bytes`, classifying failures like the extractor does.
    ///
    /// # Errors
    /// [`JsonSyntaxError`] (400) for invalid JSON, [`JsonDataError`] (422) for the wrong shape.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, JsonRejection> {
        serde_json::from_slice(bytes).map(Json).map_err(|error| {
            let detail = format!("invalid JSON body: {error}");
            match error.classify() {
                serde_json::error::Category::Data => JsonDataError::new(detail).into(),
                _ => JsonSyntaxError::new(detail).into(),
            }
        })
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        let mut buffer = Vec::with_capacity(128);
        match serde_json::to_writer(&mut buffer, &self.0) {
            Ok(()) => crate::response::into_response_with_type(
                buffer.into(),
                HeaderValue::from_static("application/json"),
            ),
            Err(error) => Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("failed to serialize the JSON response: {error}"),
            )
            .into_response(),
        }
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}
