//! End-to-end: the real binary in a pseudo-terminal, driven by keys.

mod common;

use common::pty::{FRAME_START, Tui, count};

#[test]
fn tabs_help_resize_and_quit() {
    let mut tui = Tui::start(&[], 80, 24);
    // The first screen points to mail: how to add an account, how to
    // import, and the config file it reads, in this user's config dir.
    tui.wait_text("To read a mail server, add an account to");
    let config_path = tui.config_dir().join("config.toml");
    tui.wait_text(&config_path.display().to_string());
    tui.wait_text("(not created yet)");
    tui.wait_text("wirepost import PATH");
    assert!(tui.row(0).contains("3 Inbox"), "{}", tui.row(0));
    assert!(tui.row(23).contains("no account"), "{}", tui.row(23));

    tui.send("2");
    tui.wait_text("No account can send mail yet");
    tui.send("1");
    tui.wait_text("No socket sessions yet");
    tui.send("\x1b[Z"); // Shift-Tab
    tui.wait_text("To read a mail server");
    tui.send("\t");
    tui.wait_text("No socket sessions yet");
    tui.send("3");
    tui.wait_text("To read a mail server");

    tui.send("?");
    tui.wait_text("Go to the Inbox tab");
    tui.wait_text("Quit (asks first");
    tui.send("\x1b"); // Esc closes it
    tui.wait_for("help to close", |s| !s.contains("Go to the Inbox tab"));

    tui.resize(132, 40);
    tui.wait_for("the status line to move to the new bottom row", |_| {
        tui.row(39).contains("? help")
    });
    assert!(tui.row(39).trim_end().len() > 100, "{}", tui.row(39));

    tui.resize(20, 5);
    tui.wait_for("a redraw at 20x5", |_| tui.row(0).contains("wirepost"));

    tui.resize(80, 24);
    tui.wait_for("a redraw at 80x24", |_| tui.row(23).contains("? help"));
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
    let raw = tui.raw();
    assert!(
        count(&raw, b"\x1b[?1049h") >= 1,
        "entered the alternate screen"
    );
    assert!(
        raw.ends_with(b"\x1b[?25h") || count(&raw, b"\x1b[?1049l") >= 1,
        "left the alternate screen"
    );
}

#[test]
fn clicking_a_tab_switches_to_it() {
    let mut tui = Tui::start(&[], 80, 24);
    tui.wait_text("To read a mail server");
    let sockets = tui.row(0).find("1 Sockets").unwrap() as u16;
    tui.click(sockets + 1, 0);
    tui.wait_text("No socket sessions yet");
    let inbox = tui.row(0).find("3 Inbox").unwrap() as u16;
    tui.click(inbox + 1, 0);
    tui.wait_text("To read a mail server");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}

#[test]
fn idle_draws_no_frames_and_unbound_keys_draw_none() {
    let mut tui = Tui::start(&[], 80, 24);
    tui.wait_text("To read a mail server");
    // The store's first answers (the Local folders) draw once or twice.
    let settled = tui.wait_settled(std::time::Duration::from_millis(500));
    assert!(settled >= 1);
    // Keys that change nothing cause no frame; the help key causes exactly
    // one. Input is handled in order, so any frame from the unbound keys
    // would be counted before help's.
    tui.send("zzzzxxxx");
    tui.send("?");
    tui.wait_text("Go to the Inbox tab");
    assert_eq!(tui.frames(), settled + 1, "frames while nothing changed");
    // And nothing at all while idle: sit for a while, then count again.
    std::thread::sleep(std::time::Duration::from_millis(700));
    assert_eq!(tui.frames(), settled + 1, "frames while idle");
    let raw_len = tui.raw().len();
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(tui.raw().len(), raw_len, "bytes written while idle");
    tui.send("q"); // closes help
    tui.send("q"); // quits
    assert_eq!(tui.wait_exit(), 0);
    assert!(count(&tui.raw(), FRAME_START) > settled);
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut tui = Tui::start(&[], 80, 24);
    tui.wait_text("To read a mail server");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &tui.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    tui.wait_exit();
    let raw = tui.raw();
    assert!(count(&raw, b"\x1b[?1049l") >= 1, "alternate screen left");
    assert!(count(&raw, b"\x1b[?1000l") >= 1, "mouse capture off");
}

#[test]
fn sighup_restores_the_terminal() {
    let mut tui = Tui::start(&[], 80, 24);
    tui.wait_text("To read a mail server");
    std::process::Command::new("kill")
        .args(["-HUP", &tui.pid().to_string()])
        .status()
        .unwrap();
    tui.wait_exit();
    assert!(count(&tui.raw(), b"\x1b[?1049l") >= 1);
}

#[test]
fn broken_config_is_reported_before_the_terminal_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::pty::temp_config(dir.path(), "[store]\npath = \n");
    let mut tui = Tui::start(&["--config", path.to_str().unwrap()], 80, 24);
    assert_eq!(tui.wait_exit(), 2);
    let screen = tui.screen();
    assert!(
        screen.contains(&format!("{}:2:", path.display())),
        "{screen}"
    );
    assert_eq!(
        count(&tui.raw(), b"\x1b[?1049h"),
        0,
        "alternate screen untouched"
    );
}

#[test]
fn configured_accounts_show_in_inbox_and_status_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = common::pty::temp_config(
        dir.path(),
        "[[accounts]]\nname = \"work\"\nemail = \"me@example.com\"\n[accounts.imap]\nhost = \"imap.example.com\"\npassword_env = \"X\"\n",
    );
    let mut tui = Tui::start(&["--config", config.to_str().unwrap()], 100, 30);
    tui.send("3");
    tui.wait_text("imap  imap.example.com:993 (tls)");
    assert!(tui.row(29).contains("work"), "{}", tui.row(29));
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}

#[test]
fn the_start_tab_comes_from_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let config = common::pty::temp_config(dir.path(), "[ui]\nstart_tab = \"sockets\"\n");
    let mut tui = Tui::start(&["--config", config.to_str().unwrap()], 80, 24);
    tui.wait_text("No socket sessions yet");
    assert!(
        !tui.screen().contains("To read a mail server"),
        "{}",
        tui.screen()
    );
    tui.send("3");
    tui.wait_text("To read a mail server");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}
