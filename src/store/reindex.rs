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
use std::collections::HashMap;
use std::fs;

/// What a reindex found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReindexReport {
    pub folders: u64,
    pub messages: u64,
    /// Partial deliveries removed from `tmp/`.
    pub cleaned_tmp: u64,
}

impl Store {
    /// Rebuilds the index from disk. `progress(done)` is called now and then.
    pub fn reindex(&self, progress: &mut dyn FnMut(u64)) -> Result<ReindexReport, StoreError> {
        let root = self.inner.root.clone();
        let mut conn = self.conn();
        // Identities of the files we know, by unique name.
        let mut known: HashMap<String, (String, Option<i64>, i64)> = HashMap::new();
        {
            let mut stmt = conn.prepare(
                "SELECT path, id_kind, uidvalidity, uid, uidl, id_folder, date FROM messages",
            )?;
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
                let base = maildir::base_name(std::path::Path::new(&path)).to_string();
                known.insert(base, (identity, id_folder, date));
            }
        }
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM messages_fts", [])?;
        tx.execute("DELETE FROM messages", [])?;
        tx.execute("DELETE FROM pending", [])?;
        let mut report = ReindexReport::default();
        let mut accounts: Vec<_> = fs::read_dir(&root)?
            .flatten()
            .filter(|e| e.path().is_dir())
            .collect();
        accounts.sort_by_key(|e| e.file_name());
        for account_dir in accounts {
            let account = undo_dir_name(&account_dir.file_name().to_string_lossy());
            let mut folders: Vec<_> = fs::read_dir(account_dir.path())?
                .flatten()
                .filter(|e| e.path().join("cur").is_dir())
                .collect();
            folders.sort_by_key(|e| e.file_name());
            for folder_dir in folders {
                let folder = undo_dir_name(&folder_dir.file_name().to_string_lossy());
                let row: FolderRow = folder_row(&tx, &root, &account, &folder, None)?;
                report.folders += 1;
                report.cleaned_tmp += Maildir::create(folder_dir.path())?.clean_tmp()? as u64;
                for sub in ["new", "cur"] {
                    for entry in fs::read_dir(folder_dir.path().join(sub))?.flatten() {
                        let path = entry.path();
                        if !path.is_file() || entry.file_name().to_string_lossy().starts_with('.') {
                            continue;
                        }
                        let raw = match fs::read(&path) {
                            Ok(raw) => raw,
                            Err(e) => {
                                tracing::warn!(file = %path.display(), "reindex: {e}");
                                continue;
                            }
                        };
                        let envelope = Envelope::parse(&raw);
                        let (identity, id_folder, date) = known
                            .remove(maildir::base_name(&path))
                            .map(|(i, f, d)| (decode_identity(&i), f, Some(d)))
                            .unwrap_or((ServerIdentity::Local, None, None));
                        let rel = relative(&root, &path);
                        let inserted = insert_row(
                            &tx,
                            &RowData {
                                folder: &row,
                                account: &account,
                                identity: &identity,
                                id_folder: id_folder.unwrap_or(row.id),
                                rel_path: &rel,
                                envelope: &envelope,
                                date: date.or(envelope.date).unwrap_or_else(|| mtime(&path)),
                                flags: Flags::from_maildir(maildir::flags_of(&path)),
                                size: raw.len(),
                            },
                        );
                        match inserted {
                            Ok(_) => report.messages += 1,
                            // Two files claiming one server identity: keep
                            // the second as a local message.
                            Err(StoreError::Sqlite(e)) if is_constraint(&e) => {
                                insert_row(
                                    &tx,
                                    &RowData {
                                        folder: &row,
                                        account: &account,
                                        identity: &ServerIdentity::Local,
                                        id_folder: row.id,
                                        rel_path: &rel,
                                        envelope: &envelope,
                                        date: envelope.date.unwrap_or_else(|| mtime(&path)),
                                        flags: Flags::from_maildir(maildir::flags_of(&path)),
                                        size: raw.len(),
                                    },
                                )?;
                                report.messages += 1;
                            }
                            Err(e) => return Err(e),
                        }
                        if report.messages % 1000 == 0 {
                            progress(report.messages);
                        }
                    }
                }
            }
        }
        tx.commit()?;
        progress(report.messages);
        Ok(report)
    }
}

fn mtime(path: &std::path::Path) -> i64 {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs() as i64)
}
