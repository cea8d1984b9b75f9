//! The store closes cleanly: quitting the interface of the real binary, in
//! a pseudo-terminal, in the middle of an IMAP sync against real Dovecot
//! (the sync engine's writer busy) and after one (the folder watch
//! running), leaves no `index.sqlite-wal` or `-shm` beside the index, and
//! every stored message has both its file and its row.

mod common;

use common::mailstack::Mailstack;
use common::pty::{Tui, temp_config};
use std::path::Path;
use std::time::{Duration, Instant};

fn assert_closed(store: &Path) {
    assert!(store.join("index.sqlite").exists());
    for suffix in ["-wal", "-shm"] {
        let leftover = store.join(format!("index.sqlite{suffix}"));
        assert!(!leftover.exists(), "{} was left behind", leftover.display());
    }
}

/// Messages of work/INBOX: (rows in the index, files in the Maildir).
fn inbox_counts(store: &Path) -> (u64, usize) {
    let files: usize = ["cur", "new"]
        .iter()
        .map(|d| {
            std::fs::read_dir(store.join("work/INBOX").join(d))
                .map(|r| r.count())
                .unwrap_or(0)
        })
        .sum();
    // Read with a connection of our own, closed at once (the store's
    // connections are shared by the whole process).
    let conn = rusqlite::Connection::open(store.join("index.sqlite")).unwrap();
    let rows: i64 = conn
        .query_row(
            "SELECT count(*) FROM messages m JOIN folders f ON f.id = m.folder_id
             WHERE f.account = 'work' AND f.name = 'INBOX'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.close().unwrap();
    (rows as u64, files)
}

/// The gauge's count: "Syncing work/INBOX  1500/6000 messages".
fn synced_so_far(screen: &str) -> Option<u64> {
    // "Syncing work/INBOX  folder 1/7  1500/6000 messages  2.9 MiB ..."
    let rest = &screen[screen.find("Syncing work/INBOX")? + "Syncing work/INBOX".len()..];
    let counts = rest.split(" messages").next()?.split_whitespace().last()?;
    counts.split('/').next()?.parse().ok()
}

/// Sends `q`, answers the "still running" question with `y` if it comes,
/// and waits for a clean exit.
fn quit(tui: &mut Tui) -> bool {
    tui.send("q");
    let start = Instant::now();
    let mut asked = false;
    while !tui.exited() {
        if !asked && tui.screen().contains("These are still running") {
            asked = true;
            tui.send("y");
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "wirepost did not quit; screen:\n{}",
            tui.screen()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(tui.wait_exit(), 0);
    asked
}

#[test]
fn quitting_during_and_after_an_imap_sync_leaves_the_index_closed() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    let total = 6000;
    stack.seed(&user.address, total, 2000);
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let config = temp_config(
        dir.path(),
        &format!(
            "[store]\npath = \"{}\"\n[[accounts]]\nname = \"work\"\nemail = \"{}\"\n\
             [accounts.imap]\nhost = \"localhost\"\nport = {}\nsecurity = \"tls\"\n\
             password_command = \"echo {}\"\nca_file = \"{}\"\n",
            store.display(),
            user.address,
            stack.imaps_port,
            user.password,
            stack.ca.display()
        ),
    );
    let args = ["--config", config.to_str().unwrap()];

    // In the middle of the sync: the quit is confirmed and the writer
    // stops between batches.
    let mut tui = Tui::start(&args, 120, 30);
    tui.send("3");
    tui.send("s");
    // Every account syncs on start; on a fast machine the sync may be
    // over before the screen shows it half way, and the quit then comes
    // after it (still a clean close).
    tui.wait_for("the first batches stored", |screen| {
        synced_so_far(screen).is_some_and(|n| n >= 500) || screen.contains("of 6000")
    });
    let asked = quit(&mut tui);
    assert_closed(&store);
    let (rows, files) = inbox_counts(&store);
    assert_eq!(rows as usize, files, "every stored message has its row");
    eprintln!("quit during the sync: asked {asked}, {rows} of {total} stored");

    // After a whole sync, with the folder watch left running.
    let mut tui = Tui::start(&args, 120, 30);
    tui.send("3");
    tui.send("s");
    tui.wait_text(&format!("Seed message {total} of {total}"));
    tui.wait_text("folder(s) in step");
    quit(&mut tui);
    assert_closed(&store);
    assert_eq!(inbox_counts(&store), (total as u64, total));
}
