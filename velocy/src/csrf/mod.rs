//! CSRF protection (cargo feature `csrf`): the [`Csrf`] middleware — signed double-submit cookie tokens
//! (OWASP "Signed Double-Submit Cookie", optionally bound to the session cookie) plus `Sec-Fetch-Site`,
//! `Origin` and `Referer` checks —
//! and the [`CsrfToken`] extractor that hands the per-request token to handlers and templates.
//!
//! The guide: `velocy/src/docs/csrf.md` (included below).
//!
#![doc = include_str!("../docs/csrf.md")]

mod config;
mod middleware;
mod origin;
mod rejection;
mod source;
mod token;

#[cfg(test)]
mod tests;

pub use config::Csrf;
pub use rejection::{CsrfRejection, CsrfTokenRejection, CsrfUnavailable, MissingCsrfMiddleware};
pub use token::CsrfToken;
