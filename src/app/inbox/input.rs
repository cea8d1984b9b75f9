//! The Inbox's one-line text field: what is typed for a search, a find in
//! the open message or a path to import, and what Enter does with it.

use super::{Focus, InboxState, InputKind, Outcome};
use crate::app::Command;
use crate::store::service::StoreRequest;
use crossterm::event::{KeyCode, KeyEvent};

impl InboxState {
    /// A key typed into the text field.
    pub fn on_text_key(&mut self, key: KeyEvent, size: (u16, u16)) -> Outcome {
        if self.picking() {
            return self.on_picker_key(key);
        }
        let Some(input) = &mut self.input else {
            return (Vec::new(), false);
        };
        match key.code {
            KeyCode::Char(c) => input.text.push(c),
            KeyCode::Backspace => {
                input.text.pop();
            }
            KeyCode::Enter => return self.submit(size),
            _ => return (Vec::new(), false),
        }
        (Vec::new(), true)
    }

    pub fn on_paste(&mut self, text: &str) -> bool {
        if self.paste_into_picker(text) {
            return true;
        }
        match &mut self.input {
            Some(input) => {
                input.text.push_str(&text.replace(['\n', '\r'], " "));
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
        let text = input.text.trim().to_string();
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
            InputKind::ImportPath if text.is_empty() => (Vec::new(), true),
            InputKind::ImportPath => {
                let path = crate::config::expand_tilde(std::path::Path::new(&text));
                let _ = size;
                (
                    vec![Command::Store(StoreRequest::Import { job: 0, path })],
                    true,
                )
            }
        }
    }
}
