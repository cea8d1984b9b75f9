//! The Compose tab's share of `App::apply`: the actions that work in both
//! views, then the form's or the folder list's own.

use super::{FolderKind, View, senders};
use crate::app::{Action, App, Command, Level, Tab};
use crate::mail::compose::engine::{AccountConfig, ComposeCommand};

impl App {
    /// Whether the composer has the keyboard (a field is being edited).
    pub fn compose_typing(&self) -> bool {
        self.tab == Tab::Compose
            && self.compose.view == View::Form
            && self.compose.editing
            && !super::senders(&self.config).is_empty()
    }

    /// The Compose tab's share of `apply`; `None` leaves the action to the
    /// global handler.
    pub(crate) fn compose_action(&mut self, action: Action) -> Option<Vec<Command>> {
        if senders(&self.config).is_empty() {
            return None;
        }
        let commands = match (self.compose.view, action) {
            (_, Action::ComposeOutbox) => self.show_folder(FolderKind::Outbox),
            (_, Action::ComposeDrafts) => self.show_folder(FolderKind::Drafts),
            (_, Action::ComposeSendAll) => self.send_all()?,
            (_, Action::ComposeToggleTrace) => {
                self.compose.show_trace = !self.compose.show_trace;
                Vec::new()
            }
            (_, Action::PageUp | Action::PageDown) if self.compose.show_trace => {
                self.page_trace(action == Action::PageUp);
                Vec::new()
            }
            (View::Folder(kind), action) => self.folder_action(kind, action)?,
            (View::Form, action) => self.form_action(action)?,
        };
        self.dirty = true;
        Some(commands)
    }

    /// Sends everything queued in the sending account's Outbox.
    fn send_all(&mut self) -> Option<Vec<Command>> {
        let account = self.compose.account(&self.config)?.clone();
        self.status.set(
            Level::Info,
            "sending the Outbox (messages of unknown delivery stay)",
        );
        Some(self.start_send(ComposeCommand::SendAll {
            account: AccountConfig(account),
        }))
    }

    /// Scrolls the SMTP trace a third of the screen back (`older`) or
    /// forward.
    fn page_trace(&mut self, older: bool) {
        let page = usize::from(self.size.1 / 3).max(1);
        let state = &mut self.compose;
        let max = state.trace.len().saturating_sub(1);
        state.trace_scroll = if older {
            (state.trace_scroll + page).min(max)
        } else {
            state.trace_scroll.saturating_sub(page)
        };
    }
}
