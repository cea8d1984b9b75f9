//! Flags both ways. The local index is the queue: a message whose local
//! flags differ from the server's was changed here (offline, or before a
//! restart) if the server's copy has not changed since the last sync
//! (CONDSTORE MODSEQ not above the folder's last HIGHESTMODSEQ) — then the
//! local flags are pushed; otherwise the server's change wins and is
//! pulled. Without CONDSTORE the server always wins.

use super::connect::ServerCaps;
use super::error::ImapError;
use super::fetch::flags_from;
use super::session::ImapSession;
use super::store_work::blocking;
use crate::store::{Flags, MessageId, Store};
use futures::TryStreamExt;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlagCounts {
    pub pulled: u64,
    pub pushed: u64,
}

/// Reconciles the flags of the selected folder's messages.
#[allow(clippy::too_many_arguments)]
pub async fn reconcile_flags(
    session: &mut ImapSession,
    caps: &ServerCaps,
    store: &Store,
    account: &str,
    folder: &str,
    uidvalidity: u32,
    last_modseq: Option<u64>,
) -> Result<FlagCounts, ImapError> {
    let (acc, loc) = (account.to_string(), folder.to_string());
    let local = blocking(store, move |s| s.imap_folder_flags(&acc, &loc, uidvalidity)).await?;
    if local.is_empty() {
        return Ok(FlagCounts::default());
    }
    let (push, pull) = differences(session, caps, &local, last_modseq).await?;
    let mut counts = FlagCounts::default();
    for (uid, mine, theirs) in push {
        store_flags(session, uid, mine, theirs).await?;
        counts.pushed += 1;
    }
    counts.pulled = pull.len() as u64;
    if !pull.is_empty() {
        blocking(store, move |s| {
            for (id, flags) in pull {
                s.set_flags(id, &flags)?;
            }
            Ok(())
        })
        .await?;
    }
    Ok(counts)
}

/// Flags to push: (UID, local flags, server flags).
type ToPush = Vec<(u32, Flags, Flags)>;
/// Flags to pull: the server's flags for a local message.
type ToPull = Vec<(MessageId, Flags)>;

/// The messages whose flags differ here and on the server, split by the
/// side that wins (see the module comment).
async fn differences(
    session: &mut ImapSession,
    caps: &ServerCaps,
    local: &HashMap<u32, (MessageId, Flags)>,
    last_modseq: Option<u64>,
) -> Result<(ToPush, ToPull), ImapError> {
    let query = if caps.condstore {
        "(UID FLAGS MODSEQ)"
    } else {
        "(UID FLAGS)"
    };
    let mut pull: ToPull = Vec::new();
    let mut push: ToPush = Vec::new();
    {
        let mut stream = session
            .uid_fetch("1:*", query)
            .await
            .map_err(ImapError::from_imap)?;
        while let Some(fetch) = stream.try_next().await.map_err(ImapError::from_imap)? {
            let Some((id, mine)) = fetch.uid.and_then(|uid| local.get(&uid)) else {
                continue;
            };
            let theirs = flags_from(&fetch);
            if *mine == theirs {
                continue;
            }
            let server_unchanged = matches!(
                (fetch.modseq, last_modseq),
                (Some(theirs_seq), Some(last)) if theirs_seq <= last
            );
            if server_unchanged {
                push.push((fetch.uid.unwrap_or_default(), *mine, theirs));
            } else {
                pull.push((*id, theirs));
            }
        }
    }
    super::drain_unsolicited(session);
    Ok((push, pull))
}

/// Adds and removes only the flags that differ, so keywords other clients
/// set ($Forwarded, $Junk, ...) are left alone.
async fn store_flags(
    session: &mut ImapSession,
    uid: u32,
    mine: Flags,
    theirs: Flags,
) -> Result<(), ImapError> {
    let pairs = [
        (mine.seen, theirs.seen, "\\Seen"),
        (mine.answered, theirs.answered, "\\Answered"),
        (mine.flagged, theirs.flagged, "\\Flagged"),
        (mine.deleted, theirs.deleted, "\\Deleted"),
        (mine.draft, theirs.draft, "\\Draft"),
    ];
    let add: Vec<&str> = pairs.iter().filter(|p| p.0 && !p.1).map(|p| p.2).collect();
    let remove: Vec<&str> = pairs.iter().filter(|p| !p.0 && p.1).map(|p| p.2).collect();
    for (sign, list) in [("+", add), ("-", remove)] {
        if list.is_empty() {
            continue;
        }
        let _: Vec<_> = session
            .uid_store(
                uid.to_string(),
                format!("{sign}FLAGS.SILENT ({})", list.join(" ")),
            )
            .await
            .map_err(ImapError::from_imap)?
            .try_collect()
            .await
            .map_err(ImapError::from_imap)?;
    }
    super::drain_unsolicited(session);
    Ok(())
}
