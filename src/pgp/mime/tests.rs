use super::read::{PgpContent, find_encrypted, find_pgp, find_signed};
use super::*;
use crate::pgp::decrypt::decrypt;
use crate::pgp::testkeys::{self, ALICE, BOB};
use crate::pgp::verify::{SigStatus, verify_detached};

/// A body part as a composer writes it, with bare LFs to show that what is
/// signed is what is sent.
const PART: &[u8] = b"Content-Type: text/plain; charset=utf-8\n\
Content-Transfer-Encoding: quoted-printable\n\
\n\
Caf=C3=A9 at noon?\n\
-- \n\
Alice\n";

/// A whole message around an entity, as the composer will send it.
fn message(entity: &Entity) -> Vec<u8> {
    let mut raw = b"From: Alice <alice@example.test>\r\nTo: bob@example.test\r\n\
Subject: lunch\r\nMIME-Version: 1.0\r\n"
        .to_vec();
    raw.extend_from_slice(&entity.to_bytes());
    raw
}

#[test]
fn a_signed_part_read_back_from_the_message_verifies() {
    let keys = testkeys::keyrings();
    let entity = sign_part(&keys.gpg, PART, Some(ALICE)).unwrap();
    assert!(
        entity
            .content_type
            .starts_with("multipart/signed; micalg=pgp-sha256;")
    );
    let raw = message(&entity);
    assert!(
        !raw.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'),
        "CRLF only"
    );

    let found = find_signed(&raw).unwrap();
    assert_eq!(found.signed, canonicalize(PART));
    assert_eq!(found.micalg.as_deref(), Some("pgp-sha256"));
    let v = verify_detached(&keys.gpg, &found.signed, &found.signature).unwrap();
    assert_eq!(v.status, SigStatus::Good);
    assert_eq!(v.fingerprint, Some(keys.fingerprint(ALICE)));
}

#[test]
fn one_flipped_byte_of_the_signed_text_makes_it_bad() {
    let keys = testkeys::keyrings();
    let raw = message(&sign_part(&keys.gpg, PART, Some(ALICE)).unwrap());
    let at = raw.windows(4).position(|w| w == b"noon").unwrap();
    let mut changed = raw.clone();
    changed[at] = b'm';
    let found = find_signed(&changed).unwrap();
    let v = verify_detached(&keys.gpg, &found.signed, &found.signature).unwrap();
    assert_eq!(v.status, SigStatus::Bad);
}

#[test]
fn an_encrypted_part_read_back_decrypts_to_the_part() {
    let keys = testkeys::keyrings();
    let request = EncryptRequest {
        recipients: vec![BOB.into()],
        encrypt_to_self: true,
        sign: true,
        own_key: Some(ALICE.into()),
    };
    let entity = encrypt_part(&keys.gpg, PART, &request).unwrap();
    assert!(entity.content_type.starts_with("multipart/encrypted;"));
    let raw = message(&entity);
    let body = String::from_utf8_lossy(&raw);
    assert!(body.contains("Content-Type: application/pgp-encrypted\r\n"));
    assert!(body.contains("\r\nVersion: 1\r\n"));

    let found = find_encrypted(&raw).unwrap();
    let opened = decrypt(&keys.gpg, &found.ciphertext).unwrap();
    assert_eq!(opened.plaintext, canonicalize(PART));
    assert_eq!(opened.signature.unwrap().status, SigStatus::Good);
}

#[test]
fn a_part_signed_then_encrypted_is_found_again_inside_the_plaintext() {
    let keys = testkeys::keyrings();
    let signed = sign_part(&keys.gpg, PART, Some(ALICE)).unwrap().to_bytes();
    let request = EncryptRequest {
        recipients: vec![BOB.into()],
        ..EncryptRequest::default()
    };
    let raw = message(&encrypt_part(&keys.gpg, &signed, &request).unwrap());
    let Some(PgpContent::Encrypted(found)) = find_pgp(&raw) else {
        panic!("not found as encrypted");
    };
    let opened = decrypt(&keys.gpg, &found.ciphertext).unwrap();
    assert_eq!(opened.signature, None);
    let Some(PgpContent::Signed(inner)) = find_pgp(&opened.plaintext) else {
        panic!("the plaintext is not multipart/signed");
    };
    let v = verify_detached(&keys.gpg, &inner.signed, &inner.signature).unwrap();
    assert_eq!(v.status, SigStatus::Good);
}

#[test]
fn a_message_gpg_signed_by_hand_verifies_even_when_stored_with_lf() {
    let keys = testkeys::keyrings();
    // The part, with the boundary's CRLF not part of it: gpg signs these
    // bytes and nothing else.
    let part = b"Content-Type: text/plain\r\n\r\nSigned by hand.\r\n";
    let signature = keys.raw(&["--armor", "--detach-sign", "--local-user", BOB], part);
    let signature = String::from_utf8(signature).unwrap();
    let raw = format!(
        "From: bob@example.test\r\n\
Content-Type: multipart/signed; boundary=\"=-=hand=-=\";\r\n\
\tprotocol=\"application/pgp-signature\"; micalg=pgp-sha256\r\n\
\r\n\
preamble text\r\n\
--=-=hand=-=\r\n{}\r\n\
--=-=hand=-=\r\n\
Content-Type: application/pgp-signature\r\n\r\n{signature}\r\n\
--=-=hand=-=--\r\n",
        String::from_utf8_lossy(part)
    );
    for stored in [raw.clone(), raw.replace("\r\n", "\n")] {
        let found = find_signed(stored.as_bytes()).unwrap();
        assert_eq!(found.signed, part);
        let v = verify_detached(&keys.gpg, &found.signed, &found.signature).unwrap();
        assert_eq!(v.status, SigStatus::Good);
        assert_eq!(v.fingerprint, Some(keys.fingerprint(BOB)));
    }
}

#[test]
fn an_eight_bit_part_is_refused_before_signing() {
    let keys = testkeys::keyrings();
    let part = "Content-Type: text/plain; charset=utf-8\r\n\r\nCafé\r\n";
    let err = sign_part(&keys.gpg, part.as_bytes(), Some(ALICE)).unwrap_err();
    assert_eq!(err, GpgError::EightBit);
}

#[test]
fn line_ends_become_crlf_and_boundaries_avoid_the_content() {
    assert_eq!(canonicalize(b"a\nb\r\nc\rd"), b"a\r\nb\r\nc\r\nd");
    let first = boundary_for(&[]);
    let second = boundary_for(&[first.as_bytes()]);
    assert_ne!(first, second);
    assert!(second.starts_with("wirepost-pgp-"));
}
