//! Snapshot tests of whole screens: each tab, overlays, the status line.

use super::render;
use crate::app::{App, EngineEvent, Event, JobEvent, Keymap, Level, Overlay, Tab};
use crate::config::{Config, ConfigOrigin, LoadedConfig};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn app_with(config: Config) -> App {
    let loaded = LoadedConfig {
        config,
        origin: ConfigOrigin::Missing(PathBuf::from("/home/user/.config/wirepost/config.toml")),
    };
    let mut app = App::new(loaded, Keymap::build(&BTreeMap::new()).unwrap());
    // The overlays' snapshots are taken over the Sockets tab.
    app.tab = Tab::Sockets;
    app
}

fn app() -> App {
    app_with(Config::default())
}

fn example_config() -> Config {
    Config::parse(
        include_str!("../../config.example.toml"),
        Path::new("config.toml"),
    )
    .unwrap()
}

fn draw(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| render(app, f)).unwrap();
    terminal
}

#[test]
fn sockets_empty() {
    insta::assert_snapshot!(draw(&app(), 80, 24).backend());
}

#[test]
fn compose_without_sender() {
    let mut app = app();
    app.tab = Tab::Compose;
    insta::assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn compose_with_accounts() {
    let mut app = app_with(example_config());
    app.tab = Tab::Compose;
    insta::assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn inbox_without_account() {
    let mut app = app();
    app.tab = Tab::Inbox;
    insta::assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn inbox_with_accounts() {
    let mut app = app_with(example_config());
    app.tab = Tab::Inbox;
    insta::assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn help_overlay() {
    let mut app = app();
    app.overlay = Some(Overlay::Help { scroll: 0 });
    insta::assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn help_overlay_large() {
    let mut app = app();
    app.tab = Tab::Inbox;
    app.overlay = Some(Overlay::Help { scroll: 0 });
    insta::assert_snapshot!(draw(&app, 200, 60).backend());
}

#[test]
fn confirm_quit_with_jobs_and_error_message() {
    let mut app = app_with(example_config());
    app.update(Event::Engine(EngineEvent::Job(JobEvent::Started {
        job: 1,
        label: "Syncing personal/INBOX".into(),
    })));
    app.update(Event::Engine(EngineEvent::Job(JobEvent::Progress {
        job: 1,
        done: 120,
        total: 500,
    })));
    app.update(Event::Engine(EngineEvent::Job(JobEvent::Notice {
        level: Level::Error,
        text: "imap.example.com: connection refused".into(),
    })));
    app.overlay = Some(Overlay::ConfirmQuit);
    insta::assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn tiny_terminals_never_panic() {
    let mut apps = Vec::new();
    for tab in Tab::ALL {
        for overlay in [
            None,
            Some(Overlay::Help { scroll: 99 }),
            Some(Overlay::ConfirmQuit),
        ] {
            let mut app = app_with(example_config());
            app.tab = tab;
            app.overlay = overlay;
            app.status.set(
                Level::Warning,
                "a long message that cannot fit anywhere at all",
            );
            apps.push(app);
        }
    }
    for app in &apps {
        for (w, h) in [(20, 5), (1, 1), (0, 0), (3, 2), (80, 3), (200, 60)] {
            draw(app, w, h);
        }
    }
}

#[test]
fn tab_bar_labels_sit_where_clicks_land() {
    let terminal = draw(&app(), 80, 24);
    let buffer = terminal.backend().buffer();
    for (tab, start, end) in crate::app::tab_columns() {
        let text: String = (start..end)
            .map(|x| buffer[(x, 0)].symbol().to_string())
            .collect();
        assert_eq!(text, tab.label());
    }
}

#[test]
fn inbox_pop3_syncing_with_trace() {
    use crate::mail::pop3::engine::Pop3Event;
    use crate::mail::pop3::{TraceDir, TraceLine};
    let mut app = app_with(example_config());
    app.tab = Tab::Inbox;
    app.update(Event::Engine(EngineEvent::Pop3(Pop3Event::Started {
        job: 1,
        account: "old-isp".into(),
    })));
    let trace = [
        (
            TraceDir::Note,
            "connected to pop.isp.example.net:110 (security: starttls)",
        ),
        (TraceDir::Client, "AUTH PLAIN ********"),
        (TraceDir::Server, "+OK Logged in."),
        (TraceDir::Client, "RETR 1"),
        (TraceDir::Server, "+OK 5012 octets"),
        (TraceDir::Server, "[message: 5012 bytes, 80 lines]"),
    ]
    .into_iter()
    .map(|(dir, text)| TraceLine {
        dir,
        text: text.into(),
    })
    .collect();
    app.update(Event::Engine(EngineEvent::Pop3(Pop3Event::Progress {
        job: 1,
        account: "old-isp".into(),
        done_messages: 120,
        total_messages: 400,
        done_bytes: 600_000,
        total_bytes: 2_000_000,
        trace,
    })));
    app.pop3.show_trace = true;
    insta::assert_snapshot!(draw(&app, 80, 30).backend());
}
