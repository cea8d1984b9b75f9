//! kill -9 of wirepost in the middle of a POP3 sync (with delete after
//! download), of an IMAP first sync and of a send, then a restart: the
//! store opens, no message is lost, doubled or damaged, no index row lacks
//! its file, the Outbox still holds what was not sent.
//!
//! `WIREPOST_KILL_RUNS` kills per scenario (default 3); figures go to
//! stderr and to `WIREPOST_SOAK_REPORT` when set.

mod common;

use common::fuzz::Rng;
use common::mailstack::{Mailstack, TestUser};
use common::soak::{maildir_lf_messages, maildir_messages, report, walk};
use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::{PermissionsExt, chown};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use wirepost::mail::pop3::sync::content_identity;
use wirepost::store::Store;

const VMAIL_ID: u32 = 5000;

fn server_maildir(stack: &Mailstack, user: &TestUser) -> PathBuf {
    stack.state.join("mail").join(&user.address).join("Maildir")
}

fn deliver(stack: &Mailstack, user: &TestUser, tag: &str, count: usize) -> BTreeMap<String, usize> {
    let root = server_maildir(stack, user);
    for sub in ["", "new", "cur", "tmp"] {
        let dir = root.join(sub);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        chown(&dir, Some(VMAIL_ID), Some(VMAIL_ID)).unwrap();
    }
    let mut ids = BTreeMap::new();
    for i in 0..count {
        let mut m = format!("From: a@example.test\r\nSubject: kill {tag} {i}\r\n\r\n").into_bytes();
        while m.len() < 200_000 {
            m.extend_from_slice(format!("{tag} message {i} line {}\r\n", m.len()).as_bytes());
        }
        let path = root.join("new").join(format!("1700000000.M{i}K{tag}.kill"));
        std::fs::write(&path, &m).unwrap();
        chown(&path, Some(VMAIL_ID), Some(VMAIL_ID)).unwrap();
        ids.insert(content_identity(&m), 1);
    }
    ids
}

fn config(dir: &Path, body: &str) -> String {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "[store]\npath = \"{}\"\n{body}",
            dir.join("store").display()
        ),
    )
    .unwrap();
    path.display().to_string()
}

