//! The composer's quick tasks: drafts saved, the Outbox and Drafts listed,
//! opened and deleted, replies built, addresses and paths completed.

use super::{ComposeEngine, ComposeEvent, Reports, blocking};
use crate::config::Account;
use crate::mail::compose::draft::{Answering, Attachment, Draft};
use crate::mail::compose::{drafts, path_complete, reply};
use crate::mail::folders::{self, OUTBOX};
use crate::mail::outbox::{marks, queue};
use crate::store::MessageId;
use std::collections::HashMap;

impl ComposeEngine {
    pub(super) async fn save_draft(
        &self,
        account: Account,
        draft: Draft,
        previous: Option<MessageId>,
        for_form: bool,
        events: &Reports,
    ) -> Result<(), String> {
        let store = self.store_async().await?;
        let (id, warning) = drafts::save_draft(store, account, draft, previous).await?;
        let saved = ComposeEvent::DraftSaved {
            id,
            warning,
            for_form,
        };
        events.send(saved).await;
        Ok(())
    }

    pub(super) async fn list_folder(
        &self,
        account: String,
        folder: String,
        events: &Reports,
    ) -> Result<(), String> {
        let store = self.store_async().await?;
        let name = folder.clone();
        let (entries, unknown) = blocking(move || {
            let entries = folders::list(&store, &account, &name)?;
            let unknown = if name == OUTBOX {
                marks::outbox_marks(&store, &account)?
            } else {
                HashMap::new()
            };
            Ok((entries, unknown))
        })
        .await?;
        let listed = ComposeEvent::Folder {
            folder,
            entries,
            unknown,
        };
        events.send(listed).await;
        Ok(())
    }

    pub(super) async fn open(
        &self,
        id: MessageId,
        folder: String,
        account: String,
        events: &Reports,
    ) -> Result<(), String> {
        let store = self.store_async().await?;
        let draft = blocking(move || {
            let raw = folders::read(&store, id)?;
            reply::reopen(&raw, &account)
        })
        .await?;
        events
            .send(ComposeEvent::Opened { folder, id, draft })
            .await;
        Ok(())
    }

    pub(super) async fn delete(&self, id: MessageId, events: &Reports) -> Result<(), String> {
        let store = self.store_async().await?;
        queue::discard(store, id).await?;
        events.send(ComposeEvent::Deleted { id }).await;
        Ok(())
    }

    pub(super) async fn load_addresses(&self, events: &Reports) -> Result<(), String> {
        let store = self.store_async().await?;
        let now = crate::mail::contacts::now();
        let known = blocking(move || store.contacts(now).map_err(|e| e.to_string())).await?;
        events.send(ComposeEvent::Addresses(known)).await;
        Ok(())
    }

    pub(super) async fn respond(
        &self,
        id: MessageId,
        identity: reply::Identity,
        how: reply::Respond,
        events: &Reports,
    ) -> Result<(), String> {
        let store = self.store_async().await?;
        let forwarded = matches!(how, reply::Respond::Forward(_));
        let gpg = self.gpg.clone();
        let (mut draft, encrypted) = blocking(move || {
            let raw = folders::read(&store, id)?;
            // Quote the text, not the armor; answer encrypted in kind.
            let (raw, encrypted) = crate::mail::compose::secure::readable(&gpg, &raw);
            Ok((reply::respond(&raw, &identity, how)?, encrypted))
        })
        .await?;
        draft.answers = Some(Answering {
            original: id,
            forwarded,
        });
        events.send(ComposeEvent::Drafted(draft)).await;
        if encrypted {
            events.send(ComposeEvent::AnswerEncrypted).await;
        }
        Ok(())
    }
}

pub(super) async fn complete_path(typed: String, events: &Reports) -> Result<(), String> {
    let t = typed.clone();
    let options = blocking(move || Ok(path_complete::complete_path(&t))).await?;
    events
        .send(ComposeEvent::PathCompletions { typed, options })
        .await;
    Ok(())
}

pub(super) async fn attach(path: String, events: &Reports) -> Result<(), String> {
    let path = path_complete::expand_home(&path);
    let attachment = blocking(move || Attachment::from_path(&path)).await?;
    events.send(ComposeEvent::Attached(attachment)).await;
    Ok(())
}

/// Runs the address book command off the loop and reports its matches.
pub(super) async fn query_address_book(
    command: String,
    query: String,
    events: &Reports,
) -> Result<(), String> {
    let asked = query.clone();
    let found = blocking(move || {
        Ok(crate::mail::contacts::query(
            &command,
            &asked,
            crate::mail::contacts::QUERY_TIMEOUT,
        ))
    })
    .await?;
    events
        .send(ComposeEvent::AddressBook { query, found })
        .await;
    Ok(())
}
