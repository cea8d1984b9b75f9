//! Capabilities, and the two commands needed before login that async-imap's
//! unauthenticated client does not offer (CAPABILITY and STARTTLS).

use super::error::{ImapError, clean};
use super::session::ImapClient;
use async_imap::imap_proto::{Capability, Response, Status};
use std::collections::HashSet;
use tokio::io::AsyncWriteExt;

/// Capability names, upper-cased ("IDLE", "AUTH=PLAIN").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CapSet(HashSet<String>);

impl CapSet {
    pub fn has(&self, name: &str) -> bool {
        self.0.contains(&name.to_ascii_uppercase())
    }

    fn insert(&mut self, cap: &Capability<'_>) {
        let name = match cap {
            Capability::Imap4rev1 => "IMAP4REV1".to_string(),
            Capability::Auth(m) => format!("AUTH={}", m.to_ascii_uppercase()),
            Capability::Atom(a) => a.to_ascii_uppercase(),
        };
        self.0.insert(name);
    }

    /// From a logged-in session's CAPABILITY answer.
    pub fn from_session(caps: &async_imap::types::Capabilities) -> CapSet {
        use async_imap::types::Capability as C;
        CapSet(
            caps.iter()
                .map(|c| match c {
                    C::Imap4rev1 => "IMAP4REV1".to_string(),
                    C::Auth(m) => format!("AUTH={}", m.to_ascii_uppercase()),
                    C::Atom(a) => a.to_ascii_uppercase(),
                })
                .collect(),
        )
    }
}

/// Sends `command` with our own tag and reads up to its tagged reply,
/// collecting any CAPABILITY data on the way. The tags differ from
/// async-imap's ("A1", "A2", ...) so the two can never be confused.
pub async fn raw_command(
    client: &mut ImapClient,
    tag: &str,
    command: &str,
) -> Result<CapSet, ImapError> {
    let line = format!("{tag} {command}\r\n");
    let stream = client.get_mut();
    stream
        .write_all(line.as_bytes())
        .await
        .and(stream.flush().await)
        .map_err(|e| ImapError::Connection(e.to_string()))?;
    let mut caps = CapSet::default();
    loop {
        let response = client
            .read_response()
            .await
            .map_err(|e| ImapError::Connection(e.to_string()))?
            .ok_or_else(|| ImapError::Connection("the server closed the connection".into()))?;
        match response.parsed() {
            Response::Capabilities(list) => list.iter().for_each(|c| caps.insert(c)),
            Response::Done {
                tag: t,
                status,
                outcome,
            } if t.0 == tag => {
                return match status {
                    Status::Ok => Ok(caps),
                    _ => Err(ImapError::Server(clean(
                        outcome.information.as_deref().unwrap_or("command refused"),
                    ))),
                };
            }
            _ => {}
        }
    }
}
