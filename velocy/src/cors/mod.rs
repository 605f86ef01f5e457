//! Cross-origin resource sharing (CORS, the Fetch standard's "CORS protocol", §3.2): [`Cors`], a
//! middleware usable per app, router and route, that lets the scripts of chosen origins read responses
//! and answers their preflight requests.
//!
//! ```
//! use velocy::cors::Cors;
//! use velocy::header::CONTENT_TYPE;
//! use velocy::{App, Router};
//!
//! let api = Router::new()
//!     .get("/api/notes", || async { "[]" })
//!     .middleware(Cors::new().allow_origin("https://app.example").allow_headers([CONTENT_TYPE]));
//! let app = App::new().merge(api);
//! # app.build().unwrap();
//! ```
//!
#![doc = include_str!("../docs/cors.md")]

mod config;
mod lists;
mod middleware;
mod origin;

#[cfg(test)]
mod tests;

pub use config::Cors;
pub use lists::{AllowHeaders, AllowMethods, ExposeHeaders};
pub use origin::AllowOrigin;
