//! The Inbox end to end: mail imported with `wirepost import` (or from the
//! Inbox itself) shows up under the Local account, opens, searches.

mod common;

use common::pty::Tui;
use std::path::Path;
use std::process::Command;

fn write_emls(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let messages = [
        (
            "a.eml",
            "From: =?UTF-8?B?5byg5LiJ?= <zhang@example.cn>\nTo: me@example.com\n\
Subject: =?UTF-8?B?5pel5pys6Kqe44Gu5Lu25ZCN?=\nDate: Tue, 1 Jul 2025 10:00:00 +0000\n\
Message-ID: <a@example.cn>\n\nThe quarterly numbers are attached.\n",
        ),
        (
            "b.eml",
            "From: Bob <bob@example.com>\nTo: me@example.com\nSubject: lunch tomorrow\n\
Date: Wed, 2 Jul 2025 12:00:00 +0000\nMessage-ID: <b@example.com>\n\
Content-Type: text/html\n\n<p>Shall we meet at <b>noon</b>?</p>\n",
        ),
        (
            "c.eml",
            "From: Carol <carol@example.com>\nTo: me@example.com\nSubject: Re: lunch tomorrow\n\
Date: Wed, 2 Jul 2025 13:00:00 +0000\nMessage-ID: <c@example.com>\nIn-Reply-To: <b@example.com>\n\
References: <b@example.com>\n\nYes, noon works.\n",
        ),
    ];
    for (name, text) in messages {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

#[test]
fn imported_mail_shows_in_the_inbox_and_opens() {
    let data = tempfile::tempdir().unwrap();
    let source = data.path().join("saved");
    write_emls(&source);
    let out = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .arg("import")
        .arg(&source)
        .env("HOME", data.path())
        .env("XDG_CONFIG_HOME", data.path().join("config"))
        .env("XDG_DATA_HOME", data.path().join("data"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("imported 3 message(s) into Local / saved")
    );

    let xdg_data = data.path().join("data");
    let mut tui = Tui::start_with(
        &[],
        110,
        32,
        &[("XDG_DATA_HOME", xdg_data.to_str().unwrap())],
    );
    tui.wait_text("3 Inbox");
    tui.send("3");
    tui.wait_text("Local");
    tui.wait_text("lunch tomorrow");
    tui.wait_text("日本語の件名");
    // Newest first: Carol's reply is on top; open it.
    tui.send("\r");
    tui.wait_text("Yes, noon works.");
    // The next message is the HTML one, rendered as text.
    tui.send("J");
    tui.wait_text("Shall we meet at noon?");
    tui.send("\x1b");
    tui.wait_for("the viewer to close", |s| !s.contains("Shall we meet"));
    // Full-text search over bodies.
    tui.send("/quarterly\r");
    tui.wait_text("search: quarterly");
    tui.wait_for("only the matching message", |s| {
        s.contains("日本語の件名") && !s.contains("lunch tomorrow")
    });
    tui.send("\x1b");
    tui.wait_text("lunch tomorrow");
    // Threads: the reply sits under its parent.
    tui.send("t");
    tui.wait_text("└ Re: lunch tomorrow");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}

#[test]
fn the_inbox_imports_a_path_typed_into_it() {
    let mut tui = Tui::start(&[], 100, 30);
    let source = tui.home.path().join("saved");
    write_emls(&source);
    tui.send("3");
    tui.wait_text("No mail here yet");
    tui.send("i");
    tui.wait_text("Import (mbox file");
    tui.send(source.to_str().unwrap());
    tui.send("\r");
    tui.wait_text("imported 3 message(s)");
    tui.wait_text("lunch tomorrow");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}
