//! POP3: a small client written for wirepost (no crate fits: see
//! docs/ARCHITECTURE.md) and the engine that downloads an account's mail
//! into the local store.
//!
//! - `reply`: pure parsers for status lines, listings and dot-unstuffing.
//! - `command`: typed commands with their wire and masked forms.
//! - `client`: the protocol over any `AsyncRead + AsyncWrite`.
//! - `connect`: TCP, implicit TLS or STLS, and the login.
//! - `trace`: the conversation as the trace pane shows it.
//! - `plan`, `sync`: what to download and delete, and doing it safely;
//!   `sync` drives `fetch` (a batch's download) and `commit` (storing it,
//!   then its DELEs), which share `report` and never import `sync`.

mod account;
pub mod client;
pub mod command;
mod commit;
pub mod connect;
pub mod engine;
pub mod error;
mod fetch;
mod first_stored;
mod md5;
pub mod plan;
pub mod reply;
mod report;
pub mod sync;
pub mod trace;

pub use account::{server_spec, sync_account};
pub use client::Client;
pub use command::Command;
pub use connect::{AuthMethod, Opened, ServerSpec, Session, open, open_over};
pub use error::Pop3Error;
pub use trace::{Trace, TraceDir, TraceLine};
