//! Changing a message's flags from the Inbox: the row, the open message
//! and the folder's unread count change at once (so the screen never shows
//! a count one step behind), and the store is asked to write the change.

use super::{Focus, InboxState, Outcome};
use crate::app::Command;
use crate::store::service::StoreRequest;
use crate::store::{Flags, MessageId};

impl InboxState {
    /// The message an action applies to: the open one, else the selected.
    pub(super) fn target(&self) -> Option<(MessageId, Flags)> {
        match (&self.viewer, self.focus) {
            (Some(viewer), Focus::Viewer) => Some((viewer.id, self.flags_of(viewer.id))),
            _ => self.list.selected().map(|l| (l.row.id, l.row.flags)),
        }
    }

    /// What the list shows for `id`, else what the viewer knows of it.
    fn flags_of(&self, id: MessageId) -> Flags {
        self.list
            .window
            .iter()
            .find(|l| l.row.id == id)
            .map(|l| l.row.flags)
            .or_else(|| self.viewer.as_ref().filter(|v| v.id == id).map(|v| v.flags))
            .unwrap_or_default()
    }

    pub(super) fn change_flags(&mut self, change: impl FnOnce(&mut Flags)) -> Outcome {
        let Some((id, before)) = self.target() else {
            return (Vec::new(), false);
        };
        let mut after = before;
        change(&mut after);
        (self.write_flags(id, before, after), true)
    }

    /// Shows `after` for message `id` now and asks the store to write it.
    pub(super) fn write_flags(
        &mut self,
        id: MessageId,
        before: Flags,
        after: Flags,
    ) -> Vec<Command> {
        self.list.set_flags(id, after);
        if let Some(viewer) = self.viewer.as_mut().filter(|v| v.id == id) {
            viewer.flags = after;
        }
        if before.seen != after.seen
            && let Some(folder) = self.current_folder_mut()
        {
            folder.unread = if after.seen {
                folder.unread.saturating_sub(1)
            } else {
                folder.unread + 1
            };
        }
        vec![Command::Store(StoreRequest::SetFlags {
            changes: vec![(id, after)],
        })]
    }

    fn current_folder_mut(&mut self) -> Option<&mut crate::store::FolderSummary> {
        let (account, name) = self.current.as_ref()?;
        self.folders
            .iter_mut()
            .find(|f| &f.account == account && &f.name == name)
    }
}
