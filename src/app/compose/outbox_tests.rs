//! The Outbox with a message of unknown delivery: shown as such, never
//! sent again without a confirmation, and the user's ways out.

use super::tests::app;
use super::{LastSend, View};
use crate::app::{App, Command, EngineEvent, Event, Level};
use crate::mail::compose::engine::{ComposeCommand, ComposeEvent};
use crate::mail::outbox::marks::DeliveryUnknown;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;

fn key(app: &mut App, c: char) -> Vec<Command> {
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

fn press(app: &mut App, code: KeyCode) -> Vec<Command> {
    app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn engine(event: ComposeEvent) -> Event {
    Event::Engine(EngineEvent::Compose(Box::new(event)))
}

fn entry(id: i64, subject: &str) -> crate::store::FolderEntry {
    crate::store::FolderEntry {
        id,
        date: 0,
        to: "bob@example.test".into(),
        subject: subject.into(),
        size: 10,
    }
}

fn mark() -> DeliveryUnknown {
    DeliveryUnknown {
        since: 1_790_000_000,
        reason: "sending the message: connection reset by peer".into(),
    }
}

/// The Outbox open with message 4 of unknown delivery above message 5.
fn outbox() -> App {
    let mut app = app();
    key(&mut app, 'o');
    app.update(engine(ComposeEvent::Folder {
        folder: "Outbox".into(),
        entries: vec![entry(4, "unknown"), entry(5, "queued")],
        unknown: HashMap::from([(4, mark())]),
    }));
    app
}

fn status(app: &App) -> (Level, String) {
    let message = app.status.message.clone().expect("a status message");
    (message.level, message.text)
}

fn only_command(commands: &[Command]) -> &ComposeCommand {
    match commands {
        [Command::Compose(c)] => c,
        other => panic!("expected one compose command, got {other:?}"),
    }
}

#[test]
fn resending_a_message_of_unknown_delivery_asks_first() {
    let mut app = outbox();
    assert!(key(&mut app, 'r').is_empty(), "sent without asking");
    assert_eq!(app.compose.confirm_resend, Some(4));
    let (level, text) = status(&app);
    assert_eq!(level, Level::Warning);
    assert!(text.contains("delivery unknown since 2026-"), "{text}");
    // Esc answers "no" and stays in the Outbox.
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert_eq!(app.compose.confirm_resend, None);
    assert_eq!(app.compose.view, View::Folder(super::FolderKind::Outbox));
    // Another key also answers "no" (and still does its own job).
    key(&mut app, 'r');
    key(&mut app, 'j');
    assert_eq!(app.compose.confirm_resend, None);
    assert_eq!(app.compose.folder_selected, 1);
    key(&mut app, 'k');
    // r, r: sent again, on purpose.
    key(&mut app, 'r');
    let commands = key(&mut app, 'r');
    assert!(matches!(
        only_command(&commands),
        ComposeCommand::ResendUnknown { id: 4, .. }
    ));
    // r, enter: the same.
    key(&mut app, 'r');
    let commands = press(&mut app, KeyCode::Enter);
    assert!(matches!(
        only_command(&commands),
        ComposeCommand::ResendUnknown { id: 4, .. }
    ));
}

#[test]
fn a_plain_queued_message_is_sent_again_at_once() {
    let mut app = outbox();
    key(&mut app, 'j');
    let commands = key(&mut app, 'r');
    assert!(matches!(
        only_command(&commands),
        ComposeCommand::Retry { id: 5, .. }
    ));
}

#[test]
fn send_all_leaves_the_decision_to_the_engine_which_skips_unknown() {
    let mut app = outbox();
    let commands = key(&mut app, 'R');
    assert!(matches!(
        only_command(&commands),
        ComposeCommand::SendAll { .. }
    ));
    // From the form too.
    press(&mut app, KeyCode::Esc);
    let commands = key(&mut app, 'R');
    assert!(matches!(
        only_command(&commands),
        ComposeCommand::SendAll { .. }
    ));
}

#[test]
fn only_a_message_of_unknown_delivery_can_be_filed_as_sent() {
    let mut app = outbox();
    let commands = key(&mut app, 'm');
    assert!(matches!(
        only_command(&commands),
        ComposeCommand::FileAsSent { id: 4, .. }
    ));
    app.update(engine(ComposeEvent::FiledAsSent {
        id: 4,
        warnings: vec![],
    }));
    assert_eq!(app.compose.folder_entries.len(), 1);
    assert!(app.compose.outbox_unknown.is_empty());
    assert_eq!(status(&app).1, "filed in Sent");
    assert!(key(&mut app, 'm').is_empty());
    assert_eq!(status(&app).0, Level::Warning);
}

#[test]
fn a_send_that_ends_in_unknown_delivery_marks_the_message() {
    let mut app = outbox();
    key(&mut app, 'j');
    key(&mut app, 'r');
    let commands = app.update(engine(ComposeEvent::DeliveryUnknown {
        job: 3,
        id: 5,
        mark: mark(),
    }));
    assert!(app.compose.outbox_unknown.contains_key(&5));
    assert!(matches!(
        app.compose.last_send,
        Some(LastSend::Unknown { ref reason }) if reason.contains("connection reset")
    ));
    // The Outbox is listed again, so it shows what the store now holds.
    assert!(matches!(
        only_command(&commands),
        ComposeCommand::ListFolder { .. }
    ));
}
