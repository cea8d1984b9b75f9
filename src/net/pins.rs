//! Trust on first use for TLS servers, like ssh's known_hosts: the first
//! time a host:port is met with pinning on, the SHA-256 of its public key
//! is written to a file; later connections must present the same key, or
//! they are refused loudly with both fingerprints and the line to remove
//! if the change is expected. One line per host:
//! `host:port SHA256-OF-KEY  # first seen DATE, SUBJECT`.

use super::cert;
use rustls_pki_types::CertificateDer;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The pin file in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pins {
    pub path: PathBuf,
}

/// What the pin file said about a host's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinCheck {
    /// Not seen before: remembered now.
    Pinned { file: PathBuf },
    /// The same key as last time.
    Matches,
    /// A different key: refused.
    Changed {
        pinned: String,
        presented: String,
        file: PathBuf,
        line: usize,
    },
    /// The file could not be read or written, or the certificate not
    /// parsed: refused, since the promise cannot be kept.
    Unreadable { reason: String },
}

impl PinCheck {
    /// The check in plain words; None when there is nothing to say.
    pub fn words(&self, host: &str) -> Option<String> {
        match self {
            PinCheck::Matches => None,
            PinCheck::Pinned { file } => Some(format!(
                "first connection to {host}: its key is pinned now (in {})",
                file.display()
            )),
            PinCheck::Changed {
                pinned,
                presented,
                file,
                line,
            } => Some(format!(
                "THE KEY OF {host} HAS CHANGED since it was pinned: pinned {pinned}, \
                 presented {presented}. Someone may be in the middle; if the change is \
                 expected, remove line {line} of {}",
                file.display()
            )),
            PinCheck::Unreadable { reason } => Some(format!("cannot check the pin: {reason}")),
        }
    }
}

/// `$XDG_DATA_HOME/wirepost/tls_pins`.
pub fn default_file() -> PathBuf {
    crate::config::Paths::from_env().data_dir.join("tls_pins")
}

impl Pins {
    pub fn new(path: impl Into<PathBuf>) -> Pins {
        Pins { path: path.into() }
    }

    /// Compares `leaf`'s key with the pin for `host` ("host:port"),
    /// pinning it when there is none.
    pub fn check(&self, host: &str, leaf: &CertificateDer<'_>) -> PinCheck {
        let Some(presented) = cert::key_fingerprint(leaf) else {
            return PinCheck::Unreadable {
                reason: "the server's certificate cannot be read".into(),
            };
        };
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return PinCheck::Unreadable {
                    reason: format!("{}: {e}", self.path.display()),
                };
            }
        };
        if let Some((line, pinned)) = find(&text, host) {
            if pinned.eq_ignore_ascii_case(&presented) {
                return PinCheck::Matches;
            }
            return PinCheck::Changed {
                pinned: pinned.to_string(),
                presented,
                file: self.path.clone(),
                line,
            };
        }
        let note = cert::describe(leaf).map_or_else(String::new, |c| c.subject);
        match append(&self.path, host, &presented, &note) {
            Ok(()) => PinCheck::Pinned {
                file: self.path.clone(),
            },
            Err(e) => PinCheck::Unreadable {
                reason: format!("cannot write {}: {e}", self.path.display()),
            },
        }
    }
}

/// The line number (from 1) and fingerprint pinned for `host`.
fn find<'a>(text: &'a str, host: &str) -> Option<(usize, &'a str)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let line = line.split('#').next().unwrap_or("");
        let mut fields = line.split_whitespace();
        let (name, fingerprint) = (fields.next()?, fields.next()?);
        name.eq_ignore_ascii_case(host)
            .then_some((i + 1, fingerprint))
    })
}

fn append(path: &Path, host: &str, fingerprint: &str, note: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    // One write of one line: appends from two processes do not interleave.
    let line = format!(
        "{host} {fingerprint}  # first seen {}, {}\n",
        cert::utc(now),
        note.replace(['\n', '\r'], " ")
    );
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?
        .write_all(line.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(name: &str) -> CertificateDer<'static> {
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec![name.into()]).unwrap();
        params.self_signed(&key).unwrap().der().clone()
    }

    #[test]
    fn pins_on_first_use_matches_then_refuses_a_new_key() {
        let dir = tempfile::tempdir().unwrap();
        let pins = Pins::new(dir.path().join("sub/tls_pins"));
        let first = leaf("mail.example.test");
        let other = leaf("mail.example.test");
        assert!(matches!(
            pins.check("mail.example.test:993", &first),
            PinCheck::Pinned { .. }
        ));
        assert_eq!(
            pins.check("mail.example.test:993", &first),
            PinCheck::Matches
        );
        // Another port is another service, pinned on its own.
        assert!(matches!(
            pins.check("mail.example.test:465", &other),
            PinCheck::Pinned { .. }
        ));
        match pins.check("mail.example.test:993", &other) {
            PinCheck::Changed {
                pinned,
                presented,
                line,
                ..
            } => {
                assert_eq!(line, 1);
                assert_eq!(Some(pinned), cert::key_fingerprint(&first));
                assert_eq!(Some(presented), cert::key_fingerprint(&other));
            }
            other => panic!("{other:?}"),
        }
        let words = pins
            .check("mail.example.test:993", &other)
            .words("mail.example.test:993")
            .unwrap();
        assert!(words.contains("HAS CHANGED"), "{words}");
        assert!(words.contains("remove line 1"), "{words}");
    }
}
