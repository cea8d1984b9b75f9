//! Replies, forwards and reopened drafts: quoting, threading headers,
//! recipients and attachments.

use super::*;

const ORIGINAL: &[u8] = b"From: Carol <carol@example.test>\r\n\
To: me@example.test, Dave <dave@example.test>\r\n\
Cc: erin@example.test\r\n\
Subject: Re: =?utf-8?b?5L2g5aW9?=\r\n\
Date: Tue, 1 Jul 2025 10:00:00 +0000\r\n\
Message-ID: <orig@example.test>\r\n\
References: <root@example.test> <mid@example.test>\r\n\
In-Reply-To: <mid@example.test>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=b\r\n\
\r\n\
--b\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Hello there\r\n\
> earlier\r\n\
\r\n\
--b\r\n\
Content-Type: application/octet-stream\r\n\
Content-Disposition: attachment; filename=x.bin\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
AAEC\r\n\
--b--\r\n";

fn me() -> Identity {
    Identity {
        account: "work".into(),
        from: "Me <me@example.test>".into(),
        email: "me@example.test".into(),
        signature: Some("Me\nPhone".into()),
    }
}

#[test]
fn reply_quotes_and_threads() {
    let draft = reply(ORIGINAL, &me()).unwrap();
    assert_eq!(draft.to, "Carol <carol@example.test>");
    assert_eq!(draft.cc, "");
    assert_eq!(draft.subject, "Re: 你好");
    assert_eq!(draft.in_reply_to.as_deref(), Some("<orig@example.test>"));
    assert_eq!(
        draft.references,
        vec![
            "<root@example.test>",
            "<mid@example.test>",
            "<orig@example.test>"
        ]
    );
    assert!(
        draft
            .body
            .contains("Carol <carol@example.test> wrote:\n> Hello there\n>> earlier\n")
    );
    assert!(draft.body.ends_with("-- \nMe\nPhone\n"), "{:?}", draft.body);
    assert!(draft.attachments.is_empty());
}

#[test]
fn reply_all_copies_everyone_but_me() {
    let draft = reply_all(ORIGINAL, &me()).unwrap();
    assert_eq!(draft.to, "Carol <carol@example.test>");
    assert_eq!(draft.cc, "Dave <dave@example.test>, erin@example.test");
}

#[test]
fn forward_inline_keeps_attachments() {
    let draft = forward(ORIGINAL, &me(), ForwardMode::Inline).unwrap();
    assert_eq!(draft.subject, "Fwd: Re: 你好");
    assert!(draft.to.is_empty() && draft.in_reply_to.is_none());
    assert!(
        draft
            .body
            .contains("---------- Forwarded message ----------\nFrom: Carol")
    );
    assert!(draft.body.contains("Hello there"));
    assert_eq!(draft.attachments.len(), 1);
    assert_eq!(draft.attachments[0].name, "x.bin");
    assert_eq!(draft.attachments[0].bytes().unwrap().as_slice(), &[0, 1, 2]);
}

#[test]
fn forward_attached_carries_the_original_bytes() {
    let draft = forward(ORIGINAL, &me(), ForwardMode::Attached).unwrap();
    assert_eq!(draft.attachments.len(), 1);
    assert_eq!(draft.attachments[0].content_type, "message/rfc822");
    assert_eq!(draft.attachments[0].bytes().unwrap().as_slice(), ORIGINAL);
    let mut draft = draft;
    draft.to = "x@example.test".into();
    let raw = draft
        .to_message(crate::mail::compose::draft::BuildOptions::default())
        .unwrap()
        .formatted();
    let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
    let inner = parsed
        .attachment(0)
        .unwrap()
        .message()
        .expect("message/rfc822");
    assert_eq!(inner.message_id(), Some("orig@example.test"));
}

#[test]
fn subject_prefixes_do_not_stack() {
    assert_eq!(prefixed("Re:", "RE: re: hi"), "Re: hi");
    assert_eq!(prefixed("Re:", "Fwd: hi"), "Re: Fwd: hi");
    assert_eq!(prefixed("Fwd:", "Fw: hi"), "Fwd: hi");
}

#[test]
fn reopen_restores_fields_and_attachments() {
    let mut draft = me().new_draft();
    draft.to = "a@example.test".into();
    draft.bcc = "b@example.test".into();
    draft.subject = "草稿".into();
    draft.body = "text\n".into();
    draft.attachments.push(Attachment::from_data(
        "a.txt",
        "text/plain",
        b"attached".to_vec(),
    ));
    let raw = draft
        .to_message(crate::mail::compose::draft::BuildOptions {
            keep_bcc: true,
            allow_no_recipient: true,
        })
        .unwrap()
        .formatted();
    let back = reopen(&raw, "work").unwrap();
    assert_eq!(back.to, "a@example.test");
    assert_eq!(back.bcc, "b@example.test");
    assert_eq!(back.subject, "草稿");
    assert_eq!(back.body, "text\n");
    assert_eq!(back.attachments[0].bytes().unwrap().as_slice(), b"attached");
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    assert!(reply(b"", &me()).is_err());
}

#[test]
fn reopening_a_plain_draft_does_not_grow_it() {
    let mut draft = me().new_draft();
    draft.body = "one\ntwo\n".into();
    let options = crate::mail::compose::draft::BuildOptions {
        keep_bcc: true,
        allow_no_recipient: true,
    };
    let raw = draft.to_message(options).unwrap().formatted();
    let back = reopen(&raw, "work").unwrap();
    assert_eq!(back.body, "one\ntwo\n");
    let again = reopen(&back.to_message(options).unwrap().formatted(), "work").unwrap();
    assert_eq!(again.body, "one\ntwo\n");
}
