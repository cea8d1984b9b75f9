use super::*;
use crate::pgp::decrypt::decrypt;
use crate::pgp::testkeys::{self, ALICE, BOB, DAVE};
use crate::pgp::verify::{SigStatus, verify_detached};

const PART: &[u8] = b"Content-Type: text/plain\r\n\r\nSigned.\r\n";

#[test]
fn a_detached_signature_names_its_hash_and_key_and_verifies() {
    let keys = testkeys::keyrings();
    let signature = sign_detached(&keys.gpg, PART, Some(BOB)).unwrap();
    assert!(
        signature
            .armored
            .starts_with("-----BEGIN PGP SIGNATURE-----")
    );
    assert_eq!(signature.micalg, "pgp-sha256");
    assert_eq!(signature.fingerprint, Some(keys.fingerprint(BOB)));
    let v = verify_detached(&keys.gpg, PART, signature.armored.as_bytes()).unwrap();
    assert_eq!(v.status, SigStatus::Good);
    assert_eq!(v.fingerprint, Some(keys.fingerprint(BOB)));
}

#[test]
fn without_a_signer_gpg_signs_with_its_default_key() {
    let keys = testkeys::keyrings();
    let signature = sign_detached(&keys.gpg, PART, None).unwrap();
    // The first secret key in the keyring, as gpg.conf names none.
    assert_eq!(signature.fingerprint, Some(keys.fingerprint(ALICE)));
}

#[test]
fn a_signer_without_a_secret_key_is_refused_by_name() {
    let keys = testkeys::keyrings();
    let err = sign_detached(&keys.gpg, PART, Some(DAVE)).unwrap_err();
    assert_eq!(err, GpgError::InvalidSigner(DAVE.into()));
}

#[test]
fn encrypt_to_self_adds_the_senders_key_and_signing_names_a_micalg() {
    let keys = testkeys::keyrings();
    let mut request = EncryptRequest {
        recipients: vec![BOB.into()],
        encrypt_to_self: true,
        sign: true,
        own_key: Some(ALICE.into()),
    };
    let sealed = encrypt(&keys.gpg, PART, &request).unwrap();
    assert!(sealed.armored.starts_with("-----BEGIN PGP MESSAGE-----"));
    assert!(sealed.micalg.is_some_and(|m| m.starts_with("pgp-sha")));
    let opened = decrypt(&keys.gpg, sealed.armored.as_bytes()).unwrap();
    assert_eq!(opened.recipients.len(), 2);
    assert_eq!(opened.plaintext, PART);

    request.encrypt_to_self = false;
    request.sign = false;
    let sealed = encrypt(&keys.gpg, PART, &request).unwrap();
    assert_eq!(sealed.micalg, None);
    let opened = decrypt(&keys.gpg, sealed.armored.as_bytes()).unwrap();
    assert_eq!(opened.recipients.len(), 1);
    assert_eq!(opened.signature, None);

    // No own key given: self is the first secret key that can encrypt.
    request.own_key = None;
    request.encrypt_to_self = true;
    let sealed = encrypt(&keys.gpg, PART, &request).unwrap();
    let opened = decrypt(&keys.gpg, sealed.armored.as_bytes()).unwrap();
    assert_eq!(opened.recipients.len(), 2);
}

#[test]
fn recipients_gpg_will_not_use_are_named_with_the_reason() {
    let keys = testkeys::keyrings();
    let request = |to: &str| EncryptRequest {
        recipients: vec![to.into()],
        ..EncryptRequest::default()
    };
    let err = encrypt(&keys.gpg, PART, &request(DAVE)).unwrap_err();
    let expected = GpgError::InvalidRecipient {
        address: DAVE.into(),
        reason: "the key is not trusted".into(),
    };
    assert_eq!(err, expected);
    let err = encrypt(&keys.gpg, PART, &request("nobody@example.test")).unwrap_err();
    assert!(matches!(err, GpgError::InvalidRecipient { .. }), "{err:?}");
    let none = encrypt(&keys.gpg, PART, &EncryptRequest::default());
    assert!(none.is_err());
}

#[test]
fn addresses_are_named_to_gpg_for_an_exact_match() {
    assert_eq!(key_name("bob@example.test"), "<bob@example.test>");
    assert_eq!(key_name("<bob@example.test>"), "<bob@example.test>");
    assert_eq!(key_name("0123456789ABCDEF"), "0123456789ABCDEF");
    assert_eq!(micalg("10"), Some("pgp-sha512"));
    assert_eq!(micalg("99"), None);
}
