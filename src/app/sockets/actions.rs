//! Keymap actions on the Sockets tab: moving through sessions, views,
//! scrolling, and the session commands bound to keys.

use super::prompt::PromptCommand;
use super::{Focus, InputLine, SocketSession};
use crate::app::{Action, App, Command};

impl App {
    fn transcript_page(&self) -> usize {
        usize::from(self.size.1.saturating_sub(8)).max(1)
    }

    pub(in crate::app) fn sockets_action(&mut self, action: Action) -> Vec<Command> {
        self.dirty = true;
        let page = self.transcript_page();
        let sockets = &mut self.sockets;
        match action {
            Action::SocketCommandLine => sockets.prompt = Some(InputLine::default()),
            Action::SocketFocusInput => {
                if sockets.sessions.is_empty() {
                    sockets.prompt = Some(InputLine::default());
                } else {
                    sockets.focus = Focus::Input;
                }
            }
            Action::SocketFocusList => sockets.focus = Focus::List,
            Action::SocketNext => {
                sockets.selected =
                    (sockets.selected + 1).min(sockets.sessions.len().saturating_sub(1));
            }
            Action::SocketPrev => sockets.selected = sockets.selected.saturating_sub(1),
            Action::SocketView => sockets.cycle_view(),
            Action::SocketLineEnding => {
                if let Some(s) = sockets.current_mut() {
                    s.line_ending = s.line_ending.next();
                }
            }
            Action::SocketHexInput => {
                if let Some(s) = sockets.current_mut() {
                    s.hex_input = !s.hex_input;
                }
            }
            Action::SocketNextPeer => {
                if let Some(s) = sockets.current_mut()
                    && !s.peers.is_empty()
                {
                    s.selected_peer = Some(s.selected_peer.map_or(0, |i| (i + 1) % s.peers.len()));
                }
            }
            Action::SocketScrollUp => {
                if let Some(s) = sockets.current_mut() {
                    s.scroll = s.scroll.saturating_add(page);
                }
            }
            Action::SocketScrollDown => {
                if let Some(s) = sockets.current_mut() {
                    s.scroll = s.scroll.min(line_estimate(s)).saturating_sub(page);
                }
            }
            Action::SocketFollow => {
                if let Some(s) = sockets.current_mut() {
                    s.scroll = 0;
                }
            }
            Action::SocketTop => {
                if let Some(s) = sockets.current_mut() {
                    s.scroll = line_estimate(s);
                }
            }
            Action::SocketSave => {
                let id = sockets.current().map_or(0, |s| s.id);
                sockets.prompt = Some(InputLine::with_text(&format!("save wirepost-{id}.raw")));
            }
            Action::SocketSendFile => sockets.prompt = Some(InputLine::with_text("send-file ")),
            Action::SocketReconnect => return self.run_command(PromptCommand::Reconnect),
            Action::SocketHalfClose => return self.run_command(PromptCommand::HalfClose),
            Action::SocketClose => return self.run_command(PromptCommand::Close),
            Action::SocketStartTls => {
                return self.run_command(PromptCommand::StartTls {
                    protocol: None,
                    tls: None,
                });
            }
            _ => {}
        }
        Vec::new()
    }
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
