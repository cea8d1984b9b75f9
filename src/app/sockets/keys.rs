//! Keys and actions on the Sockets tab: the input line, the command line,
//! and the session commands.

use super::prompt::{self, PromptCommand};
use super::{Focus, InputLine, SessionState, SocketSession};
use crate::app::{Action, App, Command, KeyContext, KeySpec, Level};
use crate::net::escape::{decode_escapes, parse_hex};
use crate::net::pipe_buffer::DataPipe;
use crate::net::session::{
    MailProtocol, OpenSpec, PipeHandle, SessionCommand, SessionKind, SocketCommand,
    fresh_session_id,
};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

fn to(id: u64, command: SessionCommand) -> Command {
    Command::Socket(SocketCommand::To { id, command })
}

impl App {
    /// Keys for the command line or the input line; None lets the keymap
    /// have the key.
    pub(in crate::app) fn sockets_key(&mut self, key: &KeyEvent) -> Option<Vec<Command>> {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        if let Some(line) = &mut self.sockets.prompt {
            match key.code {
                KeyCode::Esc => self.sockets.prompt = None,
                KeyCode::Enter => {
                    let text = line.take();
                    self.sockets.prompt = None;
                    self.dirty = true;
                    return Some(self.run_prompt(&text));
                }
                KeyCode::Tab => complete(line),
                KeyCode::Backspace if line.is_empty() => self.sockets.prompt = None,
                _ if !plain => return None,
                _ => edit(line, key.code),
            }
            self.dirty = true;
            return Some(Vec::new());
        }
        if self.sockets.focus != Focus::Input || self.sockets.sessions.is_empty() {
            return None;
        }
        if let Some(commands) = self.escape_then_key(key) {
            return Some(commands);
        }
        if !plain {
            return None;
        }
        let page = self.transcript_page();
        let sockets = &mut self.sockets;
        match key.code {
            KeyCode::Char(':') if sockets.input.is_empty() => {
                sockets.prompt = Some(InputLine::default());
            }
            KeyCode::Enter => {
                self.dirty = true;
                return Some(self.send_input());
            }
            KeyCode::Up => {
                if let Some(older) = sockets.history.older(&sockets.input.text) {
                    sockets.input = InputLine::with_text(&older);
                }
            }
            KeyCode::Down => {
                if let Some(newer) = sockets.history.newer() {
                    sockets.input = InputLine::with_text(&newer);
                }
            }
            KeyCode::PageUp => return Some(self.sockets_action(Action::SocketScrollUp)),
            KeyCode::PageDown => return Some(self.sockets_action(Action::SocketScrollDown)),
            KeyCode::Char(_)
            | KeyCode::Backspace
            | KeyCode::Delete
            | KeyCode::Left
            | KeyCode::Right
            | KeyCode::Home
            | KeyCode::End => edit(&mut sockets.input, key.code),
            _ => return None,
        }
        let _ = page;
        self.dirty = true;
        Some(Vec::new())
    }

