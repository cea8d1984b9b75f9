//! The store as a service for the interface: requests from `update` go to
//! one worker thread that owns the blocking store calls, and its answers
//! come back as `StoreEvent`s. Long work (imports) runs on its own
//! blocking thread and reports as a job.

mod attachments;
mod changes;
mod import;
mod worker;

pub use worker::StoreWorker;

use super::{FolderSummary, ImportReport, ListQuery, MessageId, MessageRow};
use crate::mailview::MessageView;
use std::path::PathBuf;

/// Identifies one list request so that late answers for an older list are
/// dropped.
pub type ListRequest = u64;

/// What the interface asks of the store.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreRequest {
    /// Open (or create) the store at `dir` and report its folders.
    Open {
        dir: PathBuf,
    },
    Folders,
    /// Prepare a list (count, or thread order) and report its length,
    /// and where message `keep` now stands in it.
    List {
        req: ListRequest,
        query: ListQuery,
        threaded: bool,
        keep: Option<MessageId>,
    },
    /// Rows `offset..offset+limit` of list `req`.
    Page {
        req: ListRequest,
        offset: u64,
        limit: u64,
    },
    /// Parse a message for the viewer, HTML rendered to `width` columns.
    View {
        id: MessageId,
        width: u16,
        /// Verify and decrypt OpenPGP with this gpg (never asking for a
        /// passphrase: the interface owns the terminal).
        gpg: Option<crate::pgp::Gpg>,
    },
    /// The raw source of a message.
    Raw {
        id: MessageId,
    },
    SetFlags {
        changes: Vec<(MessageId, super::Flags)>,
    },
    /// Move to the account's Trash; from the Trash, delete for good.
    Delete {
        ids: Vec<MessageId>,
    },
    /// Move (or copy) to `folder` of `account`; `upload`: that account has
    /// an IMAP server that must get the messages.
    Transfer {
        ids: Vec<MessageId>,
        account: String,
        folder: String,
        copy: bool,
        upload: bool,
    },
    /// Save attachment `index` as `target` (into it, when it is a
    /// folder), or all of them (`None`) into the folder `target`.
    SaveAttachments {
        id: MessageId,
        index: Option<usize>,
        target: PathBuf,
    },
    /// Save to a private temporary directory and hand to `command` (the
    /// system's opener when `None`).
    OpenAttachment {
        id: MessageId,
        index: usize,
        command: Option<String>,
    },
    /// Write attachment `index` (the whole message when `None`) to a
    /// private temporary file for `command` to read; answered with
    /// `StoreEvent::PipeReady`.
    PipeAttachment {
        id: MessageId,
        index: Option<usize>,
        command: String,
    },
    /// Import mail from `path` into the Local account.
    Import {
        job: crate::report::JobId,
        path: PathBuf,
    },
}

/// What the store reports back.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreEvent {
    Folders(Vec<FolderSummary>),
    Listed {
        req: ListRequest,
        total: u64,
        /// The position of the message the request asked to keep, when
        /// the list still shows it.
        kept_at: Option<u64>,
    },
    Page {
        req: ListRequest,
        offset: u64,
        rows: Vec<ListLine>,
    },
    /// List `req` (or one of its pages) could not be read.
    ListFailed {
        req: ListRequest,
        error: String,
    },
    Viewed {
        id: MessageId,
        view: Result<Box<MessageView>, String>,
    },
    Raw {
        id: MessageId,
        text: Result<String, String>,
    },
    /// Flags were written; the rows show the new state.
    FlagsChanged(Vec<(MessageId, super::Flags)>),
    /// Messages left the folder (moved to Trash or deleted).
    Removed(Vec<MessageId>),
    /// Changes made here wait for these accounts' servers.
    LocalChanges {
        accounts: Vec<String>,
    },
    Imported(ImportReport),
    /// The Date headers of mail indexed by an older wirepost have all been
    /// read: lists ordered by them may have changed.
    SentDatesRead,
    /// What `command` is to read on its standard input is in the private
    /// file `input` (removed once the command ran).
    PipeReady {
        command: String,
        input: PathBuf,
    },
}

/// One row of a list with its thread depth (0 when not threaded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListLine {
    pub row: MessageRow,
    pub depth: u16,
}
