//! [`Sessions`]: the middleware that gives each request its [`Session`] and saves it afterwards.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cookie::{Cookie, SameSite};
use http::header::SET_COOKIE;

use super::handle::{expired, Session, State};
use super::rejection::{store_failed, SessionIdUnavailable};
use super::store::{SessionChanges, SessionStore};
use crate::cookies::{apply_defaults, find_cookie, random_token, set_cookie_value, Keys};
use crate::extract::Requirements;
use crate::future::BoxFuture;
use crate::middleware::{Middleware, Next};
use crate::request::{Request, RequestParts};
use crate::response::{IntoResponse, Response};

/// The default cookie name: `session` (`__Host-session` over HTTPS).
pub const DEFAULT_COOKIE_NAME: &str = "session";
/// The default idle timeout: 24 hours.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);
/// The default absolute lifetime: 7 days.
pub const DEFAULT_ABSOLUTE_LIFETIME: Duration = Duration::from_secs(7 * 24 * 60 * 60);
/// Session ids are 32 random bytes (256 bits) from the OS CSPRNG, 43 base64url characters.
const ID_BYTES: usize = 32;
/// The length of an id in base64url without padding.
const ID_CHARS: usize = 43;
/// The purpose the id cookie is signed for, and the prefix of its plaintext when encrypted: a signed or
/// private cookie made for anything else (the cookie jars, CSRF) never reads as a session id.
const PURPOSE: &str = "session";
/// The longest idle timeout or absolute lifetime accepted: 400 days, the longest cookie lifetime
/// browsers keep (RFC 6265bis, the `Expires` and `Max-Age` attributes: user agents cap both at 400 days).
const MAX_LIFETIME: Duration = Duration::from_secs(400 * 24 * 60 * 60);

/// The session middleware and its configuration: attach it with
/// [`App::middleware`](crate::App::middleware) (or a router's) and take [`Session`] in handlers.
///
/// Per request it reads the session cookie (the id, signed with the app's
/// [`SecretKey`](crate::cookies::SecretKey) for the purpose `session`, or encrypted with
/// [`private_cookie`](Self::private_cookie)), puts a [`Session`] in the request's extensions, runs the
/// rest of the chain, then:
///
/// | the handler… | the middleware |
/// | --- | --- |
/// | changed values | saves the changes (a merge: [`SessionStore::save`]) and sets the cookie |
/// | called [`cycle_id`](Session::cycle_id) | renames the record to a fresh id ([`SessionStore::cycle`]) and sets the new cookie |
/// | called [`flush`](Session::flush) | deletes the record and sends a removal cookie |
/// | only read | writes nothing, except a TTL refresh ([`SessionStore::touch`]) once more than a quarter of the idle timeout passed since the last write |
/// | never used the session | nothing (the record is not even loaded) |
///
/// A store failure on the way out replaces the response with a 500
/// [`SessionStoreFailed`](super::SessionStoreFailed) problem; the store's error is kept in the
/// response's [`ErrorSource`](crate::ErrorSource) extension.
///
/// ```
/// use std::time::Duration;
/// use velocy::session::{MemoryStore, Sessions};
/// use velocy::cookies::SameSite;
/// use velocy::App;
///
/// let app = App::new().middleware(
///     Sessions::new(MemoryStore::new())
///         .idle_timeout(Duration::from_secs(2 * 60 * 60))
///         .absolute_lifetime(Duration::from_secs(24 * 60 * 60))
///         .same_site(SameSite::Strict),
/// );
/// # let _ = app;
/// ```
#[must_use = "`Sessions` does nothing until given to `App::middleware` or `Router::middleware`"]
#[derive(Clone)]
pub struct Sessions {
    store: Arc<dyn SessionStore>,
    settings: Arc<Settings>,
}

#[derive(Debug, Clone)]
struct Settings {
    cookie_name: String,
    host_prefix: bool,
    idle_timeout: Duration,
    absolute_lifetime: Duration,
    private: bool,
    same_site: SameSite,
    domain: Option<String>,
    path: String,
    persistent: bool,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions").field("settings", &self.settings).finish_non_exhaustive()
    }
}

