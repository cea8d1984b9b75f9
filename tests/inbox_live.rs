//! The Inbox of the real binary with two live accounts on real Dovecot:
//! both sync on start and show in the folder pane with how they are
//! watched; mail delivered to another folder of one and to the INBOX of
//! the other shows with its unread count without a key pressed; nothing
//! is drawn while nothing happens (not even while one account polls);
//! the status line names the account in view; quitting does not ask
//! about syncs.

mod common;

use common::mailstack::{Mailstack, TestUser};
use common::pty::{Tui, temp_config};
use std::time::Duration;

/// The folder pane's width on a terminal of 120 columns or more.
const PANE_COLS: usize = 26;

fn account(stack: &Mailstack, name: &str, user: &TestUser, extra: &str) -> String {
    format!(
        "[[accounts]]\nname = \"{name}\"\nemail = \"{}\"\n[accounts.imap]\nhost = \"{}\"\n\
         port = {}\nsecurity = \"tls\"\nca_file = \"{}\"\npassword_command = \"echo {}\"\n{extra}",
        user.address,
        stack.host,
        stack.imaps_port,
        stack.ca.display(),
        user.password
    )
}

/// A message from a mailing list, delivered into `folder` by another program.
async fn append(stack: &Mailstack, user: &TestUser, folder: &str, subject: &str) {
    let raw = format!("From: List <list@example.test>\r\nSubject: {subject}\r\n\r\nhi\r\n");
    common::imap::append(stack, user, folder, &raw).await;
}

/// The folder pane's lines of `account`: its state line and folders.
fn pane_of(screen: &str, account: &str) -> Vec<String> {
    let pane: Vec<String> = screen
        .lines()
        .map(|l| l.chars().take(PANE_COLS).collect::<String>())
        .map(|l| l.trim_start_matches('│').trim_end_matches('│').to_string())
        .collect();
    let Some(start) = pane.iter().position(|l| l.trim_end() == account) else {
        return Vec::new();
    };
    pane[start + 1..]
        .iter()
        .take_while(|l| l.starts_with(' ') && !l.trim().is_empty())
        .cloned()
        .collect()
}

/// The count shown after `folder` in `account`'s part of the pane.
fn count(screen: &str, account: &str, folder: &str) -> Option<String> {
    pane_of(screen, account).iter().find_map(|line| {
        let mut words = line.split_whitespace();
        (words.next() == Some(folder)).then(|| words.next().unwrap_or("").to_string())
    })
}

#[tokio::test]
async fn two_live_accounts_show_new_mail_in_any_folder_without_a_key() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (alice, bob) = (stack.claim_user(), stack.claim_user());
    stack.seed(&alice.address, 2, 1_000);
    append(&stack, &alice, "Lists", "already there").await;
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[store]\npath = \"{}\"\n{}{}",
        dir.path().join("store").display(),
        account(&stack, "alice", &alice, ""),
        account(
            &stack,
            "bob",
            &bob,
            "notify = false\npoll_interval_secs = 1\n"
        ),
    );
    let config = temp_config(dir.path(), &text);
    let mut tui = Tui::start(&["-c", config.to_str().unwrap()], 120, 32);
    tui.wait_text("● live (NOTIFY)");
    tui.wait_text("● IDLE+poll 1s");
    tui.wait_for("alice's folders", |s| count(s, "alice", "Lists").is_some());
    assert!(tui.row(31).contains("alice"), "{}", tui.row(31));
    assert!(tui.screen().contains("Local"), "{}", tui.screen());

    // Idle, with bob polled every second: nothing is drawn.
    let settled = tui.wait_settled(Duration::from_millis(800));
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(tui.frames(), settled, "frames while nothing changed");

    append(&stack, &alice, "Lists", &Mailstack::unique("to-lists")).await;
    tui.wait_for("alice's Lists unread count", |s| {
        count(s, "alice", "Lists").as_deref() == Some("2")
    });
    stack.deliver(&bob.address, &Mailstack::unique("to-bob"));
    tui.wait_for("bob's INBOX unread count", |s| {
        count(s, "bob", "INBOX").as_deref() == Some("1")
    });

    // Into bob's INBOX (a click on it): the status line names bob.
    let screen = tui.screen();
    let row = screen
        .lines()
        .position(|l| l.starts_with("│bob"))
        .expect("bob in the pane")
        + 2;
    tui.click(3, row as u16);
    tui.wait_for("the status line to name bob", |_| {
        tui.row(31).trim_start().starts_with("bob")
    });
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}
