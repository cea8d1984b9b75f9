//! What every step of a send shares with its caller: the progress it
//! reports while it runs and the message the server took.

use crate::mail::smtp::{Delivery, TraceLine};
use crate::store::MessageId;
use std::sync::Arc;

/// What a send reports while it runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// A step began ("connecting", "filing in Sent").
    Stage(String),
    Trace(TraceLine),
}

pub type ProgressSink = Arc<dyn Fn(Progress) + Send + Sync>;

/// A message the server took.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    pub delivery: Delivery,
    /// Its id in the local Sent folder, when filing worked.
    pub sent_id: Option<MessageId>,
    /// Things that went wrong after the server accepted the message.
    pub warnings: Vec<String>,
}
