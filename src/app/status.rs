//! The status line's state: the last message and the jobs that run.

use super::{JobId, Level};
use crate::sanitize::clean_line;

/// The most recent message shown in the status line.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusMessage {
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
}

impl Status {
    /// Sets the message; the text may come from a server, so it is made
    /// safe for the terminal here, once, for every caller.
    pub fn set(&mut self, level: Level, text: &str) {
        self.message = Some(StatusMessage {
            level,
            text: clean_line(text),
        });
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
