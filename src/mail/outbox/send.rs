//! The path of a message from the composer to the recipients, shared by the
//! interface and the headless `wirepost send`: formatted and saved to the
//! local Outbox first, submitted over SMTP, then filed in Sent (locally,
//! and on the IMAP server when the account has one). A failure at any step
//! leaves the message in the Outbox, ready to retry — except a break after
//! the whole message went out, which marks it "delivery unknown" until the
//! user decides (see `outbox_marks`).

use super::blocking::blocking;
pub use super::connection::Connection;
use super::file_sent::file_all_sent;
use super::marks::{self as outbox_marks, DeliveryUnknown};
use super::sent_check::found_on_server;
use crate::config::Account;
use crate::mail::folders::{self, OUTBOX};
use crate::mail::smtp::{self, Delivery, SendFailure, TraceSink};
use crate::store::{Flags, MessageId, Store};
use std::sync::Arc;

pub use super::types::{Progress, ProgressSink, Sent};

/// Writes a formatted message to `account`'s Outbox (fsynced) and returns
/// its id. Nothing is sent before this succeeded.
pub async fn queue(store: Store, account: String, raw: Arc<Vec<u8>>) -> Result<MessageId, String> {
    blocking(move || {
        smtp::envelope_of(&raw)?;
        folders::put(&store, &account, OUTBOX, &raw, Flags::default())
    })
    .await
}

/// Sends the Outbox message `id` and files it in Sent. On failure the
/// message stays in the Outbox; when the connection broke after the whole
/// message went out (the server may have it), it is marked "delivery
/// unknown" and this refuses to send it again: only [`resend_unknown`],
/// which the user asks for explicitly, does.
pub async fn send_queued(
    store: Store,
    account: Account,
    id: MessageId,
    progress: ProgressSink,
) -> Result<Sent, SendFailure> {
    send_alone(store, account, id, progress, false).await
}

/// An Outbox message read for sending, with its delivery-unknown mark.
pub struct Queued {
    id: MessageId,
    raw: Vec<u8>,
    mark: Option<DeliveryUnknown>,
}

/// Reads Outbox message `id` and its mark.
pub async fn read_queued(store: &Store, id: MessageId) -> Result<Queued, SendFailure> {
    let (raw, mark) = read_with_mark(store, id).await.map_err(failure)?;
    Ok(Queued { id, raw, mark })
}

/// The submitting half of [`send_queued`], over `connection`, which stays
/// open for the next message (the whole Outbox goes over one connection).
/// Filing in Sent is left to the caller, so that it can overlap the next
/// message's submission.
pub async fn submit_queued_on(
    store: &Store,
    account: &Account,
    queued: Queued,
    progress: &ProgressSink,
    connection: &mut Connection,
) -> Result<Submitted, SendFailure> {
    submit(store, account, queued, progress, false, connection).await
}

/// A message the server took: still to be filed in Sent, or already filed
/// (found on the server after the connection broke).
pub enum Submitted {
    Taken {
        delivery: Delivery,
        raw: Arc<Vec<u8>>,
    },
    Filed(Sent),
}

/// Files a run of messages the server took in Sent, in one commit (those
/// found on the server after a break are filed already): what each send
/// reports, in order.
pub async fn file_in_sent(
    run: Vec<(MessageId, Submitted)>,
    store: &Store,
    account: &Account,
    progress: &ProgressSink,
) -> Vec<(MessageId, Sent)> {
    let taken = run
        .iter()
        .filter_map(|(id, submitted)| match submitted {
            Submitted::Taken { raw, .. } => Some((*id, raw.clone())),
            Submitted::Filed(_) => None,
        })
        .collect();
    let mut filed = file_all_sent(store.clone(), account, taken, progress)
        .await
        .into_iter();
    run.into_iter()
        .map(|(id, submitted)| match submitted {
            Submitted::Taken { delivery, .. } => {
                let (sent_id, warnings) = filed.next().unwrap_or_default();
                let sent = Sent {
                    delivery,
                    sent_id,
                    warnings,
                };
                (id, sent)
            }
            Submitted::Filed(sent) => (id, sent),
        })
        .collect()
}

/// Sends an Outbox message whose delivery is unknown once more, because
/// the user chose to (it may arrive twice).
pub async fn resend_unknown(
    store: Store,
    account: Account,
    id: MessageId,
    progress: ProgressSink,
) -> Result<Sent, SendFailure> {
    send_alone(store, account, id, progress, true).await
}

