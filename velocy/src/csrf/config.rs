//! [`Csrf`]: the CSRF middleware's settings, built with a `#[must_use]` builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use cookie::SameSite;
use http::header::AUTHORIZATION;
use http::HeaderName;

use super::origin::normalize_origin;
use crate::request::RequestParts;

/// A predicate choosing the requests that skip the checks.
pub(crate) type Exemption = Arc<dyn Fn(&RequestParts) -> bool + Send + Sync>;

/// CSRF (cross-site request forgery) protection: signed double-submit cookie tokens (the OWASP CSRF
/// Prevention Cheat Sheet's "Signed Double-Submit Cookie") plus `Sec-Fetch-Site` and `Origin` checks. A
/// middleware: attach it to the app ([`App::middleware`](crate::App::middleware)), a router or a route.
///
/// A handler that extracts the token ([`CsrfToken`](super::CsrfToken)) for a request without a valid
/// cookie makes the middleware issue one (`Set-Cookie`, with `Cache-Control: private`); requests that
/// never extract it get no cookie. Requests with a safe method (`GET`, `HEAD`, `OPTIONS`, `TRACE`;
/// RFC 9110 §9.2.1) are never refused; every other method must pass, in order:
///
/// 1. `Sec-Fetch-Site: cross-site` → refused unless the `Origin` is a [trusted
///    origin](Self::trusted_origins);
/// 2. an `Origin` that is neither the request's own (scheme from
///    [`RequestParts::is_https`], host from the target or `Host`) nor trusted → refused (`Origin: null`
///    too);
/// 3. without `Origin`, a `Referer` whose origin is neither the request's own nor trusted → refused (no
///    `Referer` either: on to the token, as non-browser clients send neither);
/// 4. the cookie must be present and its signature verify (for the request's session cookie, with
///    [`bind_to_cookie`](Self::bind_to_cookie)); an unsafe request refused here gets a fresh cookie;
/// 5. a token must be submitted — the [header](Self::header_name), else the [form
///    field](Self::field_name) of an `application/x-www-form-urlencoded` body — and match the cookie's
///    secret (compared in constant time).
///
/// A failure is a [`CsrfRejection`](super::CsrfRejection): 403 with an RFC 9457 problem naming the
/// check. The guide is in the [module docs](super).
///
/// | option | default |
/// | --- | --- |
/// | [`cookie_name`](Self::cookie_name) | `csrf` (`__Host-csrf` over https, see [`host_prefix`](Self::host_prefix)) |
/// | [`bind_to_cookie`](Self::bind_to_cookie) | none (recommended with sessions: `"session"`) |
/// | [`header_name`](Self::header_name) | `x-csrf-token` |
/// | [`field_name`](Self::field_name) | `csrf_token` |
/// | [`trusted_origins`](Self::trusted_origins) | none |
/// | [`exempt`](Self::exempt), [`exempt_bearer_auth`](Self::exempt_bearer_auth) | none |
/// | [`body_limit`](Self::body_limit) | the request's [`body_limit`](crate::RequestParts::body_limit) |
/// | [`http_only`](Self::http_only) | `true` |
/// | [`same_site`](Self::same_site) | `Lax` |
/// | [`max_age`](Self::max_age) | none (a browser-session cookie) |
///
/// ```
/// use velocy::csrf::Csrf;
/// use velocy::App;
///
/// let app = App::new().middleware(
///     Csrf::new().trusted_origins(["http://localhost:5173"]).exempt_bearer_auth(),
/// );
/// # app.build().unwrap();
/// ```
#[derive(Clone)]
#[must_use = "a `Csrf` does nothing until attached with `.middleware(..)`"]
pub struct Csrf {
    pub(crate) settings: Arc<Settings>,
}

/// The settings, shared by every request.
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) cookie_name: String,
    pub(crate) host_prefix: bool,
    pub(crate) bind_cookie: Option<String>,
    pub(crate) header: Option<HeaderName>,
    pub(crate) header_text: String,
    pub(crate) field: Arc<str>,
    pub(crate) trusted: Vec<String>,
    pub(crate) exemptions: Vec<Exemption>,
    pub(crate) body_limit: Option<usize>,
    pub(crate) http_only: bool,
    pub(crate) same_site: SameSite,
    pub(crate) max_age: Option<Duration>,
    /// Configuration mistakes, reported when the app is built.
    pub(crate) problems: Vec<String>,
}

impl Default for Csrf {
    fn default() -> Self {
        Self::new()
    }
}

impl Csrf {
    /// The middleware with the defaults in the table above.
    pub fn new() -> Self {
        Self {
            settings: Arc::new(Settings {
                cookie_name: "csrf".to_owned(),
                host_prefix: true,
                bind_cookie: None,
                header: Some(HeaderName::from_static("x-csrf-token")),
                header_text: "x-csrf-token".to_owned(),
                field: Arc::from("csrf_token"),
                trusted: Vec::new(),
                exemptions: Vec::new(),
                body_limit: None,
                http_only: true,
                same_site: SameSite::Lax,
                max_age: None,
                problems: Vec::new(),
            }),
        }
    }

