//! Lookups and changes the sync engines and the Inbox use on stored
//! messages: identities, folder sync state, flags, moves and removal.

use super::clock::now_seconds;
use super::flag_state::FlagState;
use super::flag_sync::set_state_in;
use super::folder_rows::{FolderRow, folder_id, folder_row};
use super::index_row::find_identity;
use super::maildir::{self, Maildir};
use super::paths::{find_by_base_name, relative};
use super::{Flags, FolderRole, FolderState, MessageId, ServerIdentity, Store, StoreError};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

impl Store {
    pub fn has_identity(
        &self,
        account: &str,
        folder: &str,
        identity: &ServerIdentity,
    ) -> Result<bool, StoreError> {
        Ok(self
            .message_by_identity(account, folder, identity)?
            .is_some())
    }

    /// The message stored under `identity`. IMAP identities belong to the
    /// server folder they were fetched from (even after a local move); POP3
    /// identities to the account, whatever `folder` says.
    pub fn message_by_identity(
        &self,
        account: &str,
        folder: &str,
        identity: &ServerIdentity,
    ) -> Result<Option<MessageId>, StoreError> {
        let conn = self.conn();
        let folder_id = match identity {
            ServerIdentity::Imap { .. } => match folder_id(&conn, account, folder)? {
                Some(id) => id,
                None => return Ok(None),
            },
            _ => 0,
        };
        find_identity(&conn, account, folder_id, identity)
    }

