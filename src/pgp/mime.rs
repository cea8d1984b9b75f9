//! PGP/MIME (RFC 3156) entities to send: a body part signed as
//! multipart/signed or encrypted as multipart/encrypted. Reading them back
//! out of received mail is in [`read`].
//!
//! A signature covers bytes, not meaning, so the part is canonicalized to
//! CRLF once and those very bytes are both signed and put on the wire.

pub(super) mod read;

use super::gpg::{Gpg, GpgError};
use super::sign::{EncryptRequest, Signature, encrypt, sign_detached};
use std::hash::{BuildHasher, RandomState};

/// A MIME entity: the value of its Content-Type header and its body, CRLF
/// line ends throughout. A composer may hand the two to a message builder
/// as header and 7bit body, or write [`Entity::to_bytes`] after the
/// message's other headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Entity {
    /// The Content-Type header, a blank line and the body.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("Content-Type: {}\r\n\r\n", self.content_type).into_bytes();
        out.extend_from_slice(&self.body);
        out
    }
}

/// Signs a body part (its MIME headers, a blank line and its body) with
/// `signer` (gpg's default key when `None`) and wraps it in
/// multipart/signed. The part must be 7-bit (quoted-printable or base64
/// for anything else), since a relay that re-encodes 8-bit text would
/// break the signature.
pub fn sign_part(gpg: &Gpg, part: &[u8], signer: Option<&str>) -> Result<Entity, GpgError> {
    if part.iter().any(|b| *b >= 0x80) {
        return Err(GpgError::EightBit);
    }
    let canonical = canonicalize(part);
    let signature = sign_detached(gpg, &canonical, signer)?;
    Ok(multipart_signed(&canonical, &signature))
}

/// Encrypts a body part as [`EncryptRequest`] says and wraps it in
/// multipart/encrypted. Signing in the same pass (`request.sign`) is RFC
/// 3156's combined form.
pub fn encrypt_part(gpg: &Gpg, part: &[u8], request: &EncryptRequest) -> Result<Entity, GpgError> {
    let encrypted = encrypt(gpg, &canonicalize(part), request)?;
    Ok(multipart_encrypted(&encrypted.armored))
}

/// multipart/signed around `canonical_part`, which must be exactly the
/// bytes `signature` was made over. The CRLF after the part belongs to
/// the boundary delimiter, not to the signed part.
pub fn multipart_signed(canonical_part: &[u8], signature: &Signature) -> Entity {
    let armor = canonicalize(signature.armored.as_bytes());
    let boundary = boundary_for(&[canonical_part, &armor]);
    let mut body = Vec::with_capacity(canonical_part.len() + armor.len() + 512);
    body.extend_from_slice(b"This is an OpenPGP/MIME signed message (RFC 4880 and 3156)\r\n");
    body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    body.extend_from_slice(canonical_part);
    body.extend_from_slice(format!("\r\n--{boundary}\r\n").as_bytes());
    body.extend_from_slice(
        b"Content-Type: application/pgp-signature; name=\"signature.asc\"\r\n\
          Content-Description: OpenPGP digital signature\r\n\
          Content-Disposition: attachment; filename=\"signature.asc\"\r\n\r\n",
    );
    body.extend_from_slice(&armor);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Entity {
        content_type: format!(
            "multipart/signed; micalg={}; protocol=\"application/pgp-signature\"; \
             boundary=\"{boundary}\"",
            signature.micalg
        ),
        body,
    }
}

/// multipart/encrypted around an armored OpenPGP message: the
/// "Version: 1" control part, then the message as application/octet-stream.
pub fn multipart_encrypted(armored: &str) -> Entity {
    let armor = canonicalize(armored.as_bytes());
    let boundary = boundary_for(&[&armor]);
    let mut body = Vec::with_capacity(armor.len() + 512);
    body.extend_from_slice(b"This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\r\n");
    body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    body.extend_from_slice(
        b"Content-Type: application/pgp-encrypted\r\n\
          Content-Description: PGP/MIME version identification\r\n\r\n\
          Version: 1\r\n",
    );
    body.extend_from_slice(format!("\r\n--{boundary}\r\n").as_bytes());
    body.extend_from_slice(
        b"Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\n\
          Content-Description: OpenPGP encrypted message\r\n\
          Content-Disposition: inline; filename=\"encrypted.asc\"\r\n\r\n",
    );
    body.extend_from_slice(&armor);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Entity {
        content_type: format!(
            "multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"{boundary}\""
        ),
        body,
    }
}

/// Every line end as CRLF: bare LF and bare CR become CRLF, CRLF stays.
/// This is how the bytes travel, so it is what a signature must cover.
pub fn canonicalize(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 32);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                out.extend_from_slice(b"\r\n");
                i += 2;
                continue;
            }
            b'\r' | b'\n' => out.extend_from_slice(b"\r\n"),
            byte => out.push(byte),
        }
        i += 1;
    }
    out
}

/// A boundary that occurs in none of `contents` (RFC 2046 5.1.1: it must
/// not appear inside the parts it separates).
fn boundary_for(contents: &[&[u8]]) -> String {
    let state = RandomState::new();
    let mut salt = 0u64;
    loop {
        let boundary = format!(
            "wirepost-pgp-{:016x}{:016x}",
            state.hash_one(salt),
            state.hash_one(salt + 1)
        );
        if !contents.iter().any(|c| contains(c, boundary.as_bytes())) {
            return boundary;
        }
        salt += 2;
    }
}

pub(super) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[cfg(test)]
mod tests;
