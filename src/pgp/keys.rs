//! Keys in the user's keyring, from `gpg --with-colons` listings: whether
//! each recipient of a message has a key gpg will encrypt to (checked
//! before sending, so the composer can say who is missing), and the
//! user's own secret keys.

use super::gpg::{Gpg, GpgError};
use super::status::error_code;
use std::ffi::OsString;

/// Whether gpg can encrypt to an address, and with which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyState {
    /// Encrypt to this fingerprint: it is the key gpg would choose.
    Usable {
        fingerprint: String,
    },
    NoKey,
    Expired,
    Revoked,
    Disabled,
    /// The key has no usable encryption (sub)key.
    CannotEncrypt,
    /// The key's user id is not validated by the user's web of trust, so
    /// gpg refuses it in batch mode.
    NotValid,
}

/// One of the user's own (secret) keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnKey {
    pub fingerprint: String,
    pub user_ids: Vec<String>,
    pub can_sign: bool,
    pub can_encrypt: bool,
}

/// One key of a listing with the fields the checks read.
#[derive(Debug, Clone, Default)]
struct ListedKey {
    validity: char,
    /// Uppercase letters are what the whole key (subkeys included) can do
    /// now; `D` marks a disabled key.
    capabilities: String,
    created: u64,
    fingerprint: String,
    uids: Vec<(char, String)>,
}

/// For each address, in order, the state of the best key that carries it
/// as a user id's email (compared case-insensitively). Ask before sending,
/// then encrypt to the fingerprints so gpg uses exactly these keys.
pub fn check_recipients(
    gpg: &Gpg,
    addresses: &[&str],
) -> Result<Vec<(String, KeyState)>, GpgError> {
    if addresses.is_empty() {
        return Ok(Vec::new());
    }
    let keys = list(gpg, "--list-keys", addresses)?;
    let trust_all = trusts_every_key(gpg);
    Ok(addresses
        .iter()
        .map(|address| {
            let state = match best_state(&keys, address) {
                // gpg.conf says `trust-model always`: listings still call
                // such keys not valid, but gpg encrypts to them.
                KeyState::NotValid if trust_all => usable_unvalidated(&keys, address),
                state => state,
            };
            (address.to_string(), state)
        })
        .collect())
}

/// The newest key for `address` that would be usable but for validity.
fn usable_unvalidated(keys: &[ListedKey], address: &str) -> KeyState {
    keys.iter()
        .filter(|key| {
            key.uids
                .iter()
                .any(|(_, uid)| email_of(uid).eq_ignore_ascii_case(address.trim()))
        })
        .filter(|key| {
            key_state(key, 'f')
                == KeyState::Usable {
                    fingerprint: key.fingerprint.clone(),
                }
        })
        .max_by_key(|key| key.created)
        .map_or(KeyState::NotValid, |key| KeyState::Usable {
            fingerprint: key.fingerprint.clone(),
        })
}

/// Whether the user's gpg.conf turns validity checks off (`trust-model
/// always` or the old `always-trust`).
fn trusts_every_key(gpg: &Gpg) -> bool {
    let home = gpg
        .homedir
        .clone()
        .or_else(|| std::env::var_os("GNUPGHOME").map(Into::into))
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".gnupg")));
    let Some(conf) = home.and_then(|h| std::fs::read_to_string(h.join("gpg.conf")).ok()) else {
        return false;
    };
    conf.lines().any(|line| {
        let words: Vec<&str> = line.split_whitespace().collect();
        matches!(
            words.as_slice(),
            ["trust-model", "always"] | ["always-trust"]
        )
    })
}

/// The user's secret keys that are neither revoked nor expired, in
/// keyring order (gpg's default key, unless gpg.conf names one, is the
/// first that can sign).
pub fn secret_keys(gpg: &Gpg) -> Result<Vec<OwnKey>, GpgError> {
    let keys = list(gpg, "--list-secret-keys", &[])?;
    Ok(keys
        .into_iter()
        .filter(|key| !matches!(key.validity, 'r' | 'e' | 'i'))
        .map(|key| OwnKey {
            can_sign: key.capabilities.contains('S'),
            can_encrypt: key.capabilities.contains('E'),
            user_ids: key.uids.into_iter().map(|(_, uid)| uid).collect(),
            fingerprint: key.fingerprint,
        })
        .collect())
}

/// The email addresses in the user ids of the public key with this
/// fingerprint that are neither revoked nor expired, to check a signer
/// against a message's From. Empty when the key is not in the keyring.
pub fn key_addresses(gpg: &Gpg, fingerprint: &str) -> Result<Vec<String>, GpgError> {
    let pattern = fingerprint.trim();
    if pattern.is_empty() || !pattern.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(Vec::new());
    }
    let keys = list_patterns(gpg, "--list-keys", vec![pattern.into()])?;
    Ok(keys
        .iter()
        .filter(|key| key.fingerprint.eq_ignore_ascii_case(pattern))
        .flat_map(|key| key.uids.iter())
        .filter(|(validity, _)| !matches!(validity, 'r' | 'e'))
        .map(|(_, uid)| email_of(uid).to_string())
        .collect())
}

