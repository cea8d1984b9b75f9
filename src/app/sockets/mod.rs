//! The Sockets tab's state: the open sessions (listener clients grouped
//! under their listener), the selection, the input line and the view.

mod budget;
mod events;
mod input;
mod keys;
pub mod prompt;

pub use input::{History, InputLine};

use crate::net::session::{
    Chunk, Direction, OpenSpec, PipeHandle, SessionId, SessionKind, TlsInfo,
};
use crate::net::tls::TlsOptions;
use crate::net::transcript::Transcript;
use std::net::SocketAddr;
use std::time::Instant;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionState {
    Connecting,
    Connected,
    /// A listener accepting, or a UDP socket bound.
    Listening,
    /// We sent FIN; the peer may still talk.
    HalfClosed,
    Closed,
    Failed(String),
}

impl SessionState {
    pub fn label(&self) -> &str {
        match self {
            SessionState::Connecting => "connecting",
            SessionState::Connected => "connected",
            SessionState::Listening => "listening",
            SessionState::HalfClosed => "half-closed",
            SessionState::Closed => "closed",
            SessionState::Failed(_) => "error",
        }
    }

    pub fn is_open(&self) -> bool {
        matches!(
            self,
            SessionState::Connecting
                | SessionState::Connected
                | SessionState::Listening
                | SessionState::HalfClosed
        )
    }
}

/// Width of the session list, at most a third of the screen. Shared by the
/// renderer and mouse hit-testing.
pub const LIST_WIDTH: u16 = 34;

/// Screen rows per session in the list.
pub const LIST_ROWS_PER_SESSION: usize = 2;

/// The first session shown when `visible` fit and `selected` must show.
pub fn list_first(selected: usize, visible: usize) -> usize {
    selected.saturating_sub(visible.max(1) - 1)
}

/// What Enter appends to a typed line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    None,
    Lf,
    CrLf,
}

impl LineEnding {
    pub fn bytes(self) -> &'static [u8] {
        match self {
            LineEnding::None => b"",
            LineEnding::Lf => b"\n",
            LineEnding::CrLf => b"\r\n",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LineEnding::None => "no EOL",
            LineEnding::Lf => "LF",
            LineEnding::CrLf => "CRLF",
        }
    }

    fn next(self) -> LineEnding {
        match self {
            LineEnding::None => LineEnding::Lf,
            LineEnding::Lf => LineEnding::CrLf,
            LineEnding::CrLf => LineEnding::None,
        }
    }

    /// Text protocols spoken by clients mostly want CRLF; UDP payloads
    /// are usually exact; a server answers in nc's LF.
    fn default_for(kind: SessionKind) -> LineEnding {
        match kind {
            SessionKind::Tcp | SessionKind::Tls => LineEnding::CrLf,
            SessionKind::UdpBound | SessionKind::UdpClient => LineEnding::None,
            _ => LineEnding::Lf,
        }
    }
}

/// How the transcript is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ViewMode {
    #[default]
    Text,
    Hex,
    /// Text and hex side by side.
    Split,
}

/// Where plain keys go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    /// The input line: keys type.
    #[default]
    Input,
    /// The session list: keys are commands (j/k, r, v, …).
    List,
}

#[derive(Debug, Clone)]
pub struct SocketSession {
    pub id: SessionId,
    /// The listener that accepted this client.
    pub parent: Option<SessionId>,
    pub kind: SessionKind,
    /// The address as typed, or the client's address.
    pub address: String,
    /// How to open it again (none for accepted clients).
    pub spec: Option<OpenSpec>,
    /// Options for STARTTLS on this connection.
    pub tls_options: TlsOptions,
    pub state: SessionState,
    pub local: Option<SocketAddr>,
    pub peer: Option<SocketAddr>,
    pub tls: Option<TlsInfo>,
    /// The last warning about this session (STARTTLS oddities, UDP errors).
    pub warning: Option<String>,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub opened: Instant,
    pub transcript: Transcript,
    pub pipe: PipeHandle,
    pub line_ending: LineEnding,
    pub hex_input: bool,
    /// Lines scrolled up from the bottom; 0 follows new data.
    pub scroll: usize,
    /// UDP peers in the order they were first seen.
    pub peers: Vec<SocketAddr>,
    pub selected_peer: Option<usize>,
}

