//! The Inbox driven through `App::update`, with store answers fed in by
//! hand: no disk, no threads.

use super::Focus;
use crate::app::{Action, App, Command, EngineEvent, Event, Keymap, Tab};
use crate::config::{Config, ConfigOrigin, LoadedConfig};
use crate::mailview::MessageView;
use crate::store::service::{ListLine, StoreEvent, StoreRequest};
use crate::store::{Flags, FolderRole, FolderSummary, MessageRow};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub fn app() -> App {
    let loaded = LoadedConfig {
        config: Config::default(),
        origin: ConfigOrigin::Missing(PathBuf::from("/home/user/.config/wirepost/config.toml")),
    };
    let mut app = App::new(loaded, Keymap::build(&BTreeMap::new()).unwrap());
    app.tab = Tab::Inbox;
    app.size = (100, 30);
    app
}

pub fn folder(account: &str, name: &str, total: u64, unread: u64) -> FolderSummary {
    FolderSummary {
        account: account.into(),
        name: name.into(),
        role: (name == "INBOX").then_some(FolderRole::Inbox),
        total,
        unread,
        last_sync: None,
    }
}

pub fn row(id: i64, subject: &str, seen: bool) -> ListLine {
    ListLine {
        row: MessageRow {
            id,
            date: 1_751_364_000 - id * 3600,
            sent_date: None,
            from: format!("Sender {id} <s{id}@example.com>"),
            to: "me@example.com".into(),
            subject: subject.into(),
            size: 1234 * id as u64,
            flags: Flags {
                seen,
                ..Flags::default()
            },
            has_attachment: id % 3 == 0,
        },
        depth: 0,
    }
}

pub fn store(app: &mut App, event: StoreEvent) -> Vec<Command> {
    app.update(Event::Engine(EngineEvent::Store(event)))
}

fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
    app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// An app showing INBOX with `total` messages, the first page loaded.
pub fn loaded(total: u64) -> App {
    let mut app = app();
    let commands = store(
        &mut app,
        StoreEvent::Folders(vec![
            folder("Local", "INBOX", total, 2),
            folder("Local", "Trash", 0, 0),
        ]),
    );
    let [Command::Store(StoreRequest::List { req, .. })] = commands.as_slice() else {
        panic!("{commands:?}")
    };
    let req = *req;
    let commands = store(
        &mut app,
        StoreEvent::Listed {
            req,
            total,
            kept_at: None,
        },
    );
    assert!(matches!(
        commands.as_slice(),
        [Command::Store(StoreRequest::Page { offset: 0, .. })]
    ));
    let rows = (0..total.min(crate::app::inbox::PAGE_ROWS))
        .map(|i| row(i as i64 + 1, &format!("message {}", i + 1), i >= 2))
        .collect();
    store(
        &mut app,
        StoreEvent::Page {
            req,
            offset: 0,
            rows,
        },
    );
    app
}

#[test]
fn folders_answer_lists_the_inbox_and_asks_only_for_visible_pages() {
    let mut app = loaded(100_000);
    assert_eq!(app.inbox.current, Some(("Local".into(), "INBOX".into())));
    assert_eq!(app.inbox.list.total, Some(100_000));
    // Moving within the loaded window asks for nothing.
    assert!(key(&mut app, KeyCode::Char('j')).is_empty());
    assert_eq!(app.inbox.list.cursor, 1);
    // Jumping to the end asks for the last page only.
    let commands = key(&mut app, KeyCode::Char('G'));
    let [Command::Store(StoreRequest::Page { offset, limit, .. })] = commands.as_slice() else {
        panic!("{commands:?}")
    };
    assert_eq!(offset + limit, 100_000);
    assert_eq!(app.inbox.list.cursor, 99_999);
    // A late page for an old list is ignored.
    let stale = store(
        &mut app,
        StoreEvent::Page {
            req: 0,
            offset: 0,
            rows: vec![],
        },
    );
    assert!(stale.is_empty());
}

#[test]
fn opening_marks_read_and_flags_and_delete_go_to_the_store() {
    let mut app = loaded(10);
    let commands = key(&mut app, KeyCode::Enter);
    assert_eq!(app.inbox.focus, Focus::Viewer);
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::Store(StoreRequest::View { id: 1, .. })))
    );
    assert!(commands.iter().any(|c| matches!(
        c,
        Command::Store(StoreRequest::SetFlags { changes }) if changes[0].1.seen
    )));
    assert!(app.inbox.list.selected().unwrap().row.flags.seen);
    let view = MessageView::build(b"Subject: hi\r\n\r\nline one\r\nline two\r\n", 80);
    store(
        &mut app,
        StoreEvent::Viewed {
            id: 1,
            view: Ok(Box::new(view)),
        },
    );
    let lines = &app.inbox.viewer.as_ref().unwrap().lines;
    assert!(lines.contains(&"line two".to_string()), "{lines:?}");
    let commands = key(&mut app, KeyCode::Char('F'));
    assert!(matches!(
        commands.as_slice(),
        [Command::Store(StoreRequest::SetFlags { changes })] if changes[0].1.flagged
    ));
    let commands = key(&mut app, KeyCode::Char('d'));
    assert_eq!(
        commands,
        vec![Command::Store(StoreRequest::Delete { ids: vec![1] })]
    );
    store(&mut app, StoreEvent::Removed(vec![1]));
    assert!(app.inbox.viewer.is_none());
    assert_eq!(app.inbox.focus, Focus::List);
}

