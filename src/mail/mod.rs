//! Mail: composing and sending over SMTP, syncing over IMAP, downloading
//! over POP3, and the local folders that keep what is being sent. Engines
//! here never touch the terminal.

pub mod address;
pub mod compose_engine;
pub mod draft;
pub mod folders;
pub mod headless;
pub mod imap;
pub mod imap_append;
pub mod mailto;
pub mod outbox_marks;
mod outbox_queue;
pub mod path_complete;
pub mod pop3;
pub mod reply;
pub mod send;
pub mod sent_check;
pub mod smtp;
