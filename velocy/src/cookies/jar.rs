//! [`CookieJar`], [`SignedCookieJar`] and [`PrivateCookieJar`]: the request's cookies as an extractor, and
//! the cookies to set or remove as a response part.

use std::convert::Infallible;
use std::fmt;

use cookie::{Cookie, CookieJar as RawJar};
use http::header::SET_COOKIE;

use super::defaults::{apply_defaults, set_cookie_value};
use super::key::Keys;
use super::parse::request_cookies;
use super::rejection::MissingSecretKey;
use crate::extract::{FromRequestParts, Requirements};
use crate::request::RequestParts;
use crate::response::{IntoResponse, IntoResponseParts, Response};

/// How the values of a jar's cookies are protected on the wire.
#[derive(Clone)]
enum Protection {
    /// Sent as they are.
    Plain,
    /// Signed with the app's keys: readable, not forgeable.
    Signed(Keys),
    /// Encrypted with the app's keys: neither readable nor forgeable.
    Private(Keys),
}

/// What the three jars share: the request's cookies (verified and decoded for signed and private jars),
/// the changes made by the handler, and whether the request was `https` (for `Secure`).
#[derive(Clone)]
struct Jar {
    cookies: RawJar,
    protection: Protection,
    https: bool,
}

impl Jar {
    /// Reads the request's cookies: the first of each name, and for signed or private jars only those that
    /// verify (the others are reported to the app's hook and read as absent).
    fn read(parts: &RequestParts, protection: Protection) -> Self {
        let mut cookies = RawJar::new();
        let mut rejected: Vec<String> = Vec::new();
        for (name, value) in request_cookies(parts.headers()) {
            if cookies.get(name).is_some() || rejected.iter().any(|seen| seen == name) {
                continue;
            }
            let cookie = Cookie::new(name.to_owned(), value.into_owned());
            let opened = match &protection {
                Protection::Plain => Some(cookie),
                Protection::Signed(keys) => keys.verify(&cookie),
                Protection::Private(keys) => keys.decrypt(&cookie),
            };
            match opened {
                Some(cookie) => cookies.add_original(cookie),
                None => rejected.push(name.to_owned()),
            }
        }
        if let Protection::Signed(keys) | Protection::Private(keys) = &protection {
            for name in &rejected {
                keys.rejected(parts, name);
            }
        }
        Self { cookies, protection, https: parts.is_https() }
    }

    fn add(&mut self, cookie: Cookie<'static>) {
        let mut cookie = cookie;
        apply_defaults(&mut cookie, self.https);
        self.cookies.add(cookie);
    }

    fn remove(&mut self, cookie: Cookie<'static>) {
        let mut cookie = cookie;
        if cookie.path().is_none() {
            // The jars set `Path=/` by default, and a removal must name the same path to take effect.
            cookie.set_path("/");
        }
        // Browsers ignore a removal of a `Secure` cookie (and of any `__Host-`/`__Secure-` one) that is not
        // itself `Secure`.
        let prefixed = cookie.name().starts_with("__Host-") || cookie.name().starts_with("__Secure-");
        if cookie.secure().is_none() && (self.https || prefixed) {
            cookie.set_secure(true);
        }
        // The `cookie` crate sends a removal only for a cookie the request had: a handler may also remove
        // one the request did not carry (set on another path, or by an earlier response).
        if self.cookies.get(cookie.name()).is_none() {
            self.cookies.add_original(Cookie::new(cookie.name().to_owned(), ""));
        }
        self.cookies.remove(cookie);
    }

    /// One `Set-Cookie` per cookie name added or removed (the last change of each name wins; the lines'
    /// order is unspecified); added cookies signed or encrypted as the jar requires.
    fn write(self, response: &mut Response) -> Result<(), Response> {
        for cookie in self.cookies.delta() {
            // A removal is a delta cookie the jar no longer holds.
            let removal = self.cookies.get(cookie.name()).is_none();
            let sealed = match (&self.protection, removal) {
                (Protection::Signed(keys), false) => keys.sign(cookie.clone()),
                (Protection::Private(keys), false) => keys.encrypt(cookie.clone()),
                _ => cookie.clone(),
            };
            let value = set_cookie_value(&sealed).ok_or_else(|| {
                let detail = format!(
                    "the cookie {:?} cannot be sent: its domain or path holds a control character",
                    cookie.name()
                );
                crate::response::Problem::new(http::StatusCode::INTERNAL_SERVER_ERROR, detail).into_response()
            })?;
            response.headers_mut().append(SET_COOKIE, value);
        }
        Ok(())
    }
}

impl fmt::Debug for Jar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names only: values are often credentials.
        let names: Vec<&str> = self.cookies.iter().map(Cookie::name).collect();
        f.debug_struct("Jar").field("cookies", &names).field("https", &self.https).finish()
    }
}

