//! IMAP: connect and log in (TLS, STARTTLS), list folders, fetch new mail in
//! batches into the local store, keep flags in step both ways, and keep
//! every folder of every account live (NOTIFY, IDLE, polling).
//! Everything here is a tokio task or plain library code; it reports to the
//! app with `EngineEvent`s and never touches the terminal.

pub mod account;
pub mod append;
pub mod auth;
pub mod caps;
pub mod connect;
pub mod engine;
pub mod error;
mod events;
pub mod fetch;
pub mod flags;
pub mod folders;
pub mod headless;
mod live;
pub mod notify;
pub mod options;
pub mod pending;
pub mod push;
pub mod push_job;
pub mod raw;
pub mod raw_stream;
pub mod select;
pub mod session;
pub mod status;
mod store_work;
pub mod sync;
mod sync_steps;
pub mod trace;
mod trace_stream;
mod transfer_push;
pub mod transport;
mod uidset;

pub use account::{FolderChoice, SyncUpdate, sync_account};
pub use connect::{Connected, ServerCaps, connect};
pub use error::ImapError;
pub use folders::{FolderList, MAX_FOLDERS, RemoteFolder, list_folders, list_folders_capped};
pub use options::{ConnectOptions, Credentials};
pub use session::ImapSession;
pub use trace::{TraceDir, TraceLine, TraceSink};

/// Empties async-imap's channel of unsolicited responses. It holds 100 and
/// drops what does not fit, so it is drained after every command; the sync
/// itself learns of changes by asking (SEARCH, CHANGEDSINCE), not from it.
pub fn drain_unsolicited(session: &mut ImapSession) -> usize {
    let mut drained = 0;
    while session.unsolicited_responses.try_recv().is_ok() {
        drained += 1;
    }
    drained
}
