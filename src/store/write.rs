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
//!
//! This module is the batch writer that runs the three steps; the
//! `pending` module owns step (1) and the recovery, `index_row` the rows
//! of step (3).

use super::clock::now_seconds;
use super::envelope::Envelope;
use super::folder_rows::{FolderRow, folder_row};
use super::index_row::{RowData, find_identity, insert_row, is_constraint};
use super::maildir::{self, Durability, Maildir, Subdir};
use super::paths::relative;
use super::pending::record_pending;
use super::{
    FlagState, Keywords, MessageId, NewMessage, ServerIdentity, Store, StoreError, StoreOutcome,
};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};

/// When set, storing aborts the process between writing the files and
/// committing their rows (for the crash-consistency test only).
pub const CRASH_HOOK_ENV: &str = "WIREPOST_TEST_CRASH_BEFORE_INDEX_COMMIT";

/// What a batch is about to do, worked out before anything is written.
struct BatchPlan<'m> {
    /// The folders the batch stores into, created when missing.
    folders: HashMap<(&'m str, &'m str), FolderRow>,
    /// Each message's outcome once known. A duplicate of an earlier copy in
    /// the same batch holds `-(index of that copy) - 1` until the copy has
    /// its id (see [`resolve_batch_duplicates`]).
    outcomes: Vec<Option<StoreOutcome>>,
    /// The messages to write, with the unique file name each will get.
    planned: Vec<(usize, String)>,
}

/// A file of step (2): durable, not yet indexed.
/// Batches smaller than this are parsed on the writing thread: a thread
/// of its own would cost more than it saves.
const PARSE_ASIDE_MIN: usize = 32;

struct WrittenFile {
    /// The message's position in the batch.
    index: usize,
    path: PathBuf,
    envelope: Envelope,
}

/// What an IMAP server said about a fetched message beyond its flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerView {
    pub keywords: Keywords,
    /// The message's MODSEQ (CONDSTORE), if the server has them.
    pub modseq: Option<u64>,
}

/// How a batch is written and indexed.
#[derive(Clone, Copy)]
struct BatchMode<'v> {
    durability: Durability,
    /// Per message, in batch order; none for mail that comes with no
    /// server state (POP3, imports, the Outbox).
    views: Option<&'v [ServerView]>,
    /// Leave the full text to the background indexer.
    defer_text: bool,
}

impl Store {
    pub fn store_message(&self, msg: &NewMessage<'_>) -> Result<StoreOutcome, StoreError> {
        let mode = BatchMode {
            durability: Durability::Durable,
            views: None,
            defer_text: false,
        };
        let outcomes = self.store_batch_with(std::slice::from_ref(msg), mode)?;
        Ok(outcomes[0])
    }

