//! XOAUTH2 and OAUTHBEARER against the real Dovecot and Postfix. The
//! stack's oauth2 passdb asks a local token endpoint (RFC 7662 token
//! introspection) about every token, so a login here proves that the token
//! `oauth2_token_command` printed reached a real server in the form it
//! expects, over IMAP (STARTTLS and implicit TLS) and SMTP submission
//! (Postfix hands XOAUTH2 to Dovecot's SASL). Refused tokens must give a
//! plain login error and never show up in an error, a trace or a log.

mod common;

use base64::Engine as _;
use common::mailstack::{Mailstack, TestUser};
use common::pty::temp_config;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use wirepost::config::{Account, AuthMethod, Config, Security};
use wirepost::mail::imap::{
    ConnectOptions, FolderChoice, ImapError, TraceSink, connect, sync_account,
};
use wirepost::mail::smtp::{self, SmtpSettings};
use wirepost::store::Store;

const TOKEN_VAR: &str = "WIREPOST_TOKEN_UNDER_TEST";

/// An account for `user` whose IMAP server is Dovecot over `security`
/// with `auth`, and whose SMTP server is Postfix submission (STARTTLS);
/// both get their token from `token_command`, as a user configures it.
fn oauth_account(
    stack: &Mailstack,
    user: &str,
    security: Security,
    auth: &str,
    token_command: &str,
) -> Account {
    let (port, security) = match security {
        Security::Tls => (stack.imaps_port, "tls"),
        _ => (stack.imap_port, "starttls"),
    };
    let text = account_toml(stack, user, port, security, auth, token_command);
    let config = Config::parse(&text, Path::new("test.toml")).expect("config");
    config.accounts[0].clone()
}

fn account_toml(
    stack: &Mailstack,
    user: &str,
    imap_port: u16,
    security: &str,
    auth: &str,
    token_command: &str,
) -> String {
    format!(
        r#"
[[accounts]]
name = "oauth"
email = "{user}"
[accounts.imap]
host = "{host}"
port = {imap_port}
security = "{security}"
auth = "{auth}"
oauth2_token_command = "{token_command}"
ca_file = "{ca}"
[accounts.smtp]
host = "{host}"
port = {submission}
security = "starttls"
auth = "xoauth2"
oauth2_token_command = "{token_command}"
ca_file = "{ca}"
"#,
        host = stack.host,
        ca = stack.ca.display(),
        submission = stack.submission_port,
    )
}

fn imap_options(account: &Account) -> ConnectOptions {
    ConnectOptions::for_account(account).expect("an IMAP server")
}

fn trace_text(sink: &TraceSink) -> String {
    sink.take()
        .into_iter()
        .map(|l| format!("{:?} {}\n", l.dir, l.text))
        .collect()
}

/// The token and every encoding of it a SASL exchange would carry, each
/// without base64 padding (a log line may cut it off).
fn token_forms(user: &str, token: &str, stack: &Mailstack) -> Vec<(String, String)> {
    let b64 = |raw: String| {
        base64::engine::general_purpose::STANDARD
            .encode(raw)
            .trim_end_matches('=')
            .to_string()
    };
    let mut forms = vec![("token".to_string(), token.to_string())];
    forms.push((
        "base64 XOAUTH2".into(),
        b64(format!("user={user}\x01auth=Bearer {token}\x01\x01")),
    ));
    for port in [stack.imap_port, stack.imaps_port] {
        forms.push((
            format!("base64 OAUTHBEARER (port {port})"),
            b64(format!(
                "n,a={user},\x01host={}\x01port={port}\x01auth=Bearer {token}\x01\x01",
                stack.host
            )),
        ));
    }
    forms
}

fn assert_no_token(text: &str, forms: &[(String, String)], place: &str) {
    for (name, form) in forms {
        assert!(!text.contains(form.as_str()), "the {name} is in {place}");
    }
}

