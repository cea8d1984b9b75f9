//! Everything a user can ask for by key. Keys map to actions through the
//! keymap; the help overlay lists actions by their descriptions, so the two
//! can never disagree.
//!
//! Each action is declared once, in the table below, with its config name,
//! its help text and the key contexts it belongs to; the enum, the name and
//! description lookups, parsing and the list of every action all come from
//! that one table, so they cannot drift apart.

use super::key_context::KeyContext;

/// One row of the action table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionSpec {
    pub action: Action,
    /// The name used in the keymap file and in config overrides.
    pub name: &'static str,
    /// What the action does, as the help overlay shows it.
    pub description: &'static str,
    /// The `[keys.*]` sections the action is meant for (a tab's keys fall
    /// back to `global`, so global actions work on every tab).
    pub contexts: &'static [KeyContext],
}

/// Declares the `Action` enum and `ACTIONS`, its table, from one list of
/// `Variant = "name" in [Context, ...]: "description";` rows.
macro_rules! actions {
    ($(
        $(#[$meta:meta])*
        $variant:ident = $name:literal in [$($context:ident),+]: $description:literal;
    )+) => {
        /// A user intent, independent of which key produced it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $($(#[$meta])* $variant,)+
        }

        /// Every action, in declaration order: `ACTIONS[a as usize]` is
        /// the row of `a`.
        pub const ACTIONS: &[ActionSpec] = &[$(
            ActionSpec {
                action: Action::$variant,
                name: $name,
                description: $description,
                contexts: &[$(KeyContext::$context),+],
            },
        )+];

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant),+];
        }
    };
}

