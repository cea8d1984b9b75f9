//! Downloading new messages: `UID FETCH` in batches, each batch handed to
//! blocking store stages (files fsynced together, then one index
//! transaction) while the next batch is already being fetched.

use super::error::ImapError;
use super::session::ImapSession;
use super::uidset::to_set;
use crate::store::{
    DurableBatch, FlagState, Keywords, NewMessage, ServerIdentity, ServerView, Store,
};
use futures::TryStreamExt;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Messages per `UID FETCH`. Bounded memory: at most four batches are held
/// at once (one being fetched, one waiting, one whose files are written,
/// one being indexed).
pub const FETCH_BATCH_MESSAGES: usize = 500;
/// Also cut a batch once this many bytes arrived, for folders of big mails.
pub const FETCH_BATCH_BYTES: u64 = 16 * 1024 * 1024;

/// One downloaded message, owned, on its way to the store.
struct Fetched {
    uid: u32,
    raw: Vec<u8>,
    flags: FlagState,
    modseq: Option<u64>,
    internal_date: Option<i64>,
}

/// Counts for the progress gauge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FetchProgress {
    pub messages_done: u64,
    pub messages_total: u64,
    pub bytes_done: u64,
}

/// Fetches `uids` (sorted) of the selected folder into `folder` of the
/// store. Returns how many were stored; on error, everything fetched in
/// complete batches before it is stored and durable.
#[allow(clippy::too_many_arguments)]
pub async fn fetch_into_store(
    session: &mut ImapSession,
    condstore: bool,
    store: &Store,
    account: &str,
    folder: &str,
    uidvalidity: u32,
    uids: &[u32],
    progress: &mut (dyn FnMut(FetchProgress) + Send),
) -> Result<FetchProgress, ImapError> {
    let (batches, incoming) = mpsc::channel::<Vec<Fetched>>(1);
    let (writer, indexer) = spawn_store_stages(store, account, folder, uidvalidity, incoming);
    let mut counts = FetchProgress {
        messages_total: uids.len() as u64,
        ..Default::default()
    };
    let fetched = fetch_batches(session, condstore, uids, &batches, &mut counts, progress).await;
    drop(batches);
    let written = writer.await;
    let indexed = indexer.await;
    // The store's own error says more than the fetch's "writer stopped".
    for stage in [indexed, written] {
        stage.map_err(|e| ImapError::Store(format!("store writer stopped: {e}")))??;
    }
    fetched?;
    Ok(counts)
}

type Stage = tokio::task::JoinHandle<Result<(), ImapError>>;

/// Runs a store stage at a lower priority: nobody waits for it but the
/// download, and the interface should answer keys first while it keeps
/// the cores busy. The stage gets a thread of its own (a lowered priority
/// cannot be raised again, and the blocking pool's threads are reused);
/// the blocking task waits for it, so quitting still waits for the batch
/// in hand, as the runtime waits for blocking tasks.
fn spawn_stage(
    name: &'static str,
    work: impl FnOnce() -> Result<(), ImapError> + Send + 'static,
) -> Stage {
    tokio::task::spawn_blocking(move || {
        std::thread::scope(|scope| {
            let stage = std::thread::Builder::new()
                .name(name.to_string())
                .spawn_scoped(scope, || {
                    crate::store::lower_thread_priority();
                    work()
                })
                .map_err(|e| ImapError::Store(format!("cannot start the {name} thread: {e}")))?;
            stage
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    })
}

/// The two blocking stages a download's batches go through: the first
/// makes each batch's files durable, the second writes their index rows,
/// so the rows of one batch are written while the next one's files are.
/// A batch is listed once the second stage is done with it; a stage that
/// fails stops taking batches, and what the first made durable is still
/// indexed (or, after a crash, found by `Store::open`).
fn spawn_store_stages(
    store: &Store,
    account: &str,
    folder: &str,
    uidvalidity: u32,
    mut incoming: mpsc::Receiver<Vec<Fetched>>,
) -> (Stage, Stage) {
    type Durable = (Vec<Fetched>, Vec<ServerView>, DurableBatch);
    let (durable_tx, durable_rx) = std::sync::mpsc::sync_channel::<Durable>(0);
    let place = Arc::new((account.to_string(), folder.to_string(), uidvalidity));
    let writer = {
        let (store, place) = (store.clone(), place.clone());
        spawn_stage("store-files", move || {
            while let Some(batch) = incoming.blocking_recv() {
                let messages = new_messages(&batch, &place);
                let views = server_views(&batch);
                let durable = store
                    .write_imap_batch(&messages, &views)
                    .map_err(|e| ImapError::Store(e.to_string()))?;
                drop(messages);
                if durable_tx.send((batch, views, durable)).is_err() {
                    break; // the indexer failed and says why
                }
            }
            Ok(())
        })
    };
    let indexer = {
        let store = store.clone();
        spawn_stage("store-rows", move || {
            for (batch, views, durable) in durable_rx {
                let messages = new_messages(&batch, &place);
                store
                    .index_imap_batch(&messages, &views, durable)
                    .map_err(|e| ImapError::Store(e.to_string()))?;
            }
            Ok(())
        })
    };
    (writer, indexer)
}

/// A fetched batch's messages as the store takes them.
fn new_messages<'b>(
    batch: &'b [Fetched],
    (account, folder, uidvalidity): &'b (String, String, u32),
) -> Vec<NewMessage<'b>> {
    batch
        .iter()
        .map(|m| NewMessage {
            account,
            folder,
            identity: ServerIdentity::Imap {
                uidvalidity: *uidvalidity,
                uid: m.uid,
            },
            raw: &m.raw,
            flags: m.flags.flags,
            internal_date: m.internal_date,
        })
        .collect()
}

