//! Carrying local deletions and moves to the server. The store keeps them
//! (tombstones for messages deleted for good, the identity's folder for
//! moved ones) until this has acted, so they survive a restart or a sync
//! while offline. Messages are handled per pair of folders with one
//! command each, and a moved message is re-filed locally under the UID
//! the server gave it (UIDPLUS's COPYUID, else a search by Message-ID), so
//! it is never downloaded again.

use super::connect::ServerCaps;
use super::error::ImapError;
use super::folders::{RemoteFolder, Role};
use super::raw::{self, quote};
use super::session::ImapSession;
use super::store_work::blocking;
use super::uidset::to_set;
use crate::config::DeleteMode;
use crate::store::{LocalMove, RemovedIdentity, ServerIdentity, Store};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PendingCounts {
    pub deleted: u64,
    pub moved: u64,
    /// Local flag changes carried (every folder).
    pub flags: u64,
    /// Copies and uploads between folders or accounts.
    pub transferred: u64,
    /// Changes the server refused (they stay queued; the log says why).
    pub refused: u64,
}

/// One account's session while its local changes are carried over.
pub(super) struct Pending<'a> {
    pub session: &'a mut ImapSession,
    pub caps: &'a ServerCaps,
    pub store: &'a Store,
    pub account: &'a str,
    pub folders: &'a [RemoteFolder],
    /// Groups of changes the server refused so far.
    pub refused: u64,
}

