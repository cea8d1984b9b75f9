//! Store work from the sync's async code: the store blocks (SQLite, fsync),
//! so every call runs on a blocking thread and its error becomes an
//! [`ImapError::Store`].

use super::error::ImapError;
use crate::store::{Store, StoreError};
use std::path::PathBuf;

/// Runs store work off the async threads.
pub async fn blocking<T: Send + 'static>(
    store: &Store,
    work: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ImapError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || work(&store))
        .await
        .map_err(|e| ImapError::Store(e.to_string()))?
        .map_err(|e| ImapError::Store(e.to_string()))
}

/// Opens the store at `store_dir` for a job that runs on its own.
pub async fn open_store(store_dir: PathBuf) -> Result<Store, ImapError> {
    tokio::task::spawn_blocking(move || Store::open(&store_dir))
        .await
        .map_err(|e| ImapError::Store(e.to_string()))?
        .map_err(|e| ImapError::Store(e.to_string()))
}
