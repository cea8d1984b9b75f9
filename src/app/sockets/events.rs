//! Socket engine reports applied to the Sockets state.

use super::{SessionState, SocketSession, Sockets};
use crate::app::{App, Command, Level, Tab};
use crate::net::session::{PipeHandle, SessionEvent, SessionId, SessionKind};
use std::net::SocketAddr;

impl App {
    pub(in crate::app) fn on_socket_event(&mut self, event: SessionEvent) -> Vec<Command> {
        match event {
            SessionEvent::Warning { id, text } => self.on_socket_warning(id, text),
            SessionEvent::Closed { id, error } => self.on_socket_closed(id, error),
            progress => {
                // Progress redraws only while the tab shows it.
                let changed = self.sockets.on_progress(progress);
                self.dirty |= changed && self.tab == Tab::Sockets;
            }
        }
        Vec::new()
    }

    /// A warning reaches the status line whichever tab shows.
    fn on_socket_warning(&mut self, id: SessionId, text: String) {
        if let Some(s) = self.sockets.find_mut(id) {
            s.warning = Some(text.clone());
            let label = format!("{}: {text}", s.address);
            self.status.set(Level::Warning, &label);
            self.dirty = true;
        }
    }

    fn on_socket_closed(&mut self, id: SessionId, error: Option<String>) {
        let Some(s) = self.sockets.find_mut(id) else {
            return;
        };
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
        // A closing client of a busy listener is routine; only its errors
        // reach the status line.
        if s.kind != SessionKind::Accepted || level == Level::Error {
            self.status.set(level, &text);
        }
        self.dirty = true;
        self.sockets.took(taken);
    }
}

impl Sockets {
    /// Applies a report that concerns only its session (not `Warning` or
    /// `Closed`); true when a session took it.
    fn on_progress(&mut self, event: SessionEvent) -> bool {
        match event {
            SessionEvent::Accepted {
                id,
                listener,
                peer,
                pipe,
            } => {
                self.accept(id, listener, peer, pipe);
                true
            }
            SessionEvent::Connected { id, local, peer } => self.update(id, |s| {
                s.state = SessionState::Connected;
                s.local = Some(local);
                s.peer = Some(peer);
            }),
            SessionEvent::Bound { id, local } => self.update(id, |s| {
                s.state = SessionState::Listening;
                s.local = Some(local);
            }),
            SessionEvent::Tls { id, info } => self.update(id, |s| s.tls = Some(info)),
            SessionEvent::Data { id } => self.take_data(id),
            SessionEvent::HalfClosed { id } => {
                self.update(id, |s| s.state = SessionState::HalfClosed)
            }
            SessionEvent::Run { id, progress } => self
                .find_mut(id)
                .and_then(|s| s.run.as_mut())
                .is_some_and(|run| run.advance(progress)),
            SessionEvent::Warning { .. } | SessionEvent::Closed { .. } => false,
        }
    }

    /// A listener's new client, listed under its listener.
    fn accept(&mut self, id: SessionId, listener: SessionId, peer: SocketAddr, pipe: PipeHandle) {
        let mut session = SocketSession::new(id, SessionKind::Accepted, peer.to_string(), pipe);
        session.parent = Some(listener);
        session.peer = Some(peer);
        self.insert(session);
    }

    fn update(&mut self, id: SessionId, change: impl FnOnce(&mut SocketSession)) -> bool {
        self.find_mut(id).map(change).is_some()
    }

    /// Moves what waits in the session's pipe into its transcript.
    fn take_data(&mut self, id: SessionId) -> bool {
        let Some(s) = self.find_mut(id) else {
            return false;
        };
        let chunks = s.pipe.0.drain();
        let taken = s.absorb(chunks);
        self.took(taken);
        true
    }
}
