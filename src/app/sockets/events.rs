//! Socket engine reports applied to the Sockets state.

use super::{SessionState, SocketSession};
use crate::app::{App, Command, Level, Tab};
use crate::net::session::{SessionEvent, SessionKind};

impl App {
    pub(in crate::app) fn on_socket_event(&mut self, event: SessionEvent) -> Vec<Command> {
        let visible = self.tab == Tab::Sockets;
        match event {
            SessionEvent::Accepted {
                id,
                listener,
                peer,
                pipe,
            } => {
                let mut session =
                    SocketSession::new(id, SessionKind::Accepted, peer.to_string(), pipe);
                session.parent = Some(listener);
                session.peer = Some(peer);
                self.sockets.insert(session);
                self.dirty |= visible;
            }
            SessionEvent::Connected { id, local, peer } => {
                if let Some(s) = self.sockets.find_mut(id) {
                    s.state = SessionState::Connected;
                    s.local = Some(local);
                    s.peer = Some(peer);
                    self.dirty |= visible;
                }
            }
            SessionEvent::Bound { id, local } => {
                if let Some(s) = self.sockets.find_mut(id) {
                    s.state = SessionState::Listening;
                    s.local = Some(local);
                    self.dirty |= visible;
                }
            }
            SessionEvent::Tls { id, info } => {
                if let Some(s) = self.sockets.find_mut(id) {
                    s.tls = Some(info);
                    self.dirty |= visible;
                }
            }
            SessionEvent::Data { id } => {
                if let Some(s) = self.sockets.find_mut(id) {
                    let chunks = s.pipe.0.drain();
                    let taken = s.absorb(chunks);
                    self.sockets.took(taken);
                    self.dirty |= visible;
                }
            }
            SessionEvent::HalfClosed { id } => {
                if let Some(s) = self.sockets.find_mut(id) {
                    s.state = SessionState::HalfClosed;
                    self.dirty |= visible;
                }
            }
            SessionEvent::Warning { id, text } => {
                if let Some(s) = self.sockets.find_mut(id) {
                    s.warning = Some(text.clone());
                    let label = format!("{}: {text}", s.address);
                    self.status.set(Level::Warning, &label);
                    self.dirty = true;
                }
            }
            SessionEvent::Closed { id, error } => {
                if let Some(s) = self.sockets.find_mut(id) {
                    let chunks = s.pipe.0.drain();
                    let taken = s.absorb(chunks);
                    let (level, text) = match &error {
                        Some(e) => (Level::Error, format!("{}: {e}", s.address)),
                        None => (Level::Info, format!("{} closed", s.address)),
                    };
                    s.state = match error {
                        Some(e) => SessionState::Failed(e),
                        None => SessionState::Closed,
                    };
                    // A closing client of a busy listener is routine; only
                    // its errors reach the status line.
                    if s.kind != SessionKind::Accepted || level == Level::Error {
                        self.status.set(level, &text);
                    }
                    self.dirty = true;
                    self.sockets.took(taken);
                }
            }
        }
        Vec::new()
    }
}
