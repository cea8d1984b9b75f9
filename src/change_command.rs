//! `wirepost flag` and `wirepost move`: the changes the Inbox makes, for
//! scripts. The store changes first (so nothing is lost whatever happens
//! next), then the change goes to the server at once, as in the
//! interface. IDs are those `wirepost list` prints.
//!
//! Exit status: 0 done (on the server too, where there is one); 1 an
//! error (no such message or folder); 2 a usage error; 75 saved here but
//! the server could not take it now — the next `wirepost sync` (or any
//! later push) carries it.

use crate::config::{Account, LoadedConfig, Paths};
use crate::mail::imap::ConnectOptions;
use crate::mail::imap::push::{AccountBook, push_account};
use crate::sanitize::clean_line;
use crate::store::{FlagState, MessageId, Store, TransferKind, is_keyword};
use std::process::ExitCode;

/// Saved locally; the server did not take it yet (EX_TEMPFAIL).
pub const EXIT_QUEUED: u8 = 75;

/// One `+name` / `-name` of `wirepost flag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagEdit {
    pub set: bool,
    pub name: String,
}

/// Reads `+flagged`, `-seen`, `+\Answered`, `+$Label1`: the system flags
/// by name (with or without `\`, any case), anything else a keyword.
pub fn parse_edit(text: &str) -> Result<FlagEdit, String> {
    let (set, name) = match text.split_at_checked(1) {
        Some(("+", name)) => (true, name),
        Some(("-", name)) => (false, name),
        _ => {
            return Err(format!(
                "\"{}\": start each change with + or -",
                clean_line(text)
            ));
        }
    };
    let bare = name.trim_start_matches('\\').to_ascii_lowercase();
    let system = ["seen", "answered", "flagged", "deleted", "draft"];
    let name = if let Some(found) = system.iter().find(|s| **s == bare) {
        let mut upper = found.to_string();
        upper[..1].make_ascii_uppercase();
        format!("\\{upper}")
    } else if is_keyword(name) {
        name.to_string()
    } else {
        return Err(format!(
            "\"{}\" is not a flag (seen, answered, flagged, deleted, draft) or a keyword",
            clean_line(name)
        ));
    };
    Ok(FlagEdit { set, name })
}

/// `state` with the edits applied in order.
pub fn apply_edits(state: &FlagState, edits: &[FlagEdit]) -> FlagState {
    let mut names: Vec<String> = state
        .flags
        .to_imap()
        .into_iter()
        .map(str::to_string)
        .collect();
    names.extend(state.keywords.iter().map(str::to_string));
    for edit in edits {
        names.retain(|n| !n.eq_ignore_ascii_case(&edit.name));
        if edit.set {
            names.push(edit.name.clone());
        }
    }
    FlagState::from_imap(&names)
}

