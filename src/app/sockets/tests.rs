use super::*;
use crate::app::TextLine;
use crate::app::{App, Command, EngineEvent, Event, Keymap, Tab};
use crate::config::{Config, ConfigOrigin, LoadedConfig};
use crate::net::session::{Chunk, Direction, SessionCommand, SessionEvent, SocketCommand};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::SystemTime;

pub(super) fn app() -> App {
    let loaded = LoadedConfig {
        config: Config::default(),
        origin: ConfigOrigin::Missing(PathBuf::from("/tmp/config.toml")),
    };
    let mut app = App::new(loaded, Keymap::build(&BTreeMap::new()).unwrap());
    app.tab = Tab::Sockets;
    app.dirty = false;
    app
}

pub(super) fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub(super) fn typed(app: &mut App, text: &str) -> Vec<Command> {
    let mut commands = Vec::new();
    for c in text.chars() {
        let event = if c == '\r' {
            key(KeyCode::Enter)
        } else {
            key(KeyCode::Char(c))
        };
        commands.extend(app.update(event));
    }
    commands
}

/// Opens a session by command line; returns its id.
pub(super) fn open(app: &mut App, line: &str) -> u64 {
    let commands = typed(app, &format!(":{line}\r"));
    match commands.as_slice() {
        [Command::Socket(SocketCommand::Open { id, .. })] => *id,
        other => panic!("{other:?}"),
    }
}

pub(super) fn engine(app: &mut App, event: SessionEvent) {
    app.update(Event::Engine(EngineEvent::Socket(event)));
}

