//! Outbox messages whose delivery is unknown: the connection broke after
//! the whole message went out and before the server said whether it took
//! it. Such a message is never sent again without the user asking for it.
//!
//! A mark is one small file in `<store>/.outbox-marks/`, named by the
//! SHA-256 of the message's bytes (which stay the same while it waits in
//! the Outbox, and survive a reindex, unlike index ids). One file per mark
//! means the interface and `wirepost send` never overwrite each other's
//! marks. The leading dot keeps the directory apart from accounts', whose
//! names never start with one. Everything here blocks on disk.

use crate::mail::folders;
use crate::store::{MessageId, Store, maildir};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const DIR: &str = ".outbox-marks";

/// Why and since when a message's delivery is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryUnknown {
    /// Unix seconds.
    pub since: i64,
    /// The error that cut the send short.
    pub reason: String,
}

impl DeliveryUnknown {
    pub fn now(reason: impl Into<String>) -> DeliveryUnknown {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        DeliveryUnknown {
            since,
            reason: reason.into(),
        }
    }
}

fn dir(store: &Store) -> PathBuf {
    store.root().join(DIR)
}

fn key(raw: &[u8]) -> String {
    Sha256::digest(raw)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn path_for(store: &Store, raw: &[u8]) -> PathBuf {
    dir(store).join(key(raw))
}

fn read_mark(path: &Path) -> Option<DeliveryUnknown> {
    // Only a missing mark means "no mark": one that cannot be read still
    // means "unknown", never permission to send.
    let unreadable = DeliveryUnknown {
        since: 0,
        reason: "unreadable mark".into(),
    };
    match std::fs::read(path) {
        Ok(bytes) => Some(
            std::str::from_utf8(&bytes)
                .ok()
                .and_then(|text| toml::from_str(text).ok())
                .unwrap_or(unreadable),
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(_) => Some(unreadable),
    }
}

/// Marks the message with these bytes as of unknown delivery (fsynced, so
/// a crash right after cannot let it be sent again).
pub fn mark(store: &Store, raw: &[u8], mark: &DeliveryUnknown) -> Result<(), String> {
    write_mark(store, raw, mark, true)
}

/// Marks a message whose send is under way, just before it goes out: if
/// the program dies before the server's answer, the mark stays. Not
/// fsynced (a killed process leaves its writes to the kernel; only a
/// power cut could lose it), as every send pays for it.
pub fn mark_in_flight(store: &Store, raw: &[u8], mark: &DeliveryUnknown) -> Result<(), String> {
    write_mark(store, raw, mark, false)
}

fn write_mark(
    store: &Store,
    raw: &[u8],
    mark: &DeliveryUnknown,
    durable: bool,
) -> Result<(), String> {
    let dir = dir(store);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let text = toml::to_string(mark).map_err(|e| e.to_string())?;
    let path = path_for(store, raw);
    let tmp = path.with_extension("tmp");
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(text.as_bytes())?;
        if durable {
            file.sync_all()?;
        }
        std::fs::rename(&tmp, &path)?;
        if durable {
            maildir::sync_dir(&dir)?;
        }
        Ok(())
    };
    write().map_err(|e| format!("cannot mark the message's delivery as unknown: {e}"))
}

/// The mark of the message with these bytes, if it has one.
pub fn get(store: &Store, raw: &[u8]) -> Option<DeliveryUnknown> {
    read_mark(&path_for(store, raw))
}

/// Removes the mark (sent after all, filed as sent, or discarded).
pub fn clear(store: &Store, raw: &[u8]) -> Result<(), String> {
    match std::fs::remove_file(path_for(store, raw)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot clear the delivery-unknown mark: {e}")),
    }
}

/// Removes the mark of stored message `id`, if it has one and can be read.
pub fn clear_message(store: &Store, id: MessageId) -> Result<(), String> {
    if !any(store) {
        return Ok(());
    }
    match folders::read(store, id) {
        Ok(raw) => clear(store, &raw),
        Err(_) => Ok(()),
    }
}

/// Whether any message is marked (so a listing need not read files).
fn any(store: &Store) -> bool {
    std::fs::read_dir(dir(store))
        .map(|mut entries| entries.next().is_some())
        .unwrap_or(false)
}

/// The marks of `account`'s Outbox messages, by id.
pub fn outbox_marks(
    store: &Store,
    account: &str,
) -> Result<HashMap<MessageId, DeliveryUnknown>, String> {
    let mut out = HashMap::new();
    if !any(store) {
        return Ok(out);
    }
    for entry in folders::list(store, account, folders::OUTBOX)? {
        if let Ok(raw) = folders::read(store, entry.id)
            && let Some(mark) = get(store, &raw)
        {
            out.insert(entry.id, mark);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Flags;

    #[test]
    fn a_mark_follows_the_message_bytes_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let raw = b"From: a@b\r\nTo: c@d\r\nSubject: one\r\n\r\nbody\r\n";
        let other = b"From: a@b\r\nTo: c@d\r\nSubject: two\r\n\r\nbody\r\n";
        let id = folders::put(&store, "me", folders::OUTBOX, raw, Flags::default()).unwrap();
        folders::put(&store, "me", folders::OUTBOX, other, Flags::default()).unwrap();
        assert!(outbox_marks(&store, "me").unwrap().is_empty());
        mark(&store, raw, &DeliveryUnknown::now("connection reset")).unwrap();
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        let marks = outbox_marks(&store, "me").unwrap();
        assert_eq!(marks.len(), 1);
        assert_eq!(marks[&id].reason, "connection reset");
        assert!(marks[&id].since > 0);
        clear_message(&store, id).unwrap();
        assert!(outbox_marks(&store, "me").unwrap().is_empty());
        clear(&store, raw).unwrap();
    }

    #[test]
    fn a_damaged_mark_still_means_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let raw = b"Subject: x\r\n\r\nx\r\n";
        mark(&store, raw, &DeliveryUnknown::now("cut")).unwrap();
        std::fs::write(path_for(&store, raw), b"\xff garbage").unwrap();
        assert_eq!(get(&store, raw).unwrap().reason, "unreadable mark");
    }
}
