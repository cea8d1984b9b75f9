//! A message's whole flag state — the system flags plus IMAP keywords
//! (`$Forwarded`, `$Label1`, …) — and the three-way merge that keeps a
//! local copy and its server copy in step without ever undoing a change.
//!
//! The store keeps, per server message, the state both sides last agreed
//! on (the *base*). A flag that differs between the server and the base
//! was changed on the server; one that differs between the local copy and
//! the base was changed here. Each side's change wins for the flags it
//! changed, so two clients changing different flags of one message both
//! keep their change, and our own STORE (recorded as the new base the
//! moment the server answers it) never comes back as a server change.

use super::Flags;
use std::collections::BTreeSet;

/// The keyword IMAP clients set on a message that was forwarded
/// (RFC 5788); the Maildir file name shows it as `P` ("passed").
pub const FORWARDED: &str = "$Forwarded";

/// IMAP keywords, without duplicates, in a stable order. Compared as
/// given: servers keep the spelling a client first used.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Keywords(BTreeSet<String>);

impl Keywords {
    /// From the index's form: names separated by spaces.
    pub fn parse(text: &str) -> Keywords {
        Keywords(text.split_whitespace().map(str::to_string).collect())
    }

    /// From IMAP flag names: everything that is not a system flag (`\…`).
    pub fn from_imap<S: AsRef<str>>(flags: &[S]) -> Keywords {
        Keywords(
            flags
                .iter()
                .map(AsRef::as_ref)
                .filter(|f| !f.starts_with('\\') && is_keyword(f))
                .map(str::to_string)
                .collect(),
        )
    }

    /// The index's form.
    pub fn to_db(&self) -> String {
        self.0.iter().cloned().collect::<Vec<_>>().join(" ")
    }

    pub fn contains(&self, keyword: &str) -> bool {
        self.0.contains(keyword)
    }

    pub fn insert(&mut self, keyword: &str) {
        self.0.insert(keyword.to_string());
    }

    pub fn remove(&mut self, keyword: &str) {
        self.0.remove(keyword);
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Whether `name` can be sent as an IMAP keyword: an atom without the
/// characters IMAP reserves (and never a system flag).
pub fn is_keyword(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && name
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"(){%*\"\\]".contains(&b) && b != b'\x7f')
}

/// Everything a message is flagged with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FlagState {
    pub flags: Flags,
    pub keywords: Keywords,
}

