//! Writing a message: the form's fields as a [`draft::Draft`], replies and
//! forwards built from a stored message, `mailto:` links, path completion
//! for attachments, the Drafts folder, the engine behind the Compose tab
//! and its headless twin, `wirepost send`. What leaves goes through
//! `outbox`, which knows nothing of drafts.

pub mod draft;
pub mod drafts;
pub mod engine;
pub mod headless;
pub mod mailto;
pub mod path_complete;
pub mod reply;
pub mod secure;
mod seven_bit;

pub use engine::{AccountConfig, ComposeCommand, ComposeEngine, ComposeEvent, SendSummary};
