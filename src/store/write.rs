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
use super::pending::{pending_done, record_pending};
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
struct BatchPlan {
    /// The folders the batch stores into, created when missing.
    folders: Vec<FolderRow>,
    /// Each message's outcome once known. A duplicate of an earlier copy in
    /// the same batch holds `-(index of that copy) - 1` until the copy has
    /// its id (see [`resolve_batch_duplicates`]).
    outcomes: Vec<Option<StoreOutcome>>,
    /// The messages to write.
    planned: Vec<Planned>,
    /// Their records in `pending`, once made.
    pending_ids: Vec<i64>,
}

/// One message of a batch that will be written.
struct Planned {
    /// The message's position in the batch.
    index: usize,
    /// The unique file name it gets.
    name: String,
    /// Its folder, in [`BatchPlan::folders`].
    folder: usize,
}

/// Batches smaller than this are parsed on the writing thread: a thread
/// of its own would cost more than it saves.
const PARSE_ASIDE_MIN: usize = 32;

/// A batch after steps (1) and (2): its files are durable, its rows not
/// yet written. [`Store::index_imap_batch`] finishes it; until then a
/// crash leaves only pending records, which [`Store::open`] resolves.
pub struct DurableBatch {
    plan: BatchPlan,
    written: Vec<WrittenFile>,
}

/// A file of step (2): durable, not yet indexed.
struct WrittenFile {
    /// The message's position in the batch.
    index: usize,
    /// Its folder, in [`BatchPlan::folders`].
    folder: usize,
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
pub(super) struct BatchMode<'v> {
    pub durability: Durability,
    /// Per message, in batch order; none for mail that comes with no
    /// server state (POP3, imports, the Outbox).
    pub views: Option<&'v [ServerView]>,
    /// Leave the full text to the background indexer.
    pub defer_text: bool,
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

    /// The three steps of the module comment, in that order.
    fn store_batch_with(
        &self,
        msgs: &[NewMessage<'_>],
        mode: BatchMode<'_>,
    ) -> Result<Vec<StoreOutcome>, StoreError> {
        let durable = self.write_batch(msgs, mode)?;
        self.index_batch(msgs, durable, mode)
    }

    /// Steps (1) and (2). The writer connection is held only for the
    /// plan and the pending records, not while the files are written.
    pub(super) fn write_batch(
        &self,
        msgs: &[NewMessage<'_>],
        mode: BatchMode<'_>,
    ) -> Result<DurableBatch, StoreError> {
        let plan = {
            let mut conn = self.conn();
            let mut plan = self.plan_batch(&conn, msgs)?;
            if !plan.planned.is_empty() {
                let entries = plan.planned.iter().map(|p| {
                    let dir = plan.folders[p.folder].dir.as_str();
                    (dir, p.name.as_str(), &msgs[p.index])
                });
                plan.pending_ids = record_pending(&mut conn, entries)?;
            }
            plan
        };
        let written = self.write_files(msgs, &plan, mode)?;
        if std::env::var_os(CRASH_HOOK_ENV).is_some() && !written.is_empty() {
            // The crash-consistency test kills the process exactly here:
            // files durable, index rows not committed.
            std::process::abort();
        }
        Ok(DurableBatch { plan, written })
    }

    /// Step (3) for a batch of [`Store::write_batch`].
    pub(super) fn index_batch(
        &self,
        msgs: &[NewMessage<'_>],
        mut durable: DurableBatch,
        mode: BatchMode<'_>,
    ) -> Result<Vec<StoreOutcome>, StoreError> {
        assert_eq!(
            durable.plan.outcomes.len(),
            msgs.len(),
            "a durable batch is indexed with the messages it was written from"
        );
        let mut conn = self.conn();
        self.index_written(&mut conn, msgs, &mut durable.plan, &durable.written, mode)?;
        Ok(resolve_batch_duplicates(&durable.plan.outcomes))
    }

    /// Which messages are new, under which file names: an identity already
    /// stored, or met earlier in the batch, is a duplicate and not written.
    fn plan_batch(
        &self,
        conn: &Connection,
        msgs: &[NewMessage<'_>],
    ) -> Result<BatchPlan, StoreError> {
        let mut plan = BatchPlan {
            folders: Vec::new(),
            outcomes: vec![None; msgs.len()],
            planned: Vec::new(),
            pending_ids: Vec::new(),
        };
        let mut folder_of: HashMap<(&str, &str), usize> = HashMap::new();
        let mut in_batch: HashMap<(&str, &str, &ServerIdentity), usize> = HashMap::new();
        for (i, msg) in msgs.iter().enumerate() {
            let folder = match folder_of.entry((msg.account, msg.folder)) {
                Entry::Occupied(e) => *e.get(),
                Entry::Vacant(e) => {
                    let root = &self.inner.root;
                    let row = folder_row(conn, root, msg.account, msg.folder, None)?;
                    plan.folders.push(row);
                    *e.insert(plan.folders.len() - 1)
                }
            };
            let folder_id = plan.folders[folder].id;
            if msg.identity != ServerIdentity::Local {
                if let Some(id) = find_identity(conn, msg.account, folder_id, &msg.identity)? {
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
            plan.planned.push(Planned {
                index: i,
                name: maildir::unique_name(),
                folder,
            });
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
        plan: &BatchPlan,
        mode: BatchMode<'_>,
    ) -> Result<Vec<WrittenFile>, StoreError> {
        let parse_all = || {
            plan.planned
                .iter()
                .map(|p| Envelope::parse(msgs[p.index].raw))
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
            .map(|(planned, (path, envelope))| WrittenFile {
                index: planned.index,
                folder: planned.folder,
                path,
                envelope,
            })
            .collect())
    }

    /// The files of [`Store::write_files`], in the plan's order.
    fn write_planned(
        &self,
        msgs: &[NewMessage<'_>],
        plan: &BatchPlan,
        mode: BatchMode<'_>,
    ) -> Result<Vec<PathBuf>, StoreError> {
        let durability = mode.durability;
        let mut paths = Vec::with_capacity(plan.planned.len());
        let mut maildirs: HashMap<&str, Maildir> = HashMap::new();
        for planned in &plan.planned {
            let msg = &msgs[planned.index];
            let folder = &plan.folders[planned.folder];
            let md = match maildirs.entry(folder.dir.as_str()) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => e.insert(Maildir::create(self.inner.root.join(&folder.dir))?),
            };
            let subdir = if msg.flags.seen {
                Subdir::Cur
            } else {
                Subdir::New
            };
            let letters = match mode.views.and_then(|v| v.get(planned.index)) {
                Some(view) => FlagState::new(msg.flags, view.keywords.clone()).maildir_letters(),
                None => msg.flags.to_maildir(),
            };
            let name = &planned.name;
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
        plan: &mut BatchPlan,
        written: &[WrittenFile],
        mode: BatchMode<'_>,
    ) -> Result<(), StoreError> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for file in written {
            let msg = &msgs[file.index];
            let view = mode.views.and_then(|v| v.get(file.index));
            let keywords = view.map(|v| v.keywords.to_db()).unwrap_or_default();
            let folder = &plan.folders[file.folder];
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
        pending_done(&tx, &plan.pending_ids)?;
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
