//! Bringing existing mail into the store: an mbox file, a single `.eml`, a
//! folder of `.eml` files, or a Maildir (with Maildir++ subfolders).
//! Messages already in the target folder (same Message-ID and size) are
//! skipped, so running an import twice does not double the mail.

mod formats;

use super::maildir;
use super::{Flags, NewMessage, ServerIdentity, Store, StoreError};
use formats::{
    header_message_id, is_maildir, is_mbox, looks_like_message_file, maildir_files, mbox_flags,
};
use rusqlite::OptionalExtension;
use std::fs;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// Messages written per index transaction.
const IMPORT_BATCH: usize = 500;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub imported: u64,
    pub skipped: u64,
    /// Folders that received mail, in order.
    pub folders: Vec<String>,
}

/// One message read from the source, before storing.
struct Source {
    raw: Vec<u8>,
    flags: Flags,
    date: Option<i64>,
}

impl Store {
    /// Imports everything at `path` into `account`. `folder` names the
    /// target; by default it is the source's file or directory name.
    /// `progress(done)` is called after every batch.
    pub fn import(
        &self,
        path: &Path,
        account: &str,
        folder: Option<&str>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ImportReport, StoreError> {
        let report = self.import_path(path, account, folder, progress)?;
        if report.imported + report.skipped == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "no messages in {}: expected an mbox file, .eml files or a Maildir (cur/new/tmp)",
                    path.display()
                ),
            )
            .into());
        }
        Ok(report)
    }

    /// One file or directory of an import (directories recurse).
    fn import_path(
        &self,
        path: &Path,
        account: &str,
        folder: Option<&str>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ImportReport, StoreError> {
        let meta = fs::metadata(path).map_err(|e| {
            std::io::Error::new(e.kind(), format!("cannot import {}: {e}", path.display()))
        })?;
        let default_name = path
            .file_stem()
            .and_then(|n| n.to_str())
            .filter(|n| !n.is_empty())
            .unwrap_or("Imported")
            .to_string();
        let target = folder.map_or(default_name, str::to_string);
        let mut report = ImportReport::default();
        if meta.is_dir() && is_maildir(path) {
            self.import_maildir(path, account, &target, &mut report, progress)?;
        } else if meta.is_dir() {
            self.import_directory(path, account, &target, &mut report, progress)?;
        } else if is_mbox(path)? {
            self.import_mbox(path, account, &target, &mut report, progress)?;
        } else {
            self.import_files(
                vec![path.to_path_buf()],
                account,
                &target,
                &mut report,
                progress,
                false,
            )?;
        }
        progress(report.imported + report.skipped);
        Ok(report)
    }

    /// A Maildir into `target`, and its Maildir++ subfolders (".Name"
    /// directories beside cur/new/tmp) into `target.Name`.
    fn import_maildir(
        &self,
        path: &Path,
        account: &str,
        target: &str,
        report: &mut ImportReport,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), StoreError> {
        let mut sources = vec![(path.to_path_buf(), target.to_string())];
        let mut subs: Vec<(PathBuf, String)> = fs::read_dir(path)?
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_str()?.to_string();
                let sub = name.strip_prefix('.').filter(|s| !s.is_empty())?;
                is_maildir(&e.path()).then(|| (e.path(), format!("{target}.{sub}")))
            })
            .collect();
        subs.sort();
        sources.extend(subs);
        for (dir, name) in sources {
            let files = maildir_files(&dir)?;
            self.import_files(files, account, &name, report, progress, true)?;
        }
        Ok(())
    }

    /// A folder of message files into `target`. A tree of folders (an
    /// export, a backup): each subdirectory becomes a subfolder. Links are
    /// not followed, so a loop in the tree cannot make this endless.
    fn import_directory(
        &self,
        path: &Path,
        account: &str,
        target: &str,
        report: &mut ImportReport,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), StoreError> {
        let mut files: Vec<PathBuf> = fs::read_dir(path)?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && looks_like_message_file(p))
            .collect();
        files.sort();
        self.import_files(files, account, target, report, progress, false)?;
        let mut subdirs: Vec<(PathBuf, String)> = fs::read_dir(path)?
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| {
                let name = e.file_name().to_str()?.to_string();
                (!name.starts_with('.')).then(|| (e.path(), name))
            })
            .collect();
        subdirs.sort();
        for (dir, name) in subdirs {
            let sub =
                self.import_path(&dir, account, Some(&format!("{target}.{name}")), progress)?;
            report.imported += sub.imported;
            report.skipped += sub.skipped;
            report.folders.extend(sub.folders);
        }
        Ok(())
    }

    /// An mbox file into `target`, in batches.
    fn import_mbox(
        &self,
        path: &Path,
        account: &str,
        target: &str,
        report: &mut ImportReport,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), StoreError> {
        let reader = BufReader::new(fs::File::open(path)?);
        let mut batch = Vec::new();
        for message in mail_parser::mailbox::mbox::MessageIterator::new(reader) {
            let message = message?;
            let date = i64::try_from(message.internal_date())
                .ok()
                .filter(|&d| d > 0);
            let raw = message.unwrap_contents();
            // The Date: header says when it was written; the From_
            // line's date only stands in when that is missing.
            let has_date = mail_parser::MessageParser::default()
                .parse_headers(&raw)
                .and_then(|m| m.date().map(|d| d.is_valid()))
                .unwrap_or(false);
            batch.push(Source {
                flags: mbox_flags(&raw),
                date: if has_date { None } else { date },
                raw,
            });
            if batch.len() == IMPORT_BATCH {
                self.import_batch(&mut batch, account, target, report)?;
                progress(report.imported + report.skipped);
            }
        }
        self.import_batch(&mut batch, account, target, report)
    }

    fn import_files(
        &self,
        files: Vec<PathBuf>,
        account: &str,
        folder: &str,
        report: &mut ImportReport,
        progress: &mut dyn FnMut(u64),
        maildir_flags: bool,
    ) -> Result<(), StoreError> {
        let mut batch = Vec::new();
        for file in files {
            let raw = match fs::read(&file) {
                Ok(raw) => raw,
                Err(e) => {
                    tracing::warn!(file = %file.display(), "import: cannot read: {e}");
                    report.skipped += 1;
                    continue;
                }
            };
            let flags = if maildir_flags {
                Flags::from_maildir(maildir::flags_of(&file))
            } else {
                Flags::default()
            };
            batch.push(Source {
                raw,
                flags,
                date: None,
            });
            if batch.len() == IMPORT_BATCH {
                self.import_batch(&mut batch, account, folder, report)?;
                progress(report.imported + report.skipped);
            }
        }
        self.import_batch(&mut batch, account, folder, report)
    }

    fn import_batch(
        &self,
        batch: &mut Vec<Source>,
        account: &str,
        folder: &str,
        report: &mut ImportReport,
    ) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        let fresh: Vec<&Source> = {
            let mut keep = Vec::with_capacity(batch.len());
            for source in batch.iter() {
                if self.already_in_folder(account, folder, &source.raw)? {
                    report.skipped += 1;
                } else {
                    keep.push(source);
                }
            }
            keep
        };
        let messages: Vec<NewMessage<'_>> = fresh
            .iter()
            .map(|s| NewMessage {
                account,
                folder,
                identity: ServerIdentity::Local,
                raw: &s.raw,
                flags: s.flags,
                internal_date: s.date,
            })
            .collect();
        if !messages.is_empty() {
            self.store_batch(&messages)?;
            report.imported += messages.len() as u64;
            if !report.folders.iter().any(|f| f == folder) {
                report.folders.push(folder.to_string());
            }
        }
        batch.clear();
        Ok(())
    }

    fn already_in_folder(
        &self,
        account: &str,
        folder: &str,
        raw: &[u8],
    ) -> Result<bool, StoreError> {
        let Some(message_id) = header_message_id(raw) else {
            return Ok(false);
        };
        let conn = self.conn();
        let found: Option<i64> = conn
            .query_row(
                "SELECT m.id FROM messages m JOIN folders f ON f.id = m.folder_id
                 WHERE m.message_id = ?1 AND m.size = ?2 AND f.account = ?3 AND f.name = ?4",
                rusqlite::params![message_id, raw.len() as i64, account, folder],
                |r| r.get(0),
            )
            .optional()?;
        Ok(found.is_some())
    }
}
