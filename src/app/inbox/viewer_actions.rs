//! What the Inbox's keys do while the viewer has them: scrolling, stepping
//! to the next message, the view modes, find, and the attachments.

use super::{Focus, InboxState, Outcome, ViewMode};
use crate::app::{Action, Command};
use crate::store::service::StoreRequest;

impl InboxState {
    /// The viewer's own actions; `None` for the others (and for those that
    /// need a message when none is open).
    pub(super) fn viewer_action(&mut self, action: Action, size: (u16, u16)) -> Option<Outcome> {
        let page = self.viewer_rows(size).max(2) - 1;
        let page = i64::from(page);
        let outcome = match action {
            Action::ScrollDown => self.scroll_viewer(1),
            Action::ScrollUp => self.scroll_viewer(-1),
            Action::PageDown => self.scroll_viewer(page),
            Action::PageUp => self.scroll_viewer(-page),
            Action::ScrollTop => self.scroll_viewer(i64::MIN / 2),
            Action::ScrollBottom => self.scroll_viewer(i64::MAX / 2),
            // As in mutt's pager: q leaves the message first, then quits.
            Action::InboxBack | Action::Quit => self.close_viewer(size),
            Action::InboxNextMessage => self.step_message(1, size),
            Action::InboxPrevMessage => self.step_message(-1, size),
            Action::InboxFindNext => {
                let viewer = self.viewer.as_mut()?;
                (Vec::new(), viewer.find_next())
            }
            Action::InboxToggleHeaders => self.toggle_mode(ViewMode::Headers),
            Action::InboxToggleHtml => self.toggle_mode(ViewMode::HtmlSource),
            Action::InboxToggleRaw => self.toggle_raw()?,
            Action::InboxNextAttachment => self.next_attachment()?,
            Action::InboxSaveAttachment
            | Action::InboxSaveAll
            | Action::InboxOpenAttachment
            | Action::InboxPipeAttachment => self.attachment_action(action)?,
            _ => return None,
        };
        Some(outcome)
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

    /// Back to the list, the cursor kept in view.
    fn close_viewer(&mut self, size: (u16, u16)) -> Outcome {
        self.viewer = None;
        self.focus = Focus::List;
        let rows = self.visible_rows(size);
        let cursor = self.list.cursor;
        self.list.select(cursor, rows);
        (self.page_commands(rows), true)
    }

    fn step_message(&mut self, delta: i64, size: (u16, u16)) -> Outcome {
        let rows = self.visible_rows(size);
        let before = self.list.cursor;
        self.list.move_by(delta, rows);
        if self.list.cursor == before {
            return (Vec::new(), false);
        }
        if self.list.selected().is_none() {
            // Opened when its row arrives; keys typed meanwhile wait.
            self.open_on_arrival = true;
            return (self.page_commands(rows), true);
        }
        self.open_selected(size)
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

    /// The raw source is fetched the first time it is shown.
    fn toggle_raw(&mut self) -> Option<Outcome> {
        let viewer = self.viewer.as_ref()?;
        let mut commands = Vec::new();
        if viewer.raw.is_none() {
            commands.push(Command::Store(StoreRequest::Raw { id: viewer.id }));
        }
        let (_, changed) = self.toggle_mode(ViewMode::Raw);
        Some((commands, changed))
    }

    fn next_attachment(&mut self) -> Option<Outcome> {
        let viewer = self.viewer.as_mut()?;
        let count = viewer.message().map_or(0, |m| m.attachments.len());
        if count == 0 {
            return Some((Vec::new(), false));
        }
        viewer.attachment = (viewer.attachment + 1) % count;
        Some((Vec::new(), true))
    }
}