/// A system flag: its IMAP name, how to read it and how to set it.
type SystemFlag = (&'static str, fn(&Flags) -> bool, fn(&mut Flags, bool));

/// The system flags wirepost keeps.
const SYSTEM: [SystemFlag; 5] = [
    ("\\Seen", |f| f.seen, |f, v| f.seen = v),
    ("\\Answered", |f| f.answered, |f, v| f.answered = v),
    ("\\Flagged", |f| f.flagged, |f, v| f.flagged = v),
    ("\\Deleted", |f| f.deleted, |f, v| f.deleted = v),
    ("\\Draft", |f| f.draft, |f, v| f.draft = v),
];

impl FlagState {
    pub fn new(flags: Flags, keywords: Keywords) -> FlagState {
        FlagState { flags, keywords }
    }

    /// From a FETCH's flag names (`\Recent` and unknown system flags are
    /// dropped).
    pub fn from_imap<S: AsRef<str>>(names: &[S]) -> FlagState {
        FlagState {
            flags: Flags::from_imap(names),
            keywords: Keywords::from_imap(names),
        }
    }

    /// What turns `server` into `self` on the server: IMAP flag names to
    /// add and to remove. Flags neither side changed are left alone.
    pub fn changes_from(&self, server: &FlagState) -> (Vec<String>, Vec<String>) {
        let mut add = Vec::new();
        let mut remove = Vec::new();
        for (name, get, _) in SYSTEM {
            match (get(&self.flags), get(&server.flags)) {
                (true, false) => add.push(name.to_string()),
                (false, true) => remove.push(name.to_string()),
                _ => {}
            }
        }
        add.extend(
            self.keywords
                .iter()
                .filter(|k| !server.keywords.contains(k))
                .map(str::to_string),
        );
        remove.extend(
            server
                .keywords
                .iter()
                .filter(|k| !self.keywords.contains(k))
                .map(str::to_string),
        );
        (add, remove)
    }

    /// `self` with IMAP flag names added and removed (what a STORE asks
    /// the server to make of it).
    pub fn with_changes<S: AsRef<str>>(&self, add: &[S], remove: &[S]) -> FlagState {
        let mut out = self.clone();
        let set_to = |out: &mut FlagState, name: &str, value: bool| match SYSTEM
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
        {
            Some((_, _, set)) => set(&mut out.flags, value),
            None if value => out.keywords.insert(name),
            None => out.keywords.remove(name),
        };
        add.iter().for_each(|n| set_to(&mut out, n.as_ref(), true));
        remove
            .iter()
            .for_each(|n| set_to(&mut out, n.as_ref(), false));
        out
    }

    /// The merge of a local copy and its server copy, given the state both
    /// last agreed on: per flag and per keyword, the side that changed it
    /// since `base` wins; a flag nobody changed keeps its value. (Both
    /// sides changing one flag means both set it to the same value.)
    pub fn merge(local: &FlagState, base: &FlagState, server: &FlagState) -> FlagState {
        let mut out = local.clone();
        for (_, get, set) in SYSTEM {
            if get(&server.flags) != get(&base.flags) {
                set(&mut out.flags, get(&server.flags));
            }
        }
        let names: BTreeSet<&str> = server.keywords.iter().chain(base.keywords.iter()).collect();
        for name in names {
            match (server.keywords.contains(name), base.keywords.contains(name)) {
                (true, false) => out.keywords.insert(name),
                (false, true) => out.keywords.remove(name),
                _ => {}
            }
        }
        out
    }

    /// Maildir info letters: the system flags plus `P` for `$Forwarded`.
    pub fn maildir_letters(&self) -> String {
        let mut letters = self.flags.to_maildir();
        if self.keywords.contains(FORWARDED) {
            letters.push('P');
        }
        super::maildir::sort_flags(&letters)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(flags: &[&str]) -> FlagState {
        FlagState::from_imap(flags)
    }

    #[test]
    fn each_side_keeps_the_flags_it_changed() {
        let base = state(&["\\Seen"]);
        // Here: flagged. There: unseen and labelled.
        let local = state(&["\\Seen", "\\Flagged"]);
        let server = state(&["$Label1"]);
        let merged = FlagState::merge(&local, &base, &server);
        assert_eq!(merged, state(&["\\Flagged", "$Label1"]));
        // What goes to the server is only our own change.
        assert_eq!(
            merged.changes_from(&server),
            (vec!["\\Flagged".to_string()], vec![])
        );
    }

    #[test]
    fn our_own_store_is_not_a_server_change() {
        // We flagged, the server answered with the flag: that answer is
        // the new base, and unflagging afterwards is a local change.
        let base = state(&["\\Flagged"]);
        let local = state(&[]);
        let server = state(&["\\Flagged"]);
        let merged = FlagState::merge(&local, &base, &server);
        assert_eq!(merged, local);
        assert_eq!(
            merged.changes_from(&server),
            (vec![], vec!["\\Flagged".to_string()])
        );
    }

    #[test]
    fn a_server_change_reaches_an_unchanged_local_copy() {
        let base = state(&["\\Seen", "$Forwarded"]);
        let local = base.clone();
        let server = state(&["\\Seen", "\\Answered"]);
        assert_eq!(FlagState::merge(&local, &base, &server), server);
    }

    #[test]
    fn keywords_round_trip_and_bad_names_are_dropped() {
        let k = Keywords::from_imap(&["\\Seen", "$Label1", "bad(name", "Junk", "\\Recent"]);
        assert_eq!(k.to_db(), "$Label1 Junk");
        assert_eq!(Keywords::parse(&k.to_db()), k);
        assert!(!is_keyword("a b") && !is_keyword("") && is_keyword("$Forwarded"));
    }

    #[test]
    fn forwarded_shows_as_passed_in_maildir() {
        assert_eq!(state(&["\\Seen", "$Forwarded"]).maildir_letters(), "PS");
    }
}
