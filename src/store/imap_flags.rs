//! The IMAP sync's bulk view of a server folder's local copies: one query
//! instead of two per message, so a flag reconciliation over a big folder
//! stays fast.

use super::folder_rows::folder_id;
use super::{Flags, MessageId, Store, StoreError};
use rusqlite::params;
use std::collections::HashMap;

impl Store {
    /// UID → (message, flags) for every message whose IMAP identity belongs
    /// to `folder` under `uidvalidity` (wherever it sits locally now).
    pub fn imap_folder_flags(
        &self,
        account: &str,
        folder: &str,
        uidvalidity: u32,
    ) -> Result<HashMap<u32, (MessageId, Flags)>, StoreError> {
        let conn = self.conn();
        let Some(folder) = folder_id(&conn, account, folder)? else {
            return Ok(HashMap::new());
        };
        let mut stmt = conn.prepare(
            "SELECT uid, id, flags FROM messages
             WHERE id_kind = 1 AND id_folder = ?1 AND uidvalidity = ?2",
        )?;
        let rows = stmt.query_map(params![folder, uidvalidity], |r| {
            Ok((r.get(0)?, (r.get(1)?, Flags::from_bits(r.get(2)?))))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
