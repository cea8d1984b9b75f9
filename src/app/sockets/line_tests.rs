//! The input and command lines as a user types into them, and where UDP
//! input goes.

use super::tests::{app, engine, key, open, typed};
use crate::app::{Command, Event};
use crate::net::session::{Chunk, Direction, SessionCommand, SessionEvent, SocketCommand};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::net::SocketAddr;
use std::time::SystemTime;

fn chord(c: char, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), modifiers))
}

fn connected(app: &mut crate::app::App, line: &str) -> u64 {
    let id = open(app, line);
    engine(
        app,
        SessionEvent::Connected {
            id,
            local: "127.0.0.1:5001".parse().unwrap(),
            peer: "127.0.0.1:2000".parse().unwrap(),
        },
    );
    id
}

#[test]
fn the_input_line_edits_with_readline_keys_and_the_keymap_keeps_its_chords() {
    let mut app = app();
    let id = connected(&mut app, "connect a.example:2000");
    let long = "x".repeat(90);
    typed(&mut app, &format!("GET /{long} HTTP/1.0"));
    app.update(chord('w', KeyModifiers::CONTROL));
    assert_eq!(app.sockets.input.text(), format!("GET /{long} "));
    app.update(chord('a', KeyModifiers::CONTROL));
    app.update(chord('f', KeyModifiers::ALT));
    app.update(chord('k', KeyModifiers::CONTROL));
    assert_eq!(app.sockets.input.text(), "GET");
    app.update(chord('u', KeyModifiers::CONTROL));
    assert!(app.sockets.input.is_empty());
    // Ctrl-D is the keymap's half-close, not delete-char.
    let commands = app.update(chord('d', KeyModifiers::CONTROL));
    assert_eq!(
        commands,
        vec![Command::Socket(SocketCommand::To {
            id,
            command: SessionCommand::HalfClose
        })]
    );
}

#[test]
fn a_long_paste_goes_in_whole_and_is_sent_whole() {
    let mut app = app();
    let id = connected(&mut app, "connect a.example:2000");
    let paste = format!("{}\n", "y".repeat(5000));
    app.update(Event::Paste(paste));
    assert_eq!(app.sockets.input.text().len(), 5002, "the newline as \\n");
    let commands = typed(&mut app, "\r");
    let mut expected = vec![b'y'; 5000];
    expected.extend_from_slice(b"\n\r\n");
    assert_eq!(
        commands,
        vec![Command::Socket(SocketCommand::To {
            id,
            command: SessionCommand::Send(expected)
        })]
    );
}

#[test]
fn the_command_line_edits_and_remembers() {
    let mut app = app();
    typed(&mut app, ":connect wrong.example:1");
    app.update(chord('w', KeyModifiers::CONTROL));
    typed(&mut app, "right.example:2\r");
    assert_eq!(app.sockets.sessions[0].address, "right.example:2");
    typed(&mut app, ":");
    app.update(key(KeyCode::Up));
    assert_eq!(
        app.sockets.prompt.as_ref().unwrap().text(),
        "connect right.example:2"
    );
}

fn datagram(app: &mut crate::app::App, id: u64, from: &str) {
    let session = app.sockets.find_mut(id).unwrap();
    session.absorb(vec![Chunk {
        dir: Direction::In,
        at: SystemTime::now(),
        peer: Some(from.parse().unwrap()),
        data: b"hi".to_vec(),
    }]);
}

fn sent_to(commands: &[Command]) -> Option<SocketAddr> {
    match commands {
        [
            Command::Socket(SocketCommand::To {
                command: SessionCommand::SendTo(to, _),
                ..
            }),
        ] => Some(*to),
        _ => None,
    }
}

#[test]
fn udp_input_goes_to_the_last_sender_unless_a_peer_is_chosen() {
    let mut app = app();
    let id = open(&mut app, "udp-bind 127.0.0.1:9999");
    engine(
        &mut app,
        SessionEvent::Bound {
            id,
            local: "127.0.0.1:9999".parse().unwrap(),
        },
    );
    datagram(&mut app, id, "127.0.0.1:5000");
    datagram(&mut app, id, "127.0.0.1:6000");
    let to = |app: &mut crate::app::App| sent_to(&typed(app, "x\r"));
    assert_eq!(to(&mut app), Some("127.0.0.1:6000".parse().unwrap()));
    datagram(&mut app, id, "127.0.0.1:5000");
    assert_eq!(to(&mut app), Some("127.0.0.1:5000".parse().unwrap()));
    typed(&mut app, ":peer 127.0.0.1:6000\r");
    datagram(&mut app, id, "127.0.0.1:5000");
    assert_eq!(to(&mut app), Some("127.0.0.1:6000".parse().unwrap()));
    typed(&mut app, ":peer last\r");
    assert_eq!(to(&mut app), Some("127.0.0.1:5000".parse().unwrap()));
}
