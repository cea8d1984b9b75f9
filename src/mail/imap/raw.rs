//! Commands whose answers async-imap drops or cannot send: UID MOVE/COPY
//! with their COPYUID, APPEND with its APPENDUID, STORE with UNCHANGEDSINCE
//! and its MODIFIED, SELECT with QRESYNC and its VANISHED. They go out on
//! the logged-in session with tags of our own ("wp1", "wp2", ...; never
//! async-imap's), and every response up to the tagged one is kept for the
//! caller to read. The writes pass through the trace like any other.

use super::error::{ImapError, clean};
use super::session::ImapSession;
use crate::store::{FlagState, ServerFlags};
use async_imap::imap_proto::rfc4315::UidSetMember;
use async_imap::imap_proto::{
    AttributeValue, MailboxDatum, Outcome, Response, ResponseCode, Status,
};
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::AsyncWriteExt;

/// How the server answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Answer {
    Ok,
    /// NO or BAD.
    #[default]
    Refused,
    /// The go-ahead for a literal.
    GoAhead,
}

/// What the server said while answering one command, read as it came.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    pub status: Answer,
    /// The tagged answer's text; a code imap-proto does not know (such as
    /// MODIFIED) stays in it.
    pub text: String,
    /// FETCH responses with UID and FLAGS.
    pub fetched: Vec<ServerFlags>,
    /// UIDs reported VANISHED (QRESYNC).
    pub vanished: Vec<u32>,
    /// What a (UID) SEARCH found.
    pub searched: Vec<u32>,
    /// COPYUID: the target's UIDVALIDITY and (source, new) UID pairs.
    pub copy_uids: Option<(u32, Vec<(u32, u32)>)>,
    /// APPENDUID: the folder's UIDVALIDITY and the new UID.
    pub append_uid: Option<(u32, u32)>,
    /// The folder does not exist (TRYCREATE).
    pub try_create: bool,
    /// What a SELECT reported.
    pub mailbox: MailboxFacts,
}

/// The untagged data of a SELECT.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailboxFacts {
    pub exists: Option<u32>,
    pub uidvalidity: Option<u32>,
    pub uidnext: Option<u32>,
    pub highest_modseq: Option<u64>,
    /// PERMANENTFLAGS, when given.
    pub permanent_flags: Option<Vec<String>>,
}

impl MailboxFacts {
    /// Whether keywords can be stored: PERMANENTFLAGS has `\*` (or is
    /// not given, which RFC 3501 says means every flag is permanent).
    pub fn keywords_allowed(&self) -> bool {
        self.permanent_flags
            .as_ref()
            .is_none_or(|flags| flags.iter().any(|f| f == "\\*"))
    }

    /// Whether `keyword` can be stored here.
    pub fn keeps(&self, keyword: &str) -> bool {
        self.keywords_allowed()
            || self
                .permanent_flags
                .as_ref()
                .is_some_and(|flags| flags.iter().any(|f| f.eq_ignore_ascii_case(keyword)))
    }
}

impl Reply {
    pub fn is_ok(&self) -> bool {
        self.status == Answer::Ok
    }

    /// A NO or BAD as an error, with the server's words.
    pub fn check(self) -> Result<Reply, ImapError> {
        if self.is_ok() {
            Ok(self)
        } else {
            Err(ImapError::Server(clean(&self.text)))
        }
    }

    /// The UIDs a conditional STORE left alone because they changed on
    /// the server since the MODSEQ given ("[MODIFIED 7,9:11]").
    pub fn modified(&self) -> Vec<u32> {
        let upper = self.text.to_ascii_uppercase();
        let Some(at) = upper.find("[MODIFIED ") else {
            return Vec::new();
        };
        let tail = &self.text[at + "[MODIFIED ".len()..];
        parse_set(tail.split(']').next().unwrap_or(""))
    }

    /// Takes in one untagged response.
    fn absorb(&mut self, response: &Response<'_>) {
        match response {
            Response::Fetch(_, attrs) => self.fetched.extend(fetched_flags(attrs)),
            Response::Vanished { uids, .. } => {
                self.vanished.extend(uids.iter().flat_map(|r| r.clone()));
            }
            Response::Data { outcome, .. } => self.absorb_code(outcome),
            Response::MailboxData(MailboxDatum::Exists(n)) => self.mailbox.exists = Some(*n),
            Response::MailboxData(MailboxDatum::Search(uids)) => self.searched.extend(uids),
            _ => {}
        }
    }

    fn absorb_code(&mut self, outcome: &Outcome<'_>) {
        let facts = &mut self.mailbox;
        match &outcome.code {
            Some(ResponseCode::CopyUid(validity, from, to)) => {
                let pairs = expand(from).into_iter().zip(expand(to)).collect();
                self.copy_uids = Some((*validity, pairs));
            }
            Some(ResponseCode::AppendUid(validity, uids)) => {
                self.append_uid = expand(uids).first().map(|uid| (*validity, *uid));
            }
            Some(ResponseCode::TryCreate) => self.try_create = true,
            Some(ResponseCode::UidValidity(v)) => facts.uidvalidity = Some(*v),
            Some(ResponseCode::UidNext(v)) => facts.uidnext = Some(*v),
            Some(ResponseCode::HighestModSeq(v)) => facts.highest_modseq = Some(*v),
            Some(ResponseCode::PermanentFlags(flags)) => {
                facts.permanent_flags = Some(flags.iter().map(|f| f.to_string()).collect());
            }
            _ => {}
        }
    }
}

