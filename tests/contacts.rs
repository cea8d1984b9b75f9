//! Recipients from the address book end to end: `wirepost contacts` ranks
//! the people you write to above the people who write to you and merges a
//! fake `address_book_command` (mutt's query format); in the compose form
//! a typed prefix and Tab complete from both.

mod common;

use common::pty::{Tui, temp_config};
use std::path::Path;
use std::process::Command;

/// A stand-in for khard/abook: logs each query, answers in mutt's format.
fn fake_book(dir: &Path) -> String {
    let script = dir.join("book.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$1\" >> '{log}'\necho 'Searching the book... 2 found'\n\
             printf 'andrea@book.test\\tAndrea Book\\tfriends\\n'\n\
             printf 'ANN@EXAMPLE.TEST\\tAnn From Book\\n'\n",
            log = dir.join("queries.log").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    format!("{} %s", script.display())
}

/// Mail received from Noisy (three times) and sent to Ann (once).
fn seed_store(dir: &Path, config: &Path) {
    let inbox = dir.join("inbox");
    let sent = dir.join("Sent");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::create_dir_all(&sent).unwrap();
    for i in 0..3 {
        std::fs::write(
            inbox.join(format!("{i}.eml")),
            format!(
                "From: Anna Noisy <anna.noisy@example.test>\nTo: me@example.test\n\
                 Subject: news {i}\nDate: Mon, 1 Dec 2025 1{i}:00:00 +0000\n\nhello\n"
            ),
        )
        .unwrap();
    }
    std::fs::write(
        sent.join("a.eml"),
        "From: me@example.test\nTo: Ann Lee <ann@example.test>\nSubject: lunch\n\
         Date: Mon, 1 Dec 2025 09:00:00 +0000\n\nnoon?\n",
    )
    .unwrap();
    for folder in [&inbox, &sent] {
        let out = wirepost(dir, config, &["import", folder.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn wirepost(dir: &Path, config: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .arg("--config")
        .arg(config)
        .args(args)
        .env("HOME", dir)
        .env("XDG_STATE_HOME", dir.join("state"))
        .output()
        .unwrap()
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let book = fake_book(dir.path());
    let config = temp_config(
        dir.path(),
        &format!(
            r#"
[store]
path = "{store}"
[contacts]
address_book_command = "{book}"
[[accounts]]
name = "me"
email = "me@example.test"
[accounts.smtp]
host = "127.0.0.1"
password_env = "UNUSED"
"#,
            store = dir.path().join("store").display(),
        ),
    );
    seed_store(dir.path(), &config);
    (dir, config)
}

#[test]
fn contacts_are_ranked_merged_and_printed_one_a_line() {
    let (dir, config) = setup();
    let out = wirepost(dir.path(), &config, &["contacts", "an"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(
        lines,
        [
            // Written to, so first though Anna wrote three times.
            "Ann Lee <ann@example.test>",
            "Anna Noisy <anna.noisy@example.test>",
            // Only in the address book; Ann's book entry is merged into hers.
            "Andrea Book <andrea@book.test>",
        ]
    );
    let queries = std::fs::read_to_string(dir.path().join("queries.log")).unwrap();
    assert_eq!(queries, "an\n");
    let none = wirepost(dir.path(), &config, &["contacts", "zzz-nobody"]);
    // The fake book answers every query; filter nothing out of it.
    assert_eq!(none.status.code(), Some(0));
}

#[test]
fn typing_a_prefix_and_tab_completes_a_recipient() {
    let (dir, config) = setup();
    let config = config.display().to_string();
    let mut tui = Tui::start(&["-c", &config], 100, 30);
    tui.wait_text("Sockets");
    tui.send("2");
    tui.wait_text("From");
    tui.send("\r");
    tui.send("andr");
    // The store knows no "andr…": the suggestion comes from the book.
    tui.wait_text("Andrea Book <andrea@book.test>");
    tui.send("\t");
    tui.wait_text("To  Andrea Book <andrea@book.test>,");
    tui.send("an");
    tui.wait_text("Ann Lee <ann@example.test>");
    tui.send("\t");
    tui.wait_text("Andrea Book <andrea@book.test>, Ann Lee <ann@example.test>,");
    let queries = std::fs::read_to_string(dir.path().join("queries.log")).unwrap();
    assert!(queries.lines().any(|q| q == "andr"), "{queries}");
    tui.send("\x1b");
    tui.wait_for("editing to stop", |s| !s.contains("esc stop editing"));
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}
