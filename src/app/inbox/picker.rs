//! The folder picker of move and copy: every folder of every account,
//! narrowed as you type (each word must appear in "account/folder"), the
//! cursor on Up/Down, Enter to move or copy the message there. The filter
//! is the shared one-line editor, so it edits like every other prompt.

use super::{InboxState, Outcome};
use crate::app::{Command, Edit, TextLine};
use crate::store::service::StoreRequest;
use crate::store::{FolderSummary, MessageId};
use crossterm::event::{KeyCode, KeyEvent};

/// What the chosen folder gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickFor {
    Move,
    Copy,
}

impl PickFor {
    pub fn title(self) -> &'static str {
        match self {
            PickFor::Move => "Move to",
            PickFor::Copy => "Copy to",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderPicker {
    pub purpose: PickFor,
    pub message: MessageId,
    /// The message's folder (not offered for a move).
    pub from: (String, String),
    pub filter: TextLine,
    /// Index into [`FolderPicker::choices`].
    pub cursor: usize,
    /// Accounts with an IMAP server: what lands there is uploaded.
    pub server_accounts: Vec<String>,
}

impl FolderPicker {
    /// The folders that match the filter, in the folder pane's order.
    pub fn choices<'f>(&self, folders: &'f [FolderSummary]) -> Vec<&'f FolderSummary> {
        let words: Vec<String> = self
            .filter
            .text()
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        folders
            .iter()
            .filter(|f| {
                self.purpose == PickFor::Copy
                    || (f.account.as_str(), f.name.as_str())
                        != (self.from.0.as_str(), self.from.1.as_str())
            })
            .filter(|f| {
                let name = format!("{}/{}", f.account, f.name).to_lowercase();
                words.iter().all(|w| name.contains(w.as_str()))
            })
            .collect()
    }
}

impl InboxState {
    /// Opens the picker for the message an action applies to.
    pub fn open_picker(&mut self, purpose: PickFor, server_accounts: Vec<String>) -> Outcome {
        let (Some((message, _)), Some(from)) = (self.target(), self.current.clone()) else {
            return (Vec::new(), false);
        };
        self.picker = Some(FolderPicker {
            purpose,
            message,
            from,
            filter: TextLine::default(),
            cursor: 0,
            server_accounts,
        });
        (Vec::new(), true)
    }

    pub fn picking(&self) -> bool {
        self.picker.is_some()
    }

    /// A key while the picker is open.
    pub fn on_picker_key(&mut self, key: KeyEvent) -> Outcome {
        let Some(picker) = &mut self.picker else {
            return (Vec::new(), false);
        };
        let count = picker.choices(&self.folders).len();
        let last = count.saturating_sub(1);
        match key.code {
            KeyCode::Enter => return self.pick(),
            KeyCode::Up => picker.cursor = picker.cursor.saturating_sub(1),
            KeyCode::Down => picker.cursor = (picker.cursor + 1).min(last),
            KeyCode::PageUp => picker.cursor = picker.cursor.saturating_sub(10),
            KeyCode::PageDown => picker.cursor = (picker.cursor + 10).min(last),
            _ => match picker.filter.apply(&key) {
                Edit::Changed => picker.cursor = 0,
                Edit::Moved => {}
                Edit::Unhandled => return (Vec::new(), false),
            },
        }
        (Vec::new(), true)
    }

    /// Pasted text goes into the filter.
    pub fn paste_into_picker(&mut self, text: &str) -> bool {
        let Some(picker) = &mut self.picker else {
            return false;
        };
        picker.filter.insert_str(&text.replace(['\n', '\r'], " "));
        picker.cursor = 0;
        true
    }

    /// Enter: the message goes to the folder under the cursor.
    fn pick(&mut self) -> Outcome {
        let Some(picker) = self.picker.take() else {
            return (Vec::new(), false);
        };
        let Some(folder) = picker.choices(&self.folders).get(picker.cursor).copied() else {
            // Nothing matches: keep the picker open for another try.
            self.picker = Some(picker);
            return (Vec::new(), false);
        };
        let request = StoreRequest::Transfer {
            ids: vec![picker.message],
            account: folder.account.clone(),
            folder: folder.name.clone(),
            copy: picker.purpose == PickFor::Copy,
            upload: picker.server_accounts.contains(&folder.account),
        };
        (vec![Command::Store(request)], true)
    }
}
