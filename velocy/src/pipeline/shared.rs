//! [`AppShared`]: what every request of a built app shares.

use std::sync::Arc;

use super::Config;
use crate::lifecycle::{Lifecycle, PipelinePath};
use crate::request::AppData;
use crate::routing::table::RouteTable;

/// What every request of a built app shares: the values extractors read, settings, the route table and
/// the lifecycle hooks.
#[derive(Debug)]
pub(crate) struct AppShared {
    /// State, limits and route metadata, handed to each request (one reference count).
    pub(crate) data: Arc<AppData>,
    /// The app's settings.
    pub(crate) config: Config,
    /// The compiled routes.
    pub(crate) table: RouteTable,
    /// The hooks and global middleware.
    pub(crate) lifecycle: Arc<Lifecycle>,
    /// Which path requests take (completion observers and error sinks run on all of them).
    pub(crate) path: PipelinePath,
}
