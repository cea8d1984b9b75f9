//! Answers from the store, applied to the Inbox state.

use super::geometry::{body_for, inbox_areas, list_rows};
use super::{Focus, InboxState, Outcome, Viewer};
use crate::app::Command;
use crate::store::service::{StoreEvent, StoreRequest};
use crate::store::{FolderRole, FolderSummary, ListQuery, MessageId};

impl InboxState {
    /// The first commands: open the store (when there is one).
    pub fn start(&self) -> Vec<Command> {
        match &self.store_dir {
            Some(dir) => vec![Command::Store(StoreRequest::Open { dir: dir.clone() })],
            None => Vec::new(),
        }
    }

    /// Applies a store answer; returns follow-up requests and whether the
    /// screen changed.
    pub fn on_store(&mut self, event: StoreEvent, size: (u16, u16)) -> Outcome {
        let rows = self.visible_rows(size);
        match event {
            StoreEvent::Folders(folders) => self.on_folders(folders, size),
            StoreEvent::Listed {
                req,
                total,
                kept_at,
            } if req == self.list.req => self.on_listed(total, kept_at, rows),
            StoreEvent::Page {
                req,
                offset,
                rows: lines,
            } if req == self.list.req => {
                let taken = self.list.on_page(offset, lines);
                (self.page_commands(rows), taken)
            }
            StoreEvent::ListFailed { req, .. } if req == self.list.req => {
                // Asked again on the next move, not in a loop now.
                self.list.requested = None;
                (Vec::new(), false)
            }
            StoreEvent::Listed { .. } | StoreEvent::Page { .. } | StoreEvent::ListFailed { .. } => {
                (Vec::new(), false)
            }
            StoreEvent::Viewed { id, view } => self.fill_viewer(id, |v| v.view = Some(view)),
            StoreEvent::Raw { id, text } => self.fill_viewer(id, |v| v.raw = Some(text)),
            StoreEvent::FlagsChanged(changes) => {
                let mut changed = false;
                for (id, flags) in changes {
                    changed |= self.list.set_flags(id, flags);
                }
                (Vec::new(), changed)
            }
            StoreEvent::Removed(ids) => {
                if self.viewer.as_ref().is_some_and(|v| ids.contains(&v.id)) {
                    self.viewer = None;
                    self.focus = Focus::List;
                }
                (Vec::new(), true)
            }
            StoreEvent::LocalChanges { .. } => (Vec::new(), false),
            StoreEvent::SentDatesRead => (self.relist(true), true),
            StoreEvent::Imported(report) => {
                // The folder list that follows includes the new folders;
                // show the first one then.
                self.show_after_import = report.folders.first().cloned();
                (Vec::new(), false)
            }
            // The app hands the terminal to the command (`App::update`).
            StoreEvent::PipeReady { .. } => (Vec::new(), false),
        }
    }

    /// The list's length is known (and where the selected message now
    /// stands): place the cursor and ask for the rows in view.
    fn on_listed(&mut self, total: u64, kept_at: Option<u64>, rows: u16) -> Outcome {
        self.list.total = Some(total);
        if let Some(at) = kept_at {
            self.list.keep_at(at);
        }
        let cursor = self.list.cursor;
        self.list.select(cursor, rows);
        (self.page_commands(rows), true)
    }

    /// A new folder list: keep the folder in view, show the right one
    /// first, and relist when the shown folder's count changed.
    fn on_folders(&mut self, folders: Vec<FolderSummary>, size: (u16, u16)) -> Outcome {
        let first = !self.loaded;
        self.loaded = true;
        let old_total = self.current_total();
        let (old_folders, old_cursor) = (self.folders.clone(), self.folder_cursor);
        let old_unread = self.current_unread();
        self.replace_folders(folders);
        if self.select_imported_folder() {
            self.focus = Focus::List;
            return (self.show_folder(size), true);
        }
        let moved = self
            .selected_folder()
            .map(|f| (f.account.clone(), f.name.clone()))
            != self.current;
        let commands = if first || self.current.is_none() || (moved && !self.folder_chosen) {
            self.show_folder(size)
        } else if self.current_total() != old_total {
            // New mail or moves in the shown folder: relist, keep place.
            self.relist(true)
        } else if self.current_unread() != old_unread {
            // Flags changed other than shown (a sync, another program):
            // the rows on screen are read again so they agree with the count.
            self.reload_window()
        } else {
            Vec::new()
        };
        // The same list again (a sync that changed nothing) costs no frame.
        let changed = self.folders != old_folders || self.folder_cursor != old_cursor;
        let relisted = !commands.is_empty();
        (commands, changed || relisted)
    }

    /// The folder cursor stays on a folder the user chose; otherwise it
    /// follows the best default as folders appear.
    fn replace_folders(&mut self, folders: Vec<FolderSummary>) {
        let keep = self
            .selected_folder()
            .filter(|_| self.folder_chosen)
            .map(|f| (f.account.clone(), f.name.clone()));
        self.folders = folders;
        self.sort_folders();
        self.folder_cursor = keep
            .and_then(|(a, n)| {
                self.folders
                    .iter()
                    .position(|f| f.account == a && f.name == n)
            })
            .unwrap_or_else(|| self.default_folder());
    }

