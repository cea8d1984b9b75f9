//! IMAP failures, sorted by what the user can do about them. `Display` is a
//! one-line summary fit for the status line.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImapError {
    /// DNS, refused, timed out: the host could not be reached.
    #[error("cannot reach {0}")]
    Unreachable(String),
    /// The TLS handshake failed (untrusted or wrong certificate, protocol).
    #[error("TLS failed: {0}")]
    Tls(String),
    /// `security = "starttls"` but the server did not offer or complete it;
    /// nothing was sent in the clear.
    #[error("{0} (refusing to log in without encryption)")]
    Starttls(String),
    /// The server rejected the credentials.
    #[error("login failed: {0}")]
    Auth(String),
    /// The password or token could not be obtained.
    #[error("{0}")]
    Credentials(String),
    /// The configuration cannot work (bad CA file, bad host name).
    #[error("{0}")]
    Config(String),
    /// The connection broke or the server said something unexpected.
    #[error("connection lost: {0}")]
    Connection(String),
    /// The server refused a command.
    #[error("server said: {0}")]
    Server(String),
    /// The local store failed.
    #[error("local store: {0}")]
    Store(String),
}

impl ImapError {
    /// Whether trying again later can help (a reconnect with backoff), as
    /// opposed to an error the user must fix first.
    pub fn is_transient(&self) -> bool {
        matches!(self, ImapError::Unreachable(_) | ImapError::Connection(_))
    }

    /// Classifies an error from async-imap during a session.
    pub fn from_imap(e: async_imap::error::Error) -> ImapError {
        use async_imap::error::Error;
        match e {
            Error::No(text) | Error::Bad(text) => ImapError::Server(server_text(&text)),
            Error::Io(io) => ImapError::Connection(io.to_string()),
            Error::ConnectionLost => {
                ImapError::Connection("the server closed the connection".into())
            }
            other => ImapError::Connection(clean(&other.to_string())),
        }
    }
}

/// async-imap renders a NO/BAD as `code: Some(..), info: Some("text")`;
/// the server's own words are the useful part.
pub fn server_text(rendered: &str) -> String {
    let info = rendered
        .split_once("info: Some(\"")
        .and_then(|(_, rest)| rest.rsplit_once("\")"))
        .map(|(text, _)| text.replace("\\\"", "\""));
    clean(info.as_deref().unwrap_or(rendered))
}

/// Server text is shown on screen: keep it one short, safe line.
pub fn clean(text: &str) -> String {
    let line = crate::sanitize::clean_line(text.trim());
    match line.char_indices().nth(200) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None => line,
    }
}
