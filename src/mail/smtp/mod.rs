//! Submitting a message over SMTP with lettre's connection, on a socket
//! wirepost owns: TCP_NODELAY set (lettre's own sockets wait ~40 ms per
//! message on delayed ACKs), TLS verified with wirepost's rustls config,
//! STARTTLS required when configured, and a redacted live trace.
//!
//! `session` keeps one connection for many messages, pipelined (and
//! `session::submit` sends one message start to end) with the steps in
//! `submit`, over `stream` (which `trace` watches);
//! `settings` says where to and as whom, `outcome` how it ended, and
//! `envelope` derives the envelope from the message.

mod envelope;
mod outcome;
mod session;
mod settings;
mod stream;
mod submit;
pub mod trace;

pub use envelope::{envelope_of, without_bcc};
pub use outcome::{Delivery, Refusal, SendFailure, describe};
pub use session::{SmtpSession, submit, submit_with};
pub use settings::{Login, SmtpSettings};
pub use stream::SmtpStream;
pub use submit::{BeforeData, SMTP_STEP_TIMEOUT_SECS};
pub use trace::{Direction, TraceLine, TraceRecorder, TraceSink};

#[cfg(test)]
mod tests;
