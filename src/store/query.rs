//! What the Inbox reads: folders with counts, one page of a message list,
//! full-text search, and the fields threading needs. Lists never parse
//! message files; they read only the rows asked for.

use super::folder_rows::folder_id;
use super::search_text::fts_query;
use super::{Flags, FolderRole, MessageId, Store, StoreError};
use rusqlite::{OptionalExtension, Row, params};

/// A folder as the folder pane shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderSummary {
    pub account: String,
    pub name: String,
    pub role: Option<FolderRole>,
    pub total: u64,
    pub unread: u64,
    /// Unix seconds of the last completed sync, for server folders.
    pub last_sync: Option<i64>,
}

/// One line of the message list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    pub id: MessageId,
    /// When the message arrived (IMAP INTERNALDATE; for mail without one,
    /// its Date header, else when it was stored).
    pub date: i64,
    /// Its Date header, when it has a readable one.
    pub sent_date: Option<i64>,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub size: u64,
    pub flags: Flags,
    pub has_attachment: bool,
}

/// The fields JWZ threading needs, for every message of a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadFields {
    pub id: MessageId,
    pub date: i64,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    #[default]
    NewestFirst,
    OldestFirst,
}

impl SortOrder {
    pub fn toggled(self) -> SortOrder {
        match self {
            SortOrder::NewestFirst => SortOrder::OldestFirst,
            SortOrder::OldestFirst => SortOrder::NewestFirst,
        }
    }

    pub(super) fn sql(self, by: SortBy) -> &'static str {
        match (by, self) {
            (SortBy::Sent, SortOrder::NewestFirst) => {
                "ORDER BY coalesce(m.sent_date, m.date) DESC, m.id DESC"
            }
            (SortBy::Sent, SortOrder::OldestFirst) => {
                "ORDER BY coalesce(m.sent_date, m.date) ASC, m.id ASC"
            }
            (SortBy::Received, SortOrder::NewestFirst) => "ORDER BY m.date DESC, m.id DESC",
            (SortBy::Received, SortOrder::OldestFirst) => "ORDER BY m.date ASC, m.id ASC",
        }
    }
}

/// Which date a list is ordered (and dated) by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// The Date header: when the sender wrote it (the date it arrived
    /// when the header is missing or unreadable), as neomutt's `date`.
    #[default]
    Sent,
    /// When it arrived (IMAP INTERNALDATE), as neomutt's `date-received`.
    Received,
}

impl SortBy {
    pub fn toggled(self) -> SortBy {
        match self {
            SortBy::Sent => SortBy::Received,
            SortBy::Received => SortBy::Sent,
        }
    }

    /// The date of `row` a list ordered this way shows.
    pub fn date_of(self, row: &MessageRow) -> i64 {
        match self {
            SortBy::Sent => row.sent_date.unwrap_or(row.date),
            SortBy::Received => row.date,
        }
    }

    /// The SQL value of that date, for a message row `m`.
    fn column(self) -> &'static str {
        match self {
            SortBy::Sent => "coalesce(m.sent_date, m.date)",
            SortBy::Received => "m.date",
        }
    }
}

/// Which messages a list shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListQuery {
    pub account: String,
    pub folder: String,
    pub sort: SortOrder,
    pub by: SortBy,
    /// A search (see [`fts_query`]); `None` lists the whole folder.
    pub search: Option<String>,
}

const ROW_COLUMNS: &str = "m.id, m.date, m.from_addr, m.to_addr, m.subject, m.size, m.flags, \
     m.has_attachment, m.sent_date";

fn message_row(r: &Row<'_>) -> rusqlite::Result<MessageRow> {
    Ok(MessageRow {
        id: r.get(0)?,
        date: r.get(1)?,
        sent_date: r.get(8)?,
        from: r.get(2)?,
        to: r.get(3)?,
        subject: r.get(4)?,
        size: r.get::<_, i64>(5)? as u64,
        flags: Flags::from_bits(r.get(6)?),
        has_attachment: r.get(7)?,
    })
}

