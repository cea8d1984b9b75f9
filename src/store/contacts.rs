//! The people the user corresponds with, from the index: every address
//! seen in received and sent mail, ranked by how often and how recently
//! the user wrote to it. Mail the user sent counts most; the senders of
//! received mail count a little, so someone who only ever wrote to you
//! still completes, below the people you answer.

use super::{Store, StoreError};
use crate::mailview::address::split_entries;
use std::collections::HashMap;

/// One address with the best display name seen for it and its rank.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    /// The display name, empty when mail never gave one.
    pub name: String,
    pub address: String,
    /// Higher ranks first; only comparable within one listing.
    pub score: f64,
}

impl Contact {
    /// `Name <address>`, or the bare address when there is no name.
    pub fn display(&self) -> String {
        if self.name.is_empty() {
            self.address.clone()
        } else if self.name.contains([',', ';', '"', '<', '>', '@', '(', ')']) {
            let quoted = self.name.replace('\\', "\\\\").replace('"', "\\\"");
            format!("\"{quoted}\" <{}>", self.address)
        } else {
            format!("{} <{}>", self.name, self.address)
        }
    }
}

/// Messages read for contacts, newest first. Enough for years of mail; an
/// older correspondent who matters reappears in newer mail.
const CONTACT_SCAN_LIMIT: i64 = 20_000;
/// What one message adds for an address it names: a To of mail you sent
/// most, a Cc of it less, the From of mail you received least.
const WEIGHT_SENT_TO: f64 = 10.0;
const WEIGHT_SENT_CC: f64 = 5.0;
const WEIGHT_RECEIVED_FROM: f64 = 1.0;
/// A message's weight halves every this many days, so who you write to
/// now outranks who you wrote to often years ago.
const HALF_LIFE_DAYS: f64 = 180.0;

impl Store {
    /// Every address in recent mail, best ranked first. `now` is seconds
    /// since the epoch (a parameter, so tests are exact).
    pub fn contacts(&self, now: i64) -> Result<Vec<Contact>, StoreError> {
        let conn = self.conn();
        let mut statement = conn.prepare(
            "SELECT m.from_addr, m.to_addr, m.cc_addr, m.date,
                    (f.role = 'sent' OR f.name IN ('Sent', 'Outbox'))
             FROM messages m JOIN folders f ON f.id = m.folder_id
             WHERE f.name <> 'Drafts' AND coalesce(f.role, '') NOT IN ('drafts', 'trash', 'junk')
             ORDER BY m.date DESC LIMIT ?1",
        )?;
        let rows = statement.query_map([CONTACT_SCAN_LIMIT], |row| {
            Ok(Row {
                from: row.get(0)?,
                to: row.get(1)?,
                cc: row.get(2)?,
                date: row.get(3)?,
                sent: row.get::<_, Option<bool>>(4)?.unwrap_or(false),
            })
        })?;
        let mut ranking = Ranking::default();
        for row in rows {
            ranking.add(&row?, now);
        }
        Ok(ranking.into_sorted())
    }
}

struct Row {
    from: String,
    to: String,
    cc: String,
    date: i64,
    sent: bool,
}

#[derive(Default)]
struct Ranking {
    /// Lowercased address → the contact and the order it was first seen.
    by_address: HashMap<String, (Contact, usize)>,
}

impl Ranking {
    fn add(&mut self, row: &Row, now: i64) {
        let age_days = (now - row.date).max(0) as f64 / 86_400.0;
        let decay = 0.5f64.powf(age_days / HALF_LIFE_DAYS);
        if row.sent {
            self.credit(&row.to, WEIGHT_SENT_TO * decay);
            self.credit(&row.cc, WEIGHT_SENT_CC * decay);
        } else {
            self.credit(&row.from, WEIGHT_RECEIVED_FROM * decay);
            // Co-recipients are known addresses, ranked below everyone
            // you actually exchanged mail with.
            self.credit(&row.cc, 0.0);
            self.credit(&row.to, 0.0);
        }
    }

    fn credit(&mut self, field: &str, weight: f64) {
        for entry in entries(field) {
            let Some((name, address)) = split_mailbox(&entry) else {
                continue;
            };
            let next = self.by_address.len();
            let (contact, _) = self
                .by_address
                .entry(address.to_lowercase())
                .or_insert_with(|| {
                    let contact = Contact {
                        name: String::new(),
                        address: address.clone(),
                        score: 0.0,
                    };
                    (contact, next)
                });
            contact.score += weight;
            // Rows come newest first: the first name seen is the newest.
            if contact.name.is_empty() && !name.is_empty() {
                contact.name = name;
            }
        }
    }

    fn into_sorted(self) -> Vec<Contact> {
        let mut all: Vec<(Contact, usize)> = self.by_address.into_values().collect();
        all.sort_by(|(a, a_seen), (b, b_seen)| {
            b.score.total_cmp(&a.score).then_with(|| a_seen.cmp(b_seen))
        });
        all.into_iter().map(|(contact, _)| contact).collect()
    }
}

