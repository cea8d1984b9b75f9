//! The account task's life: connect, pass or catch up, watch; when the
//! connection drops, wait (doubling up to [`MAX_RECONNECT_DELAY`]) and
//! connect again. The job in the status line covers a pass; a pass that
//! cannot reach the server ends its job after [`RECONNECT_ATTEMPTS`]
//! tries and the task goes on trying in the background.

use super::{Live, LiveControl};
use crate::mail::imap::account::register_folders;
use crate::mail::imap::connect::{Connected, connect};
use crate::mail::imap::error::ImapError;
use crate::mail::imap::events::ImapEvent;
use crate::mail::imap::folders::{RemoteFolder, list_folders_capped};
use crate::mail::imap::push::push_pending;
use crate::mail::imap::session::ImapSession;
use crate::report::{JobEvent, Level};
use std::time::Duration;

/// Tries a pass makes before its job gives up (the task keeps trying).
pub const RECONNECT_ATTEMPTS: u32 = 4;
/// The first wait before a reconnect; it doubles with each further try.
pub const RECONNECT_FIRST_DELAY: Duration = Duration::from_secs(2);
/// The longest wait between reconnects.
pub const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(300);

/// What ended a wait before reconnecting.
enum Retry {
    /// The wait is over, or the user asked for a sync: connect now.
    Now,
    /// Nobody wants this account any more.
    Stop,
}

impl Live {
    /// Runs until the account's control channel closes or an error that
    /// retrying cannot mend (wrong password, broken configuration).
    pub(super) async fn run(mut self) {
        for warning in self.options.warnings() {
            self.events.notice(Level::Warning, warning).await;
        }
        if self.pass.is_some() {
            self.start_job().await;
        }
        let mut delay = RECONNECT_FIRST_DELAY;
        let mut failures = 0;
        loop {
            let mut logged_in = false;
            let error = match self.connection(&mut logged_in).await {
                Ok(()) => return,
                Err(e) => e,
            };
            if logged_in {
                delay = RECONNECT_FIRST_DELAY;
                failures = 0;
            }
            tracing::info!(account = %self.account, "IMAP connection ended: {error:?}");
            if !error.is_transient() {
                return self.stop(&error).await;
            }
            failures += 1;
            self.offline(&error, delay, failures).await;
            match self.wait_to_retry(delay).await {
                Retry::Stop => return,
                Retry::Now => delay = (delay * 2).min(MAX_RECONNECT_DELAY),
            }
        }
    }

    /// One connection: log in, bring the folders into step, watch. Ends
    /// with the error that broke it, or `Ok` when the task should stop.
    async fn connection(&mut self, logged_in: &mut bool) -> Result<(), ImapError> {
        let Connected { mut session, caps } =
            connect(&self.options, Some(self.trace.clone())).await?;
        *logged_in = true;
        let mut folders = self.refresh_folders(&mut session).await?;
        push_pending(
            &mut session,
            &caps,
            &self.store,
            &self.account,
            &folders,
            self.options.delete,
        )
        .await?;
        if let Some(first) = self.pass.take() {
            if let Err(e) = self.run_pass(&mut session, &caps, &folders, &first).await {
                self.pass = Some(first);
                return Err(e);
            }
        } else {
            self.catch_up(&mut session, &caps, &mut folders).await?;
        }
        self.watch(&mut session, &caps, &mut folders).await
    }

    /// LIST, with the folders registered in the store (so the folder pane
    /// shows them before their first sync).
    pub(super) async fn refresh_folders(
        &self,
        session: &mut ImapSession,
    ) -> Result<Vec<RemoteFolder>, ImapError> {
        let list = list_folders_capped(session).await?;
        if list.dropped() > 0 {
            let text = format!(
                "{}: the server lists {} folders; only the first {} are shown and synced",
                self.account,
                list.listed,
                list.folders.len()
            );
            tracing::warn!("{text}");
            self.trace.note(text.clone());
            self.events.try_job(JobEvent::Notice {
                level: Level::Warning,
                text,
            });
        }
        register_folders(&self.store, &self.account, &list.folders).await?;
        Ok(list.folders)
    }

    /// Puts the job in the status line, unless it is there already.
    pub(super) async fn start_job(&mut self) {
        if !self.job_running {
            self.job_running = true;
            let label = format!("sync {}", self.account);
            let job = self.job;
            let account = self.account.clone();
            self.events.send(ImapEvent::Syncing { job, account }).await;
            self.events.job(JobEvent::Started { job, label }).await;
        }
    }

    /// Takes the job out of the status line with its outcome.
    pub(super) async fn finish_job(&mut self, outcome: Result<String, String>) {
        if self.job_running {
            self.job_running = false;
            let job = self.job;
            self.events.job(JobEvent::Finished { job, outcome }).await;
        }
    }

    /// The connection is gone and will be tried again after `delay`.
    async fn offline(&mut self, error: &ImapError, delay: Duration, failures: u32) {
        let account = self.account.clone();
        let secs = delay.as_secs();
        self.trace.note(format!("{error}; reconnecting in {secs}s"));
        if self.job_running {
            if failures > RECONNECT_ATTEMPTS {
                let outcome = Err(format!("{error}; still trying in the background"));
                self.finish_job(outcome).await;
            } else {
                let text = format!("{account}: {error}; retrying in {secs}s");
                self.events.notice(Level::Warning, text).await;
            }
        }
        let event = ImapEvent::Offline {
            job: self.job,
            account,
            reason: error.to_string(),
            retry_secs: Some(secs),
        };
        self.events.send(event).await;
    }

    /// An error retrying cannot mend: the task ends until a sync is asked
    /// for again.
    async fn stop(&mut self, error: &ImapError) {
        let account = self.account.clone();
        if self.job_running {
            self.finish_job(Err(error.to_string())).await;
        } else {
            let text = format!("{account}: no longer watching: {error}");
            self.events.notice(Level::Warning, text).await;
        }
        let event = ImapEvent::Offline {
            job: self.job,
            account,
            reason: error.to_string(),
            retry_secs: None,
        };
        self.events.send(event).await;
    }

    /// Waits `delay` before the next try; a sync asked for meanwhile
    /// cuts the wait short.
    async fn wait_to_retry(&mut self, delay: Duration) -> Retry {
        let sleep = tokio::time::sleep(delay);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                () = &mut sleep => return Retry::Now,
                control = self.control.recv() => match control {
                    None => return Retry::Stop,
                    Some(LiveControl::Pass { first }) => {
                        self.pass = Some(first);
                        self.start_job().await;
                        return Retry::Now;
                    }
                    // Local changes wait in the store until the next
                    // connection carries them.
                    Some(LiveControl::Nudge { .. }) => {}
                },
            }
        }
    }
}
