//! The Inbox tab's state: folder pane, the virtual message list, the
//! viewer and the text field for search and import. Only the rows around
//! what is on screen are held; the store sends pages on request.

mod actions;
mod attachment_actions;
mod completion;
mod deferred;
mod events;
mod flags;
mod geometry;
mod input;
mod list;
mod mouse;
mod pgp;
mod picker;
mod viewer;
mod viewer_actions;
mod wrap;
pub use wrap::wrap;

pub use geometry::{InboxAreas, inbox_areas};
pub use list::{MessageList, PAGE_ROWS};
pub use mouse::FolderLine;
pub use picker::{FolderPicker, PickFor};
pub use viewer::{PgpTone, ViewMode, Viewer};

use crate::app::Command;
use crate::store::{FolderSummary, MessageId, SortBy, SortOrder};
use std::path::PathBuf;

/// Outcome of an action: commands, and whether the screen changed.
pub type Outcome = (Vec<Command>, bool);

/// Which pane has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    Folders,
    #[default]
    List,
    Viewer,
}

/// What the text field is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// Full-text search of the current folder.
    Search,
    /// Find text inside the open message.
    Find,
    /// A path to import (mbox, .eml folder, Maildir).
    ImportPath,
    /// Where to save the selected attachment (a file or a folder), or with
    /// `all`, the folder to save every attachment into.
    SaveAttachment { all: bool },
    /// A shell command the selected attachment (or, when the message has
    /// none, the whole message) is piped into.
    Pipe { whole_message: bool },
}

impl InputKind {
    pub fn prompt(self) -> &'static str {
        match self {
            InputKind::Search => "Search: ",
            InputKind::Find => "Find in message: ",
            InputKind::ImportPath => "Import (mbox file, .eml folder or Maildir): ",
            InputKind::SaveAttachment { all: false } => "Save attachment as: ",
            InputKind::SaveAttachment { all: true } => "Save all attachments into: ",
            InputKind::Pipe {
                whole_message: false,
            } => "Pipe attachment to: ",
            InputKind::Pipe {
                whole_message: true,
            } => "Pipe message to: ",
        }
    }

    /// Whether what is typed is a path (Tab completes it).
    pub fn takes_path(self) -> bool {
        matches!(
            self,
            InputKind::ImportPath | InputKind::SaveAttachment { .. }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub kind: InputKind,
    /// What is typed, edited like a shell line.
    pub line: crate::app::TextLine,
    /// Path candidates and the text they complete (see `completion.rs`).
    pub completions: Option<(String, Vec<String>)>,
}

#[derive(Debug, Clone, Default)]
pub struct InboxState {
    /// Where the store lives; `None` until the binary sets it (tests and
    /// headless uses run without a store).
    pub store_dir: Option<PathBuf>,
    /// Where attachments are saved.
    pub download_dir: PathBuf,
    /// The configured program that opens attachments, if any.
    pub open_command: Option<String>,
    /// The store answered at least once.
    pub loaded: bool,
    pub folders: Vec<FolderSummary>,
    pub folder_cursor: usize,
    /// The folder shown in the list: (account, folder).
    pub current: Option<(String, String)>,
    pub focus: Focus,
    pub sort: SortOrder,
    /// Ordered and dated by the Date header or by arrival.
    pub sort_by: SortBy,
    /// The clock dates are shown on: the binary sets local time; the
    /// default (UTC) keeps tests the same on every machine.
    pub zone: crate::mailview::Zone,
    pub threaded: bool,
    /// The search that filters the list, if any.
    pub search: Option<String>,
    pub input: Option<Input>,
    /// The folder picker of move and copy, while it is open.
    pub picker: Option<FolderPicker>,
    pub list: MessageList,
    pub viewer: Option<Viewer>,
    /// The gpg messages are verified and decrypted with.
    pub gpg: crate::pgp::Gpg,
    /// The message a passphrase was last asked for.
    pub unlock_tried: Option<MessageId>,
    /// A folder an import just filled, shown once the folder list has it.
    pub show_after_import: Option<String>,
    /// The user picked the folder under the cursor; until then the cursor
    /// follows the best default as folders appear (a first sync brings
    /// INBOX after a local folder was already shown).
    pub folder_chosen: bool,
    /// The configured accounts that read mail from a server, in the
    /// config's order: the folder pane lists each (even before its first
    /// folder arrives), then other stored accounts, then Local.
    pub accounts: Vec<String>,
    /// "Next message" moved onto a row still loading: it opens when the
    /// row arrives (keys typed meanwhile wait behind it).
    pub open_on_arrival: bool,
    next_req: u64,
}

impl InboxState {
    pub fn new(store_dir: Option<PathBuf>, download_dir: PathBuf) -> InboxState {
        InboxState {
            store_dir,
            download_dir,
            gpg: crate::pgp::Gpg::default().with_pinentry(crate::pgp::Pinentry::Never),
            ..InboxState::default()
        }
    }

    pub fn selected_folder(&self) -> Option<&FolderSummary> {
        self.folders.get(self.folder_cursor)
    }

    pub fn typing(&self) -> bool {
        self.input.is_some()
    }

    /// The message a reply or forward would answer: the one open in the
    /// viewer, else the one under the list cursor, with its account.
    pub fn message_to_answer(&self) -> Option<(&str, MessageId)> {
        let (account, _) = self.current.as_ref()?;
        let id = match &self.viewer {
            Some(viewer) => viewer.id,
            None => self.list.selected()?.row.id,
        };
        Some((account.as_str(), id))
    }

    fn next_request(&mut self) -> u64 {
        self.next_req += 1;
        self.next_req
    }
}

#[cfg(test)]
mod attachment_tests;
#[cfg(test)]
mod deferred_tests;
#[cfg(test)]
pub(crate) mod picker_tests;
#[cfg(test)]
pub(crate) mod tests;
