//! Running the user's own `gpg`: their keyring, their gpg-agent and their
//! pinentry, as neomutt and aerc do. Every run is `--batch --no-tty` with
//! the machine-readable status lines on a pipe of their own, so nothing
//! here ever reads gpg's human text to decide anything; that text is kept
//! only to show the user when gpg fails in a way the status lines do not
//! name.

use super::status::{StatusLine, error_code, parse_status};
use crate::sanitize::clean_line;
use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// How gpg is run: which program, which home directory, and whether the
/// agent may ask for a passphrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gpg {
    /// The program to run; `gpg` (found on `PATH`) unless configured.
    pub program: PathBuf,
    /// `--homedir`; `None` leaves it to gpg (`GNUPGHOME`, else `~/.gnupg`).
    pub homedir: Option<PathBuf>,
    /// Whether the agent may start a pinentry.
    pub pinentry: Pinentry,
    /// `GPG_TTY` for a terminal pinentry; `None` inherits the environment.
    /// An inherited `GPG_TTY` lets pinentry-curses draw on the terminal
    /// even though gpg runs with `--no-tty`, so while the interface owns
    /// the terminal run with [`Pinentry::Never`], and set this when
    /// handing the terminal over.
    pub tty: Option<PathBuf>,
}

/// Whether gpg-agent may ask the user for a passphrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pinentry {
    /// The agent asks as it is configured to (a GUI pinentry, or a terminal
    /// one on `GPG_TTY`, which the interface must hand the terminal to).
    #[default]
    Agent,
    /// Never ask (`--pinentry-mode error`): an operation that needs a
    /// passphrase the agent has not cached fails with
    /// [`GpgError::PassphraseNeeded`], so the caller can first try quietly.
    Never,
}

impl Default for Gpg {
    fn default() -> Gpg {
        Gpg::new("gpg")
    }
}

/// Why an operation failed, with a one-line summary as its `Display`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GpgError {
    #[error("gpg is not installed (no program {0:?})")]
    NotInstalled(PathBuf),
    #[error("cannot run gpg: {0}")]
    Spawn(String),
    #[error("no secret key to decrypt this message (encrypted to {})", .0.join(", "))]
    NoSecretKey(Vec<String>),
    #[error("the signing key {0} is not usable (missing, expired or revoked)")]
    InvalidSigner(String),
    #[error("cannot encrypt to {address}: {reason}")]
    InvalidRecipient { address: String, reason: String },
    #[error("a passphrase is needed and gpg may not ask for it now")]
    PassphraseNeeded,
    #[error("gpg could not ask for the passphrase (pinentry failed: {0})")]
    Pinentry(String),
    #[error("no secret key of yours to encrypt to self")]
    NoOwnKey,
    #[error("the passphrase was not entered")]
    Cancelled,
    #[error("wrong passphrase")]
    BadPassphrase,
    #[error("the data is damaged or is not OpenPGP")]
    BadData,
    #[error("no OpenPGP signature found")]
    NoSignature,
    #[error("the part to sign has 8-bit bytes; encode it as quoted-printable or base64 first")]
    EightBit,
    #[error("gpg failed: {0}")]
    Failed(String),
}

/// What one run of gpg produced. `stdout` may hold plaintext: it is never
/// logged, and callers drop it when the status lines say the run failed.
pub(crate) struct Run {
    pub stdout: Vec<u8>,
    pub status: Vec<StatusLine>,
    pub success: bool,
    /// The last line gpg wrote for humans, cleaned for display; only shown,
    /// never parsed.
    pub last_message: Option<String>,
}

impl Gpg {
    pub fn new(program: impl Into<PathBuf>) -> Gpg {
        Gpg {
            program: program.into(),
            homedir: None,
            pinentry: Pinentry::Agent,
            tty: None,
        }
    }

    /// The gpg the configuration names, with `~` expanded.
    pub fn from_config(config: &crate::config::PgpConfig) -> Gpg {
        let program = config.gpg.as_deref().map(crate::config::expand_tilde);
        let mut gpg = Gpg::new(program.unwrap_or_else(|| "gpg".into()));
        gpg.homedir = config.homedir.as_deref().map(crate::config::expand_tilde);
        gpg
    }

    pub fn with_homedir(mut self, homedir: impl Into<PathBuf>) -> Gpg {
        self.homedir = Some(homedir.into());
        self
    }

    pub fn with_pinentry(mut self, pinentry: Pinentry) -> Gpg {
        self.pinentry = pinentry;
        self
    }

    pub fn with_tty(mut self, tty: impl Into<PathBuf>) -> Gpg {
        self.tty = Some(tty.into());
        self
    }

    /// gpg's version line (`gpg (GnuPG) 2.2.40`), to check that it runs.
    pub fn version(&self) -> Result<String, GpgError> {
        let run = self.run(&["--version".into()], b"", None)?;
        let text = String::from_utf8_lossy(&run.stdout);
        Ok(clean_line(text.lines().next().unwrap_or_default()))
    }

