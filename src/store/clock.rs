//! The time every timestamp in the index is kept in: Unix seconds.

/// Now, in Unix seconds (0 on a clock set before 1970).
pub(super) fn now_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
