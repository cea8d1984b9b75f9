//! Messages stored after a given one: what `wirepost watch` reports as
//! new mail. Row ids grow as messages are stored, so "after" is "arrived
//! since" — except that the id of the newest message is given again once
//! that message is deleted, which the watch allows for by never keeping a
//! mark above [`Store::last_message_id`].

use super::{Flags, MessageId, Store, StoreError};

/// A newly stored message, as a notification names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    pub id: MessageId,
    pub account: String,
    pub folder: String,
    pub from: String,
    pub subject: String,
    /// Unix seconds (the Date header, else when it arrived).
    pub date: i64,
    pub message_id: Option<String>,
    pub flags: Flags,
}

impl Store {
    /// The id of the newest message in the store (0 when it is empty).
    pub fn last_message_id(&self) -> Result<MessageId, StoreError> {
        let conn = self.reader();
        Ok(
            conn.query_row("SELECT coalesce(max(id), 0) FROM messages", [], |r| {
                r.get(0)
            })?,
        )
    }

    /// `account`'s messages stored after `after`, oldest first, at most
    /// `limit`.
    pub fn arrivals_after(
        &self,
        account: &str,
        after: MessageId,
        limit: usize,
    ) -> Result<Vec<Arrival>, StoreError> {
        let conn = self.reader();
        let mut statement = conn.prepare(
            "SELECT m.id, m.account, f.name, m.from_addr, m.subject, m.date, m.message_id,
                    m.flags
             FROM messages m JOIN folders f ON f.id = m.folder_id
             WHERE m.id > ?1 AND m.account = ?2 ORDER BY m.id LIMIT ?3",
        )?;
        let rows = statement.query_map(rusqlite::params![after, account, limit as i64], |r| {
            Ok(Arrival {
                id: r.get(0)?,
                account: r.get(1)?,
                folder: r.get(2)?,
                from: r.get(3)?,
                subject: r.get(4)?,
                date: r.get(5)?,
                message_id: r.get(6)?,
                flags: Flags::from_bits(r.get(7)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::store::{Flags, NewMessage, ServerIdentity, Store};

    #[test]
    fn arrivals_are_the_messages_stored_since() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.last_message_id().unwrap(), 0);
        let message = |uid: u32, subject: &str| {
            format!("From: A <a@example.com>\r\nSubject: {subject}\r\n\r\nbody {uid}\r\n")
        };
        let store_one = |account: &str, uid: u32, subject: &str| {
            let raw = message(uid, subject);
            store
                .store_message(&NewMessage {
                    account,
                    folder: "INBOX",
                    identity: ServerIdentity::Imap {
                        uidvalidity: 1,
                        uid,
                    },
                    raw: raw.as_bytes(),
                    flags: Flags::default(),
                    internal_date: None,
                })
                .unwrap();
        };
        store_one("a", 1, "before");
        let baseline = store.last_message_id().unwrap();
        store_one("a", 2, "after");
        store_one("b", 3, "other account");
        let new = store.arrivals_after("a", baseline, 10).unwrap();
        assert_eq!(new.len(), 1);
        assert_eq!(
            (new[0].folder.as_str(), new[0].subject.as_str()),
            ("INBOX", "after")
        );
        assert!(new[0].from.contains("a@example.com"));
    }
}
