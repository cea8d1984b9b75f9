//! Which key does what, in which context. Built from the defaults in
//! `assets/keymap.toml` plus the user's `[keys.*]` overrides.

use super::action::Action;
use super::key_context::KeyContext;
use super::keyspec::KeySpec;
use std::collections::BTreeMap;

const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

/// The bindings of every context, in the order they were declared (the help
/// overlay shows them in that order).
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    contexts: BTreeMap<KeyContext, Vec<(KeySpec, Action)>>,
}

impl Keymap {
    /// The built-in keys with `overrides` (context -> key -> action name)
    /// applied. Errors name the offending section and key.
    pub fn build(overrides: &BTreeMap<String, BTreeMap<String, String>>) -> Result<Keymap, String> {
        let mut keymap = Keymap::default();
        let defaults: toml::Table = toml::from_str(DEFAULT_KEYMAP)
            .map_err(|e| format!("built-in keymap is broken: {e}"))?;
        for (context, table) in &defaults {
            let table = table
                .as_table()
                .ok_or_else(|| format!("built-in keymap: [{context}] is not a table"))?;
            for (key, action) in table {
                let action = action.as_str().unwrap_or_default();
                keymap.bind(context, key, action)?;
            }
        }
        for (context, table) in overrides {
            for (key, action) in table {
                keymap
                    .bind(context, key, action)
                    .map_err(|e| format!("[keys.{context}] \"{key}\": {e}"))?;
            }
        }
        Ok(keymap)
    }

    fn bind(&mut self, context: &str, key: &str, action: &str) -> Result<(), String> {
        let context = KeyContext::from_name(context)
            .ok_or_else(|| format!("unknown key context \"{context}\""))?;
        let spec = KeySpec::parse(key)?;
        let bindings = self.contexts.entry(context).or_default();
        bindings.retain(|(k, _)| *k != spec);
        if action == "none" {
            return Ok(());
        }
        let action = Action::from_name(action).ok_or_else(|| {
            let known: Vec<_> = Action::ALL.iter().map(|a| a.name()).collect();
            format!(
                "unknown action \"{action}\" (known: none, {})",
                known.join(", ")
            )
        })?;
        bindings.push((spec, action));
        Ok(())
    }

    /// The action bound to `key` in `context`, if any.
    pub fn lookup(&self, context: KeyContext, key: KeySpec) -> Option<Action> {
        self.contexts
            .get(&context)?
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, a)| *a)
    }

    /// Bindings of one context, for the help overlay.
    pub fn bindings(&self, context: KeyContext) -> &[(KeySpec, Action)] {
        self.contexts.get(&context).map_or(&[], Vec::as_slice)
    }

    /// All keys bound to `action` in `context`, for hints ("? help").
    pub fn keys_for(&self, context: KeyContext, action: Action) -> Vec<KeySpec> {
        self.bindings(context)
            .iter()
            .filter(|(_, a)| *a == action)
            .map(|(k, _)| *k)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn key(c: char) -> KeySpec {
        KeySpec::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn defaults_load() {
        let km = Keymap::build(&BTreeMap::new()).unwrap();
        assert_eq!(km.lookup(KeyContext::Global, key('q')), Some(Action::Quit));
        assert_eq!(
            km.lookup(KeyContext::Global, key('?')),
            Some(Action::ToggleHelp)
        );
        assert_eq!(
            km.lookup(KeyContext::Overlay, key('G')),
            Some(Action::ScrollBottom)
        );
    }

    #[test]
    fn overrides_replace_and_unbind() {
        let mut o = BTreeMap::new();
        o.insert(
            "global".to_string(),
            BTreeMap::from([
                ("q".to_string(), "none".to_string()),
                ("ctrl-q".to_string(), "quit".to_string()),
            ]),
        );
        let km = Keymap::build(&o).unwrap();
        assert_eq!(km.lookup(KeyContext::Global, key('q')), None);
        let ctrl_q = KeySpec::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
        assert_eq!(km.lookup(KeyContext::Global, ctrl_q), Some(Action::Quit));
    }

    #[test]
    fn bad_override_is_named() {
        let o = BTreeMap::from([(
            "global".to_string(),
            BTreeMap::from([("x".to_string(), "explode".to_string())]),
        )]);
        let err = Keymap::build(&o).unwrap_err();
        assert!(
            err.contains("[keys.global] \"x\"") && err.contains("explode"),
            "{err}"
        );
    }
}
