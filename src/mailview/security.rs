//! OpenPGP in the viewer: a signed message verified, an encrypted one
//! decrypted (PGP/MIME, or inline PGP as a fallback), and what the reader
//! is told about it. Only what was signed or encrypted is shown as the
//! body, never text around it, and a signature counts as the sender's
//! only when the signing key carries the From address.

use super::MessageView;
use crate::pgp::{self, Gpg, GpgError, InlinePgp, PgpContent, SigStatus, Verification};

/// What OpenPGP says about the message on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Security {
    pub encryption: Option<Encryption>,
    pub signature: Option<SignatureReport>,
    /// The message has parts outside what was signed or encrypted (a
    /// mailing list footer, text around an inline block): not shown.
    pub partial: bool,
    /// Inline PGP in a text part rather than PGP/MIME.
    pub inline: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encryption {
    /// Decrypted; the body shown is the decrypted text.
    Decrypted,
    /// gpg needs the passphrase and was not allowed to ask.
    PassphraseNeeded,
    /// It cannot be decrypted (no key, damaged): why.
    Failed(String),
}

/// A signature's verdict with who made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureReport {
    pub status: SigStatus,
    /// The signing key's user id as gpg names it (remote text: sanitize).
    pub signer: Option<String>,
    pub fingerprint: Option<String>,
    pub key_id: Option<String>,
    pub signed_at: Option<i64>,
    /// Whether the signing key carries the message's From address.
    pub matches_from: bool,
}

impl Security {
    /// The lines the viewer shows above the body, most important first.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        match &self.encryption {
            Some(Encryption::Decrypted) => {
                out.push("PGP: encrypted — decrypted with your key".to_string());
            }
            Some(Encryption::PassphraseNeeded) => {
                out.push("PGP: encrypted — your key's passphrase is needed".to_string());
            }
            Some(Encryption::Failed(why)) => {
                out.push(format!("PGP: encrypted — cannot decrypt: {why}"));
            }
            None => {}
        }
        if let Some(signature) = &self.signature {
            out.push(signature.line());
        } else if self.encryption == Some(Encryption::Decrypted) {
            out.push("PGP: not signed — anyone could have written it".to_string());
        }
        if self.partial {
            out.push(
                "PGP: only part of the message is protected; the rest is not shown (raw view shows all)"
                    .to_string(),
            );
        }
        out
    }
}

impl SignatureReport {
    fn from_verification(verification: Verification) -> Self {
        SignatureReport {
            matches_from: false,
            status: verification.status,
            signer: verification.signer,
            fingerprint: verification.fingerprint,
            key_id: verification.key_id,
            signed_at: verification.signed_at,
        }
    }

    /// One line: the verdict, the signer and key, when it was made.
    pub fn line(&self) -> String {
        let who = self
            .signer
            .clone()
            .unwrap_or_else(|| "an unknown signer".into());
        let key = self
            .fingerprint
            .as_deref()
            .or(self.key_id.as_deref())
            .map(|k| format!(" (key {})", short_key(k)))
            .unwrap_or_default();
        let when = self
            .signed_at
            .map(|t| format!(", made {}", super::format_date(t)))
            .unwrap_or_default();
        let verdict = match &self.status {
            SigStatus::Good if self.matches_from => format!("good signature from {who}{key}{when}"),
            SigStatus::Good => format!(
                "good signature from {who}{key}{when}, but that key is not the sender's (From)"
            ),
            SigStatus::Bad => format!(
                "BAD signature{key}: the message was changed after it was signed, or forged"
            ),
            SigStatus::UnknownKey => {
                format!("signed by an unknown key{key}{when}: import it to check the signature")
            }
            SigStatus::ExpiredKey => {
                format!("good signature from {who}{key}{when}, but the key has expired")
            }
            SigStatus::ExpiredSignature => format!("the signature from {who}{key} has expired"),
            SigStatus::RevokedKey => {
                format!("signature from {who}{key}{when}, but the key is REVOKED")
            }
            SigStatus::Error(why) => format!("the signature cannot be checked: {why}"),
        };
        format!("PGP: {verdict}")
    }
}

fn short_key(key: &str) -> String {
    let tail = key.len().saturating_sub(16);
    key[tail..].to_string()
}

/// Builds the view of `raw`, verifying and decrypting OpenPGP with `gpg`.
pub fn build_secure(raw: &[u8], width: usize, gpg: &Gpg) -> MessageView {
    let mut view = MessageView::build(raw, width);
    let Some(found) = pgp::find_pgp(raw) else {
        return view;
    };
    let from = from_addresses(raw);
    let (security, shown) = match found {
        PgpContent::Signed(part) => signed(gpg, &part.signed, &part.signature, &from, raw),
        PgpContent::Encrypted(part) => encrypted(gpg, &part.ciphertext, &from, raw),
        PgpContent::Inline(block) => inline(gpg, block, &from),
    };
    match shown {
        Shown::Entity(entity) => view.take_body_of(&MessageView::build(&entity, width)),
        Shown::Text(text) => view.replace_body(text),
        Shown::Nothing(note) => view.replace_body(note),
    }
    view.security = Some(security);
    view
}

/// The MIME entity whose parts the secure view shows: the signed part, or
/// the decrypted one (its signed part when it is signed inside). `None`
/// when there is none (not PGP/MIME, or it cannot be decrypted).
pub fn shown_entity(raw: &[u8], gpg: &Gpg) -> Option<Vec<u8>> {
    match pgp::find_pgp(raw)? {
        PgpContent::Signed(part) => Some(part.signed),
        PgpContent::Encrypted(part) => {
            let opened = pgp::decrypt(gpg, &part.ciphertext).ok()?;
            match pgp::find_signed(&opened.plaintext) {
                Some(inner) => Some(inner.signed),
                None => Some(opened.plaintext),
            }
        }
        PgpContent::Inline(_) => None,
    }
}

