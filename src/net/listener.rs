//! TCP listeners: every accepted client becomes a session of its own,
//! running the same loop as a client connection, with the listener's
//! greeting and reply rules.

use super::cert::CertSummary;
use super::registry::Registry;
use super::rules::LineRules;
use super::session::{
    PipeHandle, Rules, ServerCert, SessionCommand, SessionEvent, SessionId, fresh_session_id,
    listener_job,
};
use super::sink::Sink;
use super::stream::Stream;
use super::tcp::{SessionContext, run_session};
use super::tls_report;
use crate::report::JobEvent;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::sync::Arc;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;

/// Commands a session may queue before the app has to wait.
pub const COMMAND_QUEUE: usize = 64;

/// Connections the kernel may hold for us before we accept them (it caps
/// this at `net.core.somaxconn`). A thousand clients connecting at once
/// must not overflow the queue: overflowing connections fall back to SYN
/// cookies, and some of those were reset once they started sending.
const LISTEN_BACKLOG: u32 = 4096;

/// Binds `addr` (names allowed) and reports the address bound.
pub async fn bind(addr: &str) -> Result<TcpListener, String> {
    let addrs = super::tcp::resolve(addr).await?;
    let mut last = String::new();
    for a in addrs {
        match listen_on(a) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = format!("cannot listen on {a}: {e}"),
        }
    }
    Err(last)
}

fn listen_on(addr: std::net::SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    // As std and tokio do: a restarted server can take its port back
    // while old connections linger in TIME_WAIT.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// A listener's TLS side: the acceptor and our own chain, read once for
/// each client's report.
#[derive(Clone)]
pub struct ServerTls {
    pub acceptor: TlsAcceptor,
    own: Arc<Vec<CertSummary>>,
}

impl ServerTls {
    /// Our own chain, as clients get it.
    pub fn own(&self) -> &[CertSummary] {
        &self.own
    }
}

/// A TLS acceptor for `cert`: generated for localhost, or read from files.
pub fn acceptor(cert: &ServerCert) -> Result<ServerTls, String> {
    let (chain, key) = match cert {
        ServerCert::Generated => {
            let generated = rcgen::generate_simple_self_signed(vec![
                "localhost".into(),
                "127.0.0.1".into(),
                "::1".into(),
            ])
            .map_err(|e| format!("cannot generate a certificate: {e}"))?;
            let key = PrivateKeyDer::try_from(generated.signing_key.serialize_der())
                .map_err(|e| format!("generated key unusable: {e}"))?;
            (vec![generated.cert.der().clone()], key)
        }
        ServerCert::Files { cert, key } => {
            let chain = CertificateDer::pem_file_iter(cert)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("cannot read certificate {}: {e}", cert.display()))?;
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| format!("cannot read key {}: {e}", key.display()))?;
            (chain, key)
        }
    };
    let own = chain
        .iter()
        .filter_map(|c| super::cert::describe(c))
        .collect();
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("certificate and key do not fit: {e}"))?;
    Ok(ServerTls {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        own: Arc::new(own),
    })
}

/// Accepts clients until told to close. Runs as a job, so quitting asks.
pub async fn run(
    listener: TcpListener,
    tls: Option<ServerTls>,
    rules: Rules,
    mut commands: mpsc::Receiver<SessionCommand>,
    sink: Sink,
    registry: Registry,
) {
    let id = sink.id;
    let local = listener.local_addr().ok();
    sink.events
        .job(JobEvent::Started {
            job: listener_job(id),
            label: format!(
                "listening on {}",
                local.map_or_else(|| "?".into(), |a| a.to_string())
            ),
        })
        .await;
    let outcome = loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, peer)) => {
                    let _ = tcp.set_nodelay(true);
                    let child = fresh_session_id();
                    let pipe = sink.pipe.sharing();
                    let (tx, rx) = mpsc::channel(COMMAND_QUEUE);
                    registry.insert(child, tx);
                    let child_sink = Sink { id: child, pipe: pipe.clone(), ..sink.clone() };
                    child_sink.report(SessionEvent::Accepted {
                        id: child, listener: id, peer, pipe: PipeHandle(pipe),
                    }).await;
                    tokio::spawn(serve(tcp, tls.clone(), rules.clone(), rx, child_sink, registry.clone()));
                }
                Err(e) => {
                    // Out of file descriptors and the like: keep listening.
                    tracing::warn!("accept failed: {e}");
                    sink.report(SessionEvent::Warning { id, text: format!("accept failed: {e}") }).await;
                }
            },
            command = commands.recv() => match command {
                None | Some(SessionCommand::Close) => break Ok("stopped listening".to_string()),
                Some(_) => {}
            }
        }
    };
    drop(listener);
    registry.remove(id);
    sink.report(SessionEvent::Closed { id, error: None }).await;
    sink.events
        .job(JobEvent::Finished {
            job: listener_job(id),
            outcome,
        })
        .await;
}

async fn serve(
    tcp: tokio::net::TcpStream,
    tls: Option<ServerTls>,
    rules: Rules,
    commands: mpsc::Receiver<SessionCommand>,
    sink: Sink,
    registry: Registry,
) {
    let id = sink.id;
    let (Ok(local), Ok(peer)) = (tcp.local_addr(), tcp.peer_addr()) else {
        sink.report(SessionEvent::Closed {
            id,
            error: Some("client vanished".into()),
        })
        .await;
        registry.remove(id);
        return;
    };
    let stream = match tls {
        None => Stream::Plain(tcp),
        Some(server) => match server.acceptor.accept(tcp).await {
            Ok(tls) => {
                let conn = tls.get_ref().1;
                let negotiated = (
                    conn.protocol_version().map(|v| format!("{v:?}")),
                    conn.negotiated_cipher_suite()
                        .map(|s| format!("{:?}", s.suite())),
                );
                let info = tls_report::server_info(negotiated, &server.own);
                sink.report(SessionEvent::Tls { id, info }).await;
                Stream::Server(Box::new(tls))
            }
            Err(e) => {
                let error = Some(format!("TLS handshake failed: {e}"));
                sink.report(SessionEvent::Closed { id, error }).await;
                registry.remove(id);
                return;
            }
        },
    };
    sink.report(SessionEvent::Connected { id, local, peer })
        .await;
    let context = SessionContext {
        host: None,
        rules: LineRules::new(rules),
    };
    run_session(stream, commands, sink, context).await;
    registry.remove(id);
}

/// The session id of a listener's child, for tests and the headless pipe.
pub fn is_child_of(event: &SessionEvent, listener: SessionId) -> Option<SessionId> {
    match event {
        SessionEvent::Accepted {
            id, listener: l, ..
        } if *l == listener => Some(*id),
        _ => None,
    }
}
