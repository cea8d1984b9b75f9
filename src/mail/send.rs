//! The path of a message from the composer to the recipients, shared by the
//! interface and the headless `wirepost send`: formatted and saved to the
//! local Outbox first, submitted over SMTP, then filed in Sent (locally,
//! and on the IMAP server when the account has one). A failure at any step
//! leaves the message in the Outbox, ready to retry.

use super::draft::{BuildOptions, Draft};
use super::folders::{self, DRAFTS, OUTBOX};
use super::smtp::{self, Delivery, SendFailure, SmtpSettings, TraceLine, TraceSink};
use crate::config::Account;
use crate::store::{Flags, MessageId, Store};
use std::sync::Arc;

/// What a send reports while it runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// A step began ("connecting", "filing in Sent").
    Stage(String),
    Trace(TraceLine),
}

pub type ProgressSink = Arc<dyn Fn(Progress) + Send + Sync>;

/// A message the server took.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    pub delivery: Delivery,
    /// Its id in the local Sent folder, when filing worked.
    pub sent_id: Option<MessageId>,
    /// Things that went wrong after the server accepted the message.
    pub warnings: Vec<String>,
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| format!("background task failed: {e}"))?
}

/// Formats the draft (reading its attachments) with Bcc kept for the
/// local copies.
pub async fn format(draft: Draft) -> Result<Vec<u8>, String> {
    blocking(move || {
        draft.validate()?;
        Ok(draft
            .to_message(BuildOptions {
                keep_bcc: true,
                allow_no_recipient: false,
            })?
            .formatted())
    })
    .await
}

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
/// message stays in the Outbox.
pub async fn send_queued(
    store: Store,
    account: Account,
    id: MessageId,
    progress: ProgressSink,
) -> Result<Sent, SendFailure> {
    let fail = |e: String| SendFailure {
        summary: e,
        transient: false,
        refused: Vec::new(),
    };
    let raw = {
        let store = store.clone();
        blocking(move || folders::read(&store, id))
            .await
            .map_err(fail)?
    };
    let envelope = smtp::envelope_of(&raw).map_err(fail)?;
    let wire = smtp::without_bcc(&raw);
    progress(Progress::Stage("looking up the password".into()));
    let settings = {
        let account = account.clone();
        blocking(move || SmtpSettings::for_account(&account))
            .await
            .map_err(fail)?
    };
    progress(Progress::Stage(format!("sending {} bytes", wire.len())));
    let trace_progress = progress.clone();
    let sink: TraceSink = Arc::new(move |line| trace_progress(Progress::Trace(line)));
    let delivery = smtp::submit(&settings, &envelope, &wire, sink).await?;
    let mut warnings = Vec::new();
    progress(Progress::Stage("filing in Sent".into()));
    let sent_id = {
        let (store, name) = (store.clone(), account.name.clone());
        match blocking(move || folders::file_as_sent(&store, &name, id)).await {
            Ok(id) => Some(id),
            Err(e) => {
                warnings.push(e);
                None
            }
        }
    };
    if account.imap.is_some() && !account.server_saves_sent {
        let folder = account.sent_folder.clone().unwrap_or_else(|| "Sent".into());
        progress(Progress::Stage(format!("copying to the server's {folder}")));
        if let Err(e) = super::imap_append::append(&account, &folder, &raw, &["\\Seen"]).await {
            warnings.push(format!(
                "sent, but not copied to the server's {folder}: {e}"
            ));
        }
    }
    for warning in &warnings {
        tracing::warn!("{warning}");
    }
    Ok(Sent {
        delivery,
        sent_id,
        warnings,
    })
}

/// Saves the draft in the local Drafts folder (replacing `previous`) and,
/// when the account has IMAP, on the server. Returns the new id and a
/// warning when the server copy failed.
pub async fn save_draft(
    store: Store,
    account: Account,
    draft: Draft,
    previous: Option<MessageId>,
) -> Result<(MessageId, Option<String>), String> {
    let raw = blocking(move || {
        Ok(draft
            .to_message(BuildOptions {
                keep_bcc: true,
                allow_no_recipient: true,
            })?
            .formatted())
    })
    .await?;
    let raw = Arc::new(raw);
    let old_message_id = match previous {
        Some(old) => {
            let store = store.clone();
            blocking(move || Ok(folders::message_id_of(&store, old)))
                .await
                .unwrap_or_default()
        }
        None => None,
    };
    let id = {
        let (store, name, raw) = (store.clone(), account.name.clone(), raw.clone());
        blocking(move || {
            let flags = Flags {
                draft: true,
                seen: true,
                ..Flags::default()
            };
            let id = folders::put(&store, &name, DRAFTS, &raw, flags)?;
            if let Some(old) = previous.filter(|old| *old != id) {
                let _ = folders::remove(&store, old);
            }
            Ok(id)
        })
        .await?
    };
    let mut warning = None;
    if account.imap.is_some() {
        let folder = account
            .drafts_folder
            .clone()
            .unwrap_or_else(|| "Drafts".into());
        let flags = ["\\Draft", "\\Seen"];
        let old = old_message_id.as_deref();
        if let Err(e) = super::imap_append::replace(&account, &folder, &raw, &flags, old).await {
            warning = Some(format!("draft saved locally, not on the server: {e}"));
        }
    }
    Ok((id, warning))
}

/// Removes a draft that was just sent from the server's Drafts folder.
/// Best effort: a failure only leaves a stale draft on the server.
pub async fn forget_server_draft(account: Account, message_id: String) {
    if account.imap.is_none() {
        return;
    }
    let folder = account
        .drafts_folder
        .clone()
        .unwrap_or_else(|| "Drafts".into());
    if let Err(e) = super::imap_append::delete(&account, &folder, &message_id).await {
        tracing::warn!("sent draft not removed from the server's {folder}: {e}");
    }
}
