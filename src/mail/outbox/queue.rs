//! The Outbox as a whole: sending everything that waits (but messages of
//! unknown delivery), filing one of those in Sent on the user's word,
//! discarding one.

use super::blocking::blocking;
use super::file_sent::file_sent;
use super::marks::{self as outbox_marks, DeliveryUnknown};
use super::send::{Connection, Submitted, file_in_sent, read_queued, submit_queued_on};
use super::types::{Progress, ProgressSink, Sent};
use crate::config::Account;
use crate::mail::folders::{self, OUTBOX};
use crate::mail::smtp::SendFailure;
use crate::store::{MessageId, Store};
use std::sync::Arc;
use tokio::sync::mpsc;

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

/// Files what the server took as it comes, whatever has gathered in one
/// run, until the sending side is done.
async fn file_as_taken(
    taken: &mut mpsc::UnboundedReceiver<(MessageId, Submitted)>,
    store: &Store,
    account: &Account,
    progress: &ProgressSink,
) -> Vec<(MessageId, Sent)> {
    let mut sent = Vec::new();
    while let Some(first) = taken.recv().await {
        let mut run = vec![first];
        while let Ok(next) = taken.try_recv() {
            run.push(next);
        }
        sent.extend(file_in_sent(run, store, account, progress).await);
    }
    sent
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
    let total = entries.len();
    let (mut failed, mut skipped) = (Vec::new(), Vec::new());
    // What the server took goes to the filing below, which moves to Sent
    // whatever has gathered in one commit while the next messages go out:
    // filing is disk work, submitting waits on the server, so the two
    // overlap, and a run costs one disk flush instead of one per message.
    let (to_file, mut taken) = mpsc::unbounded_channel::<(MessageId, Submitted)>();
    let submitting = async {
        // One connection, one login, for the whole Outbox.
        let mut connection = Connection::default();
        for (n, entry) in entries.into_iter().rev().enumerate() {
            if let Some(mark) = marks.get(&entry.id) {
                skipped.push((entry.id, mark.clone()));
                continue;
            }
            progress(Progress::Stage(format!("message {} of {total}", n + 1)));
            let submitted = match read_queued(&store, entry.id).await {
                Ok(queued) => {
                    submit_queued_on(&store, &account, queued, &progress, &mut connection).await
                }
                Err(failure) => Err(failure),
            };
            match submitted {
                Ok(submitted) => {
                    let _ = to_file.send((entry.id, submitted));
                }
                Err(failure) => failed.push((entry.id, failure)),
            }
        }
        connection.close().await;
        drop(to_file);
    };
    let filing = file_as_taken(&mut taken, &store, &account, &progress);
    let ((), sent) = tokio::join!(submitting, filing);
    let report = QueueReport {
        sent,
        failed,
        skipped,
    };
    Ok(report)
}
