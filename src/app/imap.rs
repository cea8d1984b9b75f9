//! The Inbox's IMAP side: starting and cancelling syncs, the progress
//! gauge's numbers and the protocol trace. State only; no IO.

use super::{Action, App, Command, JobId, Level, Tab};
use crate::mail::imap::engine::{ImapCommand, ImapEvent};
use crate::mail::imap::fetch::FetchProgress;
use crate::mail::imap::{ConnectOptions, FolderChoice, TraceLine};
use crate::store::service::{StoreEvent, StoreRequest};
use std::collections::VecDeque;

/// Trace lines kept for the pane.
pub const TRACE_PANE_LINES: usize = 2000;

#[derive(Debug, Clone, Default)]
pub struct ImapState {
    pub trace: VecDeque<(String, TraceLine)>,
    pub trace_visible: bool,
    pub sync: Option<SyncStatus>,
    /// The job that keeps a folder live after its sync: (job, account, folder).
    pub watching: Option<(JobId, String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncStatus {
    pub job: JobId,
    pub account: String,
    pub folder: String,
    pub progress: FetchProgress,
}

impl App {
    /// The Inbox actions that belong to IMAP; `None` for the others.
    pub fn apply_imap(&mut self, action: Action) -> Option<Vec<Command>> {
        match action {
            Action::InboxToggleTrace => {
                self.imap.trace_visible = !self.imap.trace_visible;
                self.dirty = true;
                Some(Vec::new())
            }
            Action::InboxCancelSync => Some(match &self.imap.sync {
                Some(sync) => vec![Command::CancelJob(sync.job)],
                None => {
                    self.status.set(Level::Info, "no sync is running");
                    self.dirty = true;
                    Vec::new()
                }
            }),
            Action::InboxSync => Some(self.start_sync()),
            _ => None,
        }
    }

    fn start_sync(&mut self) -> Vec<Command> {
        if self.imap.sync.is_some() {
            self.status
                .set(Level::Info, "a sync is already running (X cancels it)");
            self.dirty = true;
            return Vec::new();
        }
        // The account of the folder in view, else the first with IMAP.
        let shown = self
            .inbox
            .current
            .as_ref()
            .map(|(a, f)| (a.clone(), f.clone()));
        let account = shown
            .as_ref()
            .and_then(|(a, _)| {
                self.config
                    .accounts
                    .iter()
                    .find(|x| &x.name == a && x.imap.is_some())
            })
            .or_else(|| self.config.accounts.iter().find(|a| a.imap.is_some()));
        let Some(account) = account else {
            self.status
                .set(Level::Warning, "no account has an [accounts.imap] section");
            self.dirty = true;
            return Vec::new();
        };
        let (Some(options), Some(store_dir)) = (
            ConnectOptions::for_account(account),
            self.inbox.store_dir.clone(),
        ) else {
            self.status.set(Level::Error, "no mail store is open");
            self.dirty = true;
            return Vec::new();
        };
        let first = shown
            .filter(|(a, _)| *a == account.name)
            .map_or_else(|| "INBOX".to_string(), |(_, f)| f);
        // A new sync brings its own watch; the old one would be a second
        // connection idling on the same account.
        let mut commands: Vec<Command> = self
            .imap
            .watching
            .take()
            .map(|(job, _, _)| Command::Imap(ImapCommand::StopWatch { job }))
            .into_iter()
            .collect();
        commands.push(Command::Imap(ImapCommand::Sync {
            account: account.name.clone(),
            options: Box::new(options),
            store_dir,
            choice: FolderChoice::FirstThenAll(first),
        }));
        commands
    }

    pub fn on_imap(&mut self, event: ImapEvent) -> Vec<Command> {
        let visible = self.tab == Tab::Inbox;
        match event {
            ImapEvent::Folder {
                job,
                account,
                folder,
            } => {
                let progress = FetchProgress::default();
                self.imap.sync = Some(SyncStatus {
                    job,
                    account,
                    folder,
                    progress,
                });
                self.dirty |= visible;
                Vec::new()
            }
            ImapEvent::Progress { job, progress } => {
                if let Some(sync) = self.imap.sync.as_mut().filter(|s| s.job == job) {
                    sync.progress = progress;
                    self.dirty |= visible;
                }
                Vec::new()
            }
            ImapEvent::FolderDone { .. } => vec![Command::Store(StoreRequest::Folders)],
            ImapEvent::Watching {
                job,
                account,
                folder,
            } => {
                self.imap.watching = Some((job, account, folder));
                Vec::new()
            }
            ImapEvent::Trace { account, lines } => {
                for line in lines {
                    if self.imap.trace.len() >= TRACE_PANE_LINES {
                        self.imap.trace.pop_front();
                    }
                    self.imap.trace.push_back((account.clone(), line));
                }
                self.dirty |= visible && self.imap.trace_visible;
                Vec::new()
            }
        }
    }

    /// A local flag change or deletion was stored: the watched account's
    /// server should hear of it now rather than at the next sync.
    pub fn imap_nudge_for(&self, event: &StoreEvent) -> Option<Command> {
        let (_, account, _) = self.imap.watching.as_ref()?;
        matches!(event, StoreEvent::FlagsChanged(_) | StoreEvent::Removed(_)).then(|| {
            Command::Imap(ImapCommand::Nudge {
                account: account.clone(),
            })
        })
    }

    /// Called when a job ends, to drop the gauge of a finished sync.
    pub fn imap_job_finished(&mut self, job: JobId) {
        if self.imap.sync.as_ref().is_some_and(|s| s.job == job) {
            self.imap.sync = None;
        }
    }
}

#[cfg(test)]
#[path = "imap_tests.rs"]
mod tests;