#[test]
fn search_is_typed_then_relists_and_esc_clears_it() {
    let mut app = loaded(10);
    key(&mut app, KeyCode::Char('/'));
    assert!(app.text_input_active());
    // Plain keys type text instead of acting ("q" would quit).
    for c in "quarter".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    assert!(!app.should_quit);
    let commands = key(&mut app, KeyCode::Enter);
    let [Command::Store(StoreRequest::List { query, .. })] = commands.as_slice() else {
        panic!("{commands:?}")
    };
    assert_eq!(query.search.as_deref(), Some("quarter"));
    assert!(!app.text_input_active());
    let commands = key(&mut app, KeyCode::Esc);
    assert!(matches!(
        commands.as_slice(),
        [Command::Store(StoreRequest::List { query, .. })] if query.search.is_none()
    ));
}

#[test]
fn sort_threads_and_import_prompt() {
    let mut app = loaded(10);
    let commands = key(&mut app, KeyCode::Char('t'));
    assert!(matches!(
        commands.as_slice(),
        [Command::Store(StoreRequest::List { threaded: true, .. })]
    ));
    let commands = key(&mut app, KeyCode::Char('o'));
    assert!(matches!(
        commands.as_slice(),
        [Command::Store(StoreRequest::List { query, .. })]
            if query.sort == crate::store::SortOrder::OldestFirst
    ));
    key(&mut app, KeyCode::Char('i'));
    app.update(Event::Paste("~/mail/archive.mbox".into()));
    let commands = key(&mut app, KeyCode::Enter);
    let [Command::Store(StoreRequest::Import { path, .. })] = commands.as_slice() else {
        panic!("{commands:?}")
    };
    assert!(path.ends_with("mail/archive.mbox"));
    assert!(!path.starts_with("~"));
}

#[test]
fn q_closes_the_message_before_it_quits() {
    let mut app = loaded(10);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('q'));
    assert!(app.inbox.viewer.is_none());
    assert!(!app.should_quit);
    key(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit);
}

#[test]
fn esc_walks_back_from_viewer_to_list_to_folders() {
    let mut app = loaded(10);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.inbox.focus, Focus::List);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.inbox.focus, Focus::Folders);
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.inbox.folder_cursor, 1);
    let commands = key(&mut app, KeyCode::Enter);
    assert!(matches!(
        commands.as_slice(),
        [Command::Store(StoreRequest::List { query, .. })] if query.folder == "Trash"
    ));
    assert!(!app.should_quit);
}

#[test]
fn unrelated_tabs_keep_their_keys() {
    let mut app = loaded(10);
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('1'),
        KeyModifiers::NONE,
    )));
    assert_eq!(app.tab, Tab::Sockets);
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('j'),
        KeyModifiers::NONE,
    )));
    assert_eq!(app.inbox.list.cursor, 0);
    let _ = Action::InboxOpen;
}

fn click(app: &mut App, column: u16, row: u16) -> Vec<Command> {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    app.update(Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }))
}

#[test]
fn clicks_select_and_open_and_the_wheel_scrolls() {
    let mut app = loaded(100);
    // Body starts at row 1; list border row 1, header row 2, first message row 3.
    let commands = click(&mut app, 40, 5);
    assert!(commands.is_empty(), "{commands:?}");
    assert_eq!(app.inbox.list.cursor, 2);
    let commands = click(&mut app, 40, 5);
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::Store(StoreRequest::View { id: 3, .. })))
    );
    assert_eq!(app.inbox.focus, Focus::Viewer);
    // Folder pane: row 2 is "Local", row 3 INBOX, row 4 Trash.
    let commands = click(&mut app, 3, 4);
    assert!(matches!(
        commands.as_slice(),
        [Command::Store(StoreRequest::List { query, .. })] if query.folder == "Trash"
    ));
    use crossterm::event::{MouseEvent, MouseEventKind};
    let mut app = loaded(100);
    app.update(Event::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 40,
        row: 10,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(app.inbox.list.cursor, 3);
}

