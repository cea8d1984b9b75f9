//! Mouse in the Inbox: click a folder to show it, click a message to select
//! it (again to open it), wheel to scroll the pane under the pointer.

use super::geometry::{InboxAreas, body_for, inbox_areas};
use super::{Focus, InboxState, Outcome};
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

/// One line of the folder pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderLine {
    Account(String),
    /// How the account stands (syncing, live, offline), under its name;
    /// for Local without folders, how to fill it.
    AccountState(String),
    Folder(usize),
}

/// Wheel steps scroll this many lines.
const WHEEL_LINES: i64 = 3;

impl InboxState {
    /// The folder pane's lines: every configured account (with a line
    /// saying how it stands, even before its first folder arrives), other
    /// stored accounts, then Local, each with its folders. `folders` is
    /// kept in this order (see `sort_folders`).
    pub fn folder_lines(&self) -> Vec<FolderLine> {
        let mut lines = Vec::new();
        let mut shown: Vec<&str> = Vec::new();
        for account in &self.accounts {
            lines.push(FolderLine::Account(account.clone()));
            lines.push(FolderLine::AccountState(account.clone()));
            shown.push(account);
            let own = self.folders.iter().enumerate();
            lines.extend(
                own.filter(|(_, f)| f.account == *account)
                    .map(|(i, _)| FolderLine::Folder(i)),
            );
        }
        let mut current: Option<&str> = None;
        for (i, folder) in self.folders.iter().enumerate() {
            if shown.contains(&folder.account.as_str()) {
                continue;
            }
            if current != Some(folder.account.as_str()) {
                current = Some(folder.account.as_str());
                lines.push(FolderLine::Account(folder.account.clone()));
            }
            lines.push(FolderLine::Folder(i));
        }
        let local = crate::store::LOCAL_ACCOUNT;
        if !self.folders.iter().any(|f| f.account == local) {
            lines.push(FolderLine::Account(local.to_string()));
            lines.push(FolderLine::AccountState(local.to_string()));
        }
        lines
    }

    /// The first folder line shown when the pane has `height` rows, so the
    /// cursor stays visible.
    pub fn folder_scroll(lines: &[FolderLine], cursor: usize, height: usize) -> usize {
        let selected = lines
            .iter()
            .position(|l| *l == FolderLine::Folder(cursor))
            .unwrap_or(0);
        selected.saturating_sub(height.saturating_sub(1))
    }

    /// A click or wheel step in the Inbox; `None` when it lands outside
    /// the panes (the tab bar handles its own row).
    pub fn on_mouse(&mut self, mouse: MouseEvent, size: (u16, u16)) -> Option<Outcome> {
        let areas = inbox_areas(body_for(size), self.viewer.is_some(), self.typing());
        let at = Position::new(mouse.column, mouse.row);
        match mouse.kind {
            MouseEventKind::ScrollDown => self.on_wheel(WHEEL_LINES, at, &areas, size),
            MouseEventKind::ScrollUp => self.on_wheel(-WHEEL_LINES, at, &areas, size),
            MouseEventKind::Down(MouseButton::Left) => self.on_click(at, &areas, size),
            _ => None,
        }
    }

    /// The wheel scrolls the pane under the pointer.
    fn on_wheel(
        &mut self,
        delta: i64,
        at: Position,
        areas: &InboxAreas,
        size: (u16, u16),
    ) -> Option<Outcome> {
        let rows = self.visible_rows(size);
        if areas.viewer.is_some_and(|v| v.contains(at)) {
            return Some(self.scroll_viewer(delta));
        }
        if areas.list.contains(at) {
            return Some(self.move_list(delta, rows));
        }
        None
    }

    fn on_click(&mut self, at: Position, areas: &InboxAreas, size: (u16, u16)) -> Option<Outcome> {
        let folders = inside_border(areas.folders);
        if folders.contains(at) {
            return Some(self.click_folder(at, folders, size));
        }
        let list = inside_border(areas.list);
        // The first row inside the border is the column header.
        if list.contains(at) && at.y > list.y {
            return Some(self.click_list(at, list, size));
        }
        if areas.viewer.is_some_and(|v| v.contains(at)) && self.viewer.is_some() {
            let changed = self.focus != Focus::Viewer;
            self.focus = Focus::Viewer;
            return Some((Vec::new(), changed));
        }
        None
    }

    /// A click on a folder shows it; on an account's name or state line,
    /// nothing.
    fn click_folder(&mut self, at: Position, folders: Rect, size: (u16, u16)) -> Outcome {
        let lines = self.folder_lines();
        let skip = Self::folder_scroll(&lines, self.folder_cursor, usize::from(folders.height));
        let index = skip + usize::from(at.y - folders.y);
        if let Some(FolderLine::Folder(i)) = lines.get(index) {
            self.folder_cursor = *i;
            self.folder_chosen = true;
            self.focus = Focus::List;
            return (self.show_folder(size), true);
        }
        (Vec::new(), false)
    }

    /// A click on a message selects it; on the selected one, opens it.
    fn click_list(&mut self, at: Position, list: Rect, size: (u16, u16)) -> Outcome {
        let index = self.list.top + u64::from(at.y - list.y - 1);
        if self.list.total.is_none_or(|t| index >= t) {
            return (Vec::new(), false);
        }
        if index == self.list.cursor && self.list.selected().is_some() {
            return self.open_selected(size);
        }
        let rows = self.visible_rows(size);
        self.focus = Focus::List;
        self.list.select(index, rows);
        (self.page_commands(rows), true)
    }
}

/// A bordered pane's area without its border.
fn inside_border(r: Rect) -> Rect {
    Rect {
        x: r.x + 1,
        y: r.y + 1,
        width: r.width.saturating_sub(2),
        height: r.height.saturating_sub(2),
    }
}
