//! [`Then`]: a future that hands the response of another future to a function before returning it — what
//! [`Next::run_then`](super::Next::run_then) returns, in one allocation with the rest of the chain's future
//! when it can be.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use crate::response::Response;

pin_project_lite::pin_project! {
    /// Polls `inner`, then calls `then` on its response.
    pub(crate) struct Then<Inner, Function> {
        #[pin]
        inner: Inner,
        then: Option<Function>,
    }
}

impl<Inner, Function> Then<Inner, Function> {
    pub(crate) fn new(inner: Inner, then: Function) -> Self {
        Self { inner, then: Some(then) }
    }
}

impl<Inner, Function> Future for Then<Inner, Function>
where
    Inner: Future<Output = Response>,
    Function: FnOnce(&mut Response),
{
    type Output = Response;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        let this = self.project();
        let mut response = ready!(this.inner.poll(cx));
        if let Some(then) = this.then.take() {
            then(&mut response);
        }
        Poll::Ready(response)
    }
}
