//! What `update` asks the event loop to do. The loop hands each command to
//! the engine that owns it; `update` itself never performs IO.

use super::event::JobId;

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Stop the job (a sync, a send, a listener) and let it report
    /// `JobFinished`.
    CancelJob(JobId),
    /// A request to the mail store.
    Store(crate::store::service::StoreRequest),
    /// Start an IMAP sync job.
    Imap(crate::mail::imap::engine::ImapCommand),
}