/// What the server said of each message of a batch beyond its flags, in
/// the batch's order.
fn server_views(batch: &[Fetched]) -> Vec<ServerView> {
    batch
        .iter()
        .map(|m| ServerView {
            keywords: m.flags.keywords.clone(),
            modseq: m.modseq,
        })
        .collect()
}

async fn fetch_batches(
    session: &mut ImapSession,
    condstore: bool,
    uids: &[u32],
    batches: &mpsc::Sender<Vec<Fetched>>,
    counts: &mut FetchProgress,
    progress: &mut (dyn FnMut(FetchProgress) + Send),
) -> Result<(), ImapError> {
    let query = if condstore {
        "(UID FLAGS MODSEQ RFC822.SIZE INTERNALDATE BODY.PEEK[])"
    } else {
        "(UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[])"
    };
    for chunk in uids.chunks(FETCH_BATCH_MESSAGES) {
        let mut batch = Vec::with_capacity(chunk.len());
        let mut batch_bytes = 0u64;
        {
            let mut stream = session
                .uid_fetch(to_set(chunk), query)
                .await
                .map_err(ImapError::from_imap)?;
            while let Some(fetch) = stream.try_next().await.map_err(ImapError::from_imap)? {
                // Unsolicited FETCHes (flag changes by others) carry no body.
                let (Some(uid), Some(body)) = (fetch.uid, fetch.body()) else {
                    continue;
                };
                let message = Fetched {
                    uid,
                    raw: body.to_vec(),
                    flags: flag_state_from(&fetch),
                    modseq: fetch.modseq,
                    internal_date: fetch.internal_date().map(|d| d.timestamp()),
                };
                counts.messages_done += 1;
                counts.bytes_done += message.raw.len() as u64;
                batch_bytes += message.raw.len() as u64;
                batch.push(message);
                progress(*counts);
                if batch_bytes >= FETCH_BATCH_BYTES {
                    let full = std::mem::take(&mut batch);
                    batch_bytes = 0;
                    if batches.send(full).await.is_err() {
                        return Err(ImapError::Store("the store writer stopped".into()));
                    }
                }
            }
        }
        super::drain_unsolicited(session);
        if !batch.is_empty() && batches.send(batch).await.is_err() {
            return Err(ImapError::Store("the store writer stopped".into()));
        }
    }
    Ok(())
}

/// The flags and keywords of a FETCH response (`\\Recent` dropped).
pub fn flag_state_from(fetch: &async_imap::types::Fetch) -> FlagState {
    use async_imap::types::Flag;
    let mut state = FlagState::new(Default::default(), Keywords::default());
    for flag in fetch.flags() {
        match flag {
            Flag::Seen => state.flags.seen = true,
            Flag::Answered => state.flags.answered = true,
            Flag::Flagged => state.flags.flagged = true,
            Flag::Deleted => state.flags.deleted = true,
            Flag::Draft => state.flags.draft = true,
            Flag::Custom(name) if crate::store::is_keyword(&name) => state.keywords.insert(&name),
            _ => {}
        }
    }
    state
}
