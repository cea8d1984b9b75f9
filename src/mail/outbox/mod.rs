//! A formatted message on its way out, shared by the interface and the
//! headless `wirepost send`: saved to the local Outbox first, submitted
//! over SMTP, then filed in Sent (locally, and on the IMAP server when the
//! account has one). A break after the whole message went out marks it
//! "delivery unknown" (`marks.rs`) until the user decides.
//!
//! `queue` (the whole Outbox) drives `send` (one message, over the
//! `connection` the whole Outbox shares), which drives
//! `sent_check` and `file_sent`; all of them share `types` and `blocking`
//! and none imports the one that drives it.

pub mod blocking;
mod connection;
mod file_sent;
pub mod marks;
pub mod queue;
pub mod send;
pub mod sent_check;
mod types;
