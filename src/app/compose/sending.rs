//! Handing the form's message to the compose engine: send it through the
//! Outbox, save it in Drafts, or set it aside before the form is replaced.

use super::{LastSend, compose};
use crate::app::{App, Command, Level};
use crate::mail::compose::engine::{AccountConfig, ComposeCommand};

impl App {
    /// Starts a send job: the result pane shows it running, on a fresh trace.
    pub(super) fn start_send(&mut self, command: ComposeCommand) -> Vec<Command> {
        self.compose.last_send = Some(LastSend::Running {
            stage: "starting".into(),
        });
        self.compose.trace.clear();
        compose(command)
    }

    pub(super) fn send_form(&mut self) -> Vec<Command> {
        let Some(account) = self.compose.account(&self.config).cloned() else {
            return Vec::new();
        };
        if self.compose.sending.is_some() {
            self.status
                .set(Level::Warning, "a message is being sent already");
            return Vec::new();
        }
        let draft = self.compose.draft(&account);
        if let Err(e) = draft.validate() {
            self.status.set(Level::Error, &e);
            return Vec::new();
        }
        let unusable = self.compose.unusable_keys(&self.config);
        if !unusable.is_empty() {
            // Known before gpg runs: say who, and send nothing.
            let error = crate::mail::compose::secure::SecureError::NoUsableKey(unusable);
            self.status.set(Level::Error, &error.to_string());
            self.compose.last_send = Some(LastSend::NotQueued {
                error: error.to_string(),
            });
            return Vec::new();
        }
        self.compose.editing = false;
        self.compose.trace.clear();
        self.compose.last_send = Some(LastSend::Running {
            stage: "saving to the Outbox".into(),
        });
        // The form's message leaves Drafts/Outbox once the new copy is
        // queued (the engine removes it after the Outbox write; the form
        // is reset then). If formatting fails, the form keeps its link.
        let replaces = self.compose.stored_as;
        compose(ComposeCommand::Send {
            account: AccountConfig(account),
            draft,
            replaces,
            protection: self.compose.protection,
        })
    }

    pub(super) fn save_draft(&mut self, for_form: bool) -> Vec<Command> {
        let Some(account) = self.compose.account(&self.config).cloned() else {
            return Vec::new();
        };
        let draft = self.compose.draft(&account);
        self.status.set(Level::Info, "saving the draft…");
        compose(ComposeCommand::SaveDraft {
            account: AccountConfig(account),
            draft,
            previous: self.compose.stored_as,
            for_form,
        })
    }

    /// Before the form is replaced (new message, reply, reopened draft):
    /// an unsaved message goes to Drafts instead of being lost.
    pub(super) fn set_aside(&mut self) -> Vec<Command> {
        if !(self.compose.modified && self.compose.has_content()) {
            return Vec::new();
        }
        let commands = self.save_draft(false);
        self.status
            .set(Level::Info, "the unsent message was saved to Drafts");
        commands
    }
}
