//! IMAP connection and login against real Dovecot, and against tiny fake
//! servers for what Dovecot on loopback never does (strip STARTTLS).

mod common;

use common::mailstack::Mailstack;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use wirepost::config::{AuthMethod, DeleteMode, SecretSource, Security};
use wirepost::mail::imap::Credentials;
use wirepost::mail::imap::{ConnectOptions, ImapError, TraceSink, connect, list_folders};
use wirepost::net::tls::TlsOptions;

fn options(stack: &Mailstack, user: &str, pass: &str, security: Security) -> ConnectOptions {
    ConnectOptions {
        host: stack.host.clone(),
        port: if security == Security::Tls {
            stack.imaps_port
        } else {
            stack.imap_port
        },
        security,
        tls: TlsOptions {
            extra_ca: Some(stack.ca.clone()),
            accept_invalid_certs: false,
            pin_file: None,
        },
        username: user.to_string(),
        auth: AuthMethod::Auto,
        credentials: Credentials {
            password: Some(SecretSource::Command(format!("printf '%s\\n' '{pass}'"))),
            oauth2_token: None,
        },
        delete: DeleteMode::Trash,
    }
}

fn trace_text(sink: &TraceSink) -> String {
    sink.take()
        .into_iter()
        .map(|l| format!("{:?} {}\n", l.dir, l.text))
        .collect()
}

#[tokio::test]
async fn implicit_tls_login_lists_folders_and_masks_the_trace() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    for method in [AuthMethod::Auto, AuthMethod::Login, AuthMethod::Plain] {
        let sink = TraceSink::new();
        let mut opts = options(&stack, &user.address, &user.password, Security::Tls);
        opts.auth = method;
        let mut connected = connect(&opts, Some(sink.clone())).await.expect("login");
        let folders = list_folders(&mut connected.session).await.unwrap();
        assert_eq!(folders[0].name, "INBOX");
        connected.session.logout().await.unwrap();
        let trace = trace_text(&sink);
        assert!(trace.contains("LIST"), "{trace}");
        assert!(
            !trace.contains(&user.password),
            "password in trace:\n{trace}"
        );
        assert!(
            trace.contains("LOGIN ***") || trace.contains("AUTHENTICATE PLAIN"),
            "{trace}"
        );
    }
}

#[tokio::test]
async fn starttls_login_works_and_special_use_folders_are_found() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    let sink = TraceSink::new();
    let opts = options(&stack, &user.address, &user.password, Security::Starttls);
    let mut connected = connect(&opts, Some(sink.clone())).await.expect("login");
    let folders = list_folders(&mut connected.session).await.unwrap();
    assert!(!folders.is_empty());
    let trace = trace_text(&sink);
    let starttls = trace
        .find("STARTTLS: encryption is up")
        .expect("starttls note");
    let login = trace
        .find("LOGIN ***")
        .or(trace.find("AUTHENTICATE"))
        .expect("login");
    assert!(starttls < login, "credentials sent before TLS:\n{trace}");
}

#[tokio::test]
async fn wrong_password_is_an_auth_error() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    let opts = options(&stack, &user.address, "not-the-password", Security::Tls);
    let err = connect(&opts, None).await.err().expect("must fail");
    assert!(matches!(err, ImapError::Auth(_)), "{err:?}");
    assert!(err.to_string().starts_with("login failed"), "{err}");
    assert!(!err.is_transient());
}

#[tokio::test]
async fn an_untrusted_certificate_fails_before_any_credential_is_sent() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    let sink = TraceSink::new();
    let mut opts = options(&stack, &user.address, &user.password, Security::Tls);
    opts.tls.extra_ca = None;
    let err = connect(&opts, Some(sink.clone()))
        .await
        .err()
        .expect("must fail");
    assert!(matches!(err, ImapError::Tls(_)), "{err:?}");
    assert!(err.to_string().contains("certificate"), "{err}");
    let trace = trace_text(&sink);
    assert!(
        !trace.contains("LOGIN") && !trace.contains("AUTHENTICATE"),
        "{trace}"
    );
    // Also through STARTTLS.
    let mut opts = options(&stack, &user.address, &user.password, Security::Starttls);
    opts.tls.extra_ca = None;
    let err = connect(&opts, None).await.err().expect("must fail");
    assert!(matches!(err, ImapError::Tls(_)), "{err:?}");
}

#[tokio::test]
async fn unreachable_host_is_reported_as_such() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let opts = fake_options(port, Security::Tls, AuthMethod::Auto);
    let err = connect(&opts, None).await.err().expect("must fail");
    assert!(matches!(err, ImapError::Unreachable(_)), "{err:?}");
    assert!(err.is_transient());
}

