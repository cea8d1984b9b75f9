//! What the IMAP engine takes from the app and what it reports back: the
//! sync job (`engine`) and the folder watch it leaves running
//! (`watch_job`) both speak these.

use super::account::FolderChoice;
use super::fetch::FetchProgress;
use super::options::ConnectOptions;
use super::trace::TraceLine;
use crate::report::{JobId, Reporter};
use std::path::PathBuf;

/// Where the IMAP engine's reports go.
pub type Reports = Reporter<ImapEvent>;

#[derive(Debug, Clone, PartialEq)]
pub enum ImapCommand {
    Sync {
        account: String,
        options: Box<ConnectOptions>,
        store_dir: PathBuf,
        choice: FolderChoice,
    },
    /// Stop the folder watch that sync job `job` left running.
    StopWatch { job: JobId },
    /// Local changes wait for `account`'s server: have its watch sync now.
    Nudge { account: String },
    /// Local changes wait for an account's server: push them now.
    Push(PushRequest),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ImapEvent {
    /// Syncing `folder` (local name) of `account`.
    Folder {
        job: JobId,
        account: String,
        folder: String,
    },
    Progress {
        job: JobId,
        progress: FetchProgress,
    },
    /// A folder is in step; the Inbox reloads its counts.
    FolderDone {
        job: JobId,
        account: String,
    },
    Trace {
        account: String,
        lines: Vec<TraceLine>,
    },
    /// Local changes reached `account`'s server.
    Pushed {
        account: String,
        counts: super::pending::PendingCounts,
    },
    /// The sync of job `job` now keeps `folder` live (IDLE or polling).
    Watching {
        job: JobId,
        account: String,
        folder: String,
    },
}

/// What a pusher needs.
#[derive(Debug, Clone, PartialEq)]
pub struct PushRequest {
    pub account: String,
    pub options: Box<ConnectOptions>,
    pub store_dir: PathBuf,
    /// Every IMAP account's settings (for the sources of moves between
    /// accounts).
    pub book: std::sync::Arc<super::push::AccountBook>,
}
