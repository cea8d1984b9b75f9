//! One socket session as the Sockets tab keeps it: where it goes, its
//! state, its counters and transcript, and how typed lines are sent.

use super::peers::Peers;
use super::{LineEnding, SessionState};
use crate::net::session::{
    Chunk, Direction, OpenSpec, PipeHandle, SessionId, SessionKind, TlsInfo,
};
use crate::net::tls::TlsOptions;
use crate::net::transcript::Transcript;
use std::net::SocketAddr;
use std::time::Instant;

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
    /// UDP peers, and where replies go.
    pub peers: Peers,
    /// The last `:run` and how far it got.
    pub run: Option<super::runs::RunState>,
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
            peers: Peers::default(),
            run: None,
        }
    }

    /// Takes new chunks into the transcript and counters.
    pub(super) fn absorb(&mut self, chunks: Vec<Chunk>) -> usize {
        let mut taken = 0;
        for chunk in chunks {
            taken += chunk.data.len();
            match chunk.dir {
                Direction::In => self.bytes_in += chunk.data.len() as u64,
                Direction::Out => self.bytes_out += chunk.data.len() as u64,
            }
            if let Some(peer) = chunk.peer {
                match chunk.dir {
                    Direction::In => self.peers.heard_from(peer, Instant::now()),
                    Direction::Out => self.peers.sent_to(peer, Instant::now()),
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

    /// Where a UDP session's input goes when not to its default target:
    /// a UDP server's to the chosen peer, else the last sender; a UDP
    /// client's to a chosen peer only (else to the address it was opened
    /// with).
    pub fn selected_peer(&self) -> Option<SocketAddr> {
        match self.kind {
            SessionKind::UdpClient if self.peers.follows_last_sender() => None,
            _ => self.peers.target(),
        }
    }
}