fn wirepost(config: &str, args: &[&str], home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wirepost"));
    cmd.args(["-c", config])
        .args(args)
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

#[test]
fn kill_during_pop3_sync_then_restart_loses_nothing() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let runs: u64 = std::env::var("WIREPOST_KILL_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let user = stack.claim_user();
    let dir = tempfile::tempdir().unwrap();
    let config = config(
        dir.path(),
        &format!(
            "[[accounts]]\nname = \"k\"\nemail = \"{}\"\n[accounts.pop3]\nhost = \"localhost\"\n\
             port = {}\nsecurity = \"tls\"\npassword_command = \"echo {}\"\nca_file = \"{}\"\n\
             delete_after_download = true\n",
            user.address,
            stack.pop3s_port,
            user.password,
            stack.ca.display()
        ),
    );
    let inbox = dir.path().join("store").join("k").join("INBOX");
    let mut rng = Rng::new(0x6b11);
    let mut originals = BTreeMap::new();
    let mut killed_mid_way = 0;
    let mut stored_at_kills = Vec::new();
    for run in 0..runs {
        originals.extend(deliver(&stack, &user, &format!("r{run}"), 20));
        // Killed at a random moment: early kills hit the login, later
        // ones the downloads and the deletions.
        let mut child = wirepost(&config, &["sync"], dir.path()).spawn().unwrap();
        let wait = Duration::from_millis(20 + rng.next() % 400);
        std::thread::sleep(wait);
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap_or_default(); // SIGKILL
        child.wait().unwrap();
        if !finished {
            killed_mid_way += 1;
        }
        // The store opens after the crash, and nothing is lost or doubled.
        Store::open(&dir.path().join("store")).expect("the store opens after kill -9");
        let server = maildir_messages(&server_maildir(&stack, &user));
        let local = maildir_messages(&inbox);
        for id in originals.keys() {
            assert!(
                server.contains_key(id) || local.contains_key(id),
                "run {run}: deleted on the server without a stored copy"
            );
        }
        assert!(local.values().all(|n| *n == 1), "run {run}: stored twice");
        stored_at_kills.push(local.len());
    }
    // The restart: a full sync completes the job.
    let status = wirepost(&config, &["sync"], dir.path()).status().unwrap();
    assert!(status.success());
    assert_eq!(
        maildir_messages(&inbox),
        originals,
        "every message exactly once"
    );
    assert!(maildir_messages(&server_maildir(&stack, &user)).is_empty());
    report(&format!(
        "kill -9 during pop3 sync: {runs} kills ({killed_mid_way} while running) of a 20 × 200 KB \
         sync with delete-after-download (messages stored so far at each kill: {stored_at_kills:?}), \
         then a restart: store opens, {} messages each stored once, none lost",
        originals.len()
    ));
}

/// Every index row of the folder has its file.
fn rows_have_files(store: &Store, account: &str, folder: &str) -> usize {
    let rows = wirepost::mail::folders::list(store, account, folder).unwrap_or_default();
    for row in &rows {
        let path = store
            .message_path(row.id)
            .unwrap_or_else(|e| panic!("index row {:?} without a file: {e}", row.id));
        assert!(path.is_file(), "index row {:?} without a file", row.id);
    }
    rows.len()
}

#[test]
fn kill_during_imap_sync_then_restart_stores_each_message_once() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let runs: u64 = std::env::var("WIREPOST_KILL_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let user = stack.claim_user();
    let (count, size) = (300, 30_000);
    stack.seed(&user.address, count, size);
    let server = maildir_lf_messages(&server_maildir(&stack, &user));
    assert_eq!(server.values().sum::<usize>(), count);
    let dir = tempfile::tempdir().unwrap();
    let config = config(
        dir.path(),
        &format!(
            "[[accounts]]\nname = \"k\"\nemail = \"{}\"\n[accounts.imap]\nhost = \"localhost\"\n\
             port = {}\nsecurity = \"tls\"\npassword_command = \"echo {}\"\nca_file = \"{}\"\n",
            user.address,
            stack.imaps_port,
            user.password,
            stack.ca.display()
        ),
    );
    let store_dir = dir.path().join("store");
    let inbox = store_dir.join("k").join("INBOX");
    let mut rng = Rng::new(0x1a9b);
    let mut killed_mid_way = 0;
    let mut stored_at_kills = Vec::new();
    for run in 0..runs {
        // Killed at a random moment of a first sync: some early, in the
        // login and the folder list; most once a random number of message
        // files has appeared, in the middle of the batches being stored.
        let mut child = wirepost(&config, &["sync"], dir.path()).spawn().unwrap();
        let have = walk(&inbox).len();
        let target = have + 1 + (rng.next() % (count - have) as u64) as usize;
        if rng.next().is_multiple_of(10) {
            std::thread::sleep(Duration::from_millis(20 + rng.next() % 300));
        } else {
            let start = Instant::now();
            while walk(&inbox).len() < target
                && child.try_wait().unwrap().is_none()
                && start.elapsed() < Duration::from_secs(60)
            {
                std::thread::sleep(Duration::from_millis(2));
            }
        }
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap_or_default(); // SIGKILL
        child.wait().unwrap();
        if !finished {
            killed_mid_way += 1;
        }
        let store = Store::open(&store_dir).expect("the store opens after kill -9");
        let rows = rows_have_files(&store, "k", "INBOX");
        let local = maildir_lf_messages(&inbox);
        for (id, n) in &local {
            assert_eq!(*n, 1, "run {run}: a message is stored {n} times");
            assert!(server.contains_key(id), "run {run}: a damaged copy");
        }
        assert_eq!(rows, local.len(), "run {run}: index rows and files differ");
        stored_at_kills.push(local.len());
        if local.len() == server.len() {
            // All down before the kill: start over so later kills hit a sync.
            drop(store);
            std::fs::remove_dir_all(&store_dir).unwrap();
        }
    }
    // The restart: a full sync completes the job.
    let status = wirepost(&config, &["sync"], dir.path()).status().unwrap();
    assert!(status.success());
    let store = Store::open(&store_dir).unwrap();
    assert_eq!(
        maildir_lf_messages(&inbox),
        server,
        "every message exactly once"
    );
    assert_eq!(rows_have_files(&store, "k", "INBOX"), count);
    report(&format!(
        "kill -9 during imap sync: {runs} kills ({killed_mid_way} while running) of a first sync \
         of a {count} × {} KB INBOX (messages stored at each kill: {stored_at_kills:?}), then a \
         restart: store opens, every index row has its file, {count} messages each stored once, \
         none damaged",
        size / 1000
    ));
}

#[test]
fn kill_during_send_then_restart_keeps_the_outbox() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, them) = (stack.claim_user(), stack.claim_user());
    // A server that accepts and never answers: the send is stuck in the
    // greeting when the kill comes.
    let tarpit = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = tarpit.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let smtp = |port: u16| {
        format!(
            "[[accounts]]\nname = \"o\"\nemail = \"{}\"\n[accounts.smtp]\nhost = \"localhost\"\n\
             port = {port}\nsecurity = \"tls\"\npassword_command = \"echo {}\"\nca_file = \"{}\"\n",
            me.address,
            me.password,
            stack.ca.display()
        )
    };
    let stuck = config(dir.path(), &smtp(port));
    let token = Mailstack::unique("killsend");
    let mut child = wirepost(
        &stuck,
        &["send", "--to", &them.address, "--subject", &token],
        dir.path(),
    )
    .spawn()
    .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"survives kill -9\n")
        .unwrap();
    let (_connection, _) = tarpit.accept().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();

    // Restart: the store opens and the Outbox holds the message, once.
    let store = Store::open(&dir.path().join("store")).expect("the store opens after kill -9");
    let outbox = wirepost::mail::folders::list(&store, "o", "Outbox").unwrap();
    assert_eq!(outbox.len(), 1, "the message waits in the Outbox");
    let raw = wirepost::mail::folders::read(&store, outbox[0].id).unwrap();
    assert!(String::from_utf8_lossy(&raw).contains(&token));
    // Sending it from the Outbox delivers it exactly once.
    let live = config(dir.path(), &smtp(stack.smtps_port));
    let account =
        wirepost::config::Config::parse(&std::fs::read_to_string(&live).unwrap(), Path::new(&live))
            .unwrap()
            .accounts
            .remove(0);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime
        .block_on(wirepost::mail::outbox::send::send_queued(
            store.clone(),
            account,
            outbox[0].id,
            std::sync::Arc::new(|_| {}),
        ))
        .expect("sent from the Outbox");
    assert!(
        wirepost::mail::folders::list(&store, "o", "Outbox")
            .unwrap()
            .is_empty()
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let delivered = loop {
        let n = walk(&server_maildir(&stack, &them))
            .iter()
            .filter(|p| {
                let parent = p.parent().and_then(|d| d.file_name()).unwrap();
                (parent == "new" || parent == "cur")
                    && std::fs::read(p)
                        .map(|b| String::from_utf8_lossy(&b).contains(&token))
                        .unwrap_or(false)
            })
            .count();
        if n > 0 || Instant::now() > deadline {
            break n;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(delivered, 1);
    report(
        "kill -9 during send (stuck in the greeting), then a restart: store opens, the message waits in the Outbox once and is delivered once",
    );
}

/// A plaintext SMTP server that takes a message and never answers its
/// final dot; reports on `dot` when the dot has arrived.
fn server_silent_after_the_dot(dot: std::sync::mpsc::Sender<()>) -> (u16, Arc<AtomicU64>) {
    use std::io::{BufRead, BufReader};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicU64::new(0));
    let count = connections.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            count.fetch_add(1, Ordering::SeqCst);
            let dot = dot.clone();
            std::thread::spawn(move || {
                let mut out = stream.try_clone().unwrap();
                let mut lines = BufReader::new(stream);
                let _ = out.write_all(b"220 silent.example.test ESMTP\r\n");
                let mut line = String::new();
                let mut in_data = false;
                while lines.read_line(&mut line).unwrap_or(0) > 0 {
                    let upper = line.to_ascii_uppercase();
                    if in_data {
                        if line == ".\r\n" {
                            let _ = dot.send(());
                            // Holds the connection open, answering nothing.
                            std::thread::sleep(Duration::from_secs(120));
                            return;
                        }
                    } else if upper.starts_with("EHLO") {
                        let _ = out.write_all(b"250-silent.example.test\r\n250 8BITMIME\r\n");
                    } else if upper.starts_with("DATA") {
                        in_data = true;
                        let _ = out.write_all(b"354 go ahead\r\n");
                    } else if upper.starts_with("QUIT") {
                        let _ = out.write_all(b"221 bye\r\n");
                        return;
                    } else {
                        let _ = out.write_all(b"250 ok\r\n");
                    }
                    line.clear();
                }
            });
        }
    });
    (port, connections)
}

