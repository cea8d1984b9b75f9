//! Decrypting an OpenPGP message (the second part of a multipart/encrypted
//! entity, or an inline `-----BEGIN PGP MESSAGE-----` block), with the
//! verdict on a signature made in the same pass.

use super::gpg::{Gpg, GpgError, Run};
use super::verify::{Verification, signatures};

/// A decrypted message. The plaintext is only handed back when gpg says
/// decryption succeeded and the data was intact; it is never logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decrypted {
    pub plaintext: Vec<u8>,
    /// The embedded signature's verdict, when the message was signed.
    pub signature: Option<Verification>,
    /// False for a message that was only signed (`gpg --sign` armors as
    /// `PGP MESSAGE` too): it must not be shown as encrypted.
    pub was_encrypted: bool,
    /// The primary fingerprint of the user's key that decrypted it.
    pub decrypted_with: Option<String>,
    /// The key ids it was encrypted to (`ENC_TO`), the user's and others'.
    pub recipients: Vec<String>,
}

/// Decrypts `ciphertext` (armored or binary). The agent may ask for the
/// passphrase of the user's key.
pub fn decrypt(gpg: &Gpg, ciphertext: &[u8]) -> Result<Decrypted, GpgError> {
    let run = gpg.run(&["--decrypt".into()], ciphertext, None)?;
    let recipients: Vec<String> = run
        .status
        .iter()
        .filter(|line| line.keyword == "ENC_TO")
        .filter_map(|line| line.arg(0).map(str::to_string))
        .collect();
    if !succeeded(&run) {
        return Err(why_not(&run, recipients));
    }
    let decrypted_with = run.find("DECRYPTION_KEY").and_then(|line| line.arg(1));
    Ok(Decrypted {
        signature: signatures(&run.status),
        was_encrypted: run.find("DECRYPTION_OKAY").is_some(),
        decrypted_with: decrypted_with.map(str::to_string),
        recipients,
        plaintext: run.stdout,
    })
}

/// Whether the plaintext gpg wrote can be trusted to be whole. gpg's exit
/// status is no guide: a bad signature fails the run, yet decryption
/// worked.
fn succeeded(run: &Run) -> bool {
    let damaged = ["DECRYPTION_FAILED", "BADMDC", "NODATA"]
        .iter()
        .any(|keyword| run.find(keyword).is_some());
    if damaged {
        return false;
    }
    let decrypted = run.find("DECRYPTION_OKAY").is_some();
    let only_signed = run.find("BEGIN_DECRYPTION").is_none() && run.find("PLAINTEXT").is_some();
    decrypted || only_signed
}

fn why_not(run: &Run, recipients: Vec<String>) -> GpgError {
    if run.find("BADMDC").is_some() {
        return GpgError::BadData;
    }
    let error = run.failure();
    let no_key = run.find("NO_SECKEY").is_some() && run.find("DECRYPTION_KEY").is_none();
    match error {
        GpgError::Failed(_) if no_key => GpgError::NoSecretKey(recipients),
        error => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pgp::sign::{EncryptRequest, encrypt};
    use crate::pgp::testkeys::{self, ALICE, BOB};
    use crate::pgp::verify::SigStatus;

    fn request(recipients: &[&str], sign: bool) -> EncryptRequest {
        EncryptRequest {
            recipients: recipients.iter().map(|r| r.to_string()).collect(),
            encrypt_to_self: false,
            sign,
            own_key: Some(ALICE.into()),
        }
    }

    #[test]
    fn a_signed_message_decrypts_with_its_signature_and_key_named() {
        let keys = testkeys::keyrings();
        let sealed = encrypt(&keys.gpg, b"secret text\r\n", &request(&[BOB], true)).unwrap();
        let opened = decrypt(&keys.gpg, sealed.armored.as_bytes()).unwrap();
        assert_eq!(opened.plaintext, b"secret text\r\n");
        assert!(opened.was_encrypted);
        assert_eq!(opened.decrypted_with, Some(keys.fingerprint(BOB)));
        assert_eq!(opened.recipients.len(), 1);
        let signature = opened.signature.unwrap();
        assert_eq!(signature.status, SigStatus::Good);
        assert_eq!(signature.fingerprint, Some(keys.fingerprint(ALICE)));
    }

    #[test]
    fn without_the_secret_key_it_says_so_and_names_the_keys() {
        let keys = testkeys::keyrings();
        let sealed = encrypt(&keys.gpg, b"for Bob\r\n", &request(&[BOB], false)).unwrap();
        let err = decrypt(&keys.other_gpg, sealed.armored.as_bytes()).unwrap_err();
        let GpgError::NoSecretKey(ids) = &err else {
            panic!("{err:?}");
        };
        assert_eq!(ids.len(), 1);
        assert_eq!(ids[0].len(), 16, "a long key id");
        assert!(err.to_string().starts_with("no secret key"));
    }

    #[test]
    fn damaged_or_foreign_data_is_bad_data_and_yields_no_plaintext() {
        let keys = testkeys::keyrings();
        let sealed = encrypt(
            &keys.gpg,
            b"x".repeat(4000).as_slice(),
            &request(&[BOB], false),
        );
        let armored = sealed.unwrap().armored;
        let cut = &armored.as_bytes()[..armored.len() / 2];
        let truncated = [cut, b"\n-----END PGP MESSAGE-----\n"].concat();
        assert_eq!(decrypt(&keys.gpg, &truncated), Err(GpgError::BadData));
        assert_eq!(decrypt(&keys.gpg, b"hello"), Err(GpgError::BadData));
    }

    #[test]
    fn a_message_that_is_only_signed_is_not_called_encrypted() {
        let keys = testkeys::keyrings();
        let signed = keys.raw(&["--armor", "--sign", "--local-user", ALICE], b"plain\n");
        let opened = decrypt(&keys.gpg, &signed).unwrap();
        assert!(!opened.was_encrypted);
        assert_eq!(opened.plaintext, b"plain\n");
        assert_eq!(opened.signature.unwrap().status, SigStatus::Good);
    }
}
