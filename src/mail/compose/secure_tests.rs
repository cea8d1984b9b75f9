//! Outgoing PGP/MIME against the real gpg on throw-away keyrings.

use super::*;
use crate::mail::compose::draft::Attachment;
use crate::pgp::testkeys::{self, ALICE, BOB, DAVE, OLD};
use crate::pgp::{SigStatus, find_encrypted, find_signed, verify_detached};

fn draft(to: &str) -> Draft {
    Draft {
        account: "me".into(),
        from: format!("Alice <{ALICE}>"),
        to: to.into(),
        bcc: String::new(),
        subject: "plans".into(),
        body: "From the start: naïve café \nline two\n".into(),
        ..Draft::default()
    }
}

fn sign_only() -> Protection {
    Protection {
        sign: true,
        encrypt: false,
    }
}

fn both() -> Protection {
    Protection {
        sign: true,
        encrypt: true,
    }
}

#[test]
fn a_signed_message_verifies_and_keeps_its_headers_outside() {
    let keys = testkeys::keyrings();
    let mut draft = draft(BOB);
    draft.attachments.push(Attachment::from_data(
        "fwd.eml",
        "message/rfc822",
        b"From: x@y\r\nSubject: r\xc3\xa9\r\n\r\nFrom 8-bit \xc3\xa9\r\n".to_vec(),
    ));
    let raw = format(&keys.gpg, &draft, sign_only(), ALICE).unwrap();
    assert!(raw.is_ascii(), "every byte is 7-bit");
    let text = String::from_utf8(raw.clone()).unwrap();
    let (head, _) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.contains("Subject: plans"));
    assert!(head.contains("Content-Type: multipart/signed; micalg=pgp-sha"));
    assert!(!head.contains("Content-Transfer-Encoding"), "{head}");
    let signed = find_signed(&raw).unwrap();
    let verdict = verify_detached(&keys.gpg, &signed.signed, &signed.signature).unwrap();
    assert_eq!(verdict.status, SigStatus::Good);
    assert_eq!(verdict.fingerprint, Some(keys.fingerprint(ALICE)));
    let part = String::from_utf8(signed.signed).unwrap();
    assert!(part.contains("=46rom the start"), "{part}");
    assert!(!part.lines().any(|l| l.starts_with("From ")));
}

#[test]
fn an_encrypted_message_opens_for_the_recipient_and_the_sender() {
    let keys = testkeys::keyrings();
    let raw = format(&keys.gpg, &draft(BOB), both(), ALICE).unwrap();
    let text = String::from_utf8_lossy(&raw);
    assert!(!text.contains("line two"), "no plain text leaves");
    let sealed = find_encrypted(&raw).unwrap();
    let opened = crate::pgp::decrypt(&keys.gpg, &sealed.ciphertext).unwrap();
    assert!(opened.was_encrypted);
    assert_eq!(opened.recipients.len(), 2, "Bob and Alice herself");
    assert_eq!(opened.signature.unwrap().status, SigStatus::Good);
    let inner = String::from_utf8(opened.plaintext).unwrap();
    assert!(inner.starts_with("Content-Type: text/plain"), "{inner}");
    assert!(inner.contains("line two"));
}

#[test]
fn recipients_without_a_usable_key_are_named_and_nothing_is_made() {
    let keys = testkeys::keyrings();
    let to = format!("{BOB}, nobody@example.test, {OLD}");
    let err = format(&keys.gpg, &draft(&to), both(), ALICE).unwrap_err();
    let SecureError::NoUsableKey(missing) = &err else {
        panic!("{err:?}");
    };
    let named: Vec<&str> = missing.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(named, ["nobody@example.test", OLD]);
    let text = err.to_string();
    assert!(text.contains("nobody@example.test (no key)"), "{text}");
    assert!(text.contains("(key expired)"), "{text}");
    let untrusted = format(&keys.gpg, &draft(DAVE), both(), ALICE).unwrap_err();
    assert!(
        untrusted.to_string().contains("key not trusted"),
        "{untrusted}"
    );
}

#[test]
fn folded_headers_stay_whole_when_split() {
    let raw =
        b"Subject: a\r\n b\r\nContent-Type: text/plain;\r\n charset=utf-8\r\nX: y\r\n\r\nbody";
    let (outer, part) = split_message(raw).unwrap();
    assert_eq!(outer, b"Subject: a\r\n b\r\nX: y\r\n");
    assert_eq!(
        part,
        b"Content-Type: text/plain;\r\n charset=utf-8\r\n\r\nbody"
    );
}

#[test]
fn a_reply_to_encrypted_mail_quotes_the_text_not_the_armor() {
    let keys = testkeys::keyrings();
    let raw = format(&keys.gpg, &draft(BOB), both(), ALICE).unwrap();
    let (readable_raw, encrypted) = readable(&keys.gpg, &raw);
    assert!(encrypted);
    let identity = crate::mail::compose::reply::Identity {
        account: "bob".into(),
        from: format!("Bob <{BOB}>"),
        email: BOB.into(),
        signature: None,
    };
    let reply = crate::mail::compose::reply::respond(
        &readable_raw,
        &identity,
        crate::mail::compose::reply::Respond::Reply,
    )
    .unwrap();
    assert!(reply.body.contains("> line two"), "{}", reply.body);
    assert!(!reply.body.contains("BEGIN PGP"), "{}", reply.body);
    assert_eq!(reply.subject, "Re: plans");
    let plain = b"From: a@b\r\nSubject: hi\r\n\r\nplain\r\n";
    assert_eq!(readable(&keys.gpg, plain), (plain.to_vec(), false));
}
