//! The types an IMAP connection is made of, from the byte stream up to the
//! logged-in session. They sit below `connect`, `caps` and `auth` so that
//! each of those can name them without importing the others.

use super::trace_stream::TraceStream;
use super::transport::Transport;

/// The traced byte stream under every IMAP client and session.
pub type ImapStream = TraceStream<Transport>;
/// A connection before login (greeting, CAPABILITY, STARTTLS).
pub type ImapClient = async_imap::Client<ImapStream>;
/// A logged-in connection.
pub type ImapSession = async_imap::Session<ImapStream>;
