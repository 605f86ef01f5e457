//! [`Handler`]: async functions and closures whose arguments are extractors, for routes registered without
//! the route macros.
//!
//! Macro routes bind path parameters by name and check every argument at compile time; handlers registered
//! with [`Route::new`](crate::Route::new) or [`Router::get`](crate::Router::get) take extractors only (use
//! [`Path`](crate::extract::Path) for parameters). In both, head extractors run before the body extractor,
//! whatever the argument order.

use std::future::Future;
use std::sync::Arc;

use crate::extract::private::{respond, Extract};
use crate::extract::Requirements;
use crate::request::Request;
use crate::response::{IntoResponse, Response};
use crate::routing::spec::BoxFuture;

/// An async function or closure usable as a route handler: up to eight arguments, each an extractor, and a
/// return value that implements [`IntoResponse`]. `Args` is an inference marker; never name it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a valid handler",
    note = "a handler is an async fn or closure taking up to eight extractors and returning a type that \
            implements `IntoResponse`; at most one argument may read the body"
)]
pub trait Handler<Args>: Clone + Send + Sync + Sized + 'static {
    /// Runs the handler for `request`.
    fn call(&self, request: Request) -> BoxFuture<'static, Response>;

    /// Records what the handler's extractors need from the app.
    fn requirements(requirements: &mut Requirements);
}

/// A handler with its argument types erased, as the route table stores it.
pub(crate) trait ErasedHandler: Send + Sync {
    fn call(&self, request: Request) -> BoxFuture<'static, Response>;
}

struct Erased<H, Args> {
    handler: H,
    _args: std::marker::PhantomData<fn() -> Args>,
}

impl<H: Handler<Args>, Args: 'static> ErasedHandler for Erased<H, Args> {
    fn call(&self, request: Request) -> BoxFuture<'static, Response> {
        self.handler.call(request)
    }
}

pub(crate) fn erase<H: Handler<Args>, Args: 'static>(handler: H) -> Arc<dyn ErasedHandler> {
    Arc::new(Erased { handler, _args: std::marker::PhantomData })
}

macro_rules! impl_handler {
    ($(($marker:ident, $arg:ident, $slot:ident)),*) => {
        impl<F, Fut, R, $($marker, $arg,)*> Handler<($($marker,)* $($arg,)*)> for F
        where
            F: Fn($($arg),*) -> Fut + Clone + Send + Sync + 'static,
            Fut: Future<Output = R> + Send + 'static,
            R: IntoResponse,
            $($marker: 'static, $arg: Extract<$marker> + 'static,)*
        {
            #[allow(unused_mut, unused_variables, clippy::let_unit_value)]
            fn call(&self, request: Request) -> BoxFuture<'static, Response> {
                let handler = self.clone();
                // Split before building the future, so the request is not stored in it twice.
                let (mut parts, body) = request.into_parts();
                let mut body = Some(body);
                Box::pin(async move {
                    // Head extractors first, then the body extractor, whatever the argument order.
                    $(
                        let mut $slot: Option<$arg> = None;
                        if !<$arg as Extract<$marker>>::CONSUMES_BODY {
                            match <$arg as Extract<$marker>>::extract(&mut parts, &mut body).await {
                                Ok(value) => $slot = Some(value),
                                Err(response) => return response,
                            }
                        }
                    )*
                    $(
                        let $slot = match $slot {
                            Some(value) => value,
                            None => match <$arg as Extract<$marker>>::extract(&mut parts, &mut body).await {
                                Ok(value) => value,
                                Err(response) => return response,
                            },
                        };
                    )*
                    respond(&parts, handler($($slot),*).await)
                })
            }

            fn requirements(requirements: &mut Requirements) {
                let _ = &requirements;
                $(<$arg as Extract<$marker>>::declare(requirements);)*
            }
        }
    };
}

impl_handler!();
impl_handler!((M1, T1, a1));
impl_handler!((M1, T1, a1), (M2, T2, a2));
impl_handler!((M1, T1, a1), (M2, T2, a2), (M3, T3, a3));
impl_handler!((M1, T1, a1), (M2, T2, a2), (M3, T3, a3), (M4, T4, a4));
impl_handler!((M1, T1, a1), (M2, T2, a2), (M3, T3, a3), (M4, T4, a4), (M5, T5, a5));
impl_handler!((M1, T1, a1), (M2, T2, a2), (M3, T3, a3), (M4, T4, a4), (M5, T5, a5), (M6, T6, a6));
impl_handler!(
    (M1, T1, a1),
    (M2, T2, a2),
    (M3, T3, a3),
    (M4, T4, a4),
    (M5, T5, a5),
    (M6, T6, a6),
    (M7, T7, a7)
);
impl_handler!(
    (M1, T1, a1),
    (M2, T2, a2),
    (M3, T3, a3),
    (M4, T4, a4),
    (M5, T5, a5),
    (M6, T6, a6),
    (M7, T7, a7),
    (M8, T8, a8)
);
