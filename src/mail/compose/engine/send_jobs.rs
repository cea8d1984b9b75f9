//! Send jobs: a new message queued and sent, an Outbox message sent
//! again, the whole Outbox sent, a message filed as sent; the progress of
//! a send forwarded as events and the report of each message's outcome.

use super::{ComposeEngine, ComposeEvent, Reports, SendSummary, blocking};
use crate::config::Account;
use crate::mail::compose::draft::Draft;
use crate::mail::compose::drafts;
use crate::mail::compose::secure::Protection;
use crate::mail::folders::{self, OUTBOX};
use crate::mail::outbox::marks::DeliveryUnknown;
use crate::mail::outbox::queue;
use crate::mail::outbox::send::{self, Progress, ProgressSink, Sent};
use crate::mail::smtp::SendFailure;
use crate::report::{JobEvent, JobId};
use crate::store::{MessageId, Store};
use std::sync::Arc;
use tokio::sync::mpsc;

async fn emit(events: &Reports, event: ComposeEvent) {
    events.send(event).await;
}

async fn started(events: &Reports, job: JobId, label: impl Into<String>) {
    let label = label.into();
    events.job(JobEvent::Started { job, label }).await;
}

async fn finished(events: &Reports, job: JobId, outcome: Result<String, String>) {
    events.job(JobEvent::Finished { job, outcome }).await;
}

/// A message from the form, to format, queue and send.
pub(in crate::mail::compose) struct NewMessage {
    pub draft: Draft,
    /// The draft or Outbox copy it supersedes.
    pub replaces: Option<MessageId>,
    pub protection: Protection,
}

impl From<(Draft, Option<MessageId>, Protection)> for NewMessage {
    fn from((draft, replaces, protection): (Draft, Option<MessageId>, Protection)) -> Self {
        NewMessage {
            draft,
            replaces,
            protection,
        }
    }
}

impl ComposeEngine {
    /// Formats the message (signed or encrypted as asked), queues it in
    /// the Outbox (dropping the copy it `replaces`) and sends it, as job
    /// `job`.
    pub(super) async fn send_new(
        &self,
        account: Account,
        new: NewMessage,
        job: JobId,
        events: &Reports,
    ) -> Result<(), String> {
        let label = match new.draft.subject.trim() {
            "" => "sending (no subject)".to_string(),
            subject => format!("sending \"{subject}\""),
        };
        started(events, job, label).await;
        match self.queue_new(&account, new, events).await {
            Ok((store, id)) => {
                emit(events, ComposeEvent::Queued { job, id }).await;
                self.send_job(store, account, id, false, job, events).await;
            }
            // The interface unlocks the key and sends again: this try
            // is not a failure to show.
            Err(e) if e == super::pgp_jobs::WAITING_FOR_PASSPHRASE => {
                finished(events, job, Err(e)).await;
            }
            Err(e) => {
                let outcome = Err((e.clone(), Vec::new()));
                emit(
                    events,
                    ComposeEvent::SendFinished {
                        job,
                        id: None,
                        outcome,
                    },
                )
                .await;
                finished(events, job, Err(e)).await;
            }
        }
        Ok(())
    }

    async fn queue_new(
        &self,
        account: &Account,
        new: NewMessage,
        events: &Reports,
    ) -> Result<(Store, MessageId), String> {
        let store = self.store_async().await?;
        let replaces = new.replaces;
        let answers = new.draft.answers;
        let raw = if new.protection.any() {
            self.format_protected(account, new.draft, new.protection, events)
                .await?
        } else {
            drafts::format(new.draft).await?
        };
        let id = send::queue(store.clone(), account.name.clone(), Arc::new(raw)).await?;
        if let Some(answers) = answers {
            // Marked \Answered / $Forwarded once it is sent, even after
            // a restart.
            let store = store.clone();
            let remembered = blocking(move || {
                let Some(message_id) = folders::message_id_of(&store, id) else {
                    return Ok(());
                };
                store
                    .remember_answer(&message_id, answers.original, answers.forwarded)
                    .map_err(|e| e.to_string())
            })
            .await;
            if let Err(e) = remembered {
                tracing::warn!("the answered message will not be marked: {e}");
            }
        }
        if let Some(old) = replaces {
            // The reopened draft (or Outbox copy) is superseded now that
            // the new version is safely queued.
            let store = store.clone();
            let old_id = blocking(move || {
                let message_id = folders::message_id_of(&store, old);
                folders::remove(&store, old)?;
                Ok(message_id)
            })
            .await
            .unwrap_or_default();
            if let Some(message_id) = old_id {
                tokio::spawn(drafts::forget_server_draft(account.clone(), message_id));
            }
        }
        Ok((store, id))
    }

