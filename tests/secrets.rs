//! A known password goes through every place wirepost resolves and uses
//! one — `password_env`, `password_command`, SMTP AUTH in the compose form
//! and in `wirepost send`, the IMAP login that stores the Sent copy — with
//! the most verbose logging. Then every file wirepost wrote (log, store,
//! state), everything it printed and every byte it sent to the terminal is
//! searched for the password and its base64 forms: there must be none.

mod common;

use common::mailstack::{Mailstack, TestUser};
use common::pty::{Tui, temp_config};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const PASSWORD_VAR: &str = "WIREPOST_SECRET_UNDER_TEST";

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for group in bytes.chunks(3) {
        let n = group
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= group.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The password and every encoding of it an AUTH exchange would carry.
fn forms(user: &TestUser) -> Vec<(String, Vec<u8>)> {
    let (u, p) = (user.address.as_str(), user.password.as_str());
    let mut forms = vec![("password".to_string(), p.as_bytes().to_vec())];
    for (name, raw) in [
        ("base64 LOGIN password", p.to_string()),
        ("base64 PLAIN \\0user\\0pass", format!("\0{u}\0{p}")),
        ("base64 PLAIN user\\0user\\0pass", format!("{u}\0{u}\0{p}")),
    ] {
        let encoded = base64(raw.as_bytes());
        // Without padding too: a log line may cut it off.
        forms.push((
            name.to_string(),
            encoded.trim_end_matches('=').as_bytes().to_vec(),
        ));
    }
    forms
}

fn find_in(haystack: &[u8], forms: &[(String, Vec<u8>)], place: &str, leaks: &mut Vec<String>) {
    for (name, needle) in forms {
        if let Some(at) = haystack
            .windows(needle.len())
            .position(|w| w == needle.as_slice())
        {
            // Where it was, with the secret itself masked.
            let from = at.saturating_sub(200);
            let to = (at + needle.len() + 80).min(haystack.len());
            let context = String::from_utf8_lossy(&haystack[from..to])
                .replace(&*String::from_utf8_lossy(needle), "<SECRET>");
            leaks.push(format!("{name} in {place}: …{context}…"));
        }
    }
}

fn scan_dir(dir: &Path, forms: &[(String, Vec<u8>)], leaks: &mut Vec<String>) -> usize {
    let mut files = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files += scan_dir(&path, forms, leaks);
        } else if let Ok(bytes) = std::fs::read(&path) {
            files += 1;
            find_in(&bytes, forms, &path.display().to_string(), leaks);
        }
    }
    files
}

fn config(stack: &Mailstack, me: &TestUser, dir: &Path) -> std::path::PathBuf {
    temp_config(
        dir,
        &format!(
            r#"
[store]
path = "{store}"
[[accounts]]
name = "audit"
email = "{email}"
[accounts.imap]
host = "{host}"
port = {imaps}
security = "tls"
password_env = "{PASSWORD_VAR}"
ca_file = "{ca}"
[accounts.smtp]
host = "{host}"
port = {submission}
security = "starttls"
password_command = "printenv {PASSWORD_VAR}"
ca_file = "{ca}"
"#,
            store = dir.join("store").display(),
            email = me.address,
            host = stack.host,
            imaps = stack.imaps_port,
            submission = stack.submission_port,
            ca = stack.ca.display(),
        ),
    )
}

#[test]
fn no_password_in_logs_traces_store_or_screen() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, them) = (stack.claim_user(), stack.claim_user());
    let dir = tempfile::tempdir().unwrap();
    let config = config(&stack, &me, dir.path()).display().to_string();
    let forms = forms(&me);
    let mut leaks = Vec::new();

    // The compose form, with the trace shown on screen.
    let token = Mailstack::unique("secret");
    let mut tui = Tui::start_with(
        &["-c", &config, "--log-level", "trace"],
        100,
        30,
        &[
            (PASSWORD_VAR, &me.password),
            ("EDITOR", "printf 'audit body\\n' >"),
        ],
    );
    tui.wait_text("Sockets");
    tui.send("2");
    tui.wait_text("From");
    tui.send("e");
    tui.wait_text("audit body");
    tui.send("\x1b[A"); // Attach
    tui.send("\x1b[A"); // Subject
    tui.send("\r");
    tui.send(&format!("audit {token}"));
    tui.send("\x1b[Z\x1b[Z\x1b[Z"); // To
    tui.send(&them.address);
    tui.wait_text(&format!("To  {}", them.address));
    tui.send("\x1b");
    tui.wait_text("enter edit");
    tui.send("t");
    tui.send("s");
    tui.wait_text("Sent to");
    tui.wait_text("S: 221");
    find_in(&tui.raw(), &forms, "the terminal output", &mut leaks);
    find_in(tui.screen().as_bytes(), &forms, "the screen", &mut leaks);
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
    find_in(&tui.raw(), &forms, "the terminal output", &mut leaks);
    let tui_home = tui.home.path().to_path_buf();
    let tui_files = scan_dir(&tui_home, &forms, &mut leaks);
    let log = std::fs::read_to_string(tui_home.join("state/wirepost/wirepost.log")).unwrap();
    assert!(log.contains(" TRACE "), "the log was not at trace level");

    // The headless sender, verbose, with the full trace on stderr.
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args(["-c", &config, "--log-level", "trace", "send", "-v"])
        .args(["--to", &them.address, "--subject", "audit headless"])
        .env("HOME", &home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("WIREPOST_LOG", "trace")
        .env(PASSWORD_VAR, &me.password)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"body\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("AUTH PLAIN ****"), "{stderr}");
    find_in(&out.stdout, &forms, "send's stdout", &mut leaks);
    find_in(&out.stderr, &forms, "send's stderr", &mut leaks);
    let other_files = scan_dir(&home, &forms, &mut leaks);
    // The store (Outbox/Sent copies) and everything else under the test dir,
    // except the one file that names the variable, not the value.
    let store_files = scan_dir(&dir.path().join("store"), &forms, &mut leaks);
    eprintln!(
        "secrets: searched {} forms in {tui_files} files of the interface's home, \
         {store_files} store files, {other_files} files of `send`, its output and \
         {} bytes of terminal output",
        forms.len(),
        tui.raw().len()
    );
    assert!(tui_files > 0, "the interface wrote no log");
    assert!(leaks.is_empty(), "the password leaked: {leaks:#?}");
}

