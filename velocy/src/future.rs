//! [`BoxFuture`]: the boxed future that handlers, middleware and hooks return once their types are erased.

/// A boxed, sendable future: what a type-erased handler, middleware or hook returns.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
