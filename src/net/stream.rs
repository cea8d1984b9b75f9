//! One type for a TCP connection that may be plain or TLS (either side),
//! so a session can be upgraded in place by STARTTLS.

use super::session::READ_CHUNK_BYTES;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

pub enum Stream {
    Plain(TcpStream),
    Client(Box<tokio_rustls::client::TlsStream<TcpStream>>),
    Server(Box<tokio_rustls::server::TlsStream<TcpStream>>),
    /// The socket was taken out (during a STARTTLS upgrade that failed):
    /// reads see end of stream, writes fail.
    Gone,
}

/// Bytes a TLS session reads at a time: a TLS record holds at most 16 KiB.
const TLS_READ_BYTES: usize = 16 * 1024;

impl Stream {
    /// Reads what has arrived, up to `READ_CHUNK_BYTES`; empty at the end
    /// of the stream. A plain socket is read only once it is readable,
    /// into memory taken at that moment: a thousand idle or waiting
    /// sessions then hold no read buffers. A TLS session reads through
    /// `tls_buffer`, allocated on its first read.
    pub async fn read_chunk(&mut self, tls_buffer: &mut Vec<u8>) -> io::Result<Vec<u8>> {
        match self {
            Stream::Plain(tcp) => loop {
                tcp.readable().await?;
                let mut data = Vec::with_capacity(READ_CHUNK_BYTES);
                match tcp.try_read_buf(&mut data) {
                    Ok(_) => {
                        data.shrink_to_fit();
                        return Ok(data);
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(e) => return Err(e),
                }
            },
            Stream::Gone => Ok(Vec::new()),
            _ => {
                if tls_buffer.is_empty() {
                    tls_buffer.resize(TLS_READ_BYTES, 0);
                }
                let n = self.read(tls_buffer).await?;
                Ok(tls_buffer[..n].to_vec())
            }
        }
    }
}

impl Stream {
    /// True for a TLS session (either side).
    pub fn is_tls(&self) -> bool {
        matches!(self, Stream::Client(_) | Stream::Server(_))
    }

    /// Ends our side of the conversation and keeps reading: over TLS a
    /// close_notify and then the TCP FIN, as TLS asks; a plain FIN
    /// otherwise. When to call it over TLS is the session's choice (see
    /// `TLS_END_GRACE` in `tcp.rs`).
    pub async fn finish_writing(&mut self) -> io::Result<()> {
        use tokio::io::AsyncWriteExt;
        match self {
            Stream::Plain(tcp) => tcp.shutdown().await,
            Stream::Client(tls) => tls.shutdown().await,
            Stream::Server(tls) => tls.shutdown().await,
            Stream::Gone => Ok(()),
        }
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Client(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Server(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Gone => Poll::Ready(Ok(())),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Client(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Server(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Gone => Poll::Ready(Err(io::ErrorKind::NotConnected.into())),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Client(s) => Pin::new(s).poll_flush(cx),
            Stream::Server(s) => Pin::new(s).poll_flush(cx),
            Stream::Gone => Poll::Ready(Ok(())),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Client(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Server(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Gone => Poll::Ready(Ok(())),
        }
    }
}
