//! Keymap actions on the Sockets tab: moving through sessions, views,
//! scrolling, and the session commands bound to keys.

use super::prompt::PromptCommand;
use super::{Focus, SocketSession, Sockets};
use crate::app::TextLine;
use crate::app::{Action, App, Command};

impl App {
    fn transcript_page(&self) -> usize {
        usize::from(self.size.1.saturating_sub(8)).max(1)
    }

    /// Marks the app dirty only when the action changed something the
    /// screen shows: a key that does nothing (hex input with no session)
    /// costs no frame.
    pub(in crate::app) fn sockets_action(&mut self, action: Action) -> Vec<Command> {
        let command = match action {
            Action::SocketReconnect => PromptCommand::Reconnect,
            Action::SocketHalfClose => PromptCommand::HalfClose,
            Action::SocketClose => PromptCommand::Close,
            Action::SocketStartTls => PromptCommand::StartTls {
                protocol: None,
                tls: None,
            },
            Action::SocketCertificate => {
                self.dirty = true;
                if self.sockets.current().is_some_and(|s| s.tls.is_some()) {
                    self.overlay = Some(crate::app::Overlay::Certificate { scroll: 0 });
                } else {
                    self.status.set(
                        crate::app::Level::Info,
                        "no TLS on this session: no certificate to show",
                    );
                }
                return Vec::new();
            }
            _ => {
                let page = self.transcript_page();
                self.dirty |= self.sockets.apply(action, page);
                return Vec::new();
            }
        };
        self.key_command(command)
    }

    /// A session command bound to a key; it reports on the status line
    /// (even "no session"), so it always draws.
    fn key_command(&mut self, command: PromptCommand) -> Vec<Command> {
        self.dirty = true;
        self.run_command(command)
    }
}

impl Sockets {
    /// Applies an action that changes only what the tab shows; true when
    /// it changed something. `page` is a screenful of transcript lines.
    fn apply(&mut self, action: Action, page: usize) -> bool {
        match action {
            Action::SocketCommandLine => self.open_prompt(TextLine::default()),
            Action::SocketFocusInput if self.sessions.is_empty() => {
                self.open_prompt(TextLine::default())
            }
            Action::SocketFocusInput => {
                self.focus = Focus::Input;
                true
            }
            Action::SocketFocusList => {
                std::mem::replace(&mut self.focus, Focus::List) != Focus::List
            }
            Action::SocketNext => {
                self.select((self.selected + 1).min(self.sessions.len().saturating_sub(1)))
            }
            Action::SocketPrev => self.select(self.selected.saturating_sub(1)),
            Action::SocketView => {
                self.cycle_view();
                true
            }
            Action::SocketLineEnding => self.current_mut().is_some_and(|s| {
                s.line_ending = s.line_ending.next();
                true
            }),
            Action::SocketHexInput => self.current_mut().is_some_and(|s| {
                s.hex_input = !s.hex_input;
                true
            }),
            Action::SocketNextPeer => self.current_mut().is_some_and(|s| s.peers.cycle()),
            Action::SocketScrollUp => self
                .current_mut()
                .is_some_and(|s| set_scroll(s, s.scroll.saturating_add(page))),
            Action::SocketScrollDown => self.current_mut().is_some_and(|s| {
                let to = s.scroll.min(line_estimate(s)).saturating_sub(page);
                set_scroll(s, to)
            }),
            Action::SocketFollow => self.current_mut().is_some_and(|s| set_scroll(s, 0)),
            Action::SocketTop => self.current_mut().is_some_and(|s| {
                let to = line_estimate(s);
                set_scroll(s, to)
            }),
            Action::SocketSave => {
                let id = self.current().map_or(0, |s| s.id);
                self.open_prompt(TextLine::with_text(&format!("save wirepost-{id}.raw")))
            }
            Action::SocketSendFile => self.open_prompt(TextLine::with_text("send-file ")),
            _ => false,
        }
    }

    fn open_prompt(&mut self, line: TextLine) -> bool {
        self.prompt = Some(line);
        true
    }

    /// Selects session `index`; true when the selection moved.
    fn select(&mut self, index: usize) -> bool {
        std::mem::replace(&mut self.selected, index) != index
    }
}

/// Moves the transcript's scroll position; true when it moved.
fn set_scroll(session: &mut SocketSession, to: usize) -> bool {
    std::mem::replace(&mut session.scroll, to) != to
}

/// Roughly how many lines the transcript has, to bound scrolling.
pub(super) fn line_estimate(session: &SocketSession) -> usize {
    session
        .transcript
        .chunks()
        .iter()
        .map(|c| 1 + c.data.iter().filter(|&&b| b == b'\n').count())
        .sum()
}
