//! Copies and moves the user makes, between folders and between accounts.
//! A move inside an account keeps the message's server identity (see
//! `server_sync::local_moves`); everything else that a server must still
//! do waits in the `transfers` table: a copy to make there, or a message
//! to upload into its new account — and, for a move, the source message
//! to delete only once the upload succeeded. The local side is done at
//! once (the user sees the message in its new place), so a transfer works
//! offline and survives restarts like every other change.

use super::clock::now_seconds;
use super::flag_state::{FlagState, Keywords};
use super::folder_rows::{FolderRow, folder_row};
use super::maildir::{self, Durability, Maildir, Subdir};
use super::paths::relative;
use super::{Flags, MessageId, ServerIdentity, Store, StoreError};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use std::path::{Path, PathBuf};

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferKind {
    /// Keep the original where it is.
    pub copy: bool,
    /// The target account has an IMAP server that must get the message.
    pub upload: bool,
}

/// Where a transferred message came from on its old server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferSource {
    pub account: String,
    /// The server folder.
    pub folder: String,
    pub uidvalidity: u32,
    pub uid: u32,
}

/// A copy or move waiting for a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: i64,
    pub message: MessageId,
    /// Where the message is now; `None` when it was deleted meanwhile.
    pub place: Option<(String, String)>,
    pub source: Option<TransferSource>,
    /// A move: the source goes once the message is safe in its new place.
    pub delete_source: bool,
    /// The new place has it; only the source's deletion is left.
    pub uploaded: bool,
    pub flags: FlagState,
    /// The Message-ID header, to find an upload again without UIDPLUS.
    pub message_id: Option<String>,
    /// The message's date (Unix seconds), kept as the upload's
    /// INTERNALDATE.
    pub date: i64,
}

/// The columns of a message row copied as they are by [`copy_row`].
const COPIED_COLUMNS: &str = "date, from_addr, to_addr, cc_addr, subject, flags, size, \
    has_attachment, message_id, in_reply_to, refs, snippet, keywords";

