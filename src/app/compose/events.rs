//! How the Compose tab takes reports from its engine, and the entry points
//! other parts of the program use to fill the form (replies, mailto:).

use super::{Field, LastSend, View, senders, set_text};
use crate::app::{App, Command, Level, Tab};
use crate::mail::compose::engine::{ComposeCommand, ComposeEvent};
use crate::mail::compose::reply::Respond;
use crate::store::MessageId;

fn compose(command: ComposeCommand) -> Vec<Command> {
    vec![Command::Compose(Box::new(command))]
}

impl App {
    /// Opens the composer on a `mailto:` link's fields.
    pub fn open_mailto(&mut self, mut draft: crate::mail::compose::draft::Draft) {
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
        let state = &mut self.compose;
        match event {
            ComposeEvent::Trace { lines, .. } => state.push_trace(lines),
            ComposeEvent::Stage { text, .. } => {
                state.last_send = Some(LastSend::Running { stage: text });
            }
            ComposeEvent::Queued { job, id } => {
                state.sending = Some(job);
                if state.view == View::Form {
                    // Queued safely: the form is free for the next message.
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
            ComposeEvent::SendFinished { id, outcome, .. } => {
                state.sending = None;
                state.last_send = Some(match outcome {
                    Ok(summary) => {
                        if let Some(id) = id {
                            state.outbox_errors.remove(&id);
                            state.outbox_unknown.remove(&id);
                        }
                        LastSend::Sent { summary }
                    }
                    Err((error, refused)) => {
                        if let Some(id) = id {
                            state.outbox_errors.insert(id, error.clone());
                        }
                        LastSend::Failed { error, refused }
                    }
                });
                if let View::Folder(kind) = state.view {
                    self.dirty = true;
                    return self.show_folder(kind);
                }
            }
            ComposeEvent::DraftSaved {
                id,
                warning,
                for_form,
            } => {
                if for_form {
                    state.stored_as = Some(id);
                    state.modified = false;
                }
                match warning {
                    Some(w) => self.status.set(Level::Warning, &w),
                    None if for_form => self.status.set(Level::Info, "draft saved"),
                    None => {}
                }
            }
            ComposeEvent::Folder {
                entries, unknown, ..
            } => {
                state.folder_selected = state.folder_selected.min(entries.len().saturating_sub(1));
                state.folder_entries = entries;
                if state.view == View::Folder(super::FolderKind::Outbox) {
                    state.outbox_unknown = unknown;
                }
            }
            ComposeEvent::DeliveryUnknown { id, mark, .. } => {
                state.sending = None;
                state.outbox_errors.remove(&id);
                state.last_send = Some(LastSend::Unknown {
                    reason: mark.reason.clone(),
                });
                state.outbox_unknown.insert(id, mark);
                if let View::Folder(kind) = state.view {
                    self.dirty = true;
                    return self.show_folder(kind);
                }
            }
            ComposeEvent::FiledAsSent { id, warnings } => {
                state.folder_entries.retain(|e| e.id != id);
                state.outbox_unknown.remove(&id);
                state.outbox_errors.remove(&id);
                state.folder_selected = state
                    .folder_selected
                    .min(state.folder_entries.len().saturating_sub(1));
                match warnings.first() {
                    Some(w) => self.status.set(Level::Warning, w),
                    None => self.status.set(Level::Info, "filed in Sent"),
                }
            }
            ComposeEvent::Opened { id, draft, .. } => {
                let config = self.config.clone();
                state.load(&config, &draft);
                state.stored_as = Some(id);
                state.modified = false;
            }
            ComposeEvent::Drafted(draft) => {
                let commands = self.set_aside();
                let config = self.config.clone();
                let state = &mut self.compose;
                state.load(&config, &draft);
                state.stored_as = None;
                state.modified = true;
                self.tab = Tab::Compose;
                self.dirty = true;
                return commands;
            }
            ComposeEvent::Deleted { id } => {
                state.folder_entries.retain(|e| e.id != id);
                state.outbox_errors.remove(&id);
                state.outbox_unknown.remove(&id);
                if state.stored_as == Some(id) {
                    state.stored_as = None;
                }
                state.folder_selected = state
                    .folder_selected
                    .min(state.folder_entries.len().saturating_sub(1));
            }
            ComposeEvent::Addresses(known) => {
                state.known_addresses = known;
                self.dirty = true;
                return self.refresh_suggestions();
            }
            ComposeEvent::PathCompletions { typed, options } => {
                if state.focus == Field::Attachments && state.text(Field::Attachments) == typed {
                    state.suggestions = options;
                }
            }
            ComposeEvent::Attached(attachment) => {
                self.status.set(
                    Level::Info,
                    &format!("attached {} ({})", attachment.name, attachment.content_type),
                );
                let state = &mut self.compose;
                state.attachments.push(attachment);
                state.attachment_selected = state.attachments.len() - 1;
                state.modified = true;
            }
            ComposeEvent::EditorFinished(Ok(text)) => {
                if text != state.text(Field::Body) {
                    set_text(&mut state.body, &text);
                    state.modified = true;
                }
                state.focus = Field::Body;
            }
            ComposeEvent::EditorFinished(Err(e)) | ComposeEvent::Failed(e) => {
                self.status.set(Level::Error, &e);
            }
        }
        self.dirty = true;
        Vec::new()
    }
}
