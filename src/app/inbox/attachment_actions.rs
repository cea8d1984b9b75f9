//! The open message's attachments: save the selected one (a path prompt
//! with the download folder and the attachment's own name, made safe,
//! typed in already; Tab completes), save all into a folder, open one with
//! the system's opener from a private copy, pipe one — or the message when
//! it has none — into a shell command, as neomutt's `|` does.

use super::{InboxState, InputKind, Outcome};
use crate::app::{Action, Command};
use crate::mailview::safe_file_name;
use crate::store::service::StoreRequest;

impl InboxState {
    /// The viewer's attachment actions; `None` for other actions.
    pub(super) fn attachment_action(&mut self, action: Action) -> Option<Outcome> {
        let viewer = self.viewer.as_ref()?;
        let attachments = viewer.message().map_or(0, |m| m.attachments.len());
        let outcome = match action {
            Action::InboxSaveAttachment | Action::InboxSaveAll if attachments == 0 => {
                (Vec::new(), false)
            }
            Action::InboxSaveAttachment => self.ask_save(false),
            Action::InboxSaveAll => self.ask_save(true),
            Action::InboxOpenAttachment if attachments == 0 => (Vec::new(), false),
            Action::InboxOpenAttachment => self.open_attachment(),
            Action::InboxPipeAttachment if viewer.message().is_none() => (Vec::new(), false),
            Action::InboxPipeAttachment => self.ask_with(
                InputKind::Pipe {
                    whole_message: attachments == 0,
                },
                "",
            ),
            _ => return None,
        };
        Some(outcome)
    }

    /// The save prompt, filled in with where the download folder would
    /// put it.
    fn ask_save(&mut self, all: bool) -> Outcome {
        let dir = self.download_dir.clone();
        let name = self
            .viewer
            .as_ref()
            .and_then(|v| v.message()?.attachments.get(v.attachment))
            .map(|a| safe_file_name(&a.name))
            .unwrap_or_default();
        let target = if all {
            format!("{}/", dir.display())
        } else {
            dir.join(name).display().to_string()
        };
        self.ask_with(InputKind::SaveAttachment { all }, &target)
    }

    /// Enter in the save prompt: the selected attachment (or all of them)
    /// to what was typed.
    pub(super) fn save_to(&mut self, typed: &str, all: bool) -> Vec<Command> {
        let Some(viewer) = self.viewer.as_ref() else {
            return Vec::new();
        };
        let target = crate::config::expand_tilde(std::path::Path::new(typed));
        vec![Command::Store(StoreRequest::SaveAttachments {
            id: viewer.id,
            index: (!all).then_some(viewer.attachment),
            target,
        })]
    }

    fn open_attachment(&mut self) -> Outcome {
        let Some(viewer) = self.viewer.as_ref() else {
            return (Vec::new(), false);
        };
        let request = StoreRequest::OpenAttachment {
            id: viewer.id,
            index: viewer.attachment,
            command: self.open_command.clone(),
        };
        (vec![Command::Store(request)], false)
    }

    /// Enter in the pipe prompt: the store writes the attachment (or the
    /// message) to a private file for the command to read.
    pub(super) fn pipe_to(&mut self, command: &str, whole_message: bool) -> Vec<Command> {
        let Some(viewer) = self.viewer.as_ref() else {
            return Vec::new();
        };
        vec![Command::Store(StoreRequest::PipeAttachment {
            id: viewer.id,
            index: (!whole_message).then_some(viewer.attachment),
            command: command.to_string(),
        })]
    }
}
