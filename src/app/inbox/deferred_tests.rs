//! Keys typed faster than the list loads wait for their row and then run,
//! in order (`G F`, `G g F`, `g j j u`, `J` past the loaded window).

use super::tests::{loaded, row, store};
use crate::app::{Command, Event, Tab};
use crate::store::service::{ListLine, StoreEvent, StoreRequest};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn typed(app: &mut crate::app::App, keys: &str) -> Vec<Command> {
    keys.chars()
        .flat_map(|c| {
            app.update(Event::Key(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::NONE,
            )))
        })
        .collect()
}

/// The page `commands` ask for, answered with rows `offset+1..`.
fn answer_page(app: &mut crate::app::App, commands: &[Command]) -> Vec<Command> {
    let Some((req, offset, limit)) = commands.iter().rev().find_map(|c| match c {
        Command::Store(StoreRequest::Page { req, offset, limit }) => Some((*req, *offset, *limit)),
        _ => None,
    }) else {
        panic!("no page asked for: {commands:?}")
    };
    let rows: Vec<ListLine> = (offset..offset + limit)
        .map(|i| row(i as i64 + 1, &format!("message {}", i + 1), true))
        .collect();
    store(app, StoreEvent::Page { req, offset, rows })
}

fn flag_changes(commands: &[Command]) -> Vec<(i64, bool, bool)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Store(StoreRequest::SetFlags { changes }) => Some(changes.clone()),
            _ => None,
        })
        .flatten()
        .map(|(id, flags)| (id, flags.flagged, flags.seen))
        .collect()
}

#[test]
fn g_then_f_at_once_flags_the_last_message_once_its_row_arrives() {
    let mut app = loaded(5_000);
    let commands = typed(&mut app, "GF");
    assert!(flag_changes(&commands).is_empty(), "{commands:?}");
    assert!(app.waiting());
    let after = answer_page(&mut app, &commands);
    assert_eq!(flag_changes(&after), vec![(5_000, true, true)]);
    assert!(!app.waiting());
    assert!(app.inbox.list.selected().unwrap().row.flags.flagged);
}

#[test]
fn keys_after_a_waiting_key_keep_their_order() {
    let mut app = loaded(5_000);
    // G (last page needed), g back to the top, F: the top row is flagged,
    // not the last one.
    let commands = typed(&mut app, "GgF");
    let after = answer_page(&mut app, &commands);
    let mut all = commands;
    all.extend(after.clone());
    let changes = flag_changes(&all);
    assert_eq!(changes.len(), 1, "{all:?}");
    assert_eq!(changes[0].0, app.inbox.list.selected().unwrap().row.id);
    assert_eq!(app.inbox.list.cursor, 0);
    // g j j u after G: the third row from the top toggles read.
    let mut app = loaded(5_000);
    let commands = typed(&mut app, "G");
    answer_page(&mut app, &commands);
    let commands = typed(&mut app, "gjju");
    let mut all = commands.clone();
    if app.waiting() {
        all.extend(answer_page(&mut app, &commands));
    }
    assert_eq!(app.inbox.list.cursor, 2);
    assert_eq!(flag_changes(&all), vec![(3, false, false)]);
}

#[test]
fn a_relist_in_flight_holds_the_key_until_rows_come() {
    let mut app = loaded(10);
    // Toggling the sort relists: the next F waits for the new list.
    let commands = typed(&mut app, "oF");
    let Some(Command::Store(StoreRequest::List { req, .. })) = commands.first() else {
        panic!("{commands:?}")
    };
    let req = *req;
    assert!(flag_changes(&commands).is_empty());
    let page = store(
        &mut app,
        StoreEvent::Listed {
            req,
            total: 10,
            kept_at: None,
        },
    );
    let after = answer_page(&mut app, &page);
    assert_eq!(flag_changes(&after), vec![(1, true, true)]);
}

#[test]
fn next_message_past_the_window_opens_it_when_it_arrives() {
    let mut app = loaded(5_000);
    let commands = typed(&mut app, "G");
    answer_page(&mut app, &commands);
    let mut commands = typed(&mut app, "g");
    commands.extend(app.update(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    ))));
    assert!(app.inbox.viewer.is_none(), "the top row is not loaded");
    answer_page(&mut app, &commands);
    assert!(app.inbox.viewer.is_some());
    // Move the cursor to the edge of the loaded window, then J past it.
    let last_loaded = app.inbox.list.window_start + app.inbox.list.window.len() as u64 - 1;
    app.inbox.list.select(last_loaded, 10);
    let commands = typed(&mut app, "J");
    assert!(
        !commands
            .iter()
            .any(|c| matches!(c, Command::Store(StoreRequest::View { .. })))
    );
    let after = answer_page(&mut app, &commands);
    assert!(
        after.iter().any(|c| matches!(
            c,
            Command::Store(StoreRequest::View { id, .. }) if *id == last_loaded as i64 + 2
        )),
        "{after:?}"
    );
}

#[test]
fn a_failed_list_runs_the_waiting_keys_and_says_so() {
    let mut app = loaded(5_000);
    typed(&mut app, "GF1");
    assert_eq!(app.tab, Tab::Inbox, "the tab key waits behind F");
    let req = app.inbox.list.req;
    store(
        &mut app,
        StoreEvent::ListFailed {
            req,
            error: "disk on fire".into(),
        },
    );
    assert!(!app.waiting());
    assert_eq!(app.tab, Tab::Sockets);
    assert!(
        app.status
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("disk on fire")
    );
}

#[test]
fn ctrl_c_stops_waiting() {
    let mut app = loaded(5_000);
    typed(&mut app, "GF");
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert!(!app.waiting());
    assert!(app.should_quit);
}

#[test]
fn a_paste_waits_behind_the_keys_before_it() {
    let mut app = loaded(5_000);
    typed(&mut app, "GF/");
    app.update(Event::Paste("quarterly".into()));
    let commands = app.inbox.page_commands(10);
    assert!(commands.is_empty(), "already asked for");
    let req = app.inbox.list.req;
    let offset = app.inbox.list.requested.unwrap();
    let rows = (offset..offset + 240)
        .map(|i| row(i as i64 + 1, "m", true))
        .collect();
    store(&mut app, StoreEvent::Page { req, offset, rows });
    assert_eq!(app.inbox.input.as_ref().unwrap().line.text(), "quarterly");
}

/// New mail relists the folder while a message is open: a `J` typed
/// before the new list is counted waits for it, then opens the next one.
#[test]
fn next_message_waits_for_a_relist_in_flight() {
    let mut app = loaded(10);
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    assert_eq!(app.inbox.viewer.as_ref().map(|v| v.id), Some(1));
    let commands = app.inbox.relist(true);
    let [Command::Store(StoreRequest::List { req, .. })] = commands.as_slice() else {
        panic!("{commands:?}")
    };
    let req = *req;
    typed(&mut app, "J");
    let listed = StoreEvent::Listed {
        req,
        total: 11,
        kept_at: None,
    };
    let page = store(&mut app, listed);
    answer_page(&mut app, &page);
    assert_eq!(app.inbox.list.cursor, 1);
    assert_eq!(app.inbox.viewer.as_ref().map(|v| v.id), Some(2));
}
