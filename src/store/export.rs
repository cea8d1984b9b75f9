//! `wirepost export`: a folder's messages out of the store, byte for byte,
//! flags kept. To an mbox (mboxrd: every `From ` line of a message, quoted
//! or not, gets one more `>`, so reading it back with the import gives the
//! same bytes; flags in `Status:`/`X-Status:`, which the import takes out
//! again) or to a Maildir (files copied as they are; flags in the name).

use super::folder_rows::folder_id;
use super::maildir::{self, Durability, Maildir, Subdir};
use super::{Flags, Store, StoreError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where an export goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportTarget {
    /// An mbox file (`-`: standard output).
    Mbox(PathBuf),
    Maildir(PathBuf),
}

/// What `wirepost export` was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    pub account: String,
    pub folder: String,
    pub target: ExportTarget,
}

/// One stored message, as the export needs it.
struct Stored {
    path: PathBuf,
    flags: Flags,
    date: i64,
}

impl Store {
    /// The folder's messages, oldest first.
    fn export_list(&self, account: &str, folder: &str) -> Result<Vec<Stored>, StoreError> {
        let conn = self.reader();
        let Some(id) = folder_id(&conn, account, folder)? else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("no folder {folder:?} in account {account:?} (see wirepost list)"),
            )
            .into());
        };
        let mut statement = conn.prepare(
            "SELECT path, flags, date FROM messages WHERE folder_id = ?1 ORDER BY date, id",
        )?;
        let rows = statement.query_map([id], |r| {
            Ok(Stored {
                path: self.root().join(r.get::<_, String>(0)?),
                flags: Flags::from_bits(r.get(1)?),
                date: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Writes the folder to the target; returns how many messages.
    pub fn export(&self, options: &ExportOptions) -> Result<u64, StoreError> {
        let messages = self.export_list(&options.account, &options.folder)?;
        match &options.target {
            ExportTarget::Mbox(path) if path == Path::new("-") => {
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                write_mbox(&messages, &mut out)?;
                out.flush()?;
            }
            ExportTarget::Mbox(path) => {
                if path.metadata().is_ok_and(|m| m.len() > 0) {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::AlreadyExists,
                        format!("{} exists; export to a new file", path.display()),
                    )
                    .into());
                }
                let partial = path.with_extension("wirepost-partial");
                let mut out = std::io::BufWriter::new(std::fs::File::create(&partial)?);
                write_mbox(&messages, &mut out)?;
                out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
                std::fs::rename(&partial, path)?;
            }
            ExportTarget::Maildir(dir) => write_maildir(&messages, dir)?,
        }
        Ok(messages.len() as u64)
    }
}

/// `wirepost export`: the messages, then a line saying how many went where.
pub fn run(store: &Store, options: &ExportOptions, out: &mut dyn Write) -> Result<(), StoreError> {
    let count = store.export(options)?;
    let (what, path) = match &options.target {
        ExportTarget::Mbox(p) => ("mbox", p),
        ExportTarget::Maildir(p) => ("Maildir", p),
    };
    let line = format!(
        "exported {count} message(s) of {} / {} to the {what} {}",
        options.account,
        options.folder,
        path.display()
    );
    if path == Path::new("-") {
        eprintln!("{line}");
    } else {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn write_mbox(messages: &[Stored], out: &mut dyn Write) -> Result<(), StoreError> {
    for message in messages {
        let raw = std::fs::read(&message.path)?;
        out.write_all(&mbox_entry(&raw, message.flags, message.date))?;
    }
    Ok(())
}

/// One message as an mboxrd entry: `From ` line, header with the flags,
/// quoted body, blank line.
pub(super) fn mbox_entry(raw: &[u8], flags: Flags, date: i64) -> Vec<u8> {
    let mut entry = Vec::with_capacity(raw.len() + 128);
    entry.extend_from_slice(format!("From MAILER-DAEMON {}\n", asctime(date)).as_bytes());
    let crlf = raw
        .iter()
        .position(|&b| b == b'\n')
        .is_some_and(|i| i > 0 && raw[i - 1] == b'\r');
    let eol: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    let header_end = header_end(raw);
    let (header, body) = raw.split_at(header_end);
    for line in header.split_inclusive(|&b| b == b'\n') {
        let lower = line.to_ascii_lowercase();
        if !(lower.starts_with(b"status:") || lower.starts_with(b"x-status:")) {
            push_quoted(&mut entry, line);
        }
    }
    if !entry.ends_with(b"\n") {
        entry.extend_from_slice(eol);
    }
    entry.extend_from_slice(if flags.seen {
        b"Status: RO"
    } else {
        b"Status: O"
    });
    entry.extend_from_slice(eol);
    let x_status: String = [
        (flags.answered, 'A'),
        (flags.flagged, 'F'),
        (flags.draft, 'T'),
        (flags.deleted, 'D'),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, c)| *c)
    .collect();
    if !x_status.is_empty() {
        entry.extend_from_slice(format!("X-Status: {x_status}").as_bytes());
        entry.extend_from_slice(eol);
    }
    for line in body.split_inclusive(|&b| b == b'\n') {
        push_quoted(&mut entry, line);
    }
    if !entry.ends_with(b"\n") {
        entry.push(b'\n');
    }
    entry.push(b'\n');
    entry
}

/// Where the header ends: before the blank line (or the end, for a
/// message that is all header).
fn header_end(raw: &[u8]) -> usize {
    let mut offset = 0;
    for line in raw.split_inclusive(|&b| b == b'\n') {
        if line == b"\n" || line == b"\r\n" {
            return offset;
        }
        offset += line.len();
    }
    raw.len()
}

/// A line with one more `>` when it is a (quoted) `From ` line.
fn push_quoted(entry: &mut Vec<u8>, line: &[u8]) {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    if line[quotes..].starts_with(b"From ") {
        entry.push(b'>');
    }
    entry.extend_from_slice(line);
}

/// `Thu Nov  5 12:00:00 2026` (UTC), as `From ` lines carry dates.
fn asctime(seconds: i64) -> String {
    let date = mail_parser::DateTime::from_timestamp(seconds);
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let weekday = DAYS[seconds.div_euclid(86_400).rem_euclid(7) as usize];
    let month = MONTHS[(date.month.clamp(1, 12) - 1) as usize];
    format!(
        "{weekday} {month} {:>2} {:02}:{:02}:{:02} {}",
        date.day, date.hour, date.minute, date.second, date.year
    )
}

fn write_maildir(messages: &[Stored], dir: &Path) -> Result<(), StoreError> {
    let target = Maildir::create(dir)?;
    let mut written = Vec::with_capacity(messages.len());
    for message in messages {
        let raw = std::fs::read(&message.path)?;
        let letters = message.flags.to_maildir();
        let subdir = if letters.is_empty() {
            Subdir::New
        } else {
            Subdir::Cur
        };
        let name = maildir::unique_name();
        written.push(target.deliver_named(
            &name,
            &raw,
            subdir,
            &letters,
            Durability::CallerSyncs,
        )?);
    }
    maildir::sync_paths(&written)?;
    Ok(())
}

#[cfg(test)]
mod tests;
