//! Real-world messages (tests/corpus, see its README) go through the whole
//! path — store, index, list, view, screen — without a panic, and the
//! headers wirepost indexes agree with an independent parser (Python's
//! `email` package) where the message is well-formed.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use wirepost::app::{App, EngineEvent, Event, Keymap, Tab};
use wirepost::config::{Config, ConfigOrigin, LoadedConfig};
use wirepost::mailview::MessageView;
use wirepost::store::service::{ListLine, StoreEvent};
use wirepost::store::{Flags, LOCAL_ACCOUNT, ListQuery, NewMessage, ServerIdentity, Store};

fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files = Vec::new();
    for dir in ["python", "mail-parser"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.starts_with("LICENSE") {
                continue;
            }
            files.push(path);
        }
    }
    files.sort();
    assert!(files.len() > 90, "corpus is missing: {}", files.len());
    files
}

fn app() -> App {
    let loaded = LoadedConfig {
        config: Config::default(),
        origin: ConfigOrigin::Missing(PathBuf::from("/nonexistent/config.toml")),
    };
    let mut app = App::new(loaded, Keymap::build(&BTreeMap::new()).unwrap());
    app.tab = Tab::Inbox;
    app.size = (100, 40);
    app
}

#[test]
fn every_corpus_message_stores_lists_views_and_draws() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let files = corpus();
    let raws: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    let batch: Vec<NewMessage<'_>> = raws
        .iter()
        .map(|raw| NewMessage {
            account: LOCAL_ACCOUNT,
            folder: "corpus",
            identity: ServerIdentity::Local,
            raw,
            flags: Flags::default(),
            internal_date: None,
        })
        .collect();
    let outcomes = store.store_batch(&batch).unwrap();
    assert_eq!(outcomes.len(), files.len());

    let query = ListQuery {
        account: LOCAL_ACCOUNT.into(),
        folder: "corpus".into(),
        ..ListQuery::default()
    };
    let total = store.count(&query).unwrap();
    assert_eq!(total, files.len() as u64);
    let rows = store.page(&query, 0, total).unwrap();

    let mut app = app();
    app.update(Event::Engine(EngineEvent::Store(StoreEvent::Folders(
        store.folders().unwrap(),
    ))));
    let req = app.inbox.list.req;
    app.update(Event::Engine(EngineEvent::Store(StoreEvent::Listed {
        req,
        total,
    })));
    let lines: Vec<ListLine> = rows
        .iter()
        .cloned()
        .map(|row| ListLine { row, depth: 0 })
        .collect();
    app.update(Event::Engine(EngineEvent::Store(StoreEvent::Page {
        req,
        offset: 0,
        rows: lines,
    })));
    let mut terminal = Terminal::new(TestBackend::new(100, 40)).unwrap();
    for (i, row) in rows.iter().enumerate() {
        let raw = std::fs::read(store.message_path(row.id).unwrap()).unwrap();
        let view = MessageView::build(&raw, 80);
        app.inbox.list.select(i as u64, 10);
        app.apply(wirepost::app::Action::InboxOpen);
        app.update(Event::Engine(EngineEvent::Store(StoreEvent::Viewed {
            id: row.id,
            view: Ok(Box::new(view)),
        })));
        terminal.draw(|f| wirepost::ui::render(&app, f)).unwrap();
        // Nothing a terminal would interpret reaches the screen.
        let buffer = terminal.backend().buffer().clone();
        for cell in buffer.content() {
            assert!(
                !cell.symbol().chars().any(wirepost::sanitize::is_dangerous),
                "control character drawn for message {}",
                row.id
            );
        }
        for mode in [
            wirepost::app::Action::InboxToggleHeaders,
            wirepost::app::Action::InboxToggleHtml,
        ] {
            app.apply(mode);
            terminal.draw(|f| wirepost::ui::render(&app, f)).unwrap();
            app.apply(mode);
        }
        app.apply(wirepost::app::Action::InboxBack);
    }
    // Threading the whole corpus terminates and keeps every message.
    let threads = wirepost::store::thread_order(
        &store.thread_fields(&query).unwrap(),
        wirepost::store::SortOrder::NewestFirst,
    );
    assert_eq!(threads.len(), files.len());
}

/// Subject and From as Python's email package reads them, for the messages
/// it finds no defect in. Skipped when python3 is not installed.
#[test]
fn headers_match_an_independent_parser() {
    let script = r#"
import sys, email, email.policy
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    try:
        subject = msg['subject']
        sender = msg['from']
        defects = list(msg.defects) + ([] if subject is None else list(subject.defects)) + ([] if sender is None else list(sender.defects))
        addr = sender.addresses[0].addr_spec if sender is not None and len(sender.addresses) == 1 else ''
        subj = ' '.join(str(subject).split()) if subject is not None else ''
    except Exception:
        continue
    if defects:
        continue
    print(path + '\t' + subj.encode('unicode_escape').decode() + '\t' + addr)
"#;
    let files = corpus();
    let output = match std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(&files)
        .output()
    {
        Ok(out) if out.status.success() => String::from_utf8(out.stdout).unwrap(),
        _ => return,
    };
    let mut compared = 0;
    for line in output.lines() {
        let mut fields = line.split('\t');
        let (path, subject, addr) = (
            fields.next().unwrap(),
            fields.next().unwrap_or(""),
            fields.next().unwrap_or(""),
        );
        let subject = unescape(subject);
        let raw = std::fs::read(path).unwrap();
        let envelope = wirepost::store::Envelope::parse(&raw);
        let ours = envelope
            .subject
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(ours, subject, "subject of {path}");
        if !addr.is_empty() {
            assert!(
                envelope.from.to_lowercase().contains(&addr.to_lowercase()),
                "from of {path}: ours {:?}, python {addr:?}",
                envelope.from
            );
        }
        compared += 1;
    }
    assert!(compared > 40, "only {compared} messages compared");
}

/// Undoes Python's `unicode_escape` for the characters it escapes.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
            }
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
            }
            Some('U') => {
                let hex: String = chars.by_ref().take(8).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
            }
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}
