//! Response compression (gzip, brotli, zstd) and request decompression: [`Compression`] and
//! [`RequestDecompression`], two middleware usable per route, router and app.
//!
//! ```
//! use velocy::compression::{Compression, RequestDecompression};
//! use velocy::{App, Router};
//!
//! let api = Router::new()
//!     .post("/events", |body: bytes::Bytes| async move { format!("{} bytes", body.len()) })
//!     .middleware(RequestDecompression::new());
//! let app = App::new().middleware(Compression::new()).merge(api);
//! # let _ = app;
//! ```
//!
#![doc = include_str!("../docs/compression.md")]

use std::fmt;

mod decode;
mod encode;
mod response;
mod skip;

pub use decode::RequestDecompression;
pub use response::Compression;

/// A content coding this battery encodes and decodes (RFC 9110 §8.4.1): its token is what appears in
/// `Content-Encoding` and `Accept-Encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Coding {
    /// `gzip` (RFC 1952; `x-gzip` is accepted as an alias, RFC 9110 §8.4.1.3).
    Gzip,
    /// `br`, Brotli (RFC 7932).
    Brotli,
    /// `zstd`, Zstandard (RFC 8878), with at most an 8 MiB window as RFC 9659 requires for HTTP.
    Zstd,
}

impl Coding {
    /// Every coding, in the server's default order of preference (see the [module docs](self)).
    pub const ALL: [Coding; 3] = [Coding::Zstd, Coding::Brotli, Coding::Gzip];

    /// The coding's token: `gzip`, `br` or `zstd`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Gzip => "gzip",
            Self::Brotli => "br",
            Self::Zstd => "zstd",
        }
    }

    /// The coding named by `token` (case-insensitive; `x-gzip` is `gzip`); `None` for any other coding.
    pub fn from_token(token: &str) -> Option<Self> {
        let token = token.trim();
        if token.eq_ignore_ascii_case("gzip") || token.eq_ignore_ascii_case("x-gzip") {
            Some(Self::Gzip)
        } else if token.eq_ignore_ascii_case("br") {
            Some(Self::Brotli)
        } else if token.eq_ignore_ascii_case("zstd") {
            Some(Self::Zstd)
        } else {
            None
        }
    }
}

impl fmt::Display for Coding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which codings are switched on, shared by both middleware.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Enabled {
    gzip: bool,
    brotli: bool,
    zstd: bool,
}

impl Enabled {
    const ALL: Self = Self { gzip: true, brotli: true, zstd: true };

    fn contains(self, coding: Coding) -> bool {
        match coding {
            Coding::Gzip => self.gzip,
            Coding::Brotli => self.brotli,
            Coding::Zstd => self.zstd,
        }
    }

    fn set(&mut self, coding: Coding, on: bool) {
        match coding {
            Coding::Gzip => self.gzip = on,
            Coding::Brotli => self.brotli = on,
            Coding::Zstd => self.zstd = on,
        }
    }

    /// The enabled codings in the server's order of preference.
    fn in_order(self) -> impl Iterator<Item = Coding> {
        Coding::ALL.into_iter().filter(move |coding| self.contains(*coding))
    }
}

#[cfg(test)]
mod tests;