/// Runs a colon listing for `patterns` (none: the whole keyring).
fn list(gpg: &Gpg, command: &str, patterns: &[&str]) -> Result<Vec<ListedKey>, GpgError> {
    // `<address>` asks gpg for exact email matches, not substrings.
    let exact = patterns.iter().map(|p| format!("<{}>", p.trim()).into());
    list_patterns(gpg, command, exact.collect())
}

/// Runs a colon listing for patterns given to gpg as they are.
fn list_patterns(
    gpg: &Gpg,
    command: &str,
    patterns: Vec<OsString>,
) -> Result<Vec<ListedKey>, GpgError> {
    let mut args: Vec<OsString> = vec!["--with-colons".into(), "--fixed-list-mode".into()];
    args.push(command.into());
    args.push("--".into());
    args.extend(patterns);
    let run = gpg.run(&args, b"", None)?;
    // A pattern that matches nothing is `ERROR keylist.getkey 9` and a
    // failed exit, which is an answer here; anything else is a failure.
    let real_error = run.status.iter().any(|line| {
        matches!(line.keyword.as_str(), "ERROR" | "FAILURE")
            && !matches!(line.arg(1).and_then(error_code), Some(9 | 17 | 27))
    });
    if !run.success && real_error {
        return Err(run.failure());
    }
    Ok(parse_listing(&String::from_utf8_lossy(&run.stdout)))
}

fn parse_listing(text: &str) -> Vec<ListedKey> {
    let mut keys: Vec<ListedKey> = Vec::new();
    let mut in_primary = false;
    for line in text.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        let field = |n: usize| fields.get(n).copied().unwrap_or_default();
        match field(0) {
            "pub" | "sec" => {
                keys.push(ListedKey {
                    validity: field(1).chars().next().unwrap_or('-'),
                    capabilities: field(11).to_string(),
                    created: field(5).parse().unwrap_or(0),
                    ..ListedKey::default()
                });
                in_primary = true;
            }
            "fpr" if in_primary => {
                if let Some(key) = keys.last_mut() {
                    key.fingerprint = field(9).to_string();
                }
                in_primary = false;
            }
            "uid" => {
                let validity = field(1).chars().next().unwrap_or('-');
                if let Some(key) = keys.last_mut() {
                    key.uids.push((validity, unescape(field(9))));
                }
            }
            "sub" | "ssb" => in_primary = false,
            _ => {}
        }
    }
    keys
}

/// The state of the best key for `address`: a usable key if there is one
/// (the most trusted, then the newest, as gpg itself prefers), else the
/// failure nearest to usable.
fn best_state(keys: &[ListedKey], address: &str) -> KeyState {
    let mut best: Option<(u32, u64, KeyState)> = None;
    for key in keys {
        for (validity, uid) in &key.uids {
            if !email_of(uid).eq_ignore_ascii_case(address.trim()) {
                continue;
            }
            let state = key_state(key, *validity);
            let rank = rank(&state, *validity);
            if best
                .as_ref()
                .is_none_or(|(r, c, _)| (rank, key.created) > (*r, *c))
            {
                best = Some((rank, key.created, state));
            }
        }
    }
    best.map_or(KeyState::NoKey, |(_, _, state)| state)
}

fn key_state(key: &ListedKey, uid_validity: char) -> KeyState {
    if key.validity == 'r' || uid_validity == 'r' {
        KeyState::Revoked
    } else if key.validity == 'e' || uid_validity == 'e' {
        KeyState::Expired
    } else if key.capabilities.contains('D') || key.validity == 'd' {
        KeyState::Disabled
    } else if !key.capabilities.contains('E') {
        KeyState::CannotEncrypt
    } else if !matches!(uid_validity, 'm' | 'f' | 'u') {
        KeyState::NotValid
    } else {
        KeyState::Usable {
            fingerprint: key.fingerprint.clone(),
        }
    }
}

/// Orders states by how close they are to usable (higher is better).
fn rank(state: &KeyState, validity: char) -> u32 {
    match state {
        KeyState::Usable { .. } => 10 + "mfu".find(validity).unwrap_or(0) as u32,
        KeyState::NotValid => 5,
        KeyState::CannotEncrypt => 4,
        KeyState::Expired => 3,
        KeyState::Disabled => 2,
        KeyState::Revoked => 1,
        KeyState::NoKey => 0,
    }
}

/// The address in a user id: inside the last `<…>`, else the whole id
/// when it is a bare address.
fn email_of(uid: &str) -> &str {
    match (uid.rfind('<'), uid.rfind('>')) {
        (Some(open), Some(close)) if open < close => &uid[open + 1..close],
        _ => uid.trim(),
    }
}

/// Undoes the `\xHH` escapes colon listings use for `:` and control bytes.
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'x'))
            .then(|| bytes.get(i + 2..i + 4))
            .flatten()
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 4;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
#[path = "keys_tests.rs"]
mod tests;
