//! The whole mail path against real servers: submit through Postfix with
//! STARTTLS + AUTH, then read the very same bytes back from Dovecot over
//! IMAP (IMAPS and STARTTLS) and POP3 (POP3S).

mod common;

use async_imap::Client as ImapClient;
use common::mailstack::Mailstack;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use wirepost::net::tls::{TlsOptions, client_config, server_name};

async fn tls_connect(stack: &Mailstack, stream: TcpStream) -> TlsStream<TcpStream> {
    let config = client_config(&TlsOptions {
        extra_ca: Some(stack.ca.clone()),
        accept_invalid_certs: false,
        pin_file: None,
    })
    .unwrap();
    TlsConnector::from(config)
        .connect(server_name("localhost").unwrap(), stream)
        .await
        .expect("TLS handshake with the test CA")
}

async fn submit(stack: &Mailstack, message: &Message) {
    let ca = std::fs::read(&stack.ca).unwrap();
    let tls = TlsParameters::builder("localhost".into())
        .certificate_store(CertificateStore::None)
        .add_root_certificate(Certificate::from_pem(&ca).unwrap())
        .build_rustls()
        .unwrap();
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&stack.host)
        .port(stack.submission_port)
        .tls(Tls::Required(tls))
        .credentials(Credentials::new(stack.user1.clone(), stack.pass1.clone()))
        .timeout(Some(Duration::from_secs(20)))
        .build();
    let response = transport.send(message.clone()).await.expect("submission");
    assert!(response.is_positive(), "{response:?}");
}

/// Logs in over IMAP (already wrapped in TLS), waits for the message with
/// `message_id` to arrive in INBOX and returns its raw bytes.
async fn imap_fetch<S>(stack: &Mailstack, client: ImapClient<S>, message_id: &str) -> Vec<u8>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    use futures::TryStreamExt;
    let mut session = client
        .login(&stack.user2, &stack.pass2)
        .await
        .map_err(|(e, _)| e)
        .expect("IMAP login");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        session.select("INBOX").await.unwrap();
        let uids = session
            .uid_search(format!("HEADER Message-ID \"{message_id}\""))
            .await
            .unwrap();
        if let Some(uid) = uids.into_iter().next() {
            let fetches: Vec<_> = session
                .uid_fetch(uid.to_string(), "BODY.PEEK[]")
                .await
                .unwrap()
                .try_collect()
                .await
                .unwrap();
            let body = fetches[0].body().expect("body").to_vec();
            session.logout().await.unwrap();
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "message never arrived in INBOX"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// POP3 over TLS: finds the message by its Message-ID with TOP and returns
/// RETR's bytes, dot-unstuffed, CRLF kept.
async fn pop3_fetch(stack: &Mailstack, message_id: &str) -> Vec<u8> {
    let tcp = TcpStream::connect((stack.host.as_str(), stack.pop3s_port))
        .await
        .unwrap();
    let mut conn = BufReader::new(tls_connect(stack, tcp).await);
    expect_ok(&mut conn).await;
    command(&mut conn, &format!("USER {}", stack.user2)).await;
    command(&mut conn, &format!("PASS {}", stack.pass2)).await;
    let stat = command(&mut conn, "STAT").await;
    let count: usize = stat.split_whitespace().nth(1).unwrap().parse().unwrap();
    for n in (1..=count).rev() {
        command(&mut conn, &format!("RETR {n}")).await;
        let message = read_multiline(&mut conn).await;
        if String::from_utf8_lossy(&message).contains(message_id) {
            command(&mut conn, "QUIT").await;
            return message;
        }
    }
    panic!("message not found over POP3");
}

async fn command<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    conn: &mut BufReader<S>,
    line: &str,
) -> String {
    conn.get_mut()
        .write_all(format!("{line}\r\n").as_bytes())
        .await
        .unwrap();
    conn.get_mut().flush().await.unwrap();
    expect_ok(conn).await
}

async fn expect_ok<S: tokio::io::AsyncRead + Unpin>(conn: &mut BufReader<S>) -> String {
    let mut line = String::new();
    conn.read_line(&mut line).await.unwrap();
    assert!(line.starts_with("+OK"), "POP3 said: {line}");
    line
}

