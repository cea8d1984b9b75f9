//! The mouse on the Sockets tab: clicks select sessions, the wheel
//! scrolls the transcript.

use super::actions::line_estimate;
use crate::app::App;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

impl App {
    /// A click in the session list selects that session; the wheel over
    /// the transcript scrolls it.
    pub(in crate::app) fn sockets_mouse(&mut self, mouse: &MouseEvent) {
        let (width, height) = self.size;
        let list_width = super::LIST_WIDTH.min(width / 3);
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) if mouse.column < list_width => {
                // Tab bar, then the list's top border; the status line and
                // the bottom border below.
                let top = 2u16;
                let inner_rows = height.saturating_sub(4) as usize;
                if mouse.row < top || mouse.row as usize >= top as usize + inner_rows {
                    return;
                }
                let visible = inner_rows / super::LIST_ROWS_PER_SESSION;
                let first = super::list_first(self.sockets.selected, visible);
                let index = first + (mouse.row - top) as usize / super::LIST_ROWS_PER_SESSION;
                if index < self.sockets.sessions.len() && index != self.sockets.selected {
                    self.sockets.selected = index;
                    self.dirty = true;
                }
            }
            MouseEventKind::ScrollUp if mouse.column >= list_width => {
                if let Some(s) = self.sockets.current_mut() {
                    s.scroll = s.scroll.saturating_add(3);
                    self.dirty = true;
                }
            }
            MouseEventKind::ScrollDown if mouse.column >= list_width => {
                if let Some(s) = self.sockets.current_mut()
                    && s.scroll > 0
                {
                    s.scroll = s.scroll.min(line_estimate(s)).saturating_sub(3);
                    self.dirty = true;
                }
            }
            _ => {}
        }
    }
}
