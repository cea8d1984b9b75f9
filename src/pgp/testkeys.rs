//! Throw-away keyrings for the tests, made with the real gpg. Generating
//! keys takes a while, so tests share one set while any of them runs; when
//! the last one lets go, the agents are stopped and the directories go.

use super::gpg::Gpg;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex, Weak};
use tempfile::TempDir;

/// The user's home, `home`, holds secret keys for Alice and Bob (both
/// ultimately trusted, as one's own keys are) and public keys in every
/// state the recipient check tells apart. `other` belongs to Dave, whose
/// public key `home` has imported without trusting it.
pub(crate) struct Keyrings {
    home: TempDir,
    other: TempDir,
    pub gpg: Gpg,
    pub other_gpg: Gpg,
    /// A detached signature over [`REVOKED_TEXT`], made by the revoked key
    /// before it was revoked.
    pub revoked_signature: Vec<u8>,
}

pub(crate) const REVOKED_TEXT: &[u8] = b"signed before the key was revoked\r\n";

pub(crate) const ALICE: &str = "alice@example.test";
pub(crate) const BOB: &str = "bob@example.test";
/// Made in 2019, expired in 2021.
pub(crate) const OLD: &str = "old@example.test";
/// Made in 2019, never expires; signs with an expiring signature.
pub(crate) const PAST: &str = "past@example.test";
pub(crate) const REVOKED: &str = "rev@example.test";
pub(crate) const DISABLED: &str = "dis@example.test";
/// A key that can sign but has no encryption subkey.
pub(crate) const SIGN_ONLY: &str = "signer@example.test";
/// Alice's second key, whose secret is protected by the passphrase "pw".
pub(crate) const LOCKED: &str = "locked@example.test";
/// Known to `home` but not validated by anyone it trusts.
pub(crate) const DAVE: &str = "dave@example.test";

static SHARED: Mutex<Weak<Keyrings>> = Mutex::new(Weak::new());

/// The shared keyrings, made on first use.
pub(crate) fn keyrings() -> Arc<Keyrings> {
    let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(keys) = shared.upgrade() {
        return keys;
    }
    let keys = Arc::new(Keyrings::generate());
    *shared = Arc::downgrade(&keys);
    keys
}

/// The keys made for the tests: in Dave's home rather than the user's,
/// made as if in 2019, user id, algorithm, expiry.
const MADE: [(bool, bool, &str, &str, &str); 8] = [
    (
        false,
        false,
        "Alice <alice@example.test>",
        "future-default",
        "never",
    ),
    (
        false,
        false,
        "Bob <bob@example.test>",
        "future-default",
        "never",
    ),
    (
        false,
        true,
        "Old <old@example.test>",
        "future-default",
        "2y",
    ),
    (
        false,
        true,
        "Past <past@example.test>",
        "future-default",
        "never",
    ),
    (
        false,
        false,
        "Signer <signer@example.test>",
        "ed25519",
        "never",
    ),
    (
        false,
        false,
        "Dis <dis@example.test>",
        "future-default",
        "never",
    ),
    (
        false,
        false,
        "Rev <rev@example.test>",
        "future-default",
        "never",
    ),
    (
        true,
        false,
        "Dave <dave@example.test>",
        "future-default",
        "never",
    ),
];

impl Keyrings {
    fn generate() -> Keyrings {
        let (home, other) = (short_tempdir(), short_tempdir());
        let (h, o) = (home.path(), other.path());
        for (in_other, in_2019, uid, algo, expiry) in MADE {
            let when: &[&str] = if in_2019 {
                &["--faked-system-time", "20190101T000000"]
            } else {
                &[]
            };
            generate(if in_other { o } else { h }, when, uid, algo, expiry);
        }
        generate_locked(h);
        gpg_ok(h, &["--edit-key", DISABLED, "disable", "quit"], b"");
        let sign = ["--armor", "--detach-sign", "--local-user", REVOKED];
        let revoked_signature = gpg_ok(h, &sign, REVOKED_TEXT).stdout;
        revoke(h, REVOKED);
        let dave = gpg_ok(o, &["--armor", "--export", DAVE], b"").stdout;
        gpg_ok(h, &["--import"], &dave);
        Keyrings {
            gpg: Gpg::default().with_homedir(h),
            other_gpg: Gpg::default().with_homedir(o),
            home,
            other,
            revoked_signature,
        }
    }

