//! What an import recognises on disk (a Maildir, an mbox, a message file)
//! and the few header fields it reads itself, before the store parses
//! anything: mbox status flags and the Message-ID that finds mail already
//! imported.

use crate::store::{Flags, StoreError};
use std::fs;
use std::path::{Path, PathBuf};

/// A directory with `cur/` and `new/`.
pub(super) fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() && dir.join("new").is_dir()
}

/// The visible files of a Maildir's `cur/` and `new/`, sorted.
pub(super) fn maildir_files(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let mut files = Vec::new();
    for sub in ["cur", "new"] {
        for entry in fs::read_dir(dir.join(sub))?.flatten() {
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if path.is_file() && !hidden {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A file in a folder of messages: `.eml`, or any other name (MH folders
/// use bare numbers, some exports `.txt`) whose first line is a header
/// field, so licences and notes beside the mail are left alone.
pub(super) fn looks_like_message_file(path: &Path) -> bool {
    use std::io::Read;
    let extension = path.extension().and_then(|e| e.to_str());
    if extension.is_some_and(|e| e.eq_ignore_ascii_case("eml")) {
        return true;
    }
    let hidden = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_none_or(|n| n.starts_with('.'));
    if hidden {
        return false;
    }
    let mut head = [0u8; 256];
    let Ok(n) = fs::File::open(path).and_then(|mut f| f.read(&mut head)) else {
        return false;
    };
    starts_with_header_field(&head[..n])
}

/// `Name: value` (RFC 5322 field name: printable ASCII but colon, no space).
fn starts_with_header_field(bytes: &[u8]) -> bool {
    let name_len = bytes
        .iter()
        .take_while(|&&b| (33..=126).contains(&b) && b != b':')
        .count();
    name_len > 0 && bytes.get(name_len) == Some(&b':')
}

/// An mbox starts with a `From ` separator line.
pub(super) fn is_mbox(path: &Path) -> Result<bool, StoreError> {
    use std::io::Read;
    let mut head = [0u8; 5];
    let n = fs::File::open(path)?.read(&mut head)?;
    Ok(&head[..n] == b"From ")
}

/// The `Status:`/`X-Status:` flags mutt and other mbox writers keep.
pub(super) fn mbox_flags(raw: &[u8]) -> Flags {
    let mut flags = Flags::default();
    for line in header_lines(raw) {
        if let Some(value) = strip_header(line, "status") {
            flags.seen |= value.contains('R');
        } else if let Some(value) = strip_header(line, "x-status") {
            flags.answered |= value.contains('A');
            flags.flagged |= value.contains('F');
            flags.deleted |= value.contains('D');
        }
    }
    flags
}

/// The `Message-ID:` value without its angle brackets.
pub(super) fn header_message_id(raw: &[u8]) -> Option<String> {
    header_lines(raw)
        .find_map(|line| strip_header(line, "message-id"))
        .map(|v| {
            v.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
        .filter(|v| !v.is_empty())
}

fn header_lines(raw: &[u8]) -> impl Iterator<Item = &str> {
    raw.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .take_while(|l| !l.is_empty())
        .filter_map(|l| std::str::from_utf8(l).ok())
}

fn strip_header<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let (key, value) = line.split_once(':')?;
    key.trim().eq_ignore_ascii_case(name).then_some(value)
}
