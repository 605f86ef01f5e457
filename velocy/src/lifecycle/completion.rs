//! [`CompletionBody`]: a response body that reports, once it has been sent (or failed), to the
//! completion observers and the error sink.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http_body::{Body as _, Frame, SizeHint};

use super::hooks::{Completion, ServeError};
use super::{Lifecycle, PanicMessage};
use crate::body::Body;
use crate::error::BoxError;
use crate::response::Response;

/// Wraps a response body; reports the [`Completion`] when the body ends, fails or is dropped unfinished.
///
/// Made (boxed, the request's one allocation for hooks) when the request arrives, filled in as it is
/// handled — route, status, panic — and finally given the response body: see [`CompletionBody::attach`].
pub(crate) struct CompletionBody {
    inner: Body,
    report: Option<Report>,
    /// Whether the response exists: a report dropped before (the request abandoned while it was being
    /// handled) says nothing, as it has no status to give.
    attached: bool,
}

struct Report {
    lifecycle: Arc<Lifecycle>,
    completion: Completion,
    started: Instant,
}

impl CompletionBody {
    /// A report waiting for its response; `completion` has the request's side filled in.
    pub(crate) fn pending(lifecycle: Arc<Lifecycle>, completion: Completion, started: Instant) -> Box<Self> {
        let report = Some(Report { lifecycle, completion, started });
        Box::new(Self { inner: Body::empty(), report, attached: false })
    }

    /// Records the route that matched.
    pub(crate) fn set_route(&mut self, route: Option<Arc<str>>) {
        if let Some(report) = &mut self.report {
            report.completion.route = route;
        }
    }

    /// Takes `response`'s status and panic message and wraps its body, which reports when it ends.
    pub(crate) fn attach(mut self: Box<Self>, response: Response) -> Response {
        let (parts, body) = response.into_parts();
        if let Some(report) = &mut self.report {
            report.completion.status = parts.status;
            report.completion.panic = parts.extensions.get::<PanicMessage>().map(|panic| panic.0.clone());
        }
        self.inner = body;
        self.attached = true;
        Response::from_parts(parts, Body::from_dyn(Box::into_pin(self)))
    }

    fn finish(&mut self, error: Option<String>) {
        let Some(mut report) = self.report.take() else {
            return;
        };
        report.completion.duration = report.started.elapsed();
        if let Some(message) = &error {
            let serve_error = ServeError {
                message: message.clone(),
                method: Some(report.completion.method.clone()),
                uri: Some(report.completion.uri.clone()),
            };
            for sink in report.lifecycle.error_sinks.iter() {
                sink.report(&serve_error);
            }
        }
        report.completion.error = error;
        for hook in report.lifecycle.completion_observers.iter() {
            hook.call(&report.completion);
        }
    }
}

impl http_body::Body for CompletionBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let (Some(data), Some(report)) = (frame.data_ref(), this.report.as_mut()) {
                    report.completion.bytes_sent += data.len() as u64;
                }
                if this.inner.is_end_stream() {
                    this.finish(None);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(error))) => {
                this.finish(Some(format!("the response body failed: {error}")));
                Poll::Ready(Some(Err(error)))
            }
            Poll::Ready(None) => {
                this.finish(None);
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for CompletionBody {
    fn drop(&mut self) {
        if self.attached && self.report.is_some() {
            if self.inner.is_end_stream() {
                self.finish(None);
            } else {
                self.finish(Some("the connection closed before the body was fully sent".to_owned()));
            }
        }
    }
}
