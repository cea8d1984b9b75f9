//! The store worker's requests that change mail (flags, deletions, moves
//! and copies): each is done in the store at once and reported, with the
//! accounts whose servers must hear of it (`StoreEvent::LocalChanges`),
//! so the interface has the IMAP engine push it now.

use super::StoreEvent;
use super::worker::Worker;
use crate::report::Level;
use crate::store::{Flags, FolderRole, LOCAL_ACCOUNT, MessageId, StoreError, TransferKind};

impl Worker {
    pub(super) fn set_flags(&self, changes: Vec<(MessageId, Flags)>) -> Result<(), StoreError> {
        let store = self.store()?;
        let mut accounts = Vec::new();
        for (id, flags) in &changes {
            store.set_flags(*id, flags)?;
            accounts.push(store.message_place(*id)?.0);
        }
        self.report(StoreEvent::FlagsChanged(changes));
        self.report_changes(accounts);
        self.report_folders()
    }

    /// Tells which accounts' servers have local changes to take.
    pub(super) fn report_changes(&self, mut accounts: Vec<String>) {
        accounts.sort();
        accounts.dedup();
        accounts.retain(|a| a != LOCAL_ACCOUNT);
        if !accounts.is_empty() {
            self.report(StoreEvent::LocalChanges { accounts });
        }
    }

    /// Moves the messages to their account's Trash (created if missing);
    /// messages already there are deleted for good.
    pub(super) fn delete(&self, ids: Vec<MessageId>) -> Result<(), StoreError> {
        let store = self.store()?;
        let mut moved = 0;
        let mut accounts = Vec::new();
        for id in &ids {
            let (account, folder, _) = store.message_place(*id)?;
            accounts.push(account.clone());
            let trash = match store.folder_with_role(&account, FolderRole::Trash)? {
                Some(name) => name,
                None => {
                    store.ensure_folder(&account, "Trash", Some(FolderRole::Trash))?;
                    "Trash".to_string()
                }
            };
            if folder == trash {
                store.remove_message(*id)?;
            } else {
                store.move_message(*id, &trash)?;
                moved += 1;
            }
        }
        let text = match (moved, ids.len()) {
            (0, n) => format!("deleted {n} message(s) for good"),
            (m, _) => format!("moved {m} message(s) to Trash"),
        };
        self.report(StoreEvent::Removed(ids));
        self.report_changes(accounts);
        self.notice(Level::Info, text);
        self.report_folders()
    }

    /// Moves or copies messages to `folder` of `account`.
    pub(super) fn transfer(
        &self,
        ids: &[MessageId],
        account: &str,
        folder: &str,
        kind: TransferKind,
    ) -> Result<(), StoreError> {
        let store = self.store()?;
        let mut accounts = vec![account.to_string()];
        for id in ids {
            accounts.push(store.message_place(*id)?.0);
            store.transfer(*id, account, folder, kind)?;
        }
        let verb = if kind.copy { "copied" } else { "moved" };
        let text = format!("{verb} {} message(s) to {account}/{folder}", ids.len());
        if !kind.copy {
            self.report(StoreEvent::Removed(ids.to_vec()));
        }
        self.report_changes(accounts);
        self.notice(Level::Info, crate::sanitize::clean_line(&text));
        self.report_folders()
    }
}