    /// Runs gpg with `args` after the common options, `input` on its stdin
    /// and, when `extra` is given, those bytes readable on a descriptor
    /// named in the args as `-&{EXTRA_FD}` (replaced by the real number).
    pub(crate) fn run(
        &self,
        args: &[OsString],
        input: &[u8],
        extra: Option<&[u8]>,
    ) -> Result<Run, GpgError> {
        let (status_read, status_write) = pipe()?;
        let extra_pipe = extra.map(|_| pipe()).transpose()?;
        let status_fd = status_write.as_raw_fd();
        let extra_fd = extra_pipe.as_ref().map(|(read, _)| read.as_raw_fd());
        let mut command = self.command(args, status_fd, extra_fd);
        // SAFETY: the closure runs in the child between fork and exec and
        // only calls fcntl, which is async-signal-safe. The pipes are
        // close-on-exec so that no other child inherits them; this child
        // keeps its ends across its own exec.
        unsafe {
            command.pre_exec(move || {
                keep_open(status_fd)?;
                extra_fd.map_or(Ok(()), keep_open)
            });
        }
        let mut child = command.spawn().map_err(|e| spawn_error(&self.program, e))?;
        // The parent's copies of the child's ends must close, or reading
        // the status pipe would never see its end.
        drop(status_write);
        let extra = extra_pipe.zip(extra).map(|((read, write), bytes)| {
            drop(read);
            (write, bytes)
        });
        let (stdout, status, stderr) = exchange(&mut child, input, status_read, extra);
        let exit = child.wait().map_err(|e| GpgError::Spawn(e.to_string()))?;
        let status = parse_status(&status);
        for line in &status {
            tracing::debug!(target: "wirepost::pgp", "{}", line.raw);
        }
        Ok(Run {
            stdout,
            status,
            success: exit.success(),
            last_message: last_message(&stderr),
        })
    }

    fn command(&self, args: &[OsString], status_fd: RawFd, extra: Option<RawFd>) -> Command {
        let mut command = Command::new(&self.program);
        command
            .arg("--batch")
            .arg("--no-tty")
            .arg("--status-fd")
            .arg(status_fd.to_string())
            .arg("--exit-on-status-write-error");
        if let Some(home) = &self.homedir {
            command.arg("--homedir").arg(home);
        }
        if self.pinentry == Pinentry::Never {
            command.arg("--pinentry-mode").arg("error");
        }
        if extra.is_some() {
            command.arg("--enable-special-filenames");
        }
        if let Some(tty) = &self.tty {
            command.env("GPG_TTY", tty);
        }
        let extra_name = extra.map(|fd| format!("-&{fd}"));
        for arg in args {
            match (&extra_name, arg.to_str()) {
                (Some(name), Some(EXTRA_FD)) => command.arg(name),
                _ => command.arg(arg),
            };
        }
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }
}

/// Stands in an argument list for the descriptor that carries `extra`.
pub(crate) const EXTRA_FD: &str = "-&EXTRA";

impl Run {
    /// The error the status lines name, or a summary of why gpg failed.
    /// Operations call this when their own success line is missing.
    pub fn failure(&self) -> GpgError {
        if let Some(error) = self.status.iter().find_map(known_error) {
            return error;
        }
        match &self.last_message {
            Some(message) => GpgError::Failed(message.clone()),
            None => GpgError::Failed("no reason given".into()),
        }
    }

    /// The first status line with this keyword.
    pub fn find(&self, keyword: &str) -> Option<&StatusLine> {
        self.status.iter().find(|line| line.keyword == keyword)
    }
}

/// The errors that status lines name plainly, whatever the operation.
fn known_error(line: &StatusLine) -> Option<GpgError> {
    let code = match line.keyword.as_str() {
        "ERROR" | "FAILURE" => error_code(line.arg(1)?)?,
        "INV_SGNR" => return Some(GpgError::InvalidSigner(bare(line.arg(1)?))),
        "INV_RECP" => {
            let address = bare(line.arg(1)?);
            let reason = recipient_reason(line.arg(0)?).to_string();
            return Some(GpgError::InvalidRecipient { address, reason });
        }
        "NODATA" => return Some(GpgError::BadData),
        _ => return None,
    };
    match code {
        11 | 31 => Some(GpgError::BadPassphrase),
        85 => Some(GpgError::PassphraseNeeded),
        86 | 0x8066 => Some(GpgError::Pinentry(pinentry_reason(code))),
        58 | 89 | 14 | 15 => Some(GpgError::BadData),
        99 | 198 | 277 => Some(GpgError::Cancelled),
        _ => None,
    }
}

/// A key name as the user gave it: without the `<…>` that asks gpg for
/// an exact address match.
fn bare(name: &str) -> String {
    let inner = name.strip_prefix('<').and_then(|n| n.strip_suffix('>'));
    inner.unwrap_or(name).to_string()
}

