//! Mail through a proxy that cuts, stalls and corrupts connections at
//! random points (tests/common/fault_proxy.rs), against real Dovecot and
//! Postfix. After every faulty run nothing is lost; after a final clean
//! run everything is where it belongs exactly once.
//!
//! `WIREPOST_FAULT_RUNS` runs per protocol (default 10; `scripts/soak`
//! runs 100), `WIREPOST_FAULT_SEED` repeats a run; figures go to stderr
//! and to `WIREPOST_SOAK_REPORT` when set.

mod common;

use common::fault_proxy::FaultProxy;
use common::mailstack::{Mailstack, TestUser};
use common::soak::{env_or, maildir_lf_messages, maildir_messages, report, walk};
use std::collections::BTreeMap;
use std::os::unix::fs::{PermissionsExt, chown};
use std::path::{Path, PathBuf};
use std::time::Duration;
use wirepost::config::{Account, Config};
use wirepost::mail::pop3::sync::content_identity;
use wirepost::store::Store;

const VMAIL_ID: u32 = 5000;

fn server_maildir(stack: &Mailstack, user: &TestUser) -> PathBuf {
    stack.state.join("mail").join(&user.address).join("Maildir")
}

fn deliver(stack: &Mailstack, user: &TestUser, round: u64, messages: &[Vec<u8>]) {
    let root = server_maildir(stack, user);
    for sub in ["", "new", "cur", "tmp"] {
        let dir = root.join(sub);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        chown(&dir, Some(VMAIL_ID), Some(VMAIL_ID)).unwrap();
    }
    for (i, raw) in messages.iter().enumerate() {
        let path = root
            .join("new")
            .join(format!("1700000000.M{i}R{round}.faults"));
        std::fs::write(&path, raw).unwrap();
        chown(&path, Some(VMAIL_ID), Some(VMAIL_ID)).unwrap();
    }
}

/// Messages of many sizes, with dot-stuffed lines, unique to this run.
fn corpus(token: &str) -> Vec<Vec<u8>> {
    [200usize, 3_000, 40_000, 120_000, 300_000, 9]
        .iter()
        .enumerate()
        .map(|(i, size)| {
            let mut m = format!(
                "From: a@example.test\r\nSubject: fault {token} {i}\r\nMessage-ID: <{token}.{i}@example.test>\r\n\r\n.dot line\r\n"
            )
            .into_bytes();
            let mut n = 0;
            while m.len() < *size {
                m.extend_from_slice(format!("{token} line {n} of message {i}\r\n").as_bytes());
                n += 1;
            }
            m
        })
        .collect()
}

fn pop3_account(stack: &Mailstack, user: &TestUser, port: u16) -> Account {
    let toml = format!(
        "[[accounts]]\nname = \"t\"\nemail = \"{}\"\n[accounts.pop3]\nhost = \"localhost\"\n\
         port = {port}\nsecurity = \"tls\"\npassword_command = \"echo {}\"\n\
         ca_file = \"{}\"\ndelete_after_download = true\n",
        user.address,
        user.password,
        stack.ca.display()
    );
    let config = Config::parse(&toml, Path::new("faults.toml")).expect("config");
    config.accounts.into_iter().next().unwrap()
}

