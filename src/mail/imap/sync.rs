//! Bringing one server folder and its local copy into step: UIDVALIDITY,
//! new messages, messages removed on the server, flag changes. With
//! QRESYNC the SELECT says what changed since the last sync; otherwise
//! the UIDs are listed, and CONDSTORE's CHANGEDSINCE (or the whole list)
//! gives the flags. The steps are in `sync_steps`.

use super::connect::ServerCaps;
use super::error::ImapError;
use super::fetch::FetchProgress;
use super::flags::reconcile_flags;
use super::folders::{RemoteFolder, Role};
use super::raw::MailboxFacts;
use super::select::{Resync, select};
use super::session::ImapSession;
use super::store_work::blocking;
pub use super::sync_steps::FolderReport;
use super::sync_steps::{FolderSync, forget_generation};
use crate::store::{FolderRole, FolderState, Store};

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
    let state = load_state(store, account, &local, folder.role).await?;
    let selected = select(session, caps, &folder.name, Resync::after(&state)).await?;
    let facts = selected.facts.clone();
    let uidvalidity = facts.uidvalidity.unwrap_or(0);
    if let Some(old) = state.uidvalidity
        && old != uidvalidity
    {
        forget_generation(store, account, &local, old).await?;
        report.rebuilt = true;
    }
    let steps = FolderSync {
        session: &mut *session,
        caps,
        store,
        account,
        local: &local,
        uidvalidity,
    };
    let server = steps
        .bring_messages(&state, &selected, &mut report, progress)
        .await?;
    let legacy = state
        .highestmodseq
        .filter(|_| state.uidvalidity == Some(uidvalidity));
    let counts = reconcile_flags(
        session,
        caps,
        store,
        account,
        &local,
        uidvalidity,
        server,
        &facts,
        legacy,
    )
    .await?;
    report.flags_updated = counts.pulled;
    report.flags_pushed = counts.pushed;
    save_state(store, account, &local, uidvalidity, &facts).await?;
    Ok(report)
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

/// Records where the folder stands now, for the next sync to start from.
async fn save_state(
    store: &Store,
    account: &str,
    folder: &str,
    uidvalidity: u32,
    facts: &MailboxFacts,
) -> Result<(), ImapError> {
    let (acc, loc) = (account.to_string(), folder.to_string());
    let new_state = FolderState {
        uidvalidity: Some(uidvalidity),
        uidnext: facts.uidnext,
        highestmodseq: facts.highest_modseq,
        last_sync: Some(now_seconds()),
        message_count: facts.exists.map(u64::from),
    };
    blocking(store, move |s| s.set_folder_state(&acc, &loc, &new_state)).await
}

fn now_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
