//! Mouse in the Inbox: click a folder to show it, click a message to select
//! it (again to open it), wheel to scroll the pane under the pointer.

use super::geometry::{body_for, inbox_areas};
use super::{Focus, InboxState};
use crate::app::Job;
use crate::app::inbox::actions::Outcome;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

/// One line of the folder pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderLine {
    Account(String),
    /// A running job for the account: (done, total).
    Gauge(u64, u64),
    Folder(usize),
}

/// Wheel steps scroll this many lines.
const WHEEL_LINES: i64 = 3;

impl InboxState {
    /// The folder pane's lines: each account's name, its sync gauge while a
    /// job mentioning it runs, then its folders.
    pub fn folder_lines(&self, jobs: &[Job]) -> Vec<FolderLine> {
        let mut lines = Vec::new();
        let mut account: Option<&str> = None;
        for (i, folder) in self.folders.iter().enumerate() {
            if account != Some(folder.account.as_str()) {
                account = Some(folder.account.as_str());
                lines.push(FolderLine::Account(folder.account.clone()));
                if let Some(job) = jobs
                    .iter()
                    .find(|j| j.label.contains(folder.account.as_str()))
                {
                    lines.push(FolderLine::Gauge(job.done, job.total));
                }
            }
            lines.push(FolderLine::Folder(i));
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

    pub fn on_mouse(
        &mut self,
        mouse: MouseEvent,
        size: (u16, u16),
        jobs: &[Job],
    ) -> Option<Outcome> {
        let areas = inbox_areas(body_for(size), self.viewer.is_some(), self.typing());
        let at = Position::new(mouse.column, mouse.row);
        let inner = |r: Rect| Rect {
            x: r.x + 1,
            y: r.y + 1,
            width: r.width.saturating_sub(2),
            height: r.height.saturating_sub(2),
        };
        let wheel = match mouse.kind {
            MouseEventKind::ScrollDown => Some(WHEEL_LINES),
            MouseEventKind::ScrollUp => Some(-WHEEL_LINES),
            _ => None,
        };
        if let Some(delta) = wheel {
            let rows = self.visible_rows(size);
            if areas.viewer.is_some_and(|v| v.contains(at)) {
                return Some(self.scroll_viewer(delta));
            }
            if areas.list.contains(at) {
                return Some(self.move_list(delta, rows));
            }
            return None;
        }
        if mouse.kind != MouseEventKind::Down(MouseButton::Left) {
            return None;
        }
        let folders = inner(areas.folders);
        if folders.contains(at) {
            let lines = self.folder_lines(jobs);
            let skip = Self::folder_scroll(&lines, self.folder_cursor, usize::from(folders.height));
            let index = skip + usize::from(mouse.row - folders.y);
            if let Some(FolderLine::Folder(i)) = lines.get(index) {
                self.folder_cursor = *i;
                self.folder_chosen = true;
                self.focus = Focus::List;
                return Some((self.show_folder(size), true));
            }
            return Some((Vec::new(), false));
        }
        let list = inner(areas.list);
        // The first row inside the border is the column header.
        if list.contains(at) && mouse.row > list.y {
            let index = self.list.top + u64::from(mouse.row - list.y - 1);
            if self.list.total.is_some_and(|t| index < t) {
                if index == self.list.cursor && self.list.selected().is_some() {
                    return Some(self.open_selected(size));
                }
                let rows = self.visible_rows(size);
                self.focus = Focus::List;
                self.list.select(index, rows);
                return Some((self.page_commands(rows), true));
            }
            return Some((Vec::new(), false));
        }
        if areas.viewer.is_some_and(|v| v.contains(at)) && self.viewer.is_some() {
            let changed = self.focus != Focus::Viewer;
            self.focus = Focus::Viewer;
            return Some((Vec::new(), changed));
        }
        None
    }
}