/// Logs in with `user`'s token through `oauth2_token_command`, checks the
/// mechanism used and that TLS came first, then syncs INBOX (seeded with
/// two messages) into a fresh store.
async fn token_login_syncs_inbox(security: Security, auth: &str, mechanism: &str) {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    stack.seed(&user.address, 2, 3_000);
    let token = stack.oauth_token(&user.address);
    let account = oauth_account(
        &stack,
        &user.address,
        security,
        auth,
        &format!("printf %s {token}"),
    );
    let opts = imap_options(&account);
    assert_eq!(opts.credentials.password, None);

    let sink = TraceSink::new();
    let mut connected = connect(&opts, Some(sink.clone())).await.expect("login");
    let inbox = connected.session.select("INBOX").await.expect("SELECT");
    assert_eq!(inbox.exists, 2);
    connected.session.logout().await.unwrap();
    let trace = trace_text(&sink);
    let login = trace
        .find(&format!("AUTHENTICATE {mechanism}"))
        .unwrap_or_else(|| panic!("no AUTHENTICATE {mechanism} in:\n{trace}"));
    if security == Security::Starttls {
        let tls = trace
            .find("STARTTLS: encryption is up")
            .expect("starttls note");
        assert!(tls < login, "token sent before TLS:\n{trace}");
    }
    assert!(trace.contains("*** (authentication data)"), "{trace}");
    assert_no_token(
        &trace,
        &token_forms(&user.address, &token, &stack),
        "the trace",
    );
    // Dovecot asked the token endpoint, which knew the token as this user's.
    assert!(
        stack
            .oauth_log()
            .contains(&format!("active token of {}", user.address)),
        "{}",
        stack.oauth_log()
    );

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let reports = sync_account(
        &opts,
        &store,
        "oauth",
        &FolderChoice::One("INBOX".into()),
        None,
        &mut |_| {},
    )
    .await
    .expect("sync");
    let inbox = reports.iter().find(|r| r.folder == "INBOX").expect("INBOX");
    assert_eq!(inbox.fetched, 2, "{reports:?}");
}

#[tokio::test]
async fn xoauth2_over_starttls_syncs_inbox() {
    token_login_syncs_inbox(Security::Starttls, "xoauth2", "XOAUTH2").await;
}

#[tokio::test]
async fn xoauth2_over_implicit_tls_syncs_inbox() {
    token_login_syncs_inbox(Security::Tls, "xoauth2", "XOAUTH2").await;
}

#[tokio::test]
async fn oauthbearer_over_starttls_syncs_inbox() {
    token_login_syncs_inbox(Security::Starttls, "oauthbearer", "OAUTHBEARER").await;
}

#[tokio::test]
async fn oauthbearer_over_implicit_tls_syncs_inbox() {
    token_login_syncs_inbox(Security::Tls, "oauthbearer", "OAUTHBEARER").await;
}

#[tokio::test]
async fn auto_with_a_token_command_picks_xoauth2() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    let token = stack.oauth_token(&user.address);
    let account = oauth_account(
        &stack,
        &user.address,
        Security::Tls,
        "auto",
        &format!("printf %s {token}"),
    );
    let opts = imap_options(&account);
    assert_eq!(opts.auth, AuthMethod::Auto);
    let sink = TraceSink::new();
    let mut connected = connect(&opts, Some(sink.clone())).await.expect("login");
    connected.session.select("INBOX").await.expect("SELECT");
    connected.session.logout().await.unwrap();
    let trace = trace_text(&sink);
    assert!(trace.contains("AUTHENTICATE XOAUTH2"), "{trace}");
}

