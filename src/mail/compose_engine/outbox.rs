//! Send jobs: the progress of a send forwarded as events, the report of
//! one message's outcome, and sending the whole Outbox.

use super::{ComposeEvent, SendSummary};
use crate::app::{EngineEvent, JobId};
use crate::config::Account;
use crate::mail::folders::OUTBOX;
use crate::mail::outbox_marks::DeliveryUnknown;
use crate::mail::send::{self, Progress, ProgressSink, Sent};
use crate::mail::smtp::SendFailure;
use crate::store::{MessageId, Store};
use std::sync::Arc;
use tokio::sync::mpsc;

async fn emit(events: &mpsc::Sender<EngineEvent>, event: ComposeEvent) {
    let _ = events.send(EngineEvent::Compose(Box::new(event))).await;
}

/// A progress sink whose stages and trace lines reach the app as events.
/// The trace arrives from inside socket polls (no await possible): it is
/// collected on an unbounded queue and forwarded in batches, so a chatty
/// server costs a few events, not one per line. The task ends when the
/// sink (and its clones) are dropped.
pub(super) fn forward_progress(
    job: JobId,
    events: mpsc::Sender<EngineEvent>,
) -> (ProgressSink, tokio::task::JoinHandle<()>) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Progress>();
    let progress: ProgressSink = Arc::new(move |p| {
        let _ = tx.send(p);
    });
    let forwarder = tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut batch = vec![first];
            while let Ok(more) = rx.try_recv() {
                batch.push(more);
            }
            let mut lines = Vec::new();
            for item in batch {
                match item {
                    Progress::Trace(line) => lines.push(line),
                    Progress::Stage(text) => {
                        emit(&events, ComposeEvent::Stage { job, text }).await;
                    }
                }
            }
            if !lines.is_empty() {
                emit(&events, ComposeEvent::Trace { job, lines }).await;
            }
        }
    });
    (progress, forwarder)
}

/// Reports how the send of Outbox message `id` ended and returns the
/// job's one-line outcome.
pub(super) async fn report_send(
    job: JobId,
    id: MessageId,
    result: Result<Sent, SendFailure>,
    events: &mpsc::Sender<EngineEvent>,
) -> Result<String, String> {
    match result {
        Ok(sent) => {
            let mut text = format!("sent to {}", sent.delivery.accepted.join(", "));
            if !sent.delivery.refused.is_empty() {
                text.push_str(&format!("; {} refused", sent.delivery.refused.len()));
            }
            let summary = SendSummary {
                accepted: sent.delivery.accepted,
                refused: sent.delivery.refused,
                reply: sent.delivery.reply,
                warnings: sent.warnings,
            };
            let outcome = Ok(summary);
            let id = Some(id);
            emit(events, ComposeEvent::SendFinished { job, id, outcome }).await;
            Ok(text)
        }
        Err(failure) if failure.delivery_unknown => {
            let mark = DeliveryUnknown::now(failure.summary.clone());
            emit(events, ComposeEvent::DeliveryUnknown { job, id, mark }).await;
            Err(format!(
                "delivery unknown ({}): the server may have it; kept in the {OUTBOX}, \
                 not sent again unless you ask",
                failure.summary
            ))
        }
        Err(failure) => {
            let text = format!("not sent, kept in the {OUTBOX}: {}", failure.summary);
            let outcome = Err((failure.summary, failure.refused));
            let id = Some(id);
            emit(events, ComposeEvent::SendFinished { job, id, outcome }).await;
            Err(text)
        }
    }
}

/// Sends everything queued except messages of unknown delivery; each
/// message's outcome is reported as it would be for a single send.
pub(super) async fn send_all_job(
    store: Store,
    account: Account,
    job: JobId,
    events: mpsc::Sender<EngineEvent>,
) {
    let (progress, forwarder) = forward_progress(job, events.clone());
    let result = send::send_all_queued(store, account, progress).await;
    let _ = forwarder.await;
    let outcome = match result {
        Err(e) => Err(e),
        Ok(report) => {
            let (sent, failed, skipped) =
                (report.sent.len(), report.failed.len(), report.skipped.len());
            for (id, done) in report.sent {
                let _ = report_send(job, id, Ok(done), &events).await;
            }
            for (id, failure) in report.failed {
                let _ = report_send(job, id, Err(failure), &events).await;
            }
            let mut text = match (sent, failed) {
                (0, 0) => "nothing to send".to_string(),
                (sent, 0) => format!("sent {sent}"),
                (sent, failed) => format!("sent {sent}, {failed} failed (kept in the {OUTBOX})"),
            };
            if skipped > 0 {
                text.push_str(&format!(
                    "; {skipped} of unknown delivery left alone (r resends, m files as sent)"
                ));
            }
            if failed > 0 { Err(text) } else { Ok(text) }
        }
    };
    let _ = events.send(EngineEvent::JobFinished { job, outcome }).await;
}
