//! What reaches `update`: terminal input and engine reports.
//!
//! Each engine speaks its own event type and reports through a
//! [`Reporter`](crate::report::Reporter) built by [`EngineEvent::reporter`];
//! the `From` impls below are the one place where an engine's reports become
//! the app's.

use crate::mail::compose::ComposeEvent;
use crate::mail::imap::engine::ImapEvent;
use crate::mail::pop3::engine::Pop3Event;
use crate::net::session::SessionEvent;
use crate::report::{JobEvent, Report, Reporter};
use crate::store::service::StoreEvent;
use crossterm::event::{KeyEvent, MouseEvent};
use tokio::sync::mpsc;

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
    /// The moment `App::deadline` named has come (the loop's clock).
    Deadline(std::time::Instant),
    Engine(EngineEvent),
}

/// A report from an engine, wrapped. Every report names the job or session
/// it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub enum EngineEvent {
    /// A job's start, progress or end, or a notice for the status line.
    Job(JobEvent),
    /// A socket session's report.
    Socket(SessionEvent),
    /// A report from the composer's background work.
    Compose(Box<ComposeEvent>),
    /// A POP3 sync's start, progress (with trace lines) and end.
    Pop3(Pop3Event),
    /// An answer from the mail store.
    Store(StoreEvent),
    /// IMAP sync reports: folder progress and the protocol trace.
    Imap(ImapEvent),
}

impl EngineEvent {
    /// A reporter for one engine's events on the app's report channel.
    pub fn reporter<E>(tx: &mpsc::Sender<EngineEvent>) -> Reporter<E>
    where
        E: Send + 'static,
        EngineEvent: From<Report<E>>,
    {
        Reporter::wrapping(tx.clone())
    }
}

impl From<JobEvent> for EngineEvent {
    fn from(event: JobEvent) -> EngineEvent {
        EngineEvent::Job(event)
    }
}

/// How one engine's reports become `EngineEvent`s.
macro_rules! wraps {
    ($event:ty, $variant:expr) => {
        impl From<Report<$event>> for EngineEvent {
            fn from(report: Report<$event>) -> EngineEvent {
                match report {
                    Report::Job(job) => EngineEvent::Job(job),
                    Report::Event(event) => $variant(event),
                }
            }
        }
    };
}

wraps!(SessionEvent, EngineEvent::Socket);
wraps!(ComposeEvent, |e| EngineEvent::Compose(Box::new(e)));
wraps!(Pop3Event, EngineEvent::Pop3);
wraps!(StoreEvent, EngineEvent::Store);
wraps!(ImapEvent, EngineEvent::Imap);
