//! Per-message submission latency against the real Postfix of
//! `scripts/mailstack` (STARTTLS + AUTH PLAIN on the submission port, one
//! connection per message, as a mail client sends):
//!
//! - wirepost: `mail::smtp::submit` (lettre's connection on a socket with
//!   TCP_NODELAY, rustls with the test CA);
//! - lettre's own `AsyncSmtpTransport` (what a Rust program gets by default);
//! - Python's smtplib (the classic "ask for From, password, To, server;
//!   starttls; login; sendmail" script).
//!
//! Run: `MAILSTACK_PORT_BASE=13000 scripts/mailstack start /tmp/ms &&
//! source /tmp/ms/env && cargo bench --bench smtp_submit`

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wirepost::config::{Secret, Security};
use wirepost::mail::smtp::{Login, SmtpSettings, TraceSink, envelope_of, submit};
use wirepost::net::tls::TlsOptions;

const MESSAGES: usize = 100;

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        eprintln!("{name} is not set: start scripts/mailstack and source its env");
        std::process::exit(2)
    })
}

fn message(from: &str, to: &str, n: usize) -> Vec<u8> {
    let body = "x".repeat(70) + "\r\n";
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: bench {n}\r\nMessage-ID: <bench-{n}-{}@example.test>\r\n\r\n{}",
        std::process::id(),
        body.repeat(60)
    )
    .into_bytes()
}

fn report(name: &str, elapsed: Duration) {
    let per = elapsed.as_secs_f64() * 1000.0 / MESSAGES as f64;
    println!(
        "{name:<40} {MESSAGES} messages  {:>7.2} s  {per:>7.2} ms/message",
        elapsed.as_secs_f64()
    );
}

fn main() {
    // `cargo test --all-targets` runs bench binaries too (without
    // `--bench`); the measurement only runs under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let host = var("WIREPOST_TEST_HOST");
    let port: u16 = var("WIREPOST_TEST_SUBMISSION_PORT").parse().unwrap();
    let ca = var("WIREPOST_TEST_CA");
    let (user, pass) = {
        let pool = var("WIREPOST_TEST_POOL");
        let last = pool.split(',').next_back().unwrap().to_string();
        let (u, p) = last.split_once(':').unwrap();
        (u.to_string(), p.to_string())
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();

    let settings = SmtpSettings {
        host: host.clone(),
        port,
        security: Security::Starttls,
        tls: TlsOptions {
            extra_ca: Some(ca.clone().into()),
            accept_invalid_certs: false,
            pin_file: None,
        },
        login: Login::Password {
            username: user.clone(),
            password: Secret::new(pass.clone()),
        },
    };
    let sink: TraceSink = Arc::new(|_| {});
    let start = Instant::now();
    runtime.block_on(async {
        for n in 0..MESSAGES {
            let raw = message(&user, &user, n);
            let envelope = envelope_of(&raw).unwrap();
            submit(&settings, &envelope, &raw, sink.clone())
                .await
                .unwrap();
        }
    });
    report("wirepost (NODELAY, QUICKACK)", start.elapsed());

    let pem = std::fs::read(&ca).unwrap();
    let tls = TlsParameters::builder(host.clone())
        .certificate_store(CertificateStore::None)
        .add_root_certificate(Certificate::from_pem(&pem).unwrap())
        .build_rustls()
        .unwrap();
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
        .port(port)
        .tls(Tls::Required(tls))
        .credentials(Credentials::new(user.clone(), pass.clone()))
        .build();
    let start = Instant::now();
    runtime.block_on(async {
        for n in 0..MESSAGES {
            let raw = message(&user, &user, n);
            let envelope = envelope_of(&raw).unwrap();
            transport.send_raw(&envelope, &raw).await.unwrap();
        }
    });
    report("lettre AsyncSmtpTransport", start.elapsed());

    let script = format!(
        r#"
import smtplib, ssl, sys
ctx = ssl.create_default_context(cafile={ca:?})
body = ("x" * 70 + "\r\n") * 60
for n in range({MESSAGES}):
    s = smtplib.SMTP({host:?}, {port})
    s.starttls(context=ctx)
    s.login({user:?}, {pass:?})
    s.sendmail({user:?}, [{user:?}], "From: {user}\r\nTo: {user}\r\nSubject: py %d\r\n\r\n%s" % (n, body))
    s.quit()
"#
    );
    let start = Instant::now();
    let status = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .status()
        .expect("python3");
    assert!(status.success());
    report("Python smtplib", start.elapsed());
}
