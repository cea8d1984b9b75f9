//! Where the Inbox's panes go, shared by the renderer and by `update` (which
//! needs the number of visible list rows to ask for the right page).

use ratatui::layout::{Constraint, Layout, Rect};

/// The folder pane's width in columns.
pub const FOLDER_PANE_COLS: u16 = 26;
/// Below this height the viewer takes the whole right side.
const SPLIT_MIN_ROWS: u16 = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InboxAreas {
    pub folders: Rect,
    /// The message list, including its border; zero-height when hidden.
    pub list: Rect,
    pub viewer: Option<Rect>,
    /// The text field line at the bottom, when typing.
    pub input: Option<Rect>,
}

/// Splits the tab's body: folders left; list right, with the viewer below
/// it (or instead of it on short terminals).
pub fn inbox_areas(body: Rect, viewer_open: bool, typing: bool) -> InboxAreas {
    let (main, input) = if typing && body.height > 3 {
        let [main, input] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(body);
        (main, Some(input))
    } else {
        (body, None)
    };
    let folder_cols = if main.width >= 70 {
        FOLDER_PANE_COLS
    } else {
        0
    };
    let [folders, right] =
        Layout::horizontal([Constraint::Length(folder_cols), Constraint::Min(0)]).areas(main);
    let (list, viewer) = match (viewer_open, right.height >= SPLIT_MIN_ROWS) {
        (false, _) => (right, None),
        (true, true) => {
            let list_rows = (right.height / 3).max(6);
            let [list, viewer] =
                Layout::vertical([Constraint::Length(list_rows), Constraint::Min(0)]).areas(right);
            (list, Some(viewer))
        }
        (true, false) => (Rect { height: 0, ..right }, Some(right)),
    };
    InboxAreas {
        folders,
        list,
        viewer,
        input,
    }
}

/// Message rows that fit in the list area (border and column header off).
pub fn list_rows(list: Rect) -> u16 {
    list.height.saturating_sub(3)
}

/// The tab body for a terminal of `size` (tab bar above, status below).
pub fn body_for(size: (u16, u16)) -> Rect {
    Rect::new(0, 1, size.0, size.1.saturating_sub(2))
}
