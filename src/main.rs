//! The `wirepost` binary: parses the command line, loads the config, and
//! either runs a headless command or the terminal interface.

use clap::{CommandFactory, Parser};
use std::io::{IsTerminal, stdout};
use std::process::ExitCode;
use wirepost::app::{App, Keymap};
use wirepost::cli::{Cli, CliCommand, describe_config};
use wirepost::config::{Config, LoadedConfig, Paths};
use wirepost::engines::Engines;
use wirepost::mail::compose::draft::Draft;
use wirepost::tui::{self, CrosstermScreen, InputReader, LoopExit, TerminalGuard};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let paths = Paths::from_env();
    if let Some(CliCommand::Completions { shell }) = &cli.command {
        clap_complete::generate(*shell, &mut Cli::command(), "wirepost", &mut stdout());
        return ExitCode::SUCCESS;
    }
    // Everything that can fail because of the user's files fails here, on a
    // normal terminal, before the screen is taken over.
    let (loaded, keymap) = match load_config(&cli, &paths) {
        Ok(both) => both,
        Err(code) => return code,
    };
    match cli.command {
        Some(CliCommand::CheckConfig) => {
            print!("{}", describe_config(&loaded, &paths));
            ExitCode::SUCCESS
        }
        Some(
            command @ (CliCommand::Sync { .. }
            | CliCommand::Watch(_)
            | CliCommand::Flag { .. }
            | CliCommand::Move { .. }),
        ) => {
            let _log_guard = wirepost::logging::init(&paths.log_file(), &cli.log_level).ok();
            server_command(command, &loaded, &paths)
        }
        Some(CliCommand::Completions { .. }) => unreachable!("handled above"),
        Some(CliCommand::Tcp(args)) => wirepost::net::pipe_cli::tcp(args),
        Some(CliCommand::Listen(args)) => wirepost::net::pipe_cli::listen(args),
        Some(CliCommand::Udp(args)) => wirepost::net::pipe_cli::udp(args),
        Some(CliCommand::Contacts { text }) => ExitCode::from(
            wirepost::mail::contacts::run_headless(&loaded.config, &paths, &text),
        ),
        Some(CliCommand::Send(args)) => {
            ExitCode::from(
                wirepost::mail::compose::headless::run(&loaded.config, &paths, args) as u8,
            )
        }
        Some(
            command @ (CliCommand::Import { .. }
            | CliCommand::Reindex
            | CliCommand::List { .. }
            | CliCommand::Show { .. }),
        ) => store_command(command, &loaded, &paths),
        None => match parse_mailto(cli.mailto.as_deref()) {
            Ok(mailto) => run_tui(loaded, keymap, &paths, &cli.log_level, mailto),
            Err(code) => code,
        },
    }
}

/// The config file and the keymap built from it; a broken one is reported
/// and becomes exit code 2.
fn load_config(cli: &Cli, paths: &Paths) -> Result<(LoadedConfig, Keymap), ExitCode> {
    let loaded = match Config::load(cli.config.as_deref(), paths) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("wirepost: {e}");
            return Err(ExitCode::from(2));
        }
    };
    match Keymap::build(&loaded.config.keys) {
        Ok(keymap) => Ok((loaded, keymap)),
        Err(e) => {
            eprintln!("wirepost: {}: {e}", loaded.origin.path().display());
            Err(ExitCode::from(2))
        }
    }
}

/// The `mailto:` link to open the composer on, if one was given; a broken
/// one is reported and becomes exit code 2.
fn parse_mailto(link: Option<&str>) -> Result<Option<Draft>, ExitCode> {
    match link.map(wirepost::mail::compose::mailto::parse) {
        Some(Err(e)) => {
            eprintln!("wirepost: {e}");
            Err(ExitCode::from(2))
        }
        Some(Ok(draft)) => Ok(Some(draft)),
        None => Ok(None),
    }
}

