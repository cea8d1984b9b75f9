//! TCP client sessions: connecting (with timeout and clear errors), TLS,
//! and the loop every TCP session runs — client or accepted — that moves
//! bytes between the socket, the transcript pipe and the app's commands.

use super::rules::LineRules;
use super::session::{Direction, READ_CHUNK_BYTES, SessionCommand, SessionEvent};
use super::sink::Sink;
use super::starttls;
use super::stream::Stream;
use super::tls::{TlsOptions, inspecting_config, server_name};
use super::tls_report;
use std::io;
use std::net::SocketAddr;
use std::ops::ControlFlow;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Splits "host:port", "[v6]:port" or "v6-without-brackets" forms.
pub fn split_host_port(target: &str) -> Result<(String, u16), String> {
    let (host, port) = target
        .rsplit_once(':')
        .ok_or_else(|| format!("\"{target}\" needs a port, e.g. {target}:80"))?;
    let port: u16 = port
        .parse()
        .map_err(|_| format!("\"{port}\" is not a port number"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Err(format!("\"{target}\" has no host"));
    }
    Ok((host.to_string(), port))
}

/// Resolves `target`; DNS failures say which name failed.
pub async fn resolve(target: &str) -> Result<Vec<SocketAddr>, String> {
    let (host, port) = split_host_port(target)?;
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| format!("cannot resolve {host}: {}", dns_reason(&e)))?
        .collect();
    if addrs.is_empty() {
        return Err(format!("cannot resolve {host}: no addresses"));
    }
    Ok(addrs)
}

fn dns_reason(e: &io::Error) -> String {
    let text = e.to_string();
    if text.contains("failed to lookup address") || text.contains("Name or service not known") {
        "unknown host".into()
    } else {
        text
    }
}

/// Connects to the first address of `target` that answers, within `timeout`
/// overall.
pub async fn connect(target: &str, timeout: Duration) -> Result<TcpStream, String> {
    let attempt = async {
        let mut last = String::from("no address to try");
        for addr in resolve(target).await? {
            match TcpStream::connect(addr).await {
                Ok(stream) => return Ok(stream),
                Err(e) => last = connect_reason(addr, &e),
            }
        }
        Err(last)
    };
    match tokio::time::timeout(timeout, attempt).await {
        Ok(Ok(stream)) => {
            let _ = stream.set_nodelay(true);
            Ok(stream)
        }
        Ok(Err(e)) => Err(e),
        Err(_) => Err(format!(
            "connecting to {target} timed out after {}s",
            timeout.as_secs_f32()
        )),
    }
}

fn connect_reason(addr: SocketAddr, e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => format!("connection refused by {addr}"),
        io::ErrorKind::HostUnreachable => format!("host {addr} unreachable"),
        io::ErrorKind::NetworkUnreachable => format!("network unreachable for {addr}"),
        _ => format!("cannot connect to {addr}: {e}"),
    }
}

/// Runs the TLS handshake as a client on `tcp`. The report (chain,
/// verdict) goes to `sink` whether the handshake succeeds or is refused;
/// a refusal is returned in plain words.
pub async fn tls_client(
    tcp: TcpStream,
    host: &str,
    options: &TlsOptions,
    sink: &Sink,
) -> Result<Stream, String> {
    let port = tcp.peer_addr().map_or(0, |a| a.port());
    let (config, seen) =
        inspecting_config(options, &format!("{host}:{port}")).map_err(|e| e.to_string())?;
    let name = server_name(host)?;
    let connector = tokio_rustls::TlsConnector::from(config);
    let connected = connector.connect(name, tcp).await;
    let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
    let checks_on = !options.accept_invalid_certs;
    match connected {
        Ok(tls) => {
            let conn = tls.get_ref().1;
            let negotiated = (
                conn.protocol_version().map(|v| format!("{v:?}")),
                conn.negotiated_cipher_suite()
                    .map(|s| format!("{:?}", s.suite())),
            );
            let info = tls_report::client_info(negotiated, &seen, host, checks_on, None);
            sink.report(SessionEvent::Tls { id: sink.id, info }).await;
            Ok(Stream::Client(Box::new(tls)))
        }
        Err(e) => {
            let info = tls_report::client_info((None, None), &seen, host, checks_on, Some(&e));
            let words = format!("TLS handshake failed: {}", info.verdict);
            sink.report(SessionEvent::Tls { id: sink.id, info }).await;
            Err(words)
        }
    }
}

