//! Tests of the Compose tab's state: the form, typing, completion and
//! sending through the Outbox.

use super::*;
use crate::app::{Action, App, Command, EngineEvent, Event, Keymap, Tab};
use crate::config::{Config, ConfigOrigin, LoadedConfig};
use crate::mail::compose::engine::{ComposeCommand, ComposeEvent, SendSummary};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const CONFIG: &str = r#"
[[accounts]]
name = "work"
email = "me@example.test"
display_name = "Me"
signature = "Me\nExample"
[accounts.smtp]
host = "smtp.example.test"
password_env = "NOPE"
[[accounts]]
name = "home"
email = "home@example.test"
[accounts.smtp]
host = "smtp.example.test"
security = "starttls"
"#;

pub(crate) fn app() -> App {
    let loaded = LoadedConfig {
        config: Config::parse(CONFIG, Path::new("c.toml")).unwrap(),
        origin: ConfigOrigin::File(PathBuf::from("c.toml")),
    };
    let mut app = App::new(loaded, Keymap::build(&BTreeMap::new()).unwrap());
    app.tab = Tab::Compose;
    app.dirty = false;
    app
}

pub(crate) fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub(crate) fn engine(event: ComposeEvent) -> Event {
    Event::Engine(EngineEvent::Compose(Box::new(event)))
}

pub(crate) fn command(c: ComposeCommand) -> Command {
    Command::Compose(Box::new(c))
}

pub(crate) fn contact(name: &str, address: &str) -> crate::store::Contact {
    crate::store::Contact {
        name: name.into(),
        address: address.into(),
        score: 1.0,
    }
}

pub(crate) fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(key(KeyCode::Char(c)));
    }
}

#[test]
fn fresh_form_has_the_signature_and_typing_needs_enter() {
    let mut app = app();
    assert_eq!(app.compose.text(Field::Body), "\n\n-- \nMe\nExample\n");
    assert_eq!(app.compose.focus, Field::To);
    assert!(!app.text_input_active());
    // Not editing: "3" still switches tabs.
    app.update(key(KeyCode::Char('3')));
    assert_eq!(app.tab, Tab::Inbox);
    app.tab = Tab::Compose;
    app.update(key(KeyCode::Enter));
    assert!(app.text_input_active());
    typed(&mut app, "bob@example.test");
    assert_eq!(app.compose.text(Field::To), "bob@example.test");
    assert_eq!(app.tab, Tab::Compose, "typing must not switch tabs");
    app.update(key(KeyCode::Tab));
    assert_eq!(app.compose.focus, Field::Cc);
    app.update(key(KeyCode::Esc));
    assert!(!app.text_input_active());
}

#[test]
fn send_validates_then_queues_the_draft() {
    let mut app = app();
    let commands = app.update(ctrl('s'));
    assert!(commands.is_empty());
    assert!(
        app.status
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("no recipient")
    );

    app.update(key(KeyCode::Enter));
    typed(&mut app, "bob@example.test");
    app.update(key(KeyCode::Enter)); // next field: Cc
    app.update(key(KeyCode::Enter)); // Bcc
    app.update(key(KeyCode::Enter)); // Subject
    typed(&mut app, "件名");
    let commands = app.update(ctrl('s'));
    let [Command::Compose(command)] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    let ComposeCommand::Send { draft, account, .. } = command.as_ref() else {
        panic!("{command:?}");
    };
    assert_eq!(account.0.name, "work");
    assert_eq!(draft.to, "bob@example.test");
    assert_eq!(draft.subject, "件名");
    assert_eq!(draft.from, "Me <me@example.test>");

    // Once queued the form is free again; the result is shown when done.
    app.update(engine(ComposeEvent::Queued { job: 7, id: 1 }));
    assert_eq!(app.compose.text(Field::To), "");
    assert_eq!(app.compose.sending, Some(7));
    app.update(engine(ComposeEvent::SendFinished {
        job: 7,
        id: Some(1),
        outcome: Err(("535 5.7.8 bad password".into(), Vec::new())),
    }));
    assert_eq!(app.compose.sending, None);
    assert_eq!(
        app.compose.outbox_errors.get(&1).map(String::as_str),
        Some("535 5.7.8 bad password")
    );
    app.update(engine(ComposeEvent::SendFinished {
        job: 8,
        id: Some(1),
        outcome: Ok(SendSummary {
            accepted: vec!["bob@example.test".into()],
            refused: vec![],
            reply: "250 ok".into(),
            warnings: vec![],
        }),
    }));
    assert!(app.compose.outbox_errors.is_empty());
}

