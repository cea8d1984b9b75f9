//! What the Inbox's keys do.

use super::{Focus, InboxState, Input, InputKind, ViewMode, Viewer};
use crate::app::{Action, Command};
use crate::store::service::StoreRequest;
use crate::store::{Flags, MessageId};
use crossterm::event::{KeyCode, KeyEvent};

/// Outcome of an action: commands, and whether the screen changed.
pub type Outcome = (Vec<Command>, bool);

impl InboxState {
    /// Applies an action meant for the Inbox; `None` leaves it to the
    /// global handler.
    pub fn apply(&mut self, action: Action, size: (u16, u16)) -> Option<Outcome> {
        let rows = self.visible_rows(size);
        let page = i64::from(rows.max(2) - 1);
        let view_page = usize::from(self.viewer_rows(size).max(2) - 1);
        let outcome = match (self.focus, action) {
            (Focus::Folders, Action::ScrollDown) => self.move_folder(1),
            (Focus::Folders, Action::ScrollUp) => self.move_folder(-1),
            (Focus::Folders, Action::ScrollTop) => self.move_folder(i64::MIN / 2),
            (Focus::Folders, Action::ScrollBottom) => self.move_folder(i64::MAX / 2),
            (Focus::Folders, Action::InboxOpen) => {
                self.focus = Focus::List;
                (self.show_folder(size), true)
            }
            (Focus::Folders, Action::InboxBack) => (Vec::new(), false),
            (Focus::Viewer, Action::ScrollDown) => self.scroll_viewer(1),
            (Focus::Viewer, Action::ScrollUp) => self.scroll_viewer(-1),
            (Focus::Viewer, Action::PageDown) => self.scroll_viewer(view_page as i64),
            (Focus::Viewer, Action::PageUp) => self.scroll_viewer(-(view_page as i64)),
            (Focus::Viewer, Action::ScrollTop) => self.scroll_viewer(i64::MIN / 2),
            (Focus::Viewer, Action::ScrollBottom) => self.scroll_viewer(i64::MAX / 2),
            // As in mutt's pager: q leaves the message first, then quits.
            (Focus::Viewer, Action::InboxBack | Action::Quit) => {
                self.viewer = None;
                self.focus = Focus::List;
                let rows = self.visible_rows(size);
                let cursor = self.list.cursor;
                self.list.select(cursor, rows);
                (self.page_commands(rows), true)
            }
            (Focus::Viewer, Action::InboxNextMessage) => self.step_message(1, size),
            (Focus::Viewer, Action::InboxPrevMessage) => self.step_message(-1, size),
            (_, Action::ScrollDown | Action::InboxNextMessage) => self.move_list(1, rows),
            (_, Action::ScrollUp | Action::InboxPrevMessage) => self.move_list(-1, rows),
            (_, Action::PageDown) => self.move_list(page, rows),
            (_, Action::PageUp) => self.move_list(-page, rows),
            (_, Action::ScrollTop) => self.move_list(i64::MIN / 2, rows),
            (_, Action::ScrollBottom) => self.move_list(i64::MAX / 2, rows),
            (_, Action::InboxOpen) => self.open_selected(size),
            (_, Action::InboxBack) => {
                if self.search.is_some() {
                    self.search = None;
                    (self.relist(false), true)
                } else {
                    self.focus = Focus::Folders;
                    (Vec::new(), true)
                }
            }
            (_, Action::InboxToggleSort) => {
                self.sort = self.sort.toggled();
                (self.relist(false), true)
            }
            (_, Action::InboxToggleThreads) => {
                self.threaded = !self.threaded;
                (self.relist(false), true)
            }
            (focus, Action::InboxSearch) => {
                let kind = if focus == Focus::Viewer {
                    InputKind::Find
                } else {
                    InputKind::Search
                };
                self.input = Some(Input {
                    kind,
                    text: String::new(),
                });
                (Vec::new(), true)
            }
            (_, Action::InboxImport) => {
                self.input = Some(Input {
                    kind: InputKind::ImportPath,
                    text: String::new(),
                });
                (Vec::new(), true)
            }
            (Focus::Viewer, Action::InboxFindNext) => {
                let viewer = self.viewer.as_mut()?;
                (Vec::new(), viewer.find_next())
            }
            (_, Action::InboxToggleRead) => self.change_flags(|f| f.seen = !f.seen),
            (_, Action::InboxToggleFlag) => self.change_flags(|f| f.flagged = !f.flagged),
            (_, Action::InboxDelete) => match self.target() {
                Some(id) => (
                    vec![Command::Store(StoreRequest::Delete { ids: vec![id] })],
                    false,
                ),
                None => (Vec::new(), false),
            },
            (Focus::Viewer, Action::InboxToggleHeaders) => self.toggle_mode(ViewMode::Headers),
            (Focus::Viewer, Action::InboxToggleHtml) => self.toggle_mode(ViewMode::HtmlSource),
            (Focus::Viewer, Action::InboxToggleRaw) => {
                let viewer = self.viewer.as_ref()?;
                let mut commands = Vec::new();
                if viewer.raw.is_none() {
                    commands.push(Command::Store(StoreRequest::Raw { id: viewer.id }));
                }
                let (_, changed) = self.toggle_mode(ViewMode::Raw);
                (commands, changed)
            }
            (Focus::Viewer, Action::InboxNextAttachment) => {
                let viewer = self.viewer.as_mut()?;
                let count = viewer.message().map_or(0, |m| m.attachments.len());
                if count == 0 {
                    return Some((Vec::new(), false));
                }
                viewer.attachment = (viewer.attachment + 1) % count;
                (Vec::new(), true)
            }
            (Focus::Viewer, Action::InboxSaveAttachment | Action::InboxSaveAll) => {
                let viewer = self.viewer.as_ref()?;
                if viewer.message().is_none_or(|m| m.attachments.is_empty()) {
                    return Some((Vec::new(), false));
                }
                let index = (action == Action::InboxSaveAttachment).then_some(viewer.attachment);
                let request = StoreRequest::SaveAttachments {
                    id: viewer.id,
                    index,
                    dir: self.download_dir.clone(),
                };
                (vec![Command::Store(request)], false)
            }
            (Focus::Viewer, Action::InboxOpenAttachment) => {
                let viewer = self.viewer.as_ref()?;
                if viewer.message().is_none_or(|m| m.attachments.is_empty()) {
                    return Some((Vec::new(), false));
                }
                let request = StoreRequest::OpenAttachment {
                    id: viewer.id,
                    index: viewer.attachment,
                };
                (vec![Command::Store(request)], false)
            }
            _ => return None,
        };
        Some(outcome)
    }

