//! The request pipeline: everything that happens to one request, in one place.
//!
//! A built app ([`AppService`]) answers each request through these stages, in this order:
//!
//! 1. **request id** — decided first (propagated or generated), so every answer carries it;
//! 2. **target check** — the request target, `Host` and framing are validated and the path normalized
//!    (400 or 414 on failure, with `Connection: close` for framing problems);
//! 3. **request hooks** — may rewrite the head or answer at once;
//! 4. **routing** — the route table picks the endpoint, or a routing rejection answers
//!    ([`crate::routing::rejection`]: 404, 405, 406, 415, 501, a bad `Host`; `OPTIONS` and redirects);
//! 5. **middleware** — global, then group, then route middleware around the handler;
//! 6. **handler** — its extractors run (their rejections answer instead), then the handler;
//! 7. **status interceptors**, then **response mappers** (reverse order of registration);
//! 8. **finishing** — problem responses rendered by `Accept` (problem+json or text), the `Server` and
//!    request id headers, `Vary`, no body for `HEAD`, and the body wrapped for the completion report.
//!
//! Which stages see which answers: a request whose target check fails skips the request hooks and
//! routing, but its 400/414 goes through the global middleware (security headers, CORS…), the status
//! interceptors, the response mappers and finishing like any other answer. Routing rejections run
//! through the global middleware too. A panic anywhere in stages 5–6 becomes a 500 problem, which stages 7
//! and 8 then see. Completion observers and error sinks see every request that got a response.
//!
//! An app with no request hooks or response mappers, global middleware, interceptor or request
//! context takes the **fast path**: stages 3, 5 (global) and 7 have nothing to run, so the handler is called
//! straight from [`AppService::handle`] without the boxed future of the full pipeline. An app whose only
//! such stage is global middleware takes the **global-middleware path**: routing runs straight from
//! [`AppService::handle`] too, then the global chain, still without that boxed future. All paths share
//! the routing step and the finishing step.

mod config;
mod dispatch;
mod finishing;
mod service;
mod shared;
mod with_hooks;

pub(crate) use config::Config;
pub(crate) use finishing::Finishing;
pub(crate) use service::ConnectionService;
pub use service::{AppService, ResponseFuture, RouteTableText};
pub(crate) use shared::AppShared;