fn feed(app: &mut App, id: u64, dir: Direction, data: &[u8]) {
    let session = app.sockets.sessions.iter().find(|s| s.id == id).unwrap();
    session.pipe.0.drain(); // keep the test's own pipe state simple
    let pipe = session.pipe.clone();
    // The engine side of the pipe is not public; go through a sink.
    let (tx, _rx) = crate::report::Reporter::channel(4);
    let sink = crate::net::sink::Sink {
        id,
        pipe: pipe.0,
        events: tx,
        record_out: true,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(sink.bytes(dir, None, data.to_vec()));
    engine(app, SessionEvent::Data { id });
}

#[test]
fn colon_opens_the_command_line_and_enter_opens_a_session() {
    let mut app = app();
    assert!(!app.text_input_active());
    let id = open(&mut app, "connect example.com:80");
    assert_eq!(app.sockets.sessions.len(), 1);
    let s = &app.sockets.sessions[0];
    assert_eq!(
        (s.id, s.kind, s.state.clone()),
        (id, SessionKind::Tcp, SessionState::Connecting)
    );
    assert_eq!(s.line_ending, LineEnding::CrLf);
    assert!(app.text_input_active(), "the input line has the keyboard");
    assert!(app.dirty);
}

#[test]
fn a_bad_command_keeps_the_line_and_says_why() {
    let mut app = app();
    let commands = typed(&mut app, ":connect nowhere\r");
    assert!(commands.is_empty());
    assert_eq!(
        app.sockets.prompt.as_ref().unwrap().text(),
        "connect nowhere"
    );
    assert!(
        app.status
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("needs a port")
    );
}

#[test]
fn typing_sends_with_escapes_and_line_ending_and_keeps_history() {
    let mut app = app();
    let id = open(&mut app, "connect example.com:80");
    engine(
        &mut app,
        SessionEvent::Connected {
            id,
            local: "127.0.0.1:1000".parse().unwrap(),
            peer: "127.0.0.1:80".parse().unwrap(),
        },
    );
    // 'q' types instead of quitting while the input line has the keyboard.
    let commands = typed(&mut app, "q\\x41\\t\r");
    assert!(!app.should_quit);
    assert_eq!(
        commands,
        vec![Command::Socket(SocketCommand::To {
            id,
            command: SessionCommand::Send(b"qA\t\r\n".to_vec())
        })]
    );
    assert!(app.sockets.input.is_empty());
    app.update(key(KeyCode::Up));
    assert_eq!(app.sockets.input.text(), "q\\x41\\t");
    // Hex mode sends exactly the bytes typed.
    app.sockets.input = TextLine::default();
    app.update(Event::Key(KeyEvent::new(KeyCode::F(6), KeyModifiers::NONE)));
    let commands = typed(&mut app, "de ad\r");
    assert_eq!(
        commands,
        vec![Command::Socket(SocketCommand::To {
            id,
            command: SessionCommand::Send(vec![0xde, 0xad])
        })]
    );
}

#[test]
fn data_reports_drain_the_pipe_into_the_transcript() {
    let mut app = app();
    let id = open(&mut app, "connect example.com:80");
    app.dirty = false;
    feed(&mut app, id, Direction::In, b"hello\r\n");
    feed(&mut app, id, Direction::Out, b"hi");
    let s = &app.sockets.sessions[0];
    assert_eq!((s.bytes_in, s.bytes_out), (7, 2));
    assert_eq!(s.transcript.chunks().len(), 2);
    assert!(app.dirty);
    // Not drawn while another tab is showing.
    app.tab = Tab::Inbox;
    app.dirty = false;
    feed(&mut app, id, Direction::In, b"more");
    assert!(!app.dirty);
}

#[test]
fn listener_clients_group_under_it_and_input_goes_to_all() {
    let mut app = app();
    let listener = open(&mut app, "listen 127.0.0.1:9999 greet=Welcome!");
    let other = open(&mut app, "udp 127.0.0.1:53");
    for (n, child) in [(1, 101u64), (2, 102)] {
        engine(
            &mut app,
            SessionEvent::Accepted {
                id: child,
                listener,
                peer: format!("127.0.0.1:{n}").parse().unwrap(),
                pipe: PipeHandle(crate::net::pipe_buffer::DataPipe::new()),
            },
        );
        engine(
            &mut app,
            SessionEvent::Connected {
                id: child,
                local: "127.0.0.1:9999".parse().unwrap(),
                peer: format!("127.0.0.1:{n}").parse().unwrap(),
            },
        );
    }
    let order: Vec<u64> = app.sockets.sessions.iter().map(|s| s.id).collect();
    assert_eq!(order, [listener, 101, 102, other]);
    assert_eq!(
        app.sockets.current().unwrap().id,
        other,
        "selection stays put"
    );
    app.sockets.selected = 0;
    let commands = typed(&mut app, "hi\r");
    let targets: Vec<u64> = commands
        .iter()
        .map(|c| match c {
            Command::Socket(SocketCommand::To { id, .. }) => *id,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(targets, [101, 102]);
    // Closing a client: the listener sends to the one left.
    engine(
        &mut app,
        SessionEvent::Closed {
            id: 101,
            error: None,
        },
    );
    assert_eq!(typed(&mut app, "x\r").len(), 1);
}

#[test]
fn escape_then_key_leaves_the_input_line_and_acts() {
    let mut app = app();
    open(&mut app, "connect a:1");
    open(&mut app, "connect b:2");
    assert_eq!(app.sockets.selected, 1);
    // Esc and k typed fast arrive as Alt-k.
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('k'),
        KeyModifiers::ALT,
    )));
    assert_eq!(app.sockets.focus, Focus::List);
    assert_eq!(app.sockets.selected, 0);
    app.update(key(KeyCode::Char('v')));
    assert_eq!(app.sockets.view, ViewMode::Hex);
    app.update(key(KeyCode::Char('i')));
    assert_eq!(app.sockets.focus, Focus::Input);
}

#[test]
fn errors_and_closed_sessions() {
    let mut app = app();
    let id = open(&mut app, "connect a:1");
    engine(
        &mut app,
        SessionEvent::Closed {
            id,
            error: Some("connection refused by 1.2.3.4:1".into()),
        },
    );
    let s = app.sockets.current().unwrap();
    assert_eq!(
        s.state,
        SessionState::Failed("connection refused by 1.2.3.4:1".into())
    );
    assert!(
        app.status
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("connection refused")
    );
    // Sending to a closed session explains how to reconnect.
    assert!(typed(&mut app, "x\r").is_empty());
    assert!(
        app.status
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("reconnect")
    );
    // F5 reconnects under a fresh id, keeping the transcript.
    let commands = app.update(Event::Key(KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE)));
    let [Command::Socket(SocketCommand::Open { id: new, .. })] = commands.as_slice() else {
        panic!("{commands:?}")
    };
    assert_ne!(*new, id);
    assert_eq!(
        app.sockets.current().unwrap().state,
        SessionState::Connecting
    );
    // Reports for the old connection are ignored.
    engine(&mut app, SessionEvent::Closed { id, error: None });
    assert_eq!(
        app.sockets.current().unwrap().state,
        SessionState::Connecting
    );
}

