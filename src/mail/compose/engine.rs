//! The composer's background work: sending, retrying, saving drafts,
//! listing and opening Outbox/Drafts, completions. Each request runs as a
//! tokio task and reports `ComposeEvent`s; sends are jobs with progress.

use super::draft::{Attachment, Draft};
use crate::config::Account;
use crate::mail::outbox::marks::DeliveryUnknown;
use crate::mail::smtp::{Refusal, TraceLine};
use crate::report::{JobId, Reporter};
use crate::store::{Contact, FolderEntry, MessageId, Store};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

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
        /// Sign and/or encrypt it first (PGP/MIME).
        protection: super::secure::Protection,
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
    /// The store's contacts, ranked, for recipient completion.
    LoadAddresses,
    /// Whether each address has a key to encrypt to.
    CheckKeys {
        addresses: Vec<String>,
    },
    /// Ask the user's address book command for `query`.
    QueryAddressBook {
        command: String,
        query: String,
    },
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
    Addresses(Vec<Contact>),
    /// The key check for `addresses`, in order.
    KeyStates {
        addresses: Vec<String>,
        states: Result<Vec<(String, crate::pgp::KeyState)>, String>,
    },
    /// gpg needs a passphrase the agent has not cached, and may not ask
    /// while the interface owns the terminal: unlock `key`, then retry.
    PassphraseNeeded {
        key: Option<String>,
    },
    /// The message just drafted answers an encrypted one: encrypt it too.
    AnswerEncrypted,
    /// The interface handed the terminal to gpg to unlock a key.
    Unlocked {
        then: super::secure::AfterUnlock,
        result: Result<(), String>,
    },
    /// The address book's answer for `query` (late ones are the caller's
    /// to drop).
    AddressBook {
        query: String,
        found: Result<Vec<Contact>, String>,
    },
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
    /// The user's gpg, never allowed to ask for a passphrase itself (the
    /// interface owns the terminal; it unlocks on `PassphraseNeeded`).
    gpg: crate::pgp::Gpg,
}

impl ComposeEngine {
    pub fn new(store_dir: PathBuf) -> ComposeEngine {
        ComposeEngine {
            store_dir: Some(store_dir),
            gpg: crate::pgp::Gpg::default().with_pinentry(crate::pgp::Pinentry::Never),
            ..ComposeEngine::default()
        }
    }

    /// Runs the gpg `config` names, quietly (see [`ComposeEvent::PassphraseNeeded`]).
    pub fn with_pgp(mut self, config: &crate::config::PgpConfig) -> ComposeEngine {
        self.gpg = crate::pgp::Gpg::from_config(config).with_pinentry(crate::pgp::Pinentry::Never);
        self
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
        events: Reports,
    ) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move {
            if let Err(e) = this.run(command, job, &events).await {
                events.send(ComposeEvent::Failed(e)).await;
            }
        })
    }

    async fn run(
        &self,
        command: ComposeCommand,
        job: JobId,
        events: &Reports,
    ) -> Result<(), String> {
        use ComposeCommand as C;
        match command {
            C::Send {
                account: AccountConfig(account),
                draft,
                replaces,
                protection,
            } => {
                let new = (draft, replaces, protection);
                self.send_new(account, new.into(), job, events).await
            }
            C::Retry {
                account: AccountConfig(account),
                id,
            } => self.send_from_outbox(account, id, false, job, events).await,
            C::ResendUnknown {
                account: AccountConfig(account),
                id,
            } => self.send_from_outbox(account, id, true, job, events).await,
            C::SendAll {
                account: AccountConfig(account),
            } => self.send_all(account, job, events).await,
            C::FileAsSent {
                account: AccountConfig(account),
                id,
            } => self.file_as_sent(account, id, events).await,
            C::SaveDraft {
                account: AccountConfig(account),
                draft,
                previous,
                for_form,
            } => {
                self.save_draft(account, draft, previous, for_form, events)
                    .await
            }
            C::ListFolder { account, folder } => self.list_folder(account, folder, events).await,
            C::Open {
                id,
                folder,
                account,
            } => self.open(id, folder, account, events).await,
            C::Delete { id } => self.delete(id, events).await,
            C::LoadAddresses => self.load_addresses(events).await,
            C::CheckKeys { addresses } => self.check_keys(addresses, events).await,
            C::QueryAddressBook { command, query } => {
                query_address_book(command, query, events).await
            }
            C::CompletePath { typed } => complete_path(typed, events).await,
            C::Attach { path } => attach(path, events).await,
            C::Respond { id, identity, how } => self.respond(id, identity, how, events).await,
        }
    }
}

/// Where the compose engine's reports go.
pub type Reports = Reporter<ComposeEvent>;

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| e.to_string())?
}

mod folder_jobs;
mod pgp_jobs;
mod send_jobs;
#[cfg(test)]
mod tests;

use folder_jobs::{attach, complete_path, query_address_book};
