//! Store and disk work from the async send path: it blocks (SQLite,
//! fsync, a password command), so it runs on a blocking thread, and its
//! error is text for the status line.

/// Runs `work` on a blocking thread.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| format!("background task failed: {e}"))?
}