/// Where a TCP session came from, for what it may do later.
pub struct SessionContext {
    /// The host name, for STARTTLS's SNI; None for accepted clients.
    pub host: Option<String>,
    pub rules: LineRules,
}

/// Moves bytes until either side closes. Reports `Closed` at the end.
pub async fn run_session(
    mut stream: Stream,
    mut commands: mpsc::Receiver<SessionCommand>,
    sink: Sink,
    mut context: SessionContext,
) {
    let error = session_loop(&mut stream, &mut commands, &sink, &mut context)
        .await
        .err();
    let _ = stream.shutdown().await;
    sink.report(SessionEvent::Closed { id: sink.id, error })
        .await;
}

async fn session_loop(
    stream: &mut Stream,
    commands: &mut mpsc::Receiver<SessionCommand>,
    sink: &Sink,
    context: &mut SessionContext,
) -> Result<(), String> {
    if let Some(greeting) = context.rules.greeting() {
        write(stream, sink, greeting).await?;
    }
    let mut session = Session {
        stream,
        sink,
        context,
        tls_buffer: Vec::new(),
        received_any: false,
        write_open: true,
        tls_end_due: None,
    };
    loop {
        let tls_end_due = session.tls_end_due;
        let step = tokio::select! {
            read = session.stream.read_chunk(&mut session.tls_buffer) => session.on_read(read).await?,
            command = commands.recv() => session.on_command(command).await?,
            () = sleep_until_due(tls_end_due), if tls_end_due.is_some() => session.end_tls().await?,
        };
        if step.is_break() {
            return Ok(());
        }
    }
}

/// A running TCP session between two events; `Break` ends it cleanly.
struct Session<'a> {
    stream: &'a mut Stream,
    sink: &'a Sink,
    context: &'a mut SessionContext,
    tls_buffer: Vec<u8>,
    /// The peer has spoken, so a STARTTLS dialogue has had its greeting.
    received_any: bool,
    /// False once our input ended (the FIN may still wait, over TLS).
    write_open: bool,
    /// Over TLS, when the close_notify and the FIN go out unless the peer
    /// speaks again first.
    tls_end_due: Option<Instant>,
}

/// How long a TLS session whose input ended waits for the peer to go
/// quiet before it sends close_notify and FIN. TLS wants a close_notify
/// before the FIN (OpenSSL peers take a bare FIN for a cut connection and
/// answer with an alert). But a server that answers and closes without
/// reading on (Postfix after QUIT) would find an early close_notify
/// unread in its socket, and its kernel then resets the connection and
/// throws away the replies it had not sent yet. Waiting for the peer's
/// silence lets such a server answer and close first; a peer that only
/// listens gets a clean end this long after our last byte.
const TLS_END_GRACE: Duration = Duration::from_millis(250);

async fn sleep_until_due(due: Option<Instant>) {
    if let Some(due) = due {
        tokio::time::sleep_until(due).await;
    }
}