impl Sessions {
    /// Sessions kept in `store`, with the defaults: cookie `session`, idle timeout 24 h, absolute
    /// lifetime 7 days, signed cookie, `SameSite=Lax`, `Path=/`, no `Domain`, a browser-session cookie.
    /// An `Arc<S>` is a store too, so a test can keep a handle on the store it gives.
    pub fn new(store: impl SessionStore) -> Self {
        Self {
            store: Arc::new(store),
            settings: Arc::new(Settings {
                cookie_name: DEFAULT_COOKIE_NAME.to_owned(),
                host_prefix: true,
                idle_timeout: DEFAULT_IDLE_TIMEOUT,
                absolute_lifetime: DEFAULT_ABSOLUTE_LIFETIME,
                private: false,
                same_site: SameSite::Lax,
                domain: None,
                path: "/".to_owned(),
                persistent: false,
            }),
        }
    }

    fn settings(&mut self) -> &mut Settings {
        Arc::make_mut(&mut self.settings)
    }

    /// The cookie's name (default `session`). Over HTTPS, with no [`domain`](Self::domain) and the path
    /// `/`, the cookie is named `__Host-` + this name (RFC 6265bis §4.1.3.2): the browser then refuses
    /// it from plain HTTP or a sibling subdomain, so neither can plant a session id. See
    /// [`host_prefix`](Self::host_prefix). A name that already starts with `__Host-` or `__Secure-`
    /// (in any case) fails [`App::build`](crate::App::build): give the plain name instead.
    pub fn cookie_name(mut self, name: impl Into<String>) -> Self {
        self.settings().cookie_name = name.into();
        self
    }

    /// Whether HTTPS requests use the `__Host-` prefixed name (default `true`). Turn it off when
    /// something else must read the cookie under its plain name.
    pub fn host_prefix(mut self, enabled: bool) -> Self {
        self.settings().host_prefix = enabled;
        self
    }

    /// How long a session lives without being saved or touched (default 24 h). Zero or more than 400
    /// days (the browsers' cap on a cookie's lifetime) fails [`App::build`](crate::App::build).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.settings().idle_timeout = timeout;
        self
    }

    /// How long a session lives after it was created, however active (default 7 days). After it the
    /// user starts a new session (logs in again). Zero or more than 400 days fails
    /// [`App::build`](crate::App::build).
    pub fn absolute_lifetime(mut self, lifetime: Duration) -> Self {
        self.settings().absolute_lifetime = lifetime;
        self
    }

    /// Whether the cookie holds the id encrypted (AES-256-GCM, `true`) rather than signed (HMAC-SHA256,
    /// the default). The id is random either way; encryption only hides it from the client. Either way
    /// the cookie is bound to its purpose: a cookie the app signed or encrypted for anything else (the
    /// signed or private cookie jars, CSRF) never reads as a session id.
    pub fn private_cookie(mut self, private: bool) -> Self {
        self.settings().private = private;
        self
    }

    /// The cookie's `SameSite` attribute (default `Lax`; `None` adds `Secure`).
    pub fn same_site(mut self, same_site: SameSite) -> Self {
        self.settings().same_site = same_site;
        self
    }

    /// The cookie's `Domain` attribute (default none: the exact host only, which is safest).
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.settings().domain = Some(domain.into());
        self
    }

    /// The cookie's `Path` attribute (default `/`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.settings().path = path.into();
        self
    }

    /// Whether the cookie outlives the browser session: `true` gives it `Max-Age` (the session's
    /// remaining time to live, refreshed when the session is saved or touched); `false` (the default)
    /// makes it a browser-session cookie.
    pub fn persistent(mut self, persistent: bool) -> Self {
        self.settings().persistent = persistent;
        self
    }
}

impl Settings {
    /// The cookie name for a request.
    fn name(&self, https: bool) -> String {
        if https && self.host_prefix && self.domain.is_none() && self.path == "/" {
            format!("__Host-{}", self.cookie_name)
        } else {
            self.cookie_name.clone()
        }
    }