    /// A key typed into the text field.
    pub fn on_text_key(&mut self, key: KeyEvent, size: (u16, u16)) -> Outcome {
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
        self.input.take().is_some()
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

    pub(super) fn scroll_viewer(&mut self, delta: i64) -> Outcome {
        let Some(viewer) = &mut self.viewer else {
            return (Vec::new(), false);
        };
        let max = viewer.lines.len().saturating_sub(1) as i64;
        let next = (viewer.scroll as i64).saturating_add(delta).clamp(0, max) as usize;
        let changed = next != viewer.scroll;
        viewer.scroll = next;
        (Vec::new(), changed)
    }

    fn toggle_mode(&mut self, mode: ViewMode) -> Outcome {
        let Some(viewer) = &mut self.viewer else {
            return (Vec::new(), false);
        };
        viewer.mode = if viewer.mode == mode {
            ViewMode::Text
        } else {
            mode
        };
        viewer.scroll = 0;
        viewer.layout();
        (Vec::new(), true)
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
        viewer.layout();
        self.viewer = Some(viewer);
        let mut commands = vec![Command::Store(StoreRequest::View { id, width })];
        if !flags.seen {
            let seen = Flags {
                seen: true,
                ..flags
            };
            self.list.set_flags(id, seen);
            commands.push(Command::Store(StoreRequest::SetFlags {
                changes: vec![(id, seen)],
            }));
        }
        let rows = self.visible_rows(size);
        let cursor = self.list.cursor;
        self.list.select(cursor, rows);
        commands.extend(self.page_commands(rows));
        (commands, true)
    }

    fn step_message(&mut self, delta: i64, size: (u16, u16)) -> Outcome {
        let rows = self.visible_rows(size);
        let before = self.list.cursor;
        self.list.move_by(delta, rows);
        if self.list.cursor == before {
            return (Vec::new(), false);
        }
        if self.list.selected().is_none() {
            return (self.page_commands(rows), true);
        }
        self.open_selected(size)
    }

    /// The message an action applies to: the open one, else the selected.
    fn target(&self) -> Option<MessageId> {
        match (&self.viewer, self.focus) {
            (Some(viewer), Focus::Viewer) => Some(viewer.id),
            _ => self.list.selected().map(|l| l.row.id),
        }
    }

    fn change_flags(&mut self, change: impl FnOnce(&mut Flags)) -> Outcome {
        let Some(id) = self.target() else {
            return (Vec::new(), false);
        };
        let Some(line) = self.list.window.iter().find(|l| l.row.id == id) else {
            return (Vec::new(), false);
        };
        let mut flags = line.row.flags;
        change(&mut flags);
        self.list.set_flags(id, flags);
        (
            vec![Command::Store(StoreRequest::SetFlags {
                changes: vec![(id, flags)],
            })],
            true,
        )
    }
}
