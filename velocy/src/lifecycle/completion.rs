//! [`CompletionBody`]: a response body that reports, once it has been sent (or failed), to the
//! post-response hooks and the error sink.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http_body::{Body as _, Frame, SizeHint};

use super::hooks::{Completion, ServeError};
use super::Lifecycle;
use crate::body::Body;
use crate::error::BoxError;

/// Wraps a response body; reports the [`Completion`] when the body ends, fails or is dropped unfinished.
pub(crate) struct CompletionBody {
    inner: Body,
    report: Option<Report>,
}

struct Report {
    lifecycle: Arc<Lifecycle>,
    completion: Completion,
    started: Instant,
}

impl CompletionBody {
    pub(crate) fn new(
        inner: Body,
        lifecycle: Arc<Lifecycle>,
        completion: Completion,
        started: Instant,
    ) -> Self {
        Self { inner, report: Some(Report { lifecycle, completion, started }) }
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
        for hook in report.lifecycle.post_response.iter() {
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
        if self.report.is_some() {
            if self.inner.is_end_stream() {
                self.finish(None);
            } else {
                self.finish(Some("the connection closed before the body was fully sent".to_owned()));
            }
        }
    }
}
