//! One message's rows in the index: the `messages` row and its full-text
//! row, written together, and the lookup of a message by server identity
//! that the unique indexes on those identities back.

use super::envelope::Envelope;
use super::folder_rows::FolderRow;
use super::search_text::segment_cjk;
use super::{Flags, MessageId, ServerIdentity, StoreError};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// Everything needed to insert one index row.
pub(super) struct RowData<'a> {
    pub folder: &'a FolderRow,
    pub account: &'a str,
    pub identity: &'a ServerIdentity,
    pub id_folder: i64,
    pub rel_path: &'a str,
    pub envelope: &'a Envelope,
    pub date: i64,
    pub flags: Flags,
    pub size: usize,
    /// Keywords in the index's form (see [`super::Keywords::to_db`]).
    pub keywords: &'a str,
    /// The MODSEQ the server reported with the message, if any.
    pub modseq: Option<u64>,
    /// Leave the full text for the background indexer (see `fts_queue`).
    pub defer_text: bool,
}

/// Inserts the message row and its full-text row (text segmented as
/// searches expect it; or, with `defer_text`, marked for the background
/// indexer), returning the new row id. A server message's flags as given
/// are what the server has: they become its agreed base. Fails on a
/// unique identity index when the identity is already stored.
pub(super) fn insert_row(tx: &Transaction<'_>, row: &RowData<'_>) -> Result<MessageId, StoreError> {
    let (kind, uidvalidity, uid, uidl) = match row.identity {
        ServerIdentity::Local => (0, None, None, None),
        ServerIdentity::Imap { uidvalidity, uid } => (1, Some(*uidvalidity), Some(*uid), None),
        ServerIdentity::Pop3 { uidl } => (2, None, None, Some(uidl.as_str())),
    };
    let env = row.envelope;
    tx.prepare_cached(
        "INSERT INTO messages (folder_id, account, path, id_kind, id_folder, uidvalidity, uid,
           uidl, date, from_addr, to_addr, cc_addr, subject, flags, size, has_attachment,
           message_id, in_reply_to, refs, snippet, keywords, server_flags, server_keywords,
           modseq, fts_pending, sent_date, content_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
           ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)",
    )?
    .execute(params![
        row.folder.id,
        row.account,
        row.rel_path,
        kind,
        (kind != 0).then_some(row.id_folder),
        uidvalidity,
        uid,
        uidl,
        row.date,
        env.from,
        env.to,
        env.cc,
        env.subject,
        row.flags.to_bits(),
        row.size as i64,
        env.has_attachment,
        env.message_id,
        env.in_reply_to,
        env.references,
        env.snippet,
        row.keywords,
        (kind == 1).then(|| row.flags.to_bits()),
        (kind == 1).then_some(row.keywords),
        row.modseq.map(|m| m as i64),
        row.defer_text,
        env.date,
        env.content_hash.as_ref().map(|h| &h[..]),
    ])?;
    let id = tx.last_insert_rowid();
    if !row.defer_text {
        insert_text(tx, id, env)?;
    }
    Ok(id)
}

/// The message's full-text row: subject, addresses and body, segmented as
/// searches expect them.
pub(super) fn insert_text(
    tx: &Transaction<'_>,
    id: MessageId,
    env: &Envelope,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO messages_fts (rowid, subject, addresses, body) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        id,
        segment_cjk(&env.subject),
        segment_cjk(&env.addresses()),
        segment_cjk(&env.body)
    ])?;
    Ok(())
}

/// The row holding `identity`: IMAP identities are per folder, POP3
/// identities per account.
pub(super) fn find_identity(
    conn: &Connection,
    account: &str,
    folder_id: i64,
    identity: &ServerIdentity,
) -> Result<Option<MessageId>, StoreError> {
    Ok(match identity {
        ServerIdentity::Imap { uidvalidity, uid } => conn
            .prepare_cached(
                "SELECT id FROM messages WHERE id_kind = 1 AND id_folder = ?1
                 AND uidvalidity = ?2 AND uid = ?3",
            )?
            .query_row(params![folder_id, uidvalidity, uid], |r| r.get(0))
            .optional()?,
        ServerIdentity::Pop3 { uidl } => conn
            .prepare_cached(
                "SELECT id FROM messages WHERE id_kind = 2 AND account = ?1 AND uidl = ?2",
            )?
            .query_row(params![account, uidl], |r| r.get(0))
            .optional()?,
        ServerIdentity::Local => None,
    })
}

/// Whether an insert failed on a unique index: another writer stored the
/// same identity first.
pub(super) fn is_constraint(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::ConstraintViolation)
    )
}