    /// Every POP3 UIDL already stored for `account`, including messages
    /// deleted locally (see [`Store::removed_identities`]).
    pub fn known_uidls(&self, account: &str) -> Result<HashSet<String>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT uidl FROM messages WHERE id_kind = 2 AND account = ?1
             UNION SELECT uidl FROM tombstones WHERE id_kind = 2 AND account = ?1",
        )?;
        let rows = stmt.query_map([account], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every IMAP UID stored for `folder` under `uidvalidity`, including
    /// messages deleted locally (see [`Store::removed_identities`]) and
    /// messages moved to another account whose move is not done on the
    /// server yet (see [`Store::transfers_out_of`]).
    pub fn known_uids(
        &self,
        account: &str,
        folder: &str,
        uidvalidity: u32,
    ) -> Result<BTreeSet<u32>, StoreError> {
        let conn = self.conn();
        let Some(folder_id) = folder_id(&conn, account, folder)? else {
            return Ok(BTreeSet::new());
        };
        let mut stmt = conn.prepare(
            "SELECT uid FROM messages WHERE id_kind = 1 AND id_folder = ?1 AND uidvalidity = ?2
             UNION SELECT uid FROM tombstones
             WHERE id_kind = 1 AND id_folder = ?1 AND uidvalidity = ?2
             UNION SELECT uid FROM transfers
             WHERE delete_source = 1 AND src_folder = ?1 AND uidvalidity = ?2",
        )?;
        let rows = stmt.query_map(params![folder_id, uidvalidity], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many UIDs [`Store::known_uids`] would list (counted without
    /// building the list: a resync of a big folder with nothing new only
    /// compares this with the server's EXISTS).
    pub fn known_uid_count(
        &self,
        account: &str,
        folder: &str,
        uidvalidity: u32,
    ) -> Result<u64, StoreError> {
        let conn = self.conn();
        let Some(folder_id) = folder_id(&conn, account, folder)? else {
            return Ok(0);
        };
        let n: i64 = conn.query_row(
            "SELECT (SELECT count(*) FROM messages
                     WHERE id_kind = 1 AND id_folder = ?1 AND uidvalidity = ?2)
                  + (SELECT count(*) FROM tombstones
                     WHERE id_kind = 1 AND id_folder = ?1 AND uidvalidity = ?2)
                  + (SELECT count(*) FROM transfers
                     WHERE delete_source = 1 AND src_folder = ?1 AND uidvalidity = ?2)",
            params![folder_id, uidvalidity],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    pub fn folder_state(
        &self,
        account: &str,
        folder: &str,
    ) -> Result<Option<FolderState>, StoreError> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                "SELECT uidvalidity, uidnext, highestmodseq, last_sync, message_count
                 FROM folders WHERE account = ?1 AND name = ?2",
                [account, folder],
                |r| {
                    Ok(FolderState {
                        uidvalidity: r.get(0)?,
                        uidnext: r.get(1)?,
                        highestmodseq: r.get::<_, Option<i64>>(2)?.map(|v| v as u64),
                        last_sync: r.get(3)?,
                        message_count: r.get::<_, Option<i64>>(4)?.map(|v| v as u64),
                    })
                },
            )
            .optional()?)
    }

    /// Records a folder's sync state (creating the folder if needed).
    pub fn set_folder_state(
        &self,
        account: &str,
        folder: &str,
        state: &FolderState,
    ) -> Result<(), StoreError> {
        let conn = self.conn();
        let row = folder_row(&conn, &self.inner.root, account, folder, None)?;
        conn.execute(
            "UPDATE folders SET uidvalidity = ?1, uidnext = ?2, highestmodseq = ?3,
             last_sync = ?4, message_count = ?5 WHERE id = ?6",
            params![
                state.uidvalidity,
                state.uidnext,
                state.highestmodseq.map(|v| v as i64),
                state.last_sync,
                state.message_count.map(|v| v as i64),
                row.id
            ],
        )?;
        Ok(())
    }

    /// Creates the folder and its Maildir if missing; a given role replaces
    /// the folder's previous one.
    pub fn ensure_folder(
        &self,
        account: &str,
        folder: &str,
        role: Option<FolderRole>,
    ) -> Result<(), StoreError> {
        let conn = self.conn();
        folder_row(&conn, &self.inner.root, account, folder, role)?;
        Ok(())
    }

    /// [`Store::ensure_folder`] for many folders in one transaction: a
    /// server's folder list costs one commit, not one per folder.
    pub fn ensure_folders(
        &self,
        account: &str,
        folders: &[(String, Option<FolderRole>)],
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        // Write transactions take the lock at BEGIN: one that read first
        // could not become a write once another handle (another account's
        // task) had committed, and SQLite fails that at once with "database
        // is locked" instead of waiting through the busy timeout.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (folder, role) in folders {
            folder_row(&tx, &self.inner.root, account, folder, *role)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Moves a message to another folder of the same account (created if
    /// missing). The id stays the same; a server identity stays with the
    /// server folder it came from, so a sync does not fetch it again.
    pub fn move_message(&self, id: MessageId, to_folder: &str) -> Result<MessageId, StoreError> {
        let mut moved = self.move_messages_as(vec![Ok((id, None))], to_folder)?;
        moved.pop().ok_or(StoreError::NotFound)?
    }

    /// [`Store::move_message`] for many messages, each also given `flags`
    /// (its keywords stay), in one commit: filing a run of sent messages
    /// costs one rename each and one disk flush in all. A message that
    /// cannot move is left where it was, with its own error; the others
    /// move.
    pub fn move_messages_with_flags(
        &self,
        ids: &[MessageId],
        to_folder: &str,
        flags: Flags,
    ) -> Result<Vec<Result<MessageId, StoreError>>, StoreError> {
        let states: Vec<_> = ids
            .iter()
            .map(|&id| {
                let state = self
                    .flag_state(id)
                    .map(|s| FlagState::new(flags, s.keywords))?;
                Ok((id, Some(state)))
            })
            .collect();
        self.move_messages_as(states, to_folder)
    }

    /// Moves each message (with its new flags, if given) inside one
    /// transaction, a savepoint each; the directories that gained files
    /// are flushed once before the commit.
    fn move_messages_as(
        &self,
        moves: Vec<Result<(MessageId, Option<FlagState>), StoreError>>,
        to_folder: &str,
    ) -> Result<Vec<Result<MessageId, StoreError>>, StoreError> {
        let mut conn = self.conn();
        let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut dirs = BTreeSet::new();
        let mut results = Vec::with_capacity(moves.len());
        for planned in moves {
            let moved = planned.and_then(|(id, state)| {
                let savepoint = tx.savepoint()?;
                let target = self.move_in(&savepoint, id, to_folder, state.as_ref())?;
                savepoint.commit()?;
                dirs.insert(target.parent().map(Path::to_path_buf).unwrap_or_default());
                Ok(id)
            });
            results.push(moved);
        }
        for dir in dirs {
            maildir::sync_dir(&dir)?;
        }
        tx.commit()?;
        Ok(results)
    }

    /// One move of [`Store::move_messages_as`]: the row updated and the
    /// file renamed; returns the file's new path.
    fn move_in(
        &self,
        conn: &Connection,
        id: MessageId,
        to_folder: &str,
        state: Option<&FlagState>,
    ) -> Result<PathBuf, StoreError> {
        let (account, path) = self.resolve(conn, id)?;
        let target_folder = folder_row(conn, &self.inner.root, &account, to_folder, None)?;
        let target_md = Maildir::create(self.inner.root.join(&target_folder.dir))?;
        let sub = path
            .parent()
            .and_then(Path::file_name)
            .map_or("cur".into(), |s| s.to_os_string());
        let moved = target_md
            .root()
            .join(sub)
            .join(path.file_name().ok_or(StoreError::NotFound)?);
        conn.execute(
            "UPDATE messages SET folder_id = ?1, path = ?2 WHERE id = ?3",
            params![target_folder.id, relative(&self.inner.root, &moved), id],
        )?;
        let target = match state {
            Some(state) => set_state_in(conn, &self.inner.root, id, &moved, state)?,
            None => moved,
        };
        std::fs::rename(&path, &target)?;
        Ok(target)
    }

    /// Deletes the message for good: the row first (committed), then the
    /// file, so a crash between the two leaves a file that `reindex` picks
    /// up again, never a row without a file.
    pub fn remove_message(&self, id: MessageId) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let path = match self.resolve(&conn, id) {
            Ok((_, path)) => Some(path),
            Err(StoreError::MissingFile(_)) => None,
            Err(e) => return Err(e),
        };
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO tombstones (account, id_folder, id_kind, uidvalidity, uid, uidl, removed_at)
             SELECT account, id_folder, id_kind, uidvalidity, uid, uidl, ?2
             FROM messages WHERE id = ?1 AND id_kind != 0",
            params![id, now_seconds()],
        )?;
        tx.execute("DELETE FROM messages_fts WHERE rowid = ?1", [id])?;
        tx.execute("DELETE FROM messages WHERE id = ?1", [id])?;
        tx.commit()?;
        if let Some(path) = path {
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                _ => {}
            }
        }
        Ok(())
    }

    /// The absolute path of the message's file.
    pub fn message_path(&self, id: MessageId) -> Result<PathBuf, StoreError> {
        // Looked up through the reader first, so that opening a message
        // never waits for a writer's disk flush; a file that is not where
        // its row says is found (and the row repaired) through the writer.
        let recorded: Option<String> = self
            .reader()
            .query_row("SELECT path FROM messages WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        if let Some(path) = recorded.map(|rel| self.inner.root.join(rel))
            && path.exists()
        {
            return Ok(path);
        }
        let conn = self.conn();
        Ok(self.resolve(&conn, id)?.1)
    }

    /// The message's account and file. When another program (or a crash
    /// between rename and commit) changed the file's flags or location, the
    /// file is found again by its unique name and the row repaired.
    pub(super) fn resolve(
        &self,
        conn: &Connection,
        id: MessageId,
    ) -> Result<(String, PathBuf), StoreError> {
        let (account, rel, folder_dir): (String, String, String) = conn
            .query_row(
                "SELECT m.account, m.path, f.dir FROM messages m JOIN folders f
                 ON f.id = m.folder_id WHERE m.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or(StoreError::NotFound)?;
        let path = self.inner.root.join(&rel);
        if path.exists() {
            return Ok((account, path));
        }
        let base = maildir::base_name(&path).to_string();
        let mut dirs = vec![folder_dir];
        let others: Vec<FolderRow> = conn
            .prepare("SELECT id, dir FROM folders WHERE account = ?1")?
            .query_map([&account], |r| {
                Ok(FolderRow {
                    id: r.get(0)?,
                    dir: r.get(1)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        dirs.extend(others.iter().map(|f| f.dir.clone()));
        for dir in dirs {
            if let Some(found) = find_by_base_name(&self.inner.root.join(&dir), &base) {
                let folder = others.iter().find(|f| f.dir == dir).map(|f| f.id);
                conn.execute(
                    "UPDATE messages SET path = ?1, folder_id = coalesce(?2, folder_id),
                     flags = ?3 WHERE id = ?4",
                    params![
                        relative(&self.inner.root, &found),
                        folder,
                        Flags::from_maildir(maildir::flags_of(&found)).to_bits(),
                        id
                    ],
                )?;
                return Ok((account, found));
            }
        }
        Err(StoreError::MissingFile(path))
    }
}
