//! Keeping the selected folder live: IDLE where the server has it (new
//! mail is fetched the moment the server says EXISTS), else a NOOP poll.
//! Each change runs the folder sync, so what arrives is stored exactly as
//! a manual sync would store it.

use super::connect::connect;
use super::error::ImapError;
use super::fetch::FetchProgress;
use super::folders::list_folders;
use super::options::ConnectOptions;
use super::sync::{FolderReport, sync_folder};
use super::trace::TraceSink;
use crate::store::Store;
use async_imap::extensions::idle::IdleResponse;
use std::time::Duration;
use tokio::sync::Notify;

/// Servers drop an IDLE after 30 minutes (RFC 2177); renew well before.
pub const IDLE_RENEW: Duration = Duration::from_secs(25 * 60);
/// How often to look for changes on a server without IDLE.
pub const POLL_INTERVAL: Duration = Duration::from_secs(60);

/// Watches `folder` until an error (the caller reconnects) or until the
/// task is aborted. `on_sync` gets each re-sync's report; `nudge` asks for
/// a re-sync now (local flag changes or deletions to carry).
pub async fn watch_folder(
    opts: &ConnectOptions,
    store: &Store,
    account: &str,
    folder: &str,
    trace: Option<TraceSink>,
    nudge: &Notify,
    on_sync: &mut (dyn FnMut(FolderReport) + Send),
) -> Result<(), ImapError> {
    let connected = connect(opts, trace).await?;
    let caps = connected.caps.clone();
    let mut session = connected.session;
    let remote = list_folders(&mut session)
        .await?
        .into_iter()
        .find(|f| f.name == folder || f.local_name() == folder)
        .ok_or_else(|| ImapError::Server(format!("no folder \"{folder}\" on the server")))?;
    let mut ignore = |_: FetchProgress| {};
    loop {
        // Selects the folder and catches up on what happened meanwhile.
        let report = sync_folder(&mut session, &caps, store, account, &remote, &mut ignore).await?;
        on_sync(report);
        if caps.idle {
            let mut idle = session.idle();
            idle.init().await.map_err(ImapError::from_imap)?;
            let (wait, _stop) = idle.wait_with_timeout(IDLE_RENEW);
            // A nudge (local changes to carry) ends the IDLE like news does.
            let response = tokio::select! {
                response = wait => Some(response.map_err(ImapError::from_imap)?),
                () = nudge.notified() => None,
            };
            session = idle.done().await.map_err(ImapError::from_imap)?;
            super::drain_unsolicited(&mut session);
            if response == Some(IdleResponse::Timeout) {
                continue;
            }
        } else {
            tokio::select! {
                () = tokio::time::sleep(POLL_INTERVAL) => {}
                () = nudge.notified() => {}
            }
            session.noop().await.map_err(ImapError::from_imap)?;
            super::drain_unsolicited(&mut session);
        }
    }
}