impl Store {
    /// Moves or copies message `id` to `to_account`/`to_folder` (created
    /// when missing) and records what its servers must still do. Returns
    /// the message in its new place (a copy has a new id).
    pub fn transfer(
        &self,
        id: MessageId,
        to_account: &str,
        to_folder: &str,
        kind: TransferKind,
    ) -> Result<MessageId, StoreError> {
        let (account, _, _) = self.message_place(id)?;
        if account == to_account && !kind.copy {
            self.move_message(id, to_folder)?;
            if kind.upload && self.identity_kind(id)? == 0 {
                self.queue_upload(id)?;
            }
            return Ok(id);
        }
        let mut conn = self.conn();
        let (_, path) = self.resolve(&conn, id)?;
        let target = folder_row(&conn, self.root(), to_account, to_folder, None)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let source = imap_source(&tx, id)?;
        let moved = if kind.copy {
            copy_row(&tx, self.root(), id, &path, &target, to_account)?
        } else {
            move_row(
                &tx,
                self.root(),
                id,
                &path,
                &target,
                to_account,
                kind.upload,
            )?
        };
        let same_account = account == to_account;
        if kind.upload || (same_account && source.is_some()) {
            // A message whose earlier transfer still waits keeps that one:
            // it acts on wherever the message is when it runs.
            tx.execute(
                "INSERT INTO transfers (message, src_account, src_folder, uidvalidity, uid,
                 delete_source, created) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
                 WHERE NOT EXISTS (SELECT 1 FROM transfers WHERE message = ?1)",
                params![
                    moved,
                    source.as_ref().map(|_| account.as_str()),
                    source.as_ref().map(|s| s.0),
                    source.as_ref().map(|s| s.1),
                    source.as_ref().map(|s| s.2),
                    !kind.copy && source.is_some(),
                    now_seconds()
                ],
            )?;
        }
        tx.commit()?;
        drop(conn);
        if kind.copy {
            self.start_text_indexer();
        }
        Ok(moved)
    }

    /// Transfers whose message is now in `account` and not uploaded yet.
    pub fn transfers_into(&self, account: &str) -> Result<Vec<Transfer>, StoreError> {
        self.transfers_where(
            "t.uploaded = 0 AND (m.account = ?1
             OR (m.id IS NULL AND coalesce(t.src_account, ?1) = ?1))",
            account,
        )
    }

    /// Moves out of `account` whose upload succeeded: their sources are
    /// left to delete on `account`'s server.
    pub fn transfers_out_of(&self, account: &str) -> Result<Vec<Transfer>, StoreError> {
        self.transfers_where(
            "t.uploaded = 1 AND t.delete_source = 1 AND t.src_account = ?1",
            account,
        )
    }

    /// The message is safe in its new place; a move's source goes next.
    pub fn transfer_uploaded(&self, transfer: i64) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE transfers SET uploaded = 1 WHERE id = ?1",
            [transfer],
        )?;
        Ok(())
    }

    /// The transfer is done.
    pub fn forget_transfer(&self, transfer: i64) -> Result<(), StoreError> {
        self.conn()
            .execute("DELETE FROM transfers WHERE id = ?1", [transfer])?;
        Ok(())
    }

    /// Files a transferred (or moved) message under the identity the
    /// server gave it, with the flags the server copy has as its base
    /// (`None`: the base it has, for a move that took its flags along).
    /// When a sync already fetched the server copy meanwhile, that copy
    /// stays and this one goes (it is the same message).
    pub fn refile(
        &self,
        id: MessageId,
        folder: &str,
        identity: &ServerIdentity,
        base: Option<&FlagState>,
    ) -> Result<(), StoreError> {
        let (account, _, _) = self.message_place(id)?;
        if let Some(other) = self.message_by_identity(&account, folder, identity)?
            && other != id
        {
            return self.discard(id);
        }
        self.set_identity(id, folder, identity)?;
        self.conn().execute(
            "UPDATE messages SET server_flags = coalesce(?2, server_flags),
             server_keywords = coalesce(?3, server_keywords), modseq = NULL WHERE id = ?1",
            params![
                id,
                base.map(|b| b.flags.to_bits()),
                base.map(|b| b.keywords.to_db())
            ],
        )?;
        Ok(())
    }

    /// Removes a local message that the server copy replaces, leaving no
    /// tombstone (nothing to delete on the server).
    pub fn discard(&self, id: MessageId) -> Result<(), StoreError> {
        let path = self.message_path(id).ok();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM messages_fts WHERE rowid = ?1", [id])?;
        tx.execute("DELETE FROM messages WHERE id = ?1", [id])?;
        tx.commit()?;
        if let Some(path) = path {
            let _ = std::fs::remove_file(path);
        }
        Ok(())
    }

    /// The Message-ID header of each message (`None` when it has none or
    /// is gone), in the order given.
    pub fn message_ids(&self, ids: &[MessageId]) -> Result<Vec<Option<String>>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached("SELECT message_id FROM messages WHERE id = ?1")?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(stmt.query_row([id], |r| r.get(0)).optional()?.flatten());
        }
        Ok(out)
    }

    /// The agreed flags of the server message `uid` of `folder`, if known.
    pub fn server_base(
        &self,
        account: &str,
        folder: &str,
        uidvalidity: u32,
        uid: u32,
    ) -> Result<Option<FlagState>, StoreError> {
        let Some(id) =
            self.message_by_identity(account, folder, &ServerIdentity::Imap { uidvalidity, uid })?
        else {
            return Ok(None);
        };
        Ok(self
            .reader()
            .query_row(
                "SELECT server_flags, server_keywords FROM messages
                 WHERE id = ?1 AND server_flags IS NOT NULL",
                [id],
                |r| {
                    Ok(FlagState::new(
                        Flags::from_bits(r.get(0)?),
                        Keywords::parse(&r.get::<_, Option<String>>(1)?.unwrap_or_default()),
                    ))
                },
            )
            .optional()?)
    }

    fn identity_kind(&self, id: MessageId) -> Result<i64, StoreError> {
        Ok(self
            .reader()
            .query_row("SELECT id_kind FROM messages WHERE id = ?1", [id], |r| {
                r.get(0)
            })?)
    }

    /// A local-only message moved into a server folder: upload it, unless
    /// a transfer of it already waits (it takes the message's place then).
    fn queue_upload(&self, id: MessageId) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO transfers (message, delete_source, created)
             SELECT ?1, 0, ?2 WHERE NOT EXISTS (SELECT 1 FROM transfers WHERE message = ?1)",
            params![id, now_seconds()],
        )?;
        Ok(())
    }

    fn transfers_where(&self, filter: &str, account: &str) -> Result<Vec<Transfer>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare(&format!(
            "SELECT t.id, t.message, m.account, f.name, t.src_account, sf.name, t.uidvalidity,
               t.uid, t.delete_source, t.uploaded, m.flags, m.keywords, m.message_id, m.date
             FROM transfers t LEFT JOIN messages m ON m.id = t.message
             LEFT JOIN folders f ON f.id = m.folder_id
             LEFT JOIN folders sf ON sf.id = t.src_folder
             WHERE {filter} ORDER BY t.id"
        ))?;
        let rows = stmt.query_map([account], |r| {
            let account: Option<String> = r.get(2)?;
            let folder: Option<String> = r.get(3)?;
            let src: (Option<String>, Option<String>, Option<u32>, Option<u32>) =
                (r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?);
            Ok(Transfer {
                id: r.get(0)?,
                message: r.get(1)?,
                place: account.zip(folder),
                source: match src {
                    (Some(account), Some(folder), Some(uidvalidity), Some(uid)) => {
                        Some(TransferSource {
                            account,
                            folder,
                            uidvalidity,
                            uid,
                        })
                    }
                    _ => None,
                },
                delete_source: r.get(8)?,
                uploaded: r.get(9)?,
                flags: FlagState::new(
                    Flags::from_bits(r.get::<_, Option<i64>>(10)?.unwrap_or(0)),
                    Keywords::parse(&r.get::<_, Option<String>>(11)?.unwrap_or_default()),
                ),
                message_id: r.get(12)?,
                date: r.get::<_, Option<i64>>(13)?.unwrap_or(0),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// The message's IMAP identity: (server folder id, UIDVALIDITY, UID).
fn imap_source(conn: &Connection, id: MessageId) -> Result<Option<(i64, u32, u32)>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id_folder, uidvalidity, uid FROM messages WHERE id = ?1 AND id_kind = 1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?)
}

/// Copies message `id`'s file and row into `target` (of `account`) as a
/// local message; returns the copy's id. Its full text is indexed in the
/// background like a synced message's.
fn copy_row(
    tx: &Transaction<'_>,
    root: &Path,
    id: MessageId,
    path: &Path,
    target: &FolderRow,
    account: &str,
) -> Result<MessageId, StoreError> {
    let raw = std::fs::read(path)?;
    let subdir = if path.parent().and_then(Path::file_name) == Some("new".as_ref()) {
        Subdir::New
    } else {
        Subdir::Cur
    };
    let md = Maildir::create(root.join(&target.dir))?;
    let copy = md.deliver(&raw, subdir, maildir::flags_of(path), Durability::Durable)?;
    let inserted = tx.execute(
        &format!(
            "INSERT INTO messages (folder_id, account, path, id_kind, fts_pending, {COPIED_COLUMNS})
             SELECT ?2, ?3, ?4, 0, 1, {COPIED_COLUMNS} FROM messages WHERE id = ?1"
        ),
        params![id, target.id, account, relative(root, &copy)],
    );
    if let Err(e) = inserted {
        let _ = std::fs::remove_file(&copy);
        return Err(e.into());
    }
    Ok(tx.last_insert_rowid())
}

/// Moves message `id` into `target` of another account. It becomes a
/// local message there until its upload gives it a server identity; a
/// POP3 identity (or, when nothing is uploaded, an IMAP one) leaves a
/// tombstone, so the old account neither fetches it again nor keeps it.
fn move_row(
    tx: &Transaction<'_>,
    root: &Path,
    id: MessageId,
    path: &Path,
    target: &FolderRow,
    account: &str,
    upload: bool,
) -> Result<MessageId, StoreError> {
    let new_path = moved_path(root, path, target)?;
    let kinds = if upload { "2" } else { "1, 2" };
    tx.execute(
        &format!(
            "INSERT INTO tombstones (account, id_folder, id_kind, uidvalidity, uid, uidl,
               removed_at)
             SELECT account, id_folder, id_kind, uidvalidity, uid, uidl, ?2
             FROM messages WHERE id = ?1 AND id_kind IN ({kinds})"
        ),
        params![id, now_seconds()],
    )?;
    tx.execute(
        "UPDATE messages SET account = ?2, folder_id = ?3, path = ?4, id_kind = 0,
           id_folder = NULL, uidvalidity = NULL, uid = NULL, uidl = NULL,
           server_flags = NULL, server_keywords = NULL, modseq = NULL
         WHERE id = ?1",
        params![id, account, target.id, relative(root, &new_path)],
    )?;
    std::fs::rename(path, &new_path)?;
    maildir::sync_dir(new_path.parent().unwrap_or(root))?;
    Ok(id)
}

/// Where a message file lands in `target`'s Maildir (same sub-directory
/// and name).
fn moved_path(root: &Path, path: &Path, target: &FolderRow) -> Result<PathBuf, StoreError> {
    let md = Maildir::create(root.join(&target.dir))?;
    let sub = path
        .parent()
        .and_then(Path::file_name)
        .map_or("cur".into(), |s| s.to_os_string());
    Ok(md
        .root()
        .join(sub)
        .join(path.file_name().ok_or(StoreError::NotFound)?))
}
