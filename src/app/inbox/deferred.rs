//! Keys that must wait for the list: an action on the row under the cursor
//! (flag, mark read, delete, open, answer) typed while that row is still
//! on its way from the store waits for it, and every key typed after it
//! waits too, so keys act in the order they were typed and none is lost.
//! `App` (see `app::deferred_keys`) queues and replays them; this part says
//! when an action must wait.

use super::{Focus, InboxState};
use crate::app::Action;

impl InboxState {
    /// Whether `action`, applied now, would act on a row the store has not
    /// sent yet (and so would do nothing).
    pub fn must_wait(&self, action: Action) -> bool {
        self.needs_row(action) && self.row_loading()
    }

    /// The actions that act on the message under the list cursor.
    fn needs_row(&self, action: Action) -> bool {
        let in_viewer = self.viewer.is_some() && self.focus == Focus::Viewer;
        match action {
            Action::InboxOpen => self.focus != Focus::Folders,
            Action::InboxToggleRead
            | Action::InboxToggleFlag
            | Action::InboxDelete
            | Action::InboxMove
            | Action::InboxCopy => !in_viewer,
            Action::Reply | Action::ReplyAll | Action::Forward | Action::ForwardAttached => {
                self.viewer.is_none()
            }
            // The next or previous message from the viewer: while the list
            // is recounted (new mail) the step has nothing to move over.
            Action::InboxNextMessage | Action::InboxPrevMessage => in_viewer,
            _ => false,
        }
    }

    /// A list is shown and the row under its cursor is not loaded yet:
    /// the list is still being counted, or its page is on the way.
    pub fn row_loading(&self) -> bool {
        if self.current.is_none() || self.typing() {
            return false;
        }
        match self.list.total {
            None => true,
            Some(0) => false,
            Some(_) => self.list.selected().is_none(),
        }
    }
}
