//! Downloading an account's POP3 mail into the local store.
//!
//! The order of events is what keeps mail safe: messages are fetched in
//! batches (pipelined when the server allows), each batch is stored (files
//! fsynced, index committed) while the next one downloads, and only once
//! `store_batch` has returned Ok are DELEs sent for that batch. The server
//! carries out DELEs only at QUIT, which is sent last; any error or a
//! cancel drops the connection without QUIT, so nothing is deleted.

use super::commit::{StoreResult, finish_store, send_deletions, spawn_store};
use super::connect::{Opened, ServerSpec, open};
use super::fetch::{batches, fetch_batch, merge_listings};
use super::first_stored;
use super::plan::plan;
use super::trace::Trace;
use crate::config::Pop3Options;
use crate::store::Store;
use std::collections::HashMap;
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
    let sizes = session.list().await?;
    let uidls = session
        .uidl()
        .await?
        .map(|v| v.into_iter().collect::<HashMap<_, _>>());
    let listing = merge_listings(&sizes, uidls.as_ref());

    let now = unix_now();
    let record_first_stored = req.options.delete_after_days.is_some();
    let (known, mut first) = {
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
        .await?
    };
    // Messages stored before the record existed count from today: a later
    // deletion, never an early one.
    if record_first_stored {
        for m in &listing {
            if let Some(uidl) = m.uidl.as_ref().filter(|u| known.contains(*u)) {
                first.entry(uidl.clone()).or_insert(now);
            }
        }
    }
    let mut report = SyncReport {
        on_server: listing.len() as u64,
        ..SyncReport::default()
    };
    let plan = plan(listing, &known, &first, &req.options, now);
    report.skipped_oversize = plan.skipped.len() as u64;
    let mut gauge = SyncProgress {
        total_messages: plan.fetch.len() as u64,
        total_bytes: plan.fetch.iter().map(|(m, _)| m.size).sum(),
        ..SyncProgress::default()
    };
    report_progress(&mut progress, &mut gauge, &mut session.trace);

    let mut deletions: Vec<u32> = plan.delete.clone();
    report.deleted += send_deletions(&mut session, &mut deletions, pipelining).await?;

    let mut storing: Option<JoinHandle<StoreResult>> = None;
    for batch in batches(&plan.fetch) {
        let started = std::time::Instant::now();
        let fetched = match fetch_batch(&mut session, batch, pipelining, &mut report).await {
            Ok(fetched) => fetched,
            Err(e) => {
                // What was downloaded is kept: let the batch being stored
                // finish before reporting the failure.
                if let Some(handle) = storing.take() {
                    let _ = handle.await;
                }
                return Err(e.into());
            }
        };
        let fetched_at = started.elapsed();
        gauge.done_messages += batch.len() as u64;
        gauge.done_bytes += batch.iter().map(|(m, _)| m.size).sum::<u64>();
        if let Some(handle) = storing.take() {
            finish_store(
                handle,
                &req.options,
                now,
                &mut report,
                &mut first,
                &mut deletions,
            )
            .await?;
            report.deleted += send_deletions(&mut session, &mut deletions, pipelining).await?;
        }
        tracing::debug!(
            messages = batch.len(),
            fetch_ms = fetched_at.as_millis() as u64,
            wait_for_store_ms = (started.elapsed() - fetched_at).as_millis() as u64,
            "pop3 batch"
        );
        storing = Some(spawn_store(req.store.clone(), req.account.clone(), fetched));
        report_progress(&mut progress, &mut gauge, &mut session.trace);
    }
    if let Some(handle) = storing.take() {
        finish_store(
            handle,
            &req.options,
            now,
            &mut report,
            &mut first,
            &mut deletions,
        )
        .await?;
        report.deleted += send_deletions(&mut session, &mut deletions, pipelining).await?;
    }
    // The DELEs above take effect here, and only here.
    session.quit().await?;
    if record_first_stored {
        let (store, account) = (req.store.clone(), req.account.clone());
        blocking(move || {
            let path = first_stored::path(store.root(), &account);
            first_stored::save(&path, &first).map_err(|e| e.to_string())
        })
        .await?;
    }
    session.trace.note("session closed");
    report_progress(&mut progress, &mut gauge, &mut session.trace);
    Ok(report)
}

fn report_progress(
    progress: &mut impl FnMut(SyncProgress),
    gauge: &mut SyncProgress,
    trace: &mut Trace,
) {
    gauge.trace = trace.drain();
    progress(gauge.clone());
    gauge.trace.clear();
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
