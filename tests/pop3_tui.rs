//! End-to-end: a POP3 account synced on start by the real binary, then by
//! hand with the trace pane open, against real Dovecot.

mod common;

use common::mailstack::Mailstack;
use common::pty::{Tui, temp_config};

#[test]
fn inbox_syncs_a_pop3_account_and_shows_the_trace() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    stack.seed(&user.address, 5, 4000);
    let dir = tempfile::tempdir().unwrap();
    let config = temp_config(
        dir.path(),
        &format!(
            "[store]\npath = \"{}\"\n[[accounts]]\nname = \"pop\"\nemail = \"{}\"\n\
             [accounts.pop3]\nhost = \"localhost\"\nport = {}\nsecurity = \"tls\"\n\
             password_command = \"echo {}\"\nca_file = \"{}\"\n",
            dir.path().join("store").display(),
            user.address,
            stack.pop3s_port,
            user.password,
            stack.ca.display()
        ),
    );
    // Tall enough for the whole conversation of a 5-message sync.
    let mut tui = Tui::start(&["--config", config.to_str().unwrap()], 100, 120);
    // The account syncs on start; what it downloads is listed at once.
    tui.wait_text("Seed message 5 of 5");
    tui.wait_text("pop: 5 new");
    tui.wait_text("● checks every 5m");
    tui.send("T");
    tui.wait_text("C: AUTH PLAIN ********");
    tui.wait_text("S: [message: ");
    assert!(!tui.screen().contains(&user.password), "{}", tui.screen());
    // Again by hand: nothing new.
    tui.send("s");
    tui.wait_text("pop: 0 new");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}
