//! The viewer's attachment keys: `w` asks where (download folder and the
//! attachment's safe name typed in already, Tab completes), `W` asks for
//! a folder, `O` opens through the configured command, `|` pipes.

use super::InputKind;
use super::tests::{loaded, store};
use crate::app::{App, Command, EngineEvent, Event};
use crate::mail::compose::engine::{ComposeCommand, ComposeEvent};
use crate::mailview::MessageView;
use crate::store::service::{StoreEvent, StoreRequest};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;

const RAW: &[u8] = b"Subject: files\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n\
--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"../../etc/re\x1bport.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--b--\r\n";

fn press(app: &mut App, code: KeyCode) -> Vec<Command> {
    app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(app: &mut App, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| press(app, KeyCode::Char(c)))
        .collect()
}

/// An open message with one attachment; downloads go to /home/u/dl.
fn viewing() -> App {
    let mut app = loaded(10);
    app.inbox.download_dir = PathBuf::from("/home/u/dl");
    app.inbox.open_command = Some("zathura --fork".into());
    press(&mut app, KeyCode::Enter);
    let view = MessageView::build(RAW, 80);
    store(
        &mut app,
        StoreEvent::Viewed {
            id: 1,
            view: Ok(Box::new(view)),
        },
    );
    app
}

fn saves(commands: &[Command]) -> Vec<(Option<usize>, PathBuf)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Store(StoreRequest::SaveAttachments { index, target, .. }) => {
                Some((*index, target.clone()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn w_asks_where_with_the_safe_name_in_the_download_folder() {
    let mut app = viewing();
    press(&mut app, KeyCode::Char('w'));
    let input = app.inbox.input.as_ref().unwrap();
    assert_eq!(input.kind, InputKind::SaveAttachment { all: false });
    let shown = input.line.text().to_string();
    assert!(shown.starts_with("/home/u/dl/"), "{shown}");
    assert!(
        !shown["/home/u/dl/".len()..].contains(['/', '\u{1b}']),
        "{shown}"
    );
    // Ctrl-U clears the line (readline), then a path of our own.
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    typed(&mut app, "/tmp/x.pdf");
    let commands = press(&mut app, KeyCode::Enter);
    assert_eq!(
        saves(&commands),
        vec![(Some(0), PathBuf::from("/tmp/x.pdf"))]
    );
    assert!(app.inbox.input.is_none());
}

#[test]
fn capital_w_saves_all_into_the_folder_typed() {
    let mut app = viewing();
    press(&mut app, KeyCode::Char('W'));
    assert_eq!(app.inbox.input.as_ref().unwrap().line.text(), "/home/u/dl/");
    let commands = press(&mut app, KeyCode::Enter);
    assert_eq!(saves(&commands), vec![(None, PathBuf::from("/home/u/dl/"))]);
}

#[test]
fn tab_waits_for_candidates_then_completes_and_later_keys_follow_it() {
    let mut app = viewing();
    press(&mut app, KeyCode::Char('W'));
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    typed(&mut app, "/tmp/re");
    let commands = press(&mut app, KeyCode::Tab);
    assert!(commands.iter().any(|c| matches!(
        c,
        Command::Compose(b) if matches!(**b, ComposeCommand::CompletePath { ref typed } if typed == "/tmp/re")
    )));
    // Typed while the candidates are on their way: waits behind the Tab.
    typed(&mut app, "x");
    assert_eq!(app.inbox.input.as_ref().unwrap().line.text(), "/tmp/re");
    let event = ComposeEvent::PathCompletions {
        typed: "/tmp/re".into(),
        options: vec!["/tmp/reports/".into()],
    };
    app.update(Event::Engine(EngineEvent::Compose(Box::new(event))));
    assert_eq!(
        app.inbox.input.as_ref().unwrap().line.text(),
        "/tmp/reports/x"
    );
}

#[test]
fn o_opens_with_the_configured_command_and_pipe_hands_over_the_terminal() {
    let mut app = viewing();
    let commands = press(&mut app, KeyCode::Char('O'));
    assert!(matches!(
        commands.as_slice(),
        [Command::Store(StoreRequest::OpenAttachment { id: 1, index: 0, command: Some(c) })] if c == "zathura --fork"
    ));
    press(&mut app, KeyCode::Char('|'));
    typed(&mut app, "wc -c");
    let commands = press(&mut app, KeyCode::Enter);
    assert!(matches!(
        commands.as_slice(),
        [Command::Store(StoreRequest::PipeAttachment { id: 1, index: Some(0), command })] if command == "wc -c"
    ));
    let input = PathBuf::from("/tmp/private/pipe-report.pdf");
    store(
        &mut app,
        StoreEvent::PipeReady {
            command: "wc -c".into(),
            input: input.clone(),
        },
    );
    assert_eq!(app.pipe_request, Some(("wc -c".into(), input)));
}
