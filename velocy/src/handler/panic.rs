//! Turning a panic inside a handler or middleware into a `500 Internal Server Error`.
//!
//! The panic message is kept in the response's extensions as [`PanicMessage`] for hooks and logs; the client
//! sees only a generic problem. The connection and the server keep serving.

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use http::StatusCode;

use crate::response::{IntoResponse, Problem, Response};

/// The message of a panic that became a 500, found in that response's extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanicMessage(pub String);

/// The 500 response for a caught panic `payload`.
pub(crate) fn panic_response(payload: Box<dyn Any + Send>) -> Response {
    let message = if let Some(text) = payload.downcast_ref::<&'static str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_owned()
    };
    let mut response =
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal server error").into_response();
    response.extensions_mut().insert(PanicMessage(message));
    response
}

/// Polls `future`, answering a 500 if polling panics.
pub(crate) fn poll_catching<F>(future: Pin<&mut F>, cx: &mut Context<'_>) -> Poll<Response>
where
    F: Future<Output = Response> + ?Sized,
{
    match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
        Ok(poll) => poll,
        Err(payload) => Poll::Ready(panic_response(payload)),
    }
}

pin_project_lite::pin_project! {
    /// A future that answers 500 instead of unwinding when the inner future panics.
    pub(crate) struct CatchPanic<F> {
        #[pin]
        future: F,
        finished: bool,
    }
}

impl<F> CatchPanic<F> {
    pub(crate) fn new(future: F) -> Self {
        Self { future, finished: false }
    }
}

impl<F: Future<Output = Response>> Future for CatchPanic<F> {
    type Output = Response;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        let this = self.project();
        if *this.finished {
            return Poll::Ready(
                Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "response polled after completion")
                    .into_response(),
            );
        }
        let poll = poll_catching(this.future, cx);
        if poll.is_ready() {
            *this.finished = true;
        }
        poll
    }
}
