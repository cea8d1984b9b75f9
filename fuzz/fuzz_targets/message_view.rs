#![no_main]
//! MIME parse → MessageView → the Inbox viewer drawn into a TestBackend
//! (plain, all headers, HTML source), plus the list's envelope parser: no
//! drawn cell holds anything a terminal acts on.
use libfuzzer_sys::fuzz_target;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;
use wirepost::app::{Action, App, EngineEvent, Event, Keymap, Tab};
use wirepost::config::{Config, ConfigOrigin, LoadedConfig};
use wirepost::mailview::MessageView;
use wirepost::sanitize::is_dangerous;
use wirepost::store::service::{ListLine, StoreEvent};
use wirepost::store::{Flags, LOCAL_ACCOUNT, ListQuery, MessageId, NewMessage, ServerIdentity, Store};

const FIRST: &[u8] = b"From: a@example.com\r\nSubject: first\r\n\r\nbody\r\n";

/// An Inbox with one stored message open in the viewer; every input
/// replaces what the viewer shows.
fn viewer() -> (App, MessageId) {
    let dir = std::env::temp_dir().join(format!("wirepost-fuzz-view-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = Store::open(&dir).unwrap();
    store
        .store_batch(&[NewMessage {
            account: LOCAL_ACCOUNT,
            folder: "fuzz",
            identity: ServerIdentity::Local,
            raw: FIRST,
            flags: Flags::default(),
            internal_date: None,
        }])
        .unwrap();
    let query = ListQuery {
        account: LOCAL_ACCOUNT.into(),
        folder: "fuzz".into(),
        ..ListQuery::default()
    };
    let rows = store.page(&query, 0, 1).unwrap();
    let folders = store.folders().unwrap();
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    let id = rows[0].id;
    let loaded = LoadedConfig {
        config: Config::default(),
        origin: ConfigOrigin::Missing(PathBuf::from("/fuzz/config.toml")),
    };
    let mut app = App::new(loaded, Keymap::build(&BTreeMap::new()).unwrap());
    app.tab = Tab::Inbox;
    app.size = (100, 30);
    app.update(Event::Engine(EngineEvent::Store(StoreEvent::Folders(folders))));
    let req = app.inbox.list.req;
    app.update(Event::Engine(EngineEvent::Store(StoreEvent::Listed { req, total: 1 })));
    app.update(Event::Engine(EngineEvent::Store(StoreEvent::Page {
        req,
        offset: 0,
        rows: rows.into_iter().map(|row| ListLine { row, depth: 0 }).collect(),
    })));
    app.inbox.list.select(0, 10);
    app.apply(Action::InboxOpen);
    (app, id)
}

thread_local! {
    static VIEWER: RefCell<(App, MessageId)> = RefCell::new(viewer());
}

fuzz_target!(|raw: &[u8]| {
    let _ = wirepost::store::Envelope::parse(raw);
    let width = 20 + raw.len() % 100;
    let view = MessageView::build(raw, width);
    VIEWER.with_borrow_mut(|(app, id)| {
        app.update(Event::Engine(EngineEvent::Store(StoreEvent::Viewed {
            id: *id,
            view: Ok(Box::new(view)),
        })));
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        for mode in [None, Some(Action::InboxToggleHeaders), Some(Action::InboxToggleHtml)] {
            if let Some(mode) = mode {
                app.apply(mode);
            }
            terminal.draw(|f| wirepost::ui::render(app, f)).unwrap();
            for cell in terminal.backend().buffer().content() {
                assert!(
                    cell.symbol().chars().all(|c| !is_dangerous(c)),
                    "{:?} drawn",
                    cell.symbol()
                );
            }
            if let Some(mode) = mode {
                app.apply(mode);
            }
        }
    });
});
