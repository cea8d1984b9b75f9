//! What can go wrong talking POP3, in words a user can act on.

use super::reply::ParseError;

#[derive(Debug, thiserror::Error)]
pub enum Pop3Error {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("connection closed by the server")]
    Closed,
    #[error("server timed out")]
    Timeout,
    #[error("server replied: {}", clean(text))]
    Server { code: Option<String>, text: String },
    #[error("protocol error: {}", clean(.0))]
    Protocol(String),
    #[error("TLS: {0}")]
    Tls(String),
    /// Wrong user name or password (or the server refused the login).
    #[error("login failed: {}", clean(.0))]
    Auth(String),
    /// The connection would not be protected as the account demands;
    /// nothing secret was sent.
    #[error("{0}")]
    Insecure(String),
    #[error("{0}")]
    Config(String),
}

impl From<ParseError> for Pop3Error {
    fn from(e: ParseError) -> Pop3Error {
        Pop3Error::Protocol(e.to_string())
    }
}

impl Pop3Error {
    /// Whether trying again later may help (network trouble, a busy
    /// mailbox), as opposed to a setting that must change first.
    pub fn is_transient(&self) -> bool {
        match self {
            Pop3Error::Io(_) | Pop3Error::Closed | Pop3Error::Timeout => true,
            Pop3Error::Server { code, .. } => code
                .as_deref()
                .is_some_and(|c| c.starts_with("SYS/TEMP") || c == "IN-USE" || c == "LOGIN-DELAY"),
            _ => false,
        }
    }
}

/// Server text ends up on the status line and in the log: keep it one line.
fn clean(text: &str) -> String {
    crate::sanitize::clean_line(text)
}
