//! Whether a message is already in the target folder: the same bytes, by
//! SHA-256 (`messages.content_hash`, indexed). Rows stored before the
//! index kept hashes get theirs the first time an import targets their
//! folder, so a repeated import never doubles them either.

use super::Source;
use crate::store::envelope::content_hash;
use crate::store::folder_rows::folder_id;
use crate::store::{Store, StoreError};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashSet;

impl Store {
    /// For each source, whether it is new to the folder (and not a copy of
    /// an earlier source of the same batch).
    pub(super) fn new_in_folder(
        &self,
        account: &str,
        folder: &str,
        sources: &[Source],
    ) -> Result<Vec<bool>, StoreError> {
        let hashes: Vec<[u8; 32]> = sources.iter().map(|s| content_hash(&s.raw)).collect();
        let conn = self.conn();
        let Some(folder_id) = folder_id(&conn, account, folder)? else {
            let mut seen = HashSet::new();
            return Ok(hashes.iter().map(|h| seen.insert(*h)).collect());
        };
        self.hash_legacy_rows(&conn, folder_id)?;
        let mut lookup = conn.prepare_cached(
            "SELECT 1 FROM messages INDEXED BY messages_by_hash
             WHERE content_hash = ?1 AND folder_id = ?2 LIMIT 1",
        )?;
        let mut seen = HashSet::new();
        let mut fresh = Vec::with_capacity(sources.len());
        for hash in &hashes {
            let stored = lookup
                .query_row(params![&hash[..], folder_id], |_| Ok(()))
                .optional()?
                .is_some();
            fresh.push(!stored && seen.insert(*hash));
        }
        Ok(fresh)
    }

    /// Gives the folder's rows without a hash one, read from their files.
    fn hash_legacy_rows(&self, conn: &Connection, folder_id: i64) -> Result<(), StoreError> {
        let rows: Vec<(i64, String)> = conn
            .prepare_cached(
                "SELECT id, path FROM messages INDEXED BY messages_unhashed
                 WHERE folder_id = ?1 AND content_hash IS NULL",
            )?
            .query_map([folder_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (id, path) in rows {
            let Ok(raw) = std::fs::read(self.root().join(&path)) else {
                continue;
            };
            let hash = content_hash(&raw);
            conn.execute(
                "UPDATE messages SET content_hash = ?1 WHERE id = ?2",
                params![&hash[..], id],
            )?;
        }
        Ok(())
    }
}