impl Pending<'_> {
    /// A server's NO or BAD to one group of changes is logged and counted
    /// and the others go on (the refused ones stay queued for the next
    /// push); a broken connection ends the push. True when it went through.
    pub fn tolerate(
        &mut self,
        result: Result<(), ImapError>,
        what: &str,
    ) -> Result<bool, ImapError> {
        Ok(self.tolerate_value(result, what)?.is_some())
    }

    /// Like `tolerate`, keeping the value of a change that went through.
    pub fn tolerate_value<T>(
        &mut self,
        result: Result<T, ImapError>,
        what: &str,
    ) -> Result<Option<T>, ImapError> {
        match result {
            Ok(value) => Ok(Some(value)),
            Err(ImapError::Server(reason)) => {
                tracing::warn!(account = %self.account, "the server refused {what}: {reason}");
                self.refused += 1;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// The server folder the local folder `local` stands for.
    pub fn server_folder(&self, local: &str) -> Option<RemoteFolder> {
        self.folders
            .iter()
            .find(|f| f.local_name() == local)
            .cloned()
    }

    /// The server folder for `local`, created on the server when it has
    /// none (a folder made here, e.g. a Trash the server lacked).
    pub async fn server_folder_or_create(
        &mut self,
        local: &str,
    ) -> Result<RemoteFolder, ImapError> {
        if let Some(folder) = self.server_folder(local) {
            return Ok(folder);
        }
        let delimiter = self.folders.iter().find_map(|f| f.delimiter.clone());
        let name = match delimiter.as_deref() {
            Some(d) if d != "." && !d.is_empty() => local.replace('.', d),
            _ => local.to_string(),
        };
        let reply = raw::command(self.session, &format!("CREATE {}", quote(&name)?)).await?;
        // Another client may have created it meanwhile: a NO is fine if
        // the folder is there now.
        if !reply.is_ok() {
            tracing::info!(folder = %name, "CREATE refused: {}", reply.text);
        }
        Ok(RemoteFolder {
            name,
            delimiter,
            role: None,
            selectable: true,
        })
    }

    /// Expunges the messages deleted here for good, one command per
    /// folder; each tombstone is forgotten once the server copy is gone.
    pub async fn push_deletions(
        &mut self,
        tombstones: Vec<RemovedIdentity>,
    ) -> Result<u64, ImapError> {
        let mut by_folder: BTreeMap<(String, u32), Vec<(u32, i64)>> = BTreeMap::new();
        for t in tombstones {
            if let ServerIdentity::Imap { uidvalidity, uid } = t.identity {
                by_folder
                    .entry((t.folder.clone(), uidvalidity))
                    .or_default()
                    .push((uid, t.tombstone));
            }
        }
        let mut deleted = 0;
        for ((folder, uidvalidity), entries) in by_folder {
            let uids: Vec<u32> = entries.iter().map(|e| e.0).collect();
            if let Some(remote) = self.server_folder(&folder) {
                match self.delete_in(&remote, uidvalidity, &uids).await {
                    Ok(true) => deleted += uids.len() as u64,
                    Ok(false) => {}
                    // Refused: the tombstones stay for the next push.
                    Err(e) => {
                        self.tolerate(Err(e), "a deletion")?;
                        continue;
                    }
                }
            }
            // Gone from the server, or from a generation that no longer exists.
            let ids: Vec<i64> = entries.iter().map(|e| e.1).collect();
            blocking(self.store, move |s| {
                ids.iter().try_for_each(|id| s.forget_removed(*id))
            })
            .await?;
        }
        Ok(deleted)
    }

    /// Expunges `uids` of `folder` if it still has `uidvalidity`.
    async fn delete_in(
        &mut self,
        folder: &RemoteFolder,
        uidvalidity: u32,
        uids: &[u32],
    ) -> Result<bool, ImapError> {
        if !select_generation(self.session, folder, uidvalidity).await? {
            return Ok(false);
        }
        expunge(self.session, self.caps, uids).await?;
        Ok(true)
    }

    /// Carries the local moves, one command per pair of folders.
    pub async fn push_moves(
        &mut self,
        moves: Vec<LocalMove>,
        delete: DeleteMode,
    ) -> Result<u64, ImapError> {
        let mut groups: BTreeMap<(String, String, u32), Vec<LocalMove>> = BTreeMap::new();
        for m in moves {
            if let ServerIdentity::Imap { uidvalidity, .. } = m.identity {
                let key = (m.from_folder.clone(), m.to_folder.clone(), uidvalidity);
                groups.entry(key).or_default().push(m);
            }
        }
        let mut moved = 0;
        for ((from, to, uidvalidity), group) in groups {
            let Some(source) = self.server_folder(&from) else {
                continue;
            };
            let result = self
                .move_group(&source, &to, uidvalidity, &group, delete)
                .await;
            if let Some(true) = self.tolerate_value(result, "a move")? {
                moved += group.len() as u64;
            }
        }
        Ok(moved)
    }

    /// One pair of folders' moves; false when the source folder has a new
    /// generation (the next sync drops those messages).
    async fn move_group(
        &mut self,
        source: &RemoteFolder,
        to: &str,
        uidvalidity: u32,
        group: &[LocalMove],
        delete: DeleteMode,
    ) -> Result<bool, ImapError> {
        let target = self.server_folder_or_create(to).await?;
        if !select_generation(self.session, source, uidvalidity).await? {
            return Ok(false);
        }
        if delete == DeleteMode::Expunge && target.role == Some(Role::Trash) {
            self.expunge_kept_in_trash(group).await?;
        } else {
            self.move_on_server(group, &target).await?;
        }
        Ok(true)
    }

    /// Deleting means gone on the server; the local Trash keeps a copy.
    async fn expunge_kept_in_trash(&mut self, group: &[LocalMove]) -> Result<(), ImapError> {
        expunge(self.session, self.caps, &uids_of(group)).await?;
        let moved: Vec<(i64, String)> = group.iter().map(|m| (m.id, m.to_folder.clone())).collect();
        blocking(self.store, move |s| {
            moved
                .iter()
                .try_for_each(|(id, folder)| s.set_identity(*id, folder, &ServerIdentity::Local))
        })
        .await
    }

    /// UID MOVE (or COPY and expunge), then each message is re-filed under
    /// its new UID; one the server did not tell about is dropped locally
    /// and comes back with the target folder's next sync.
    async fn move_on_server(
        &mut self,
        group: &[LocalMove],
        to: &RemoteFolder,
    ) -> Result<(), ImapError> {
        let uids = uids_of(group);
        let verb = if self.caps.moves { "MOVE" } else { "COPY" };
        let command = format!("UID {verb} {} {}", to_set(&uids), quote(&to.name)?);
        let reply = raw::command(self.session, &command).await?.check()?;
        if !self.caps.moves {
            expunge(self.session, self.caps, &uids).await?;
        }
        let mut new_uids: BTreeMap<u32, (u32, u32)> = BTreeMap::new();
        if let Some((validity, pairs)) = reply.copy_uids {
            for (old, new) in pairs {
                new_uids.insert(old, (validity, new));
            }
        }
        if new_uids.len() < group.len() {
            self.find_by_message_id(group, to, &mut new_uids).await?;
        }
        let refiled = refile_moves(self.store, self.account, group, &new_uids).await?;
        tracing::debug!(moved = group.len(), refiled, "moved on the server");
        Ok(())
    }

    /// Without COPYUID: looks for each moved message in the target folder
    /// by its Message-ID (one search per message, so only for small moves).
    async fn find_by_message_id(
        &mut self,
        group: &[LocalMove],
        to: &RemoteFolder,
        found: &mut BTreeMap<u32, (u32, u32)>,
    ) -> Result<(), ImapError> {
        const MAX_SEARCHES: usize = 50;
        let ids: Vec<i64> = group.iter().map(|m| m.id).collect();
        let message_ids = blocking(self.store, move |s| s.message_ids(&ids)).await?;
        let selected = super::select::select(self.session, self.caps, &to.name, None).await?;
        let Some(validity) = selected.facts.uidvalidity else {
            return Ok(());
        };
        for (m, message_id) in group.iter().zip(message_ids).take(MAX_SEARCHES) {
            let (ServerIdentity::Imap { uid, .. }, Some(message_id)) = (&m.identity, message_id)
            else {
                continue;
            };
            if found.contains_key(uid) || message_id.contains(['"', '\\', '\r', '\n']) {
                continue;
            }
            let hits = raw::command(
                self.session,
                &format!("UID SEARCH HEADER Message-ID \"{message_id}\""),
            )
            .await?;
            if let [hit] = hits.searched[..] {
                found.insert(*uid, (validity, hit));
            }
        }
        Ok(())
    }
}

/// Re-files moved messages under their new identities (their old ones'
/// tombstones go too); those without one are dropped locally.
async fn refile_moves(
    store: &Store,
    account: &str,
    group: &[LocalMove],
    new_uids: &BTreeMap<u32, (u32, u32)>,
) -> Result<usize, ImapError> {
    let acc = account.to_string();
    let group = group.to_vec();
    let new_uids = new_uids.clone();
    blocking(store, move |s| {
        let mut refiled = 0;
        for m in &group {
            let ServerIdentity::Imap { uid, .. } = m.identity else {
                continue;
            };
            match new_uids.get(&uid) {
                Some(&(uidvalidity, new)) => {
                    let identity = ServerIdentity::Imap {
                        uidvalidity,
                        uid: new,
                    };
                    s.refile(m.id, &m.to_folder, &identity, None)?;
                    refiled += 1;
                }
                None => s.discard(m.id)?,
            }
            s.ensure_folder(&acc, &m.to_folder, None)?;
        }
        for t in s.removed_identities(&acc)? {
            if group
                .iter()
                .any(|m| t.folder == m.from_folder && t.identity == m.identity)
            {
                s.forget_removed(t.tombstone)?;
            }
        }
        Ok(refiled)
    })
    .await
}

fn uids_of(group: &[LocalMove]) -> Vec<u32> {
    let mut uids: Vec<u32> = group
        .iter()
        .filter_map(|m| match m.identity {
            ServerIdentity::Imap { uid, .. } => Some(uid),
            _ => None,
        })
        .collect();
    uids.sort_unstable();
    uids.dedup();
    uids
}

/// Selects `folder` and tells whether it still has `uidvalidity`.
pub(super) async fn select_generation(
    session: &mut ImapSession,
    folder: &RemoteFolder,
    uidvalidity: u32,
) -> Result<bool, ImapError> {
    let reply = raw::command(session, &format!("SELECT {}", quote(&folder.name)?))
        .await?
        .check()?;
    super::drain_unsolicited(session);
    Ok(reply.mailbox.uidvalidity == Some(uidvalidity))
}

/// Marks messages \Deleted and expunges them (only them, with UIDPLUS).
pub(super) async fn expunge(
    session: &mut ImapSession,
    caps: &ServerCaps,
    uids: &[u32],
) -> Result<(), ImapError> {
    if uids.is_empty() {
        return Ok(());
    }
    let set = to_set(uids);
    raw::command(
        session,
        &format!("UID STORE {set} +FLAGS.SILENT (\\Deleted)"),
    )
    .await?
    .check()?;
    let command = if caps.uidplus {
        format!("UID EXPUNGE {set}")
    } else {
        "EXPUNGE".to_string()
    };
    raw::command(session, &command).await?.check()?;
    super::drain_unsolicited(session);
    Ok(())
}
