//! Small listings the composer needs: the messages of one local folder
//! (Outbox, Drafts) and the addresses seen in mail, for completion.

use super::{MessageId, Store, StoreError};

/// One message of a folder as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderEntry {
    pub id: MessageId,
    pub date: i64,
    pub to: String,
    pub subject: String,
    pub size: u64,
}

/// Messages scanned for addresses to complete, at most (newest first).
const ADDRESS_SCAN_LIMIT: i64 = 5000;

impl Store {
    /// The messages of `account`/`folder`, newest first; empty when the
    /// folder does not exist yet.
    pub fn folder_messages(
        &self,
        account: &str,
        folder: &str,
    ) -> Result<Vec<FolderEntry>, StoreError> {
        let conn = self.conn();
        let mut statement = conn.prepare(
            "SELECT m.id, m.date, m.to_addr, m.subject, m.size FROM messages m
             JOIN folders f ON f.id = m.folder_id
             WHERE f.account = ?1 AND f.name = ?2 ORDER BY m.date DESC, m.id DESC",
        )?;
        let rows = statement.query_map([account, folder], |row| {
            Ok(FolderEntry {
                id: row.get(0)?,
                date: row.get(1)?,
                to: row.get(2)?,
                subject: row.get(3)?,
                size: row.get::<_, i64>(4)? as u64,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Distinct "Name <address>" entries from the From/To/Cc of recent
    /// mail, most recent first.
    pub fn known_addresses(&self) -> Result<Vec<String>, StoreError> {
        let conn = self.conn();
        let mut statement = conn.prepare(
            "SELECT from_addr, to_addr, cc_addr FROM messages ORDER BY date DESC LIMIT ?1",
        )?;
        let rows = statement.query_map([ADDRESS_SCAN_LIMIT], |row| {
            Ok([row.get::<_, String>(0)?, row.get(1)?, row.get(2)?])
        })?;
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for fields in rows {
            for field in fields? {
                for entry in crate::mailview::address::split_entries(&field) {
                    let key = entry.to_lowercase();
                    if entry.contains('@') && seen.insert(key) {
                        out.push(entry);
                    }
                }
            }
        }
        Ok(out)
    }
}