/// One account of each login kind: POP3 USER/PASS and AUTH PLAIN, IMAP
/// LOGIN and AUTHENTICATE PLAIN, all over TLS to Dovecot.
fn sync_accounts(stack: &Mailstack, me: &TestUser) -> Vec<(&'static str, String)> {
    let server = |name: &str, section: &str, port: u16, auth: &str, password: &str| {
        format!(
            "[[accounts]]\nname = \"{name}\"\nemail = \"{email}\"\n[accounts.{section}]\n\
             host = \"{host}\"\nport = {port}\nsecurity = \"tls\"\nauth = \"{auth}\"\n\
             {password}\nca_file = \"{ca}\"\n",
            email = me.address,
            host = stack.host,
            ca = stack.ca.display(),
        )
    };
    let env = format!("password_env = \"{PASSWORD_VAR}\"");
    let command = format!("password_command = \"printenv {PASSWORD_VAR}\"");
    vec![
        (
            "C: PASS ********",
            server("popuser", "pop3", stack.pop3s_port, "login", &env),
        ),
        (
            "C: AUTH PLAIN ********",
            server("popplain", "pop3", stack.pop3s_port, "plain", &command),
        ),
        (
            "LOGIN ***",
            server("imaplogin", "imap", stack.imaps_port, "login", &env),
        ),
        (
            "C: *** (authentication data)",
            server("imapplain", "imap", stack.imaps_port, "plain", &command),
        ),
    ]
}

#[test]
fn no_password_in_pop3_or_imap_sync_logs_traces_store_or_screen() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let me = stack.claim_user();
    stack.seed(&me.address, 3, 2_000);
    let forms = forms(&me);
    let mut leaks = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let accounts = sync_accounts(&stack, &me);

    // Headless: every account in one `wirepost sync --trace`, at trace level.
    let store = dir.path().join("store");
    let all: String = accounts.iter().map(|(_, a)| a.as_str()).collect();
    let config = temp_config(
        dir.path(),
        &format!("[store]\npath = \"{}\"\n{all}", store.display()),
    )
    .display()
    .to_string();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args(["-c", &config, "--log-level", "trace", "sync", "--trace"])
        .env("HOME", &home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("WIREPOST_LOG", "trace")
        .env(PASSWORD_VAR, &me.password)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    for (masked, _) in &accounts {
        assert!(stderr.contains(masked), "no {masked:?} in:\n{stderr}");
    }
    find_in(&out.stdout, &forms, "sync's stdout", &mut leaks);
    find_in(&out.stderr, &forms, "sync's stderr", &mut leaks);
    let mut files = scan_dir(&home, &forms, &mut leaks);
    files += scan_dir(&store, &forms, &mut leaks);

    // The interface, one account at a time, with the trace on screen.
    let mut terminal_bytes = 0;
    for (i, (masked, account)) in accounts.iter().enumerate() {
        let store = dir.path().join(format!("store{i}"));
        let config_dir = dir.path().join(format!("tui{i}"));
        std::fs::create_dir_all(&config_dir).unwrap();
        let config = temp_config(
            &config_dir,
            &format!("[store]\npath = \"{}\"\n{account}", store.display()),
        )
        .display()
        .to_string();
        let mut tui = Tui::start_with(
            &["-c", &config, "--log-level", "trace"],
            120,
            // Tall, so the trace pane holds the whole short conversation.
            160,
            &[(PASSWORD_VAR, &me.password)],
        );
        tui.wait_text("Sockets");
        tui.send("3");
        tui.wait_for("the Inbox", |s| {
            s.contains("Accounts") || s.contains("Folders")
        });
        tui.send("T");
        tui.wait_text("trace");
        tui.send("s");
        tui.wait_text(masked);
        tui.wait_for("the sync to end", |s| {
            s.contains("last sync: 3 new") || s.contains("Seed message 3 of 3")
        });
        find_in(tui.screen().as_bytes(), &forms, "the screen", &mut leaks);
        // An IMAP account keeps watching its INBOX: quitting asks first.
        let log_path = tui.home.path().join("state/wirepost/wirepost.log");
        if account.contains("[accounts.imap]") {
            // The IMAP account goes on syncing its other folders and then
            // watches its INBOX; what it wrote so far (after the login and
            // the INBOX shown) is what is searched.
            std::thread::sleep(std::time::Duration::from_millis(500));
        } else {
            tui.send("q");
            assert_eq!(tui.wait_exit(), 0);
        }
        let raw = tui.raw();
        terminal_bytes += raw.len();
        find_in(&raw, &forms, "the terminal output", &mut leaks);
        let log = std::fs::read_to_string(&log_path).unwrap();
        assert!(log.contains(" TRACE "), "the log was not at trace level");
        files += scan_dir(tui.home.path(), &forms, &mut leaks);
        files += scan_dir(&store, &forms, &mut leaks);
    }
    eprintln!(
        "secrets (sync): searched {} forms in {files} files (logs, state, stores), the output of \
         `sync --trace` and {terminal_bytes} bytes of terminal output of four interface syncs",
        forms.len()
    );
    assert!(leaks.is_empty(), "the password leaked: {leaks:#?}");
}

