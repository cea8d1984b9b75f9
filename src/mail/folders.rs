//! The sending account's local Outbox, Sent and Drafts, kept in the message
//! store. Everything here blocks on disk: call it from `spawn_blocking`.

use crate::store::{Flags, FolderEntry, FolderRole, MessageId, NewMessage, ServerIdentity, Store};

pub const OUTBOX: &str = "Outbox";
pub const SENT: &str = "Sent";
pub const DRAFTS: &str = "Drafts";

fn role(folder: &str) -> Option<FolderRole> {
    match folder {
        OUTBOX => Some(FolderRole::Outbox),
        SENT => Some(FolderRole::Sent),
        DRAFTS => Some(FolderRole::Drafts),
        _ => None,
    }
}

/// Writes `raw` (fsynced, indexed) into `account`'s local `folder`.
pub fn put(
    store: &Store,
    account: &str,
    folder: &str,
    raw: &[u8],
    flags: Flags,
) -> Result<MessageId, String> {
    store
        .ensure_folder(account, folder, role(folder))
        .map_err(|e| format!("cannot create the {folder} folder: {e}"))?;
    let outcome = store
        .store_message(&NewMessage {
            account,
            folder,
            identity: ServerIdentity::Local,
            raw,
            flags,
            internal_date: None,
        })
        .map_err(|e| format!("cannot save to {folder}: {e}"))?;
    Ok(outcome.id())
}

/// Moves sent messages from the Outbox to Sent, marked seen, in one
/// commit; each gets its own outcome.
pub fn file_as_sent(
    store: &Store,
    account: &str,
    ids: &[MessageId],
) -> Result<Vec<Result<MessageId, String>>, String> {
    store
        .ensure_folder(account, SENT, Some(FolderRole::Sent))
        .map_err(|e| format!("cannot create the Sent folder: {e}"))?;
    let seen = Flags {
        seen: true,
        ..Flags::default()
    };
    let cannot = |e: crate::store::StoreError| {
        format!("sent, but cannot move it from the Outbox to Sent: {e}")
    };
    let moved = store
        .move_messages_with_flags(ids, SENT, seen)
        .map_err(cannot)?;
    Ok(moved
        .into_iter()
        .map(|moved| moved.map_err(cannot))
        .collect())
}

pub fn read(store: &Store, id: MessageId) -> Result<Vec<u8>, String> {
    let path = store.message_path(id).map_err(|e| e.to_string())?;
    std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn remove(store: &Store, id: MessageId) -> Result<(), String> {
    store.remove_message(id).map_err(|e| e.to_string())
}

pub fn list(store: &Store, account: &str, folder: &str) -> Result<Vec<FolderEntry>, String> {
    store
        .folder_messages(account, folder)
        .map_err(|e| format!("cannot list {folder}: {e}"))
}

/// The Message-ID (without angle brackets) of a stored message, if it has
/// one and can be read.
pub fn message_id_of(store: &Store, id: MessageId) -> Option<String> {
    let raw = read(store, id).ok()?;
    mail_parser::MessageParser::default()
        .parse_headers(&raw)?
        .message_id()
        .map(str::to_string)
}
