//! The Outbox as a whole: sending everything that waits (but messages of
//! unknown delivery), filing one of those in Sent on the user's word,
//! discarding one.

use super::blocking::blocking;
use super::file_sent::file_sent;
use super::marks::{self as outbox_marks, DeliveryUnknown};
use super::send::{Connection, Submitted, read_queued, submit_queued_on};
use super::types::{Progress, ProgressSink, Sent};
use crate::config::Account;
use crate::mail::folders::{self, OUTBOX};
use crate::mail::smtp::SendFailure;
use crate::store::{MessageId, Store};
use std::sync::Arc;

/// The user says Outbox message `id`, of unknown delivery, did arrive:
/// it is filed in Sent as if the server had confirmed it.
pub async fn file_as_delivered(
    store: Store,
    account: Account,
    id: MessageId,
    progress: ProgressSink,
) -> Result<(Option<MessageId>, Vec<String>), String> {
    let raw = {
        let store = store.clone();
        blocking(move || folders::read(&store, id)).await?
    };
    Ok(file_sent(store, &account, id, Arc::new(raw), &progress).await)
}

/// Removes Outbox (or Drafts) message `id` and any mark it has.
pub async fn discard(store: Store, id: MessageId) -> Result<(), String> {
    blocking(move || {
        outbox_marks::clear_message(&store, id)?;
        folders::remove(&store, id)
    })
    .await
}

/// Files a message the server took, if there is one.
async fn file(
    submitted: Option<(MessageId, Submitted)>,
    store: &Store,
    account: &Account,
    progress: &ProgressSink,
) -> Option<(MessageId, Sent)> {
    let (id, submitted) = submitted?;
    let sent = submitted.file(store.clone(), account, id, progress).await;
    Some((id, sent))
}

/// What sending the whole Outbox did.
#[derive(Debug, Default)]
pub struct QueueReport {
    pub sent: Vec<(MessageId, Sent)>,
    pub failed: Vec<(MessageId, SendFailure)>,
    /// Left alone: their delivery is unknown.
    pub skipped: Vec<(MessageId, DeliveryUnknown)>,
}

/// Sends every message waiting in `account`'s Outbox, oldest first, over
/// one connection, except those whose delivery is unknown (they wait for the user).
pub async fn send_all_queued(
    store: Store,
    account: Account,
    progress: ProgressSink,
) -> Result<QueueReport, String> {
    let (entries, marks) = {
        let (store, name) = (store.clone(), account.name.clone());
        blocking(move || {
            let entries = folders::list(&store, &name, OUTBOX)?;
            let marks = outbox_marks::outbox_marks(&store, &name)?;
            Ok((entries, marks))
        })
        .await?
    };
    let mut report = QueueReport::default();
    let total = entries.len();
    // One connection, one login, for the whole Outbox.
    let mut connection = Connection::default();
    // The message the server took last, filed in Sent while the next one
    // goes out: filing is disk work and submitting waits on the server,
    // so the two overlap. One at a time keeps Sent in sending order.
    let mut unfiled: Option<(MessageId, Submitted)> = None;
    for (n, entry) in entries.into_iter().rev().enumerate() {
        if let Some(mark) = marks.get(&entry.id) {
            report.skipped.push((entry.id, mark.clone()));
            continue;
        }
        progress(Progress::Stage(format!("message {} of {total}", n + 1)));
        // Read before the filing starts: both need the store's writer.
        let queued = match read_queued(&store, entry.id).await {
            Ok(queued) => queued,
            Err(failed) => {
                report.failed.push((entry.id, failed));
                continue;
            }
        };
        let filing = file(unfiled.take(), &store, &account, &progress);
        let submitting = submit_queued_on(&store, &account, queued, &progress, &mut connection);
        let (filed, submitted) = tokio::join!(filing, submitting);
        report.sent.extend(filed);
        match submitted {
            Ok(submitted) => unfiled = Some((entry.id, submitted)),
            Err(failed) => report.failed.push((entry.id, failed)),
        }
    }
    report
        .sent
        .extend(file(unfiled, &store, &account, &progress).await);
    connection.close().await;
    Ok(report)
}
