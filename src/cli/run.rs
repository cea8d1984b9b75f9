//! Running the headless commands on the store and the sync: the parsed
//! command to the engine call and its exit status.

use super::CliCommand;
use crate::config::{LoadedConfig, Paths};
use std::io::IsTerminal;
use std::process::ExitCode;

/// `wirepost sync`, `watch`, `flag` and `move`: the commands that talk
/// to the mail servers.
pub fn server_command(command: CliCommand, loaded: &LoadedConfig, paths: &Paths) -> ExitCode {
    use crate::change_command::{flag, move_message};
    match command {
        CliCommand::Sync {
            mut accounts,
            account_flags,
            folder,
            all,
            trace,
        } => {
            accounts.extend(account_flags);
            let request = crate::sync_command::SyncRequest {
                names: accounts,
                folder,
                all,
                trace,
            };
            crate::sync_command::run(loaded, paths, &request)
        }
        CliCommand::Flag { id, changes } => flag(loaded, paths, id, &changes),
        CliCommand::Move {
            id,
            folder,
            account,
            copy,
        } => move_message(loaded, paths, id, &folder, account.as_deref(), copy),
        CliCommand::Watch(args) => crate::watch_command::run(loaded, paths, args),
        _ => unreachable!("only sync, watch, flag and move come here"),
    }
}

/// The headless commands on the mail store.
pub fn store_command(command: CliCommand, loaded: &LoadedConfig, paths: &Paths) -> ExitCode {
    use crate::store::commands::{self, ListOptions};
    let dir = loaded.config.store_dir(paths);
    let store = match crate::store::Store::open(&dir) {
        Ok(store) => store,
        Err(e) => {
            eprintln!("wirepost: {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let result = match command {
        CliCommand::Import {
            path,
            folder,
            verbose,
        } => commands::import(&store, &path, folder.as_deref(), verbose, &mut out),
        CliCommand::Export(args) => crate::store::export::run(&store, &args.into(), &mut out),
        CliCommand::Reindex => commands::reindex(&store, &mut out),
        CliCommand::List {
            account,
            folder,
            search,
            json,
            limit,
        } => commands::list(
            &store,
            &ListOptions {
                account: account.as_deref(),
                folder: folder.as_deref(),
                search: search.as_deref(),
                json,
                limit,
            },
            &mut out,
        ),
        CliCommand::Show {
            id,
            raw,
            json,
            html,
        } => {
            let format = show_format(raw, json, html);
            let terminal = std::io::stdout().is_terminal();
            commands::show(&store, id, format, terminal, &mut out)
        }
        _ => unreachable!("only store commands come here"),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wirepost: {e}");
            ExitCode::FAILURE
        }
    }
}

fn show_format(raw: bool, json: bool, html: bool) -> crate::store::commands::ShowFormat {
    use crate::store::commands::ShowFormat;
    match (raw, json, html) {
        (true, _, _) => ShowFormat::Raw,
        (_, true, _) => ShowFormat::Json,
        (_, _, true) => ShowFormat::Html,
        _ => ShowFormat::Text,
    }
}
