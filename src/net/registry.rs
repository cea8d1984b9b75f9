//! The command senders of running sessions, by id: the hub routes the
//! app's commands through it, and listeners register the clients they
//! accept.

use super::session::{SessionCommand, SessionId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

/// Command senders of the running sessions, shared with listeners (which
/// register the clients they accept).
#[derive(Clone, Default)]
pub struct Registry(Arc<Mutex<HashMap<SessionId, mpsc::Sender<SessionCommand>>>>);

impl Registry {
    pub fn insert(&self, id: SessionId, tx: mpsc::Sender<SessionCommand>) {
        self.lock().insert(id, tx);
    }

    pub fn remove(&self, id: SessionId) {
        self.lock().remove(&id);
    }

    pub fn get(&self, id: SessionId) -> Option<mpsc::Sender<SessionCommand>> {
        self.lock().get(&id).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SessionId, mpsc::Sender<SessionCommand>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
