//! The steps of one folder's sync once it is selected: new messages in,
//! removed ones out, and how the flags are to be learned.

use super::connect::ServerCaps;
use super::error::ImapError;
use super::fetch::{FetchProgress, fetch_into_store};
use super::flags::ServerSide;
use super::select::Selected;
use super::session::ImapSession;
use super::store_work::blocking;
use crate::store::{FolderState, ServerIdentity, Store};
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

/// One folder's sync, once selected.
pub(super) struct FolderSync<'a> {
    pub session: &'a mut ImapSession,
    pub caps: &'a ServerCaps,
    pub store: &'a Store,
    pub account: &'a str,
    pub local: &'a str,
    pub uidvalidity: u32,
}

impl FolderSync<'_> {
    /// New messages in, removed ones out; returns how the flags are to be
    /// learned. QRESYNC says what changed; without it (or when its answer
    /// does not add up to what the server holds) the UIDs are listed.
    pub async fn bring_messages(
        mut self,
        state: &FolderState,
        selected: &Selected,
        report: &mut FolderReport,
        progress: &mut (dyn FnMut(FetchProgress) + Send),
    ) -> Result<ServerSide, ImapError> {
        let facts = &selected.facts;
        let exists = facts.exists.unwrap_or(0);
        if selected.resynced {
            report.removed = self.remove(selected.vanished.clone()).await?;
            let new = self.new_since(state.uidnext, facts.uidnext).await?;
            self.fetch(&new, report, progress).await?;
            if self.known_count().await? == u64::from(exists) {
                return Ok(ServerSide::Reported(selected.changed.clone()));
            }
        }
        let (acc, loc, uv) = self.names();
        let known = blocking(self.store, move |s| s.known_uids(&acc, &loc, uv)).await?;
        let same_generation = state.uidvalidity == Some(self.uidvalidity);
        let unchanged = same_generation
            && state.uidnext.is_some()
            && state.uidnext == facts.uidnext
            && known.len() == exists as usize;
        if !unchanged {
            let (new, gone) = server_changes(self.session, &known, exists).await?;
            self.fetch(&new, report, progress).await?;
            report.removed += self.remove(gone).await?;
        }
        Ok(match state.highestmodseq {
            Some(modseq) if same_generation && self.caps.condstore => {
                ServerSide::ChangedSince(modseq)
            }
            _ => ServerSide::All,
        })
    }

    fn names(&self) -> (String, String, u32) {
        (
            self.account.to_string(),
            self.local.to_string(),
            self.uidvalidity,
        )
    }

    async fn fetch(
        &mut self,
        new: &[u32],
        report: &mut FolderReport,
        progress: &mut (dyn FnMut(FetchProgress) + Send),
    ) -> Result<(), ImapError> {
        if new.is_empty() {
            return Ok(());
        }
        let condstore = self.caps.condstore;
        let counts = fetch_into_store(
            self.session,
            condstore,
            self.store,
            self.account,
            self.local,
            self.uidvalidity,
            new,
            progress,
        )
        .await?;
        report.fetched += counts.messages_done;
        report.bytes += counts.bytes_done;
        Ok(())
    }

    async fn remove(&self, uids: Vec<u32>) -> Result<u64, ImapError> {
        remove_local(self.store, self.account, self.local, self.uidvalidity, uids).await
    }

    /// UIDs from the previous UIDNEXT on that are not stored yet.
    async fn new_since(
        &mut self,
        old_next: Option<u32>,
        new_next: Option<u32>,
    ) -> Result<Vec<u32>, ImapError> {
        let Some(from) = old_next.filter(|_| old_next != new_next) else {
            return Ok(Vec::new());
        };
        let found = self
            .session
            .uid_search(format!("UID {from}:*"))
            .await
            .map_err(ImapError::from_imap)?;
        super::drain_unsolicited(self.session);
        let (acc, loc, uv) = self.names();
        let known = blocking(self.store, move |s| s.known_uids(&acc, &loc, uv)).await?;
        let mut new: Vec<u32> = found
            .into_iter()
            .filter(|uid| *uid >= from && !known.contains(uid))
            .collect();
        new.sort_unstable();
        Ok(new)
    }

    /// How many UIDs of this generation the store knows.
    async fn known_count(&self) -> Result<u64, ImapError> {
        let (acc, loc, uv) = self.names();
        blocking(self.store, move |s| s.known_uid_count(&acc, &loc, uv)).await
    }
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

/// The server started a new UID generation: the old UIDs mean nothing any
/// more. Messages of the old generation are dropped from the cache (they
/// come back with their new UIDs); local-only messages stay.
pub(super) async fn forget_generation(
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
