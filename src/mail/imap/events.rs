//! What the IMAP engine takes from the app and what it reports back. Each
//! account runs one live task (`live`): a pass over every folder, then a
//! watch that keeps every folder in step; both speak these.

use super::fetch::FetchProgress;
use super::options::ConnectOptions;
use super::sync::FolderReport;
use super::trace::TraceLine;
use crate::report::{JobId, Reporter};
use std::path::PathBuf;
use std::time::Duration;

/// Where the IMAP engine's reports go.
pub type Reports = Reporter<ImapEvent>;

/// How an account learns of changes once its folders are in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveSettings {
    /// Use NOTIFY when the server offers it (`notify = false` in the
    /// config forces the fallback).
    pub notify: bool,
    /// How often folders no push covers are looked at; `None`: never.
    pub poll: Option<Duration>,
}

impl LiveSettings {
    /// The settings of an account's `[imap]` section.
    pub fn for_endpoint(endpoint: &crate::config::Endpoint) -> LiveSettings {
        LiveSettings {
            notify: endpoint.uses_notify(),
            poll: endpoint.poll_interval(crate::config::Protocol::Imap),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ImapCommand {
    /// Bring `account` into step now (every folder, `first` first) and
    /// keep it live afterwards. An account already live runs a new pass on
    /// its connection.
    Sync {
        account: String,
        options: Box<ConnectOptions>,
        store_dir: PathBuf,
        first: String,
        live: LiveSettings,
    },
    /// Local changes (flags, deletions, moves) wait for `account`'s server;
    /// `folder` is where they were made, when known: carry them now.
    Nudge {
        account: String,
        folder: Option<String>,
    },
    /// Local changes wait for an account's server: push them now.
    Push(PushRequest),
    /// Whether the protocol trace is on screen. Trace lines travel to the
    /// interface only while it is, so a watch that talks to its server
    /// (keep-alives, polls) never wakes an idle interface.
    Trace { shown: bool },
}

/// How a live account watches its server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchMode {
    /// NOTIFY: every folder reports its changes at once.
    Notify,
    /// IDLE on INBOX; the other folders are looked at every `poll` (never
    /// when `None`).
    Idle { poll: Option<Duration> },
    /// No IDLE: every folder is looked at every `poll`.
    Poll { poll: Option<Duration> },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ImapEvent {
    /// A sync of `account` was asked for: its job starts (and connects).
    /// Comes before the job's `Started`, so the interface knows the job
    /// is a sync, which loses nothing when quitting interrupts it.
    Syncing { job: JobId, account: String },
    /// A pass over `account`'s folders begins: these, in this order.
    Pass {
        job: JobId,
        account: String,
        folders: Vec<String>,
    },
    /// Syncing `folder` (local name) of `account`.
    Folder {
        job: JobId,
        account: String,
        folder: String,
    },
    /// How far the download of `folder` has come.
    Progress {
        job: JobId,
        account: String,
        folder: String,
        progress: FetchProgress,
    },
    /// A folder is in step; the Inbox reloads its counts.
    FolderDone {
        job: JobId,
        account: String,
        report: FolderReport,
    },
    /// The account is in step and watched.
    Watching {
        job: JobId,
        account: String,
        mode: WatchMode,
    },
    /// The account lost its server: why, and in how many seconds it tries
    /// again (`None`: it stopped; a sync starts it again).
    Offline {
        job: JobId,
        account: String,
        reason: String,
        retry_secs: Option<u64>,
    },
    /// Local changes reached `account`'s server.
    Pushed {
        account: String,
        counts: super::pending::PendingCounts,
    },
    Trace {
        account: String,
        lines: Vec<TraceLine>,
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
