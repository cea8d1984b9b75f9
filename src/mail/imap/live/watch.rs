//! The watch on an open connection, once every folder is in step: NOTIFY
//! where the server has it (each change in any folder arrives at once),
//! else IDLE on INBOX with the other folders looked at every poll
//! interval, else polling alone. Whatever changed is synced; what the
//! watch finds nothing in costs the interface nothing.

use super::{Live, LiveControl};
use crate::mail::imap::connect::ServerCaps;
use crate::mail::imap::error::ImapError;
use crate::mail::imap::events::{ImapEvent, WatchMode};
use crate::mail::imap::folders::RemoteFolder;
use crate::mail::imap::notify::{Change, NOTIFY_SET, classify};
use crate::mail::imap::push::push_pending;
use crate::mail::imap::raw_stream::{self as raw, IdleEnd};
use crate::mail::imap::session::ImapSession;
use crate::mail::imap::status::{FolderStatus, same_name};
use std::collections::HashMap;
use std::time::Duration;

/// Servers drop an IDLE after 30 minutes (RFC 2177); renew well before.
pub const IDLE_RENEW: Duration = Duration::from_secs(25 * 60);
/// Catch-up rounds after news before the watch idles again anyway; each
/// round recovers what arrived while the previous one was syncing.
const CATCH_UP_ROUNDS: usize = 3;

/// What woke the watch.
enum Wake {
    Changes(Vec<Change>),
    /// Time for the poll (or an IDLE renewal, when there is no poll).
    Timer,
    Control(LiveControl),
    /// Nobody wants the account any more.
    Closed,
}

/// The watch's state on one connection.
struct Watching<'a> {
    session: &'a mut ImapSession,
    caps: &'a ServerCaps,
    folders: &'a mut Vec<RemoteFolder>,
    mode: WatchMode,
    /// Unseen counts between looks (flag changes without CONDSTORE).
    last_seen: HashMap<String, FolderStatus>,
}

impl Live {
    /// Watches until the connection breaks (`Err`) or the account's
    /// control channel closes (`Ok`).
    pub(super) async fn watch(
        &mut self,
        session: &mut ImapSession,
        caps: &ServerCaps,
        folders: &mut Vec<RemoteFolder>,
    ) -> Result<(), ImapError> {
        let mode = self.start_watch(session, caps).await;
        let event = ImapEvent::Watching {
            job: self.job,
            account: self.account.clone(),
            mode,
        };
        self.events.send(event).await;
        let mut w = Watching {
            session,
            caps,
            folders,
            mode,
            last_seen: HashMap::new(),
        };
        loop {
            if matches!(mode, WatchMode::Idle { .. }) {
                self.select_inbox(&mut w).await?;
            }
            let news = match self.wait(&mut w).await? {
                Wake::Closed => return Ok(()),
                Wake::Control(control) => self.on_control(&mut w, control).await?,
                Wake::Changes(changes) => self.on_changes(&mut w, changes).await?,
                Wake::Timer => self.on_timer(&mut w).await?,
            };
            if news && mode == WatchMode::Notify {
                // What the server reported while we were busy syncing is
                // not kept by async-imap: the counts tell.
                for _ in 0..CATCH_UP_ROUNDS {
                    if !self.look(&mut w).await? {
                        break;
                    }
                }
            }
        }
    }

    /// Turns NOTIFY on where offered and wanted; says how the account is
    /// watched.
    async fn start_watch(&mut self, session: &mut ImapSession, caps: &ServerCaps) -> WatchMode {
        let poll = self.settings.poll;
        if caps.notify && self.settings.notify {
            match raw::command(session, NOTIFY_SET, &mut |_| {}).await {
                Ok(()) => return WatchMode::Notify,
                Err(e) => {
                    tracing::info!(account = %self.account, "NOTIFY refused: {e}");
                    self.trace
                        .note(format!("NOTIFY refused ({e}); IDLE and polling"));
                }
            }
        }
        if caps.idle {
            WatchMode::Idle { poll }
        } else {
            WatchMode::Poll { poll }
        }
    }

