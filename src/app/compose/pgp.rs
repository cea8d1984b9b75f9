//! Signing and encrypting in the form: the toggles, the recipients' keys
//! checked in the background whenever encryption is on and the recipients
//! change (so the form says who will get encrypted mail and who cannot,
//! before sending), and a key unlocked through the terminal when gpg
//! needs a passphrase.

use super::{ComposeState, compose};
use crate::app::{App, Command, Level};
use crate::mail::compose::engine::ComposeCommand;
use crate::mail::compose::secure::{AfterUnlock, UnlockRequest, recipient_addresses};
use crate::pgp::KeyState;

/// The recipients' keys as last checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyCheck {
    /// The addresses asked about, in order.
    pub asked: Vec<String>,
    /// The answer; `None` while it runs.
    pub states: Option<Result<Vec<(String, KeyState)>, String>>,
}

impl ComposeState {
    /// The recipients' addresses as typed now, when they parse.
    fn typed_recipients(&self, config: &crate::config::Config) -> Vec<String> {
        let Some(account) = self.account(config) else {
            return Vec::new();
        };
        recipient_addresses(&self.draft(account)).unwrap_or_default()
    }

    /// Recipients whose key cannot be used, with why (empty while the
    /// check runs, when it was for other recipients than those typed now,
    /// or when encryption is off).
    pub fn unusable_keys(&self, config: &crate::config::Config) -> Vec<(String, KeyState)> {
        if self.keys.asked != self.typed_recipients(config) {
            return Vec::new();
        }
        match &self.keys.states {
            Some(Ok(states)) if self.protection.encrypt => states
                .iter()
                .filter(|(_, s)| !matches!(s, KeyState::Usable { .. }))
                .cloned()
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl App {
    pub(super) fn toggle_protection(&mut self, encrypt: bool) -> Vec<Command> {
        let state = &mut self.compose;
        let flag = if encrypt {
            &mut state.protection.encrypt
        } else {
            &mut state.protection.sign
        };
        *flag = !*flag;
        state.modified = true;
        let now = state.protection.describe();
        self.status
            .set(Level::Info, &format!("this message will be {now}"));
        self.check_keys_if_needed()
    }

    /// Asks for the recipients' keys when encryption is on and the
    /// recipients differ from the last check.
    pub(super) fn check_keys_if_needed(&mut self) -> Vec<Command> {
        if !self.compose.protection.encrypt {
            return Vec::new();
        }
        let addresses = self.compose.typed_recipients(&self.config);
        if addresses.is_empty() || addresses == self.compose.keys.asked {
            return Vec::new();
        }
        self.compose.keys = KeyCheck {
            asked: addresses.clone(),
            states: None,
        };
        compose(ComposeCommand::CheckKeys { addresses })
    }

    /// A key check answered; an answer for other recipients than the
    /// last asked about is dropped.
    pub(super) fn on_key_states(
        &mut self,
        addresses: Vec<String>,
        states: Result<Vec<(String, KeyState)>, String>,
    ) {
        if addresses == self.compose.keys.asked {
            self.compose.keys.states = Some(states);
        }
    }

    /// gpg needs a passphrase: the event loop hands it the terminal.
    pub(super) fn on_passphrase_needed(&mut self, key: Option<String>) {
        self.status
            .set(Level::Info, "gpg needs your key's passphrase…");
        self.compose.last_send = Some(super::LastSend::Running {
            stage: "waiting for your key's passphrase".into(),
        });
        self.pgp_unlock = Some(UnlockRequest {
            key,
            then: AfterUnlock::Send,
        });
    }

    /// The key was unlocked (or not): send again, or show the message
    /// again, now that gpg can do without asking.
    pub(super) fn on_unlocked(
        &mut self,
        then: AfterUnlock,
        result: Result<(), String>,
    ) -> Vec<Command> {
        if let Err(e) = result {
            self.status
                .set(Level::Error, &format!("key not unlocked: {e}"));
            return Vec::new();
        }
        match then {
            AfterUnlock::Send => self.send_form(),
            AfterUnlock::View(id) => self.inbox_view_again(id),
        }
    }
}
