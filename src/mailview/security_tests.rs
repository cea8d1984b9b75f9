//! The secure view against the real gpg on throw-away keyrings.

use super::*;
use crate::pgp::testkeys::{self, ALICE, BOB};
use crate::pgp::{EncryptRequest, encrypt_part, sign_part};

const PART: &[u8] = b"Content-Type: text/plain; charset=us-ascii\r\n\r\nMeet at noon.\r\n";

fn message(from: &str, entity: &crate::pgp::Entity) -> Vec<u8> {
    let mut raw = format!(
        "From: {from}\r\nTo: Bob <{BOB}>\r\nSubject: plans\r\nMIME-Version: 1.0\r\n\
         Content-Type: {}\r\n\r\n",
        entity.content_type
    )
    .into_bytes();
    raw.extend_from_slice(&entity.body);
    raw
}

fn signed_by_alice(from: &str) -> Vec<u8> {
    let keys = testkeys::keyrings();
    message(from, &sign_part(&keys.gpg, PART, Some(ALICE)).unwrap())
}

#[test]
fn a_good_signature_from_the_sender_shows_the_signed_text() {
    let keys = testkeys::keyrings();
    let raw = signed_by_alice(&format!("Alice <{ALICE}>"));
    let view = build_secure(&raw, 80, &keys.gpg);
    let security = view.security.clone().unwrap();
    let signature = security.signature.clone().unwrap();
    assert_eq!(signature.status, SigStatus::Good);
    assert!(signature.matches_from);
    assert!(security.encryption.is_none());
    assert_eq!(view.body.trim(), "Meet at noon.");
    assert!(view.attachments.is_empty(), "signature.asc is not listed");
    let lines = security.lines();
    assert!(
        lines[0].starts_with("PGP: good signature from Alice <alice@example.test>"),
        "{lines:?}"
    );
}

#[test]
fn a_changed_body_is_a_bad_signature() {
    let keys = testkeys::keyrings();
    let raw = signed_by_alice(&format!("Alice <{ALICE}>"));
    let text = String::from_utf8(raw).unwrap().replace("noon", "nine");
    let view = build_secure(text.as_bytes(), 80, &keys.gpg);
    let signature = view.security.unwrap().signature.unwrap();
    assert_eq!(signature.status, SigStatus::Bad);
    assert!(
        signature.line().contains("BAD signature"),
        "{}",
        signature.line()
    );
}

#[test]
fn a_signer_who_is_not_the_sender_is_called_out() {
    let keys = testkeys::keyrings();
    let raw = signed_by_alice("Mallory <mallory@example.test>");
    let view = build_secure(&raw, 80, &keys.gpg);
    let signature = view.security.unwrap().signature.unwrap();
    assert_eq!(signature.status, SigStatus::Good);
    assert!(!signature.matches_from);
    assert!(
        signature.line().contains("not the sender"),
        "{}",
        signature.line()
    );
}

#[test]
fn a_key_missing_from_the_keyring_is_an_unknown_key() {
    let keys = testkeys::keyrings();
    let raw = signed_by_alice(&format!("Alice <{ALICE}>"));
    let view = build_secure(&raw, 80, &keys.other_gpg);
    let signature = view.security.unwrap().signature.unwrap();
    assert_eq!(signature.status, SigStatus::UnknownKey);
    assert!(signature.line().contains("unknown key"));
}

#[test]
fn an_encrypted_and_signed_message_is_decrypted_and_verified() {
    let keys = testkeys::keyrings();
    let request = EncryptRequest {
        recipients: vec![BOB.into()],
        encrypt_to_self: false,
        sign: true,
        own_key: Some(ALICE.into()),
    };
    let raw = message(
        &format!("Alice <{ALICE}>"),
        &encrypt_part(&keys.gpg, PART, &request).unwrap(),
    );
    let view = build_secure(&raw, 80, &keys.gpg);
    let security = view.security.clone().unwrap();
    assert_eq!(security.encryption, Some(Encryption::Decrypted));
    assert_eq!(security.signature.unwrap().status, SigStatus::Good);
    assert_eq!(view.body.trim(), "Meet at noon.");
    assert_eq!(
        shown_entity(&raw, &keys.gpg).unwrap(),
        pgp::canonicalize(PART)
    );
    // Without the secret key: it says why, and shows no ciphertext as text.
    let locked_out = build_secure(&raw, 80, &keys.other_gpg);
    let encryption = locked_out.security.unwrap().encryption.unwrap();
    assert!(
        matches!(encryption, Encryption::Failed(_)),
        "{encryption:?}"
    );
    assert!(locked_out.body.contains("cannot be read"));
}

#[test]
fn a_footer_outside_the_signed_part_is_not_shown() {
    let keys = testkeys::keyrings();
    let entity = sign_part(&keys.gpg, PART, Some(ALICE)).unwrap();
    let mut raw = format!(
        "From: Alice <{ALICE}>\r\nSubject: list\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n--outer\r\n\
         Content-Type: {}\r\n\r\n",
        entity.content_type
    )
    .into_bytes();
    raw.extend_from_slice(&entity.body);
    raw.extend_from_slice(
        b"\r\n--outer\r\nContent-Type: text/plain\r\n\r\nUNSIGNED FOOTER: click here\r\n--outer--\r\n",
    );
    let view = build_secure(&raw, 80, &keys.gpg);
    assert!(!view.body.contains("UNSIGNED FOOTER"), "{}", view.body);
    let security = view.security.unwrap();
    assert!(security.partial);
    assert!(security.lines().iter().any(|l| l.contains("only part")));
}

#[test]
fn inline_clearsigned_text_shows_only_what_was_signed() {
    let keys = testkeys::keyrings();
    let block = keys.raw(&["--clearsign", "--local-user", ALICE], b"inline words\n");
    let mut raw =
        format!("From: Alice <{ALICE}>\r\nSubject: inline\r\n\r\nAdded around it\r\n").into_bytes();
    raw.extend_from_slice(&block);
    let view = build_secure(&raw, 80, &keys.gpg);
    let security = view.security.unwrap();
    assert!(security.inline);
    assert_eq!(security.signature.unwrap().status, SigStatus::Good);
    assert_eq!(view.body.trim(), "inline words");
}
