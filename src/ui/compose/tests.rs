//! Snapshot tests of the Compose tab: the form, Outbox, Drafts, results.

use crate::app::compose::{Field, FolderKind, LastSend, View};
use crate::app::{App, Keymap, Tab};
use crate::config::{Config, ConfigOrigin, LoadedConfig};
use crate::mail::compose::draft::{Attachment, Draft};
use crate::mail::compose::engine::SendSummary;
use crate::mail::smtp::{Direction, Refusal, TraceLine};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn app() -> App {
    let config = Config::parse(
        include_str!("../../../config.example.toml"),
        Path::new("config.toml"),
    )
    .unwrap();
    let loaded = LoadedConfig {
        config,
        origin: ConfigOrigin::File(PathBuf::from("config.toml")),
    };
    let mut app = App::new(loaded, Keymap::build(&BTreeMap::new()).unwrap());
    app.tab = Tab::Compose;
    app
}

fn draw(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| crate::ui::render(app, f)).unwrap();
    terminal
}

#[test]
fn compose_filled_sent_with_trace() {
    let mut app = app();
    let draft = Draft {
        account: "personal".into(),
        to: "Ann <ann@example.com>, bob@example.com".into(),
        subject: "季度报告 — Q3".into(),
        body: "Hi both,\n\nthe numbers are attached.\n".into(),
        attachments: vec![Attachment::from_data(
            "q3.pdf",
            "application/pdf",
            vec![0; 150_000],
        )],
        ..Draft::default()
    };
    let config = app.config.clone();
    app.compose.load(&config, &draft);
    app.compose.focus = Field::Subject;
    app.compose.show_trace = true;
    app.compose.last_send = Some(LastSend::Sent {
        summary: SendSummary {
            accepted: vec!["ann@example.com".into()],
            refused: vec![Refusal {
                recipient: "bob@example.com".into(),
                reply: "550 5.1.1 <bob@example.com>: Recipient address rejected".into(),
            }],
            reply: "250 2.0.0 Ok: queued as 4F1".into(),
            warnings: vec![],
        },
    });
    let trace = [
        (
            Direction::Info,
            "TLS established: TLSv1_3 TLS13_AES_256_GCM_SHA384",
        ),
        (Direction::Client, "AUTH PLAIN ****"),
        (Direction::Server, "235 2.7.0 Authentication successful"),
        (Direction::Client, "DATA"),
        (Direction::Server, "354 End data with <CR><LF>.<CR><LF>"),
        (Direction::Client, "<message, 205113 bytes>"),
        (Direction::Client, "."),
        (Direction::Server, "250 2.0.0 Ok: queued as 4F1"),
    ];
    app.compose.push_trace(
        trace
            .iter()
            .map(|(direction, text)| TraceLine {
                direction: *direction,
                text: text.to_string(),
            })
            .collect(),
    );
    insta::assert_snapshot!(draw(&app, 90, 34).backend());
}

#[test]
fn compose_outbox_with_last_error() {
    let mut app = app();
    app.compose.view = View::Folder(FolderKind::Outbox);
    app.compose.folder_entries = vec![crate::store::FolderEntry {
        id: 3,
        date: 0,
        to: "ann@example.com".into(),
        subject: "report \u{1b}]0;pwned\u{7}".into(),
        size: 2048,
    }];
    app.compose
        .outbox_errors
        .insert(3, "535 5.7.8 Error: authentication failed".into());
    insta::assert_snapshot!(draw(&app, 80, 12).backend());
}

#[test]
fn compose_outbox_with_delivery_unknown() {
    use crate::mail::outbox::marks::DeliveryUnknown;
    let mut app = app();
    app.compose.view = View::Folder(FolderKind::Outbox);
    let entry = |id, subject: &str| crate::store::FolderEntry {
        id,
        date: 0,
        to: "ann@example.com".into(),
        subject: subject.into(),
        size: 2048,
    };
    app.compose.folder_entries = vec![entry(3, "minutes"), entry(4, "report")];
    app.compose.outbox_unknown.insert(
        3,
        DeliveryUnknown {
            since: 1_790_000_000,
            reason: "sending the message: timed out".into(),
        },
    );
    app.compose.last_send = Some(LastSend::Unknown {
        reason: "sending the message: timed out".into(),
    });
    insta::assert_snapshot!("outbox_unknown", draw(&app, 80, 12).backend());
    // After r: the confirmation is asked on the message's own lines.
    app.compose.confirm_resend = Some(3);
    insta::assert_snapshot!("outbox_unknown_confirm", draw(&app, 80, 12).backend());
}

#[test]
fn compose_encrypted_with_recipient_keys() {
    use crate::mail::compose::secure::Protection;
    use crate::pgp::KeyState;
    let mut app = app();
    let draft = Draft {
        account: "personal".into(),
        to: "Ann <ann@example.com>, bob@example.com, eve@example.com".into(),
        subject: "plans".into(),
        body: "secret\n".into(),
        ..Draft::default()
    };
    let config = app.config.clone();
    app.compose.load(&config, &draft);
    app.compose.protection = Protection {
        sign: true,
        encrypt: true,
    };
    let asked: Vec<String> = ["ann@example.com", "bob@example.com", "eve@example.com"]
        .map(String::from)
        .to_vec();
    let fingerprint = "AB".repeat(20);
    app.compose.keys.states = Some(Ok(vec![
        (asked[0].clone(), KeyState::Usable { fingerprint }),
        (asked[1].clone(), KeyState::NoKey),
        (asked[2].clone(), KeyState::Revoked),
    ]));
    app.compose.keys.asked = asked;
    insta::assert_snapshot!(draw(&app, 110, 20).backend());
}
