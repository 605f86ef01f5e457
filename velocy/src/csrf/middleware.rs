//! The [`Csrf`] middleware: issues the cookie and the per-request token, and runs the checks on
//! requests with unsafe methods.

use std::borrow::Cow;
use std::sync::Arc;

use bytes::Bytes;
use cookie::Cookie;
use http::header::{CONTENT_TYPE, SET_COOKIE};
use http::Method;
use percent_encoding::percent_decode;

use super::config::{Csrf, Settings};
use super::origin::{is_cross_site, own_origin, request_origin};
use super::rejection::{CsrfRejection, CsrfUnavailable};
use super::token::{
    constant_time_eq, decode_secret, encode_secret, mask, new_secret, unmask, CsrfToken, Secret,
};
use crate::body::Body;
use crate::cookies::{apply_defaults, request_cookies, set_cookie_value, Keys};
use crate::extract::rejection::{BodyRejection, BodyTimeout};
use crate::extract::Requirements;
use crate::future::BoxFuture;
use crate::middleware::{Middleware, Next};
use crate::request::{Request, RequestParts};
use crate::response::{IntoResponse, Response};

/// The cookie a request carried, once verified.
struct ValidCookie {
    secret: Secret,
    /// The cookie's value as sent (signature included), for scripts that echo it (`http_only(false)`).
    raw: String,
}

/// The secret of the cookie a `Csrf` is issuing for this request, for an inner `Csrf` to reuse.
#[derive(Clone)]
struct Issued {
    name: String,
    secret: Secret,
}

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
        let cookie = read_cookie(request.parts(), &keys, &name);
        // A `Csrf` further out (app and route both) already issued a cookie of this name: use its secret,
        // so the token matches the cookie the browser ends up with.
        let outer = request.parts().extensions().get::<Issued>().filter(|issued| issued.name == name);
        let (secret, issue) = match (&cookie, outer) {
            (Some(cookie), _) => (cookie.secret, false),
            (None, Some(issued)) => (issued.secret, false),
            (None, None) => match new_secret() {
                Ok(secret) => (secret, true),
                Err(rejection) => return rejection.into_response(),
            },
        };
        if issue {
            request.parts_mut().extensions_mut().insert(Issued { name: name.clone(), secret });
        }
        let token = match mask(&secret) {
            Ok(token) => token,
            Err(rejection) => return rejection.into_response(),
        };
        request.parts_mut().extensions_mut().insert(CsrfToken::new(token, Arc::clone(&self.field)));

        let checked = if is_safe(request.method()) || self.is_exempt(request.parts()) {
            Ok(request)
        } else {
            self.check(request, cookie.as_ref()).await
        };
        let mut response = match checked {
            Ok(request) => next.run(request).await,
            Err(response) => response,
        };
        if issue {
            if let Some(value) = self.new_cookie(&keys, name, &secret, https) {
                response.headers_mut().append(SET_COOKIE, value);
            }
        }
        response
    }

    /// The checks of an unsafe request, in order; the request (its body rebuilt if it was read) or the
    /// response refusing it.
    async fn check(&self, request: Request, cookie: Option<&ValidCookie>) -> Result<Request, Response> {
        let parts = request.parts();
        let origin = request_origin(parts);
        if is_cross_site(parts) && !matches!(&origin, Some(Ok(origin)) if self.is_trusted(origin)) {
            return Err(CsrfRejection::cross_site().into_response());
        }
        match &origin {
            None => {}
            Some(Err(raw)) => return Err(CsrfRejection::origin_not_allowed(raw).into_response()),
            Some(Ok(origin))
                if own_origin(parts).as_deref() != Some(origin.as_str()) && !self.is_trusted(origin) =>
            {
                return Err(CsrfRejection::origin_not_allowed(origin).into_response());
            }
            Some(Ok(_)) => {}
        }
        let Some(cookie) = cookie else {
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

    /// The signed cookie holding `secret`, as a `Set-Cookie` value.
    fn new_cookie(
        &self,
        keys: &Keys,
        name: String,
        secret: &Secret,
        https: bool,
    ) -> Option<http::HeaderValue> {
        let mut cookie = Cookie::new(name, encode_secret(secret));
        cookie.set_http_only(self.http_only);
        cookie.set_same_site(self.same_site);
        if let Some(max_age) = self.max_age {
            let seconds = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
            cookie.set_max_age(cookie::time::Duration::seconds(seconds));
        }
        let mut signed = keys.sign(cookie);
        apply_defaults(&mut signed, https);
        set_cookie_value(&signed)
    }
}

/// The first cookie named `name` whose signature verifies and whose value is a secret; a cookie of that
/// name that fails is reported to the app's [`SecretKey::on_rejected`](crate::cookies::SecretKey::on_rejected).
fn read_cookie(parts: &RequestParts, keys: &Keys, name: &str) -> Option<ValidCookie> {
    let mut rejected = false;
    let found = request_cookies(parts.headers()).filter(|(candidate, _)| *candidate == name).find_map(
        |(_, value)| {
            let verified = keys
                .verify(&Cookie::new(name.to_owned(), value.clone().into_owned()))
                .and_then(|cookie| decode_secret(cookie.value()));
            rejected |= verified.is_none();
            verified.map(|secret| ValidCookie { secret, raw: value.into_owned() })
        },
    );
    if found.is_none() && rejected {
        keys.rejected(parts, name);
    }
    found
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
