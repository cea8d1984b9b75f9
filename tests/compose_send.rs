//! Sending through the Outbox against real Postfix (submission with
//! STARTTLS, implicit TLS, plain) and reading the result back from Dovecot.

mod common;

use async_imap::Client as ImapClient;
use common::mailstack::{Mailstack, TestUser};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wirepost::config::{Account, Config};
use wirepost::mail::compose::draft::{Attachment, Draft};
use wirepost::mail::compose::drafts;
use wirepost::mail::compose::reply::{self, Identity};
use wirepost::mail::folders;
use wirepost::mail::outbox::send::{self, Progress, ProgressSink};
use wirepost::net::tls::{TlsOptions, client_config, server_name};
use wirepost::store::Store;

/// An account for `user` whose SMTP server is `security` on `port`, with
/// IMAP so that Sent and Drafts are appended on the server.
fn account(
    stack: &Mailstack,
    user: &TestUser,
    port: u16,
    security: &str,
    password: &str,
) -> Account {
    let text = format!(
        r#"
[[accounts]]
name = "test"
email = "{email}"
display_name = "Test Sender"
signature = "Sent by the test suite"
[accounts.smtp]
host = "{host}"
port = {port}
security = "{security}"
password_command = "printf %s '{password}'"
ca_file = "{ca}"
[accounts.imap]
host = "{host}"
port = {imaps}
security = "tls"
password_command = "printf %s '{real}'"
ca_file = "{ca}"
"#,
        email = user.address,
        host = stack.host,
        ca = stack.ca.display(),
        imaps = stack.imaps_port,
        real = user.password,
    );
    let config = Config::parse(&text, std::path::Path::new("test.toml")).expect("config");
    config.accounts[0].clone()
}

fn trace_collector() -> (ProgressSink, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let out = lines.clone();
    let sink: ProgressSink = Arc::new(move |p| {
        if let Progress::Trace(line) = p {
            out.lock().unwrap().push(line.display());
        }
    });
    (sink, lines)
}

async fn imap_session(
    stack: &Mailstack,
    user: &TestUser,
) -> async_imap::Session<tokio_rustls::client::TlsStream<TcpStream>> {
    let tcp = TcpStream::connect((stack.host.as_str(), stack.imaps_port))
        .await
        .unwrap();
    let config = client_config(&TlsOptions {
        extra_ca: Some(stack.ca.clone()),
        accept_invalid_certs: false,
        pin_file: None,
    })
    .unwrap();
    let tls = tokio_rustls::TlsConnector::from(config)
        .connect(server_name("localhost").unwrap(), tcp)
        .await
        .unwrap();
    let mut client = ImapClient::new(tls);
    client.read_response().await.unwrap().unwrap();
    client
        .login(&user.address, &user.password)
        .await
        .map_err(|(e, _)| e)
        .unwrap()
}

