//! The [`Csrf`] middleware: issues the cookie and the per-request token, and runs the checks on
//! requests with unsafe methods.

use std::borrow::Cow;
use std::sync::Arc;

use bytes::Bytes;
use cookie::Cookie;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, SET_COOKIE};
use http::{HeaderMap, HeaderValue, Method};
use percent_encoding::percent_decode;

use super::config::{Csrf, Settings};
use super::origin::{is_cross_site, own_origin, referer_origin, request_origin};
use super::rejection::{CsrfRejection, CsrfUnavailable};
use super::source::{bound_value, purpose, read_cookie, TokenCell, TokenSource, ValidCookie};
use super::token::{constant_time_eq, encode_secret, unmask, Secret};
use crate::body::Body;
use crate::cookies::{apply_defaults, set_cookie_value, Keys};
use crate::extract::rejection::{BodyRejection, BodyTimeout};
use crate::extract::Requirements;
use crate::future::BoxFuture;
use crate::middleware::{Middleware, Next};
use crate::request::{Request, RequestParts};
use crate::response::{IntoResponse, Response};

impl Middleware for Csrf {
    fn call(&self, request: Request, next: Next) -> BoxFuture<'static, Response> {
        let settings = Arc::clone(&self.settings);
        Box::pin(async move { settings.handle(request, next).await })
    }

    /// The cookie is signed with the app's key: [`App::build`](crate::App::build) fails in release builds
    /// without [`App::secret_key`](crate::App::secret_key); configuration mistakes are build errors too.
    fn requirements(&self, requirements: &mut Requirements) {
        requirements.secret_key();
        for problem in &self.settings.problems {
            requirements.problem(problem.clone());
        }
    }

    fn name(&self) -> &'static str {
        "velocy::csrf::Csrf"
    }
}

/// `GET`, `HEAD`, `OPTIONS` and `TRACE`: the safe methods (RFC 9110 §9.2.1), never refused.
fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE)
}

impl Settings {
    async fn handle(&self, mut request: Request, next: Next) -> Response {
        let https = request.parts().is_https();
        let Some(keys) = Keys::of(request.parts()).cloned() else {
            return CsrfUnavailable::new("the app has no secret key: give it one with `App::secret_key`")
                .into_response();
        };
        let name = self.cookie_name_for(https);
        let bound = self.bind_cookie.as_deref().and_then(|bind| bound_value(request.parts(), bind, https));
        // A `Csrf` further out (app and route both) with the same cookie and binding: share its state, so
        // the token matches the one cookie the browser ends up with, which the outer one issues.
        let outer = request
            .parts()
            .extensions()
            .get::<TokenSource>()
            .filter(|source| source.cell.name == name && source.cell.bound == bound)
            .map(|source| Arc::clone(&source.cell));
        let owner = outer.is_none();
        let cell = outer.unwrap_or_else(|| {
            let cookie = read_cookie(request.parts(), &keys, &name, bound.as_deref());
            Arc::new(TokenCell::new(name, bound, cookie))
        });
        // Nothing is drawn from the random number generator here: the token is made (and masked) only
        // when a handler extracts it.
        let source = TokenSource { cell: Arc::clone(&cell), field: Arc::clone(&self.field) };
        request.parts_mut().extensions_mut().insert(source);

        let checked = if is_safe(request.method()) || self.is_exempt(request.parts()) {
            Ok(request)
        } else {
            self.check(request, &cell).await
        };
        let mut response = match checked {
            Ok(request) => next.run(request).await,
            Err(response) => response,
        };
        if owner {
            if let Some(secret) = cell.created() {
                self.issue(&mut response, &keys, &cell, &secret, https);
            }
        }
        response
    }

    /// Adds the new cookie holding `secret` to the response, and `Cache-Control: private` so that no
    /// shared cache hands the cookie (or the page with its token) to someone else.
    fn issue(&self, response: &mut Response, keys: &Keys, cell: &TokenCell, secret: &Secret, https: bool) {
        let Some(value) = self.new_cookie(keys, cell, secret, https) else {
            return;
        };
        let headers = response.headers_mut();
        headers.append(SET_COOKIE, value);
        make_private(headers);
    }

    /// The checks of an unsafe request, in order; the request (its body rebuilt if it was read) or the
    /// response refusing it.
    async fn check(&self, request: Request, cell: &TokenCell) -> Result<Request, Response> {
        let parts = request.parts();
        let origin = request_origin(parts);
        if is_cross_site(parts) && !matches!(&origin, Some(Ok(origin)) if self.is_trusted(origin)) {
            return Err(CsrfRejection::cross_site().into_response());
        }
        match &origin {
            // No `Origin`: browsers still send a `Referer` unless the page's referrer policy says not to;
            // non-browser clients (which carry no victim's cookies) often send neither, so its absence
            // is no refusal and the token decides.
            None => {
                if let Some(referer) = referer_origin(parts) {
                    match referer {
                        Ok(referer) if own_origin(parts).as_deref() == Some(referer.as_str()) => {}
                        Ok(referer) if self.is_trusted(&referer) => {}
                        Ok(referer) | Err(referer) => {
                            return Err(CsrfRejection::referer_not_allowed(&referer).into_response());
                        }
                    }
                }
            }
            Some(Err(raw)) => return Err(CsrfRejection::origin_not_allowed(raw).into_response()),
            Some(Ok(origin))
                if own_origin(parts).as_deref() != Some(origin.as_str()) && !self.is_trusted(origin) =>
            {
                return Err(CsrfRejection::origin_not_allowed(origin).into_response());
            }
            Some(Ok(_)) => {}
        }
        let Some(cookie) = &cell.cookie else {
            // A fresh cookie for the next try (a script reading it with `http_only(false)`, or a page
            // loaded again); a failure of the random number generator only costs that cookie.
            let _ = cell.secret();
            return Err(CsrfRejection::missing_cookie().into_response());
        };
        let header = self.header.as_ref().and_then(|header| parts.headers().get(header));
        if let Some(value) = header {
            let submitted = String::from_utf8_lossy(value.as_bytes());
            return if self.matches(&submitted, cookie) {
                Ok(request)
            } else {
                Err(CsrfRejection::mismatch().into_response())
            };
        }
        if !is_urlencoded(parts) {
            return Err(self.missing_token());
        }
        let (parts, body) = request.into_parts();
        let bytes = self.read_body(&parts, body).await?;
        let verdict = match form_field(&bytes, &self.field) {
            None => Err(self.missing_token()),
            Some(submitted) if self.matches(&submitted, cookie) => Ok(()),
            Some(_) => Err(CsrfRejection::mismatch().into_response()),
        };
        // The handler reads the very bytes the check read.
        verdict.map(|()| Request::from_parts(parts, Body::from(bytes)))
    }

