//! The content of the help overlay, generated from the live keymap so that
//! it always lists the keys that really work.

use super::{Action, KeyContext, Keymap};

/// One line of the help overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpLine {
    /// A context heading ("Everywhere", "Inbox tab").
    Heading(&'static str),
    /// A sentence of explanation, wrapped to the overlay's width.
    Note(&'static str),
    /// Keys (already formatted, e.g. "q, Ctrl-c") and what they do.
    Binding {
        keys: String,
        description: &'static str,
        /// The action's config name (shown on request).
        name: &'static str,
    },
    Blank,
}

/// The one rule for keys while text is being typed (README.md, "Keys").
const TYPING_RULE: &str = "While a prompt or input line has the cursor, keys type \
text and edit it like a shell line: Ctrl-a/Ctrl-e start/end, Ctrl-u/Ctrl-k cut \
before/after the cursor, Ctrl-w the word before, Alt-b/Alt-f move by word; a \
control key never types a letter. Esc leaves the line; outside it q quits. \
Ctrl-c quits from anywhere. Tab/Shift-Tab switch tabs wherever a tab has no \
other use for them (the Compose form uses them to move between fields).";

/// The help content: the typing rule, then every context that has
/// bindings, each action once with all its keys.
pub fn help_lines(keymap: &Keymap) -> Vec<HelpLine> {
    let mut lines = vec![HelpLine::Heading("Typing"), HelpLine::Note(TYPING_RULE)];
    for context in KeyContext::ALL {
        let bindings = keymap.bindings(*context);
        if bindings.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(HelpLine::Blank);
        }
        lines.push(HelpLine::Heading(context.title()));
        let mut seen: Vec<Action> = Vec::new();
        for (_, action) in bindings {
            if seen.contains(action) {
                continue;
            }
            seen.push(*action);
            let keys: Vec<String> = keymap
                .keys_for(*context, *action)
                .iter()
                .map(ToString::to_string)
                .collect();
            lines.push(HelpLine::Binding {
                keys: keys.join(", "),
                description: action.description(),
                name: action.name(),
            });
        }
    }
    lines
}

/// How many lines the help content has, to bound scrolling.
pub fn help_line_count(keymap: &Keymap) -> u16 {
    u16::try_from(help_lines(keymap).len()).unwrap_or(u16::MAX)
}
