//! Typing into the form: keys and pastes for the field being edited, and
//! the completion candidates (addresses, attachment paths) they bring up.

use super::{Field, compose};
use crate::app::Edit;
use crate::app::{App, Command};
use crate::mail::address;
use crate::mail::compose::engine::ComposeCommand;
use crate::mail::compose::path_complete::common_prefix;
use crossterm::event::{KeyCode, KeyEvent};

impl App {
    /// Loads what completion needs for the newly focused field.
    pub(super) fn after_focus_change(&mut self) -> Vec<Command> {
        let mut commands = self.check_keys_if_needed();
        let state = &mut self.compose;
        if state.focus.is_address() && state.editing && !state.addresses_requested {
            state.addresses_requested = true;
            commands.extend(compose(ComposeCommand::LoadAddresses));
        }
        commands
    }

    /// Tab in the attachment field with a path typed waits (see
    /// `deferred_keys`) until the candidates for exactly that path have
    /// come; `Some` carries the request for them.
    pub(in crate::app) fn path_tab_must_wait(&self) -> Option<Vec<Command>> {
        let state = &self.compose;
        if !state.editing || state.focus != Field::Attachments || state.view != super::View::Form {
            return None;
        }
        let typed = state.text(Field::Attachments);
        if typed.trim().is_empty() || state.suggested_for.as_deref() == Some(typed.as_str()) {
            return None;
        }
        Some(compose(ComposeCommand::CompletePath { typed }))
    }

    /// Tab on a field with suggestions takes the first one.
    pub(super) fn accept_suggestion(&mut self) -> bool {
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
        if let Some(line) = state.line_mut(field) {
            line.set_text(&completed);
        }
        state.clear_suggestions();
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
                state.attach_path.set_text("");
                state.clear_suggestions();
                self.dirty = true;
                return compose(ComposeCommand::Attach { path });
            }
            state.focus = field.step(true);
            state.clear_suggestions();
            self.dirty = true;
            return self.after_focus_change();
        }
        let changed = if let Some(line) = state.line_mut(field) {
            // A one-line field edits like a shell line; a key it does not
            // know (Ctrl-M, F-keys) changes nothing and types nothing.
            match line.apply(&key) {
                Edit::Changed => true,
                Edit::Moved => false,
                Edit::Unhandled => return Vec::new(),
            }
        } else if field == Field::Body {
            state.body.input(key)
        } else {
            return Vec::new();
        };
        state.modified |= changed;
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
        if let Some(line) = state.line_mut(field) {
            line.insert_str(&text);
            state.modified = true;
            self.dirty = true;
        } else if field == Field::Body {
            state.body.insert_str(text);
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
            return self.suggest_recipients(&typed);
        } else if field == Field::Attachments && !typed.trim().is_empty() {
            return compose(ComposeCommand::CompletePath { typed });
        } else {
            state.clear_suggestions();
        }
        Vec::new()
    }
}
