//! Downloading an account's POP3 mail into the local store.
//!
//! The order of events is what keeps mail safe: messages are fetched in
//! batches (pipelined when the server allows), each batch is stored (files
//! fsynced, index committed) while the next one downloads, and only once
//! `store_batch` has returned Ok are DELEs sent for that batch. The server
//! carries out DELEs only at QUIT, which is sent last; any error or a
//! cancel drops the connection without QUIT, so nothing is deleted.

use super::client::Client;
use super::command::Command;
use super::connect::{Opened, Pop3Io, ServerSpec, open};
use super::error::Pop3Error;
use super::first_stored;
use super::plan::{Fetch, ServerMessage, due_for_deletion, partial_identity, plan};
use super::reply::trim_added_line_end;
use super::trace::{Trace, TraceLine};
use crate::config::Pop3Options;
use crate::store::{Flags, NewMessage, ServerIdentity, Store, StoreOutcome};
use std::collections::HashMap;
use tokio::task::JoinHandle;

/// A batch is flushed to the store at this many messages or bytes, which
/// bounds memory to about two batches (one storing, one downloading).
pub const BATCH_MAX_MESSAGES: usize = 200;
pub const BATCH_MAX_BYTES: u64 = 8 << 20;
/// The folder POP3 mail is stored in.
pub const POP3_FOLDER: &str = "INBOX";

pub struct SyncRequest {
    /// The account name (the store's account key).
    pub account: String,
    pub spec: ServerSpec,
    pub options: Pop3Options,
    pub store: Store,
    /// Record the conversation for the trace pane.
    pub trace: bool,
}

/// Progress after each batch; the gauge shows messages and bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncProgress {
    pub done_messages: u64,
    pub total_messages: u64,
    pub done_bytes: u64,
    pub total_bytes: u64,
    /// Trace lines since the previous report.
    pub trace: Vec<TraceLine>,
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub on_server: u64,
    /// Newly stored (headers-only copies included).
    pub stored: u64,
    pub bytes: u64,
    /// Downloaded but already in the store (content-hash matches).
    pub duplicates: u64,
    pub headers_only: u64,
    pub skipped_oversize: u64,
    /// The server refused to send them (e.g. deleted by another client).
    pub failed: u64,
    /// Deleted on the server (confirmed by QUIT).
    pub deleted: u64,
}

impl SyncReport {
    /// One line for the status line and the CLI.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "{} new ({}), {} on server",
            self.stored,
            human_bytes(self.bytes),
            self.on_server
        );
        for (n, what) in [
            (self.deleted, "deleted on server"),
            (self.headers_only, "headers only (too large)"),
            (self.skipped_oversize, "skipped (too large)"),
            (self.duplicates, "duplicates"),
            (self.failed, "refused by server"),
        ] {
            if n > 0 {
                out.push_str(&format!(", {n} {what}"));
            }
        }
        out
    }
}

