//! Storing messages so that a crash at any point loses nothing and leaves
//! no index row without its file.
//!
//! The order is: (1) record the chosen file name in `pending` and commit;
//! (2) write the file to `tmp/`, fsync, rename into `new/`/`cur/`, fsync the
//! directory; (3) in one transaction insert the message row and its search
//! row and delete the `pending` row. A crash after (1) leaves a pending row
//! that [`Store::open`] resolves: if the file reached `new/`/`cur/` it is
//! indexed (with its identity), otherwise the partial `tmp/` file is removed.
//! A row is only ever committed after its file is durable, so there is never
//! a row without a file.

use super::envelope::Envelope;
use super::maildir::{self, Durability, Maildir, Subdir};
use super::{Flags, MessageId, NewMessage, ServerIdentity, Store, StoreError, StoreOutcome};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};

/// When set, storing aborts the process between writing the files and
/// committing their rows (for the crash-consistency test only).
pub const CRASH_HOOK_ENV: &str = "WIREPOST_TEST_CRASH_BEFORE_INDEX_COMMIT";

/// A folder's row id and its directory relative to the store root.
#[derive(Debug, Clone)]
pub(super) struct FolderRow {
    pub id: i64,
    pub dir: String,
}

/// Everything needed to insert one index row.
pub(super) struct RowData<'a> {
    pub folder: &'a FolderRow,
    pub account: &'a str,
    pub identity: &'a ServerIdentity,
    pub id_folder: i64,
    pub rel_path: &'a str,
    pub envelope: &'a Envelope,
    pub date: i64,
    pub flags: Flags,
    pub size: usize,
}

impl Store {
    pub fn store_message(&self, msg: &NewMessage<'_>) -> Result<StoreOutcome, StoreError> {
        let outcomes = self.store_batch_with(std::slice::from_ref(msg), Durability::Durable)?;
        Ok(outcomes[0])
    }

    pub fn store_batch(&self, msgs: &[NewMessage<'_>]) -> Result<Vec<StoreOutcome>, StoreError> {
        self.store_batch_with(msgs, Durability::CallerSyncs)
    }

    fn store_batch_with(
        &self,
        msgs: &[NewMessage<'_>],
        durability: Durability,
    ) -> Result<Vec<StoreOutcome>, StoreError> {
        let mut conn = self.conn();
        let mut outcomes: Vec<Option<StoreOutcome>> = vec![None; msgs.len()];
        let mut folders: HashMap<(&str, &str), FolderRow> = HashMap::new();
        // Plan: which messages are new, under which file names.
        let mut planned: Vec<(usize, String)> = Vec::new();
        let mut in_batch: HashMap<(&str, &str, &ServerIdentity), usize> = HashMap::new();
        for (i, msg) in msgs.iter().enumerate() {
            let folder = match folders.entry((msg.account, msg.folder)) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => e.insert(folder_row(
                    &conn,
                    &self.inner.root,
                    msg.account,
                    msg.folder,
                    None,
                )?),
            };
            if msg.identity != ServerIdentity::Local {
                if let Some(id) = find_identity(&conn, msg.account, folder.id, &msg.identity)? {
                    outcomes[i] = Some(StoreOutcome::Duplicate(id));
                    continue;
                }
                let key_folder = if matches!(msg.identity, ServerIdentity::Pop3 { .. }) {
                    ""
                } else {
                    msg.folder
                };
                if let Some(&first) = in_batch.get(&(msg.account, key_folder, &msg.identity)) {
                    // Resolved below, once the first copy has its id.
                    outcomes[i] = Some(StoreOutcome::Duplicate(-(first as i64) - 1));
                    continue;
                }
                in_batch.insert((msg.account, key_folder, &msg.identity), i);
            }
            planned.push((i, maildir::unique_name()));
        }
        if !planned.is_empty() {
            record_pending(&mut conn, msgs, &folders, &planned)?;
        }
        // Write the files; none is indexed yet.
        let mut written: Vec<(usize, PathBuf, Envelope)> = Vec::with_capacity(planned.len());
        let mut maildirs: HashMap<&str, Maildir> = HashMap::new();
        for (i, name) in &planned {
            let msg = &msgs[*i];
            let folder = &folders[&(msg.account, msg.folder)];
            let md = match maildirs.entry(folder.dir.as_str()) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => e.insert(Maildir::create(self.inner.root.join(&folder.dir))?),
            };
            let subdir = if msg.flags.seen {
                Subdir::Cur
            } else {
                Subdir::New
            };
            let path =
                md.deliver_named(name, msg.raw, subdir, &msg.flags.to_maildir(), durability)?;
            written.push((*i, path, Envelope::parse(msg.raw)));
        }
        if durability == Durability::CallerSyncs && !written.is_empty() {
            let paths: Vec<PathBuf> = written.iter().map(|(_, p, _)| p.clone()).collect();
            maildir::sync_paths(&paths)?;
        }
        if std::env::var_os(CRASH_HOOK_ENV).is_some() && !written.is_empty() {
            // The crash-consistency test kills the process exactly here:
            // files durable, index rows not committed.
            std::process::abort();
        }
        let tx = conn.transaction()?;
        for (i, path, envelope) in &written {
            let msg = &msgs[*i];
            let folder = &folders[&(msg.account, msg.folder)];
            let rel = relative(&self.inner.root, path);
            let id = insert_row(
                &tx,
                &RowData {
                    folder,
                    account: msg.account,
                    identity: &msg.identity,
                    id_folder: folder.id,
                    rel_path: &rel,
                    envelope,
                    date: msg
                        .internal_date
                        .or(envelope.date)
                        .unwrap_or_else(now_seconds),
                    flags: msg.flags,
                    size: msg.raw.len(),
                },
            )?;
            outcomes[*i] = Some(StoreOutcome::Stored(id));
        }
        for (_, name) in &planned {
            tx.execute("DELETE FROM pending WHERE name = ?1", [name])?;
        }
        tx.commit()?;
        let resolved: Vec<StoreOutcome> = outcomes
            .iter()
            .map(|o| o.expect("every message has an outcome"))
            .collect();
        Ok(resolved
            .iter()
            .map(|o| match *o {
                StoreOutcome::Duplicate(id) if id < 0 => {
                    StoreOutcome::Duplicate(resolved[(-id - 1) as usize].id())
                }
                other => other,
            })
            .collect())
    }

