//! Downloading an account's POP3 mail into the local store.
//!
//! The order of events is what keeps mail safe: messages are fetched in
//! batches (pipelined when the server allows), each batch is stored (files
//! fsynced, index committed) while the next one downloads, and only once
//! `store_batch` has returned Ok are DELEs sent for that batch. The server
//! carries out DELEs only at QUIT, which is sent last; any error or a
//! cancel drops the connection without QUIT, so nothing is deleted.

use super::commit::{StoreResult, finish_store, send_deletions, spawn_store};
use super::connect::{Opened, ServerSpec, Session, open};
use super::error::Pop3Error;
use super::fetch::{batches, fetch_batch, merge_listings};
use super::first_stored;
use super::plan::{Fetch, ServerMessage, plan};
use super::trace::Trace;
use crate::config::Pop3Options;
use crate::store::Store;
use std::collections::{HashMap, HashSet};
use tokio::task::JoinHandle;

pub use super::commit::POP3_FOLDER;
pub use super::fetch::{BATCH_MAX_BYTES, BATCH_MAX_MESSAGES, content_identity};
pub use super::report::{SyncError, SyncProgress, SyncReport, human_bytes};

pub struct SyncRequest {
    /// The account name (the store's account key).
    pub account: String,
    pub spec: ServerSpec,
    pub options: Pop3Options,
    pub store: Store,
    /// Record the conversation for the trace pane.
    pub trace: bool,
}

/// Runs one sync. `progress` is called after listing and after each batch.
pub async fn sync(
    req: SyncRequest,
    mut progress: impl FnMut(SyncProgress) + Send,
) -> Result<SyncReport, SyncError> {
    let trace = if req.trace {
        Trace::enabled()
    } else {
        Trace::disabled()
    };
    let Opened { mut session, caps } = open(&req.spec, trace).await?;
    let pipelining = caps.has("PIPELINING");
    let listing = list_messages(&mut session).await?;

    let now = unix_now();
    let record_first_stored = req.options.delete_after_days.is_some();
    let (known, mut first) = load_history(&req, record_first_stored).await?;
    if record_first_stored {
        date_known_messages(&listing, &known, &mut first, now);
    }
    let on_server = listing.len() as u64;
    let plan = plan(listing, &known, &first, &req.options, now);
    let mut run = Download {
        req: &req,
        session,
        pipelining,
        now,
        report: SyncReport {
            on_server,
            skipped_oversize: plan.skipped.len() as u64,
            ..SyncReport::default()
        },
        gauge: SyncProgress {
            total_messages: plan.fetch.len() as u64,
            total_bytes: plan.fetch.iter().map(|(m, _)| m.size).sum(),
            ..SyncProgress::default()
        },
        first,
        deletions: plan.delete.clone(),
    };
    run.report_progress(&mut progress);
    run.send_deletions().await?;
    run.download(&plan.fetch, &mut progress).await?;
    // The DELEs above take effect here, and only here.
    run.session.quit().await?;
    if record_first_stored {
        save_history(&req, std::mem::take(&mut run.first)).await?;
    }
    run.session.trace.note("session closed");
    run.report_progress(&mut progress);
    Ok(run.report)
}

/// LIST, with the UIDLs when the server has them.
async fn list_messages(session: &mut Session) -> Result<Vec<ServerMessage>, Pop3Error> {
    let sizes = session.list().await?;
    let uidls = session
        .uidl()
        .await?
        .map(|v| v.into_iter().collect::<HashMap<_, _>>());
    Ok(merge_listings(&sizes, uidls.as_ref()))
}

/// The UIDLs already stored and, when messages are deleted after some
/// days, when each was first stored.
async fn load_history(
    req: &SyncRequest,
    record_first_stored: bool,
) -> Result<(HashSet<String>, HashMap<String, i64>), SyncError> {
    let (store, account) = (req.store.clone(), req.account.clone());
    blocking(move || {
        let known = store.known_uidls(&account).map_err(|e| e.to_string())?;
        let first = if record_first_stored {
            let path = first_stored::path(store.root(), &account);
            first_stored::load(&path).map_err(|e| e.to_string())?
        } else {
            HashMap::new()
        };
        Ok((known, first))
    })
    .await
}

