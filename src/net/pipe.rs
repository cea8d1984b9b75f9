//! Headless mode: `wirepost tcp|listen|udp` pipe stdin to the socket and the
//! socket to stdout, like nc, driven by the same engines as the interface.
//! For TCP, end of stdin half-closes (FIN) and the peer closing ends the
//! program with status 0.

use super::hub;
use super::pipe_buffer::DataPipe;
use super::pipe_stdin::{StdinInput, StdinReader};
use super::registry::Registry;
use super::session::{
    Chunk, Direction, MailProtocol, OpenSpec, Rules, ServerCert, SessionCommand, SessionEvent,
    SessionId, TlsInfo, fresh_session_id,
};
use super::tls::TlsOptions;
use crate::report::{Report, Reporter};
use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// What to pipe.
#[derive(Debug, Clone)]
pub enum PipeSpec {
    Tcp {
        target: String,
        tls: Option<TlsOptions>,
        starttls: Option<MailProtocol>,
        timeout: Duration,
    },
    Listen {
        addr: String,
        udp: bool,
        tls: Option<ServerCert>,
        rules: Rules,
    },
    Udp {
        target: String,
        /// How long to wait for replies once stdin has ended.
        wait: Duration,
    },
}

/// Runs the pipe to the end; returns the process exit status.
pub fn run(spec: PipeSpec) -> u8 {
    // One thread runs the engine and stdout; stdin has its own. Fewer
    // threads than a pool means fewer hand-offs per chunk.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("wirepost: cannot start the async runtime: {e}");
            return 1;
        }
    };
    let status = runtime.block_on(drive(spec));
    // The stdin thread may be parked in a read; do not wait for it.
    runtime.shutdown_background();
    status
}

/// What the pipe is, as far as its stdin and stdout are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    TcpClient,
    TcpServer,
    UdpServer,
    UdpClient,
}

/// The session to open for a `PipeSpec`, and how to pipe it.
struct Plan {
    open: OpenSpec,
    role: Role,
    /// The upgrade to run once connected, before any byte is piped.
    starttls: Option<(MailProtocol, TlsOptions)>,
    /// How long to wait for replies once stdin has ended (UDP clients).
    linger: Option<Duration>,
}

fn plan(spec: PipeSpec) -> Plan {
    let simple = |open, role| Plan {
        open,
        role,
        starttls: None,
        linger: None,
    };
    match spec {
        PipeSpec::Tcp {
            target,
            tls,
            starttls,
            timeout,
        } => Plan {
            open: OpenSpec::Connect {
                target,
                tls: tls.clone().filter(|_| starttls.is_none()),
                sni: None,
                timeout,
            },
            role: Role::TcpClient,
            starttls: starttls.map(|p| (p, tls.unwrap_or_default())),
            linger: None,
        },
        PipeSpec::Listen {
            addr,
            udp: false,
            tls,
            rules,
        } => simple(OpenSpec::Listen { addr, tls, rules }, Role::TcpServer),
        PipeSpec::Listen {
            addr,
            udp: true,
            rules,
            ..
        } => simple(OpenSpec::UdpBind { addr, rules }, Role::UdpServer),
        PipeSpec::Udp { target, wait } => Plan {
            linger: Some(wait),
            ..simple(OpenSpec::UdpSend { target }, Role::UdpClient)
        },
    }
}

async fn drive(spec: PipeSpec) -> u8 {
    let plan = plan(spec);
    let (events_tx, mut events) = Reporter::<SessionEvent>::channel(256);
    let (commands_tx, commands_rx) = mpsc::channel::<SessionCommand>(8);
    let id = fresh_session_id();
    let sink = hub::sink_for(id, events_tx, false);
    let registry = Registry::default();
    let (stdin_tx, mut stdin) = mpsc::channel::<StdinInput>(4);
    let reads_lines = matches!(plan.role, Role::UdpServer | Role::UdpClient);
    let direct = (plan.role == Role::TcpClient).then(|| commands_tx.clone());
    let mut piping = Piping {
        id,
        role: plan.role,
        pipe: sink.pipe.clone(),
        commands: commands_tx,
        registry: registry.clone(),
        plaintext_phase: plan.starttls.is_some(),
        starttls: plan.starttls,
        stdin: StdinReader::new(stdin_tx, reads_lines, direct),
        stdin_open: true,
        clients: HashMap::new(),
        last_peer: None,
        out: std::io::stdout(),
    };
    tokio::spawn(hub::open(plan.open, commands_rx, sink, registry));
    loop {
        tokio::select! {
            event = events.recv() => {
                let Some(event) = event else { return 1 };
                let Report::Event(event) = event else { continue };
                if let ControlFlow::Break(status) = piping.on_event(event).await {
                    return status;
                }
            }
            input = stdin.recv(), if piping.stdin_open => piping.on_stdin(input.flatten()).await,
            () = linger(plan.linger, piping.stdin_open) => return 0,
        }
    }
}

/// Ends the pipe `wait` after stdin has ended; never while it is open.
async fn linger(wait: Option<Duration>, stdin_open: bool) {
    match wait {
        Some(wait) if !stdin_open => tokio::time::sleep(wait).await,
        _ => std::future::pending().await,
    }
}

/// The event loop's state: where stdin goes and where stdout comes from.
struct Piping {
    id: SessionId,
    role: Role,
    /// The session's own pipe; a listener's clients each have theirs.
    pipe: Arc<DataPipe>,
    commands: mpsc::Sender<SessionCommand>,
    registry: Registry,
    starttls: Option<(MailProtocol, TlsOptions)>,
    /// Before a STARTTLS upgrade: the plaintext dialogue is not output.
    plaintext_phase: bool,
    stdin: StdinReader,
    stdin_open: bool,
    clients: HashMap<SessionId, Arc<DataPipe>>,
    /// The last UDP sender: a UDP server's input goes to it.
    last_peer: Option<SocketAddr>,
    out: std::io::Stdout,
}

