//! Signing and encrypting in the form: the key check before sending, the
//! refusal naming who has no key, the passphrase handed to the terminal.

use super::tests::{app, command, engine, key, typed};
use crate::app::{Command, Level};
use crate::mail::compose::engine::{ComposeCommand, ComposeEvent};
use crate::mail::compose::secure::{AfterUnlock, Protection};
use crate::pgp::KeyState;
use crossterm::event::KeyCode;

fn form_with_recipients() -> crate::app::App {
    let mut app = app();
    app.update(key(KeyCode::Enter));
    typed(&mut app, "bob@example.test, carol@example.test");
    app.update(key(KeyCode::Esc));
    app
}

#[test]
fn encrypting_checks_the_recipients_keys_and_refuses_to_send_without_them() {
    let mut app = form_with_recipients();
    let commands = app.update(key(KeyCode::Char('E')));
    let addresses = vec!["bob@example.test".to_string(), "carol@example.test".into()];
    assert_eq!(
        commands,
        vec![command(ComposeCommand::CheckKeys {
            addresses: addresses.clone()
        })]
    );
    assert!(app.compose.protection.encrypt);
    let fingerprint = "AB".repeat(20);
    let states = vec![
        (addresses[0].clone(), KeyState::Usable { fingerprint }),
        (addresses[1].clone(), KeyState::Expired),
    ];
    app.update(engine(ComposeEvent::KeyStates {
        addresses,
        states: Ok(states),
    }));
    assert!(
        app.update(key(KeyCode::Char('s'))).is_empty(),
        "nothing is sent"
    );
    let message = app.status.message.clone().unwrap();
    assert_eq!(message.level, Level::Error);
    assert!(
        message.text.contains("carol@example.test (key expired)"),
        "{}",
        message.text
    );
    assert!(!message.text.contains("bob@"), "{}", message.text);
}

#[test]
fn a_signed_message_goes_to_the_engine_with_its_protection() {
    let mut app = form_with_recipients();
    app.update(key(KeyCode::Char('S')));
    let commands = app.update(key(KeyCode::Char('s')));
    let [Command::Compose(send)] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    let ComposeCommand::Send { protection, .. } = send.as_ref() else {
        panic!("{send:?}");
    };
    let signed = Protection {
        sign: true,
        encrypt: false,
    };
    assert_eq!(*protection, signed);
}

#[test]
fn a_needed_passphrase_hands_the_terminal_over_then_sends_again() {
    let mut app = form_with_recipients();
    app.update(engine(ComposeEvent::PassphraseNeeded {
        key: Some("me@example.test".into()),
    }));
    let request = app.pgp_unlock.take().unwrap();
    assert_eq!(request.then, AfterUnlock::Send);
    assert_eq!(request.key.as_deref(), Some("me@example.test"));
    let commands = app.update(engine(ComposeEvent::Unlocked {
        then: AfterUnlock::Send,
        result: Ok(()),
    }));
    assert!(
        matches!(commands.as_slice(), [Command::Compose(c)] if matches!(c.as_ref(), ComposeCommand::Send { .. }))
    );
    let cancelled = app.update(engine(ComposeEvent::Unlocked {
        then: AfterUnlock::Send,
        result: Err("the passphrase was not entered".into()),
    }));
    assert!(cancelled.is_empty());
}
