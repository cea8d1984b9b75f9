//! What reaches `update`: terminal input and engine reports.

use crossterm::event::{KeyEvent, MouseEvent};

/// One input to `App::update`.
#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize {
        width: u16,
        height: u16,
    },
    /// The terminal regained focus; a redraw repairs anything another
    /// program scribbled over.
    FocusGained,
    Engine(EngineEvent),
}

/// Identifies one background job (a sync, a send, a listener) so that its
/// reports can be matched to it.
pub type JobId = u64;

/// A report from an engine. Every report names the job it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub enum EngineEvent {
    /// A job began; while any job runs, quitting asks first.
    JobStarted { job: JobId, label: String },
    /// Progress of a job, e.g. messages fetched of messages to fetch.
    JobProgress { job: JobId, done: u64, total: u64 },
    /// A job ended; `Err` carries a one-line summary for the status line.
    JobFinished {
        job: JobId,
        outcome: Result<String, String>,
    },
    /// A message for the status line that belongs to no job.
    Notice { level: Level, text: String },
    /// A socket session's report.
    Socket(crate::net::session::SessionEvent),
    /// A report from the composer's background work.
    Compose(Box<crate::mail::compose_engine::ComposeEvent>),
    /// A POP3 sync's start, progress (with trace lines) and end.
    Pop3(crate::mail::pop3::engine::Pop3Event),
    /// An answer from the mail store.
    Store(crate::store::service::StoreEvent),
    /// IMAP sync reports: folder progress and the protocol trace.
    Imap(crate::mail::imap::engine::ImapEvent),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}
