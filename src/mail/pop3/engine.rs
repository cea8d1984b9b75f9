//! The POP3 sync as a background job of the interface: one tokio task per
//! sync, reporting through a callback (the engine hub wraps the reports
//! into its event type). Progress and trace arrive once per batch, never
//! once per message line, so a large sync does not flood the loop.

use super::report::{SyncProgress, SyncReport};
use super::trace::TraceLine;
use crate::config::Account;
use crate::report::Reporter;
use crate::store::Store;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

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
/// `events`. Cancelling the task drops the
/// connection without QUIT: the server deletes nothing, and the batch being
/// stored finishes.
pub async fn run_sync(job: u64, account: Account, store_dir: PathBuf, events: Reporter<Pop3Event>) {
    let name = account.name.clone();
    let started = Pop3Event::Started {
        job,
        account: name.clone(),
    };
    events.send(started).await;
    let outcome = async {
        let store = tokio::task::spawn_blocking(move || shared_store(&store_dir))
            .await
            .map_err(|e| e.to_string())??;
        let mut trace_sink = |_: &TraceLine| {};
        // Progress is advisory: when the loop is behind, a report is
        // dropped rather than holding up the download.
        let progress = |p: &SyncProgress| {
            events.try_send(Pop3Event::Progress {
                job,
                account: name.clone(),
                done_messages: p.done_messages,
                total_messages: p.total_messages,
                done_bytes: p.done_bytes,
                total_bytes: p.total_bytes,
                trace: p.trace.clone(),
            });
        };
        super::sync_account(&account, store, progress, Some(&mut trace_sink))
            .await
            .map_err(|e| {
                tracing::error!(account = %account.name, "pop3 sync failed: {e}");
                e.to_string()
            })
    }
    .await;
    let finished = Pop3Event::Finished {
        job,
        account: name,
        outcome: outcome.map(|r: SyncReport| r.summary()),
    };
    events.send(finished).await;
}
