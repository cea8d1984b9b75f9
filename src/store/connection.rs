//! The store's SQLite connections, and closing them all on the way out.
//!
//! SQLite removes `index.sqlite-wal` and `-shm` when the last connection
//! to the index closes; a process that exits with connections open leaves
//! them behind. Threads that are still running when the interface quits
//! (the store worker, an engine's blocking writer) may keep a `Store`
//! alive, so [`close_all`] closes every connection of the process
//! explicitly, each after the operation it is in finishes (it takes the
//! connection's lock). A caller that comes later gets an error (its
//! connection is an empty in-memory database), never the file again.

use super::StoreError;
use rusqlite::Connection;
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Set by [`close_all`]: the process is on its way out.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// One connection of a store, closable from outside.
pub(super) struct Slot {
    index: PathBuf,
    conn: Mutex<Option<Connection>>,
}

/// Every slot of this process, to close at exit. The registry keeps each
/// slot alive, so a connection is closed here or by [`close_all`], never
/// by a thread that drops the last `Store` while the process exits (that
/// close would be cut short, leaving the -wal behind).
static OPEN: Mutex<Vec<Arc<Slot>>> = Mutex::new(Vec::new());

impl Slot {
    pub fn new(index: &Path, conn: Connection) -> Arc<Slot> {
        let mut open = OPEN.lock().unwrap_or_else(|p| p.into_inner());
        // Checked under the registry's lock: a store that finishes opening
        // while `close_all` runs is either in its list or closed here.
        let conn = (!CLOSED.load(Ordering::SeqCst)).then_some(conn);
        let slot = Arc::new(Slot {
            index: index.to_path_buf(),
            conn: Mutex::new(conn),
        });
        // Slots only the registry still holds belong to dropped stores.
        open.retain(|s| {
            let dropped = Arc::strong_count(s) == 1;
            if dropped {
                s.close();
            }
            !dropped
        });
        open.push(Arc::clone(&slot));
        slot
    }

    /// The connection, locked; a poisoned lock is taken anyway (SQLite
    /// rolled back whatever the panicking holder left open).
    pub fn lock(&self) -> ConnGuard<'_> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            let conn = if CLOSED.load(Ordering::SeqCst) {
                // Late work on the way out fails instead of reopening
                // the index (and leaving its -wal behind).
                Connection::open_in_memory().map_err(StoreError::from)
            } else {
                reopen(&self.index)
            };
            match conn {
                Ok(conn) => *guard = Some(conn),
                Err(e) => tracing::error!("cannot reopen {}: {e}", self.index.display()),
            }
        }
        ConnGuard(guard)
    }

    /// Closes the connection (after the operation holding it ends).
    fn close(&self) {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(conn) = guard.take()
            && let Err((_, e)) = conn.close()
        {
            tracing::warn!("closing {}: {e}", self.index.display());
        }
    }
}

/// A connection a late caller gets after [`close_all`].
fn reopen(index: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(index)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(conn)
}

/// A locked connection.
pub(super) struct ConnGuard<'a>(MutexGuard<'a, Option<Connection>>);

impl Deref for ConnGuard<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.0
            .as_ref()
            .expect("the store connection could not be reopened")
    }
}

impl DerefMut for ConnGuard<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.0
            .as_mut()
            .expect("the store connection could not be reopened")
    }
}

/// Whether [`close_all`] ran: no store may open after it.
pub(super) fn closed() -> bool {
    CLOSED.load(Ordering::SeqCst)
}

/// Closes every store connection of the process, so the index is left
/// without `-wal`/`-shm` files (unless another process has it open).
pub fn close_all() {
    let slots: Vec<Arc<Slot>> = {
        let mut open = OPEN.lock().unwrap_or_else(|p| p.into_inner());
        CLOSED.store(true, Ordering::SeqCst);
        open.drain(..).collect()
    };
    tracing::debug!(connections = slots.len(), "closing the mail store");
    for slot in slots {
        slot.close();
    }
}
