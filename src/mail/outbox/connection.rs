//! The SMTP connection a run of sends shares: the account's settings
//! (password looked up once) and one logged-in session, opened on the
//! first message and kept while messages go through. A failure closes it;
//! the next message opens a new one. A kept connection the server dropped
//! while idle is opened again once, before anything of the message went
//! out.

use super::blocking::blocking;
use crate::config::Account;
use crate::mail::smtp::{BeforeData, Delivery, SendFailure, SmtpSession, SmtpSettings, TraceSink};
use lettre::address::Envelope;

/// Settings and a session, both made when first needed.
#[derive(Default)]
pub struct Connection {
    settings: Option<SmtpSettings>,
    session: Option<SmtpSession>,
}

impl Connection {
    /// Submits `wire` for `envelope` as `account`; `before_data` is made
    /// afresh for each attempt.
    pub async fn submit(
        &mut self,
        account: &Account,
        envelope: &Envelope,
        wire: &[u8],
        sink: TraceSink,
        before_data: impl Fn() -> BeforeData,
    ) -> Result<Delivery, SendFailure> {
        let settings = self.settings(account).await?;
        let reused = self.session.is_some();
        let result = self
            .attempt(&settings, envelope, wire, &sink, before_data())
            .await;
        match result {
            Err(failure) if reused && went_stale(&failure) => {
                self.attempt(&settings, envelope, wire, &sink, before_data())
                    .await
            }
            result => result,
        }
    }

    /// Says goodbye on the open session, if any.
    pub async fn close(&mut self) {
        if let Some(session) = self.session.take() {
            session.quit().await;
        }
    }

    async fn settings(&mut self, account: &Account) -> Result<SmtpSettings, SendFailure> {
        if let Some(settings) = &self.settings {
            return Ok(settings.clone());
        }
        let account = account.clone();
        let settings = blocking(move || SmtpSettings::for_account(&account))
            .await
            .map_err(|summary| SendFailure {
                summary,
                transient: false,
                refused: Vec::new(),
                delivery_unknown: false,
            })?;
        self.settings = Some(settings.clone());
        Ok(settings)
    }

    async fn attempt(
        &mut self,
        settings: &SmtpSettings,
        envelope: &Envelope,
        wire: &[u8],
        sink: &TraceSink,
        before_data: BeforeData,
    ) -> Result<Delivery, SendFailure> {
        let mut session = match self.session.take() {
            Some(session) => session,
            None => SmtpSession::open(settings, sink.clone()).await?,
        };
        let result = session.send(envelope, wire, Some(before_data)).await;
        match &result {
            Ok(_) => self.session = Some(session),
            Err(_) => session.abort().await,
        }
        result
    }
}

/// A failure a fresh connection may not have: the connection broke (not
/// a refusal) before the message went out.
fn went_stale(failure: &SendFailure) -> bool {
    failure.transient && !failure.delivery_unknown && failure.refused.is_empty()
}
