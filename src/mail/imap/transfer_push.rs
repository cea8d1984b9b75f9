//! Copies and moves between folders and accounts, carried to the servers
//! (see `store::transfer`). A copy inside one account is a UID COPY; a
//! message that came from elsewhere is uploaded with APPEND (its flags and
//! date kept). Either way the local message is re-filed under the UID the
//! server gave it (COPYUID/APPENDUID, else a search by Message-ID), so it
//! is not downloaded again. A move's source is deleted only after that.

use super::error::ImapError;
use super::pending::{Pending, expunge, select_generation};
use super::raw::{self, quote};
use super::store_work::blocking;
use crate::store::{FlagState, ServerIdentity, Transfer};

/// How one transfer ended on this account's server.
pub(super) enum Outcome {
    /// Done; the transfer is forgotten.
    Done,
    /// Uploaded; the source on another account still has to go.
    SourceLeft,
}

impl Pending<'_> {
    /// Carries the transfers whose message is now in this account.
    pub async fn push_transfers_into(
        &mut self,
        transfers: Vec<Transfer>,
    ) -> Result<Vec<(Transfer, Outcome)>, ImapError> {
        let mut done = Vec::new();
        for transfer in transfers {
            let outcome = match self.push_transfer(&transfer).await {
                Ok(outcome) => outcome,
                Err(e) => {
                    self.tolerate(Err(e), "a copy or upload")?;
                    continue;
                }
            };
            let id = transfer.id;
            match outcome {
                Outcome::Done => blocking(self.store, move |s| s.forget_transfer(id)).await?,
                Outcome::SourceLeft => {
                    blocking(self.store, move |s| s.transfer_uploaded(id)).await?;
                }
            }
            done.push((transfer, outcome));
        }
        Ok(done)
    }

    async fn push_transfer(&mut self, transfer: &Transfer) -> Result<Outcome, ImapError> {
        let own_source = transfer
            .source
            .as_ref()
            .filter(|s| s.account == self.account);
        if let Some((_, folder)) = &transfer.place {
            let copied = match own_source {
                Some(_) => self.copy_on_server(transfer, folder).await?,
                None => false,
            };
            if !copied {
                self.upload(transfer, folder).await?;
            }
        }
        match (&transfer.source, transfer.delete_source) {
            (Some(source), true) if source.account == self.account => {
                self.delete_source(&source.folder, source.uidvalidity, source.uid)
                    .await?;
                Ok(Outcome::Done)
            }
            (Some(_), true) => Ok(Outcome::SourceLeft),
            _ => Ok(Outcome::Done),
        }
    }

    /// UID COPY from the source in this account; false when the source is
    /// gone (the message is uploaded instead).
    async fn copy_on_server(
        &mut self,
        transfer: &Transfer,
        folder: &str,
    ) -> Result<bool, ImapError> {
        let Some(source) = &transfer.source else {
            return Ok(false);
        };
        let Some(from) = self.server_folder(&source.folder) else {
            return Ok(false);
        };
        let target = self.server_folder_or_create(folder).await?;
        if !select_generation(self.session, &from, source.uidvalidity).await? {
            return Ok(false);
        }
        let command = format!("UID COPY {} {}", source.uid, quote(&target.name)?);
        let reply = raw::command(self.session, &command).await?;
        let pair = reply
            .copy_uids
            .as_ref()
            .and_then(|(v, pairs)| pairs.first().map(|p| (*v, p.1)));
        if !reply.is_ok() || (reply.copy_uids.is_some() && pair.is_none()) {
            return Ok(false);
        }
        let (acc, src) = (self.account.to_string(), source.clone());
        let base = blocking(self.store, move |s| {
            s.server_base(&acc, &src.folder, src.uidvalidity, src.uid)
        })
        .await?;
        let found = match pair {
            Some(found) => Some(found),
            None => {
                self.search(&target.name, transfer.message_id.as_deref())
                    .await?
            }
        };
        self.file_under(transfer, folder, found, base).await?;
        Ok(true)
    }

    /// APPEND of the message's file, with its flags and date.
    async fn upload(&mut self, transfer: &Transfer, folder: &str) -> Result<(), ImapError> {
        let target = self.server_folder_or_create(folder).await?;
        let id = transfer.message;
        let raw_message = blocking(self.store, move |s| {
            s.message_path(id).and_then(|p| Ok(std::fs::read(p)?))
        })
        .await?;
        let flags = imap_flags(&transfer.flags);
        let head = format!(
            "APPEND {} ({}) \"{}\"",
            quote(&target.name)?,
            flags.join(" "),
            internal_date(transfer.date)
        );
        let reply = raw::command_with_literal(self.session, &head, &raw_message)
            .await?
            .check()?;
        let found = match reply.append_uid {
            Some(found) => Some(found),
            None => {
                self.search(&target.name, transfer.message_id.as_deref())
                    .await?
            }
        };
        self.file_under(transfer, folder, found, Some(transfer.flags.clone()))
            .await
    }

    /// Re-files the transferred message under its new UID; without one it
    /// is dropped locally and the folder's next sync brings the server copy.
    async fn file_under(
        &mut self,
        transfer: &Transfer,
        folder: &str,
        found: Option<(u32, u32)>,
        base: Option<FlagState>,
    ) -> Result<(), ImapError> {
        let (id, folder) = (transfer.message, folder.to_string());
        blocking(self.store, move |s| match found {
            Some((uidvalidity, uid)) => {
                let identity = ServerIdentity::Imap { uidvalidity, uid };
                s.refile(id, &folder, &identity, base.as_ref())
            }
            None => s.discard(id),
        })
        .await
    }

    /// The UID of the message with `message_id` in `folder` (selected for
    /// the search), when exactly one has it.
    async fn search(
        &mut self,
        folder: &str,
        message_id: Option<&str>,
    ) -> Result<Option<(u32, u32)>, ImapError> {
        let Some(message_id) = message_id.filter(|m| !m.contains(['"', '\\', '\r', '\n'])) else {
            return Ok(None);
        };
        let selected = raw::command(self.session, &format!("SELECT {}", quote(folder)?))
            .await?
            .check()?;
        let Some(validity) = selected.mailbox.uidvalidity else {
            return Ok(None);
        };
        let hits = raw::command(
            self.session,
            &format!("UID SEARCH HEADER Message-ID \"{message_id}\""),
        )
        .await?;
        Ok(match hits.searched[..] {
            [uid] => Some((validity, uid)),
            _ => None,
        })
    }

    /// Deletes a moved message's source in this account.
    pub async fn delete_source(
        &mut self,
        folder: &str,
        uidvalidity: u32,
        uid: u32,
    ) -> Result<(), ImapError> {
        if let Some(remote) = self.server_folder(folder)
            && select_generation(self.session, &remote, uidvalidity).await?
        {
            expunge(self.session, self.caps, &[uid]).await?;
        }
        Ok(())
    }

    /// Moves out of this account whose upload succeeded elsewhere: their
    /// sources go now.
    pub async fn push_sources_left(&mut self, transfers: Vec<Transfer>) -> Result<u64, ImapError> {
        let mut deleted = 0;
        for transfer in transfers {
            if let Some(source) = &transfer.source {
                self.delete_source(&source.folder, source.uidvalidity, source.uid)
                    .await?;
                deleted += 1;
            }
            let id = transfer.id;
            blocking(self.store, move |s| s.forget_transfer(id)).await?;
        }
        Ok(deleted)
    }
}

/// IMAP flag names for an APPEND.
fn imap_flags(state: &FlagState) -> Vec<String> {
    let mut names: Vec<String> = state
        .flags
        .to_imap()
        .into_iter()
        .map(str::to_string)
        .collect();
    names.extend(state.keywords.iter().map(str::to_string));
    names
}

/// An INTERNALDATE ("03-Dec-2026 09:06:14 +0000") for Unix seconds.
fn internal_date(seconds: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{day:02}-{}-{year:04} {:02}:{:02}:{:02} +0000",
        MONTHS[(month - 1) as usize],
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn internal_dates() {
        assert_eq!(super::internal_date(0), "01-Jan-1970 00:00:00 +0000");
        assert_eq!(
            super::internal_date(1_751_364_000),
            "01-Jul-2025 10:00:00 +0000"
        );
        assert_eq!(
            super::internal_date(951_782_400),
            "29-Feb-2000 00:00:00 +0000"
        );
    }
}
