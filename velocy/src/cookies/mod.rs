//! Cookies (cargo feature `cookies`): a [`CookieJar`] extractor that is also a response part, and jars
//! whose cookies are signed ([`SignedCookieJar`]) or encrypted ([`PrivateCookieJar`]) with the app's
//! [`SecretKey`], on the [`cookie`](::cookie) crate.
//!
//! The guide: `velocy/src/docs/cookies.md` (included below).

mod defaults;
mod key;
mod parse;
mod random;

pub use ::cookie::{Cookie, CookieBuilder, Expiration, SameSite};
pub(crate) use defaults::{apply_defaults, set_cookie_value};
pub use key::{Keys, SecretKey, MIN_SECRET_BYTES};
pub use parse::parse_cookie_header;
pub(crate) use parse::{find_cookie, request_cookies};
pub use random::random_token;
