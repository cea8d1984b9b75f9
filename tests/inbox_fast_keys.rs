//! Keys typed with no pause in a large folder: an action on a row that is
//! still loading waits for it and then runs, in order (`G F`, `G g F`,
//! `g j j u`), in the real binary in a pseudo-terminal.

mod common;

use common::pty::Tui;
use std::path::Path;
use std::process::Command;

/// Messages in the folder: far more than one page of the list.
const COUNT: usize = 3_000;

/// An mbox of `COUNT` messages, `message 0001` the oldest.
fn write_mbox(path: &Path) {
    let mut text = String::new();
    for n in 1..=COUNT {
        let day = n / 24;
        let hour = n % 24;
        text.push_str(&format!(
            "From sender@example.com Mon Jan  1 00:00:00 2024\n\
From: Sender {n} <s{n}@example.com>\nTo: me@example.com\n\
Subject: message {n:04}\nMessage-ID: <m{n}@example.com>\n\
Date: {date}\n\nBody of message {n}.\n\n",
            date = format_args!(
                "{:02} {} 2024 {hour:02}:00:00 +0000",
                day % 28 + 1,
                ["Jan", "Feb", "Mar", "Apr", "May", "Jun"][day / 28]
            ),
        ));
    }
    std::fs::write(path, text).unwrap();
}

fn wirepost(data: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args(args)
        .env("HOME", data)
        .env("XDG_CONFIG_HOME", data.join("config"))
        .env("XDG_DATA_HOME", data.join("data"))
        .env("XDG_STATE_HOME", data.join("state"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The subjects of the messages with `field` true, from `wirepost list --json`.
fn subjects_where(data: &Path, field: &str, value: bool) -> Vec<String> {
    let json = wirepost(data, &["list", "--json", "--limit", "100000"]);
    let needle = format!("\"{field}\":{value}");
    json.lines()
        .filter(|l| l.contains(&needle) && l.contains("\"folder\":\"big\""))
        .filter_map(|l| {
            let start = l.find("\"subject\":\"")? + 11;
            let end = start + l[start..].find('"')?;
            Some(l[start..end].to_string())
        })
        .collect()
}

/// Starts the interface on the imported folder, its first rows on screen.
fn open_big_folder(data: &Path) -> Tui {
    let xdg_data = data.join("data");
    let mut tui = Tui::start_with(
        &[],
        110,
        32,
        &[("XDG_DATA_HOME", xdg_data.to_str().unwrap())],
    );
    tui.wait_text("Folders");
    tui.send("3");
    tui.wait_text(&format!("1/{COUNT}"));
    tui.wait_text(&format!("message {COUNT:04}"));
    tui
}

fn quit(mut tui: Tui) {
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}

#[test]
fn keys_typed_at_once_wait_for_their_row_and_run_in_order() {
    let data = tempfile::tempdir().unwrap();
    let mbox = data.path().join("big.mbox");
    write_mbox(&mbox);
    let out = wirepost(
        data.path(),
        &["import", mbox.to_str().unwrap(), "--folder", "big"],
    );
    assert!(
        out.contains(&format!("imported {COUNT} message(s)")),
        "{out}"
    );

    // G F: jump to the last (oldest) message and flag it, no pause.
    let mut tui = open_big_folder(data.path());
    tui.send("GF");
    tui.wait_text(&format!("{COUNT}/{COUNT}"));
    tui.wait_for("the last message flagged", |s| {
        s.lines()
            .any(|l| l.contains("message 0001") && l.contains('!'))
    });
    quit(tui);
    assert_eq!(
        subjects_where(data.path(), "flagged", true),
        ["message 0001"]
    );

    // G g F: the jump back to the top comes before the flag.
    let mut tui = open_big_folder(data.path());
    tui.send("GgF");
    tui.wait_for("the newest message flagged", |s| {
        s.lines()
            .any(|l| l.contains(&format!("message {COUNT:04}")) && l.contains('!'))
    });
    quit(tui);
    let mut flagged = subjects_where(data.path(), "flagged", true);
    flagged.sort();
    assert_eq!(
        flagged,
        ["message 0001".to_string(), format!("message {COUNT:04}")]
    );

    // G, then g j j u at once: the third message from the top is read.
    let mut tui = open_big_folder(data.path());
    tui.send("G");
    tui.wait_text(&format!("{COUNT}/{COUNT}"));
    tui.wait_text("message 0001");
    tui.send("gjju");
    tui.wait_text(&format!("3/{COUNT}"));
    quit(tui);
    assert_eq!(
        subjects_where(data.path(), "seen", true),
        [format!("message {:04}", COUNT - 2)]
    );
}
