//! The POP3 sync as a background job of the interface: one tokio task per
//! sync, reporting through a callback (the engine hub wraps the reports
//! into its event type), which then checks the server again at the
//! account's poll interval. Progress and trace arrive once per batch, never
//! once per message line, so a large sync does not flood the loop.

use super::report::{SyncProgress, SyncReport};
use super::trace::TraceLine;
use crate::config::Account;
use crate::report::Reporter;
use crate::store::Store;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// The request behind `Command::Pop3Sync`: the account to sync and the
/// configured store location (`None`: the XDG default).
#[derive(Debug, Clone)]
pub struct Pop3SyncRequest {
    pub account: Account,
    pub store_path: Option<PathBuf>,
}

/// Two requests are the same sync when they name the same account and store.
impl PartialEq for Pop3SyncRequest {
    fn eq(&self, other: &Self) -> bool {
        self.account.name == other.account.name && self.store_path == other.store_path
    }
}

impl Pop3SyncRequest {
    /// The store directory this request writes to.
    pub fn store_dir(&self) -> PathBuf {
        let mut config = crate::config::Config::default();
        config.store.path = self.store_path.clone();
        config.store_dir(&crate::config::Paths::from_env())
    }
}

/// What a running POP3 sync reports; `job` ties each report to its sync.
#[derive(Debug, Clone, PartialEq)]
pub enum Pop3Event {
    Started {
        job: u64,
        account: String,
    },
    Progress {
        job: u64,
        account: String,
        done_messages: u64,
        total_messages: u64,
        done_bytes: u64,
        total_bytes: u64,
        trace: Vec<TraceLine>,
    },
    Finished {
        job: u64,
        account: String,
        outcome: Result<String, String>,
    },
    /// A check after the sync found new mail (`stored` messages), failed,
    /// or worked again after failing; quiet checks send nothing.
    Checked {
        job: u64,
        account: String,
        outcome: Result<String, String>,
        stored: u64,
    },
}

/// One store handle per directory in this process: two handles on one
/// directory would each treat the other's in-flight writes as leftovers
/// of a crash when opening.
fn shared_store(dir: &Path) -> Result<Store, String> {
    static STORES: OnceLock<Mutex<HashMap<PathBuf, Store>>> = OnceLock::new();
    let mut stores = STORES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(store) = stores.get(dir) {
        return Ok(store.clone());
    }
    let store = Store::open(dir).map_err(|e| format!("cannot open the mail store: {e}"))?;
    stores.insert(dir.to_path_buf(), store.clone());
    Ok(store)
}

/// Runs one sync of `account` into the store at `store_dir`, reporting on
/// `events`; then, when the account has a poll interval, checks again at
/// that interval (see `poll`) until the task is aborted. Cancelling the
/// task drops the connection without QUIT: the server deletes nothing,
/// and the batch being stored finishes.
pub async fn run_sync(job: u64, account: Account, store_dir: PathBuf, events: Reporter<Pop3Event>) {
    let name = account.name.clone();
    let started = Pop3Event::Started {
        job,
        account: name.clone(),
    };
    events.send(started).await;
    let store = tokio::task::spawn_blocking(move || shared_store(&store_dir))
        .await
        .map_err(|e| e.to_string())
        .and_then(|opened| opened);
    let outcome = match &store {
        Ok(store) => sync_reporting(job, &account, store.clone(), &events).await,
        Err(e) => Err(e.clone()),
    };
    let finished = Pop3Event::Finished {
        job,
        account: name,
        outcome: outcome.map(|r: SyncReport| r.summary()),
    };
    events.send(finished).await;
    let interval = account
        .pop3
        .as_ref()
        .and_then(|e| e.poll_interval(crate::config::Protocol::Pop3));
    if let (Ok(store), Some(interval)) = (store, interval) {
        keep_checking(job, &account, store, &events, interval).await;
    }
}

/// The sync with its progress (and trace) reported as it goes.
async fn sync_reporting(
    job: u64,
    account: &Account,
    store: Store,
    events: &Reporter<Pop3Event>,
) -> Result<SyncReport, String> {
    let mut trace_sink = |_: &TraceLine| {};
    // Progress is advisory: when the loop is behind, a report is dropped
    // rather than holding up the download.
    let progress = |p: &SyncProgress| {
        events.try_send(Pop3Event::Progress {
            job,
            account: account.name.clone(),
            done_messages: p.done_messages,
            total_messages: p.total_messages,
            done_bytes: p.done_bytes,
            total_bytes: p.total_bytes,
            trace: p.trace.clone(),
        });
    };
    super::sync_account(account, store, progress, Some(&mut trace_sink))
        .await
        .map_err(|e| {
            tracing::error!(account = %account.name, "pop3 sync failed: {e}");
            e.to_string()
        })
}

/// Checks `account` again every `interval` after its sync, until the task
/// is aborted: the timer lives here, in the engine. A check that finds
/// nothing new sends nothing, so an idle interface stays idle; new mail,
/// a failure and the first success after one are reported.
async fn keep_checking(
    job: u64,
    account: &Account,
    store: Store,
    events: &Reporter<Pop3Event>,
    interval: Duration,
) {
    let mut failing = false;
    loop {
        tokio::time::sleep(interval).await;
        let result = super::sync_account(account, store.clone(), |_| {}, None).await;
        let (outcome, stored) = match result {
            Ok(report) if report.stored > 0 || failing => (Ok(report.summary()), report.stored),
            Ok(_) => continue,
            Err(e) if !failing => {
                tracing::warn!(account = %account.name, "pop3 check failed: {e}");
                (Err(e.to_string()), 0)
            }
            Err(_) => continue,
        };
        failing = outcome.is_err();
        let checked = Pop3Event::Checked {
            job,
            account: account.name.clone(),
            outcome,
            stored,
        };
        if !events.send(checked).await {
            return;
        }
    }
}
