//! POP3 sync against real Dovecot: byte-exact downloads, UIDL dedupe,
//! deletion only of what was stored, a connection cut mid-RETR, and the
//! login and STLS refusals a user must see.

mod common;

use common::mailstack::{Mailstack, TestUser};
use common::soak::walk;
use std::collections::BTreeMap;
use std::os::unix::fs::{PermissionsExt, chown};
use std::path::{Path, PathBuf};
use wirepost::config::{Account, Config};
use wirepost::mail::pop3::sync::{BATCH_MAX_MESSAGES, SyncError, SyncReport};
use wirepost::mail::pop3::{Pop3Error, sync_account};
use wirepost::store::Store;

const VMAIL_ID: u32 = 5000;

/// An account on `port` with `extra` TOML lines in its [pop3] section.
fn account(stack: &Mailstack, user: &TestUser, port: u16, security: &str, extra: &str) -> Account {
    let toml = format!(
        "[[accounts]]\nname = \"t\"\nemail = \"{}\"\n[accounts.pop3]\nhost = \"localhost\"\n\
         port = {port}\nsecurity = \"{security}\"\npassword_command = \"echo {}\"\n\
         ca_file = \"{}\"\n{extra}\n",
        user.address,
        user.password,
        stack.ca.display()
    );
    let config = Config::parse(&toml, Path::new("test.toml")).expect("config");
    config.accounts.into_iter().next().unwrap()
}

async fn sync(account: &Account, store: &Store) -> Result<SyncReport, SyncError> {
    sync_account(account, store.clone(), |_| {}, None).await
}

fn maildir(stack: &Mailstack, user: &TestUser) -> PathBuf {
    stack.state.join("mail").join(&user.address).join("Maildir")
}

/// Puts `messages` into the user's server Maildir exactly as given.
fn deliver_raw(stack: &Mailstack, user: &TestUser, messages: &[Vec<u8>]) {
    let root = maildir(stack, user);
    for sub in ["", "new", "cur", "tmp"] {
        let dir = root.join(sub);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        chown(&dir, Some(VMAIL_ID), Some(VMAIL_ID)).unwrap();
    }
    for (i, raw) in messages.iter().enumerate() {
        let path = root
            .join("new")
            .join(format!("1700000000.M{i}P1.wirepost-test"));
        std::fs::write(&path, raw).unwrap();
        chown(&path, Some(VMAIL_ID), Some(VMAIL_ID)).unwrap();
    }
}

/// Every message file under `dir`'s new/ and cur/ (recursively), by hash.
fn hashes(dir: &Path) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for entry in walk(dir) {
        let name = entry.parent().and_then(|p| p.file_name()).unwrap();
        if name == "new" || name == "cur" {
            let raw = std::fs::read(&entry).unwrap();
            *out.entry(wirepost::mail::pop3::sync::content_identity(&raw))
                .or_insert(0) += 1;
        }
    }
    out
}

fn server_count(stack: &Mailstack, user: &TestUser) -> usize {
    hashes(&maildir(stack, user)).values().sum()
}

fn store_inbox(store_dir: &Path) -> PathBuf {
    store_dir.join("t").join("INBOX")
}

fn tricky_messages() -> Vec<Vec<u8>> {
    let mut big = b"From: a@example.test\r\nSubject: twenty megabytes\r\n\r\n".to_vec();
    let line = b"0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n";
    while big.len() < 20 << 20 {
        big.extend_from_slice(line);
    }
    vec![
        b"From: a@example.test\r\nSubject: dots\r\n\r\n.leading dot\r\n..two dots\r\n.\r\n...\r\nend\r\n"
            .to_vec(),
        "From: a@example.test\r\nSubject: =?UTF-8?B?5pel5pys6Kqe?=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße aus Köln\r\n日本語のテキスト、中文字符\r\n"
            .as_bytes()
            .to_vec(),
        b"From: a@example.test\r\nSubject: latin1\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\ncaf\xe9 na\xefve \xa0\r\n".to_vec(),
        b"From: a@example.test\r\nSubject: no final newline\r\n\r\nthe last line has no end".to_vec(),
        big,
    ]
}