#[test]
fn kill_after_the_final_dot_leaves_the_message_marked_delivery_unknown() {
    let (dot_tx, dot_rx) = std::sync::mpsc::channel();
    let (port, connections) = server_silent_after_the_dot(dot_tx);
    let dir = tempfile::tempdir().unwrap();
    let config = config(
        dir.path(),
        &format!(
            "[[accounts]]\nname = \"o\"\nemail = \"me@example.test\"\n[accounts.smtp]\n\
             host = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\n"
        ),
    );
    let mut child = wirepost(
        &config,
        &[
            "send",
            "--to",
            "them@example.test",
            "--subject",
            "in flight",
        ],
        dir.path(),
    )
    .spawn()
    .unwrap();
    child.stdin.take().unwrap().write_all(b"body\n").unwrap();
    dot_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the message's final dot arrived");
    child.kill().unwrap();
    child.wait().unwrap();

    // Restart: the message waits in the Outbox, marked.
    let store = Store::open(&dir.path().join("store")).expect("the store opens after kill -9");
    let outbox = wirepost::mail::folders::list(&store, "o", "Outbox").unwrap();
    assert_eq!(outbox.len(), 1);
    let marks = wirepost::mail::outbox::marks::outbox_marks(&store, "o").unwrap();
    assert!(marks.contains_key(&outbox[0].id), "not marked: {marks:?}");
    // Sending what is queued leaves it alone and does not connect.
    let before = connections.load(Ordering::SeqCst);
    let status = wirepost(&config, &["send", "--queued"], dir.path())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(4));
    assert_eq!(connections.load(Ordering::SeqCst), before);
    report(
        "kill -9 while the final dot was unanswered, then a restart: the message waits in the Outbox marked delivery unknown, and send --queued leaves it alone",
    );
}