    /// Sends one Outbox message as a job of its own; `resend` for one whose
    /// delivery was unknown, which the user chose to send again.
    pub(super) async fn send_from_outbox(
        &self,
        account: Account,
        id: MessageId,
        resend: bool,
        job: JobId,
        events: &Reports,
    ) -> Result<(), String> {
        let label = if resend {
            "sending again (delivery was unknown)"
        } else {
            "sending from the Outbox"
        };
        started(events, job, label).await;
        let store = self.store_async().await?;
        self.send_job(store, account, id, resend, job, events).await;
        Ok(())
    }

    /// Sends Outbox message `id` (`resend`: even though its delivery is
    /// unknown), forwarding the trace in batches.
    async fn send_job(
        &self,
        store: Store,
        account: Account,
        id: MessageId,
        resend: bool,
        job: JobId,
        events: &Reports,
    ) {
        let (progress, forwarder) = forward_progress(job, events.clone());
        let result = if resend {
            send::resend_unknown(store, account, id, progress).await
        } else {
            send::send_queued(store, account, id, progress).await
        };
        let _ = forwarder.await;
        let summary = report_send(job, id, result, events).await;
        finished(events, job, summary).await;
    }

    pub(super) async fn send_all(
        &self,
        account: Account,
        job: JobId,
        events: &Reports,
    ) -> Result<(), String> {
        started(events, job, "sending the Outbox").await;
        let store = self.store_async().await?;
        send_all_job(store, account, job, events).await;
        Ok(())
    }

    pub(super) async fn file_as_sent(
        &self,
        account: Account,
        id: MessageId,
        events: &Reports,
    ) -> Result<(), String> {
        let store = self.store_async().await?;
        let progress: ProgressSink = Arc::new(|_| {});
        let (_, warnings) = queue::file_as_delivered(store, account, id, progress).await?;
        emit(events, ComposeEvent::FiledAsSent { id, warnings }).await;
        Ok(())
    }
}

/// A progress sink whose stages and trace lines reach the app as events.
/// The trace arrives from inside socket polls (no await possible): it is
/// collected on an unbounded queue and forwarded in batches, so a chatty
/// server costs a few events, not one per line. The task ends when the
/// sink (and its clones) are dropped.
fn forward_progress(job: JobId, events: Reports) -> (ProgressSink, tokio::task::JoinHandle<()>) {
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
async fn report_send(
    job: JobId,
    id: MessageId,
    result: Result<Sent, SendFailure>,
    events: &Reports,
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
async fn send_all_job(store: Store, account: Account, job: JobId, events: &Reports) {
    let (progress, forwarder) = forward_progress(job, events.clone());
    let result = queue::send_all_queued(store, account, progress).await;
    let _ = forwarder.await;
    let outcome = match result {
        Err(e) => Err(e),
        Ok(report) => {
            let (sent, failed, skipped) =
                (report.sent.len(), report.failed.len(), report.skipped.len());
            for (id, done) in report.sent {
                let _ = report_send(job, id, Ok(done), events).await;
            }
            for (id, failure) in report.failed {
                let _ = report_send(job, id, Err(failure), events).await;
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
    finished(events, job, outcome).await;
}
