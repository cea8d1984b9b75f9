//! How the Compose tab reacts to actions, typed keys and engine reports.

use super::{ComposeState, Field, FolderKind, LastSend, View, senders, set_text};
use crate::app::{Action, App, Command, Level, Tab};
use crate::mail::address;
use crate::mail::compose::engine::{AccountConfig, ComposeCommand};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn compose(command: ComposeCommand) -> Vec<Command> {
    vec![Command::Compose(Box::new(command))]
}

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
            (_, Action::ComposeSendAll) => {
                let account = self.compose.account(&self.config)?.clone();
                self.status.set(
                    Level::Info,
                    "sending the Outbox (messages of unknown delivery stay)",
                );
                self.start_send(ComposeCommand::SendAll {
                    account: AccountConfig(account),
                })
            }
            (_, Action::ComposeToggleTrace) => {
                self.compose.show_trace = !self.compose.show_trace;
                Vec::new()
            }
            (_, Action::PageUp | Action::PageDown) if self.compose.show_trace => {
                let page = usize::from(self.size.1 / 3).max(1);
                let state = &mut self.compose;
                let max = state.trace.len().saturating_sub(1);
                state.trace_scroll = if action == Action::PageUp {
                    (state.trace_scroll + page).min(max)
                } else {
                    state.trace_scroll.saturating_sub(page)
                };
                Vec::new()
            }
            (View::Folder(kind), action) => self.folder_action(kind, action)?,
            (View::Form, action) => self.form_action(action)?,
        };
        self.dirty = true;
        Some(commands)
    }

    fn form_action(&mut self, action: Action) -> Option<Vec<Command>> {
        let state = &mut self.compose;
        match action {
            Action::ComposeNextField | Action::ComposePrevField => {
                if action == Action::ComposeNextField && self.accept_suggestion() {
                    // A completed directory gets its own candidates.
                    return Some(self.refresh_suggestions());
                }
                let state = &mut self.compose;
                state.focus = state.focus.step(action == Action::ComposeNextField);
                state.suggestions.clear();
                state.editing = state.editing && state.focus != Field::From;
                return Some(self.after_focus_change());
            }
            Action::ScrollDown | Action::ScrollUp => {
                state.focus = state.focus.step(action == Action::ScrollDown);
                state.suggestions.clear();
            }
            Action::Confirm => match state.focus {
                Field::From => state.identity = (state.identity + 1) % senders(&self.config).len(),
                _ => {
                    state.editing = true;
                    return Some(self.after_focus_change());
                }
            },
            Action::Cancel if state.editing => {
                state.editing = false;
                state.suggestions.clear();
            }
            Action::ComposeNextFrom => {
                state.identity = (state.identity + 1) % senders(&self.config).len();
                state.modified = true;
            }
            Action::ComposeAttach => {
                state.focus = Field::Attachments;
                state.editing = true;
            }
            Action::ComposeRemoveAttachment if !state.attachments.is_empty() => {
                let i = state.attachment_selected.min(state.attachments.len() - 1);
                let removed = state.attachments.remove(i);
                state.attachment_selected = i.saturating_sub(1);
                state.modified = true;
                self.status
                    .set(Level::Info, &format!("removed {}", removed.name));
            }
            Action::ComposeNextAttachment | Action::ComposePrevAttachment => {
                let n = state.attachments.len().max(1);
                state.attachment_selected = if action == Action::ComposeNextAttachment {
                    (state.attachment_selected + 1) % n
                } else {
                    (state.attachment_selected + n - 1) % n
                };
            }
            Action::ComposeEditor => {
                // The event loop owns the terminal; it runs the editor and
                // reports back with EditorFinished.
                self.editor_request = Some(state.text(Field::Body));
            }
            Action::ComposeSend => return Some(self.send_form()),
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

    fn folder_action(&mut self, kind: FolderKind, action: Action) -> Option<Vec<Command>> {
        let state = &mut self.compose;
        let selected = state
            .folder_entries
            .get(state.folder_selected)
            .map(|e| e.id);
        let account = state.account(&self.config)?.clone();
        // A pending "send again anyway?" is answered by the next key.
        if let Some(pending) = state.confirm_resend.take() {
            match action {
                Action::ComposeRetry | Action::Confirm => {
                    return Some(self.start_send(ComposeCommand::ResendUnknown {
                        account: AccountConfig(account),
                        id: pending,
                    }));
                }
                _ => {
                    self.status.set(Level::Info, "not sent again");
                    if action == Action::Cancel {
                        return Some(Vec::new());
                    }
                }
            }
        }
        let state = &mut self.compose;
        match action {
            Action::Cancel => state.view = View::Form,
            Action::ScrollDown => {
                state.folder_selected =
                    (state.folder_selected + 1).min(state.folder_entries.len().saturating_sub(1));
            }
            Action::ScrollUp => state.folder_selected = state.folder_selected.saturating_sub(1),
            Action::Confirm => {
                let id = selected?;
                if state.modified && state.has_content() {
                    self.status.set(
                        Level::Warning,
                        "save (ctrl-p) or send the message in the form first",
                    );
                    return Some(Vec::new());
                }
                return Some(compose(ComposeCommand::Open {
                    id,
                    folder: kind.name().to_string(),
                    account: account.name,
                }));
            }
            Action::ComposeRetry if kind == FolderKind::Outbox => {
                let id = selected?;
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
                    return Some(Vec::new());
                }
                return Some(self.start_send(ComposeCommand::Retry {
                    account: AccountConfig(account),
                    id,
                }));
            }
            Action::ComposeFileAsSent if kind == FolderKind::Outbox => {
                let id = selected?;
                if !state.outbox_unknown.contains_key(&id) {
                    self.status.set(
                        Level::Warning,
                        "only a message of unknown delivery can be filed as sent; r sends it",
                    );
                    return Some(Vec::new());
                }
                return Some(compose(ComposeCommand::FileAsSent {
                    account: AccountConfig(account),
                    id,
                }));
            }
            Action::ComposeRemoveAttachment => {
                let id = selected?;
                return Some(compose(ComposeCommand::Delete { id }));
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    fn start_send(&mut self, command: ComposeCommand) -> Vec<Command> {
        self.compose.last_send = Some(LastSend::Running {
            stage: "starting".into(),
        });
        self.compose.trace.clear();
        compose(command)
    }

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

    pub(super) fn new_message(&mut self) {
        let identity = self.compose.identity;
        let keep = std::mem::take(&mut self.compose);
        self.compose = ComposeState::fresh(&self.config, identity);
        self.compose.known_addresses = keep.known_addresses;
        self.compose.addresses_requested = keep.addresses_requested;
        self.compose.trace = keep.trace;
        self.compose.show_trace = keep.show_trace;
        self.compose.outbox_errors = keep.outbox_errors;
        self.compose.sending = keep.sending;
        self.compose.last_send = keep.last_send;
        self.compose.editing = true;
    }

    fn send_form(&mut self) -> Vec<Command> {
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
        })
    }

    fn save_draft(&mut self, for_form: bool) -> Vec<Command> {
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

    /// Loads what completion needs for the newly focused field.
    fn after_focus_change(&mut self) -> Vec<Command> {
        let state = &mut self.compose;
        if state.focus.is_address() && state.editing && !state.addresses_requested {
            state.addresses_requested = true;
            return compose(ComposeCommand::LoadAddresses);
        }
        Vec::new()
    }

    /// Tab on a field with suggestions takes the first one.
    fn accept_suggestion(&mut self) -> bool {
        let state = &mut self.compose;
        let Some(choice) = state.suggestions.first().cloned() else {
            return false;
        };
        if !state.editing {
            return false;
        }
        let field = state.focus;
        let current = state.text(field);
        let completed = if field == Field::Attachments {
            // Like a shell: the common part of all candidates first, the
            // first candidate once nothing more is common.
            let common = common_prefix(&state.suggestions);
            if common.len() > current.len() {
                common
            } else {
                choice
            }
        } else {
            address::complete_last(&current, &choice)
        };
        if let Some(area) = state.area_mut(field) {
            set_text(area, &completed);
            area.move_cursor(ratatui_textarea::CursorMove::End);
        }
        state.suggestions.clear();
        true
    }

    /// A key typed while a field is being edited.
    pub(crate) fn compose_text_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let state = &mut self.compose;
        let field = state.focus;
        let single_line = field != Field::Body;
        if single_line && key.code == KeyCode::Enter {
            if field == Field::Attachments {
                let path = state.text(Field::Attachments).trim().to_string();
                if path.is_empty() {
                    return Vec::new();
                }
                set_text(&mut state.attach_path, "");
                state.suggestions.clear();
                self.dirty = true;
                return compose(ComposeCommand::Attach { path });
            }
            state.focus = field.step(true);
            state.suggestions.clear();
            self.dirty = true;
            return self.after_focus_change();
        }
        let Some(area) = state.area_mut(field) else {
            return Vec::new();
        };
        let ctrl_m =
            key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('m');
        if single_line && ctrl_m {
            return Vec::new();
        }
        if area.input(key) {
            state.modified = true;
        }
        self.dirty = true;
        self.refresh_suggestions()
    }

    /// Pasted text goes into the field being edited (one line in the
    /// one-line fields).
    pub(crate) fn compose_paste(&mut self, text: &str) -> Vec<Command> {
        let state = &mut self.compose;
        let field = state.focus;
        let text = if field == Field::Body {
            text.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            text.replace(['\r', '\n'], " ")
        };
        if let Some(area) = state.area_mut(field) {
            area.insert_str(text);
            state.modified = true;
            self.dirty = true;
        }
        self.refresh_suggestions()
    }

    pub(super) fn refresh_suggestions(&mut self) -> Vec<Command> {
        let state = &mut self.compose;
        let field = state.focus;
        let typed = state.text(field);
        if field.is_address() {
            state.suggestions = address::suggestions(&typed, &state.known_addresses, 5)
                .into_iter()
                .map(str::to_string)
                .collect();
        } else if field == Field::Attachments && !typed.trim().is_empty() {
            return compose(ComposeCommand::CompletePath { typed });
        } else {
            state.suggestions.clear();
        }
        Vec::new()
    }
}

fn common_prefix(options: &[String]) -> String {
    let Some(first) = options.first() else {
        return String::new();
    };
    let mut end = first.len();
    for other in &options[1..] {
        end = first
            .char_indices()
            .zip(other.chars())
            .take_while(|((_, a), b)| a == b)
            .map(|((i, a), _)| i + a.len_utf8())
            .last()
            .unwrap_or(0)
            .min(end);
    }
    first[..end].to_string()
}
