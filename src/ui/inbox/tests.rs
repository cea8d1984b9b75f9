//! Snapshots of the Inbox: list with CJK subjects and markers, an HTML-only
//! message with links and attachments, hostile text, the import prompt.

use crate::app::inbox::tests::{loaded, row, store};
use crate::app::{Action, App};
use crate::mailview::MessageView;
use crate::store::service::StoreEvent;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn draw(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| crate::ui::render(app, f)).unwrap();
    terminal
}

fn list_app() -> App {
    let mut app = loaded(6);
    let req = app.inbox.list.req;
    let mut rows = vec![
        row(1, "日本語の件名とても長いタイトルがここに続きます", false),
        row(2, "Re: quarterly report", true),
        row(3, "\u{1b}]0;pwned\u{7}evil \u{202e}subject", false),
        row(4, "Ünïcödé résumé", true),
        row(5, "", true),
        row(6, "flagged one", true),
    ];
    rows[0].row.from = "张三 <zhang@example.cn>".into();
    rows[1].depth = 1;
    rows[5].row.flags.flagged = true;
    // These rows replace the loaded page, as a fresh answer would.
    app.inbox.list.requested = Some(0);
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
fn inbox_list_with_cjk_and_markers() {
    insta::assert_snapshot!(draw(&list_app(), 100, 16).backend());
}

#[test]
fn inbox_html_message_with_attachments() {
    let mut app = list_app();
    app.size = (100, 34);
    app.apply(Action::InboxOpen);
    let raw = b"From: =?UTF-8?B?5byg5LiJ?= <zhang@example.cn>\r\nTo: you@example.com\r\n\
Subject: =?UTF-8?B?5pel5pys6Kqe44Gu5Lu25ZCN?=\r\nDate: Tue, 1 Jul 2025 10:00:00 +0000\r\n\
Content-Type: multipart/mixed; boundary=o\r\n\r\n\
--o\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
<h1>Newsletter</h1><p>Read <a href=\"https://example.com/a\">the article</a>.</p>\
<p>\xe4\xb8\xad\xe6\x96\x87\xe5\x86\x85\xe5\xae\xb9</p>\r\n\
--o\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"../../report.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n\
--o\r\nContent-Type: image/png; name=\"\x1b[31mred.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--o--\r\n";
    let view = MessageView::build(raw, 80);
    let id = app.inbox.viewer.as_ref().unwrap().id;
    store(
        &mut app,
        StoreEvent::Viewed {
            id,
            view: Ok(Box::new(view)),
        },
    );
    insta::assert_snapshot!(draw(&app, 100, 34).backend());
}

#[test]
fn inbox_import_prompt() {
    let mut app = list_app();
    app.apply(Action::InboxImport);
    app.update(crate::app::Event::Paste("~/takeout/All mail.mbox".into()));
    insta::assert_snapshot!(draw(&app, 100, 12).backend());
}

#[test]
fn narrow_terminals_show_one_pane_at_a_time() {
    let mut app = list_app();
    app.size = (60, 12);
    let screen = format!("{:?}", draw(&app, 60, 12).backend());
    assert!(
        screen.contains("INBOX 1/6") && !screen.contains("Folders"),
        "{screen}"
    );
    app.apply(Action::InboxBack);
    let screen = format!("{:?}", draw(&app, 60, 12).backend());
    assert!(
        screen.contains("Folders") && screen.contains("Trash"),
        "{screen}"
    );
}

#[test]
fn move_picker_over_the_list() {
    let mut app = crate::app::inbox::picker_tests::picking_app();
    app.apply(Action::InboxMove);
    app.update(crate::app::Event::Paste("wor".into()));
    insta::assert_snapshot!(draw(&app, 100, 20).backend());
}

/// Three accounts (config order: work, home, club) and Local.
fn accounts_app() -> App {
    use crate::app::inbox::tests::folder;
    let mut text = String::new();
    for name in ["work", "home", "club"] {
        text.push_str(&format!(
            "[[accounts]]\nname = \"{name}\"\nemail = \"me@{name}.example\"\n\
             [accounts.imap]\nhost = \"imap.{name}.example\"\npassword_env = \"X\"\n"
        ));
    }
    let config = crate::config::Config::parse(&text, std::path::Path::new("c.toml")).unwrap();
    let loaded = crate::config::LoadedConfig {
        config,
        origin: crate::config::ConfigOrigin::Missing("/c.toml".into()),
    };
    let keymap = crate::app::Keymap::build(&Default::default()).unwrap();
    let mut app = App::new(loaded, keymap);
    app.tab = crate::app::Tab::Inbox;
    app.size = (100, 22);
    // The store lists accounts alphabetically; the pane keeps the config's
    // order with Local last.
    store(
        &mut app,
        StoreEvent::Folders(vec![
            folder("Local", "Sent", 3, 0),
            folder("home", "INBOX", 120, 4),
            folder("home", "Lists", 80, 0),
            folder("home", "Sent", 0, 0),
            folder("work", "INBOX", 2000, 12),
            folder("work", "Archive", 9000, 0),
        ]),
    );
    app
}

/// work live through NOTIFY; home in the middle of a pass (INBOX done,
/// Lists downloading, Sent waiting); club offline.
fn live_states() -> Vec<crate::mail::imap::engine::ImapEvent> {
    use crate::mail::imap::engine::{ImapEvent, WatchMode};
    use crate::mail::imap::fetch::FetchProgress;
    let home = || "home".to_string();
    vec![
        ImapEvent::Watching {
            job: 1,
            account: "work".into(),
            mode: WatchMode::Notify,
        },
        ImapEvent::Pass {
            job: 2,
            account: home(),
            folders: vec!["INBOX".into(), "Lists".into(), "Sent".into()],
        },
        ImapEvent::FolderDone {
            job: 2,
            account: home(),
            report: crate::mail::imap::sync::FolderReport {
                folder: "INBOX".into(),
                ..Default::default()
            },
        },
        ImapEvent::Progress {
            job: 2,
            account: home(),
            folder: "Lists".into(),
            progress: FetchProgress {
                messages_done: 340,
                messages_total: 1000,
                bytes_done: 1 << 20,
            },
        },
        ImapEvent::Offline {
            job: 3,
            account: "club".into(),
            reason: "cannot reach imap.club.example:993".into(),
            retry_secs: Some(8),
        },
    ]
}

#[test]
fn folder_pane_lists_every_account_with_live_state_and_progress() {
    let mut app = accounts_app();
    for event in live_states() {
        app.update(crate::app::Event::Engine(crate::app::EngineEvent::Imap(
            event,
        )));
    }
    insta::assert_snapshot!(draw(&app, 100, 22).backend());
}

#[test]
fn inbox_dates_sent_and_received() {
    let mut app = list_app();
    app.size = (130, 9);
    // Written in 2001, arrived in 2025 (row dates are arrivals).
    for (i, line) in app.inbox.list.window.iter_mut().enumerate() {
        line.row.sent_date = (i != 1).then_some(978_516_000 + i as i64 * 86_400);
    }
    let sent = draw(&app, 130, 9);
    let rows = app.inbox.list.window.clone();
    app.apply(Action::InboxToggleDateSort);
    let req = app.inbox.list.req;
    store(
        &mut app,
        StoreEvent::Listed {
            req,
            total: 6,
            kept_at: None,
        },
    );
    store(
        &mut app,
        StoreEvent::Page {
            req,
            offset: 0,
            rows,
        },
    );
    let received = draw(&app, 130, 9);
    insta::assert_snapshot!(format!("{}\n{}", sent.backend(), received.backend()));
}

#[test]
fn inbox_malformed_message_shows_its_text_and_what_was_wrong() {
    let mut app = list_app();
    app.size = (100, 16);
    app.apply(Action::InboxOpen);
    // A multipart whose boundary never appears (CPython's msg_17).
    let raw = b"From: Barry <barry@example.com>\nSubject: Here is your dingus fish\n\
Content-Type: multipart/mixed; boundary=\"BOUNDARY\"\n\nHi there,\n\nThis is the dingus fish.\n";
    let id = app.inbox.viewer.as_ref().unwrap().id;
    store(
        &mut app,
        StoreEvent::Viewed {
            id,
            view: Ok(Box::new(MessageView::build(raw, 80))),
        },
    );
    let broken = draw(&app, 100, 16);
    // And one with no text at all says so.
    let raw = b"Subject: empty\nContent-Type: text/plain\n\n\n";
    store(
        &mut app,
        StoreEvent::Viewed {
            id,
            view: Ok(Box::new(MessageView::build(raw, 80))),
        },
    );
    let empty = draw(&app, 100, 16);
    insta::assert_snapshot!(format!("{}\n{}", broken.backend(), empty.backend()));
}