#[test]
fn from_cycles_through_sending_accounts() {
    let mut app = app();
    app.update(key(KeyCode::Char('f')));
    assert_eq!(app.compose.account(&app.config).unwrap().name, "home");
    app.update(key(KeyCode::Char('f')));
    assert_eq!(app.compose.account(&app.config).unwrap().name, "work");
}

#[test]
fn address_completion_from_known_addresses() {
    let mut app = app();
    let commands = app.update(key(KeyCode::Enter));
    assert_eq!(commands, vec![command(ComposeCommand::LoadAddresses)]);
    app.update(engine(ComposeEvent::Addresses(vec![
        contact("Ann Lee", "ann@example.test"),
        contact("", "bob@example.test"),
    ])));
    typed(&mut app, "x@example.test, ann");
    assert_eq!(app.compose.suggestions, vec!["Ann Lee <ann@example.test>"]);
    app.update(key(KeyCode::Tab));
    assert_eq!(
        app.compose.text(Field::To),
        "x@example.test, Ann Lee <ann@example.test>, "
    );
    assert_eq!(
        app.compose.focus,
        Field::To,
        "tab took the completion, not the next field"
    );
}

#[test]
fn attaching_by_path_and_removing() {
    let mut app = app();
    app.update(key(KeyCode::Char('a')));
    assert_eq!(app.compose.focus, Field::Attachments);
    typed(&mut app, "/tmp/re");
    let commands = app.update(key(KeyCode::Enter));
    assert_eq!(
        commands,
        vec![command(ComposeCommand::Attach {
            path: "/tmp/re".into()
        })]
    );
    let attachment =
        crate::mail::compose::draft::Attachment::from_data("r.pdf", "application/pdf", vec![1, 2]);
    app.update(engine(ComposeEvent::Attached(attachment)));
    assert_eq!(app.compose.attachments.len(), 1);
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('x')));
    assert!(app.compose.attachments.is_empty());
}

#[test]
fn editor_request_and_result() {
    let mut app = app();
    app.update(key(KeyCode::Char('e')));
    assert_eq!(
        app.editor_request.as_deref(),
        Some("\n\n-- \nMe\nExample\n")
    );
    app.editor_request = None;
    app.update(engine(ComposeEvent::EditorFinished(Ok(
        "written in vim\n".into()
    ))));
    assert_eq!(app.compose.text(Field::Body), "written in vim\n");
    assert!(app.compose.modified);
    assert!(app.compose.unsaved_draft(&app.config).is_some());
}

#[test]
fn paste_goes_into_the_field_on_one_line() {
    let mut app = app();
    app.update(key(KeyCode::Enter));
    app.update(Event::Paste("a@example.test,\nb@example.test".into()));
    assert_eq!(
        app.compose.text(Field::To),
        "a@example.test, b@example.test"
    );
}

#[test]
fn outbox_lists_and_retries() {
    let mut app = app();
    let commands = app.update(key(KeyCode::Char('o')));
    assert_eq!(
        commands,
        vec![command(ComposeCommand::ListFolder {
            account: "work".into(),
            folder: "Outbox".into()
        })]
    );
    app.update(engine(ComposeEvent::Folder {
        folder: "Outbox".into(),
        entries: vec![crate::store::FolderEntry {
            id: 4,
            date: 0,
            to: "bob@example.test".into(),
            subject: "s".into(),
            size: 10,
        }],
        unknown: std::collections::HashMap::new(),
    }));
    let commands = app.update(key(KeyCode::Char('r')));
    assert!(matches!(
        commands.as_slice(),
        [Command::Compose(c)] if matches!(**c, ComposeCommand::Retry { id: 4, .. })
    ));
    app.update(key(KeyCode::Esc));
    assert_eq!(app.compose.view, View::Form);
}

