//! The text of the full-text index on both sides: how stored text is
//! segmented for the FTS5 tokenizer, and how what a user types becomes a
//! query that matches that segmentation. Writing and searching share it so
//! they cannot drift apart.

/// Turns what a user typed into an FTS5 query that cannot be a syntax
/// error: every word becomes a quoted prefix term, all must match.
/// `from:`, `to:`, `cc:` (addresses), `subject:` and `body:` restrict a
/// word to that field. `None` when nothing searchable was typed.
pub fn fts_query(input: &str) -> Option<String> {
    let mut terms = Vec::new();
    for word in input.split_whitespace() {
        let (column, word) = match word.split_once(':') {
            Some(("from" | "to" | "cc", rest)) => (Some("addresses"), rest),
            Some(("subject", rest)) => (Some("subject"), rest),
            Some(("body", rest)) => (Some("body"), rest),
            _ => (None, word),
        };
        // Keep letters and digits; punctuation only splits words in the
        // index anyway.
        for part in word.split(|c: char| !c.is_alphanumeric()) {
            if part.is_empty() {
                continue;
            }
            // CJK text is indexed one character a token (see
            // `segment_cjk`); a run of it is searched as a phrase.
            let segmented = segment_cjk(part);
            let tokens: Vec<&str> = segmented.split_whitespace().collect();
            let term = if tokens.len() > 1 {
                format!("\"{}\"", tokens.join(" "))
            } else {
                format!("\"{part}\"*")
            };
            terms.push(match column {
                Some(c) => format!("{c} : {term}"),
                None => term,
            });
        }
    }
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

/// Puts spaces around every CJK character, so that the index's word
/// tokenizer (which cannot find word boundaries in Chinese or Japanese)
/// makes each one a token and any substring can be found as a phrase.
pub fn segment_cjk(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() || !text.chars().any(is_cjk) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if is_cjk(c) {
            out.push(' ');
            out.push(c);
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x2FFFF) // CJK Extensions B and later
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn user_input_becomes_a_safe_fts_query() {
        assert_eq!(fts_query("  "), None);
        assert_eq!(fts_query("hello"), Some("\"hello\"*".into()));
        assert_eq!(
            fts_query("from:bob@x.org \"weird"),
            Some(
                "addresses : \"bob\"* AND addresses : \"x\"* AND addresses : \"org\"* AND \"weird\"*"
                    .into()
            )
        );
        assert_eq!(
            fts_query("subject:a-b"),
            Some("subject : \"a\"* AND subject : \"b\"*".into())
        );
    }
}