/// Mail that wirepost signs and encrypts: its plain text and the user's
/// secret key never reach a log (at trace level), a trace, the store or
/// the output; the text shows only in the form where it was typed.
#[test]
fn no_plaintext_of_encrypted_mail_or_secret_key_in_logs_traces_or_store() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, them) = (stack.claim_user(), stack.claim_user());
    let mine = common::gpg::Home::new(&format!("Me <{}>", me.address));
    let theirs = common::gpg::Home::new(&format!("Them <{}>", them.address));
    mine.trust(&theirs);
    let dir = tempfile::tempdir().unwrap();
    let config = config(&stack, &me, dir.path());
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&config)
        .unwrap();
    writeln!(file, "[pgp]\nhomedir = \"{}\"", mine.path().display()).unwrap();
    let config = config.display().to_string();
    let token = Mailstack::unique("sealed");
    let plaintext = format!("PLAINTEXT-{token}");
    let mut secrets = vec![("the plain text".to_string(), plaintext.clone().into_bytes())];
    let secret_key = mine.gpg(&["--armor", "--export-secret-keys"], b"");
    let armor = String::from_utf8(secret_key.stdout).unwrap();
    let lines: Vec<&str> = armor.lines().filter(|l| l.len() == 64).collect();
    for line in &lines[lines.len() / 2..] {
        secrets.push(("a line of the secret key".into(), line.as_bytes().to_vec()));
    }
    let mut leaks = Vec::new();

    // Headless, verbose, at trace level.
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args([
            "-c",
            &config,
            "--log-level",
            "trace",
            "send",
            "-v",
            "--sign",
            "--encrypt",
        ])
        .args(["--to", &them.address, "--subject", &token])
        .env("HOME", &home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("WIREPOST_LOG", "trace")
        .env(PASSWORD_VAR, &me.password)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{plaintext}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    find_in(&out.stdout, &secrets, "send's stdout", &mut leaks);
    find_in(&out.stderr, &secrets, "send's stderr", &mut leaks);
    let mut files = scan_dir(&home, &secrets, &mut leaks);

    // The compose form, encrypting, with the trace shown.
    let mut tui = Tui::start_with(
        &["-c", &config, "--log-level", "trace"],
        120,
        32,
        &[
            (PASSWORD_VAR, &me.password),
            ("EDITOR", &format!("printf '{plaintext}\\n' >")),
        ],
    );
    tui.wait_text("Sockets");
    tui.send("2");
    tui.wait_text("From");
    tui.send("e");
    tui.wait_text(&plaintext);
    tui.send("\x1b[A\x1b[A\r"); // Subject
    tui.send(&format!("tui {token}"));
    tui.send("\x1b[Z\x1b[Z\x1b[Z"); // To
    tui.send(&them.address);
    tui.wait_text(&format!("To  {}", them.address));
    tui.send("\x1b");
    tui.wait_text("enter edit");
    tui.send("E");
    tui.wait_text(&format!("{} ✓", them.address));
    tui.send("t");
    tui.send("s");
    tui.wait_text("Sent to");
    find_in(&tui.raw(), &secrets[1..], "the terminal output", &mut leaks);
    tui.send("q");
    tui.wait_exit();
    files += scan_dir(tui.home.path(), &secrets, &mut leaks);
    let log = std::fs::read_to_string(tui.home.path().join("state/wirepost/wirepost.log")).unwrap();
    assert!(log.contains(" TRACE "), "the log was not at trace level");
    files += scan_dir(&dir.path().join("store"), &secrets, &mut leaks);
    eprintln!(
        "secrets: searched {} forms in {files} files and the output",
        secrets.len()
    );
    assert!(leaks.is_empty(), "leaked: {leaks:#?}");
}
