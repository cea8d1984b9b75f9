//! The SMTP ambiguity: the connection breaks after the final "." went out
//! and before the server's reply came back. Against real Postfix, through a
//! proxy that cuts exactly there (so the message really is queued): the
//! Outbox keeps it marked "delivery unknown", sending the whole Outbox (in
//! the engine and with `wirepost send --queued`) leaves it alone, and the
//! recipient gets it exactly once; then the user's ways out.

mod common;

use common::dot_cut_proxy::DotCutProxy;
use common::mailstack::{Mailstack, TestUser};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use wirepost::config::{Account, Config};
use wirepost::mail::folders;
use wirepost::mail::outbox::marks as outbox_marks;
use wirepost::mail::outbox::{queue, send};
use wirepost::store::Store;

fn config_text(me: &TestUser, port: u16, store: &Path) -> String {
    format!(
        "[store]\npath = \"{}\"\n[[accounts]]\nname = \"u\"\nemail = \"{}\"\n\
         [accounts.smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\n",
        store.display(),
        me.address
    )
}

fn account(text: &str) -> Account {
    let config = Config::parse(text, Path::new("unknown.toml")).expect("config");
    config.accounts.into_iter().next().unwrap()
}

fn maildir(stack: &Mailstack, user: &TestUser) -> PathBuf {
    stack.state.join("mail").join(&user.address).join("Maildir")
}

