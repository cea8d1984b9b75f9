//! Carrying local deletions and moves to the server. The store keeps them
//! (tombstones for messages deleted for good, the identity's folder for
//! moved ones) until this has acted, so they survive a restart or a
//! sync while offline.

use super::connect::ServerCaps;
use super::error::ImapError;
use super::folders::{RemoteFolder, Role};
use super::session::ImapSession;
use super::store_work::blocking;
use super::uidset::to_set;
use crate::config::DeleteMode;
use crate::store::{ServerIdentity, Store};
use futures::TryStreamExt;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PendingCounts {
    pub deleted: u64,
    pub moved: u64,
}

pub async fn push_pending(
    session: &mut ImapSession,
    caps: &ServerCaps,
    store: &Store,
    account: &str,
    folders: &[RemoteFolder],
    delete: DeleteMode,
) -> Result<PendingCounts, ImapError> {
    let acc = account.to_string();
    let (tombstones, moves) = blocking(store, move |s| {
        Ok((s.removed_identities(&acc)?, s.local_moves(&acc)?))
    })
    .await?;
    let mut counts = PendingCounts::default();
    let server_name = |local: &str| folders.iter().find(|f| f.local_name() == local).cloned();
    for tombstone in tombstones {
        let ServerIdentity::Imap { uidvalidity, uid } = tombstone.identity else {
            continue;
        };
        if let Some(folder) = server_name(&tombstone.folder)
            && select_generation(session, &folder, uidvalidity).await?
        {
            expunge(session, caps, uid).await?;
            counts.deleted += 1;
        }
        // Gone from the server, or from a generation that no longer exists.
        blocking(store, move |s| s.forget_removed(tombstone.tombstone)).await?;
    }
    for moved in moves {
        let ServerIdentity::Imap { uidvalidity, uid } = moved.identity else {
            continue;
        };
        let (Some(from), Some(to)) = (
            server_name(&moved.from_folder),
            server_name(&moved.to_folder),
        ) else {
            continue;
        };
        if !select_generation(session, &from, uidvalidity).await? {
            continue;
        }
        let id = moved.id;
        if delete == DeleteMode::Expunge && to.role == Some(Role::Trash) {
            // Deleting means gone on the server; the local Trash keeps a copy.
            expunge(session, caps, uid).await?;
            let folder = moved.to_folder.clone();
            blocking(store, move |s| {
                s.set_identity(id, &folder, &ServerIdentity::Local)
            })
            .await?;
        } else {
            if caps.moves {
                session
                    .uid_mv(uid.to_string(), &to.name)
                    .await
                    .map_err(ImapError::from_imap)?;
            } else {
                session
                    .uid_copy(uid.to_string(), &to.name)
                    .await
                    .map_err(ImapError::from_imap)?;
                expunge(session, caps, uid).await?;
            }
            // The server gave it a new UID in the target folder; syncing that
            // folder brings it back under its new identity.
            let (acc, to_folder) = (account.to_string(), moved.to_folder.clone());
            let identity = moved.identity.clone();
            let from_folder = moved.from_folder.clone();
            blocking(store, move |s| {
                s.remove_message(id)?;
                for t in s.removed_identities(&acc)? {
                    if t.folder == from_folder && t.identity == identity {
                        s.forget_removed(t.tombstone)?;
                    }
                }
                s.ensure_folder(&acc, &to_folder, None)
            })
            .await?;
        }
        super::drain_unsolicited(session);
        counts.moved += 1;
    }
    Ok(counts)
}

/// Selects `folder` and tells whether it still has `uidvalidity`.
async fn select_generation(
    session: &mut ImapSession,
    folder: &RemoteFolder,
    uidvalidity: u32,
) -> Result<bool, ImapError> {
    let mailbox = session
        .select(&folder.name)
        .await
        .map_err(ImapError::from_imap)?;
    super::drain_unsolicited(session);
    Ok(mailbox.uid_validity == Some(uidvalidity))
}

/// Marks one message \Deleted and expunges it (only it, with UIDPLUS).
async fn expunge(session: &mut ImapSession, caps: &ServerCaps, uid: u32) -> Result<(), ImapError> {
    let set = to_set(&[uid]);
    let _: Vec<_> = session
        .uid_store(&set, "+FLAGS.SILENT (\\Deleted)")
        .await
        .map_err(ImapError::from_imap)?
        .try_collect()
        .await
        .map_err(ImapError::from_imap)?;
    let _: Vec<_> = if caps.uidplus {
        session
            .uid_expunge(&set)
            .await
            .map_err(ImapError::from_imap)?
            .try_collect()
            .await
    } else {
        session
            .expunge()
            .await
            .map_err(ImapError::from_imap)?
            .try_collect()
            .await
    }
    .map_err(ImapError::from_imap)?;
    super::drain_unsolicited(session);
    Ok(())
}
