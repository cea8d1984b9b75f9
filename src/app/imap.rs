//! The Inbox's IMAP side: each account's pass (which folders, which one
//! now, how far), how it is watched or why it is offline, and the
//! protocol trace. State only; no IO. The keys that start and stop syncs
//! are in `sync_keys`.

use super::{App, Command, JobId, Tab};
use crate::mail::imap::engine::{ImapCommand, ImapEvent, WatchMode};
use crate::mail::imap::fetch::FetchProgress;
use crate::mail::imap::push_job::PushRequest;
use crate::mail::imap::{ConnectOptions, TraceLine};
use crate::store::service::{StoreEvent, StoreRequest};
use std::collections::{BTreeMap, VecDeque};

/// Trace lines kept for the pane.
pub const TRACE_PANE_LINES: usize = 2000;

#[derive(Debug, Clone, Default)]
pub struct ImapState {
    pub trace: VecDeque<(String, TraceLine)>,
    pub trace_visible: bool,
    /// Each IMAP account's sync and watch, by account name.
    pub accounts: BTreeMap<String, AccountSync>,
}

/// One IMAP account as the Inbox shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountSync {
    /// The job of the account's live task, while it runs (for nudges and
    /// cancelling).
    pub task: Option<JobId>,
    /// The pass over every folder, while one runs.
    pub pass: Option<PassState>,
    /// The folder being downloaded now and how far it has come.
    pub current: Option<(String, FetchProgress)>,
    /// How the account is watched, once it is.
    pub watching: Option<WatchMode>,
    /// Why the account has no connection, and in how many seconds it
    /// tries again (`None`: it stopped).
    pub offline: Option<(String, Option<u64>)>,
}

/// A pass over an account's folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassState {
    pub job: JobId,
    /// The folders in the order they are synced (local names).
    pub folders: Vec<String>,
    /// How many are in step.
    pub done: usize,
}

impl AccountSync {
    fn went_offline(&mut self, reason: String, retry_secs: Option<u64>) {
        self.watching = None;
        self.current = None;
        self.offline = Some((reason, retry_secs));
        if retry_secs.is_none() {
            self.task = None;
            self.pass = None;
        }
    }

    /// Whether `folder` waits for its turn in the running pass.
    pub fn queued(&self, folder: &str) -> bool {
        self.pass
            .as_ref()
            .is_some_and(|pass| pass.folders.iter().skip(pass.done).any(|f| f == folder))
            && self.current.as_ref().is_none_or(|(f, _)| f != folder)
    }
}

/// While a folder downloads, its counts (and the list, when it is in
/// view) are read again every this many messages: a long first sync fills
/// the list as it goes instead of all at the end.
pub const REFRESH_EVERY_MESSAGES: u64 = 2_000;

impl AccountSync {
    /// How far `folder`'s download has come; asks for the folder counts
    /// again every [`REFRESH_EVERY_MESSAGES`].
    fn progress(&mut self, folder: String, progress: FetchProgress) -> Vec<Command> {
        let before = match &self.current {
            Some((f, p)) if *f == folder => p.messages_done,
            _ => 0,
        };
        self.current = Some((folder, progress));
        let step = |done: u64| done / REFRESH_EVERY_MESSAGES;
        if step(progress.messages_done) > step(before) {
            vec![Command::Store(StoreRequest::Folders)]
        } else {
            Vec::new()
        }
    }

    /// `folder` is in step: one more of the pass done, its progress gone.
    fn folder_done(&mut self, folder: &str) {
        if let Some(pass) = &mut self.pass {
            pass.done = (pass.done + 1).min(pass.folders.len());
        }
        if self.current.as_ref().is_some_and(|(f, _)| f == folder) {
            self.current = None;
        }
    }
}

