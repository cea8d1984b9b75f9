//! Key specifications as written in keymaps: `q`, `?`, `ctrl-c`,
//! `shift-tab`, `alt-enter`, `f1`, `pageup`, `space`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::fmt;

/// A key with its modifiers, normalised so that a keymap lookup is an
/// equality test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeySpec {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeySpec {
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> KeySpec {
        normalise(code, modifiers)
    }

    pub fn from_event(event: &KeyEvent) -> KeySpec {
        KeySpec::new(event.code, event.modifiers)
    }

    pub fn parse(text: &str) -> Result<KeySpec, String> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = text;
        // A lone "-" is the minus key, not a separator.
        while let Some((head, tail)) = rest.split_once('-').filter(|(_, t)| !t.is_empty()) {
            modifiers |= match head.to_ascii_lowercase().as_str() {
                "ctrl" | "c" => KeyModifiers::CONTROL,
                "alt" | "a" | "meta" | "m" => KeyModifiers::ALT,
                "shift" | "s" => KeyModifiers::SHIFT,
                _ => return Err(format!("unknown modifier \"{head}\" in key \"{text}\"")),
            };
            rest = tail;
        }
        let code = match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" => KeyCode::PageDown,
            "space" => KeyCode::Char(' '),
            lower => {
                if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                    KeyCode::F(n)
                } else {
                    let mut chars = rest.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) => KeyCode::Char(c),
                        _ => return Err(format!("unknown key \"{text}\"")),
                    }
                }
            }
        };
        Ok(KeySpec::new(code, modifiers))
    }
}

/// Terminals report Shift-Tab as BackTab and shifted letters as upper case
/// with or without SHIFT; fold these so a spec matches what arrives.
fn normalise(code: KeyCode, mut modifiers: KeyModifiers) -> KeySpec {
    modifiers &= KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT;
    let code = match code {
        KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
        other => other,
    };
    if matches!(code, KeyCode::BackTab) {
        modifiers.remove(KeyModifiers::SHIFT);
    }
    if let KeyCode::Char(c) = code {
        if modifiers.contains(KeyModifiers::SHIFT) && c.is_ascii_alphabetic() {
            modifiers.remove(KeyModifiers::SHIFT);
            return KeySpec {
                code: KeyCode::Char(c.to_ascii_uppercase()),
                modifiers,
            };
        }
        // Shifted symbols ('?', '!') arrive with SHIFT on some terminals only.
        if !c.is_ascii_alphabetic() {
            modifiers.remove(KeyModifiers::SHIFT);
        }
        // Ctrl+letter is case-insensitive on every terminal.
        if modifiers.contains(KeyModifiers::CONTROL) {
            return KeySpec {
                code: KeyCode::Char(c.to_ascii_lowercase()),
                modifiers,
            };
        }
    }
    KeySpec { code, modifiers }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "F{n}"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            other => write!(f, "{other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises() {
        let k = |s| KeySpec::parse(s).unwrap();
        assert_eq!(
            k("ctrl-c"),
            KeySpec::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
        );
        assert_eq!(k("ctrl-C"), k("ctrl-c"));
        assert_eq!(
            k("shift-tab"),
            KeySpec::new(KeyCode::BackTab, KeyModifiers::NONE)
        );
        assert_eq!(
            k("?"),
            KeySpec::new(KeyCode::Char('?'), KeyModifiers::SHIFT)
        );
        assert_eq!(k("-"), KeySpec::new(KeyCode::Char('-'), KeyModifiers::NONE));
        assert_eq!(k("shift-a"), k("A"));
        assert_eq!(k("f5"), KeySpec::new(KeyCode::F(5), KeyModifiers::NONE));
        assert!(KeySpec::parse("hyper-x").is_err());
        assert!(KeySpec::parse("nope").is_err());
    }

    #[test]
    fn displays_readably() {
        assert_eq!(KeySpec::parse("ctrl-c").unwrap().to_string(), "Ctrl-c");
        assert_eq!(KeySpec::parse("backtab").unwrap().to_string(), "Shift-Tab");
        assert_eq!(KeySpec::parse("pagedown").unwrap().to_string(), "PgDn");
    }
}
