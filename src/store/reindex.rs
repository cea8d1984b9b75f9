//! `wirepost reindex`: rebuilds the index from the Maildirs on disk, for
//! when the index was lost, damaged, or other programs changed the mail.
//! Server identities, folder roles and sync state of files the old index
//! knew are kept (matched by the files' unique names).

use super::envelope::Envelope;
use super::folder_rows::{FolderRow, folder_row};
use super::index_row::{RowData, insert_row, is_constraint};
use super::maildir::{self, Maildir};
use super::names::undo_dir_name;
use super::paths::relative;
use super::pending::{decode_identity, encode_identity};
use super::{Flags, ServerIdentity, Store, StoreError};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::collections::HashMap;
use std::fs::{self, DirEntry};
use std::path::Path;

/// What a reindex found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReindexReport {
    pub folders: u64,
    pub messages: u64,
    /// Partial deliveries removed from `tmp/`.
    pub cleaned_tmp: u64,
}

/// What the old index knew of a file, by the file's unique name: its
/// identity (as `pending` encodes it), the folder that identity belongs
/// to, and its date.
type KnownFiles = HashMap<String, (String, Option<i64>, i64)>;

impl Store {
    /// Rebuilds the index from disk. `progress(done)` is called now and then.
    pub fn reindex(&self, progress: &mut dyn FnMut(u64)) -> Result<ReindexReport, StoreError> {
        let root = self.inner.root.clone();
        let mut conn = self.conn();
        let mut known = known_files(&conn)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM messages_fts", [])?;
        tx.execute("DELETE FROM messages", [])?;
        tx.execute("DELETE FROM pending", [])?;
        let mut report = ReindexReport::default();
        for account_dir in sorted_entries(&root, |p| p.is_dir())? {
            let account = undo_dir_name(&account_dir.file_name().to_string_lossy());
            for folder_dir in sorted_entries(&account_dir.path(), |p| p.join("cur").is_dir())? {
                let mut folder = FolderReindex {
                    tx: &tx,
                    root: &root,
                    account: &account,
                    known: &mut known,
                    report: &mut report,
                    progress: &mut *progress,
                };
                folder.run(&folder_dir)?;
            }
        }
        tx.commit()?;
        progress(report.messages);
        Ok(report)
    }
}

/// Identities of the files the index knows, before it is cleared.
fn known_files(conn: &Connection) -> Result<KnownFiles, StoreError> {
    let mut known = KnownFiles::new();
    let mut stmt = conn
        .prepare("SELECT path, id_kind, uidvalidity, uid, uidl, id_folder, date FROM messages")?;
    let rows = stmt.query_map([], |r| {
        let path: String = r.get(0)?;
        let identity = match r.get::<_, i64>(1)? {
            1 => ServerIdentity::Imap {
                uidvalidity: r.get(2)?,
                uid: r.get(3)?,
            },
            2 => ServerIdentity::Pop3 { uidl: r.get(4)? },
            _ => ServerIdentity::Local,
        };
        Ok((path, encode_identity(&identity), r.get(5)?, r.get(6)?))
    })?;
    for row in rows {
        let (path, identity, id_folder, date) = row?;
        let base = maildir::base_name(Path::new(&path)).to_string();
        known.insert(base, (identity, id_folder, date));
    }
    Ok(known)
}

/// The entries of `dir` whose path `keep` accepts, in order of name.
fn sorted_entries(dir: &Path, keep: impl Fn(&Path) -> bool) -> Result<Vec<DirEntry>, StoreError> {
    let mut dirs: Vec<DirEntry> = fs::read_dir(dir)?
        .flatten()
        .filter(|e| keep(&e.path()))
        .collect();
    dirs.sort_by_key(|e| e.file_name());
    Ok(dirs)
}

/// The reindex of one folder's Maildir, inside the reindex transaction.
struct FolderReindex<'r, 't> {
    tx: &'r Transaction<'t>,
    root: &'r Path,
    account: &'r str,
    known: &'r mut KnownFiles,
    report: &'r mut ReindexReport,
    progress: &'r mut dyn FnMut(u64),
}

impl FolderReindex<'_, '_> {
    fn run(&mut self, folder_dir: &DirEntry) -> Result<(), StoreError> {
        let folder = undo_dir_name(&folder_dir.file_name().to_string_lossy());
        let row: FolderRow = folder_row(self.tx, self.root, self.account, &folder, None)?;
        self.report.folders += 1;
        self.report.cleaned_tmp += Maildir::create(folder_dir.path())?.clean_tmp()? as u64;
        for sub in ["new", "cur"] {
            for entry in fs::read_dir(folder_dir.path().join(sub))?.flatten() {
                let path = entry.path();
                if !path.is_file() || entry.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                self.index_file(&row, &path)?;
            }
        }
        Ok(())
    }

    /// Indexes one file, under the identity the old index knew it by. Two
    /// files claiming one server identity: the second is kept as a local
    /// message.
    fn index_file(&mut self, row: &FolderRow, path: &Path) -> Result<(), StoreError> {
        let raw = match fs::read(path) {
            Ok(raw) => raw,
            Err(e) => {
                tracing::warn!(file = %path.display(), "reindex: {e}");
                return Ok(());
            }
        };
        let envelope = Envelope::parse(&raw);
        let (identity, id_folder, date) = self
            .known
            .remove(maildir::base_name(path))
            .map(|(i, f, d)| (decode_identity(&i), f, Some(d)))
            .unwrap_or((ServerIdentity::Local, None, None));
        let rel = relative(self.root, path);
        let data = RowData {
            folder: row,
            account: self.account,
            identity: &identity,
            id_folder: id_folder.unwrap_or(row.id),
            rel_path: &rel,
            envelope: &envelope,
            date: date.or(envelope.date).unwrap_or_else(|| mtime(path)),
            flags: Flags::from_maildir(maildir::flags_of(path)),
            size: raw.len(),
            keywords: if maildir::flags_of(path).contains('P') {
                super::flag_state::FORWARDED
            } else {
                ""
            },
            modseq: None,
            defer_text: false,
        };
        match insert_row(self.tx, &data) {
            Ok(_) => self.report.messages += 1,
            Err(StoreError::Sqlite(e)) if is_constraint(&e) => {
                insert_row(
                    self.tx,
                    &RowData {
                        identity: &ServerIdentity::Local,
                        id_folder: row.id,
                        date: envelope.date.unwrap_or_else(|| mtime(path)),
                        ..data
                    },
                )?;
                self.report.messages += 1;
            }
            Err(e) => return Err(e),
        }
        if self.report.messages.is_multiple_of(1000) {
            (self.progress)(self.report.messages);
        }
        Ok(())
    }
}

fn mtime(path: &Path) -> i64 {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs() as i64)
}
