//! Routing options: how paths that differ from a route only by a trailing slash or by letter case are
//! treated.

/// What to do with a request whose path matches a route only without its trailing `/` (route patterns
/// never end in `/`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TrailingSlash {
    /// `/users/` is not `/users`: it answers 404 (the default).
    #[default]
    Strict,
    /// Serve `/users/` with the `/users` route.
    Ignore,
    /// Answer `308 Permanent Redirect` from `/users/` to `/users`, keeping the query (RFC 9110 §15.4.9),
    /// so clients and caches learn the canonical form.
    Redirect,
}

/// The routing options of an app; see [`App::trailing_slash`](crate::App::trailing_slash),
/// [`App::case_insensitive`](crate::App::case_insensitive) and [`App::default_port`](crate::App::default_port).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RoutingOptions {
    pub(crate) trailing_slash: TrailingSlash,
    pub(crate) case_insensitive: bool,
    pub(crate) default_port: u16,
    pub(crate) unicode_normalization: bool,
}

impl Default for RoutingOptions {
    fn default() -> Self {
        Self {
            trailing_slash: TrailingSlash::Strict,
            case_insensitive: false,
            default_port: 80,
            unicode_normalization: true,
        }
    }
}