    /// Waits for news, the timer or a request from the interface.
    async fn wait(&mut self, w: &mut Watching<'_>) -> Result<Wake, ImapError> {
        let limit = match w.mode {
            WatchMode::Notify | WatchMode::Idle { poll: None } => IDLE_RENEW,
            WatchMode::Idle { poll: Some(poll) } => poll.min(IDLE_RENEW),
            WatchMode::Poll { poll } => {
                let timer = async {
                    match poll {
                        Some(poll) => tokio::time::sleep(poll).await,
                        None => std::future::pending().await,
                    }
                };
                return Ok(tokio::select! {
                    () = timer => Wake::Timer,
                    control = self.control.recv() => control.map_or(Wake::Closed, Wake::Control),
                });
            }
        };
        let mut changes = Vec::new();
        let mut news = |response: &async_imap::imap_proto::Response<'_>| match classify(response) {
            Some(change) => {
                changes.push(change);
                true
            }
            None => false,
        };
        let end = raw::idle(w.session, limit, self.control.recv(), &mut news).await?;
        Ok(match end {
            IdleEnd::News => Wake::Changes(changes),
            IdleEnd::TimedOut => Wake::Timer,
            IdleEnd::Interrupted(None) => Wake::Closed,
            IdleEnd::Interrupted(Some(control)) => Wake::Control(control),
        })
    }

    /// A sync asked for, or local changes to carry. Returns whether
    /// anything was synced.
    async fn on_control(
        &mut self,
        w: &mut Watching<'_>,
        control: LiveControl,
    ) -> Result<bool, ImapError> {
        match control {
            LiveControl::Pass { first } => {
                *w.folders = self.refresh_folders(w.session).await?;
                self.run_pass(w.session, w.caps, w.folders, &first).await?;
                Ok(true)
            }
            LiveControl::Nudge { folder } => {
                push_pending(
                    w.session,
                    w.caps,
                    &self.store,
                    &self.account,
                    w.folders,
                    self.options.delete,
                )
                .await?;
                let nudged = folder.and_then(|name| find(w.folders, &name));
                if let Some(folder) = nudged {
                    self.sync_quietly(w.session, w.caps, &folder, None).await?;
                }
                // Moves and deletions changed other folders (Trash) too.
                self.look(w).await?;
                Ok(true)
            }
        }
    }

    /// Syncs what the server reported. Returns whether anything was
    /// synced.
    async fn on_changes(
        &mut self,
        w: &mut Watching<'_>,
        changes: Vec<Change>,
    ) -> Result<bool, ImapError> {
        let mut todo: Vec<(String, Option<FolderStatus>)> = Vec::new();
        for change in changes {
            match change {
                Change::Selected => {
                    if let Some(name) = self.selected.clone()
                        && !todo.iter().any(|(n, _)| *n == name)
                    {
                        todo.push((name, None));
                    }
                }
                Change::Status(name, status) => {
                    todo.retain(|(n, _)| *n != name);
                    todo.push((name, Some(status)));
                }
                Change::FolderList => *w.folders = self.refresh_folders(w.session).await?,
                Change::Overflow => {
                    self.look(w).await?;
                }
            }
        }
        for (name, status) in todo {
            if let Some(folder) = find(w.folders, &name) {
                self.sync_quietly(w.session, w.caps, &folder, status)
                    .await?;
            }
        }
        Ok(true)
    }

    /// The poll (IDLE mode: the folders IDLE does not cover; poll mode:
    /// every folder); with NOTIFY only an IDLE renewal.
    async fn on_timer(&mut self, w: &mut Watching<'_>) -> Result<bool, ImapError> {
        match w.mode {
            WatchMode::Notify => Ok(false),
            WatchMode::Idle { .. } | WatchMode::Poll { .. } => self.look(w).await,
        }
    }

    /// Every folder's counts, and a sync of each one that moved.
    async fn look(&mut self, w: &mut Watching<'_>) -> Result<bool, ImapError> {
        self.catch_up_with(w.session, w.caps, w.folders, &mut w.last_seen)
            .await
    }

    /// IDLE watches the selected folder: make it INBOX again (catching up
    /// on it) after other folders were synced.
    async fn select_inbox(&mut self, w: &mut Watching<'_>) -> Result<(), ImapError> {
        if self
            .selected
            .as_deref()
            .is_some_and(|s| same_name(s, "INBOX"))
        {
            return Ok(());
        }
        match find(w.folders, "INBOX") {
            Some(inbox) => self.sync_quietly(w.session, w.caps, &inbox, None).await,
            None => Ok(()),
        }
    }
}

/// The folder named `name` (server or local spelling).
fn find(folders: &[RemoteFolder], name: &str) -> Option<RemoteFolder> {
    folders
        .iter()
        .find(|f| same_name(&f.name, name) || f.local_name() == name)
        .cloned()
}