/// One message over a connection of its own, then filed in Sent.
async fn send_alone(
    store: Store,
    account: Account,
    id: MessageId,
    progress: ProgressSink,
    resend_unknown: bool,
) -> Result<Sent, SendFailure> {
    let mut connection = Connection::default();
    let submitted = match read_queued(&store, id).await {
        Ok(queued) => {
            submit(
                &store,
                &account,
                queued,
                &progress,
                resend_unknown,
                &mut connection,
            )
            .await
        }
        Err(failed) => Err(failed),
    };
    connection.close().await;
    let mut filed = file_in_sent(vec![(id, submitted?)], &store, &account, &progress).await;
    Ok(filed.pop().expect("one message filed").1)
}

/// The reason on the mark of a send that has not come back (yet).
const INTERRUPTED: &str = "wirepost stopped while the server was taking the message";

fn failure(summary: String) -> SendFailure {
    SendFailure {
        summary,
        transient: false,
        refused: Vec::new(),
        delivery_unknown: false,
    }
}

/// Hands a queued message to the server; on failure settles its
/// delivery-unknown mark.
async fn submit(
    store: &Store,
    account: &Account,
    queued: Queued,
    progress: &ProgressSink,
    resend_unknown: bool,
    connection: &mut Connection,
) -> Result<Submitted, SendFailure> {
    let Queued { id, raw, mark } = queued;
    if let Some(mark) = mark.clone().filter(|_| !resend_unknown) {
        return Err(not_sent_again(&mark));
    }
    let envelope = smtp::envelope_of(&raw).map_err(failure)?;
    let wire = smtp::without_bcc(&raw);
    progress(Progress::Stage(format!("sending {} bytes", wire.len())));
    let trace_progress = progress.clone();
    let sink: TraceSink = Arc::new(move |line| trace_progress(Progress::Trace(line)));
    let raw = Arc::new(raw);
    let in_flight = || mark_in_flight(store.clone(), raw.clone());
    let result = connection
        .submit(account, &envelope, &wire, sink, in_flight)
        .await;
    let delivery = match result {
        Ok(delivery) => delivery,
        Err(mut failed) => {
            let previous = mark.filter(|_| resend_unknown);
            let marked = settle_mark(store.clone(), raw.clone(), &failed, previous).await;
            if let Err(e) = marked {
                failed.summary.push_str(&format!("; {e}"));
            }
            if failed.delivery_unknown
                && let Some(sent) =
                    found_on_server(store, account, id, &raw, &envelope, progress).await
            {
                return Ok(Submitted::Filed(sent));
            }
            return Err(failed);
        }
    };
    Ok(Submitted::Taken { delivery, raw })
}

/// Outbox message `id` and its delivery-unknown mark, if it has one.
async fn read_with_mark(
    store: &Store,
    id: MessageId,
) -> Result<(Vec<u8>, Option<DeliveryUnknown>), String> {
    let store = store.clone();
    blocking(move || {
        let raw = folders::read(&store, id)?;
        let mark = outbox_marks::get(&store, &raw);
        Ok((raw, mark))
    })
    .await
}

/// The refusal to send a message of unknown delivery without being asked.
fn not_sent_again(mark: &DeliveryUnknown) -> SendFailure {
    let mut refusal = failure(format!(
        "not sent again: its delivery is unknown ({}); resend it or file it as sent",
        mark.reason
    ));
    refusal.delivery_unknown = true;
    refusal
}

/// Marks the message before it goes out, so that a program killed while
/// the server may be taking it finds it marked when it starts again.
fn mark_in_flight(store: Store, raw: Arc<Vec<u8>>) -> smtp::BeforeData {
    Box::new(move || {
        Box::pin(async move {
            let mark = DeliveryUnknown::now(INTERRUPTED);
            blocking(move || outbox_marks::mark_in_flight(&store, &raw, &mark)).await
        })
    })
}

/// The Outbox mark after a failed send: the new "delivery unknown", the
/// first attempt's mark again after a failed resend (it does not settle
/// the first attempt), or none (the server did not take it).
async fn settle_mark(
    store: Store,
    raw: Arc<Vec<u8>>,
    failed: &SendFailure,
    previous: Option<DeliveryUnknown>,
) -> Result<(), String> {
    let mark = match previous {
        _ if failed.delivery_unknown => Some(DeliveryUnknown::now(failed.summary.clone())),
        previous => previous,
    };
    blocking(move || match mark {
        Some(mark) => outbox_marks::mark(&store, &raw, &mark),
        None => outbox_marks::clear(&store, &raw),
    })
    .await
}