#[test]
fn a_first_sync_brings_the_inbox_into_view_unless_a_folder_was_picked() {
    let mut app = app();
    store(
        &mut app,
        StoreEvent::Folders(vec![folder("Local", "Trash", 0, 0)]),
    );
    assert_eq!(app.inbox.current, Some(("Local".into(), "Trash".into())));
    // The sync's folders arrive: the account's INBOX takes the view.
    let commands = store(
        &mut app,
        StoreEvent::Folders(vec![
            folder("Local", "Trash", 0, 0),
            folder("work", "INBOX", 50, 50),
            folder("work", "Sent", 3, 0),
        ]),
    );
    assert_eq!(app.inbox.current, Some(("work".into(), "INBOX".into())));
    assert!(matches!(
        commands.as_slice(),
        [Command::Store(StoreRequest::List { query, .. })] if query.folder == "INBOX"
    ));
    // Once the user picks a folder, new folder lists keep it.
    app.inbox.focus = Focus::Folders;
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.inbox.current, Some(("work".into(), "Sent".into())));
    store(
        &mut app,
        StoreEvent::Folders(vec![
            folder("Local", "Trash", 0, 0),
            folder("work", "INBOX", 51, 51),
            folder("work", "Sent", 3, 0),
        ]),
    );
    assert_eq!(app.inbox.current, Some(("work".into(), "Sent".into())));
}

#[test]
fn the_unread_count_follows_a_toggle_at_once_and_the_viewer_keeps_its_flags() {
    let mut app = loaded(10);
    let unread = |app: &App| app.inbox.folders[0].unread;
    assert_eq!(unread(&app), 2);
    // Row 1 is unread: u marks it read, N marks it unread again.
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(unread(&app), 1);
    key(&mut app, KeyCode::Char('N'));
    assert_eq!(unread(&app), 2);
    // Open it (read), then let its row leave the loaded window: the
    // viewer's own flags still let u work on it.
    key(&mut app, KeyCode::Enter);
    assert_eq!(unread(&app), 1);
    app.inbox.list.window.clear();
    let commands = key(&mut app, KeyCode::Char('u'));
    assert!(matches!(
        commands.as_slice(),
        [Command::Store(StoreRequest::SetFlags { changes })] if changes == &[(1, Flags::default())]
    ));
    assert_eq!(unread(&app), 2);
}

/// Tab and Shift-Tab leave the Inbox whatever it shows: the list, an open
/// message, the folder pane, a search's results.
#[test]
fn tab_and_shift_tab_leave_the_inbox_in_every_state() {
    let states: [(&str, &[KeyCode]); 5] = [
        ("list", &[]),
        ("message open", &[KeyCode::Enter]),
        ("folder pane", &[KeyCode::Esc]),
        (
            "search results",
            &[KeyCode::Char('/'), KeyCode::Char('x'), KeyCode::Enter],
        ),
        ("trace pane", &[KeyCode::Char('T')]),
    ];
    for (state, keys) in states {
        for (tab_key, next) in [
            (KeyCode::Tab, Tab::Sockets),
            (KeyCode::BackTab, Tab::Compose),
        ] {
            let mut app = loaded(10);
            for k in keys {
                key(&mut app, *k);
            }
            key(&mut app, tab_key);
            assert_eq!(app.tab, next, "{tab_key:?} in the Inbox with {state}");
        }
    }
    // From a prompt too: Tab types nothing, and the half-typed line is
    // still there on return.
    let mut app = loaded(10);
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Char('x'));
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.tab, Tab::Sockets);
    key(&mut app, KeyCode::BackTab);
    key(&mut app, KeyCode::Char('y'));
    let typed = app.inbox.input.as_ref().map(|i| i.line.text().to_string());
    assert_eq!(typed.as_deref(), Some("xy"));
}

/// New mail above the selected message relists the folder: the cursor
/// stays on that message, on the same screen row; on the first row it
/// stays at the top, where new mail shows.
#[test]
fn the_cursor_stays_on_its_message_when_mail_arrives_above_it() {
    let mut app = loaded(1000);
    assert!(matches!(
        app.inbox.relist(true).as_slice(),
        [Command::Store(StoreRequest::List { keep: None, .. })]
    ));
    let mut app = loaded(1000);
    for _ in 0..3 {
        key(&mut app, KeyCode::Char('j'));
    }
    let (selected, top) = (
        app.inbox.list.selected().unwrap().row.id,
        app.inbox.list.top,
    );
    let commands = app.inbox.relist(true);
    let [Command::Store(StoreRequest::List { req, keep, .. })] = commands.as_slice() else {
        panic!("{commands:?}")
    };
    assert_eq!(*keep, Some(selected));
    let listed = StoreEvent::Listed {
        req: *req,
        total: 1002,
        kept_at: Some(5),
    };
    store(&mut app, listed);
    assert_eq!((app.inbox.list.cursor, app.inbox.list.top), (5, top + 2));
    // A relist that starts over keeps nothing.
    let commands = app.inbox.relist(false);
    assert!(matches!(
        commands.as_slice(),
        [Command::Store(StoreRequest::List { keep: None, .. })]
    ));
}
