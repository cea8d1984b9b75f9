//! Everything a user can ask for by key. Keys map to actions through the
//! keymap; the help overlay lists actions by their descriptions, so the two
//! can never disagree.

/// A user intent, independent of which key produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    ToggleHelp,
    NextTab,
    PrevTab,
    ShowSockets,
    ShowCompose,
    ShowInbox,
    /// Closes the open overlay or cancels the current prompt.
    Cancel,
    Confirm,
    ScrollUp,
    ScrollDown,
    PageUp,
    PageDown,
    ScrollTop,
    ScrollBottom,
    Pop3Sync,
    Pop3Cancel,
    Pop3ToggleTrace,
    Pop3TraceOlder,
    Pop3TraceNewer,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::Quit,
        Action::ToggleHelp,
        Action::NextTab,
        Action::PrevTab,
        Action::ShowSockets,
        Action::ShowCompose,
        Action::ShowInbox,
        Action::Cancel,
        Action::Confirm,
        Action::ScrollUp,
        Action::ScrollDown,
        Action::PageUp,
        Action::PageDown,
        Action::ScrollTop,
        Action::ScrollBottom,
        Action::Pop3Sync,
        Action::Pop3Cancel,
        Action::Pop3ToggleTrace,
        Action::Pop3TraceOlder,
        Action::Pop3TraceNewer,
    ];

    /// The name used in the keymap file and in config overrides.
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::ToggleHelp => "toggle_help",
            Action::NextTab => "next_tab",
            Action::PrevTab => "prev_tab",
            Action::ShowSockets => "show_sockets",
            Action::ShowCompose => "show_compose",
            Action::ShowInbox => "show_inbox",
            Action::Cancel => "cancel",
            Action::Confirm => "confirm",
            Action::ScrollUp => "scroll_up",
            Action::ScrollDown => "scroll_down",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::ScrollTop => "scroll_top",
            Action::ScrollBottom => "scroll_bottom",
            Action::Pop3Sync => "pop3_sync",
            Action::Pop3Cancel => "pop3_cancel",
            Action::Pop3ToggleTrace => "pop3_toggle_trace",
            Action::Pop3TraceOlder => "pop3_trace_older",
            Action::Pop3TraceNewer => "pop3_trace_newer",
        }
    }

    /// What the action does, as the help overlay shows it.
    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "Quit (asks first while work is running)",
            Action::ToggleHelp => "Show or hide this help",
            Action::NextTab => "Next tab",
            Action::PrevTab => "Previous tab",
            Action::ShowSockets => "Go to the Sockets tab",
            Action::ShowCompose => "Go to the Compose tab",
            Action::ShowInbox => "Go to the Inbox tab",
            Action::Cancel => "Close the overlay / cancel",
            Action::Confirm => "Confirm",
            Action::ScrollUp => "Move up",
            Action::ScrollDown => "Move down",
            Action::PageUp => "Page up",
            Action::PageDown => "Page down",
            Action::ScrollTop => "Go to the top",
            Action::ScrollBottom => "Go to the bottom",
            Action::Pop3Sync => "Get new mail from the POP3 accounts",
            Action::Pop3Cancel => "Stop the POP3 sync (deletes nothing)",
            Action::Pop3ToggleTrace => "Show or hide the POP3 protocol trace",
            Action::Pop3TraceOlder => "Scroll the POP3 trace back a page",
            Action::Pop3TraceNewer => "Scroll the POP3 trace forward a page",
        }
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }
}
