//! Syncing folders for the live task: a pass over every folder (a job
//! with per-folder progress), one folder quietly when the watch saw it
//! change, and the catch-up that looks at every folder's counts and syncs
//! those that moved since their last sync.

use super::Live;
use crate::mail::imap::account::{FolderChoice, sync_order};
use crate::mail::imap::connect::ServerCaps;
use crate::mail::imap::error::ImapError;
use crate::mail::imap::events::ImapEvent;
use crate::mail::imap::fetch::FetchProgress;
use crate::mail::imap::folders::RemoteFolder;
use crate::mail::imap::session::ImapSession;
use crate::mail::imap::status::{self, FolderStatus, needs_sync};
use crate::mail::imap::store_work::blocking;
use crate::mail::imap::sync::{FolderReport, sync_folder};
use crate::report::{JobEvent, Level};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Progress reports per folder at most this often (and at the end), so a
/// 100,000-message download costs the interface a few events a second.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

impl Live {
    /// Syncs every selectable folder, `first` first (INBOX when the server
    /// has no such folder), as the job the status line shows. A folder the
    /// server refuses is skipped and named in the summary.
    pub(super) async fn run_pass(
        &mut self,
        session: &mut ImapSession,
        caps: &ServerCaps,
        folders: &[RemoteFolder],
        first: &str,
    ) -> Result<(), ImapError> {
        self.start_job().await;
        let order = sync_order(folders, &FolderChoice::FirstThenAll(first.to_string()))
            .or_else(|_| sync_order(folders, &FolderChoice::FirstThenAll("INBOX".into())))?;
        let pass = ImapEvent::Pass {
            job: self.job,
            account: self.account.clone(),
            folders: order.iter().map(RemoteFolder::local_name).collect(),
        };
        self.events.send(pass).await;
        let (mut fetched, mut removed, mut refused) = (0, 0, Vec::new());
        for folder in &order {
            let event = ImapEvent::Folder {
                job: self.job,
                account: self.account.clone(),
                folder: folder.local_name(),
            };
            self.events.send(event).await;
            let report = match self.sync_one(session, caps, folder, true).await {
                Ok(report) => report,
                Err(ImapError::Server(why)) => {
                    refused.push(format!("{}: {why}", folder.local_name()));
                    FolderReport {
                        folder: folder.local_name(),
                        ..Default::default()
                    }
                }
                Err(e) => return Err(e),
            };
            fetched += report.fetched;
            removed += report.removed;
            self.folder_done(report).await;
        }
        let mut summary = format!(
            "{}: {} folder(s) in step, {fetched} new, {removed} removed",
            self.account,
            order.len() - refused.len()
        );
        if !refused.is_empty() {
            summary.push_str(&format!("; refused: {}", refused.join("; ")));
        }
        self.finish_job(Ok(summary)).await;
        Ok(())
    }

