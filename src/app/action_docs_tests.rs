//! config.example.toml names every action of every `[keys.*]` section, as
//! the action table declares them, so a user can find any action's name.

use super::{Action, KeyContext};

/// The comment block config.example.toml must contain.
fn expected_block() -> String {
    let mut out =
        String::from("# Actions, by section (`?` lists the keys; `a` there shows these names):\n");
    for context in KeyContext::ALL {
        out.push_str(&format!("# [keys.{}]\n", context.name()));
        let mut line = String::from("#  ");
        for action in Action::in_context(*context) {
            let word = format!(" {},", action.name());
            if line.len() + word.len() > 78 {
                out.push_str(line.trim_end());
                out.push('\n');
                line = String::from("#  ");
            }
            line.push_str(&word);
        }
        out.push_str(line.trim_end_matches(','));
        out.push('\n');
    }
    out
}

#[test]
fn config_example_lists_every_action_per_section() {
    let example = include_str!("../../config.example.toml");
    let block = expected_block();
    assert!(
        example.contains(&block),
        "config.example.toml must list the actions exactly as the action table \
         declares them; replace its list with:\n{block}"
    );
}
