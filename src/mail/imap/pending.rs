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
use crate::store::{LocalMove, RemovedIdentity, ServerIdentity, Store};
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
    let mut pending = Pending {
        session,
        caps,
        store,
        account,
        folders,
    };
    let deleted = pending.push_deletions(tombstones).await?;
    let moved = pending.push_moves(moves, delete).await?;
    Ok(PendingCounts { deleted, moved })
}

/// One account's session while its local changes are carried over.
struct Pending<'a> {
    session: &'a mut ImapSession,
    caps: &'a ServerCaps,
    store: &'a Store,
    account: &'a str,
    folders: &'a [RemoteFolder],
}

impl Pending<'_> {
    /// The server folder the local folder `local` stands for.
    fn server_folder(&self, local: &str) -> Option<RemoteFolder> {
        self.folders
            .iter()
            .find(|f| f.local_name() == local)
            .cloned()
    }

    /// Expunges the messages deleted here for good; each tombstone is
    /// forgotten once the server copy is gone.
    async fn push_deletions(&mut self, tombstones: Vec<RemovedIdentity>) -> Result<u64, ImapError> {
        let mut deleted = 0;
        for tombstone in tombstones {
            let ServerIdentity::Imap { uidvalidity, uid } = tombstone.identity else {
                continue;
            };
            if let Some(folder) = self.server_folder(&tombstone.folder)
                && select_generation(self.session, &folder, uidvalidity).await?
            {
                expunge(self.session, self.caps, uid).await?;
                deleted += 1;
            }
            // Gone from the server, or from a generation that no longer exists.
            blocking(self.store, move |s| s.forget_removed(tombstone.tombstone)).await?;
        }
        Ok(deleted)
    }

    /// Carries the local moves whose folders are still on the server.
    async fn push_moves(
        &mut self,
        moves: Vec<LocalMove>,
        delete: DeleteMode,
    ) -> Result<u64, ImapError> {
        let mut moved = 0;
        for local in moves {
            let ServerIdentity::Imap { uidvalidity, uid } = local.identity else {
                continue;
            };
            let (Some(from), Some(to)) = (
                self.server_folder(&local.from_folder),
                self.server_folder(&local.to_folder),
            ) else {
                continue;
            };
            if !select_generation(self.session, &from, uidvalidity).await? {
                continue;
            }
            if delete == DeleteMode::Expunge && to.role == Some(Role::Trash) {
                self.expunge_kept_in_trash(&local, uid).await?;
            } else {
                self.move_on_server(&local, uid, &to).await?;
            }
            super::drain_unsolicited(self.session);
            moved += 1;
        }
        Ok(moved)
    }

    /// Deleting means gone on the server; the local Trash keeps a copy.
    async fn expunge_kept_in_trash(
        &mut self,
        local: &LocalMove,
        uid: u32,
    ) -> Result<(), ImapError> {
        expunge(self.session, self.caps, uid).await?;
        let (id, folder) = (local.id, local.to_folder.clone());
        blocking(self.store, move |s| {
            s.set_identity(id, &folder, &ServerIdentity::Local)
        })
        .await?;
        Ok(())
    }

    /// The server gives the message a new UID in the target folder;
    /// syncing that folder brings it back under its new identity, so the
    /// local copy (and any tombstone of its old identity) goes.
    async fn move_on_server(
        &mut self,
        local: &LocalMove,
        uid: u32,
        to: &RemoteFolder,
    ) -> Result<(), ImapError> {
        if self.caps.moves {
            self.session
                .uid_mv(uid.to_string(), &to.name)
                .await
                .map_err(ImapError::from_imap)?;
        } else {
            self.session
                .uid_copy(uid.to_string(), &to.name)
                .await
                .map_err(ImapError::from_imap)?;
            expunge(self.session, self.caps, uid).await?;
        }
        let id = local.id;
        let (acc, to_folder) = (self.account.to_string(), local.to_folder.clone());
        let identity = local.identity.clone();
        let from_folder = local.from_folder.clone();
        blocking(self.store, move |s| {
            s.remove_message(id)?;
            for t in s.removed_identities(&acc)? {
                if t.folder == from_folder && t.identity == identity {
                    s.forget_removed(t.tombstone)?;
                }
            }
            s.ensure_folder(&acc, &to_folder, None)
        })
        .await?;
        Ok(())
    }
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
