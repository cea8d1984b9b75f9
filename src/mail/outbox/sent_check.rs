//! After a send of unknown delivery: when the account's server files what
//! it accepts in a Sent folder itself (`server_saves_sent`), a copy there
//! with the message's Message-ID settles the question — it was accepted.
//! One IMAP login and a SEARCH, only in that rare case.

use super::file_sent::file_sent;
use super::types::{Progress, ProgressSink, Sent};
use crate::config::Account;
use crate::mail::imap::{ConnectOptions, connect};
use crate::mail::smtp::Delivery;
use crate::store::{MessageId, Store};
use std::sync::Arc;
use std::time::Duration;

/// Searches in all, at most (the server may file its copy a moment after
/// accepting the message).
const TRIES: u32 = 3;
const PAUSE_MS: u64 = 700;
/// The whole check, at most.
const CHECK_TIMEOUT_SECS: u64 = 30;

/// Where a server copy could be found, if this account has one.
pub fn checkable(account: &Account) -> Option<String> {
    (account.imap.is_some() && account.server_saves_sent)
        .then(|| account.sent_folder.clone().unwrap_or_else(|| "Sent".into()))
}

/// A Message-ID that can go inside a quoted IMAP search string.
fn searchable(id: &str) -> bool {
    !id.is_empty() && !id.contains(['"', '\\', '\r', '\n'])
}

/// Whether `folder` on the account's IMAP server holds a message with
/// `message_id` (without angle brackets). `Ok(false)` after a few looks.
pub async fn server_has(account: &Account, folder: &str, message_id: &str) -> Result<bool, String> {
    if !searchable(message_id) {
        return Ok(false);
    }
    let opts = ConnectOptions::for_account(account).ok_or_else(|| {
        format!(
            "account \"{}\" has no [accounts.imap] section",
            account.name
        )
    })?;
    let work = async move {
        let mut session = connect(&opts, None)
            .await
            .map_err(|e| e.to_string())?
            .session;
        let mut found = false;
        for attempt in 0..TRIES {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(PAUSE_MS)).await;
            }
            // EXAMINE is read-only, and sees what arrived since the last look.
            session
                .examine(folder)
                .await
                .map_err(|e| format!("cannot open the server's {folder}: {e}"))?;
            let uids = session
                .uid_search(format!("HEADER Message-ID \"{message_id}\""))
                .await
                .map_err(|e| format!("IMAP SEARCH in {folder} failed: {e}"))?;
            if !uids.is_empty() {
                found = true;
                break;
            }
        }
        let _ = session.logout().await;
        Ok(found)
    };
    tokio::time::timeout(Duration::from_secs(CHECK_TIMEOUT_SECS), work)
        .await
        .map_err(|_| "the check of the server's Sent timed out".to_string())?
}

/// For an account whose server files what it accepts in its own Sent
/// folder: looks there for the message of unknown delivery and, when it is
/// there, files it as sent.
pub(super) async fn found_on_server(
    store: &Store,
    account: &Account,
    id: MessageId,
    raw: &Arc<Vec<u8>>,
    envelope: &lettre::address::Envelope,
    progress: &ProgressSink,
) -> Option<Sent> {
    let folder = checkable(account)?;
    let message_id = mail_parser::MessageParser::default()
        .parse_headers(raw.as_slice())?
        .message_id()?
        .to_string();
    progress(Progress::Stage(format!(
        "looking for it in the server's {folder}"
    )));
    match server_has(account, &folder, &message_id).await {
        Ok(true) => {}
        Ok(false) => return None,
        Err(e) => {
            tracing::warn!("delivery unknown, and the server's {folder} could not be checked: {e}");
            return None;
        }
    }
    let (sent_id, mut warnings) =
        file_sent(store.clone(), account, id, raw.clone(), progress).await;
    warnings.insert(
        0,
        format!(
            "the connection broke before the server confirmed the message, but it is in the \
             server's {folder}: it was accepted"
        ),
    );
    Some(Sent {
        delivery: Delivery {
            accepted: envelope.to().iter().map(|a| a.to_string()).collect(),
            refused: Vec::new(),
            reply: format!("(no reply; found in the server's {folder})"),
        },
        sent_id,
        warnings,
    })
}
