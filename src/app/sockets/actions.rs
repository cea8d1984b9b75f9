//! Keymap actions on the Sockets tab: moving through sessions, views,
//! scrolling, and the session commands bound to keys.

use super::prompt::PromptCommand;
use super::{Focus, InputLine, SocketSession};
use crate::app::{Action, App, Command};

impl App {
    fn transcript_page(&self) -> usize {
        usize::from(self.size.1.saturating_sub(8)).max(1)
    }

    /// Marks the app dirty only when the action changed something the
    /// screen shows: a key that does nothing (hex input with no session)
    /// costs no frame.
    pub(in crate::app) fn sockets_action(&mut self, action: Action) -> Vec<Command> {
        let page = self.transcript_page();
        let sockets = &mut self.sockets;
        let changed = match action {
            Action::SocketCommandLine => {
                sockets.prompt = Some(InputLine::default());
                true
            }
            Action::SocketFocusInput => {
                if sockets.sessions.is_empty() {
                    sockets.prompt = Some(InputLine::default());
                } else {
                    sockets.focus = Focus::Input;
                }
                true
            }
            Action::SocketFocusList => {
                std::mem::replace(&mut sockets.focus, Focus::List) != Focus::List
            }
            Action::SocketNext => {
                let before = sockets.selected;
                sockets.selected =
                    (sockets.selected + 1).min(sockets.sessions.len().saturating_sub(1));
                sockets.selected != before
            }
            Action::SocketPrev => {
                let before = sockets.selected;
                sockets.selected = sockets.selected.saturating_sub(1);
                sockets.selected != before
            }
            Action::SocketView => {
                sockets.cycle_view();
                true
            }
            Action::SocketLineEnding => sockets.current_mut().is_some_and(|s| {
                s.line_ending = s.line_ending.next();
                true
            }),
            Action::SocketHexInput => sockets.current_mut().is_some_and(|s| {
                s.hex_input = !s.hex_input;
                true
            }),
            Action::SocketNextPeer => sockets.current_mut().is_some_and(|s| {
                if s.peers.is_empty() {
                    return false;
                }
                s.selected_peer = Some(s.selected_peer.map_or(0, |i| (i + 1) % s.peers.len()));
                true
            }),
            Action::SocketScrollUp => sockets
                .current_mut()
                .is_some_and(|s| set_scroll(s, s.scroll.saturating_add(page))),
            Action::SocketScrollDown => sockets.current_mut().is_some_and(|s| {
                let to = s.scroll.min(line_estimate(s)).saturating_sub(page);
                set_scroll(s, to)
            }),
            Action::SocketFollow => sockets.current_mut().is_some_and(|s| set_scroll(s, 0)),
            Action::SocketTop => sockets.current_mut().is_some_and(|s| {
                let to = line_estimate(s);
                set_scroll(s, to)
            }),
            Action::SocketSave => {
                let id = sockets.current().map_or(0, |s| s.id);
                sockets.prompt = Some(InputLine::with_text(&format!("save wirepost-{id}.raw")));
                true
            }
            Action::SocketSendFile => {
                sockets.prompt = Some(InputLine::with_text("send-file "));
                true
            }
            Action::SocketReconnect => return self.key_command(PromptCommand::Reconnect),
            Action::SocketHalfClose => return self.key_command(PromptCommand::HalfClose),
            Action::SocketClose => return self.key_command(PromptCommand::Close),
            Action::SocketStartTls => {
                return self.key_command(PromptCommand::StartTls {
                    protocol: None,
                    tls: None,
                });
            }
            _ => false,
        };
        self.dirty |= changed;
        Vec::new()
    }

    /// A session command bound to a key; it reports on the status line
    /// (even "no session"), so it always draws.
    fn key_command(&mut self, command: PromptCommand) -> Vec<Command> {
        self.dirty = true;
        self.run_command(command)
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
