//! Actions on the Outbox and Drafts lists: opening an entry, sending again
//! (asking first when delivery is unknown), filing as sent, deleting.

use super::{FolderKind, View, compose};
use crate::app::{Action, App, Command, Level};
use crate::config::Account;
use crate::mail::compose::engine::{AccountConfig, ComposeCommand};
use crate::store::MessageId;

impl App {
    /// Shows the sending account's Outbox or Drafts, asking the engine for
    /// its entries.
    pub(super) fn show_folder(&mut self, kind: FolderKind) -> Vec<Command> {
        let Some(account) = self.compose.account(&self.config) else {
            return Vec::new();
        };
        let account = account.name.clone();
        self.compose.view = View::Folder(kind);
        self.compose.editing = false;
        self.compose.confirm_resend = None;
        self.compose.folder_selected = 0;
        self.compose.folder_entries.clear();
        compose(ComposeCommand::ListFolder {
            account,
            folder: kind.name().into(),
        })
    }

    /// The folder list's share of `compose_action`; `None` for the actions
    /// it does not handle.
    pub(super) fn folder_action(
        &mut self,
        kind: FolderKind,
        action: Action,
    ) -> Option<Vec<Command>> {
        let state = &mut self.compose;
        let selected = state
            .folder_entries
            .get(state.folder_selected)
            .map(|e| e.id);
        let account = state.account(&self.config)?.clone();
        // A pending "send again anyway?" is answered by the next key.
        if let Some(pending) = state.confirm_resend.take()
            && let Some(commands) = self.answer_resend(pending, action, &account)
        {
            return Some(commands);
        }
        let state = &mut self.compose;
        match action {
            Action::Cancel => state.view = View::Form,
            Action::ScrollDown => {
                state.folder_selected =
                    (state.folder_selected + 1).min(state.folder_entries.len().saturating_sub(1));
            }
            Action::ScrollUp => state.folder_selected = state.folder_selected.saturating_sub(1),
            Action::Confirm => return Some(self.open_entry(kind, selected?, account)),
            Action::ComposeRetry if kind == FolderKind::Outbox => {
                return Some(self.retry(selected?, account));
            }
            Action::ComposeFileAsSent if kind == FolderKind::Outbox => {
                return Some(self.file_as_sent(selected?, account));
            }
            Action::ComposeRemoveAttachment => {
                return Some(compose(ComposeCommand::Delete { id: selected? }));
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    /// The key after "send again anyway?": retry or enter sends, anything
    /// else declines (and, unless it was esc, still does its own job, so
    /// `None` lets it through).
    fn answer_resend(
        &mut self,
        pending: MessageId,
        action: Action,
        account: &Account,
    ) -> Option<Vec<Command>> {
        match action {
            Action::ComposeRetry | Action::Confirm => {
                Some(self.start_send(ComposeCommand::ResendUnknown {
                    account: AccountConfig(account.clone()),
                    id: pending,
                }))
            }
            _ => {
                self.status.set(Level::Info, "not sent again");
                (action == Action::Cancel).then(Vec::new)
            }
        }
    }

    /// Opens an Outbox or Drafts message in the form, unless the form holds
    /// unsaved work.
    fn open_entry(&mut self, kind: FolderKind, id: MessageId, account: Account) -> Vec<Command> {
        let state = &self.compose;
        if state.modified && state.has_content() {
            self.status.set(
                Level::Warning,
                "save (ctrl-p) or send the message in the form first",
            );
            return Vec::new();
        }
        compose(ComposeCommand::Open {
            id,
            folder: kind.name().to_string(),
            account: account.name,
        })
    }

    /// Sends an Outbox message again; one of unknown delivery asks first.
    fn retry(&mut self, id: MessageId, account: Account) -> Vec<Command> {
        let state = &mut self.compose;
        if let Some(mark) = state.outbox_unknown.get(&id) {
            let since = crate::mailview::format_date(mark.since);
            state.confirm_resend = Some(id);
            self.status.set(
                Level::Warning,
                &format!(
                    "delivery unknown since {since}: the recipients may have it already. \
                     r or enter sends it again anyway, esc keeps it"
                ),
            );
            return Vec::new();
        }
        self.start_send(ComposeCommand::Retry {
            account: AccountConfig(account),
            id,
        })
    }

    /// Files an Outbox message of unknown delivery in Sent, on the user's
    /// word that it arrived.
    fn file_as_sent(&mut self, id: MessageId, account: Account) -> Vec<Command> {
        if !self.compose.outbox_unknown.contains_key(&id) {
            self.status.set(
                Level::Warning,
                "only a message of unknown delivery can be filed as sent; r sends it",
            );
            return Vec::new();
        }
        compose(ComposeCommand::FileAsSent {
            account: AccountConfig(account),
            id,
        })
    }
}
