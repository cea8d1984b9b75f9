//! The `pending` table, step (1) of storing (see `write`): the file name
//! of every delivery is recorded and committed before its file is written,
//! and [`Store::open`] finishes the deliveries a crash interrupted.

use super::clock::now_seconds;
use super::envelope::Envelope;
use super::folder_rows::folder_row;
use super::index_row::{RowData, insert_row};
use super::maildir;
use super::names::undo_dir_name;
use super::paths::{find_by_base_name, relative};
use super::{Flags, NewMessage, ServerIdentity, Store, StoreError};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use std::path::Path;

impl Store {
    /// Finishes one interrupted delivery: a file that reached `new/` or
    /// `cur/` is indexed (unless a row already has it), a partial `tmp/`
    /// file is removed.
    fn recover_one(
        &self,
        tx: &Transaction<'_>,
        dir: &str,
        name: &str,
        identity: &str,
        date: Option<i64>,
    ) -> Result<(), StoreError> {
        let root = self.inner.root.join(dir);
        let Some(path) = find_by_base_name(&root, name) else {
            let _ = std::fs::remove_file(root.join("tmp").join(name));
            return Ok(());
        };
        let rel = relative(&self.inner.root, &path);
        let known: Option<i64> = tx
            .query_row("SELECT id FROM messages WHERE path = ?1", [&rel], |r| {
                r.get(0)
            })
            .optional()?;
        if known.is_some() {
            return Ok(());
        }
        let (account, folder_name) = match dir.split_once('/') {
            Some((a, f)) => (undo_dir_name(a), undo_dir_name(f)),
            None => return Ok(()),
        };
        let folder = folder_row(tx, &self.inner.root, &account, &folder_name, None)?;
        let raw = std::fs::read(&path)?;
        let envelope = Envelope::parse(&raw);
        insert_row(
            tx,
            &RowData {
                folder: &folder,
                account: &account,
                identity: &decode_identity(identity),
                id_folder: folder.id,
                rel_path: &rel,
                envelope: &envelope,
                date: date.or(envelope.date).unwrap_or_else(now_seconds),
                flags: Flags::from_maildir(maildir::flags_of(&path)),
                size: raw.len(),
                keywords: "",
                modseq: None,
                defer_text: false,
            },
        )?;
        tracing::info!(file = %rel, "indexed a message whose delivery was interrupted");
        Ok(())
    }

    /// Finishes deliveries interrupted by a crash, except those of writers
    /// that may still be running.
    pub(super) fn recover_pending(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        type PendingRow = (
            i64,
            String,
            String,
            String,
            Option<i64>,
            Option<u32>,
            Option<i64>,
        );
        let pending: Vec<PendingRow> = conn
            .prepare("SELECT id, dir, name, identity, date, owner_pid, created FROM pending")?
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        for (pending_id, dir, name, identity, date, owner, created) in pending {
            if writer_alive(owner, created) {
                continue;
            }
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            match self.recover_one(&tx, &dir, &name, &identity, date) {
                Ok(()) => {
                    pending_done(&tx, &[pending_id])?;
                    tx.commit()?;
                }
                // A message that cannot be indexed now (unreadable file,
                // odd state) must not keep the store from opening: its file
                // stays in the Maildir, where `reindex` finds it.
                Err(e) => {
                    tracing::warn!(file = %name, "cannot finish an interrupted delivery: {e}");
                    drop(tx);
                    pending_done(&conn, &[pending_id])?;
                }
            }
        }
        Ok(())
    }
}

/// Records the planned file name of every message of a batch, in one
/// committed transaction, before any file is written. Each entry is the
/// folder's directory, the file name and the message. Returns each
/// record's id, in the same order, for [`pending_done`].
pub(super) fn record_pending<'a>(
    conn: &mut Connection,
    planned: impl Iterator<Item = (&'a str, &'a str, &'a NewMessage<'a>)>,
) -> Result<Vec<i64>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut ids = Vec::new();
    {
        let mut insert = tx.prepare(
            "INSERT INTO pending (dir, name, identity, date, owner_pid, created)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let (pid, now) = (std::process::id(), now_seconds());
        for (dir, name, msg) in planned {
            insert.execute(params![
                dir,
                name,
                encode_identity(&msg.identity),
                msg.internal_date,
                pid,
                now
            ])?;
            ids.push(tx.last_insert_rowid());
        }
    }
    tx.commit()?;
    Ok(ids)
}

/// Deletes the pending records of deliveries that are finished (or given
/// up), in the caller's transaction if it has one (by id: the table has no
/// index on names).
pub(super) fn pending_done(conn: &Connection, ids: &[i64]) -> Result<(), StoreError> {
    let mut done = conn.prepare_cached("DELETE FROM pending WHERE id = ?1")?;
    for id in ids {
        done.execute([id])?;
    }
    Ok(())
}

/// Whether the process that recorded a pending delivery may still be
/// writing it: this process, or another one that is still running (by
/// /proc where there is one, else for ten minutes after it began).
fn writer_alive(owner: Option<u32>, created: Option<i64>) -> bool {
    let Some(pid) = owner else {
        return false;
    };
    if pid == std::process::id() {
        return true;
    }
    if Path::new("/proc/self").exists() {
        return Path::new(&format!("/proc/{pid}")).exists();
    }
    created.is_some_and(|t| now_seconds() - t < 600)
}

/// A server identity as the `pending` table keeps it.
pub(super) fn encode_identity(identity: &ServerIdentity) -> String {
    match identity {
        ServerIdentity::Imap { uidvalidity, uid } => format!("imap:{uidvalidity}:{uid}"),
        ServerIdentity::Pop3 { uidl } => format!("pop3:{uidl}"),
        ServerIdentity::Local => "local".into(),
    }
}

pub(super) fn decode_identity(text: &str) -> ServerIdentity {
    if let Some(uidl) = text.strip_prefix("pop3:") {
        return ServerIdentity::Pop3 { uidl: uidl.into() };
    }
    if let Some(rest) = text.strip_prefix("imap:")
        && let Some((v, u)) = rest.split_once(':')
        && let (Ok(uidvalidity), Ok(uid)) = (v.parse(), u.parse())
    {
        return ServerIdentity::Imap { uidvalidity, uid };
    }
    ServerIdentity::Local
}
