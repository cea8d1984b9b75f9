//! Building messages from drafts: encoding, Bcc, validation, attachments.

use super::*;

fn draft() -> Draft {
    Draft {
        account: "a".into(),
        from: "Ann <ann@example.test>".into(),
        to: "bob@example.test".into(),
        bcc: "secret@example.test".into(),
        subject: "件名 with 漢字".into(),
        body: "héllo\r\nworld\n".into(),
        ..Draft::default()
    }
}

#[test]
fn builds_utf8_message_with_encoded_subject() {
    let raw = draft()
        .to_message(BuildOptions::default())
        .unwrap()
        .formatted();
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains("Subject: =?utf-8?"), "{text}");
    assert!(text.contains("Message-ID: <"), "{text}");
    assert!(!text.contains("Bcc:"), "Bcc leaked: {text}");
    let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert_eq!(parsed.subject(), Some("件名 with 漢字"));
    assert_eq!(
        parsed.body_text(0).unwrap().replace("\r\n", "\n"),
        "héllo\nworld\n\n"
    );
}

#[test]
fn keeps_bcc_for_local_copies_and_envelope_has_everyone() {
    let message = draft()
        .to_message(BuildOptions {
            keep_bcc: true,
            ..BuildOptions::default()
        })
        .unwrap();
    assert!(String::from_utf8_lossy(&message.formatted()).contains("Bcc: secret@example.test"));
    assert_eq!(message.envelope().to().len(), 2);
}

#[test]
fn validation_names_the_field() {
    let mut d = draft();
    d.cc = "broken@".into();
    assert!(d.validate().unwrap_err().starts_with("Cc:"));
    let mut d = draft();
    d.to.clear();
    d.bcc.clear();
    assert!(d.validate().unwrap_err().contains("no recipient"));
    // A draft may be saved without recipients.
    assert!(
        d.to_message(BuildOptions {
            keep_bcc: true,
            allow_no_recipient: true
        })
        .is_ok()
    );
}

#[test]
fn binary_attachment_round_trips() {
    let data: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let mut d = draft();
    d.attachments.push(Attachment::from_data(
        "blob.bin",
        &guess_type("blob.bin"),
        data.clone(),
    ));
    let raw = d.to_message(BuildOptions::default()).unwrap().formatted();
    let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert_eq!(parsed.attachment(0).unwrap().contents(), data.as_slice());
}

#[test]
fn guesses_types_from_names() {
    assert_eq!(guess_type("a.pdf"), "application/pdf");
    assert_eq!(guess_type("photo.JPG"), "image/jpeg");
    assert_eq!(guess_type("noext"), "application/octet-stream");
}

#[test]
fn non_ascii_display_names_are_encoded() {
    let mut d = draft();
    d.from = "Jürgen 山田 <j@example.test>".into();
    d.to = "\"Doe, Ann\" <ann@example.test>, Zoë <z@example.test>".into();
    d.validate().unwrap();
    let raw = d.to_message(BuildOptions::default()).unwrap().formatted();
    let header_end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    assert!(raw[..header_end].is_ascii(), "header not RFC 2047 encoded");
    let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert_eq!(
        parsed.from().unwrap().first().unwrap().name(),
        Some("Jürgen 山田")
    );
    let to: Vec<_> = parsed
        .to()
        .unwrap()
        .iter()
        .filter_map(|a| a.name())
        .collect();
    assert_eq!(to, vec!["Doe, Ann", "Zoë"]);
}