actions! {
    Quit = "quit" in [Global]:
        "Quit (asks first while work is running)";
    ToggleHelp = "toggle_help" in [Global]:
        "Show or hide this help";
    ShowMessages = "show_messages" in [Global]:
        "All messages so far, whole, with their times";
    NextTab = "next_tab" in [Global]:
        "Next tab";
    PrevTab = "prev_tab" in [Global]:
        "Previous tab";
    ShowSockets = "show_sockets" in [Global]:
        "Go to the Sockets tab";
    ShowCompose = "show_compose" in [Global]:
        "Go to the Compose tab";
    ShowInbox = "show_inbox" in [Global]:
        "Go to the Inbox tab";
    /// Closes the open overlay or cancels the current prompt.
    Cancel = "cancel" in [Overlay, Compose]:
        "Close the overlay / cancel";
    Confirm = "confirm" in [Overlay, Compose]:
        "Confirm";
    ScrollUp = "scroll_up" in [Overlay, Compose, Inbox]:
        "Move up";
    ScrollDown = "scroll_down" in [Overlay, Compose, Inbox]:
        "Move down";
    PageUp = "page_up" in [Overlay, Compose, Inbox]:
        "Page up";
    PageDown = "page_down" in [Overlay, Compose, Inbox]:
        "Page down";
    ScrollTop = "scroll_top" in [Overlay, Inbox]:
        "Go to the top";
    ScrollBottom = "scroll_bottom" in [Overlay, Inbox]:
        "Go to the bottom";
    SocketCommandLine = "socket_command" in [Sockets]:
        "Command line (:connect, :listen, :udp, …)";
    SocketFocusInput = "socket_focus_input" in [Sockets]:
        "Type into the input line";
    SocketFocusList = "socket_focus_list" in [Sockets]:
        "Leave the input line (keys become commands)";
    SocketNext = "socket_next" in [Sockets]:
        "Next session";
    SocketPrev = "socket_prev" in [Sockets]:
        "Previous session";
    SocketView = "socket_view" in [Sockets]:
        "Text / hex / side-by-side view";
    SocketLineEnding = "socket_line_ending" in [Sockets]:
        "Line ending added on Enter (none, LF, CRLF)";
    SocketHexInput = "socket_hex_input" in [Sockets]:
        "Type hex bytes instead of text";
    SocketReconnect = "socket_reconnect" in [Sockets]:
        "Reconnect (open the session again)";
    SocketHalfClose = "socket_half_close" in [Sockets]:
        "Half-close (send FIN, keep reading)";
    SocketClose = "socket_close" in [Sockets]:
        "Close the session / stop listening";
    SocketStartTls = "socket_starttls" in [Sockets]:
        "STARTTLS (SMTP, IMAP, POP3)";
    SocketCertificate = "socket_certificate" in [Sockets]:
        "TLS: the certificate chain, verdict and raw reason";
    SocketNextPeer = "socket_next_peer" in [Sockets]:
        "UDP: reply to the next peer";
    SocketSave = "socket_save" in [Sockets]:
        "Save the transcript (raw and log)";
    SocketSendFile = "socket_send_file" in [Sockets]:
        "Send a file";
    SocketScrollUp = "socket_scroll_up" in [Sockets]:
        "Scroll the transcript up";
    SocketScrollDown = "socket_scroll_down" in [Sockets]:
        "Scroll the transcript down";
    SocketFollow = "socket_follow" in [Sockets]:
        "Follow new data (jump to the end)";
    SocketTop = "socket_top" in [Sockets]:
        "Jump to the oldest data";
    ComposeNextField = "compose_next_field" in [Compose]:
        "Next field (takes the completion shown)";
    ComposePrevField = "compose_prev_field" in [Compose]:
        "Previous field";
    ComposeSend = "compose_send" in [Compose]:
        "Send the message (through the Outbox)";
    ComposeSaveDraft = "compose_save_draft" in [Compose]:
        "Save the message in Drafts";
    ComposeEditor = "compose_editor" in [Compose]:
        "Edit the body in $EDITOR";
    ComposeAttach = "compose_attach" in [Compose]:
        "Attach a file (type its path; tab completes)";
    ComposeRemoveAttachment = "compose_remove" in [Compose]:
        "Remove the selected attachment / message";
    ComposeNextAttachment = "compose_next_attachment" in [Compose]:
        "Select the next attachment";
    ComposePrevAttachment = "compose_prev_attachment" in [Compose]:
        "Select the previous attachment";
    ComposeNextFrom = "compose_next_from" in [Compose]:
        "Send from the next account";
    ComposeToggleTrace = "compose_toggle_trace" in [Compose]:
        "Show or hide the SMTP conversation";
    ComposeToggleSign = "compose_toggle_sign" in [Compose]:
        "Sign this message with your OpenPGP key (on/off)";
    ComposeToggleEncrypt = "compose_toggle_encrypt" in [Compose]:
        "Encrypt this message to every recipient and yourself (on/off)";
    ComposeOutbox = "compose_outbox" in [Compose]:
        "Show the Outbox (unsent mail)";
    ComposeDrafts = "compose_drafts" in [Compose]:
        "Show the saved drafts";
    ComposeNew = "compose_new" in [Compose]:
        "Start a new message";
    ComposeRetry = "compose_retry" in [Compose]:
        "Send the selected Outbox message again (asks first when its delivery is unknown)";
    ComposeSendAll = "compose_send_all" in [Compose]:
        "Send everything queued in the Outbox, except of unknown delivery";
    ComposeFileAsSent = "compose_file_as_sent" in [Compose]:
        "File the selected Outbox message in Sent (it did arrive)";
    Reply = "reply" in [Inbox]:
        "Reply to the sender";
    ReplyAll = "reply_all" in [Inbox]:
        "Reply to the sender and all recipients";
    Forward = "forward" in [Inbox]:
        "Forward (original quoted inline)";
    ForwardAttached = "forward_attached" in [Inbox]:
        "Forward with the original attached";
    Pop3Sync = "pop3_sync" in [Global]:
        "Get new mail from the POP3 accounts";
    Pop3Cancel = "pop3_cancel" in [Global]:
        "Stop the POP3 sync (deletes nothing)";
    Pop3ToggleTrace = "pop3_toggle_trace" in [Global]:
        "Show or hide the POP3 protocol trace";
    Pop3TraceOlder = "pop3_trace_older" in [Inbox]:
        "Scroll the POP3 trace back a page";
    Pop3TraceNewer = "pop3_trace_newer" in [Inbox]:
        "Scroll the POP3 trace forward a page";
    InboxOpen = "inbox_open" in [Inbox]:
        "Open the folder or message under the cursor";
    InboxBack = "inbox_back" in [Inbox]:
        "Back: close message, clear search";
    InboxToggleSort = "inbox_toggle_sort" in [Inbox]:
        "Sort newest or oldest first";
    InboxToggleDateSort = "inbox_toggle_date_sort" in [Inbox]:
        "Order and date the list by when mail was sent (Date header) or when it arrived";
    InboxToggleThreads = "inbox_toggle_threads" in [Inbox]:
        "Threaded or flat list";
    InboxSearch = "inbox_search" in [Inbox]:
        "Search folder / find in message";
    InboxFindNext = "inbox_find_next" in [Inbox]:
        "Next match in the message";
    InboxToggleRead = "inbox_toggle_read" in [Inbox]:
        "Mark read / unread";
    InboxToggleFlag = "inbox_toggle_flag" in [Inbox]:
        "Flag / unflag";
    InboxDelete = "inbox_delete" in [Inbox]:
        "Delete (to Trash; from Trash for good)";
    InboxMove = "inbox_move" in [Inbox]:
        "Move to another folder or account (pick from a list)";
    InboxCopy = "inbox_copy" in [Inbox]:
        "Copy to another folder or account (pick from a list)";
    InboxNextMessage = "inbox_next_message" in [Inbox]:
        "Next message";
    InboxPrevMessage = "inbox_prev_message" in [Inbox]:
        "Previous message";
    InboxToggleHeaders = "inbox_toggle_headers" in [Inbox]:
        "Show all headers";
    InboxToggleRaw = "inbox_toggle_raw" in [Inbox]:
        "Show the raw source";
    InboxToggleHtml = "inbox_toggle_html" in [Inbox]:
        "Show the HTML source";
    InboxNextAttachment = "inbox_next_attachment" in [Inbox]:
        "Select the next attachment";
    InboxSaveAttachment = "inbox_save_attachment" in [Inbox]:
        "Save the selected attachment (asks where; Tab completes)";
    InboxSaveAll = "inbox_save_all" in [Inbox]:
        "Save all attachments into a folder (asks which)";
    InboxOpenAttachment = "inbox_open_attachment" in [Inbox]:
        "Open attachment with the system viewer";
    InboxPipeAttachment = "inbox_pipe_attachment" in [Inbox]:
        "Pipe the attachment (the message, when it has none) to a command";
    InboxImport = "inbox_import" in [Inbox]:
        "Import mbox / .eml folder / Maildir";
    InboxSync = "inbox_sync" in [Inbox]:
        "Sync the account in view now (IMAP: this folder first)";
    InboxSyncAll = "inbox_sync_all" in [Inbox]:
        "Sync every account now";
    InboxCancelSync = "inbox_cancel_sync" in [Inbox]:
        "Cancel the running syncs (IMAP accounts stop watching until synced again)";
    InboxToggleTrace = "inbox_toggle_trace" in [Inbox]:
        "Show/hide the IMAP protocol trace";
}

