//! Application state and the one function that changes it.
//!
//! Input and engine reports arrive as [`Event`]s; [`App::update`] turns them
//! into state changes plus [`Command`]s for the engines. Nothing here awaits
//! or touches the terminal, so every behaviour is testable with plain calls.

mod action;
mod command;
pub mod compose;
mod deferred_keys;
mod event;
mod help;
pub mod imap;
pub mod inbox;
mod key_context;
mod keymap;
mod keyspec;
mod pop3;
pub mod sockets;
mod status;
mod sync_keys;
mod tabs;
mod text_line;
mod transfers;
mod update;

pub use crate::report::{JobEvent, JobId, Level};
pub use action::{ACTIONS, Action, ActionSpec};
pub use command::Command;
pub use deferred_keys::Deferred;
pub use event::{EngineEvent, Event};
pub use help::{HelpLine, help_line_count, help_lines};
pub use key_context::KeyContext;
pub use keymap::Keymap;
pub use keyspec::KeySpec;
pub use pop3::{POP3_TRACE_CAP_LINES, Pop3AccountState, Pop3Gauge, Pop3Ui};
pub use status::{Job, MESSAGES_KEPT, Notice, Status, StatusMessage};
pub use tabs::{TAB_BAR_BRAND, TAB_GAP, Tab, tab_at_column, tab_columns};
pub use text_line::{Edit, LineWindow, TextLine};

use crate::config::{Config, ConfigOrigin, LoadedConfig};

/// A window drawn over the current tab that takes the keys while open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    /// The key reference, scrolled by `scroll` lines.
    Help { scroll: u16 },
    /// "Quit while N jobs run?"
    ConfirmQuit,
    /// Every message and error since the start, with its time, wrapped;
    /// scrolled up from the newest by `scroll` lines.
    Messages { scroll: u16 },
    /// The current socket session's TLS report: the whole certificate
    /// chain, the verdict and the raw reason; scrolled from the top.
    Certificate { scroll: u16 },
}

/// Everything the screen shows.
#[derive(Debug, Clone)]
pub struct App {
    pub tab: Tab,
    pub overlay: Option<Overlay>,
    pub status: Status,
    pub keymap: Keymap,
    pub config: Config,
    pub config_origin: ConfigOrigin,
    /// The terminal size, for mouse hit-testing and page sizes.
    pub size: (u16, u16),
    pub should_quit: bool,
    /// Set when state changed since the last frame; the loop draws and clears it.
    pub dirty: bool,
    /// The Sockets tab.
    pub sockets: sockets::Sockets,
    /// The Compose tab.
    pub compose: compose::ComposeState,
    /// Text the event loop should open in $EDITOR (it owns the terminal).
    pub editor_request: Option<String>,
    /// A shell command and the private file it reads on its standard
    /// input, for the event loop to run in the terminal (attachment `|`).
    pub pipe_request: Option<(String, std::path::PathBuf)>,
    /// A key the event loop should unlock by handing the terminal to
    /// gpg's pinentry.
    pub pgp_unlock: Option<crate::mail::compose::secure::UnlockRequest>,
    /// POP3 accounts' sync state and the protocol trace.
    pub pop3: Pop3Ui,
    /// The Inbox tab: folders, message list, viewer.
    pub inbox: inbox::InboxState,
    /// IMAP sync state and the protocol trace.
    pub imap: imap::ImapState,
    /// Keys (and pastes) waiting, in the order they came, for what the key
    /// at their head needs (a row of the list, path completions).
    pub deferred: std::collections::VecDeque<Deferred>,
}

impl App {
    pub fn new(loaded: LoadedConfig, keymap: Keymap) -> App {
        let compose = compose::ComposeState::fresh(&loaded.config, 0);
        let download_dir = loaded.config.download_dir();
        let mut sockets = sockets::Sockets::default();
        if loaded.config.sockets.time == Some(crate::config::Clock::Utc) {
            sockets.time_zone = crate::net::timefmt::TimeZone::Utc;
        }
        let mut inbox = inbox::InboxState::new(None, download_dir).with_pgp(&loaded.config.pgp);
        inbox.accounts = loaded
            .config
            .accounts
            .iter()
            .filter(|a| a.imap.is_some() || a.pop3.is_some())
            .map(|a| a.name.clone())
            .collect();
        inbox.open_command = loaded.config.store.open_command.clone();
        App {
            inbox,
            imap: imap::ImapState::default(),
            tab: Tab::from(loaded.config.ui.start_tab),
            overlay: None,
            status: Status::default(),
            keymap,
            config: loaded.config,
            config_origin: loaded.origin,
            size: (80, 24),
            should_quit: false,
            dirty: true,
            sockets,
            compose,
            editor_request: None,
            pipe_request: None,
            pgp_unlock: None,
            pop3: Pop3Ui::default(),
            deferred: std::collections::VecDeque::new(),
        }
    }

    /// The account the status line names: on the Inbox the one whose
    /// folder is in view, else the first configured one.
    pub fn current_account(&self) -> Option<&str> {
        let in_view = (self.tab == Tab::Inbox)
            .then(|| {
                self.inbox
                    .current
                    .as_ref()
                    .map(|(account, _)| account.as_str())
                    .or_else(|| self.inbox.selected_folder().map(|f| f.account.as_str()))
            })
            .flatten();
        in_view.or_else(|| self.config.accounts.first().map(|a| a.name.as_str()))
    }

    /// When the event loop must wake for the app with nothing else going
    /// on: while a status message is shown, the moment it is due to go.
    /// None means no timer at all.
    pub fn deadline(&self) -> Option<std::time::Instant> {
        self.status.deadline()
    }

    /// Work that quitting would interrupt, described for the prompt.
    /// Syncs are not: what they stored is whole and the next one goes on.
    pub fn work_in_progress(&self) -> Vec<String> {
        self.status
            .jobs
            .iter()
            .filter(|j| !self.is_sync_job(j.id))
            .map(|j| j.label.clone())
            .collect()
    }

    /// Whether a text field has the keyboard, so plain keys type text
    /// instead of triggering actions. Tabs with input fields report here.
    pub fn text_input_active(&self) -> bool {
        let sockets_typing = self.tab == Tab::Sockets
            && (self.sockets.prompt.is_some()
                || (self.sockets.focus == sockets::Focus::Input
                    && !self.sockets.sessions.is_empty()));
        sockets_typing
            || (self.overlay.is_none() && self.compose_typing())
            || (self.tab == Tab::Inbox && (self.inbox.typing() || self.inbox.picking()))
    }
}

#[cfg(test)]
mod tests;
