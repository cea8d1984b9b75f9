//! The Date header of messages indexed before schema 4, read from their
//! files in the background. The migration records which row ids predate
//! it (`sent_date_fill`); each pass reads the headers of a batch of them
//! (without holding the write lock while it reads), writes their dates
//! and moves the mark on, in one transaction, so a pass cut short by a
//! quit or a crash carries on where it stopped. Until a row is done its
//! list date is the date it arrived, as before.

use super::{MessageId, Store, StoreError};
use mail_parser::MessageParser;
use rusqlite::{OptionalExtension, params};
use std::io::Read;

/// Rows read per pass: small enough that other writers never wait long.
pub const SENT_DATE_BATCH: usize = 500;
/// Most bytes of a file read to find its Date header.
const HEADER_READ_CAP_BYTES: u64 = 64 * 1024;

impl Store {
    /// Whether rows from before schema 4 still wait for their Date header.
    pub fn sent_dates_pending(&self) -> Result<bool, StoreError> {
        Ok(self.fill_range()?.is_some())
    }

    /// Reads the Date headers of the next `batch` rows waiting for one;
    /// returns how many rows still wait afterwards (0: all done).
    pub fn fill_sent_dates(&self, batch: usize) -> Result<u64, StoreError> {
        let Some((next, last)) = self.fill_range()? else {
            return Ok(0);
        };
        let rows: Vec<(MessageId, String)> = self
            .reader()
            .prepare_cached(
                "SELECT id, path FROM messages WHERE id >= ?1 AND id <= ?2 ORDER BY id LIMIT ?3",
            )?
            .query_map(params![next, last, batch as i64], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        let dates: Vec<(MessageId, Option<i64>)> = rows
            .iter()
            .map(|(id, rel)| (*id, self.header_date(*id, rel)))
            .collect();
        let reached = rows.last().map_or(last, |(id, _)| *id);
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for (id, date) in dates.iter().filter(|(_, d)| d.is_some()) {
            // A row stored (or moved) meanwhile already has its date.
            tx.execute(
                "UPDATE messages SET sent_date = ?1 WHERE id = ?2 AND sent_date IS NULL",
                params![date, id],
            )?;
        }
        let left: i64 = if reached >= last {
            tx.execute("DELETE FROM sent_date_fill", [])?;
            0
        } else {
            tx.execute("UPDATE sent_date_fill SET next_id = ?1", [reached + 1])?;
            tx.query_row(
                "SELECT count(*) FROM messages WHERE id > ?1 AND id <= ?2",
                params![reached, last],
                |r| r.get(0),
            )?
        };
        tx.commit()?;
        Ok(left as u64)
    }

    /// The ids still to read, `(next, last)`, if any.
    fn fill_range(&self) -> Result<Option<(MessageId, MessageId)>, StoreError> {
        Ok(self
            .reader()
            .query_row("SELECT next_id, last_id FROM sent_date_fill", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    /// The Date header of the message at `rel` (found again by id if
    /// another program renamed it), `None` when missing or unreadable.
    fn header_date(&self, id: MessageId, rel: &str) -> Option<i64> {
        let file = match std::fs::File::open(self.root().join(rel)) {
            Ok(file) => file,
            Err(_) => std::fs::File::open(self.message_path(id).ok()?).ok()?,
        };
        let mut head = Vec::new();
        file.take(HEADER_READ_CAP_BYTES)
            .read_to_end(&mut head)
            .ok()?;
        MessageParser::default()
            .parse_headers(&head)?
            .date()
            .filter(|d| d.is_valid())
            .map(|d| d.to_timestamp())
    }
}