fn run_tui(
    loaded: LoadedConfig,
    keymap: Keymap,
    paths: &Paths,
    log_level: &str,
    mailto: Option<Draft>,
) -> ExitCode {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!("wirepost: the interface needs a terminal (stdin and stdout must be a tty)");
        return ExitCode::from(2);
    }
    let _log_guard = match wirepost::logging::init(&paths.log_file(), log_level) {
        Ok(guard) => Some(guard),
        Err(e) => {
            eprintln!("wirepost: {e}; continuing without a log file");
            None
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("wirepost: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(config = %loaded.origin.path().display(), "starting");
    let result = runtime.block_on(interface(loaded, keymap, paths, mailto));
    tui::restore_terminal();
    // Jobs were aborted above, but blocking work cannot be (a store write
    // finishing, a password command waiting on its own prompt): give it a
    // moment, never the power to keep wirepost from exiting. What the store
    // had not committed is recovered when it next opens.
    runtime.shutdown_timeout(std::time::Duration::from_secs(3));
    match result {
        Ok(exit) => {
            tracing::info!(?exit, "exiting");
            match exit {
                LoopExit::Quit | LoopExit::InputClosed => ExitCode::SUCCESS,
                LoopExit::Signal => ExitCode::from(130),
            }
        }
        Err(e) => {
            tracing::error!("terminal error: {e}");
            eprintln!("wirepost: terminal error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The interface from taking over the terminal to giving it back: the
/// app, its engines and the event loop, then the shutdown that keeps an
/// unsent message.
async fn interface(
    loaded: LoadedConfig,
    keymap: Keymap,
    paths: &Paths,
    mailto: Option<Draft>,
) -> std::io::Result<LoopExit> {
    tui::install_panic_hook();
    let _guard = TerminalGuard::enter()?;
    let mut screen = CrosstermScreen::new()?;
    let store_dir = loaded.config.store_dir(paths);
    let mut app = App::new(loaded, keymap);
    app.size = screen.size()?;
    app.inbox.store_dir = Some(store_dir);
    app.inbox.zone = wirepost::mailview::Zone::Local;
    let (mut engines, reports) = Engines::new();
    let store_dir = app.config.store_dir(paths);
    engines.set_store_dir(store_dir.clone());
    engines.set_pgp(&app.config.pgp);
    if let Some(draft) = mailto {
        app.open_mailto(draft);
    }
    // The cached view first, then every account syncs and stays live.
    for command in app.start() {
        engines.dispatch(command);
    }
    let (mut reader, input) = InputReader::start();
    let exit = tui::run(
        &mut app,
        &mut screen,
        &mut reader,
        input,
        reports,
        &mut engines,
        termination_signal(),
    )
    .await;
    engines.shutdown();
    reader.pause();
    save_unsent(&app, &store_dir).await;
    exit
}

/// Keeps a message that was being written when the program quits: it goes
/// to Drafts (locally, and on the IMAP server when the account has one).
async fn save_unsent(app: &App, store_dir: &std::path::Path) {
    let Some((account, draft, previous)) = app.compose.unsaved_draft(&app.config) else {
        return;
    };
    tui::restore_terminal();
    eprintln!("wirepost: saving the unsent message to Drafts…");
    let dir = store_dir.to_path_buf();
    let store = match tokio::task::spawn_blocking(move || wirepost::store::Store::open(&dir)).await
    {
        Ok(Ok(store)) => store,
        Ok(Err(e)) => {
            eprintln!("wirepost: cannot open the mail store, the draft is lost: {e}");
            return;
        }
        Err(e) => {
            eprintln!("wirepost: {e}");
            return;
        }
    };
    // The local copy is written first and fast; do not keep the user
    // waiting long for a slow IMAP server on the way out.
    let save = wirepost::mail::compose::drafts::save_draft(store, account, draft, previous);
    match tokio::time::timeout(std::time::Duration::from_secs(15), save).await {
        Ok(Ok((_, None))) => eprintln!("wirepost: draft saved"),
        Ok(Ok((_, Some(warning)))) => eprintln!("wirepost: {warning}"),
        Ok(Err(e)) => eprintln!("wirepost: cannot save the draft: {e}"),
        Err(_) => eprintln!("wirepost: draft saved locally; the server copy took too long"),
    }
}

/// `wirepost sync`, `watch`, `flag` and `move`: the commands that talk
/// to the mail servers.
fn server_command(command: CliCommand, loaded: &LoadedConfig, paths: &Paths) -> ExitCode {
    use wirepost::change_command::{flag, move_message};
    match command {
        CliCommand::Sync {
            mut accounts,
            account_flags,
            folder,
            all,
            trace,
        } => {
            accounts.extend(account_flags);
            let request = wirepost::sync_command::SyncRequest {
                names: accounts,
                folder,
                all,
                trace,
            };
            wirepost::sync_command::run(loaded, paths, &request)
        }
        CliCommand::Flag { id, changes } => flag(loaded, paths, id, &changes),
        CliCommand::Move {
            id,
            folder,
            account,
            copy,
        } => move_message(loaded, paths, id, &folder, account.as_deref(), copy),
        CliCommand::Watch(args) => wirepost::watch_command::run(loaded, paths, args),
        _ => unreachable!("only sync, watch, flag and move come here"),
    }
}

/// The headless commands on the mail store.
fn store_command(command: CliCommand, loaded: &LoadedConfig, paths: &Paths) -> ExitCode {
    use wirepost::store::commands::{self, ListOptions, ShowFormat};
    let dir = loaded.config.store_dir(paths);
    let store = match wirepost::store::Store::open(&dir) {
        Ok(store) => store,
        Err(e) => {
            eprintln!("wirepost: {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let result = match command {
        CliCommand::Import { path, folder } => {
            commands::import(&store, &path, folder.as_deref(), &mut out)
        }
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
            let format = match (raw, json, html) {
                (true, _, _) => ShowFormat::Raw,
                (_, true, _) => ShowFormat::Json,
                (_, _, true) => ShowFormat::Html,
                _ => ShowFormat::Text,
            };
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

/// Resolves on SIGTERM, SIGHUP or SIGINT, so the terminal is restored when
/// the window closes or the process is killed politely.
fn termination_signal() -> impl Future<Output = ()> {
    use tokio::signal::unix::{SignalKind, signal};
    // Registered now, before the first frame is drawn: a signal that
    // arrives while the interface starts must restore the terminal too.
    let signals = (
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
        signal(SignalKind::interrupt()),
    );
    async move {
        let (Ok(mut term), Ok(mut hup), Ok(mut int)) = signals else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = term.recv() => tracing::info!("SIGTERM"),
            _ = hup.recv() => tracing::info!("SIGHUP"),
            _ = int.recv() => tracing::info!("SIGINT"),
        }
    }
}
