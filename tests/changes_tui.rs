//! The real binary in a pseudo-terminal against Dovecot: a flag and an
//! unflag reach the server at once and a sync does not undo them; `m`
//! moves a message through the folder picker, `d` deletes, both on the
//! server within seconds and without a sync.

mod common;

use common::imap::{options, second_client, server_flags};
use common::mailstack::Mailstack;
use common::pty::{Tui, temp_config};
use std::time::{Duration, Instant};

const PASSWORD_VAR: &str = "WIREPOST_TEST_CHANGES_PASSWORD";

/// Polls the server until `check` holds (each look is a fresh FETCH).
async fn server_until(
    session: &mut wirepost::mail::imap::ImapSession,
    folder: &str,
    what: &str,
    check: impl Fn(&std::collections::BTreeMap<u32, wirepost::store::FlagState>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let flags = server_flags(session, folder).await;
        if check(&flags) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "server never showed {what}: {flags:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flags_moves_and_deletes_reach_the_server_at_once() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    stack.seed(&user.address, 3, 600);
    let dir = tempfile::tempdir().unwrap();
    let config = temp_config(
        dir.path(),
        &format!(
            "[store]\npath = \"{store}\"\n[[accounts]]\nname = \"mine\"\nemail = \"{email}\"\n\
             [accounts.imap]\nhost = \"{host}\"\nport = {port}\nsecurity = \"tls\"\n\
             password_env = \"{PASSWORD_VAR}\"\nca_file = \"{ca}\"\n",
            store = dir.path().join("store").display(),
            email = user.address,
            host = stack.host,
            port = stack.imaps_port,
            ca = stack.ca.display(),
        ),
    );
    let config = config.display().to_string();
    let mut tui = Tui::start_with(&["-c", &config], 120, 30, &[(PASSWORD_VAR, &user.password)]);
    tui.wait_text("Sockets");
    tui.send("3");
    tui.send("s");
    tui.wait_text("Seed message 3 of 3");
    let mut other = second_client(&options(&stack, &user)).await;

    // The list is newest first: the cursor is on message 3.
    tui.send("F");
    server_until(&mut other, "INBOX", "the flag", |f| {
        f.values().filter(|s| s.flags.flagged).count() == 1
    })
    .await;
    tui.send("F");
    server_until(&mut other, "INBOX", "the unflag", |f| {
        f.values().all(|s| !s.flags.flagged)
    })
    .await;
    tui.send("s");
    tui.wait_text("in step");
    // Neither the screen nor the server got the flag back.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        server_flags(&mut other, "INBOX")
            .await
            .values()
            .all(|s| !s.flags.flagged)
    );
    assert!(!tui.screen().contains('!'), "{}", tui.screen());

    // Move through the picker: INBOX loses it, Archive has it.
    tui.send("m");
    tui.wait_text("Move to folder");
    tui.send("archi");
    tui.wait_text("mine / Archive");
    tui.send("\r");
    tui.wait_for("the message to leave the list", |s| {
        !s.contains("Seed message 3 of 3")
    });
    server_until(&mut other, "Archive", "the moved message", |f| f.len() == 1).await;
    server_until(&mut other, "INBOX", "INBOX without it", |f| f.len() == 2).await;

    // Delete: to Trash on the server, no sync needed.
    tui.send("d");
    server_until(&mut other, "Trash", "the deleted message", |f| f.len() == 1).await;
    server_until(&mut other, "INBOX", "INBOX without it", |f| f.len() == 1).await;
    tui.send("q");
    // Quitting may ask while the folder watch runs.
    std::thread::sleep(Duration::from_millis(200));
    tui.send("y");
    tui.wait_exit();
}
