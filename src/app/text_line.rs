//! A one-line text field that edits like a shell line, for every prompt
//! and input line: the readline keys people's fingers know (Ctrl-A/E,
//! Ctrl-B/F, Ctrl-U/K/W/Y, Alt-B/F/D/Backspace, Ctrl-Left/Right), and no
//! control or Alt chord ever types a letter. What it shows of a long line
//! is a window around the cursor, worked out at draw time from the width.

use crate::sanitize::is_dangerous;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_width::UnicodeWidthChar;

/// Text being typed, with the cursor as a char index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextLine {
    text: String,
    cursor: usize,
    /// The last text cut with a kill key, for Ctrl-Y.
    killed: String,
}

/// What a key did to the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The text changed.
    Changed,
    /// Only the cursor moved.
    Moved,
    /// Not an editing key: the caller decides (Enter, Esc, Tab, ...).
    Unhandled,
}

impl TextLine {
    pub fn with_text(text: &str) -> TextLine {
        TextLine {
            text: text.to_string(),
            cursor: text.chars().count(),
            killed: String::new(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The cursor as a char index into the text.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Replaces the text and puts the cursor at its end.
    pub fn set_text(&mut self, text: &str) {
        self.text = text.to_string();
        self.cursor = text.chars().count();
    }

    /// The text, leaving the line empty.
    pub fn take(&mut self) -> String {
        self.cursor = 0;
        std::mem::take(&mut self.text)
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    fn byte_at(&self, cursor: usize) -> usize {
        self.text
            .char_indices()
            .nth(cursor)
            .map_or(self.text.len(), |(i, _)| i)
    }

    pub fn insert(&mut self, c: char) {
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    /// Inserts a paste in one go, however long.
    pub fn insert_str(&mut self, s: &str) {
        let at = self.byte_at(self.cursor);
        self.text.insert_str(at, s);
        self.cursor += s.chars().count();
    }

    /// Applies an editing key; anything else is left to the caller.
    pub fn apply(&mut self, key: &KeyEvent) -> Edit {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match (key.code, ctrl, alt) {
            (KeyCode::Char(c), false, false) => {
                self.insert(c);
                Edit::Changed
            }
            (KeyCode::Char(c), true, false) => self.control(c),
            (KeyCode::Char(c), false, true) => self.meta(c),
            (KeyCode::Backspace, false, true) | (KeyCode::Char('h'), true, true) => {
                self.kill_to(self.word_start(), true)
            }
            (KeyCode::Left, true, _) => self.move_to(self.word_start()),
            (KeyCode::Right, true, _) => self.move_to(self.word_end()),
            (code, false, false) => self.plain(code),
            _ => Edit::Unhandled,
        }
    }

    fn plain(&mut self, code: KeyCode) -> Edit {
        match code {
            KeyCode::Backspace => self.delete_range(self.cursor.saturating_sub(1), self.cursor),
            KeyCode::Delete => self.delete_range(self.cursor, (self.cursor + 1).min(self.len())),
            KeyCode::Left => self.move_to(self.cursor.saturating_sub(1)),
            KeyCode::Right => self.move_to((self.cursor + 1).min(self.len())),
            KeyCode::Home => self.move_to(0),
            KeyCode::End => self.move_to(self.len()),
            _ => Edit::Unhandled,
        }
    }

    fn control(&mut self, c: char) -> Edit {
        match c {
            'a' => self.move_to(0),
            'e' => self.move_to(self.len()),
            'b' => self.move_to(self.cursor.saturating_sub(1)),
            'f' => self.move_to((self.cursor + 1).min(self.len())),
            'h' => self.delete_range(self.cursor.saturating_sub(1), self.cursor),
            'd' if !self.text.is_empty() => {
                self.delete_range(self.cursor, (self.cursor + 1).min(self.len()))
            }
            'u' => self.kill_to(0, true),
            'k' => self.kill_to(self.len(), false),
            'w' => self.kill_to(self.blank_start(), true),
            'y' => self.yank(),
            _ => Edit::Unhandled,
        }
    }

    fn meta(&mut self, c: char) -> Edit {
        match c {
            'b' => self.move_to(self.word_start()),
            'f' => self.move_to(self.word_end()),
            'd' => self.kill_to(self.word_end(), false),
            _ => Edit::Unhandled,
        }
    }

    fn move_to(&mut self, cursor: usize) -> Edit {
        self.cursor = cursor;
        Edit::Moved
    }

    fn delete_range(&mut self, from: usize, to: usize) -> Edit {
        if from >= to {
            return Edit::Moved;
        }
        let (a, b) = (self.byte_at(from), self.byte_at(to));
        self.text.replace_range(a..b, "");
        self.cursor = from;
        Edit::Changed
    }

    /// Cuts from the cursor to `to` (backwards when `back`), keeping what
    /// was cut for Ctrl-Y.
    fn kill_to(&mut self, to: usize, back: bool) -> Edit {
        let (from, to) = if back {
            (to, self.cursor)
        } else {
            (self.cursor, to)
        };
        if from >= to {
            return Edit::Moved;
        }
        let (a, b) = (self.byte_at(from), self.byte_at(to));
        self.killed = self.text[a..b].to_string();
        self.delete_range(from, to)
    }

    fn yank(&mut self) -> Edit {
        if self.killed.is_empty() {
            return Edit::Moved;
        }
        let killed = self.killed.clone();
        self.insert_str(&killed);
        Edit::Changed
    }

    fn chars(&self) -> Vec<char> {
        self.text.chars().collect()
    }

    /// Start of the word before the cursor (letters and digits), as
    /// Alt-B moves.
    fn word_start(&self) -> usize {
        let chars = self.chars();
        let mut i = self.cursor;
        while i > 0 && !chars[i - 1].is_alphanumeric() {
            i -= 1;
        }
        while i > 0 && chars[i - 1].is_alphanumeric() {
            i -= 1;
        }
        i
    }

    /// End of the word after the cursor, as Alt-F moves.
    fn word_end(&self) -> usize {
        let chars = self.chars();
        let mut i = self.cursor;
        while i < chars.len() && !chars[i].is_alphanumeric() {
            i += 1;
        }
        while i < chars.len() && chars[i].is_alphanumeric() {
            i += 1;
        }
        i
    }

    /// Start of the whitespace-separated word before the cursor, as
    /// Ctrl-W cuts in a shell.
    fn blank_start(&self) -> usize {
        let chars = self.chars();
        let mut i = self.cursor;
        while i > 0 && chars[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !chars[i - 1].is_whitespace() {
            i -= 1;
        }
        i
    }

    /// What fits in `width` columns around the cursor: the chars shown,
    /// from `first`, and the cursor's column. The cursor always has a
    /// column of its own, so a line that ends at the cursor scrolls left.
    pub fn window(&self, width: usize) -> LineWindow {
        let chars = self.chars();
        let width = width.max(1);
        // A control character shows as one replacement character, so what
        // is drawn and where the cursor goes stay in step.
        let shown_char = |c: char| if is_dangerous(c) { '\u{FFFD}' } else { c };
        let widths: Vec<usize> = chars
            .iter()
            .map(|c| shown_char(*c).width().unwrap_or(0))
            .collect();
        // Back from the cursor, as far as fits with room for the cursor.
        let mut first = self.cursor;
        let mut used = 1;
        while first > 0 && used + widths[first - 1] <= width {
            first -= 1;
            used += widths[first];
        }
        let cursor_column = widths[first..self.cursor].iter().sum();
        let mut shown = String::new();
        let mut columns = 0;
        for (c, w) in chars[first..].iter().zip(&widths[first..]) {
            if columns + w > width {
                break;
            }
            shown.push(shown_char(*c));
            columns += w;
        }
        LineWindow {
            shown,
            cursor_column,
            cut_left: first > 0,
        }
    }
}

/// The part of a line on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineWindow {
    pub shown: String,
    pub cursor_column: usize,
    /// Text before the window is hidden (the renderer may mark it).
    pub cut_left: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    fn ctrl(c: char) -> KeyEvent {
        key(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn alt(c: char) -> KeyEvent {
        key(KeyCode::Char(c), KeyModifiers::ALT)
    }

    fn typed(text: &str) -> TextLine {
        let mut line = TextLine::default();
        for c in text.chars() {
            line.apply(&key(KeyCode::Char(c), KeyModifiers::NONE));
        }
        line
    }

    #[test]
    fn readline_keys_move_and_cut() {
        let mut line = typed("connect example.org:443 tls");
        assert_eq!(line.apply(&ctrl('w')), Edit::Changed);
        assert_eq!(line.text(), "connect example.org:443 ");
        line.apply(&alt('b'));
        line.apply(&alt('b'));
        assert_eq!(line.cursor(), "connect example.".len());
        line.apply(&ctrl('k'));
        assert_eq!(line.text(), "connect example.");
        line.apply(&ctrl('y'));
        assert_eq!(line.text(), "connect example.org:443 ");
        line.apply(&ctrl('a'));
        assert_eq!(line.cursor(), 0);
        line.apply(&alt('f'));
        assert_eq!(line.cursor(), "connect".len());
        line.apply(&ctrl('e'));
        line.apply(&ctrl('u'));
        assert!(line.is_empty());
    }

    #[test]
    fn a_chord_never_types_a_letter() {
        let mut line = typed("abc");
        for chord in [ctrl('u'), ctrl('x'), alt('z'), ctrl('g')] {
            line.apply(&chord);
            assert!(!line.text().contains(['u', 'x', 'z', 'g']), "{chord:?}");
        }
        assert_eq!(line.apply(&ctrl('x')), Edit::Unhandled);
    }

    #[test]
    fn multibyte_text_edits_by_character() {
        let mut line = typed("grüße 世界");
        line.apply(&key(KeyCode::Backspace, KeyModifiers::NONE));
        line.apply(&key(KeyCode::Left, KeyModifiers::NONE));
        line.apply(&key(KeyCode::Delete, KeyModifiers::NONE));
        assert_eq!(line.text(), "grüße ");
        line.apply(&key(KeyCode::Left, KeyModifiers::CONTROL));
        assert_eq!(line.cursor(), 0);
    }

    #[test]
    fn a_long_paste_goes_in_whole() {
        let mut line = typed("[]");
        line.apply(&key(KeyCode::Left, KeyModifiers::NONE));
        let paste = "x".repeat(10_000);
        line.insert_str(&paste);
        assert_eq!(line.text().len(), 10_002);
        assert_eq!(line.cursor(), 10_001);
    }

    #[test]
    fn the_window_follows_the_cursor() {
        let line = typed(&"a".repeat(90));
        let window = line.window(80);
        assert_eq!(window.cursor_column, 79);
        assert_eq!(window.shown.len(), 79);
        assert!(window.cut_left);
        let mut line = line;
        line.apply(&ctrl('a'));
        let window = line.window(80);
        assert_eq!((window.cursor_column, window.shown.len()), (0, 80));
        assert!(!window.cut_left);
        let wide = typed(&"世".repeat(50));
        let window = wide.window(20);
        assert!(window.cursor_column <= 19 && window.shown.chars().count() == 9);
    }

    #[test]
    fn control_characters_show_as_one_column_each() {
        let mut line = TextLine::default();
        line.insert_str("a\x1b[2Jb");
        let window = line.window(80);
        assert_eq!(window.shown, "a\u{FFFD}[2Jb");
        assert_eq!(window.cursor_column, 6);
    }
}