/// Every message in `folder` of `user` whose text contains `token`,
/// waiting up to 30 s for at least `want` of them.
async fn fetch_matching(
    stack: &Mailstack,
    user: &TestUser,
    folder: &str,
    token: &str,
    want: usize,
) -> Vec<Vec<u8>> {
    use futures::TryStreamExt;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let mut session = imap_session(stack, user).await;
        let mut found = Vec::new();
        if session.select(folder).await.is_ok() {
            let fetches: Vec<_> = session
                .fetch("1:*", "BODY.PEEK[]")
                .await
                .unwrap()
                .try_collect()
                .await
                .unwrap_or_default();
            for fetch in &fetches {
                if let Some(body) = fetch.body()
                    && String::from_utf8_lossy(body).contains(token)
                {
                    found.push(body.to_vec());
                }
            }
        }
        let _ = session.logout().await;
        if found.len() >= want || tokio::time::Instant::now() > deadline {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn binary_blob() -> Vec<u8> {
    (0..20_000u32).map(|i| (i * 7 + i / 256) as u8).collect()
}

async fn send_draft(
    store: &Store,
    account: &Account,
    draft: Draft,
) -> (
    i64,
    Result<send::Sent, wirepost::mail::smtp::SendFailure>,
    Vec<String>,
) {
    let raw = drafts::format(draft).await.expect("format");
    let id = send::queue(store.clone(), account.name.clone(), Arc::new(raw))
        .await
        .expect("queue");
    let (sink, trace) = trace_collector();
    let result = send::send_queued(store.clone(), account.clone(), id, sink).await;
    let lines = trace.lock().unwrap().clone();
    (id, result, lines)
}

fn outbox_len(store: &Store, account: &Account) -> usize {
    folders::list(store, &account.name, folders::OUTBOX)
        .unwrap()
        .len()
}

async fn round_trip(port_of: fn(&Mailstack) -> u16, security: &str) {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, them, copy) = (stack.claim_user(), stack.claim_user(), stack.claim_user());
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let account = account(&stack, &me, port_of(&stack), security, &me.password);
    let token = Mailstack::unique("compose");
    let file = dir.path().join("data.bin");
    std::fs::write(&file, binary_blob()).unwrap();
    let mut draft = Identity::from_account(&account).new_draft();
    draft.to = format!("Them <{}>", them.address);
    draft.cc = copy.address.clone();
    draft.subject = format!("日本語の件名 — Grüße {token}");
    draft.body = format!("你好，世界。\nnaïve café\n.leading dot\n{}", draft.body);
    draft
        .attachments
        .push(Attachment::from_path(&file).unwrap());
    let (_, result, trace) = send_draft(&store, &account, draft).await;
    let sent = result.expect("sent");
    assert_eq!(sent.delivery.accepted.len(), 2, "{sent:?}");
    assert!(sent.warnings.is_empty(), "{:?}", sent.warnings);
    let all = trace.join("\n");
    assert!(
        all.contains("AUTH PLAIN ****") || all.contains("AUTH LOGIN"),
        "{all}"
    );
    assert!(!all.contains(&me.password), "password in the trace");
    assert!(all.contains("bytes>"), "DATA not elided: {all}");
    assert!(!all.contains("naïve"), "body in the trace");
    assert_eq!(outbox_len(&store, &account), 0);
    assert_eq!(
        folders::list(&store, &account.name, folders::SENT)
            .unwrap()
            .len(),
        1
    );

    for (user, token) in [(&them, &token), (&copy, &token)] {
        let got = fetch_matching(&stack, user, "INBOX", token, 1).await;
        assert_eq!(got.len(), 1, "{} got {} copies", user.address, got.len());
        let message = mail_parser::MessageParser::default()
            .parse(&got[0])
            .unwrap();
        assert_eq!(
            message.subject().unwrap(),
            format!("日本語の件名 — Grüße {token}")
        );
        let body = message.body_text(0).unwrap().replace("\r\n", "\n");
        assert!(
            body.contains("你好，世界。\nnaïve café\n.leading dot\n"),
            "{body:?}"
        );
        assert!(body.contains("-- \nSent by the test suite"), "{body:?}");
        assert!(message.header("Bcc").is_none());
        let attachment = message.attachment(0).expect("attachment");
        assert_eq!(attachment.attachment_name(), Some("data.bin"));
        assert_eq!(
            attachment.contents(),
            binary_blob().as_slice(),
            "attachment changed"
        );
    }
    let on_server = fetch_matching(&stack, &me, "Sent", &token, 1).await;
    assert_eq!(on_server.len(), 1, "no copy in the server's Sent");
}

use mail_parser::MimeHeaders;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_submission_round_trips_utf8_and_attachments() {
    round_trip(|s| s.submission_port, "starttls").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn implicit_tls_submission_round_trips_utf8_and_attachments() {
    round_trip(|s| s.smtps_port, "tls").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_recipients_are_reported_one_by_one() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, them) = (stack.claim_user(), stack.claim_user());
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let account = account(&stack, &me, stack.submission_port, "starttls", &me.password);
    let token = Mailstack::unique("refused");
    let nobody = format!("nobody-{}@example.test", std::process::id());

    // Everyone refused: nothing sent, the message stays in the Outbox.
    let mut draft = Identity::from_account(&account).new_draft();
    draft.to = nobody.clone();
    draft.subject = format!("all refused {token}");
    let (_, result, _) = send_draft(&store, &account, draft).await;
    let failure = result.expect_err("refused");
    assert_eq!(failure.refused.len(), 1);
    assert!(failure.refused[0].reply.starts_with('5'), "{failure:?}");
    assert!(failure.summary.contains(&nobody), "{}", failure.summary);
    assert_eq!(outbox_len(&store, &account), 1);

    // One of two refused: sent to the other, the refusal listed.
    let mut draft = Identity::from_account(&account).new_draft();
    draft.to = format!("{}, {nobody}", them.address);
    draft.subject = format!("partly refused {token}");
    let (_, result, _) = send_draft(&store, &account, draft).await;
    let sent = result.expect("sent to one");
    assert_eq!(sent.delivery.accepted, vec![them.address.clone()]);
    assert_eq!(sent.delivery.refused.len(), 1);
    assert_eq!(sent.delivery.refused[0].recipient, nobody);
    assert_eq!(
        fetch_matching(&stack, &them, "INBOX", &token, 1)
            .await
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_and_server_down_keep_the_message_until_a_retry() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, them) = (stack.claim_user(), stack.claim_user());
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let token = Mailstack::unique("retry");
    let wrong = account(
        &stack,
        &me,
        stack.submission_port,
        "starttls",
        "not-the-password",
    );
    let mut draft = Identity::from_account(&wrong).new_draft();
    draft.to = them.address.clone();
    draft.subject = format!("retry {token}");
    let (id, result, trace) = send_draft(&store, &wrong, draft).await;
    let failure = result.expect_err("wrong password");
    assert!(failure.summary.contains("535"), "{}", failure.summary);
    assert!(!trace.join("\n").contains("not-the-password"));
    assert_eq!(outbox_len(&store, &wrong), 1);

    // A closed port: connection refused, still queued.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    let down = account(&stack, &me, closed_port, "starttls", &me.password);
    let (sink, _) = trace_collector();
    let failure = send::send_queued(store.clone(), down, id, sink)
        .await
        .expect_err("down");
    assert!(failure.transient, "{failure:?}");
    assert!(
        failure.summary.contains("cannot connect"),
        "{}",
        failure.summary
    );
    assert_eq!(outbox_len(&store, &wrong), 1);

    let right = account(&stack, &me, stack.submission_port, "starttls", &me.password);
    let (sink, _) = trace_collector();
    send::send_queued(store.clone(), right.clone(), id, sink)
        .await
        .expect("retry");
    assert_eq!(outbox_len(&store, &right), 0);
    let got = fetch_matching(&stack, &them, "INBOX", &token, 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let again = fetch_matching(&stack, &them, "INBOX", &token, 1).await;
    assert_eq!((got.len(), again.len()), (1, 1), "arrived more than once");
}

/// A TCP proxy to `target` that hands each client chunk to `filter`
/// (client→server) and each server chunk to `rewrite` (server→client);
/// `filter` returns false to drop the connection. Everything the client
/// sent is recorded.
async fn proxy(
    target: (String, u16),
    filter: fn(&[u8]) -> bool,
    rewrite: fn(Vec<u8>) -> Vec<u8>,
) -> (u16, Arc<Mutex<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let server = TcpStream::connect((target.0.as_str(), target.1))
                .await
                .unwrap();
            let record = record.clone();
            tokio::spawn(async move {
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let up = async {
                    let mut buf = vec![0; 65536];
                    loop {
                        let n = cr.read(&mut buf).await.unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        let all = {
                            let mut r = record.lock().unwrap();
                            r.extend_from_slice(&buf[..n]);
                            r.clone()
                        };
                        if !filter(&all) {
                            return;
                        }
                        if sw.write_all(&buf[..n]).await.is_err() {
                            return;
                        }
                    }
                };
                let down = async {
                    let mut buf = vec![0; 65536];
                    loop {
                        let n = sr.read(&mut buf).await.unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        if cw.write_all(&rewrite(buf[..n].to_vec())).await.is_err() {
                            return;
                        }
                    }
                };
                // Whichever side ends first closes both.
                tokio::select! { () = up => {}, () = down => {} }
            });
        }
    });
    (port, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_starttls_sends_nothing_and_no_credentials() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let me = stack.claim_user();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let strip: fn(Vec<u8>) -> Vec<u8> = |bytes| {
        let text = String::from_utf8_lossy(&bytes).replace("250-STARTTLS\r\n", "");
        text.into_bytes()
    };
    let (port, seen) = proxy((stack.host.clone(), stack.submission_port), |_| true, strip).await;
    let account = account(&stack, &me, port, "starttls", &me.password);
    let mut draft = Identity::from_account(&account).new_draft();
    draft.to = me.address.clone();
    draft.subject = "never sent".into();
    let (_, result, trace) = send_draft(&store, &account, draft).await;
    let failure = result.expect_err("no STARTTLS");
    assert!(failure.summary.contains("STARTTLS"), "{}", failure.summary);
    let client = String::from_utf8_lossy(&seen.lock().unwrap()).to_string();
    assert!(
        !client.contains("AUTH") && !client.contains("MAIL FROM"),
        "{client}"
    );
    assert!(trace.join("\n").contains("does not offer STARTTLS"));
    assert_eq!(outbox_len(&store, &account), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_dropped_mid_data_keeps_the_message_and_a_retry_delivers_once() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, them) = (stack.claim_user(), stack.claim_user());
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    // Cut the connection once part of the message went through.
    let cut: fn(&[u8]) -> bool = |all| {
        let text = String::from_utf8_lossy(all);
        match text.find("DATA\r\n") {
            Some(at) => all.len() < at + 6 + 2000,
            None => true,
        }
    };
    let (port, _) = proxy((stack.host.clone(), stack.smtp_port), cut, |b| b).await;
    let mut flaky = account(&stack, &me, port, "none", &me.password);
    flaky.smtp.as_mut().unwrap().password_command = None;
    let token = Mailstack::unique("dropped");
    let file = dir.path().join("big.bin");
    std::fs::write(&file, binary_blob()).unwrap();
    let mut draft = Identity::from_account(&flaky).new_draft();
    draft.to = them.address.clone();
    draft.subject = format!("dropped {token}");
    draft
        .attachments
        .push(Attachment::from_path(&file).unwrap());
    let (id, result, _) = send_draft(&store, &flaky, draft).await;
    let failure = result.expect_err("dropped");
    assert_eq!(outbox_len(&store, &flaky), 1);

    let mut direct = account(&stack, &me, stack.smtp_port, "none", &me.password);
    direct.smtp.as_mut().unwrap().password_command = None;
    let (sink, _) = trace_collector();
    if failure.delivery_unknown {
        // The rest of the message, final dot included, fitted in the
        // socket's send buffer before the cut showed: from the client's
        // side the server may have it, so only an explicit resend goes.
        assert!(!failure.transient);
        let refused = send::send_queued(store.clone(), direct.clone(), id, sink.clone())
            .await
            .expect_err("not sent again on its own");
        assert!(refused.delivery_unknown, "{refused:?}");
        send::resend_unknown(store.clone(), direct.clone(), id, sink)
            .await
            .expect("resent by choice");
    } else {
        assert!(failure.transient, "{failure:?}");
        send::send_queued(store.clone(), direct.clone(), id, sink)
            .await
            .expect("retry");
    }
    let got = fetch_matching(&stack, &them, "INBOX", &token, 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Postfix delivers in well under a second; a duplicate would show by now.
    let again = fetch_matching(&stack, &them, "INBOX", &token, 1).await;
    assert_eq!((got.len(), again.len()), (1, 1));
    let message = mail_parser::MessageParser::default()
        .parse(&got[0])
        .unwrap();
    assert_eq!(
        message.attachment(0).unwrap().contents(),
        binary_blob().as_slice()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_carry_threading_headers_end_to_end() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, them) = (stack.claim_user(), stack.claim_user());
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mine = account(&stack, &me, stack.submission_port, "starttls", &me.password);
    let theirs = account(
        &stack,
        &them,
        stack.submission_port,
        "starttls",
        &them.password,
    );
    let token = Mailstack::unique("thread");
    let mut draft = Identity::from_account(&mine).new_draft();
    draft.to = them.address.clone();
    draft.subject = format!("question {token}");
    draft.body = "What time is it?\n".into();
    send_draft(&store, &mine, draft).await.1.expect("sent");
    let original = fetch_matching(&stack, &them, "INBOX", &token, 1)
        .await
        .remove(0);

    let answer = reply::reply(&original, &Identity::from_account(&theirs)).unwrap();
    assert_eq!(
        answer.to,
        format!("\"Test Sender\" <{}>", me.address).replace('"', "")
    );
    send_draft(&store, &theirs, answer)
        .await
        .1
        .expect("reply sent");
    let got = fetch_matching(&stack, &me, "INBOX", &token, 1)
        .await
        .remove(0);
    let parsed_original = mail_parser::MessageParser::default()
        .parse(&original)
        .unwrap();
    let parsed = mail_parser::MessageParser::default().parse(&got).unwrap();
    let id = parsed_original.message_id().unwrap();
    assert_eq!(parsed.in_reply_to().as_text(), Some(id));
    assert_eq!(parsed.subject().unwrap(), format!("Re: question {token}"));
    assert!(parsed.body_text(0).unwrap().contains("> What time is it?"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_are_saved_locally_and_replaced_on_the_server() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let me = stack.claim_user();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let account = account(&stack, &me, stack.submission_port, "starttls", &me.password);
    let token = Mailstack::unique("draft");
    let mut draft = Identity::from_account(&account).new_draft();
    draft.subject = format!("draft {token}");
    draft.bcc = "hidden@example.test".into();
    let (first, warning) = drafts::save_draft(store.clone(), account.clone(), draft.clone(), None)
        .await
        .unwrap();
    assert_eq!(warning, None);
    draft.body = format!("second version\n{}", draft.body);
    let (second, warning) = drafts::save_draft(store.clone(), account.clone(), draft, Some(first))
        .await
        .unwrap();
    assert_eq!(warning, None);
    let local = folders::list(&store, &account.name, folders::DRAFTS).unwrap();
    assert_eq!(local.iter().map(|e| e.id).collect::<Vec<_>>(), vec![second]);
    let reopened = reply::reopen(&folders::read(&store, second).unwrap(), "test").unwrap();
    assert_eq!(reopened.bcc, "hidden@example.test");
    assert!(reopened.body.starts_with("second version\n"));
    let on_server = fetch_matching(&stack, &me, "Drafts", &token, 1).await;
    assert_eq!(on_server.len(), 1, "old draft left on the server");
    assert!(String::from_utf8_lossy(&on_server[0]).contains("second version"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plaintext_injected_after_starttls_is_refused() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let me = stack.claim_user();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let inject: fn(Vec<u8>) -> Vec<u8> = |bytes| {
        String::from_utf8_lossy(&bytes)
            .replace(
                "Ready to start TLS\r\n",
                "Ready to start TLS\r\n250 injected\r\n",
            )
            .into_bytes()
    };
    let (port, seen) = proxy(
        (stack.host.clone(), stack.submission_port),
        |_| true,
        inject,
    )
    .await;
    let account = account(&stack, &me, port, "starttls", &me.password);
    let mut draft = Identity::from_account(&account).new_draft();
    draft.to = me.address.clone();
    draft.subject = "injected".into();
    let (_, result, _) = send_draft(&store, &account, draft).await;
    let failure = result.expect_err("injection must stop the send");
    assert!(failure.summary.contains("injection"), "{}", failure.summary);
    let client = String::from_utf8_lossy(&seen.lock().unwrap()).to_string();
    assert!(
        !client.contains("AUTH") && !client.contains("MAIL FROM"),
        "{client}"
    );
    assert_eq!(outbox_len(&store, &account), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sending_a_reopened_draft_removes_it_locally_and_on_the_server() {
    use wirepost::mail::compose::engine::{
        AccountConfig, ComposeCommand, ComposeEngine, ComposeEvent,
    };
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, them) = (stack.claim_user(), stack.claim_user());
    let dir = tempfile::tempdir().unwrap();
    let engine = ComposeEngine::new(dir.path().to_path_buf());
    let account = account(&stack, &me, stack.submission_port, "starttls", &me.password);
    let token = Mailstack::unique("redraft");
    let mut draft = Identity::from_account(&account).new_draft();
    draft.to = them.address.clone();
    draft.subject = format!("draft then send {token}");
    let (tx, mut rx) = wirepost::report::Reporter::channel(256);
    let mut next = async move || loop {
        if let wirepost::report::Report::Event(event) = rx.recv().await.expect("event") {
            return event;
        }
    };
    engine.dispatch(
        ComposeCommand::SaveDraft {
            account: AccountConfig(account.clone()),
            draft: draft.clone(),
            previous: None,
            for_form: true,
        },
        1,
        tx.clone(),
    );
    let ComposeEvent::DraftSaved {
        id, warning: None, ..
    } = next().await
    else {
        panic!("draft not saved");
    };
    assert_eq!(
        fetch_matching(&stack, &me, "Drafts", &token, 1).await.len(),
        1
    );

    engine.dispatch(
        ComposeCommand::Send {
            account: AccountConfig(account.clone()),
            draft,
            replaces: Some(id),
            protection: Default::default(),
        },
        2,
        tx,
    );
    loop {
        match next().await {
            ComposeEvent::SendFinished { outcome, .. } => {
                outcome.expect("sent");
                break;
            }
            ComposeEvent::Failed(e) => panic!("{e}"),
            _ => {}
        }
    }
    assert_eq!(
        fetch_matching(&stack, &them, "INBOX", &token, 1)
            .await
            .len(),
        1
    );
    let store = Store::open(dir.path()).unwrap();
    assert!(
        folders::list(&store, "test", folders::DRAFTS)
            .unwrap()
            .is_empty()
    );
    // The server copy is removed in the background: wait for it to go.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let mut session = imap_session(&stack, &me).await;
        session.select("Drafts").await.unwrap();
        let left = session
            .uid_search(format!("SUBJECT \"{token}\""))
            .await
            .unwrap();
        let _ = session.logout().await;
        if left.is_empty() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "draft still on the server"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