    /// Syncs `folder` because the watch saw it change. Reports only what
    /// changed something; a folder the server refuses is left until its
    /// counts change (`status`), so a broken folder cannot loop the watch.
    pub(super) async fn sync_quietly(
        &mut self,
        session: &mut ImapSession,
        caps: &ServerCaps,
        folder: &RemoteFolder,
        status: Option<FolderStatus>,
    ) -> Result<(), ImapError> {
        if let Some(status) = status
            && self.refused.get(&folder.name) == Some(&status)
        {
            return Ok(());
        }
        match self.sync_one(session, caps, folder, false).await {
            Ok(report) => {
                self.refused.remove(&folder.name);
                let changed =
                    report.fetched + report.removed + report.flags_updated + report.flags_pushed
                        > 0;
                if report.fetched > 0 {
                    let text = format!(
                        "{}/{}: {} new message(s)",
                        self.account, report.folder, report.fetched
                    );
                    self.events.notice(Level::Info, text).await;
                }
                if changed {
                    self.folder_done(report).await;
                }
                Ok(())
            }
            Err(ImapError::Server(why)) => {
                let text = format!("{}: {}: {why}", self.account, folder.local_name());
                tracing::warn!("{text}");
                self.trace.note(text);
                self.refused
                    .insert(folder.name.clone(), status.unwrap_or_default());
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    async fn folder_done(&self, report: FolderReport) {
        let event = ImapEvent::FolderDone {
            job: self.job,
            account: self.account.clone(),
            report,
        };
        self.events.send(event).await;
    }

    /// One folder sync with its progress reported at most every
    /// [`PROGRESS_EVERY`]; `job_progress` also feeds the status line.
    async fn sync_one(
        &mut self,
        session: &mut ImapSession,
        caps: &ServerCaps,
        folder: &RemoteFolder,
        job_progress: bool,
    ) -> Result<FolderReport, ImapError> {
        let (job, events) = (self.job, self.events.clone());
        let (account, name) = (self.account.clone(), folder.local_name());
        let mut last: Option<Instant> = None;
        let mut on_progress = move |progress: FetchProgress| {
            let finished = progress.messages_done >= progress.messages_total;
            if !finished && last.is_some_and(|t| t.elapsed() < PROGRESS_EVERY) {
                return;
            }
            last = Some(Instant::now());
            // Advisory: dropped when the interface is behind.
            events.try_send(ImapEvent::Progress {
                job,
                account: account.clone(),
                folder: name.clone(),
                progress,
            });
            if job_progress {
                events.try_job(JobEvent::Progress {
                    job,
                    done: progress.messages_done,
                    total: progress.messages_total,
                });
            }
        };
        // A failed SELECT leaves no folder selected.
        self.selected = None;
        let report = sync_folder(
            session,
            caps,
            &self.store,
            &self.account,
            folder,
            &mut on_progress,
        )
        .await?;
        self.selected = Some(folder.name.clone());
        Ok(report)
    }

    /// Looks at every folder's counts and syncs those that changed since
    /// their last sync; `last_seen` keeps the unseen counts between looks
    /// (what shows a flag change on a server without CONDSTORE). Returns
    /// whether any folder was synced.
    pub(super) async fn catch_up_with(
        &mut self,
        session: &mut ImapSession,
        caps: &ServerCaps,
        folders: &mut Vec<RemoteFolder>,
        last_seen: &mut HashMap<String, FolderStatus>,
    ) -> Result<bool, ImapError> {
        let poll = status::poll(session, caps, folders).await?;
        if let Some(names) = &poll.names
            && folders_changed(folders, names)
        {
            *folders = self.refresh_folders(session).await?;
        }
        let (account, locals) = (
            self.account.clone(),
            folders
                .iter()
                .map(RemoteFolder::local_name)
                .collect::<Vec<_>>(),
        );
        let saved = blocking(&self.store, move |s| {
            locals
                .into_iter()
                .map(|name| Ok((s.folder_state(&account, &name)?, name)))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
        let mut synced = false;
        for (folder, (state, _)) in folders.clone().iter().zip(saved) {
            let Some(status) = poll.statuses.get(&folder.name).copied() else {
                continue;
            };
            let last = last_seen.insert(folder.name.clone(), status);
            if folder.selectable && needs_sync(&status, state.as_ref(), last.as_ref()) {
                self.sync_quietly(session, caps, folder, Some(status))
                    .await?;
                synced = true;
            }
        }
        Ok(synced)
    }

    /// A catch-up after a (re)connect: every folder that moved meanwhile.
    pub(super) async fn catch_up(
        &mut self,
        session: &mut ImapSession,
        caps: &ServerCaps,
        folders: &mut Vec<RemoteFolder>,
    ) -> Result<bool, ImapError> {
        self.catch_up_with(session, caps, folders, &mut HashMap::new())
            .await
    }
}

/// Whether LIST named other folders than the ones known (created,
/// deleted or renamed since).
fn folders_changed(folders: &[RemoteFolder], listed: &std::collections::BTreeSet<String>) -> bool {
    // Past the cap LIST always names more than were kept.
    if listed.len() > crate::mail::imap::folders::MAX_FOLDERS {
        return false;
    }
    folders.len() != listed.len() || folders.iter().any(|f| !listed.contains(&f.name))
}
