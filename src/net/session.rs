//! The vocabulary shared by every socket session: ids, what to open, what a
//! session can be told, and what it reports.

pub use super::chunk::{Chunk, Direction, READ_CHUNK_BYTES};
use super::pipe_buffer::DataPipe;
use super::tls::TlsOptions;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Identifies one socket session (a connection, a listener, a UDP socket).
pub type SessionId = u64;

static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);

/// A session id no other session in this process has. The app takes ids for
/// the sessions it opens, listeners for the clients they accept.
pub fn fresh_session_id() -> SessionId {
    NEXT_SESSION.fetch_add(1, Ordering::Relaxed)
}

/// Listener jobs live in the same id space as other jobs; this bit keeps
/// them apart from jobs numbered by `Engines`.
pub const LISTENER_JOB_BIT: u64 = 1 << 40;

pub fn listener_job(session: SessionId) -> u64 {
    session | LISTENER_JOB_BIT
}

/// How long a connection attempt may take unless the user says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The mail protocols whose STARTTLS dialogue wirepost knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailProtocol {
    Smtp,
    Imap,
    Pop3,
}

impl MailProtocol {
    pub fn parse(name: &str) -> Option<MailProtocol> {
        match name.to_ascii_lowercase().as_str() {
            "smtp" | "submission" => Some(MailProtocol::Smtp),
            "imap" => Some(MailProtocol::Imap),
            "pop3" | "pop" => Some(MailProtocol::Pop3),
            _ => None,
        }
    }

    /// The protocol usually spoken on `port`, for STARTTLS without a name.
    pub fn for_port(port: u16) -> Option<MailProtocol> {
        match port {
            25 | 587 | 2525 => Some(MailProtocol::Smtp),
            143 => Some(MailProtocol::Imap),
            110 => Some(MailProtocol::Pop3),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            MailProtocol::Smtp => "smtp",
            MailProtocol::Imap => "imap",
            MailProtocol::Pop3 => "pop3",
        }
    }
}

/// Where a TLS listener gets its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerCert {
    /// A self-signed certificate made on the spot for localhost.
    Generated,
    Files {
        cert: PathBuf,
        key: PathBuf,
    },
}

/// What a listener or UDP socket does on its own, so that simple servers
/// need no typing: greet each client, answer each line, hang up on a word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    /// Sent to each client on connect (with `\n` added unless it ends
    /// with a line ending).
    pub greeting: Option<Vec<u8>>,
    /// Answer to each received line; `{line}` is replaced by the line (the
    /// line's own ending is added unless the answer ends with one).
    pub reply: Option<String>,
    /// A line that makes the server close that client's connection.
    pub bye: Option<String>,
}

impl Rules {
    pub fn is_empty(&self) -> bool {
        self.greeting.is_none() && self.reply.is_none() && self.bye.is_none()
    }
}

/// What to open.
#[derive(Debug, Clone, PartialEq)]
pub enum OpenSpec {
    /// A TCP client, optionally TLS from the first byte.
    Connect {
        target: String,
        tls: Option<TlsOptions>,
        /// The name sent as SNI and verified; defaults to the host.
        sni: Option<String>,
        timeout: Duration,
    },
    /// A TCP listener; each accepted client becomes its own session.
    Listen {
        addr: String,
        tls: Option<ServerCert>,
        rules: Rules,
    },
    /// A UDP socket bound to `addr` that shows every datagram.
    UdpBind { addr: String, rules: Rules },
    /// An unconnected UDP socket that sends to `target` by default.
    UdpSend { target: String },
}

impl OpenSpec {
    pub fn kind(&self) -> SessionKind {
        match self {
            OpenSpec::Connect { tls: None, .. } => SessionKind::Tcp,
            OpenSpec::Connect { tls: Some(_), .. } => SessionKind::Tls,
            OpenSpec::Listen { tls: None, .. } => SessionKind::Listener,
            OpenSpec::Listen { tls: Some(_), .. } => SessionKind::TlsListener,
            OpenSpec::UdpBind { .. } => SessionKind::UdpBound,
            OpenSpec::UdpSend { .. } => SessionKind::UdpClient,
        }
    }

