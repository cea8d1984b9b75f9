//! The live accounts of one process: at most one task per account, so a
//! second "sync" becomes a pass on the connection that is already open
//! rather than a second connection; nudges and the trace switch go to the
//! running tasks.

use super::{Live, LiveControl};
use crate::mail::imap::events::{ImapCommand, ImapEvent, Reports};
use crate::mail::imap::store_work::open_store;
use crate::mail::imap::trace::TraceSink;
use crate::report::{JobEvent, JobId, Level};
use std::collections::HashMap;
use tokio::sync::{mpsc, watch};
use tokio::task::AbortHandle;

/// A running account task.
struct Running {
    control: mpsc::UnboundedSender<LiveControl>,
    task: AbortHandle,
}

pub struct LiveHub {
    accounts: HashMap<String, Running>,
    /// Whether trace lines should travel (the trace pane is shown).
    trace_shown: watch::Sender<bool>,
}

impl Default for LiveHub {
    fn default() -> Self {
        LiveHub {
            accounts: HashMap::new(),
            trace_shown: watch::Sender::new(false),
        }
    }
}

impl LiveHub {
    /// Carries out `command`. When it starts a task, that task's job id
    /// (`job`) and abort handle come back for the caller to keep, so that
    /// cancelling the job stops the account.
    pub fn dispatch(
        &mut self,
        command: ImapCommand,
        job: JobId,
        events: Reports,
    ) -> Option<AbortHandle> {
        match command {
            ImapCommand::Push(request) => {
                super::super::push_job::push_now(events, request);
                None
            }
            ImapCommand::Trace { shown } => {
                self.trace_shown.send_replace(shown);
                None
            }
            ImapCommand::Nudge { account, folder } => {
                if let Some(running) = self.running(&account) {
                    let _ = running.control.send(LiveControl::Nudge { folder });
                }
                None
            }
            ImapCommand::Sync {
                account,
                options,
                store_dir,
                first,
                live,
            } => {
                if let Some(running) = self.running(&account) {
                    let pass = LiveControl::Pass {
                        first: first.clone(),
                    };
                    if running.control.send(pass).is_ok() {
                        return None;
                    }
                }
                let (control, receiver) = mpsc::unbounded_channel();
                let shown = self.trace_shown.subscribe();
                let start = Start {
                    job,
                    account: account.clone(),
                    options: *options,
                    store_dir,
                    settings: live,
                    first,
                };
                let task = tokio::spawn(start.run(events, receiver, shown)).abort_handle();
                let running = Running {
                    control,
                    task: task.clone(),
                };
                self.accounts.insert(account, running);
                Some(task)
            }
        }
    }

    /// The account's task, if it still runs.
    fn running(&mut self, account: &str) -> Option<&Running> {
        self.accounts.retain(|_, r| !r.task.is_finished());
        self.accounts.get(account)
    }

    /// Stops every account task.
    pub fn shutdown(&mut self) {
        for (_, running) in self.accounts.drain() {
            running.task.abort();
        }
    }
}

/// What a new account task starts from.
struct Start {
    job: JobId,
    account: String,
    options: crate::mail::imap::ConnectOptions,
    store_dir: std::path::PathBuf,
    settings: crate::mail::imap::events::LiveSettings,
    first: String,
}

impl Start {
    /// The task: open the store, forward the trace, run the account.
    async fn run(
        self,
        events: Reports,
        control: mpsc::UnboundedReceiver<LiveControl>,
        shown: watch::Receiver<bool>,
    ) {
        let store = match open_store(self.store_dir).await {
            Ok(store) => store,
            Err(e) => return cannot_start(&events, self.job, &self.account, &e.to_string()).await,
        };
        let trace = TraceSink::new();
        let forwarder =
            super::trace::forward(events.clone(), trace.clone(), self.account.clone(), shown);
        let live = Live {
            job: self.job,
            account: self.account,
            options: self.options,
            settings: self.settings,
            events,
            store,
            trace,
            control,
            pass: Some(self.first),
            job_running: false,
            refused: HashMap::new(),
            selected: None,
        };
        live.run().await;
        forwarder.abort();
    }
}

/// The store would not open: the job starts and fails at once, so the
/// user sees why.
async fn cannot_start(events: &Reports, job: JobId, account: &str, error: &str) {
    let label = format!("sync {account}");
    let syncing = ImapEvent::Syncing {
        job,
        account: account.to_string(),
    };
    events.send(syncing).await;
    events.job(JobEvent::Started { job, label }).await;
    let outcome = Err(error.to_string());
    events.job(JobEvent::Finished { job, outcome }).await;
    events
        .notice(Level::Error, format!("{account}: {error}"))
        .await;
    let offline = ImapEvent::Offline {
        job,
        account: account.to_string(),
        reason: error.to_string(),
        retry_secs: None,
    };
    events.send(offline).await;
}
