//! Every folder of an account kept in step while wirepost runs. One task
//! per account (started by [`LiveHub`]) holds one connection: it brings
//! every folder into step (a pass, shown as a job), then watches —
//! NOTIFY (RFC 5465) where the server has it, so a change in any folder
//! is reported at once; otherwise IDLE on INBOX and a look at the other
//! folders (LIST-STATUS, else STATUS) every poll interval; NOOP polling on
//! a server without IDLE. Each change runs the folder sync, so what
//! arrives is stored exactly as a manual sync would store it.
//!
//! The poll timer lives here, in the engine; a watch that finds nothing
//! new sends nothing, so an idle interface stays idle. The connection is
//! re-opened with backoff when it drops; a pass that cannot reach the
//! server ends its job after a few tries and the task goes on trying in
//! the background.

mod hub;
mod pass;
mod task;
mod trace;
mod watch;

pub use hub::LiveHub;
pub use task::{MAX_RECONNECT_DELAY, RECONNECT_ATTEMPTS, RECONNECT_FIRST_DELAY};

use super::events::{LiveSettings, Reports};
use super::options::ConnectOptions;
use super::trace::TraceSink;
use crate::report::JobId;
use crate::store::Store;
use std::collections::HashMap;
use tokio::sync::mpsc;

/// What a live account task is asked to do while it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveControl {
    /// A pass over every folder, `first` first (the user asked to sync).
    Pass { first: String },
    /// Local changes wait; `folder` is where they were made.
    Nudge { folder: Option<String> },
}

/// One account's live task: what it needs and where it stands.
pub(crate) struct Live {
    job: JobId,
    account: String,
    options: ConnectOptions,
    settings: LiveSettings,
    events: Reports,
    store: Store,
    trace: TraceSink,
    control: mpsc::UnboundedReceiver<LiveControl>,
    /// A pass asked for and not yet done: the folder it starts with.
    pass: Option<String>,
    /// The job is in the status line (a pass runs or is trying to).
    job_running: bool,
    /// Folders the server refused to sync, with the counts they had then:
    /// not tried again until those change.
    refused: HashMap<String, super::status::FolderStatus>,
    /// The folder the connection has selected (server spelling), which
    /// EXISTS, EXPUNGE and FETCH news are about.
    selected: Option<String>,
}
