//! The glue the macros generate calls to; reached only through `velocy::__private`.
//!
//! [`Extract`] puts both extractor traits behind one trait with a marker type, so generated code can call
//! `<T as Extract<_>>::extract(..)` for any argument without knowing which trait it implements.

use std::borrow::Cow;
use std::future::Future;

use super::rejection::{BodyAlreadyTaken, InvalidHeader, InvalidPathParam, MissingHeader, MissingQueryParam};
use super::{FromParam, FromRequest, FromRequestParts, Requirements};
use crate::body::Body;
use crate::request::RequestParts;
use crate::response::{IntoResponse, Response};

/// Marks extractors that read only the head.
#[derive(Debug)]
pub enum ViaParts {}

/// Marks extractors that consume the body.
#[derive(Debug)]
pub enum ViaRequest {}

/// Either kind of extractor, run by generated handler code.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a handler argument",
    label = "neither an extractor nor a path parameter",
    note = "an argument is either bound by name to a path parameter (its type implements `FromParam`) or \
            chosen by type as an extractor (`FromRequestParts` or `FromRequest`)"
)]
pub trait Extract<M>: Sized + Send {
    /// Whether this extractor consumes the body.
    const CONSUMES_BODY: bool;

    /// Runs the extractor; a failure comes back as a response already rendered for the request's `Accept`.
    fn extract(
        parts: &mut RequestParts,
        body: &mut Option<Body>,
    ) -> impl Future<Output = Result<Self, Response>> + Send;

    /// Records what the extractor needs from the app.
    fn declare(requirements: &mut Requirements);
}

impl<T: FromRequestParts> Extract<ViaParts> for T {
    const CONSUMES_BODY: bool = false;

    async fn extract(parts: &mut RequestParts, _body: &mut Option<Body>) -> Result<Self, Response> {
        match T::from_request_parts(parts).await {
            Ok(value) => Ok(value),
            Err(rejection) => Err(respond(parts, rejection)),
        }
    }

    fn declare(requirements: &mut Requirements) {
        T::requirements(requirements);
    }
}

impl<T: FromRequest> Extract<ViaRequest> for T {
    const CONSUMES_BODY: bool = true;

    async fn extract(parts: &mut RequestParts, body: &mut Option<Body>) -> Result<Self, Response> {
        let Some(body) = body.take() else {
            return Err(respond(
                parts,
                BodyAlreadyTaken::new("the request body was already consumed by another extractor"),
            ));
        };
        match T::from_request(parts, body).await {
            Ok(value) => Ok(value),
            Err(rejection) => Err(respond(parts, rejection)),
        }
    }

    fn declare(requirements: &mut Requirements) {
        T::requirements(requirements);
    }
}

/// Records what extractor `T` needs; generated `requirements` functions call it per argument.
pub fn declare<M, T: Extract<M>>(requirements: &mut Requirements) {
    T::declare(requirements);
}

/// Converts a handler's return value into the response. Problem bodies are rendered for the request's
/// `Accept` later, once, by the pipeline's finishing step.
pub fn respond<R: IntoResponse>(parts: &RequestParts, value: R) -> Response {
    let _ = parts;
    value.into_response()
}

/// Percent-decodes a raw value once; `None` when the decoded bytes are not UTF-8.
pub(crate) fn percent_decode(raw: &str) -> Option<Cow<'_, str>> {
    percent_encoding::percent_decode_str(raw).decode_utf8().ok()
}

fn parse_param<T: FromParam>(parts: &RequestParts, raw: &str, name: &str) -> Result<T, Response> {
    let Some(decoded) = percent_decode(raw) else {
        let detail = format!("path parameter `{name}` is not valid UTF-8 after percent-decoding");
        return Err(respond(parts, InvalidPathParam::new(detail)));
    };
    T::from_param(&decoded).map_err(|error| {
        let detail = format!("invalid value {:?} for path parameter `{name}`: {error}", &*decoded);
        respond(parts, InvalidPathParam::new(detail))
    })
}

/// The path parameter at `index` (pattern order) named `name`, decoded once and parsed.
///
/// # Errors
/// A rendered 400 when the value does not decode or parse; a 500 when the route has no such parameter.
pub fn path_param<T: FromParam>(
    parts: &RequestParts,
    index: usize,
    name: &'static str,
) -> Result<T, Response> {
    match parts.param_at(index) {
        Some(raw) => parse_param(parts, raw, name),
        None => Err(respond(
            parts,
            super::rejection::MissingPathParam::new(format!(
                "the matched route has no path parameter `{name}`"
            )),
        )),
    }
}

