//! Tests of `App::update` across tabs: keys, tabs, overlays, mouse, jobs.

use super::*;
use crate::app::JobEvent;
use crate::config::{Config, ConfigOrigin, LoadedConfig};
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers, MouseButton, MouseEvent,
    MouseEventKind,
};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn app() -> App {
    let loaded = LoadedConfig {
        config: Config::default(),
        origin: ConfigOrigin::Missing(PathBuf::from("/tmp/config.toml")),
    };
    let mut app = App::new(loaded, Keymap::build(&BTreeMap::new()).unwrap());
    // These tests start where the keys are plain actions.
    app.tab = Tab::Sockets;
    app.dirty = false;
    app
}

fn press(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Event {
    press(KeyCode::Char(c))
}

fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

#[test]
fn number_keys_and_tab_cycle_switch_tabs() {
    let mut app = app();
    app.update(ch('3'));
    assert_eq!(app.tab, Tab::Inbox);
    assert!(app.dirty);
    app.update(press(KeyCode::Tab));
    assert_eq!(app.tab, Tab::Sockets);
    app.update(press(KeyCode::BackTab));
    assert_eq!(app.tab, Tab::Inbox);
    app.update(Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::SHIFT)));
    assert_eq!(app.tab, Tab::Compose);
}

#[test]
fn key_releases_are_ignored() {
    let mut app = app();
    let mut release = KeyEvent::new(KeyCode::Char('2'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    release.state = KeyEventState::NONE;
    app.update(Event::Key(release));
    assert_eq!(app.tab, Tab::Sockets);
    assert!(!app.dirty);
}

#[test]
fn unbound_key_changes_nothing_and_asks_for_no_frame() {
    let mut app = app();
    app.update(ch('z'));
    assert!(!app.dirty);
    app.update(Event::Mouse(MouseEvent {
        kind: MouseEventKind::Moved,
        column: 3,
        row: 3,
        modifiers: KeyModifiers::NONE,
    }));
    assert!(!app.dirty);
}

#[test]
fn clicking_a_tab_label_switches_to_it() {
    let mut app = app();
    let (_, start, _) = tab_columns()[2];
    app.update(Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: start + 1,
        row: 0,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(app.tab, Tab::Inbox);
}

#[test]
fn help_opens_scrolls_and_closes() {
    let mut app = app();
    app.update(ch('?'));
    assert_eq!(app.overlay, Some(Overlay::Help { scroll: 0 }));
    app.update(ch('j'));
    assert_eq!(app.overlay, Some(Overlay::Help { scroll: 1 }));
    // Tab keys do nothing behind the overlay.
    app.update(ch('3'));
    assert_eq!(app.tab, Tab::Sockets);
    app.update(press(KeyCode::Esc));
    assert_eq!(app.overlay, None);
}

#[test]
fn quit_is_immediate_when_idle() {
    let mut app = app();
    app.update(ch('q'));
    assert!(app.should_quit);
    let mut app2 = self::app();
    app2.update(ctrl('c'));
    assert!(app2.should_quit);
}

#[test]
fn quit_asks_while_a_job_runs() {
    let mut app = app();
    app.update(Event::Engine(EngineEvent::Job(JobEvent::Started {
        job: 7,
        label: "Syncing work/INBOX".into(),
    })));
    app.update(ch('q'));
    assert!(!app.should_quit);
    assert_eq!(app.overlay, Some(Overlay::ConfirmQuit));
    app.update(ch('n'));
    assert_eq!(app.overlay, None);
    app.update(ctrl('c'));
    assert_eq!(app.overlay, Some(Overlay::ConfirmQuit));
    app.update(ch('y'));
    assert!(app.should_quit);
}

#[test]
fn job_reports_drive_the_status_line() {
    let mut app = app();
    app.update(Event::Engine(EngineEvent::Job(JobEvent::Started {
        job: 1,
        label: "Sending".into(),
    })));
    app.dirty = false;
    app.update(Event::Engine(EngineEvent::Job(JobEvent::Progress {
        job: 1,
        done: 1,
        total: 2,
    })));
    assert!(app.dirty);
    app.dirty = false;
    // The same progress again is no change: no frame.
    app.update(Event::Engine(EngineEvent::Job(JobEvent::Progress {
        job: 1,
        done: 1,
        total: 2,
    })));
    assert!(!app.dirty);
    app.update(Event::Engine(EngineEvent::Job(JobEvent::Finished {
        job: 1,
        outcome: Err("550 mailbox unavailable".into()),
    })));
    let message = app.status.message.clone().unwrap();
    assert_eq!(message.level, Level::Error);
    assert_eq!(message.text, "Sending: 550 mailbox unavailable");
    assert!(app.work_in_progress().is_empty());
}

#[test]
fn remote_text_is_sanitized_on_the_way_in() {
    let mut app = app();
    app.update(Event::Engine(EngineEvent::Job(JobEvent::Notice {
        level: Level::Warning,
        text: "evil\x1b]0;pwned\x07title".into(),
    })));
    let text = app.status.message.unwrap().text;
    assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
}

#[test]
fn resize_records_size_and_redraws() {
    let mut app = app();
    app.update(Event::Resize {
        width: 120,
        height: 40,
    });
    assert_eq!(app.size, (120, 40));
    assert!(app.dirty);
}

#[test]
fn reply_in_the_inbox_answers_the_message_under_the_cursor() {
    use crate::mail::compose::engine::ComposeCommand;
    use crate::mail::compose::reply::Respond;
    use crate::store::service::ListLine;
    use crate::store::{Flags, MessageRow};
    let text = "[[accounts]]\nname = \"work\"\nemail = \"me@example.com\"\n[accounts.smtp]\nhost = \"smtp.example.com\"\npassword_env = \"X\"\n";
    let loaded = LoadedConfig {
        config: Config::parse(text, std::path::Path::new("c.toml")).unwrap(),
        origin: ConfigOrigin::Missing(PathBuf::from("/tmp/config.toml")),
    };
    let mut app = App::new(loaded, Keymap::build(&BTreeMap::new()).unwrap());
    app.tab = Tab::Inbox;
    // Nothing selected: a hint, no command.
    assert!(app.update(ch('r')).is_empty());
    app.inbox.current = Some(("work".into(), "INBOX".into()));
    app.inbox.list.total = Some(1);
    app.inbox.list.window = vec![ListLine {
        row: MessageRow {
            id: 42,
            date: 0,
            sent_date: None,
            from: "a@b.c".into(),
            to: "me@example.com".into(),
            subject: "hello".into(),
            size: 10,
            flags: Flags::default(),
            has_attachment: false,
        },
        depth: 0,
    }];
    let commands = app.update(ch('r'));
    match commands.as_slice() {
        [Command::Compose(command)] => match command.as_ref() {
            ComposeCommand::Respond { id, how, .. } => {
                assert_eq!(*id, 42);
                assert!(matches!(how, Respond::Reply));
            }
            other => panic!("unexpected {other:?}"),
        },
        other => panic!("unexpected {other:?}"),
    }
}
