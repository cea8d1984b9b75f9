//! Actions on the form: moving between fields, editing, the sender, the
//! attachments, and handing the message to the editor or the engine.

use super::{ComposeState, Field, senders};
use crate::app::{Action, App, Command, Level};

impl App {
    /// The form's share of `compose_action`; `None` for the actions the
    /// form does not handle.
    pub(super) fn form_action(&mut self, action: Action) -> Option<Vec<Command>> {
        let senders = senders(&self.config).len();
        let state = &mut self.compose;
        match action {
            Action::ComposeNextField | Action::ComposePrevField => {
                return Some(self.step_field(action == Action::ComposeNextField));
            }
            Action::ScrollDown | Action::ScrollUp => state.move_focus(action == Action::ScrollDown),
            Action::Confirm if state.focus == Field::From => {
                state.identity = (state.identity + 1) % senders;
            }
            Action::Confirm => {
                state.editing = true;
                return Some(self.after_focus_change());
            }
            Action::Cancel if state.editing => {
                state.editing = false;
                state.clear_suggestions();
            }
            Action::ComposeNextFrom => {
                state.identity = (state.identity + 1) % senders;
                state.modified = true;
            }
            Action::ComposeAttach => {
                state.focus = Field::Attachments;
                state.editing = true;
            }
            Action::ComposeRemoveAttachment if !state.attachments.is_empty() => {
                let removed = state.remove_selected_attachment();
                self.status.set(Level::Info, &format!("removed {removed}"));
            }
            Action::ComposeNextAttachment | Action::ComposePrevAttachment => {
                state.select_attachment(action == Action::ComposeNextAttachment);
            }
            Action::ComposeEditor => {
                // The event loop owns the terminal; it runs the editor and
                // reports back with EditorFinished.
                self.editor_request = Some(state.text(Field::Body));
            }
            Action::ComposeSend => return Some(self.send_form()),
            Action::ComposeToggleSign | Action::ComposeToggleEncrypt => {
                return Some(self.toggle_protection(action == Action::ComposeToggleEncrypt));
            }
            Action::ComposeSaveDraft => return Some(self.save_draft(true)),
            Action::ComposeNew => {
                let commands = self.set_aside();
                self.new_message();
                return Some(commands);
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    /// Tab / backtab: the next field forward takes the completion shown
    /// first; leaving a field stops editing only on From.
    fn step_field(&mut self, forward: bool) -> Vec<Command> {
        if forward && self.accept_suggestion() {
            // A completed directory gets its own candidates.
            return self.refresh_suggestions();
        }
        let state = &mut self.compose;
        let typed = state.text(Field::Attachments);
        if forward && state.editing && state.focus == Field::Attachments && !typed.trim().is_empty()
        {
            // Like a shell: Tab on a path that nothing completes stays put
            // rather than leave the typed path behind, unseen.
            self.status.set(
                Level::Info,
                &format!(
                    "nothing completes {}; Enter attaches it as typed, Esc leaves the field",
                    crate::sanitize::clean_line(&typed)
                ),
            );
            return Vec::new();
        }
        state.focus = state.focus.step(forward);
        state.clear_suggestions();
        state.editing = state.editing && state.focus != Field::From;
        self.after_focus_change()
    }

    /// Replaces the form with a fresh one from the same sender, keeping
    /// what belongs to the session rather than to the message.
    pub(super) fn new_message(&mut self) {
        let identity = self.compose.identity;
        let keep = std::mem::take(&mut self.compose);
        self.compose = ComposeState::fresh(&self.config, identity);
        self.compose.known_addresses = keep.known_addresses;
        self.compose.addresses_requested = keep.addresses_requested;
        self.compose.book = keep.book;
        self.compose.trace = keep.trace;
        self.compose.show_trace = keep.show_trace;
        self.compose.outbox_errors = keep.outbox_errors;
        self.compose.sending = keep.sending;
        self.compose.last_send = keep.last_send;
        self.compose.editing = true;
    }
}

impl ComposeState {
    /// Up/down outside a field: the focus moves, candidates go.
    fn move_focus(&mut self, forward: bool) {
        self.focus = self.focus.step(forward);
        self.clear_suggestions();
    }

    /// Removes the selected attachment; returns its name.
    fn remove_selected_attachment(&mut self) -> String {
        let i = self.attachment_selected.min(self.attachments.len() - 1);
        let removed = self.attachments.remove(i);
        self.attachment_selected = i.saturating_sub(1);
        self.modified = true;
        removed.name
    }

    fn select_attachment(&mut self, forward: bool) {
        let n = self.attachments.len().max(1);
        self.attachment_selected = if forward {
            (self.attachment_selected + 1) % n
        } else {
            (self.attachment_selected + n - 1) % n
        };
    }
}
