//! A stream wrapper that shows every byte to a [`Tracer`] on its way
//! through. It wraps the TLS stream, so the trace is the plaintext protocol.

use super::trace::Tracer;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

#[derive(Debug)]
pub struct TraceStream<S> {
    inner: S,
    tracer: Option<Tracer>,
}

impl<S> TraceStream<S> {
    pub fn new(inner: S, tracer: Option<Tracer>) -> TraceStream<S> {
        TraceStream { inner, tracer }
    }

    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    pub fn tracer(&self) -> Option<&Tracer> {
        self.tracer.as_ref()
    }

    pub fn into_parts(self) -> (S, Option<Tracer>) {
        (self.inner, self.tracer)
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for TraceStream<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let (Poll::Ready(Ok(())), Some(tracer)) = (&result, this.tracer.as_mut()) {
            tracer.on_received(&buf.filled()[before..]);
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for TraceStream<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write(cx, buf);
        if let (Poll::Ready(Ok(n)), Some(tracer)) = (&result, this.tracer.as_mut()) {
            tracer.on_sent(&buf[..*n]);
        }
        result
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
