//! Local mail storage: raw messages in Maildir folders, and a SQLite index
//! (`index.sqlite`) of what they contain, for lists, threads and search.
//!
//! Layout under the store directory: `index.sqlite` (+ `-wal`/`-shm`) and
//! `<account>/<folder>/{tmp,new,cur}`, one Maildir per account and folder
//! (names escaped by [`names::dir_name`]). The built-in account that needs
//! no server is [`LOCAL_ACCOUNT`].
//!
//! Every method blocks on disk: call them from `spawn_blocking` or a store
//! task, never from the event loop.

mod answers;
mod arrivals;
mod clock;
pub mod commands;
mod connection;
mod contacts;
mod envelope;
pub mod export;
mod flag_state;
mod flag_sync;
mod folder_list;
mod folder_rows;
mod fts_queue;
mod imap_batch;
mod imap_flags;
mod import;
mod index_row;
pub mod maildir;
mod names;
mod ops;
mod paths;
mod pending;
mod priority;
mod query;
mod reindex;
mod schema;
mod search_text;
mod sent_dates;
mod server_sync;
pub mod service;
mod thread;
mod transfer;
mod types;
mod unnamed_file;
mod write;

pub use arrivals::Arrival;
pub use connection::close_all;
pub use contacts::{Contact, split_mailbox};
pub use envelope::Envelope;
pub use flag_state::{FORWARDED, FlagState, Keywords, is_keyword};
pub use flag_sync::{FlagChange, ServerFlags};
pub use folder_list::FolderEntry;
pub use import::{FileOutcome, FileReport, ImportReport};
pub use names::{dir_name, folder_dir_name, undo_dir_name};
pub use priority::lower_thread_priority;
pub use query::{FolderSummary, ListQuery, MessageRow, SortBy, SortOrder, ThreadFields};
pub use reindex::ReindexReport;
pub use schema::SCHEMA_VERSION;
pub use search_text::fts_query;
pub use sent_dates::SENT_DATE_BATCH;
pub use server_sync::{LocalMove, RemovedIdentity};
pub use thread::{ThreadLine, thread_order};
pub use transfer::{Transfer, TransferKind};
pub use types::{
    Flags, FolderRole, FolderState, MessageId, NewMessage, ServerIdentity, StoreError, StoreOutcome,
};
pub use write::{DurableBatch, ServerView};

use connection::{ConnGuard, Slot};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The account that imports and local folders (Outbox, Sent, Drafts, Trash)
/// belong to when no server is involved.
pub const LOCAL_ACCOUNT: &str = "Local";
/// The index file inside the store directory.
pub const INDEX_FILE: &str = "index.sqlite";

/// A handle on the store; cheap to clone and shareable between threads.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    root: PathBuf,
    /// Every write goes through this connection.
    conn: Arc<Slot>,
    /// Lists and searches read here, so a sync's long write transaction
    /// never makes the Inbox wait (WAL lets readers run beside a writer).
    reader: Arc<Slot>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("root", &self.inner.root)
            .finish()
    }
}

impl Store {
    /// Opens (creating if needed) the store at `dir`, migrates the index,
    /// and finishes deliveries that a crash interrupted.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        if connection::closed() {
            return Err(
                std::io::Error::other("wirepost is quitting: the mail store is closed").into(),
            );
        }
        std::fs::create_dir_all(dir)?;
        let index = dir.join(INDEX_FILE);
        let mut conn = Connection::open(&index)?;
        schema::prepare(&mut conn, &index)?;
        let reader = Connection::open(&index)?;
        reader.busy_timeout(std::time::Duration::from_secs(10))?;
        let store = Store {
            inner: Arc::new(Inner {
                root: dir.to_path_buf(),
                conn: Slot::new(&index, conn),
                reader: Slot::new(&index, reader),
            }),
        };
        store.recover_pending()?;
        if store.text_pending()? > 0 {
            // A sync before a crash or a quit left text to index.
            store.start_text_indexer();
        }
        Ok(store)
    }

    /// The store directory.
    pub fn root(&self) -> &Path {
        &self.inner.root
    }

    /// The connection; a panic elsewhere while it was held does not make the
    /// index unusable (SQLite rolled the transaction back).
    fn conn(&self) -> ConnGuard<'_> {
        self.inner.conn.lock()
    }

    /// The read-only connection for lists and searches.
    fn reader(&self) -> ConnGuard<'_> {
        self.inner.reader.lock()
    }
}

#[cfg(test)]
mod listing_tests;
#[cfg(test)]
mod schema_tests;
#[cfg(test)]
mod sent_date_tests;
#[cfg(test)]
mod sync_tests;
#[cfg(test)]
mod tests;