    /// Finishes deliveries interrupted by a crash (see the module comment).
    pub(super) fn recover_pending(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let pending: Vec<(i64, String, String, String, Option<i64>)> = conn
            .prepare("SELECT id, dir, name, identity, date FROM pending")?
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<_, _>>()?;
        for (pending_id, dir, name, identity, date) in pending {
            let root = self.inner.root.join(&dir);
            let found = find_by_base_name(&root, &name);
            let tx = conn.transaction()?;
            if let Some(path) = found {
                let rel = relative(&self.inner.root, &path);
                let known: Option<i64> = tx
                    .query_row("SELECT id FROM messages WHERE path = ?1", [&rel], |r| {
                        r.get(0)
                    })
                    .optional()?;
                if known.is_none() {
                    let folder: FolderRow =
                        tx.query_row("SELECT id, dir FROM folders WHERE dir = ?1", [&dir], |r| {
                            Ok(FolderRow {
                                id: r.get(0)?,
                                dir: r.get(1)?,
                            })
                        })?;
                    let account: String = tx.query_row(
                        "SELECT account FROM folders WHERE id = ?1",
                        [folder.id],
                        |r| r.get(0),
                    )?;
                    let raw = std::fs::read(&path)?;
                    let envelope = Envelope::parse(&raw);
                    let identity = decode_identity(&identity);
                    let flags = Flags::from_maildir(maildir::flags_of(&path));
                    insert_row(
                        &tx,
                        &RowData {
                            folder: &folder,
                            account: &account,
                            identity: &identity,
                            id_folder: folder.id,
                            rel_path: &rel,
                            envelope: &envelope,
                            date: date.or(envelope.date).unwrap_or_else(now_seconds),
                            flags,
                            size: raw.len(),
                        },
                    )?;
                    tracing::info!(file = %rel, "indexed a message whose delivery was interrupted");
                }
            } else {
                let _ = std::fs::remove_file(root.join("tmp").join(&name));
            }
            tx.execute("DELETE FROM pending WHERE id = ?1", [pending_id])?;
            tx.commit()?;
        }
        Ok(())
    }
}

