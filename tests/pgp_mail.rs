//! PGP/MIME against the real thing: keys made by gpg in throw-away
//! homes (no passphrase), mail sent by `wirepost send --sign --encrypt`
//! through Postfix to Dovecot, fetched back over IMAP and opened by gpg
//! itself; mail signed by gpg delivered by Postfix, synced by the
//! interface and verified there, a tampered copy shown as a bad signature.

mod common;

use common::gpg::Home;
use common::mailstack::{Mailstack, TestUser};
use common::pty::Tui;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn config(stack: &Mailstack, me: &TestUser, dir: &Path, gpg_home: &Path) -> PathBuf {
    let path = dir.join("config.toml");
    let store = dir.join("store");
    std::fs::write(
        &path,
        format!(
            "[store]\npath = \"{}\"\n[pgp]\nhomedir = \"{}\"\n{}",
            store.display(),
            gpg_home.display(),
            stack.account_toml("me", me),
        ),
    )
    .unwrap();
    path
}

fn wirepost(args: &[&str], stdin: &[u8], home: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args(args)
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("GNUPGHOME")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// The newest message whose Subject holds `token`, fetched over IMAPS.
fn fetch(stack: &Mailstack, user: &TestUser, token: &str) -> Vec<u8> {
    let script = r#"
import imaplib, ssl, sys
host, port, ca, user, password, token = sys.argv[1:]
m = imaplib.IMAP4_SSL(host, int(port), ssl_context=ssl.create_default_context(cafile=ca))
m.login(user, password)
m.select("INBOX", readonly=True)
ids = m.search(None, "SUBJECT", '"%s"' % token)[1][0].split()
if ids:
    sys.stdout.buffer.write(m.fetch(ids[-1], "(BODY.PEEK[])")[1][0][1])
"#;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let out = Command::new("python3")
            .args(["-c", script, &stack.host, &stack.imaps_port.to_string()])
            .arg(&stack.ca)
            .args([&user.address, &user.password, token])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if !out.stdout.is_empty() {
            return out.stdout;
        }
        assert!(Instant::now() < deadline, "{token} never arrived");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The ASCII-armored block of `kind` in `text`.
fn armored(text: &str, kind: &str) -> String {
    let begin = text.find(&format!("-----BEGIN PGP {kind}-----")).unwrap();
    let end_marker = format!("-----END PGP {kind}-----");
    let end = text[begin..].find(&end_marker).unwrap() + begin + end_marker.len();
    text[begin..end].replace("\r\n", "\n")
}

fn files_containing(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path)
                .is_ok_and(|b| String::from_utf8_lossy(&b).contains(needle))
            {
                out.push(path);
            }
        }
    }
    out
}

#[test]
fn signed_and_encrypted_by_wirepost_opens_with_gpg_after_postfix_and_dovecot() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (alice, bob) = (stack.claim_user(), stack.claim_user());
    let alice_keys = Home::new(&format!("Alice <{}>", alice.address));
    let bob_keys = Home::new(&format!("Bob <{}>", bob.address));
    alice_keys.trust(&bob_keys);
    bob_keys.trust(&alice_keys);
    let dir = tempfile::tempdir().unwrap();
    let config = config(&stack, &alice, dir.path(), alice_keys.path());
    let token = Mailstack::unique("pgp");
    let body = format!("secret words {token}\nFrom the top: café\n");
    let out = wirepost(
        &[
            "--config",
            config.to_str().unwrap(),
            "send",
            "--sign",
            "--encrypt",
            "--to",
            &bob.address,
            "-s",
            &token,
        ],
        body.as_bytes(),
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let raw = fetch(&stack, &bob, &token);
    let text = String::from_utf8(raw).unwrap();
    assert!(text.contains("multipart/encrypted"), "{text}");
    assert!(!text.contains("secret words"), "no plain text on the wire");
    let sealed = armored(&text, "MESSAGE");
    let opened = bob_keys.gpg(&["--status-fd", "2", "--decrypt"], sealed.as_bytes());
    let status = String::from_utf8_lossy(&opened.stderr);
    let plain = String::from_utf8(opened.stdout).unwrap();
    assert!(status.contains("[GNUPG:] DECRYPTION_OKAY"), "{status}");
    assert!(status.contains("[GNUPG:] GOODSIG"), "{status}");
    assert!(
        status.contains(&format!("VALIDSIG {}", alice_keys.fingerprint))
            || status.contains(&alice_keys.fingerprint),
        "{status}"
    );
    assert!(plain.starts_with("Content-Type: text/plain"), "{plain}");
    assert!(plain.contains("secret words"), "{plain}");

    // The Sent copy stays readable to the sender: it is encrypted to her.
    let sent = files_containing(&dir.path().join("store"), &token);
    let sent_copy = sent
        .iter()
        .find(|p| p.to_string_lossy().contains("Sent"))
        .expect("a Sent copy");
    let sent_text = String::from_utf8(std::fs::read(sent_copy).unwrap()).unwrap();
    assert!(!sent_text.contains("secret words"));
    let mine = alice_keys.gpg(&["--decrypt"], armored(&sent_text, "MESSAGE").as_bytes());
    assert!(String::from_utf8_lossy(&mine.stdout).contains("secret words"));
}

