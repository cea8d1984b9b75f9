//! Keys typed faster than the Inbox's list loads: a key whose action needs
//! the row under the cursor waits while that row is on its way, every key
//! typed after it queues behind it, and the queue runs in order as soon as
//! the store's answer arrives. `G F` typed at once flags the last message.
//!
//! Ctrl-C is the way out should the store never answer: it drops what
//! waits (saying so) and quits as usual.

use super::inbox::Deferred;
use super::{App, Command, KeyContext, KeySpec, Level, Tab};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

impl App {
    /// Queues `key` when it must wait for the list; `None` lets it run now.
    pub(super) fn defer_key(&mut self, key: &KeyEvent) -> Option<Vec<Command>> {
        if self.inbox.has_deferred() {
            if is_ctrl_c(key) {
                self.drop_deferred("stopped waiting for the message list");
                return None;
            }
            self.inbox.deferred.push_back(Deferred::Key(*key));
            return Some(Vec::new());
        }
        if !self.key_must_wait(key) {
            return None;
        }
        self.inbox.deferred.push_back(Deferred::Key(*key));
        // The row may not be asked for yet (the cursor just moved).
        let rows = self.inbox.visible_rows(self.size);
        Some(self.inbox.page_commands(rows))
    }

    /// Pasted text queues behind waiting keys (it may be meant for a
    /// prompt one of them opens).
    pub(super) fn defer_paste(&mut self, text: &str) -> bool {
        if !self.inbox.has_deferred() {
            return false;
        }
        self.inbox
            .deferred
            .push_back(Deferred::Paste(text.to_string()));
        true
    }

    /// Runs the waiting keys, in order, until one must wait again.
    pub(super) fn replay_deferred(&mut self) -> Vec<Command> {
        let mut commands = Vec::new();
        while let Some(next) = self.inbox.deferred.pop_front() {
            match next {
                Deferred::Key(key) if self.key_must_wait(&key) => {
                    self.inbox.deferred.push_front(Deferred::Key(key));
                    let rows = self.inbox.visible_rows(self.size);
                    commands.extend(self.inbox.page_commands(rows));
                    break;
                }
                Deferred::Action(action) if self.inbox.must_wait(action) => {
                    self.inbox.deferred.push_front(Deferred::Action(action));
                    break;
                }
                Deferred::Key(key) => commands.extend(self.run_key(key)),
                Deferred::Action(action) => commands.extend(self.apply(action)),
                Deferred::Paste(text) => commands.extend(self.run_paste(&text)),
            }
        }
        commands
    }

    /// The list could not be read: the waiting keys run anyway (those that
    /// needed a row find none and do nothing), and the status line says so.
    pub(super) fn flush_deferred(&mut self, error: &str) -> Vec<Command> {
        let waiting = self.inbox.deferred.len();
        let mut commands = Vec::new();
        for next in std::mem::take(&mut self.inbox.deferred) {
            commands.extend(match next {
                Deferred::Key(key) => self.run_key(key),
                Deferred::Paste(text) => self.run_paste(&text),
                Deferred::Action(action) => self.apply(action),
            });
        }
        if waiting > 0 {
            self.status.set(
                Level::Error,
                &format!("the message list could not be read ({error}); keys typed meanwhile may have found no message"),
            );
            self.dirty = true;
        }
        commands
    }

    fn drop_deferred(&mut self, why: &str) {
        let dropped = self.inbox.deferred.len();
        self.inbox.deferred.clear();
        self.status
            .set(Level::Info, &format!("{why}: {dropped} key(s) not applied"));
        self.dirty = true;
    }

    /// Whether `key`, pressed now on the Inbox, would act on a row that
    /// is still loading.
    fn key_must_wait(&self, key: &KeyEvent) -> bool {
        if self.tab != Tab::Inbox || self.overlay.is_some() || !self.inbox.row_loading() {
            return false;
        }
        let spec = KeySpec::from_event(key);
        self.keymap
            .lookup(KeyContext::Inbox, spec)
            .or_else(|| self.keymap.lookup(KeyContext::Global, spec))
            .is_some_and(|action| self.inbox.must_wait(action))
    }
}

fn is_ctrl_c(key: &KeyEvent) -> bool {
    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL)
}
