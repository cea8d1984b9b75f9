//! Signing and encrypting outgoing mail: a detached, armored signature
//! with the `micalg` that PGP/MIME must name, and an armored message
//! encrypted to the recipients (and to the sender, so the Sent copy stays
//! readable), optionally signed in the same pass.

use super::gpg::{Gpg, GpgError};
use super::keys::secret_keys;
use std::ffi::OsString;

/// A detached signature, ready for an `application/pgp-signature` part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// ASCII armor (`-----BEGIN PGP SIGNATURE-----` …).
    pub armored: String,
    /// The hash as RFC 3156 names it in `micalg`, e.g. `pgp-sha256`.
    pub micalg: String,
    /// The fingerprint of the key that signed.
    pub fingerprint: Option<String>,
}

/// What to encrypt to, and whether to sign too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EncryptRequest {
    /// Addresses (matched exactly, as [`super::check_recipients`] does) or
    /// fingerprints; fingerprints from the check are the safest.
    pub recipients: Vec<String>,
    /// Also encrypt to the sender's own key.
    pub encrypt_to_self: bool,
    /// Sign in the same pass (the RFC 3156 6.2 combined form).
    pub sign: bool,
    /// The sender's key (fingerprint, key id or address): it signs and it
    /// is "self". `None`: gpg's default key signs and the first usable
    /// secret key is self.
    pub own_key: Option<String>,
}

/// An encrypted message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encrypted {
    /// ASCII armor (`-----BEGIN PGP MESSAGE-----` …).
    pub armored: String,
    /// The signature's `micalg`, when it was signed too.
    pub micalg: Option<String>,
}

/// Signs exactly `data` (for PGP/MIME: the part canonicalized to CRLF)
/// with `signer`, or gpg's default key when `None`. The agent may ask for
/// the key's passphrase.
pub fn sign_detached(gpg: &Gpg, data: &[u8], signer: Option<&str>) -> Result<Signature, GpgError> {
    let mut args: Vec<OsString> = vec!["--armor".into(), "--detach-sign".into()];
    if let Some(signer) = signer {
        args.extend(["--local-user".into(), key_name(signer)]);
    }
    let run = gpg.run(&args, data, None)?;
    let created = match run.find("SIG_CREATED") {
        Some(line) if run.success => line,
        _ => return Err(run.failure()),
    };
    // SIG_CREATED <type> <pk_algo> <hash_algo> <class> <time> <fpr>
    let micalg = created
        .arg(2)
        .and_then(micalg)
        .ok_or_else(|| GpgError::Failed(format!("unknown hash algorithm {:?}", created.arg(2))))?;
    Ok(Signature {
        armored: String::from_utf8_lossy(&run.stdout).into_owned(),
        micalg: micalg.to_string(),
        fingerprint: created.arg(5).map(str::to_string),
    })
}

/// Encrypts `plaintext` as [`EncryptRequest`] says. gpg refuses keys it
/// does not consider valid; check recipients first to say which.
pub fn encrypt(
    gpg: &Gpg,
    plaintext: &[u8],
    request: &EncryptRequest,
) -> Result<Encrypted, GpgError> {
    if request.recipients.is_empty() && !request.encrypt_to_self {
        return Err(GpgError::Failed("no recipients to encrypt to".into()));
    }
    let mut args: Vec<OsString> = vec!["--armor".into(), "--encrypt".into()];
    if request.sign {
        args.push("--sign".into());
    }
    if let Some(own) = &request.own_key {
        args.extend(["--local-user".into(), key_name(own)]);
    }
    if request.encrypt_to_self {
        args.extend(["--recipient".into(), self_key(gpg, request)?]);
    }
    for recipient in &request.recipients {
        args.extend(["--recipient".into(), key_name(recipient)]);
    }
    let run = gpg.run(&args, plaintext, None)?;
    if !run.success || run.find("END_ENCRYPTION").is_none() {
        return Err(run.failure());
    }
    let micalg = run
        .find("SIG_CREATED")
        .and_then(|line| line.arg(2))
        .and_then(micalg);
    Ok(Encrypted {
        armored: String::from_utf8_lossy(&run.stdout).into_owned(),
        micalg: micalg.map(str::to_string),
    })
}

/// The key that "self" means: the given own key, else the first secret
/// key that can encrypt.
fn self_key(gpg: &Gpg, request: &EncryptRequest) -> Result<OsString, GpgError> {
    if let Some(own) = &request.own_key {
        return Ok(key_name(own));
    }
    let own = secret_keys(gpg)?.into_iter().find(|key| key.can_encrypt);
    match own {
        Some(key) => Ok(key.fingerprint.into()),
        None => Err(GpgError::NoOwnKey),
    }
}

/// How a key is named to gpg: an address as `<address>`, which gpg
/// matches exactly (a bare address would match as a substring, so that
/// `bob@example.org` would find `jimbob@example.org`); anything else as it
/// is.
fn key_name(name: &str) -> OsString {
    let name = name.trim();
    if name.contains('@') && !name.starts_with('<') && !name.contains(' ') {
        format!("<{name}>").into()
    } else {
        name.into()
    }
}

/// RFC 3156's `micalg` for an OpenPGP hash algorithm number (RFC 4880
/// 9.4).
fn micalg(hash_algo: &str) -> Option<&'static str> {
    Some(match hash_algo {
        "1" => "pgp-md5",
        "2" => "pgp-sha1",
        "3" => "pgp-ripemd160",
        "8" => "pgp-sha256",
        "9" => "pgp-sha384",
        "10" => "pgp-sha512",
        "11" => "pgp-sha224",
        _ => return None,
    })
}

#[cfg(test)]
#[path = "sign_tests.rs"]
mod tests;
