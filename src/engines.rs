//! Hands `Command`s from `update` to the engines and keeps the handles of
//! running jobs so they can be cancelled. Engines report back on the event
//! channel given to [`Engines::new`].

use crate::app::{Command, EngineEvent, JobEvent, JobId};
use crate::net::hub::SocketHub;
use crate::store::service::{StoreRequest, StoreWorker};
use std::collections::HashMap;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

/// Capacity of the engine report channel. Bulk producers (socket reads)
/// coalesce before sending, so this bounds memory without stalling them.
pub const ENGINE_CHANNEL_CAPACITY: usize = 1024;

pub struct Engines {
    events: mpsc::Sender<EngineEvent>,
    compose: crate::mail::compose::engine::ComposeEngine,
    jobs: HashMap<JobId, AbortHandle>,
    next_job: JobId,
    sockets: SocketHub,
    store: StoreWorker,
    /// Live IMAP accounts: one task each.
    imap: crate::mail::imap::engine::LiveHub,
    /// Each POP3 account's task (its sync, then its checks), so a new
    /// sync replaces the old task's checks instead of doubling them.
    pop3: HashMap<String, AbortHandle>,
}

impl Engines {
    /// The engine hub and the receiver the event loop reads reports from.
    pub fn new() -> (Engines, mpsc::Receiver<EngineEvent>) {
        let (tx, rx) = mpsc::channel(ENGINE_CHANNEL_CAPACITY);
        let engines = Engines {
            sockets: SocketHub::new(EngineEvent::reporter(&tx)),
            store: StoreWorker::start(EngineEvent::reporter(&tx)),
            events: tx,
            compose: Default::default(),
            jobs: HashMap::new(),
            next_job: 1,
            imap: Default::default(),
            pop3: HashMap::new(),
        };
        (engines, rx)
    }

    /// A sender for engine reports, for tasks spawned by engines.
    pub fn reporter(&self) -> mpsc::Sender<EngineEvent> {
        self.events.clone()
    }

    /// Where the mail store lives (Outbox, Sent, Drafts).
    pub fn set_store_dir(&mut self, dir: std::path::PathBuf) {
        self.compose = crate::mail::compose::engine::ComposeEngine::new(dir);
    }

    /// The gpg the composer signs and encrypts with.
    pub fn set_pgp(&mut self, config: &crate::config::PgpConfig) {
        self.compose = std::mem::take(&mut self.compose).with_pgp(config);
    }

    /// A fresh job id.
    pub fn next_job_id(&mut self) -> JobId {
        let id = self.next_job;
        self.next_job += 1;
        id
    }

    /// Remembers a spawned job so that `CancelJob` can stop it.
    pub fn track(&mut self, job: JobId, handle: AbortHandle) {
        self.jobs.retain(|_, h| !h.is_finished());
        self.jobs.insert(job, handle);
    }

    pub fn dispatch(&mut self, command: Command) {
        match command {
            Command::Compose(command) => {
                let job = self.next_job_id();
                let reports = EngineEvent::reporter(&self.events);
                let handle = self.compose.dispatch(*command, job, reports);
                self.track(job, handle.abort_handle());
            }
            Command::Pop3Sync(request) => {
                let job = self.next_job_id();
                let store_dir = request.store_dir();
                let task = tokio::spawn(crate::mail::pop3::engine::run_sync(
                    job,
                    request.account.clone(),
                    store_dir,
                    EngineEvent::reporter(&self.events),
                ));
                let name = request.account.name.clone();
                if let Some(old) = self.pop3.insert(name, task.abort_handle()) {
                    old.abort();
                }
                self.track(job, task.abort_handle());
            }
            Command::CancelJob(job) => {
                if let Some(handle) = self.jobs.remove(&job) {
                    handle.abort();
                    let events = self.events.clone();
                    tokio::spawn(async move {
                        let outcome = Err("cancelled".into());
                        let _ = events
                            .send(JobEvent::Finished { job, outcome }.into())
                            .await;
                    });
                }
            }
            Command::Socket(command) => self.sockets.dispatch(command),
            Command::Store(StoreRequest::Import { path, .. }) => {
                let job = self.next_job_id();
                self.store.send(StoreRequest::Import { job, path });
            }
            Command::Store(request) => self.store.send(request),
            Command::Imap(command) => {
                let job = self.next_job_id();
                let reports = EngineEvent::reporter(&self.events);
                if let Some(handle) = self.imap.dispatch(command, job, reports) {
                    self.track(job, handle);
                }
            }
        }
    }

    /// Stops every job; called on the way out.
    pub fn shutdown(&mut self) {
        for (_, handle) in self.jobs.drain() {
            handle.abort();
        }
        self.imap.shutdown();
        for (_, task) in self.pop3.drain() {
            task.abort();
        }
        self.sockets.shutdown();
        self.store.finish();
    }
}
