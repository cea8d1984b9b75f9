//! Headless mode: `wirepost tcp|listen|udp` pipe stdin to the socket and the
//! socket to stdout, like nc. A plain TCP connection takes the direct path
//! (`pipe_direct`); TLS, STARTTLS, listeners and UDP are driven by the same
//! engines as the interface. For TCP, end of stdin half-closes (FIN) and
//! the peer closing ends the program with status 0.

use super::hub;
use super::pipe_buffer::DataPipe;
use super::pipe_limits::{Activity, Limits, status};
use super::pipe_output::Output;
use super::pipe_stdin::{StdinInput, StdinReader};
use super::registry::Registry;
use super::session::{
    MailProtocol, OpenSpec, Rules, ServerCert, SessionCommand, SessionEvent, SessionId, TlsInfo,
    fresh_session_id,
};
use super::tls::TlsOptions;
use crate::report::{Report, Reporter};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// What to pipe.
#[derive(Debug, Clone)]
pub enum PipeSpec {
    Tcp {
        target: String,
        tls: Option<TlsOptions>,
        starttls: Option<MailProtocol>,
        timeout: Duration,
        limits: Limits,
        /// Say on stderr whom we are connected to, and show the whole
        /// certificate summary.
        verbose: bool,
    },
    Listen {
        addr: String,
        udp: bool,
        tls: Option<ServerCert>,
        rules: Rules,
        /// Label each line on stdout with the peer that sent it.
        peer_prefix: bool,
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
            return status::NETWORK;
        }
    };
    let status = match spec {
        PipeSpec::Tcp {
            target,
            tls: None,
            starttls: None,
            timeout,
            limits,
            verbose,
        } => {
            // No byte needs the engine: connect, then copy directly.
            match runtime.block_on(direct_socket(&target, timeout, verbose)) {
                Ok(tcp) => super::pipe_direct::run(tcp, limits),
                Err(e) => {
                    eprintln!("wirepost: {e}");
                    status::NETWORK
                }
            }
        }
        spec => runtime.block_on(drive(spec)),
    };
    // The stdin thread may be parked in a read; do not wait for it.
    runtime.shutdown_background();
    status
}

/// Connects as the engine would (timeout, clear errors) and hands over a
/// blocking socket for the copying threads.
async fn direct_socket(
    target: &str,
    timeout: Duration,
    verbose: bool,
) -> Result<std::net::TcpStream, String> {
    let tcp = super::tcp::connect(target, timeout).await?;
    if verbose && let (Ok(local), Ok(peer)) = (tcp.local_addr(), tcp.peer_addr()) {
        eprintln!("wirepost: connected to {peer} from {local}");
    }
    let tcp = tcp.into_std().map_err(|e| e.to_string())?;
    tcp.set_nonblocking(false).map_err(|e| e.to_string())?;
    Ok(tcp)
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
    limits: Limits,
    verbose: bool,
    peer_prefix: bool,
}

