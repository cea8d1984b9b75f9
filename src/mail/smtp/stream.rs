//! The socket under lettre's SMTP connection: TCP with Nagle off, TLS done
//! by wirepost (so STARTTLS can happen under a live lettre connection), and
//! a trace of the plaintext in both directions.

use super::trace::TraceRecorder;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

enum Inner {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
    /// Briefly, while the TLS handshake owns the socket.
    Upgrading,
}

struct Shared {
    inner: Inner,
    trace: TraceRecorder,
    /// STARTTLS was sent on the plain socket: the server's reply must be
    /// the last plaintext it sends.
    starttls_sent: bool,
    /// The reply line to STARTTLS has been read completely.
    starttls_replied: bool,
    /// Plaintext arrived after the reply to STARTTLS: someone is injecting
    /// commands' answers before the handshake (the classic STARTTLS
    /// injection); the upgrade is refused.
    injected: bool,
}

/// A cloneable handle to one connection: lettre reads and writes through
/// one clone, the engine keeps another to upgrade it to TLS.
#[derive(Clone)]
pub struct SmtpStream(Arc<Mutex<Shared>>);

impl std::fmt::Debug for SmtpStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SmtpStream")
    }
}

fn upgrading() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotConnected,
        "connection is switching to TLS",
    )
}

impl SmtpStream {
    pub fn new(tcp: TcpStream, trace: TraceRecorder) -> SmtpStream {
        SmtpStream(Arc::new(Mutex::new(Shared {
            inner: Inner::Plain(tcp),
            trace,
            starttls_sent: false,
            starttls_replied: false,
            injected: false,
        })))
    }

    fn lock(&self) -> MutexGuard<'_, Shared> {
        // A poisoned lock only means a panic elsewhere; the stream is
        // still consistent because every operation is a single poll.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn note(&self, text: impl Into<String>) {
        self.lock().trace.note(text);
    }

    /// Runs the TLS handshake on the plain socket (implicit TLS, or after
    /// the server accepted STARTTLS).
    pub async fn upgrade(
        &self,
        connector: tokio_rustls::TlsConnector,
        name: rustls_pki_types::ServerName<'static>,
    ) -> io::Result<()> {
        let tcp = {
            let mut shared = self.lock();
            if shared.injected {
                return Err(io::Error::other(
                    "the server sent data right after accepting STARTTLS (possible injection); refusing to continue",
                ));
            }
            match std::mem::replace(&mut shared.inner, Inner::Upgrading) {
                Inner::Plain(tcp) => tcp,
                other => {
                    shared.inner = other;
                    return Err(io::Error::other("connection is already encrypted"));
                }
            }
        };
        let tls = connector.connect(name, tcp).await?;
        let (_, session) = tls.get_ref();
        let version = session
            .protocol_version()
            .and_then(|v| v.as_str())
            .unwrap_or("TLS");
        let suite = session
            .negotiated_cipher_suite()
            .and_then(|s| s.suite().as_str())
            .unwrap_or("");
        let mut shared = self.lock();
        shared
            .trace
            .note(format!("TLS established: {version} {suite}"));
        shared.inner = Inner::Tls(Box::new(tls));
        Ok(())
    }

    /// The final "." of a message went out and its reply has not come
    /// back (see `TraceRecorder::end_of_data_unanswered`).
    pub fn end_of_data_unanswered(&self) -> bool {
        self.lock().trace.end_of_data_unanswered()
    }

    /// Whether the server's last reply to EHLO offered PIPELINING.
    pub fn offers_pipelining(&self) -> bool {
        self.lock().trace.offers_pipelining()
    }

    pub fn is_encrypted(&self) -> bool {
        matches!(self.lock().inner, Inner::Tls(_))
    }
}

impl AsyncRead for SmtpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let mut shared = self.lock();
        let before = buf.filled().len();
        let result = match &mut shared.inner {
            Inner::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Inner::Tls(s) => {
                // Each wait for the server is a moment a delayed ACK of
                // its earlier segments (TLS session tickets) can stall it.
                quick_ack(s.get_ref().0);
                Pin::new(s.as_mut()).poll_read(cx, buf)
            }
            Inner::Upgrading => return Poll::Ready(Err(upgrading())),
        };
        if let Poll::Ready(Ok(())) = result {
            let new = buf.filled()[before..].to_vec();
            if shared.starttls_sent && matches!(shared.inner, Inner::Plain(_)) {
                // Anything after the first line (the 220 reply) is injected.
                for &byte in &new {
                    if shared.starttls_replied {
                        shared.injected = true;
                        break;
                    }
                    shared.starttls_replied = byte == b'\n';
                }
            }
            shared.trace.received(&new);
        }
        result
    }
}

impl AsyncWrite for SmtpStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let mut shared = self.lock();
        let result = match &mut shared.inner {
            Inner::Plain(s) => Pin::new(s).poll_write(cx, data),
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, data),
            Inner::Upgrading => return Poll::Ready(Err(upgrading())),
        };
        if let Poll::Ready(Ok(n)) = result {
            if matches!(shared.inner, Inner::Plain(_))
                && data[..n].to_ascii_uppercase().starts_with(b"STARTTLS")
            {
                shared.starttls_sent = true;
            }
            shared.trace.sent(&data[..n]);
        }
        result
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut shared = self.lock();
        match &mut shared.inner {
            Inner::Plain(s) => Pin::new(s).poll_flush(cx),
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            Inner::Upgrading => Poll::Ready(Err(upgrading())),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut shared = self.lock();
        match &mut shared.inner {
            Inner::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            Inner::Upgrading => Poll::Ready(Ok(())),
        }
    }
}

impl lettre::transport::smtp::client::AsyncTokioStream for SmtpStream {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        match &self.lock().inner {
            Inner::Plain(s) => s.peer_addr(),
            Inner::Tls(s) => s.get_ref().0.peer_addr(),
            Inner::Upgrading => Err(upgrading()),
        }
    }
}

/// Asks the kernel to acknowledge the next segments at once instead of
/// after the ~40 ms delayed-ACK timer. Right after a TLS 1.3 handshake the
/// server sends session tickets; if their ACK is delayed, the server's
/// Nagle algorithm holds its reply to our next command until it comes.
fn quick_ack(tcp: &TcpStream) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let on: libc::c_int = 1;
        // SAFETY: a valid socket fd and a c_int option value of the right size.
        let _ = unsafe {
            libc::setsockopt(
                tcp.as_raw_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_QUICKACK,
                (&on as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
    }
    #[cfg(not(target_os = "linux"))]
    let _ = tcp;
}
