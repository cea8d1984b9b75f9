//! Deciding what a sync does, from what the server lists and what the store
//! already holds. Pure, so the rules that protect mail are tested directly.

use crate::config::{Oversize, Pop3Options};
use std::collections::{HashMap, HashSet};

/// A message as LIST and UIDL describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerMessage {
    pub msg: u32,
    pub size: u64,
    /// `None` when the server has no UIDL: identified by content hash.
    pub uidl: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetch {
    /// RETR the whole message.
    Full,
    /// TOP n 0: headers only, for a message above the size limit.
    Headers,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Plan {
    pub fetch: Vec<(ServerMessage, Fetch)>,
    /// Above the size limit with `oversize = "skip"`.
    pub skipped: Vec<ServerMessage>,
    /// Already stored and due for deletion on the server.
    pub delete: Vec<u32>,
    /// Already stored (or their header-only copy is), nothing to do.
    pub already: usize,
}

pub const SECONDS_PER_DAY: i64 = 86_400;

/// The identity a header-only copy is stored under, so that it never counts
/// as the message itself: a later sync with a higher limit still downloads
/// the whole message, and no deletion ever removes a message kept only in
/// part.
pub fn partial_identity(uidl: &str) -> String {
    format!("partial:{uidl}")
}

/// Whether a message stored at `first_stored` (unix seconds) is due for
/// deletion at `now`.
pub fn due_for_deletion(options: &Pop3Options, first_stored: Option<i64>, now: i64) -> bool {
    if options.delete_after_download {
        return true;
    }
    match (options.delete_after_days, first_stored) {
        (Some(0), _) => true,
        (Some(days), Some(at)) => now.saturating_sub(at) >= i64::from(days) * SECONDS_PER_DAY,
        _ => false,
    }
}

/// Plans a sync. `known` holds the UIDLs in the store (header-only copies
/// as [`partial_identity`]); `first_stored` when each was first stored.
pub fn plan(
    listing: Vec<ServerMessage>,
    known: &HashSet<String>,
    first_stored: &HashMap<String, i64>,
    options: &Pop3Options,
    now: i64,
) -> Plan {
    let mut plan = Plan::default();
    for message in listing {
        let over_limit = options
            .max_message_bytes
            .is_some_and(|max| message.size > max);
        match &message.uidl {
            Some(uidl) if known.contains(uidl) => {
                plan.already += 1;
                if due_for_deletion(options, first_stored.get(uidl).copied(), now) {
                    plan.delete.push(message.msg);
                }
            }
            Some(uidl) if over_limit && known.contains(&partial_identity(uidl)) => {
                plan.already += 1;
            }
            _ if over_limit => match options.oversize {
                Oversize::Skip => plan.skipped.push(message),
                Oversize::Headers => plan.fetch.push((message, Fetch::Headers)),
            },
            _ => plan.fetch.push((message, Fetch::Full)),
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(n: u32, size: u64, uidl: Option<&str>) -> ServerMessage {
        ServerMessage {
            msg: n,
            size,
            uidl: uidl.map(str::to_string),
        }
    }

    fn set(items: &[&str]) -> HashSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn only_unknown_uidls_are_fetched_and_nothing_is_deleted_by_default() {
        let listing = vec![
            msg(1, 10, Some("a")),
            msg(2, 20, Some("b")),
            msg(3, 30, None),
        ];
        let p = plan(
            listing,
            &set(&["a"]),
            &HashMap::new(),
            &Pop3Options::default(),
            0,
        );
        assert_eq!(p.already, 1);
        assert_eq!(
            p.fetch,
            vec![
                (msg(2, 20, Some("b")), Fetch::Full),
                (msg(3, 30, None), Fetch::Full)
            ]
        );
        assert!(p.delete.is_empty());
    }

    #[test]
    fn stored_messages_are_deleted_when_asked() {
        let options = Pop3Options {
            delete_after_download: true,
            ..Pop3Options::default()
        };
        let listing = vec![msg(1, 10, Some("a")), msg(2, 20, Some("b"))];
        let p = plan(listing, &set(&["a"]), &HashMap::new(), &options, 0);
        assert_eq!(p.delete, vec![1]);
        assert_eq!(p.fetch.len(), 1);
    }

    #[test]
    fn delete_after_days_counts_from_first_storage() {
        let options = Pop3Options {
            delete_after_days: Some(7),
            ..Pop3Options::default()
        };
        let now = 100 * SECONDS_PER_DAY;
        let seen: HashMap<String, i64> = [
            ("old".to_string(), now - 8 * SECONDS_PER_DAY),
            ("new".to_string(), now - SECONDS_PER_DAY),
        ]
        .into();
        let listing = vec![
            msg(1, 1, Some("old")),
            msg(2, 1, Some("new")),
            msg(3, 1, Some("untracked")),
        ];
        let p = plan(
            listing,
            &set(&["old", "new", "untracked"]),
            &seen,
            &options,
            now,
        );
        assert_eq!(p.delete, vec![1]);
    }

    #[test]
    fn oversize_messages_are_skipped_or_fetched_as_headers_and_never_deleted() {
        let mut options = Pop3Options {
            max_message_bytes: Some(100),
            delete_after_download: true,
            ..Pop3Options::default()
        };
        let listing = || vec![msg(1, 50, Some("small")), msg(2, 500, Some("big"))];
        let p = plan(listing(), &set(&[]), &HashMap::new(), &options, 0);
        assert_eq!(p.fetch[1], (msg(2, 500, Some("big")), Fetch::Headers));
        // Next run: the header-only copy is known, the message stays.
        let p = plan(
            listing(),
            &set(&["small", "partial:big"]),
            &HashMap::new(),
            &options,
            0,
        );
        assert_eq!(p.delete, vec![1]);
        assert!(p.fetch.is_empty());
        options.oversize = Oversize::Skip;
        let p = plan(listing(), &set(&[]), &HashMap::new(), &options, 0);
        assert_eq!(p.skipped, vec![msg(2, 500, Some("big"))]);
        assert_eq!(p.fetch.len(), 1);
    }
}
