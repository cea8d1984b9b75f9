//! Dates as written: mail that arrived in 2024 but was written in 2001 is
//! listed in 2001, in the local time zone (`TZ` honoured), by the real
//! binary after a real IMAP sync from Dovecot; `D` orders and dates the
//! list by arrival instead; mail without a Date header shows its arrival.

mod common;

use common::mailstack::{Mailstack, TestUser};
use common::pty::Tui;
use std::os::unix::fs::{PermissionsExt, chown};
use std::path::Path;
use std::time::{Duration, SystemTime};

const VMAIL_ID: u32 = 5000;
/// Nine hours east of UTC, written the POSIX way (no tz database needed).
const TZ: &str = "XYZ-9";

/// Writes `raw` into the user's server Maildir with the file time Dovecot
/// reports as its arrival (INTERNALDATE).
fn deliver(stack: &Mailstack, user: &TestUser, name: &str, raw: &str, arrived_unix: u64) {
    let root = stack.state.join("mail").join(&user.address).join("Maildir");
    for sub in ["", "new", "cur", "tmp"] {
        let dir = root.join(sub);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        chown(&dir, Some(VMAIL_ID), Some(VMAIL_ID)).unwrap();
    }
    let path = root.join("new").join(name);
    std::fs::write(&path, raw).unwrap();
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(arrived_unix))
        .unwrap();
    chown(&path, Some(VMAIL_ID), Some(VMAIL_ID)).unwrap();
}

fn config(dir: &Path, stack: &Mailstack, user: &TestUser) -> std::path::PathBuf {
    common::pty::temp_config(
        dir,
        &format!(
            "[store]\npath = \"{}\"\n[[accounts]]\nname = \"work\"\nemail = \"{}\"\n\
             [accounts.imap]\nhost = \"{}\"\nport = {}\nsecurity = \"tls\"\n\
             password_env = \"DATES_TEST_PASSWORD\"\nca_file = \"{}\"\n",
            dir.join("store").display(),
            user.address,
            stack.host,
            stack.imaps_port,
            stack.ca.display()
        ),
    )
}

fn wirepost(config: &Path, user: &TestUser, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .arg("--config")
        .arg(config)
        .args(args)
        .env("DATES_TEST_PASSWORD", &user.password)
        .env("TZ", TZ)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_list_shows_the_date_header_in_local_time_and_d_switches_to_arrival() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    // Written 2001-01-15 23:30 UTC, arrived 2024-06-01 12:00 UTC.
    deliver(
        &stack,
        &user,
        "1717243200.M1P1.dates",
        "From: Old Friend <old@example.com>\r\nTo: me@example.com\r\n\
         Subject: written long ago\r\nDate: Mon, 15 Jan 2001 23:30:00 +0000\r\n\r\nhello\r\n",
        1_717_243_200,
    );
    // No Date header; arrived 2024-06-02 12:00 UTC.
    deliver(
        &stack,
        &user,
        "1717329600.M2P1.dates",
        "From: Undated <undated@example.com>\r\nTo: me@example.com\r\n\
         Subject: no date at all\r\n\r\nhi\r\n",
        1_717_329_600,
    );
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), &stack, &user);
    wirepost(&config, &user, &["sync"]);
    let listed = wirepost(&config, &user, &["list"]);
    assert!(listed.contains("2001-01-16 08:30"), "{listed}");
    assert!(listed.contains("2024-06-02 21:00"), "{listed}");

    let mut tui = Tui::start_with(
        &["--config", config.to_str().unwrap()],
        130,
        20,
        &[("TZ", TZ), ("DATES_TEST_PASSWORD", &user.password)],
    );
    tui.send("3");
    tui.wait_text("by date sent");
    tui.wait_for("the Date header in local time", |s| {
        s.lines()
            .any(|l| l.contains("2001-01-16 08:30") && l.contains("written long ago"))
    });
    assert!(
        tui.screen()
            .lines()
            .any(|l| l.contains("2024-06-02 21:00") && l.contains("no date at all")),
        "{}",
        tui.screen()
    );
    tui.send("D");
    tui.wait_text("by date received");
    tui.wait_for("the arrival in local time", |s| {
        s.lines()
            .any(|l| l.contains("2024-06-01 21:00") && l.contains("written long ago"))
    });
    assert!(tui.screen().contains("Received"));
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}
