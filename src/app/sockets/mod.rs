//! The Sockets tab's state: the open sessions (listener clients grouped
//! under their listener), the selection, the input line and the view.

mod actions;
mod args;
mod budget;
mod commands;
mod events;
mod history;
mod keys;
mod mouse;
pub mod peers;
pub mod prompt;
pub mod runs;
mod session;

pub use history::History;
pub use session::SocketSession;

use crate::app::TextLine;
use crate::net::pipe_budget::PipeBudget;
use crate::net::pipe_buffer::DataPipe;
use crate::net::session::{PipeHandle, SessionId, SessionKind};
use crate::net::timefmt::TimeZone;
use std::collections::HashMap;
use std::sync::Arc;

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

#[derive(Debug, Clone, Default)]
pub struct Sockets {
    pub sessions: Vec<SocketSession>,
    pub selected: usize,
    pub focus: Focus,
    pub input: TextLine,
    /// The `:` command line while open.
    pub prompt: Option<TextLine>,
    /// Lines sent from the input line.
    pub history: History,
    /// Command lines run.
    pub prompt_history: History,
    pub view: ViewMode,
    /// The clock transcript times are read on.
    pub time_zone: TimeZone,
    /// Transcript bytes taken in since the budget was last checked.
    pub(crate) unchecked_bytes: usize,
    /// What the pipes of all sessions may hold together while the
    /// interface catches up.
    pub pipes: Arc<PipeBudget>,
    /// Where each session is in `sessions`, as far as `find_mut` knows.
    index: HashMap<SessionId, usize>,
}

impl Sockets {
    pub fn current(&self) -> Option<&SocketSession> {
        self.sessions.get(self.selected)
    }

    pub fn current_mut(&mut self) -> Option<&mut SocketSession> {
        self.sessions.get_mut(self.selected)
    }

    /// A pipe for a new session, drawing on the shared budget.
    pub(super) fn new_pipe(&self) -> PipeHandle {
        PipeHandle(DataPipe::with_budget(self.pipes.clone()))
    }

    /// The session with `id`. Reports from a thousand clients each look
    /// up their session: the index makes that one step, not a walk. It is
    /// checked on every use and rebuilt when sessions moved.
    pub fn find_mut(&mut self, id: SessionId) -> Option<&mut SocketSession> {
        let at = match self.index.get(&id) {
            Some(&at) if self.sessions.get(at).is_some_and(|s| s.id == id) => at,
            _ => {
                let at = self.sessions.iter().position(|s| s.id == id)?;
                self.index = self
                    .sessions
                    .iter()
                    .enumerate()
                    .map(|(at, s)| (s.id, at))
                    .collect();
                at
            }
        };
        self.sessions.get_mut(at)
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

    /// Drops the selected session from the list; the next one (or the
    /// last) is selected then.
    fn remove_selected(&mut self) {
        let index = self.selected;
        self.sessions.remove(index);
        self.selected = index.min(self.sessions.len().saturating_sub(1));
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
mod line_tests;
#[cfg(test)]
mod run_tests;
#[cfg(test)]
mod tests;
