//! Keys on the Sockets tab: the command line, the input line and pasted
//! text.

use super::prompt;
use super::{Focus, InputLine};
use crate::app::{Action, App, Command, KeyContext, KeySpec};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

impl App {
    /// Keys for the command line or the input line; None lets the keymap
    /// have the key.
    pub(in crate::app) fn sockets_key(&mut self, key: &KeyEvent) -> Option<Vec<Command>> {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        if self.sockets.prompt.is_some() {
            return self.prompt_key(key.code, plain);
        }
        if self.sockets.focus != Focus::Input || self.sockets.sessions.is_empty() {
            return None;
        }
        if let Some(commands) = self.escape_then_key(key) {
            return Some(commands);
        }
        if !plain {
            return None;
        }
        self.input_key(key.code)
    }

    /// A key while the command line is open: it has every plain key.
    fn prompt_key(&mut self, code: KeyCode, plain: bool) -> Option<Vec<Command>> {
        let line = self.sockets.prompt.as_mut()?;
        match code {
            KeyCode::Esc => self.sockets.prompt = None,
            KeyCode::Enter => {
                let text = line.take();
                self.sockets.prompt = None;
                self.dirty = true;
                return Some(self.run_prompt(&text));
            }
            KeyCode::Tab => complete(line),
            KeyCode::Backspace if line.is_empty() => self.sockets.prompt = None,
            _ if !plain => return None,
            _ => edit(line, code),
        }
        self.dirty = true;
        Some(Vec::new())
    }

    /// A plain key on the input line: editing, history, sending, scrolling.
    fn input_key(&mut self, code: KeyCode) -> Option<Vec<Command>> {
        let sockets = &mut self.sockets;
        match code {
            KeyCode::Char(':') if sockets.input.is_empty() => {
                sockets.prompt = Some(InputLine::default());
            }
            KeyCode::Enter => {
                self.dirty = true;
                return Some(self.send_input());
            }
            KeyCode::Up => {
                if let Some(older) = sockets.history.older(&sockets.input.text) {
                    sockets.input = InputLine::with_text(&older);
                }
            }
            KeyCode::Down => {
                if let Some(newer) = sockets.history.newer() {
                    sockets.input = InputLine::with_text(&newer);
                }
            }
            KeyCode::PageUp => return Some(self.sockets_action(Action::SocketScrollUp)),
            KeyCode::PageDown => return Some(self.sockets_action(Action::SocketScrollDown)),
            KeyCode::Char(_)
            | KeyCode::Backspace
            | KeyCode::Delete
            | KeyCode::Left
            | KeyCode::Right
            | KeyCode::Home
            | KeyCode::End => edit(&mut sockets.input, code),
            _ => return None,
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
        let alt = KeySpec::from_event(key);
        if self.keymap.lookup(KeyContext::Sockets, alt).is_some()
            || self.keymap.lookup(KeyContext::Global, alt).is_some()
        {
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

    /// Pasted text goes into whichever line has the keyboard; line breaks
    /// become `\r`/`\n` escapes so that one Enter sends it all.
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

fn edit(line: &mut InputLine, code: KeyCode) {
    match code {
        KeyCode::Char(c) => line.insert(c),
        KeyCode::Backspace => line.backspace(),
        KeyCode::Delete => line.delete(),
        KeyCode::Left => line.left(),
        KeyCode::Right => line.right(),
        KeyCode::Home => line.home(),
        KeyCode::End => line.end(),
        _ => {}
    }
}

/// Completes the command word when exactly one command matches.
fn complete(line: &mut InputLine) {
    if line.text.contains(' ') {
        return;
    }
    if let [only] = prompt::matching(&line.text).as_slice() {
        *line = InputLine::with_text(&format!("{} ", only.0));
    }
}
