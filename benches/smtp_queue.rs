//! A queue of messages through the real Postfix of `scripts/mailstack`
//! (submission, STARTTLS + AUTH PLAIN), all over one connection, in
//! interleaved rounds, each round printed and the median per message:
//!
//! - wirepost's `SmtpSession` (one login; MAIL FROM, RCPT TO and DATA
//!   pipelined; TCP_NODELAY) — the SMTP part of sending the Outbox;
//! - wirepost's `send_all_queued`, what `wirepost send --queued` and the
//!   Outbox's send-all run: the same connection plus the Outbox's crash
//!   safety (an fsynced "in flight" mark per message) and filing each
//!   message in the local Sent folder;
//! - a raw client: Python's smtplib on one connection (starttls, login,
//!   sendmail × N, quit), timed inside Python from connect to quit.
//!
//! Run: `MAILSTACK_PORT_BASE=13000 scripts/mailstack start /tmp/ms &&
//! source /tmp/ms/env && cargo bench --bench smtp_queue`
//! (`QUEUE_MESSAGES`, default 200, and `QUEUE_ROUNDS`, default 5).

use std::sync::Arc;
use std::time::{Duration, Instant};
use wirepost::config::{Config, Secret, Security};
use wirepost::mail::outbox::queue::send_all_queued;
use wirepost::mail::outbox::send::{self, ProgressSink};
use wirepost::mail::smtp::{Login, SmtpSession, SmtpSettings, TraceSink, envelope_of};
use wirepost::net::tls::TlsOptions;
use wirepost::store::Store;

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        eprintln!("{name} is not set: start scripts/mailstack and source its env");
        std::process::exit(2)
    })
}

fn number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Peer {
    host: String,
    port: u16,
    ca: String,
    user: String,
    pass: String,
}

/// A ~4 KB message, as in the single-message benchmark.
fn message(user: &str, tag: &str, n: usize) -> Vec<u8> {
    let body = "x".repeat(70) + "\r\n";
    format!(
        "From: {user}\r\nTo: {user}\r\nSubject: queue {tag} {n}\r\nMessage-ID: <q-{tag}-{n}-{}@example.test>\r\n\r\n{}",
        std::process::id(),
        body.repeat(60)
    )
    .into_bytes()
}

fn session(runtime: &tokio::runtime::Runtime, peer: &Peer, count: usize) -> Duration {
    let settings = SmtpSettings {
        host: peer.host.clone(),
        port: peer.port,
        security: Security::Starttls,
        tls: TlsOptions {
            extra_ca: Some(peer.ca.clone().into()),
            accept_invalid_certs: false,
            pin_file: None,
        },
        login: Login::Password {
            username: peer.user.clone(),
            password: Secret::new(peer.pass.clone()),
        },
    };
    let messages: Vec<Vec<u8>> = (0..count).map(|n| message(&peer.user, "s", n)).collect();
    let sink: TraceSink = Arc::new(|_| {});
    runtime.block_on(async {
        let start = Instant::now();
        let mut session = SmtpSession::open(&settings, sink).await.unwrap();
        for raw in &messages {
            let envelope = envelope_of(raw).unwrap();
            session.send(&envelope, raw, None).await.unwrap();
        }
        session.quit().await;
        start.elapsed()
    })
}

fn outbox(runtime: &tokio::runtime::Runtime, peer: &Peer, count: usize) -> Duration {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let text = format!(
        "[[accounts]]\nname = \"bench\"\nemail = \"{user}\"\n[accounts.smtp]\nhost = \"{host}\"\n\
         port = {port}\nsecurity = \"starttls\"\npassword_command = \"printf %s '{pass}'\"\n\
         ca_file = \"{ca}\"\n",
        user = peer.user,
        host = peer.host,
        port = peer.port,
        pass = peer.pass,
        ca = peer.ca,
    );
    let account = Config::parse(&text, std::path::Path::new("bench.toml"))
        .unwrap()
        .accounts[0]
        .clone();
    runtime.block_on(async {
        for n in 0..count {
            let raw = Arc::new(message(&peer.user, "o", n));
            send::queue(store.clone(), account.name.clone(), raw)
                .await
                .unwrap();
        }
        let progress: ProgressSink = Arc::new(|_| {});
        let start = Instant::now();
        let report = send_all_queued(store.clone(), account, progress)
            .await
            .unwrap();
        assert_eq!(report.sent.len(), count, "{:?}", report.failed);
        start.elapsed()
    })
}

fn python(peer: &Peer, count: usize) -> Duration {
    let script = format!(
        r#"
import smtplib, ssl, time
ctx = ssl.create_default_context(cafile={ca:?})
body = ("x" * 70 + "\r\n") * 60
start = time.perf_counter()
s = smtplib.SMTP({host:?}, {port})
s.starttls(context=ctx)
s.login({user:?}, {pass:?})
for n in range({count}):
    s.sendmail({user:?}, [{user:?}], "From: {user}\r\nTo: {user}\r\nSubject: py %d\r\n\r\n%s" % (n, body))
s.quit()
print(time.perf_counter() - start)
"#,
        ca = peer.ca,
        host = peer.host,
        port = peer.port,
        user = peer.user,
        pass = peer.pass,
    );
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seconds: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    Duration::from_secs_f64(seconds)
}

fn per_message_ms(elapsed: Duration, count: usize) -> f64 {
    elapsed.as_secs_f64() * 1000.0 / count as f64
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    // `cargo test --all-targets` runs bench binaries too (without
    // `--bench`); the measurement only runs under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let (user, pass) = {
        let pool = var("WIREPOST_TEST_POOL");
        let last = pool.split(',').next_back().unwrap().to_string();
        let (u, p) = last.split_once(':').unwrap();
        (u.to_string(), p.to_string())
    };
    let peer = Peer {
        host: var("WIREPOST_TEST_HOST"),
        port: var("WIREPOST_TEST_SUBMISSION_PORT").parse().unwrap(),
        ca: var("WIREPOST_TEST_CA"),
        user,
        pass,
    };
    let count = number("QUEUE_MESSAGES", 200);
    let rounds = number("QUEUE_ROUNDS", 5);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let names = [
        "wirepost SmtpSession (one connection, pipelined)",
        "wirepost send_all_queued (Outbox → Sent)",
        "Python smtplib (one connection)",
    ];
    let mut results = vec![Vec::new(); names.len()];
    for round in 1..=rounds {
        let times = [
            session(&runtime, &peer, count),
            outbox(&runtime, &peer, count),
            python(&peer, count),
        ];
        for (i, time) in times.into_iter().enumerate() {
            let per = per_message_ms(time, count);
            println!(
                "round {round}  {:<50} {count} messages  {:>6.3} s  {per:>6.3} ms/message",
                names[i],
                time.as_secs_f64()
            );
            results[i].push(per);
        }
    }
    for (name, values) in names.iter().zip(&mut results) {
        let rounds: Vec<String> = values.iter().map(|v| format!("{v:.3}")).collect();
        let middle = median(values);
        println!(
            "median  {name:<50} {middle:>6.3} ms/message  (rounds: {})",
            rounds.join(", ")
        );
    }
}