fn record_pending(
    conn: &mut Connection,
    msgs: &[NewMessage<'_>],
    folders: &HashMap<(&str, &str), FolderRow>,
    planned: &[(usize, String)],
) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    {
        let mut insert =
            tx.prepare("INSERT INTO pending (dir, name, identity, date) VALUES (?1, ?2, ?3, ?4)")?;
        for (i, name) in planned {
            let msg = &msgs[*i];
            let folder = &folders[&(msg.account, msg.folder)];
            insert.execute(params![
                folder.dir,
                name,
                encode_identity(&msg.identity),
                msg.internal_date
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// The folder's row, created (with its Maildir) when missing.
pub(super) fn folder_row(
    conn: &Connection,
    root: &Path,
    account: &str,
    folder: &str,
    role: Option<super::FolderRole>,
) -> Result<FolderRow, StoreError> {
    let existing = conn
        .query_row(
            "SELECT id, dir FROM folders WHERE account = ?1 AND name = ?2",
            [account, folder],
            |r| {
                Ok(FolderRow {
                    id: r.get(0)?,
                    dir: r.get(1)?,
                })
            },
        )
        .optional()?;
    if let Some(row) = existing {
        if let Some(role) = role {
            conn.execute(
                "UPDATE folders SET role = ?1 WHERE id = ?2",
                params![role.as_str(), row.id],
            )?;
        }
        return Ok(row);
    }
    let dir = super::folder_dir_name(account, folder);
    Maildir::create(root.join(&dir))?;
    conn.execute(
        "INSERT INTO folders (account, name, dir, role) VALUES (?1, ?2, ?3, ?4)",
        params![account, folder, dir, role.map(|r| r.as_str())],
    )?;
    Ok(FolderRow {
        id: conn.last_insert_rowid(),
        dir,
    })
}

/// The row holding `identity`: IMAP identities are per folder, POP3
/// identities per account.
pub(super) fn find_identity(
    conn: &Connection,
    account: &str,
    folder_id: i64,
    identity: &ServerIdentity,
) -> Result<Option<MessageId>, StoreError> {
    Ok(match identity {
        ServerIdentity::Imap { uidvalidity, uid } => conn
            .query_row(
                "SELECT id FROM messages WHERE id_kind = 1 AND id_folder = ?1
                 AND uidvalidity = ?2 AND uid = ?3",
                params![folder_id, uidvalidity, uid],
                |r| r.get(0),
            )
            .optional()?,
        ServerIdentity::Pop3 { uidl } => conn
            .query_row(
                "SELECT id FROM messages WHERE id_kind = 2 AND account = ?1 AND uidl = ?2",
                params![account, uidl],
                |r| r.get(0),
            )
            .optional()?,
        ServerIdentity::Local => None,
    })
}

pub(super) fn insert_row(tx: &Transaction<'_>, row: &RowData<'_>) -> Result<MessageId, StoreError> {
    let (kind, uidvalidity, uid, uidl) = match row.identity {
        ServerIdentity::Local => (0, None, None, None),
        ServerIdentity::Imap { uidvalidity, uid } => (1, Some(*uidvalidity), Some(*uid), None),
        ServerIdentity::Pop3 { uidl } => (2, None, None, Some(uidl.as_str())),
    };
    let env = row.envelope;
    tx.prepare_cached(
        "INSERT INTO messages (folder_id, account, path, id_kind, id_folder, uidvalidity, uid,
           uidl, date, from_addr, to_addr, cc_addr, subject, flags, size, has_attachment,
           message_id, in_reply_to, refs, snippet)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
           ?18, ?19, ?20)",
    )?
    .execute(params![
        row.folder.id,
        row.account,
        row.rel_path,
        kind,
        (kind != 0).then_some(row.id_folder),
        uidvalidity,
        uid,
        uidl,
        row.date,
        env.from,
        env.to,
        env.cc,
        env.subject,
        row.flags.to_bits(),
        row.size as i64,
        env.has_attachment,
        env.message_id,
        env.in_reply_to,
        env.references,
        env.snippet,
    ])?;
    let id = tx.last_insert_rowid();
    tx.prepare_cached(
        "INSERT INTO messages_fts (rowid, subject, addresses, body) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id, env.subject, env.addresses(), env.body])?;
    Ok(id)
}

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

/// The file in `new/` or `cur/` of the Maildir at `root` whose unique part
/// is `base` (its flags may have changed since it was recorded).
pub(super) fn find_by_base_name(root: &Path, base: &str) -> Option<PathBuf> {
    let plain = root.join("new").join(base);
    if plain.exists() {
        return Some(plain);
    }
    let cur = root.join("cur");
    std::fs::read_dir(&cur)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| maildir::base_name(p) == base)
}

/// `path` relative to the store root, with `/` separators.
pub(super) fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

pub(super) fn now_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
