//! The sync job the interface starts: runs `sync_account` as a tokio task,
//! reconnecting with backoff after transient failures, and reports progress,
//! finished folders and the protocol trace as `ImapEvent`s. Progress is
//! coalesced (only the latest counts travel) so a 100k-message sync cannot
//! flood the event channel. After a sync that worked, the job keeps its
//! folder live through `watch_job`.

use super::account::{FolderChoice, SyncUpdate, sync_account};
use super::error::ImapError;
use super::fetch::FetchProgress;
use super::options::ConnectOptions;
use super::store_work::open_store;
use super::sync::FolderReport;
use super::trace::TraceSink;
use super::watch_job::watch;
use crate::report::{JobEvent, JobId, Level};
use crate::store::Store;
use std::path::PathBuf;
use tokio::sync::{mpsc, watch};
use tokio::task::AbortHandle;

pub use super::events::{ImapCommand, ImapEvent, Reports};
pub use super::watch_job::{MAX_RECONNECT_DELAY, RECONNECT_FIRST_DELAY, nudge};

/// Attempts after a transient failure (unreachable, connection lost).
pub const RECONNECT_ATTEMPTS: u32 = 4;

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

async fn run(
    events: &Reports,
    job: JobId,
    account: &str,
    options: &ConnectOptions,
    store_dir: PathBuf,
    choice: &FolderChoice,
) -> Result<String, ImapError> {
    let store = open_store(store_dir).await?;
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
    let relay = SyncRelay {
        events,
        job,
        account,
        trace: &trace,
        folders: folder_tx,
        progress: progress_tx,
    };
    let result = relay.sync_with_retries(options, &store, choice).await;
    // Closing both channels ends the forwarder once it sent what is left.
    drop(relay);
    let _ = forwarder.await;
    let reports = result?;
    let fetched: u64 = reports.iter().map(|r| r.fetched).sum();
    let removed: u64 = reports.iter().map(|r| r.removed).sum();
    Ok(format!(
        "{account}: {} folder(s) in step, {fetched} new, {removed} removed",
        reports.len()
    ))
}

/// A sync job's updates on their way to [`forward`]: only the latest
/// progress is kept, folder events queue.
struct SyncRelay<'a> {
    events: &'a Reports,
    job: JobId,
    account: &'a str,
    trace: &'a TraceSink,
    folders: mpsc::UnboundedSender<ImapEvent>,
    progress: watch::Sender<FetchProgress>,
}

impl SyncRelay<'_> {
    /// Syncs the account, trying again after transient failures
    /// ([`RECONNECT_ATTEMPTS`] times, the wait doubling each time).
    async fn sync_with_retries(
        &self,
        options: &ConnectOptions,
        store: &Store,
        choice: &FolderChoice,
    ) -> Result<Vec<FolderReport>, ImapError> {
        let account = self.account;
        let mut delay = RECONNECT_FIRST_DELAY;
        let mut attempt = 0;
        loop {
            let mut on_update = |update: SyncUpdate| self.relay(update);
            let trace = Some(self.trace.clone());
            match sync_account(options, store, account, choice, trace, &mut on_update).await {
                Err(e) if e.is_transient() && attempt < RECONNECT_ATTEMPTS => {
                    attempt += 1;
                    self.trace
                        .note(format!("{e}; reconnecting in {}s", delay.as_secs()));
                    let text = format!("{account}: {e}; retrying in {}s", delay.as_secs());
                    self.events.notice(Level::Warning, text).await;
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
                other => return other,
            }
        }
    }

    fn relay(&self, update: SyncUpdate) {
        let (job, account) = (self.job, self.account);
        match update {
            SyncUpdate::Progress(p) => {
                let _ = self.progress.send(p);
            }
            SyncUpdate::Folder(folder) => {
                let _ = self.folders.send(ImapEvent::Folder {
                    job,
                    account: account.to_string(),
                    folder,
                });
            }
            SyncUpdate::FolderDone(_) => {
                let _ = self.folders.send(ImapEvent::FolderDone {
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
                self.trace.note(text.clone());
                // A status-line note; dropped if the channel is full, the
                // trace and the log still have it.
                self.events.try_job(JobEvent::Notice {
                    level: Level::Warning,
                    text,
                });
            }
        }
    }
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
