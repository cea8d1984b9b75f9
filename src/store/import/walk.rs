//! What an import finds on disk, file by file, before anything is read
//! whole: which files are mbox files, which are single messages, which are
//! not mail (and why), and which folder each one goes to.
//!
//! Folders: the path itself is the target folder (its name by default). In
//! a directory, message files (`.eml`, MH numbers, Maildir files) go to the
//! directory's folder; an mbox file `Name` to `Folder.Name`; a
//! subdirectory `Sub` (a Maildir or not) to `Folder.Sub`; Thunderbird's
//! `Name.sbd` (the subfolders of mbox `Name`) to `Folder.Name`; a Maildir++
//! `.Sub` directory inside a Maildir to `Folder.Sub`. Links are not
//! followed, so a loop in the tree cannot make this endless.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// What one file is, for the import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Kind {
    /// One message; `maildir` when its flags are in its name (`:2,FRS`).
    Message { maildir: bool },
    /// An mbox file, any dialect.
    Mbox,
    /// Not imported, with the reason.
    Skip(String),
}

/// One file of the import and the folder it goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Item {
    pub path: PathBuf,
    pub folder: String,
    pub kind: Kind,
}

/// Every file under `path`, in a stable order (sorted by name, a folder's
/// files before its subfolders).
pub(super) fn walk(path: &Path, folder: &str) -> std::io::Result<Vec<Item>> {
    let meta = fs::metadata(path)
        .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    let mut items = Vec::new();
    if meta.is_dir() {
        walk_dir(path, folder, &mut items)?;
    } else {
        let kind = classify(path);
        items.push(Item {
            path: path.to_path_buf(),
            folder: folder.to_string(),
            kind,
        });
    }
    Ok(items)
}

/// The folder a path imports into when none is named: its file name
/// without an `.mbox`-like extension.
pub(super) fn default_folder(path: &Path) -> String {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty() && *n != "." && *n != "..");
    let name = match name {
        Some(name) => name.to_string(),
        None => std::fs::canonicalize(path)
            .ok()
            .and_then(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_string))
            .unwrap_or_else(|| "Imported".to_string()),
    };
    mbox_folder_name(&name)
}

fn mbox_folder_name(name: &str) -> String {
    for ext in [".mbox", ".mbx", ".mbs", ".sbd"] {
        if name.len() > ext.len() && name.to_ascii_lowercase().ends_with(ext) {
            return name[..name.len() - ext.len()].to_string();
        }
    }
    name.to_string()
}

/// A directory with `cur/` and `new/`.
pub(super) fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() && dir.join("new").is_dir()
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<fs::DirEntry>> {
    let mut entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(fs::DirEntry::file_name);
    Ok(entries)
}

fn skip(path: PathBuf, folder: &str, reason: &str) -> Item {
    Item {
        path,
        folder: folder.to_string(),
        kind: Kind::Skip(reason.to_string()),
    }
}

fn walk_dir(dir: &Path, folder: &str, items: &mut Vec<Item>) -> std::io::Result<()> {
    if is_maildir(dir) {
        return walk_maildir(dir, folder, items);
    }
    let mut subdirs = Vec::new();
    for entry in sorted_entries(dir)? {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type()?;
        if kind.is_symlink() {
            items.push(skip(path, folder, "a symbolic link (not followed)"));
        } else if kind.is_dir() {
            if name.starts_with('.') {
                items.push(skip(path, folder, "a hidden directory (not searched)"));
            } else {
                subdirs.push((path, format!("{folder}.{}", mbox_folder_name(&name))));
            }
        } else if name.starts_with('.') {
            items.push(skip(path, folder, "a hidden file"));
        } else {
            let kind = classify(&path);
            let folder = match kind {
                Kind::Mbox => format!("{folder}.{}", mbox_folder_name(&name)),
                _ => folder.to_string(),
            };
            items.push(Item { path, folder, kind });
        }
    }
    for (path, folder) in subdirs {
        walk_dir(&path, &folder, items)?;
    }
    Ok(())
}

/// A Maildir: `cur/` and `new/` hold messages, `tmp/` deliveries in
/// progress; `.Sub` directories are Maildir++ subfolders, other
/// directories nested folders; other files the server's bookkeeping.
fn walk_maildir(dir: &Path, folder: &str, items: &mut Vec<Item>) -> std::io::Result<()> {
    let mut subdirs = Vec::new();
    for entry in sorted_entries(dir)? {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type()?;
        match name.as_str() {
            "cur" | "new" if kind.is_dir() => maildir_files(&path, folder, items)?,
            "tmp" if kind.is_dir() => {
                for file in sorted_entries(&path)? {
                    items.push(skip(
                        file.path(),
                        folder,
                        "in tmp/ (a delivery in progress)",
                    ));
                }
            }
            _ if kind.is_symlink() => {
                items.push(skip(path, folder, "a symbolic link (not followed)"))
            }
            _ if kind.is_dir() => match name.strip_prefix('.') {
                // Maildir++: `.Sub` is a subfolder when it is a Maildir;
                // other hidden directories (.notmuch, .git) are not mail.
                Some(sub) if !sub.is_empty() && is_maildir(&path) => {
                    subdirs.push((path, format!("{folder}.{sub}")));
                }
                Some(_) => items.push(skip(path, folder, "a hidden directory (not searched)")),
                None => subdirs.push((path, format!("{folder}.{name}"))),
            },
            _ => items.push(skip(path, folder, "Maildir bookkeeping, not mail")),
        }
    }
    for (path, folder) in subdirs {
        walk_dir(&path, &folder, items)?;
    }
    Ok(())
}

fn maildir_files(dir: &Path, folder: &str, items: &mut Vec<Item>) -> std::io::Result<()> {
    for entry in sorted_entries(dir)? {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let kind = if hidden {
            Kind::Skip("a hidden file".into())
        } else if !entry.file_type()?.is_file() {
            Kind::Skip("not a regular file".into())
        } else {
            Kind::Message { maildir: true }
        };
        items.push(Item {
            path,
            folder: folder.to_string(),
            kind,
        });
    }
    Ok(())
}

/// What a file is, by its name and first bytes.
pub(super) fn classify(path: &Path) -> Kind {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".msf") {
        return Kind::Skip("a Thunderbird summary file (.msf), not mail".into());
    }
    let mut head = [0u8; 512];
    let n = match fs::File::open(path).and_then(|mut f| f.read(&mut head)) {
        Ok(n) => n,
        Err(e) => return Kind::Skip(format!("cannot read: {e}")),
    };
    let head = &head[..n];
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(n);
    if n == 0 || start == n {
        return Kind::Skip("an empty file".into());
    }
    let single = [".eml", ".msg", ".txt"].iter().any(|e| name.ends_with(e))
        || name.bytes().all(|b| b.is_ascii_digit());
    if head[start..].starts_with(b"From ") {
        if single {
            Kind::Message { maildir: false }
        } else {
            Kind::Mbox
        }
    } else if starts_with_header_field(head) {
        Kind::Message { maildir: false }
    } else {
        Kind::Skip("not mail: no \"From \" line (mbox) and no header fields (message)".into())
    }
}

/// `Name: value` (RFC 5322 field name: printable ASCII but colon, no space).
fn starts_with_header_field(bytes: &[u8]) -> bool {
    let name_len = bytes
        .iter()
        .take_while(|&&b| (33..=126).contains(&b) && b != b':')
        .count();
    name_len > 0 && bytes.get(name_len) == Some(&b':')
}