impl Piping {
    /// Applies one engine report; `Break` carries the exit status.
    async fn on_event(&mut self, event: SessionEvent) -> ControlFlow<u8> {
        match event {
            SessionEvent::Connected { id, .. } if id == self.id => self.on_connected().await,
            SessionEvent::Bound { local, .. } => self.on_bound(local),
            SessionEvent::Tls { id, info } if id == self.id => self.on_tls(&info),
            SessionEvent::Accepted { id, peer, pipe, .. } => {
                eprintln!("wirepost: connection from {peer}");
                self.clients.insert(id, pipe.0);
                self.stdin.start();
            }
            SessionEvent::Data { id } => return self.on_data(id),
            SessionEvent::Warning { text, .. } => eprintln!("wirepost: {text}"),
            SessionEvent::Closed { id, error } => return self.on_closed(id, error),
            _ => {}
        }
        ControlFlow::Continue(())
    }

    async fn on_connected(&mut self) {
        match self.starttls.clone() {
            Some((protocol, tls)) => {
                let _ = self
                    .commands
                    .send(SessionCommand::StartTls { protocol, tls })
                    .await;
            }
            None => self.stdin.start(),
        }
    }

    fn on_bound(&mut self, local: SocketAddr) {
        if matches!(self.role, Role::TcpServer | Role::UdpServer) {
            eprintln!("wirepost: listening on {local}");
        }
        // A TCP server reads stdin once someone can receive it.
        if self.role != Role::TcpServer {
            self.stdin.start();
        }
    }

    fn on_tls(&mut self, info: &TlsInfo) {
        eprintln!("wirepost: {}", describe_tls(info));
        if self.starttls.is_some() {
            // The plaintext dialogue is not part of the stream.
            self.pipe.drain();
            self.plaintext_phase = false;
            self.stdin.start();
        }
    }

    fn on_data(&mut self, id: SessionId) -> ControlFlow<u8> {
        let chunks = if id == self.id {
            self.pipe.drain()
        } else {
            self.clients.get(&id).map(|p| p.drain()).unwrap_or_default()
        };
        if let Some(peer) = chunks.iter().rev().find_map(|c| c.peer) {
            self.last_peer = Some(peer);
        }
        if self.plaintext_phase {
            return ControlFlow::Continue(());
        }
        if write_out(&mut self.out, &chunks).is_err() {
            return ControlFlow::Break(0); // stdout closed: like nc, stop quietly
        }
        ControlFlow::Continue(())
    }

    /// A client closing ends a server once no client is left; the session
    /// itself closing ends the pipe.
    fn on_closed(&mut self, id: SessionId, error: Option<String>) -> ControlFlow<u8> {
        if let Some(client) = self.clients.remove(&id) {
            let _ = write_out(&mut self.out, &client.drain());
            if let Some(e) = error {
                eprintln!("wirepost: {e}");
            }
            if self.clients.is_empty() {
                return ControlFlow::Break(0);
            }
        } else if id == self.id {
            let _ = write_out(&mut self.out, &self.pipe.drain());
            return ControlFlow::Break(match error {
                None => 0,
                Some(e) => {
                    eprintln!("wirepost: {e}");
                    1
                }
            });
        }
        ControlFlow::Continue(())
    }

    /// Input the loop routes (a TCP client's goes to its engine directly).
    async fn on_stdin(&mut self, input: StdinInput) {
        match input {
            Some(data) => self.send(data).await,
            None => self.end_input().await,
        }
    }

    async fn send(&self, data: Vec<u8>) {
        match self.role {
            Role::TcpServer => self.to_clients(|| SessionCommand::Send(data.clone())).await,
            Role::UdpServer => match self.last_peer {
                Some(peer) => {
                    let _ = self.commands.send(SessionCommand::SendTo(peer, data)).await;
                }
                None => eprintln!("wirepost: no peer yet; input dropped"),
            },
            Role::TcpClient | Role::UdpClient => {
                let _ = self.commands.send(SessionCommand::Send(data)).await;
            }
        }
    }

    /// End of stdin half-closes TCP; UDP has nothing to close.
    async fn end_input(&mut self) {
        self.stdin_open = false;
        match self.role {
            Role::TcpServer => self.to_clients(|| SessionCommand::HalfClose).await,
            Role::TcpClient => {
                let _ = self.commands.send(SessionCommand::HalfClose).await;
            }
            Role::UdpServer | Role::UdpClient => {}
        }
    }

    async fn to_clients(&self, command: impl Fn() -> SessionCommand) {
        for client in self.clients.keys() {
            if let Some(tx) = self.registry.get(*client) {
                let _ = tx.send(command()).await;
            }
        }
    }
}

/// Writes received bytes to stdout as they came.
fn write_out(out: &mut std::io::Stdout, chunks: &[Chunk]) -> std::io::Result<()> {
    if chunks.is_empty() {
        return Ok(());
    }
    // A blocking write: while stdout is full the engine waits too, which
    // is the back-pressure a pipe should have.
    let mut out = out.lock();
    for chunk in chunks.iter().filter(|c| c.dir == Direction::In) {
        out.write_all(&chunk.data)?;
    }
    out.flush()
}

pub fn describe_tls(info: &TlsInfo) -> String {
    let mut text = format!(
        "{} {} subject: {} issuer: {} expires: {}",
        info.protocol, info.cipher, info.subject, info.issuer, info.not_after
    );
    if !info.verified {
        text.push_str(" (certificate NOT verified)");
    }
    crate::sanitize::clean_line(&text)
}
