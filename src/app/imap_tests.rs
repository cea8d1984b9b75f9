//! Tests of the Inbox's sync side: every account syncing on start, `s`
//! for the account in view and `S` for all, passes with per-folder
//! progress, watches, going offline, cancelling and the trace.

use super::*;
use crate::app::{Action, EngineEvent, Event, JobEvent, Keymap};
use crate::config::{Config, ConfigOrigin, LoadedConfig};
use crate::mail::imap::engine::ImapCommand;
use crate::mail::imap::sync::FolderReport;
use crate::mail::imap::{TraceDir, TraceLine};
use crate::store::FolderSummary;
use crate::store::service::StoreEvent;
use std::path::PathBuf;

fn app(config: &str) -> App {
    let loaded = LoadedConfig {
        config: Config::parse(config, &PathBuf::from("test.toml")).unwrap(),
        origin: ConfigOrigin::Missing(PathBuf::from("/nonexistent")),
    };
    let mut app = App::new(loaded, Keymap::build(&Default::default()).unwrap());
    app.tab = Tab::Inbox;
    app.inbox.store_dir = Some(PathBuf::from("/tmp/store"));
    app
}

const ACCOUNTS: &str = r#"
[[accounts]]
name = "work"
email = "me@example.com"
[accounts.imap]
host = "imap.example.com"
password_env = "X"
notify = false
poll_interval_secs = 30

[[accounts]]
name = "old"
email = "me@old.example"
[accounts.pop3]
host = "pop.example.com"
password_env = "Y"
"#;

fn imap(event: ImapEvent) -> Event {
    Event::Engine(EngineEvent::Imap(event))
}

fn folder(account: &str, name: &str) -> FolderSummary {
    FolderSummary {
        account: account.into(),
        name: name.into(),
        role: None,
        total: 1,
        unread: 0,
        last_sync: None,
    }
}

