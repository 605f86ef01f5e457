//! The token: the cookie's secret, masked afresh for every request (BREACH resistance), and the
//! [`CsrfToken`] extractor that hands it to handlers and templates.

use std::fmt;
use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use super::rejection::CsrfUnavailable;
use crate::response::escape_html;

/// 32 bytes (256 bits): the length of the secret kept in the cookie.
pub(crate) const SECRET_BYTES: usize = 32;

/// The cookie's secret.
pub(crate) type Secret = [u8; SECRET_BYTES];

/// A new secret from the operating system's CSPRNG ([`random_token`](crate::cookies::random_token)).
pub(crate) fn new_secret() -> Result<Secret, CsrfUnavailable> {
    let encoded = crate::cookies::random_token(SECRET_BYTES)
        .map_err(|error| CsrfUnavailable::new(format!("the random number generator failed: {error}")))?;
    decode_secret(&encoded)
        .ok_or_else(|| CsrfUnavailable::new("the random number generator gave a token of the wrong length"))
}

/// The secret in its cookie form (base64url, no padding).
pub(crate) fn encode_secret(secret: &Secret) -> String {
    URL_SAFE_NO_PAD.encode(secret)
}

/// The secret from its cookie form; `None` unless it is exactly 32 bytes of base64url.
pub(crate) fn decode_secret(text: &str) -> Option<Secret> {
    URL_SAFE_NO_PAD.decode(text).ok()?.try_into().ok()
}

/// The secret masked with a fresh random pad: base64url of `pad || (pad XOR secret)`, 86 characters.
/// Every call gives another string, so a page compressed together with attacker-chosen text (BREACH)
/// leaks nothing stable.
pub(crate) fn mask(secret: &Secret) -> Result<String, CsrfUnavailable> {
    let mut masked = [0u8; 2 * SECRET_BYTES];
    let (pad, cipher) = masked.split_at_mut(SECRET_BYTES);
    getrandom::getrandom(pad)
        .map_err(|error| CsrfUnavailable::new(format!("the random number generator failed: {error}")))?;
    for ((out, pad), secret) in cipher.iter_mut().zip(pad.iter()).zip(secret) {
        *out = pad ^ secret;
    }
    Ok(URL_SAFE_NO_PAD.encode(masked))
}

/// The secret inside a masked token; `None` when the text is not a masked token (wrong length, not
/// base64url).
pub(crate) fn unmask(token: &str) -> Option<Secret> {
    // Bounds the work on hostile input before decoding.
    if token.len() > 128 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(token.trim()).ok()?;
    if bytes.len() != 2 * SECRET_BYTES {
        return None;
    }
    let (pad, cipher) = bytes.split_at(SECRET_BYTES);
    let mut secret = [0u8; SECRET_BYTES];
    for ((out, pad), cipher) in secret.iter_mut().zip(pad).zip(cipher) {
        *out = pad ^ cipher;
    }
    Some(secret)
}

/// Whether `a` and `b` are equal, in time that depends only on their lengths (the lengths are public).
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // `black_box` keeps the optimiser from turning the fold into an early exit.
    std::hint::black_box(difference) == 0
}

/// The CSRF token of this request, masked afresh for every extraction: put it in a form's hidden field
/// ([`hidden_input`](Self::hidden_input)) or in a `<meta>` tag for scripts, which send it back in the
/// `x-csrf-token` header (the names are the [`Csrf`](super::Csrf) middleware's settings).
///
/// Extracting it is what makes the middleware issue a CSRF cookie when the request has no valid one
/// (with `Cache-Control: private` on the response); requests that never extract it get no cookie.
/// Without the middleware it is a [`MissingCsrfMiddleware`](super::MissingCsrfMiddleware) rejection (500); when the operating
/// system's random number generator fails, a [`CsrfUnavailable`] one (500).
///
/// ```
/// use velocy::csrf::{Csrf, CsrfToken};
/// use velocy::response::Html;
/// use velocy::{App, Router};
///
/// async fn form(token: CsrfToken) -> Html<String> {
///     Html(format!(
///         r#"<form method="post" action="/notes">{}<input name="text"><button>Add</button></form>"#,
///         token.hidden_input()
///     ))
/// }
///
/// let app = App::new().middleware(Csrf::new()).merge(Router::new().get("/notes/new", form));
/// # app.build().unwrap();
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct CsrfToken {
    token: String,
    field: Arc<str>,
}

impl CsrfToken {
    /// A token with the name of the form field it goes in.
    pub(crate) fn new(token: String, field: Arc<str>) -> Self {
        Self { token, field }
    }

    /// The masked token (86 base64url characters).
    pub fn as_str(&self) -> &str {
        &self.token
    }

    /// The name of the form field the middleware reads (default `csrf_token`).
    pub fn field_name(&self) -> &str {
        &self.field
    }

    /// An HTML hidden input carrying the token:
    /// `<input type="hidden" name="csrf_token" value="…">`, the name and the value HTML-escaped.
    pub fn hidden_input(&self) -> String {
        format!(
            r#"<input type="hidden" name="{}" value="{}">"#,
            escape_html(&self.field),
            escape_html(&self.token)
        )
    }
}

impl fmt::Display for CsrfToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.token)
    }
}

impl fmt::Debug for CsrfToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The token is a credential: keep it out of logs.
        f.debug_struct("CsrfToken").field("field", &self.field).finish_non_exhaustive()
    }
}