/// An expired token, a token the server never issued and another user's
/// valid token: each is a login error the user must fix (not a network
/// error to retry), and the token is in neither the error nor the trace.
#[tokio::test]
async fn refused_tokens_are_login_errors_without_the_token() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, other) = (stack.claim_user(), stack.claim_user());
    let cases = [
        ("expired", stack.expired_oauth_token(&me.address)),
        ("unknown", Mailstack::unique("never-issued")),
        ("another user's", stack.oauth_token(&other.address)),
    ];
    // Each refusal takes Dovecot ~0.5 s: try them all at once.
    let mut attempts = Vec::new();
    for (what, token) in &cases {
        for (security, auth) in [
            (Security::Tls, "xoauth2"),
            (Security::Starttls, "oauthbearer"),
        ] {
            let account = oauth_account(
                &stack,
                &me.address,
                security,
                auth,
                &format!("printf %s {token}"),
            );
            let opts = imap_options(&account);
            attempts.push(async move {
                let sink = TraceSink::new();
                let result = connect(&opts, Some(sink.clone())).await;
                (what, token, auth, result.err(), trace_text(&sink))
            });
        }
    }
    for (what, token, auth, err, trace) in futures::future::join_all(attempts).await {
        let err = err.unwrap_or_else(|| panic!("the {what} token logged in with {auth}"));
        assert!(matches!(err, ImapError::Auth(_)), "{what} {auth}: {err:?}");
        assert!(!err.is_transient(), "{what} {auth}: {err:?}");
        let text = err.to_string();
        assert!(
            text.starts_with("login failed") && text.contains("Authentication failed"),
            "{what} {auth}: {text}"
        );
        let forms = token_forms(&me.address, token, &stack);
        assert_no_token(&text, &forms, "the error");
        assert_no_token(&format!("{err:?}"), &forms, "the error's Debug form");
        assert_no_token(&trace, &forms, "the trace");
    }
    let log = stack.oauth_log();
    assert!(
        log.contains(&format!("expired token of {}", me.address)),
        "{log}"
    );
    // The stack's own logs do not keep tokens either.
    for file in ["log/oauth.log", "log/dovecot.log"] {
        let text = std::fs::read_to_string(stack.state.join(file)).unwrap_or_default();
        for (what, token) in &cases {
            assert!(
                !text.contains(token.as_str()),
                "the {what} token is in {file}"
            );
        }
    }
}

/// A message submitted with XOAUTH2 through Postfix (which asks Dovecot's
/// SASL, which asks the token endpoint) arrives, and is read back over
/// IMAP with the recipient's own token.
#[tokio::test]
async fn smtp_xoauth2_submission_delivers() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, them) = (stack.claim_user(), stack.claim_user());
    let token = stack.oauth_token(&me.address);
    let account = oauth_account(
        &stack,
        &me.address,
        Security::Tls,
        "xoauth2",
        &format!("printf %s {token}"),
    );
    let settings = SmtpSettings::for_account(&account).expect("settings");
    assert!(matches!(settings.login, smtp::Login::OAuth2 { .. }));
    let tag = Mailstack::unique("oauth-smtp");
    let message = format!(
        "From: <{}>\r\nTo: <{}>\r\nSubject: {tag}\r\nMessage-ID: <{tag}@example.test>\r\n\
         \r\nsent with an OAuth2 token\r\n",
        me.address, them.address
    );
    let envelope = smtp::envelope_of(message.as_bytes()).unwrap();
    let (sink, lines) = smtp_trace();
    let delivery = smtp::submit(&settings, &envelope, message.as_bytes(), sink)
        .await
        .expect("submission");
    assert_eq!(delivery.accepted, vec![them.address.clone()]);
    let trace = lines.lock().unwrap().join("\n");
    assert!(trace.contains("AUTH XOAUTH2 ****"), "{trace}");
    assert!(trace.contains("S: 235"), "{trace}");
    assert_no_token(
        &trace,
        &token_forms(&me.address, &token, &stack),
        "the trace",
    );

    // The recipient reads it with their own token.
    let their_token = stack.oauth_token(&them.address);
    let their_account = oauth_account(
        &stack,
        &them.address,
        Security::Tls,
        "oauthbearer",
        &format!("printf %s {their_token}"),
    );
    let opts = imap_options(&their_account);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let mut connected = connect(&opts, None).await.expect("login");
        connected.session.select("INBOX").await.unwrap();
        let found = connected
            .session
            .search(format!("SUBJECT \"{tag}\""))
            .await
            .unwrap();
        let _ = connected.session.logout().await;
        if found.len() == 1 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the message did not arrive"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

