//! The live task's protocol trace on its way to the interface: lines
//! travel only while the trace is on screen. Until then they wait in the
//! bounded sink (the oldest dropped), so a watch that talks to its server
//! — keep-alives, IDLE renewals, polls — never wakes an idle interface,
//! and opening the pane shows the recent conversation at once.

use crate::mail::imap::events::{ImapEvent, Reports};
use crate::mail::imap::trace::TraceSink;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Forwards `trace`'s lines as `ImapEvent::Trace` while `shown` is true,
/// until nobody listens (or the caller aborts it).
pub fn forward(
    events: Reports,
    trace: TraceSink,
    account: String,
    mut shown: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if !*shown.borrow_and_update() {
                if shown.changed().await.is_err() {
                    return;
                }
                continue;
            }
            tokio::select! {
                () = trace.notified() => {}
                changed = shown.changed() => {
                    if changed.is_err() {
                        return;
                    }
                }
            }
            let lines = trace.take();
            if lines.is_empty() {
                continue;
            }
            let event = ImapEvent::Trace {
                account: account.clone(),
                lines,
            };
            if !events.send(event).await {
                return;
            }
        }
    })
}
