//! Bringing one server folder and its local copy into step: UIDVALIDITY,
//! new messages, messages removed on the server, flag changes.

use super::connect::ServerCaps;
use super::error::ImapError;
use super::fetch::{FetchProgress, fetch_into_store};
use super::flags::reconcile_flags;
use super::folders::{RemoteFolder, Role};
use super::session::ImapSession;
use super::store_work::blocking;
use crate::store::{FolderRole, FolderState, ServerIdentity, Store};
use async_imap::types::Mailbox;
use std::collections::BTreeSet;

/// What a folder sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderReport {
    pub folder: String,
    pub fetched: u64,
    pub bytes: u64,
    pub removed: u64,
    /// Local flag changes pulled from the server.
    pub flags_updated: u64,
    /// Local flag changes carried to the server.
    pub flags_pushed: u64,
    /// The server's UIDVALIDITY changed and the folder was rebuilt.
    pub rebuilt: bool,
}

pub fn store_role(role: Option<Role>) -> Option<FolderRole> {
    role.map(|r| match r {
        Role::Inbox => FolderRole::Inbox,
        Role::Drafts => FolderRole::Drafts,
        Role::Sent => FolderRole::Sent,
        Role::Archive => FolderRole::Archive,
        Role::Junk => FolderRole::Junk,
        Role::Trash => FolderRole::Trash,
    })
}

/// Syncs `folder` (selecting it) into the store.
pub async fn sync_folder(
    session: &mut ImapSession,
    caps: &ServerCaps,
    store: &Store,
    account: &str,
    folder: &RemoteFolder,
    progress: &mut (dyn FnMut(FetchProgress) + Send),
) -> Result<FolderReport, ImapError> {
    let local = folder.local_name();
    let mut report = FolderReport {
        folder: local.clone(),
        ..Default::default()
    };
    let mailbox = select(session, caps, &folder.name).await?;
    let uidvalidity = mailbox.uid_validity.unwrap_or(0);
    let state = load_state(store, account, &local, folder.role).await?;
    if let Some(old) = state.uidvalidity
        && old != uidvalidity
    {
        forget_generation(store, account, &local, old).await?;
        report.rebuilt = true;
    }
    let (acc, loc) = (account.to_string(), local.clone());
    let known = blocking(store, move |s| s.known_uids(&acc, &loc, uidvalidity)).await?;
    let same_generation = state.uidvalidity == Some(uidvalidity);
    let unchanged = same_generation
        && state.uidnext.is_some()
        && state.uidnext == mailbox.uid_next
        && known.len() == mailbox.exists as usize;
    if !unchanged {
        let (new, gone) = server_changes(session, &known, mailbox.exists).await?;
        if !new.is_empty() {
            let counts =
                fetch_into_store(session, store, account, &local, uidvalidity, &new, progress)
                    .await?;
            report.fetched = counts.messages_done;
            report.bytes = counts.bytes_done;
        }
        report.removed = remove_local(store, account, &local, uidvalidity, gone).await?;
    }
    if !known.is_empty() && mailbox.exists > 0 {
        let last = state.highestmodseq.filter(|_| same_generation);
        let counts =
            reconcile_flags(session, caps, store, account, &local, uidvalidity, last).await?;
        report.flags_updated = counts.pulled;
        report.flags_pushed = counts.pushed;
    }
    save_state(store, account, &local, uidvalidity, &mailbox).await?;
    Ok(report)
}

/// SELECT, with CONDSTORE when the server has it (for MODSEQs).
async fn select(
    session: &mut ImapSession,
    caps: &ServerCaps,
    name: &str,
) -> Result<Mailbox, ImapError> {
    let mailbox = if caps.condstore {
        session.select_condstore(name).await
    } else {
        session.select(name).await
    }
    .map_err(ImapError::from_imap)?;
    super::drain_unsolicited(session);
    Ok(mailbox)
}

/// Makes sure the local folder exists and reads where its last sync left it.
async fn load_state(
    store: &Store,
    account: &str,
    folder: &str,
    role: Option<Role>,
) -> Result<FolderState, ImapError> {
    let (acc, loc, role) = (account.to_string(), folder.to_string(), store_role(role));
    let state = blocking(store, move |s| {
        s.ensure_folder(&acc, &loc, role)?;
        s.folder_state(&acc, &loc)
    })
    .await?;
    Ok(state.unwrap_or_default())
}

/// The UIDs on the server and not in `known` (to fetch), and those in
/// `known` and no longer on the server (to drop).
async fn server_changes(
    session: &mut ImapSession,
    known: &BTreeSet<u32>,
    exists: u32,
) -> Result<(Vec<u32>, Vec<u32>), ImapError> {
    let server: BTreeSet<u32> = if exists == 0 {
        BTreeSet::new()
    } else {
        session
            .uid_search("ALL")
            .await
            .map_err(ImapError::from_imap)?
            .into_iter()
            .collect()
    };
    super::drain_unsolicited(session);
    let new: Vec<u32> = server.difference(known).copied().collect();
    let gone: Vec<u32> = known.difference(&server).copied().collect();
    Ok((new, gone))
}

/// Records where the folder stands now, for the next sync to start from.
async fn save_state(
    store: &Store,
    account: &str,
    folder: &str,
    uidvalidity: u32,
    mailbox: &Mailbox,
) -> Result<(), ImapError> {
    let (acc, loc) = (account.to_string(), folder.to_string());
    let new_state = FolderState {
        uidvalidity: Some(uidvalidity),
        uidnext: mailbox.uid_next,
        highestmodseq: mailbox.highest_modseq,
        last_sync: Some(now_seconds()),
        message_count: Some(u64::from(mailbox.exists)),
    };
    blocking(store, move |s| s.set_folder_state(&acc, &loc, &new_state)).await
}

fn now_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The server started a new UID generation: the old UIDs mean nothing any
/// more. Messages of the old generation are dropped from the cache (they
/// come back with their new UIDs); local-only messages stay.
async fn forget_generation(
    store: &Store,
    account: &str,
    folder: &str,
    old: u32,
) -> Result<(), ImapError> {
    let (acc, loc) = (account.to_string(), folder.to_string());
    let old_uids = blocking(store, move |s| s.known_uids(&acc, &loc, old)).await?;
    remove_local(store, account, folder, old, old_uids.into_iter().collect()).await?;
    Ok(())
}

/// Removes local copies of messages the server no longer has. They are not
/// deletions to carry back to the server, so their tombstones go too.
async fn remove_local(
    store: &Store,
    account: &str,
    folder: &str,
    uidvalidity: u32,
    uids: Vec<u32>,
) -> Result<u64, ImapError> {
    if uids.is_empty() {
        return Ok(0);
    }
    let (acc, loc) = (account.to_string(), folder.to_string());
    blocking(store, move |s| {
        let mut removed = 0;
        let mut identities = std::collections::HashSet::new();
        for uid in uids {
            let identity = ServerIdentity::Imap { uidvalidity, uid };
            if let Some(id) = s.message_by_identity(&acc, &loc, &identity)? {
                s.remove_message(id)?;
                identities.insert(identity);
                removed += 1;
            }
        }
        for tombstone in s.removed_identities(&acc)? {
            if tombstone.folder == loc && identities.contains(&tombstone.identity) {
                s.forget_removed(tombstone.tombstone)?;
            }
        }
        Ok(removed)
    })
    .await
}
