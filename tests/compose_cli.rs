//! `wirepost send` as a script would run it, against real Postfix, with the
//! result read back from Dovecot.

mod common;

use common::mailstack::{Mailstack, TestUser};
use std::io::Write;
use std::process::{Command, Stdio};

fn config(
    stack: &Mailstack,
    me: &TestUser,
    dir: &std::path::Path,
    port: u16,
    security: &str,
) -> String {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            r#"
[store]
path = "{store}"
[[accounts]]
name = "cli"
email = "{email}"
[accounts.smtp]
host = "{host}"
port = {port}
security = "{security}"
password_command = "printf %s '{password}'"
ca_file = "{ca}"
"#,
            store = dir.join("store").display(),
            email = me.address,
            host = stack.host,
            password = me.password,
            ca = stack.ca.display(),
        ),
    )
    .unwrap();
    path.display().to_string()
}

fn run(args: &[&str], stdin: &[u8], home: &std::path::Path) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args(args)
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn inbox_count(stack: &Mailstack, user: &TestUser, token: &str) -> usize {
    let maildir = stack.state.join("mail").join(&user.address).join("Maildir");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let mut n = 0;
        for sub in ["new", "cur"] {
            for entry in std::fs::read_dir(maildir.join(sub))
                .into_iter()
                .flatten()
                .flatten()
            {
                if std::fs::read(entry.path())
                    .map(|b| String::from_utf8_lossy(&b).contains(token))
                    .unwrap_or(false)
                {
                    n += 1;
                }
            }
        }
        if n > 0 || std::time::Instant::now() > deadline {
            return n;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

#[test]
fn send_from_stdin_with_attachment_and_from_an_eml_file() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, them) = (stack.claim_user(), stack.claim_user());
    let dir = tempfile::tempdir().unwrap();
    let config = config(&stack, &me, dir.path(), stack.smtps_port, "tls");
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "attached text\n").unwrap();
    let token = Mailstack::unique("cli");
    let subject = format!("CLI 件名 {token}");
    let out = run(
        &[
            "-c",
            &config,
            "send",
            "--to",
            &them.address,
            "--subject",
            &subject,
            "--attach",
            file.to_str().unwrap(),
            "-v",
        ],
        "body from stdin\n".as_bytes(),
        dir.path(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("sent to "));
    assert!(stderr.contains("C: AUTH PLAIN ****"), "{stderr}");
    assert!(!stderr.contains(&me.password));
    assert_eq!(inbox_count(&stack, &them, &token), 1);

    let eml = dir.path().join("m.eml");
    let eml_token = Mailstack::unique("eml");
    std::fs::write(
        &eml,
        format!(
            "From: {}\r\nTo: {}\r\nSubject: {eml_token}\r\nMessage-ID: <{eml_token}@example.test>\r\n\r\nas is\r\n",
            me.address, them.address
        ),
    )
    .unwrap();
    let out = run(
        &["-c", &config, "send", "--eml", eml.to_str().unwrap()],
        b"",
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(inbox_count(&stack, &them, &eml_token), 1);
}

#[test]
fn refused_send_exits_nonzero_and_keeps_the_message() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let me = stack.claim_user();
    let dir = tempfile::tempdir().unwrap();
    let config = config(&stack, &me, dir.path(), stack.submission_port, "starttls");
    let nobody = format!("nobody-{}@example.test", std::process::id());
    let out = run(
        &["-c", &config, "send", "--to", &nobody, "--subject", "x"],
        b"body\n",
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("kept in the Outbox"), "{stderr}");
    assert!(stderr.contains(&format!("refused {nobody}: 5")), "{stderr}");
    let outbox = dir.path().join("store").join("cli").join("Outbox");
    let kept: usize = ["new", "cur"]
        .iter()
        .map(|s| {
            std::fs::read_dir(outbox.join(s))
                .map(|d| d.count())
                .unwrap_or(0)
        })
        .sum();
    assert_eq!(kept, 1);
}