impl Action {
    /// This action's row of the table.
    pub fn spec(self) -> &'static ActionSpec {
        // The macro emits the enum and the table in the same order.
        &ACTIONS[self as usize]
    }

    /// The name used in the keymap file and in config overrides.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// What the action does, as the help overlay shows it.
    pub fn description(self) -> &'static str {
        self.spec().description
    }

    /// The `[keys.*]` sections the action is meant for.
    pub fn contexts(self) -> &'static [KeyContext] {
        self.spec().contexts
    }

    pub fn from_name(name: &str) -> Option<Action> {
        ACTIONS.iter().find(|a| a.name == name).map(|a| a.action)
    }

    /// The actions that belong to `context`, in table order.
    pub fn in_context(context: KeyContext) -> impl Iterator<Item = Action> {
        ACTIONS
            .iter()
            .filter(move |a| a.contexts.contains(&context))
            .map(|a| a.action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Keymap;

    #[test]
    fn the_table_is_in_enum_order() {
        for (i, spec) in ACTIONS.iter().enumerate() {
            assert_eq!(spec.action as usize, i, "{}", spec.name);
            assert_eq!(Action::ALL[i], spec.action);
        }
        assert_eq!(Action::ALL.len(), ACTIONS.len());
    }

    #[test]
    fn names_are_unique_and_parse_back() {
        for action in Action::ALL {
            assert_eq!(Action::from_name(action.name()), Some(*action));
        }
        assert_eq!(Action::from_name("explode"), None);
    }

    #[test]
    fn every_default_binding_is_in_a_context_of_its_action() {
        let keymap = Keymap::build(&Default::default()).unwrap();
        for context in KeyContext::ALL {
            for (key, action) in keymap.bindings(*context) {
                assert!(
                    Action::in_context(*context).any(|a| a == *action),
                    "[{}] {key} = {} is not declared for that context",
                    context.name(),
                    action.name()
                );
            }
        }
    }
}
