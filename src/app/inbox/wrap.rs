//! Word wrapping by display width, so CJK text (two columns a character)
//! and combining marks line up.

use unicode_width::UnicodeWidthChar;

/// Splits `text` into lines of at most `width` columns, breaking at spaces
/// where possible and inside words that are longer than a line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for line in text.split('\n') {
        let line = line.trim_end();
        if line.is_empty() {
            out.push(String::new());
            continue;
        }
        let mut current = String::new();
        let mut cols = 0;
        let mut last_space: Option<(usize, usize)> = None; // (byte index, cols before)
        for c in line.chars() {
            let w = c.width().unwrap_or(0);
            if c == ' ' && cols + w > width {
                // Break at this space; it does not start the next line.
                out.push(std::mem::take(&mut current));
                cols = 0;
                last_space = None;
                continue;
            }
            if cols + w > width && !current.is_empty() {
                match last_space {
                    Some((at, _)) if at > 0 => {
                        let rest = current[at + 1..].to_string();
                        current.truncate(at);
                        out.push(std::mem::take(&mut current));
                        cols = rest.chars().map(|c| c.width().unwrap_or(0)).sum();
                        current = rest;
                    }
                    _ => {
                        out.push(std::mem::take(&mut current));
                        cols = 0;
                    }
                }
                last_space = None;
            }
            if c == ' ' {
                last_space = Some((current.len(), cols));
            }
            current.push(c);
            cols += w;
        }
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_words_and_wide_characters_by_columns() {
        assert_eq!(wrap("hello big world", 9), vec!["hello big", "world"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        // Each CJK character is two columns wide.
        assert_eq!(wrap("日本語の件名", 5), vec!["日本", "語の", "件名"]);
        assert_eq!(wrap("a\n\nb", 10), vec!["a", "", "b"]);
    }
}
