//! The store's SQLite connections, and closing them all on the way out.
//!
//! SQLite removes `index.sqlite-wal` and `-shm` when the last connection
//! to the index closes; a process that exits with connections open leaves
//! them behind. Threads that are still running when the interface quits
//! (the store worker, an engine's blocking writer) may keep a `Store`
//! alive, so [`close_all`] closes every connection of the process
//! explicitly, each after the operation it is in finishes (it takes the
//! connection's lock). A late caller gets a fresh connection rather than a
//! failure.

use super::StoreError;
use rusqlite::Connection;
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

/// One connection of a store, closable from outside.
pub(super) struct Slot {
    index: PathBuf,
    conn: Mutex<Option<Connection>>,
}

/// Every slot of this process, to close at exit.
static OPEN: Mutex<Vec<Weak<Slot>>> = Mutex::new(Vec::new());

impl Slot {
    pub fn new(index: &Path, conn: Connection) -> Arc<Slot> {
        let slot = Arc::new(Slot {
            index: index.to_path_buf(),
            conn: Mutex::new(Some(conn)),
        });
        let mut open = OPEN.lock().unwrap_or_else(|p| p.into_inner());
        open.retain(|s| s.strong_count() > 0);
        open.push(Arc::downgrade(&slot));
        slot
    }

    /// The connection, locked; a poisoned lock is taken anyway (SQLite
    /// rolled back whatever the panicking holder left open).
    pub fn lock(&self) -> ConnGuard<'_> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            match reopen(&self.index) {
                Ok(conn) => *guard = Some(conn),
                Err(e) => tracing::error!("cannot reopen {}: {e}", self.index.display()),
            }
        }
        ConnGuard(guard)
    }

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

/// Closes every store connection of the process, so the index is left
/// without `-wal`/`-shm` files (unless another process has it open).
pub fn close_all() {
    let slots: Vec<Arc<Slot>> = {
        let open = OPEN.lock().unwrap_or_else(|p| p.into_inner());
        open.iter().filter_map(Weak::upgrade).collect()
    };
    for slot in slots {
        slot.close();
    }
}
