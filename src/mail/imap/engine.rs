//! The sync job the interface starts: runs `sync_account` as a tokio task,
//! reconnecting with backoff after transient failures, and reports progress,
//! finished folders and the protocol trace as `ImapEvent`s. Progress is
//! coalesced (only the latest counts travel) so a 100k-message sync cannot
//! flood the event channel.

use super::account::{FolderChoice, SyncUpdate, sync_account};
use super::error::ImapError;
use super::fetch::FetchProgress;
use super::options::ConnectOptions;
use super::trace::{TraceLine, TraceSink};
use super::watch::watch_folder;
use crate::report::{JobEvent, JobId, Level, Reporter};
use crate::store::Store;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::{Notify, mpsc, watch};
use tokio::task::AbortHandle;

/// Where the IMAP engine's reports go.
pub type Reports = Reporter<ImapEvent>;

/// Attempts after a transient failure (unreachable, connection lost).
pub const RECONNECT_ATTEMPTS: u32 = 4;
pub const RECONNECT_FIRST_DELAY: Duration = Duration::from_secs(2);
/// The longest wait between reconnects of the folder watch.
pub const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, PartialEq)]
pub enum ImapCommand {
    Sync {
        account: String,
        options: Box<ConnectOptions>,
        store_dir: PathBuf,
        choice: FolderChoice,
    },
    /// Stop the folder watch that sync job `job` left running.
    StopWatch { job: JobId },
    /// Local changes wait for `account`'s server: have its watch sync now.
    Nudge { account: String },
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
    /// The sync of job `job` now keeps `folder` live (IDLE or polling).
    Watching {
        job: JobId,
        account: String,
        folder: String,
    },
}

pub fn spawn(events: Reports, job: JobId, command: ImapCommand) -> AbortHandle {
    let ImapCommand::Sync {
        account,
        options,
        store_dir,
        choice,
    } = command
    else {
        unreachable!("Engines handles StopWatch itself");
    };
    tokio::spawn(async move {
        let label = format!("sync {account}");
        events.job(JobEvent::Started { job, label }).await;
        for warning in options.warnings() {
            events.notice(Level::Warning, warning).await;
        }
        let outcome = run(&events, job, &account, &options, store_dir.clone(), &choice).await;
        let outcome = outcome.map_err(|e| {
            tracing::warn!(%account, "IMAP sync failed: {e:?}");
            e.to_string()
        });
        let synced = outcome.is_ok();
        events.job(JobEvent::Finished { job, outcome }).await;
        if synced {
            let folder = match choice {
                FolderChoice::One(f) | FolderChoice::FirstThenAll(f) => f,
            };
            watch(&events, job, &account, &options, store_dir, &folder).await;
        }
    })
    .abort_handle()
}

/// After a sync, keeps `folder` live (IDLE or polling) until aborted,
/// reconnecting with backoff. Not a job: quitting need not ask about it.
async fn watch(
    events: &Reports,
    job: JobId,
    account: &str,
    options: &ConnectOptions,
    store_dir: PathBuf,
    folder: &str,
) {
    let Ok(Ok(store)) = tokio::task::spawn_blocking(move || Store::open(&store_dir)).await else {
        return;
    };
    let nudge = Arc::new(Notify::new());
    watchers().insert(account.to_string(), nudge.clone());
    let trace = TraceSink::new();
    let forwarder = {
        let (events, trace, account) = (events.clone(), trace.clone(), account.to_string());
        tokio::spawn(async move {
            loop {
                trace.notified().await;
                let lines = trace.take();
                if !lines.is_empty() {
                    let event = ImapEvent::Trace {
                        account: account.clone(),
                        lines,
                    };
                    if !events.send(event).await {
                        break;
                    }
                }
            }
        })
    };
    let _ = events
        .send(ImapEvent::Watching {
            job,
            account: account.to_string(),
            folder: folder.to_string(),
        })
        .await;
    let mut delay = RECONNECT_FIRST_DELAY;
    loop {
        let (reports_tx, mut reports_rx) = mpsc::unbounded_channel();
        let mut on_sync = |report: super::sync::FolderReport| {
            let _ = reports_tx.send(report);
        };
        let relay = {
            let (events, account) = (events.clone(), account.to_string());
            tokio::spawn(async move {
                while let Some(report) = reports_rx.recv().await {
                    if report.fetched + report.removed + report.flags_updated == 0 {
                        continue;
                    }
                    let _ = events
                        .send(ImapEvent::FolderDone {
                            job,
                            account: account.clone(),
                        })
                        .await;
                    if report.fetched > 0 {
                        let text = format!(
                            "{account}/{}: {} new message(s)",
                            report.folder, report.fetched
                        );
                        events.notice(Level::Info, text).await;
                    }
                }
            })
        };
        let result = watch_folder(
            options,
            &store,
            account,
            folder,
            Some(trace.clone()),
            &nudge,
            &mut on_sync,
        )
        .await;
        drop(reports_tx);
        let _ = relay.await;
        let Err(e) = result else { break };
        tracing::info!(%account, "IMAP watch ended: {e:?}");
        if !e.is_transient() {
            let text = format!("{account}: no longer watching {folder}: {e}");
            events.notice(Level::Warning, text).await;
            break;
        }
        trace.note(format!("{e}; reconnecting in {}s", delay.as_secs()));
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(MAX_RECONNECT_DELAY);
    }
    forwarder.abort();
    let mut all = watchers();
    if all.get(account).is_some_and(|n| Arc::ptr_eq(n, &nudge)) {
        all.remove(account);
    }
}

/// The wake-up handles of running folder watches, by account.
fn watchers() -> std::sync::MutexGuard<'static, HashMap<String, Arc<Notify>>> {
    static WATCHERS: OnceLock<Mutex<HashMap<String, Arc<Notify>>>> = OnceLock::new();
    WATCHERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// Wakes `account`'s folder watch, if one runs, to sync now.
pub fn nudge(account: &str) {
    if let Some(notify) = watchers().get(account) {
        notify.notify_one();
    }
}

async fn run(
    events: &Reports,
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
            SyncUpdate::FoldersCapped { listed, kept } => {
                let text = format!(
                    "{account}: the server lists {listed} folders; only the first {kept} are shown and synced"
                );
                tracing::warn!("{text}");
                trace.note(text.clone());
                // A status-line note; dropped if the channel is full, the
                // trace and the log still have it.
                events.try_job(JobEvent::Notice {
                    level: Level::Warning,
                    text,
                });
            }
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
                events.notice(Level::Warning, text).await;
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
    events: Reports,
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
                events.job(JobEvent::Progress { job, done: p.messages_done, total: p.messages_total }).await;
                let _ = events.send(ImapEvent::Progress { job, progress: p }).await;
            }
            folder = folders.recv() => match folder {
                Some(event) => { let _ = events.send(event).await; }
                None => break,
            },
            () = trace.notified() => {
                let lines = trace.take();
                if !lines.is_empty() {
                    let _ = events.send(ImapEvent::Trace { account: account.clone(), lines }).await;
                }
            }
        }
    }
    let lines = trace.take();
    if !lines.is_empty() {
        let _ = events.send(ImapEvent::Trace { account, lines }).await;
    }
}