    pub fn store_batch(&self, msgs: &[NewMessage<'_>]) -> Result<Vec<StoreOutcome>, StoreError> {
        let mode = BatchMode {
            durability: Durability::CallerSyncs,
            views: None,
            defer_text: false,
        };
        self.store_batch_with(msgs, mode)
    }

    /// A batch fetched from an IMAP server, with each message's keywords
    /// and MODSEQ (`views`, in the same order). The messages are durable
    /// and listed when this returns; their full text is indexed in the
    /// background (see [`Store::index_pending_text`]), so a first sync
    /// does not wait for it.
    pub fn store_imap_batch(
        &self,
        msgs: &[NewMessage<'_>],
        views: &[ServerView],
    ) -> Result<Vec<StoreOutcome>, StoreError> {
        debug_assert_eq!(msgs.len(), views.len());
        let mode = BatchMode {
            durability: Durability::CallerSyncs,
            views: Some(views),
            defer_text: true,
        };
        let outcomes = self.store_batch_with(msgs, mode)?;
        self.start_text_indexer();
        Ok(outcomes)
    }

    /// The three steps of the module comment, in that order.
    fn store_batch_with(
        &self,
        msgs: &[NewMessage<'_>],
        mode: BatchMode<'_>,
    ) -> Result<Vec<StoreOutcome>, StoreError> {
        let mut conn = self.conn();
        let mut plan = self.plan_batch(&conn, msgs)?;
        if !plan.planned.is_empty() {
            record_pending(&mut conn, msgs, &plan.folders, &plan.planned)?;
        }
        let written = self.write_files(msgs, &plan, mode)?;
        if std::env::var_os(CRASH_HOOK_ENV).is_some() && !written.is_empty() {
            // The crash-consistency test kills the process exactly here:
            // files durable, index rows not committed.
            std::process::abort();
        }
        self.index_written(&mut conn, msgs, &mut plan, &written, mode)?;
        Ok(resolve_batch_duplicates(&plan.outcomes))
    }

    /// Which messages are new, under which file names: an identity already
    /// stored, or met earlier in the batch, is a duplicate and not written.
    fn plan_batch<'m>(
        &self,
        conn: &Connection,
        msgs: &'m [NewMessage<'m>],
    ) -> Result<BatchPlan<'m>, StoreError> {
        let mut plan = BatchPlan {
            folders: HashMap::new(),
            outcomes: vec![None; msgs.len()],
            planned: Vec::new(),
        };
        let mut in_batch: HashMap<(&str, &str, &ServerIdentity), usize> = HashMap::new();
        for (i, msg) in msgs.iter().enumerate() {
            let folder = match plan.folders.entry((msg.account, msg.folder)) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => e.insert(folder_row(
                    conn,
                    &self.inner.root,
                    msg.account,
                    msg.folder,
                    None,
                )?),
            };
            if msg.identity != ServerIdentity::Local {
                if let Some(id) = find_identity(conn, msg.account, folder.id, &msg.identity)? {
                    plan.outcomes[i] = Some(StoreOutcome::Duplicate(id));
                    continue;
                }
                let key_folder = if matches!(msg.identity, ServerIdentity::Pop3 { .. }) {
                    ""
                } else {
                    msg.folder
                };
                if let Some(&first) = in_batch.get(&(msg.account, key_folder, &msg.identity)) {
                    // Resolved at the end, once the first copy has its id.
                    plan.outcomes[i] = Some(StoreOutcome::Duplicate(-(first as i64) - 1));
                    continue;
                }
                in_batch.insert((msg.account, key_folder, &msg.identity), i);
            }
            plan.planned.push((i, maildir::unique_name()));
        }
        Ok(plan)
    }

    /// Step (2): writes the planned files; none is indexed yet. With
    /// [`Durability::CallerSyncs`] the files are fsynced together here.
    /// A large batch is parsed for the index on a second thread while the
    /// files are written: parsing is CPU work, writing mostly the kernel's
    /// and the disk's, so on two cores the two overlap.
    fn write_files(
        &self,
        msgs: &[NewMessage<'_>],
        plan: &BatchPlan<'_>,
        mode: BatchMode<'_>,
    ) -> Result<Vec<WrittenFile>, StoreError> {
        let parse_all = || {
            plan.planned
                .iter()
                .map(|(i, _)| Envelope::parse(msgs[*i].raw))
                .collect::<Vec<_>>()
        };
        let (paths, envelopes) = if plan.planned.len() < PARSE_ASIDE_MIN {
            (self.write_planned(msgs, plan, mode)?, parse_all())
        } else {
            std::thread::scope(|scope| {
                let parsing = scope.spawn(parse_all);
                let paths = self.write_planned(msgs, plan, mode);
                let envelopes = parsing
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                paths.map(|paths| (paths, envelopes))
            })?
        };
        Ok(plan
            .planned
            .iter()
            .zip(paths.into_iter().zip(envelopes))
            .map(|((index, _), (path, envelope))| WrittenFile {
                index: *index,
                path,
                envelope,
            })
            .collect())
    }

    /// The files of [`Store::write_files`], in the plan's order.
    fn write_planned(
        &self,
        msgs: &[NewMessage<'_>],
        plan: &BatchPlan<'_>,
        mode: BatchMode<'_>,
    ) -> Result<Vec<PathBuf>, StoreError> {
        let durability = mode.durability;
        let mut paths = Vec::with_capacity(plan.planned.len());
        let mut maildirs: HashMap<&str, Maildir> = HashMap::new();
        for (i, name) in &plan.planned {
            let msg = &msgs[*i];
            let folder = &plan.folders[&(msg.account, msg.folder)];
            let md = match maildirs.entry(folder.dir.as_str()) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => e.insert(Maildir::create(self.inner.root.join(&folder.dir))?),
            };
            let subdir = if msg.flags.seen {
                Subdir::Cur
            } else {
                Subdir::New
            };
            let letters = match mode.views.and_then(|v| v.get(*i)) {
                Some(view) => FlagState::new(msg.flags, view.keywords.clone()).maildir_letters(),
                None => msg.flags.to_maildir(),
            };
            paths.push(md.deliver_named(name, msg.raw, subdir, &letters, durability)?);
        }
        if durability == Durability::CallerSyncs && !paths.is_empty() {
            maildir::sync_paths(&paths)?;
        }
        Ok(paths)
    }

    /// Step (3): one transaction inserts the rows of the written files and
    /// deletes the batch's pending records.
    fn index_written(
        &self,
        conn: &mut Connection,
        msgs: &[NewMessage<'_>],
        plan: &mut BatchPlan<'_>,
        written: &[WrittenFile],
        mode: BatchMode<'_>,
    ) -> Result<(), StoreError> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for file in written {
            let msg = &msgs[file.index];
            let view = mode.views.and_then(|v| v.get(file.index));
            let keywords = view.map(|v| v.keywords.to_db()).unwrap_or_default();
            let folder = &plan.folders[&(msg.account, msg.folder)];
            let rel = relative(&self.inner.root, &file.path);
            let inserted = insert_row(
                &tx,
                &RowData {
                    folder,
                    account: msg.account,
                    identity: &msg.identity,
                    id_folder: folder.id,
                    rel_path: &rel,
                    envelope: &file.envelope,
                    date: msg
                        .internal_date
                        .or(file.envelope.date)
                        .unwrap_or_else(now_seconds),
                    flags: msg.flags,
                    size: msg.raw.len(),
                    keywords: &keywords,
                    modseq: view.and_then(|v| v.modseq),
                    defer_text: mode.defer_text,
                },
            );
            let outcome = stored_or_theirs(&tx, inserted, msg, folder.id, &file.path)?;
            plan.outcomes[file.index] = Some(outcome);
        }
        for (_, name) in &plan.planned {
            tx.execute("DELETE FROM pending WHERE name = ?1", [name])?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// The outcome of inserting a written file's row. When another writer (a
/// second process, another engine) stored the same identity since the
/// plan looked, theirs is kept and our file removed.
fn stored_or_theirs(
    tx: &Transaction<'_>,
    inserted: Result<MessageId, StoreError>,
    msg: &NewMessage<'_>,
    folder_id: i64,
    path: &Path,
) -> Result<StoreOutcome, StoreError> {
    match inserted {
        Ok(id) => Ok(StoreOutcome::Stored(id)),
        Err(StoreError::Sqlite(e)) if is_constraint(&e) => {
            let _ = std::fs::remove_file(path);
            match find_identity(tx, msg.account, folder_id, &msg.identity)? {
                Some(existing) => Ok(StoreOutcome::Duplicate(existing)),
                None => Err(StoreError::Sqlite(e)),
            }
        }
        Err(e) => Err(e),
    }
}

/// Every outcome, with a duplicate of an earlier copy in the batch given
/// that copy's id.
fn resolve_batch_duplicates(outcomes: &[Option<StoreOutcome>]) -> Vec<StoreOutcome> {
    let resolved: Vec<StoreOutcome> = outcomes
        .iter()
        .map(|o| o.expect("every message has an outcome"))
        .collect();
    resolved
        .iter()
        .map(|o| match *o {
            StoreOutcome::Duplicate(id) if id < 0 => {
                StoreOutcome::Duplicate(resolved[(-id - 1) as usize].id())
            }
            other => other,
        })
        .collect()
}
