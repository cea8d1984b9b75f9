//! Keys typed faster than what they act on arrives. A key that needs
//! something still on its way — the Inbox row under the cursor, the
//! candidates a Tab completes a typed path from — waits for it; every key
//! (and paste) typed after it queues behind it, and the queue runs in order
//! as soon as an engine report brings what the head of the queue waits
//! for. `G F` typed at once flags the last message; a path and Tab typed at
//! once complete the path.
//!
//! Ctrl-C is the way out should an answer never come: it drops what waits
//! (saying so) and quits as usual.

use super::{Action, App, Command, KeyContext, KeySpec, Level, Tab};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Input held back until what it acts on has arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deferred {
    Key(KeyEvent),
    Paste(String),
}

impl App {
    /// Whether input is waiting (new input then queues behind it).
    pub fn waiting(&self) -> bool {
        !self.deferred.is_empty() || self.inbox.open_on_arrival
    }

    /// Queues `key` when it must wait; `None` lets it run now.
    pub(super) fn defer_key(&mut self, key: &KeyEvent) -> Option<Vec<Command>> {
        if self.waiting() {
            if is_ctrl_c(key) {
                self.drop_deferred();
                return None;
            }
            self.deferred.push_back(Deferred::Key(*key));
            return Some(Vec::new());
        }
        let fetch = self.key_must_wait(key)?;
        self.deferred.push_back(Deferred::Key(*key));
        Some(fetch)
    }

    /// Pasted text queues behind waiting keys (it may be meant for a
    /// prompt one of them opens).
    pub(super) fn defer_paste(&mut self, text: &str) -> bool {
        if !self.waiting() {
            return false;
        }
        self.deferred.push_back(Deferred::Paste(text.to_string()));
        true
    }

    /// Runs the waiting input, in order, until something must wait again.
    pub(super) fn replay_deferred(&mut self) -> Vec<Command> {
        let mut commands = Vec::new();
        loop {
            if self.inbox.open_on_arrival {
                if self.inbox.must_wait(Action::InboxOpen) {
                    break;
                }
                self.inbox.open_on_arrival = false;
                commands.extend(self.apply(Action::InboxOpen));
            }
            let Some(next) = self.deferred.pop_front() else {
                break;
            };
            match next {
                Deferred::Key(key) => match self.key_must_wait(&key) {
                    Some(fetch) => {
                        self.deferred.push_front(Deferred::Key(key));
                        commands.extend(fetch);
                        break;
                    }
                    None => commands.extend(self.run_key(key)),
                },
                Deferred::Paste(text) => commands.extend(self.run_paste(&text)),
            }
        }
        commands
    }

    /// What a key waits for can no longer come (the list could not be
    /// read): the waiting input runs anyway (a key that needed a row finds
    /// none and does nothing), and the status line says so.
    pub(super) fn flush_deferred(&mut self, error: &str) -> Vec<Command> {
        let waiting = self.deferred.len();
        self.inbox.open_on_arrival = false;
        let mut commands = Vec::new();
        for next in std::mem::take(&mut self.deferred) {
            commands.extend(match next {
                Deferred::Key(key) => self.run_key(key),
                Deferred::Paste(text) => self.run_paste(&text),
            });
        }
        if waiting > 0 {
            self.status.set(
                Level::Error,
                &format!(
                    "the message list could not be read ({error}); keys typed meanwhile may have found no message"
                ),
            );
            self.dirty = true;
        }
        commands
    }

    fn drop_deferred(&mut self) {
        let dropped = self.deferred.len();
        self.deferred.clear();
        self.inbox.open_on_arrival = false;
        self.status.set(
            Level::Info,
            &format!("stopped waiting: {dropped} key(s) typed meanwhile not applied"),
        );
        self.dirty = true;
    }

    /// `None` when `key`, pressed now, can act; otherwise the commands that
    /// fetch what it waits for (nothing when that is already asked for).
    fn key_must_wait(&mut self, key: &KeyEvent) -> Option<Vec<Command>> {
        if self.overlay.is_some() {
            return None;
        }
        let spec = KeySpec::from_event(key);
        match self.tab {
            Tab::Inbox if key.code == KeyCode::Tab && key.modifiers.is_empty() => {
                self.inbox.prompt_tab_must_wait()
            }
            Tab::Inbox if self.inbox.row_loading() => {
                let waits = self
                    .keymap
                    .lookup(KeyContext::Inbox, spec)
                    .or_else(|| self.keymap.lookup(KeyContext::Global, spec))
                    .is_some_and(|action| self.inbox.must_wait(action));
                waits.then(|| {
                    // The row may not be asked for yet (the cursor just moved).
                    let rows = self.inbox.visible_rows(self.size);
                    self.inbox.page_commands(rows)
                })
            }
            Tab::Compose => {
                let tab =
                    self.keymap.lookup(KeyContext::Compose, spec) == Some(Action::ComposeNextField);
                if tab { self.path_tab_must_wait() } else { None }
            }
            _ => None,
        }
    }
}

fn is_ctrl_c(key: &KeyEvent) -> bool {
    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL)
}
