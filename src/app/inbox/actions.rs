//! What the Inbox's keys do: the focused pane's own actions first (folder
//! pane, viewer), then those that act on the message list from any pane.

use super::{Focus, InboxState, Input, InputKind, Outcome, Viewer};
use crate::app::{Action, Command};
use crate::store::Flags;
use crate::store::service::StoreRequest;

impl InboxState {
    /// Applies an action meant for the Inbox; `None` leaves it to the
    /// global handler.
    pub fn apply(&mut self, action: Action, size: (u16, u16)) -> Option<Outcome> {
        let own = match self.focus {
            Focus::Folders => self.folder_pane_action(action, size),
            Focus::Viewer => self.viewer_action(action, size),
            Focus::List => None,
        };
        own.or_else(|| self.list_action(action, size))
    }

    fn folder_pane_action(&mut self, action: Action, size: (u16, u16)) -> Option<Outcome> {
        let outcome = match action {
            Action::ScrollDown => self.move_folder(1),
            Action::ScrollUp => self.move_folder(-1),
            Action::ScrollTop => self.move_folder(i64::MIN / 2),
            Action::ScrollBottom => self.move_folder(i64::MAX / 2),
            Action::InboxOpen => {
                self.focus = Focus::List;
                (self.show_folder(size), true)
            }
            Action::InboxBack => (Vec::new(), false),
            _ => return None,
        };
        Some(outcome)
    }

    /// The actions on the message list, whichever pane has the keys.
    fn list_action(&mut self, action: Action, size: (u16, u16)) -> Option<Outcome> {
        let rows = self.visible_rows(size);
        let page = i64::from(rows.max(2) - 1);
        let outcome = match action {
            Action::ScrollDown | Action::InboxNextMessage => self.move_list(1, rows),
            Action::ScrollUp | Action::InboxPrevMessage => self.move_list(-1, rows),
            Action::PageDown => self.move_list(page, rows),
            Action::PageUp => self.move_list(-page, rows),
            Action::ScrollTop => self.move_list(i64::MIN / 2, rows),
            Action::ScrollBottom => self.move_list(i64::MAX / 2, rows),
            Action::InboxOpen => self.open_selected(size),
            Action::InboxBack => self.back(),
            Action::InboxToggleSort => {
                self.sort = self.sort.toggled();
                (self.relist(false), true)
            }
            Action::InboxToggleDateSort => {
                self.sort_by = self.sort_by.toggled();
                (self.relist(false), true)
            }
            Action::InboxToggleThreads => {
                self.threaded = !self.threaded;
                (self.relist(false), true)
            }
            Action::InboxSearch if self.focus == Focus::Viewer => self.ask(InputKind::Find),
            Action::InboxSearch => self.ask(InputKind::Search),
            Action::InboxImport => self.ask(InputKind::ImportPath),
            Action::InboxToggleRead => self.change_flags(|f| f.seen = !f.seen),
            Action::InboxToggleFlag => self.change_flags(|f| f.flagged = !f.flagged),
            Action::InboxDelete => self.delete(),
            _ => return None,
        };
        Some(outcome)
    }

    /// Back out of the search first, then to the folder pane.
    fn back(&mut self) -> Outcome {
        if self.search.is_some() {
            self.search = None;
            (self.relist(false), true)
        } else {
            self.focus = Focus::Folders;
            (Vec::new(), true)
        }
    }

    /// Opens the text field for `kind`.
    fn ask(&mut self, kind: InputKind) -> Outcome {
        self.ask_with(kind, "")
    }

    /// Opens the text field for `kind` with `text` typed in already.
    pub(super) fn ask_with(&mut self, kind: InputKind, text: &str) -> Outcome {
        self.input = Some(Input {
            kind,
            line: crate::app::TextLine::with_text(text),
            completions: None,
        });
        (Vec::new(), true)
    }

    fn delete(&mut self) -> Outcome {
        match self.target() {
            Some((id, _)) => (
                vec![Command::Store(StoreRequest::Delete { ids: vec![id] })],
                false,
            ),
            None => (Vec::new(), false),
        }
    }

    fn move_folder(&mut self, delta: i64) -> Outcome {
        let last = self.folders.len().saturating_sub(1) as i64;
        let next = (self.folder_cursor as i64)
            .saturating_add(delta)
            .clamp(0, last) as usize;
        let changed = next != self.folder_cursor;
        self.folder_cursor = next;
        self.folder_chosen |= changed;
        (Vec::new(), changed)
    }

    pub(super) fn move_list(&mut self, delta: i64, rows: u16) -> Outcome {
        let before = (self.list.cursor, self.list.top);
        self.list.move_by(delta, rows);
        let changed = before != (self.list.cursor, self.list.top);
        (self.page_commands(rows), changed)
    }

    /// Opens the message under the cursor, marking it read.
    pub(super) fn open_selected(&mut self, size: (u16, u16)) -> Outcome {
        let Some(line) = self.list.selected() else {
            return (Vec::new(), false);
        };
        let (id, flags) = (line.row.id, line.row.flags);
        self.focus = Focus::Viewer;
        let width = self.viewer_width(size);
        let mut viewer = Viewer::new(id, width);
        viewer.flags = flags;
        viewer.layout();
        self.viewer = Some(viewer);
        let gpg = Some(self.gpg.clone());
        self.unlock_tried = None;
        let mut commands = vec![Command::Store(StoreRequest::View { id, width, gpg })];
        if !flags.seen {
            let seen = Flags {
                seen: true,
                ..flags
            };
            commands.extend(self.write_flags(id, flags, seen));
        }
        let rows = self.visible_rows(size);
        let cursor = self.list.cursor;
        self.list.select(cursor, rows);
        commands.extend(self.page_commands(rows));
        (commands, true)
    }
}