/// Which accounts `commands` sync: (protocol, account, first folder).
fn synced(commands: &[Command]) -> Vec<(&'static str, String, String)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Imap(ImapCommand::Sync { account, first, .. }) => {
                Some(("imap", account.clone(), first.clone()))
            }
            Command::Pop3Sync(request) => {
                Some(("pop3", request.account.name.clone(), String::new()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn sync_without_an_account_explains_why() {
    let mut app = app("");
    assert!(app.apply(Action::InboxSync).is_empty());
    let text = &app.status.message.as_ref().unwrap().text;
    assert!(text.contains("[accounts.imap]"), "{text}");
}

#[test]
fn every_account_syncs_on_start_with_its_watch_settings() {
    let mut app = app(ACCOUNTS);
    let commands = app.start();
    assert!(matches!(
        commands[0],
        Command::Store(StoreRequest::Open { .. })
    ));
    assert_eq!(
        synced(&commands),
        vec![
            ("imap", "work".into(), "INBOX".into()),
            ("pop3", "old".into(), String::new())
        ]
    );
    let live = commands.iter().find_map(|c| match c {
        Command::Imap(ImapCommand::Sync { live, options, .. }) => Some((*live, options.port)),
        _ => None,
    });
    let (live, port) = live.unwrap();
    assert!(!live.notify);
    assert_eq!(live.poll, Some(std::time::Duration::from_secs(30)));
    assert_eq!(port, 993);
    // The folder pane lists both accounts before any folder arrived.
    assert_eq!(app.inbox.accounts, vec!["work".to_string(), "old".into()]);
}

#[test]
fn s_syncs_the_account_in_view_and_capital_s_all() {
    let mut app = app(ACCOUNTS);
    app.inbox.current = Some(("work".into(), "Lists".into()));
    assert_eq!(
        synced(&app.apply(Action::InboxSync)),
        vec![("imap", "work".into(), "Lists".into())]
    );
    app.inbox.current = Some(("old".into(), "INBOX".into()));
    assert_eq!(
        synced(&app.apply(Action::InboxSync)),
        vec![("pop3", "old".into(), String::new())]
    );
    let all = synced(&app.apply(Action::InboxSyncAll));
    assert_eq!(all.len(), 2, "{all:?}");
    // Local has no server: `s` there syncs everything.
    app.inbox.current = Some(("Local".into(), "Sent".into()));
    assert_eq!(synced(&app.apply(Action::InboxSync)).len(), 2);
    assert_eq!(app.current_account(), Some("Local"));
}

/// A pass of `work` over INBOX and Lists, INBOX half downloaded.
fn mid_pass() -> (App, FetchProgress) {
    let mut app = app(ACCOUNTS);
    app.update(imap(ImapEvent::Pass {
        job: 7,
        account: "work".into(),
        folders: vec!["INBOX".into(), "Lists".into()],
    }));
    app.update(imap(ImapEvent::Folder {
        job: 7,
        account: "work".into(),
        folder: "INBOX".into(),
    }));
    let progress = FetchProgress {
        messages_done: 5,
        messages_total: 10,
        bytes_done: 500,
    };
    app.dirty = false;
    app.update(imap(ImapEvent::Progress {
        job: 7,
        account: "work".into(),
        folder: "INBOX".into(),
        progress,
    }));
    assert!(app.dirty);
    (app, progress)
}

#[test]
fn a_pass_shows_per_folder_progress_then_the_watch() {
    let (mut app, progress) = mid_pass();
    let state = &app.imap.accounts["work"];
    assert_eq!(state.current, Some(("INBOX".into(), progress)));
    assert!(state.queued("Lists") && !state.queued("INBOX"));
    // `s` again while the pass runs says so instead of queueing another.
    app.inbox.current = Some(("work".into(), "INBOX".into()));
    assert!(synced(&app.apply(Action::InboxSync)).is_empty());
    let done = app.update(imap(ImapEvent::FolderDone {
        job: 7,
        account: "work".into(),
        report: FolderReport {
            folder: "INBOX".into(),
            fetched: 10,
            ..Default::default()
        },
    }));
    assert_eq!(done, vec![Command::Store(StoreRequest::Folders)]);
    let state = &app.imap.accounts["work"];
    assert_eq!(
        (state.current.clone(), state.pass.as_ref().unwrap().done),
        (None, 1)
    );
    app.update(Event::Engine(EngineEvent::Job(JobEvent::Finished {
        job: 7,
        outcome: Ok("work: 2 folder(s) in step".into()),
    })));
    app.update(imap(ImapEvent::Watching {
        job: 7,
        account: "work".into(),
        mode: WatchMode::Notify,
    }));
    let state = &app.imap.accounts["work"];
    assert!(state.pass.is_none());
    assert_eq!(
        (state.task, state.watching),
        (Some(7), Some(WatchMode::Notify))
    );
}

#[test]
fn cancelling_a_pass_stops_the_account_until_synced_again() {
    let mut app = app(ACCOUNTS);
    app.update(imap(ImapEvent::Pass {
        job: 7,
        account: "work".into(),
        folders: vec!["INBOX".into()],
    }));
    assert_eq!(
        app.apply(Action::InboxCancelSync),
        vec![Command::CancelJob(7)]
    );
    let state = &app.imap.accounts["work"];
    assert!(state.task.is_none() && state.pass.is_none());
    assert!(state.offline.as_ref().unwrap().0.contains("cancelled"));
    // Nothing runs any more: X says so.
    assert!(app.apply(Action::InboxCancelSync).is_empty());
}

#[test]
fn offline_accounts_say_why_and_whether_they_retry() {
    let mut app = app(ACCOUNTS);
    app.update(imap(ImapEvent::Watching {
        job: 3,
        account: "work".into(),
        mode: WatchMode::Idle { poll: None },
    }));
    app.update(imap(ImapEvent::Offline {
        job: 3,
        account: "work".into(),
        reason: "connection lost".into(),
        retry_secs: Some(4),
    }));
    let state = &app.imap.accounts["work"];
    assert_eq!(state.task, Some(3), "still retrying");
    assert_eq!(state.watching, None);
    app.update(imap(ImapEvent::Offline {
        job: 3,
        account: "work".into(),
        reason: "login failed".into(),
        retry_secs: None,
    }));
    assert_eq!(app.imap.accounts["work"].task, None);
}

#[test]
fn trace_lines_are_kept_bounded_and_travel_only_when_shown() {
    let mut app = app(ACCOUNTS);
    let line = TraceLine {
        dir: TraceDir::Received,
        text: "* OK".into(),
    };
    app.dirty = false;
    app.update(imap(ImapEvent::Trace {
        account: "work".into(),
        lines: vec![line.clone(); TRACE_PANE_LINES + 5],
    }));
    assert!(!app.dirty, "a hidden trace must not cost a frame");
    assert_eq!(app.imap.trace.len(), TRACE_PANE_LINES);
    app.inbox.current = Some(("work".into(), "INBOX".into()));
    assert_eq!(
        app.apply(Action::InboxToggleTrace),
        vec![Command::Imap(ImapCommand::Trace { shown: true })]
    );
    app.dirty = false;
    app.update(imap(ImapEvent::Trace {
        account: "work".into(),
        lines: vec![line],
    }));
    assert!(app.dirty);
    assert_eq!(
        app.apply(Action::InboxToggleTrace),
        vec![Command::Imap(ImapCommand::Trace { shown: false })]
    );
}

#[test]
fn local_changes_are_pushed_to_each_imap_account_they_touch() {
    use crate::store::service::StoreEvent;
    let mut app = app(ACCOUNTS);
    let changes = StoreEvent::LocalChanges {
        accounts: vec!["work".into(), "Local".into()],
    };
    // No store, nothing to push from.
    app.inbox.store_dir = None;
    assert!(app.imap_push_for(&changes).is_empty());
    app.inbox.store_dir = Some(PathBuf::from("/tmp/store"));
    let commands = app.imap_push_for(&changes);
    assert!(
        matches!(&commands[..], [Command::Imap(ImapCommand::Push(p))] if p.account == "work"),
        "{commands:?}"
    );
    let flagged = StoreEvent::FlagsChanged(vec![(1, Default::default())]);
    assert!(app.imap_push_for(&flagged).is_empty());
}

#[test]
fn the_status_line_names_the_account_in_view() {
    let mut app = app(ACCOUNTS);
    assert_eq!(app.current_account(), Some("work"));
    app.inbox.accounts = vec!["work".into(), "old".into()];
    app.update(Event::Engine(EngineEvent::Store(StoreEvent::Folders(
        vec![folder("work", "INBOX"), folder("old", "INBOX")],
    ))));
    app.inbox.folder_cursor = 1;
    app.inbox.current = Some(("old".into(), "INBOX".into()));
    assert_eq!(app.current_account(), Some("old"));
    app.tab = Tab::Sockets;
    assert_eq!(app.current_account(), Some("work"));
}

#[test]
fn syncs_do_not_make_quitting_ask() {
    let mut app = app(ACCOUNTS);
    app.update(imap(ImapEvent::Syncing {
        job: 4,
        account: "work".into(),
    }));
    app.update(Event::Engine(EngineEvent::Job(JobEvent::Started {
        job: 4,
        label: "sync work".into(),
    })));
    assert_eq!(app.status.jobs.len(), 1);
    assert!(app.work_in_progress().is_empty());
    app.apply(Action::Quit);
    assert!(app.should_quit);
}

#[test]
fn a_long_download_refreshes_the_counts_as_it_goes() {
    let mut app = app(ACCOUNTS);
    let progress = |done| {
        imap(ImapEvent::Progress {
            job: 7,
            account: "work".into(),
            folder: "INBOX".into(),
            progress: FetchProgress {
                messages_done: done,
                messages_total: 10_000,
                bytes_done: 0,
            },
        })
    };
    assert!(app.update(progress(500)).is_empty());
    assert!(app.update(progress(1_900)).is_empty());
    assert_eq!(
        app.update(progress(2_100)),
        vec![Command::Store(StoreRequest::Folders)]
    );
    assert!(app.update(progress(3_000)).is_empty());
}
