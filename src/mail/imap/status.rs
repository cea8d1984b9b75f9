//! Every folder's counts without selecting it: LIST-STATUS (RFC 5819) in
//! one command where the server offers it, else one STATUS per folder;
//! and the rule that says which folders changed since their last sync.

use super::connect::ServerCaps;
use super::error::ImapError;
use super::folders::RemoteFolder;
use super::raw_stream as raw;
use super::session::ImapSession;
use crate::store::FolderState;
use async_imap::imap_proto::{MailboxDatum, Response, StatusAttribute};
use std::collections::{BTreeSet, HashMap};

/// What STATUS says of a folder; the server leaves out what it has not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FolderStatus {
    pub messages: Option<u32>,
    pub uidnext: Option<u32>,
    pub uidvalidity: Option<u32>,
    pub unseen: Option<u32>,
    pub highestmodseq: Option<u64>,
}

impl FolderStatus {
    pub fn from_attributes(attributes: &[StatusAttribute]) -> FolderStatus {
        let mut status = FolderStatus::default();
        for attribute in attributes {
            match attribute {
                StatusAttribute::Messages(n) => status.messages = Some(*n),
                StatusAttribute::UidNext(n) => status.uidnext = Some(*n),
                StatusAttribute::UidValidity(n) => status.uidvalidity = Some(*n),
                StatusAttribute::Unseen(n) => status.unseen = Some(*n),
                StatusAttribute::HighestModSeq(n) => status.highestmodseq = Some(*n),
                _ => {}
            }
        }
        status
    }
}

/// The STATUS items asked for; HIGHESTMODSEQ only where CONDSTORE is.
pub fn status_items(caps: &ServerCaps) -> &'static str {
    if caps.condstore {
        "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)"
    } else {
        "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN)"
    }
}

/// What one look at every folder found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusPoll {
    /// By the server's spelling of the folder name.
    pub statuses: HashMap<String, FolderStatus>,
    /// Every folder LIST named (LIST-STATUS only), to notice new and
    /// removed folders.
    pub names: Option<BTreeSet<String>>,
    /// Responses about the selected folder came in on the way.
    pub selected_changed: bool,
}

/// STATUS of every selectable folder. The selected one is included: the
/// watch looks after its own commands, whose untagged news async-imap does
/// not keep, so its counts are the only word on what arrived meanwhile.
pub async fn poll(
    session: &mut ImapSession,
    caps: &ServerCaps,
    folders: &[RemoteFolder],
) -> Result<StatusPoll, ImapError> {
    let mut poll = StatusPoll::default();
    let items = status_items(caps);
    if caps.list_status {
        let mut names = BTreeSet::new();
        let command = format!("LIST \"\" \"*\" RETURN (STATUS {items})");
        raw::command(session, &command, &mut |r| {
            take_response(r, &mut poll, Some(&mut names))
        })
        .await?;
        poll.names = Some(names);
    } else {
        for folder in folders.iter().filter(|f| f.selectable) {
            let command = format!("STATUS {} {items}", super::raw::quote(&folder.name)?);
            raw::command(session, &command, &mut |r| {
                take_response(r, &mut poll, None)
            })
            .await?;
        }
    }
    // INBOX may come back in another case than LIST spelled it.
    let inbox = folders.iter().find(|f| same_name(&f.name, "INBOX"));
    if let Some(inbox) = inbox
        && !poll.statuses.contains_key(&inbox.name)
        && let Some(key) = poll
            .statuses
            .keys()
            .find(|k| same_name(k, "INBOX"))
            .cloned()
        && let Some(status) = poll.statuses.remove(&key)
    {
        poll.statuses.insert(inbox.name.clone(), status);
    }
    Ok(poll)
}

fn take_response(
    response: &Response<'_>,
    poll: &mut StatusPoll,
    names: Option<&mut BTreeSet<String>>,
) {
    match response {
        Response::MailboxData(MailboxDatum::Status { mailbox, status }) => {
            poll.statuses
                .insert(mailbox.to_string(), FolderStatus::from_attributes(status));
        }
        Response::MailboxData(MailboxDatum::List(list)) => {
            if let Some(names) = names {
                names.insert(list.name.to_string());
            }
        }
        Response::MailboxData(MailboxDatum::Exists(_) | MailboxDatum::Recent(_))
        | Response::Expunge(_)
        | Response::Vanished { .. }
        | Response::Fetch(..) => poll.selected_changed = true,
        _ => {}
    }
}

