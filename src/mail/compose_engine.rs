//! The composer's background work: sending, retrying, saving drafts,
//! listing and opening Outbox/Drafts, completions. Each request runs as a
//! tokio task and reports `ComposeEvent`s; sends are jobs with progress.

use super::draft::{Attachment, Draft};
use super::folders::{self, OUTBOX};
use super::outbox_marks::{self, DeliveryUnknown};
use super::send::{self, ProgressSink};
use super::smtp::{Refusal, TraceLine};
use crate::app::{EngineEvent, JobId};
use crate::config::Account;
use crate::store::{FolderEntry, MessageId, Store};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::mpsc;

/// An account's configuration carried in a command (compared by name, so
/// commands stay comparable in tests).
#[derive(Debug, Clone)]
pub struct AccountConfig(pub Account);

impl PartialEq for AccountConfig {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}

/// What the composer asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum ComposeCommand {
    /// Format, queue in the Outbox, send. `replaces` is an Outbox or
    /// Drafts message this one supersedes (removed once queued).
    Send {
        account: AccountConfig,
        draft: Draft,
        replaces: Option<MessageId>,
    },
    /// Send an Outbox message again (refused when its delivery is
    /// unknown).
    Retry {
        account: AccountConfig,
        id: MessageId,
    },
    /// Send an Outbox message of unknown delivery again: the user
    /// confirmed it may arrive twice.
    ResendUnknown {
        account: AccountConfig,
        id: MessageId,
    },
    /// Send everything queued in the Outbox except messages of unknown
    /// delivery.
    SendAll {
        account: AccountConfig,
    },
    /// File an Outbox message of unknown delivery in Sent: the user says
    /// it arrived.
    FileAsSent {
        account: AccountConfig,
        id: MessageId,
    },
    SaveDraft {
        account: AccountConfig,
        draft: Draft,
        previous: Option<MessageId>,
        /// The form's own message (false: one set aside to make room).
        for_form: bool,
    },
    ListFolder {
        account: String,
        folder: String,
    },
    Open {
        id: MessageId,
        folder: String,
        account: String,
    },
    Delete {
        id: MessageId,
    },
    LoadAddresses,
    /// File names that complete a typed path.
    CompletePath {
        typed: String,
    },
    /// Look at a file to attach (size, type).
    Attach {
        path: String,
    },
    /// Build a reply or forward of stored message `id`.
    Respond {
        id: MessageId,
        identity: super::reply::Identity,
        how: super::reply::Respond,
    },
}

/// A short account of a send, for the status line and the form.
#[derive(Debug, Clone, PartialEq)]
pub struct SendSummary {
    pub accepted: Vec<String>,
    pub refused: Vec<Refusal>,
    pub reply: String,
    pub warnings: Vec<String>,
}

/// What the composer hears back.
#[derive(Debug, Clone, PartialEq)]
pub enum ComposeEvent {
    Trace {
        job: JobId,
        lines: Vec<TraceLine>,
    },
    Stage {
        job: JobId,
        text: String,
    },
    /// The message is safely in the Outbox (id) and about to be sent.
    Queued {
        job: JobId,
        id: MessageId,
    },
    SendFinished {
        job: JobId,
        id: Option<MessageId>,
        outcome: Result<SendSummary, (String, Vec<Refusal>)>,
    },
    DraftSaved {
        id: MessageId,
        warning: Option<String>,
        for_form: bool,
    },
    Folder {
        folder: String,
        entries: Vec<FolderEntry>,
        /// Outbox messages whose delivery is unknown.
        unknown: HashMap<MessageId, DeliveryUnknown>,
    },
    /// A send broke after the whole message went out: the message stays
    /// in the Outbox, marked, and is not sent again automatically.
    DeliveryUnknown {
        job: JobId,
        id: MessageId,
        mark: DeliveryUnknown,
    },
    /// An Outbox message was filed in Sent on the user's word.
    FiledAsSent {
        id: MessageId,
        warnings: Vec<String>,
    },
    Opened {
        folder: String,
        id: MessageId,
        draft: Draft,
    },
    /// A new draft (reply, forward, mailto:) for the form.
    Drafted(Draft),
    Deleted {
        id: MessageId,
    },
    Addresses(Vec<String>),
    PathCompletions {
        typed: String,
        options: Vec<String>,
    },
    Attached(Attachment),
    EditorFinished(Result<String, String>),
    Failed(String),
}

