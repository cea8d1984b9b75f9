//! The move/copy folder picker driven through `App::update`: it lists
//! every account's folders, narrows as you type, and Enter asks the store
//! to move or copy the message (uploading where the account has IMAP).

use super::tests::{folder, loaded, store};
use crate::app::{App, Command, Event};
use crate::config::Config;
use crate::store::service::{StoreEvent, StoreRequest};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
    app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// INBOX of Local shown, with the first message selected, and folders of
/// two more accounts ("work" has an IMAP server).
pub fn picking_app() -> App {
    let mut app = loaded(3);
    app.config = Config::parse(
        "[[accounts]]\nname = \"work\"\nemail = \"me@work.test\"\n\
         [accounts.imap]\nhost = \"imap.work.test\"\npassword_env = \"X\"\n",
        std::path::Path::new("t.toml"),
    )
    .unwrap();
    // The user is looking at Local's INBOX: new accounts' folders do not
    // take the view away.
    app.inbox.folder_chosen = true;
    store(
        &mut app,
        StoreEvent::Folders(vec![
            folder("Local", "INBOX", 3, 2),
            folder("Local", "Trash", 0, 0),
            folder("work", "INBOX", 9, 1),
            folder("work", "Archive.2025", 40, 0),
            folder("home", "Receipts", 5, 0),
        ]),
    );
    app
}

#[test]
fn move_lists_other_folders_narrows_and_moves_with_upload() {
    let mut app = picking_app();
    assert!(key(&mut app, KeyCode::Char('m')).is_empty());
    let picker = app.inbox.picker.as_ref().expect("the picker opens");
    let names: Vec<String> = picker
        .choices(&app.inbox.folders)
        .iter()
        .map(|f| format!("{}/{}", f.account, f.name))
        .collect();
    // Not the folder the message is in.
    assert_eq!(
        names,
        [
            "work/INBOX",
            "work/Archive.2025",
            "home/Receipts",
            "Local/Trash"
        ]
    );
    typed(&mut app, "wo arch");
    let picker = app.inbox.picker.as_ref().unwrap();
    assert_eq!(picker.choices(&app.inbox.folders).len(), 1);
    let commands = key(&mut app, KeyCode::Enter);
    let [
        Command::Store(StoreRequest::Transfer {
            ids,
            account,
            folder,
            copy,
            upload,
        }),
    ] = commands.as_slice()
    else {
        panic!("{commands:?}")
    };
    assert_eq!(
        (account.as_str(), folder.as_str()),
        ("work", "Archive.2025")
    );
    assert_eq!((ids.len(), *copy, *upload), (1, false, true));
    assert!(app.inbox.picker.is_none());
}

#[test]
fn copy_offers_the_same_folder_and_esc_cancels() {
    let mut app = picking_app();
    key(&mut app, KeyCode::Char('C'));
    let picker = app.inbox.picker.as_ref().unwrap();
    assert_eq!(picker.choices(&app.inbox.folders).len(), 5);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    assert_eq!(app.inbox.picker.as_ref().unwrap().cursor, 2);
    // Typing resets the cursor to the first match.
    typed(&mut app, "rec");
    assert_eq!(app.inbox.picker.as_ref().unwrap().cursor, 0);
    key(&mut app, KeyCode::Esc);
    assert!(app.inbox.picker.is_none());
    // Nothing moved; j moves the list again.
    let before = app.inbox.list.cursor;
    key(&mut app, KeyCode::Char('j'));
    assert_ne!(app.inbox.list.cursor, before);
}

#[test]
fn a_copy_to_an_account_without_imap_is_not_uploaded() {
    let mut app = picking_app();
    key(&mut app, KeyCode::Char('C'));
    typed(&mut app, "receipts");
    let commands = key(&mut app, KeyCode::Enter);
    assert!(matches!(
        commands.as_slice(),
        [Command::Store(StoreRequest::Transfer {
            copy: true,
            upload: false,
            ..
        })]
    ));
}
