//! The Inbox's IMAP side: starting and cancelling syncs, the progress
//! gauge's numbers and the protocol trace. State only; no IO.

use super::{Action, App, Command, JobId, Level, Tab};
use crate::mail::imap::engine::{ImapCommand, ImapEvent};
use crate::mail::imap::fetch::FetchProgress;
use crate::mail::imap::push_job::PushRequest;
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
    /// The Inbox's sync actions, for IMAP and POP3 accounts alike; `None`
    /// for the other actions.
    pub fn apply_imap(&mut self, action: Action) -> Option<Vec<Command>> {
        let has_imap = self.config.accounts.iter().any(|a| a.imap.is_some());
        let has_pop3 = self.config.accounts.iter().any(|a| a.pop3.is_some());
        match action {
            Action::InboxToggleTrace => {
                if self.trace_shows_imap(has_imap) {
                    self.imap.trace_visible = !self.imap.trace_visible;
                    self.dirty = true;
                } else {
                    self.pop3_toggle_trace();
                }
                Some(Vec::new())
            }
            Action::InboxCancelSync => {
                let mut commands: Vec<Command> = self
                    .imap
                    .sync
                    .as_ref()
                    .map(|sync| Command::CancelJob(sync.job))
                    .into_iter()
                    .collect();
                commands.extend(self.pop3_cancel());
                if commands.is_empty() {
                    self.status.set(Level::Info, "no sync is running");
                    self.dirty = true;
                }
                Some(commands)
            }
            Action::InboxSync => {
                let mut commands = Vec::new();
                if has_imap {
                    commands.extend(self.start_sync());
                }
                if has_pop3 {
                    commands.extend(self.pop3_sync_all());
                }
                if !has_imap && !has_pop3 {
                    self.status.set(
                        Level::Warning,
                        "no account has an [accounts.imap] or [accounts.pop3] section",
                    );
                    self.dirty = true;
                }
                Some(commands)
            }
            _ => None,
        }
    }

    /// Which protocol's trace the trace key shows: that of the account in
    /// view, else IMAP when any account has it.
    fn trace_shows_imap(&self, has_imap: bool) -> bool {
        let shown = self
            .inbox
            .current
            .as_ref()
            .and_then(|(name, _)| self.config.accounts.iter().find(|a| &a.name == name));
        match shown {
            Some(account) if account.imap.is_some() => true,
            Some(account) if account.pop3.is_some() => false,
            _ => has_imap,
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
            ImapEvent::Pushed { .. } => {
                // Merged flags and re-filed messages show at once.
                let mut commands = vec![Command::Store(StoreRequest::Folders)];
                commands.extend(self.inbox.relist(true));
                commands
            }
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

    /// Local changes were stored (flags, deletions, moves, copies): each
    /// IMAP account they touch pushes them to its server now.
    pub fn imap_push_for(&self, event: &StoreEvent) -> Vec<Command> {
        let StoreEvent::LocalChanges { accounts } = event else {
            return Vec::new();
        };
        let Some(store_dir) = self.inbox.store_dir.clone() else {
            return Vec::new();
        };
        let book: crate::mail::imap::push::AccountBook = self
            .config
            .accounts
            .iter()
            .filter_map(|a| ConnectOptions::for_account(a).map(|o| (a.name.clone(), o)))
            .collect();
        let book = std::sync::Arc::new(book);
        accounts
            .iter()
            .filter_map(|name| {
                let options = book.get(name)?.clone();
                Some(Command::Imap(ImapCommand::Push(PushRequest {
                    account: name.clone(),
                    options: Box::new(options),
                    store_dir: store_dir.clone(),
                    book: book.clone(),
                })))
            })
            .collect()
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