    fn with(mut self, change: impl FnOnce(&mut Settings)) -> Self {
        change(Arc::make_mut(&mut self.settings));
        self
    }

    /// The cookie's name (default `csrf`): a cookie-name token (RFC 6265 §4.1.1); a name that is not
    /// one is a build error, and so is one starting with `__Host-` or `__Secure-` (RFC 6265bis
    /// §4.1.3): give the bare name, [`host_prefix`](Self::host_prefix) adds `__Host-` over https (a
    /// prefixed name over plain http would lack the `Secure` the browser demands, and be dropped).
    pub fn cookie_name(self, name: impl Into<String>) -> Self {
        let name = name.into();
        self.with(|settings| {
            if name.is_empty() || !name.bytes().all(is_token_byte) {
                settings
                    .problems
                    .push(format!("the CSRF cookie name `{name}` is not an RFC 6265 cookie name"));
            } else if has_cookie_prefix(&name) {
                settings.problems.push(format!(
                    "the CSRF cookie name `{name}` starts with a cookie prefix (`__Host-` or `__Secure-`): \
                     give the bare name; `Csrf::host_prefix(true)` (the default) adds `__Host-` over https"
                ));
            }
            settings.cookie_name = name;
        })
    }

    /// Binds the CSRF cookie to another cookie of the request, typically the session cookie: pass the
    /// name given to `Sessions::cookie_name` (default `"session"`; over https the middleware reads
    /// `__Host-session` when the request has it, else `session`). The bound cookie's value goes into
    /// the CSRF cookie's signature (HMAC-SHA256 under the app's key, over `csrf:<bound value>:<secret>`),
    /// never on the wire, so a cookie and token obtained under one session (or under none) do not verify
    /// under another: an attacker who plants their own CSRF cookie in a victim's browser gets
    /// `missing cookie`. When the session id changes (log-in cycles it, log-out ends it) the earlier CSRF
    /// cookie stops verifying and the next page that extracts a [`CsrfToken`](super::CsrfToken) gets a
    /// new secret, so tokens from before the log-in are worthless after it. A request without the bound
    /// cookie is unbound (before any session exists). Recommended whenever the app has sessions.
    ///
    /// The binding is the cookie the *request* carries: a response that starts the session and renders a
    /// token binds that token to no session, and its form's first submission fails (`missing cookie`,
    /// with a fresh cookie for the retry). Start the session on an earlier request, or redirect after
    /// starting it (as log-in does).
    ///
    /// ```
    /// use velocy::csrf::Csrf;
    /// use velocy::App;
    ///
    /// let app = App::new().middleware(Csrf::new().bind_to_cookie("session"));
    /// # app.build().unwrap();
    /// ```
    pub fn bind_to_cookie(self, name: impl Into<String>) -> Self {
        let name = name.into();
        self.with(|settings| {
            if name.is_empty() || !name.bytes().all(is_token_byte) {
                settings.problems.push(format!(
                    "the cookie name `{name}` to bind CSRF tokens to is not an RFC 6265 cookie name"
                ));
            }
            settings.bind_cookie = Some(name);
        })
    }

    /// Whether requests over https use the name with the `__Host-` prefix (RFC 6265bis §4.1.3.2): the
    /// browser then keeps the cookie only if it is `Secure`, has `Path=/` and no `Domain`, so a sibling
    /// subdomain (or a plain-http page of the same host) cannot plant its own. On by default; plain-http
    /// requests (local development) always use the bare name.
    pub fn host_prefix(self, enabled: bool) -> Self {
        self.with(|settings| settings.host_prefix = enabled)
    }

    /// The request header carrying the token for scripts (default `x-csrf-token`); an invalid header
    /// name is a build error.
    pub fn header_name(self, name: impl AsRef<str>) -> Self {
        let name = name.as_ref().to_owned();
        self.with(|settings| {
            match HeaderName::try_from(name.as_str()) {
                Ok(header) => settings.header = Some(header),
                Err(_) => {
                    settings.header = None;
                    settings
                        .problems
                        .push(format!("the CSRF header name `{name}` is not a valid header name"));
                }
            }
            settings.header_text = name;
        })
    }

    /// The name of the form field carrying the token in `application/x-www-form-urlencoded` bodies
    /// (default `csrf_token`); [`CsrfToken::hidden_input`](super::CsrfToken::hidden_input) uses it.
    pub fn field_name(self, name: impl Into<String>) -> Self {
        let name = name.into();
        self.with(|settings| {
            if name.is_empty() {
                settings.problems.push("the CSRF form field name is empty".to_owned());
            }
            settings.field = Arc::from(name);
        })
    }

