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

/// Accounts whose pusher runs, and whether another push was asked for
/// while it ran.
fn pushers() -> std::sync::MutexGuard<'static, HashMap<String, bool>> {
    static PUSHERS: OnceLock<Mutex<HashMap<String, bool>>> = OnceLock::new();
    PUSHERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// Pushes `request.account`'s changes now, or right after the push that
/// is running (so a burst of key presses costs one or two connections).
pub fn push_now(events: Reports, request: PushRequest) {
    {
        let mut running = pushers();
        if let Some(again) = running.get_mut(&request.account) {
            *again = true;
            return;
        }
        running.insert(request.account.clone(), false);
    }
    tokio::spawn(async move {
        run(&events, &request).await;
        pushers().remove(&request.account);
    });
}

/// Pushes until nothing more was asked for; after a failure that waiting
/// can mend, tries again later.
async fn run(events: &Reports, request: &PushRequest) {
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
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(PUSH_RETRY_MAX);
                continue;
            }
            Err(e) => {
                tracing::warn!(%account, "push failed: {e:?}");
                let text = format!("{account}: changes not saved on the server yet: {e}");
                events.notice(Level::Warning, text).await;
            }
        }
        let mut running = pushers();
        match running.get_mut(account) {
            Some(again) if *again => *again = false,
            _ => return,
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
