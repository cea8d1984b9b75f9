//! The virtual message list: its length, the cursor, the first visible
//! row, and a window of loaded rows around them. Moving asks for a new page
//! only when the visible rows leave the window.

use crate::store::service::ListLine;
use crate::store::{Flags, MessageId};

/// Rows asked for per page: a few screens, so scrolling rarely waits.
pub const PAGE_ROWS: u64 = 240;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageList {
    /// The list request this state belongs to.
    pub req: u64,
    /// Number of messages; `None` until the store has counted.
    pub total: Option<u64>,
    pub cursor: u64,
    /// Index of the first visible row.
    pub top: u64,
    pub window_start: u64,
    pub window: Vec<ListLine>,
    /// Offset of the page asked for and not yet received.
    pub requested: Option<u64>,
}

impl MessageList {
    /// Starts over for list request `req`, keeping the cursor where it was
    /// (clamped once the length is known).
    pub fn restart(&mut self, req: u64, keep_cursor: bool) {
        let cursor = if keep_cursor { self.cursor } else { 0 };
        let top = if keep_cursor { self.top } else { 0 };
        *self = MessageList {
            req,
            cursor,
            top,
            ..MessageList::default()
        };
    }

    pub fn line(&self, index: u64) -> Option<&ListLine> {
        let offset = index.checked_sub(self.window_start)?;
        self.window.get(usize::try_from(offset).ok()?)
    }

    pub fn selected(&self) -> Option<&ListLine> {
        self.line(self.cursor)
    }

    pub fn is_empty(&self) -> bool {
        self.total == Some(0)
    }

    /// Puts the cursor on `index` (clamped) and scrolls so it is visible in
    /// `rows` rows.
    pub fn select(&mut self, index: u64, rows: u16) {
        let total = self.total.unwrap_or(0);
        self.cursor = index.min(total.saturating_sub(1));
        let rows = u64::from(rows.max(1));
        if self.cursor < self.top {
            self.top = self.cursor;
        } else if self.cursor >= self.top + rows {
            self.top = self.cursor + 1 - rows;
        }
        self.top = self.top.min(total.saturating_sub(rows));
    }

    /// The selected message now stands at `at`: the cursor follows it, and
    /// the view scrolls as much, so it stays on the same screen row.
    pub fn keep_at(&mut self, at: u64) {
        self.top = (self.top + at).saturating_sub(self.cursor);
        self.cursor = at;
    }

    pub fn move_by(&mut self, delta: i64, rows: u16) {
        let target = self.cursor.saturating_add_signed(delta);
        self.select(target, rows);
    }

    /// The page to ask for so that rows `top..top+rows` are loaded, if they
    /// are not already (or already asked for).
    pub fn needed_page(&mut self, rows: u16) -> Option<u64> {
        let total = self.total?;
        if total == 0 {
            return None;
        }
        let end = (self.top + u64::from(rows)).min(total);
        let loaded_end = self.window_start + self.window.len() as u64;
        if self.top >= self.window_start && end <= loaded_end && !self.window.is_empty() {
            // A page asked for earlier is no longer needed: when it comes,
            // it must not replace the rows on screen.
            self.requested = None;
            return None;
        }
        // Centre the page on the screen so both directions have slack.
        let offset = self
            .top
            .saturating_sub(PAGE_ROWS / 2 - u64::from(rows) / 2)
            .min(total.saturating_sub(PAGE_ROWS));
        if self.requested == Some(offset) {
            return None;
        }
        self.requested = Some(offset);
        Some(offset)
    }

    /// Takes the page at `offset` if it is the one asked for last (an
    /// older answer would replace rows the screen has moved on from);
    /// false when it was dropped.
    pub fn on_page(&mut self, offset: u64, rows: Vec<ListLine>) -> bool {
        if self.requested != Some(offset) {
            return false;
        }
        self.requested = None;
        self.window_start = offset;
        self.window = rows;
        true
    }

    pub fn set_flags(&mut self, id: MessageId, flags: Flags) -> bool {
        match self.window.iter_mut().find(|l| l.row.id == id) {
            Some(line) if line.row.flags != flags => {
                line.row.flags = flags;
                true
            }
            _ => false,
        }
    }
}
