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
