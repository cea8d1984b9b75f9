//! What an import did, as a whole and file by file: each file imported,
//! already there, or skipped with the reason.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    /// Read; its counts say how many messages were new.
    Read,
    /// Not imported, and why.
    Skipped(String),
    /// Read in part: the messages before the error were imported.
    Failed(String),
}

/// One file of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    pub path: PathBuf,
    pub folder: String,
    pub imported: u64,
    pub already_there: u64,
    pub outcome: FileOutcome,
}

impl FileReport {
    pub(super) fn new(path: &Path, folder: &str) -> FileReport {
        FileReport {
            path: path.to_path_buf(),
            folder: folder.to_string(),
            imported: 0,
            already_there: 0,
            outcome: FileOutcome::Read,
        }
    }

    pub(super) fn skip(&mut self, reason: String) {
        self.outcome = FileOutcome::Skipped(reason);
    }

    pub(super) fn error(&mut self, reason: String) {
        self.outcome = FileOutcome::Failed(reason);
    }

    /// One line for `import --verbose`.
    pub fn describe(&self) -> String {
        let path = self.path.display();
        match &self.outcome {
            FileOutcome::Skipped(reason) => format!("skipped   {path}: {reason}"),
            FileOutcome::Failed(reason) => format!(
                "partly    {path} -> {}: {} imported, {} already there; {reason}",
                self.folder, self.imported, self.already_there
            ),
            FileOutcome::Read if self.imported == 0 && self.already_there == 0 => {
                format!("skipped   {path}: no messages in it")
            }
            FileOutcome::Read if self.imported == 0 => {
                format!("unchanged {path} -> {}: already there", self.folder)
            }
            FileOutcome::Read => format!(
                "imported  {path} -> {}: {} new{}",
                self.folder,
                self.imported,
                if self.already_there > 0 {
                    format!(", {} already there", self.already_there)
                } else {
                    String::new()
                }
            ),
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Messages stored.
    pub imported: u64,
    /// Messages whose exact bytes the target folder already had.
    pub already_there: u64,
    /// Folders the messages read belong to (new or already there), in order.
    pub folders: Vec<String>,
    /// Every file met, in order.
    pub files: Vec<FileReport>,
}

impl ImportReport {
    /// Messages read so far (new or not).
    pub fn messages(&self) -> u64 {
        self.imported + self.already_there
    }

    /// Files that gave no message, counted by reason.
    pub fn skipped_by_reason(&self) -> BTreeMap<String, u64> {
        let mut reasons = BTreeMap::new();
        for file in &self.files {
            let reason = match &file.outcome {
                FileOutcome::Skipped(reason) => reason.clone(),
                FileOutcome::Read if file.imported + file.already_there == 0 => {
                    "no messages in it".to_string()
                }
                _ => continue,
            };
            *reasons.entry(reason).or_insert(0) += 1;
        }
        reasons
    }

    /// Files that stopped part way.
    pub fn failed(&self) -> impl Iterator<Item = &FileReport> {
        self.files
            .iter()
            .filter(|f| matches!(f.outcome, FileOutcome::Failed(_)))
    }

    /// The summary lines: what was imported where, then each kind of
    /// skipped file with a count.
    pub fn summary(&self, account: &str) -> Vec<String> {
        let files_read = self.files.len() - self.skipped_by_reason().values().sum::<u64>() as usize;
        let mut lines = vec![format!(
            "imported {} message(s) into {account} / {}; {} already there; {} file(s) read",
            self.imported,
            if self.folders.is_empty() {
                "-".to_string()
            } else {
                self.folders.join(", ")
            },
            self.already_there,
            files_read,
        )];
        for (reason, count) in self.skipped_by_reason() {
            lines.push(format!("skipped {count} file(s): {reason}"));
        }
        for file in self.failed() {
            lines.push(file.describe());
        }
        lines
    }

    /// The result for the interface's status line, short enough to read
    /// there; every file that gave nothing goes to the log with its reason.
    pub fn status_line(&self, account: &str) -> String {
        for file in &self.files {
            if file.imported + file.already_there == 0 || file.outcome != FileOutcome::Read {
                tracing::info!("import: {}", file.describe());
            }
        }
        let skipped: u64 = self.skipped_by_reason().values().sum();
        let partly = self.failed().count() as u64;
        let mut text = format!(
            "imported {} message(s) into {account} / {}",
            self.imported,
            self.folders.join(", "),
        );
        if self.already_there > 0 {
            text.push_str(&format!("; {} already there", self.already_there));
        }
        // Files: "1 skipped", "2 read in part", or both, then where to look.
        let files: Vec<String> = [(skipped, "skipped"), (partly, "read in part")]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
        if !files.is_empty() {
            text.push_str(&format!("; {} (see the log)", files.join(", ")));
        }
        text
    }

    /// Why an import found nothing, in a line.
    pub fn why_nothing(&self) -> String {
        let reasons: Vec<String> = self
            .skipped_by_reason()
            .into_iter()
            .map(|(reason, n)| format!("{n} file(s) {reason}"))
            .collect();
        if reasons.is_empty() {
            "expected mbox files, .eml files or Maildirs".to_string()
        } else {
            reasons.join(", ")
        }
    }
}
