//! OpenPGP through the user's own gpg (their keyring, agent and pinentry):
//! verifying, decrypting, signing and encrypting, checking recipients'
//! keys, and PGP/MIME (RFC 3156) entities to send and to read.
//!
//! Everything here is synchronous and may wait on gpg (and on the user, at
//! a pinentry), so callers run it off the interface's loop. Results are
//! typed; nothing is printed, and plaintext, passphrases and secret keys
//! are never logged. Only `config`, `report`, `sanitize` and external
//! crates are used.

mod decrypt;
mod gpg;
mod keys;
mod mime;
mod sign;
mod status;
mod verify;

#[cfg(test)]
pub(crate) mod testkeys;

pub use decrypt::{Decrypted, decrypt};
pub use gpg::{Gpg, GpgError, Pinentry};
pub use keys::{KeyState, OwnKey, check_recipients, key_addresses, secret_keys};
pub use mime::read::{
    EncryptedPart, InlinePgp, PgpContent, SignedPart, find_encrypted, find_inline, find_pgp,
    find_signed,
};
pub use mime::{
    Entity, canonicalize, encrypt_part, multipart_encrypted, multipart_signed, sign_part,
};
pub use sign::{EncryptRequest, Encrypted, Signature, encrypt, sign_detached};
pub use verify::{SigStatus, Trust, Verification, verify_clearsigned, verify_detached};
