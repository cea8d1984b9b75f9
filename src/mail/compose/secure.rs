//! PGP/MIME for outgoing mail: a formatted message signed (RFC 3156
//! multipart/signed), encrypted to every recipient and to the sender
//! (multipart/encrypted, so the Sent copy stays readable), or both. The
//! message headers stay outside; the body part with its MIME headers is
//! what is signed or encrypted. Encryption checks every recipient's key
//! first and refuses, naming who cannot receive it: never plain text by
//! surprise.

use super::draft::{BuildOptions, Draft};
use crate::pgp::{self, EncryptRequest, Gpg, GpgError, KeyState};

/// What to do to a message before it leaves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Protection {
    pub sign: bool,
    pub encrypt: bool,
}

impl Protection {
    /// The account's defaults.
    pub fn of_account(account: &crate::config::Account) -> Protection {
        Protection {
            sign: account.pgp_sign,
            encrypt: account.pgp_encrypt,
        }
    }

    pub fn any(self) -> bool {
        self.sign || self.encrypt
    }

    /// For status lines and the form: "signed", "encrypted", "signed and
    /// encrypted", "not signed or encrypted".
    pub fn describe(self) -> &'static str {
        match (self.sign, self.encrypt) {
            (true, true) => "signed and encrypted",
            (true, false) => "signed",
            (false, true) => "encrypted",
            (false, false) => "not signed or encrypted",
        }
    }
}

/// Why a message could not be protected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecureError {
    /// Some recipients have no key gpg can encrypt to.
    #[error("not sent: cannot encrypt to {}; remove them or turn encryption off", unusable(.0))]
    NoUsableKey(Vec<(String, KeyState)>),
    #[error("not sent: {0}")]
    Gpg(#[from] GpgError),
    #[error("{0}")]
    Format(String),
}

impl SecureError {
    /// The agent needs the passphrase and gpg was not allowed to ask.
    pub fn needs_passphrase(&self) -> bool {
        matches!(self, SecureError::Gpg(GpgError::PassphraseNeeded))
    }
}

fn unusable(states: &[(String, KeyState)]) -> String {
    states
        .iter()
        .map(|(address, state)| format!("{address} ({})", key_reason(state)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A short reason for a key state, as the form and errors show it.
pub fn key_reason(state: &KeyState) -> &'static str {
    match state {
        KeyState::Usable { .. } => "key ok",
        KeyState::NoKey => "no key",
        KeyState::Expired => "key expired",
        KeyState::Revoked => "key revoked",
        KeyState::Disabled => "key disabled",
        KeyState::CannotEncrypt => "key cannot encrypt",
        KeyState::NotValid => "key not trusted",
    }
}

/// The key that signs for `account` and that "self" means.
pub fn own_key(account: &crate::config::Account) -> String {
    account
        .pgp_key
        .clone()
        .unwrap_or_else(|| account.email.clone())
}

/// Every recipient's address (To, Cc and Bcc), for the key check.
pub fn recipient_addresses(draft: &Draft) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for mailbox in draft.recipients()? {
        let address = mailbox.email.to_string();
        if !out.iter().any(|a| a.eq_ignore_ascii_case(&address)) {
            out.push(address);
        }
    }
    Ok(out)
}

/// Formats `draft` for sending (Bcc kept for the local copies, as
/// `drafts::format` does) and protects it. Blocking: runs gpg.
pub fn format(
    gpg: &Gpg,
    draft: &Draft,
    protection: Protection,
    own_key: &str,
) -> Result<Vec<u8>, SecureError> {
    draft.validate().map_err(SecureError::Format)?;
    let options = BuildOptions {
        keep_bcc: true,
        allow_no_recipient: false,
    };
    let raw = draft
        .to_seven_bit_message(options)
        .map_err(SecureError::Format)?
        .formatted();
    let recipients = recipient_addresses(draft).map_err(SecureError::Format)?;
    protect(gpg, &raw, protection, own_key, &recipients)
}

/// Signs and/or encrypts a formatted message. Encrypting checks every
/// recipient first and encrypts to exactly the keys the check found, and
/// to `own_key` so the sender can read the Sent copy.
pub fn protect(
    gpg: &Gpg,
    raw: &[u8],
    protection: Protection,
    own_key: &str,
    recipients: &[String],
) -> Result<Vec<u8>, SecureError> {
    if !protection.any() {
        return Ok(raw.to_vec());
    }
    let (outer, part) = split_message(raw)?;
    let entity = if protection.encrypt {
        let fingerprints = usable_keys(gpg, recipients)?;
        let request = EncryptRequest {
            recipients: fingerprints,
            encrypt_to_self: true,
            sign: protection.sign,
            own_key: Some(own_key.to_string()),
        };
        pgp::encrypt_part(gpg, &part, &request)?
    } else {
        pgp::sign_part(gpg, &part, Some(own_key))?
    };
    let mut out = outer;
    out.extend_from_slice(format!("Content-Type: {}\r\n\r\n", entity.content_type).as_bytes());
    out.extend_from_slice(&entity.body);
    Ok(out)
}

/// The fingerprint to encrypt to for each recipient, or the refusal that
/// names every recipient without one.
fn usable_keys(gpg: &Gpg, recipients: &[String]) -> Result<Vec<String>, SecureError> {
    let addresses: Vec<&str> = recipients.iter().map(String::as_str).collect();
    let states = pgp::check_recipients(gpg, &addresses)?;
    let missing: Vec<(String, KeyState)> = states
        .iter()
        .filter(|(_, state)| !matches!(state, KeyState::Usable { .. }))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(SecureError::NoUsableKey(missing));
    }
    Ok(states
        .into_iter()
        .filter_map(|(_, state)| match state {
            KeyState::Usable { fingerprint } => Some(fingerprint),
            _ => None,
        })
        .collect())
}