fn pinentry_reason(code: u32) -> String {
    if code == 0x8066 {
        "it needs a terminal; set GPG_TTY or use a graphical pinentry".into()
    } else {
        "pinentry error".into()
    }
}

/// The reasons `INV_RECP` gives, from gpg's DETAILS file.
fn recipient_reason(code: &str) -> &'static str {
    match code {
        "1" => "no public key",
        "2" => "more than one key matches",
        "3" => "the key cannot encrypt",
        "4" => "the key is revoked",
        "5" => "the key has expired",
        "10" => "the key is not trusted",
        "13" => "the key is disabled",
        "14" => "not a valid address or key id",
        _ => "the key is not usable",
    }
}

fn spawn_error(program: &std::path::Path, error: io::Error) -> GpgError {
    if error.kind() == io::ErrorKind::NotFound {
        GpgError::NotInstalled(program.to_path_buf())
    } else {
        GpgError::Spawn(format!("{}: {error}", program.display()))
    }
}

fn pipe() -> Result<(io::PipeReader, io::PipeWriter), GpgError> {
    let (read, write) = io::pipe().map_err(|e| GpgError::Spawn(format!("pipe: {e}")))?;
    // A descriptor below 3 would be overwritten by the child's stdio.
    if read.as_raw_fd() < 3 || write.as_raw_fd() < 3 {
        return Err(GpgError::Spawn("standard descriptors are closed".into()));
    }
    Ok((read, write))
}

/// In the child, between fork and exec: clears close-on-exec on `fd`.
fn keep_open(fd: RawFd) -> io::Result<()> {
    // SAFETY: fcntl is async-signal-safe and `fd` is open in the child.
    if unsafe { libc::fcntl(fd, libc::F_SETFD, 0) } == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Feeds the child its input and reads all it writes, each stream on a
/// thread of its own so that no pipe can fill and stall the others.
fn exchange(
    child: &mut Child,
    input: &[u8],
    status: io::PipeReader,
    extra: Option<(io::PipeWriter, &[u8])>,
) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let (stdin, stdout, stderr) = (child.stdin.take(), child.stdout.take(), child.stderr.take());
    std::thread::scope(|scope| {
        scope.spawn(move || feed(stdin, input));
        if let Some((write, bytes)) = extra {
            scope.spawn(move || feed(Some(write), bytes));
        }
        let status = scope.spawn(move || drain(Some(status)));
        let stderr = scope.spawn(move || drain(stderr));
        let stdout = drain(stdout);
        (stdout, join(status), join(stderr))
    })
}

/// Writes all of `bytes`, then closes. gpg may stop reading early (it
/// failed, or needs no more), so a broken pipe is not an error here: the
/// status lines tell what happened.
fn feed(writer: Option<impl Write>, bytes: &[u8]) {
    if let Some(mut writer) = writer {
        let _ = writer.write_all(bytes);
    }
}

fn drain(reader: Option<impl Read>) -> Vec<u8> {
    let mut out = Vec::new();
    if let Some(mut reader) = reader {
        let _ = reader.read_to_end(&mut out);
    }
    out
}

fn join(handle: std::thread::ScopedJoinHandle<'_, Vec<u8>>) -> Vec<u8> {
    handle.join().unwrap_or_default()
}

fn last_message(stderr: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(stderr);
    let line = text.lines().rev().find(|line| !line.trim().is_empty())?;
    let line = line.strip_prefix("gpg: ").unwrap_or(line);
    Some(clean_line(line.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pgp::sign::sign_detached;
    use crate::pgp::testkeys::{self, LOCKED};

    #[test]
    fn a_missing_program_is_reported_as_gpg_not_installed() {
        let gpg = Gpg::new("/nonexistent/bin/gpg");
        let err = gpg.version().unwrap_err();
        assert_eq!(err, GpgError::NotInstalled("/nonexistent/bin/gpg".into()));
        assert!(err.to_string().starts_with("gpg is not installed"));
    }

    #[test]
    fn the_default_program_runs_and_reports_its_version() {
        let version = Gpg::default().version().unwrap();
        assert!(version.starts_with("gpg (GnuPG) 2."), "{version}");
    }

    #[test]
    fn a_terminal_for_pinentry_is_passed_as_gpg_tty() {
        let gpg = Gpg::default().with_tty("/dev/pts/7");
        let command = gpg.command(&[], 5, None);
        let tty = command.get_envs().find(|(name, _)| *name == "GPG_TTY");
        assert_eq!(tty, Some(("GPG_TTY".as_ref(), Some("/dev/pts/7".as_ref()))));
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(args[..4], ["--batch", "--no-tty", "--status-fd", "5"]);
    }

    #[test]
    fn a_locked_key_fails_fast_when_gpg_may_not_ask() {
        let keys = testkeys::keyrings();
        let quiet = keys.gpg.clone().with_pinentry(Pinentry::Never);
        let err = sign_detached(&quiet, b"data", Some(LOCKED)).unwrap_err();
        assert_eq!(err, GpgError::PassphraseNeeded);
    }
}
