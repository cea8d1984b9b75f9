//! The sync job the interface starts: runs `sync_account` as a tokio task,
//! reconnecting with backoff after transient failures, and reports progress,
//! finished folders and the protocol trace as `EngineEvent`s. Progress is
//! coalesced (only the latest counts travel) so a 100k-message sync cannot
//! flood the event channel.

use super::account::{FolderChoice, SyncUpdate, sync_account};
use super::connect::ConnectOptions;
use super::error::ImapError;
use super::fetch::FetchProgress;
use super::trace::{TraceLine, TraceSink};
use crate::app::{EngineEvent, JobId, Level};
use crate::store::Store;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::AbortHandle;

/// Attempts after a transient failure (unreachable, connection lost).
pub const RECONNECT_ATTEMPTS: u32 = 4;
pub const RECONNECT_FIRST_DELAY: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, PartialEq)]
pub enum ImapCommand {
    Sync {
        account: String,
        options: ConnectOptions,
        store_dir: PathBuf,
        choice: FolderChoice,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ImapEvent {
    /// Syncing `folder` (local name) of `account`.
    Folder {
        job: JobId,
        account: String,
        folder: String,
    },
    Progress {
        job: JobId,
        progress: FetchProgress,
    },
    /// A folder is in step; the Inbox reloads its counts.
    FolderDone {
        job: JobId,
        account: String,
    },
    Trace {
        account: String,
        lines: Vec<TraceLine>,
    },
}

pub fn spawn(events: mpsc::Sender<EngineEvent>, job: JobId, command: ImapCommand) -> AbortHandle {
    let ImapCommand::Sync {
        account,
        options,
        store_dir,
        choice,
    } = command;
    tokio::spawn(async move {
        let label = format!("sync {account}");
        let _ = events.send(EngineEvent::JobStarted { job, label }).await;
        for warning in options.warnings() {
            let _ = events
                .send(EngineEvent::Notice {
                    level: Level::Warning,
                    text: warning,
                })
                .await;
        }
        let outcome = run(&events, job, &account, &options, store_dir, &choice).await;
        let outcome = outcome.map_err(|e| {
            tracing::warn!(%account, "IMAP sync failed: {e:?}");
            e.to_string()
        });
        let _ = events.send(EngineEvent::JobFinished { job, outcome }).await;
    })
    .abort_handle()
}

async fn run(
    events: &mpsc::Sender<EngineEvent>,
    job: JobId,
    account: &str,
    options: &ConnectOptions,
    store_dir: PathBuf,
    choice: &FolderChoice,
) -> Result<String, ImapError> {
    let store = tokio::task::spawn_blocking(move || Store::open(&store_dir))
        .await
        .map_err(|e| ImapError::Store(e.to_string()))?
        .map_err(|e| ImapError::Store(e.to_string()))?;
    let trace = TraceSink::new();
    let (progress_tx, progress_rx) = watch::channel(FetchProgress::default());
    let (folder_tx, folder_rx) = mpsc::unbounded_channel::<ImapEvent>();
    let forwarder = tokio::spawn(forward(
        events.clone(),
        job,
        account.to_string(),
        trace.clone(),
        progress_rx,
        folder_rx,
    ));
    let mut delay = RECONNECT_FIRST_DELAY;
    let mut attempt = 0;
    let result = loop {
        let mut on_update = |update: SyncUpdate| match update {
            SyncUpdate::Progress(p) => {
                let _ = progress_tx.send(p);
            }
            SyncUpdate::Folder(folder) => {
                let _ = folder_tx.send(ImapEvent::Folder {
                    job,
                    account: account.to_string(),
                    folder,
                });
            }
            SyncUpdate::FolderDone(_) => {
                let _ = folder_tx.send(ImapEvent::FolderDone {
                    job,
                    account: account.to_string(),
                });
            }
            SyncUpdate::Folders(_) => {}
        };
        match sync_account(
            options,
            &store,
            account,
            choice,
            Some(trace.clone()),
            &mut on_update,
        )
        .await
        {
            Err(e) if e.is_transient() && attempt < RECONNECT_ATTEMPTS => {
                attempt += 1;
                trace.note(format!("{e}; reconnecting in {}s", delay.as_secs()));
                let text = format!("{account}: {e}; retrying in {}s", delay.as_secs());
                let _ = events
                    .send(EngineEvent::Notice {
                        level: Level::Warning,
                        text,
                    })
                    .await;
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            other => break other,
        }
    };
    drop(folder_tx);
    drop(progress_tx);
    let _ = forwarder.await;
    let reports = result?;
    let fetched: u64 = reports.iter().map(|r| r.fetched).sum();
    let removed: u64 = reports.iter().map(|r| r.removed).sum();
    Ok(format!(
        "{account}: {} folder(s) in step, {fetched} new, {removed} removed",
        reports.len()
    ))
}

/// Sends the latest progress, folder events and trace lines until the sync
/// ends; each wake-up sends what accumulated, so bursts coalesce.
async fn forward(
    events: mpsc::Sender<EngineEvent>,
    job: JobId,
    account: String,
    trace: TraceSink,
    mut progress: watch::Receiver<FetchProgress>,
    mut folders: mpsc::UnboundedReceiver<ImapEvent>,
) {
    let mut progress_open = true;
    loop {
        tokio::select! {
            changed = progress.changed(), if progress_open => {
                if changed.is_err() {
                    progress_open = false;
                    continue;
                }
                let p = *progress.borrow_and_update();
                let _ = events.send(EngineEvent::JobProgress { job, done: p.messages_done, total: p.messages_total }).await;
                let _ = events.send(EngineEvent::Imap(ImapEvent::Progress { job, progress: p })).await;
            }
            folder = folders.recv() => match folder {
                Some(event) => { let _ = events.send(EngineEvent::Imap(event)).await; }
                None => break,
            },
            () = trace.notified() => {
                let lines = trace.take();
                if !lines.is_empty() {
                    let _ = events.send(EngineEvent::Imap(ImapEvent::Trace { account: account.clone(), lines })).await;
                }
            }
        }
    }
    let lines = trace.take();
    if !lines.is_empty() {
        let _ = events
            .send(EngineEvent::Imap(ImapEvent::Trace { account, lines }))
            .await;
    }
}
