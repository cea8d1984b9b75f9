//! SELECT as the sync needs it: with QRESYNC (RFC 7162) where the server
//! has it and the folder was synced before, so the answer itself lists
//! what changed since then (FETCH for flags and new mail, VANISHED for
//! removals) and a folder of 100,000 messages with nothing new costs one
//! round trip; with CONDSTORE otherwise, for MODSEQs; plain without
//! either. The untagged answers are read raw (async-imap has no QRESYNC).

use super::connect::ServerCaps;
use super::error::ImapError;
use super::raw::{self, MailboxFacts, quote};
use super::session::ImapSession;
use crate::store::{FolderState, ServerFlags};

/// What the previous sync of a folder left, for QRESYNC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resync {
    pub uidvalidity: u32,
    pub modseq: u64,
}

impl Resync {
    /// Where the last sync of a folder left it, if it knew a MODSEQ.
    pub fn after(state: &FolderState) -> Option<Resync> {
        state
            .uidvalidity
            .zip(state.highestmodseq)
            .map(|(uidvalidity, modseq)| Resync {
                uidvalidity,
                modseq,
            })
    }
}

/// What SELECT answered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selected {
    pub facts: MailboxFacts,
    /// QRESYNC: messages whose flags changed (or that are new) since the
    /// MODSEQ given.
    pub changed: Vec<ServerFlags>,
    /// QRESYNC: UIDs removed since the MODSEQ given.
    pub vanished: Vec<u32>,
    /// The QRESYNC parameters were used (and the folder's generation is
    /// the one given), so `changed` and `vanished` are complete.
    pub resynced: bool,
}

/// Selects `name`, with QRESYNC when the server has it and `resync` says
/// where the last sync stood.
pub async fn select(
    session: &mut ImapSession,
    caps: &ServerCaps,
    name: &str,
    resync: Option<Resync>,
) -> Result<Selected, ImapError> {
    let mailbox = quote(name)?;
    let resync = resync.filter(|_| caps.qresync);
    let command = match resync {
        // `connect` enabled QRESYNC (RFC 7162 §3.2.3) when the server has it.
        Some(r) => format!(
            "SELECT {mailbox} (QRESYNC ({} {}))",
            r.uidvalidity, r.modseq
        ),
        None if caps.condstore => format!("SELECT {mailbox} (CONDSTORE)"),
        None => format!("SELECT {mailbox}"),
    };
    let reply = raw::command(session, &command).await?.check()?;
    super::drain_unsolicited(session);
    let resynced = resync.is_some_and(|r| reply.mailbox.uidvalidity == Some(r.uidvalidity));
    Ok(Selected {
        facts: reply.mailbox,
        changed: if resynced { reply.fetched } else { Vec::new() },
        vanished: if resynced { reply.vanished } else { Vec::new() },
        resynced,
    })
}