#[test]
fn replies_land_in_the_form() {
    let mut app = app();
    app.tab = Tab::Inbox;
    let commands = app.respond_to("work", 9, crate::mail::compose::reply::Respond::ReplyAll);
    assert!(matches!(
        commands.as_slice(),
        [Command::Compose(c)] if matches!(**c, ComposeCommand::Respond { id: 9, .. })
    ));
    let draft = crate::mail::compose::draft::Draft {
        account: "work".into(),
        to: "carol@example.test".into(),
        subject: "Re: \u{1b}[31mhi".into(),
        ..Default::default()
    };
    app.update(engine(ComposeEvent::Drafted(draft)));
    assert_eq!(app.tab, Tab::Compose);
    assert_eq!(app.compose.text(Field::To), "carol@example.test");
    assert!(
        !app.compose.text(Field::Subject).contains('\u{1b}'),
        "escape reached the form"
    );
    assert_eq!(app.compose.focus, Field::Body);
    let _ = Action::Reply;
}

#[test]
fn mailto_prefills_with_signature() {
    let mut app = app();
    app.tab = Tab::Sockets;
    let draft =
        crate::mail::compose::mailto::parse("mailto:z@example.test?subject=hi&body=yo").unwrap();
    app.open_mailto(draft);
    assert_eq!(app.tab, Tab::Compose);
    assert_eq!(app.compose.text(Field::To), "z@example.test");
    assert_eq!(app.compose.text(Field::Body), "yo\n\n-- \nMe\nExample\n");
}

#[test]
fn path_completion_takes_the_common_part_first() {
    let mut app = app();
    app.update(key(KeyCode::Char('a')));
    typed(&mut app, "/d/re");
    app.update(engine(ComposeEvent::PathCompletions {
        typed: "/d/re".into(),
        options: vec!["/d/report-1.pdf".into(), "/d/report-2.pdf".into()],
    }));
    app.update(key(KeyCode::Tab));
    assert_eq!(app.compose.text(Field::Attachments), "/d/report-");
}

#[test]
fn replacing_the_form_sets_unsent_work_aside_in_drafts() {
    let mut app = app();
    app.update(key(KeyCode::Enter));
    typed(&mut app, "half@example.test");
    app.update(key(KeyCode::Esc));
    let commands = app.update(key(KeyCode::Char('n')));
    let [Command::Compose(command)] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    let ComposeCommand::SaveDraft {
        draft, for_form, ..
    } = command.as_ref()
    else {
        panic!("{command:?}");
    };
    assert!(!for_form);
    assert_eq!(draft.to, "half@example.test");
    assert_eq!(app.compose.text(Field::To), "");
    app.update(engine(ComposeEvent::DraftSaved {
        id: 5,
        warning: None,
        for_form: false,
    }));
    assert_eq!(
        app.compose.stored_as, None,
        "the new form is not that draft"
    );
    // A fresh form with only the signature is not worth a draft.
    assert!(app.text_input_active(), "a new message starts in To");
    app.update(key(KeyCode::Esc));
    assert!(app.update(key(KeyCode::Char('n'))).is_empty());
}

/// The one-line fields are shell lines: Ctrl-U clears, Ctrl-W cuts a
/// word, Ctrl-A/E move; no control key types a letter.
#[test]
fn one_line_fields_edit_like_a_shell_line() {
    let mut app = app();
    app.update(key(KeyCode::Enter));
    assert!(app.text_input_active());
    typed(&mut app, "wrong@example.com");
    app.update(ctrl('u'));
    assert_eq!(app.compose.text(Field::To), "");
    typed(&mut app, "a@example.com, b@example");
    app.update(ctrl('w'));
    assert_eq!(app.compose.text(Field::To), "a@example.com, ");
    app.update(ctrl('a'));
    typed(&mut app, "x");
    app.update(ctrl('e'));
    typed(&mut app, "c@example.com");
    assert_eq!(app.compose.text(Field::To), "xa@example.com, c@example.com");
}

/// In the form Tab/Shift-Tab move between fields (editing or not); in the
/// Outbox and Drafts lists, which have no fields, they switch tabs.
#[test]
fn tab_moves_between_fields_in_the_form_and_leaves_the_lists() {
    let mut form = app();
    form.update(key(KeyCode::Tab));
    assert_eq!((form.tab, form.compose.focus), (Tab::Compose, Field::Cc));
    form.update(key(KeyCode::BackTab));
    assert_eq!((form.tab, form.compose.focus), (Tab::Compose, Field::To));
    for list in ['o', 'd'] {
        for (tab_key, next) in [(KeyCode::Tab, Tab::Inbox), (KeyCode::BackTab, Tab::Sockets)] {
            let mut app = app();
            app.update(key(KeyCode::Char(list)));
            app.update(key(tab_key));
            assert_eq!(app.tab, next, "{tab_key:?} in the list opened by {list}");
        }
    }
}
