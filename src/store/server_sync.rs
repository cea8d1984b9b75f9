//! What the sync engines must carry to the server: messages moved to
//! another folder locally (e.g. deleted to Trash) and messages deleted for
//! good. Both keep their server identity until the engine has acted.

use super::folder_rows::{folder_id, folder_row};
use super::{MessageId, ServerIdentity, Store, StoreError};
use rusqlite::params;

/// A message whose local folder is not the server folder its identity
/// belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalMove {
    pub id: MessageId,
    /// The server folder its identity belongs to.
    pub from_folder: String,
    /// Where it is now.
    pub to_folder: String,
    pub identity: ServerIdentity,
}

/// A server message deleted locally for good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedIdentity {
    /// Pass to [`Store::forget_removed`] once the server copy is gone.
    pub tombstone: i64,
    /// The server folder (IMAP); empty for POP3.
    pub folder: String,
    pub identity: ServerIdentity,
}

impl Store {
    /// IMAP messages of `account` moved between folders locally and not
    /// yet on the server.
    pub fn local_moves(&self, account: &str) -> Result<Vec<LocalMove>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT m.id, src.name, dst.name, m.uidvalidity, m.uid FROM messages m
             JOIN folders src ON src.id = m.id_folder JOIN folders dst ON dst.id = m.folder_id
             WHERE m.account = ?1 AND m.id_kind = 1 AND m.id_folder != m.folder_id",
        )?;
        let rows = stmt.query_map([account], |r| {
            Ok(LocalMove {
                id: r.get(0)?,
                from_folder: r.get(1)?,
                to_folder: r.get(2)?,
                identity: ServerIdentity::Imap {
                    uidvalidity: r.get(3)?,
                    uid: r.get(4)?,
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records the message's new server identity (after the engine moved
    /// it on the server), which now belongs to `folder`.
    pub fn set_identity(
        &self,
        id: MessageId,
        folder: &str,
        identity: &ServerIdentity,
    ) -> Result<(), StoreError> {
        let conn = self.conn();
        let (account,): (String,) = conn
            .query_row("SELECT account FROM messages WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?,))
            })
            .map_err(|_| StoreError::NotFound)?;
        let folder = folder_row(&conn, self.root(), &account, folder, None)?;
        let (kind, uidvalidity, uid, uidl) = match identity {
            ServerIdentity::Local => (0, None, None, None),
            ServerIdentity::Imap { uidvalidity, uid } => (1, Some(*uidvalidity), Some(*uid), None),
            ServerIdentity::Pop3 { uidl } => (2, None, None, Some(uidl.as_str())),
        };
        conn.execute(
            "UPDATE messages SET id_kind = ?1, id_folder = ?2, uidvalidity = ?3, uid = ?4,
             uidl = ?5 WHERE id = ?6",
            params![
                kind,
                (kind != 0).then_some(folder.id),
                uidvalidity,
                uid,
                uidl,
                id
            ],
        )?;
        Ok(())
    }

    /// Server messages of `account` deleted locally for good, for the
    /// engine to delete on the server.
    pub fn removed_identities(&self, account: &str) -> Result<Vec<RemovedIdentity>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT t.id, coalesce(f.name, ''), t.id_kind, t.uidvalidity, t.uid, t.uidl
             FROM tombstones t LEFT JOIN folders f ON f.id = t.id_folder
             WHERE t.account = ?1 ORDER BY t.id",
        )?;
        let rows = stmt.query_map([account], |r| {
            let identity = match r.get::<_, i64>(2)? {
                1 => ServerIdentity::Imap {
                    uidvalidity: r.get(3)?,
                    uid: r.get(4)?,
                },
                _ => ServerIdentity::Pop3 { uidl: r.get(5)? },
            };
            Ok(RemovedIdentity {
                tombstone: r.get(0)?,
                folder: r.get(1)?,
                identity,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Forgets a deletion once the server no longer has the message.
    pub fn forget_removed(&self, tombstone: i64) -> Result<(), StoreError> {
        self.conn()
            .execute("DELETE FROM tombstones WHERE id = ?1", [tombstone])?;
        Ok(())
    }

    /// Whether `folder` of `account` exists in the index.
    pub fn has_folder(&self, account: &str, folder: &str) -> Result<bool, StoreError> {
        Ok(folder_id(&self.conn(), account, folder)?.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Flags, NewMessage};

    #[test]
    fn moves_and_deletions_wait_for_the_server() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let imap = ServerIdentity::Imap {
            uidvalidity: 5,
            uid: 10,
        };
        let msg = |identity: ServerIdentity| NewMessage {
            account: "a",
            folder: "INBOX",
            identity,
            raw: b"Subject: x\r\n\r\ny",
            flags: Flags::default(),
            internal_date: None,
        };
        let id = store.store_message(&msg(imap.clone())).unwrap().id();
        let pop = ServerIdentity::Pop3 { uidl: "u1".into() };
        let pop_id = store.store_message(&msg(pop.clone())).unwrap().id();
        store.move_message(id, "Trash").unwrap();
        let moves = store.local_moves("a").unwrap();
        assert_eq!(
            moves,
            vec![LocalMove {
                id,
                from_folder: "INBOX".into(),
                to_folder: "Trash".into(),
                identity: imap.clone()
            }]
        );
        // Deleted for good: not fetched again, reported for the server.
        store.remove_message(id).unwrap();
        store.remove_message(pop_id).unwrap();
        assert!(store.known_uids("a", "INBOX", 5).unwrap().contains(&10));
        assert!(store.known_uidls("a").unwrap().contains("u1"));
        let removed = store.removed_identities("a").unwrap();
        assert_eq!(removed.len(), 2);
        assert_eq!(
            (removed[0].folder.as_str(), &removed[0].identity),
            ("INBOX", &imap)
        );
        for r in removed {
            store.forget_removed(r.tombstone).unwrap();
        }
        assert!(store.known_uids("a", "INBOX", 5).unwrap().is_empty());
        assert!(store.local_moves("a").unwrap().is_empty());
    }

    #[test]
    fn set_identity_rehomes_a_moved_message() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let id = store
            .store_message(&NewMessage {
                account: "a",
                folder: "INBOX",
                identity: ServerIdentity::Imap {
                    uidvalidity: 1,
                    uid: 3,
                },
                raw: b"Subject: x\r\n\r\ny",
                flags: Flags::default(),
                internal_date: None,
            })
            .unwrap()
            .id();
        store.move_message(id, "Trash").unwrap();
        let moved = ServerIdentity::Imap {
            uidvalidity: 9,
            uid: 77,
        };
        store.set_identity(id, "Trash", &moved).unwrap();
        assert!(store.local_moves("a").unwrap().is_empty());
        assert_eq!(
            store.message_by_identity("a", "Trash", &moved).unwrap(),
            Some(id)
        );
        assert!(store.has_folder("a", "Trash").unwrap());
    }
}