    /// The verified session id the request's cookie carries; a cookie that fails verification is
    /// reported to the app's hook and reads as none.
    fn read_id(&self, parts: &RequestParts, keys: &Keys) -> Option<String> {
        let name = self.name(parts.is_https());
        let value = find_cookie(parts.headers(), &name)?;
        let cookie = Cookie::new(name.clone(), value.into_owned());
        let opened = if self.private {
            // The plaintext is `session:<id>`; a private cookie encrypted for anything else lacks it.
            keys.decrypt(&cookie)
                .and_then(|opened| opened.value().strip_prefix(PURPOSE)?.strip_prefix(':').map(str::to_owned))
        } else {
            keys.verify_for(PURPOSE, &cookie)
        };
        match opened {
            Some(id) if is_id(&id) => Some(id),
            _ => {
                keys.rejected(parts, &name);
                None
            }
        }
    }

    /// The `Set-Cookie` carrying `id`, valid for `ttl`.
    fn cookie(&self, keys: &Keys, id: &str, ttl: Duration, https: bool) -> Cookie<'static> {
        let mut cookie = if self.private {
            keys.encrypt(Cookie::new(self.name(https), format!("{PURPOSE}:{id}")))
        } else {
            keys.sign_for(PURPOSE, Cookie::new(self.name(https), id.to_owned()))
        };
        self.attributes(&mut cookie, https);
        if self.persistent {
            let seconds = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX);
            cookie.set_max_age(cookie::time::Duration::seconds(seconds));
        }
        cookie
    }

    /// A cookie that makes the browser drop the session cookie.
    fn removal(&self, https: bool) -> Cookie<'static> {
        let mut cookie = Cookie::new(self.name(https), "");
        self.attributes(&mut cookie, https);
        cookie.make_removal();
        cookie
    }

    fn attributes(&self, cookie: &mut Cookie<'static>, https: bool) {
        cookie.set_path(self.path.clone());
        if let Some(domain) = &self.domain {
            cookie.set_domain(domain.clone());
        }
        cookie.set_same_site(self.same_site);
        cookie.set_http_only(true);
        apply_defaults(cookie, https);
    }

    /// The time to live of a session created at `created_at`: the idle timeout, cut short by the
    /// absolute lifetime.
    fn ttl(&self, created_at: SystemTime, now: SystemTime) -> Duration {
        let left = created_at
            .checked_add(self.absolute_lifetime)
            .map_or(self.idle_timeout, |end| end.duration_since(now).unwrap_or(Duration::ZERO));
        left.min(self.idle_timeout)
    }
}

/// Whether `value` has the shape of an id this middleware made (43 base64url characters).
fn is_id(value: &str) -> bool {
    value.len() == ID_CHARS
        && value.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

/// A fresh session id.
fn new_id() -> Result<String, Response> {
    random_token(ID_BYTES).map_err(|error| {
        let mut response = SessionIdUnavailable::new("no session id could be generated").into_response();
        let source: crate::BoxError = format!("the OS random number generator failed: {error}").into();
        response.extensions_mut().insert(crate::ErrorSource(Arc::from(source)));
        response
    })
}

impl Middleware for Sessions {
    fn call(&self, mut request: Request, next: Next) -> BoxFuture<'static, Response> {
        let settings = Arc::clone(&self.settings);
        let store = Arc::clone(&self.store);
        Box::pin(async move {
            let Some(keys) = Keys::of(request.parts()).cloned() else {
                // `App::build` refuses a release build without a secret key, and debug builds get one.
                return SessionIdUnavailable::new("the app has no secret key to sign session cookies with")
                    .into_response();
            };
            let https = request.parts().is_https();
            let cookie_id = settings.read_id(request.parts(), &keys);
            let session = Session::new(store, settings.idle_timeout, settings.absolute_lifetime, cookie_id);
            request.parts_mut().extensions_mut().insert(session.clone());
            let response = next.run(request).await;
            match finish(&session, &settings, &keys, https).await {
                Ok(cookie) => with_cookie(response, cookie.as_ref()),
                Err(failure) => failure,
            }
        })
    }

    fn requirements(&self, requirements: &mut Requirements) {
        requirements.secret_key();
        let settings = &self.settings;
        if settings.idle_timeout.is_zero() || settings.absolute_lifetime.is_zero() {
            requirements
                .problem("has a zero idle timeout or absolute lifetime; every session would expire at once");
        }
        if settings.idle_timeout > MAX_LIFETIME || settings.absolute_lifetime > MAX_LIFETIME {
            requirements.problem(
                "has an idle timeout or absolute lifetime longer than 400 days, the longest cookie \
                 lifetime browsers keep (RFC 6265bis caps `Max-Age` at 400 days); use at most 400 days",
            );
        }
        let prefixed = ["__host-", "__secure-"].iter().any(|prefix| {
            settings.cookie_name.get(..prefix.len()).is_some_and(|start| start.eq_ignore_ascii_case(prefix))
        });
        if prefixed {
            requirements.problem(format!(
                "has the cookie name {:?}, which starts with a cookie prefix; give the plain name and \
                 keep `host_prefix(true)` (the default), which adds `__Host-` over HTTPS",
                settings.cookie_name
            ));
        }
        let valid_name = !settings.cookie_name.is_empty()
            && settings
                .cookie_name
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte));
        if !valid_name {
            requirements.problem(format!(
                "has the cookie name {:?}, which is not an RFC 6265 token (letters, digits, `!#$%&'*+-.^_`|~`)",
                settings.cookie_name
            ));
        }
    }
}

