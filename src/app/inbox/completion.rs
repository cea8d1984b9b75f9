//! Tab completion of a path typed into an Inbox prompt (import, save an
//! attachment). Reading folders is IO, so the candidates come from the
//! compose engine's path completer (`ComposeCommand::CompletePath`), and a
//! Tab typed before the candidates for what is typed have come waits for
//! them in the key queue (`app::deferred_keys`), keys after it behind it.

use super::{InboxState, Outcome};
use crate::app::Command;
use crate::mail::compose::engine::ComposeCommand;
use crate::mail::compose::path_complete::common_prefix;

impl InboxState {
    /// Candidates for `typed` arrived; they are kept while `typed` is
    /// still what the path prompt holds.
    pub fn offer_paths(&mut self, typed: &str, options: Vec<String>) {
        if let Some(input) = self.input.as_mut()
            && input.kind.takes_path()
            && input.line.text() == typed
        {
            input.completions = Some((typed.to_string(), options));
        }
    }

    /// A Tab in a path prompt waits while the candidates for what is
    /// typed are not here: `Some` carries the request for them.
    pub fn prompt_tab_must_wait(&self) -> Option<Vec<Command>> {
        let input = self.input.as_ref().filter(|i| i.kind.takes_path())?;
        let typed = input.line.text();
        let known = input
            .completions
            .as_ref()
            .is_some_and(|(for_text, options)| {
                for_text == typed || options.iter().any(|o| o == typed)
            });
        (!known).then(|| ask_for(typed))
    }

    /// Tab: the part all candidates share, like a shell; when nothing more
    /// is shared, each Tab shows the next candidate. A folder completed
    /// this way gets its own candidates on the next Tab.
    pub(super) fn complete_path(&mut self) -> Outcome {
        let Some(input) = self.input.as_mut() else {
            return (Vec::new(), false);
        };
        let typed = input.line.text().to_string();
        let Some((for_text, options)) = input.completions.clone() else {
            return (ask_for(&typed), false);
        };
        let next = if let Some(at) = options.iter().position(|o| *o == typed) {
            options[(at + 1) % options.len()].clone()
        } else if for_text == typed && !options.is_empty() {
            let common = common_prefix(&options);
            if common.chars().count() > typed.chars().count() {
                common
            } else {
                options[0].clone()
            }
        } else if for_text == typed {
            // Nothing completes it: stay, as a shell does.
            return (Vec::new(), false);
        } else {
            return (ask_for(&typed), false);
        };
        input.line.set_text(&next);
        if next.ends_with('/') && options.len() == 1 {
            input.completions = None;
        }
        (Vec::new(), true)
    }
}

fn ask_for(typed: &str) -> Vec<Command> {
    vec![Command::Compose(Box::new(ComposeCommand::CompletePath {
        typed: typed.to_string(),
    }))]
}