impl SocketSession {
    pub fn new(
        id: SessionId,
        kind: SessionKind,
        address: String,
        pipe: PipeHandle,
    ) -> SocketSession {
        SocketSession {
            id,
            parent: None,
            kind,
            address,
            spec: None,
            tls_options: TlsOptions::default(),
            state: SessionState::Connecting,
            local: None,
            peer: None,
            tls: None,
            warning: None,
            bytes_in: 0,
            bytes_out: 0,
            opened: Instant::now(),
            transcript: Transcript::default(),
            pipe,
            line_ending: LineEnding::default_for(kind),
            hex_input: false,
            scroll: 0,
            peers: Vec::new(),
            selected_peer: None,
        }
    }

    /// Takes new chunks into the transcript and counters.
    fn absorb(&mut self, chunks: Vec<Chunk>) -> usize {
        let mut taken = 0;
        for chunk in chunks {
            taken += chunk.data.len();
            match chunk.dir {
                Direction::In => self.bytes_in += chunk.data.len() as u64,
                Direction::Out => self.bytes_out += chunk.data.len() as u64,
            }
            if let Some(peer) = chunk.peer
                && !self.peers.contains(&peer)
            {
                self.peers.push(peer);
                if self.kind == SessionKind::UdpBound && self.selected_peer.is_none() {
                    self.selected_peer = Some(self.peers.len() - 1);
                }
            }
            if self.scroll > 0 {
                // Keep the lines the user is reading in place.
                self.scroll += chunk.data.iter().filter(|&&b| b == b'\n').count() + 1;
            }
            self.transcript.push(chunk);
        }
        taken
    }

    /// The state as the list shows it: an unconnected UDP sender is
    /// "ready" rather than "listening".
    pub fn state_label(&self) -> &str {
        match (&self.state, self.kind) {
            (SessionState::Listening, SessionKind::UdpClient) => "ready",
            (state, _) => state.label(),
        }
    }

    pub fn selected_peer(&self) -> Option<SocketAddr> {
        self.selected_peer.and_then(|i| self.peers.get(i).copied())
    }
}

#[derive(Debug, Clone, Default)]
pub struct Sockets {
    pub sessions: Vec<SocketSession>,
    pub selected: usize,
    pub focus: Focus,
    pub input: InputLine,
    /// The `:` command line while open.
    pub prompt: Option<InputLine>,
    pub history: History,
    pub view: ViewMode,
    /// Transcript bytes taken in since the budget was last checked.
    pub(crate) unchecked_bytes: usize,
}

impl Sockets {
    pub fn current(&self) -> Option<&SocketSession> {
        self.sessions.get(self.selected)
    }

    pub fn current_mut(&mut self) -> Option<&mut SocketSession> {
        self.sessions.get_mut(self.selected)
    }

    pub fn find_mut(&mut self, id: SessionId) -> Option<&mut SocketSession> {
        self.sessions.iter_mut().find(|s| s.id == id)
    }

    /// The clients of a listener that are still open.
    pub fn open_children(&self, listener: SessionId) -> Vec<SessionId> {
        self.sessions
            .iter()
            .filter(|s| s.parent == Some(listener) && s.state.is_open())
            .map(|s| s.id)
            .collect()
    }

    /// Adds a session: a listener's clients go right after its group.
    fn insert(&mut self, session: SocketSession) -> usize {
        let at = match session.parent {
            Some(parent) => self
                .sessions
                .iter()
                .rposition(|s| s.id == parent || s.parent == Some(parent))
                .map_or(self.sessions.len(), |i| i + 1),
            None => self.sessions.len(),
        };
        if at <= self.selected && !self.sessions.is_empty() {
            self.selected += 1;
        }
        self.sessions.insert(at, session);
        at
    }

    fn cycle_view(&mut self) {
        self.view = match self.view {
            ViewMode::Text => ViewMode::Hex,
            ViewMode::Hex => ViewMode::Split,
            ViewMode::Split => ViewMode::Text,
        };
    }
}

#[cfg(test)]
mod tests;
