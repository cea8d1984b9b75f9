//! POP3 commands as typed values: what goes on the wire, and what the trace
//! may show (credentials masked).

use crate::config::Secret;
use std::fmt;

/// One POP3 command (RFC 1939, 2449, 2595, 5034).
#[derive(Clone, PartialEq, Eq)]
pub enum Command {
    Capa,
    Stls,
    User(String),
    Pass(Secret),
    /// `AUTH PLAIN <initial response>`; the response is base64 of
    /// `\0user\0password`, so it is a secret as a whole.
    AuthPlain(Secret),
    /// `APOP user digest`.
    Apop {
        user: String,
        digest: String,
    },
    Stat,
    List(Option<u32>),
    Uidl(Option<u32>),
    Retr(u32),
    Top {
        msg: u32,
        lines: u32,
    },
    Dele(u32),
    Rset,
    Noop,
    Quit,
}

impl Command {
    /// The line sent to the server, CRLF included.
    pub fn to_wire(&self) -> Vec<u8> {
        let line = match self {
            Command::Pass(secret) => format!("PASS {}", secret.expose()),
            Command::AuthPlain(secret) => format!("AUTH PLAIN {}", secret.expose()),
            Command::Apop { user, digest } => format!("APOP {user} {digest}"),
            other => other.shown(),
        };
        let mut bytes = line.into_bytes();
        bytes.extend_from_slice(b"\r\n");
        bytes
    }

    /// The line as the trace and the log show it: secrets masked.
    pub fn shown(&self) -> String {
        match self {
            Command::Capa => "CAPA".into(),
            Command::Stls => "STLS".into(),
            Command::User(user) => format!("USER {user}"),
            Command::Pass(_) => "PASS ********".into(),
            Command::AuthPlain(_) => "AUTH PLAIN ********".into(),
            Command::Apop { user, .. } => format!("APOP {user} ********"),
            Command::Stat => "STAT".into(),
            Command::List(None) => "LIST".into(),
            Command::List(Some(n)) => format!("LIST {n}"),
            Command::Uidl(None) => "UIDL".into(),
            Command::Uidl(Some(n)) => format!("UIDL {n}"),
            Command::Retr(n) => format!("RETR {n}"),
            Command::Top { msg, lines } => format!("TOP {msg} {lines}"),
            Command::Dele(n) => format!("DELE {n}"),
            Command::Rset => "RSET".into(),
            Command::Noop => "NOOP".into(),
            Command::Quit => "QUIT".into(),
        }
    }

    /// Whether a successful reply is multi-line.
    pub fn multiline_reply(&self) -> bool {
        matches!(
            self,
            Command::Capa
                | Command::List(None)
                | Command::Uidl(None)
                | Command::Retr(_)
                | Command::Top { .. }
        )
    }
}

/// Debug shows the masked form, so a command in a log line cannot leak.
impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown())
    }
}

/// The base64 `AUTH PLAIN` initial response for `user` and `password`
/// (RFC 4616: authorization identity empty).
pub fn plain_response(user: &str, password: &Secret) -> Secret {
    use base64::Engine as _;
    let mut raw = Vec::with_capacity(user.len() + password.expose().len() + 2);
    raw.push(0);
    raw.extend_from_slice(user.as_bytes());
    raw.push(0);
    raw.extend_from_slice(password.expose().as_bytes());
    Secret::new(base64::engine::general_purpose::STANDARD.encode(raw))
}

/// The APOP digest: lower-case hex MD5 of timestamp followed by password.
pub fn apop_digest(timestamp: &str, password: &Secret) -> String {
    let mut input = timestamp.as_bytes().to_vec();
    input.extend_from_slice(password.expose().as_bytes());
    super::md5::hex(&input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_and_shown_forms() {
        assert_eq!(Command::Retr(7).to_wire(), b"RETR 7\r\n");
        assert_eq!(Command::Top { msg: 3, lines: 0 }.to_wire(), b"TOP 3 0\r\n");
        assert_eq!(Command::List(None).to_wire(), b"LIST\r\n");
        assert_eq!(Command::Uidl(Some(2)).to_wire(), b"UIDL 2\r\n");
        let pass = Command::Pass(Secret::new("hunter2".into()));
        assert_eq!(pass.to_wire(), b"PASS hunter2\r\n");
        assert!(!pass.shown().contains("hunter2"));
        assert!(!format!("{pass:?}").contains("hunter2"));
    }

    #[test]
    fn auth_plain_is_masked_and_correct() {
        let response = plain_response("tim", &Secret::new("tanstaaftanstaaf".into()));
        assert_eq!(response.expose(), "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
        let cmd = Command::AuthPlain(response);
        assert_eq!(
            cmd.to_wire(),
            b"AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n"
        );
        assert_eq!(cmd.shown(), "AUTH PLAIN ********");
    }

    #[test]
    fn apop_digest_matches_rfc_1939() {
        let digest = apop_digest(
            "<1896.697170952@dbc.mtview.ca.us>",
            &Secret::new("tanstaaf".into()),
        );
        assert_eq!(digest, "c4c9334bac560ecc979e58001b3e22fb");
        let cmd = Command::Apop {
            user: "mrose".into(),
            digest,
        };
        assert_eq!(cmd.shown(), "APOP mrose ********");
    }
}