type Lines = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

fn smtp_trace() -> (smtp::TraceSink, Lines) {
    let lines = Lines::default();
    let out = lines.clone();
    let sink: smtp::TraceSink =
        std::sync::Arc::new(move |l: smtp::TraceLine| out.lock().unwrap().push(l.display()));
    (sink, lines)
}

/// An expired token on SMTP: the server's refusal, as a login failure the
/// user must fix, with the token nowhere in it.
#[tokio::test]
async fn smtp_refuses_an_expired_token_with_a_login_error() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, them) = (stack.claim_user(), stack.claim_user());
    let token = stack.expired_oauth_token(&me.address);
    let account = oauth_account(
        &stack,
        &me.address,
        Security::Tls,
        "xoauth2",
        &format!("printf %s {token}"),
    );
    let settings = SmtpSettings::for_account(&account).expect("settings");
    let message = format!(
        "From: <{}>\r\nTo: <{}>\r\nSubject: never sent\r\n\r\nbody\r\n",
        me.address, them.address
    );
    let envelope = smtp::envelope_of(message.as_bytes()).unwrap();
    let (sink, lines) = smtp_trace();
    let failure = smtp::submit(&settings, &envelope, message.as_bytes(), sink)
        .await
        .expect_err("an expired token must not send");
    let trace = lines.lock().unwrap().join("\n");
    assert!(
        failure.summary.starts_with("login: 535"),
        "{failure:?}\n{trace}"
    );
    assert!(!failure.transient, "{failure:?}");
    assert!(!failure.delivery_unknown, "{failure:?}");
    assert!(!trace.contains("MAIL FROM"), "{trace}");
    let forms = token_forms(&me.address, &token, &stack);
    assert_no_token(&failure.summary, &forms, "the failure");
    assert_no_token(&trace, &forms, "the trace");
}

fn scan_dir(dir: &Path, forms: &[(String, String)], leaks: &mut Vec<String>) -> usize {
    let mut files = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files += scan_dir(&path, forms, leaks);
        } else if let Ok(bytes) = std::fs::read(&path) {
            files += 1;
            let text = String::from_utf8_lossy(&bytes);
            for (name, form) in forms {
                if text.contains(form.as_str()) {
                    leaks.push(format!("{name} in {}", path.display()));
                }
            }
        }
    }
    files
}

/// `wirepost sync --trace` (OAUTHBEARER over STARTTLS) and `wirepost send
/// -v` (XOAUTH2) at trace level with a valid token, then `sync` with an
/// expired one: the token is in none of their output, logs or store.
#[test]
fn no_token_in_cli_output_logs_or_store() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, them): (TestUser, TestUser) = (stack.claim_user(), stack.claim_user());
    stack.seed(&me.address, 2, 2_000);
    let valid = stack.oauth_token(&me.address);
    let expired = stack.expired_oauth_token(&me.address);
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let config = temp_config(
        dir.path(),
        &format!(
            "[store]\npath = \"{}\"\n{}",
            store.display(),
            account_toml(
                &stack,
                &me.address,
                stack.imap_port,
                "starttls",
                "oauthbearer",
                &format!("printenv {TOKEN_VAR}"),
            )
        ),
    )
    .display()
    .to_string();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let wirepost = |args: &[&str], token: &str, stdin: &[u8]| {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_wirepost"))
            .args(["-c", &config, "--log-level", "trace"])
            .args(args)
            .env("HOME", &home)
            .env("XDG_STATE_HOME", home.join("state"))
            .env("WIREPOST_LOG", "trace")
            .env(TOKEN_VAR, token)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        child.wait_with_output().unwrap()
    };

    let mut outputs = Vec::new();
    let sync = wirepost(&["sync", "--trace"], &valid, b"");
    let stderr = String::from_utf8_lossy(&sync.stderr).to_string();
    assert!(sync.status.success(), "{stderr}");
    assert!(stderr.contains("AUTHENTICATE OAUTHBEARER"), "{stderr}");
    outputs.push(("sync", sync));

    let tag = Mailstack::unique("oauth-cli");
    let send = wirepost(
        &["send", "-v", "--to", &them.address, "--subject", &tag],
        &valid,
        b"body\n",
    );
    let stderr = String::from_utf8_lossy(&send.stderr).to_string();
    assert!(send.status.success(), "{stderr}");
    assert!(stderr.contains("AUTH XOAUTH2 ****"), "{stderr}");
    outputs.push(("send", send));

    let refused = wirepost(&["sync", "--trace"], &expired, b"");
    let stderr = String::from_utf8_lossy(&refused.stderr).to_string();
    assert!(!refused.status.success(), "{stderr}");
    assert!(stderr.contains("login failed"), "{stderr}");
    outputs.push(("sync with an expired token", refused));

    let mut leaks = Vec::new();
    let mut forms = token_forms(&me.address, &valid, &stack);
    forms.extend(token_forms(&me.address, &expired, &stack));
    for (what, out) in &outputs {
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            for (name, form) in &forms {
                if text.contains(form.as_str()) {
                    leaks.push(format!("{name} in the {stream} of {what}"));
                }
            }
        }
    }
    let files = scan_dir(&home, &forms, &mut leaks) + scan_dir(&store, &forms, &mut leaks);
    let log = std::fs::read_to_string(home.join("state/wirepost/wirepost.log")).unwrap();
    assert!(log.contains(" TRACE "), "the log was not at trace level");
    assert!(files > 1, "only {files} files written");
    assert!(leaks.is_empty(), "the token leaked: {leaks:#?}");
}