/// Splits a formatted message into its headers without the body's own
/// (`Content-*`) fields, and the body part: those fields, a blank line and
/// the body. Folded fields stay whole.
fn split_message(raw: &[u8]) -> Result<(Vec<u8>, Vec<u8>), SecureError> {
    let end = find(raw, b"\r\n\r\n")
        .ok_or_else(|| SecureError::Format("the formatted message has no body".into()))?;
    let (head, body) = (&raw[..end + 2], &raw[end + 4..]);
    let mut outer = Vec::with_capacity(head.len());
    let mut part = Vec::with_capacity(body.len() + 256);
    for field in fields(head) {
        let is_content = field.len() > 8 && field[..8].eq_ignore_ascii_case(b"content-");
        if is_content {
            part.extend_from_slice(field);
        } else {
            outer.extend_from_slice(field);
        }
    }
    if part.is_empty() {
        part.extend_from_slice(b"Content-Type: text/plain; charset=us-ascii\r\n");
    }
    part.extend_from_slice(b"\r\n");
    part.extend_from_slice(body);
    Ok((outer, part))
}

/// The header fields of `head` (CRLF line ends), each with its folded
/// continuation lines and final CRLF.
fn fields(head: &[u8]) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(n) = find(&head[i..], b"\r\n") {
        let next = i + n + 2;
        let continues = matches!(head.get(next), Some(b' ' | b'\t'));
        if !continues {
            out.push(&head[start..next]);
            start = next;
        }
        i = next;
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// `raw` as a reply should read it: a signed message as its signed part,
/// an encrypted one decrypted (its headers kept), so that the quote is
/// the text and not the armor. Also whether it was encrypted, so that the
/// reply can be too. Anything gpg cannot open is left as it is.
pub fn readable(gpg: &Gpg, raw: &[u8]) -> (Vec<u8>, bool) {
    let (inner, encrypted) = match pgp::find_pgp(raw) {
        Some(pgp::PgpContent::Signed(part)) => (part.signed, false),
        Some(pgp::PgpContent::Encrypted(part)) => match pgp::decrypt(gpg, &part.ciphertext) {
            Ok(opened) => match pgp::find_signed(&opened.plaintext) {
                Some(signed) => (signed.signed, opened.was_encrypted),
                None => (opened.plaintext, opened.was_encrypted),
            },
            Err(_) => return (raw.to_vec(), true),
        },
        _ => return (raw.to_vec(), false),
    };
    match split_message(&pgp::canonicalize(raw)) {
        Ok((mut outer, _)) => {
            outer.extend_from_slice(&inner);
            (outer, encrypted)
        }
        Err(_) => (raw.to_vec(), encrypted),
    }
}

/// What the interface does once a key is unlocked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterUnlock {
    /// Send the form's message again.
    Send,
    /// Show this message again (it can be decrypted now).
    View(crate::store::MessageId),
}

/// A key to unlock with the terminal handed to gpg's pinentry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnlockRequest {
    /// The key to unlock; `None`: gpg's default key.
    pub key: Option<String>,
    pub then: AfterUnlock,
}

/// Unlocks the request's key with a pinentry that may ask, on `tty` (the
/// terminal the interface just handed over). Blocking.
pub fn unlock_on_terminal(
    config: &crate::config::PgpConfig,
    request: &UnlockRequest,
    tty: Option<std::path::PathBuf>,
) -> Result<(), String> {
    let mut gpg = Gpg::from_config(config).with_pinentry(pgp::Pinentry::Agent);
    gpg.tty = tty;
    unlock(&gpg, request.key.as_deref()).map_err(|e| e.to_string())
}

/// Asks the agent for the passphrase of `key` by signing a few bytes, so
/// that it is cached for the operation that needed it. Run with a
/// pinentry that may ask (and the terminal handed over for a terminal
/// one).
pub fn unlock(gpg: &Gpg, key: Option<&str>) -> Result<(), GpgError> {
    pgp::sign_detached(gpg, b"wirepost unlock\r\n", key).map(|_| ())
}

#[cfg(test)]
#[path = "secure_tests.rs"]
mod tests;