/// Adds `cookie` to `response`.
fn with_cookie(mut response: Response, cookie: Option<&Cookie<'static>>) -> Response {
    if let Some(value) = cookie.and_then(set_cookie_value) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

/// What a request's session needs written once the handler answered: the cookie to set, if any; or the
/// response that replaces the handler's when the store fails.
async fn finish(
    session: &Session,
    settings: &Settings,
    keys: &Keys,
    https: bool,
) -> Result<Option<Cookie<'static>>, Response> {
    let cycle = session.state().cycle;
    if !session.is_loaded() && !cycle {
        return Ok(None);
    }
    if cycle {
        session.load().await.map_err(IntoResponse::into_response)?;
    }
    let state = std::mem::take(&mut *session.state());
    let store = &session.store();
    let now = SystemTime::now();
    if let Some(stale) = &state.delete {
        store.delete(stale).await.map_err(store_failed)?;
    }
    let State { id, created_at, updated_at, values, changes, cycle, flushed, .. } = state;
    match id {
        Some(mut id) => {
            let ttl = settings.ttl(created_at.unwrap_or(now), now);
            if ttl.is_zero() {
                // The absolute lifetime ended during the request.
                store.delete(&id).await.map_err(store_failed)?;
                return Ok(Some(settings.removal(https)));
            }
            let mut set_cookie = false;
            if cycle {
                let new = new_id()?;
                if !store.cycle(&id, &new, ttl).await.map_err(store_failed)? {
                    // Ended meanwhile (a concurrent logout, or expired): it stays ended.
                    return Ok(None);
                }
                id = new;
                set_cookie = true;
            }
            if !changes.is_empty() {
                // `false`: ended meanwhile, and a late save must not bring it back.
                set_cookie |= store.save(&id, &changes, ttl).await.map_err(store_failed)?;
            } else if !cycle && needs_touch(updated_at, settings.idle_timeout, now) {
                let touched = store.touch(&id, ttl).await.map_err(store_failed)?;
                set_cookie = touched && settings.persistent;
            }
            Ok(set_cookie.then(|| settings.cookie(keys, &id, ttl, https)))
        }
        None if !values.is_empty() => {
            // A new session: always a fresh id, never one the client chose (session fixation).
            let id = new_id()?;
            let ttl = settings.ttl(now, now);
            store.save(&id, &SessionChanges::replace_all(values), ttl).await.map_err(store_failed)?;
            Ok(Some(settings.cookie(keys, &id, ttl, https)))
        }
        None => Ok(flushed.then(|| settings.removal(https))),
    }
}

/// Whether an unchanged session is due a TTL refresh: more than a quarter of the idle timeout passed
/// since its last save or touch.
fn needs_touch(updated_at: Option<SystemTime>, idle_timeout: Duration, now: SystemTime) -> bool {
    updated_at.is_none_or(|updated| expired(updated, idle_timeout / 4, now))
}
