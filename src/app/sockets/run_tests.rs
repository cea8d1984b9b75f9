//! `:open NAME` and `:run NAME` with the config's saved targets and
//! payloads: what goes to the engine, and the counter the session keeps.

use super::tests::{app, engine, open, typed};
use crate::app::{App, Command, Event, Level};
use crate::config::{Payload, SavedTarget};
use crate::net::session::RunProgress;
use crate::net::session::{OpenSpec, SessionCommand, SessionEvent, SocketCommand};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Duration;

fn configured() -> App {
    let mut app = app();
    app.config.sockets.saved.push(SavedTarget {
        name: "smtp-local".into(),
        open: "connect 127.0.0.1:2525 timeout=3".into(),
    });
    app.config.sockets.payloads.push(Payload {
        name: "ping".into(),
        data: "PING\\r\\n".into(),
        count: Some(5),
        every: None,
    });
    app
}

fn connected(app: &mut App) -> u64 {
    let id = open(app, "open smtp-local");
    engine(
        app,
        SessionEvent::Connected {
            id,
            local: "127.0.0.1:1000".parse().unwrap(),
            peer: "127.0.0.1:2525".parse().unwrap(),
        },
    );
    // Leave the input line so that ":" opens the command line.
    app.update(Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    id
}

#[test]
fn a_saved_target_opens_with_its_options() {
    let mut app = configured();
    let commands = typed(&mut app, ":open smtp-local\r");
    match commands.as_slice() {
        [Command::Socket(SocketCommand::Open { spec, .. })] => match spec {
            OpenSpec::Connect {
                target, timeout, ..
            } => {
                assert_eq!(target, "127.0.0.1:2525");
                assert_eq!(*timeout, Duration::from_secs(3));
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    // Unknown names say where to add them; no name lists them.
    app.update(Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    assert!(typed(&mut app, ":open nope\r").is_empty());
    assert!(
        app.status
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("[[sockets.saved]]")
    );
    typed(&mut app, ":open\r");
    let message = app.status.message.clone().unwrap();
    assert_eq!(message.level, Level::Info);
    assert!(message.text.contains("smtp-local"), "{}", message.text);
}

#[test]
fn a_payload_runs_exactly_as_written_with_a_counter_the_engine_advances() {
    let mut app = configured();
    let id = connected(&mut app);
    let commands = typed(&mut app, ":run ping every=0.25\r");
    let spec = match commands.as_slice() {
        [Command::Socket(SocketCommand::Run { id: run_id, spec })] => {
            assert_eq!(*run_id, id);
            spec.clone()
        }
        other => panic!("{other:?}"),
    };
    // The config's count, the line's interval; no line ending added.
    assert_eq!(spec.count, 5);
    assert_eq!(spec.every, Duration::from_millis(250));
    assert_eq!(
        spec.deliveries,
        [(id, SessionCommand::Send(b"PING\r\n".to_vec()))]
    );
    let progress = |sent, ended: Option<&str>| SessionEvent::Run {
        id,
        progress: RunProgress {
            serial: spec.serial,
            sent,
            ended: ended.map(str::to_string),
        },
    };
    engine(&mut app, progress(2, None));
    let run = app.sockets.current().unwrap().run.clone().unwrap();
    assert_eq!((run.sent, run.total, run.ended), (2, 5, None));
    // :run stop ends it at once; a late report does not revive it.
    let commands = typed(&mut app, ":run stop\r");
    assert_eq!(commands, [Command::Socket(SocketCommand::StopRun { id })]);
    engine(&mut app, progress(3, None));
    let run = app.sockets.current().unwrap().run.clone().unwrap();
    assert_eq!((run.sent, run.ended.as_deref()), (2, Some("stopped")));
}

#[test]
fn a_bad_run_says_why_and_sends_nothing() {
    let mut app = configured();
    connected(&mut app);
    assert!(typed(&mut app, ":run ping count=0\r").is_empty());
    assert!(app.status.message.as_ref().unwrap().text.contains("count="));
    assert!(typed(&mut app, ":run pong\r").is_empty());
    assert!(
        app.status
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("[[sockets.payloads]]")
    );
}
