//! NOTIFY (RFC 5465): the one command that makes the server report
//! changes in every folder on this connection, and what each untagged
//! response a watch receives means for it. Pure; tested on the lines
//! Dovecot sends.

use super::status::FolderStatus;
use async_imap::imap_proto::{MailboxDatum, Response, Status};

/// New, expunged and re-flagged messages of the selected folder (the
/// watch re-syncs it on any of them, so no FETCH attributes are asked
/// for), and in every other personal folder new and expunged messages,
/// flag changes and folders created, renamed or (un)subscribed. The
/// server reports the selected folder with EXISTS/EXPUNGE/FETCH and the
/// others with STATUS.
pub const NOTIFY_SET: &str = "NOTIFY SET (selected (MessageNew MessageExpunge FlagChange)) \
     (personal (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange))";

/// Turns the notifications off again (before LOGOUT it is not needed).
pub const NOTIFY_NONE: &str = "NOTIFY NONE";

/// What one untagged response says changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Something happened in the selected folder (EXISTS, EXPUNGE, FETCH,
    /// VANISHED).
    Selected,
    /// A folder's new counts (server spelling of its name).
    Status(String, FolderStatus),
    /// A folder was created, renamed or deleted (NOTIFY's LIST).
    FolderList,
    /// The server stopped reporting (NOTIFICATIONOVERFLOW): every folder
    /// must be looked at.
    Overflow,
}

/// The change `response` reports, if any. Keep-alives (`* OK Still
/// here`), RECENT and the like report none.
pub fn classify(response: &Response<'_>) -> Option<Change> {
    match response {
        Response::MailboxData(MailboxDatum::Status { mailbox, status }) => Some(Change::Status(
            mailbox.to_string(),
            FolderStatus::from_attributes(status),
        )),
        Response::MailboxData(MailboxDatum::Exists(_))
        | Response::Expunge(_)
        | Response::Vanished { .. }
        | Response::Fetch(..) => Some(Change::Selected),
        Response::MailboxData(MailboxDatum::List(_)) => Some(Change::FolderList),
        Response::Data {
            status: Status::Ok | Status::No,
            outcome,
        } if outcome
            .information
            .as_deref()
            .is_some_and(|text| text.to_ascii_uppercase().contains("NOTIFICATIONOVERFLOW")) =>
        {
            Some(Change::Overflow)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_line(line: &str) -> Option<Change> {
        let (rest, response) = Response::parse(line.as_bytes()).unwrap();
        assert!(rest.is_empty(), "{line:?} left {rest:?}");
        classify(&response)
    }

    #[test]
    fn dovecot_notifications_are_understood() {
        assert_eq!(
            classify_line("* STATUS Lists (MESSAGES 2 UIDNEXT 3 UNSEEN 1 HIGHESTMODSEQ 4)\r\n"),
            Some(Change::Status(
                "Lists".into(),
                FolderStatus {
                    messages: Some(2),
                    uidnext: Some(3),
                    uidvalidity: None,
                    unseen: Some(1),
                    highestmodseq: Some(4),
                }
            ))
        );
        assert_eq!(classify_line("* 2 EXISTS\r\n"), Some(Change::Selected));
        assert_eq!(
            classify_line("* 2 FETCH (UID 2)\r\n"),
            Some(Change::Selected)
        );
        assert_eq!(classify_line("* 1 EXPUNGE\r\n"), Some(Change::Selected));
        assert_eq!(
            classify_line("* LIST () \".\" Newbox\r\n"),
            Some(Change::FolderList)
        );
        assert_eq!(classify_line("* 1 RECENT\r\n"), None);
        assert_eq!(classify_line("* OK Still here\r\n"), None);
    }

    #[test]
    fn an_overflow_asks_for_a_full_look() {
        assert_eq!(
            classify_line("* OK [NOTIFICATIONOVERFLOW] ...A0005 NOTIFY completed\r\n"),
            Some(Change::Overflow)
        );
    }
}
