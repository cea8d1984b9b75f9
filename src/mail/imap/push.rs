//! Everything changed here carried to one account's server, in an order
//! that keeps mail safe: flags first (so a move takes them along), then
//! copies and uploads (before any source can go), moves, deletions, and
//! last the sources of moves to other accounts whose upload succeeded.
//! One push per account runs at a time in this process, so a sync, the
//! folder watch and an immediate push never move one message twice.

use super::connect::{ServerCaps, connect};
use super::error::ImapError;
use super::flags::push_selected;
use super::folders::{RemoteFolder, list_folders};
use super::options::ConnectOptions;
use super::pending::{Pending, PendingCounts};
use super::select::select;
use super::session::ImapSession;
use super::store_work::blocking;
use super::transfer_push::Outcome;
use crate::config::DeleteMode;
use crate::store::{FlagChange, Store, Transfer};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

/// The IMAP settings of every account, by name, so that a push that
/// uploaded a message moved from another account can delete its source
/// there at once.
pub type AccountBook = HashMap<String, ConnectOptions>;

/// An account's session ready to carry its changes.
pub struct PushTarget<'a> {
    pub session: &'a mut ImapSession,
    pub caps: &'a ServerCaps,
    pub store: &'a Store,
    pub account: &'a str,
    pub folders: &'a [RemoteFolder],
    pub delete: DeleteMode,
    pub book: Option<&'a AccountBook>,
}

/// The lock that keeps two pushes of one account (and store) apart.
fn push_lock(store: &Store, account: &str) -> Arc<tokio::sync::Mutex<()>> {
    type Locks = Mutex<HashMap<(std::path::PathBuf, String), Arc<tokio::sync::Mutex<()>>>>;
    static LOCKS: OnceLock<Locks> = OnceLock::new();
    let mut locks = LOCKS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    locks
        .entry((store.root().to_path_buf(), account.to_string()))
        .or_default()
        .clone()
}

impl PushTarget<'_> {
    /// Carries every local change of the account.
    pub async fn push_all(&mut self) -> Result<PendingCounts, ImapError> {
        let lock = push_lock(self.store, self.account);
        let _held = lock.lock().await;
        let acc = self.account.to_string();
        let (changes, into, tombstones, moves, out_of) = blocking(self.store, move |s| {
            Ok((
                s.flag_changes(&acc)?,
                s.transfers_into(&acc)?,
                s.removed_identities(&acc)?,
                s.local_moves(&acc)?,
                s.transfers_out_of(&acc)?,
            ))
        })
        .await?;
        let mut counts = PendingCounts::default();
        counts.flags = self.push_flags(changes, &mut counts.refused).await?;
        let mut pending = Pending {
            session: &mut *self.session,
            caps: self.caps,
            store: self.store,
            account: self.account,
            folders: self.folders,
            refused: counts.refused,
        };
        let transferred = pending.push_transfers_into(into).await?;
        counts.transferred = transferred.len() as u64;
        counts.moved = pending.push_moves(moves, self.delete).await?;
        counts.deleted = pending.push_deletions(tombstones).await?;
        counts.deleted += pending.push_sources_left(out_of).await?;
        counts.refused = pending.refused;
        if let Some(book) = self.book {
            delete_sources_elsewhere(self.store, book, transferred).await;
        }
        Ok(counts)
    }

    /// Local flag changes of every folder, one SELECT per folder.
    async fn push_flags(
        &mut self,
        changes: Vec<FlagChange>,
        refused: &mut u64,
    ) -> Result<u64, ImapError> {
        let mut by_folder: BTreeMap<(String, u32), Vec<FlagChange>> = BTreeMap::new();
        for change in changes {
            by_folder
                .entry((change.folder.clone(), change.uidvalidity))
                .or_default()
                .push(change);
        }
        let mut pushed = 0;
        for ((folder, uidvalidity), changes) in by_folder {
            let Some(remote) = self.folders.iter().find(|f| f.local_name() == folder) else {
                continue;
            };
            let selected = select(self.session, self.caps, &remote.name, None).await?;
            if selected.facts.uidvalidity != Some(uidvalidity) {
                // An old generation: the next sync drops those messages.
                continue;
            }
            let result = push_selected(
                self.session,
                self.store,
                self.account,
                &folder,
                uidvalidity,
                changes,
                &selected.facts,
            )
            .await;
            match result {
                Ok(n) => pushed += n,
                Err(ImapError::Server(reason)) => {
                    tracing::warn!(account = %self.account, %folder, "flags refused: {reason}");
                    *refused += 1;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(pushed)
    }
}

/// Carries every local change of `account` to the server on a session a
/// sync already has open.
pub async fn push_pending(
    session: &mut ImapSession,
    caps: &ServerCaps,
    store: &Store,
    account: &str,
    folders: &[RemoteFolder],
    delete: DeleteMode,
) -> Result<PendingCounts, ImapError> {
    let mut target = PushTarget {
        session,
        caps,
        store,
        account,
        folders,
        delete,
        book: None,
    };
    target.push_all().await
}

/// Connects, lists the folders and pushes everything `account` has
/// waiting; the session is logged out afterwards.
pub async fn push_account(
    opts: &ConnectOptions,
    store: &Store,
    account: &str,
    book: Option<&AccountBook>,
) -> Result<PendingCounts, ImapError> {
    let mut connected = connect(opts, None).await?;
    let folders = list_folders(&mut connected.session).await?;
    let mut target = PushTarget {
        session: &mut connected.session,
        caps: &connected.caps,
        store,
        account,
        folders: &folders,
        delete: opts.delete,
        book,
    };
    let counts = target.push_all().await;
    let _ = connected.session.logout().await;
    counts
}

/// After uploads of messages moved here from other accounts: their
/// sources are deleted on those accounts' servers now (a failure leaves
/// them to that account's next push or sync).
async fn delete_sources_elsewhere(
    store: &Store,
    book: &AccountBook,
    transferred: Vec<(Transfer, Outcome)>,
) {
    let mut accounts: Vec<String> = transferred
        .iter()
        .filter(|(_, outcome)| matches!(outcome, Outcome::SourceLeft))
        .filter_map(|(t, _)| t.source.as_ref().map(|s| s.account.clone()))
        .collect();
    accounts.sort();
    accounts.dedup();
    for account in accounts {
        let Some(opts) = book.get(&account) else {
            continue;
        };
        if let Err(e) = Box::pin(push_account(opts, store, &account, None)).await {
            tracing::info!(%account, "moved messages stay until the next sync: {e}");
        }
    }
}
