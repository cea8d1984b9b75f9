//! Moving and copying messages from the Inbox: the keys open the folder
//! picker (see `inbox::picker`) knowing which accounts have an IMAP server,
//! so what lands there is uploaded; the store does the move at once and
//! the IMAP engine carries it to the servers (see `imap_push_for`).

use super::inbox::PickFor;
use super::{Action, App, Command, Level};

impl App {
    /// The move and copy keys; `None` for other actions.
    pub fn apply_transfer(&mut self, action: Action) -> Option<Vec<Command>> {
        let purpose = match action {
            Action::InboxMove => PickFor::Move,
            Action::InboxCopy => PickFor::Copy,
            _ => return None,
        };
        let servers: Vec<String> = self
            .config
            .accounts
            .iter()
            .filter(|a| a.imap.is_some())
            .map(|a| a.name.clone())
            .collect();
        let (commands, opened) = self.inbox.open_picker(purpose, servers);
        if !opened {
            self.status
                .set(Level::Info, "select a message to move or copy it");
        }
        self.dirty = true;
        Some(commands)
    }
}