impl ImapState {
    /// Applies a report about an account's pass, watch or connection.
    fn apply(&mut self, event: ImapEvent) {
        match event {
            ImapEvent::Syncing { job, account } => {
                self.accounts.entry(account).or_default().task = Some(job);
            }
            ImapEvent::Pass {
                job,
                account,
                folders,
            } => {
                let state = self.accounts.entry(account).or_default();
                state.task = Some(job);
                state.offline = None;
                state.pass = Some(PassState {
                    job,
                    folders,
                    done: 0,
                });
            }
            ImapEvent::Folder {
                account, folder, ..
            } => {
                let state = self.accounts.entry(account).or_default();
                state.current = Some((folder, FetchProgress::default()));
            }
            ImapEvent::Watching { job, account, mode } => {
                let state = self.accounts.entry(account).or_default();
                state.task = Some(job);
                state.watching = Some(mode);
                state.offline = None;
            }
            ImapEvent::Offline {
                account,
                reason,
                retry_secs,
                ..
            } => self
                .accounts
                .entry(account)
                .or_default()
                .went_offline(reason, retry_secs),
            ImapEvent::FolderDone { .. }
            | ImapEvent::Progress { .. }
            | ImapEvent::Pushed { .. }
            | ImapEvent::Trace { .. } => {}
        }
    }

    /// The running pass to show in the gauge line: the one of `prefer`
    /// (the account in view), else any.
    pub fn gauge(&self, prefer: Option<&str>) -> Option<(&str, &AccountSync)> {
        fn running<'a>(
            (name, state): (&'a String, &'a AccountSync),
        ) -> Option<(&'a str, &'a AccountSync)> {
            state.pass.is_some().then_some((name.as_str(), state))
        }
        prefer
            .and_then(|p| self.accounts.get_key_value(p))
            .and_then(running)
            .or_else(|| self.accounts.iter().find_map(running))
    }
}

impl App {
    pub fn on_imap(&mut self, event: ImapEvent) -> Vec<Command> {
        let visible = self.tab == Tab::Inbox;
        let commands = match event {
            ImapEvent::Trace { account, lines } => {
                self.imap_trace(&account, lines);
                return Vec::new();
            }
            ImapEvent::FolderDone {
                account, report, ..
            } => {
                let state = self.imap.accounts.entry(account).or_default();
                state.folder_done(&report.folder);
                vec![Command::Store(StoreRequest::Folders)]
            }
            ImapEvent::Pushed { .. } => {
                // Merged flags and re-filed messages show at once.
                let mut commands = vec![Command::Store(StoreRequest::Folders)];
                commands.extend(self.inbox.relist(true));
                commands
            }
            ImapEvent::Progress {
                account,
                folder,
                progress,
                ..
            } => {
                let state = self.imap.accounts.entry(account).or_default();
                state.progress(folder, progress)
            }
            other => {
                self.imap.apply(other);
                Vec::new()
            }
        };
        self.dirty |= visible;
        commands
    }

    fn imap_trace(&mut self, account: &str, lines: Vec<TraceLine>) {
        for line in lines {
            if self.imap.trace.len() >= TRACE_PANE_LINES {
                self.imap.trace.pop_front();
            }
            self.imap.trace.push_back((account.to_string(), line));
        }
        self.dirty |= self.tab == Tab::Inbox && self.imap.trace_visible;
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

    /// Whether `job` is a sync (IMAP or POP3): interrupting one loses
    /// nothing (what is stored is whole; the next sync goes on), so
    /// quitting does not ask about it.
    pub fn is_sync_job(&self, job: JobId) -> bool {
        self.imap.accounts.values().any(|s| s.task == Some(job))
            || self.pop3.accounts.values().any(|s| s.job == Some(job))
    }

    /// Called when a job ends: a pass that ended leaves its account
    /// watched (or retrying); its gauge goes.
    pub fn imap_job_finished(&mut self, job: JobId) {
        for state in self.imap.accounts.values_mut() {
            if state.pass.as_ref().is_some_and(|p| p.job == job) {
                state.pass = None;
                state.current = None;
            }
        }
    }
}

#[cfg(test)]
#[path = "imap_tests.rs"]
mod tests;
