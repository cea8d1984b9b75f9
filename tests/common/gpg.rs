//! Throw-away gpg homes for the OpenPGP tests: one key each, made by gpg
//! itself without a passphrase, the agent stopped when the home goes.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// A gpg home with one key, removed (agent stopped) when dropped.
pub struct Home {
    dir: tempfile::TempDir,
    pub fingerprint: String,
}

impl Home {
    pub fn new(uid: &str) -> Home {
        let dir = tempfile::Builder::new().prefix("wp-gpg").tempdir().unwrap();
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .unwrap();
        let mut home = Home {
            dir,
            fingerprint: String::new(),
        };
        home.gpg(
            &[
                "--passphrase",
                "",
                "--pinentry-mode",
                "loopback",
                "--quick-gen-key",
                uid,
            ],
            b"",
        );
        let listing = home.gpg(&["--with-colons", "--list-secret-keys"], b"");
        let text = String::from_utf8(listing.stdout).unwrap();
        let fpr = text.lines().find(|l| l.starts_with("fpr:")).unwrap();
        home.fingerprint = fpr.split(':').nth(9).unwrap().to_string();
        home
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs gpg on this home; fails the test when gpg fails.
    pub fn gpg(&self, args: &[&str], input: &[u8]) -> Output {
        let out = self.try_gpg(args, input);
        assert!(
            out.status.success(),
            "gpg {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    pub fn try_gpg(&self, args: &[&str], input: &[u8]) -> Output {
        let mut child = Command::new("gpg")
            .arg("--homedir")
            .arg(self.path())
            .args(["--batch", "--yes", "--no-tty"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("gpg is installed (scripts/test installs gnupg)");
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    }

    /// Imports `other`'s public key and certifies it locally, as a user
    /// who checked the fingerprint would.
    pub fn trust(&self, other: &Home) {
        let public = other.gpg(&["--armor", "--export", &other.fingerprint], b"");
        self.gpg(&["--import"], &public.stdout);
        self.gpg(&["--quick-lsign-key", &other.fingerprint], b"");
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .arg("--homedir")
            .arg(self.path())
            .args(["--kill", "gpg-agent"])
            .output();
    }
}
