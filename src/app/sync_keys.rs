//! Syncing from the Inbox: every account syncs on start and stays live;
//! `s` syncs the account in view (this folder first), `S` every account,
//! `X` cancels the running syncs and `T` shows the protocol trace. IMAP
//! and POP3 accounts alike. State changes and commands only; no IO.

use super::{Action, App, Command, Level};
use crate::config::Account;
use crate::mail::imap::ConnectOptions;
use crate::mail::imap::engine::{ImapCommand, LiveSettings};

impl App {
    /// What the interface does on start: open the store, then sync every
    /// account that has a server (each stays live afterwards).
    pub fn start(&mut self) -> Vec<Command> {
        let mut commands = self.inbox.start();
        if self.inbox.store_dir.is_some() {
            let accounts = self.config.accounts.clone();
            for account in &accounts {
                commands.extend(self.sync_commands(account, None));
            }
        }
        commands
    }

    /// The Inbox's sync actions; `None` for the other actions.
    pub fn apply_imap(&mut self, action: Action) -> Option<Vec<Command>> {
        let commands = match action {
            Action::InboxToggleTrace => self.toggle_trace(),
            Action::InboxCancelSync => self.cancel_syncs(),
            Action::InboxSync => match self.account_in_view().cloned() {
                Some(account) => self.sync_one(&account),
                None => {
                    let commands = self.sync_all();
                    if !commands.is_empty() {
                        self.status.set(
                            Level::Info,
                            "no server behind this folder: syncing every account",
                        );
                    }
                    commands
                }
            },
            Action::InboxSyncAll => self.sync_all(),
            _ => return None,
        };
        self.dirty = true;
        Some(commands)
    }

    /// The configured account with a server whose folder is in view.
    fn account_in_view(&self) -> Option<&Account> {
        let name = self
            .inbox
            .current
            .as_ref()
            .map(|(account, _)| account.as_str())
            .or_else(|| self.inbox.selected_folder().map(|f| f.account.as_str()))?;
        self.config
            .accounts
            .iter()
            .find(|a| a.name == name && (a.imap.is_some() || a.pop3.is_some()))
    }

    fn sync_one(&mut self, account: &Account) -> Vec<Command> {
        let first = self
            .inbox
            .current
            .as_ref()
            .filter(|(name, _)| *name == account.name)
            .map(|(_, folder)| folder.clone());
        let commands = self.sync_commands(account, first);
        if commands.is_empty() {
            let text = format!(
                "{} is syncing already (X cancels it)",
                crate::sanitize::clean_line(&account.name)
            );
            self.status.set(Level::Info, &text);
        }
        commands
    }

    fn sync_all(&mut self) -> Vec<Command> {
        let accounts = self.config.accounts.clone();
        if !accounts
            .iter()
            .any(|a| a.imap.is_some() || a.pop3.is_some())
        {
            self.status.set(
                Level::Warning,
                "no account has an [accounts.imap] or [accounts.pop3] section",
            );
            return Vec::new();
        }
        let commands: Vec<Command> = accounts
            .iter()
            .flat_map(|account| self.sync_commands(account, None))
            .collect();
        if commands.is_empty() {
            self.status
                .set(Level::Info, "every account is syncing already (X cancels)");
        }
        commands
    }

    /// The commands that sync `account` (IMAP: `first` folder first, else
    /// INBOX); none for a server whose sync runs already.
    fn sync_commands(&mut self, account: &Account, first: Option<String>) -> Vec<Command> {
        let mut commands = Vec::new();
        let passing = self
            .imap
            .accounts
            .get(&account.name)
            .is_some_and(|s| s.pass.is_some());
        if let (Some(endpoint), Some(options), Some(store_dir), false) = (
            &account.imap,
            ConnectOptions::for_account(account),
            self.inbox.store_dir.clone(),
            passing,
        ) {
            commands.push(Command::Imap(ImapCommand::Sync {
                account: account.name.clone(),
                options: Box::new(options),
                store_dir,
                first: first.unwrap_or_else(|| "INBOX".into()),
                live: LiveSettings::for_endpoint(endpoint),
            }));
        }
        commands.extend(self.pop3_sync(account));
        commands
    }

    /// Cancels every running pass and POP3 sync. A cancelled IMAP account
    /// is no longer watched until it is synced again.
    fn cancel_syncs(&mut self) -> Vec<Command> {
        let mut commands = Vec::new();
        for state in self.imap.accounts.values_mut() {
            if let Some(pass) = state.pass.take() {
                commands.push(Command::CancelJob(pass.job));
                state.task = None;
                state.watching = None;
                state.current = None;
                state.offline = Some(("sync cancelled".into(), None));
            }
        }
        commands.extend(self.pop3_cancel());
        if commands.is_empty() {
            self.status.set(Level::Info, "no sync is running");
        }
        commands
    }

    /// Shows or hides the protocol trace of the account in view (IMAP
    /// when it has IMAP or nothing is in view, else POP3).
    fn toggle_trace(&mut self) -> Vec<Command> {
        let shows_imap = match self.account_in_view() {
            Some(account) => account.imap.is_some(),
            None => self.config.accounts.iter().any(|a| a.imap.is_some()),
        };
        if !shows_imap {
            self.pop3_toggle_trace();
            return Vec::new();
        }
        self.imap.trace_visible = !self.imap.trace_visible;
        vec![Command::Imap(ImapCommand::Trace {
            shown: self.imap.trace_visible,
        })]
    }
}