#[tokio::test]
async fn downloads_are_byte_exact() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    deliver_raw(&stack, &user, &tricky_messages());
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let account = account(&stack, &user, stack.pop3s_port, "tls", "");
    let report = sync(&account, &store).await.expect("sync");
    assert_eq!(report.stored, 5, "{report:?}");
    let server = hashes(&maildir(&stack, &user));
    let local = hashes(&store_inbox(dir.path()));
    assert_eq!(local, server);
    let expected: BTreeMap<_, _> = tricky_messages()
        .iter()
        .map(|m| (wirepost::mail::pop3::sync::content_identity(m), 1))
        .collect();
    assert_eq!(local, expected);
}

#[tokio::test]
async fn uidl_dedupe_across_runs_over_stls() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    stack.seed(&user.address, 30, 5000);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let account = account(&stack, &user, stack.pop3_port, "starttls", "");
    let first = sync(&account, &store).await.expect("first sync");
    assert_eq!((first.stored, first.on_server), (30, 30));
    let second = sync(&account, &store).await.expect("second sync");
    assert_eq!((second.stored, second.duplicates), (0, 0));
    stack.seed(&user.address, 5, 5000);
    let third = sync(&account, &store).await.expect("third sync");
    assert_eq!((third.stored, third.on_server), (5, 35));
    assert_eq!(hashes(&store_inbox(dir.path())).len(), 35);
    assert_eq!(server_count(&stack, &user), 35, "left on server by default");
}

#[tokio::test]
async fn delete_after_download_deletes_only_what_was_stored() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    stack.seed(&user.address, 10, 3000);
    // One message above the 1 MB limit: only its headers are stored, so it
    // must stay on the server.
    let mut big = b"From: a@example.test\r\nSubject: large\r\n\r\n".to_vec();
    big.resize(2 << 20, b'x');
    big.extend_from_slice(b"\r\n");
    let root = maildir(&stack, &user);
    std::fs::write(root.join("new").join("1700000001.M1P1.big"), &big).unwrap();
    chown(
        root.join("new").join("1700000001.M1P1.big"),
        Some(VMAIL_ID),
        Some(VMAIL_ID),
    )
    .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let extra = "delete_after_download = true\nmax_message_size_mb = 1";
    let account = account(&stack, &user, stack.pop3s_port, "tls", extra);
    let report = sync(&account, &store).await.expect("sync");
    assert_eq!(
        (report.stored, report.headers_only, report.deleted),
        (11, 1, 10)
    );
    let left = walk(&root);
    let left: Vec<_> = left
        .iter()
        .filter(|p| p.parent().unwrap().ends_with("cur") || p.parent().unwrap().ends_with("new"))
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(std::fs::read(left[0]).unwrap(), big);
    let partial = walk(&store_inbox(dir.path()))
        .into_iter()
        .map(|p| std::fs::read(p).unwrap())
        .find(|raw| raw.starts_with(b"X-Wirepost-Partial:"))
        .expect("a header-only copy");
    assert!(partial.len() < 1000);
    // A second run neither downloads nor deletes the large one.
    let again = sync(&account, &store).await.expect("second sync");
    assert_eq!((again.stored, again.deleted, again.on_server), (0, 0, 1));
}

/// A TCP proxy to `target` that cuts both directions once `limit` bytes
/// came from the server.
async fn cutting_proxy(target: u16, limit: usize) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (client, _) = listener.accept().await.unwrap();
        let server = tokio::net::TcpStream::connect(("127.0.0.1", target))
            .await
            .unwrap();
        let (mut cr, mut cw) = client.into_split();
        let (mut sr, mut sw) = server.into_split();
        let up = tokio::spawn(async move {
            let _ = tokio::io::copy(&mut cr, &mut sw).await;
        });
        let mut passed = 0;
        let mut buf = vec![0; 16 * 1024];
        while passed < limit {
            let n = match sr.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n.min(limit - passed),
            };
            if cw.write_all(&buf[..n]).await.is_err() {
                break;
            }
            passed += n;
        }
        up.abort();
        // Dropping both halves resets the connections mid-message.
    });
    port
}

