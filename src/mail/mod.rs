//! Mail: writing messages and getting them out over SMTP, syncing over
//! IMAP, downloading over POP3. Engines here never touch the terminal.
//!
//! - `compose/`: a message being written (the form's draft, replies and
//!   forwards, `mailto:`), its background engine and `wirepost send`.
//! - `outbox/`: a formatted message on its way out: queued in the local
//!   Outbox, submitted, filed in Sent; marks of unknown delivery.
//! - `imap/`, `pop3/`, `smtp/`: the protocols.
//! - `address.rs`, `folders.rs`: address lists and the local special
//!   folders, shared by the above.
//!
//! Imports point one way: `compose → outbox → {smtp, imap} → …`.

pub mod address;
pub mod compose;
pub mod contacts;
pub mod folders;
pub mod imap;
pub mod outbox;
pub mod pop3;
pub mod smtp;
