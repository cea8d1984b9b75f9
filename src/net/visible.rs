//! The visible form of received bytes, in which every byte can be told
//! apart and nothing reaches the terminal as a command.
//!
//! - Control bytes become Control Pictures (`␍ ␊ ␛`…); a line feed also
//!   ends the line (`\n` follows its symbol).
//! - Bytes that are not UTF-8 show as `\xHH`, and a backslash the peer
//!   sent shows as `\\`, so the text `\xff` and the byte 0xFF never look
//!   alike.
//! - Code points that are invisible, reorder text, or whose width on
//!   screen is anybody's guess show as `<U+XXXX>`: C1 controls, format
//!   characters (zero-width spaces and joiners, bidi controls, the BOM,
//!   tags), line and paragraph separators, spaces other than U+0020,
//!   default-ignorable fillers and variation selectors, emoji modifiers,
//!   conjoining Hangul jamo, private-use and unassigned code points, other
//!   zero-width characters, and combining marks that have no letter to
//!   sit on.
//!
//! Every character left is one the terminal and the renderer agree on, so
//! the screen is the same whether a row was drawn whole or cell by cell.

use finl_unicode::categories::CharacterCategories;
use std::fmt::Write as _;
use unicode_width::UnicodeWidthChar;

/// Combining marks kept on one base character; more than this many
/// (a "zalgo" pile) show as code points.
const MARKS_PER_BASE: usize = 4;

/// The visible form of `bytes`.
pub fn visible(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
    // Combining marks the last character may still take; 0 after anything
    // that is not a letter, digit, punctuation or symbol.
    let mut marks_left = 0;
    for piece in bytes.utf8_chunks() {
        for c in piece.valid().chars() {
            marks_left = push_char(&mut out, c, marks_left);
        }
        for b in piece.invalid() {
            let _ = write!(out, "\\x{b:02x}");
            marks_left = 0;
        }
    }
    out
}

/// Appends the visible form of `c`; returns how many combining marks the
/// character just written may still take.
fn push_char(out: &mut String, c: char, marks_left: usize) -> usize {
    match c {
        '\n' => out.push_str("␊\n"),
        '\\' => out.push_str("\\\\"),
        '\0'..='\x1f' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?')),
        '\x7f' => out.push('␡'),
        c if is_zero_width_mark(c) && !needs_code_point(c) => {
            if marks_left > 0 {
                out.push(c);
                return marks_left - 1;
            }
            push_code_point(out, c);
        }
        c if needs_code_point(c) => push_code_point(out, c),
        c => {
            out.push(c);
            return MARKS_PER_BASE;
        }
    }
    0
}

fn push_code_point(out: &mut String, c: char) {
    let _ = write!(out, "<U+{:04X}>", c as u32);
}

/// A combining mark that draws on the character before it and takes no
/// column of its own.
fn is_zero_width_mark(c: char) -> bool {
    (c.is_mark_nonspacing() || c.is_mark_enclosing()) && c.width() == Some(0)
}

/// Whether `c` shows as `<U+XXXX>` wherever it stands.
pub fn needs_code_point(c: char) -> bool {
    if c.is_ascii() {
        return false;
    }
    // Zero width but not a combining mark (Hangul medial and final jamo,
    // prepended signs): terminals attach it to the character before,
    // text layout to the one after.
    let zero_width = c.width() == Some(0) && !is_zero_width_mark(c);
    zero_width
        || is_conjoining_jamo(c)
        || c.is_control()
        || c.is_format()
        || c.is_separator_line()
        || c.is_separator_paragraph()
        || c.is_separator_space()
        || c.is_private_use()
        || c.is_unassigned()
        || is_default_ignorable(c)
        || is_emoji_modifier(c)
        || is_disputed_width(c)
}

/// Characters whose width libraries and terminals disagree on: the
/// halfwidth katakana sound marks are one column to some, none to others.
fn is_disputed_width(c: char) -> bool {
    matches!(c, '\u{FF9E}' | '\u{FF9F}')
}