/// The path parameter named `name`, decoded once and parsed; `Ok(None)` when the route has none.
///
/// # Errors
/// A rendered 400 when the value does not decode or parse.
pub fn path_param_by_name<T: FromParam>(
    parts: &RequestParts,
    name: &'static str,
) -> Result<Option<T>, Response> {
    match parts.param(name) {
        Some(raw) => parse_param(parts, raw, name).map(Some),
        None => Ok(None),
    }
}

/// The first query value for `key`, decoded (`+` is a space) and parsed; `Ok(None)` when absent.
///
/// The pairs are read in order up to the first one named `key`; the ones after it are not looked at.
///
/// # Errors
/// A rendered 400 ([`InvalidQuery`](super::rejection::InvalidQuery), as `Query<T>` answers) when the value
/// does not parse, or when it, or a name read before it, is not UTF-8 after percent-decoding.
pub fn query_value<T: FromParam>(parts: &RequestParts, key: &'static str) -> Result<Option<T>, Response> {
    let Some(query) = parts.uri().query() else {
        return Ok(None);
    };
    let invalid = |detail: String| respond(parts, super::rejection::InvalidQuery::new(detail));
    for (raw_name, raw_value) in form_urlencoded_pairs(query) {
        let Some(name) = decode_form_component(raw_name) else {
            // The raw name is what the client sent (a URI query is ASCII), so it is safe to quote.
            let detail =
                format!("query parameter name `{raw_name}` is not valid UTF-8 after percent-decoding");
            return Err(invalid(detail));
        };
        if name != key {
            continue;
        }
        let Some(value) = decode_form_component(raw_value) else {
            let detail = format!("query parameter `{key}` is not valid UTF-8 after percent-decoding");
            return Err(invalid(detail));
        };
        return T::from_param(&value).map(Some).map_err(|error| {
            invalid(format!("invalid value {:?} for query parameter `{key}`: {error}", &*value))
        });
    }
    Ok(None)
}

/// The `name=value` pairs of a query string (`application/x-www-form-urlencoded`), still encoded: split on
/// `&`, empty pairs skipped, a pair without `=` has an empty value. Decode each part with
/// [`decode_form_component`].
pub(crate) fn form_urlencoded_pairs(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query.split('&').filter(|pair| !pair.is_empty()).map(|pair| pair.split_once('=').unwrap_or((pair, "")))
}

/// What to add to a deserialization error of urlencoded `text` when a name appears more than once: only
/// sequence fields (`Vec<T>`) take a repeated key, and for any other field a repeat is refused (a proxy and
/// the app could read different values: parameter pollution). Empty when no name repeats.
pub(crate) fn repeated_key_hint(text: &str) -> String {
    let names: Vec<&str> = form_urlencoded_pairs(text).map(|(name, _)| name).collect();
    let repeated = names.iter().enumerate().find(|(index, name)| names[..*index].contains(name));
    match repeated {
        Some((_, name)) => format!(
            " (`{name}` appears more than once: only a list field such as `Vec<T>` takes a repeated key)"
        ),
        None => String::new(),
    }
}

/// The first name or value of urlencoded `text` (a query string or form body) that is not UTF-8 once
/// percent-decoded, as written; `None` when all are. Text without `%` is skipped at once (only an escape
/// can make invalid UTF-8 out of a `str`).
pub(crate) fn first_non_utf8_component(text: &str) -> Option<&str> {
    if !text.contains('%') {
        return None;
    }
    form_urlencoded_pairs(text)
        .flat_map(|(name, value)| [name, value])
        .find(|component| percent_encoding::percent_decode_str(component).decode_utf8().is_err())
}

/// One name or value of a query string decoded: `+` is a space, then percent-decoded once; `None` when the
/// decoded bytes are not UTF-8.
pub(crate) fn decode_form_component(text: &str) -> Option<Cow<'_, str>> {
    match decode_form_bytes(text) {
        // Borrowed only when nothing was decoded: the bytes are `text`'s own.
        Cow::Borrowed(_) => Some(Cow::Borrowed(text)),
        Cow::Owned(bytes) => String::from_utf8(bytes).ok().map(Cow::Owned),
    }
}

