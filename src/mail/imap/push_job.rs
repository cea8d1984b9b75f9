//! Local changes carried to the server the moment they are made: a flag,
//! a deletion, a move or a copy in the interface starts (or re-arms) the
//! account's pusher, which connects, pushes everything the store has
//! waiting and logs out. Offline, it tries again with a growing wait for
//! as long as changes wait; the store is the queue, so a quit or a crash
//! meanwhile loses nothing (the next sync or push carries them).

use super::error::ImapError;
pub use super::events::PushRequest;
use super::events::{ImapEvent, Reports};
use super::pending::PendingCounts;
use super::push::push_account;
use super::store_work::open_store;
use crate::report::Level;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// The first wait before pushing again after a failure; it doubles.
pub const PUSH_RETRY_FIRST: Duration = Duration::from_secs(2);
/// The longest wait between tries.
pub const PUSH_RETRY_MAX: Duration = Duration::from_secs(300);

/// A running pusher: whether another push was asked for while it ran,
/// and the bell that cuts its wait short after a failure.
#[derive(Default)]
struct Pusher {
    again: bool,
    wake: std::sync::Arc<tokio::sync::Notify>,
}

/// Accounts whose pusher runs.
fn pushers() -> std::sync::MutexGuard<'static, HashMap<String, Pusher>> {
    static PUSHERS: OnceLock<Mutex<HashMap<String, Pusher>>> = OnceLock::new();
    PUSHERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// Pushes `request.account`'s changes now, or right after the push that
/// is running (so a burst of key presses costs one or two connections).
/// A pusher waiting to try again after a failure tries at once: a new
/// change is a sign the user may be back online.
pub fn push_now(events: Reports, request: PushRequest) {
    let wake = {
        let mut running = pushers();
        if let Some(pusher) = running.get_mut(&request.account) {
            pusher.again = true;
            pusher.wake.notify_one();
            return;
        }
        let pusher = Pusher::default();
        let wake = pusher.wake.clone();
        running.insert(request.account.clone(), pusher);
        wake
    };
    tokio::spawn(async move {
        run(&events, &request, &wake).await;
    });
}

/// Pushes until nothing more was asked for, then leaves the table of
/// running pushers; after a failure that waiting can mend, tries again
/// later.
async fn run(events: &Reports, request: &PushRequest, wake: &tokio::sync::Notify) {
    let account = &request.account;
    let mut delay = PUSH_RETRY_FIRST;
    loop {
        match push_once(request).await {
            Ok(counts) => {
                delay = PUSH_RETRY_FIRST;
                report(events, account, counts).await;
            }
            Err(e) if e.is_transient() => {
                tracing::info!(%account, "push failed, trying again in {delay:?}: {e}");
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = wake.notified() => {}
                }
                delay = (delay * 2).min(PUSH_RETRY_MAX);
                continue;
            }
            Err(e) => {
                tracing::warn!(%account, "push failed: {e:?}");
                let text = format!("{account}: changes not saved on the server yet: {e}");
                events.notice(Level::Warning, text).await;
            }
        }
        // Leaving under the same lock a new request takes, so none is lost.
        let mut running = pushers();
        match running.get_mut(account) {
            Some(pusher) if pusher.again => pusher.again = false,
            _ => {
                running.remove(account);
                return;
            }
        }
    }
}

async fn push_once(request: &PushRequest) -> Result<PendingCounts, ImapError> {
    let store = open_store(request.store_dir.clone()).await?;
    push_account(
        &request.options,
        &store,
        &request.account,
        Some(&request.book),
    )
    .await
}

/// Tells the interface when a push changed the store (re-filed messages,
/// merged flags), so it shows the folders anew.
async fn report(events: &Reports, account: &str, counts: PendingCounts) {
    if counts == PendingCounts::default() {
        return;
    }
    if counts.refused > 0 {
        let text = format!(
            "{account}: the server refused {} change(s); they stay queued (the log says why)",
            counts.refused
        );
        events.notice(Level::Warning, text).await;
    }
    let _ = events
        .send(ImapEvent::Pushed {
            account: account.to_string(),
            counts,
        })
        .await;
}
