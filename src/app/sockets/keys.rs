//! Keys on the Sockets tab: the command line, the input line and pasted
//! text. Both lines are `TextLine`s, with the readline keys (Ctrl-A/E,
//! Ctrl-U/W/K/Y, Alt-B/F/D, Ctrl-Left/Right) and sideways scrolling.

use super::Focus;
use super::prompt;
use crate::app::{Action, App, Command, Edit, KeyContext, KeySpec, TextLine};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

impl App {
    /// Keys for the command line or the input line; None lets the keymap
    /// have the key.
    pub(in crate::app) fn sockets_key(&mut self, key: &KeyEvent) -> Option<Vec<Command>> {
        if self.sockets.prompt.is_some() {
            return self.prompt_key(key);
        }
        if self.sockets.focus != Focus::Input || self.sockets.sessions.is_empty() {
            return None;
        }
        let chord = key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        // A chord the keymap binds (Ctrl-D half-closes, Ctrl-C quits) is
        // the keymap's; the others edit the line.
        if chord && self.bound(key) {
            return None;
        }
        if let Some(commands) = self.input_key(key) {
            return Some(commands);
        }
        if chord {
            return self.escape_then_key(key);
        }
        None
    }

    fn bound(&self, key: &KeyEvent) -> bool {
        let spec = KeySpec::from_event(key);
        self.keymap.lookup(KeyContext::Sockets, spec).is_some()
            || self.keymap.lookup(KeyContext::Global, spec).is_some()
    }

    /// A key while the command line is open: it has every key it can
    /// edit with; chords it does not know go to the keymap.
    fn prompt_key(&mut self, key: &KeyEvent) -> Option<Vec<Command>> {
        let sockets = &mut self.sockets;
        let line = sockets.prompt.as_mut()?;
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Esc => sockets.prompt = None,
            KeyCode::Enter => {
                let text = line.take();
                sockets.prompt = None;
                sockets.prompt_history.push(text.trim());
                self.dirty = true;
                return Some(self.run_prompt(&text));
            }
            KeyCode::Tab => complete(line),
            KeyCode::Backspace if plain && line.is_empty() => sockets.prompt = None,
            KeyCode::Up => browse(line, sockets.prompt_history.older(line.text())),
            KeyCode::Down => browse(line, sockets.prompt_history.newer()),
            _ => {
                if line.apply(key) == Edit::Unhandled && !plain {
                    return None;
                }
            }
        }
        self.dirty = true;
        Some(Vec::new())
    }

    /// A key on the input line: editing, history, sending, scrolling.
    /// None when it is not the line's.
    fn input_key(&mut self, key: &KeyEvent) -> Option<Vec<Command>> {
        let sockets = &mut self.sockets;
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Char(':') if plain && sockets.input.is_empty() => {
                sockets.prompt = Some(TextLine::default());
            }
            KeyCode::Enter if plain => {
                self.dirty = true;
                return Some(self.send_input());
            }
            KeyCode::Up if plain => {
                let older = sockets.history.older(sockets.input.text());
                browse(&mut sockets.input, older);
            }
            KeyCode::Down if plain => browse(&mut sockets.input, sockets.history.newer()),
            KeyCode::PageUp if plain => return Some(self.sockets_action(Action::SocketScrollUp)),
            KeyCode::PageDown if plain => {
                return Some(self.sockets_action(Action::SocketScrollDown));
            }
            _ => {
                if sockets.input.apply(key) == Edit::Unhandled {
                    return None;
                }
            }
        }
        self.dirty = true;
        Some(Vec::new())
    }

    /// Esc followed quickly by a key reaches us as Alt+key (the terminal
    /// cannot tell them apart). When Alt+key means nothing, treat it as
    /// what the user typed: leave the input line, then the key.
    fn escape_then_key(&mut self, key: &KeyEvent) -> Option<Vec<Command>> {
        let KeyCode::Char(c) = key.code else {
            return None;
        };
        if key.modifiers != KeyModifiers::ALT {
            return None;
        }
        self.sockets.focus = Focus::List;
        self.dirty = true;
        let plain = KeySpec::from_event(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        let action = self
            .keymap
            .lookup(KeyContext::Sockets, plain)
            .or_else(|| self.keymap.lookup(KeyContext::Global, plain));
        Some(action.map_or_else(Vec::new, |a| self.apply(a)))
    }

    /// Pasted text goes into whichever line has the keyboard, whole; line
    /// breaks become `\r`/`\n` escapes so that one Enter sends it all.
    pub(in crate::app) fn sockets_paste(&mut self, text: &str) {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('\r', "\\r")
            .replace('\n', "\\n");
        let target = match &mut self.sockets.prompt {
            Some(line) => line,
            None if self.sockets.focus == Focus::Input && !self.sockets.sessions.is_empty() => {
                &mut self.sockets.input
            }
            None => return,
        };
        target.insert_str(&escaped);
        self.dirty = true;
    }
}

/// Puts a history entry on the line, when there is one.
fn browse(line: &mut TextLine, entry: Option<String>) {
    if let Some(entry) = entry {
        line.set_text(&entry);
    }
}

/// Completes the command word when exactly one command matches.
fn complete(line: &mut TextLine) {
    if line.text().contains(' ') {
        return;
    }
    if let [only] = prompt::matching(line.text()).as_slice() {
        line.set_text(&format!("{} ", only.name));
    }
}