/// `wirepost flag ID CHANGE...`.
pub fn flag(loaded: &LoadedConfig, paths: &Paths, id: MessageId, changes: &[String]) -> ExitCode {
    let edits: Result<Vec<FlagEdit>, String> = changes.iter().map(|c| parse_edit(c)).collect();
    let edits = match edits {
        Ok(edits) => edits,
        Err(e) => {
            eprintln!("wirepost: {e}");
            return ExitCode::from(2);
        }
    };
    let Some(store) = open_store(loaded, paths) else {
        return ExitCode::FAILURE;
    };
    let changed = store.message_place(id).and_then(|(account, _, _)| {
        let state = apply_edits(&store.flag_state(id)?, &edits);
        store.set_flag_state(id, &state)?;
        Ok((account, state))
    });
    let (account, state) = match changed {
        Ok(done) => done,
        Err(e) => {
            eprintln!("wirepost: message {id}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{id}: {}", describe(&state));
    push(loaded, &store, &[account])
}

/// `wirepost move ID FOLDER [--account A] [--copy]`.
pub fn move_message(
    loaded: &LoadedConfig,
    paths: &Paths,
    id: MessageId,
    folder: &str,
    account: Option<&str>,
    copy: bool,
) -> ExitCode {
    let Some(store) = open_store(loaded, paths) else {
        return ExitCode::FAILURE;
    };
    let from = match store.message_place(id) {
        Ok((account, _, _)) => account,
        Err(e) => {
            eprintln!("wirepost: message {id}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let to = account.unwrap_or(&from).to_string();
    match store.has_folder(&to, folder) {
        Ok(true) => {}
        Ok(false) => {
            eprintln!(
                "wirepost: no folder \"{}\" in account \"{}\" (`wirepost list` shows them)",
                clean_line(folder),
                clean_line(&to)
            );
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("wirepost: {e}");
            return ExitCode::FAILURE;
        }
    }
    let upload = imap_account(loaded, &to).is_some();
    let kind = TransferKind { copy, upload };
    match store.transfer(id, &to, folder, kind) {
        Ok(new_id) if copy => println!("{id}: copied to {}/{} as {new_id}", to, folder),
        Ok(_) => println!("{id}: moved to {}/{}", to, folder),
        Err(e) => {
            eprintln!("wirepost: message {id}: {e}");
            return ExitCode::FAILURE;
        }
    }
    push(loaded, &store, &[to, from])
}

fn describe(state: &FlagState) -> String {
    let mut names: Vec<&str> = state.flags.to_imap();
    names.extend(state.keywords.iter());
    if names.is_empty() {
        "no flags".into()
    } else {
        clean_line(&names.join(" "))
    }
}

fn imap_account<'a>(loaded: &'a LoadedConfig, name: &str) -> Option<&'a Account> {
    loaded
        .config
        .accounts
        .iter()
        .find(|a| a.name == name && a.imap.is_some())
}

fn open_store(loaded: &LoadedConfig, paths: &Paths) -> Option<Store> {
    let dir = loaded.config.store_dir(paths);
    Store::open(&dir)
        .map_err(|e| {
            eprintln!(
                "wirepost: cannot open the mail store {}: {e}",
                dir.display()
            )
        })
        .ok()
}

/// Carries the change to each IMAP account involved, the target first
/// (so a move's source goes only after the upload).
fn push(loaded: &LoadedConfig, store: &Store, accounts: &[String]) -> ExitCode {
    let book: AccountBook = loaded
        .config
        .accounts
        .iter()
        .filter_map(|a| ConnectOptions::for_account(a).map(|o| (a.name.clone(), o)))
        .collect();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("wirepost: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_QUEUED);
        }
    };
    let mut queued = false;
    let mut seen = Vec::new();
    for account in accounts {
        if seen.contains(account) {
            continue;
        }
        seen.push(account.clone());
        let Some(opts) = book.get(account) else {
            continue;
        };
        if let Err(e) = runtime.block_on(push_account(opts, store, account, Some(&book))) {
            eprintln!(
                "wirepost: {account}: saved here, not on the server yet ({e}); \
                 the next `wirepost sync` carries it"
            );
            queued = true;
        }
    }
    if queued {
        ExitCode::from(EXIT_QUEUED)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_changes_are_read_like_a_user_writes_them() {
        let edit = |t: &str| parse_edit(t).unwrap();
        assert_eq!(edit("+flagged").name, "\\Flagged");
        assert_eq!(
            edit("-\\SEEN"),
            FlagEdit {
                set: false,
                name: "\\Seen".into()
            }
        );
        assert_eq!(edit("+$Label1").name, "$Label1");
        assert!(parse_edit("flagged").is_err());
        assert!(parse_edit("+bad(name").is_err());
        let before = FlagState::from_imap(&["\\Seen", "$Old"]);
        let edits = [
            edit("-seen"),
            edit("+answered"),
            edit("-$Old"),
            edit("+$New"),
        ];
        assert_eq!(
            apply_edits(&before, &edits),
            FlagState::from_imap(&["\\Answered", "$New"])
        );
    }
}