/// The UID, flags and MODSEQ of one FETCH response, if it has UID and FLAGS.
fn fetched_flags(attrs: &[AttributeValue<'_>]) -> Option<ServerFlags> {
    let (mut uid, mut flags, mut modseq) = (None, None, None);
    for attr in attrs {
        match attr {
            AttributeValue::Uid(u) => uid = Some(*u),
            AttributeValue::Flags(f) => flags = Some(FlagState::from_imap(f)),
            AttributeValue::ModSeq(m) => modseq = Some(*m),
            _ => {}
        }
    }
    Some(ServerFlags {
        uid: uid?,
        state: flags?,
        modseq,
    })
}

fn expand(set: &[UidSetMember]) -> Vec<u32> {
    set.iter()
        .flat_map(|m| match m {
            UidSetMember::Uid(u) => *u..=*u,
            UidSetMember::UidRange(r) => r.clone(),
        })
        .collect()
}

/// A sequence set such as "7,9:11" (no `*`).
fn parse_set(text: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let (a, b) = part.split_once(':').unwrap_or((part, part));
        if let (Ok(a), Ok(b)) = (a.trim().parse::<u32>(), b.trim().parse::<u32>()) {
            out.extend(a.min(b)..=a.max(b));
        }
    }
    out
}

/// A tag of our own for the next raw command.
fn next_tag() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("wp{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A mailbox name as an IMAP quoted string; names with line breaks
/// cannot be sent.
pub fn quote(name: &str) -> Result<String, ImapError> {
    if name.contains(['\r', '\n', '\0']) {
        return Err(ImapError::Server(format!(
            "cannot name the folder {:?} in a command",
            clean(name)
        )));
    }
    Ok(format!(
        "\"{}\"",
        name.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// Sends `command` and reads up to its tagged answer.
pub async fn command(session: &mut ImapSession, command: &str) -> Result<Reply, ImapError> {
    let tag = next_tag();
    write(session, format!("{tag} {command}\r\n").as_bytes()).await?;
    read_reply(session, &tag, false).await
}

/// Sends `head` ending in a literal of `literal`'s length, waits for the
/// go-ahead, sends the literal and reads up to the tagged answer. A NO
/// before the go-ahead (a folder that does not exist) is the answer.
pub async fn command_with_literal(
    session: &mut ImapSession,
    head: &str,
    literal: &[u8],
) -> Result<Reply, ImapError> {
    let tag = next_tag();
    let line = format!("{tag} {head} {{{}}}\r\n", literal.len());
    write(session, line.as_bytes()).await?;
    let early = read_reply(session, &tag, true).await?;
    if early.status != Answer::GoAhead {
        return Ok(early);
    }
    let mut body = Vec::with_capacity(literal.len() + 2);
    body.extend_from_slice(literal);
    body.extend_from_slice(b"\r\n");
    write(session, &body).await?;
    read_reply(session, &tag, false).await
}

async fn write(session: &mut ImapSession, bytes: &[u8]) -> Result<(), ImapError> {
    let stream = session.get_mut();
    stream
        .write_all(bytes)
        .await
        .and(stream.flush().await)
        .map_err(|e| ImapError::Connection(e.to_string()))
}

/// Reads responses until `tag`'s answer (or, with `until_continue`, a
/// go-ahead, reported as [`Answer::GoAhead`]).
async fn read_reply(
    session: &mut ImapSession,
    tag: &str,
    until_continue: bool,
) -> Result<Reply, ImapError> {
    let mut reply = Reply::default();
    loop {
        let response = session
            .read_response()
            .await
            .map_err(|e| ImapError::Connection(e.to_string()))?
            .ok_or_else(|| ImapError::Connection("the server closed the connection".into()))?;
        match response.parsed() {
            Response::Continue(_) if until_continue => {
                reply.status = Answer::GoAhead;
                return Ok(reply);
            }
            Response::Done {
                tag: t,
                status,
                outcome,
            } if t.0 == tag => {
                reply.status = if *status == Status::Ok {
                    Answer::Ok
                } else {
                    Answer::Refused
                };
                reply.text = outcome.information.as_deref().unwrap_or("").to_string();
                reply.absorb_code(outcome);
                return Ok(reply);
            }
            Response::Data {
                status: Status::Bye,
                outcome,
            } => {
                return Err(ImapError::Connection(clean(
                    outcome
                        .information
                        .as_deref()
                        .unwrap_or("the server said BYE"),
                )));
            }
            other => reply.absorb(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_and_quotes() {
        assert_eq!(parse_set("7,9:11"), vec![7, 9, 10, 11]);
        assert_eq!(parse_set("3"), vec![3]);
        assert_eq!(quote("a\"b\\c").unwrap(), "\"a\\\"b\\\\c\"");
        assert!(quote("x\r\ny").is_err());
    }
}
