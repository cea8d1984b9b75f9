//! The session commands of the command line: opening, reconnecting,
//! closing, saving, STARTTLS, and sending what was typed.

use super::prompt::{self, PromptCommand};
use super::{Focus, SessionState, SocketSession};
use crate::app::TextLine;
use crate::app::{App, Command, Level};
use crate::net::escape::{decode_escapes, parse_hex};
use crate::net::session::{
    MailProtocol, OpenSpec, SessionCommand, SessionKind, SocketCommand, fresh_session_id,
};

fn to(id: u64, command: SessionCommand) -> Command {
    Command::Socket(SocketCommand::To { id, command })
}

impl App {
    pub(super) fn run_prompt(&mut self, line: &str) -> Vec<Command> {
        match prompt::parse(line) {
            Ok(command) => self.run_command(command),
            Err(e) => {
                self.status.set(Level::Error, &e);
                // Give the line back so a typo costs one key to fix.
                self.sockets.prompt = Some(TextLine::with_text(line));
                Vec::new()
            }
        }
    }

    pub(super) fn fail(&mut self, text: &str) -> Vec<Command> {
        self.status.set(Level::Warning, text);
        self.dirty = true;
        Vec::new()
    }

    pub(super) fn run_command(&mut self, command: PromptCommand) -> Vec<Command> {
        match command {
            PromptCommand::Open { spec, tls } => return self.open_session(spec, tls),
            PromptCommand::Time(zone) => {
                self.sockets.time_zone = zone;
                self.dirty = true;
                return Vec::new();
            }
            command @ (PromptCommand::OpenSaved(_)
            | PromptCommand::Run { .. }
            | PromptCommand::StopRun) => return self.config_command(command),
            _ => {}
        }
        let zone = self.sockets.time_zone;
        let Some(session) = self.sockets.current_mut() else {
            return self.fail("no session: open one with : (e.g. :connect example.com:80)");
        };
        let id = session.id;
        let open = session.state.is_open();
        match command {
            PromptCommand::LineEnding(eol) => session.line_ending = eol,
            PromptCommand::Peer(None) => session.peers.follow_last_sender(),
            PromptCommand::Peer(Some(addr)) => match addr.parse() {
                Ok(peer) => session.peers.choose(peer),
                Err(_) => {
                    return self.fail("peer: give an IP address and port, e.g. 127.0.0.1:9999");
                }
            },
            PromptCommand::Save(path) => {
                let raw = session.transcript.raw_received();
                let log = session.transcript.readable_log(zone);
                return vec![Command::Socket(SocketCommand::Save { path, raw, log })];
            }
            PromptCommand::Reconnect => return self.reconnect(),
            PromptCommand::Close if !open => {
                // Closing a closed session clears it from the list.
                self.sockets.remove_selected();
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
            PromptCommand::StartTls { protocol, tls } => return self.start_tls(protocol, tls),
            PromptCommand::Close => return vec![to(id, SessionCommand::Close)],
            other => unreachable!("handled above: {other:?}"),
        }
        Vec::new()
    }

    /// STARTTLS on the selected plain client connection; without a
    /// protocol, the port's usual one.
    fn start_tls(
        &mut self,
        protocol: Option<MailProtocol>,
        tls: Option<crate::net::tls::TlsOptions>,
    ) -> Vec<Command> {
        let Some(session) = self.sockets.current() else {
            return Vec::new();
        };
        if !matches!(session.kind, SessionKind::Tcp) || session.tls.is_some() {
            return self.fail("STARTTLS needs a plain TCP client connection");
        }
        let port = session.peer.map(|p| p.port()).unwrap_or_default();
        let Some(protocol) = protocol.or_else(|| MailProtocol::for_port(port)) else {
            self.sockets.prompt = Some(TextLine::with_text("starttls "));
            return self.fail("which protocol? starttls smtp|imap|pop3");
        };
        let tls = tls.unwrap_or_else(|| session.tls_options.clone());
        vec![to(session.id, SessionCommand::StartTls { protocol, tls })]
    }

    pub(super) fn open_session(
        &mut self,
        spec: OpenSpec,
        tls: crate::net::tls::TlsOptions,
    ) -> Vec<Command> {
        let id = fresh_session_id();
        let pipe = self.sockets.new_pipe();
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
        let pipe = self.sockets.new_pipe();
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
        // A new id: late reports of the old connection are then ignored,
        // and its pipe is let go so that it holds no bytes of the budget.
        let id = fresh_session_id();
        session.id = id;
        session.pipe.0.close();
        session.pipe = pipe;
        session.state = SessionState::Connecting;
        session.tls = None;
        session.warning = None;
        session.peers.clear();
        let pipe = session.pipe.clone();
        commands.push(Command::Socket(SocketCommand::Open { id, spec, pipe }));
        self.dirty = true;
        commands
    }

    pub(super) fn send_input(&mut self) -> Vec<Command> {
        let sockets = &mut self.sockets;
        let Some(session) = sockets.sessions.get(sockets.selected) else {
            return Vec::new();
        };
        let text = sockets.input.text().to_string();
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
        let commands = match sockets.deliveries(session, bytes) {
            Ok(deliveries) => deliveries
                .into_iter()
                .map(|(id, command)| to(id, command))
                .collect::<Vec<_>>(),
            Err(e) => return self.fail(e),
        };
        if !text.is_empty() {
            sockets.history.push(&text);
        }
        sockets.input.take();
        commands
    }
}

impl super::Sockets {
    /// Where bytes typed (or run) into `session` go: every open client of
    /// a listener, the chosen UDP peer, or the connection itself.
    pub(super) fn deliveries(
        &self,
        session: &SocketSession,
        bytes: Vec<u8>,
    ) -> Result<Vec<(u64, SessionCommand)>, &'static str> {
        if !session.state.is_open() {
            return Err("the session is closed: r (or F5) reconnects");
        }
        Ok(match session.kind {
            kind if kind.is_listener() => {
                let children = self.open_children(session.id);
                if children.is_empty() {
                    return Err("no clients connected yet");
                }
                children
                    .into_iter()
                    .map(|child| (child, SessionCommand::Send(bytes.clone())))
                    .collect()
            }
            SessionKind::UdpBound => match session.selected_peer() {
                Some(peer) => vec![(session.id, SessionCommand::SendTo(peer, bytes))],
                None => return Err("no peer yet: wait for a datagram or use :peer HOST:PORT"),
            },
            SessionKind::UdpClient => match session.selected_peer() {
                Some(peer) => vec![(session.id, SessionCommand::SendTo(peer, bytes))],
                None => vec![(session.id, SessionCommand::Send(bytes))],
            },
            _ => vec![(session.id, SessionCommand::Send(bytes))],
        })
    }
}
