//! Counts are exact after every action: the Inbox driven by random keys
//! (typed one at a time and in bursts) against the real store worker, and
//! flags changed behind its back as a sync would; after each step the
//! folder's unread count and every loaded row agree with the store.

use std::collections::BTreeMap;
use std::path::PathBuf;
use tokio::sync::mpsc;
use wirepost::app::{App, Command, EngineEvent, Event, Keymap, Tab};
use wirepost::config::{Config, ConfigOrigin, LoadedConfig};
use wirepost::store::service::{StoreEvent, StoreRequest, StoreWorker};
use wirepost::store::{Flags, LOCAL_ACCOUNT, NewMessage, ServerIdentity, Store};

const MESSAGES: usize = 700;
/// A message id that does not exist: asking for it marks a point in the
/// worker's queue.
const BARRIER: i64 = -1;

struct Harness {
    app: App,
    worker: StoreWorker,
    events: mpsc::Receiver<EngineEvent>,
    store: Store,
}

impl Harness {
    fn dispatch(&self, commands: Vec<Command>) {
        for command in commands {
            if let Command::Store(request) = command {
                self.worker.send(request);
            }
        }
    }

    /// Feeds store answers to the app until the worker has done all that
    /// was asked (it answers in order, so the answer to a request sent
    /// last comes last) and the app asks nothing more.
    fn settle(&mut self) {
        loop {
            self.worker.send(StoreRequest::Raw { id: BARRIER });
            let mut asked = false;
            loop {
                let event = self.events.blocking_recv().expect("the worker stopped");
                let barrier = matches!(
                    event,
                    EngineEvent::Store(StoreEvent::Raw { id: BARRIER, .. })
                );
                let commands = self.app.update(Event::Engine(event));
                asked |= !commands.is_empty();
                self.dispatch(commands);
                if barrier {
                    break;
                }
            }
            if !asked && !self.app.waiting() {
                return;
            }
        }
    }

    fn keys(&mut self, keys: &[crossterm::event::KeyCode]) {
        for code in keys {
            let key = crossterm::event::KeyEvent::new(*code, crossterm::event::KeyModifiers::NONE);
            let commands = self.app.update(Event::Key(key));
            self.dispatch(commands);
        }
    }

    fn check(&self, step: usize) {
        let truth = self.store.folders().unwrap();
        let shown = &self.app.inbox.folders;
        for folder in &truth {
            let on_screen = shown
                .iter()
                .find(|f| f.account == folder.account && f.name == folder.name)
                .unwrap();
            assert_eq!(
                (on_screen.total, on_screen.unread),
                (folder.total, folder.unread),
                "step {step}: counts of {}",
                folder.name
            );
        }
        let ids: Vec<i64> = self
            .app
            .inbox
            .list
            .window
            .iter()
            .map(|l| l.row.id)
            .collect();
        let rows = self.store.rows(&ids).unwrap();
        for (line, row) in self.app.inbox.list.window.iter().zip(&rows) {
            assert_eq!(
                line.row.flags, row.flags,
                "step {step}: flags of {}",
                row.id
            );
        }
    }
}

fn start() -> (Harness, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let raws: Vec<String> = (0..MESSAGES)
        .map(|n| format!("From: a{n}@example.com\r\nSubject: message {n}\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\nbody {n}\r\n"))
        .collect();
    let batch: Vec<NewMessage<'_>> = raws
        .iter()
        .enumerate()
        .map(|(n, raw)| NewMessage {
            account: LOCAL_ACCOUNT,
            folder: "INBOX",
            identity: ServerIdentity::Local,
            raw: raw.as_bytes(),
            flags: Flags {
                seen: n % 3 == 0,
                ..Flags::default()
            },
            internal_date: Some(1_700_000_000 + n as i64),
        })
        .collect();
    store.store_batch(&batch).unwrap();
    let (tx, events) = mpsc::channel(1024);
    let worker = StoreWorker::start(EngineEvent::reporter(&tx));
    let loaded = LoadedConfig {
        config: Config::default(),
        origin: ConfigOrigin::Missing(PathBuf::from("/nonexistent/config.toml")),
    };
    let mut app = App::new(loaded, Keymap::build(&BTreeMap::new()).unwrap());
    app.tab = Tab::Inbox;
    app.size = (100, 30);
    app.inbox.store_dir = Some(dir.path().to_path_buf());
    let harness = Harness {
        app,
        worker,
        events,
        store,
    };
    let commands = harness.app.inbox.start();
    harness.dispatch(commands);
    let mut harness = harness;
    harness.settle();
    (harness, dir)
}

/// A small xorshift, so every run takes the same steps.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % sides
    }
}

#[test]
fn counts_and_rows_agree_with_the_store_after_every_step() {
    use crossterm::event::KeyCode;
    let (mut h, _dir) = start();
    h.check(0);
    let keys = [
        KeyCode::Char('j'),
        KeyCode::Char('k'),
        KeyCode::Char('u'),
        KeyCode::Char('N'),
        KeyCode::Char('F'),
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Char('G'),
        KeyCode::Char('g'),
        KeyCode::Char('J'),
        KeyCode::Char('K'),
        KeyCode::PageDown,
    ];
    let mut dice = Dice(0x5eed_1234_abcd_0042);
    for step in 1..=400 {
        let roll = dice.roll(10);
        match roll {
            // A sync (or another program) changes a flag behind our back.
            0 => {
                let ids: Vec<i64> = h.app.inbox.list.window.iter().map(|l| l.row.id).collect();
                if let Some(id) = ids.get(dice.roll(ids.len().max(1) as u64) as usize) {
                    let row = h.store.rows(&[*id]).unwrap().remove(0);
                    let flags = Flags {
                        seen: !row.flags.seen,
                        ..row.flags
                    };
                    h.store.set_flags(*id, &flags).unwrap();
                    // What a sync's end makes the app ask for.
                    h.worker.send(StoreRequest::Folders);
                }
            }
            // A burst of keys typed with no pause.
            1..=3 => {
                let burst: Vec<KeyCode> = (0..1 + dice.roll(5))
                    .map(|_| keys[dice.roll(keys.len() as u64) as usize])
                    .collect();
                h.keys(&burst);
            }
            _ => {
                let key = keys[dice.roll(keys.len() as u64) as usize];
                h.keys(&[key]);
            }
        }
        h.settle();
        h.check(step);
    }
}
