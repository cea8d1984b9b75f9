//! Tests of the IMAP side of the Inbox: starting and cancelling syncs,
//! progress and the trace.

use super::*;
use crate::app::{EngineEvent, Event, JobEvent, Keymap};
use crate::config::{Config, ConfigOrigin, LoadedConfig};
use crate::mail::imap::{TraceDir, TraceLine};
use std::path::PathBuf;

fn app(config: &str) -> App {
    let loaded = LoadedConfig {
        config: Config::parse(config, &PathBuf::from("test.toml")).unwrap(),
        origin: ConfigOrigin::Missing(PathBuf::from("/nonexistent")),
    };
    let mut app = App::new(loaded, Keymap::build(&Default::default()).unwrap());
    app.tab = Tab::Inbox;
    app
}

const IMAP_ACCOUNT: &str = r#"
[[accounts]]
name = "work"
email = "me@example.com"
[accounts.imap]
host = "imap.example.com"
password_env = "X"
"#;

#[test]
fn sync_without_an_imap_account_explains_why() {
    let mut app = app("");
    assert!(app.apply(Action::InboxSync).is_empty());
    assert!(
        app.status
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("[accounts.imap]")
    );
}

#[test]
fn sync_starts_a_job_for_the_account_inbox_first() {
    let mut app = app(IMAP_ACCOUNT);
    app.inbox.store_dir = Some(PathBuf::from("/tmp/store"));
    let commands = app.apply(Action::InboxSync);
    let [
        Command::Imap(ImapCommand::Sync {
            account,
            choice,
            options,
            ..
        }),
    ] = commands.as_slice()
    else {
        panic!("{commands:?}");
    };
    assert_eq!(account, "work");
    assert_eq!(*choice, FolderChoice::FirstThenAll("INBOX".into()));
    assert_eq!(options.port, 993);
}

#[test]
fn progress_folder_done_and_cancel() {
    let mut app = app(IMAP_ACCOUNT);
    app.update(Event::Engine(EngineEvent::Imap(ImapEvent::Folder {
        job: 7,
        account: "work".into(),
        folder: "INBOX".into(),
    })));
    let progress = FetchProgress {
        messages_done: 5,
        messages_total: 10,
        bytes_done: 500,
    };
    app.dirty = false;
    app.update(Event::Engine(EngineEvent::Imap(ImapEvent::Progress {
        job: 7,
        progress,
    })));
    assert!(app.dirty);
    assert_eq!(app.imap.sync.as_ref().unwrap().progress, progress);
    let commands = app.update(Event::Engine(EngineEvent::Imap(ImapEvent::FolderDone {
        job: 7,
        account: "work".into(),
    })));
    assert_eq!(commands, vec![Command::Store(StoreRequest::Folders)]);
    assert_eq!(
        app.apply(Action::InboxCancelSync),
        vec![Command::CancelJob(7)]
    );
    app.update(Event::Engine(EngineEvent::Job(JobEvent::Finished {
        job: 7,
        outcome: Err("cancelled".into()),
    })));
    assert!(app.imap.sync.is_none());
}

#[test]
fn trace_lines_are_kept_bounded_and_drawn_only_when_shown() {
    let mut app = app(IMAP_ACCOUNT);
    let line = TraceLine {
        dir: TraceDir::Received,
        text: "* OK".into(),
    };
    app.dirty = false;
    app.update(Event::Engine(EngineEvent::Imap(ImapEvent::Trace {
        account: "work".into(),
        lines: vec![line.clone(); TRACE_PANE_LINES + 5],
    })));
    assert!(!app.dirty, "a hidden trace must not cost a frame");
    assert_eq!(app.imap.trace.len(), TRACE_PANE_LINES);
    app.apply(Action::InboxToggleTrace);
    assert!(app.imap.trace_visible);
    app.dirty = false;
    app.update(Event::Engine(EngineEvent::Imap(ImapEvent::Trace {
        account: "work".into(),
        lines: vec![line],
    })));
    assert!(app.dirty);
}

#[test]
fn local_changes_are_pushed_to_each_imap_account_they_touch() {
    use crate::store::service::StoreEvent;
    let mut app = app(IMAP_ACCOUNT);
    let changes = StoreEvent::LocalChanges {
        accounts: vec!["work".into(), "Local".into()],
    };
    // No store, nothing to push from.
    assert!(app.imap_push_for(&changes).is_empty());
    app.inbox.store_dir = Some(PathBuf::from("/tmp/store"));
    let commands = app.imap_push_for(&changes);
    assert!(
        matches!(&commands[..], [Command::Imap(ImapCommand::Push(p))] if p.account == "work"),
        "{commands:?}"
    );
    let flagged = StoreEvent::FlagsChanged(vec![(1, Default::default())]);
    assert!(app.imap_push_for(&flagged).is_empty());
    app.update(Event::Engine(EngineEvent::Imap(ImapEvent::Watching {
        job: 3,
        account: "work".into(),
        folder: "INBOX".into(),
    })));
    // A new sync replaces the watch.
    app.inbox.store_dir = Some(PathBuf::from("/tmp/store"));
    let commands = app.apply(Action::InboxSync);
    assert_eq!(
        commands[0],
        Command::Imap(ImapCommand::StopWatch { job: 3 })
    );
}