/// The bytes one name or value of a query string decodes to (`+` is a space, then percent-decoded once),
/// which may not be UTF-8; borrowed from `text` when it has nothing to decode.
pub(crate) fn decode_form_bytes(text: &str) -> Cow<'_, [u8]> {
    if !text.contains(['+', '%']) {
        return Cow::Borrowed(text.as_bytes());
    }
    let spaced = text.replace('+', " ");
    Cow::Owned(percent_encoding::percent_decode_str(&spaced).collect())
}

/// The header `name` parsed; `Ok(None)` when absent.
///
/// # Errors
/// A rendered 400 when the value is not visible ASCII or does not parse.
pub fn header_value<T: FromParam>(parts: &RequestParts, name: &'static str) -> Result<Option<T>, Response> {
    let Some(value) = parts.headers().get(name) else {
        return Ok(None);
    };
    let invalid =
        |reason: String| respond(parts, InvalidHeader::new(format!("invalid header `{name}`: {reason}")));
    let text = value.to_str().map_err(|_| invalid("not visible ASCII".to_owned()))?;
    T::from_param(text).map(Some).map_err(|error| invalid(error.to_string()))
}

/// The 400 for a required query parameter that is absent.
pub fn missing_query(parts: &RequestParts, key: &'static str) -> Response {
    respond(parts, MissingQueryParam::new(format!("missing query parameter `{key}`")))
}

/// The 400 for a required header that is absent.
pub fn missing_header(parts: &RequestParts, name: &'static str) -> Response {
    respond(parts, MissingHeader::new(format!("missing header `{name}`")))
}

/// The 400 for a required path parameter that is absent.
pub fn missing_path_param(parts: &RequestParts, name: &'static str) -> Response {
    respond(
        parts,
        super::rejection::MissingPathParam::new(format!("the matched route has no path parameter `{name}`")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_components_decode_plus_and_percent() {
        let pairs: Vec<_> = form_urlencoded_pairs("a=1&b=x+y&c=%C3%A9&&d").collect();
        assert_eq!(pairs, [("a", "1"), ("b", "x+y"), ("c", "%C3%A9"), ("d", "")]);
        assert!(matches!(decode_form_component("b"), Some(Cow::Borrowed("b"))));
        assert_eq!(decode_form_component("x+y").as_deref(), Some("x y"));
        assert_eq!(decode_form_component("%C3%A9").as_deref(), Some("é"));
        // Decoded once: `%2541` is `%41`, not `A`.
        assert_eq!(decode_form_component("%2541").as_deref(), Some("%41"));
        assert_eq!(decode_form_component("%FF"), None);
        assert_eq!(decode_form_component("%C3"), None);
        assert_eq!(decode_form_bytes("a%FF+"), &b"a\xFF "[..]);
    }

    /// A `#[query]` field of a derived extractor answers 400 naming the parameter when its value (or a name
    /// read before it) is not UTF-8 after percent-decoding, rather than reading it with U+FFFD in it.
    #[tokio::test]
    async fn query_field_invalid_utf8_is_400_10() {
        #[derive(crate::FromRequestParts)]
        struct Search {
            #[query]
            q: String,
            #[query("tag")]
            tag: Option<String>,
        }
        let router = crate::Router::new().get("/", |search: Search| async move {
            format!("{}|{}", search.q, search.tag.unwrap_or_default())
        });
        let client = crate::test::TestClient::new(crate::App::new().merge(router));
        client.get("/?q=caf%C3%A9+au+lait&tag=%E2%9C%93").send().await.assert_text("café au lait|✓");
        let cases = [
            ("/?q=%FF", "query parameter `q` is not valid UTF-8 after percent-decoding"),
            ("/?q=ok&tag=caf%C3", "query parameter `tag` is not valid UTF-8 after percent-decoding"),
            ("/?%FF%FE=1&q=ok", "query parameter name `%FF%FE` is not valid UTF-8 after percent-decoding"),
        ];
        for (target, detail) in cases {
            let response = client.get(target).send().await.assert_status(400);
            let problem: serde_json::Value = response.json();
            assert_eq!(problem["detail"], detail, "{target}");
        }
        // Other parameters' values are not this field's business.
        client.get("/?other=%FF&q=ok").send().await.assert_text("ok|");
    }
}
