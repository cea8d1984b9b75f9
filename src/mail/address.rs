//! Address fields as users type them: "Ann <ann@example.com>, bob@example.com".

pub use crate::mailview::address::split_entries;
use lettre::message::Mailbox;
use std::str::FromStr;

/// Splits a comma-separated field into mailboxes. Commas inside quoted
/// display names or angle brackets do not split. The error names the first
/// entry that is not an address.
pub fn parse_list(field: &str) -> Result<Vec<Mailbox>, String> {
    split_entries(field)
        .into_iter()
        .map(|entry| {
            Mailbox::from_str(&entry).map_err(|_| format!("\"{entry}\" is not a valid address"))
        })
        .collect()
}

/// The part of the field being typed (after the last separator), for
/// completion.
pub fn last_entry(field: &str) -> &str {
    let start = field.rfind([',', ';']).map_or(0, |i| i + 1);
    field[start..].trim_start()
}

/// Replaces the entry being typed with `choice` and leaves the cursor
/// ready for the next one.
pub fn complete_last(field: &str, choice: &str) -> String {
    let start = field.rfind([',', ';']).map_or(0, |i| i + 1);
    let head = field[..start].trim_end();
    if head.is_empty() {
        format!("{choice}, ")
    } else {
        format!("{head} {choice}, ")
    }
}

/// Addresses from `known` that start with (or whose display name contains)
/// what is being typed, at most `limit`.
pub fn suggestions<'a>(field: &str, known: &'a [String], limit: usize) -> Vec<&'a str> {
    let typed = last_entry(field).to_lowercase();
    if typed.is_empty() {
        return Vec::new();
    }
    known
        .iter()
        .filter(|k| k.to_lowercase().contains(&typed))
        .take(limit)
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_commas_in_quotes() {
        let list = parse_list("\"Doe, Ann\" <ann@example.test>, bob@example.test").unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].email.to_string(), "ann@example.test");
        assert_eq!(list[0].name.as_deref(), Some("Doe, Ann"));
        assert_eq!(list[1].email.to_string(), "bob@example.test");
    }

    #[test]
    fn names_the_bad_entry() {
        let err = parse_list("ok@example.test, nope@").unwrap_err();
        assert!(err.contains("nope@"), "{err}");
        assert!(parse_list("  ,  ").unwrap().is_empty());
    }

    #[test]
    fn completes_the_last_entry() {
        let known = vec![
            "Ann <ann@example.test>".to_string(),
            "bob@example.test".into(),
        ];
        assert_eq!(
            suggestions("x@y, an", &known, 5),
            vec!["Ann <ann@example.test>"]
        );
        assert_eq!(
            complete_last("x@y, an", "Ann <ann@example.test>"),
            "x@y, Ann <ann@example.test>, "
        );
        assert_eq!(
            complete_last("bo", "bob@example.test"),
            "bob@example.test, "
        );
    }
}
