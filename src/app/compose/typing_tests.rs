//! A path typed into the attachment field and Tab pressed at once: the Tab
//! waits for the candidates of exactly what was typed, keys typed after it
//! wait behind it, and nothing typed is lost, moved or hidden.

use super::Field;
use super::tests::app;
use crate::app::{App, Command, EngineEvent, Event};
use crate::mail::compose::engine::{ComposeCommand, ComposeEvent};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
    app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(app: &mut App, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| key(app, KeyCode::Char(c)))
        .collect()
}

fn completions(app: &mut App, typed: &str, options: &[&str]) -> Vec<Command> {
    app.update(Event::Engine(EngineEvent::Compose(Box::new(
        ComposeEvent::PathCompletions {
            typed: typed.into(),
            options: options.iter().map(|o| o.to_string()).collect(),
        },
    ))))
}

fn asks_for(commands: &[Command], path: &str) -> bool {
    commands.iter().any(|c| {
        matches!(c, Command::Compose(c) if matches!(c.as_ref(), ComposeCommand::CompletePath { typed } if typed == path))
    })
}

#[test]
fn tab_before_the_candidates_waits_for_them_then_completes() {
    let mut app = app();
    key(&mut app, KeyCode::Char('a'));
    typed(&mut app, "/d/rep");
    // Tab, then more keys, before any candidates came.
    let waiting = key(&mut app, KeyCode::Tab);
    assert!(asks_for(&waiting, "/d/rep"), "{waiting:?}");
    typed(&mut app, "x");
    assert_eq!(app.compose.focus, Field::Attachments, "Tab did not leave");
    assert_eq!(app.compose.text(Field::Attachments), "/d/rep");
    // Candidates for an older prefix change nothing.
    completions(&mut app, "/d/re", &["/d/readme", "/d/report.pdf"]);
    assert_eq!(app.compose.text(Field::Attachments), "/d/rep");
    // Those for what was typed: Tab completes, then "x" is typed after it.
    completions(&mut app, "/d/rep", &["/d/report.pdf"]);
    assert!(!app.waiting());
    assert_eq!(app.compose.text(Field::Attachments), "/d/report.pdfx");
    assert_eq!(app.compose.focus, Field::Attachments);
}

#[test]
fn tab_on_a_path_nothing_completes_stays_and_the_path_stays_in_view() {
    let mut app = app();
    key(&mut app, KeyCode::Char('a'));
    typed(&mut app, "/nowhere/x");
    key(&mut app, KeyCode::Tab);
    completions(&mut app, "/nowhere/x", &[]);
    assert_eq!(app.compose.focus, Field::Attachments);
    assert_eq!(app.compose.text(Field::Attachments), "/nowhere/x");
    assert!(
        app.status
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("nothing completes")
    );
    // An empty field: Tab moves on as usual.
    let mut app = super::tests::app();
    key(&mut app, KeyCode::Char('a'));
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.compose.focus, Field::Body);
}
