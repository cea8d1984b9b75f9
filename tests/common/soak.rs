//! What the long-running tests (load, floods, faults, kills) share: a report
//! line that also goes to the soak report, memory read from /proc, and the
//! message files of a Maildir by content.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;
use wirepost::mail::pop3::sync::content_identity;

/// Prints a figure and appends it to `$WIREPOST_SOAK_REPORT` when set
/// (`scripts/soak` collects them there).
pub fn report(line: &str) {
    eprintln!("{line}");
    if let Ok(path) = std::env::var("WIREPOST_SOAK_REPORT")
        && let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
    {
        let _ = writeln!(file, "{line}");
    }
}

/// A number from the environment, or `default`.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Kilobytes from a line of /proc/PID/status ("VmRSS:", "VmHWM:"); `pid`
/// may be "self".
pub fn status_kb(pid: impl std::fmt::Display, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Every file under `dir`, recursively; nothing when it is missing.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Message files under `dir`'s new/ and cur/ directories, by content as
/// `normalise` makes it. A server may still be moving files from new/ to
/// cur/ (for a session just cut or killed): a file gone between listing
/// and reading means "look again".
pub fn maildir_messages_with(
    dir: &Path,
    normalise: impl Fn(Vec<u8>) -> Vec<u8>,
) -> BTreeMap<String, usize> {
    'scan: loop {
        let mut out = BTreeMap::new();
        for path in walk(dir) {
            let parent = path.parent().and_then(|p| p.file_name()).unwrap();
            if parent == "new" || parent == "cur" {
                match std::fs::read(&path) {
                    Ok(raw) => *out.entry(content_identity(&normalise(raw))).or_insert(0) += 1,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        std::thread::sleep(Duration::from_millis(20));
                        continue 'scan;
                    }
                    Err(e) => panic!("{}: {e}", path.display()),
                }
            }
        }
        return out;
    }
}

/// [`maildir_messages_with`] by the exact bytes.
pub fn maildir_messages(dir: &Path) -> BTreeMap<String, usize> {
    maildir_messages_with(dir, |raw| raw)
}

/// [`maildir_messages_with`] with CRLF read as LF: Dovecot keeps LF on disk
/// and serves CRLF.
pub fn maildir_lf_messages(dir: &Path) -> BTreeMap<String, usize> {
    maildir_messages_with(dir, |raw| {
        raw.iter()
            .enumerate()
            .filter(|(i, b)| !(**b == b'\r' && raw.get(i + 1) == Some(&b'\n')))
            .map(|(_, b)| *b)
            .collect()
    })
}