    /// The address as the user typed it.
    pub fn address(&self) -> &str {
        match self {
            OpenSpec::Connect { target, .. } | OpenSpec::UdpSend { target } => target,
            OpenSpec::Listen { addr, .. } | OpenSpec::UdpBind { addr, .. } => addr,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Tcp,
    Tls,
    Listener,
    TlsListener,
    /// A client accepted by a listener.
    Accepted,
    UdpBound,
    UdpClient,
}

impl SessionKind {
    pub fn label(self) -> &'static str {
        match self {
            SessionKind::Tcp => "tcp",
            SessionKind::Tls => "tls",
            SessionKind::Listener => "listen",
            SessionKind::TlsListener => "listen+tls",
            SessionKind::Accepted => "client",
            SessionKind::UdpBound => "udp-bind",
            SessionKind::UdpClient => "udp",
        }
    }

    pub fn is_udp(self) -> bool {
        matches!(self, SessionKind::UdpBound | SessionKind::UdpClient)
    }

    pub fn is_listener(self) -> bool {
        matches!(self, SessionKind::Listener | SessionKind::TlsListener)
    }
}

/// What a running session can be told.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionCommand {
    /// Write bytes (UDP: to the default peer).
    Send(Vec<u8>),
    /// Send a datagram to `peer` (UDP only).
    SendTo(SocketAddr, Vec<u8>),
    /// Send the contents of a file, in chunks.
    SendFile {
        path: PathBuf,
        to: Option<SocketAddr>,
    },
    /// Send FIN and keep reading.
    HalfClose,
    /// Close the connection (a listener stops accepting).
    Close,
    /// Upgrade this plain connection to TLS with the protocol's dialogue.
    StartTls {
        protocol: MailProtocol,
        tls: TlsOptions,
    },
}

/// A TLS connection as people read it: the negotiated parameters, the
/// certificate chain and the verdict (see `tls_report`). Also reported for
/// a handshake that was refused, so the chain can be looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsInfo {
    pub protocol: String,
    pub cipher: String,
    /// The server's certificates, its own first; ours on a listener.
    pub chain: Vec<super::cert::CertSummary>,
    /// The verdict in plain words.
    pub verdict: String,
    /// The library's own words, when the check failed.
    pub raw: Option<String>,
    /// What trust-on-first-use said, when it was on and has news.
    pub pin: Option<String>,
    /// False when certificate checks were switched off or failed.
    pub verified: bool,
    /// The handshake failed; the session ends.
    pub refused: bool,
    /// The chain is our own (a TLS listener's client).
    pub ours: bool,
    /// When the handshake was checked (Unix seconds): days left count
    /// from here.
    pub at: i64,
}

/// A shared handle to a session's byte pipe; compares by identity.
#[derive(Clone)]
pub struct PipeHandle(pub Arc<DataPipe>);

impl PartialEq for PipeHandle {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for PipeHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PipeHandle")
    }
}

/// What the app asks of the socket engines.
#[derive(Debug, Clone, PartialEq)]
pub enum SocketCommand {
    Open {
        id: SessionId,
        spec: OpenSpec,
        pipe: PipeHandle,
    },
    To {
        id: SessionId,
        command: SessionCommand,
    },
    /// Send a payload again and again (`:run`); reported for session `id`.
    Run { id: SessionId, spec: RunSpec },
    /// Stop the run of session `id`.
    StopRun { id: SessionId },
    /// Write a transcript: the received bytes as they came, and a readable log.
    Save {
        path: PathBuf,
        raw: Vec<u8>,
        log: String,
    },
}

/// What socket engines report.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionEvent {
    /// A listener accepted a client, which is now a session of its own.
    Accepted {
        id: SessionId,
        listener: SessionId,
        peer: SocketAddr,
        pipe: PipeHandle,
    },
    Connected {
        id: SessionId,
        local: SocketAddr,
        peer: SocketAddr,
    },
    /// A listener or UDP socket is bound.
    Bound { id: SessionId, local: SocketAddr },
    /// The connection is encrypted now (at connect, or after STARTTLS).
    Tls { id: SessionId, info: TlsInfo },
    /// New chunks wait in the session's pipe. At most one is in flight per
    /// session, so control reports never queue behind data.
    Data { id: SessionId },
    /// Our side sent FIN; reading goes on.
    HalfClosed { id: SessionId },
    /// Something the user should know that does not end the session.
    Warning { id: SessionId, text: String },
    /// A `:run` sent another round, or ended.
    Run {
        id: SessionId,
        progress: RunProgress,
    },
    /// The session ended; `error` says why when it was not a clean close.
    Closed {
        id: SessionId,
        error: Option<String>,
    },
}

/// One `:run`: what to send where, how often.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSpec {
    /// The payload's name, for the counter.
    pub name: String,
    /// Tells this run's reports from an earlier one's.
    pub serial: u64,
    /// Each round: these commands to these sessions.
    pub deliveries: Vec<(SessionId, SessionCommand)>,
    pub count: u32,
    pub every: Duration,
}

/// How far a run is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunProgress {
    pub serial: u64,
    pub sent: u32,
    /// Set when the run is over: "done", or why it stopped.
    pub ended: Option<String>,
}
