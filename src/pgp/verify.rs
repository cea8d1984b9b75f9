//! Checking signatures: a detached signature over exact bytes (PGP/MIME)
//! and an inline clearsigned text, each read into a [`Verification`]
//! from gpg's status lines.

use super::gpg::{EXTRA_FD, Gpg, GpgError, Run};
use super::status::{StatusLine, error_code, parse_time};

/// What gpg concluded about one signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub status: SigStatus,
    /// The signing key's primary user id as gpg names it (`GOODSIG` and
    /// kin). Remote-controlled text: sanitize before drawing, and note it
    /// need not match the message's From.
    pub signer: Option<String>,
    /// The signing key's primary fingerprint (`VALIDSIG`, or `ERRSIG` when
    /// the key is missing).
    pub fingerprint: Option<String>,
    /// The long key id gpg reported the signature with.
    pub key_id: Option<String>,
    /// Seconds since the epoch at which the signature was made.
    pub signed_at: Option<i64>,
    /// How far the user's web of trust vouches for the key, for display;
    /// `None` when gpg said nothing (a bad signature, a missing key).
    pub trust: Option<Trust>,
}

/// The verdict on a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigStatus {
    Good,
    /// The data does not match the signature.
    Bad,
    /// The signer's public key is not in the keyring.
    UnknownKey,
    /// Valid, made by a key that has expired since.
    ExpiredKey,
    /// Valid, but the signature itself has expired.
    ExpiredSignature,
    /// Valid, made by a key that has been revoked.
    RevokedKey,
    /// gpg could not check it (e.g. an unsupported algorithm).
    Error(String),
}

/// The `TRUST_*` levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    Undefined,
    Never,
    Marginal,
    Full,
    Ultimate,
}

/// Verifies `signature` (armored or binary) over exactly `signed`. For
/// PGP/MIME, `signed` is the first part as it was on the wire, CRLF line
/// ends included.
pub fn verify_detached(
    gpg: &Gpg,
    signed: &[u8],
    signature: &[u8],
) -> Result<Verification, GpgError> {
    // "--" ends the options: the descriptor names start with a dash.
    let args = ["--verify".into(), "--".into(), EXTRA_FD.into(), "-".into()];
    let run = gpg.run(&args, signed, Some(signature))?;
    verdict(&run)
}

/// Verifies a clearsigned text (`-----BEGIN PGP SIGNED MESSAGE-----`),
/// returning the text as signed (dash-escaping undone) and the verdict.
/// The text is only gpg's output: show it, not the input around it.
pub fn verify_clearsigned(
    gpg: &Gpg,
    clearsigned: &[u8],
) -> Result<(Vec<u8>, Verification), GpgError> {
    let args = ["--output".into(), "-".into(), "--verify".into()];
    let run = gpg.run(&args, clearsigned, None)?;
    let verification = verdict(&run)?;
    Ok((run.stdout, verification))
}

/// The verdict of a verifying run, or why there is none.
fn verdict(run: &Run) -> Result<Verification, GpgError> {
    match signatures(&run.status) {
        Some(verification) => Ok(verification),
        None if run.find("NODATA").is_some() || run.success => Err(GpgError::NoSignature),
        None => Err(run.failure()),
    }
}

/// Reads every signature in the status lines and returns the one to show:
/// the first that is not good, so that one bad signature among good ones
/// is never hidden; else the first.
pub(crate) fn signatures(status: &[StatusLine]) -> Option<Verification> {
    let mut all: Vec<Verification> = Vec::new();
    let mut open = false;
    for line in status {
        if line.keyword == "NEWSIG" {
            open = false;
            continue;
        }
        if !is_signature_line(&line.keyword) {
            continue;
        }
        if !open {
            all.push(empty());
            open = true;
        }
        if let Some(current) = all.last_mut() {
            apply(current, line);
        }
    }
    let shown = all.iter().position(|v| v.status != SigStatus::Good);
    let index = shown.unwrap_or(0);
    (index < all.len()).then(|| all.swap_remove(index))
}

fn is_signature_line(keyword: &str) -> bool {
    matches!(
        keyword,
        "GOODSIG"
            | "BADSIG"
            | "EXPSIG"
            | "EXPKEYSIG"
            | "REVKEYSIG"
            | "ERRSIG"
            | "NO_PUBKEY"
            | "VALIDSIG"
    ) || keyword.starts_with("TRUST_")
}

fn empty() -> Verification {
    Verification {
        status: SigStatus::Error("gpg gave no verdict".into()),
        signer: None,
        fingerprint: None,
        key_id: None,
        signed_at: None,
        trust: None,
    }
}

/// Folds one status line into the signature it belongs to.
fn apply(v: &mut Verification, line: &StatusLine) {
    let verdict = match line.keyword.as_str() {
        "GOODSIG" => Some(SigStatus::Good),
        "BADSIG" => Some(SigStatus::Bad),
        "EXPSIG" => Some(SigStatus::ExpiredSignature),
        "EXPKEYSIG" => Some(SigStatus::ExpiredKey),
        "REVKEYSIG" => Some(SigStatus::RevokedKey),
        _ => None,
    };
    if let Some(status) = verdict {
        v.status = status;
        v.key_id = line.arg(0).map(str::to_string);
        v.signer = line.text_after(1);
        return;
    }
    match line.keyword.as_str() {
        "ERRSIG" => apply_errsig(v, line),
        "NO_PUBKEY" => {
            v.status = SigStatus::UnknownKey;
            v.key_id = v.key_id.take().or_else(|| line.arg(0).map(str::to_string));
        }
        "VALIDSIG" => {
            // The last field, when present, is the primary key's
            // fingerprint; the first may be a signing subkey's.
            let primary = line.arg(9).or(line.arg(0));
            v.fingerprint = primary.map(str::to_string);
            v.signed_at = line.arg(2).and_then(parse_time);
        }
        keyword => v.trust = keyword.strip_prefix("TRUST_").and_then(trust_level),
    }
}

/// `ERRSIG <keyid> <pkalgo> <hashalgo> <class> <time> <rc> [<fpr>]`.
fn apply_errsig(v: &mut Verification, line: &StatusLine) {
    v.key_id = line.arg(0).map(str::to_string);
    v.signed_at = line.arg(4).and_then(parse_time);
    v.fingerprint = line.arg(6).filter(|f| f.len() >= 32).map(str::to_string);
    v.status = match line.arg(5).and_then(error_code) {
        Some(9) => SigStatus::UnknownKey,
        Some(4) => SigStatus::Error("unsupported signature algorithm".into()),
        Some(code) => SigStatus::Error(format!("gpg could not check it (error {code})")),
        None => SigStatus::Error("gpg could not check it".into()),
    };
}

fn trust_level(name: &str) -> Option<Trust> {
    Some(match name {
        "UNDEFINED" => Trust::Undefined,
        "NEVER" => Trust::Never,
        "MARGINAL" => Trust::Marginal,
        "FULLY" => Trust::Full,
        "ULTIMATE" => Trust::Ultimate,
        _ => return None,
    })
}

#[cfg(test)]
#[path = "verify_tests.rs"]
mod tests;