    fn missing_token(&self) -> Response {
        CsrfRejection::missing_token(&self.header_text, &self.field).into_response()
    }

    /// Whether `submitted` is the cookie's token: a masked token of its secret, or (when scripts may
    /// read the cookie) the cookie's value itself.
    fn matches(&self, submitted: &str, cookie: &ValidCookie) -> bool {
        let submitted = submitted.trim();
        if let Some(secret) = unmask(submitted) {
            return constant_time_eq(&secret, &cookie.secret);
        }
        if self.http_only {
            return false;
        }
        let decoded = percent_decode(submitted.as_bytes()).collect::<Vec<u8>>();
        constant_time_eq(&decoded, cookie.raw.as_bytes())
    }

    /// The whole body, at most the limit (413 past it), within the app's body read timeout (408).
    async fn read_body(&self, parts: &RequestParts, body: Body) -> Result<Bytes, Response> {
        let limit = self.body_limit.unwrap_or_else(|| parts.body_limit());
        let timeout = parts.app.body_read_timeout;
        match tokio::time::timeout(timeout, body.collect_limited(limit)).await {
            Ok(Ok(bytes)) => Ok(bytes),
            Ok(Err(error)) => Err(BodyRejection::from(error).into_response()),
            Err(_) => Err(BodyTimeout::new(format!(
                "the request body did not arrive within {} seconds",
                timeout.as_secs_f64()
            ))
            .into_response()),
        }
    }

    /// The cookie holding `secret`, signed for the CSRF purpose of the request's binding
    /// ([`Keys::sign_for`]), as a `Set-Cookie` value.
    fn new_cookie(&self, keys: &Keys, cell: &TokenCell, secret: &Secret, https: bool) -> Option<HeaderValue> {
        let mut cookie = Cookie::new(cell.name.clone(), encode_secret(secret));
        cookie.set_http_only(self.http_only);
        cookie.set_same_site(self.same_site);
        if let Some(max_age) = self.max_age {
            let seconds = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
            cookie.set_max_age(cookie::time::Duration::seconds(seconds));
        }
        let mut signed = keys.sign_for(&purpose(cell.bound.as_deref()), cookie);
        apply_defaults(&mut signed, https);
        set_cookie_value(&signed)
    }
}

/// Makes the response `Cache-Control: private` (RFC 9111 §5.2.2.7) unless it already says `private` or
/// `no-store`; a `public` directive is dropped, the others kept.
fn make_private(headers: &mut HeaderMap) {
    let directives: Vec<String> = headers
        .get_all(CACHE_CONTROL)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|directive| directive.trim().to_owned())
        .filter(|directive| !directive.is_empty())
        .collect();
    let name_of = |directive: &str| directive.split('=').next().unwrap_or("").trim().to_ascii_lowercase();
    if directives.iter().any(|directive| matches!(name_of(directive).as_str(), "private" | "no-store")) {
        return;
    }
    let mut kept: Vec<&str> =
        directives.iter().filter(|directive| name_of(directive) != "public").map(String::as_str).collect();
    kept.insert(0, "private");
    if let Ok(value) = HeaderValue::try_from(kept.join(", ")) {
        headers.insert(CACHE_CONTROL, value);
    }
}

/// Whether the body is `application/x-www-form-urlencoded` (parameters ignored).
fn is_urlencoded(parts: &RequestParts) -> bool {
    parts.headers().get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).is_some_and(|value| {
        let essence = value.split(';').next().unwrap_or("").trim();
        essence.eq_ignore_ascii_case("application/x-www-form-urlencoded")
    })
}

/// The value of the first field called `name` in a URL-encoded body (WHATWG URL §5.1), decoded.
fn form_field(body: &[u8], name: &str) -> Option<String> {
    body.split(|byte| *byte == b'&').find_map(|pair| {
        let (key, value) = match pair.iter().position(|byte| *byte == b'=') {
            Some(equals) => (&pair[..equals], &pair[equals + 1..]),
            None => (pair, &[][..]),
        };
        (decode_component(key) == name).then(|| decode_component(value).into_owned())
    })
}

/// A form component with `+` as space and percent-escapes decoded (invalid UTF-8 replaced).
fn decode_component(component: &[u8]) -> Cow<'_, str> {
    if !component.iter().any(|byte| matches!(byte, b'+' | b'%')) {
        return String::from_utf8_lossy(component);
    }
    let spaced: Vec<u8> = component.iter().map(|byte| if *byte == b'+' { b' ' } else { *byte }).collect();
    let decoded: Vec<u8> = percent_decode(&spaced).collect();
    Cow::Owned(String::from_utf8_lossy(&decoded).into_owned())
}
