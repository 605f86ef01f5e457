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
use crate::response::{render_for, IntoResponse, Response};

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

/// Converts a handler's return value into the response, rendering problem bodies for the request's `Accept`.
pub fn respond<R: IntoResponse>(parts: &RequestParts, value: R) -> Response {
    render_for(parts.headers(), value.into_response())
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
/// # Errors
/// A rendered 400 when the value does not parse.
pub fn query_value<T: FromParam>(parts: &RequestParts, key: &'static str) -> Result<Option<T>, Response> {
    let Some(query) = parts.uri().query() else {
        return Ok(None);
    };
    for (name, value) in form_urlencoded_pairs(query) {
        if name == key {
            return T::from_param(&value).map(Some).map_err(|error| {
                let detail = format!("invalid value {:?} for query parameter `{key}`: {error}", &*value);
                respond(parts, super::rejection::InvalidQuery::new(detail))
            });
        }
    }
    Ok(None)
}

pub(crate) fn form_urlencoded_pairs(query: &str) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
    query.split('&').filter(|pair| !pair.is_empty()).map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        (decode_form_component(name), decode_form_component(value))
    })
}

fn decode_form_component(text: &str) -> Cow<'_, str> {
    if !text.contains(['+', '%']) {
        return Cow::Borrowed(text);
    }
    let spaced = text.replace('+', " ");
    Cow::Owned(percent_encoding::percent_decode_str(&spaced).decode_utf8_lossy().into_owned())
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
        assert_eq!(pairs[1], (Cow::Borrowed("b"), Cow::Owned::<str>("x y".into())));
        assert_eq!(pairs[2].1, "é");
        assert_eq!(pairs[3], (Cow::Borrowed("d"), Cow::Borrowed("")));
    }
}
