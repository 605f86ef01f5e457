//! [`AppData`]: what the requests of one app read from it — state, limits, trusted proxies and the
//! metadata of each route — built once with the app and shared by every request through one `Arc`.

use std::sync::Arc;
use std::time::Duration;

use super::StateMap;
use crate::extract::TrustedProxies;

/// The app-wide values requests and extractors read. Built by [`App::build`](crate::App::build); a
/// request reaches it through [`RequestParts`](super::RequestParts), never through the app itself.
#[derive(Debug)]
pub(crate) struct AppData {
    /// Application state, one value per type.
    pub(crate) state: StateMap,
    /// Largest body buffering extractors accept, in bytes.
    pub(crate) body_limit: usize,
    /// How long reading a whole request body may take.
    pub(crate) body_read_timeout: Duration,
    /// The most `name=value` pairs a query string may have.
    pub(crate) max_query_pairs: usize,
    /// The proxies whose forwarding headers [`ClientIp`](crate::extract::ClientIp) believes.
    pub(crate) trusted_proxies: TrustedProxies,
    /// The metadata of every route, indexed by route id.
    pub(crate) routes: Box<[RouteData]>,
}

/// What a request can learn about the route that matched it.
#[derive(Debug, Clone)]
pub(crate) struct RouteData {
    /// The route's full pattern, such as `/users/:id`, shared so hooks keep it without copying.
    pub(crate) pattern: Arc<str>,
    /// The names of the pattern's parameters, in pattern order.
    pub(crate) param_names: Box<[Box<str>]>,
}
