//! Which message a reply or forward answers, kept from the moment it is
//! queued until it is sent (a restart or days in the Outbox in between),
//! so the original can be marked `\Answered` or `$Forwarded` then — as
//! neomutt and aerc do — and never before the mail actually left.

use super::clock::now_seconds;
use super::flag_state::FORWARDED;
use super::{MessageId, Store, StoreError};
use rusqlite::{OptionalExtension, params};

impl Store {
    /// Remembers that the outgoing message with Message-ID `message_id`
    /// (without angle brackets) answers `original` (or forwards it).
    pub fn remember_answer(
        &self,
        message_id: &str,
        original: MessageId,
        forwarded: bool,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT OR REPLACE INTO answers (message_id, original, kind, created)
             VALUES (?1, ?2, ?3, ?4)",
            params![message_id, original, i64::from(forwarded), now_seconds()],
        )?;
        Ok(())
    }

    /// The message the sent mail with Message-ID `message_id` answered,
    /// and whether it was a forward: what was remembered when it was
    /// queued, else, for a reply, the stored message its In-Reply-To
    /// names (in `account`, outside the folders of its own mail). The
    /// record is used up.
    pub fn take_answer(
        &self,
        account: &str,
        message_id: Option<&str>,
        in_reply_to: Option<&str>,
    ) -> Result<Option<(MessageId, bool)>, StoreError> {
        if let Some(message_id) = message_id {
            let conn = self.conn();
            let remembered: Option<(MessageId, i64)> = conn
                .query_row(
                    "SELECT original, kind FROM answers WHERE message_id = ?1",
                    [message_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((original, kind)) = remembered {
                conn.execute("DELETE FROM answers WHERE message_id = ?1", [message_id])?;
                return Ok(Some((original, kind == 1)));
            }
        }
        let Some(in_reply_to) = in_reply_to else {
            return Ok(None);
        };
        let found = self
            .reader()
            .query_row(
                "SELECT m.id FROM messages m JOIN folders f ON f.id = m.folder_id
                 WHERE m.message_id = ?1 AND m.account = ?2
                   AND coalesce(f.role, '') NOT IN ('sent', 'drafts', 'outbox')
                 ORDER BY m.id LIMIT 1",
                [in_reply_to, account],
                |r| r.get(0),
            )
            .optional()?;
        Ok(found.map(|id| (id, false)))
    }

    /// Marks `original` answered (or forwarded) as a local change, for the
    /// engine to push; returns its account.
    pub fn mark_answered(
        &self,
        original: MessageId,
        forwarded: bool,
    ) -> Result<String, StoreError> {
        let (account, _, _) = self.message_place(original)?;
        let mut state = self.flag_state(original)?;
        if forwarded {
            state.keywords.insert(FORWARDED);
        } else {
            state.flags.answered = true;
        }
        self.set_flag_state(original, &state)?;
        Ok(account)
    }
}
