//! Copies a message into a folder on the account's IMAP server (APPEND):
//! sent mail into Sent, drafts into Drafts.

use crate::config::Account;
use crate::mail::imap::{ConnectOptions, ImapSession, connect};
use std::time::Duration;

/// How long the whole APPEND (connect, login, upload) may take.
pub const APPEND_TIMEOUT_SECS: u64 = 120;

/// Appends `raw` to `folder` with IMAP `flags` (e.g. `["\\Seen"]`),
/// creating the folder when the server says it does not exist.
pub async fn append(
    account: &Account,
    folder: &str,
    raw: &[u8],
    flags: &[&str],
) -> Result<(), String> {
    run(account, folder, Some(raw), flags, None).await
}

/// Like [`append`], but first deletes the copies of an earlier version
/// (found by its Message-ID), so re-saving a draft does not pile up copies.
pub async fn replace(
    account: &Account,
    folder: &str,
    raw: &[u8],
    flags: &[&str],
    old_message_id: Option<&str>,
) -> Result<(), String> {
    run(account, folder, Some(raw), flags, old_message_id).await
}

/// Deletes the messages with `message_id` from `folder` (a draft that was
/// sent).
pub async fn delete(account: &Account, folder: &str, message_id: &str) -> Result<(), String> {
    run(account, folder, None, &[], Some(message_id)).await
}

async fn run(
    account: &Account,
    folder: &str,
    raw: Option<&[u8]>,
    flags: &[&str],
    old_message_id: Option<&str>,
) -> Result<(), String> {
    // The IMAP engine's own login: the same no-downgrade STARTTLS,
    // LOGINDISABLED check and AUTH methods as a sync.
    let opts = ConnectOptions::for_account(account).ok_or_else(|| {
        format!(
            "account \"{}\" has no [accounts.imap] section",
            account.name
        )
    })?;
    let flags = format!("({})", flags.join(" "));
    let work = async move {
        let connected = connect(&opts, None).await.map_err(|e| e.to_string())?;
        session_work(connected.session, folder, raw, &flags, old_message_id).await
    };
    tokio::time::timeout(Duration::from_secs(APPEND_TIMEOUT_SECS), work)
        .await
        .map_err(|_| "IMAP APPEND timed out".to_string())?
}

async fn session_work(
    mut session: ImapSession,
    folder: &str,
    raw: Option<&[u8]>,
    flags: &str,
    old_message_id: Option<&str>,
) -> Result<(), String> {
    if let Some(id) = old_message_id.filter(|id| is_searchable(id))
        && session.select(folder).await.is_ok()
    {
        let uids = session
            .uid_search(format!("HEADER Message-ID \"{id}\""))
            .await
            .map_err(|e| format!("IMAP SEARCH in {folder} failed: {e}"))?;
        if !uids.is_empty() {
            let set: Vec<String> = uids.iter().map(u32::to_string).collect();
            let set = set.join(",");
            use futures::TryStreamExt;
            let _: Vec<_> = session
                .uid_store(&set, "+FLAGS.SILENT (\\Deleted)")
                .await
                .map_err(|e| format!("IMAP STORE failed: {e}"))?
                .try_collect()
                .await
                .map_err(|e| format!("IMAP STORE failed: {e}"))?;
            let expunged = session
                .expunge()
                .await
                .map_err(|e| format!("IMAP EXPUNGE failed: {e}"))?;
            let _: Vec<_> = expunged.try_collect().await.unwrap_or_default();
        }
    }
    if let Some(raw) = raw {
        let first = session.append(folder, Some(flags), None, raw).await;
        if first.is_err() {
            // Most servers answer [TRYCREATE] for a missing folder; creating
            // it and trying once more covers them all.
            let _ = session.create(folder).await;
            session
                .append(folder, Some(flags), None, raw)
                .await
                .map_err(|e| format!("IMAP APPEND to {folder} failed: {e}"))?;
        }
    }
    let _ = session.logout().await;
    Ok(())
}

/// A Message-ID that can go inside a quoted IMAP search string.
fn is_searchable(id: &str) -> bool {
    !id.is_empty() && !id.contains(['"', '\\', '\r', '\n'])
}