#[test]
fn encrypting_to_someone_without_a_key_sends_nothing_and_says_who() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (alice, bob) = (stack.claim_user(), stack.claim_user());
    let alice_keys = Home::new(&format!("Alice <{}>", alice.address));
    let dir = tempfile::tempdir().unwrap();
    let config = config(&stack, &alice, dir.path(), alice_keys.path());
    let token = Mailstack::unique("nokey");
    let out = wirepost(
        &[
            "--config",
            config.to_str().unwrap(),
            "send",
            "--encrypt",
            "--to",
            &bob.address,
            "-s",
            &token,
        ],
        b"must not leave in the clear\n",
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{} (no key)", bob.address)),
        "{stderr}"
    );
    assert!(
        files_containing(&dir.path().join("store"), &token).is_empty(),
        "nothing queued"
    );
}

/// A multipart/signed message made with gpg alone, and a copy whose text
/// was changed after signing.
fn signed_by_gpg(keys: &Home, from: &str, to: &str, token: &str) -> (Vec<u8>, Vec<u8>) {
    let part =
        "Content-Type: text/plain; charset=us-ascii\r\n\r\nThe plan stands: meet at noon.\r\n";
    let signature = keys.gpg(
        &["--armor", "--detach-sign", "--digest-algo", "SHA256"],
        part.as_bytes(),
    );
    let signature = String::from_utf8(signature.stdout)
        .unwrap()
        .replace('\n', "\r\n");
    let build = |subject: &str, date: &str, text: &str| {
        format!(
            "From: Alice <{from}>\r\nTo: <{to}>\r\nSubject: {subject} {token}\r\nDate: {date}\r\n\
             Message-ID: <{subject}.{token}@example.test>\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\"; boundary=\"b1\"\r\n\r\n\
             --b1\r\n{text}\r\n--b1\r\nContent-Type: application/pgp-signature\r\n\r\n{signature}\r\n--b1--\r\n"
        )
        .into_bytes()
    };
    let good = build("signed", "Mon, 1 Dec 2025 10:00:00 +0000", part);
    let tampered = build(
        "tampered",
        "Tue, 2 Dec 2025 10:00:00 +0000",
        &part.replace("noon", "nine"),
    );
    (good, tampered)
}

fn deliver(stack: &Mailstack, from: &str, to: &str, raw: &[u8]) {
    let script = "import smtplib, sys\n\
                  s = smtplib.SMTP(sys.argv[1], int(sys.argv[2]))\n\
                  s.sendmail(sys.argv[3], [sys.argv[4]], sys.stdin.buffer.read())\n\
                  s.quit()\n";
    let mut child = Command::new("python3")
        .args([
            "-c",
            script,
            &stack.host,
            &stack.smtp_port.to_string(),
            from,
            to,
        ])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(raw).unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_gpg_signature_verifies_in_the_viewer_and_a_tampered_copy_is_bad() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (alice, bob) = (stack.claim_user(), stack.claim_user());
    let alice_keys = Home::new(&format!("Alice <{}>", alice.address));
    let bob_keys = Home::new(&format!("Bob <{}>", bob.address));
    bob_keys.trust(&alice_keys);
    let token = Mailstack::unique("sig");
    let (good, tampered) = signed_by_gpg(&alice_keys, &alice.address, &bob.address, &token);
    deliver(&stack, &alice.address, &bob.address, &good);
    deliver(&stack, &alice.address, &bob.address, &tampered);
    fetch(&stack, &bob, &format!("tampered {token}"));
    fetch(&stack, &bob, &format!("signed {token}"));

    let dir = tempfile::tempdir().unwrap();
    let config = config(&stack, &bob, dir.path(), bob_keys.path());
    let synced = wirepost(
        &["--config", config.to_str().unwrap(), "sync"],
        b"",
        dir.path(),
    );
    assert!(
        synced.status.success(),
        "{}",
        String::from_utf8_lossy(&synced.stderr)
    );
    let mut tui = Tui::start(&["--config", config.to_str().unwrap()], 120, 34);
    tui.send("3");
    tui.wait_text(&format!("tampered {token}"));
    tui.wait_text(&format!("signed {token}"));
    // Newest first: the tampered copy is on top.
    tui.send("\r");
    tui.wait_text("BAD signature");
    tui.wait_text("meet at nine");
    tui.send("J");
    tui.wait_text("good signature from Alice");
    tui.wait_text("meet at noon");
    assert!(!tui.screen().contains("BAD signature"), "{}", tui.screen());
    tui.send("\x1b");
    tui.wait_for("the viewer to close", |s| !s.contains("good signature"));
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}
