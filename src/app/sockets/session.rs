//! One socket session as the Sockets tab keeps it: where it goes, its
//! state, its counters and transcript, and how typed lines are sent.

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
    pub(super) fn absorb(&mut self, chunks: Vec<Chunk>) -> usize {
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

    /// Sends to `peer` from now on; it joins the known peers if new.
    pub(super) fn select_peer(&mut self, peer: SocketAddr) {
        if !self.peers.contains(&peer) {
            self.peers.push(peer);
        }
        self.selected_peer = self.peers.iter().position(|p| *p == peer);
    }

    pub fn selected_peer(&self) -> Option<SocketAddr> {
        self.selected_peer.and_then(|i| self.peers.get(i).copied())
    }
}
