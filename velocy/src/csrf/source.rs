//! The per-request token source: what the [`Csrf`](super::Csrf) middleware leaves in the request for the
//! [`CsrfToken`](super::CsrfToken) extractor. Nothing random is drawn and no cookie is made unless a
//! token is asked for (or an unsafe request without a valid cookie is refused): pages that never render
//! a token, static files among them, get no `Set-Cookie`.

use std::sync::{Arc, Mutex, PoisonError};

use cookie::Cookie;

use super::rejection::{CsrfTokenRejection, CsrfUnavailable, MissingCsrfMiddleware};
use super::token::{decode_secret, mask, new_secret, CsrfToken, Secret};
use crate::cookies::{request_cookies, Keys};
use crate::extract::FromRequestParts;
use crate::request::RequestParts;

/// The purpose the CSRF cookie is signed for ([`Keys::sign_for`]): `csrf`, or `csrf:` + the bound
/// cookie's value with [`Csrf::bind_to_cookie`](super::Csrf::bind_to_cookie), so a cookie issued under
/// one session never verifies under another (nor under none). The bound value is only ever part of the
/// signed text, never sent.
pub(crate) fn purpose(bound: Option<&str>) -> String {
    match bound {
        Some(bound) => format!("csrf:{bound}"),
        None => "csrf".to_owned(),
    }
}

/// The cookie a request carried, once verified.
#[derive(Clone)]
pub(crate) struct ValidCookie {
    pub(crate) secret: Secret,
    /// The cookie's value as sent (signature included), for scripts that echo it (`http_only(false)`).
    pub(crate) raw: String,
}

/// The request's CSRF state for one cookie name, shared by nested [`Csrf`](super::Csrf) middleware with
/// the same cookie name and binding (the outermost one issues the cookie).
pub(crate) struct TokenCell {
    pub(crate) name: String,
    pub(crate) bound: Option<String>,
    /// The request's cookie, when its signature verified for this binding.
    pub(crate) cookie: Option<ValidCookie>,
    /// A secret made during this request, for a new cookie on the response.
    created: Mutex<Option<Secret>>,
}

impl TokenCell {
    /// The state of a request whose cookie (if any) was read.
    pub(crate) fn new(name: String, bound: Option<String>, cookie: Option<ValidCookie>) -> Self {
        Self { name, bound, cookie, created: Mutex::new(None) }
    }

    /// The secret the browser will hold after this response: the valid cookie's, else one made now (the
    /// first call only; later calls return the same).
    pub(crate) fn secret(&self) -> Result<Secret, CsrfUnavailable> {
        if let Some(cookie) = &self.cookie {
            return Ok(cookie.secret);
        }
        let mut created = self.created.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(secret) = *created {
            return Ok(secret);
        }
        let secret = new_secret()?;
        *created = Some(secret);
        Ok(secret)
    }

    /// The secret made during this request, which a new cookie must carry.
    pub(crate) fn created(&self) -> Option<Secret> {
        *self.created.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What [`CsrfToken`] is extracted from: the cell and the form field name of the innermost
/// [`Csrf`](super::Csrf).
#[derive(Clone)]
pub(crate) struct TokenSource {
    pub(crate) cell: Arc<TokenCell>,
    pub(crate) field: Arc<str>,
}

impl TokenSource {
    /// A token for this request: the secret masked with a fresh pad.
    pub(crate) fn token(&self) -> Result<CsrfToken, CsrfUnavailable> {
        let secret = self.cell.secret()?;
        Ok(CsrfToken::new(mask(&secret)?, Arc::clone(&self.field)))
    }
}

/// The value of the cookie `name` the token is bound to: over https `__Host-` + `name` when the request
/// has it (the name `Sessions` uses there), else `name`; `None` when the
/// request has neither.
pub(crate) fn bound_value(parts: &RequestParts, name: &str, https: bool) -> Option<String> {
    let headers = parts.headers();
    let prefixed = (https && !name.starts_with("__Host-"))
        .then(|| crate::cookies::find_cookie(headers, &format!("__Host-{name}")))
        .flatten();
    prefixed.or_else(|| crate::cookies::find_cookie(headers, name)).map(|value| value.into_owned())
}

/// The first cookie named `name` whose signature verifies for the CSRF purpose of `bound` and whose
/// value is a secret. A cookie of that name that fails is reported to the app's
/// [`SecretKey::on_rejected`](crate::cookies::SecretKey::on_rejected) — except when a bound cookie is
/// present: every session change makes the earlier CSRF cookie fail, which is expected.
pub(crate) fn read_cookie(
    parts: &RequestParts,
    keys: &Keys,
    name: &str,
    bound: Option<&str>,
) -> Option<ValidCookie> {
    let purpose = purpose(bound);
    let mut rejected = false;
    let found = request_cookies(parts.headers()).filter(|(candidate, _)| *candidate == name).find_map(
        |(_, value)| {
            let verified = keys
                .verify_for(&purpose, &Cookie::new(name.to_owned(), value.clone().into_owned()))
                .and_then(|secret| decode_secret(&secret));
            rejected |= verified.is_none();
            verified.map(|secret| ValidCookie { secret, raw: value.into_owned() })
        },
    );
    if found.is_none() && rejected && bound.is_none() {
        keys.rejected(parts, name);
    }
    found
}

/// A token from the source the [`Csrf`](super::Csrf) middleware put in the request's extensions (500
/// without it).
impl FromRequestParts for CsrfToken {
    type Rejection = CsrfTokenRejection;

    async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
        let source = parts.extensions().get::<TokenSource>().ok_or_else(|| {
            MissingCsrfMiddleware::new(
                "`CsrfToken` needs the CSRF middleware: add `.middleware(Csrf::new())` to the app, the \
                 router or the route",
            )
        })?;
        Ok(source.token()?)
    }
}
