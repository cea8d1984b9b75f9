//! IMAP: connect and log in (TLS, STARTTLS), list folders, fetch new mail in
//! batches into the local store, keep flags in step both ways, and IDLE.
//! Everything here is a tokio task or plain library code; it reports to the
//! app with `EngineEvent`s and never touches the terminal.

pub mod auth;
pub mod caps;
pub mod connect;
pub mod error;
pub mod folders;
pub mod trace;
mod trace_stream;
pub mod transport;

pub use connect::{ConnectOptions, Connected, ImapSession, ServerCaps, connect};
pub use error::ImapError;
pub use folders::{RemoteFolder, list_folders};
pub use trace::{TraceDir, TraceLine, TraceSink};
