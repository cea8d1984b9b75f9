use clap::{CommandFactory, Parser};
use std::io::IsTerminal;
use std::process::ExitCode;
use wirepost::app::{App, Keymap};
use wirepost::cli::{Cli, CliCommand, describe_config};
use wirepost::config::{Config, LoadedConfig, Paths};
use wirepost::engines::Engines;
use wirepost::tui::{self, CrosstermScreen, InputReader, LoopExit, TerminalGuard};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let paths = Paths::from_env();
    if let Some(CliCommand::Completions { shell }) = &cli.command {
        clap_complete::generate(
            *shell,
            &mut Cli::command(),
            "wirepost",
            &mut std::io::stdout(),
        );
        return ExitCode::SUCCESS;
    }
    // Everything that can fail because of the user's files fails here, on a
    // normal terminal, before the screen is taken over.
    let loaded = match Config::load(cli.config.as_deref(), &paths) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("wirepost: {e}");
            return ExitCode::from(2);
        }
    };
    let keymap = match Keymap::build(&loaded.config.keys) {
        Ok(keymap) => keymap,
        Err(e) => {
            eprintln!("wirepost: {}: {e}", loaded.origin.path().display());
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Some(CliCommand::CheckConfig) => {
            print!("{}", describe_config(&loaded, &paths));
            ExitCode::SUCCESS
        }
        Some(CliCommand::Completions { .. }) => unreachable!("handled above"),
        Some(CliCommand::Sync {
            account,
            account_flag,
            folder,
            all,
        }) => wirepost::mail::imap::headless::sync(
            &loaded.config,
            &paths,
            account.or(account_flag).as_deref(),
            folder.as_deref(),
            all,
        ),
        Some(command) => store_command(command, &loaded, &paths),
        None => run_tui(loaded, keymap, &paths, &cli.log_level),
    }
}

fn run_tui(loaded: LoadedConfig, keymap: Keymap, paths: &Paths, log_level: &str) -> ExitCode {
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
    let result = runtime.block_on(async {
        tui::install_panic_hook();
        let _guard = TerminalGuard::enter()?;
        let mut screen = CrosstermScreen::new()?;
        let store_dir = loaded.config.store_dir(paths);
        let mut app = App::new(loaded, keymap);
        app.size = screen.size()?;
        app.inbox.store_dir = Some(store_dir);
        let (mut engines, reports) = Engines::new();
        for command in app.inbox.start() {
            engines.dispatch(command);
        }
        let (_reader, input) = InputReader::start();
        let exit = tui::run(
            &mut app,
            &mut screen,
            input,
            reports,
            &mut engines,
            termination_signal(),
        )
        .await;
        engines.shutdown();
        exit
    });
    tui::restore_terminal();
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
        CliCommand::CheckConfig | CliCommand::Completions { .. } | CliCommand::Sync { .. } => {
            Ok(())
        }
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
async fn termination_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut hup), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
        signal(SignalKind::interrupt()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => tracing::info!("SIGTERM"),
        _ = hup.recv() => tracing::info!("SIGHUP"),
        _ = int.recv() => tracing::info!("SIGINT"),
    }
}