pub fn human_bytes(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / f64::from(1 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Pop3(#[from] Pop3Error),
    #[error("local store: {0}")]
    Store(String),
}

/// One downloaded message waiting to be stored.
struct Fetched {
    msg: u32,
    identity: String,
    raw: Vec<u8>,
    fetch: Fetch,
}

/// Runs one sync. `progress` is called after listing and after each batch.
pub async fn sync(
    req: SyncRequest,
    mut progress: impl FnMut(SyncProgress) + Send,
) -> Result<SyncReport, SyncError> {
    let trace = if req.trace {
        Trace::enabled()
    } else {
        Trace::disabled()
    };
    let Opened { mut session, caps } = open(&req.spec, trace).await?;
    let pipelining = caps.has("PIPELINING");
    let sizes = session.list().await?;
    let uidls = session
        .uidl()
        .await?
        .map(|v| v.into_iter().collect::<HashMap<_, _>>());
    let listing = merge_listings(&sizes, uidls.as_ref());

    let now = unix_now();
    let record_first_stored = req.options.delete_after_days.is_some();
    let (known, mut first) = {
        let (store, account) = (req.store.clone(), req.account.clone());
        blocking(move || {
            let known = store.known_uidls(&account).map_err(|e| e.to_string())?;
            let first = if record_first_stored {
                let path = first_stored::path(store.root(), &account);
                first_stored::load(&path).map_err(|e| e.to_string())?
            } else {
                HashMap::new()
            };
            Ok((known, first))
        })
        .await?
    };
    // Messages stored before the record existed count from today: a later
    // deletion, never an early one.
    if record_first_stored {
        for m in &listing {
            if let Some(uidl) = m.uidl.as_ref().filter(|u| known.contains(*u)) {
                first.entry(uidl.clone()).or_insert(now);
            }
        }
    }
    let mut report = SyncReport {
        on_server: listing.len() as u64,
        ..SyncReport::default()
    };
    let plan = plan(listing, &known, &first, &req.options, now);
    report.skipped_oversize = plan.skipped.len() as u64;
    let mut gauge = SyncProgress {
        total_messages: plan.fetch.len() as u64,
        total_bytes: plan.fetch.iter().map(|(m, _)| m.size).sum(),
        ..SyncProgress::default()
    };
    report_progress(&mut progress, &mut gauge, &mut session.trace);

    let mut deletions: Vec<u32> = plan.delete.clone();
    report.deleted += send_deletions(&mut session, &mut deletions, pipelining).await?;

    let mut storing: Option<JoinHandle<StoreResult>> = None;
    for batch in batches(&plan.fetch) {
        let started = std::time::Instant::now();
        let fetched = match fetch_batch(&mut session, batch, pipelining, &mut report).await {
            Ok(fetched) => fetched,
            Err(e) => {
                // What was downloaded is kept: let the batch being stored
                // finish before reporting the failure.
                if let Some(handle) = storing.take() {
                    let _ = handle.await;
                }
                return Err(e.into());
            }
        };
        let fetched_at = started.elapsed();
        gauge.done_messages += batch.len() as u64;
        gauge.done_bytes += batch.iter().map(|(m, _)| m.size).sum::<u64>();
        if let Some(handle) = storing.take() {
            finish_store(
                handle,
                &req.options,
                now,
                &mut report,
                &mut first,
                &mut deletions,
            )
            .await?;
            report.deleted += send_deletions(&mut session, &mut deletions, pipelining).await?;
        }
        tracing::debug!(
            messages = batch.len(),
            fetch_ms = fetched_at.as_millis() as u64,
            wait_for_store_ms = (started.elapsed() - fetched_at).as_millis() as u64,
            "pop3 batch"
        );
        storing = Some(spawn_store(req.store.clone(), req.account.clone(), fetched));
        report_progress(&mut progress, &mut gauge, &mut session.trace);
    }
    if let Some(handle) = storing.take() {
        finish_store(
            handle,
            &req.options,
            now,
            &mut report,
            &mut first,
            &mut deletions,
        )
        .await?;
        report.deleted += send_deletions(&mut session, &mut deletions, pipelining).await?;
    }
    // The DELEs above take effect here, and only here.
    session.quit().await?;
    if record_first_stored {
        let (store, account) = (req.store.clone(), req.account.clone());
        blocking(move || {
            let path = first_stored::path(store.root(), &account);
            first_stored::save(&path, &first).map_err(|e| e.to_string())
        })
        .await?;
    }
    session.trace.note("session closed");
    report_progress(&mut progress, &mut gauge, &mut session.trace);
    Ok(report)
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

fn report_progress(
    progress: &mut impl FnMut(SyncProgress),
    gauge: &mut SyncProgress,
    trace: &mut Trace,
) {
    gauge.trace = trace.drain();
    progress(gauge.clone());
    gauge.trace.clear();
}

/// Splits the fetch list at [`BATCH_MAX_MESSAGES`] / [`BATCH_MAX_BYTES`].
fn batches(fetch: &[(ServerMessage, Fetch)]) -> Vec<&[(ServerMessage, Fetch)]> {
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

async fn fetch_batch(
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

/// (message number, fetch kind, identity, outcome, size) per stored message.
type StoreResult = Result<Vec<(u32, Fetch, String, StoreOutcome, u64)>, String>;

fn spawn_store(store: Store, account: String, fetched: Vec<Fetched>) -> JoinHandle<StoreResult> {
    tokio::task::spawn_blocking(move || {
        let messages: Vec<NewMessage<'_>> = fetched
            .iter()
            .map(|f| NewMessage {
                account: &account,
                folder: POP3_FOLDER,
                identity: ServerIdentity::Pop3 {
                    uidl: f.identity.clone(),
                },
                raw: &f.raw,
                flags: Flags::default(),
                internal_date: None,
            })
            .collect();
        let outcomes = store.store_batch(&messages).map_err(|e| e.to_string())?;
        Ok(fetched
            .iter()
            .zip(outcomes)
            .map(|(f, o)| (f.msg, f.fetch, f.identity.clone(), o, f.raw.len() as u64))
            .collect())
    })
}

/// Waits for a batch to be stored and queues the DELEs it allows.
async fn finish_store(
    handle: JoinHandle<StoreResult>,
    options: &Pop3Options,
    now: i64,
    report: &mut SyncReport,
    first: &mut HashMap<String, i64>,
    deletions: &mut Vec<u32>,
) -> Result<(), SyncError> {
    let stored = handle
        .await
        .map_err(|e| SyncError::Store(e.to_string()))?
        .map_err(SyncError::Store)?;
    for (msg, fetch, identity, outcome, size) in stored {
        match outcome {
            StoreOutcome::Stored(_) => {
                report.stored += 1;
                report.bytes += size;
            }
            StoreOutcome::Duplicate(_) => report.duplicates += 1,
        }
        if fetch == Fetch::Headers {
            report.headers_only += 1;
            continue;
        }
        first.entry(identity).or_insert(now);
        if due_for_deletion(options, Some(now), now) {
            deletions.push(msg);
        }
    }
    Ok(())
}

/// Sends queued DELEs (pipelined when allowed); they take effect at QUIT.
async fn send_deletions(
    session: &mut Client<Box<dyn Pop3Io>>,
    deletions: &mut Vec<u32>,
    pipelining: bool,
) -> Result<u64, Pop3Error> {
    let queued = std::mem::take(deletions);
    if pipelining {
        for &msg in &queued {
            session.write(&Command::Dele(msg)).await?;
        }
        session.flush().await?;
        for _ in &queued {
            session.expect_ok().await?;
        }
    } else {
        for &msg in &queued {
            session.dele(msg).await?;
        }
    }
    Ok(queued.len() as u64)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, SyncError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| SyncError::Store(e.to_string()))?
        .map_err(SyncError::Store)
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
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
        let many: Vec<_> = (0..450).map(|_| item(10)).collect();
        let sizes: Vec<usize> = batches(&many).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, vec![200, 200, 50]);
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