/// Owns the store handle (opened on first use) and starts tasks.
#[derive(Clone, Default)]
pub struct ComposeEngine {
    store_dir: Option<PathBuf>,
    store: Arc<OnceLock<Store>>,
    /// Guards the first open so two tasks do not race to create the index.
    opening: Arc<Mutex<()>>,
}

impl ComposeEngine {
    pub fn new(store_dir: PathBuf) -> ComposeEngine {
        ComposeEngine {
            store_dir: Some(store_dir),
            ..ComposeEngine::default()
        }
    }

    /// The store (blocking: call from `spawn_blocking`).
    fn store(&self) -> Result<Store, String> {
        if let Some(store) = self.store.get() {
            return Ok(store.clone());
        }
        let _guard = self.opening.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(store) = self.store.get() {
            return Ok(store.clone());
        }
        let dir = self.store_dir.as_ref().ok_or("no mail store configured")?;
        let store = Store::open(dir).map_err(|e| format!("cannot open the mail store: {e}"))?;
        let _ = self.store.set(store.clone());
        Ok(store)
    }

    async fn store_async(&self) -> Result<Store, String> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.store())
            .await
            .map_err(|e| e.to_string())?
    }

    /// Starts the work for `command`; `job` is a fresh id for sends.
    pub fn dispatch(
        &self,
        command: ComposeCommand,
        job: JobId,
        events: mpsc::Sender<EngineEvent>,
    ) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move {
            let report = |event: ComposeEvent| {
                let events = events.clone();
                async move {
                    let _ = events.send(EngineEvent::Compose(Box::new(event))).await;
                }
            };
            match this.run(command, job, events.clone()).await {
                Ok(()) => {}
                Err(e) => report(ComposeEvent::Failed(e)).await,
            }
        })
    }

    async fn run(
        &self,
        command: ComposeCommand,
        job: JobId,
        events: mpsc::Sender<EngineEvent>,
    ) -> Result<(), String> {
        let send = |event: ComposeEvent| {
            let events = events.clone();
            async move {
                let _ = events.send(EngineEvent::Compose(Box::new(event))).await;
            }
        };
        match command {
            ComposeCommand::Send {
                account: AccountConfig(account),
                draft,
                replaces,
            } => {
                let label = match draft.subject.trim() {
                    "" => "sending (no subject)".to_string(),
                    subject => format!("sending \"{subject}\""),
                };
                let _ = events.send(EngineEvent::JobStarted { job, label }).await;
                let queued = async {
                    let store = self.store_async().await?;
                    let raw = send::format(draft).await?;
                    let id =
                        send::queue(store.clone(), account.name.clone(), Arc::new(raw)).await?;
                    if let Some(old) = replaces {
                        // The reopened draft (or Outbox copy) is superseded
                        // now that the new version is safely queued.
                        let store = store.clone();
                        let old_id = blocking(move || {
                            let message_id = folders::message_id_of(&store, old);
                            folders::remove(&store, old)?;
                            Ok(message_id)
                        })
                        .await
                        .unwrap_or_default();
                        if let Some(message_id) = old_id {
                            tokio::spawn(send::forget_server_draft(account.clone(), message_id));
                        }
                    }
                    Ok::<_, String>((store, id))
                }
                .await;
                match queued {
                    Ok((store, id)) => {
                        send(ComposeEvent::Queued { job, id }).await;
                        self.send_job(store, account, id, false, job, events.clone())
                            .await;
                    }
                    Err(e) => {
                        send(ComposeEvent::SendFinished {
                            job,
                            id: None,
                            outcome: Err((e.clone(), Vec::new())),
                        })
                        .await;
                        let _ = events
                            .send(EngineEvent::JobFinished {
                                job,
                                outcome: Err(e),
                            })
                            .await;
                    }
                }
            }
            ComposeCommand::Retry {
                account: AccountConfig(account),
                id,
            } => {
                self.send_from_outbox(account, id, false, job, events.clone())
                    .await?;
            }
            ComposeCommand::ResendUnknown {
                account: AccountConfig(account),
                id,
            } => {
                self.send_from_outbox(account, id, true, job, events.clone())
                    .await?;
            }
            ComposeCommand::SendAll {
                account: AccountConfig(account),
            } => {
                let _ = events
                    .send(EngineEvent::JobStarted {
                        job,
                        label: "sending the Outbox".into(),
                    })
                    .await;
                let store = self.store_async().await?;
                outbox::send_all_job(store, account, job, events.clone()).await;
            }
            ComposeCommand::FileAsSent {
                account: AccountConfig(account),
                id,
            } => {
                let store = self.store_async().await?;
                let progress: ProgressSink = Arc::new(|_| {});
                let (_, warnings) = send::file_as_delivered(store, account, id, progress).await?;
                send(ComposeEvent::FiledAsSent { id, warnings }).await;
            }
            ComposeCommand::SaveDraft {
                account: AccountConfig(account),
                draft,
                previous,
                for_form,
            } => {
                let store = self.store_async().await?;
                let (id, warning) = send::save_draft(store, account, draft, previous).await?;
                send(ComposeEvent::DraftSaved {
                    id,
                    warning,
                    for_form,
                })
                .await;
            }
            ComposeCommand::ListFolder { account, folder } => {
                let store = self.store_async().await?;
                let name = folder.clone();
                let (entries, unknown) = blocking(move || {
                    let entries = folders::list(&store, &account, &name)?;
                    let unknown = if name == OUTBOX {
                        outbox_marks::outbox_marks(&store, &account)?
                    } else {
                        HashMap::new()
                    };
                    Ok((entries, unknown))
                })
                .await?;
                send(ComposeEvent::Folder {
                    folder,
                    entries,
                    unknown,
                })
                .await;
            }
            ComposeCommand::Open {
                id,
                folder,
                account,
            } => {
                let store = self.store_async().await?;
                let draft = blocking(move || {
                    let raw = folders::read(&store, id)?;
                    super::reply::reopen(&raw, &account)
                })
                .await?;
                send(ComposeEvent::Opened { folder, id, draft }).await;
            }
            ComposeCommand::Delete { id } => {
                let store = self.store_async().await?;
                send::discard(store, id).await?;
                send(ComposeEvent::Deleted { id }).await;
            }
            ComposeCommand::LoadAddresses => {
                let store = self.store_async().await?;
                let known =
                    blocking(move || store.known_addresses().map_err(|e| e.to_string())).await?;
                send(ComposeEvent::Addresses(known)).await;
            }
            ComposeCommand::CompletePath { typed } => {
                let t = typed.clone();
                let options = blocking(move || Ok(super::path_complete::complete_path(&t))).await?;
                send(ComposeEvent::PathCompletions { typed, options }).await;
            }
            ComposeCommand::Attach { path } => {
                let path = super::path_complete::expand_home(&path);
                let attachment = blocking(move || Attachment::from_path(&path)).await?;
                send(ComposeEvent::Attached(attachment)).await;
            }
            ComposeCommand::Respond { id, identity, how } => {
                let store = self.store_async().await?;
                let draft = blocking(move || {
                    let raw = folders::read(&store, id)?;
                    super::reply::respond(&raw, &identity, how)
                })
                .await?;
                send(ComposeEvent::Drafted(draft)).await;
            }
        }
        Ok(())
    }

    /// Sends Outbox message `id` (`resend`: even though its delivery is
    /// unknown), forwarding the trace in batches.
    /// Sends one Outbox message as a job of its own; `resend` for one whose
    /// delivery was unknown, which the user chose to send again.
    async fn send_from_outbox(
        &self,
        account: Account,
        id: MessageId,
        resend: bool,
        job: JobId,
        events: mpsc::Sender<EngineEvent>,
    ) -> Result<(), String> {
        let label = if resend {
            "sending again (delivery was unknown)"
        } else {
            "sending from the Outbox"
        };
        let _ = events
            .send(EngineEvent::JobStarted {
                job,
                label: label.into(),
            })
            .await;
        let store = self.store_async().await?;
        self.send_job(store, account, id, resend, job, events).await;
        Ok(())
    }

    async fn send_job(
        &self,
        store: Store,
        account: Account,
        id: MessageId,
        resend: bool,
        job: JobId,
        events: mpsc::Sender<EngineEvent>,
    ) {
        let (progress, forwarder) = outbox::forward_progress(job, events.clone());
        let result = if resend {
            send::resend_unknown(store, account, id, progress).await
        } else {
            send::send_queued(store, account, id, progress).await
        };
        let _ = forwarder.await;
        let summary = outbox::report_send(job, id, result, &events).await;
        let _ = events
            .send(EngineEvent::JobFinished {
                job,
                outcome: summary,
            })
            .await;
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| e.to_string())?
}

mod outbox;
#[cfg(test)]
mod tests;
