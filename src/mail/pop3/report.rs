//! What a POP3 sync tells its caller: progress while it runs, a report when
//! it is done, or why it failed. Shared by the steps of a sync (`fetch`,
//! `commit`) and the driver (`sync`), which is the only one to run them.

use super::error::Pop3Error;
use super::trace::TraceLine;

/// Progress after each batch; the gauge shows messages and bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncProgress {
    pub done_messages: u64,
    pub total_messages: u64,
    pub done_bytes: u64,
    pub total_bytes: u64,
    /// Trace lines since the previous report.
    pub trace: Vec<TraceLine>,
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub on_server: u64,
    /// Newly stored (headers-only copies included).
    pub stored: u64,
    pub bytes: u64,
    /// Downloaded but already in the store (content-hash matches).
    pub duplicates: u64,
    pub headers_only: u64,
    pub skipped_oversize: u64,
    /// The server refused to send them (e.g. deleted by another client).
    pub failed: u64,
    /// Deleted on the server (confirmed by QUIT).
    pub deleted: u64,
}

impl SyncReport {
    /// One line for the status line and the CLI.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "{} new ({}), {} on server",
            self.stored,
            human_bytes(self.bytes),
            self.on_server
        );
        for (n, what) in [
            (self.deleted, "deleted on server"),
            (self.headers_only, "headers only (too large)"),
            (self.skipped_oversize, "skipped (too large)"),
            (self.duplicates, "duplicates"),
            (self.failed, "refused by server"),
        ] {
            if n > 0 {
                out.push_str(&format!(", {n} {what}"));
            }
        }
        out
    }
}

pub fn human_bytes(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / f64::from(1 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Pop3(#[from] Pop3Error),
    #[error("local store: {0}")]
    Store(String),
}
