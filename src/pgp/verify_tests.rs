use super::*;
use crate::pgp::status::parse_status;
use crate::pgp::testkeys::{self, ALICE, OLD, PAST, REVOKED_TEXT};

const TEXT: &[u8] = b"Content-Type: text/plain\r\n\r\nHello, world.\r\n";

fn detach_sign(keys: &testkeys::Keyrings, extra: &[&str], signer: &str) -> Vec<u8> {
    let mut args = extra.to_vec();
    args.extend(["--armor", "--detach-sign", "--local-user", signer]);
    keys.raw(&args, TEXT)
}

#[test]
fn a_good_signature_names_its_signer_key_time_and_trust() {
    let keys = testkeys::keyrings();
    let signature = detach_sign(&keys, &[], ALICE);
    let v = verify_detached(&keys.gpg, TEXT, &signature).unwrap();
    assert_eq!(v.status, SigStatus::Good);
    assert_eq!(v.signer.as_deref(), Some("Alice <alice@example.test>"));
    assert_eq!(v.fingerprint, Some(keys.fingerprint(ALICE)));
    assert_eq!(v.key_id.as_deref().map(str::len), Some(16));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - v.signed_at.unwrap()).abs() < 600);
    assert_eq!(v.trust, Some(Trust::Ultimate));
}

#[test]
fn one_changed_byte_makes_the_signature_bad() {
    let keys = testkeys::keyrings();
    let signature = detach_sign(&keys, &[], ALICE);
    let mut changed = TEXT.to_vec();
    changed[30] ^= 0x20;
    let v = verify_detached(&keys.gpg, &changed, &signature).unwrap();
    assert_eq!(v.status, SigStatus::Bad);
    assert_eq!(v.signer.as_deref(), Some("Alice <alice@example.test>"));
    assert_eq!(v.trust, None);
}

#[test]
fn a_signer_missing_from_the_keyring_is_unknown_but_identified() {
    let keys = testkeys::keyrings();
    let signature = detach_sign(&keys, &[], ALICE);
    let v = verify_detached(&keys.other_gpg, TEXT, &signature).unwrap();
    assert_eq!(v.status, SigStatus::UnknownKey);
    assert_eq!(v.fingerprint, Some(keys.fingerprint(ALICE)));
    assert!(v.signed_at.is_some());
}

#[test]
fn expired_keys_expired_signatures_and_revoked_keys_are_told_apart() {
    let keys = testkeys::keyrings();
    let in_2020 = ["--faked-system-time", "20200101T000000"];
    let old = detach_sign(&keys, &in_2020, OLD);
    let v = verify_detached(&keys.gpg, TEXT, &old).unwrap();
    assert_eq!(v.status, SigStatus::ExpiredKey);
    assert_eq!(v.signed_at, Some(1_577_836_800));

    let expiring = [&in_2020[..], &["--default-sig-expire", "1d"]].concat();
    let past = detach_sign(&keys, &expiring, PAST);
    let v = verify_detached(&keys.gpg, TEXT, &past).unwrap();
    assert_eq!(v.status, SigStatus::ExpiredSignature);

    let v = verify_detached(&keys.gpg, REVOKED_TEXT, &keys.revoked_signature).unwrap();
    assert_eq!(v.status, SigStatus::RevokedKey);
}

#[test]
fn data_that_is_no_signature_is_an_error_not_a_verdict() {
    let keys = testkeys::keyrings();
    let err = verify_detached(&keys.gpg, TEXT, b"not a signature").unwrap_err();
    assert_eq!(err, GpgError::NoSignature);
}

#[test]
fn a_clearsigned_text_comes_back_unescaped_with_its_verdict() {
    let keys = testkeys::keyrings();
    let text = b"Hello\n- a dashed line\nFrom here\n";
    let clearsigned = keys.raw(&["--clearsign", "--local-user", ALICE], text);
    let (signed, v) = verify_clearsigned(&keys.gpg, &clearsigned).unwrap();
    assert_eq!(v.status, SigStatus::Good);
    assert_eq!(signed, text);

    let tampered = String::from_utf8(clearsigned)
        .unwrap()
        .replace("Hello", "Hullo");
    let (_, v) = verify_clearsigned(&keys.gpg, tampered.as_bytes()).unwrap();
    assert_eq!(v.status, SigStatus::Bad);
}

#[test]
fn among_several_signatures_a_bad_one_is_the_one_shown() {
    let status = parse_status(
        b"[GNUPG:] NEWSIG\n\
          [GNUPG:] GOODSIG AAAA Good Person\n\
          [GNUPG:] VALIDSIG FPR1 2024-01-01 1704067200 0 4 0 22 8 00 FPR1\n\
          [GNUPG:] TRUST_FULLY 0 pgp\n\
          [GNUPG:] NEWSIG\n\
          [GNUPG:] BADSIG BBBB Bad Person\n",
    );
    let shown = signatures(&status).unwrap();
    assert_eq!(shown.status, SigStatus::Bad);
    assert_eq!(shown.signer.as_deref(), Some("Bad Person"));
    assert_eq!(shown.trust, None);
    assert_eq!(signatures(&status[..4]).unwrap().trust, Some(Trust::Full));
}