/// Nothing lost: every original is on the server or in the store; nothing
/// doubled or damaged in the store.
fn check_nothing_lost(
    originals: &BTreeMap<String, usize>,
    server: &BTreeMap<String, usize>,
    local: &BTreeMap<String, usize>,
    run: u64,
) {
    for id in originals.keys() {
        assert!(
            server.contains_key(id) || local.contains_key(id),
            "run {run}: a message was deleted on the server without a stored copy"
        );
    }
    for (id, n) in local {
        assert_eq!(*n, 1, "run {run}: a message is stored {n} times");
        assert!(
            originals.contains_key(id),
            "run {run}: a damaged copy was stored"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pop3_sync_with_delete_survives_cuts_stalls_and_corruption() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let runs = env_or::<u64>("WIREPOST_FAULT_RUNS", 10);
    let seed = env_or::<u64>("WIREPOST_FAULT_SEED", 0xfa_0175);
    let user = stack.claim_user();
    let token = Mailstack::unique("fault");
    let mut round = 0;
    let mut originals = BTreeMap::new();
    let deliver_round = |round: u64, originals: &mut BTreeMap<String, usize>| {
        let corpus = corpus(&format!("{token}.{round}"));
        deliver(&stack, &user, round, &corpus);
        originals.extend(corpus.iter().map(|m| (content_identity(m), 1)));
    };
    deliver_round(round, &mut originals);
    let proxy = FaultProxy::start(stack.pop3s_port, seed, 300_000);
    let account = pop3_account(&stack, &user, proxy.port);
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("t").join("INBOX");
    let (mut failed, mut stored) = (0, 0);
    for run in 0..runs {
        // Each run opens the store afresh, as a restarted program would.
        let store = Store::open(dir.path()).unwrap();
        let result = tokio::time::timeout(
            Duration::from_secs(120),
            wirepost::mail::pop3::sync_account(&account, store, |_| {}, None),
        )
        .await
        .unwrap_or_else(|_| panic!("run {run}: sync hung"));
        match result {
            Ok(report) => stored += report.stored,
            Err(_) => failed += 1,
        }
        let server = maildir_messages(&server_maildir(&stack, &user));
        check_nothing_lost(&originals, &server, &maildir_messages(&inbox), run);
        if server.is_empty() {
            // Everything came down: new mail, so later runs have work.
            round += 1;
            deliver_round(round, &mut originals);
        }
    }
    proxy.arm(false);
    let store = Store::open(dir.path()).unwrap();
    wirepost::mail::pop3::sync_account(&account, store, |_| {}, None)
        .await
        .expect("the clean run");
    assert_eq!(
        maildir_messages(&inbox),
        originals,
        "every message stored exactly once"
    );
    assert!(
        maildir_messages(&server_maildir(&stack, &user)).is_empty(),
        "all deleted on the server"
    );
    report(&format!(
        "pop3 faults: {runs} runs (seed {seed:#x}, {} messages in {} deliveries) of sync with delete-after-download over TLS \
         through {}; {failed} runs ended in an error, {stored} messages stored during them; \
         nothing lost, doubled or damaged; clean run complete",
        originals.len(),
        round + 1,
        proxy.summary()
    ));
}

fn smtp_account(stack: &Mailstack, me: &TestUser, port: u16) -> Account {
    let toml = format!(
        "[[accounts]]\nname = \"s\"\nemail = \"{}\"\n[accounts.smtp]\nhost = \"localhost\"\n\
         port = {port}\nsecurity = \"tls\"\npassword_command = \"echo {}\"\nca_file = \"{}\"\n",
        me.address,
        me.password,
        stack.ca.display()
    );
    let config = Config::parse(&toml, Path::new("faults.toml")).expect("config");
    config.accounts.into_iter().next().unwrap()
}

/// How many messages in `user`'s server mailbox contain `token`.
fn delivered(stack: &Mailstack, user: &TestUser, token: &str) -> usize {
    walk(&server_maildir(stack, user))
        .iter()
        .filter(|p| {
            let parent = p.parent().and_then(|d| d.file_name()).unwrap();
            (parent == "new" || parent == "cur")
                && std::fs::read(p)
                    .map(|b| String::from_utf8_lossy(&b).contains(token))
                    .unwrap_or(false)
        })
        .count()
}

/// What one "send everything queued" did.
#[derive(Default)]
struct OutboxRun {
    sent: usize,
    failed: usize,
    /// Broke after the final dot: marked, kept, not retried.
    unknown: usize,
    /// Left alone because marked by an earlier run.
    skipped: usize,
}

async fn send_outbox(store: &Store, account: &Account) -> OutboxRun {
    use wirepost::mail::outbox::{queue, send};
    let progress: send::ProgressSink = std::sync::Arc::new(|_| {});
    let report = tokio::time::timeout(
        Duration::from_secs(600),
        queue::send_all_queued(store.clone(), account.clone(), progress),
    )
    .await
    .expect("a send hung")
    .unwrap();
    let unknown = report
        .failed
        .iter()
        .filter(|(_, f)| f.delivery_unknown)
        .count();
    OutboxRun {
        sent: report.sent.len(),
        failed: report.failed.len() - unknown,
        unknown,
        skipped: report.skipped.len(),
    }
}

/// Waits until every token in `tokens` reached `user` and Postfix is idle
/// (or a minute passed); returns the counts.
async fn settled_counts(stack: &Mailstack, user: &TestUser, tokens: &[String]) -> Vec<usize> {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let counts: Vec<usize> = tokens.iter().map(|t| delivered(stack, user, t)).collect();
        let done = counts.iter().all(|n| *n >= 1) && stack.postfix_idle();
        if done || std::time::Instant::now() > deadline {
            return counts;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_send_through_faults_loses_nothing_and_sends_nothing_twice() {
    use wirepost::mail::folders;
    use wirepost::mail::outbox::{queue, send};
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let runs = env_or::<u64>("WIREPOST_FAULT_RUNS", 10);
    let seed = env_or::<u64>("WIREPOST_FAULT_SEED", 0x5e_0d);
    let (me, them) = (stack.claim_user(), stack.claim_user());
    // Offsets within the TLS handshake, the commands and the message.
    let proxy = FaultProxy::start(stack.smtps_port, seed, 4_000);
    let account = smtp_account(&stack, &me, proxy.port);
    let dir = tempfile::tempdir().unwrap();
    let mut tokens = Vec::new();
    let (mut sent, mut failed, mut unknown) = (0, 0, 0);
    for run in 0..runs {
        let store = Store::open(dir.path()).unwrap();
        // A new message each run, queued as the composer does.
        let token = format!("{}-{run}", Mailstack::unique("smtpfault"));
        let raw = format!(
            "From: {}\r\nTo: {}\r\nSubject: {token}\r\nMessage-ID: <{token}@example.test>\r\n\r\n{}\r\n",
            me.address,
            them.address,
            format!("{token} body line\r\n").repeat(40)
        );
        send::queue(
            store.clone(),
            account.name.clone(),
            std::sync::Arc::new(raw.into_bytes()),
        )
        .await
        .unwrap();
        tokens.push(token);
        let run = send_outbox(&store, &account).await;
        sent += run.sent;
        failed += run.failed;
        unknown += run.unknown;
    }
    // A clean run sends whatever is left in the Outbox, except messages of
    // unknown delivery: the server may have them.
    proxy.arm(false);
    let store = Store::open(dir.path()).unwrap();
    let clean = send_outbox(&store, &account).await;
    assert_eq!(
        clean.failed + clean.unknown,
        0,
        "the clean run failed to send"
    );
    assert_eq!(
        clean.skipped, unknown,
        "messages of unknown delivery were retried"
    );
    // Then the user's decision for each of those, as the Outbox offers
    // it: once everything sent has arrived, one that arrived is filed as
    // sent, one that did not is sent again.
    let marked = wirepost::mail::outbox::marks::outbox_marks(&store, &account.name).unwrap();
    let sure: Vec<String> = folders::list(&store, &account.name, folders::SENT)
        .unwrap()
        .into_iter()
        .map(|e| e.subject)
        .collect();
    settled_counts(&stack, &them, &sure).await;
    let (mut arrived, mut resent) = (0, 0);
    let progress: send::ProgressSink = std::sync::Arc::new(|_| {});
    for entry in folders::list(&store, &account.name, folders::OUTBOX).unwrap() {
        assert!(
            marked.contains_key(&entry.id),
            "{} left unmarked",
            entry.subject
        );
        if delivered(&stack, &them, &entry.subject) > 0 {
            arrived += 1;
            let (_, warnings) = queue::file_as_delivered(
                store.clone(),
                account.clone(),
                entry.id,
                progress.clone(),
            )
            .await
            .unwrap();
            assert!(warnings.is_empty(), "{warnings:?}");
        } else {
            resent += 1;
            send::resend_unknown(store.clone(), account.clone(), entry.id, progress.clone())
                .await
                .expect("the resend over a clean connection");
        }
    }
    assert!(
        folders::list(&store, &account.name, folders::OUTBOX)
            .unwrap()
            .is_empty()
    );
    let filed = folders::list(&store, &account.name, folders::SENT).unwrap();
    assert_eq!(filed.len(), tokens.len(), "each message filed in Sent once");
    // Every message arrives exactly once.
    let counts = settled_counts(&stack, &them, &tokens).await;
    let lost: Vec<_> = tokens
        .iter()
        .zip(&counts)
        .filter(|(_, n)| **n == 0)
        .collect();
    let doubled: Vec<_> = tokens
        .iter()
        .zip(&counts)
        .filter(|(_, n)| **n > 1)
        .collect();
    report(&format!(
        "smtp faults: {runs} runs (seed {seed:#x}) of send over TLS through {}; \
         {sent} sends succeeded and {failed} failed during them (kept in the Outbox); \
         {unknown} broke after the final dot (delivery unknown: not retried; {arrived} had \
         arrived and were filed as sent, {resent} had not and were resent by choice); \
         after the clean run {} delivered, {} lost, {} delivered twice",
        proxy.summary(),
        counts.iter().filter(|n| **n >= 1).count(),
        lost.len(),
        doubled.len()
    ));
    assert!(lost.is_empty(), "lost: {lost:?}");
    assert!(doubled.is_empty(), "delivered twice: {doubled:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imap_sync_survives_cuts_stalls_and_corruption() {
    use wirepost::mail::imap::{ConnectOptions, FolderChoice, sync_account};
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let runs = env_or::<u64>("WIREPOST_FAULT_RUNS", 10);
    let seed = env_or::<u64>("WIREPOST_FAULT_SEED", 0x1_3a9);
    let user = stack.claim_user();
    stack.seed(&user.address, 40, 20_000);
    let proxy = FaultProxy::start(stack.imaps_port, seed, 900_000);
    // Through the fault proxy, the certificate still checked for localhost.
    let opts = ConnectOptions {
        host: "localhost".into(),
        port: proxy.port,
        ..common::imap::options(&stack, &user)
    };
    let inbox = FolderChoice::One("INBOX".into());
    let dir = tempfile::tempdir().unwrap();
    // Dovecot keeps LF line ends on disk and serves CRLF: compare both
    // sides with LF.
    let server = maildir_lf_messages(&server_maildir(&stack, &user));
    assert_eq!(server.values().sum::<usize>(), 40);
    let mut failed = 0;
    for run in 0..runs {
        let store = Store::open(dir.path()).unwrap();
        let result = tokio::time::timeout(
            Duration::from_secs(120),
            sync_account(&opts, &store, "i", &inbox, None, &mut |_| {}),
        )
        .await
        .unwrap_or_else(|_| panic!("run {run}: sync hung"));
        failed += result.is_err() as u64;
        let local = maildir_lf_messages(dir.path());
        for (id, n) in &local {
            assert_eq!(*n, 1, "run {run}: a message is stored {n} times");
            assert!(
                server.contains_key(id),
                "run {run}: a damaged copy was stored"
            );
        }
        if local.len() == server.len() {
            // All down: start over so later runs have work to do.
            drop(store);
            std::fs::remove_dir_all(dir.path()).unwrap();
            std::fs::create_dir_all(dir.path()).unwrap();
        }
    }
    proxy.arm(false);
    let store = Store::open(dir.path()).unwrap();
    sync_account(&opts, &store, "i", &inbox, None, &mut |_| {})
        .await
        .expect("the clean run");
    assert_eq!(
        maildir_lf_messages(dir.path()),
        server,
        "every message exactly once"
    );
    report(&format!(
        "imap faults: {runs} runs (seed {seed:#x}) of INBOX sync (40 × 20 KB) over TLS through {}; \
         {failed} runs ended in an error; nothing doubled or damaged; clean run complete",
        proxy.summary()
    ));
}