/// The entries of an indexed address field. The index keeps names as
/// mail gave them, unquoted, so `Doe, Bob <bob@x>` splits at its comma: a
/// piece without an address is the start of the next one's name.
fn entries(field: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = String::new();
    for entry in split_entries(field) {
        if entry.contains('@') {
            out.push(if pending.is_empty() {
                entry
            } else {
                format!("{pending}, {entry}")
            });
            pending.clear();
        } else if pending.is_empty() {
            pending = entry;
        } else {
            pending = format!("{pending}, {entry}");
        }
    }
    out
}

/// `Name <addr>` or `addr` → (name, address); `None` without an `@`.
pub fn split_mailbox(entry: &str) -> Option<(String, String)> {
    let entry = entry.trim();
    let (name, address) = match (entry.rfind('<'), entry.rfind('>')) {
        (Some(open), Some(close)) if open < close => {
            (entry[..open].trim(), entry[open + 1..close].trim())
        }
        _ => ("", entry),
    };
    if !address.contains('@') || address.contains(char::is_whitespace) {
        return None;
    }
    let name = name.trim_matches('"').trim();
    let name = if name.eq_ignore_ascii_case(address) {
        ""
    } else {
        name
    };
    Some((name.to_string(), address.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Flags, FolderRole};

    const DAY: i64 = 86_400;
    const NOW: i64 = 1_800_000_000;

    fn message(from: &str, to: &str, cc: &str, days_ago: i64) -> Vec<u8> {
        let date = chrono_like(NOW - days_ago * DAY);
        format!(
            "From: {from}\r\nTo: {to}\r\nCc: {cc}\r\nDate: {date}\r\nSubject: s\r\n\r\nbody\r\n"
        )
        .into_bytes()
    }

    /// An RFC 5322 date for `secs` (UTC), without a date crate.
    fn chrono_like(secs: i64) -> String {
        let days = secs.div_euclid(DAY);
        let rest = secs.rem_euclid(DAY);
        // Civil from days (Howard Hinnant's algorithm).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        let months = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        format!(
            "{d} {} {y} {:02}:{:02}:{:02} +0000",
            months[(m - 1) as usize],
            rest / 3600,
            rest % 3600 / 60,
            rest % 60
        )
    }

    fn put(store: &Store, folder: &str, role: Option<FolderRole>, raw: &[u8]) {
        store.ensure_folder("acct", folder, role).unwrap();
        let message = crate::store::NewMessage {
            account: "acct",
            folder,
            identity: crate::store::ServerIdentity::Local,
            raw,
            flags: Flags::default(),
            internal_date: None,
        };
        store.store_message(&message).unwrap();
    }

    #[test]
    fn people_you_write_to_outrank_people_who_write_to_you() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let me = "Me <me@example.test>";
        for days in [1, 2, 3] {
            put(
                &store,
                "INBOX",
                Some(FolderRole::Inbox),
                &message("Noisy <noisy@example.test>", me, "", days),
            );
        }
        put(
            &store,
            "Sent",
            Some(FolderRole::Sent),
            &message(me, "Ann Lee <ann@example.test>", "", 30),
        );
        put(
            &store,
            "Sent",
            Some(FolderRole::Sent),
            &message(me, "old@example.test", "", 3000),
        );
        let contacts = store.contacts(NOW).unwrap();
        let order: Vec<&str> = contacts.iter().map(|c| c.address.as_str()).collect();
        assert_eq!(order[0], "ann@example.test", "{contacts:?}");
        assert_eq!(order[1], "noisy@example.test");
        assert!(order.contains(&"old@example.test"));
        assert_eq!(contacts[0].display(), "Ann Lee <ann@example.test>");
    }

    #[test]
    fn one_entry_per_address_with_the_newest_name() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        put(
            &store,
            "INBOX",
            None,
            &message("Bob Old <BOB@example.test>", "me@example.test", "", 10),
        );
        put(
            &store,
            "INBOX",
            None,
            &message("\"Doe, Bob\" <bob@example.test>", "me@example.test", "", 1),
        );
        let contacts = store.contacts(NOW).unwrap();
        let bobs: Vec<&Contact> = contacts
            .iter()
            .filter(|c| c.address.eq_ignore_ascii_case("bob@example.test"))
            .collect();
        assert_eq!(bobs.len(), 1);
        assert_eq!(bobs[0].display(), "\"Doe, Bob\" <bob@example.test>");
    }

    #[test]
    fn mailboxes_are_split_into_name_and_address() {
        assert_eq!(
            split_mailbox("\"Lee, Ann\" <ann@x.test>"),
            Some(("Lee, Ann".into(), "ann@x.test".into()))
        );
        assert_eq!(
            split_mailbox("ann@x.test"),
            Some((String::new(), "ann@x.test".into()))
        );
        assert_eq!(split_mailbox("Undisclosed recipients"), None);
    }
}
