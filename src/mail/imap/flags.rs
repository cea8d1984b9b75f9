//! Flags both ways, per message and per flag. What the server reports is
//! merged with the local copy against the state both sides last agreed on
//! (see `store::flag_state`): the side that changed a flag wins it. Local
//! changes wait in the store until a STORE carries them; the server's
//! answer to that STORE (its FLAGS and MODSEQ) becomes the new agreed
//! state at once, so our own change never comes back as a server change.

use super::connect::ServerCaps;
use super::error::ImapError;
use super::raw::{self, MailboxFacts};
use super::session::ImapSession;
use super::store_work::blocking;
use super::uidset::to_set;
use crate::store::{FlagChange, FlagState, ServerFlags, Store};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlagCounts {
    /// Messages whose local flags took a server change.
    pub pulled: u64,
    /// Messages whose local change went to the server.
    pub pushed: u64,
}

/// How the server's flags are learned for a folder sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerSide {
    /// Already reported (a QRESYNC SELECT lists what changed).
    Reported(Vec<ServerFlags>),
    /// Changed since this MODSEQ (CONDSTORE).
    ChangedSince(u64),
    /// Every message's flags (no CONDSTORE, or nothing known yet).
    All,
}

/// The selected folder (local name `folder`, generation `uidvalidity`):
/// what the server has is taken in, then what changed here goes out.
/// `legacy_modseq` is the folder's HIGHESTMODSEQ at the previous sync
/// (for messages synced before agreed states were kept).
#[allow(clippy::too_many_arguments)]
pub async fn reconcile_flags(
    session: &mut ImapSession,
    caps: &ServerCaps,
    store: &Store,
    account: &str,
    folder: &str,
    uidvalidity: u32,
    server: ServerSide,
    facts: &MailboxFacts,
    legacy_modseq: Option<u64>,
) -> Result<FlagCounts, ImapError> {
    let reports = match server {
        ServerSide::Reported(reports) => reports,
        ServerSide::ChangedSince(modseq) => {
            let query = format!("UID FETCH 1:* (UID FLAGS MODSEQ) (CHANGEDSINCE {modseq})");
            raw::command(session, &query).await?.check()?.fetched
        }
        ServerSide::All => {
            let items = if caps.condstore {
                "(UID FLAGS MODSEQ)"
            } else {
                "(UID FLAGS)"
            };
            let query = format!("UID FETCH 1:* {items}");
            raw::command(session, &query).await?.check()?.fetched
        }
    };
    let pulled = apply(store, account, folder, uidvalidity, reports, legacy_modseq).await?;
    let (acc, loc) = (account.to_string(), folder.to_string());
    let changes: Vec<FlagChange> = blocking(store, move |s| s.flag_changes(&acc))
        .await?
        .into_iter()
        .filter(|c| c.folder == loc && c.uidvalidity == uidvalidity)
        .collect();
    let pushed =
        push_selected(session, store, account, folder, uidvalidity, changes, facts).await?;
    Ok(FlagCounts { pulled, pushed })
}

/// Merges what the server reported into the store; returns how many
/// messages changed locally.
async fn apply(
    store: &Store,
    account: &str,
    folder: &str,
    uidvalidity: u32,
    reports: Vec<ServerFlags>,
    legacy_modseq: Option<u64>,
) -> Result<u64, ImapError> {
    if reports.is_empty() {
        return Ok(0);
    }
    let (acc, loc) = (account.to_string(), folder.to_string());
    let changed = blocking(store, move |s| {
        s.apply_server_flags(&acc, &loc, uidvalidity, &reports, legacy_modseq)
    })
    .await?;
    Ok(changed.len() as u64)
}

/// Carries local changes of the selected folder to the server: one STORE
/// per set of flags to add or remove (so marking a thousand messages read
/// is one command), only the flags that changed here (so other clients'
/// changes to other flags stay), and the server's answers recorded as the
/// new agreed state. Keywords the folder cannot keep (PERMANENTFLAGS
/// without `\*`) stay local.
pub async fn push_selected(
    session: &mut ImapSession,
    store: &Store,
    account: &str,
    folder: &str,
    uidvalidity: u32,
    changes: Vec<FlagChange>,
    facts: &MailboxFacts,
) -> Result<u64, ImapError> {
    let mut groups: BTreeMap<(Vec<String>, Vec<String>), Vec<u32>> = BTreeMap::new();
    // What each STORE asks the server to make of the message.
    let mut asked: BTreeMap<u32, FlagState> = BTreeMap::new();
    for change in &changes {
        let (add, remove) = change.local.changes_from(&change.base);
        let keep = |name: &String| name.starts_with('\\') || facts.keeps(name);
        let add: Vec<String> = add.into_iter().filter(keep).collect();
        let remove: Vec<String> = remove.into_iter().filter(keep).collect();
        if !add.is_empty() || !remove.is_empty() {
            asked.insert(change.uid, change.base.with_changes(&add, &remove));
            groups.entry((add, remove)).or_default().push(change.uid);
        }
    }
    let mut answers: Vec<ServerFlags> = Vec::new();
    let mut sent: BTreeSet<u32> = BTreeSet::new();
    for ((add, remove), mut uids) in groups {
        uids.sort_unstable();
        sent.extend(&uids);
        let set = to_set(&uids);
        for (sign, names) in [("+", add), ("-", remove)] {
            if names.is_empty() {
                continue;
            }
            let command = format!("UID STORE {set} {sign}FLAGS ({})", names.join(" "));
            let reply = raw::command(session, &command).await?.check()?;
            answers.extend(reply.fetched);
        }
    }
    // A server that answered a STORE without FLAGS is asked once more, so
    // the agreed state is always what the server has.
    let answered: BTreeSet<u32> = answers.iter().map(|a| a.uid).collect();
    let unanswered: Vec<u32> = sent.difference(&answered).copied().collect();
    if !unanswered.is_empty() {
        let query = format!("UID FETCH {} (UID FLAGS)", to_set(&unanswered));
        answers.extend(raw::command(session, &query).await?.check()?.fetched);
    }
    let answers: Vec<(ServerFlags, FlagState)> = answers
        .into_iter()
        .filter_map(|a| Some((asked.get(&a.uid)?.clone(), a)))
        .map(|(sent, a)| (a, sent))
        .collect();
    let (acc, loc) = (account.to_string(), folder.to_string());
    blocking(store, move |s| {
        s.apply_store_answers(&acc, &loc, uidvalidity, &answers)
    })
    .await?;
    Ok(sent.len() as u64)
}