fn fake_options(port: u16, security: Security, auth: AuthMethod) -> ConnectOptions {
    ConnectOptions {
        host: "127.0.0.1".into(),
        port,
        security,
        tls: TlsOptions::default(),
        username: "me@example.test".into(),
        auth,
        credentials: Credentials {
            password: Some(SecretSource::Command("echo s3cret-pass".into())),
            oauth2_token: Some(SecretSource::Command("echo tok3n".into())),
        },
        delete: DeleteMode::Trash,
    }
}

/// A scripted server: sends the greeting, answers each tagged command with
/// the first reply whose key the command contains, and records what the
/// client sent.
async fn fake_server(
    greeting: &'static str,
    replies: Vec<(&'static str, &'static str)>,
) -> (u16, Arc<Mutex<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(String::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(greeting.as_bytes()).await.unwrap();
        while let Ok(Some(line)) = lines.next_line().await {
            record.lock().unwrap().push_str(&format!("{line}\n"));
            let tag = line.split(' ').next().unwrap_or("*").to_string();
            let reply = replies
                .iter()
                .find(|(key, _)| line.to_ascii_uppercase().contains(key))
                .map(|(_, r)| r.replace("TAG", &tag))
                .unwrap_or_else(|| format!("{tag} BAD unknown\r\n"));
            if write.write_all(reply.as_bytes()).await.is_err() {
                break;
            }
        }
    });
    (port, seen)
}

#[tokio::test]
async fn starttls_not_offered_means_no_login_at_all() {
    let (port, seen) = fake_server(
        "* OK fake ready\r\n",
        vec![
            (
                "CAPABILITY",
                "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nTAG OK done\r\n",
            ),
            ("LOGIN", "TAG OK logged in\r\n"),
            ("AUTHENTICATE", "TAG OK logged in\r\n"),
        ],
    )
    .await;
    let opts = fake_options(port, Security::Starttls, AuthMethod::Auto);
    let err = connect(&opts, None).await.err().expect("must refuse");
    assert!(matches!(err, ImapError::Starttls(_)), "{err:?}");
    assert!(err.to_string().contains("does not offer STARTTLS"), "{err}");
    let seen = seen.lock().unwrap().clone();
    assert!(
        !seen.contains("LOGIN") && !seen.contains("AUTHENTICATE"),
        "{seen}"
    );
    assert!(!seen.contains("s3cret"), "{seen}");
}

#[tokio::test]
async fn starttls_refused_means_no_login_at_all() {
    let (port, seen) = fake_server(
        "* OK fake ready\r\n",
        vec![
            (
                "CAPABILITY",
                "* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\nTAG OK done\r\n",
            ),
            ("STARTTLS", "TAG NO TLS is broken today\r\n"),
            ("LOGIN", "TAG OK logged in\r\n"),
        ],
    )
    .await;
    let opts = fake_options(port, Security::Starttls, AuthMethod::Login);
    let err = connect(&opts, None).await.err().expect("must refuse");
    assert!(matches!(err, ImapError::Starttls(_)), "{err:?}");
    assert!(err.to_string().contains("TLS is broken today"), "{err}");
    let seen = seen.lock().unwrap().clone();
    assert!(
        !seen.contains("LOGIN") && !seen.contains("s3cret"),
        "{seen}"
    );
}

#[tokio::test]
async fn logindisabled_is_respected() {
    let (port, seen) = fake_server(
        "* OK fake ready\r\n",
        vec![(
            "CAPABILITY",
            "* CAPABILITY IMAP4rev1 LOGINDISABLED\r\nTAG OK done\r\n",
        )],
    )
    .await;
    let opts = fake_options(port, Security::None, AuthMethod::Login);
    let err = connect(&opts, None).await.err().expect("must refuse");
    assert!(matches!(err, ImapError::Auth(_)), "{err:?}");
    assert!(!seen.lock().unwrap().contains("s3cret"));
}

#[tokio::test]
async fn xoauth2_sends_the_token_from_the_command() {
    use base64::Engine as _;
    let (port, seen) = fake_server(
        "* OK fake ready\r\n",
        vec![
            (
                "CAPABILITY",
                "* CAPABILITY IMAP4rev1 AUTH=XOAUTH2 IDLE\r\nTAG OK done\r\n",
            ),
            ("AUTHENTICATE XOAUTH2", "+ \r\n"),
            ("DXNLCJ1", "A0001 OK welcome\r\n"),
        ],
    )
    .await;
    let opts = fake_options(port, Security::None, AuthMethod::Auto);
    let connected = connect(&opts, None).await;
    let seen = seen.lock().unwrap().clone();
    let answer = seen.lines().nth(2).expect("a SASL answer");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(answer.trim())
        .unwrap();
    assert_eq!(
        decoded,
        b"user=me@example.test\x01auth=Bearer tok3n\x01\x01"
    );
    // The fake server does not answer the CAPABILITY after login usefully.
    drop(connected);
}