#[tokio::test]
async fn connection_cut_mid_retr_loses_nothing_and_deletes_nothing() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    // One full batch and part of a second.
    let total = BATCH_MAX_MESSAGES + 100;
    stack.seed(&user.address, total, 5000);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let extra = "delete_after_download = true";
    // Cut in the second batch: the first batch is stored and DELEs were
    // sent for it, but no QUIT ever reaches the server. A message is about
    // 5,100 bytes on the wire.
    let proxy = cutting_proxy(stack.pop3s_port, (BATCH_MAX_MESSAGES + 50) * 5_100).await;
    let cut = account(&stack, &user, proxy, "tls", extra);
    let err = sync(&cut, &store)
        .await
        .expect_err("the cut must fail the sync");
    assert!(
        matches!(err, SyncError::Pop3(ref e) if e.is_transient()),
        "{err:?}"
    );
    assert_eq!(
        server_count(&stack, &user),
        total,
        "nothing deleted on the server"
    );
    let stored_before = hashes(&store_inbox(dir.path())).len();
    assert!(
        stored_before >= BATCH_MAX_MESSAGES,
        "the first batch was stored: {stored_before}"
    );

    let direct = account(&stack, &user, stack.pop3s_port, "tls", extra);
    let report = sync(&direct, &store).await.expect("resync");
    assert_eq!(report.stored as usize, total - stored_before);
    assert_eq!(report.deleted as usize, total);
    let local = hashes(&store_inbox(dir.path()));
    assert_eq!(local.len(), total);
    assert!(local.values().all(|&n| n == 1), "no duplicates");
    assert_eq!(server_count(&stack, &user), 0);
}

#[tokio::test]
async fn wrong_password_is_a_clear_login_error() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let mut user = stack.claim_user();
    user.password = "not-the-password".into();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let account = account(&stack, &user, stack.pop3s_port, "tls", "");
    let err = sync(&account, &store).await.expect_err("login must fail");
    assert!(
        matches!(err, SyncError::Pop3(Pop3Error::Auth(_))),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("login failed:"), "{err}");
}

#[tokio::test]
async fn stls_missing_means_no_credentials_sent() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    // A server that speaks POP3 but offers no STLS.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let (r, mut w) = stream.into_split();
        let mut r = BufReader::new(r);
        w.write_all(b"+OK fake ready\r\n").await.unwrap();
        let mut received = Vec::new();
        let mut line = String::new();
        while r.read_line(&mut line).await.unwrap_or(0) > 0 {
            received.push(line.trim_end().to_string());
            let reply: &[u8] = match line.trim_end() {
                "CAPA" => b"+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n",
                _ => b"+OK\r\n",
            };
            let _ = w.write_all(reply).await;
            line.clear();
        }
        received
    });
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let account = account(&stack, &user, port, "starttls", "");
    let err = sync(&account, &store).await.expect_err("must refuse");
    assert!(
        matches!(err, SyncError::Pop3(Pop3Error::Insecure(_))),
        "{err:?}"
    );
    assert!(err.to_string().contains("does not offer STLS"), "{err}");
    assert_eq!(server.await.unwrap(), vec!["CAPA".to_string()]);
}

#[tokio::test]
async fn unknown_certificate_authority_is_refused() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    // The same account without the test CA: the system roots do not know it.
    let mut account = account(&stack, &user, stack.pop3s_port, "tls", "");
    account.pop3.as_mut().unwrap().ca_file = None;
    let err = sync(&account, &store).await.expect_err("must not trust it");
    assert!(matches!(err, SyncError::Pop3(Pop3Error::Tls(_))), "{err:?}");
    assert!(err.to_string().contains("certificate"), "{err}");
}

#[test]
fn headless_sync_command_prints_a_summary_and_a_masked_trace() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    stack.seed(&user.address, 3, 2000);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[store]\npath = \"{}\"\n[[accounts]]\nname = \"t\"\nemail = \"{}\"\n\
             [accounts.pop3]\nhost = \"localhost\"\nport = {}\nsecurity = \"starttls\"\n\
             password_env = \"T_POP3_PASSWORD\"\nca_file = \"{}\"\n",
            dir.path().join("store").display(),
            user.address,
            stack.pop3_port,
            stack.ca.display()
        ),
    )
    .unwrap();
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_wirepost"))
            .args(["--config", config.to_str().unwrap(), "sync", "--trace", "t"])
            .env("T_POP3_PASSWORD", &user.password)
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .output()
            .unwrap()
    };
    let first = run();
    assert!(first.status.success(), "{first:?}");
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.starts_with("t: 3 new"), "{stdout}");
    let trace = String::from_utf8_lossy(&first.stderr);
    assert!(
        trace.contains("C: STLS") && trace.contains("C: AUTH PLAIN ********"),
        "{trace}"
    );
    assert!(!trace.contains(&user.password), "{trace}");
    let second = run();
    assert!(String::from_utf8_lossy(&second.stdout).starts_with("t: 0 new"));
}