    /// Esc followed quickly by a key reaches us as Alt+key (the terminal
    /// cannot tell them apart). When Alt+key means nothing, treat it as
    /// what the user typed: leave the input line, then the key.
    fn escape_then_key(&mut self, key: &KeyEvent) -> Option<Vec<Command>> {
        let KeyCode::Char(c) = key.code else {
            return None;
        };
        if key.modifiers != KeyModifiers::ALT {
            return None;
        }
        let alt = KeySpec::from_event(key);
        if self.keymap.lookup(KeyContext::Sockets, alt).is_some()
            || self.keymap.lookup(KeyContext::Global, alt).is_some()
        {
            return None;
        }
        self.sockets.focus = Focus::List;
        self.dirty = true;
        let plain = KeySpec::from_event(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        let action = self
            .keymap
            .lookup(KeyContext::Sockets, plain)
            .or_else(|| self.keymap.lookup(KeyContext::Global, plain));
        Some(action.map_or_else(Vec::new, |a| self.apply(a)))
    }

    /// A click in the session list selects that session; the wheel over
    /// the transcript scrolls it.
    pub(in crate::app) fn sockets_mouse(&mut self, mouse: &MouseEvent) {
        let (width, height) = self.size;
        let list_width = super::LIST_WIDTH.min(width / 3);
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) if mouse.column < list_width => {
                // Tab bar, then the list's top border; the status line and
                // the bottom border below.
                let top = 2u16;
                let inner_rows = height.saturating_sub(4) as usize;
                if mouse.row < top || mouse.row as usize >= top as usize + inner_rows {
                    return;
                }
                let visible = inner_rows / super::LIST_ROWS_PER_SESSION;
                let first = super::list_first(self.sockets.selected, visible);
                let index = first + (mouse.row - top) as usize / super::LIST_ROWS_PER_SESSION;
                if index < self.sockets.sessions.len() && index != self.sockets.selected {
                    self.sockets.selected = index;
                    self.dirty = true;
                }
            }
            MouseEventKind::ScrollUp if mouse.column >= list_width => {
                if let Some(s) = self.sockets.current_mut() {
                    s.scroll = s.scroll.saturating_add(3);
                    self.dirty = true;
                }
            }
            MouseEventKind::ScrollDown if mouse.column >= list_width => {
                if let Some(s) = self.sockets.current_mut()
                    && s.scroll > 0
                {
                    s.scroll = s.scroll.min(line_estimate(s)).saturating_sub(3);
                    self.dirty = true;
                }
            }
            _ => {}
        }
    }

    /// Pasted text goes into whichever line has the keyboard; line breaks
    /// become `\r`/`\n` escapes so that one Enter sends it all.
    pub(in crate::app) fn sockets_paste(&mut self, text: &str) {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('\r', "\\r")
            .replace('\n', "\\n");
        let target = match &mut self.sockets.prompt {
            Some(line) => line,
            None if self.sockets.focus == Focus::Input && !self.sockets.sessions.is_empty() => {
                &mut self.sockets.input
            }
            None => return,
        };
        target.insert_str(&escaped);
        self.dirty = true;
    }

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

    fn run_prompt(&mut self, line: &str) -> Vec<Command> {
        match prompt::parse(line) {
            Ok(command) => self.run_command(command),
            Err(e) => {
                self.status.set(Level::Error, &e);
                // Give the line back so a typo costs one key to fix.
                self.sockets.prompt = Some(InputLine::with_text(line));
                Vec::new()
            }
        }
    }

    fn fail(&mut self, text: &str) -> Vec<Command> {
        self.status.set(Level::Warning, text);
        self.dirty = true;
        Vec::new()
    }

    fn run_command(&mut self, command: PromptCommand) -> Vec<Command> {
        if let PromptCommand::Open { spec, tls } = command {
            return self.open_session(spec, tls);
        }
        let Some(session) = self.sockets.current_mut() else {
            return self.fail("no session: open one with : (e.g. :connect example.com:80)");
        };
        let id = session.id;
        let open = session.state.is_open();
        match command {
            PromptCommand::Open { .. } => unreachable!("handled above"),
            PromptCommand::LineEnding(eol) => session.line_ending = eol,
            PromptCommand::Peer(addr) => match addr.parse() {
                Ok(peer) => {
                    if !session.peers.contains(&peer) {
                        session.peers.push(peer);
                    }
                    session.selected_peer = session.peers.iter().position(|p| *p == peer);
                }
                Err(_) => {
                    return self.fail("peer: give an IP address and port, e.g. 127.0.0.1:9999");
                }
            },
            PromptCommand::Save(path) => {
                let raw = session.transcript.raw_received();
                let log = session.transcript.readable_log();
                return vec![Command::Socket(SocketCommand::Save { path, raw, log })];
            }
            PromptCommand::Reconnect => return self.reconnect(),
            PromptCommand::Close if !open => {
                // Closing a closed session clears it from the list.
                let index = self.sockets.selected;
                self.sockets.sessions.remove(index);
                self.sockets.selected = index.min(self.sockets.sessions.len().saturating_sub(1));
                self.dirty = true;
            }
            _ if !open => return self.fail("the session is closed: r (or F5) reconnects"),
            PromptCommand::SendFile(path) => {
                let to_peer = session.selected_peer();
                return vec![to(id, SessionCommand::SendFile { path, to: to_peer })];
            }
            PromptCommand::HalfClose => {
                if session.kind.is_udp() || session.kind.is_listener() {
                    return self.fail("half-close is for TCP connections");
                }
                return vec![to(id, SessionCommand::HalfClose)];
            }
            PromptCommand::StartTls { protocol, tls } => {
                if !matches!(session.kind, SessionKind::Tcp) || session.tls.is_some() {
                    return self.fail("STARTTLS needs a plain TCP client connection");
                }
                let port = session.peer.map(|p| p.port()).unwrap_or_default();
                let Some(protocol) = protocol.or_else(|| MailProtocol::for_port(port)) else {
                    self.sockets.prompt = Some(InputLine::with_text("starttls "));
                    return self.fail("which protocol? starttls smtp|imap|pop3");
                };
                let tls = tls.unwrap_or_else(|| session.tls_options.clone());
                return vec![to(id, SessionCommand::StartTls { protocol, tls })];
            }
            PromptCommand::Close => return vec![to(id, SessionCommand::Close)],
        }
        Vec::new()
    }

    fn open_session(&mut self, spec: OpenSpec, tls: crate::net::tls::TlsOptions) -> Vec<Command> {
        let id = fresh_session_id();
        let pipe = PipeHandle(DataPipe::new());
        let mut session =
            SocketSession::new(id, spec.kind(), spec.address().to_string(), pipe.clone());
        session.tls_options = match &spec {
            OpenSpec::Connect {
                tls: Some(options), ..
            } => options.clone(),
            _ => tls,
        };
        session.spec = Some(spec.clone());
        let at = self.sockets.insert(session);
        self.sockets.selected = at;
        self.sockets.focus = Focus::Input;
        self.dirty = true;
        vec![Command::Socket(SocketCommand::Open { id, spec, pipe })]
    }

    fn reconnect(&mut self) -> Vec<Command> {
        let Some(session) = self.sockets.current_mut() else {
            return Vec::new();
        };
        let Some(spec) = session.spec.clone() else {
            return self.fail("a listener's client cannot be reopened from here");
        };
        let mut commands = Vec::new();
        if session.state.is_open() {
            commands.push(to(session.id, SessionCommand::Close));
        }
        // A new id: late reports of the old connection are then ignored.
        let id = fresh_session_id();
        session.id = id;
        session.pipe = PipeHandle(DataPipe::new());
        session.state = SessionState::Connecting;
        session.tls = None;
        session.warning = None;
        session.peers.clear();
        session.selected_peer = None;
        let pipe = session.pipe.clone();
        commands.push(Command::Socket(SocketCommand::Open { id, spec, pipe }));
        self.dirty = true;
        commands
    }

    fn send_input(&mut self) -> Vec<Command> {
        let sockets = &mut self.sockets;
        let Some(session) = sockets.sessions.get(sockets.selected) else {
            return Vec::new();
        };
        let text = sockets.input.text.clone();
        let bytes = if session.hex_input {
            parse_hex(&text)
        } else {
            decode_escapes(&text).map(|mut b| {
                b.extend_from_slice(session.line_ending.bytes());
                b
            })
        };
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => return self.fail(&e),
        };
        if !session.state.is_open() {
            return self.fail("the session is closed: r (or F5) reconnects");
        }
        let commands = match session.kind {
            kind if kind.is_listener() => {
                let children = sockets.open_children(session.id);
                if children.is_empty() {
                    return self.fail("no clients connected yet");
                }
                children
                    .into_iter()
                    .map(|child| to(child, SessionCommand::Send(bytes.clone())))
                    .collect()
            }
            SessionKind::UdpBound => match session.selected_peer() {
                Some(peer) => vec![to(session.id, SessionCommand::SendTo(peer, bytes))],
                None => {
                    return self.fail("no peer yet: wait for a datagram or use :peer HOST:PORT");
                }
            },
            SessionKind::UdpClient => match session.selected_peer() {
                Some(peer) => vec![to(session.id, SessionCommand::SendTo(peer, bytes))],
                None => vec![to(session.id, SessionCommand::Send(bytes))],
            },
            _ => vec![to(session.id, SessionCommand::Send(bytes))],
        };
        if !text.is_empty() {
            sockets.history.push(&text);
        }
        sockets.input = InputLine::default();
        commands
    }
}

/// Roughly how many lines the transcript has, to bound scrolling.
fn line_estimate(session: &SocketSession) -> usize {
    session
        .transcript
        .chunks()
        .iter()
        .map(|c| 1 + c.data.iter().filter(|&&b| b == b'\n').count())
        .sum()
}

fn edit(line: &mut InputLine, code: KeyCode) {
    match code {
        KeyCode::Char(c) => line.insert(c),
        KeyCode::Backspace => line.backspace(),
        KeyCode::Delete => line.delete(),
        KeyCode::Left => line.left(),
        KeyCode::Right => line.right(),
        KeyCode::Home => line.home(),
        KeyCode::End => line.end(),
        _ => {}
    }
}

/// Completes the command word when exactly one command matches.
fn complete(line: &mut InputLine) {
    if line.text.contains(' ') {
        return;
    }
    if let [only] = prompt::matching(&line.text).as_slice() {
        *line = InputLine::with_text(&format!("{} ", only.0));
    }
}
