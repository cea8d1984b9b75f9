//! How the Compose tab takes reports from its engine, and the entry points
//! other parts of the program use to fill the form (replies, mailto:).

use super::{ComposeState, Field, FolderKind, LastSend, View, compose, senders, set_text};
use crate::app::{App, Command, JobId, Level, Tab};
use crate::mail::compose::draft::{Attachment, Draft};
use crate::mail::compose::engine::{ComposeCommand, ComposeEvent, SendSummary};
use crate::mail::compose::reply::Respond;
use crate::mail::outbox::marks::DeliveryUnknown;
use crate::mail::smtp::Refusal;
use crate::store::{FolderEntry, MessageId};
use std::collections::HashMap;

impl App {
    /// Opens the composer on a `mailto:` link's fields.
    pub fn open_mailto(&mut self, mut draft: Draft) {
        let Some(account) = self.compose.account(&self.config) else {
            self.status.set(
                Level::Error,
                "no account can send: add an [accounts.smtp] section",
            );
            self.tab = Tab::Compose;
            return;
        };
        let me = crate::mail::compose::reply::Identity::from_account(account);
        draft.account = me.account.clone();
        draft.from = me.from.clone();
        draft.body = format!("{}{}", draft.body, me.signature_block());
        let config = self.config.clone();
        self.compose.load(&config, &draft);
        self.compose.modified = true;
        self.tab = Tab::Compose;
        self.dirty = true;
    }

    /// Starts a reply or forward of stored message `id` (the Inbox viewer
    /// calls this with the message it shows): the draft is built from the
    /// raw message off the loop and lands in the form.
    pub fn respond_to(&mut self, account: &str, id: MessageId, how: Respond) -> Vec<Command> {
        let accounts = senders(&self.config);
        let Some(sender) = accounts
            .iter()
            .find(|a| a.name == account)
            .or_else(|| accounts.first())
        else {
            self.status.set(
                Level::Error,
                "no account can send: add an [accounts.smtp] section",
            );
            self.dirty = true;
            return Vec::new();
        };
        compose(ComposeCommand::Respond {
            id,
            identity: crate::mail::compose::reply::Identity::from_account(sender),
            how,
        })
    }

    pub(crate) fn on_compose_event(&mut self, event: ComposeEvent) -> Vec<Command> {
        // Every report changes something the tab shows.
        self.dirty = true;
        let state = &mut self.compose;
        match event {
            ComposeEvent::Trace { lines, .. } => state.push_trace(lines),
            ComposeEvent::Stage { text, .. } => {
                state.last_send = Some(LastSend::Running { stage: text });
            }
            ComposeEvent::Queued { job, id } => self.on_queued(job, id),
            ComposeEvent::SendFinished { id, outcome, .. } => {
                return self.on_send_finished(id, outcome);
            }
            ComposeEvent::DraftSaved {
                id,
                warning,
                for_form,
            } => self.on_draft_saved(id, warning, for_form),
            ComposeEvent::Folder {
                entries, unknown, ..
            } => state.show_entries(entries, unknown),
            ComposeEvent::DeliveryUnknown { id, mark, .. } => {
                state.record_unknown(id, mark);
                return self.refresh_folder();
            }
            ComposeEvent::FiledAsSent { id, warnings } => {
                state.forget_entry(id);
                match warnings.first() {
                    Some(w) => self.status.set(Level::Warning, w),
                    None => self.status.set(Level::Info, "filed in Sent"),
                }
            }
            ComposeEvent::Opened { id, draft, .. } => {
                state.load(&self.config, &draft);
                state.stored_as = Some(id);
                state.modified = false;
            }
            ComposeEvent::Drafted(draft) => return self.on_drafted(&draft),
            ComposeEvent::Deleted { id } => {
                state.forget_entry(id);
                if state.stored_as == Some(id) {
                    state.stored_as = None;
                }
            }
            event @ (ComposeEvent::Addresses(_)
            | ComposeEvent::KeyStates { .. }
            | ComposeEvent::AnswerEncrypted
            | ComposeEvent::PassphraseNeeded { .. }
            | ComposeEvent::Unlocked { .. }
            | ComposeEvent::AddressBook { .. }
            | ComposeEvent::PathCompletions { .. }) => return self.on_helper_event(event),
            ComposeEvent::Attached(attachment) => self.on_attached(attachment),
            ComposeEvent::EditorFinished(Ok(text)) => state.take_edited_body(&text),
            ComposeEvent::EditorFinished(Err(e)) | ComposeEvent::Failed(e) => {
                self.status.set(Level::Error, &e);
            }
        }
        Vec::new()
    }

    /// A send ended: the Outbox shows it, and after a reply or forward the
    /// Inbox shows the original's new mark.
    fn on_send_finished(
        &mut self,
        id: Option<MessageId>,
        outcome: Result<SendSummary, (String, Vec<Refusal>)>,
    ) -> Vec<Command> {
        let sent = outcome.is_ok();
        self.compose.record_send(id, outcome);
        let mut commands = self.refresh_folder();
        if sent {
            commands.extend(self.inbox.relist(true));
        }
        commands
    }

    /// Path candidates: for the Compose form's attachment field and the
    /// Inbox's path prompts, which complete through the same engine.
    fn offer_path_candidates(&mut self, typed: &str, options: Vec<String>) {
        self.inbox.offer_paths(typed, options.clone());
        self.compose.offer_paths(typed, options);
    }

