//! Bringing existing mail into the store: mbox files of any dialect and
//! name, `.eml` and MH message files, Maildirs with Maildir++ subfolders,
//! Thunderbird profiles (`.sbd` subfolders, `.msf` summaries left alone),
//! and directories of any mix of these, recursively (see `walk`).
//!
//! Every file is accounted for in the [`ImportReport`]: imported, already
//! there, or skipped with the reason. A message whose exact bytes are
//! already in the target folder (by SHA-256, see `dedupe`) is not stored
//! again, so an import can be repeated, or resumed after Ctrl-C: each
//! batch is committed whole, and the store finishes an interrupted batch
//! when it next opens.

mod dedupe;
mod formats;
mod mbox;
mod report;
mod walk;

pub use report::{FileOutcome, FileReport, ImportReport};

use super::{Flags, NewMessage, ServerIdentity, Store, StoreError, maildir};
use formats::{mbox_flags, mozilla_flags};
use std::fs;
use std::io::BufReader;
use std::path::Path;
use walk::{Item, Kind};

/// Messages written per index transaction.
const IMPORT_BATCH: usize = 1000;

/// One message read from the source, before storing.
struct Source {
    raw: Vec<u8>,
    flags: Flags,
    date: Option<i64>,
    /// The file it came from, as an index into the report's files.
    file: usize,
}

/// Messages waiting to be stored, all for one folder.
struct Batch {
    folder: String,
    sources: Vec<Source>,
}

impl Store {
    /// Imports everything at `path` into `account`. `folder` names the
    /// target; by default it is the source's file or directory name.
    /// `progress(report)` is called after every batch.
    pub fn import(
        &self,
        path: &Path,
        account: &str,
        folder: Option<&str>,
        progress: &mut dyn FnMut(&ImportReport),
    ) -> Result<ImportReport, StoreError> {
        let target = folder.map_or_else(|| walk::default_folder(path), str::to_string);
        let items = walk::walk(path, &target)?;
        let mut report = ImportReport::default();
        let mut batch = Batch {
            folder: String::new(),
            sources: Vec::new(),
        };
        for item in items {
            let file = report.files.len();
            report.files.push(FileReport::new(&item.path, &item.folder));
            if batch.folder != item.folder {
                self.flush(&mut batch, account, &mut report, progress)?;
                batch.folder.clone_from(&item.folder);
            }
            self.read_item(&item, file, &mut batch, account, &mut report, progress)?;
        }
        self.flush(&mut batch, account, &mut report, progress)?;
        Ok(report)
    }

    /// Reads one file's messages into the batch (storing full batches).
    fn read_item(
        &self,
        item: &Item,
        file: usize,
        batch: &mut Batch,
        account: &str,
        report: &mut ImportReport,
        progress: &mut dyn FnMut(&ImportReport),
    ) -> Result<(), StoreError> {
        match &item.kind {
            Kind::Skip(reason) => report.files[file].skip(reason.clone()),
            Kind::Message {
                maildir: in_maildir,
            } => match fs::read(&item.path) {
                Ok(raw) => {
                    let flags = if *in_maildir {
                        Flags::from_maildir(maildir::flags_of(&item.path))
                    } else {
                        Flags::default()
                    };
                    let mut source = message_file(raw, flags, file);
                    if !has_date_header(&source.raw) {
                        // No Date: the file's time says more than the
                        // moment of the import.
                        source.date = modified_time(&item.path);
                    }
                    self.push(batch, source, account, report, progress)?;
                }
                Err(e) => report.files[file].skip(format!("cannot read: {e}")),
            },
            Kind::Mbox => self.read_mbox(item, file, batch, account, report, progress)?,
        }
        Ok(())
    }

    fn read_mbox(
        &self,
        item: &Item,
        file: usize,
        batch: &mut Batch,
        account: &str,
        report: &mut ImportReport,
        progress: &mut dyn FnMut(&ImportReport),
    ) -> Result<(), StoreError> {
        let input = match fs::File::open(&item.path) {
            Ok(f) => BufReader::with_capacity(256 * 1024, f),
            Err(e) => {
                report.files[file].skip(format!("cannot read: {e}"));
                return Ok(());
            }
        };
        let mut reader = mbox::MboxReader::new(input);
        loop {
            let message = match reader.next_message() {
                Ok(Some(message)) => message,
                Ok(None) => break,
                Err(e) => {
                    report.files[file].error(format!("stopped reading: {e}"));
                    break;
                }
            };
            let mut flags = mbox_flags(&message.status);
            flags = flags.union(mozilla_flags(&message.raw));
            let has_date = formats::has_valid_date(&message.raw);
            let source = Source {
                date: if has_date {
                    None
                } else {
                    message.from_line_date
                },
                raw: message.raw,
                flags,
                file,
            };
            self.push(batch, source, account, report, progress)?;
        }
        Ok(())
    }

    fn push(
        &self,
        batch: &mut Batch,
        source: Source,
        account: &str,
        report: &mut ImportReport,
        progress: &mut dyn FnMut(&ImportReport),
    ) -> Result<(), StoreError> {
        batch.sources.push(source);
        if batch.sources.len() >= IMPORT_BATCH {
            self.flush(batch, account, report, progress)?;
        }
        Ok(())
    }

    /// Stores the batch's new messages in one go and counts the others.
    fn flush(
        &self,
        batch: &mut Batch,
        account: &str,
        report: &mut ImportReport,
        progress: &mut dyn FnMut(&ImportReport),
    ) -> Result<(), StoreError> {
        if batch.sources.is_empty() {
            return Ok(());
        }
        let folder = batch.folder.as_str();
        let fresh = self.new_in_folder(account, folder, &batch.sources)?;
        let mut messages = Vec::with_capacity(fresh.len());
        for (source, is_new) in batch.sources.iter().zip(&fresh) {
            if *is_new {
                messages.push(NewMessage {
                    account,
                    folder,
                    identity: ServerIdentity::Local,
                    raw: &source.raw,
                    flags: source.flags,
                    internal_date: source.date,
                });
            } else {
                report.files[source.file].already_there += 1;
                report.already_there += 1;
            }
        }
        if !messages.is_empty() {
            self.store_batch(&messages)?;
            report.imported += messages.len() as u64;
        }
        if !report.folders.iter().any(|f| f == folder) {
            report.folders.push(folder.to_string());
        }
        for (source, is_new) in batch.sources.iter().zip(&fresh) {
            if *is_new {
                report.files[source.file].imported += 1;
            }
        }
        batch.sources.clear();
        progress(report);
        Ok(())
    }
}

/// A single-message file: a `From ` line some tools put first is not part
/// of the message.
fn message_file(mut raw: Vec<u8>, flags: Flags, file: usize) -> Source {
    if raw.starts_with(b"From ") {
        let end = raw
            .iter()
            .position(|&b| b == b'\n')
            .map_or(raw.len(), |i| i + 1);
        raw.drain(..end);
    }
    Source {
        raw,
        flags,
        date: None,
        file,
    }
}

/// Whether the header (up to the first empty line) has a Date field.
fn has_date_header(raw: &[u8]) -> bool {
    raw.split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .take_while(|line| !line.is_empty())
        .any(|line| line.len() > 5 && line[..5].eq_ignore_ascii_case(b"date:"))
}

/// A file's modification time, in Unix seconds.
fn modified_time(path: &Path) -> Option<i64> {
    let modified = fs::metadata(path).ok()?.modified().ok()?;
    let secs = modified
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    i64::try_from(secs).ok()
}

#[cfg(test)]
mod tests;
