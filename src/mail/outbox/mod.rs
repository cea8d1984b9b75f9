//! A formatted message on its way out, shared by the interface and the
//! headless `wirepost send`: saved to the local Outbox first, submitted
//! over SMTP, then filed in Sent (locally, and on the IMAP server when the
//! account has one). A break after the whole message went out marks it
//! "delivery unknown" (`marks.rs`) until the user decides.

pub mod marks;
mod queue;
pub mod send;
pub mod sent_check;