    /// Other origins allowed to send state-changing requests, such as a front end served from another
    /// port (`http://localhost:5173`): serialized origins, `scheme://host[:port]` (RFC 6454 §6.2), compared
    /// case-insensitively with default ports ignored. Adds to those given before; one that does not parse
    /// is a build error. A trusted origin still needs the token (the browser sends the cookie only when
    /// the cookie's `SameSite` allows it and, for `fetch`, with `credentials: "include"`).
    pub fn trusted_origins<I, S>(self, origins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let origins: Vec<String> = origins.into_iter().map(|origin| origin.as_ref().to_owned()).collect();
        self.with(|settings| {
            for origin in origins {
                // A trailing slash is forgiven: people copy origins from the address bar.
                match normalize_origin(origin.trim_end_matches('/')) {
                    Some(normalized) => settings.trusted.push(normalized),
                    _ => settings.problems.push(format!(
                        "the trusted CSRF origin `{origin}` is not an origin such as `https://app.example:8443`"
                    )),
                }
            }
        })
    }

    /// Lets the requests for which `predicate` is true skip the checks (they may still extract a
    /// token): routes that other means protect, such as a webhook verified by signature. May be called
    /// several times; a request is exempt when any predicate says so.
    pub fn exempt(self, predicate: impl Fn(&RequestParts) -> bool + Send + Sync + 'static) -> Self {
        self.with(|settings| settings.exemptions.push(Arc::new(predicate)))
    }

    /// Exempts requests carrying `Authorization: Bearer …` (RFC 6750 §2.1). Safe because browsers never
    /// attach a bearer token by themselves — they replay cookies and Basic/Digest credentials, not
    /// `Authorization: Bearer` — and a page of another site cannot add that header to a request without a
    /// CORS preflight the app would have to allow. Right for APIs that authenticate such requests by the
    /// bearer token alone (and do not fall back to cookies when it is invalid).
    pub fn exempt_bearer_auth(self) -> Self {
        self.exempt(has_bearer_auth)
    }

    /// The largest `application/x-www-form-urlencoded` body, in bytes, buffered to find the form field
    /// when no header carries the token (413 past it). Default: the request's
    /// [`body_limit`](crate::RequestParts::body_limit), the same limit [`Form`](crate::Form) applies
    /// after it. The handler gets the same bytes.
    pub fn body_limit(self, bytes: usize) -> Self {
        self.with(|settings| settings.body_limit = Some(bytes))
    }

    /// Whether the cookie is `HttpOnly` (default `true`): handlers and templates get the token from
    /// [`CsrfToken`](super::CsrfToken), scripts from a `<meta>` tag the page renders, so no script needs
    /// to read the cookie. With `false`, a script may read the cookie with `document.cookie` and send its
    /// value unchanged in the header (classic double-submit); the middleware accepts that too.
    pub fn http_only(self, http_only: bool) -> Self {
        self.with(|settings| settings.http_only = http_only)
    }

    /// The cookie's `SameSite` attribute (default `Lax`, RFC 6265bis §5.4.7); `None` adds `Secure`.
    pub fn same_site(self, same_site: SameSite) -> Self {
        self.with(|settings| settings.same_site = same_site)
    }

    /// The cookie's `Max-Age` (default none: it lasts the browser session).
    pub fn max_age(self, max_age: Duration) -> Self {
        self.with(|settings| settings.max_age = Some(max_age))
    }
}

impl Settings {
    /// The cookie's name for this request: `__Host-` + the name over https when the prefix is on.
    pub(crate) fn cookie_name_for(&self, https: bool) -> String {
        if https && self.host_prefix {
            format!("__Host-{}", self.cookie_name)
        } else {
            self.cookie_name.clone()
        }
    }

    /// Whether an exemption applies.
    pub(crate) fn is_exempt(&self, parts: &RequestParts) -> bool {
        self.exemptions.iter().any(|predicate| predicate(parts))
    }

    /// Whether `origin` (normalised) is trusted.
    pub(crate) fn is_trusted(&self, origin: &str) -> bool {
        self.trusted.iter().any(|trusted| trusted == origin)
    }
}

impl fmt::Debug for Csrf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings = &self.settings;
        f.debug_struct("Csrf")
            .field("cookie_name", &settings.cookie_name)
            .field("host_prefix", &settings.host_prefix)
            .field("bind_to_cookie", &settings.bind_cookie)
            .field("header_name", &settings.header_text)
            .field("field_name", &settings.field)
            .field("trusted_origins", &settings.trusted)
            .field("exemptions", &settings.exemptions.len())
            .field("body_limit", &settings.body_limit)
            .field("http_only", &settings.http_only)
            .field("same_site", &settings.same_site)
            .field("max_age", &settings.max_age)
            .finish()
    }
}

/// Whether the request carries `Authorization: Bearer <token>` (the scheme is case-insensitive,
/// RFC 9110 §11.1).
fn has_bearer_auth(parts: &RequestParts) -> bool {
    parts.headers().get_all(AUTHORIZATION).into_iter().any(|value| {
        let value = value.as_bytes();
        value.len() > 7 && value[..7].eq_ignore_ascii_case(b"bearer ") && !value[7..].trim_ascii().is_empty()
    })
}

/// Whether `name` starts with a cookie prefix (RFC 6265bis §4.1.3), case-insensitively as browsers
/// match them.
fn has_cookie_prefix(name: &str) -> bool {
    ["__host-", "__secure-"].iter().any(|prefix| {
        name.len() >= prefix.len() && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
    })
}

/// A `tchar` (RFC 9110 §5.6.2), the characters of a cookie name.
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}
