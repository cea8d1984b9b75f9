//! The contexts a key binding can belong to: one per `[keys.*]` section of
//! the config. Kept apart from the keymap so that the action table can name
//! the contexts its actions belong to without importing the keymap.

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyContext {
    Global,
    Overlay,
    Sockets,
    Compose,
    Inbox,
}

impl KeyContext {
    pub const ALL: &'static [KeyContext] = &[
        KeyContext::Global,
        KeyContext::Overlay,
        KeyContext::Sockets,
        KeyContext::Compose,
        KeyContext::Inbox,
    ];

    pub fn name(self) -> &'static str {
        match self {
            KeyContext::Global => "global",
            KeyContext::Overlay => "overlay",
            KeyContext::Sockets => "sockets",
            KeyContext::Compose => "compose",
            KeyContext::Inbox => "inbox",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            KeyContext::Global => "Everywhere",
            KeyContext::Overlay => "In help and prompts",
            KeyContext::Sockets => "Sockets tab",
            KeyContext::Compose => "Compose tab",
            KeyContext::Inbox => "Inbox tab",
        }
    }

    pub(super) fn from_name(name: &str) -> Option<KeyContext> {
        KeyContext::ALL.iter().copied().find(|c| c.name() == name)
    }
}
