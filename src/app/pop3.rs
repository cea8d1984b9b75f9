//! What the Inbox shows of POP3 accounts: each one's sync state and
//! progress, and the protocol trace pane. Changed only through `update`.

use super::{App, Command};
use super::{JobEvent, JobId, Level};
use crate::mail::pop3::TraceLine;
use crate::mail::pop3::engine::{Pop3Event, Pop3SyncRequest};
use std::collections::{BTreeMap, VecDeque};

/// Trace lines kept for the pane; older ones scroll away.
pub const POP3_TRACE_CAP_LINES: usize = 2_000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pop3Gauge {
    pub done_messages: u64,
    pub total_messages: u64,
    pub done_bytes: u64,
    pub total_bytes: u64,
}

/// One account's sync as the Inbox shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pop3AccountState {
    /// The running sync, if any.
    pub job: Option<JobId>,
    pub gauge: Option<Pop3Gauge>,
    /// The last sync's summary (Ok) or error (Err).
    pub last: Option<Result<String, String>>,
}

#[derive(Debug, Clone, Default)]
pub struct Pop3Ui {
    pub accounts: BTreeMap<String, Pop3AccountState>,
    /// (account, line), newest last.
    pub trace: VecDeque<(String, TraceLine)>,
    pub show_trace: bool,
    /// How many lines back from the newest the pane shows (0: follow).
    pub trace_back: usize,
}

impl Pop3Ui {
    pub fn running(&self) -> impl Iterator<Item = JobId> + '_ {
        self.accounts.values().filter_map(|a| a.job)
    }

    fn push_trace(&mut self, account: &str, lines: Vec<TraceLine>) {
        for line in lines {
            if self.trace.len() >= POP3_TRACE_CAP_LINES {
                self.trace.pop_front();
            }
            // A scrolled-back view stays on the lines it shows.
            if self.trace_back > 0 {
                self.trace_back = (self.trace_back + 1).min(self.trace.len());
            }
            self.trace.push_back((account.to_string(), line));
        }
    }

    /// A job ended (finished, failed or cancelled): returns whether it was
    /// one of ours.
    pub fn job_ended(&mut self, job: JobId, outcome: &Result<String, String>) -> bool {
        for state in self.accounts.values_mut() {
            if state.job == Some(job) {
                state.job = None;
                state.gauge = None;
                state.last = Some(outcome.clone());
                return true;
            }
        }
        false
    }
}

impl App {
    /// Starts a sync of every POP3 account that is not syncing already.
    pub(super) fn pop3_sync_all(&mut self) -> Vec<Command> {
        let accounts = self.config.accounts.clone();
        let commands: Vec<Command> = accounts.iter().filter_map(|a| self.pop3_sync(a)).collect();
        if commands.is_empty() {
            let text = if self.config.accounts.iter().any(|a| a.pop3.is_some()) {
                "POP3 sync already running"
            } else {
                "no account has a [pop3] server"
            };
            self.status.set(Level::Info, text);
            self.dirty = true;
        }
        commands
    }

    /// A sync of `account`'s POP3 server, unless it has none or one runs.
    pub(super) fn pop3_sync(&mut self, account: &crate::config::Account) -> Option<Command> {
        account.pop3.as_ref()?;
        let state = self.pop3.accounts.entry(account.name.clone()).or_default();
        state.job.is_none().then(|| {
            Command::Pop3Sync(Box::new(Pop3SyncRequest {
                account: account.clone(),
                store_path: self.config.store.path.clone(),
            }))
        })
    }

    /// Cancels every running POP3 sync (nothing is deleted on the server).
    pub(super) fn pop3_cancel(&mut self) -> Vec<Command> {
        self.pop3.running().map(Command::CancelJob).collect()
    }

    /// Scrolls the trace pane by a page: back (older) or forward.
    pub(super) fn pop3_scroll_trace(&mut self, older: bool) {
        if !self.pop3.show_trace {
            return;
        }
        let page = usize::from(self.size.1 / 2).max(1);
        let max = self.pop3.trace.len().saturating_sub(1);
        let back = if older {
            (self.pop3.trace_back + page).min(max)
        } else {
            self.pop3.trace_back.saturating_sub(page)
        };
        if back != self.pop3.trace_back {
            self.pop3.trace_back = back;
            self.dirty = true;
        }
    }

    pub(super) fn pop3_toggle_trace(&mut self) {
        self.pop3.show_trace = !self.pop3.show_trace;
        self.dirty = true;
    }

    pub(super) fn on_pop3(&mut self, event: Pop3Event) -> Vec<Command> {
        match event {
            Pop3Event::Started { job, account } => {
                let state = self.pop3.accounts.entry(account.clone()).or_default();
                state.job = Some(job);
                state.gauge = Some(Pop3Gauge::default());
                self.on_job(JobEvent::Started {
                    job,
                    label: format!("POP3 {account}"),
                });
            }
            Pop3Event::Progress {
                job,
                account,
                done_messages,
                total_messages,
                done_bytes,
                total_bytes,
                trace,
            } => {
                if let Some(state) = self.pop3.accounts.get_mut(&account)
                    && state.job == Some(job)
                {
                    state.gauge = Some(Pop3Gauge {
                        done_messages,
                        total_messages,
                        done_bytes,
                        total_bytes,
                    });
                    self.dirty = true;
                }
                if !trace.is_empty() {
                    self.pop3.push_trace(&account, trace);
                    self.dirty |= self.pop3.show_trace;
                }
                self.on_job(JobEvent::Progress {
                    job,
                    done: done_messages,
                    total: total_messages,
                });
            }
            Pop3Event::Checked {
                account,
                outcome,
                stored,
                ..
            } => return self.pop3_checked(&account, outcome, stored),
            Pop3Event::Finished {
                job,
                account,
                outcome,
            } => {
                let outcome = outcome.map(|summary| format!("{account}: {summary}"));
                // What the job stored is listed by the follow-up this returns.
                return self.on_job(JobEvent::Finished { job, outcome });
            }
        }
        Vec::new()
    }
}

impl App {
    /// A check after the sync found mail, failed, or worked again.
    fn pop3_checked(
        &mut self,
        account: &str,
        outcome: Result<String, String>,
        stored: u64,
    ) -> Vec<Command> {
        let state = self.pop3.accounts.entry(account.to_string()).or_default();
        state.last = Some(
            outcome
                .clone()
                .map(|summary| format!("{account}: {summary}")),
        );
        self.dirty = true;
        match outcome {
            Err(error) => {
                let text = format!("{account}: checking for mail failed: {error}");
                self.status.set(Level::Warning, &text);
                Vec::new()
            }
            Ok(_) if stored > 0 => {
                let text = format!("{account}: {stored} new message(s)");
                self.status.set(Level::Info, &text);
                vec![Command::Store(crate::store::service::StoreRequest::Folders)]
            }
            Ok(_) => Vec::new(),
        }
    }
}

#[cfg(test)]
#[path = "pop3_tests.rs"]
mod tests;