macro_rules! jar {
    ($(#[$doc:meta])* $name:ident, $rejection:ty, $protection:expr, $needs_key:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        #[must_use = "a jar's changes are sent only when it is returned from the handler"]
        pub struct $name(Jar);

        impl $name {
            /// The cookie named `name`: the request's (the first of that name, verified and decoded
            /// for signed and private jars), or the one this jar added; `None` when absent or removed.
            pub fn get(&self, name: &str) -> Option<Cookie<'static>> {
                self.0.cookies.get(name).cloned()
            }

            /// Every cookie the jar holds, request cookies and added ones, removed ones left out.
            pub fn iter(&self) -> impl Iterator<Item = &Cookie<'static>> + '_ {
                self.0.cookies.iter()
            }

            /// Adds (or replaces) `cookie`, sent as a `Set-Cookie` when the jar is returned. Attributes
            /// it leaves unset get safe defaults: `Path=/`, `HttpOnly`, `SameSite=Lax`, and `Secure` when
            /// the request was `https` ([`RequestParts::is_https`]). `("name", "value")` works.
            #[allow(
                clippy::should_implement_trait,
                reason = "`add` is the cookie vocabulary (the `cookie` crate's and axum-extra's jars)"
            )]
            pub fn add(mut self, cookie: impl Into<Cookie<'static>>) -> Self {
                self.0.add(cookie.into());
                self
            }

            /// Removes `cookie` (a name, or a cookie carrying the `Path` and `Domain` it was set with:
            /// a browser deletes a cookie only when both match; the default path is `/`), sent as a
            /// `Set-Cookie` with an empty value, `Max-Age=0` and an expiry date in the past.
            pub fn remove(mut self, cookie: impl Into<Cookie<'static>>) -> Self {
                self.0.remove(cookie.into());
                self
            }
        }

        impl FromRequestParts for $name {
            type Rejection = $rejection;

            async fn from_request_parts(parts: &mut RequestParts) -> Result<Self, Self::Rejection> {
                #[allow(clippy::redundant_closure_call, reason = "one macro body for the three jars")]
                let protection = ($protection)(&*parts)?;
                Ok(Self(Jar::read(parts, protection)))
            }

            fn requirements(requirements: &mut Requirements) {
                if $needs_key {
                    requirements.secret_key();
                }
            }
        }

        impl IntoResponseParts for $name {
            fn into_response_parts(self, response: &mut Response) -> Result<(), Response> {
                self.0.write(response)
            }
        }

        impl IntoResponse for $name {
            /// `200 OK` with an empty body and the jar's `Set-Cookie` lines.
            fn into_response(self) -> Response {
                let mut response = ().into_response();
                match self.0.write(&mut response) {
                    Ok(()) => response,
                    Err(error) => error,
                }
            }
        }
    };
}

/// The app's keys for a signed or private jar.
fn keys(parts: &RequestParts) -> Result<Keys, MissingSecretKey> {
    Keys::of(parts).cloned().ok_or_else(|| {
        MissingSecretKey::new(
            "signed and private cookies need the app's secret key: add `.secret_key(SecretKey::new(..))` \
             to the App",
        )
    })
}

jar! {
    /// The request's cookies, and the cookies to set or remove: an extractor, and a response part that
    /// writes one `Set-Cookie` per change (RFC 6265 §4.1). Values are sent as they are: the client can
    /// read and change them, so keep nothing there that the server trusts (use [`SignedCookieJar`] or
    /// [`PrivateCookieJar`]).
    ///
    /// The jar is a value: `add` and `remove` return the changed jar, which the handler returns (alone,
    /// or in a tuple before the body). Malformed pairs in the `Cookie` header are skipped
    /// ([`parse_cookie_header`](super::parse_cookie_header)); extraction never fails.
    ///
    /// ```
    /// use velocy::cookies::{Cookie, CookieJar};
    /// use velocy::prelude::*;
    ///
    /// #[get("/theme/:name")]
    /// async fn set_theme(name: String, jar: CookieJar) -> (CookieJar, String) {
    ///     let previous = jar.get("theme").map(|cookie| cookie.value().to_owned());
    ///     let jar = jar.add(Cookie::build(("theme", name.clone())).http_only(false));
    ///     (jar, format!("theme {name} (was {previous:?})"))
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let client = velocy::test::TestClient::new(App::new().routes(routes![set_theme]));
    /// let response = client.get("/theme/dark").header("cookie", "theme=light").send().await;
    /// assert_eq!(response.header("set-cookie"), Some("theme=dark; SameSite=Lax; Path=/"));
    /// assert_eq!(response.text(), "theme dark (was Some(\"light\"))");
    /// # }
    /// ```
    CookieJar, Infallible, |_: &RequestParts| Ok::<_, Infallible>(Protection::Plain), false
}

jar! {
    /// Cookies signed with the app's [`SecretKey`](super::SecretKey) (HMAC-SHA256): the client can read
    /// them but not change them. A cookie that fails verification (tampered, or signed with a key the app
    /// no longer lists) reads as absent and is reported to [`SecretKey::on_rejected`](super::SecretKey::on_rejected);
    /// one signed with a [previous](super::SecretKey::previous) key verifies, and is signed with the
    /// current key when added again.
    ///
    /// Needs the app's secret key: a release build without
    /// [`App::secret_key`](crate::App::secret_key) fails to build; a debug build uses a random key per run.
    ///
    /// # Rejections
    /// [`MissingSecretKey`] (500) only when the app has no key, which a built app never lacks.
    SignedCookieJar, MissingSecretKey, |parts: &RequestParts| keys(parts).map(Protection::Signed), true
}

jar! {
    /// Cookies encrypted and authenticated with the app's [`SecretKey`](super::SecretKey) (AES-256-GCM):
    /// the client can neither read nor change them. Otherwise like [`SignedCookieJar`]: failing cookies
    /// read as absent (and are reported), previous keys still decrypt, the app needs a secret key.
    ///
    /// # Rejections
    /// [`MissingSecretKey`] (500) only when the app has no key, which a built app never lacks.
    PrivateCookieJar, MissingSecretKey, |parts: &RequestParts| keys(parts).map(Protection::Private), true
}
