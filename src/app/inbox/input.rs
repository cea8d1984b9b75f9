//! The Inbox's one-line text field: what is typed for a search, a find in
//! the open message, a path to import or to save an attachment to, or a
//! command to pipe it into, and what Enter does with it. The field is a
//! [`TextLine`](crate::app::TextLine): readline keys, and no control key
//! ever types a letter; Tab completes a path.

use super::{Focus, InboxState, InputKind, Outcome};
use crate::app::{Command, Edit};
use crate::store::service::StoreRequest;
use crossterm::event::{KeyCode, KeyEvent};

impl InboxState {
    /// A key typed into the text field.
    pub fn on_text_key(&mut self, key: KeyEvent, size: (u16, u16)) -> Outcome {
        self.on_prompt_key(key, size)
            .unwrap_or_else(|| (Vec::new(), false))
    }

    /// A key for the open prompt: Enter submits, Tab completes a path,
    /// editing keys edit; `None` for the keys the line leaves to the
    /// keymap (Esc, Ctrl-C, ...).
    pub fn on_prompt_key(&mut self, key: KeyEvent, size: (u16, u16)) -> Option<Outcome> {
        if self.picking() {
            // Keys the picker leaves (Esc, ...) go on to the keymap.
            let (commands, dirty) = self.on_picker_key(key);
            return (dirty || !commands.is_empty()).then_some((commands, dirty));
        }
        let input = self.input.as_mut()?;
        if key.code == KeyCode::Enter && key.modifiers.is_empty() {
            return Some(self.submit(size));
        }
        if key.code == KeyCode::Tab && key.modifiers.is_empty() && input.kind.takes_path() {
            return Some(self.complete_path());
        }
        match input.line.apply(&key) {
            Edit::Changed | Edit::Moved => Some((Vec::new(), true)),
            Edit::Unhandled => None,
        }
    }

    pub fn on_paste(&mut self, text: &str) -> bool {
        if self.paste_into_picker(text) {
            return true;
        }
        match &mut self.input {
            Some(input) => {
                input.line.insert_str(&text.replace(['\n', '\r'], " "));
                true
            }
            None => false,
        }
    }

    /// Esc while typing.
    pub fn cancel_input(&mut self) -> bool {
        self.picker.take().is_some() || self.input.take().is_some()
    }

    fn submit(&mut self, size: (u16, u16)) -> Outcome {
        let Some(input) = self.input.take() else {
            return (Vec::new(), false);
        };
        let text = input.line.text().trim().to_string();
        match input.kind {
            InputKind::Search => {
                self.search = (!text.is_empty()).then_some(text);
                self.viewer = None;
                self.focus = Focus::List;
                (self.relist(false), true)
            }
            InputKind::Find => {
                if let Some(viewer) = &mut self.viewer {
                    viewer.find = (!text.is_empty()).then_some(text);
                    viewer.find_next();
                }
                (Vec::new(), true)
            }
            _ if text.is_empty() => (Vec::new(), true),
            InputKind::ImportPath => {
                let path = crate::config::expand_tilde(std::path::Path::new(&text));
                let _ = size;
                (
                    vec![Command::Store(StoreRequest::Import { job: 0, path })],
                    true,
                )
            }
            InputKind::SaveAttachment { all } => (self.save_to(&text, all), true),
            InputKind::Pipe { whole_message } => (self.pipe_to(&text, whole_message), true),
        }
    }
}
