//! The glue the macros generate calls to; reached only through `velocy::__private` (and [`Extract`], the
//! bound of handler arguments, also as `velocy::extract::Extract`).
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

/// A handler argument chosen by type: implemented for every [`FromRequestParts`] type and every
/// [`FromRequest`] type (`M` tells the two apart), and the bound each such argument of a route handler must
/// meet. Implement (or derive) one of those two traits; this one has no use of its own. Public as
/// `velocy::extract::Extract` so that the compiler names a documented trait when an argument is not an
/// extractor; its items are the generated code's.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a handler argument",
    label = "neither an extractor nor a path parameter",
    note = "an argument is either bound by name to a path parameter (its type implements `FromParam`) or \
            chosen by type as an extractor (`FromRequestParts` or `FromRequest`)",
    note = "to read it from the query string take `Query<{Self}>`, from a JSON body `Json<{Self}>`, or make \
            it an extractor with `#[derive(FromRequestParts)]` and `#[query]`/`#[header]`/`#[param]` fields"
)]
pub trait Extract<M>: Sized + Send {
    /// Whether this extractor consumes the body.
    #[doc(hidden)]
    const CONSUMES_BODY: bool;

    /// Runs the extractor; a failure comes back as a response already rendered for the request's `Accept`.
    #[doc(hidden)]
    fn extract(
        parts: &mut RequestParts,
        body: &mut Option<Body>,
    ) -> impl Future<Output = Result<Self, Response>> + Send;

    /// Records what the extractor needs from the app.
    #[doc(hidden)]
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

/// The value of the query key `key` parsed with `FromParam`; `Ok(None)` when the key is absent.
///
/// # Errors
/// A rendered 400 when a name or the value is not UTF-8 once decoded, when the value does not parse, or
/// when the key appears more than once: a single-valued field does not pick the first or the last of
/// several (a proxy and the app could pick differently); a `Vec<T>` field takes them all
/// ([`query_values`]).
pub fn query_value<T: FromParam>(parts: &RequestParts, key: &'static str) -> Result<Option<T>, Response> {
    let mut found = None;
    for value in query_matches(parts, key) {
        let value = value?;
        if found.is_some() {
            let detail =
                format!("query parameter `{key}` appears more than once, and this field takes one value");
            return Err(respond(parts, super::rejection::InvalidQuery::new(detail)));
        }
        found = Some(parse_query_value(parts, key, &value)?);
    }
    Ok(found)
}

/// Every value of the repeated query key `key`, in order, each parsed with `FromParam` (`?tag=a&tag=b`);
/// empty when the key is absent.
///
/// # Errors
/// A rendered 400 as for [`query_value`], naming the value that does not parse.
pub fn query_values<T: FromParam>(parts: &RequestParts, key: &'static str) -> Result<Vec<T>, Response> {
    query_matches(parts, key).map(|value| parse_query_value(parts, key, &value?)).collect()
}

/// The decoded values of the query key `key`, or the 400 for a name or value that is not UTF-8.
fn query_matches<'p>(
    parts: &'p RequestParts,
    key: &'static str,
) -> impl Iterator<Item = Result<Cow<'p, str>, Response>> + 'p {
    let query = parts.uri().query().unwrap_or_default();
    let invalid = move |detail: String| respond(parts, super::rejection::InvalidQuery::new(detail));
    form_urlencoded_pairs(query).filter_map(move |(raw_name, raw_value)| {
        let Some(name) = decode_form_component(raw_name) else {
            // The raw name is what the client sent (a URI query is ASCII), so it is safe to quote.
            let detail =
                format!("query parameter name `{raw_name}` is not valid UTF-8 after percent-decoding");
            return Some(Err(invalid(detail)));
        };
        if name != key {
            return None;
        }
        Some(decode_form_component(raw_value).ok_or_else(|| {
            invalid(format!("query parameter `{key}` is not valid UTF-8 after percent-decoding"))
        }))
    })
}

/// One decoded query value parsed with `FromParam`, or the 400 saying why it does not parse.
fn parse_query_value<T: FromParam>(parts: &RequestParts, key: &str, value: &str) -> Result<T, Response> {
    T::from_param(value).map_err(|error| {
        let detail = format!("invalid value {value:?} for query parameter `{key}`: {error}");
        respond(parts, super::rejection::InvalidQuery::new(detail))
    })
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

    /// Issue 21: `#[query] tag: Vec<String>` takes a repeated key; a single-valued field refuses one.
    #[tokio::test]
    async fn query_fields_take_repeated_keys_as_lists_21() {
        #[derive(crate::FromRequestParts)]
        struct Filter {
            #[query]
            tag: Vec<String>,
            #[query("id")]
            ids: Option<Vec<u32>>,
            #[query]
            page: Option<u32>,
        }
        let router = crate::Router::new().get("/", |filter: Filter| async move {
            format!("{:?} {:?} {:?}", filter.tag, filter.ids, filter.page)
        });
        let client = crate::test::TestClient::new(crate::App::new().merge(router));
        client
            .get("/?tag=a&id=1&tag=b+c&id=2&page=3")
            .send()
            .await
            .assert_text(r#"["a", "b c"] Some([1, 2]) Some(3)"#);
        client.get("/").send().await.assert_text("[] None None");
        let response = client.get("/?id=1&id=x").send().await.assert_status(400);
        let problem: serde_json::Value = response.json();
        assert_eq!(
            problem["detail"],
            "invalid value \"x\" for query parameter `id`: invalid digit found in string"
        );
        let response = client.get("/?page=1&page=2").send().await.assert_status(400);
        let problem: serde_json::Value = response.json();
        assert_eq!(
            problem["detail"],
            "query parameter `page` appears more than once, and this field takes one value"
        );
    }
}
