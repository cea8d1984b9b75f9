//! Recipient completion with an address book command: answers merged with
//! the store's contacts, one query at a time, late answers not shown.

use super::Field;
use super::tests::{app, command, contact, engine, key, typed};
use crate::app::App;
use crate::mail::compose::engine::{ComposeCommand, ComposeEvent};
use crossterm::event::KeyCode;

fn with_book() -> App {
    let mut app = app();
    app.config.contacts.address_book_command = Some("book %s".into());
    app.update(key(KeyCode::Enter));
    app.update(engine(ComposeEvent::Addresses(vec![contact(
        "Ann Lee",
        "ann@example.test",
    )])));
    app
}

fn ask(query: &str) -> crate::app::Command {
    command(ComposeCommand::QueryAddressBook {
        command: "book %s".into(),
        query: query.into(),
    })
}

#[test]
fn the_address_book_is_asked_once_at_a_time_and_merged() {
    let mut app = with_book();
    let commands = app.update(crate::app::Event::Paste("a".into()));
    assert_eq!(commands, vec![ask("a")]);
    assert_eq!(app.compose.suggestions, vec!["Ann Lee <ann@example.test>"]);
    // Typed while "a" is asked: no second process; asked when "a" answers.
    assert!(app.update(key(KeyCode::Char('n'))).is_empty());
    let found = Ok(vec![contact("Andrea", "andrea@example.test")]);
    let commands = app.update(engine(ComposeEvent::AddressBook {
        query: "a".into(),
        found,
    }));
    assert_eq!(
        commands,
        vec![ask("an")],
        "the text typed meanwhile is asked"
    );
    assert_eq!(
        app.compose.suggestions,
        vec!["Ann Lee <ann@example.test>"],
        "the late answer for \"a\" is not shown for \"an\""
    );
    let found = Ok(vec![
        contact("Annie Book", "ANN@example.test"),
        contact("Anna", "anna@example.test"),
    ]);
    app.update(engine(ComposeEvent::AddressBook {
        query: "an".into(),
        found,
    }));
    assert_eq!(
        app.compose.suggestions,
        vec!["Ann Lee <ann@example.test>", "Anna <anna@example.test>"]
    );
    app.update(key(KeyCode::Tab));
    assert_eq!(app.compose.text(Field::To), "Ann Lee <ann@example.test>, ");
    // Backspacing to a text already answered asks nothing.
    typed(&mut app, "a");
    assert!(app.update(key(KeyCode::Char('n'))).is_empty());
}

#[test]
fn a_failing_command_warns_once_and_completion_goes_on() {
    let mut app = with_book();
    app.update(crate::app::Event::Paste("an".into()));
    app.update(engine(ComposeEvent::AddressBook {
        query: "an".into(),
        found: Err("the address book command failed (exit status: 2)".into()),
    }));
    assert!(
        app.status
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("address book")
    );
    assert_eq!(app.compose.suggestions, vec!["Ann Lee <ann@example.test>"]);
}