fn plan(spec: PipeSpec) -> Plan {
    let simple = |open, role| Plan {
        open,
        role,
        starttls: None,
        limits: Limits::default(),
        verbose: false,
        peer_prefix: false,
    };
    match spec {
        PipeSpec::Tcp {
            target,
            tls,
            starttls,
            timeout,
            limits,
            verbose,
        } => Plan {
            open: OpenSpec::Connect {
                target,
                tls: tls.clone().filter(|_| starttls.is_none()),
                sni: None,
                timeout,
            },
            role: Role::TcpClient,
            starttls: starttls.map(|p| (p, tls.unwrap_or_default())),
            limits,
            verbose,
            peer_prefix: false,
        },
        PipeSpec::Listen {
            addr,
            udp,
            tls,
            rules,
            peer_prefix,
        } => {
            let (open, role) = if udp {
                (OpenSpec::UdpBind { addr, rules }, Role::UdpServer)
            } else {
                (OpenSpec::Listen { addr, tls, rules }, Role::TcpServer)
            };
            Plan {
                peer_prefix,
                ..simple(open, role)
            }
        }
        PipeSpec::Udp { target, wait } => Plan {
            limits: Limits {
                quit_after_eof: Some(wait),
                idle: None,
            },
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
    let activity = Arc::new(Activity::new());
    let mut piping = Piping {
        id,
        role: plan.role,
        pipe: sink.pipe.clone(),
        commands: commands_tx,
        registry: registry.clone(),
        plaintext_phase: plan.starttls.is_some(),
        starttls: plan.starttls,
        verbose: plan.verbose,
        stdin: StdinReader::new(stdin_tx, reads_lines, direct, activity.clone()),
        input_ended: None,
        clients: HashMap::new(),
        known_peers: Vec::new(),
        last_peer: None,
        out: Output::new(plan.peer_prefix),
        activity: activity.clone(),
    };
    tokio::spawn(hub::open(plan.open, commands_rx, sink, registry));
    loop {
        let deadline = plan.limits.deadline(&activity, piping.input_ended);
        tokio::select! {
            event = events.recv() => {
                let Some(event) = event else { return status::NETWORK };
                let Report::Event(event) = event else { continue };
                if let ControlFlow::Break(status) = piping.on_event(event).await {
                    return status;
                }
            }
            input = stdin.recv(), if piping.input_ended.is_none() => {
                piping.on_stdin(input.flatten()).await;
            }
            () = sleep_until(deadline) => {
                if let Some(code) = plan.limits.reached(&activity, piping.input_ended, Instant::now()) {
                    return code;
                }
            }
        }
    }
}

/// Sleeps until `deadline`; forever without one.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

/// A client of a headless listener.
struct Client {
    pipe: Arc<DataPipe>,
    peer: SocketAddr,
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
    verbose: bool,
    stdin: StdinReader,
    /// When stdin ended.
    input_ended: Option<Instant>,
    clients: HashMap<SessionId, Client>,
    /// UDP peers seen so far, to report each new one once.
    known_peers: Vec<SocketAddr>,
    /// The last UDP sender: a UDP server's input goes to it.
    last_peer: Option<SocketAddr>,
    out: Output,
    activity: Arc<Activity>,
}

impl Piping {
    /// Applies one engine report; `Break` carries the exit status.
    async fn on_event(&mut self, event: SessionEvent) -> ControlFlow<u8> {
        match event {
            SessionEvent::Connected { id, local, peer } if id == self.id => {
                if self.verbose {
                    eprintln!("wirepost: connected to {peer} from {local}");
                }
                self.on_connected().await;
            }
            SessionEvent::Bound { local, .. } => self.on_bound(local),
            SessionEvent::Tls { id, info } if id == self.id => self.on_tls(&info),
            SessionEvent::Accepted { id, peer, pipe, .. } => {
                eprintln!("wirepost: connection from {peer}");
                self.clients.insert(id, Client { pipe: pipe.0, peer });
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
        for line in super::tls_report::stderr_lines(info, self.verbose) {
            eprintln!("wirepost: {line}");
        }
        if self.starttls.is_some() && !info.refused {
            // The plaintext dialogue is not part of the stream.
            self.pipe.drain();
            self.plaintext_phase = false;
            self.stdin.start();
        }
    }

    fn on_data(&mut self, id: SessionId) -> ControlFlow<u8> {
        self.activity.touch();
        let (chunks, from) = if id == self.id {
            (self.pipe.drain(), None)
        } else {
            match self.clients.get(&id) {
                Some(client) => (client.pipe.drain(), Some(client.peer)),
                None => return ControlFlow::Continue(()),
            }
        };
        self.note_peers(&chunks);
        if self.plaintext_phase {
            return ControlFlow::Continue(());
        }
        if self.out.write(from, &chunks).is_err() {
            return ControlFlow::Break(status::OK); // stdout closed: like nc, stop quietly
        }
        ControlFlow::Continue(())
    }

    /// Remembers the last UDP sender (where input goes) and reports each
    /// new one.
    fn note_peers(&mut self, chunks: &[super::session::Chunk]) {
        for peer in chunks.iter().filter_map(|c| c.peer) {
            if self.role == Role::UdpServer && !self.known_peers.contains(&peer) {
                eprintln!("wirepost: datagram from new peer {peer}");
                self.known_peers.push(peer);
            }
            self.last_peer = Some(peer);
        }
    }

    /// A client closing ends a server once no client is left; the session
    /// itself closing ends the pipe.
    fn on_closed(&mut self, id: SessionId, error: Option<String>) -> ControlFlow<u8> {
        if let Some(client) = self.clients.remove(&id) {
            let _ = self.out.write(Some(client.peer), &client.pipe.drain());
            let _ = self.out.peer_left(client.peer);
            match error {
                Some(e) => eprintln!("wirepost: {} disconnected: {e}", client.peer),
                None => eprintln!("wirepost: {} disconnected", client.peer),
            }
            if self.clients.is_empty() {
                return ControlFlow::Break(status::OK);
            }
        } else if id == self.id {
            let _ = self.out.write(None, &self.pipe.drain());
            return ControlFlow::Break(match error {
                None => status::OK,
                Some(e) => {
                    eprintln!("wirepost: {e}");
                    status::NETWORK
                }
            });
        }
        ControlFlow::Continue(())
    }

    /// Input the loop routes (a TCP client's goes to its engine directly
    /// and only its end comes here).
    async fn on_stdin(&mut self, input: StdinInput) {
        match input {
            Some(data) => {
                self.activity.touch();
                self.send(data).await;
            }
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
        self.input_ended = Some(Instant::now());
        match self.role {
            Role::TcpServer => self.to_clients(|| SessionCommand::HalfClose).await,
            // The stdin thread half-closed already.
            Role::TcpClient | Role::UdpServer | Role::UdpClient => {}
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
