//! OpenPGP in the viewer: the gpg the store verifies and decrypts with,
//! and the passphrase asked for when an encrypted message needs it (once
//! per message: a cancelled pinentry is not asked again and again).

use super::InboxState;
use crate::app::{App, Command};
use crate::mail::compose::secure::{AfterUnlock, UnlockRequest};
use crate::mailview::security::Encryption;
use crate::store::MessageId;
use crate::store::service::{StoreEvent, StoreRequest};

impl InboxState {
    /// Uses the gpg `config` names, never allowed to ask for a passphrase
    /// on its own (the interface owns the terminal).
    pub fn with_pgp(mut self, config: &crate::config::PgpConfig) -> InboxState {
        self.gpg = crate::pgp::Gpg::from_config(config).with_pinentry(crate::pgp::Pinentry::Never);
        self
    }
}

impl App {
    /// An encrypted message needs the passphrase: hand the terminal to
    /// gpg's pinentry, then show the message again.
    pub(crate) fn unlock_for_view(&mut self, event: &StoreEvent) {
        let StoreEvent::Viewed { id, view: Ok(view) } = event else {
            return;
        };
        let needs = view
            .security
            .as_ref()
            .is_some_and(|s| s.encryption == Some(Encryption::PassphraseNeeded));
        let open = self.inbox.viewer.as_ref().is_some_and(|v| v.id == *id);
        if needs && open && self.inbox.unlock_tried != Some(*id) {
            self.inbox.unlock_tried = Some(*id);
            self.pgp_unlock = Some(UnlockRequest {
                key: None,
                then: AfterUnlock::View(*id),
            });
        }
    }

    /// Asks the store for message `id` again, if it is still open.
    pub(crate) fn inbox_view_again(&mut self, id: MessageId) -> Vec<Command> {
        let Some(viewer) = &self.inbox.viewer else {
            return Vec::new();
        };
        if viewer.id != id {
            return Vec::new();
        }
        let width = viewer.width;
        let gpg = Some(self.inbox.gpg.clone());
        vec![Command::Store(StoreRequest::View { id, width, gpg })]
    }
}