async fn read_multiline<S: tokio::io::AsyncRead + Unpin>(conn: &mut BufReader<S>) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let mut line = Vec::new();
        conn.read_until(b'\n', &mut line).await.unwrap();
        if line == b".\r\n" {
            return out;
        }
        let unstuffed = if line.starts_with(b"..") {
            &line[1..]
        } else {
            &line[..]
        };
        out.extend_from_slice(unstuffed);
    }
}

fn test_message(stack: &Mailstack, message_id: &str) -> Message {
    Message::builder()
        .from(stack.user1.parse().unwrap())
        .to(stack.user2.parse().unwrap())
        .subject("Grüße — 你好 round trip")
        .message_id(Some(message_id.to_string()))
        .header(ContentType::TEXT_PLAIN)
        .body(String::from(
            "First line.\r\n.a line that starts with a dot\r\n..two dots\r\nLast line: naïve café.",
        ))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submitted_mail_reads_back_identically_over_imap_and_pop3() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let message_id = format!("<{}@wirepost.test>", Mailstack::unique("roundtrip"));
    let message = test_message(&stack, &message_id);
    // SMTP ends the data with CRLF "." CRLF; the first CRLF ends the last
    // line, so a body without a final line break is stored with one.
    let mut sent = message.formatted();
    sent.extend_from_slice(b"\r\n");
    submit(&stack, &message).await;

    // IMAPS.
    let tcp = TcpStream::connect((stack.host.as_str(), stack.imaps_port))
        .await
        .unwrap();
    let mut client = ImapClient::new(tls_connect(&stack, tcp).await);
    client
        .read_response()
        .await
        .unwrap()
        .expect("IMAP greeting");
    let via_imaps = imap_fetch(&stack, client, &message_id).await;

    // IMAP with STARTTLS on the plain port: upgrade, then log in.
    let tcp = TcpStream::connect((stack.host.as_str(), stack.imap_port))
        .await
        .unwrap();
    let mut plain = ImapClient::new(tcp);
    plain.read_response().await.unwrap().expect("IMAP greeting");
    plain
        .run_command_and_check_ok("STARTTLS", None)
        .await
        .expect("STARTTLS accepted");
    let tls = tls_connect(&stack, plain.into_inner()).await;
    let via_starttls = imap_fetch(&stack, ImapClient::new(tls), &message_id).await;

    let via_pop3 = pop3_fetch(&stack, &message_id).await;

    // The servers prepend trace headers (Return-Path, Received, ...); what
    // was submitted must follow them unchanged, to the byte.
    assert!(
        via_imaps.ends_with(&sent),
        "IMAP copy differs from what was sent:\n--- sent\n{}\n--- got\n{}",
        String::from_utf8_lossy(&sent),
        String::from_utf8_lossy(&via_imaps)
    );
    assert_eq!(via_imaps, via_starttls);
    assert_eq!(via_imaps, via_pop3, "POP3 and IMAP disagree");
    let text = String::from_utf8_lossy(&via_pop3);
    assert!(text.contains("\r\n.a line that starts with a dot\r\n"));
    assert!(text.contains("\r\n..two dots\r\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submission_refuses_auth_without_tls() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    // Postfix must not offer AUTH before STARTTLS on the submission port.
    let mut tcp = BufReader::new(
        TcpStream::connect((stack.host.as_str(), stack.submission_port))
            .await
            .unwrap(),
    );
    let mut greeting = String::new();
    tcp.read_line(&mut greeting).await.unwrap();
    assert!(greeting.starts_with("220"), "{greeting}");
    tcp.get_mut().write_all(b"EHLO test\r\n").await.unwrap();
    let mut ehlo = String::new();
    loop {
        let mut line = String::new();
        tcp.read_line(&mut line).await.unwrap();
        ehlo.push_str(&line);
        if line.len() < 4 || line.as_bytes()[3] == b' ' {
            break;
        }
    }
    assert!(ehlo.contains("STARTTLS"), "{ehlo}");
    assert!(!ehlo.contains("AUTH"), "AUTH offered in plaintext:\n{ehlo}");
    let mut rest = Vec::new();
    tcp.get_mut().write_all(b"QUIT\r\n").await.unwrap();
    let _ = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut rest)).await;
}