/// What the body shows instead of the outer message's.
enum Shown {
    /// A MIME entity: the signed or decrypted part.
    Entity(Vec<u8>),
    /// Plain text (inline PGP).
    Text(String),
    /// Nothing readable: a note saying why.
    Nothing(String),
}

fn signed(
    gpg: &Gpg,
    part: &[u8],
    signature: &[u8],
    from: &[String],
    raw: &[u8],
) -> (Security, Shown) {
    let report = match pgp::verify_detached(gpg, part, signature) {
        Ok(v) => checked(gpg, v, from),
        Err(e) => error_report(e),
    };
    let security = Security {
        encryption: None,
        signature: Some(report),
        partial: !is_whole_body(raw, "multipart/signed"),
        inline: false,
    };
    (security, Shown::Entity(part.to_vec()))
}

fn encrypted(gpg: &Gpg, ciphertext: &[u8], from: &[String], raw: &[u8]) -> (Security, Shown) {
    let partial = !is_whole_body(raw, "multipart/encrypted");
    let opened = match pgp::decrypt(gpg, ciphertext) {
        Ok(opened) => opened,
        Err(e) => return failed(e, partial),
    };
    // Signed then encrypted (RFC 3156 6.1): the signature is inside.
    let mut signature = opened.signature.clone().map(|v| checked(gpg, v, from));
    let mut shown = opened.plaintext.clone();
    if let Some(inner) = pgp::find_signed(&opened.plaintext) {
        signature = Some(
            match pgp::verify_detached(gpg, &inner.signed, &inner.signature) {
                Ok(v) => checked(gpg, v, from),
                Err(e) => error_report(e),
            },
        );
        shown = inner.signed;
    }
    let security = Security {
        encryption: opened.was_encrypted.then_some(Encryption::Decrypted),
        signature,
        partial,
        inline: false,
    };
    (security, Shown::Entity(shown))
}

fn failed(error: GpgError, partial: bool) -> (Security, Shown) {
    let (encryption, note) = match error {
        GpgError::PassphraseNeeded => (
            Encryption::PassphraseNeeded,
            "This message is encrypted. gpg needs your key's passphrase to open it.".to_string(),
        ),
        e => (
            Encryption::Failed(e.to_string()),
            format!("This message is encrypted and cannot be read here: {e}"),
        ),
    };
    let security = Security {
        encryption: Some(encryption),
        signature: None,
        partial,
        inline: false,
    };
    (security, Shown::Nothing(note))
}

fn inline(gpg: &Gpg, block: InlinePgp, from: &[String]) -> (Security, Shown) {
    let (mut security, shown) = match block {
        InlinePgp::Clearsigned(bytes) => match pgp::verify_clearsigned(gpg, &bytes) {
            Ok((text, v)) => {
                let security = Security {
                    encryption: None,
                    signature: Some(checked(gpg, v, from)),
                    partial: false,
                    inline: true,
                };
                (
                    security,
                    Shown::Text(String::from_utf8_lossy(&text).into_owned()),
                )
            }
            Err(e) => {
                let security = Security {
                    encryption: None,
                    signature: Some(error_report(e)),
                    partial: false,
                    inline: true,
                };
                (
                    security,
                    Shown::Text(String::from_utf8_lossy(&bytes).into_owned()),
                )
            }
        },
        InlinePgp::Message(bytes) => match pgp::decrypt(gpg, &bytes) {
            Ok(opened) => {
                let security = Security {
                    encryption: opened.was_encrypted.then_some(Encryption::Decrypted),
                    signature: opened.signature.map(|v| checked(gpg, v, from)),
                    partial: false,
                    inline: true,
                };
                let text = String::from_utf8_lossy(&opened.plaintext).into_owned();
                (security, Shown::Text(text))
            }
            Err(e) => failed(e, false),
        },
    };
    // Text around an inline block is not covered by it.
    security.inline = true;
    (security, shown)
}

/// The verdict, with whether the signing key carries a From address.
fn checked(gpg: &Gpg, verification: Verification, from: &[String]) -> SignatureReport {
    let key_addresses = verification
        .fingerprint
        .as_deref()
        .map(|f| pgp::key_addresses(gpg, f).unwrap_or_default())
        .unwrap_or_default();
    let mut report = SignatureReport::from_verification(verification);
    report.matches_from = from
        .iter()
        .any(|f| key_addresses.iter().any(|k| k.eq_ignore_ascii_case(f)));
    report
}

fn error_report(error: GpgError) -> SignatureReport {
    let status = match error {
        GpgError::NoSignature => SigStatus::Error("no signature found".into()),
        e => SigStatus::Error(e.to_string()),
    };
    SignatureReport {
        status,
        signer: None,
        fingerprint: None,
        key_id: None,
        signed_at: None,
        matches_from: false,
    }
}

/// The addresses in the message's From.
fn from_addresses(raw: &[u8]) -> Vec<String> {
    let Some(message) = mail_parser::MessageParser::default().parse_headers(raw) else {
        return Vec::new();
    };
    message
        .from()
        .map(|from| {
            from.iter()
                .filter_map(|a| a.address().map(|a| a.trim().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether the message's own Content-Type is the protected entity (else it
/// sits inside something with other parts).
fn is_whole_body(raw: &[u8], content_type: &str) -> bool {
    let Some(message) = mail_parser::MessageParser::default().parse_headers(raw) else {
        return false;
    };
    use mail_parser::MimeHeaders;
    message.content_type().is_some_and(|ct| {
        let full = format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default());
        full.eq_ignore_ascii_case(content_type)
    })
}

#[cfg(test)]
#[path = "security_tests.rs"]
mod tests;
