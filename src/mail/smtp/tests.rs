//! The envelope and Bcc handling of outgoing messages, and the login an
//! account's [smtp] settings choose.

use super::*;

#[test]
fn bcc_is_removed_with_its_continuation_lines() {
    let raw = b"From: a@x\r\nBcc: b@x,\r\n c@x\r\nTo: d@x\r\n\r\nBcc: in the body stays\r\n";
    let out = without_bcc(raw);
    assert_eq!(
        out,
        b"From: a@x\r\nTo: d@x\r\n\r\nBcc: in the body stays\r\n"
    );
}

#[test]
fn envelope_collects_every_recipient_once() {
    let raw = b"From: A <a@example.test>\r\nTo: b@example.test\r\nCc: b@example.test, c@example.test\r\nBcc: d@example.test\r\n\r\nx";
    let envelope = envelope_of(raw).unwrap();
    assert_eq!(envelope.from().unwrap().to_string(), "a@example.test");
    let to: Vec<String> = envelope.to().iter().map(|a| a.to_string()).collect();
    assert_eq!(
        to,
        vec!["b@example.test", "c@example.test", "d@example.test"]
    );
    assert!(envelope_of(b"Subject: none\r\n\r\n").is_err());
}

#[test]
fn oauth2_token_command_selects_xoauth2_and_password_selects_plain() {
    let text = r#"
[[accounts]]
name = "o"
email = "o@example.test"
[accounts.smtp]
host = "smtp.example.test"
oauth2_token_command = "printf %s token-123"
[[accounts]]
name = "p"
email = "p@example.test"
[accounts.smtp]
host = "smtp.example.test"
security = "starttls"
password_command = "printf %s pw"
"#;
    let config = crate::config::Config::parse(text, std::path::Path::new("c.toml")).unwrap();
    let oauth = SmtpSettings::for_account(&config.accounts[0]).unwrap();
    assert_eq!(oauth.port, 465);
    let Login::OAuth2 { username, token } = &oauth.login else {
        panic!("{:?}", oauth.login);
    };
    assert_eq!(
        (username.as_str(), token.expose()),
        ("o@example.test", "token-123")
    );
    assert!(
        !format!("{oauth:?}").contains("token-123"),
        "token in Debug output"
    );
    let plain = SmtpSettings::for_account(&config.accounts[1]).unwrap();
    assert_eq!(plain.port, 587);
    assert!(matches!(plain.login, Login::Password { .. }));
}