/// Folder names compare exactly, except INBOX, which is case-blind.
pub fn same_name(a: &str, b: &str) -> bool {
    a == b || (a.eq_ignore_ascii_case("INBOX") && b.eq_ignore_ascii_case("INBOX"))
}

/// Whether a folder needs a sync: it never had one, or the server's
/// UIDVALIDITY, UIDNEXT, message count or HIGHESTMODSEQ differ from what
/// the last sync recorded, or (servers without CONDSTORE) its unseen count
/// moved since `last` looked.
pub fn needs_sync(
    status: &FolderStatus,
    saved: Option<&FolderState>,
    last: Option<&FolderStatus>,
) -> bool {
    let Some(saved) = saved.filter(|s| s.uidvalidity.is_some()) else {
        return true;
    };
    differ(status.uidvalidity, saved.uidvalidity)
        || differ(status.uidnext, saved.uidnext)
        || differ(status.messages.map(u64::from), saved.message_count)
        || differ(status.highestmodseq, saved.highestmodseq)
        || last.is_some_and(|last| differ(status.unseen, last.unseen))
}

/// Both known and not equal.
fn differ<T: PartialEq>(a: Option<T>, b: Option<T>) -> bool {
    matches!((a, b), (Some(x), Some(y)) if x != y)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Response<'_> {
        Response::parse(line.as_bytes()).unwrap().1
    }

    #[test]
    fn list_status_answers_are_read() {
        let mut poll = StatusPoll::default();
        let mut names = BTreeSet::new();
        for line in [
            "* LIST () \".\" Lists\r\n",
            "* STATUS Lists (MESSAGES 2 UIDNEXT 3 UIDVALIDITY 17 UNSEEN 1 HIGHESTMODSEQ 4)\r\n",
            "* LIST (\\HasNoChildren) \".\" \"Two words\"\r\n",
            "* STATUS \"Two words\" (MESSAGES 0 UIDNEXT 1)\r\n",
        ] {
            take_response(&parse(line), &mut poll, Some(&mut names));
        }
        assert_eq!(
            poll.statuses["Lists"],
            FolderStatus {
                messages: Some(2),
                uidnext: Some(3),
                uidvalidity: Some(17),
                unseen: Some(1),
                highestmodseq: Some(4),
            }
        );
        assert_eq!(poll.statuses["Two words"].uidnext, Some(1));
        assert!(names.contains("Two words") && names.contains("Lists"));
        assert!(!poll.selected_changed);
        take_response(&parse("* 3 EXISTS\r\n"), &mut poll, None);
        assert!(poll.selected_changed);
    }

    #[test]
    fn a_folder_needs_a_sync_when_the_server_moved_on() {
        let saved = FolderState {
            uidvalidity: Some(7),
            uidnext: Some(10),
            highestmodseq: Some(50),
            last_sync: Some(1),
            message_count: Some(9),
        };
        let same = FolderStatus {
            messages: Some(9),
            uidnext: Some(10),
            uidvalidity: Some(7),
            unseen: Some(2),
            highestmodseq: Some(50),
        };
        assert!(!needs_sync(&same, Some(&saved), None));
        assert!(!needs_sync(&same, Some(&saved), Some(&same)));
        assert!(needs_sync(&same, None, None), "never synced");
        for changed in [
            FolderStatus {
                uidnext: Some(11),
                ..same
            },
            FolderStatus {
                messages: Some(8),
                ..same
            },
            FolderStatus {
                highestmodseq: Some(51),
                ..same
            },
            FolderStatus {
                uidvalidity: Some(8),
                ..same
            },
        ] {
            assert!(needs_sync(&changed, Some(&saved), None), "{changed:?}");
        }
        // Without CONDSTORE only the unseen count shows a flag change.
        let plain = FolderStatus {
            highestmodseq: None,
            ..same
        };
        let read = FolderStatus {
            unseen: Some(1),
            ..plain
        };
        assert!(needs_sync(&read, Some(&saved), Some(&plain)));
        assert!(!needs_sync(&read, Some(&saved), None));
    }

    #[test]
    fn inbox_is_case_blind() {
        assert!(same_name("inbox", "INBOX"));
        assert!(!same_name("Lists", "lists"));
    }
}