    /// Reports of the helpers around the form: keys, passphrases, the
    /// address book, path candidates.
    fn on_helper_event(&mut self, event: ComposeEvent) -> Vec<Command> {
        match event {
            ComposeEvent::Addresses(known) => {
                self.compose.known_addresses = known;
                return self.refresh_suggestions();
            }
            ComposeEvent::KeyStates { addresses, states } => {
                self.on_key_states(addresses, states);
            }
            ComposeEvent::PassphraseNeeded { key } => self.on_passphrase_needed(key),
            ComposeEvent::AnswerEncrypted => {
                self.compose.protection.encrypt = true;
                self.status.set(
                    Level::Info,
                    "answering encrypted mail: this reply will be encrypted",
                );
                return self.check_keys_if_needed();
            }
            ComposeEvent::Unlocked { then, result } => return self.on_unlocked(then, result),
            ComposeEvent::AddressBook { query, found } => {
                return self.on_address_book(query, found);
            }
            ComposeEvent::PathCompletions { typed, options } => {
                self.offer_path_candidates(&typed, options);
            }
            _ => {}
        }
        Vec::new()
    }

    /// The message is safely in the Outbox: the form is free for the next
    /// one while it is sent.
    fn on_queued(&mut self, job: JobId, id: MessageId) {
        let state = &mut self.compose;
        state.sending = Some(job);
        if state.view == View::Form {
            let keep_trace = state.show_trace;
            self.new_message();
            self.compose.show_trace = keep_trace;
            self.compose.editing = false;
            self.compose.sending = Some(job);
        }
        self.compose.outbox_errors.remove(&id);
        self.compose.last_send = Some(LastSend::Running {
            stage: "queued in the Outbox".into(),
        });
    }

    /// A send ended: the folder on screen is listed again, since the
    /// message may have left it or changed its mark.
    fn refresh_folder(&mut self) -> Vec<Command> {
        match self.compose.view {
            View::Folder(kind) => self.show_folder(kind),
            View::Form => Vec::new(),
        }
    }

    fn on_draft_saved(&mut self, id: MessageId, warning: Option<String>, for_form: bool) {
        if for_form {
            self.compose.stored_as = Some(id);
            self.compose.modified = false;
        }
        match warning {
            Some(w) => self.status.set(Level::Warning, &w),
            None if for_form => self.status.set(Level::Info, "draft saved"),
            None => {}
        }
    }

    /// A reply, forward or mailto: draft replaces the form (which is set
    /// aside first when it holds unsaved work).
    fn on_drafted(&mut self, draft: &Draft) -> Vec<Command> {
        let commands = self.set_aside();
        let state = &mut self.compose;
        state.load(&self.config, draft);
        state.stored_as = None;
        state.modified = true;
        self.tab = Tab::Compose;
        commands
    }

    fn on_attached(&mut self, attachment: Attachment) {
        self.status.set(
            Level::Info,
            &format!("attached {} ({})", attachment.name, attachment.content_type),
        );
        let state = &mut self.compose;
        state.attachments.push(attachment);
        state.attachment_selected = state.attachments.len() - 1;
        state.modified = true;
    }
}

impl ComposeState {
    /// The outcome of a send, for the result pane and the Outbox's marks.
    fn record_send(
        &mut self,
        id: Option<MessageId>,
        outcome: Result<SendSummary, (String, Vec<Refusal>)>,
    ) {
        self.sending = None;
        self.last_send = Some(match outcome {
            Ok(summary) => {
                if let Some(id) = id {
                    self.outbox_errors.remove(&id);
                    self.outbox_unknown.remove(&id);
                }
                LastSend::Sent { summary }
            }
            Err((error, refused)) => match id {
                Some(id) => {
                    self.outbox_errors.insert(id, error.clone());
                    LastSend::Failed { error, refused }
                }
                None => LastSend::NotQueued { error },
            },
        });
    }

    /// A send broke after the whole message went out.
    fn record_unknown(&mut self, id: MessageId, mark: DeliveryUnknown) {
        self.sending = None;
        self.outbox_errors.remove(&id);
        self.last_send = Some(LastSend::Unknown {
            reason: mark.reason.clone(),
        });
        self.outbox_unknown.insert(id, mark);
    }

    fn show_entries(
        &mut self,
        entries: Vec<FolderEntry>,
        unknown: HashMap<MessageId, DeliveryUnknown>,
    ) {
        self.folder_selected = self.folder_selected.min(entries.len().saturating_sub(1));
        self.folder_entries = entries;
        if self.view == View::Folder(FolderKind::Outbox) {
            self.outbox_unknown = unknown;
        }
    }

    /// A message left the folder (deleted, or filed in Sent).
    fn forget_entry(&mut self, id: MessageId) {
        self.folder_entries.retain(|e| e.id != id);
        self.outbox_errors.remove(&id);
        self.outbox_unknown.remove(&id);
        self.folder_selected = self
            .folder_selected
            .min(self.folder_entries.len().saturating_sub(1));
    }

    /// Path candidates arrive late: they count only while the path they
    /// complete is still the one typed.
    fn offer_paths(&mut self, typed: &str, options: Vec<String>) {
        if self.focus == Field::Attachments && self.text(Field::Attachments) == typed {
            self.suggestions = options;
            self.suggested_for = Some(typed.to_string());
        }
    }

    fn take_edited_body(&mut self, text: &str) {
        if text != self.text(Field::Body) {
            set_text(&mut self.body, text);
            self.modified = true;
        }
        self.focus = Field::Body;
    }
}
