//! The status line's state: the last message, the jobs that run, and every
//! message shown since the start, for the messages panel.
//!
//! A message stays on the status line until the next action that does not
//! bring a message of its own, or until it has been up for a few seconds —
//! whichever comes first. The event loop sleeps until that moment only
//! while a message is shown (`Status::deadline`), so an idle interface
//! wakes once to clear it and then not at all.

use super::{JobId, Level};
use crate::sanitize::clean_line;
use std::collections::VecDeque;
use std::time::{Duration, Instant, SystemTime};

/// How long a message stays on the status line without another action.
const INFO_SHOWN_FOR: Duration = Duration::from_secs(6);
const PROBLEM_SHOWN_FOR: Duration = Duration::from_secs(12);

/// Messages the panel keeps; older ones are dropped (the log has them).
pub const MESSAGES_KEPT: usize = 1000;

/// The most recent message shown in the status line.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusMessage {
    pub level: Level,
    pub text: String,
    /// When it leaves the status line unless an action clears it first.
    pub until: Instant,
}

/// A message as the messages panel lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub at: SystemTime,
    pub level: Level,
    pub text: String,
}

/// A background job as the status line shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: JobId,
    pub label: String,
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Status {
    pub message: Option<StatusMessage>,
    pub jobs: Vec<Job>,
    /// Every message shown, oldest first, at most `MESSAGES_KEPT`.
    pub history: VecDeque<Notice>,
    /// Counts messages set, so an action can tell whether it set one.
    generation: u64,
}

impl Status {
    /// Sets the message; the text may come from a server, so it is made
    /// safe for the terminal here, once, for every caller. It goes to the
    /// messages panel and the log as well.
    pub fn set(&mut self, level: Level, text: &str) {
        let text = clean_line(text);
        match level {
            Level::Info => tracing::info!(target: "wirepost::status", "{text}"),
            Level::Warning => tracing::warn!(target: "wirepost::status", "{text}"),
            Level::Error => tracing::error!(target: "wirepost::status", "{text}"),
        }
        let shown_for = match level {
            Level::Info => INFO_SHOWN_FOR,
            Level::Warning | Level::Error => PROBLEM_SHOWN_FOR,
        };
        self.history.push_back(Notice {
            at: SystemTime::now(),
            level,
            text: text.clone(),
        });
        if self.history.len() > MESSAGES_KEPT {
            self.history.pop_front();
        }
        self.message = Some(StatusMessage {
            level,
            text,
            until: Instant::now() + shown_for,
        });
        self.generation += 1;
    }

    /// Which message was set last, to compare before and after an action.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Takes the message off the status line (the panel keeps it); true
    /// when there was one.
    pub fn clear_message(&mut self) -> bool {
        self.message.take().is_some()
    }

    /// When the shown message is due to leave the status line.
    pub fn deadline(&self) -> Option<Instant> {
        self.message.as_ref().map(|m| m.until)
    }

    /// Clears the message if its time is up at `now`; true when it did.
    pub fn expire(&mut self, now: Instant) -> bool {
        if self.deadline().is_some_and(|until| now >= until) {
            return self.clear_message();
        }
        false
    }

    pub fn job_started(&mut self, id: JobId, label: &str) {
        self.jobs.retain(|j| j.id != id);
        self.jobs.push(Job {
            id,
            label: clean_line(label),
            done: 0,
            total: 0,
        });
    }

    pub fn job_progress(&mut self, id: JobId, done: u64, total: u64) -> bool {
        match self.jobs.iter_mut().find(|j| j.id == id) {
            Some(job) if (job.done, job.total) != (done, total) => {
                job.done = done;
                job.total = total;
                true
            }
            _ => false,
        }
    }

    pub fn job_finished(&mut self, id: JobId) -> Option<Job> {
        let index = self.jobs.iter().position(|j| j.id == id)?;
        Some(self.jobs.remove(index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_leaves_the_line_on_time_and_stays_in_the_history() {
        let mut status = Status::default();
        assert_eq!(status.deadline(), None);
        status.set(Level::Error, "connection refused by 127.0.0.1:1");
        let until = status.deadline().unwrap();
        assert!(!status.expire(until - Duration::from_millis(1)));
        assert!(status.expire(until));
        assert_eq!(status.message, None);
        assert_eq!(status.deadline(), None, "nothing left to wake up for");
        assert_eq!(status.history.len(), 1);
        assert_eq!(status.history[0].text, "connection refused by 127.0.0.1:1");
    }

    #[test]
    fn the_history_is_bounded() {
        let mut status = Status::default();
        for i in 0..MESSAGES_KEPT + 5 {
            status.set(Level::Info, &format!("{i}"));
        }
        assert_eq!(status.history.len(), MESSAGES_KEPT);
        assert_eq!(status.history[0].text, "5");
    }
}
