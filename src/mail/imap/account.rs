//! Syncing a whole account: connect, list folders, sync the chosen folder
//! first and then the others. Used by the headless `wirepost sync` and by
//! the Inbox's sync job.

use super::connect::connect;
use super::error::ImapError;
use super::fetch::FetchProgress;
use super::folders::{RemoteFolder, list_folders_capped};
use super::options::ConnectOptions;
use super::store_work::blocking;
use super::sync::{FolderReport, store_role, sync_folder};
use super::trace::TraceSink;
use crate::store::{FolderRole, Store};

/// Which folders to sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderChoice {
    /// This one only (local or server spelling).
    One(String),
    /// This one first, then every other.
    FirstThenAll(String),
}

/// What the sync reports while it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncUpdate {
    /// The folder list is known (all of them, in display order).
    Folders(Vec<RemoteFolder>),
    /// Now syncing this folder (local name).
    Folder(String),
    Progress(FetchProgress),
    FolderDone(FolderReport),
    /// The server listed more folders than [`super::folders::MAX_FOLDERS`];
    /// only `kept` of `listed` are synced and shown.
    FoldersCapped {
        listed: usize,
        kept: usize,
    },
}

/// Syncs `account` into the store.
pub async fn sync_account(
    opts: &ConnectOptions,
    store: &Store,
    account: &str,
    choice: &FolderChoice,
    trace: Option<TraceSink>,
    updates: &mut (dyn FnMut(SyncUpdate) + Send),
) -> Result<Vec<FolderReport>, ImapError> {
    let mut connected = connect(opts, trace).await?;
    let list = list_folders_capped(&mut connected.session).await?;
    if list.dropped() > 0 {
        updates(SyncUpdate::FoldersCapped {
            listed: list.listed,
            kept: list.folders.len(),
        });
    }
    let folders = list.folders;
    register_folders(store, account, &folders).await?;
    updates(SyncUpdate::Folders(folders.clone()));
    super::push::push_pending(
        &mut connected.session,
        &connected.caps,
        store,
        account,
        &folders,
        opts.delete,
    )
    .await?;
    let order = sync_order(&folders, choice)?;
    let mut reports = Vec::new();
    for folder in order {
        updates(SyncUpdate::Folder(folder.local_name()));
        let mut on_progress = |p: FetchProgress| updates(SyncUpdate::Progress(p));
        let report = sync_folder(
            &mut connected.session,
            &connected.caps,
            store,
            account,
            &folder,
            &mut on_progress,
        )
        .await?;
        updates(SyncUpdate::FolderDone(report.clone()));
        reports.push(report);
    }
    let _ = connected.session.logout().await;
    Ok(reports)
}

/// Every listed folder in the store, with its role.
pub(crate) async fn register_folders(
    store: &Store,
    account: &str,
    folders: &[RemoteFolder],
) -> Result<(), ImapError> {
    let names: Vec<(String, Option<FolderRole>)> = folders
        .iter()
        .map(|f| (f.local_name(), store_role(f.role)))
        .collect();
    let acc = account.to_string();
    blocking(store, move |s| s.ensure_folders(&acc, &names)).await
}

/// The folders to sync, in order: the chosen one, then (for
/// [`FolderChoice::FirstThenAll`]) every other selectable one.
pub(crate) fn sync_order(
    folders: &[RemoteFolder],
    choice: &FolderChoice,
) -> Result<Vec<RemoteFolder>, ImapError> {
    let wanted = match choice {
        FolderChoice::One(name) | FolderChoice::FirstThenAll(name) => name,
    };
    let first = folders
        .iter()
        .find(|f| f.name == *wanted || f.local_name() == *wanted)
        .ok_or_else(|| ImapError::Server(format!("no folder \"{wanted}\" on the server")))?
        .clone();
    let mut order = vec![first.clone()];
    if matches!(choice, FolderChoice::FirstThenAll(_)) {
        order.extend(
            folders
                .iter()
                .filter(|f| f.selectable && **f != first)
                .cloned(),
        );
    }
    Ok(order)
}
