//! The composer's gpg work, off the loop: the recipients' keys checked
//! for the form, and a message signed or encrypted before it is queued.

use super::{ComposeEngine, ComposeEvent, Reports, blocking};
use crate::config::Account;
use crate::mail::compose::draft::Draft;
use crate::mail::compose::secure::{self, Protection};

/// A send that stopped for the key's passphrase (reported with
/// `PassphraseNeeded`; the interface sends again once it is unlocked).
pub(super) const WAITING_FOR_PASSPHRASE: &str = "waiting for the key's passphrase";

impl ComposeEngine {
    /// Checks which addresses have a key to encrypt to.
    pub(super) async fn check_keys(
        &self,
        addresses: Vec<String>,
        events: &Reports,
    ) -> Result<(), String> {
        let gpg = self.gpg.clone();
        let asked = addresses.clone();
        let states = blocking(move || {
            let refs: Vec<&str> = asked.iter().map(String::as_str).collect();
            Ok(crate::pgp::check_recipients(&gpg, &refs).map_err(|e| e.to_string()))
        })
        .await?;
        events
            .send(ComposeEvent::KeyStates { addresses, states })
            .await;
        Ok(())
    }

    /// Formats `draft` and signs and/or encrypts it. A passphrase the
    /// agent has not cached is reported as `PassphraseNeeded` (the
    /// interface unlocks the key and sends again); every other failure
    /// says what to do.
    pub(super) async fn format_protected(
        &self,
        account: &Account,
        draft: Draft,
        protection: Protection,
        events: &Reports,
    ) -> Result<Vec<u8>, String> {
        let gpg = self.gpg.clone();
        let key = secure::own_key(account);
        let own = key.clone();
        let result = blocking(move || Ok(secure::format(&gpg, &draft, protection, &own))).await?;
        match result {
            Ok(raw) => Ok(raw),
            Err(e) if e.needs_passphrase() => {
                let key = Some(key);
                events.send(ComposeEvent::PassphraseNeeded { key }).await;
                Err(WAITING_FOR_PASSPHRASE.into())
            }
            Err(e) => Err(e.to_string()),
        }
    }
}
