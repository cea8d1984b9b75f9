//! Full text indexed after the messages are safely stored. A sync stores
//! its batches with `fts_pending = 1` (see `Store::store_imap_batch`), so
//! the first sync of a big mailbox waits for the disk and the server only;
//! a background thread then reads the files back and fills the search
//! index, a few hundred messages per transaction. The flag lives in the
//! index, so a crash or a quit in between loses nothing: opening the store
//! starts the indexer again and it finishes the job. Search meanwhile
//! covers what is indexed, and callers can say how much is left
//! ([`Store::text_pending`]).

use super::envelope::Envelope;
use super::index_row::insert_text;
use super::{MessageId, Store, StoreError};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

/// Messages indexed per transaction.
pub const TEXT_BATCH: usize = 200;
/// The indexer waits until no batch was stored for this long, so it does
/// not compete with a running sync for the disk and the two cores.
const QUIET_BEFORE_INDEXING: Duration = Duration::from_millis(300);

/// When a deferred batch was last stored (milliseconds since the epoch).
static LAST_DEFERRED_STORE_MS: AtomicU64 = AtomicU64::new(0);

/// The store roots an indexer thread of this process works on.
fn running() -> MutexGuard<'static, HashSet<PathBuf>> {
    static RUNNING: OnceLock<Mutex<HashSet<PathBuf>>> = OnceLock::new();
    RUNNING
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Store {
    /// How many stored messages are not searchable yet.
    pub fn text_pending(&self) -> Result<u64, StoreError> {
        let n: i64 = self.reader().query_row(
            "SELECT count(*) FROM messages WHERE fts_pending = 1",
            [],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// Indexes the full text of up to `limit` messages that wait for it;
    /// returns how many it took off the queue. Safe to run in several
    /// threads or processes at once: a message is indexed by whoever
    /// clears its flag, in the same transaction.
    pub fn index_pending_text(&self, limit: usize) -> Result<usize, StoreError> {
        let ids: Vec<MessageId> = self
            .reader()
            .prepare_cached("SELECT id FROM messages WHERE fts_pending = 1 ORDER BY id LIMIT ?1")?
            .query_map([limit as i64], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut parsed = Vec::with_capacity(ids.len());
        for id in ids {
            // A file another program removed meanwhile is indexed empty
            // rather than left pending for ever.
            let raw = self
                .message_path(id)
                .and_then(|p| Ok(std::fs::read(p)?))
                .unwrap_or_default();
            parsed.push((id, Envelope::parse(&raw)));
        }
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (id, envelope) in &parsed {
            let claimed = tx.execute(
                "UPDATE messages SET fts_pending = 0, snippet = ?2
                 WHERE id = ?1 AND fts_pending = 1",
                rusqlite::params![id, envelope.snippet],
            )?;
            if claimed == 1 {
                insert_text(&tx, *id, envelope)?;
            }
        }
        tx.commit()?;
        Ok(parsed.len())
    }

    /// Indexes everything that waits; returns how many messages it did.
    pub fn finish_text_index(&self) -> Result<u64, StoreError> {
        let mut done = 0;
        loop {
            let n = self.index_pending_text(TEXT_BATCH)?;
            if n == 0 {
                return Ok(done);
            }
            done += n as u64;
        }
    }

    /// Starts this process's background indexer for the store unless one
    /// runs; it ends when nothing is left.
    pub(super) fn start_text_indexer(&self) {
        LAST_DEFERRED_STORE_MS.store(now_ms(), Ordering::Relaxed);
        let root = self.root().to_path_buf();
        if !running().insert(root.clone()) {
            return;
        }
        let store = self.clone();
        let spawned = std::thread::Builder::new()
            .name("text-index".into())
            .spawn(move || store.run_text_indexer(root));
        if let Err(e) = spawned {
            tracing::warn!("cannot start the search indexer: {e}");
        }
    }

    /// The indexer thread: waits for a quiet moment, indexes a batch,
    /// until the queue is empty (checked under the same lock that starts
    /// indexers, so a batch stored meanwhile is never left behind).
    fn run_text_indexer(&self, root: PathBuf) {
        super::lower_thread_priority();
        loop {
            let since = now_ms().saturating_sub(LAST_DEFERRED_STORE_MS.load(Ordering::Relaxed));
            let quiet = QUIET_BEFORE_INDEXING.as_millis() as u64;
            if since < quiet {
                std::thread::sleep(Duration::from_millis(quiet - since));
                continue;
            }
            match self.index_pending_text(TEXT_BATCH) {
                Ok(0) => {
                    let mut running = running();
                    if !matches!(self.text_pending(), Ok(n) if n > 0) {
                        running.remove(&root);
                        return;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!("search indexing stopped: {e}");
                    running().remove(&root);
                    return;
                }
            }
        }
    }
}
