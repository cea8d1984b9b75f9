//! The compose form end to end: the real binary in a pseudo-terminal sends
//! through real Postfix, and the message is read back from Dovecot.

mod common;

use common::mailstack::Mailstack;
use common::pty::{Tui, temp_config};

#[test]
fn compose_form_attaches_edits_and_sends() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (me, them) = (stack.claim_user(), stack.claim_user());
    let dir = tempfile::tempdir().unwrap();
    let attachment = dir.path().join("photo.png");
    let bytes: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&attachment, &bytes).unwrap();
    let config = temp_config(
        dir.path(),
        &format!(
            r#"
[store]
path = "{store}"
[[accounts]]
name = "pty"
email = "{email}"
signature = "sig line"
[accounts.smtp]
host = "{host}"
port = {port}
security = "starttls"
password_command = "printf %s '{password}'"
ca_file = "{ca}"
"#,
            store = dir.path().join("store").display(),
            email = me.address,
            host = stack.host,
            port = stack.submission_port,
            password = me.password,
            ca = stack.ca.display(),
        ),
    );
    let token = Mailstack::unique("pty");
    let config = config.display().to_string();
    // An "editor" that replaces the body, as vim or nano would after :wq.
    let mut tui = Tui::start_with(
        &["-c", &config],
        100,
        30,
        &[(
            "EDITOR",
            "printf 'Written in the editor\\n\\n-- \\nsig line\\n' >",
        )],
    );
    tui.wait_text("Sockets");
    tui.send("2");
    tui.wait_text("From");
    tui.wait_text("sig line");
    tui.send("e");
    tui.wait_text("Written in the editor");

    tui.send("\x1b[A"); // up: Attach
    tui.send("\x1b[A"); // Subject
    tui.send("\r");
    tui.send(&format!("Grüße {token}"));
    tui.send("\x1b[Z\x1b[Z\x1b[Z"); // back to To
    tui.send(&them.address);
    tui.wait_text(&format!("To  {}", them.address));
    tui.wait_text("esc stop editing");
    // A lone Esc, then wait: Esc followed at once by a key reads as Alt+key.
    tui.send("\x1b");
    tui.wait_text("enter edit");
    tui.send("a");
    tui.send(&attachment.display().to_string());
    tui.wait_text(&format!("Attach  {}", attachment.display()));
    tui.send("\r");
    tui.wait_text("attached photo.png");
    tui.send("\x1b");
    tui.wait_text("enter edit");
    tui.wait_text("[photo.png 2.9 KB image/png]");
    tui.send("t");
    tui.send("s");
    tui.wait_text("Sent to");
    tui.wait_text("bytes>");
    tui.wait_text("S: 221");
    assert!(!tui.screen().contains(&me.password));
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);

    let got = fetch(&stack, &them, &token);
    let message = mail_parser::MessageParser::default().parse(&got).unwrap();
    assert_eq!(message.subject().unwrap(), format!("Grüße {token}"));
    assert!(
        message
            .body_text(0)
            .unwrap()
            .contains("Written in the editor")
    );
    assert_eq!(message.attachment(0).unwrap().contents(), bytes.as_slice());
}

/// The message with `token` from the user's INBOX, over IMAPS.
fn fetch(stack: &Mailstack, user: &common::mailstack::TestUser, token: &str) -> Vec<u8> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use futures::TryStreamExt;
        use wirepost::net::tls::{TlsOptions, client_config, server_name};
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let tcp = tokio::net::TcpStream::connect((stack.host.as_str(), stack.imaps_port))
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
            let mut client = async_imap::Client::new(tls);
            client.read_response().await.unwrap();
            let mut session = client
                .login(&user.address, &user.password)
                .await
                .map_err(|(e, _)| e)
                .unwrap();
            session.select("INBOX").await.unwrap();
            let fetches: Vec<_> = session
                .fetch("1:*", "BODY.PEEK[]")
                .await
                .unwrap()
                .try_collect()
                .await
                .unwrap_or_default();
            let found = fetches
                .iter()
                .filter_map(|f| f.body())
                .find(|b| String::from_utf8_lossy(b).contains(token))
                .map(<[u8]>::to_vec);
            let _ = session.logout().await;
            if let Some(found) = found {
                return found;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "message never arrived"
            );
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    })
}

#[test]
fn mailto_opens_the_composer_and_quitting_keeps_the_draft() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let config = temp_config(
        dir.path(),
        &format!(
            r#"
[store]
path = "{}"
[[accounts]]
name = "me"
email = "me@example.test"
[accounts.smtp]
host = "127.0.0.1"
"#,
            store.display()
        ),
    );
    let config = config.display().to_string();
    let mut tui = Tui::start(
        &[
            "-c",
            &config,
            "mailto:ann@example.test?subject=Hello%20%E4%BD%A0%E5%A5%BD&body=Dear%20Ann",
        ],
        100,
        30,
    );
    tui.wait_text("To  ann@example.test");
    tui.wait_text("Subject  Hello 你好");
    tui.wait_text("Dear Ann");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
    let drafts = store.join("me").join("Drafts").join("cur");
    let saved: Vec<_> = std::fs::read_dir(&drafts).unwrap().flatten().collect();
    assert_eq!(saved.len(), 1, "no draft in {}", drafts.display());
    let raw = std::fs::read(saved[0].path()).unwrap();
    let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert_eq!(message.subject(), Some("Hello 你好"));
    assert!(message.body_text(0).unwrap().contains("Dear Ann"));
}
