//! Downloading one batch: which commands (RETR, or TOP for header-only
//! copies), pipelined when the server allows, and the identity each
//! message is stored under.

use super::client::Client;
use super::command::Command;
use super::connect::Pop3Io;
use super::error::Pop3Error;
use super::plan::{Fetch, ServerMessage, partial_identity};
use super::reply::trim_added_line_end;
use super::report::SyncReport;
use std::collections::HashMap;

/// A batch is flushed to the store at this many messages or bytes, which
/// bounds memory to about two batches (one storing, one downloading). Each
/// batch costs three disk flushes (its pending record, its files, its
/// index commit) whatever its size: 500 small messages keep that to 20
/// batches for a 10,000-message mailbox, while the last batch, stored after
/// the download ends, stays short.
pub const BATCH_MAX_MESSAGES: usize = 500;
pub const BATCH_MAX_BYTES: u64 = 8 << 20;

/// One downloaded message waiting to be stored.
pub(super) struct Fetched {
    pub msg: u32,
    pub identity: String,
    pub raw: Vec<u8>,
    pub fetch: Fetch,
}

/// LIST sizes with their UIDLs. A UIDL the server gives to two messages
/// identifies neither: both fall back to their content hash, so that
/// deleting "the stored one" can never hit a different message.
pub fn merge_listings(
    sizes: &[(u32, u64)],
    uidls: Option<&HashMap<u32, String>>,
) -> Vec<ServerMessage> {
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for uidl in uidls.into_iter().flat_map(|u| u.values()) {
        *uses.entry(uidl.as_str()).or_default() += 1;
    }
    sizes
        .iter()
        .map(|&(msg, size)| ServerMessage {
            msg,
            size,
            uidl: uidls
                .and_then(|u| u.get(&msg))
                .filter(|uidl| uses.get(uidl.as_str()) == Some(&1))
                .cloned(),
        })
        .collect()
}

/// Splits the fetch list at [`BATCH_MAX_MESSAGES`] / [`BATCH_MAX_BYTES`].
pub(super) fn batches(fetch: &[(ServerMessage, Fetch)]) -> Vec<&[(ServerMessage, Fetch)]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, (m, _)) in fetch.iter().enumerate() {
        if i > start && (i - start >= BATCH_MAX_MESSAGES || bytes + m.size > BATCH_MAX_BYTES) {
            out.push(&fetch[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += m.size;
    }
    if start < fetch.len() {
        out.push(&fetch[start..]);
    }
    out
}

fn command_for(message: &ServerMessage, fetch: Fetch) -> Command {
    match fetch {
        Fetch::Full => Command::Retr(message.msg),
        Fetch::Headers => Command::Top {
            msg: message.msg,
            lines: 0,
        },
    }
}

pub(super) async fn fetch_batch(
    session: &mut Client<Box<dyn Pop3Io>>,
    batch: &[(ServerMessage, Fetch)],
    pipelining: bool,
    report: &mut SyncReport,
) -> Result<Vec<Fetched>, Pop3Error> {
    if pipelining {
        for (m, fetch) in batch {
            session.write(&command_for(m, *fetch)).await?;
        }
        session.flush().await?;
    }
    let mut out = Vec::with_capacity(batch.len());
    for (m, fetch) in batch {
        if !pipelining {
            session.write(&command_for(m, *fetch)).await?;
            session.flush().await?;
        }
        let mut raw = Vec::with_capacity(m.size as usize + 64);
        match session.read_message(&mut raw).await {
            Ok(()) => {}
            Err(Pop3Error::Server { text, .. }) => {
                tracing::warn!(msg = m.msg, "server refused to send a message: {text}");
                report.failed += 1;
                continue;
            }
            Err(e) => return Err(e),
        }
        let identity = match fetch {
            Fetch::Full => {
                trim_added_line_end(&mut raw, Some(m.size));
                m.uidl.clone().unwrap_or_else(|| content_identity(&raw))
            }
            Fetch::Headers => {
                let mut marked = format!(
                    "X-Wirepost-Partial: headers only; the message ({} bytes) is larger than \
                     max_message_size_mb and was left on the server\r\n",
                    m.size
                )
                .into_bytes();
                marked.append(&mut raw);
                raw = marked;
                let base = m.uidl.clone().unwrap_or_else(|| content_identity(&raw));
                partial_identity(&base)
            }
        };
        out.push(Fetched {
            msg: m.msg,
            identity,
            raw,
            fetch: *fetch,
        });
    }
    Ok(out)
}

/// `sha256:<hex>` of the message, for servers without UIDL.
pub fn content_identity(raw: &[u8]) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(raw);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_uidls_fall_back_to_content_hash() {
        let uidls: HashMap<u32, String> =
            [(1, "a".into()), (2, "dup".into()), (3, "dup".into())].into();
        let merged = merge_listings(&[(1, 10), (2, 20), (3, 30), (4, 40)], Some(&uidls));
        let got: Vec<_> = merged.iter().map(|m| m.uidl.as_deref()).collect();
        assert_eq!(got, vec![Some("a"), None, None, None]);
        assert!(merge_listings(&[(1, 10)], None)[0].uidl.is_none());
    }

    #[test]
    fn batches_respect_count_and_bytes() {
        let item = |size| {
            (
                ServerMessage {
                    msg: 1,
                    size,
                    uidl: None,
                },
                Fetch::Full,
            )
        };
        let many: Vec<_> = (0..2 * BATCH_MAX_MESSAGES + 50).map(|_| item(10)).collect();
        let sizes: Vec<usize> = batches(&many).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, vec![BATCH_MAX_MESSAGES, BATCH_MAX_MESSAGES, 50]);
        let big = vec![item(BATCH_MAX_BYTES + 1), item(1), item(BATCH_MAX_BYTES)];
        let sizes: Vec<usize> = batches(&big).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, vec![1, 1, 1]);
    }

    #[test]
    fn content_identity_is_sha256() {
        assert_eq!(
            content_identity(b"abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