/// Messages stored before the record existed count from today: a later
/// deletion, never an early one.
fn date_known_messages(
    listing: &[ServerMessage],
    known: &HashSet<String>,
    first: &mut HashMap<String, i64>,
    now: i64,
) {
    for m in listing {
        if let Some(uidl) = m.uidl.as_ref().filter(|u| known.contains(*u)) {
            first.entry(uidl.clone()).or_insert(now);
        }
    }
}

async fn save_history(req: &SyncRequest, first: HashMap<String, i64>) -> Result<(), SyncError> {
    let (store, account) = (req.store.clone(), req.account.clone());
    blocking(move || {
        let path = first_stored::path(store.root(), &account);
        first_stored::save(&path, &first).map_err(|e| e.to_string())
    })
    .await
}

/// A sync past its listing: the session, what it did so far and the
/// DELEs that wait for their batch to be stored.
struct Download<'r> {
    req: &'r SyncRequest,
    session: Session,
    pipelining: bool,
    now: i64,
    report: SyncReport,
    gauge: SyncProgress,
    first: HashMap<String, i64>,
    deletions: Vec<u32>,
}

impl Download<'_> {
    /// Downloads `fetch` batch by batch; each batch is stored while the
    /// next one downloads.
    async fn download(
        &mut self,
        fetch: &[(ServerMessage, Fetch)],
        progress: &mut impl FnMut(SyncProgress),
    ) -> Result<(), SyncError> {
        let mut storing: Option<JoinHandle<StoreResult>> = None;
        for batch in batches(fetch) {
            let started = std::time::Instant::now();
            let fetched = match fetch_batch(
                &mut self.session,
                batch,
                self.pipelining,
                &mut self.report,
            )
            .await
            {
                Ok(fetched) => fetched,
                Err(e) => {
                    // What was downloaded is kept: let the batch being
                    // stored finish before reporting the failure.
                    if let Some(handle) = storing.take() {
                        let _ = handle.await;
                    }
                    return Err(e.into());
                }
            };
            let fetched_at = started.elapsed();
            self.gauge.done_messages += batch.len() as u64;
            self.gauge.done_bytes += batch.iter().map(|(m, _)| m.size).sum::<u64>();
            if let Some(handle) = storing.take() {
                self.commit(handle).await?;
            }
            tracing::debug!(
                messages = batch.len(),
                fetch_ms = fetched_at.as_millis() as u64,
                wait_for_store_ms = (started.elapsed() - fetched_at).as_millis() as u64,
                "pop3 batch"
            );
            let (store, account) = (self.req.store.clone(), self.req.account.clone());
            storing = Some(spawn_store(store, account, fetched));
            self.report_progress(progress);
        }
        if let Some(handle) = storing.take() {
            self.commit(handle).await?;
        }
        Ok(())
    }

    /// Waits for a batch to be stored, then sends the DELEs that allows.
    async fn commit(&mut self, handle: JoinHandle<StoreResult>) -> Result<(), SyncError> {
        finish_store(
            handle,
            &self.req.options,
            self.now,
            &mut self.report,
            &mut self.first,
            &mut self.deletions,
        )
        .await?;
        self.send_deletions().await
    }

    async fn send_deletions(&mut self) -> Result<(), SyncError> {
        self.report.deleted +=
            send_deletions(&mut self.session, &mut self.deletions, self.pipelining).await?;
        Ok(())
    }

    fn report_progress(&mut self, progress: &mut impl FnMut(SyncProgress)) {
        self.gauge.trace = self.session.trace.drain();
        progress(self.gauge.clone());
        self.gauge.trace.clear();
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, SyncError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| SyncError::Store(e.to_string()))?
        .map_err(SyncError::Store)
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