/// Default-ignorable code points that are not format characters: they
/// draw nothing, or change how their neighbour is drawn.
fn is_default_ignorable(c: char) -> bool {
    matches!(c,
        '\u{034F}'                      // combining grapheme joiner
        | '\u{115F}' | '\u{1160}'       // Hangul fillers
        | '\u{17B4}' | '\u{17B5}'       // Khmer inherent vowels
        | '\u{180B}'..='\u{180F}'       // Mongolian variation selectors
        | '\u{3164}' | '\u{FFA0}'       // Hangul fillers
        | '\u{FE00}'..='\u{FE0F}'       // variation selectors
        | '\u{E0100}'..='\u{E01EF}'     // variation selectors supplement
    )
}

/// Hangul jamo that join into syllables: a run of them is one character
/// to text layout but several glyphs to a terminal. Modern Korean text
/// uses the precomposed syllables, which stay as they are.
fn is_conjoining_jamo(c: char) -> bool {
    matches!(c, '\u{1100}'..='\u{11FF}' | '\u{A960}'..='\u{A97F}' | '\u{D7B0}'..='\u{D7FF}')
}

/// Skin-tone modifiers: drawn one or two columns wide depending on the
/// terminal and on what precedes them.
fn is_emoji_modifier(c: char) -> bool {
    matches!(c, '\u{1F3FB}'..='\u{1F3FF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bytes_are_visible() {
        assert_eq!(visible(b"a\r\nb"), "a␍␊\nb");
        assert_eq!(visible(b"\x1b[2J\x1b]52;c;aGk=\x07"), "␛[2J␛]52;c;aGk=␇");
        assert_eq!(visible(b"\xff\x00ok"), "\\xff␀ok");
        assert_eq!(visible("\u{202e}x\u{9b}".as_bytes()), "<U+202E>x<U+009B>");
        assert_eq!(visible("grüß 你好".as_bytes()), "grüß 你好");
    }

    #[test]
    fn a_literal_backslash_is_not_a_byte() {
        assert_eq!(visible(br"\xff"), r"\\xff");
        assert_eq!(visible(b"\xff"), r"\xff");
        assert_eq!(visible(br"C:\dir"), r"C:\\dir");
    }

    #[test]
    fn invisible_and_format_code_points_are_named() {
        for (c, shown) in [
            ('\u{200B}', "<U+200B>"),
            ('\u{FEFF}', "<U+FEFF>"),
            ('\u{2028}', "<U+2028>"),
            ('\u{2029}', "<U+2029>"),
            ('\u{180E}', "<U+180E>"),
            ('\u{E0041}', "<U+E0041>"),
            ('\u{00AD}', "<U+00AD>"),
            ('\u{00A0}', "<U+00A0>"),
            ('\u{3164}', "<U+3164>"),
            ('\u{FE0F}', "<U+FE0F>"),
            ('\u{E000}', "<U+E000>"),
            ('\u{0378}', "<U+0378>"),
            ('\u{1F3FD}', "<U+1F3FD>"),
            ('\u{1100}', "<U+1100>"),
            ('\u{0D4E}', "<U+0D4E>"),
            ('\u{FF9F}', "<U+FF9F>"),
        ] {
            let text = format!("a{c}b");
            assert_eq!(visible(text.as_bytes()), format!("a{shown}b"), "{c:?}");
        }
    }

    #[test]
    fn combining_marks_need_a_letter_under_them() {
        assert_eq!(visible("e\u{301}".as_bytes()), "e\u{301}");
        assert_eq!(visible("\u{301}x".as_bytes()), "<U+0301>x");
        assert_eq!(visible("\x1b\u{301}".as_bytes()), "␛<U+0301>");
        assert_eq!(visible("\n\u{301}".as_bytes()), "␊\n<U+0301>");
        let pile = format!("a{}", "\u{301}".repeat(6));
        assert_eq!(
            visible(pile.as_bytes()),
            format!("a{}<U+0301><U+0301>", "\u{301}".repeat(4))
        );
    }
}
