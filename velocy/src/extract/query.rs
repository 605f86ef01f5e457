//! [`Query<T>`]: the query string deserialized with serde.

use serde::de::DeserializeOwned;

use super::rejection::InvalidQuery;
use super::FromRequestParts;
use crate::request::RequestParts;

/// The request's query string (`application/x-www-form-urlencoded`, decoded with `serde_html_form`) as `T`.
/// A missing query string deserializes like an empty one, so `Option` fields default to `None`.
///
/// A key may repeat for a list field: `?tag=a&tag=b` fills `tag: Vec<String>` (give it `#[serde(default)]`,
/// or make it `Option<Vec<String>>`, when it may be absent). For any other field a repeated key is refused
/// with 400 rather than picking the first or the last value: a proxy and the app could pick differently
/// (HTTP parameter pollution), so the request is ambiguous.
///
/// ```
/// use serde::Deserialize;
/// use velocy::extract::Query;
///
/// #[derive(Deserialize)]
/// struct Paging { page: Option<u32>, per_page: Option<u32> }
///
/// async fn list(Query(paging): Query<Paging>) -> String {
///     format!("page {}", paging.page.unwrap_or(1))
/// }
/// ```
///
/// # Rejections
/// [`InvalidQuery`] (400) with serde's message, e.g. `invalid digit found in string`; when a name or value
/// is not UTF-8 once percent-decoded (`?q=%FF`); or when the query has
/// more pairs than [`Limits::max_query_pairs`](crate::server::Limits::max_query_pairs) (default 256).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts for Query<T> {
    type Rejection = InvalidQuery;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        let query = parts.uri().query().unwrap_or_default();
        let limit = parts.app.max_query_pairs;
        if query.split('&').filter(|pair| !pair.is_empty()).nth(limit).is_some() {
            return Err(InvalidQuery::new(format!("the query string has more than {limit} parameters")));
        }
        // `serde_urlencoded` would replace invalid bytes with U+FFFD; refuse them, as path parameters do.
        if let Some(component) = super::private::first_non_utf8_component(query) {
            return Err(InvalidQuery::new(format!(
                "the query string component `{component}` is not valid UTF-8 after percent-decoding"
            )));
        }
        serde_html_form::from_str(query).map(Query).map_err(|error| {
            let hint = super::private::repeated_key_hint(query);
            InvalidQuery::new(format!("invalid query string: {error}{hint}"))
        })
    }
}
