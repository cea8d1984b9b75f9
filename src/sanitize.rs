//! Making remote text safe to draw. Bytes from sockets, servers and messages
//! are data: an escape sequence in a subject line must show up as text, not
//! retitle the terminal or move the cursor.

/// Replaces every character that a terminal would interpret (C0 and C1
/// controls, DEL, bidirectional overrides) with a visible stand-in, and
/// folds line breaks and tabs to spaces, for one-line fields such as
/// subjects, names and status messages.
pub fn clean_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' | '\n' | '\r' => out.push(' '),
            _ => push_visible(&mut out, c),
        }
    }
    out
}

/// Like [`clean_line`] but keeps `\n` as a line break and expands tabs, for
/// multi-line text such as message bodies.
pub fn clean_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push('\n'),
            '\r' => {}
            '\t' => out.push_str("    "),
            _ => push_visible(&mut out, c),
        }
    }
    out
}

/// Whether `c` would be interpreted by a terminal or reorder text around it.
pub fn is_dangerous(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn push_visible(out: &mut String, c: char) {
    if !is_dangerous(c) {
        out.push(c);
        return;
    }
    match c {
        // Control Pictures block: ␀ .. ␟, ␡ — one column, clearly not text.
        '\0'..='\x1f' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?')),
        '\x7f' => out.push('\u{2421}'),
        _ => out.push_str(&format!("<U+{:04X}>", c as u32)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(clean_line("a\x1b[2Jb"), "a␛[2Jb");
        assert_eq!(clean_line("t\x1b]0;x\x07"), "t␛]0;x␇");
        assert_eq!(clean_line("c1\u{9b}31m"), "c1<U+009B>31m");
        assert_eq!(clean_line("del\x7f"), "del␡");
    }

    #[test]
    fn bidi_overrides_are_shown_not_obeyed() {
        assert_eq!(clean_line("evil\u{202E}gpj.exe"), "evil<U+202E>gpj.exe");
    }

    #[test]
    fn line_breaks_fold_in_lines_and_stay_in_text() {
        assert_eq!(clean_line("a\r\nb\tc"), "a  b c");
        assert_eq!(clean_text("a\r\nb\tc"), "a\nb    c");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        let s = "Grüße, 你好, こんにちは — ok";
        assert_eq!(clean_line(s), s);
    }
}