#[test]
fn starttls_guesses_the_protocol_from_the_port_or_asks() {
    let mut app = app();
    let id = open(&mut app, "connect mail.example:587");
    let peer = |port: u16| format!("10.0.0.1:{port}").parse().unwrap();
    engine(
        &mut app,
        SessionEvent::Connected {
            id,
            local: peer(5000),
            peer: peer(587),
        },
    );
    let commands = app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('t'),
        KeyModifiers::CONTROL,
    )));
    assert!(matches!(
        commands.as_slice(),
        [Command::Socket(SocketCommand::To {
            command: SessionCommand::StartTls {
                protocol: crate::net::session::MailProtocol::Smtp,
                ..
            },
            ..
        })]
    ));
    let id = open(&mut app, "connect odd.example:2000");
    engine(
        &mut app,
        SessionEvent::Connected {
            id,
            local: peer(5001),
            peer: peer(2000),
        },
    );
    let commands = app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('t'),
        KeyModifiers::CONTROL,
    )));
    assert!(commands.is_empty());
    assert_eq!(app.sockets.prompt.as_ref().unwrap().text(), "starttls ");
}

#[test]
fn udp_server_replies_to_the_selected_peer() {
    let mut app = app();
    let id = open(&mut app, "udp-bind 127.0.0.1:9999");
    assert!(typed(&mut app, "x\r").is_empty(), "no peer yet");
    let session = app.sockets.find_mut(id).unwrap();
    session.absorb(vec![Chunk {
        dir: Direction::In,
        at: SystemTime::now(),
        peer: Some("127.0.0.1:5000".parse().unwrap()),
        data: b"Michael".to_vec(),
    }]);
    app.sockets.find_mut(id).unwrap().state = SessionState::Listening;
    app.sockets.input = TextLine::default();
    let commands = typed(&mut app, "Hi\r");
    assert_eq!(
        commands,
        vec![Command::Socket(SocketCommand::To {
            id,
            command: SessionCommand::SendTo("127.0.0.1:5000".parse().unwrap(), b"Hi".to_vec())
        })]
    );
}

#[test]
fn closing_a_closed_session_removes_it() {
    let mut app = app();
    let id = open(&mut app, "connect a:1");
    engine(&mut app, SessionEvent::Closed { id, error: None });
    let ctrl_x = Event::Key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::CONTROL));
    assert!(app.update(ctrl_x).is_empty());
    assert!(app.sockets.sessions.is_empty());
    assert!(!app.text_input_active());
}

#[test]
fn clicking_a_session_in_the_list_selects_it() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut app = app();
    app.size = (120, 30);
    open(&mut app, "connect a:1");
    open(&mut app, "connect b:2");
    let click = |row| {
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 5,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    app.update(click(3)); // second row of the first session
    assert_eq!(app.sockets.selected, 0);
    app.update(click(4));
    assert_eq!(app.sockets.selected, 1);
    app.update(click(20)); // below the last session: nothing
    assert_eq!(app.sockets.selected, 1);
}

#[test]
fn keys_that_change_nothing_cost_no_frame() {
    let mut app = app();
    // No session: hex input, line ending, scrolling and moving have nothing
    // to act on.
    for c in ['x', 'j', 'k', 'G', 'g'] {
        app.update(key(KeyCode::Char(c)));
        assert!(!app.dirty, "{c:?} changed nothing yet asked for a frame");
    }
    open(&mut app, "connect 127.0.0.1:9");
    app.dirty = false;
    app.update(key(KeyCode::Char('x')));
    assert!(app.dirty, "hex input on a session is shown");
}
