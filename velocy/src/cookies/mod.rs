//! Cookies (cargo feature `cookies`): a [`CookieJar`] extractor that is also a response part, and jars
//! whose cookies are signed ([`SignedCookieJar`]) or encrypted ([`PrivateCookieJar`]) with the app's
//! [`SecretKey`], on the [`cookie`](::cookie) crate. The `cookie` crate's [`Cookie`], [`CookieBuilder`],
//! [`SameSite`] and [`Expiration`] are re-exported here.
//!
#![doc = include_str!("../docs/cookies.md")]

mod defaults;
mod jar;
mod key;
mod parse;
mod random;
mod rejection;

pub use ::cookie::{Cookie, CookieBuilder, Expiration, SameSite};
// For the batteries built on cookies (sessions, CSRF); unused when only `cookies` is on.
#[cfg_attr(not(any(feature = "session", feature = "csrf")), allow(unused_imports))]
pub(crate) use defaults::{apply_defaults, set_cookie_value};
pub use jar::{CookieJar, PrivateCookieJar, SignedCookieJar};
pub use key::{Keys, SecretKey, MIN_SECRET_BYTES};
#[cfg_attr(not(feature = "session"), allow(unused_imports))]
pub(crate) use parse::find_cookie;
pub use parse::parse_cookie_header;
#[cfg_attr(not(feature = "csrf"), allow(unused_imports))]
pub(crate) use parse::request_cookies;
pub use random::random_token;
pub use rejection::MissingSecretKey;

#[cfg(test)]
mod tests;
