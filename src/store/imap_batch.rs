//! Storing what an IMAP download fetched: the batch writer of `write`
//! with each message's keywords and MODSEQ beside it and the full text
//! left to the background indexer, in two halves that a download runs on
//! two threads (one batch's files written while the previous batch's rows
//! are).

use super::maildir::Durability;
use super::write::{BatchMode, DurableBatch, ServerView};
use super::{NewMessage, Store, StoreError, StoreOutcome};

impl Store {
    /// A batch fetched from an IMAP server, with each message's keywords
    /// and MODSEQ (`views`, in the same order). The messages are durable
    /// and listed when this returns; their full text is indexed in the
    /// background (see [`Store::index_pending_text`]), so a first sync
    /// does not wait for it.
    pub fn store_imap_batch(
        &self,
        msgs: &[NewMessage<'_>],
        views: &[ServerView],
    ) -> Result<Vec<StoreOutcome>, StoreError> {
        let durable = self.write_imap_batch(msgs, views)?;
        self.index_imap_batch(msgs, views, durable)
    }

    /// [`Store::store_imap_batch`] up to durable files: the rows are
    /// written by [`Store::index_imap_batch`] with the same `msgs` and
    /// `views`. Split so that a download can write one batch's files
    /// while the previous batch's rows are written on another thread.
    pub fn write_imap_batch(
        &self,
        msgs: &[NewMessage<'_>],
        views: &[ServerView],
    ) -> Result<DurableBatch, StoreError> {
        debug_assert_eq!(msgs.len(), views.len());
        self.write_batch(msgs, imap_mode(views))
    }

    /// Writes the rows of a batch that [`Store::write_imap_batch`] made
    /// durable, given the same messages; they are listed when this returns.
    pub fn index_imap_batch(
        &self,
        msgs: &[NewMessage<'_>],
        views: &[ServerView],
        durable: DurableBatch,
    ) -> Result<Vec<StoreOutcome>, StoreError> {
        let outcomes = self.index_batch(msgs, durable, imap_mode(views))?;
        self.start_text_indexer();
        Ok(outcomes)
    }
}

/// How an IMAP batch is written: its views beside it, text deferred.
fn imap_mode(views: &[ServerView]) -> BatchMode<'_> {
    BatchMode {
        durability: Durability::CallerSyncs,
        views: Some(views),
        defer_text: true,
    }
}
