//! What `update` asks the event loop to do. The loop hands each command to
//! the engine that owns it; `update` itself never performs IO.

use crate::report::JobId;

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Stop the job (a sync, a send, a listener) and let it report
    /// `JobFinished`.
    CancelJob(JobId),
    /// Open, drive or save a socket session.
    Socket(crate::net::session::SocketCommand),
    /// Work for the composer (send, save a draft, list the Outbox, ...).
    Compose(Box<crate::mail::compose::engine::ComposeCommand>),
    /// Download new mail from one POP3 account into the store.
    Pop3Sync(Box<crate::mail::pop3::engine::Pop3SyncRequest>),
    /// A request to the mail store.
    Store(crate::store::service::StoreRequest),
    /// Start an IMAP sync job.
    Imap(crate::mail::imap::engine::ImapCommand),
}
