//! Committing a downloaded batch: stored on a blocking thread, then the
//! DELEs it allows — never before `store_batch` returned Ok.

use super::client::Client;
use super::command::Command;
use super::connect::Pop3Io;
use super::error::Pop3Error;
use super::fetch::Fetched;
use super::plan::{Fetch, due_for_deletion};
use super::report::{SyncError, SyncReport};
use crate::config::Pop3Options;
use crate::store::{Flags, NewMessage, ServerIdentity, Store, StoreOutcome};
use std::collections::HashMap;
use tokio::task::JoinHandle;

/// The folder POP3 mail is stored in.
pub const POP3_FOLDER: &str = "INBOX";

/// (message number, fetch kind, identity, outcome, size) per stored message.
pub(super) type StoreResult = Result<Vec<(u32, Fetch, String, StoreOutcome, u64)>, String>;

pub(super) fn spawn_store(
    store: Store,
    account: String,
    fetched: Vec<Fetched>,
) -> JoinHandle<StoreResult> {
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
pub(super) async fn finish_store(
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
pub(super) async fn send_deletions(
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
