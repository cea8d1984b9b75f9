//! Filing a message the server took (or that the user says arrived): moved
//! from the Outbox to Sent with its mark cleared, or kept and marked when
//! the disk refuses; and copied to the server's Sent when the server does
//! not file it itself.

use super::blocking::blocking;
use super::marks::{self as outbox_marks, DeliveryUnknown};
use super::types::{Progress, ProgressSink};
use crate::config::Account;
use crate::mail::folders;
use crate::store::{MessageId, Store};
use std::sync::Arc;

/// After the server took Outbox message `id` (or the user says it did):
/// moves it to Sent, clears its delivery-unknown mark and copies it to
/// the server's Sent folder when the server does not do that itself.
pub async fn file_sent(
    store: Store,
    account: &Account,
    id: MessageId,
    raw: Arc<Vec<u8>>,
    progress: &ProgressSink,
) -> (Option<MessageId>, Vec<String>) {
    let mut filed = file_all_sent(store, account, vec![(id, raw)], progress).await;
    filed.pop().unwrap_or_default()
}

/// [`file_sent`] for a run of messages the server took, moved to Sent in
/// one commit; an outcome for each, in order.
pub async fn file_all_sent(
    store: Store,
    account: &Account,
    messages: Vec<(MessageId, Arc<Vec<u8>>)>,
    progress: &ProgressSink,
) -> Vec<(Option<MessageId>, Vec<String>)> {
    progress(Progress::Stage("filing in Sent".into()));
    let moved = {
        let (store, name, messages) = (store.clone(), account.name.clone(), messages.clone());
        blocking(move || {
            let ids: Vec<MessageId> = messages.iter().map(|(id, _)| *id).collect();
            let moved = match folders::file_as_sent(&store, &name, &ids) {
                Ok(moved) => moved,
                Err(e) => ids.iter().map(|_| Err(e.clone())).collect(),
            };
            Ok(messages
                .iter()
                .zip(moved)
                .map(|((_, raw), moved)| settle(&store, raw, moved))
                .collect::<Vec<_>>())
        })
        .await
    };
    let moved = moved.unwrap_or_else(|e| messages.iter().map(|_| Err(e.clone())).collect());
    let mut filed = Vec::with_capacity(messages.len());
    for ((_, raw), moved) in messages.iter().zip(moved) {
        let mut warnings = Vec::new();
        let sent_id = moved.map_err(|e| warnings.push(e)).ok();
        if account.imap.is_some() && !account.server_saves_sent {
            let folder = account.sent_folder.clone().unwrap_or_else(|| "Sent".into());
            progress(Progress::Stage(format!("copying to the server's {folder}")));
            if let Err(e) =
                crate::mail::imap::append::append(account, &folder, raw, &["\\Seen"]).await
            {
                warnings.push(format!(
                    "sent, but not copied to the server's {folder}: {e}"
                ));
            }
        }
        mark_original(&store, account, raw).await;
        for warning in &warnings {
            tracing::warn!("{warning}");
        }
        filed.push((sent_id, warnings));
    }
    filed
}

/// The mark of a message after its move: cleared once it is in Sent (a
/// mark left behind would name no Outbox message); when it could not
/// move, it stays in the Outbox, delivered, so it is marked: nothing
/// sends it again, and `m` files it once the disk allows.
fn settle(
    store: &Store,
    raw: &[u8],
    moved: Result<MessageId, String>,
) -> Result<MessageId, String> {
    match moved {
        Ok(sent) => {
            if let Err(e) = outbox_marks::clear(store, raw) {
                tracing::warn!("{e}");
            }
            Ok(sent)
        }
        Err(e) => {
            let mark = DeliveryUnknown::now(format!("delivered, but not filed in Sent: {e}"));
            match outbox_marks::mark(store, raw, &mark) {
                Ok(()) => Err(e),
                Err(also) => Err(format!("{e}; {also}")),
            }
        }
    }
}

/// How long marking the original on the server may hold up the end of a
/// send; the mark waits in the store for the next push otherwise.
const MARK_PUSH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// The message a sent reply or forward answers is marked `\Answered` or
/// `$Forwarded` here, then on its server at once when that is this
/// account's (another account's server gets it with its next push).
async fn mark_original(store: &Store, account: &Account, raw: &Arc<Vec<u8>>) {
    let (s, name, raw) = (store.clone(), account.name.clone(), raw.clone());
    let marked = blocking(move || {
        let envelope = crate::store::Envelope::parse(&raw);
        let answer = s
            .take_answer(
                &name,
                envelope.message_id.as_deref(),
                envelope.in_reply_to.as_deref(),
            )
            .map_err(|e| e.to_string())?;
        match answer {
            Some((original, forwarded)) => s
                .mark_answered(original, forwarded)
                .map(Some)
                .map_err(|e| e.to_string()),
            None => Ok(None),
        }
    })
    .await;
    let owner = match marked {
        Ok(Some(owner)) => owner,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!("cannot mark the answered message: {e}");
            return;
        }
    };
    let Some(opts) = crate::mail::imap::ConnectOptions::for_account(account) else {
        return;
    };
    if owner != account.name {
        return;
    }
    let push = crate::mail::imap::push::push_account(&opts, store, &owner, None);
    match tokio::time::timeout(MARK_PUSH_TIMEOUT, push).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => {
            tracing::info!(account = %owner, "answered mark waits for the next push: {e}")
        }
        Err(_) => tracing::info!(account = %owner, "answered mark waits for the next push"),
    }
}