/// Messages in `user`'s server mailbox that contain `token`.
fn delivered(stack: &Mailstack, user: &TestUser, token: &str) -> usize {
    let mut n = 0;
    for sub in ["new", "cur"] {
        for entry in std::fs::read_dir(maildir(stack, user).join(sub))
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
    n
}

/// Waits for the token to arrive and Postfix to go idle, then counts.
async fn settled_count(stack: &Mailstack, user: &TestUser, token: &str) -> usize {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let n = delivered(stack, user, token);
        if (n > 0 && stack.postfix_idle()) || Instant::now() > deadline {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn quiet() -> send::ProgressSink {
    Arc::new(|_| {})
}

fn message(me: &TestUser, them: &TestUser, token: &str) -> Vec<u8> {
    format!(
        "From: {}\r\nTo: {}\r\nSubject: {token}\r\nMessage-ID: <{token}@example.test>\r\n\r\n\
         {token}\r\n.leading dot\r\n",
        me.address, them.address
    )
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_after_the_final_dot_is_delivery_unknown_and_never_resent_blindly() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, them) = (stack.claim_user(), stack.claim_user());
    let proxy = DotCutProxy::start(stack.smtp_port);
    let dir = tempfile::tempdir().unwrap();
    let config = config_text(&me, proxy.port, &dir.path().join("store"));
    let account = account(&config);
    let store = Store::open(&dir.path().join("store")).unwrap();
    let token = Mailstack::unique("unknown");
    let raw = message(&me, &them, &token);
    let id = send::queue(store.clone(), account.name.clone(), Arc::new(raw.clone()))
        .await
        .unwrap();

    // The send: the server queues the message, the client sees a break.
    let failure = send::send_queued(store.clone(), account.clone(), id, quiet())
        .await
        .expect_err("the reply to the final dot never arrived");
    assert!(failure.delivery_unknown, "{failure:?}");
    assert_eq!(proxy.swallowed.load(Ordering::SeqCst), 1);
    let outbox = folders::list(&store, &account.name, folders::OUTBOX).unwrap();
    assert_eq!(outbox.len(), 1, "kept in the Outbox");
    let marks = outbox_marks::outbox_marks(&store, &account.name).unwrap();
    assert!(marks.contains_key(&id), "marked: {marks:?}");
    assert!(marks[&id].since > 0 && !marks[&id].reason.is_empty());

    // Sending everything queued leaves it alone, without even connecting.
    proxy.armed.store(false, Ordering::SeqCst);
    let connections = proxy.connections.load(Ordering::SeqCst);
    let report = queue::send_all_queued(store.clone(), account.clone(), quiet())
        .await
        .unwrap();
    assert!(report.sent.is_empty() && report.failed.is_empty());
    assert_eq!(report.skipped.len(), 1);
    // A single send of it is refused too (only an explicit resend goes).
    let refused = send::send_queued(store.clone(), account.clone(), id, quiet())
        .await
        .expect_err("refused");
    assert!(refused.delivery_unknown);
    // So is `wirepost send --queued`, with its own exit status.
    let config_path = dir.path().join("config.toml");
    std::fs::write(&config_path, &config).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args(["-c", config_path.to_str().unwrap(), "send", "--queued"])
        .env("HOME", dir.path())
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("delivery unknown since"), "{stderr}");
    assert_eq!(proxy.connections.load(Ordering::SeqCst), connections);

    // The recipient has it, exactly once.
    assert_eq!(settled_count(&stack, &them, &token).await, 1);

    // The user looks, sees it arrived, and files it as sent.
    let (sent_id, warnings) = queue::file_as_delivered(store.clone(), account.clone(), id, quiet())
        .await
        .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(sent_id.is_some());
    assert!(
        folders::list(&store, &account.name, folders::OUTBOX)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        folders::list(&store, &account.name, folders::SENT)
            .unwrap()
            .len(),
        1
    );
    assert!(
        outbox_marks::get(&store, &raw).is_none(),
        "the mark is gone"
    );
    assert_eq!(delivered(&stack, &them, &token), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resending_a_message_of_unknown_delivery_is_the_users_choice() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, them) = (stack.claim_user(), stack.claim_user());
    let proxy = DotCutProxy::start(stack.smtp_port);
    let dir = tempfile::tempdir().unwrap();
    let account = account(&config_text(&me, proxy.port, &dir.path().join("store")));
    let store = Store::open(&dir.path().join("store")).unwrap();
    let token = Mailstack::unique("resend");
    let raw = message(&me, &them, &token);
    let id = send::queue(store.clone(), account.name.clone(), Arc::new(raw.clone()))
        .await
        .unwrap();
    let failure = send::send_queued(store.clone(), account.clone(), id, quiet())
        .await
        .unwrap_err();
    assert!(failure.delivery_unknown);
    // Still cut: the resend is unknown again, and still marked.
    let again = send::resend_unknown(store.clone(), account.clone(), id, quiet())
        .await
        .unwrap_err();
    assert!(again.delivery_unknown);
    assert!(outbox_marks::get(&store, &raw).is_some());
    // Through a good connection it goes, is filed, and the mark is gone;
    // the recipient has every copy the server took: three.
    proxy.armed.store(false, Ordering::SeqCst);
    let sent = send::resend_unknown(store.clone(), account.clone(), id, quiet())
        .await
        .unwrap();
    assert!(sent.delivery.reply.starts_with("250"), "{sent:?}");
    assert!(outbox_marks::get(&store, &raw).is_none());
    assert!(
        folders::list(&store, &account.name, folders::OUTBOX)
            .unwrap()
            .is_empty()
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while delivered(&stack, &them, &token) < 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(settled_count(&stack, &them, &token).await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_on_the_server_settles_it_when_the_server_files_what_it_accepts() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    // The server's "Sent" is the INBOX the message is addressed to, so
    // the copy Postfix delivers stands for the one a provider that saves
    // sent mail (server_saves_sent) files.
    let me = stack.claim_user();
    let proxy = DotCutProxy::start(stack.smtp_port);
    let dir = tempfile::tempdir().unwrap();
    let account = account(&format!(
        "[[accounts]]\nname = \"u\"\nemail = \"{email}\"\nserver_saves_sent = true\n\
         sent_folder = \"INBOX\"\n[accounts.smtp]\nhost = \"127.0.0.1\"\nport = {smtp}\n\
         security = \"none\"\n[accounts.imap]\nhost = \"{host}\"\nport = {imaps}\n\
         security = \"tls\"\npassword_command = \"printf %s '{password}'\"\nca_file = \"{ca}\"\n",
        email = me.address,
        smtp = proxy.port,
        host = stack.host,
        imaps = stack.imaps_port,
        password = me.password,
        ca = stack.ca.display()
    ));
    let store = Store::open(&dir.path().join("store")).unwrap();
    let token = Mailstack::unique("found");
    let raw = message(&me, &me, &token);
    let id = send::queue(store.clone(), account.name.clone(), Arc::new(raw.clone()))
        .await
        .unwrap();
    let sent = send::send_queued(store.clone(), account.clone(), id, quiet())
        .await
        .expect("settled by the server's copy");
    assert_eq!(
        proxy.swallowed.load(Ordering::SeqCst),
        1,
        "the reply was cut"
    );
    assert!(
        sent.warnings[0].contains("it is in the server's INBOX"),
        "{:?}",
        sent.warnings
    );
    assert!(
        folders::list(&store, &account.name, folders::OUTBOX)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        folders::list(&store, &account.name, folders::SENT)
            .unwrap()
            .len(),
        1
    );
    assert!(outbox_marks::get(&store, &raw).is_none());
    assert_eq!(settled_count(&stack, &me, &token).await, 1);
}
