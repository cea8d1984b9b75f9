//! `wirepost watch` against real Dovecot and Postfix: it stays connected,
//! prints one sanitized line per new message in any folder (account,
//! folder, sender, subject) for every account, IMAP and POP3, and runs
//! `--exec` for each with the message in environment variables; mail that
//! was there before it started is synced quietly, not printed; SIGTERM
//! ends it with status 0.

mod common;

use common::imap::append;
use common::mailstack::{Mailstack, TestUser};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A hang guard, not a performance assertion.
const WAIT: Duration = Duration::from_secs(60);

fn config(
    stack: &Mailstack,
    user: &TestUser,
    pop: &TestUser,
    dir: &std::path::Path,
) -> std::path::PathBuf {
    let text = format!(
        "[store]\npath = \"{}\"\n[[accounts]]\nname = \"work\"\nemail = \"{}\"\n\
         [accounts.imap]\nhost = \"{}\"\nport = {}\nsecurity = \"tls\"\nca_file = \"{}\"\n\
         password_command = \"echo {}\"\n\
         [[accounts]]\nname = \"old\"\nemail = \"{}\"\n[accounts.pop3]\nhost = \"{}\"\n\
         port = {}\nsecurity = \"tls\"\nca_file = \"{}\"\npassword_command = \"echo {}\"\n\
         poll_interval_secs = 1\n",
        dir.join("store").display(),
        user.address,
        stack.host,
        stack.imaps_port,
        stack.ca.display(),
        user.password,
        pop.address,
        stack.host,
        stack.pop3s_port,
        stack.ca.display(),
        pop.password
    );
    common::pty::temp_config(dir, &text)
}

/// Lines of a child's pipe, as they come.
fn lines(pipe: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn wait_line(rx: &mpsc::Receiver<String>, what: &str, wanted: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if wanted(&line) => return line,
            Ok(_) => {}
            Err(_) => panic!("no line with {what} within {WAIT:?}"),
        }
    }
}

struct Watch(Child);

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

#[tokio::test]
async fn watch_prints_each_new_message_and_runs_the_command() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (user, pop) = (stack.claim_user(), stack.claim_user());
    stack.seed(&user.address, 3, 1_000);
    stack.seed(&pop.address, 2, 1_000);
    let dir = tempfile::tempdir().unwrap();
    let config = config(&stack, &user, &pop, dir.path());
    let ran = dir.path().join("ran.txt");
    let exec = format!(
        "printf '%s|%s|%s\\n' \"$WIREPOST_FOLDER\" \"$WIREPOST_SUBJECT\" \"$WIREPOST_ID\" >> '{}'",
        ran.display()
    );
    let child = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args(["-c", config.to_str().unwrap(), "watch", "--exec", &exec])
        .env("HOME", dir.path())
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut watch = Watch(child);
    let out = lines(watch.0.stdout.take().unwrap());
    let err = lines(watch.0.stderr.take().unwrap());
    // Both accounts in step, in either order.
    let (mut imap_ready, mut pop_ready) = (false, false);
    while !(imap_ready && pop_ready) {
        let line = wait_line(&err, "both accounts in step", |l| {
            l.starts_with("work: in step") || l.starts_with("old: ")
        });
        imap_ready |= line.starts_with("work: ");
        pop_ready |= line.starts_with("old: ");
    }

    let hostile = "evil \u{1b}]0;owned\u{7} $(id)\tTAB";
    append(
        &stack,
        &user,
        "Lists",
        &format!("From: List <list@example.test>\r\nSubject: {hostile}\r\n\r\nhi\r\n"),
    )
    .await;
    let line = wait_line(&out, "the Lists message", |l| l.contains("\tLists\t"));
    let fields: Vec<&str> = line.split('\t').collect();
    assert_eq!(fields.len(), 4, "{line:?}");
    assert_eq!(fields[0], "work");
    assert!(fields[2].contains("list@example.test"), "{line:?}");
    assert!(
        !line.contains('\u{1b}') && !line.contains('\u{7}'),
        "{line:?}"
    );
    assert!(
        fields[3].starts_with("evil ") && fields[3].contains("$(id)"),
        "{line:?}"
    );

    let subject = Mailstack::unique("watched");
    stack.deliver(&user.address, &subject);
    let line = wait_line(&out, "the INBOX delivery", |l| l.contains(&subject));
    assert!(
        line.starts_with("work\tINBOX\tSender <sender@example.test>\t"),
        "{line:?}"
    );

    // The POP3 account, checked every second, is watched too.
    let subject_pop = Mailstack::unique("pop3");
    stack.deliver(&pop.address, &subject_pop);
    let line = wait_line(&out, "the POP3 delivery", |l| l.contains(&subject_pop));
    assert!(line.starts_with("old\tINBOX\t"), "{line:?}");

    // The command ran for each, with the message in its environment; the
    // seeded messages, there before the watch started, were not news.
    let deadline = std::time::Instant::now() + WAIT;
    let ran_lines = loop {
        let text = std::fs::read_to_string(&ran).unwrap_or_default();
        if text.lines().count() >= 3 || std::time::Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let ran_lines: Vec<&str> = ran_lines.lines().collect();
    assert_eq!(ran_lines.len(), 3, "{ran_lines:?}");
    // Remote text reaches the command as data, never as shell code.
    assert!(
        ran_lines[0].starts_with("Lists|evil ") && ran_lines[0].contains("$(id)"),
        "{ran_lines:?}"
    );
    assert!(
        ran_lines[1].starts_with(&format!("INBOX|{subject}|")),
        "{ran_lines:?}"
    );
    assert!(
        ran_lines[2].starts_with(&format!("INBOX|{subject_pop}|")),
        "{ran_lines:?}"
    );
    assert!(!ran_lines.iter().any(|l| l.contains("Seed message")));

    let pid = watch.0.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let status = watch.0.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn watch_refuses_an_unknown_account() {
    let dir = tempfile::tempdir().unwrap();
    let config = common::pty::temp_config(dir.path(), "");
    let out = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args(["-c", config.to_str().unwrap(), "watch", "nobody"])
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no account named \"nobody\""));
}
