//! The whole Outbox goes out over one SMTP connection to the real Postfix:
//! one login, MAIL FROM / RCPT TO / DATA pipelined, a refused message in
//! the middle reported without stopping the rest, and every other message
//! delivered once.

mod common;

use common::mailstack::{Mailstack, TestUser};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wirepost::config::{Account, Config};
use wirepost::mail::folders;
use wirepost::mail::outbox::queue::send_all_queued;
use wirepost::mail::outbox::send::{self, Progress, ProgressSink};
use wirepost::store::Store;

fn account(stack: &Mailstack, user: &TestUser) -> Account {
    let text = format!(
        "[[accounts]]\nname = \"queue\"\nemail = \"{email}\"\n[accounts.smtp]\nhost = \"{host}\"\n\
         port = {port}\nsecurity = \"starttls\"\npassword_command = \"printf %s '{password}'\"\n\
         ca_file = \"{ca}\"\n",
        email = user.address,
        host = stack.host,
        port = stack.submission_port,
        password = user.password,
        ca = stack.ca.display(),
    );
    let config = Config::parse(&text, std::path::Path::new("test.toml")).expect("config");
    config.accounts[0].clone()
}

fn message(from: &str, to: &str, subject: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{subject}@example.test>\r\n\r\nbody of {subject}\r\n"
    )
    .into_bytes()
}

/// Messages in `user`'s server INBOX whose text contains `token`, waiting
/// up to 30 s for `want` of them.
fn delivered(stack: &Mailstack, user: &TestUser, token: &str, want: usize) -> usize {
    let root = stack.state.join("mail").join(&user.address).join("Maildir");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let found = ["new", "cur"]
            .iter()
            .filter_map(|sub| std::fs::read_dir(root.join(sub)).ok())
            .flatten()
            .filter_map(|e| std::fs::read(e.ok()?.path()).ok())
            .filter(|raw| String::from_utf8_lossy(raw).contains(token))
            .count();
        if found >= want || std::time::Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_goes_out_over_one_pipelined_connection() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, them) = (stack.claim_user(), stack.claim_user());
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let account = account(&stack, &me);
    let token = Mailstack::unique("queue");
    let nobody = format!("nobody-{}@example.test", std::process::id());
    for n in 0..6 {
        let to = if n == 3 {
            nobody.as_str()
        } else {
            them.address.as_str()
        };
        let raw = message(&me.address, to, &format!("{token}-{n}"));
        send::queue(store.clone(), account.name.clone(), Arc::new(raw))
            .await
            .expect("queued");
    }
    let lines = Arc::new(Mutex::new(Vec::new()));
    let out = lines.clone();
    let progress: ProgressSink = Arc::new(move |p| {
        if let Progress::Trace(line) = p {
            out.lock().unwrap().push(line.display());
        }
    });
    let report = send_all_queued(store.clone(), account.clone(), progress)
        .await
        .expect("sent");
    assert_eq!(report.sent.len(), 5, "{report:?}");
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert_eq!(report.failed[0].1.refused[0].recipient, nobody);
    let left = folders::list(&store, &account.name, folders::OUTBOX).unwrap();
    assert_eq!(left.len(), 1, "the refused message stays in the Outbox");

    let trace = lines.lock().unwrap().clone();
    let logins = trace.iter().filter(|l| l.starts_with("C: AUTH")).count();
    // One login for the first three, one more after the refusal.
    assert_eq!(logins, 2, "{trace:#?}");
    // Pipelined: MAIL FROM, RCPT TO and DATA go out before any reply.
    let at = trace
        .iter()
        .position(|l| l.starts_with("C: MAIL FROM"))
        .unwrap();
    assert!(trace[at + 1].starts_with("C: RCPT TO"), "{trace:#?}");
    assert_eq!(trace[at + 2], "C: DATA", "{trace:#?}");
    assert!(
        !trace.iter().any(|l| l.contains("body of")),
        "the message is never traced"
    );
    assert_eq!(delivered(&stack, &them, &token, 5), 5);
}
