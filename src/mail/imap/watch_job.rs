//! The folder watch a sync job leaves running: `watch_folder` (IDLE or
//! polling) rerun with backoff until the job's watch is stopped, its syncs
//! and trace reported as `ImapEvent`s; and the nudge that makes it sync
//! now when local changes wait for the server.

use super::error::ImapError;
use super::events::{ImapEvent, Reports};
use super::options::ConnectOptions;
use super::store_work::open_store;
use super::sync::FolderReport;
use super::trace::TraceSink;
use super::watch::watch_folder;
use crate::report::{JobId, Level};
use crate::store::Store;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

/// The first wait before a reconnect (of the sync job, too); it doubles
/// with each further try.
pub const RECONNECT_FIRST_DELAY: Duration = Duration::from_secs(2);
/// The longest wait between reconnects of the folder watch.
pub const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(300);

/// After a sync, keeps `folder` live (IDLE or polling) until aborted,
/// reconnecting with backoff. Not a job: quitting need not ask about it.
pub async fn watch(
    events: &Reports,
    job: JobId,
    account: &str,
    options: &ConnectOptions,
    store_dir: PathBuf,
    folder: &str,
) {
    let Ok(store) = open_store(store_dir).await else {
        return;
    };
    let nudge = Arc::new(Notify::new());
    watchers().insert(account.to_string(), nudge.clone());
    let trace = TraceSink::new();
    let forwarder = spawn_trace_forwarder(events.clone(), trace.clone(), account.to_string());
    let _ = events
        .send(ImapEvent::Watching {
            job,
            account: account.to_string(),
            folder: folder.to_string(),
        })
        .await;
    let watch = FolderWatch {
        events,
        job,
        account,
        options,
        folder,
        store: &store,
        trace: &trace,
        nudge: &nudge,
    };
    watch.keep_watching().await;
    forwarder.abort();
    let mut all = watchers();
    if all.get(account).is_some_and(|n| Arc::ptr_eq(n, &nudge)) {
        all.remove(account);
    }
}

/// The watch's trace lines, sent as they come until nobody listens (or
/// the watch ends and aborts it).
fn spawn_trace_forwarder(events: Reports, trace: TraceSink, account: String) -> JoinHandle<()> {
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
}

/// One folder kept live after a sync: what every reconnect needs.
struct FolderWatch<'a> {
    events: &'a Reports,
    job: JobId,
    account: &'a str,
    options: &'a ConnectOptions,
    folder: &'a str,
    store: &'a Store,
    trace: &'a TraceSink,
    nudge: &'a Notify,
}

impl FolderWatch<'_> {
    /// Watches until aborted or a failure reconnecting cannot mend; the
    /// wait between reconnects doubles up to [`MAX_RECONNECT_DELAY`].
    async fn keep_watching(&self) {
        let (account, folder) = (self.account, self.folder);
        let mut delay = RECONNECT_FIRST_DELAY;
        loop {
            let Err(e) = self.watch_once().await else {
                break;
            };
            tracing::info!(%account, "IMAP watch ended: {e:?}");
            if !e.is_transient() {
                let text = format!("{account}: no longer watching {folder}: {e}");
                self.events.notice(Level::Warning, text).await;
                break;
            }
            self.trace
                .note(format!("{e}; reconnecting in {}s", delay.as_secs()));
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(MAX_RECONNECT_DELAY);
        }
    }

    /// One connection's watch, its folder syncs relayed as they finish.
    async fn watch_once(&self) -> Result<(), ImapError> {
        let (reports_tx, reports_rx) = mpsc::unbounded_channel();
        let mut on_sync = |report: FolderReport| {
            let _ = reports_tx.send(report);
        };
        let relay = tokio::spawn(relay_watch_syncs(
            self.events.clone(),
            self.job,
            self.account.to_string(),
            reports_rx,
        ));
        let result = watch_folder(
            self.options,
            self.store,
            self.account,
            self.folder,
            Some(self.trace.clone()),
            self.nudge,
            &mut on_sync,
        )
        .await;
        drop(reports_tx);
        let _ = relay.await;
        result
    }
}

/// Tells the interface of each sync the watch ran that changed something,
/// with a note when new mail came.
async fn relay_watch_syncs(
    events: Reports,
    job: JobId,
    account: String,
    mut reports: mpsc::UnboundedReceiver<FolderReport>,
) {
    while let Some(report) = reports.recv().await {
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
