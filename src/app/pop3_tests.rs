//! Tests of the POP3 side of the app: starting syncs, progress, the trace.

use super::*;
use crate::app::{EngineEvent, Event, JobEvent, Keymap, Tab};
use crate::config::{Config, ConfigOrigin, LoadedConfig};
use crate::mail::pop3::TraceDir;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::{Path, PathBuf};

fn app(config: &str) -> App {
    let loaded = LoadedConfig {
        config: Config::parse(config, Path::new("c.toml")).unwrap(),
        origin: ConfigOrigin::Missing(PathBuf::from("/tmp/config.toml")),
    };
    let mut app = App::new(loaded, Keymap::build(&Default::default()).unwrap());
    app.tab = Tab::Inbox;
    app.dirty = false;
    app
}

const POP: &str = "[[accounts]]\nname = \"isp\"\nemail = \"me@isp.example\"\n\
                   [accounts.pop3]\nhost = \"pop.isp.example\"\npassword_env = \"X\"\n";

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn progress(job: u64, done: u64, trace: Vec<TraceLine>) -> Event {
    Event::Engine(EngineEvent::Pop3(Pop3Event::Progress {
        job,
        account: "isp".into(),
        done_messages: done,
        total_messages: 10,
        done_bytes: done * 100,
        total_bytes: 1000,
        trace,
    }))
}

#[test]
fn s_starts_one_sync_per_pop3_account() {
    let mut app = app(POP);
    let commands = app.update(key('s'));
    assert!(matches!(&commands[..], [Command::Pop3Sync(r)] if r.account.name == "isp"));
    app.update(Event::Engine(EngineEvent::Pop3(Pop3Event::Started {
        job: 7,
        account: "isp".into(),
    })));
    assert_eq!(app.status.jobs.len(), 1);
    // A second s while it runs starts nothing.
    assert!(app.update(key('s')).is_empty());
}

#[test]
fn without_pop3_accounts_s_says_so() {
    let mut app = app("");
    assert!(app.update(key('s')).is_empty());
    assert_eq!(
        app.status.message.as_ref().unwrap().text,
        "no account has an [accounts.imap] or [accounts.pop3] section"
    );
}

#[test]
fn progress_trace_and_finish() {
    let mut app = app(POP);
    app.update(Event::Engine(EngineEvent::Pop3(Pop3Event::Started {
        job: 3,
        account: "isp".into(),
    })));
    let line = TraceLine {
        dir: TraceDir::Client,
        text: "RETR 1".into(),
    };
    app.dirty = false;
    app.update(progress(3, 4, vec![line.clone()]));
    assert!(app.dirty);
    let state = &app.pop3.accounts["isp"];
    assert_eq!(state.gauge.as_ref().unwrap().done_messages, 4);
    assert_eq!(app.pop3.trace.back().unwrap().1, line);
    assert_eq!((app.status.jobs[0].done, app.status.jobs[0].total), (4, 10));
    app.update(Event::Engine(EngineEvent::Pop3(Pop3Event::Finished {
        job: 3,
        account: "isp".into(),
        outcome: Ok("4 new".into()),
    })));
    let state = &app.pop3.accounts["isp"];
    assert_eq!(state.job, None);
    assert_eq!(state.last, Some(Ok("isp: 4 new".into())));
    assert!(app.status.jobs.is_empty());
}

#[test]
fn cancel_stops_the_running_sync() {
    let mut app = app(POP);
    assert!(app.update(key('X')).is_empty());
    app.update(Event::Engine(EngineEvent::Pop3(Pop3Event::Started {
        job: 9,
        account: "isp".into(),
    })));
    assert_eq!(app.update(key('X')), vec![Command::CancelJob(9)]);
    app.update(Event::Engine(EngineEvent::Job(JobEvent::Finished {
        job: 9,
        outcome: Err("cancelled".into()),
    })));
    let state = &app.pop3.accounts["isp"];
    assert_eq!(state.job, None);
    assert_eq!(state.last, Some(Err("cancelled".into())));
}

#[test]
fn trace_is_bounded_and_toggled() {
    let mut app = app(POP);
    app.update(key('T'));
    assert!(app.pop3.show_trace && app.dirty);
    let lines: Vec<TraceLine> = (0..POP3_TRACE_CAP_LINES + 10)
        .map(|i| TraceLine {
            dir: TraceDir::Server,
            text: format!("line {i}"),
        })
        .collect();
    app.update(progress(1, 0, lines));
    assert_eq!(app.pop3.trace.len(), POP3_TRACE_CAP_LINES);
    assert_eq!(app.pop3.trace.front().unwrap().1.text, "line 10");
}

#[test]
fn trace_scrolls_back_and_stays_put_while_lines_arrive() {
    let mut app = app(POP);
    app.size = (80, 24);
    let lines = |n: usize| -> Vec<TraceLine> {
        (0..n)
            .map(|i| TraceLine {
                dir: TraceDir::Server,
                text: format!("line {i}"),
            })
            .collect()
    };
    app.update(progress(1, 0, lines(100)));
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('['),
        KeyModifiers::NONE,
    )));
    assert_eq!(
        app.pop3.trace_back, 0,
        "no scrolling while the pane is hidden"
    );
    app.update(key('T'));
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('['),
        KeyModifiers::NONE,
    )));
    assert_eq!(app.pop3.trace_back, 12);
    app.update(progress(1, 0, lines(5)));
    assert_eq!(app.pop3.trace_back, 17);
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char(']'),
        KeyModifiers::NONE,
    )));
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char(']'),
        KeyModifiers::NONE,
    )));
    assert_eq!(app.pop3.trace_back, 0);
}

#[test]
fn a_finished_sync_relists_the_folders_so_new_mail_shows() {
    use crate::store::service::{StoreEvent, StoreRequest};
    let mut app = app(POP);
    app.update(Event::Engine(EngineEvent::Store(StoreEvent::Folders(
        Vec::new(),
    ))));
    app.update(Event::Engine(EngineEvent::Pop3(Pop3Event::Started {
        job: 4,
        account: "isp".into(),
    })));
    let commands = app.update(Event::Engine(EngineEvent::Pop3(Pop3Event::Finished {
        job: 4,
        account: "isp".into(),
        outcome: Ok("300 new".into()),
    })));
    assert_eq!(commands, vec![Command::Store(StoreRequest::Folders)]);
}
