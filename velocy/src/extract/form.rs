//! [`Form<T>`]: an `application/x-www-form-urlencoded` body deserialized with serde.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::rejection::{BodyRejection, FormRejection, InvalidForm, UnsupportedMediaType};
use super::FromRequest;
use crate::body::Body;
use crate::request::RequestParts;
use crate::response::{IntoResponse, Problem, Response};

/// A URL-encoded form. As an extractor it reads a body of type `application/x-www-form-urlencoded` (up to
/// the app's body limit); as a response it serializes `T` the same way.
///
/// # Rejections
/// [`FormRejection`]: 415 for another `Content-Type`, 413 past the body limit, 422 when the fields do not
/// deserialize.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Form<T>(pub T);

pub(crate) fn has_content_type(parts: &RequestParts, expected: &str, suffix: Option<&str>) -> bool {
    let Some(value) = parts.headers().get(http::header::CONTENT_TYPE) else {
        return false;
    };
    let Ok(text) = value.to_str() else {
        return false;
    };
    let Ok(mime) = text.parse::<mime::Mime>() else {
        return false;
    };
    let essence = mime.essence_str();
    essence.eq_ignore_ascii_case(expected)
        || suffix.is_some_and(|suffix| mime.suffix().is_some_and(|found| found.as_str() == suffix))
}

impl<T: DeserializeOwned + Send> FromRequest for Form<T> {
    type Rejection = FormRejection;

    async fn from_request(parts: &mut RequestParts, body: Body) -> Result<Self, Self::Rejection> {
        if !has_content_type(parts, "application/x-www-form-urlencoded", None) {
            return Err(UnsupportedMediaType::new(
                "expected a request with `Content-Type: application/x-www-form-urlencoded`",
            )
            .into());
        }
        let bytes = super::body::read_body(parts, body).await.map_err(BodyRejection::into_form)?;
        let text =
            std::str::from_utf8(&bytes).map_err(|_| InvalidForm::new("the form body is not valid UTF-8"))?;
        // `serde_urlencoded` would replace invalid bytes with U+FFFD; refuse them instead.
        if let Some(component) = super::private::first_non_utf8_component(text) {
            return Err(InvalidForm::new(format!(
                "the form field component `{component}` is not valid UTF-8 after percent-decoding"
            ))
            .into());
        }
        serde_html_form::from_str(text).map(Form).map_err(|error| {
            let hint = super::private::repeated_key_hint(text);
            InvalidForm::new(format!("invalid form body: {error}{hint}")).into()
        })
    }
}

impl<T: Serialize> IntoResponse for Form<T> {
    fn into_response(self) -> Response {
        match serde_urlencoded::to_string(&self.0) {
            Ok(text) => crate::response::into_response_with_type(
                text.into(),
                http::HeaderValue::from_static("application/x-www-form-urlencoded"),
            ),
            Err(error) => Problem::new(
                http::StatusCode::INTERNAL_SERVER_ERROR,
                format!("failed to serialize the form response: {error}"),
            )
            .into_response(),
        }
    }
}