impl Session<'_> {
    async fn on_read(&mut self, read: io::Result<Vec<u8>>) -> Result<ControlFlow<()>, String> {
        let data = match read {
            Ok(data) => data,
            // Servers often close without a TLS close_notify; that loses
            // nothing we were waiting for.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Vec::new(),
            // A reset is never a clean end, not even after our own FIN:
            // the peer's kernel threw away whatever it had not sent yet.
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset && !self.write_open => {
                return Err(
                    "connection reset by peer after our end of input; replies it had not sent are lost"
                        .into(),
                );
            }
            Err(e) => return Err(read_reason(&e)),
        };
        if data.is_empty() {
            // The peer is done: like nc, the session ends here.
            return Ok(ControlFlow::Break(()));
        }
        self.received_any = true;
        if self.tls_end_due.is_some() {
            self.tls_end_due = Some(Instant::now() + TLS_END_GRACE);
        }
        let reaction = self.context.rules.feed(&data);
        self.sink.bytes(Direction::In, None, data).await;
        // The answers to everything this read brought go out in one
        // write: a line at a time would cost a system call per line.
        let replies = reaction.replies.concat();
        if !replies.is_empty() {
            write(self.stream, self.sink, replies).await?;
        }
        Ok(if reaction.close {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        })
    }

    async fn on_command(
        &mut self,
        command: Option<SessionCommand>,
    ) -> Result<ControlFlow<()>, String> {
        match command {
            None | Some(SessionCommand::Close) => return Ok(ControlFlow::Break(())),
            Some(SessionCommand::Send(data)) | Some(SessionCommand::SendTo(_, data)) => {
                if !self.write_open {
                    return Err("cannot send after half-close".into());
                }
                write(self.stream, self.sink, data).await?;
            }
            Some(SessionCommand::SendFile { path, .. }) => {
                send_file(self.stream, self.sink, &path).await?;
            }
            Some(SessionCommand::HalfClose) => self.half_close().await?,
            Some(SessionCommand::StartTls { protocol, tls }) => {
                let greeted = self.received_any;
                upgrade(
                    self.stream,
                    self.sink,
                    self.context,
                    protocol,
                    &tls,
                    greeted,
                )
                .await?;
                self.received_any = true;
            }
        }
        Ok(ControlFlow::Continue(()))
    }

    async fn half_close(&mut self) -> Result<(), String> {
        if self.write_open {
            if self.stream.is_tls() {
                self.stream
                    .flush()
                    .await
                    .map_err(|e| format!("half-close failed: {e}"))?;
                self.tls_end_due = Some(Instant::now() + TLS_END_GRACE);
            } else {
                self.stream
                    .finish_writing()
                    .await
                    .map_err(|e| format!("half-close failed: {e}"))?;
            }
            self.write_open = false;
            self.sink
                .report(SessionEvent::HalfClosed { id: self.sink.id })
                .await;
        }
        Ok(())
    }

    /// The peer stayed quiet after our input ended: close_notify and FIN.
    async fn end_tls(&mut self) -> Result<ControlFlow<()>, String> {
        self.tls_end_due = None;
        self.stream
            .finish_writing()
            .await
            .map_err(|e| format!("half-close failed: {e}"))?;
        Ok(ControlFlow::Continue(()))
    }
}

async fn upgrade(
    stream: &mut Stream,
    sink: &Sink,
    context: &SessionContext,
    protocol: super::session::MailProtocol,
    tls: &TlsOptions,
    greeted: bool,
) -> Result<(), String> {
    let Some(host) = context.host.clone() else {
        return Err("STARTTLS works on client connections only".into());
    };
    // Take the plain socket out for the dialogue and the handshake; on
    // failure the session ends, so `Gone` is never read from.
    let plain = match std::mem::replace(stream, Stream::Gone) {
        Stream::Plain(tcp) => tcp,
        other => {
            *stream = other;
            sink.report(SessionEvent::Warning {
                id: sink.id,
                text: "the connection is already encrypted".into(),
            })
            .await;
            return Ok(());
        }
    };
    let mut plain = plain;
    let leftover = starttls::negotiate(&mut plain, protocol, sink, greeted).await?;
    if !leftover.is_empty() {
        sink.report(SessionEvent::Warning {
            id: sink.id,
            text: format!(
                "the server sent {} bytes after its STARTTLS go-ahead; they are shown but not trusted",
                leftover.len()
            ),
        })
        .await;
    }
    *stream = tls_client(plain, &host, tls, sink).await?;
    Ok(())
}

async fn write(stream: &mut Stream, sink: &Sink, data: Vec<u8>) -> Result<(), String> {
    stream
        .write_all(&data)
        .await
        .map_err(|e| write_reason(&e))?;
    stream.flush().await.map_err(|e| write_reason(&e))?;
    sink.bytes(Direction::Out, None, data).await;
    Ok(())
}

async fn send_file(stream: &mut Stream, sink: &Sink, path: &std::path::Path) -> Result<(), String> {
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut buf = vec![0u8; READ_CHUNK_BYTES];
    loop {
        let n = file
            .read(&mut buf)
            .await
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if n == 0 {
            return Ok(());
        }
        write(stream, sink, buf[..n].to_vec()).await?;
    }
}

fn read_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionReset => "connection reset by peer".into(),
        _ => format!("read failed: {e}"),
    }
}

fn write_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset => {
            "the peer closed the connection".into()
        }
        _ => format!("write failed: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_forms() {
        assert_eq!(
            split_host_port("example.com:80").unwrap(),
            ("example.com".into(), 80)
        );
        assert_eq!(split_host_port("[::1]:9999").unwrap(), ("::1".into(), 9999));
        assert!(split_host_port("example.com").is_err());
        assert!(split_host_port(":80").is_err());
        assert!(split_host_port("h:99999").is_err());
    }
}
