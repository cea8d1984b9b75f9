//! The index schema and its forward migrations, versioned with
//! `PRAGMA user_version`. Each migration runs in its own transaction, so an
//! interrupted upgrade leaves the previous version intact.

use super::StoreError;
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;

/// Migration `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: folders, messages, pending deliveries, full-text search.
    "
    CREATE TABLE folders (
        id            INTEGER PRIMARY KEY,
        account       TEXT NOT NULL,
        name          TEXT NOT NULL,
        dir           TEXT NOT NULL UNIQUE,
        role          TEXT,
        uidvalidity   INTEGER,
        uidnext       INTEGER,
        highestmodseq INTEGER,
        last_sync     INTEGER,
        message_count INTEGER,
        UNIQUE (account, name)
    );
    CREATE TABLE messages (
        id             INTEGER PRIMARY KEY,
        folder_id      INTEGER NOT NULL REFERENCES folders(id),
        account        TEXT NOT NULL,
        path           TEXT NOT NULL UNIQUE,
        id_kind        INTEGER NOT NULL,
        id_folder      INTEGER,
        uidvalidity    INTEGER,
        uid            INTEGER,
        uidl           TEXT,
        date           INTEGER NOT NULL,
        from_addr      TEXT NOT NULL,
        to_addr        TEXT NOT NULL,
        cc_addr        TEXT NOT NULL,
        subject        TEXT NOT NULL,
        flags          INTEGER NOT NULL,
        size           INTEGER NOT NULL,
        has_attachment INTEGER NOT NULL,
        message_id     TEXT,
        in_reply_to    TEXT,
        refs           TEXT,
        snippet        TEXT NOT NULL
    );
    CREATE UNIQUE INDEX messages_imap ON messages (id_folder, uidvalidity, uid) WHERE id_kind = 1;
    CREATE UNIQUE INDEX messages_pop3 ON messages (account, uidl) WHERE id_kind = 2;
    CREATE INDEX messages_by_date ON messages (folder_id, date, id);
    CREATE INDEX messages_unread ON messages (folder_id, flags);
    CREATE INDEX messages_by_message_id ON messages (message_id);
    CREATE TABLE pending (
        id       INTEGER PRIMARY KEY,
        dir      TEXT NOT NULL,
        name     TEXT NOT NULL,
        identity TEXT NOT NULL,
        date     INTEGER
    );
    CREATE VIRTUAL TABLE messages_fts USING fts5 (
        subject, addresses, body,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    ",
    // 2: identities of messages deleted for good, so a sync neither fetches
    // them again nor forgets to delete them on the server.
    "
    CREATE TABLE tombstones (
        id          INTEGER PRIMARY KEY,
        account     TEXT NOT NULL,
        id_folder   INTEGER,
        id_kind     INTEGER NOT NULL,
        uidvalidity INTEGER,
        uid         INTEGER,
        uidl        TEXT,
        removed_at  INTEGER NOT NULL
    );
    CREATE INDEX tombstones_by_account ON tombstones (account);
    ",
    // 3: which process a pending delivery belongs to, so that opening the
    // store never "recovers" a delivery another live writer is making.
    "
    ALTER TABLE pending ADD COLUMN owner_pid INTEGER;
    ALTER TABLE pending ADD COLUMN created INTEGER;
    ",
    // 4: keywords; the flags a server message had when both sides last
    // agreed (NULL: not known yet) and the MODSEQ they were seen at, so a
    // flag change is pushed or pulled per flag and never undone; copies
    // and moves between accounts waiting for a server; the originals of
    // replies and forwards waiting to be marked; messages whose full text
    // is not indexed yet.
    "
    ALTER TABLE messages ADD COLUMN keywords TEXT NOT NULL DEFAULT '';
    ALTER TABLE messages ADD COLUMN server_flags INTEGER;
    ALTER TABLE messages ADD COLUMN server_keywords TEXT;
    ALTER TABLE messages ADD COLUMN modseq INTEGER;
    ALTER TABLE messages ADD COLUMN fts_pending INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX messages_flags_changed ON messages (account)
        WHERE id_kind = 1 AND (flags != server_flags OR keywords != server_keywords);
    CREATE INDEX messages_fts_pending ON messages (id) WHERE fts_pending = 1;
    CREATE TABLE transfers (
        id            INTEGER PRIMARY KEY,
        message       INTEGER NOT NULL,
        src_account   TEXT,
        src_folder    INTEGER,
        uidvalidity   INTEGER,
        uid           INTEGER,
        delete_source INTEGER NOT NULL,
        uploaded      INTEGER NOT NULL DEFAULT 0,
        created       INTEGER NOT NULL
    );
    CREATE INDEX transfers_by_message ON transfers (message);
    CREATE TABLE answers (
        message_id TEXT PRIMARY KEY,
        original   INTEGER NOT NULL,
        kind       INTEGER NOT NULL,
        created    INTEGER NOT NULL
    );
    ",
    // 5: the Date header on its own (NULL when missing or unreadable), so a
    // list shows and sorts by the date a message was written as well as the
    // date it arrived. Rows from before get theirs from a resumable pass
    // over their headers (sent_dates.rs); `sent_date_fill` is how far it got.
    "
    ALTER TABLE messages ADD COLUMN sent_date INTEGER;
    CREATE INDEX messages_by_sent ON messages (folder_id, coalesce(sent_date, date), id);
    CREATE TABLE sent_date_fill (next_id INTEGER NOT NULL, last_id INTEGER NOT NULL);
    INSERT INTO sent_date_fill SELECT min(id), max(id) FROM messages HAVING count(*) > 0;
    ",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long a connection waits for another one's lock.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Puts the index in WAL mode. The mode is stored in the file, so only the
/// first open of a new index changes it; that change needs the database to
/// itself and SQLite answers BUSY at once (without waiting through the busy
/// timeout) while another process opens the same new index, so retry for as
/// long as the busy timeout would have waited.
fn enable_wal(conn: &Connection) -> Result<(), StoreError> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        let result = conn
            .pragma_query_value(None, "journal_mode", |r| r.get::<_, String>(0))
            .and_then(|mode| {
                if mode.eq_ignore_ascii_case("wal") {
                    Ok(())
                } else {
                    conn.pragma_update(None, "journal_mode", "WAL")
                }
            });
        match result {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return other.map_err(StoreError::from),
        }
    }
}

/// Sets the connection up (WAL, durable commits, foreign keys) and migrates
/// the schema forward.
pub fn prepare(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    enable_wal(conn)?;
    // FULL: a commit is on disk when it returns, so the order "message file
    // fsynced, then row committed" also holds across a power cut.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Each step re-reads the version inside an immediate (write-locked)
    // transaction, so two processes opening the store at once migrate it
    // once, one step after the other.
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        if found == SCHEMA_VERSION {
            tx.commit()?;
            break;
        }
        tx.execute_batch(MIGRATIONS[found as usize])?;
        tx.pragma_update(None, "user_version", found + 1)?;
        tx.commit()?;
        tracing::info!(version = found + 1, "mail index migrated");
    }
    Ok(())
}