impl Store {
    /// Every folder with its message and unread counts, accounts in order of
    /// name, the Inbox first within each account, then by name.
    pub fn folders(&self) -> Result<Vec<FolderSummary>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare(
            "SELECT f.account, f.name, f.role, f.last_sync,
               (SELECT count(*) FROM messages m WHERE m.folder_id = f.id),
               (SELECT count(*) FROM messages m WHERE m.folder_id = f.id AND m.flags & 1 = 0)
             FROM folders f
             ORDER BY f.account, f.role IS NOT 'inbox', upper(f.name) IS NOT 'INBOX', f.name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(FolderSummary {
                account: r.get(0)?,
                name: r.get(1)?,
                role: r
                    .get::<_, Option<String>>(2)?
                    .and_then(|s| FolderRole::parse(&s)),
                last_sync: r.get(3)?,
                total: r.get::<_, i64>(4)? as u64,
                unread: r.get::<_, i64>(5)? as u64,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many messages `query` lists.
    pub fn count(&self, query: &ListQuery) -> Result<u64, StoreError> {
        let conn = self.reader();
        let Some(folder) = folder_id(&conn, &query.account, &query.folder)? else {
            return Ok(0);
        };
        let n: i64 = match query.search.as_deref().and_then(fts_query) {
            None => conn.query_row(
                "SELECT count(*) FROM messages m WHERE m.folder_id = ?1",
                [folder],
                |r| r.get(0),
            )?,
            Some(fts) => conn.query_row(
                "SELECT count(*) FROM messages m WHERE m.folder_id = ?1 AND m.id IN
                 (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?2)",
                params![folder, fts],
                |r| r.get(0),
            )?,
        };
        Ok(n as u64)
    }

    /// Where message `id` stands in `query`'s list (how many rows come
    /// before it), or `None` when the list does not show it (moved away,
    /// deleted, not matching the search).
    pub fn position(&self, query: &ListQuery, id: MessageId) -> Result<Option<u64>, StoreError> {
        let conn = self.reader();
        let Some(folder) = folder_id(&conn, &query.account, &query.folder)? else {
            return Ok(None);
        };
        let column = query.by.column();
        let Some(date): Option<i64> = conn
            .prepare_cached(&format!(
                "SELECT {column} FROM messages m WHERE m.id = ?1 AND m.folder_id = ?2"
            ))?
            .query_row(params![id, folder], |r| r.get(0))
            .optional()?
        else {
            return Ok(None);
        };
        // Rows before it in the list's order (date, then id, as `sql`).
        let before = match query.sort {
            SortOrder::NewestFirst => ">",
            SortOrder::OldestFirst => "<",
        };
        let ahead = format!("({column}, m.id) {before} (?2, ?3)");
        let n: i64 = match query.search.as_deref().and_then(fts_query) {
            None => conn
                .prepare_cached(&format!(
                    "SELECT count(*) FROM messages m WHERE m.folder_id = ?1 AND {ahead}"
                ))?
                .query_row(params![folder, date, id], |r| r.get(0))?,
            Some(fts) => {
                let shown: bool = conn
                    .prepare_cached(
                        "SELECT count(*) > 0 FROM messages_fts
                         WHERE messages_fts MATCH ?1 AND rowid = ?2",
                    )?
                    .query_row(params![fts, id], |r| r.get(0))?;
                if !shown {
                    return Ok(None);
                }
                conn.prepare_cached(&format!(
                    "SELECT count(*) FROM messages m WHERE m.folder_id = ?1 AND {ahead}
                     AND m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?4)"
                ))?
                .query_row(params![folder, date, id, fts], |r| r.get(0))?
            }
        };
        Ok(Some(n as u64))
    }

    /// Rows `offset..offset + limit` of `query`, in its order.
    pub fn page(
        &self,
        query: &ListQuery,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<MessageRow>, StoreError> {
        let conn = self.reader();
        let Some(folder) = folder_id(&conn, &query.account, &query.folder)? else {
            return Ok(Vec::new());
        };
        let order = query.sort.sql(query.by);
        let rows = match query.search.as_deref().and_then(fts_query) {
            None => {
                let sql = format!(
                    "SELECT {ROW_COLUMNS} FROM messages m WHERE m.folder_id = ?1 {order}
                     LIMIT ?2 OFFSET ?3"
                );
                let mut stmt = conn.prepare_cached(&sql)?;
                stmt.query_map(params![folder, limit as i64, offset as i64], message_row)?
                    .collect::<Result<Vec<_>, _>>()?
            }
            Some(fts) => {
                let sql = format!(
                    "SELECT {ROW_COLUMNS} FROM messages m WHERE m.folder_id = ?1 AND m.id IN
                     (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?4)
                     {order} LIMIT ?2 OFFSET ?3"
                );
                let mut stmt = conn.prepare_cached(&sql)?;
                stmt.query_map(
                    params![folder, limit as i64, offset as i64, fts],
                    message_row,
                )?
                .collect::<Result<Vec<_>, _>>()?
            }
        };
        Ok(rows)
    }

    /// The rows of `ids`, in the order given (missing ids are skipped).
    pub fn rows(&self, ids: &[MessageId]) -> Result<Vec<MessageRow>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {ROW_COLUMNS} FROM messages m WHERE m.id = ?1"
        ))?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(row) = stmt.query_row([id], message_row).optional()? {
                out.push(row);
            }
        }
        Ok(out)
    }

    /// Threading fields of the messages `query` lists (search included).
    pub fn thread_fields(&self, query: &ListQuery) -> Result<Vec<ThreadFields>, StoreError> {
        let conn = self.reader();
        let Some(folder) = folder_id(&conn, &query.account, &query.folder)? else {
            return Ok(Vec::new());
        };
        let columns = format!(
            "m.id, {}, m.message_id, m.in_reply_to, m.refs",
            query.by.column()
        );
        let map = |r: &Row<'_>| {
            Ok(ThreadFields {
                id: r.get(0)?,
                date: r.get(1)?,
                message_id: r.get(2)?,
                in_reply_to: r.get(3)?,
                references: r.get(4)?,
            })
        };
        let rows = match query.search.as_deref().and_then(fts_query) {
            None => conn
                .prepare(&format!(
                    "SELECT {columns} FROM messages m WHERE m.folder_id = ?1"
                ))?
                .query_map([folder], map)?
                .collect::<Result<Vec<_>, _>>()?,
            Some(fts) => conn
                .prepare(&format!(
                    "SELECT {columns} FROM messages m WHERE m.folder_id = ?1 AND m.id IN
                     (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?2)"
                ))?
                .query_map(params![folder, fts], map)?
                .collect::<Result<Vec<_>, _>>()?,
        };
        Ok(rows)
    }

    /// The account, folder and flags of a message.
    pub fn message_place(&self, id: MessageId) -> Result<(String, String, Flags), StoreError> {
        let conn = self.reader();
        conn.query_row(
            "SELECT f.account, f.name, m.flags FROM messages m JOIN folders f
             ON f.id = m.folder_id WHERE m.id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, Flags::from_bits(r.get(2)?))),
        )
        .optional()?
        .ok_or(StoreError::NotFound)
    }

    /// The name of the account's folder with `role`, if it has one.
    pub fn folder_with_role(
        &self,
        account: &str,
        role: FolderRole,
    ) -> Result<Option<String>, StoreError> {
        let conn = self.reader();
        Ok(conn
            .query_row(
                "SELECT name FROM folders WHERE account = ?1 AND role = ?2 ORDER BY id LIMIT 1",
                [account, role.as_str()],
                |r| r.get(0),
            )
            .optional()?)
    }
}