/// A scripted submission server that refuses XOAUTH2 the way Dovecot does
/// (an error challenge, then 535 once the client answers it): wirepost
/// answers the challenge with an empty line and reports the 535 as a login
/// failure, not as a retryable client error. No mail servers needed.
#[tokio::test]
async fn smtp_xoauth2_error_challenge_is_answered_and_reported() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        let mut seen = Vec::new();
        write.write_all(b"220 fake ESMTP\r\n").await.unwrap();
        while let Ok(Some(line)) = lines.next_line().await {
            let reply: &[u8] = if line.starts_with("EHLO") {
                b"250-fake\r\n250 AUTH PLAIN XOAUTH2\r\n"
            } else if line.starts_with("AUTH XOAUTH2 ") {
                // {"status":"401","schemes":"bearer","scope":"mail"}
                b"334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJtYWlsIn0=\r\n"
            } else if line.is_empty() {
                b"535 5.7.8 Error: authentication failed\r\n"
            } else if line == "QUIT" {
                b"221 bye\r\n"
            } else {
                b"502 unexpected\r\n"
            };
            seen.push(line);
            if write.write_all(reply).await.is_err() {
                break;
            }
        }
        seen
    });
    let settings = SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        security: Security::None,
        tls: Default::default(),
        login: smtp::Login::OAuth2 {
            username: "me@example.test".into(),
            token: wirepost::config::Secret::new("tok3n-refused".into()),
        },
    };
    let message = b"From: <me@example.test>\r\nTo: <you@example.test>\r\n\r\nx\r\n";
    let envelope = smtp::envelope_of(message).unwrap();
    let (sink, lines) = smtp_trace();
    let failure = smtp::submit(&settings, &envelope, message, sink)
        .await
        .expect_err("a refused token must not send");
    assert_eq!(
        failure.summary, "login: 535 5.7.8 Error: authentication failed",
        "{failure:?}"
    );
    assert!(!failure.transient, "{failure:?}");
    let seen = server.await.unwrap();
    let auth = seen
        .iter()
        .position(|l| l.starts_with("AUTH XOAUTH2 "))
        .expect("AUTH XOAUTH2");
    assert_eq!(seen.get(auth + 1).map(String::as_str), Some(""), "{seen:?}");
    assert!(!seen.iter().any(|l| l.starts_with("MAIL")), "{seen:?}");
    let trace = lines.lock().unwrap().join("\n");
    assert!(!trace.contains("tok3n-refused"), "{trace}");
}