    /// Puts the folders in the pane's order: configured accounts as the
    /// config lists them, other accounts, Local last; within an account
    /// the store's order (INBOX first).
    fn sort_folders(&mut self) {
        let accounts = &self.accounts;
        let rank = |account: &str| match accounts.iter().position(|a| a == account) {
            Some(i) => i,
            None if account == crate::store::LOCAL_ACCOUNT => usize::MAX,
            None => usize::MAX - 1,
        };
        self.folders.sort_by_key(|f| rank(&f.account));
    }

    /// Moves the cursor to the folder an import just filled, once the list
    /// has it; true when it did.
    fn select_imported_folder(&mut self) -> bool {
        if let Some(name) = self.show_after_import.take()
            && let Some(i) = self
                .folders
                .iter()
                .position(|f| f.account == crate::store::LOCAL_ACCOUNT && f.name == name)
        {
            self.folder_cursor = i;
            self.folder_chosen = true;
            return true;
        }
        false
    }

    /// Fills in what the store parsed for the open message, if it is still
    /// the one open.
    fn fill_viewer(&mut self, id: MessageId, fill: impl FnOnce(&mut Viewer)) -> Outcome {
        match &mut self.viewer {
            Some(viewer) if viewer.id == id => {
                fill(viewer);
                viewer.layout();
                (Vec::new(), true)
            }
            _ => (Vec::new(), false),
        }
    }

    fn current_total(&self) -> Option<u64> {
        self.current_summary().map(|f| f.total)
    }

    fn current_unread(&self) -> Option<u64> {
        self.current_summary().map(|f| f.unread)
    }

    fn current_summary(&self) -> Option<&FolderSummary> {
        let (account, name) = self.current.as_ref()?;
        self.folders
            .iter()
            .find(|f| &f.account == account && &f.name == name)
    }

    /// Asks for the loaded rows again, unless a page is already coming.
    fn reload_window(&mut self) -> Vec<Command> {
        if self.list.requested.is_some() || self.list.window.is_empty() {
            return Vec::new();
        }
        let offset = self.list.window_start;
        self.list.requested = Some(offset);
        vec![Command::Store(StoreRequest::Page {
            req: self.list.req,
            offset,
            limit: super::PAGE_ROWS,
        })]
    }

    /// The Inbox of the first account, else the first folder.
    fn default_folder(&self) -> usize {
        self.folders
            .iter()
            .position(|f| f.role == Some(FolderRole::Inbox) || f.name.eq_ignore_ascii_case("INBOX"))
            .or_else(|| self.folders.iter().position(|f| f.total > 0))
            .unwrap_or(0)
    }

    /// Shows the folder under the folder cursor in the list.
    pub fn show_folder(&mut self, _size: (u16, u16)) -> Vec<Command> {
        let Some(folder) = self.selected_folder() else {
            self.current = None;
            return Vec::new();
        };
        let key = (folder.account.clone(), folder.name.clone());
        let same = self.current.as_ref() == Some(&key);
        self.current = Some(key);
        if !same {
            self.search = None;
            self.viewer = None;
        }
        self.relist(same)
    }

    /// Asks for the current folder's list again (after a sort, search or
    /// threading change, or new mail). With `keep_cursor` the cursor stays
    /// on the message it was on (new mail above it moves it down), else
    /// where it was when that message is gone; on the first row it stays
    /// there, to show what arrives at the top (a first sync fills the list
    /// from above).
    pub fn relist(&mut self, keep_cursor: bool) -> Vec<Command> {
        let Some((account, folder)) = self.current.clone() else {
            return Vec::new();
        };
        let keep = self
            .list
            .selected()
            .map(|l| l.row.id)
            .filter(|_| keep_cursor && self.list.cursor > 0);
        let req = self.next_request();
        self.list.restart(req, keep_cursor);
        vec![Command::Store(StoreRequest::List {
            req,
            query: ListQuery {
                account,
                folder,
                sort: self.sort,
                by: self.sort_by,
                search: self.search.clone(),
            },
            threaded: self.threaded,
            keep,
        })]
    }

    /// A page request when the visible rows are not loaded.
    pub fn page_commands(&mut self, rows: u16) -> Vec<Command> {
        match self.list.needed_page(rows) {
            Some(offset) => vec![Command::Store(StoreRequest::Page {
                req: self.list.req,
                offset,
                limit: super::PAGE_ROWS,
            })],
            None => Vec::new(),
        }
    }

    pub fn visible_rows(&self, size: (u16, u16)) -> u16 {
        let areas = inbox_areas(body_for(size), self.viewer.is_some(), self.typing());
        list_rows(areas.list).max(1)
    }

    pub fn viewer_width(&self, size: (u16, u16)) -> u16 {
        let areas = inbox_areas(body_for(size), true, self.typing());
        areas.viewer.map_or(size.0, |v| v.width.saturating_sub(4))
    }

    pub fn viewer_rows(&self, size: (u16, u16)) -> u16 {
        let areas = inbox_areas(body_for(size), true, self.typing());
        areas
            .viewer
            .map_or(1, |v| v.height.saturating_sub(3).max(1))
    }

    /// The terminal changed size: re-wrap the message, keep the cursor
    /// visible.
    pub fn on_resize(&mut self, size: (u16, u16)) -> Vec<Command> {
        let width = self.viewer_width(size);
        if let Some(viewer) = &mut self.viewer
            && viewer.width != width
        {
            viewer.width = width;
            viewer.layout();
        }
        let rows = self.visible_rows(size);
        let cursor = self.list.cursor;
        self.list.select(cursor, rows);
        self.page_commands(rows)
    }
}