    /// Runs gpg on the user's home outside the module under test, for
    /// what it never does itself (faking the time, signing in odd ways).
    pub fn raw(&self, args: &[&str], input: &[u8]) -> Vec<u8> {
        gpg_ok(self.home.path(), args, input).stdout
    }

    /// The primary fingerprint of the key for `address` in the home.
    pub fn fingerprint(&self, address: &str) -> String {
        let out = self.raw(&["--with-colons", "--list-keys", address], b"");
        let text = String::from_utf8(out).unwrap();
        let line = text.lines().find(|l| l.starts_with("fpr:")).unwrap();
        line.split(':').nth(9).unwrap().to_string()
    }
}

impl Drop for Keyrings {
    fn drop(&mut self) {
        for dir in [self.home.path(), self.other.path()] {
            let _ = Command::new("gpgconf")
                .arg("--homedir")
                .arg(dir)
                .args(["--kill", "gpg-agent"])
                .status();
        }
    }
}

/// A home directory with a short path: the agent's socket lives in it and
/// a socket path must fit in 108 bytes.
fn short_tempdir() -> TempDir {
    let dir = tempfile::Builder::new()
        .prefix("wpg")
        .tempdir_in("/tmp")
        .unwrap();
    // A fixed cost for protecting keys: the agent otherwise calibrates it
    // the first time a passphrase is set, which took nine seconds on a
    // busy machine.
    std::fs::write(dir.path().join("gpg-agent.conf"), "s2k-count 65536\n").unwrap();
    dir
}

fn generate(home: &Path, extra: &[&str], uid: &str, algo: &str, expiry: &str) {
    let mut args = extra.to_vec();
    args.extend(["--pinentry-mode", "loopback", "--passphrase", ""]);
    args.extend(["--quick-gen-key", uid, algo]);
    // An algorithm with no usage given gets "default" usage; ed25519 alone
    // can only sign, which is what the sign-only key wants.
    args.extend(if algo == "ed25519" {
        ["sign", expiry]
    } else {
        ["default", expiry]
    });
    gpg_ok(home, &args, b"");
}

/// A key with a passphrase; the agent does not cache a passphrase given
/// at generation, so using the key needs it again.
fn generate_locked(home: &Path) {
    let uid = "Locked <locked@example.test>";
    let args = [
        "--pinentry-mode",
        "loopback",
        "--passphrase",
        "pw",
        "--quick-gen-key",
        uid,
    ];
    gpg_ok(
        home,
        &[&args[..], &["future-default", "default", "never"]].concat(),
        b"",
    );
}

/// Revokes the key by importing the revocation certificate gpg wrote when
/// it made the key (its armor lines are prefixed with ':' to stop an
/// accidental import).
fn revoke(home: &Path, address: &str) {
    let out = gpg_ok(home, &["--with-colons", "--list-keys", address], b"").stdout;
    let text = String::from_utf8(out).unwrap();
    let fpr = text.lines().find(|l| l.starts_with("fpr:")).unwrap();
    let fpr = fpr.split(':').nth(9).unwrap();
    let path = home.join("openpgp-revocs.d").join(format!("{fpr}.rev"));
    let cert = std::fs::read_to_string(path)
        .unwrap()
        .replace(":-----", "-----");
    gpg_ok(home, &["--import"], cert.as_bytes());
}

fn gpg_ok(home: &Path, args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new("gpg")
        .arg("--homedir")
        .arg(home)
        .args(["--batch", "--yes", "--no-tty"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gpg runs");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    assert!(
        out.status.success(),
        "gpg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
