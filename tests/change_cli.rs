//! `wirepost flag` and `wirepost move` as a script runs them, against
//! real Dovecot: the change is on the server when the command returns;
//! with the server unreachable it is kept and exit status 75 says so, and
//! the next `wirepost sync` carries it.

mod common;

use common::imap::{options, second_client, server_flags};
use common::mailstack::{Mailstack, TestUser};
use std::process::{Command, Output};

fn config(stack: &Mailstack, user: &TestUser, dir: &std::path::Path, port: u16) -> String {
    let path = dir.join(format!("config-{port}.toml"));
    let text = format!(
        "[store]\npath = \"{store}\"\n[[accounts]]\nname = \"cli\"\nemail = \"{email}\"\n\
         [accounts.imap]\nhost = \"{host}\"\nport = {port}\nsecurity = \"tls\"\n\
         password_command = \"printf %s '{password}'\"\nca_file = \"{ca}\"\n",
        store = dir.join("store").display(),
        email = user.address,
        host = stack.host,
        password = user.password,
        ca = stack.ca.display(),
    );
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn run(config: &str, args: &[&str], home: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .arg("--config")
        .arg(config)
        .args(args)
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The IDs `wirepost list` prints for INBOX, in its order.
fn inbox_ids(config: &str, home: &std::path::Path) -> Vec<String> {
    let out = run(
        config,
        &["list", "cli", "--folder", "INBOX", "--json"],
        home,
    );
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8_lossy(&out.stdout)
        .split("\"id\":")
        .skip(1)
        .map(|rest| rest.split(',').next().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flag_and_move_from_the_command_line() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    stack.seed(&user.address, 3, 500);
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let online = config(&stack, &user, home, stack.imaps_port);
    let offline = config(&stack, &user, home, 1);
    let out = run(&online, &["sync"], home);
    assert!(out.status.success(), "{}", text(&out));
    let ids = inbox_ids(&online, home);
    assert_eq!(ids.len(), 3);
    let mut other = second_client(&options(&stack, &user)).await;

    let out = run(
        &online,
        &["flag", &ids[0], "+flagged", "-seen", "+$Label1"],
        home,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("\\Flagged $Label1"), "{}", text(&out));
    let server = server_flags(&mut other, "INBOX").await;
    assert_eq!(
        server
            .values()
            .filter(|s| s.flags.flagged && s.keywords.contains("$Label1"))
            .count(),
        1
    );

    let out = run(&online, &["move", &ids[1], "Archive"], home);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(server_flags(&mut other, "Archive").await.len(), 1);
    assert_eq!(server_flags(&mut other, "INBOX").await.len(), 2);
    let out = run(&online, &["move", &ids[0], "NoSuchFolder"], home);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let out = run(&online, &["flag", &ids[0], "flagged"], home);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));

    // Offline: kept here, status 75; the next sync carries it.
    let out = run(&offline, &["flag", &ids[2], "+answered"], home);
    assert_eq!(out.status.code(), Some(75), "{}", text(&out));
    let out = run(&offline, &["move", &ids[2], "Junk", "--copy"], home);
    assert_eq!(out.status.code(), Some(75), "{}", text(&out));
    assert_eq!(server_flags(&mut other, "Junk").await.len(), 0);
    let out = run(&online, &["sync"], home);
    assert!(out.status.success(), "{}", text(&out));
    let junk = server_flags(&mut other, "Junk").await;
    assert_eq!(junk.len(), 1);
    assert!(junk.values().all(|s| s.flags.answered), "{junk:?}");
    assert_eq!(
        server_flags(&mut other, "INBOX")
            .await
            .values()
            .filter(|s| s.flags.answered)
            .count(),
        1
    );
}
