//! The Drafts folder: a draft formatted for sending or saving, kept
//! locally and, when the account has IMAP, on the server too.

use super::draft::{BuildOptions, Draft};
use crate::config::Account;
use crate::mail::folders::{self, DRAFTS};
use crate::mail::outbox::blocking::blocking;
use crate::store::{Flags, MessageId, Store};
use std::sync::Arc;

/// Formats the draft (reading its attachments) with Bcc kept for the
/// local copies.
pub async fn format(draft: Draft) -> Result<Vec<u8>, String> {
    blocking(move || {
        draft.validate()?;
        Ok(draft
            .to_message(BuildOptions {
                keep_bcc: true,
                allow_no_recipient: false,
            })?
            .formatted())
    })
    .await
}

/// Saves the draft in the local Drafts folder (replacing `previous`) and,
/// when the account has IMAP, on the server. Returns the new id and a
/// warning when the server copy failed.
pub async fn save_draft(
    store: Store,
    account: Account,
    draft: Draft,
    previous: Option<MessageId>,
) -> Result<(MessageId, Option<String>), String> {
    let raw = blocking(move || {
        Ok(draft
            .to_message(BuildOptions {
                keep_bcc: true,
                allow_no_recipient: true,
            })?
            .formatted())
    })
    .await?;
    let raw = Arc::new(raw);
    let old_message_id = match previous {
        Some(old) => {
            let store = store.clone();
            blocking(move || Ok(folders::message_id_of(&store, old)))
                .await
                .unwrap_or_default()
        }
        None => None,
    };
    let id = {
        let (store, name, raw) = (store.clone(), account.name.clone(), raw.clone());
        blocking(move || {
            let flags = Flags {
                draft: true,
                seen: true,
                ..Flags::default()
            };
            let id = folders::put(&store, &name, DRAFTS, &raw, flags)?;
            if let Some(old) = previous.filter(|old| *old != id) {
                let _ = folders::remove(&store, old);
            }
            Ok(id)
        })
        .await?
    };
    let mut warning = None;
    if account.imap.is_some() {
        let folder = account
            .drafts_folder
            .clone()
            .unwrap_or_else(|| "Drafts".into());
        let flags = ["\\Draft", "\\Seen"];
        let old = old_message_id.as_deref();
        if let Err(e) =
            crate::mail::imap::append::replace(&account, &folder, &raw, &flags, old).await
        {
            warning = Some(format!("draft saved locally, not on the server: {e}"));
        }
    }
    Ok((id, warning))
}

/// Removes a draft that was just sent from the server's Drafts folder.
/// Best effort: a failure only leaves a stale draft on the server.
pub async fn forget_server_draft(account: Account, message_id: String) {
    if account.imap.is_none() {
        return;
    }
    let folder = account
        .drafts_folder
        .clone()
        .unwrap_or_else(|| "Drafts".into());
    if let Err(e) = crate::mail::imap::append::delete(&account, &folder, &message_id).await {
        tracing::warn!("sent draft not removed from the server's {folder}: {e}");
    }
}
